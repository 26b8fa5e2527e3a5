"""Change impact: the diff of two packs over a register equals deciding each case twice."""

import collections
import datetime as dt
import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

from policy import DurableEngine, ReferenceEngine, load_pack
from policy.analysis.diff import diff_lines, diff_records
from policy.analysis.impact_report import impact_json, render_text
from policy.errors import PolicysimError

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "policy" / "packs" / "xiongerzhai-2020"
REGISTER = ROOT / "registers" / "xiongerzhai-2020.jsonl"
AT = dt.date(2020, 3, 1)


def edited_pack(tmp_path: Path, name: str, old: str, new: str, rules: str = "gate.yaml") -> Path:
    """A copy of the shipped pack with one piece of one rule file replaced."""
    root = tmp_path / name
    shutil.copytree(PACK, root)
    path = root / "rules" / rules
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return root


NO_PASS = ("  when: {gate_level: village, role: {in: [resident, commuter]}, has_pass: false}\n"
           "  then: admit_and_register")
OBSERVATION_DATES = "  effective: {from: 2020-02-14}\n\n- id: quarantine.outside-released"


@pytest.fixture(scope="module")
def register_lines():
    return REGISTER.read_text(encoding="utf-8").splitlines(keepends=True)


def expected(old_pack, new_pack, lines):
    """The oracle: each case decided by the reference evaluator under both packs."""
    old, new = ReferenceEngine(old_pack), ReferenceEngine(new_pack)
    transitions, changed = collections.Counter(), []
    for line in lines:
        record = json.loads(line)
        decision, at = record.pop("decision"), dt.date.fromisoformat(record.pop("at"))
        a, b = old.decide(decision, record, at), new.decide(decision, record, at)
        transitions[(decision, a.outcome, b.outcome)] += 1
        if a.outcome != b.outcome:
            changed.append((record["id"], a.rule, b.rule))
    return transitions, changed


def observed(impact):
    transitions = collections.Counter({(d.decision, t.old, t.new): t.count
                                       for d in impact.decisions for t in d.transitions})
    changed = [(r.id, r.old_rule, r.new_rule) for d in impact.decisions for r in d.changed_records]
    return transitions, sorted(changed)


def test_an_outcome_edit_changes_exactly_the_cases_its_rule_decided(tmp_path, register_lines):
    new_root = edited_pack(tmp_path, "new", NO_PASS, NO_PASS.replace("admit_and_register", "turn_back"))
    old_pack, new_pack = load_pack(PACK), load_pack(new_root)
    impact = diff_lines(DurableEngine(old_pack), DurableEngine(new_pack), register_lines, "r.jsonl", AT)
    want_transitions, want_changed = expected(old_pack, new_pack, register_lines)
    assert observed(impact) == (want_transitions, sorted(want_changed))
    gate = next(d for d in impact.decisions if d.decision == "gate_admission")
    assert [(t.old, t.new) for t in gate.transitions if t.changed] == [("admit_and_register", "turn_back")]
    assert gate.changed > 0 and impact.changed == gate.changed
    rule = "gate.resident-village-no-pass-2020-02-09"
    assert {(r.old_rule, r.new_rule) for r in gate.changed_records} == {(rule, rule)}
    assert sum(b.changed for b in gate.by_village) == sum(b.changed for b in gate.by_role) == gate.changed
    assert {b.name for b in gate.by_role if b.changed} <= {"resident", "commuter"}
    assert gate.role_field == "role"


def test_an_effective_date_edit_changes_only_the_days_it_moves(tmp_path, register_lines):
    new_root = edited_pack(tmp_path, "new", OBSERVATION_DATES,
                           OBSERVATION_DATES.replace("from: 2020-02-14", "from: 2020-03-01"), "quarantine.yaml")
    old_pack, new_pack = load_pack(PACK), load_pack(new_root)
    impact = diff_lines(DurableEngine(old_pack), DurableEngine(new_pack), register_lines, "r.jsonl", AT)
    want_transitions, want_changed = expected(old_pack, new_pack, register_lines)
    assert observed(impact) == (want_transitions, sorted(want_changed))
    quarantine = next(d for d in impact.decisions if d.decision == "quarantine_status")
    assert quarantine.changed_records, "the register has outside-Beijing returners in late February"
    for record in quarantine.changed_records:
        assert dt.date(2020, 2, 14) <= record.at < dt.date(2020, 3, 1)
        assert (record.old_outcome, record.new_outcome) == ("home_observation", "none")
        assert record.role in ("returner", "away") and quarantine.role_field == "meta.role"


def test_identical_packs_change_nothing(register_lines):
    pack = load_pack(PACK)
    impact = diff_lines(DurableEngine(pack), DurableEngine(load_pack(PACK)), register_lines, "r.jsonl", AT)
    assert impact.changed == 0 and impact.percent == 0 and not impact.errors
    assert all(not t.changed for d in impact.decisions for t in d.transitions)
    assert all(d.rule_only == 0 and not d.changed_records for d in impact.decisions)
    assert "0 of 5,718 decisions change (0.0%)" in render_text(impact)


def test_the_shipped_register_decides_under_the_shipped_pack_without_errors(register_lines):
    pack = load_pack(PACK)
    impact = diff_lines(DurableEngine(pack), DurableEngine(pack), register_lines, str(REGISTER), AT)
    assert not impact.errors
    counts = collections.Counter(json.loads(line)["decision"] for line in register_lines)
    assert {d.decision: d.records for d in impact.decisions} == counts
    assert counts["quarantine_status"] == 2_859  # every resident (2020 census) has one
    people = {json.loads(line)["meta"]["household"] for line in register_lines}
    assert len(people) == 1_316


def _layouts(line):
    """The same case written four other ways: keys sorted, ASCII escapes, compact, meta last."""
    record = json.loads(line)
    meta = record.pop("meta")
    yield json.dumps({**record, "meta": meta}, sort_keys=True) + "\n"
    yield json.dumps({**record, "meta": meta}) + "\n"
    yield json.dumps({**record, "meta": meta}, ensure_ascii=False, separators=(",", ":")) + "\n"
    yield json.dumps({"id": record["id"], "meta": meta, **record}, ensure_ascii=False) + "\n"


def test_the_same_cases_written_other_ways_give_the_same_impact(tmp_path, register_lines):
    new_root = edited_pack(tmp_path, "new", NO_PASS, NO_PASS.replace("admit_and_register", "turn_back"))
    old_pack, new_pack = load_pack(PACK), load_pack(new_root)
    lines = register_lines[:600]
    mixed = [variant if i % 5 else line for i, line in enumerate(lines)
             for variant in [list(_layouts(line))[i % 4]]]
    fast = impact_json(diff_lines(DurableEngine(old_pack), DurableEngine(new_pack), lines, "r", AT))
    slow = impact_json(diff_lines(DurableEngine(old_pack), DurableEngine(new_pack), mixed, "r", AT))
    assert fast == slow and fast["changed"] > 0


def test_lines_that_only_look_alike_are_not_confused():
    pack = load_pack(PACK)
    base = {"id": "a", "decision": "return_deferral", "at": "2020-03-01",
            "meta": {"village": "南岔", "role": "away"},
            "origin": "hubei", "necessity": "medical", "registered_in_advance": False}
    text = json.dumps(base, ensure_ascii=False)
    lines = [
        text,
        # the same case, other meta (a '}' inside a string, a nested object): same outcome
        json.dumps({**base, "id": "b", "meta": {"note": "x}y", "village": "花峪", "role": "away"}}, ensure_ascii=False),
        json.dumps({**base, "id": "c", "meta": {"village": "花峪", "role": "away", "more": {"a": 1}}},
                   ensure_ascii=False),
        # a second "id" (or "at") later in the line: which one counts is ambiguous, so an error
        text[:-1] + ', "id": "d"}',
        # text inside meta that looks like the key: a bad record, not the memoised case
        text.replace('"meta": {', '"meta": {"x": 1}, "origin2": {'),
        # the same case on another day: Hubei returns were permitted on 02-01, barred on 03-05
        text.replace('"id": "a"', '"id": "e"').replace("2020-03-01", "2020-02-01"),
        text.replace('"id": "a"', '"id": "f"')[:-1] + ', "at": "2020-02-01"}',
        # 0 is not false, whatever the memo holds for false
        text.replace('"id": "a"', '"id": "g"').replace("false", "0"),
        # a leading zero is not JSON, though the rest of the line is the memoised case
        text.replace('"id": "a"', '"id": 007'),
    ]
    impact = diff_lines(DurableEngine(pack), DurableEngine(pack), [x + "\n" for x in lines], "r", AT)
    assert impact.records == 4
    assert [(e.location.line, e.location.path, e.code) for e in impact.errors] == [
        (4, "id", "jsonl.repeated-key"), (5, "origin2", "record.unknown-field"), (7, "at", "jsonl.repeated-key"),
        (8, "registered_in_advance", "record.value"), (9, "", "jsonl.syntax")]
    [ret] = impact.decisions
    assert {b.name: b.records for b in ret.by_village} == {"南岔": 2, "花峪": 2}
    assert {(t.old, t.count) for t in ret.transitions} == {("barred", 3), ("permit_with_registration", 1)}


def test_bad_lines_are_located_and_the_rest_still_compared():
    pack = load_pack(PACK)
    good = {"id": "g", "decision": "return_deferral", "at": "2020-03-01", "meta": {"village": "南岔", "role": "away"},
            "origin": "hubei", "necessity": "medical", "registered_in_advance": False}
    lines = [json.dumps(good), "{not json", json.dumps({**good, "decision": "nope"}),
             json.dumps({k: v for k, v in good.items() if k != "decision"}),
             json.dumps({**good, "origin": "mars"}), json.dumps({**good, "at": "March"}), "", "[1, 2]",
             json.dumps(good)]
    impact = diff_lines(DurableEngine(pack), DurableEngine(pack), lines, "reg.jsonl", AT)
    assert impact.records == 2
    found = [(str(e.location), e.location.path, e.code) for e in impact.errors]
    assert found == [("reg.jsonl:2:2", "", "jsonl.syntax"), ("reg.jsonl:3", "decision", "decision.unknown"),
                     ("reg.jsonl:4", "decision", "record.decision"), ("reg.jsonl:5", "origin", "record.value"),
                     ("reg.jsonl:6", "at", "record.value"), ("reg.jsonl:8", "", "record.type")]


def test_a_case_without_its_own_day_is_decided_on_the_default_day():
    pack = load_pack(PACK)
    record = {"id": 7, "decision": "return_deferral", "origin": "hubei", "necessity": "medical",
              "registered_in_advance": False}
    barred = diff_records(DurableEngine(pack), DurableEngine(pack), [record], dt.date(2020, 3, 1))
    early = diff_records(DurableEngine(pack), DurableEngine(pack), [record], dt.date(2020, 2, 1))
    assert [t.new for t in barred.decisions[0].transitions] == ["barred"]
    assert [t.new for t in early.decisions[0].transitions] == ["permit_with_registration"]
    assert barred.decisions[0].by_village[0].name == "(unknown)"


def test_the_generator_rewrites_the_shipped_register_byte_for_byte(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("register_generator", ROOT / "registers" / "generate.py")
    generator = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, generator)
    spec.loader.exec_module(generator)
    generator.write(generator.generate(), tmp_path / "r.jsonl")
    assert (tmp_path / "r.jsonl").read_bytes() == REGISTER.read_bytes()


def _input_edited(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of the shipped pack with one piece of pack.yaml replaced."""
    root = tmp_path / name
    shutil.copytree(PACK, root)
    path = root / "pack.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return root


def test_a_field_only_one_pack_declares_is_that_packs_input_alone(tmp_path):
    """The old pack lacks `necessity_note`; the new one declares it (optional). A record carrying
    it is read by the old pack without it, by the new one with it; a field neither declares is
    still refused, and each direction of the diff gives the same transitions."""
    decl = "      registered_in_advance: {type: bool}\n"
    added = decl + "      necessity_note: {enum: [plain, urgent], required: false}\n"
    old_pack, new_pack = load_pack(PACK), load_pack(_input_edited(tmp_path, "new", decl, added))
    good = {"id": "a", "decision": "return_deferral", "at": "2020-03-01", "meta": {"village": "南岔", "role": "away"},
            "origin": "outside_beijing", "necessity": "medical", "registered_in_advance": True,
            "necessity_note": "urgent"}
    lines = [json.dumps(good, ensure_ascii=False) + "\n",
             json.dumps({**good, "id": "b", "necessity_note": "loud"}, ensure_ascii=False) + "\n",
             json.dumps({**good, "id": "c", "nonsense": 1}, ensure_ascii=False) + "\n"]
    forward = diff_lines(DurableEngine(old_pack), DurableEngine(new_pack), lines, "r", AT)
    backward = diff_lines(DurableEngine(new_pack), DurableEngine(old_pack), lines, "r", AT)
    assert forward.records == backward.records == 1
    assert [(t.old, t.new, t.count) for d in forward.decisions for t in d.transitions] == [
        ("permit_with_registration", "permit_with_registration", 1)]
    assert [(e.location.line, e.location.path, e.code) for e in forward.errors] == [
        (2, "necessity_note", "record.value"), (3, "nonsense", "record.unknown-field")]
    assert [(e.location.line, e.location.path, e.code) for e in backward.errors] == [
        (2, "necessity_note", "record.value"), (3, "nonsense", "record.unknown-field")]
    # Only the pack that declares a field validates it: the old pack alone never sees it.
    with pytest.raises(PolicysimError):
        DurableEngine(old_pack).validate("return_deferral", {k: v for k, v in good.items()
                                                             if k not in ("id", "decision", "at", "meta")})
