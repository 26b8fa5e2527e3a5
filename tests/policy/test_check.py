"""`check` finds each kind of problem in purpose-made broken packs, with an example that really
shows it, and nothing in the shipped pack."""

import datetime as dt
from pathlib import Path

import pytest

from policy import ReferenceEngine, load_pack
from policy.analysis import check_pack, check_properties, load_properties

from .packs import RULES, write_pack

SHIPPED = Path(__file__).resolve().parents[2] / "policy" / "packs" / "xiongerzhai-2020"


def rule(rid, when, then, priority=10, extra=""):
    return (f"- id: {rid}\n  decision: gate\n  priority: {priority}\n  when: {when}\n  then: {then}\n"
            f"  reason: {{zh: 理由, en: reason}}\n  source: test\n{extra}")


def findings_of(tmp_path, rules, **kw):
    pack = load_pack(write_pack(tmp_path, rules, **kw))
    return pack, check_pack(pack)


def test_the_shipped_pack_is_clean_and_its_properties_hold():
    pack = load_pack(SHIPPED)
    properties = load_properties(pack)
    assert len(properties) >= 5
    assert check_pack(pack) == [] and check_properties(pack, properties) == []


def test_a_conflict_names_both_rules_and_an_input_where_they_clash(tmp_path):
    rules = RULES + rule("fever-turn-back", "{temperature_c: {gte: 38}}", "turn_back", priority=100)
    pack, found = findings_of(tmp_path, rules)
    [conflict] = [f for f in found if f.kind == "conflict"]
    assert conflict.rules == ("fever", "fever-turn-back")
    assert conflict.example["temperature_c"] >= 38 and conflict.location.line == 1
    decided = ReferenceEngine(pack).decide("gate", conflict.example, at=conflict.at)
    assert {m.rule for m in decided.matched} >= {"fever", "fever-turn-back"}


def test_a_dead_rule_has_a_condition_no_input_meets(tmp_path):
    rules = RULES + rule("impossible", "{temperature_c: {lt: 36, gt: 38}}", "admit")
    _, found = findings_of(tmp_path, rules)
    assert [(f.kind, f.rules) for f in found] == [("dead", ("impossible",))]
    assert found[0].location.line == 25


def test_a_rule_out_of_bounds_is_dead_too(tmp_path):
    _, found = findings_of(tmp_path, RULES + rule("too-hot", "{temperature_c: {gt: 43}}", "hold"))
    assert [(f.kind, f.rules) for f in found] == [("dead", ("too-hot",))]


def test_a_shadowed_rule_says_who_shadows_it(tmp_path):
    rules = RULES + rule("fever-register", "{temperature_c: {gte: 37.5}}", "admit", priority=50)
    pack, found = findings_of(tmp_path, rules)
    [shadowed] = found
    assert shadowed.kind == "shadowed" and shadowed.rules == ("fever-register", "fever")
    assert "whenever it matches, fever decides" in shadowed.message
    assert ReferenceEngine(pack).decide("gate", shadowed.example, at=shadowed.at).rule == "fever"


def test_a_gap_is_reported_where_the_default_must_not_be_reached(tmp_path):
    header = (write_pack(tmp_path / "probe") / "pack.yaml").read_text().replace(
        "    default: turn_back", "    default: turn_back\n    default_is_gap: true")
    pack, found = findings_of(tmp_path / "gap", RULES, pack_yaml=header)
    [gap] = found
    assert gap.kind == "gap" and "default (turn_back) is marked a gap" in gap.message
    assert ReferenceEngine(pack).decide("gate", gap.example, at=gap.at).rule is None


def test_no_default_means_uncovered_inputs_are_a_gap(tmp_path):
    _, found = findings_of(tmp_path, RULES, default=None)
    assert [f.kind for f in found] == ["gap"] and "no default" in found[0].message


def test_effective_dates_are_checked_period_by_period(tmp_path):
    """Two rules that would conflict, but are never in force on the same day."""
    rules = RULES + rule("late-delivery", "{role: delivery}", "turn_back", priority=10,
                         extra="  effective: {from: 2020-04-30}\n")
    _, found = findings_of(tmp_path, rules)
    assert found == []
    rules = RULES + rule("overlap", "{role: delivery}", "turn_back", priority=10,
                         extra="  effective: {from: 2020-04-29}\n")
    _, found = findings_of(tmp_path / "b", rules)
    assert [(f.kind, f.at) for f in found] == [("conflict", dt.date(2020, 4, 29))]


def test_a_date_field_only_tested_for_presence_is_checked(tmp_path):
    """No rule compares `since` with a day, so its cells are "some day" and "missing"."""
    rules = RULES + rule("returned", "{since: {exists: true}}", "hold", priority=5)
    pack, found = findings_of(tmp_path, rules)
    assert found == []
    assert ReferenceEngine(pack).decide(
        "gate", {"role": "tourist", "has_pass": False, "temperature_c": 36.5, "since": "2020-03-01"},
        at=dt.date(2020, 3, 2)).rule == "returned"


@pytest.mark.parametrize(("body", "fragment"), [
    ("- id: p\n  decision: gate\n  when: {temperature_c: {gte: 37.3}}\n  expect: {outcome: {not_in: [hold]}}\n",
     "property p fails: decides hold"),
    ("- id: m\n  decision: gate\n  monotone:\n    field: temperature_c\n    order: descending\n"
     "    outcomes: [admit, handle, turn_back, hold]\n", "property m fails: the riskier temperature_c="),
])
def test_a_broken_property_comes_with_a_counterexample(tmp_path, body, fragment):
    root = write_pack(tmp_path, RULES)
    (root / "properties.yaml").write_text(body)
    pack = load_pack(root)
    [finding] = check_properties(pack, load_properties(pack))
    assert fragment in finding.message and finding.example is not None
    assert finding.location.file.endswith("properties.yaml") and finding.location.line == 1


def test_a_malformed_property_is_a_located_error(tmp_path):
    from policy import PackError
    root = write_pack(tmp_path, RULES)
    (root / "properties.yaml").write_text("- id: p\n  decision: gate\n  expect: {outcome: welcome}\n")
    with pytest.raises(PackError, match=r"properties.yaml:3:21: \[0\].expect.outcome"):
        load_properties(load_pack(root))


@pytest.mark.parametrize(("when", "order", "riskier", "safer"), [
    ("{since: {lt: 2020-03-01}}", "descending", None, None),     # an older date is riskier: held
    ("{since: {gte: 2020-03-01}}", "ascending", None, None),     # a later date is riskier: held
    ("{since: {lt: 2020-03-01}}", "ascending", "2020-03-01", "2020-02-29"),
    ("{since: {gte: 2020-03-01}}", "descending", "2020-02-29", "2020-03-01"),
])
def test_a_monotone_property_over_a_date_is_proved_or_broken(tmp_path, when, order, riskier, safer):
    rules = RULES + rule("since-rule", when, "hold", priority=50)
    root = write_pack(tmp_path, rules)
    (root / "properties.yaml").write_text(
        f"- id: m\n  decision: gate\n  monotone:\n    field: since\n    order: {order}\n"
        "    outcomes: [admit, handle, turn_back, hold]\n")
    pack = load_pack(root)
    found = check_properties(pack, load_properties(pack))
    if riskier is None:
        assert found == []
        return
    [finding] = found
    assert finding.example["since"] == riskier
    assert f"the riskier since={riskier} decides" in finding.message
    assert f"less strict than hold for since={safer}" in finding.message
    decided = ReferenceEngine(pack).decide("gate", finding.example, at=finding.at)
    assert decided.outcome != "hold"
    assert ReferenceEngine(pack).decide("gate", {**finding.example, "since": safer}, at=finding.at).outcome == "hold"
