"""No malformed scenario produces a traceback: any junk in any field is a located FileFormatError."""

from __future__ import annotations

import copy

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from policy.errors import FileFormatError
from simulate import Scenario, load_scenario

from .conftest import SCENARIOS

BASE = yaml.safe_load((SCENARIOS / "baseline-march-weekend.yaml").read_text(encoding="utf-8"))
BASE["pack"] = str((SCENARIOS / BASE["pack"]).resolve())


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
                     "2020-02-30T00:00", -1, 0, 1e300]))


def _set(data, path, value):
    out = copy.deepcopy(data)
    node = out
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return out


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PATHS), JUNK), min_size=1, max_size=3))
def test_junk_anywhere_is_a_located_error_or_a_valid_scenario(tmp_path_factory, edits):
    data = BASE
    for path, value in edits:
        try:
            data = _set(data, path, value)
        except (KeyError, IndexError, TypeError):
            continue                      # an earlier edit removed this path's parent
    path = tmp_path_factory.mktemp("junk") / "s.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        scenario = load_scenario(path)
    except FileFormatError as err:
        assert err.diagnostics and all(d.location.file == str(path) for d in err.diagnostics)
        assert "\n" not in str(err)
    else:
        assert isinstance(scenario, Scenario)
