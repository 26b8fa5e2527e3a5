"""Worlds loaded by the worker that runs them (:class:`simulate.sweep.WorldSource`): the same
replications, bit for bit, as the scenario loaded in the main process and sent whole, inline
and on two processes; what is sent is a few hundred bytes, not the scenario."""

from __future__ import annotations

import pickle

import pytest

from simulate import InlineExecutor, load_scenario, scenario_assumptions
from simulate.executors import open_executor
from simulate.sensitivity import chosen, make_design, world_variants, worlds_of
from simulate.store import RunInfo
from simulate.sweep import Plan, WorldSource, run_sweep

from .test_sensitivity import driven


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    """The driven M/M/c gate's Morris worlds (2 trajectories): variants, sources, and the same
    variants carrying each world loaded here (how worlds were run before sources)."""
    path = driven(tmp_path_factory.mktemp("sources"))
    design = make_design(chosen(scenario_assumptions(path)), "morris", 2, seed=7)
    variants, _, sources = world_variants(path, worlds_of(design))
    loaded = tuple(type(v)(v.index, v.settings, sources[v.index].load(), v.digest, v.base) for v in variants)
    point = load_scenario(path)
    run = RunInfo(point.name, "digest", point.seed, ("test",), point.title, point.targets)
    return path, variants, sources, loaded, run


def _replications(sweep):
    return [[r.overall() for r in v.experiment.replications] for v in sweep.variants]


def test_a_world_loaded_by_the_worker_runs_as_the_world_loaded_here(worlds):
    _, variants, sources, loaded, run = worlds
    reference = _replications(run_sweep(loaded, run, Plan(3), InlineExecutor()))
    assert len({repr(r) for r in reference}) > 1              # the worlds differ, so a wrong world would show
    assert _replications(run_sweep(variants, run, Plan(3), InlineExecutor(), sources=sources)) == reference
    with open_executor("process", 2) as pool:
        assert _replications(run_sweep(variants, run, Plan(3), pool, sources=sources)) == reference


def test_a_source_is_small_to_send_and_the_point_loads_without_a_world(worlds):
    path, variants, sources, loaded, _ = worlds
    assert all(len(pickle.dumps(s)) < 2_000 for s in sources.values())
    assert min(len(pickle.dumps(s)) for s in loaded) > 20 * max(len(pickle.dumps(s)) for s in sources.values())
    point = next(i for i, v in enumerate(variants) if not v.settings)
    assert sources[point] == WorldSource(str(path)) and sources[point].load() == load_scenario(path)
