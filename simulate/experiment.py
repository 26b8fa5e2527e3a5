"""Experiments: replications 0 … n-1 of a scenario, on any executor, with the same results.

The worker function is top-level (picklable) and builds its policy engine inside the worker
process, once per process and pack: a DurableEngine must never be created before a fork.
Results are gathered in replication order, so they are bit-identical for any executor and
any number of jobs.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from collections.abc import Callable
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass

from .executors import InlineExecutor, make_executor
from .model import run_replication
from .parties import Engine
from .results import ExperimentResult, ReplicationResult
from .scenario import Scenario, pack_at
from .summary import experiment_of

EngineFactory = Callable[[str, str], Engine]


def pack_engine(pack: str, kind: str = "durable") -> Engine:
    """The engine for *pack*, built once per process.

    The cache is keyed by process id: a worker forked from a parent that already built an
    engine must not reuse it (durable_rules' host does not survive a fork).
    """
    return _engine(pack, kind, os.getpid())


@functools.lru_cache(maxsize=8)
def _engine(pack: str, kind: str, pid: int) -> Engine:
    from policy import DurableEngine, ReferenceEngine  # built in the worker, after any fork

    loaded = pack_at(pack)
    return DurableEngine(loaded) if kind == "durable" else ReferenceEngine(loaded)


@dataclass(frozen=True, eq=False)
class Shipped:
    """A scenario on its way to worker processes: pickled once here (a season's is over a
    megabyte), unpickled once per worker process, not once per replication."""

    digest: str
    data: bytes

    @classmethod
    def of(cls, scenario: Scenario) -> Shipped:
        data = pickle.dumps(scenario, protocol=pickle.HIGHEST_PROTOCOL)
        return cls(hashlib.sha256(data).hexdigest(), data)

    def load(self) -> Scenario:
        """The scenario, unpickled at its first replication in this process."""
        scenario = _LOADED.get(self.digest)
        if scenario is None:
            if len(_LOADED) >= 4:                      # a sweep's variants come one after another
                del _LOADED[next(iter(_LOADED))]
            scenario = _LOADED[self.digest] = pickle.loads(self.data)
        return scenario


_LOADED: dict[str, Scenario] = {}


def shipped(scenario: Scenario, executor: Executor) -> Scenario | Shipped:
    """*scenario* as it is best sent to *executor*'s tasks: as it is to one that runs them in this
    process, else :class:`Shipped`."""
    return scenario if isinstance(executor, InlineExecutor) else Shipped.of(scenario)


def replicate(scenario: Scenario | Shipped, replication: int, seed: int,
              engine_factory: EngineFactory = pack_engine) -> ReplicationResult:
    """Worker: one replication, with the engine of this process."""
    if isinstance(scenario, Shipped):
        scenario = scenario.load()
    return run_replication(scenario, engine_factory(scenario.pack, scenario.engine), replication, seed)


def run_experiment(scenario: Scenario, replications: int | None = None, seed: int | None = None,
                   executor: Executor | None = None, jobs: int | None = None,
                   engine_factory: EngineFactory = pack_engine,
                   on_result: Callable[[ReplicationResult], None] | None = None) -> ExperimentResult:
    """Run replications ``0 … n-1`` of *scenario* (n and seed default to the scenario's).

    *executor* is any ``concurrent.futures.Executor`` (the caller owns it); without one a
    pool of *jobs* processes is made and shut down here. *on_result* is called as each
    replication finishes (in completion order, for progress bars).
    """
    n = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    own = executor is None
    pool = make_executor(jobs) if executor is None else executor
    try:
        sent = shipped(scenario, pool)
        futures: dict[Future[ReplicationResult], int] = {
            pool.submit(replicate, sent, k, seed, engine_factory): k for k in range(n)}
        done: dict[int, ReplicationResult] = {}
        for future in as_completed(futures):
            done[futures[future]] = result = future.result()
            if on_result is not None:
                on_result(result)
    finally:
        if own:
            pool.shutdown(cancel_futures=True)
    return experiment_of(scenario.name, scenario.title, seed, scenario.targets, [done[k] for k in range(n)])
