"""Summaries over replications and the files a run leaves behind.

Per metric: mean, 95 % t-interval half-width, min and max over replications; per target a
verdict. Files (each written atomically): ``summary.json``, ``replications.csv`` (one row
per replication, one column per metric) and ``queues.csv`` (queue length per gate over
time, per replication).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from policy.atomic import atomic_writer

from .results import ExperimentResult, ReplicationResult, Statistic, Verdict
from .student_t import t_quantile

def t975(df: int) -> float:
    """The 0.975 quantile of Student's t with *df* degrees of freedom (∞ for none)."""
    return t_quantile(0.975, df) if df >= 1 else math.inf


def statistic(metric: str, values: Sequence[float]) -> Statistic:
    n = len(values)
    mean = math.fsum(values) / n if n else math.nan
    if n > 1:
        var = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
        half = t975(n - 1) * math.sqrt(var / n)
    else:
        half = math.inf if n == 1 else math.nan
    return Statistic(metric, n, mean, half, min(values, default=math.nan), max(values, default=math.nan))


def statistics(results: Sequence[ReplicationResult]) -> tuple[Statistic, ...]:
    """A :class:`Statistic` for every metric any replication reported (0 when one lacks it)."""
    rows = [r.metrics() for r in results]
    names = sorted({k for row in rows for k in row})
    return tuple(statistic(name, [row.get(name, 0.0) for row in rows]) for name in names)


def verdicts(targets: Iterable[Any], stats: Sequence[Statistic]) -> tuple[Verdict, ...]:
    """Holds when the mean's whole 95 % interval is within the limit, fails when wholly beyond."""
    by_name = {s.metric: s for s in stats}
    out = []
    for target in targets:
        s = by_name.get(target.metric)
        if s is None:
            continue
        lo, hi = s.mean - s.half_width, s.mean + s.half_width
        status = "holds" if hi <= target.limit else "fails" if lo > target.limit else "unclear"
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


def summary_json(experiment: ExperimentResult) -> dict[str, Any]:
    """The ``summary.json`` document: statistics grouped by gate, containment and overall."""
    gates: dict[str, dict[str, Any]] = {}
    groups: dict[str, dict[str, Any]] = {"containment": {}, "all": {}}
    for s in experiment.statistics:
        head, _, rest = s.metric.partition(".")
        if head == "gate":
            gate, _, field = rest.rpartition(".")
            gates.setdefault(gate, {})[field] = _stat_json(s)
        else:
            groups.setdefault(head, {})[rest] = _stat_json(s)
    hits: dict[str, dict[str, float]] = {}
    n = len(experiment.replications) or 1
    for r in experiment.replications:
        for decision, counts in r.rule_hits.items():
            for rule, count in counts.items():
                bucket = hits.setdefault(decision, {})
                bucket[rule] = bucket.get(rule, 0.0) + count / n
    return {"scenario": experiment.scenario, "title": experiment.title, "seed": experiment.seed,
            "replications": len(experiment.replications), "gates": gates,
            "containment": groups["containment"], "overall": groups["all"],
            "rule_hits_mean": {d: dict(sorted(v.items())) for d, v in sorted(hits.items())},
            "verdicts": [{"target": v.target, "metric": v.metric, "limit": v.limit, "mean": v.mean,
                          "half_width": v.half_width if math.isfinite(v.half_width) else None,
                          "status": v.status} for v in experiment.verdicts]}


def write_outputs(experiment: ExperimentResult, out_dir: str | Path) -> list[Path]:
    """Write summary.json, replications.csv and queues.csv into *out_dir*; return their paths."""
    out = Path(out_dir)
    paths = [out / "summary.json", out / "replications.csv", out / "queues.csv"]
    with atomic_writer(paths[0]) as f:
        json.dump(summary_json(experiment), f, ensure_ascii=False, indent=2)
        f.write("\n")
    rows = [r.metrics() for r in experiment.replications]
    names = sorted({k for row in rows for k in row})
    with atomic_writer(paths[1]) as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["replication", *names])
        for r, row in zip(experiment.replications, rows, strict=True):
            writer.writerow([r.replication, *(repr(row.get(k, 0.0)) for k in names)])
    with atomic_writer(paths[2]) as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["replication", "gate", "time_min", "queue"])
        for r in experiment.replications:
            for series in r.queues:
                for i, length in enumerate(series.lengths):
                    writer.writerow([r.replication, series.gate, f"{i * series.step_min:g}", length])
    return paths
