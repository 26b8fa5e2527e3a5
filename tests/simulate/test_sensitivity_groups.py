"""Assumption groups in sensitivity, with known answers: a group of two assumptions nothing reads
is one factor with μ* = σ = 0 and ST = 0 exactly; the group holding the service time ranks first;
a Morris trajectory has one point more than there are factors; a group's tornado ends move all
its members together; the tables name each factor's members."""

from __future__ import annotations

import pytest

from simulate import InlineExecutor, load_scenario, scenario_assumptions
from simulate.sensitivity import LOW, chosen, make_design, run_worlds, worlds_of
from simulate.sensitivity_tables import sensitivity_csv, sensitivity_json

from .conftest import MMC

SERVICE = "service.by_outcome.admit.mean"
FEVER = "streams.nobody.temperature.fever_share"
PERSISTS = "streams.nobody.temperature.persists"
FEVER_C = "streams.nobody.temperature.fever_c"


@pytest.fixture(scope="module")
def grouped(tmp_path_factory):
    """The M/M/c gate, its service time (group ``speed``, with the unread fever threshold) driving
    the wait; a stream that never arrives carries two more unread assumptions (group ``quiet``)."""
    path = tmp_path_factory.mktemp("groups") / "grouped.yaml"
    path.write_text(
        f"extends: {MMC}\nname: grouped\n"
        "horizon: {start: 2020-03-16T00:00, hours: 3, warmup_min: 0}\n"
        "targets: {p95_wait_min: 4}\n"
        "service:\n  by_outcome:\n"
        "    admit: {dist: exponential, mean: {value: 60, range: [30, 90], source: test, group: speed}}\n"
        "streams:\n  nobody:\n    role: resident\n    route: village\n"
        "    volume: {weekday: 0, weekend: 0, holiday: 0}\n"
        f"    profile: {[1] * 24}\n"
        "    temperature:\n"
        "      fever_share: {value: 0.01, range: [0, 0.05], source: test, group: quiet}\n"
        "      persists: {value: 0.3, range: [0.1, 0.6], source: test, group: quiet}\n"
        "      fever_c: {value: 37.3, range: [37.0, 37.5], source: test, group: speed}\n",
        encoding="utf-8")
    return path


def _design(path, method, size):
    varied = chosen(scenario_assumptions(path), [SERVICE, FEVER, PERSISTS, FEVER_C])
    return make_design(varied, method, size, seed=load_scenario(path).seed)


def test_a_trajectory_has_one_point_more_than_factors_and_a_group_moves_as_one(grouped):
    design = _design(grouped, "morris", 3)
    assert {f: [a.name for a in m] for f, m in design.factors().items()} == \
        {"speed": [SERVICE, FEVER_C], "quiet": [FEVER, PERSISTS]}
    assert len(design.values) == 3 * (2 + 1)                          # (G + 1) · N, not (k + 1) · N
    lows = {w.assumption: dict(w.values) for w in worlds_of(design) if w.role == LOW}
    assert lows == {"speed": {SERVICE: 30, FEVER_C: 37.0}, "quiet": {FEVER: 0, PERSISTS: 0.1}}
    assert "groups=speed,quiet,quiet,speed" in design.identity()[-1]


def test_an_unread_group_scores_exactly_zero_and_the_driving_group_ranks_first(grouped):
    result = run_worlds(grouped, _design(grouped, "morris", 4), 2, InlineExecutor())
    (m,) = result.measures
    assert [i.assumption for i in m.influences] == ["speed", "quiet"]
    quiet = m.influences[1]
    assert quiet.mu_star == 0.0 and quiet.sigma == 0.0 and quiet.low == quiet.high == m.point
    assert quiet.members == (FEVER, PERSISTS) and m.influences[0].members == (SERVICE, FEVER_C)
    speed = m.influences[0]
    assert speed.mu_star > 0 and speed.sigma is not None and speed.sigma >= 0     # σ defined for a group
    assert speed.low < m.point < speed.high
    ranking = sensitivity_json(result)["measures"][0]["ranking"]
    assert ranking[1] == {**ranking[1], "assumption": "quiet", "members": [FEVER, PERSISTS], "mu_star": 0.0}
    assert sensitivity_csv(result).decode().splitlines()[2].endswith(f",{FEVER} {PERSISTS}")


def test_sobol_groups_give_the_unread_group_zero(grouped):
    design = _design(grouped, "sobol", 8)
    assert len(design.values) == 8 * (2 + 2)
    (m,) = run_worlds(grouped, design, 2, InlineExecutor()).measures
    quiet = next(i for i in m.influences if i.assumption == "quiet")
    assert quiet.s1 == 0.0 and quiet.st == 0.0 and m.influences[0].assumption == "speed"
