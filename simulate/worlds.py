"""Plausible worlds: verdicts that hold (or not) across the assumptions' ranges.

A *world* gives every assumption of a scenario (:mod:`simulate.assumptions`) one value within
its plausible range; the scenario loaded with it is an ordinary scenario. ``--uncertainty N``
draws N worlds by Latin hypercube (one world in each of N equal strata of every assumption's
range, seeded from the scenario seed: the same worlds every run) and runs the usual
replications 0 … R-1 inside each, with the same seeds in every world (common random numbers),
so an assumption with no effect changes nothing. Worlds are defined over assumption *names*:
every scenario compared sees the same worlds, and one lacking an assumption keeps its own value.
Each world runs as a sweep variant (:func:`simulate.sweep.run_sweep`), so its replications are
stored as they finish and ``--resume`` reuses them, keyed by :func:`world_key`.

Per target: the verdict at the point values, and the share of worlds whose own verdict (from
their replications, :func:`simulate.estimates.verdict_status`) is *holds*, with a 95 % Wilson
interval; the assumptions on which the worlds where it does not hold differ most from those
where it does; with observations (:mod:`simulate.history_matching`) the same over the worlds
not ruled out. For a comparison, per target, the worlds in which each scenario beats the base
(the paired per-world difference's interval wholly below 0: every target is a ceiling).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from . import store
from .estimates import Interval, mean_interval, metric_table, paired_difference, verdict_status
from .history_matching import Observation, implausibility, ruled_out
from .results import ReplicationResult, Verdict
from .scenario import Scenario
from .season_series import DAYS_PER_WEEK, WeekVerdict, world_weeks
from .sweep import OnResult, Plan, Storage, run_sweep
from .variants import Variant

World = dict[str, float]
Z95 = 1.959963984540054      # the standard normal's 97.5 % quantile
LEANS_SHOWN = 3              # assumptions named for the worlds where a target does not hold


class Ranged(Protocol):
    """What a world needs of an assumption (:class:`simulate.assumptions.Assumption`)."""

    @property
    def name(self) -> str: ...
    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float: ...
    @property
    def integer(self) -> bool: ...


def world_space(*assumption_sets: Sequence[Ranged]) -> tuple[Ranged, ...]:
    """The assumptions worlds vary, by name (sorted), over the union of *assumption_sets*; a
    name's range is the first set's that states it. Assumptions with no width are left out."""
    seen: dict[str, Ranged] = {}
    for assumptions in assumption_sets:
        for a in assumptions:
            seen.setdefault(a.name, a)
    return tuple(seen[k] for k in sorted(seen) if seen[k].high > seen[k].low)


def latin_worlds(space: Sequence[Ranged], n: int, seed: int) -> tuple[World, ...]:
    """*n* worlds over *space* by Latin hypercube, seeded by *seed* (the same every time).

    Each assumption's range is cut into *n* equal strata and each stratum holds exactly one
    world; whole-number assumptions round to the nearest whole number.
    """
    if n < 1:
        raise ValueError(f"worlds: need at least 1, got {n}")
    if not space:
        return tuple({} for _ in range(n))
    import numpy as np
    from scipy.stats import qmc  # type: ignore[import-untyped]

    unit = qmc.LatinHypercube(d=len(space), rng=np.random.default_rng(seed)).random(n)
    worlds = []
    for row in unit:
        world: World = {}
        for a, u in zip(space, row, strict=True):
            value = a.low + float(u) * (a.high - a.low)
            world[a.name] = float(min(max(round(value), math.ceil(a.low)), math.floor(a.high))) \
                if a.integer else value
        worlds.append(world)
    return tuple(worlds)


def position(a: Ranged, value: float) -> float:
    """Where *value* lies in *a*'s range: 0 at the low end, 1 at the high end."""
    return (value - a.low) / (a.high - a.low)


@dataclass(frozen=True)
class WorldRun:
    """One world of one scenario: its values, its verdicts, and what its replications measured
    of the targets' and observations' metrics (in replication order)."""

    world: Mapping[str, float]
    verdicts: tuple[Verdict, ...]
    values: Mapping[str, tuple[float, ...]]
    implausibility: Mapping[str, float]     # observation → I
    ruled_out: tuple[str, ...]              # observations that rule it out (I > 3)
    weekly: tuple[WeekVerdict, ...] = ()    # a season's verdicts per week (simulate.season_series)
    first_day: dt.date | None = None        # a season's first day, where its week 0 starts; None: a weekend

    def week_first(self, week: int) -> dt.date:
        """The first date of the season's *week* (0-based; weeks run 7 days from the first day)."""
        if self.first_day is None:
            raise ValueError("a weekend world has no weeks")
        return self.first_day + dt.timedelta(days=DAYS_PER_WEEK * week)


def world_run(scenario: Scenario, world: Mapping[str, float],
              results: Sequence[ReplicationResult]) -> WorldRun:
    """A world's run from its replications 0 … R-1 (in order)."""
    table = metric_table(results)
    observed: Sequence[Observation] = scenario.observed
    keep = {t.metric for t in scenario.targets} | {o.metric for o in observed}
    n = len(results)
    values = {m: tuple(table.get(m, [0.0] * n)) for m in sorted(keep)}
    verdicts = []
    for t in scenario.targets:
        est = mean_interval(values[t.metric])
        verdicts.append(Verdict(t.name, t.metric, t.limit, est.mean, est.half_width,
                                verdict_status(est, t.limit)))
    scores = {o.name: implausibility(o, values[o.metric]) for o in observed}
    weekly = world_weeks(scenario.horizon.start, [(t.name, t.metric, t.limit) for t in scenario.targets], results)
    return WorldRun(dict(world), tuple(verdicts), values, scores, ruled_out(observed, values), weekly,
                    scenario.horizon.start.date() if weekly else None)


def world_key(digest: str, world: Mapping[str, float]) -> str:
    """A world's identity on disk: the scenario's content digest and the world's values (by
    name, shortest round-trip floats), so a changed file or a changed world is never reused."""
    text = json.dumps([digest, [[k, repr(world[k])] for k in sorted(world)]], separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def world_identity(worlds: int, replications: int) -> tuple[str, ...]:
    """What stored replications must have been run for (beside scenario, digest and seed) to be
    reused by ``--resume``: the uncertainty run's number of worlds and replications."""
    return ("uncertainty", f"worlds={worlds}", f"replications={replications}")


def run_worlds(load: Callable[[Mapping[str, float]], Scenario], worlds: Sequence[Mapping[str, float]],
               replications: int, seed: int, executor: Executor, on_result: OnResult | None = None, *,
               storage: Storage | None = None, digest: str = "") -> tuple[WorldRun, ...]:
    """Replications 0 … R-1 from *seed* in every world (``load(world)`` gives its scenario),
    all submitted at once to *executor* and gathered in (world, replication) order: the same
    results on any executor and any number of jobs.

    Each world is a sweep variant (:func:`simulate.sweep.run_sweep`), so with *storage* every
    replication is written under ``out/replications`` as it finishes, keyed by
    :func:`world_key` of *digest* (the scenario's content) and the world, with the seed and
    :func:`world_identity` as its run; ``storage.resume`` runs only what is missing."""
    scenarios = [load(w) for w in worlds]       # every world's mistakes before any work starts
    if not scenarios:
        return ()
    first = scenarios[0]
    run = store.RunInfo(first.name, digest, seed, world_identity(len(worlds), replications), first.title,
                        first.targets)
    variants = [Variant(i, tuple(sorted(w.items())), s, world_key(digest, w), first.name)
                for i, (s, w) in enumerate(zip(scenarios, worlds, strict=True))]
    sweep = run_sweep(variants, run, Plan(replications), executor, storage, on_result)
    assert sweep is not None                    # a Plan without reps is never a shard
    return tuple(world_run(s, w, v.experiment.replications)
                 for s, w, v in zip(scenarios, worlds, sweep.variants, strict=True))


# --- judging ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Share:
    """*k* of *n* worlds, with the 95 % Wilson score interval of the share."""

    k: int
    n: int
    low: float
    high: float

    @property
    def share(self) -> float:
        return self.k / self.n if self.n else math.nan


def wilson(k: int, n: int, z: float = Z95) -> Share:
    """*k* of *n* with its Wilson score interval (sound at 0 and n, unlike the Wald interval)."""
    if n == 0:
        return Share(0, 0, math.nan, math.nan)
    p = k / n
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return Share(k, n, max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class Lean:
    """How the worlds where a target does not hold sit in one assumption's range, against the
    worlds where it holds: mean positions (0 low end … 1 high end) and their difference."""

    assumption: str
    not_holding: float
    holding: float

    @property
    def difference(self) -> float:
        return self.not_holding - self.holding


@dataclass(frozen=True)
class TargetAcross:
    """One target across the worlds: today's verdict, the share holding, what the others share."""

    target: str
    metric: str
    limit: float
    point: str                          # the verdict at the point values
    statuses: tuple[str, ...]           # each world's verdict
    holds: Share                        # over all worlds
    holds_plausible: Share | None       # over the worlds not ruled out (None: no observations)
    leans: tuple[Lean, ...]             # by |difference|, largest first


def leans(space: Sequence[Ranged], worlds: Sequence[Mapping[str, float]], holding: Sequence[bool]) -> tuple[Lean, ...]:
    """Per assumption, the mean position of the not-holding worlds against the holding ones,
    largest difference first (ties by name); () when either group is empty."""
    if all(holding) or not any(holding):
        return ()
    out = []
    for a in space:
        inside = [position(a, w[a.name]) for w, h in zip(worlds, holding, strict=True) if h]
        outside = [position(a, w[a.name]) for w, h in zip(worlds, holding, strict=True) if not h]
        out.append(Lean(a.name, math.fsum(outside) / len(outside), math.fsum(inside) / len(inside)))
    return tuple(sorted(out, key=lambda x: (-abs(x.difference), x.assumption)))


def notable(t: TargetAcross, shown: int = LEANS_SHOWN) -> tuple[Lean, ...]:
    """The first *shown* leans of *t* that chance would hardly give: a difference of mean
    positions beyond twice its standard error were the assumption irrelevant (positions then
    uniform on [0, 1], variance 1/12, over the not-holding and the holding worlds)."""
    k, m = t.holds.k, t.holds.n - t.holds.k
    if not k or not m:
        return ()
    se = math.sqrt((1 / k + 1 / m) / 12)
    return tuple(x for x in t.leans[:shown] if abs(x.difference) > 2 * se)


def judge(space: Sequence[Ranged], runs: Sequence[WorldRun], point: Sequence[Verdict]) -> tuple[TargetAcross, ...]:
    """Each target of *point* (the verdicts at the point values) across *runs*."""
    plausible = [not r.ruled_out for r in runs]
    observing = any(r.implausibility for r in runs)
    out = []
    for v in point:
        statuses = tuple(next(x.status for x in r.verdicts if x.target == v.target) for r in runs)
        holding = [s == "holds" for s in statuses]
        kept = [h for h, p in zip(holding, plausible, strict=True) if p]
        out.append(TargetAcross(v.target, v.metric, v.limit, v.status, statuses, wilson(sum(holding), len(runs)),
                                wilson(sum(kept), len(kept)) if observing else None,
                                leans(space, [r.world for r in runs], holding)))
    return tuple(out)


@dataclass(frozen=True)
class Wins:
    """A scenario against the base on one target's metric, world by world (paired): worlds where
    it is clearly lower (better), clearly higher, or the replications cannot tell."""

    scenario: str
    target: str
    metric: str
    better: int
    worse: int
    unclear: int
    differences: tuple[Interval, ...]   # per world: scenario − base, mean with its 95 % t-interval


def wins(base: Sequence[WorldRun], other: Sequence[WorldRun], name: str) -> tuple[Wins, ...]:
    """*other* (scenario *name*) against *base*, per base target, over the same worlds."""
    out = []
    for v in base[0].verdicts if base else ():
        diffs = tuple(paired_difference(b.values[v.metric], o.values.get(v.metric, (0.0,) * len(b.values[v.metric])))
                      for b, o in zip(base, other, strict=True))
        better = sum(d.high < 0 for d in diffs)
        worse = sum(d.low > 0 for d in diffs)
        out.append(Wins(name, v.target, v.metric, better, worse, len(diffs) - better - worse, diffs))
    return tuple(out)


@dataclass(frozen=True)
class ScenarioAcross:
    """One scenario over the worlds: its runs, its targets judged, the worlds not ruled out,
    and (for all but the base) how it fares against the base world by world."""

    scenario: str
    runs: tuple[WorldRun, ...]
    targets: tuple[TargetAcross, ...]
    surviving: Share | None             # worlds not ruled out (None: no observations)
    wins: tuple[Wins, ...] = ()


def across(space: Sequence[Ranged], names: Sequence[str], runs: Sequence[Sequence[WorldRun]],
           points: Sequence[Sequence[Verdict]]) -> tuple[ScenarioAcross, ...]:
    """Every scenario (the first is the base) judged over the same worlds."""
    out = []
    for i, (name, r, point) in enumerate(zip(names, runs, points, strict=True)):
        observing = any(x.implausibility for x in r)
        surviving = wilson(sum(not x.ruled_out for x in r), len(r)) if observing else None
        out.append(ScenarioAcross(name, tuple(r), judge(space, r, point), surviving,
                                  wins(runs[0], r, name) if i else ()))
    return tuple(out)


def sentence(t: TargetAcross) -> str:
    """``holds in 84% [78, 89] of 50 plausible worlds`` (English; the report translates)."""
    s = t.holds
    return f"holds in {100 * s.share:.0f}% [{100 * s.low:.0f}, {100 * s.high:.0f}] of {s.n} plausible worlds"


def _num(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _share(s: Share | None) -> dict[str, Any] | None:
    return None if s is None else {"k": s.k, "n": s.n, "share": _num(s.share), "low": _num(s.low),
                                   "high": _num(s.high)}


def weekly_shares(runs: Sequence[WorldRun]) -> list[dict[str, Any]]:
    """A season's weekly targets across the worlds: per target and week, the share of worlds in
    which it holds that week (Wilson interval), in the order the runs judged them; [] for a weekend."""
    by: dict[tuple[str, str], dict[int, list[bool]]] = {}
    for r in runs:
        for v in r.weekly:
            by.setdefault((v.target, v.metric), {}).setdefault(v.week, []).append(v.status == "holds")
    return [{"target": target, "metric": metric,
             "weeks": [_share(wilson(sum(h), len(h))) for _, h in sorted(weeks.items())]}
            for (target, metric), weeks in by.items()]


def worlds_json(space: Sequence[Ranged], worlds: Sequence[Mapping[str, float]], seed: int, replications: int,
                scenarios: Sequence[ScenarioAcross], observed: Sequence[Observation] = ()) -> dict[str, Any]:
    """The ``worlds.json`` document."""
    def scenario_doc(s: ScenarioAcross) -> dict[str, Any]:
        return {
            "scenario": s.scenario, "surviving": _share(s.surviving),
            "targets": [{"target": t.target, "metric": t.metric, "limit": t.limit, "point": t.point,
                         "holds": _share(t.holds), "holds_plausible": _share(t.holds_plausible),
                         "leans": [{"assumption": x.assumption, "not_holding": x.not_holding,
                                    "holding": x.holding, "difference": x.difference,
                                    "notable": x in notable(t)} for x in t.leans]}
                        for t in s.targets],
            "wins": [{"target": w.target, "metric": w.metric, "better": w.better, "worse": w.worse,
                      "unclear": w.unclear} for w in s.wins],
            "weekly": weekly_shares(s.runs),
            "worlds": [{"world": i, "verdicts": {v.target: {"mean": _num(v.mean), "half_width": _num(v.half_width),
                                                             "status": v.status} for v in r.verdicts},
                        "implausibility": {k: _num(x) for k, x in r.implausibility.items()},
                        "ruled_out": list(r.ruled_out)} for i, r in enumerate(s.runs)]}
    return {"seed": seed, "replications": replications, "worlds": len(worlds),
            "assumptions": [{"name": a.name, "low": a.low, "high": a.high, "integer": a.integer} for a in space],
            "values": [dict(w) for w in worlds],
            "observed": [{"name": o.name, "metric": o.metric, "value": o.value, "sd": o.sd, "source": o.source}
                         for o in observed],
            "scenarios": [scenario_doc(s) for s in scenarios]}


WeekColumn = tuple[str, dt.date, int]      # (target, the week's first date, week index from 0)


def week_columns(scenarios: Sequence[ScenarioAcross]) -> list[WeekColumn]:
    """The weekly columns of ``worlds.csv``: every (target, week) any world of a season judged,
    by target name, then date; [] when no scenario is a season (a weekend's CSV is unchanged)."""
    seen = {(v.target, r.week_first(v.week), v.week) for s in scenarios for r in s.runs for v in r.weekly}
    return sorted(seen)


def week_heading(column: WeekColumn) -> str:
    """``week3.2020-02-23.max_queue``: week 3 (counted from 1, as in season.html) of target
    max_queue, the 7 days from 2020-02-23 (the last week of a season may be shorter)."""
    target, first, week = column
    return f"week{week + 1}.{first.isoformat()}.{target}"


def write_worlds(doc: Mapping[str, Any], scenarios: Sequence[ScenarioAcross], out_dir: str | Path) -> list[Path]:
    """Write ``worlds.json`` (*doc*) and ``worlds.csv`` (a row per scenario and world: the
    assumptions' values, each target's verdict, the observations ruling it out; for a season
    then, per target and week, that world's weekly verdict — holds, fails or unclear — headed
    :func:`week_heading`, blank where that scenario has no such week) atomically."""
    import csv
    import json

    from policy.atomic import atomic_writer

    out = Path(out_dir)
    paths = [out / "worlds.json", out / "worlds.csv"]
    with atomic_writer(paths[0]) as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write("\n")
    names = [a["name"] for a in doc["assumptions"]]
    targets = sorted({t.target for s in scenarios for t in s.targets})
    weeks = week_columns(scenarios)
    with atomic_writer(paths[1]) as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["scenario", "world", *names, *targets, "ruled_out", *map(week_heading, weeks)])
        for s in scenarios:
            for i, r in enumerate(s.runs):
                status = {v.target: v.status for v in r.verdicts}
                weekly = {(v.target, r.week_first(v.week), v.week): v.status for v in r.weekly}
                writer.writerow([s.scenario, i, *(repr(r.world[n]) if n in r.world else "" for n in names),
                                 *(status.get(t, "") for t in targets), " ".join(r.ruled_out),
                                 *(weekly.get(c, "") for c in weeks)])
    return paths
