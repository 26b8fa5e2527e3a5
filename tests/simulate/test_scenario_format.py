"""The scenario format is defined once (simulate/scenario_format.py): the JSON Schema editors
use and the loader agree. The shipped scenarios fit the schema; documents generated from the
schema pass the loader's structural check and fail the loader only for what a schema cannot
state; what the loader rejects as malformed the schema rejects too (test_malformed.py checks
the same both ways on random junk)."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from cli.main import main
from policy.errors import FileFormatError
from simulate import load_scenario
from simulate.assumptions import resolve_assumptions
from simulate.scenario_check import check_structure
from simulate.scenario_format import ScenarioDoc
from simulate.scenario_json_schema import scenario_schema
from simulate.scenario_reader import Source, resolve
from tests.policy.schema_documents import documents

from .conftest import MMC, ROOT, SHIPPED
from .test_malformed import BASE, as_json

SCHEMA = scenario_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
PACK = str(ROOT / "policy" / "packs" / "xiongerzhai-2020")

# What the schema cannot state, found only by the loader (each with its code):
SEMANTIC = {
    "scenario.reference",     # an id that no gate, village, entrance, hotspot, shift or profile has
    "scenario.vocabulary",    # gate_policy or a stream uses a word the pack does not declare
    "scenario.choice",        # gate_policy.levels / unobserved: a value the pack's input does not list
    "scenario.missing",       # a staffed gate without a shift; a township stream without gates;
                              # an outcome of the pack's decision missing from service.by_outcome
    "scenario.unknown-field",  # service.by_outcome names an outcome the decision lacks
    "scenario.range",         # shares that do not add up to 1 or are all zero; uniform low > high;
                              # triangular out of order; an assumption outside its range;
                              # a volunteer window that ends before it starts;
                              # a shift ending when it starts; a warm-up past the horizon; leg_min
                              # not one per route site; bound_per_h below the peak rate; too much demand
    "scenario.conflict",      # days and hours stated in one file (the schema sees only the merged document)
    "scenario.date",          # horizon.start on a day its month lacks (2020-02-30)
}


def test_the_shipped_scenarios_fit_the_schema_merged_and_as_written():
    for path in SHIPPED:
        assert VALIDATOR.is_valid(as_json(resolve(path).data)), path      # merged: complete
        written = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert VALIDATOR.is_valid(as_json(written)), path                 # as written: maybe partial
    assert any("extends" in yaml.safe_load(p.read_text(encoding="utf-8")) for p in SHIPPED)


def test_a_file_that_extends_another_need_not_repeat_required_fields_and_may_delete():
    assert VALIDATOR.is_valid({"extends": "base.yaml", "seed": 4, "streams": {"hikers": None},
                               "service": {"retest": {"high": 130}}})
    assert not VALIDATOR.is_valid({"seed": 4})                              # no extends: pack, … required
    assert not VALIDATOR.is_valid({"extends": "base.yaml", "seed": "soon"})
    assert not VALIDATOR.is_valid({"extends": "base.yaml", "sead": 4})
    # a list replaces the base's whole list, so its items must be complete
    assert not VALIDATOR.is_valid({"extends": "base.yaml", "shifts": {"gate": [{"staff": 2}]}})


# A date-time the schema's format allows but the loader's calendar does not (e.g. year 0).
DATE_OUT_OF_RANGE = ("scenario.date", "horizon.start")
GENERATION_ROOT = {"$defs": SCHEMA["$defs"], "$ref": "#/$defs/scenario"}


@given(doc=documents(GENERATION_ROOT, depth=6))
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_documents_the_schema_allows_pass_the_structural_check(tmp_path_factory, doc):
    doc.pop("extends", None)                      # a merged document: extends is resolved
    source, _, _ = resolve_assumptions(Source(doc, {}, ("generated.yaml",)))   # as the loader does
    _, problems = check_structure(source)
    assert {(d.code, d.location.path) for d in problems} <= {DATE_OUT_OF_RANGE}, problems
    path = tmp_path_factory.mktemp("gen") / "generated.yaml"
    path.write_text(yaml.safe_dump({**doc, "pack": PACK}, allow_unicode=True), encoding="utf-8")
    try:
        load_scenario(path)
    except FileFormatError as err:
        unexpected = {d.code for d in err.diagnostics if (d.code, d.location.path) != DATE_OUT_OF_RANGE}
        assert unexpected <= SEMANTIC, str(err)


SECTIONS = [("Stream", "streams.generated"), ("Village", "villages.generated"), ("Patrol", "patrols.generated"),
            ("Volunteers", "volunteers.generated"), ("Hotspot", "hotspots.generated"), ("Service", "service"),
            ("Township", "township"), ("Horizon", "horizon"), ("Cameras", "cameras"), ("GatePolicyDoc", "gate_policy")]


@pytest.mark.parametrize(("name", "where"), SECTIONS, ids=[n for n, _ in SECTIONS])
def test_sections_the_schema_allows_pass_the_structural_check_in_the_baseline(tmp_path, name, where):
    @given(section=documents({"$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{name}"}, depth=6))
    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
    def check(section):
        data = _set(where, section)
        source, _, _ = resolve_assumptions(Source(data, {}, ("s.yaml",)))
        _, problems = check_structure(source)
        assert {(d.code, d.location.path) for d in problems} <= {("scenario.date", "horizon.start")}, problems
        path = tmp_path / "s.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        try:
            load_scenario(path)
        except FileFormatError as err:
            assert {d.code for d in err.diagnostics} <= SEMANTIC, str(err)
    check()


def _set(path: str, value):
    data = json.loads(json.dumps(as_json(BASE)))
    node = data
    *parents, last = path.split(".")
    for part in parents:
        node = node[int(part) if part.isdigit() else part]
    node[int(last) if last.isdigit() else last] = value
    return data


# The loader's structural rejections (test_scenario.py, test_cli.py, test_sweep.py, docs/scenarios.md)
MALFORMED = [
    ("seed", -3), ("seed", "soon"), ("replications", "many"), ("streams.tourists.has_pass", "lots"),
    ("shifts.township-gate.0.from", "25:00"), ("streams.tourists.route", "bus"),
    ("streams.tourists.colour", "red"), ("patrols.mountain.team", 0), ("engine", "drools"),
    ("horizon.start", "soon"), ("holidays.0", "2020-02-30"), ("villages.nancha.entrances.nc-c1.status", "shut"),
    ("service.retest", {"dist": "uniform", "low": 1}), ("service.retest", {"dist": "gamma", "mean": 2}),
    ("service.retest", {"dist": "exponential", "mean": 0}), ("streams.tourists.profile", [1, 2]),
    ("streams.tourists.temperature.mean", 40), ("targets.p99_wait", 3), ("villages.bad id!", {}),
    ("gate_policy.outcomes.admit", "sail_through"), ("gate_policy.inputs", {"role": "role"}),
    ("volunteers.x", {"at": [], "from": "08:00", "to": "09:00", "staff": 1}),
    ("cameras.detect", 1.5), ("streams.tourists.occupancy", {"max": 3}),
]


@pytest.mark.parametrize(("path", "value"), MALFORMED, ids=[f"{p}={v}" for p, v in MALFORMED])
def test_what_the_loader_rejects_as_malformed_the_schema_rejects(path, value):
    data = _set(path, value)
    _, problems = check_structure(resolve_assumptions(Source(data, {}, ("s.yaml",)))[0])
    assert problems and path.split(".")[0] in problems[0].location.path
    assert not VALIDATOR.is_valid(data)
    if any(d.code != "scenario.missing" for d in problems):   # a file that extends may leave fields out
        top = path.split(".")[0]
        assert not VALIDATOR.is_valid({"extends": "base.yaml", top: data[top]})


def test_a_scenario_that_is_not_a_mapping_is_rejected_by_both(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(FileFormatError):
        load_scenario(path)
    assert not VALIDATOR.is_valid(["just a list"])


def test_the_docs_list_every_top_level_field():
    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    table = text.split("## Top-level fields", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (.+?) \|", table, re.MULTILINE)
    documented = {name for row in rows for name in re.findall(r"`(\w+)`", row)}
    assert documented == {info.alias or name for name, info in ScenarioDoc.model_fields.items()}


def test_policysim_scenario_schema_writes_the_schema(tmp_path, capsys):
    assert main(["scenario", "schema", "--out", str(tmp_path)]) == 0
    written = json.loads((tmp_path / "scenario.schema.json").read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(SCHEMA))
    jsonschema.Draft202012Validator.check_schema(written)
    assert "scenario.schema.json" in capsys.readouterr().out


def test_a_bad_value_in_a_derived_file_points_into_that_file(variant):
    path = variant(MMC, "streams:\n  arrivals:\n    occupancy: {mean: 2, mx: 3}\n")
    with pytest.raises(FileFormatError) as caught:
        load_scenario(path)
    assert str(caught.value) == (f"{path}:4:30: streams.arrivals.occupancy.mx: unknown field 'mx' "
                                 "(did you mean 'max'? expected one of: mean, max) [scenario.unknown-field]")
