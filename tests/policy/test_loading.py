"""Malformed packs and records give one located diagnostic each: file, line, column, field path."""

import pytest

from policy import PackError, RecordError, ReferenceEngine, load_pack

from .packs import PACK_YAML, RULES, write_pack

GOOD_RULE = """\
- id: r
  decision: gate
  when: {role: resident}
  then: admit
  reason: {zh: 居民, en: resident}
  source: test
"""


@pytest.mark.parametrize(("old", "new", "where", "code"), [
    ("  then: admit", "  thn: admit", 'r.yaml:4:3: [0].thn: unknown key "thn" (did you mean "then"?)',
     "schema.unknown-key"),
    ("{role: resident}", "{role: pilot}", "r.yaml:3:16: [0].when.role", "rule.unknown-value"),
    ("{role: resident}", "{temperature_c: {gte: hot}}", "r.yaml:3:31: [0].when.temperature_c.gte",
     "rule.type-mismatch"),
    ("{role: resident}", "{role: {lt: tourist}}", "r.yaml:3:21: [0].when.role.lt", "rule.type-mismatch"),
    ("{role: resident}", "{temperature_c: {above: 3}}", "r.yaml:3:26: [0].when.temperature_c.above",
     "rule.unknown-operator"),
    ("{role: resident}", "{colour: red}", "r.yaml:3:10: [0].when.colour", "rule.unknown-field"),
    ("{role: resident}", "{has_pass: 1}", "r.yaml:3:20: [0].when.has_pass", "rule.type-mismatch"),
    ("{role: resident}", "{temperature_c: 1.0e-5}", "r.yaml:3:25: [0].when.temperature_c",
     "rule.number-range"),
    ("  then: admit", "  then: admitted", "r.yaml:4:9: [0].then", "rule.unknown-outcome"),
    ("  source: test", "  source: test\n  effective: {from: 2020-02-30}", "r.yaml:7:21: [0].effective.from",
     "yaml.value"),
    ("  source: test", "  source: test\n  effective: {from: 2020-03-01, to: 2020-02-01}",
     "r.yaml:7:37: [0].effective.to", "schema.date"),
    ("  source: test", "  source: test\n  priority: high", "r.yaml:7:13: [0].priority", "schema.type"),
    ("  source: test\n", "", "r.yaml:1:3: [0]", "schema.missing-key"),
    ("  decision: gate", "  decision: gates", "r.yaml:2:13: [0].decision", "rule.unknown-decision"),
    ("{role: resident}", "{role: [resident", "r.yaml:4:7", "yaml.syntax"),
])
def test_rule_file_errors_are_located(tmp_path, old, new, where, code):
    assert old in GOOD_RULE
    write_pack(tmp_path, GOOD_RULE.replace(old, new))
    with pytest.raises(PackError) as caught:
        load_pack(tmp_path)
    first = next(d for d in caught.value.diagnostics if d.code == code)
    assert where in str(first), str(first)
    assert str(first).startswith(str(tmp_path / "rules" / "r.yaml"))


def test_duplicate_ids_name_both_places(tmp_path):
    write_pack(tmp_path, GOOD_RULE + GOOD_RULE)
    with pytest.raises(PackError) as caught:
        load_pack(tmp_path)
    message = str(caught.value.diagnostics[0])
    assert "r.yaml:7:3: [1].id: duplicate rule id 'r' (first defined at" in message
    assert "r.yaml:1:3" in message


def test_all_problems_are_reported_together_in_file_order(tmp_path):
    broken = GOOD_RULE.replace("admit", "admitted") + GOOD_RULE.replace("- id: r", "- id: s").replace(
        "{role: resident}", "{role: pilot}")
    write_pack(tmp_path, broken)
    with pytest.raises(PackError) as caught:
        load_pack(tmp_path)
    codes = [d.code for d in caught.value.diagnostics]
    assert codes == ["rule.unknown-outcome", "rule.unknown-value"]
    assert "(and 1 more)" in str(caught.value)


@pytest.mark.parametrize(("old", "new", "code", "path"), [
    ("hit_policy: priority", "hit_policy: best", "schema.value", "decisions.gate.hit_policy"),
    ("    default: turn_back", "    default: welcome", "rule.unknown-outcome", "decisions.gate.default"),
    ("{type: bool}", "{type: boolean}", "schema.value", "decisions.gate.inputs.has_pass.type"),
    ("version: 1", "versoin: 1", "schema.unknown-key", "versoin"),
])
def test_pack_yaml_errors_are_located(tmp_path, old, new, code, path):
    header = PACK_YAML.format(version=1, hit_policy="priority", default="    default: turn_back")
    assert old in header
    write_pack(tmp_path, RULES, pack_yaml=header.replace(old, new))
    with pytest.raises(PackError) as caught:
        load_pack(tmp_path)
    first = next(d for d in caught.value.diagnostics if d.code == code)
    assert first.location.path == path
    assert first.location.file.endswith("pack.yaml") and first.location.line > 0


def test_a_folder_without_pack_yaml_is_named(tmp_path):
    with pytest.raises(PackError, match=r"no pack\.yaml"):
        load_pack(tmp_path)


@pytest.mark.parametrize(("record", "path", "fragment"), [
    ({"role": "pilot", "has_pass": True, "temperature_c": 36.5}, "role", "not one of resident"),
    ({"role": "resident", "has_pass": "yes", "temperature_c": 36.5}, "has_pass", "expected true or false"),
    ({"role": "resident", "has_pass": True, "temperature_c": "36.5"}, "temperature_c", "expected a number"),
    ({"role": "resident", "has_pass": True, "temperature_c": True}, "temperature_c", "expected a number"),
    ({"role": "resident", "has_pass": True, "temperature_c": 50}, "temperature_c", "outside 34..43"),
    ({"role": "resident", "has_pass": True, "temperature_c": float("nan")}, "temperature_c", "outside"),
    ({"role": "resident", "has_pass": True}, "temperature_c", "missing required field"),
    ({"role": "resident", "has_pass": True, "temperature_c": 36.5, "colour": "red"}, "colour", "unknown field"),
    ({"role": "resident", "has_pass": True, "temperature_c": 36.5, "since": "2020-13-01"}, "since",
     "expected a date"),
])
def test_bad_records_name_the_field(tmp_path, record, path, fragment):
    engine = ReferenceEngine(load_pack(write_pack(tmp_path)))
    with pytest.raises(RecordError) as caught:
        engine.decide("gate", record)
    first = caught.value.diagnostics[0]
    assert first.location.path == path
    assert fragment in first.message


def test_records_carry_id_and_meta_through(tmp_path):
    engine = ReferenceEngine(load_pack(write_pack(tmp_path)))
    facts = engine.validate("gate", {"id": 7, "meta": {"village": "花峪"}, "role": "tourist",
                                     "has_pass": False, "temperature_c": 36})
    assert facts == {"role": "tourist", "has_pass": False, "temperature_c": 36}


def test_a_yaml_error_in_pack_yaml_is_reported_once_without_a_cascade(tmp_path):
    header = PACK_YAML.format(version=1, hit_policy="priority", default="").replace("outcomes: [", "outcomes: [[")
    write_pack(tmp_path, RULES, pack_yaml=header)
    with pytest.raises(PackError) as caught:
        load_pack(tmp_path)
    lines = [str(d) for d in caught.value.diagnostics]
    assert len(lines) == 2, lines
    assert "pack.yaml:11:5: YAML syntax" in lines[0]
    assert lines[1].endswith("rules: 3 rules not checked: their decision is missing because pack.yaml "
                             "did not load [pack.rules-unchecked]")


def test_duplicate_property_ids_are_located(tmp_path):
    from policy.analysis.properties import load_properties
    prop = "- id: p\n  decision: gate\n  expect: {outcome: admit}\n  when: {role: resident, has_pass: true}\n"
    root = write_pack(tmp_path)
    (root / "properties.yaml").write_text(prop + prop, encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_properties(load_pack(root))
    message = str(caught.value.diagnostics[0])
    assert "properties.yaml:5:3: [1].id: duplicate property id 'p' (first defined at" in message
    assert message.endswith("properties.yaml:1:3) [property.duplicate-id]")
