"""Summaries over replications and the files a run leaves behind.

Per metric: mean, 95 % t-interval half-width, min and max over replications; per target a
verdict. Files (each written atomically): ``summary.json``, ``replications.csv`` (one row
per replication, one column per metric) and ``queues.csv`` (queue length per gate over
time, per replication).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from policy.atomic import atomic_writer

from .estimates import Interval, mean_interval, mean_rule_hits, metric_table, verdict_status
from .results import ExperimentResult, ReplicationResult, Statistic, Verdict
from .roster import RosterSummary


def statistic(metric: str, values: Sequence[float]) -> Statistic:
    """*metric*'s mean over *values* with its 95 % t-interval half-width, min and max."""
    estimate = mean_interval(values)
    return Statistic(metric, estimate.n, estimate.mean, estimate.half_width,
                     min(values, default=math.nan), max(values, default=math.nan))


def statistics(results: Sequence[ReplicationResult]) -> tuple[Statistic, ...]:
    """A :class:`Statistic` for every metric any replication reported (0 when one lacks it)."""
    return tuple(statistic(name, values) for name, values in metric_table(results).items())


def verdicts(targets: Iterable[Any], stats: Sequence[Statistic]) -> tuple[Verdict, ...]:
    """Each target whose metric was measured, judged by :func:`~simulate.estimates.verdict_status`."""
    by_name = {s.metric: s for s in stats}
    out = []
    for target in targets:
        s = by_name.get(target.metric)
        if s is None:
            continue
        status = verdict_status(Interval(s.mean, s.half_width, s.n), target.limit)
        out.append(Verdict(target.name, target.metric, target.limit, s.mean, s.half_width, status))
    return tuple(out)


def experiment_of(name: str, title: str, seed: int, targets: Iterable[Any],
                  results: Sequence[ReplicationResult]) -> ExperimentResult:
    """An experiment from replications 0 … n-1 (in order), with its statistics and verdicts."""
    stats = statistics(results)
    return ExperimentResult(name, title, seed, tuple(results), stats, verdicts(targets, stats))


def _stat_json(s: Statistic) -> dict[str, float | int | None]:
    def num(x: float) -> float | None:
        return x if math.isfinite(x) else None
    return {"mean": num(s.mean), "half_width": num(s.half_width), "min": num(s.min),
            "max": num(s.max), "n": s.n}


def summary_json(experiment: ExperimentResult, roster: RosterSummary | None = None) -> dict[str, Any]:
    """The ``summary.json`` document: statistics grouped by gate, containment and overall;
    with *roster* (the scenario's, :func:`~simulate.roster.roster_summary`) a ``roster`` block."""
    gates: dict[str, dict[str, Any]] = {}
    groups: dict[str, dict[str, Any]] = {"containment": {}, "all": {}}
    for s in experiment.statistics:
        head, _, rest = s.metric.partition(".")
        if head == "gate":
            gate, _, field = rest.rpartition(".")
            gates.setdefault(gate, {})[field] = _stat_json(s)
        else:
            groups.setdefault(head, {})[rest] = _stat_json(s)
    doc = {"scenario": experiment.scenario, "title": experiment.title, "seed": experiment.seed,
            "replications": len(experiment.replications), "gates": gates,
            "containment": groups["containment"], "overall": groups["all"],
            "rule_hits_mean": mean_rule_hits(experiment.replications),
            "verdicts": [{"target": v.target, "metric": v.metric, "limit": v.limit, "mean": v.mean,
                          "half_width": v.half_width if math.isfinite(v.half_width) else None,
                          "status": v.status} for v in experiment.verdicts]}
    if roster is not None:
        doc["roster"] = dataclasses.asdict(roster)
    return doc


def write_outputs(experiment: ExperimentResult, out_dir: str | Path,
                  roster: RosterSummary | None = None) -> list[Path]:
    """Write summary.json (with *roster*'s block), replications.csv and queues.csv into
    *out_dir*; return their paths."""
    out = Path(out_dir)
    paths = [out / "summary.json", out / "replications.csv", out / "queues.csv"]
    with atomic_writer(paths[0]) as f:
        json.dump(summary_json(experiment, roster), f, ensure_ascii=False, indent=2)
        f.write("\n")
    table = metric_table(experiment.replications)
    with atomic_writer(paths[1]) as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["replication", *table])
        for k, r in enumerate(experiment.replications):
            writer.writerow([r.replication, *(repr(values[k]) for values in table.values())])
    with atomic_writer(paths[2]) as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["replication", "gate", "time_min", "queue"])
        for r in experiment.replications:
            for series in r.queues:
                for i, length in enumerate(series.lengths):
                    writer.writerow([r.replication, series.gate, f"{i * series.step_min:g}", length])
    return paths
