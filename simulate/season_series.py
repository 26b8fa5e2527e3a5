"""A season's daily series over replications, and its weeks: what leadership reads of the season.

Pure: from public results only (:class:`~simulate.results.ReplicationResult`'s ``daily``,
``rule_hits_daily``, queue and staff series, gate levels), never the model. Per series and
day: the mean over replications and its 95 % t-interval (mean ± t·sd/√n, the same interval as
every other figure; one replication gives no band). Weeks run from the season's first day
(days 0–6, 7–13, …; the last may be short), not Monday–Sunday, so the first week starts on the
first notice's day. Each target with a weekly form gets a verdict per week.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from policy import load_pack

from .estimates import mean_interval, verdict_status
from .horizon import MIN_PER_DAY
from .results import ExperimentResult, ReplicationResult

# Daily measures derived here from the public results (beside simulate.observation's series):
# the worst gate's longest queue on the day (sampled every ``sample_min``), and staff-hours on
# duty by post type (township gates, village entrances; home-service visits from visit_staff_min).
QUEUE_MAX = "gate.queue_max"
STAFF_HOURS = {"township": "staff_hours.township", "village": "staff_hours.village"}
HOME_SERVICE_HOURS = "staff_hours.home_service"
DAYS_PER_WEEK = 7
# How each measure reads over a week: stocks are averaged, the queue's worst day taken, flows summed.
WEEK_MEAN = ("away", "deferred", "barred", "returned", "free", "home_observation", "centralized", "referred")
WEEK_MAX = (QUEUE_MAX, "wait_p95_min", "wait_max_min", "home_service_capacity")
# Targets with a weekly form: the target's metric → (daily series, how a week reads it).
# "max": the week's worst day; "per_day": the week's mean day. The 95th-percentile wait of a week
# is read as its worst day's (the worst gate's p95 that day): at least the week's own p95 at the
# gate that had that day, so the weekly verdict errs on the strict side. ``all.blocked_min`` and
# ``all.unfinished`` have none: both are season totals (minutes over the horizon, parties still
# queued when it ends), not rates a week can be held to.
WEEKLY_TARGETS = {"all.queue_max": (QUEUE_MAX, "max"),
                  "all.wait_p95_min": ("wait_p95_min", "max"),
                  "all.wait_max_min": ("wait_max_min", "max"),
                  "all.observation_exits_per_day": ("observation_exits", "per_day"),
                  "all.leaks_per_day": ("unscreened", "per_day"),
                  "all.entries_per_day": ("entries", "per_day"),
                  "all.resident_crossings_per_day": ("resident_crossings", "per_day"),
                  "all.village_person_min_per_day": ("village_person_min", "per_day"),
                  "all.hill_person_min_per_day": ("hill_person_min", "per_day")}
# The home-service check: a week is flagged when its busiest day's load (people under home
# observation) exceeds the teams' capacity (simulate.observation's ``home_service_capacity``).
CAPACITY_TARGET, LOAD, CAPACITY = "home_service_capacity", "home_observation", "home_service_capacity"


@dataclass(frozen=True)
class SeriesBand:
    """One daily series over the replications: per day the mean and its 95 % interval."""

    series: str
    mean: tuple[float, ...]
    low: tuple[float, ...]          # NaN where one replication leaves the interval unknown
    high: tuple[float, ...]


@dataclass(frozen=True)
class Week:
    """Days *start* … *end* (indices into the season, inclusive) and their dates."""

    index: int
    start: int
    end: int
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class WeekVerdict:
    """A target judged on one week (the same rule as the season's verdicts)."""

    week: int
    target: str
    metric: str
    limit: float
    mean: float
    half_width: float
    status: str                     # holds | fails | unclear | not_weekly (no weekly form)


@dataclass(frozen=True)
class SeasonSeries:
    """A season over replications: daily bands, weeks, weekly measures and verdicts, rule hits."""

    first: dt.date
    days: int
    replications: int
    bands: tuple[SeriesBand, ...]
    weeks: tuple[Week, ...]
    week_means: Mapping[str, tuple[float, ...]]            # measure → mean over replications per week
    verdicts: tuple[WeekVerdict, ...]
    rule_hits: Mapping[str, Mapping[str, tuple[float, ...]]]        # decision → rule → mean persons per day
    rule_hits_weekly: Mapping[str, Mapping[str, tuple[float, ...]]]  # … per week

    def band(self, series: str) -> SeriesBand | None:
        return next((b for b in self.bands if b.series == series), None)

    def date(self, day: int) -> dt.date:
        return self.first + dt.timedelta(days=day)


def is_season(experiment: ExperimentResult) -> bool:
    """Whether *experiment* is a season (its replications carry daily series)."""
    return bool(experiment.replications) and bool(experiment.replications[0].daily)


def _day_of(offset_min: float, t: float, days: int) -> int:
    return min(days - 1, int((offset_min + t) // MIN_PER_DAY))


def replication_daily(r: ReplicationResult, offset_min: float = 0.0) -> dict[str, tuple[float, ...]]:
    """*r*'s daily series with the derived ones (:data:`QUEUE_MAX`, :data:`STAFF_HOURS`,
    :data:`HOME_SERVICE_HOURS`); *offset_min* is the horizon's start past midnight."""
    days = len(next(iter(r.daily.values()), ()))
    out = {name: tuple(values) for name, values in r.daily.items()}
    if days == 0:
        return out
    queue = [0.0] * days
    for q in r.queues:
        for i, length in enumerate(q.lengths):
            d = _day_of(offset_min, i * q.step_min, days)
            queue[d] = max(queue[d], float(length))
    out[QUEUE_MAX] = tuple(queue)
    levels = {g.gate: g.level for g in r.gates}
    hours = {name: [0.0] * days for name in STAFF_HOURS.values()}
    for s in r.staffing:
        bucket = hours[STAFF_HOURS[levels.get(s.gate, "township")]]
        for i, minutes in enumerate(s.on_duty_min):
            bucket[_day_of(offset_min, i * s.step_min, days)] += minutes / 60.0
    out.update((name, tuple(v)) for name, v in hours.items())
    visits = r.daily.get("visit_staff_min")
    if visits is not None:
        out[HOME_SERVICE_HOURS] = tuple(v / 60.0 for v in visits)
    return out


def bands(per_replication: Sequence[Mapping[str, Sequence[float]]]) -> tuple[SeriesBand, ...]:
    """Per series (sorted by name) and day: mean over replications and its 95 % t-interval
    (a replication lacking a series counts 0 on each day)."""
    names = sorted({name for daily in per_replication for name in daily})
    days = max((len(v) for daily in per_replication for v in daily.values()), default=0)
    out = []
    for name in names:
        means, lows, highs = [], [], []
        for d in range(days):
            values = [daily[name][d] if name in daily and d < len(daily[name]) else 0.0 for daily in per_replication]
            estimate = mean_interval(values)
            means.append(estimate.mean)
            lows.append(estimate.low if math.isfinite(estimate.half_width) else math.nan)
            highs.append(estimate.high if math.isfinite(estimate.half_width) else math.nan)
        out.append(SeriesBand(name, tuple(means), tuple(lows), tuple(highs)))
    return tuple(out)


def weeks_of(first: dt.date, days: int) -> tuple[Week, ...]:
    """The season's weeks from its first day: 7 days each, the last one as long as is left."""
    return tuple(Week(k, s, min(s + DAYS_PER_WEEK, days) - 1, first + dt.timedelta(days=s),
                      first + dt.timedelta(days=min(s + DAYS_PER_WEEK, days) - 1))
                 for k, s in enumerate(range(0, days, DAYS_PER_WEEK)))


def week_value(values: Sequence[float], week: Week, how: str) -> float:
    """A week of a daily series: "max" its worst day, "mean" its mean day, "per_day" likewise
    (a rate per day), "sum" its total."""
    part = values[week.start:week.end + 1]
    if how == "max":
        return max(part, default=0.0)
    if how in ("mean", "per_day"):
        return math.fsum(part) / len(part) if part else 0.0
    return math.fsum(part)


def _how(name: str) -> str:
    return "mean" if name in WEEK_MEAN else "max" if name in WEEK_MAX else "sum"


def _mean_hits(experiment: ExperimentResult, weeks: Sequence[Week] | None
               ) -> dict[str, dict[str, tuple[float, ...]]]:
    reps = experiment.replications
    n = len(reps) or 1
    out: dict[str, dict[str, list[float]]] = {}
    for r in reps:
        for decision, rules in r.rule_hits_daily.items():
            for rule, per_day in rules.items():
                values = [float(v) for v in per_day]
                if weeks is not None:
                    values = [week_value(values, w, "sum") for w in weeks]
                bucket = out.setdefault(decision, {}).setdefault(rule, [0.0] * len(values))
                for k, v in enumerate(values):
                    bucket[k] += v / n
    return {d: {rule: tuple(v) for rule, v in sorted(rules.items())} for d, rules in sorted(out.items())}


def season_series(experiment: ExperimentResult, start: dt.datetime) -> SeasonSeries:
    """The season of *experiment* (replications with daily series) whose horizon starts at *start*."""
    offset = start.hour * 60 + start.minute
    per_rep = [replication_daily(r, offset) for r in experiment.replications]
    all_bands = bands(per_rep)
    days = len(all_bands[0].mean) if all_bands else 0
    weeks = weeks_of(start.date(), days)
    week_means = {b.series: tuple(week_value(b.mean, w, _how(b.series)) for w in weeks) for b in all_bands}
    judged = weekly_verdicts(per_rep, weeks, [(v.target, v.metric, v.limit) for v in experiment.verdicts])
    judged += capacity_verdicts(per_rep, weeks)
    return SeasonSeries(start.date(), days, len(experiment.replications), all_bands, weeks, week_means,
                        tuple(judged), _mean_hits(experiment, None), _mean_hits(experiment, weeks))


def weekly_verdicts(per_rep: Sequence[Mapping[str, Sequence[float]]], weeks: Sequence[Week],
                    targets: Sequence[tuple[str, str, float]]) -> list[WeekVerdict]:
    """Each target (name, metric, limit) judged per week on the replications' daily series
    *per_rep* ("not_weekly" for a target with no weekly form or no such series)."""
    judged = []
    for target, metric, limit in targets:
        form = WEEKLY_TARGETS.get(metric)
        for w in weeks:
            if form is None or not per_rep or form[0] not in per_rep[0]:
                judged.append(WeekVerdict(w.index, target, metric, limit, math.nan, math.nan, "not_weekly"))
                continue
            estimate = mean_interval(week_value(daily[form[0]], w, form[1]) for daily in per_rep)
            judged.append(WeekVerdict(w.index, target, metric, limit, estimate.mean, estimate.half_width,
                                      verdict_status(estimate, limit)))
    return judged


def world_weeks(start: dt.datetime, targets: Sequence[tuple[str, str, float]],
                results: Sequence[ReplicationResult]) -> tuple[WeekVerdict, ...]:
    """One world's weekly verdicts from its replications *results* (a season whose horizon starts
    at *start*): the targets with a weekly form and the home-service check; () for a weekend."""
    if not results or not results[0].daily:
        return ()
    offset = start.hour * 60 + start.minute
    per_rep = [replication_daily(r, offset) for r in results]
    weeks = weeks_of(start.date(), max(len(v) for daily in per_rep for v in daily.values()))
    judged = weekly_verdicts(per_rep, weeks, targets) + capacity_verdicts(per_rep, weeks)
    return tuple(v for v in judged if v.status != "not_weekly")


def capacity_verdicts(per_rep: Sequence[Mapping[str, Sequence[float]]], weeks: Sequence[Week]
                      ) -> list[WeekVerdict]:
    """Per week, the busiest day's home-observation load against the home-service capacity (a
    verdict like a target's: "fails" when the whole interval is over it); none without a capacity."""
    if not per_rep or CAPACITY not in per_rep[0] or LOAD not in per_rep[0]:
        return []
    out = []
    for w in weeks:
        limit = week_value(per_rep[0][CAPACITY], w, "max")
        estimate = mean_interval(week_value(daily[LOAD], w, "max") for daily in per_rep)
        out.append(WeekVerdict(w.index, CAPACITY_TARGET, LOAD, limit, estimate.mean, estimate.half_width,
                               verdict_status(estimate, limit)))
    return out


def rule_changes(pack: str, decisions: Sequence[str], first: dt.date, days: int) -> dict[dt.date, tuple[str, ...]]:
    """The days inside the season (from *first*, *days* long) on which any of *decisions*'
    rules change, from the pack's own effective dates: day → the decisions changing."""
    loaded = load_pack(pack)
    last = first + dt.timedelta(days=days - 1)
    out: dict[dt.date, list[str]] = {}
    for decision in decisions:
        for day in loaded.change_dates(decision):
            if first <= day <= last:
                out.setdefault(day, []).append(decision)
    return {day: tuple(names) for day, names in sorted(out.items())}
