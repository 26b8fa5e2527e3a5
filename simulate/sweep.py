"""Sweeps: run a grid of scenario variants with common random numbers, to a precision, resumably.

Every variant runs replications ``0 … n-1`` from the base's seed, so variants are compared on
the same visitors. With a *precision* (percent), replications are added per variant until the
95 % CI half-width of each target metric is within that share of its mean, or the cap is
reached (the Hoad–Robinson–Davies rule; the next batch size is projected from the current
half-width, so a parallel executor gets whole batches). With an output folder each finished
replication is written at once (:mod:`simulate.store`), so an interrupted run resumes without
losing or repeating work; a shard (``reps``) runs only replications A … B-1. A run without
resume overwrites the files of the replications it runs and leaves every other file alone.

A variant may come with a :class:`WorldSource` (sensitivity's worlds): the worker then loads it
itself and runs all its replications, so the main process neither loads hundreds of worlds one
after another while the workers wait nor sends each a pickled scenario.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass
from pathlib import Path

from policy.atomic import atomic_writer

from . import store
from .estimates import mean_interval, metric_table
from .executors import InlineExecutor
from .experiment import Shipped, replicate, shipped
from .provenance import policysim_version
from .results import ExperimentResult, ReplicationResult, Statistic
from .scenario import Scenario, Target, load_scenario
from .scenario_reader import Override
from .summary import experiment_of, statistic, summary_json
from .variants import Value, Variant

OnResult = Callable[[Variant, ReplicationResult], None]
COST_METRICS = ("all.staff_min", "all.patrol_person_min")


@dataclass(frozen=True)
class Plan:
    """How many replications: *replications* each (the start, with a *precision*), at most *cap*;
    or, for a shard, exactly ``reps = (A, B)``."""

    replications: int
    precision: float | None = None      # percent of the mean, for every target metric
    cap: int = 100
    reps: tuple[int, int] | None = None


@dataclass(frozen=True)
class Storage:
    """Where replications go as they finish (``out_dir/replications``), and whether to reuse them."""

    out_dir: Path
    resume: bool = False
    version: str = ""                    # policysim's version in the files ("": the installed one)


@dataclass(frozen=True)
class VariantResult:
    """One variant's experiment, its cost and whether the precision asked for was reached."""

    index: int
    settings: tuple[tuple[str, Value], ...]
    experiment: ExperimentResult
    cost: float                          # staff-hours per day: gate staff on duty (volunteers too) + patrols
    precise: bool

    @property
    def label(self) -> str:
        return ", ".join(f"{path}={value}" for path, value in self.settings)


@dataclass(frozen=True)
class SweepResult:
    """Every variant of a sweep (grid order), with the run's identity and targets."""

    scenario: str
    title: str
    seed: int
    vary: tuple[str, ...]
    targets: tuple[Target, ...]
    precision: float | None
    variants: tuple[VariantResult, ...]


def cost_per_day(results: Sequence[ReplicationResult]) -> float:
    """Staff-hours per day: staff on duty at gates (volunteers included) plus patrol person-hours."""
    return mean_interval(sum(r.overall()[m] for m in COST_METRICS) / 60.0 / r.days for r in results).mean


def run_info(variants: Sequence[Variant], base_digest: str, seed: int, vary: Sequence[str]) -> store.RunInfo:
    """The identity shared by every replication of this run (what merge and resume check)."""
    base = variants[0]
    return store.RunInfo(base.base, base_digest, seed, tuple(vary), base.scenario.title, base.scenario.targets)


def variant_info(v: Variant) -> store.VariantInfo:
    return store.VariantInfo(v.index, v.scenario.name, v.digest, v.settings)


def precise(stat: Statistic | None, percent: float) -> bool:
    """True when the 95 % CI half-width is within *percent* of the mean (a zero mean needs zero width)."""
    if stat is None or stat.n < 2 or not math.isfinite(stat.half_width):
        return False
    return stat.half_width <= percent / 100.0 * abs(stat.mean)


def next_count(n: int, stats: Sequence[Statistic | None], percent: float, cap: int) -> int:
    """Replications to have next: the count the current half-widths project, at most double, at most *cap*."""
    need = n + 1
    for s in stats:
        if s is None or precise(s, percent):
            continue
        if s.n < 2 or not math.isfinite(s.half_width) or s.mean == 0:
            need = max(need, 2 * n)
        else:
            need = max(need, math.ceil(n * (s.half_width / (percent / 100.0 * abs(s.mean))) ** 2))
    return min(cap, max(n + 1, min(need, 2 * n)))


@dataclass(frozen=True)
class WorldSource:
    """Where a variant's scenario comes from: the file, its overrides and the world's assumption
    values (none: the point values). A few hundred bytes to send; the worker loads the world."""

    path: str
    overrides: tuple[Override, ...] = ()
    world: tuple[tuple[str, float], ...] = ()

    def load(self) -> Scenario:
        """The scenario as :func:`~simulate.scenario.load_scenario` reads it with these values."""
        return load_scenario(self.path, self.overrides, world=dict(self.world) if self.world else None)


def replicate_world(source: WorldSource, replications: Sequence[int], seed: int) -> tuple[ReplicationResult, ...]:
    """Worker: load the world of *source* once and run its *replications* (the same results as
    :func:`~simulate.experiment.replicate` on the scenario loaded in the main process)."""
    scenario = source.load()
    return tuple(replicate(scenario, k, seed) for k in replications)


Task = tuple[Variant, tuple[int, ...], WorldSource | None]   # a variant's replications; its source, if any


def _tasks(tasks: Sequence[tuple[Variant, int]], sources: Mapping[int, WorldSource]) -> list[Task]:
    """One task per replication, except that a variant with a source is one task for all its replications."""
    work: dict[tuple[int, int], tuple[Variant, list[int]]] = {}     # in order of first mention
    for v, k in tasks:
        key = (v.index, -1) if v.index in sources else (v.index, k)
        work.setdefault(key, (v, []))[1].append(k)
    return [(v, tuple(ks), sources.get(v.index)) for v, ks in work.values()]


def _submit(executor: Executor, task: Task, seed: int,
            sent: dict[int, Scenario | Shipped]) -> Future[tuple[ReplicationResult, ...]]:
    v, ks, source = task
    if source is not None:
        return executor.submit(replicate_world, source, ks, seed)
    if v.index not in sent:                    # pickled once per variant, not once per replication
        sent[v.index] = shipped(v.scenario, executor)
    return executor.submit(_one, sent[v.index], ks[0], seed)


def _one(scenario: Scenario | Shipped, k: int, seed: int) -> tuple[ReplicationResult, ...]:
    """Worker: replication *k* of a scenario sent whole (a variant without a source)."""
    return (replicate(scenario, k, seed),)


def run_tasks(tasks: Sequence[tuple[Variant, int]], seed: int, executor: Executor,
              on_result: OnResult | None = None,
              sources: Mapping[int, WorldSource] | None = None) -> dict[tuple[int, int], ReplicationResult]:
    """Run replication *k* of each variant in *tasks*; ``(variant index, k) → result``.

    A variant whose index has a source in *sources* is loaded by the worker, which runs all its
    replications of *tasks*. *on_result* sees each result as it finishes (store it, advance a
    progress bar); pending tasks are cancelled if anything fails or the run is interrupted.
    """
    work = _tasks(tasks, sources or {})
    if isinstance(executor, InlineExecutor):           # it runs at submit: store each one as it ends
        done = {}
        for v, ks, source in work:
            scenario = v.scenario if source is None else source.load()
            for k in ks:
                done[(v.index, k)] = result = replicate(scenario, k, seed)
                if on_result is not None:
                    on_result(v, result)
        return done
    futures: dict[Future[tuple[ReplicationResult, ...]], Task] = {}
    sent: dict[int, Scenario | Shipped] = {}
    try:
        for task in work:
            futures[_submit(executor, task, seed, sent)] = task
        out = {}
        for future in as_completed(futures):
            v, ks, _ = futures[future]
            for k, result in zip(ks, future.result(), strict=True):
                out[(v.index, k)] = result
                if on_result is not None:
                    on_result(v, result)
        return out
    finally:
        for future in futures:
            future.cancel()


def _metrics(variants: Sequence[Variant]) -> tuple[str, ...]:
    names = {t.metric for v in variants for t in v.scenario.targets}
    return tuple(sorted(names)) or ("all.wait_p95_min",)


def run_sweep(variants: Sequence[Variant], run: store.RunInfo, plan: Plan, executor: Executor,
              storage: Storage | None = None, on_result: OnResult | None = None,
              sources: Mapping[int, WorldSource] | None = None) -> SweepResult | None:
    """Run every variant of *run* (from its seed) per *plan*; the sweep, or None for a shard (only stored).

    A variant with a source in *sources* (by index) is loaded by the worker that runs it; its
    ``scenario`` is then read only for its name, title and targets."""
    seed = run.seed
    version = storage.version if storage and storage.version else policysim_version()
    have: dict[int, dict[int, ReplicationResult]] = {v.index: {} for v in variants}
    if storage is not None:                  # a fresh run replaces what it writes and deletes nothing
        for v in variants:
            store.refuse_links(storage.out_dir, v.digest)
            if storage.resume:
                have[v.index] = store.completed(storage.out_dir, version, run, v.digest)

    def finished(v: Variant, result: ReplicationResult) -> None:
        if storage is not None:
            store.write_record(storage.out_dir, version, run, variant_info(v), result)
        if on_result is not None:
            on_result(v, result)

    if plan.reps is not None:
        wanted = {v.index: range(*plan.reps) for v in variants}
    else:
        wanted = {v.index: range(plan.replications) for v in variants}
    metrics = _metrics(variants)
    accurate: dict[int, bool] = {}
    count: dict[int, int] = {}
    while wanted:
        tasks = [(v, k) for v in variants if v.index in wanted for k in wanted[v.index] if k not in have[v.index]]
        for (i, k), result in run_tasks(tasks, seed, executor, finished, sources).items():
            have[i][k] = result
        if plan.reps is not None:
            return None
        grow = {}
        for v in variants:
            if v.index not in wanted:
                continue
            n = count[v.index] = len(wanted[v.index])
            if plan.precision is None:
                accurate[v.index] = True
                continue
            stats = _statistics([have[v.index][k] for k in range(n)], metrics)
            accurate[v.index] = all(precise(s, plan.precision) for s in stats)
            if not accurate[v.index] and n < plan.cap:
                grow[v.index] = range(next_count(n, stats, plan.precision, plan.cap))
        wanted = grow
    out = []
    for v in variants:
        results = [have[v.index][k] for k in range(count[v.index])]
        experiment = experiment_of(v.scenario.name, v.scenario.title, seed, v.scenario.targets, results)
        out.append(VariantResult(v.index, v.settings, experiment, cost_per_day(results), accurate[v.index]))
    return SweepResult(run.scenario, run.title, seed, run.vary, run.targets, plan.precision, tuple(out))


def _statistics(results: Sequence[ReplicationResult], metrics: Sequence[str]) -> list[Statistic | None]:
    table = metric_table(results)
    return [statistic(m, table.get(m, [0.0] * len(results))) for m in metrics]


def sweep_of(merged: store.Merged, precision: float | None = None) -> SweepResult:
    """The sweep that merged shards make (each variant's replications 0 … n-1)."""
    run = merged.run
    out = tuple(VariantResult(info.index, tuple(info.settings), e, cost_per_day(e.replications),
                              precision is None or all(precise(s, precision) for s in
                                                       _statistics(e.replications, [t.metric for t in run.targets])))
                for info, e in zip(merged.variants, merged.experiments, strict=True))
    return SweepResult(run.scenario, run.title, run.seed, run.vary, run.targets, precision, out)


def sweep_json(sweep: SweepResult) -> dict[str, object]:
    """The ``sweep.json`` document: the run, then per variant its settings, cost and full summary."""
    return {"scenario": sweep.scenario, "title": sweep.title, "seed": sweep.seed, "vary": list(sweep.vary),
            "precision_percent": sweep.precision,
            "targets": [{"target": t.name, "metric": t.metric, "limit": t.limit} for t in sweep.targets],
            "variants": [{"index": v.index, "settings": dict(v.settings),
                          "cost_staff_hours_per_day": v.cost, "replications": len(v.experiment.replications),
                          "precise": v.precise, "summary": summary_json(v.experiment)} for v in sweep.variants]}


def write_sweep_json(sweep: SweepResult, out_dir: str | Path) -> Path:
    """Write ``sweep.json`` into *out_dir* atomically; return its path."""
    path = Path(out_dir) / "sweep.json"
    with atomic_writer(path) as f:
        json.dump(sweep_json(sweep), f, ensure_ascii=False, indent=2)
        f.write("\n")
    return path
