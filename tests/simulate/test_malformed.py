"""No malformed scenario produces a traceback: each mistake is one located line naming the file,
line, column, field path and code; any junk in any field is a located FileFormatError, and the
loader's structural check and the JSON Schema editors use agree on it."""

from __future__ import annotations

import copy
import datetime as dt
import math
import re

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from policy.errors import FileFormatError
from simulate import Scenario, load_scenario
from simulate.assumptions import resolve_assumptions
from simulate.scenario_check import check_structure
from simulate.scenario_json_schema import scenario_schema
from simulate.scenario_reader import Source

from .conftest import SCENARIOS

BASE = yaml.safe_load((SCENARIOS / "baseline-march-weekend.yaml").read_text(encoding="utf-8"))
BASE["pack"] = str((SCENARIOS / BASE["pack"]).resolve())
SCHEMA = jsonschema.Draft202012Validator(scenario_schema(), format_checker=jsonschema.FormatChecker())
LINE = re.compile(r"^(?P<file>[^\n]+):(?P<line>\d+):(?P<col>\d+): (?P<path>[^\n]*?): [^\n]+ "
                  r"\[(?P<code>[a-z][a-z.-]+)\]$")

# A scenario that extends the shipped baseline with one mistake: (its lines, then line, column, field path,
# message, code). Line 1 is the ``extends:`` line.
CASES = [
    ("seed: -3", 2, 7, "seed", "-3 is out of range: expected at least 0", "scenario.range"),
    ("replications: many", 2, 15, "replications", "expected an integer, got 'many'", "scenario.type"),
    ("horizon:\n  start: 2020-02-30T00:00\n  days: 2", 3, 10, "horizon.start",
     "expected a date-time like 2020-03-14T00:00, got '2020-02-30T00:00'", "scenario.date"),
    ('shifts:\n  township-gate:\n    - {from: "25:00", to: "22:00", staff: 2}', 4, 14,
     "shifts.township-gate[0].from", "expected a time of day \"HH:MM\", got '25:00'", "scenario.clock"),
    ("targets:\n  p95_wait_min: 10\n  coffee: 3", 4, 11, "targets.coffee",
     "'coffee' is not one of: p95_wait_min, max_wait_min, max_queue, blocked_min, leaks_per_day, unfinished, "
     "entries_per_day, resident_crossings_per_day, observation_exits_per_day, "
     "village_person_min_per_day, hill_person_min_per_day",
     "scenario.choice"),
    ("service:\n  by_outcome:\n    admit: {dist: gamma, mean: 25}", 4, 19, "service.by_outcome.admit.dist",
     "'gamma' is not one of: constant, exponential, uniform, triangular, lognormal", "scenario.choice"),
    ("streams:\n  tourists:\n    queue:\n      patience_min: {dist: lognormal, mean: 20, cv: -1}", 5, 53,
     "streams.tourists.queue.patience_min.cv", "-1 is out of range: expected between 0.0 and 10", "scenario.range"),
    ("township:\n  gates:\n    pingcheng-south: {name: x, status: staffed, shift: nowhere}", 4, 56,
     "township.gates.pingcheng-south.shift", "unknown shift 'nowhere' (known: township-gate, village-entrance)",
     "scenario.reference"),
]


@pytest.mark.parametrize(("text", "line", "col", "field", "message", "code"), CASES, ids=[c[3] for c in CASES])
def test_each_mistake_is_one_exactly_located_line(variant, text, line, col, field, message, code):
    path = variant(SCENARIOS / "baseline-march-weekend.yaml", text + "\n")
    with pytest.raises(FileFormatError) as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}:{line}:{col}: {field}: {message} [{code}]"
    [diagnostic] = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.location.line, diagnostic.location.col) == (code, line, col)


def test_a_yaml_syntax_error_is_located_where_the_parser_stopped(variant):
    path = variant(SCENARIOS / "baseline-march-weekend.yaml", "engine: [durable\n")
    with pytest.raises(FileFormatError) as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}:3:1: YAML syntax: did not find expected ',' or ']' [yaml.syntax]"




def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


PATHS = [p for p in _paths(BASE) if p]
JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8), st.lists(st.integers(-3, 3), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(-3, 3), max_size=2),
    st.sampled_from(["24:00", "25:00", "staffed", "closed", "open", "xez-c1", "day-trip", "lognormal",
                     "2020-02-30T00:00", -1, 0, 1e300, 2.0, {"dist": "uniform", "low": 1, "high": 2},
                     {"dist": "uniform", "low": 1}, [1.0] * 24, {"mean": 2}, "2020-04-04"]))
EDITS = st.lists(st.tuples(st.sampled_from(PATHS), JUNK), min_size=1, max_size=3)


def _edited(edits):
    data = BASE
    for path, value in edits:
        out = copy.deepcopy(data)
        node = out
        try:
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue                      # an earlier edit removed this path's parent
        data = out
    return data


def as_json(value):
    """*value* as an editor's YAML server sees it (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def _finite(value) -> bool:
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return not isinstance(value, float) or math.isfinite(value)


@settings(max_examples=100, deadline=None)
@given(EDITS)
def test_junk_anywhere_is_a_located_error_or_a_valid_scenario(tmp_path_factory, edits):
    data = _edited(edits)
    path = tmp_path_factory.mktemp("junk") / "s.yaml"
    text = yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    try:
        scenario = load_scenario(path)
    except FileFormatError as err:
        assert err.diagnostics and "\n" not in str(err)
        for d in err.diagnostics:
            found = LINE.match(str(d))
            assert found, str(d)
            assert (found["file"], found["code"]) == (str(path), d.code)
            assert 1 <= int(found["line"]) <= len(text.splitlines()) + 1
            assert found["path"].split(".")[0].split("[")[0] in (*data, "")   # a field of the document
    else:
        assert isinstance(scenario, Scenario)
        assert (scenario.seed, scenario.replications) == (data["seed"], data["replications"])
        assert SCHEMA.is_valid(as_json(data)), "the loader took a scenario its schema rejects"


@settings(max_examples=200, deadline=None)
@given(EDITS)
def test_the_structural_check_and_the_schema_agree_on_junk(edits):
    data = _edited(edits)
    source, _, stated = resolve_assumptions(Source(data, {}, ("s.yaml",)))   # as the loader does
    problems = [d for d in stated if d.code == "scenario.assumption"] + check_structure(source)[1]
    # (an assumption's value outside its range, or a range reversed, is scenario.range: the loader's)
    if not _finite(data):                 # YAML's .nan and .inf: JSON has no such numbers
        assert problems
        return
    # A pattern cannot say that 30 February does not exist: the one thing only the loader finds.
    impossible_day = {(d.code, d.location.path) for d in problems} == {("scenario.date", "horizon.start")}
    assert SCHEMA.is_valid(as_json(data)) == (not problems or impossible_day), problems
