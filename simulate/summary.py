"""Summaries over replications and the files a run leaves behind.

Per metric: mean, 95 % t-interval half-width, min and max over replications; per target a
verdict. Files (each written atomically): ``summary.json``, ``replications.csv`` (one row
per replication, one column per metric) and ``queues.csv`` (queue length per gate over
time, per replication). A season (replications with daily series) adds a ``season`` block to
``summary.json`` and ``daily.csv``, ``weeks.csv`` and ``rule_hits_daily.csv``
(:mod:`simulate.season_series`).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from policy.atomic import atomic_writer

from .estimates import Interval, mean_interval, mean_rule_hits, metric_table, verdict_status
from .results import ExperimentResult, ReplicationResult, Statistic, Verdict
from .roster import RosterSummary
from .season_series import SeasonSeries, is_season, season_series


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


def summary_json(experiment: ExperimentResult, roster: RosterSummary | None = None,
                 season: SeasonSeries | None = None) -> dict[str, Any]:
    """The ``summary.json`` document: statistics grouped by gate, containment and overall;
    with *roster* (the scenario's, :func:`~simulate.roster.roster_summary`) a ``roster`` block,
    with *season* a ``season`` block (:func:`season_json`)."""
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
    if season is not None:
        doc["season"] = season_json(season)
    return doc


def _num(x: float) -> float | None:
    return x if math.isfinite(x) else None


def season_json(season: SeasonSeries) -> dict[str, Any]:
    """The ``season`` block: daily means and 95 % bands per series, weeks with their measures
    and each target's verdict, mean rule hits per week."""
    return {
        "first_day": season.first.isoformat(), "days": season.days, "replications": season.replications,
        "band": "95 % t-interval of the mean over replications (mean ± t·sd/√n); null with one replication",
        "weeks_from": "the season's first day (7-day weeks; the last may be short)",
        "daily": {b.series: {"mean": list(b.mean), "low": [_num(x) for x in b.low],
                             "high": [_num(x) for x in b.high]} for b in season.bands},
        "weeks": [{"week": w.index, "first": w.first.isoformat(), "last": w.last.isoformat(),
                   "measures": {name: values[w.index] for name, values in season.week_means.items()},
                   "verdicts": [{"target": v.target, "metric": v.metric, "limit": v.limit, "mean": _num(v.mean),
                                 "half_width": _num(v.half_width), "status": v.status}
                                for v in season.verdicts if v.week == w.index]}
                  for w in season.weeks],
        "rule_hits_weekly": {d: {rule: list(v) for rule, v in rules.items()}
                             for d, rules in season.rule_hits_weekly.items()},
    }


def _cell(x: float) -> str:
    return repr(x) if math.isfinite(x) else ""


def write_season(season: SeasonSeries, out: Path) -> list[Path]:
    """``daily.csv`` (day, series, mean, low, high), ``weeks.csv`` (week, first, last, measure,
    mean, then targets as measure ``target:<name>`` with its verdict) and ``rule_hits_daily.csv``
    (decision, rule, day, mean persons), each written atomically into *out*."""
    paths = [out / "daily.csv", out / "weeks.csv", out / "rule_hits_daily.csv"]
    with atomic_writer(paths[0]) as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["day", "series", "mean", "low", "high"])
        for b in season.bands:
            for d in range(season.days):
                writer.writerow([season.date(d).isoformat(), b.series, _cell(b.mean[d]), _cell(b.low[d]),
                                 _cell(b.high[d])])
    with atomic_writer(paths[1]) as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["week", "first", "last", "measure", "mean", "half_width", "limit", "status"])
        for w in season.weeks:
            dates = [w.index, w.first.isoformat(), w.last.isoformat()]
            for name, values in season.week_means.items():
                writer.writerow([*dates, name, _cell(values[w.index]), "", "", ""])
            for v in season.verdicts:
                if v.week == w.index:
                    writer.writerow([*dates, f"target:{v.target}", _cell(v.mean), _cell(v.half_width),
                                     repr(v.limit), v.status])
    with atomic_writer(paths[2]) as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["decision", "rule", "day", "mean_persons"])
        for decision, rules in season.rule_hits.items():
            for rule, per_day in rules.items():
                for d, value in enumerate(per_day):
                    writer.writerow([decision, rule, season.date(d).isoformat(), repr(value)])
    return paths


def write_outputs(experiment: ExperimentResult, out_dir: str | Path,
                  roster: RosterSummary | None = None, start: dt.datetime | None = None) -> list[Path]:
    """Write summary.json (with *roster*'s block), replications.csv and queues.csv into
    *out_dir*; for a season (*start*: its horizon's start) its block and CSVs too; return their paths."""
    out = Path(out_dir)
    paths = [out / "summary.json", out / "replications.csv", out / "queues.csv"]
    season = season_series(experiment, start) if start is not None and is_season(experiment) else None
    with atomic_writer(paths[0]) as f:
        json.dump(summary_json(experiment, roster, season), f, ensure_ascii=False, indent=2)
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
    if season is not None:
        paths += write_season(season, out)
    return paths
