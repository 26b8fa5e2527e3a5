"""Sensitivity runs with known answers: an assumption nothing reads scores exactly zero (Morris μ*
and σ, Sobol S1 and ST), the one assumption that drives a measure ranks first for it, the design
and the tornado's worlds are what they should be, and the results are bit-identical inline, on
two processes, on Dask, and after a resume."""

from __future__ import annotations

import json

import numpy as np
import pytest

from policy import FileFormatError
from simulate import InlineExecutor, load_scenario, scenario_assumptions
from simulate.executors import open_executor
from simulate.sensitivity import (
    DESIGN,
    HIGH,
    LOW,
    POINT,
    chosen,
    elementary_effects,
    make_design,
    run_worlds,
    worlds_of,
)
from simulate.sensitivity_tables import sensitivity_csv, sensitivity_json
from simulate.sweep import Storage

from .conftest import MMC

SERVICE = "service.by_outcome.admit.mean"
UNUSED = "streams.nobody.temperature.fever_share"


def driven(folder):
    """The M/M/c gate for 3 hours, its service time an assumption that drives the wait; a second
    stream that never arrives (volume 0) carries an assumption that no measure can read."""
    path = folder / "driven.yaml"
    path.write_text(
        f"extends: {MMC}\nname: driven\n"
        "horizon: {start: 2020-03-16T00:00, hours: 3, warmup_min: 0}\n"
        "targets: {p95_wait_min: 4}\n"
        "service:\n  by_outcome:\n"
        "    admit: {dist: exponential, mean: {value: 60, range: [30, 90], source: test service time}}\n"
        "streams:\n  nobody:\n    role: resident\n    route: village\n"
        "    volume: {weekday: 0, weekend: 0, holiday: 0}\n"
        f"    profile: {[1] * 24}\n"
        "    temperature: {fever_share: {value: 0.01, range: [0, 0.05], source: test unused}}\n",
        encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def scenario_path(tmp_path_factory):
    return driven(tmp_path_factory.mktemp("sensitivity"))


def test_the_scenario_states_the_two_assumptions(scenario_path):
    names = [a.name for a in scenario_assumptions(scenario_path)]
    assert SERVICE in names and UNUSED in names


def test_a_morris_design_has_k_plus_one_rows_per_trajectory_within_the_ranges(scenario_path):
    varied = chosen(scenario_assumptions(scenario_path), [SERVICE, UNUSED])
    design = make_design(varied, "morris", 3, seed=5)
    assert len(design.values) == 3 * (len(varied) + 1)
    for row in design.values:
        for a, x in zip(design.assumptions, row, strict=True):
            assert a.low <= x <= a.high
    assert make_design(varied, "morris", 3, seed=5) == design              # the seed fixes it
    worlds = worlds_of(design)
    roles = [w.role for w in worlds]
    assert roles.count(DESIGN) == 9 and roles.count(POINT) == 1
    assert roles.count(LOW) == roles.count(HIGH) == len(varied)
    ends = {(w.assumption, w.role): dict(w.values) for w in worlds if w.role in (LOW, HIGH)}
    assert ends[(SERVICE, LOW)] == {SERVICE: 30} and ends[(SERVICE, HIGH)] == {SERVICE: 90}


def test_sobol_needs_a_power_of_two_and_only_names_known_assumptions(scenario_path):
    varied = chosen(scenario_assumptions(scenario_path), [SERVICE])
    with pytest.raises(FileFormatError, match=r"--samples: 12: Sobol sampling needs a power of two"):
        make_design(varied, "sobol", 12, seed=1)
    with pytest.raises(FileFormatError) as caught:
        chosen(scenario_assumptions(scenario_path), ["service.nothing"])
    message = str(caught.value)
    assert message.startswith("--only service.nothing: ") and message.endswith("[sensitivity.only]")


def test_elementary_effects_of_a_linear_measure_are_its_slopes(scenario_path):
    varied = chosen(scenario_assumptions(scenario_path), [SERVICE, UNUSED])
    design = make_design(varied, "morris", 4, seed=2)
    x = np.asarray(design.values)
    span = np.array([a.high - a.low for a in varied])
    y = 3.0 * x[:, 0] / span[0] + 0.0 * x[:, 1]                             # 3 per whole range of the first
    effects = elementary_effects(design, x, y)
    assert np.allclose(effects[:, 0], 3.0) and np.all(effects[:, 1] == 0.0)


def _run(path, method, size, executor, storage=None, on_result=None):
    varied = chosen(scenario_assumptions(path), [SERVICE, UNUSED])
    design = make_design(varied, method, size, seed=load_scenario(path).seed)
    return run_worlds(path, design, 2, executor, storage, on_result)


@pytest.fixture(scope="module")
def morris(scenario_path):
    return _run(scenario_path, "morris", 4, InlineExecutor())


def test_an_assumption_nothing_reads_has_mu_star_and_sigma_exactly_zero(morris):
    for m in morris.measures:
        unused = next(i for i in m.influences if i.assumption == UNUSED)
        assert unused.mu_star == 0.0 and unused.sigma == 0.0
        assert unused.low == unused.high == m.point                           # its tornado bar is empty


def test_the_assumption_that_drives_the_wait_ranks_first(morris):
    (m,) = morris.measures
    assert m.metric == "all.wait_p95_min"
    first = m.influences[0]
    assert first.assumption == SERVICE and first.mu_star > 0
    assert first.low < m.point < first.high                                   # slower service, longer waits
    assert [i.assumption for i in m.mostly()] == [SERVICE]
    assert [i.assumption for i in m.negligible()] == [UNUSED]


def test_sobol_gives_the_unused_assumption_exactly_zero_and_the_driver_first(scenario_path):
    result = _run(scenario_path, "sobol", 8, InlineExecutor())
    (m,) = result.measures
    unused = next(i for i in m.influences if i.assumption == UNUSED)
    assert unused.s1 == 0.0 and unused.st == 0.0
    assert m.influences[0].assumption == SERVICE and m.influences[0].st > 0.5


def test_tables_rank_every_assumption_per_measure(morris):
    doc = sensitivity_json(morris)
    assert doc["method"] == "morris" and doc["replications"] == 2
    ranking = doc["measures"][0]["ranking"]
    assert [r["assumption"] for r in ranking] == [SERVICE, UNUSED] and ranking[1]["mu_star"] == 0.0
    json.dumps(doc, allow_nan=False)                                          # no NaN in the JSON
    lines = sensitivity_csv(morris).decode().splitlines()
    assert lines[0].startswith("target,metric,rank,assumption,mu_star") and len(lines) == 3


def test_two_processes_and_a_resume_give_the_same_result(scenario_path, morris, tmp_path):
    with open_executor("process", 2) as pool:
        assert repr(_run(scenario_path, "morris", 4, pool)) == repr(morris)
    storage = Storage(tmp_path, version="test")
    first = _run(scenario_path, "morris", 4, InlineExecutor(), storage)
    stored = sorted((tmp_path / "replications").glob("*/r*.json"))
    folders = {p.parent for p in stored}
    assert len(stored) == 2 * len(folders) and len(folders) < morris.worlds    # a world met twice runs once
    lost = stored[::3]                                                         # an interrupted run lost some
    for path in lost:
        path.unlink()
    ran = []
    resumed = _run(scenario_path, "morris", 4, InlineExecutor(), Storage(tmp_path, resume=True, version="test"),
                   lambda variant, result: ran.append(result.replication))
    assert len(ran) == len(lost)                                               # only the lost ones ran again
    assert repr(resumed) == repr(first) == repr(morris)


def test_dask_gives_the_same_result(scenario_path, morris):
    pytest.importorskip("distributed")
    with open_executor("dask", 2) as client:
        assert repr(_run(scenario_path, "morris", 4, client)) == repr(morris)


def test_the_command_writes_the_tables_and_the_page_and_names_a_mistake(scenario_path, tmp_path, capsys):
    from cli.main import main

    out = tmp_path / "out"
    args = ["sensitivity", str(scenario_path), "--trajectories", "2", "--replications", "2", "--jobs", "1",
            "--out", str(out), "--quiet"]
    assert main(args) == 0
    assert {p.name for p in out.iterdir()} >= {"sensitivity.json", "sensitivity.csv", "sensitivity.html"}
    said = capsys.readouterr().out
    assert f"depends mostly on {SERVICE}; {UNUSED} does not matter for it." in said
    assert main([*args[:2], "--only", "nothing.here", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("policysim: --only nothing.here: ") and err.endswith("[sensitivity.only]")
    assert "\n" not in err
