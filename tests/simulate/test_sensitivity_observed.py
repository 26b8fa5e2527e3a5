"""Sensitivity against an observed figure, with a known answer: the p95 wait is observed as the
wait with service time 70 min, so exactly the design points with the service time at 70 survive,
whatever the assumption nothing reads; the shares, the tables and the command say so."""

from __future__ import annotations

import json
import re

import pytest

from simulate import InlineExecutor, load_scenario, scenario_assumptions
from simulate.sensitivity import chosen, make_design, run_worlds
from simulate.sensitivity_tables import POINTS_CSV, points_csv, sensitivity_json

from .test_sensitivity import SERVICE, UNUSED, driven

OBSERVED = "observed:\n  waits: {metric: all.wait_p95_min, value: 5.6, sd: 0.3, source: test observation}\n"


@pytest.fixture(scope="module")
def observed_path(tmp_path_factory):
    path = driven(tmp_path_factory.mktemp("observed"))
    path.write_text(path.read_text(encoding="utf-8") + OBSERVED, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def result(observed_path):
    varied = chosen(scenario_assumptions(observed_path), [SERVICE, UNUSED])
    design = make_design(varied, "morris", 4, seed=load_scenario(observed_path).seed)
    return run_worlds(observed_path, design, 2, InlineExecutor())


def test_exactly_the_points_near_the_observed_service_time_survive(result):
    m = result.matching
    assert m is not None and len(m.points) == 12                 # 4 trajectories × (2 + 1) rows
    service = [p.values[0] for p in m.points]
    assert set(service) == {30.0, 50.0, 70.0, 90.0}               # Morris's 4 levels over [30, 90]
    for p, s in zip(m.points, service, strict=True):
        assert (p.ruled_out == ()) == (s == 70.0), (s, p.implausibility)
    by_service = {}
    for p, s in zip(m.points, service, strict=True):              # the unused assumption changes nothing
        by_service.setdefault(s, set()).add(p.implausibility)
    assert all(len(scores) == 1 for scores in by_service.values())
    assert (m.surviving.k, m.surviving.n) == (service.count(70.0), 12)
    assert 0 < m.surviving.low < m.surviving.share < m.surviving.high < 1


def test_the_target_is_shared_out_over_all_points_and_the_survivors(result):
    (t,) = result.matching.targets
    points = result.matching.points
    holding = [dict(p.statuses)["p95_wait_min"] == "holds" for p in points]
    assert t.target == "p95_wait_min" and (t.holds.k, t.holds.n) == (sum(holding), 12)
    kept = [h for h, p in zip(holding, points, strict=True) if not p.ruled_out]
    assert (t.holds_plausible.k, t.holds_plausible.n) == (sum(kept), len(kept))
    assert t.holds.k > 0 and t.holds_plausible.k == 0             # it holds only where service is fast


def test_without_observations_nothing_is_matched(scenario_path):
    varied = chosen(scenario_assumptions(scenario_path), [SERVICE, UNUSED])
    design = make_design(varied, "morris", 2, seed=1)
    plain = run_worlds(scenario_path, design, 2, InlineExecutor())
    assert plain.matching is None and "surviving" not in sensitivity_json(plain)


def test_the_tables_carry_each_point(result):
    doc = sensitivity_json(result)
    json.dumps(doc, allow_nan=False)
    assert doc["surviving"]["k"] == result.matching.surviving.k and doc["observed"][0]["name"] == "waits"
    assert [p["ruled_out"] == [] for p in doc["points"]] == [p["values"][SERVICE] == 70.0 for p in doc["points"]]
    rows = points_csv(result, result.matching).decode().splitlines()
    assert rows[0] == f"point,{SERVICE},{UNUSED},implausibility.waits,ruled_out,p95_wait_min"
    assert len(rows) == 13 and sum(r.split(",")[4] == "waits" for r in rows[1:]) == 12 - doc["surviving"]["k"]


def test_the_command_prints_a_line_per_target_and_the_page_shows_it(observed_path, tmp_path, capsys):
    from cli.main import main

    out = tmp_path / "out"
    assert main(["sensitivity", str(observed_path), "--only", SERVICE, UNUSED, "--trajectories", "4",
                 "--replications", "2", "--jobs", "1", "--out", str(out), "--quiet"]) == 0
    said = capsys.readouterr().out.splitlines()
    survive = re.compile(r"^\d+ of 12 design points \(\d+% \[\d+, \d+\]\) survive the observed figures \(a point "
                         r"whose \|simulated − observed\| / sd exceeds 3 is ruled out\)\.$")
    assert sum(bool(survive.match(line)) for line in said) == 1
    (line,) = [x for x in said if x.startswith("p95_wait_min: holds at ")]
    assert "of 12 design points; at 0% [" in line
    page = (out / "sensitivity.html").read_text(encoding="utf-8")
    assert '<section id="observed">' in page and '<table class="ruled-out">' in page
    assert (out / POINTS_CSV).is_file()


@pytest.fixture(scope="module")
def scenario_path(tmp_path_factory):
    return driven(tmp_path_factory.mktemp("plain"))
