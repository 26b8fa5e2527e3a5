"""Scenario comparison with common random numbers: estimates, paired differences, verdicts.

Every experiment must share its seed and replication indices, so that replication k of each
scenario saw the same visitors; differences against the first (base) scenario are then
paired, replication by replication. Intervals and the verdict rule (a target holds when its
metric's whole 95 % interval is within the limit) come from :mod:`simulate.estimates`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from policy import Diagnostic, Location, PolicysimError
from simulate import ExperimentResult, Interval, mean_interval, metric_table, paired_difference, verdict_status

# What leadership reads first: the target metrics, then what the measures cost and stop.
KEY_METRICS = ("all.wait_p95_min", "all.queue_max", "all.blocked_min", "all.leaks_per_day",
               "containment.turned_back", "containment.evasions",
               "containment.outsider_person_min", "all.staff_min")


class ComparisonError(PolicysimError):
    """Experiments that cannot be compared (different seeds, replications or duplicate names)."""


def comparison_error(code: str, message: str) -> ComparisonError:
    return ComparisonError([Diagnostic(f"compare.{code}", message, Location("compare"))])


@dataclass(frozen=True)
class MetricComparison:
    """One metric across scenarios, in scenario order.

    *estimates* is None for a scenario that does not have the metric (e.g. a gate it closes);
    *differences* holds scenario − base, None for the base itself and where either lacks it.
    """

    metric: str
    estimates: tuple[Interval | None, ...]
    differences: tuple[Interval | None, ...]


@dataclass(frozen=True)
class TargetVerdict:
    """One scenario's metric against one of its targets."""

    scenario: str
    target: str
    metric: str
    limit: float
    estimate: Interval
    status: str


@dataclass(frozen=True)
class BestScenario:
    """The scenario with the lowest mean on a target's metric.

    *difference* is best − runner-up, paired; *clear* when its interval lies wholly below 0.
    """

    target: str
    metric: str
    scenario: str
    runner_up: str | None
    difference: Interval | None
    clear: bool


@dataclass(frozen=True)
class Comparison:
    """Scenarios compared metric by metric and target by target; the first is the base."""

    scenarios: tuple[str, ...]
    titles: tuple[str, ...]
    seed: int
    replications: int
    metrics: tuple[MetricComparison, ...]
    verdicts: tuple[TargetVerdict, ...]
    best: tuple[BestScenario, ...]

    @property
    def base(self) -> str:
        return self.scenarios[0]

    def metric(self, name: str) -> MetricComparison | None:
        return next((m for m in self.metrics if m.metric == name), None)

    def verdict(self, scenario: str, target: str) -> TargetVerdict | None:
        return next((v for v in self.verdicts if v.scenario == scenario and v.target == target), None)

    def targets(self) -> tuple[tuple[str, str], ...]:
        """(target, metric) pairs in first-seen order."""
        seen: dict[str, str] = {}
        for v in self.verdicts:
            seen.setdefault(v.target, v.metric)
        return tuple(seen.items())


def _check(experiments: Sequence[ExperimentResult]) -> None:
    if not experiments:
        raise comparison_error("empty", "nothing to compare: give at least one scenario")
    names = [e.scenario for e in experiments]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise comparison_error("duplicate", f"scenario {dupes[0]!r} is given twice; each scenario "
                                            "must have its own name")
    base = experiments[0]
    for e in experiments[1:]:
        if e.seed != base.seed:
            raise comparison_error("seed", f"{e.scenario} ran with seed {e.seed} but {base.scenario} "
                                           f"with {base.seed}: common random numbers need one seed")
        ours = [r.replication for r in e.replications]
        theirs = [r.replication for r in base.replications]
        if ours != theirs:
            raise comparison_error("replications", f"{e.scenario} and {base.scenario} ran different "
                                                   "replications; pairing needs the same ones")
    if not base.replications:
        raise comparison_error("empty", f"{base.scenario} has no replications")


def compare(experiments: Sequence[ExperimentResult], confidence: float = 0.95) -> Comparison:
    """Compare *experiments* (the first is the base) run with common random numbers."""
    _check(experiments)
    tables = [metric_table(e.replications) for e in experiments]
    names = sorted({k for t in tables for k in t})
    base = tables[0]
    metrics = []
    for name in names:
        estimates = tuple(mean_interval(t[name], confidence) if name in t else None for t in tables)
        differences = tuple(
            paired_difference(base[name], t[name], confidence) if i and name in t and name in base else None
            for i, t in enumerate(tables))
        metrics.append(MetricComparison(name, estimates, differences))
    comparison = Comparison(tuple(e.scenario for e in experiments), tuple(e.title for e in experiments),
                            experiments[0].seed, len(experiments[0].replications), tuple(metrics), (), ())
    verdicts = []
    for k, e in enumerate(experiments):
        for v in e.verdicts:
            m = comparison.metric(v.metric)
            estimate = m.estimates[k] if m else None
            if estimate is not None:
                verdicts.append(TargetVerdict(e.scenario, v.target, v.metric, v.limit, estimate,
                                              verdict_status(estimate, v.limit)))
    comparison = replace(comparison, verdicts=tuple(verdicts))
    best = tuple(_best(comparison, target, metric, tables, confidence)
                 for target, metric in comparison.targets())
    return replace(comparison, best=best)


def _best(comparison: Comparison, target: str, metric: str, tables: Sequence[dict[str, list[float]]],
          confidence: float) -> BestScenario:
    m = comparison.metric(metric)
    estimates = m.estimates if m else ()
    ranked = sorted((e.mean, i) for i, e in enumerate(estimates) if e is not None)
    best = ranked[0][1]
    if len(ranked) == 1:
        return BestScenario(target, metric, comparison.scenarios[best], None, None, False)
    runner = ranked[1][1]
    diff = paired_difference(tables[runner][metric], tables[best][metric], confidence)
    return BestScenario(target, metric, comparison.scenarios[best], comparison.scenarios[runner],
                        diff, diff.high < 0)
