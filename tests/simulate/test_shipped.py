"""A scenario sent to worker processes is pickled once and unpickled once per process, with the
same results as the scenario itself."""

from __future__ import annotations

import os
import pickle
from concurrent.futures import ProcessPoolExecutor

from simulate import InlineExecutor, load_scenario, run_experiment
from simulate.experiment import Shipped, replicate, shipped

from .conftest import SCENARIOS

BASELINE = SCENARIOS / "baseline-march-weekend.yaml"


def _loaded_in_worker(sent: Shipped) -> tuple[int, int]:
    return os.getpid(), id(sent.load())


def test_a_shipped_scenario_is_the_scenario_and_is_unpickled_once_per_process():
    scenario = load_scenario(BASELINE)
    sent = Shipped.of(scenario)
    assert sent.load() == scenario
    again = pickle.loads(pickle.dumps(sent))                  # as a second task brings it
    assert again.load() is sent.load()
    assert Shipped.of(scenario).digest == sent.digest
    with ProcessPoolExecutor(max_workers=1) as pool:
        seen = {pool.submit(_loaded_in_worker, sent).result() for _ in range(3)}
    assert len(seen) == 1 and next(iter(seen))[0] != os.getpid()


def test_a_scenario_is_shipped_to_a_pool_and_passed_as_it_is_inline():
    scenario = load_scenario(BASELINE)
    assert shipped(scenario, InlineExecutor()) is scenario
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert isinstance(shipped(scenario, pool), Shipped)


def test_a_shipped_scenario_replicates_as_the_scenario():
    scenario = load_scenario(BASELINE)
    assert replicate(Shipped.of(scenario), 1, 7) == replicate(scenario, 1, 7)
    assert run_experiment(scenario, replications=2, jobs=2) == run_experiment(scenario, replications=2, jobs=1)
