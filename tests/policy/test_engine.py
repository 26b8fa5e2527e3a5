"""Deciding: hit policies, defaults, effective dates, missing fields, explanations, versions."""

import datetime as dt

import pytest

from policy import DurableEngine, ReferenceEngine, load_pack

from .packs import RULES, write_pack

MARCH = dt.date(2020, 3, 1)
RESIDENT_FEVER = {"role": "resident", "has_pass": True, "temperature_c": 38.0}
ENGINES = [ReferenceEngine, DurableEngine]


@pytest.fixture(params=ENGINES, ids=["reference", "durable"])
def engine_class(request):
    return request.param


def test_priority_picks_the_highest_and_says_why_the_others_lost(tmp_path, engine_class):
    engine = engine_class(load_pack(write_pack(tmp_path)))
    d = engine.decide("gate", RESIDENT_FEVER, at=MARCH)
    assert (d.outcome, d.rule, d.obligations) == ("hold", "fever", ("retest",))
    assert [(m.rule, m.status) for m in d.matched] == [
        ("fever", "decided"), ("resident", "lower priority (10 < 100)")]
    assert d.reason.en == "fever" and d.reason.zh == "发热"
    assert d.policy == "mini@1"


def test_first_takes_pack_order_not_priority(tmp_path, engine_class):
    engine = engine_class(load_pack(write_pack(tmp_path, RULES.replace("priority: 100", "priority: 0"),
                                               hit_policy="first")))
    d = engine.decide("gate", RESIDENT_FEVER, at=MARCH)
    assert d.rule == "fever"
    reordered = RULES.split("- id: resident")
    engine = engine_class(load_pack(write_pack(tmp_path / "b", "- id: resident" + reordered[1] + reordered[0],
                                               hit_policy="first")))
    d = engine.decide("gate", RESIDENT_FEVER, at=MARCH)
    assert d.rule == "resident"
    assert d.matched[1].status == "later in pack order"


def test_collect_merges_obligations_in_priority_order(tmp_path, engine_class):
    engine = engine_class(load_pack(write_pack(tmp_path, hit_policy="collect")))
    d = engine.decide("gate", RESIDENT_FEVER, at=MARCH)
    assert d.outcome == "hold"
    assert d.obligations == ("retest", "register")
    assert [m.status for m in d.matched] == ["decided", "contributed"]


def test_default_decides_when_no_rule_matches(tmp_path, engine_class):
    engine = engine_class(load_pack(write_pack(tmp_path)))
    d = engine.decide("gate", {"role": "tourist", "has_pass": False, "temperature_c": 36.5}, at=MARCH)
    assert (d.outcome, d.rule, d.matched, d.decided_by_default) == ("turn_back", None, (), True)
    assert "default" in d.reason.en


def test_no_rule_and_no_default_is_undecided_not_a_crash(tmp_path, engine_class):
    engine = engine_class(load_pack(write_pack(tmp_path, default=None)))
    d = engine.decide("gate", {"role": "tourist", "has_pass": False, "temperature_c": 36.5}, at=MARCH)
    assert (d.outcome, d.rule, d.reason) == (None, None, None)
    assert d.to_json()["outcome"] is None


def test_only_rules_in_force_on_the_day_apply(tmp_path, engine_class):
    engine = engine_class(load_pack(write_pack(tmp_path)))
    delivery = {"role": "delivery", "has_pass": False, "temperature_c": 36.5}
    by_day = {day: engine.decide("gate", delivery, at=dt.date.fromisoformat(day)).rule
              for day in ("2020-02-08", "2020-02-09", "2020-04-29", "2020-04-30")}
    assert by_day == {"2020-02-08": None, "2020-02-09": "delivery", "2020-04-29": "delivery",
                      "2020-04-30": None}


def test_not_is_true_on_a_missing_field_while_ne_is_false(tmp_path, engine_class):
    rules = RULES + """\
- id: not-early
  decision: gate
  priority: 5
  when: {role: tourist, not: {since: {lt: 2020-02-01}}}
  then: admit
  reason: {zh: 非早到, en: not early}
  source: test
- id: ne-early
  decision: gate
  priority: 4
  when: {role: tourist, since: {ne: 2020-01-01}}
  then: handle
  reason: {zh: 非元旦, en: not new year}
  source: test
"""
    engine = engine_class(load_pack(write_pack(tmp_path, rules)))
    tourist = {"role": "tourist", "has_pass": False, "temperature_c": 36.5}
    assert [m.rule for m in engine.decide("gate", tourist, at=MARCH).matched] == ["not-early"]
    early = dict(tourist, since="2020-01-01")
    assert engine.decide("gate", early, at=MARCH).matched == ()
    late = dict(tourist, since="2020-03-01")
    assert [m.rule for m in engine.decide("gate", late, at=MARCH).matched] == ["not-early", "ne-early"]


def test_two_versions_of_a_pack_decide_side_by_side(tmp_path):
    old = DurableEngine(load_pack(write_pack(tmp_path / "v1")))
    new = DurableEngine(load_pack(write_pack(tmp_path / "v2", RULES.replace("then: hold", "then: turn_back"),
                                             version=2)))
    same = DurableEngine(load_pack(write_pack(tmp_path / "v1-again")))
    for _ in range(2):
        assert old.decide("gate", RESIDENT_FEVER, at=MARCH).outcome == "hold"
        assert new.decide("gate", RESIDENT_FEVER, at=MARCH).outcome == "turn_back"
        assert same.decide("gate", RESIDENT_FEVER, at=MARCH).policy == "mini@1"
    assert new.decide("gate", RESIDENT_FEVER, at=MARCH).policy == "mini@2"


def test_each_cell_is_posted_once(tmp_path):
    engine = DurableEngine(load_pack(write_pack(tmp_path)))
    for temperature in (36.0, 36.4, 36.9, 37.2, 37.3, 38.0, 39.5):
        engine.decide("gate", dict(RESIDENT_FEVER, temperature_c=temperature), at=MARCH)
    assert engine.posts == 3  # below 37.3, at 37.3, above 37.3
    decided = engine.decide("gate", dict(RESIDENT_FEVER, temperature_c=36.1), at=dt.date(2020, 3, 2))
    assert decided.at == dt.date(2020, 3, 2) and engine.posts == 3


def test_unknown_decision_is_a_located_error(tmp_path):
    from policy import RecordError
    engine = ReferenceEngine(load_pack(write_pack(tmp_path)))
    with pytest.raises(RecordError, match="no decision 'gates' in mini@1"):
        engine.decide("gates", RESIDENT_FEVER)


INHERITED = {}


def _decide_in_worker():
    return INHERITED["engine"].decide("gate", RESIDENT_FEVER, at=MARCH).rule


def test_an_engine_built_before_a_fork_still_decides_in_the_child(tmp_path):
    """The child inherits the engine but not durable's host; it registers afresh."""
    import multiprocessing

    INHERITED["engine"] = engine = DurableEngine(load_pack(write_pack(tmp_path)), cache=False)
    assert engine.decide("gate", RESIDENT_FEVER, at=MARCH).rule == "fever"
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            assert pool.apply(_decide_in_worker) == "fever"
    finally:
        INHERITED.clear()


def test_output_files_get_the_usual_permissions(tmp_path):
    import os

    from policy.atomic import atomic_writer
    with atomic_writer(tmp_path / "out.txt") as out:
        out.write("x")
    assert os.stat(tmp_path / "out.txt").st_mode & 0o777 == 0o666 & ~_umask()


def _umask():
    import os
    mask = os.umask(0)
    os.umask(mask)
    return mask
