"""Collectors used during a run, and the pure functions that turn them into results.

The model counts into a :class:`Tally` and each :class:`~simulate.gates.Checkpoint` logs
its own queue; after the run these functions compute the statistics in
:mod:`simulate.results`. Queue figures come from the exact step function of queue length,
so the time-average queue and Little's law hold to rounding, not to sampling error.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .gates import Checkpoint
from .horizon import MIN_PER_DAY
from .results import FINDERS, LEAK_PATHS, WAIT_BINS_MIN, Containment, GateResult, QueueSeries, StaffSeries
from .shifts import staff_minutes

Numbers = Sequence[float] | Sequence[int] | np.ndarray      # a log: a list, a C array or numpy's


@dataclass
class Tally:
    """Mutable counters for one replication (never shared between replications)."""

    arrivals: int = 0
    persons: int = 0
    turned_back: int = 0
    held: int = 0
    handled_at_gate: int = 0
    evasions: int = 0
    detected: int = 0
    undecided: int = 0
    outsider_person_min: float = 0.0           # everywhere past the township boundary
    # defaultdicts, not Counters: counted per party (see Checkpoint.outcomes)
    leaks: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    found_by: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    resident_crossings: int = 0
    outsider_village_min: float = 0.0          # the part inside villages
    outsider_hills_min: float = 0.0            # the part on the hills and at hotspots
    leaks_by_site: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    # the season's turned_back.<role>
    turned_back_by_role: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))

    def containment(self) -> Containment:
        return Containment(self.arrivals, self.persons, self.turned_back, self.held,
                           self.handled_at_gate, self.evasions, self.detected,
                           {p: self.leaks.get(p, 0) for p in LEAK_PATHS},
                           self.outsider_person_min, self.undecided,
                           found_by={f: self.found_by.get(f, 0) for f in FINDERS},
                           resident_crossings=self.resident_crossings,
                           outsider_village_min=self.outsider_village_min,
                           outsider_hills_min=self.outsider_hills_min,
                           leaks_by_site=dict(sorted(self.leaks_by_site.items())))


@dataclass(frozen=True)
class QueueStats:
    """Exact statistics of a queue-length step function over [start, end]."""

    mean: float
    max: int
    blocked_min: float
    area: float


def queue_stats(log_t: Numbers, log_n: Numbers, start: float, end: float,
                block_at: int) -> QueueStats:
    """Time-average, maximum, time at or past *block_at* and area of the logged queue."""
    logged = as_floats(log_t)
    t = np.clip(logged, start, end)
    n = as_floats(log_n)
    dt = np.diff(np.append(t, end))
    span = end - start
    area = float(np.dot(n, dt))
    in_window = logged <= end
    return QueueStats(area / span if span > 0 else 0.0,
                      int(n[in_window].max(initial=0)),
                      float(dt[n >= block_at].sum()), area)


def sample_queue(log_t: Numbers, log_n: Numbers, step: float, end: float) -> tuple[int, ...]:
    """Queue length at 0, step, 2·step, … < *end* (the last value logged at or before each)."""
    grid = np.arange(0.0, end, step)
    idx = np.searchsorted(as_floats(log_t), grid, side="right") - 1
    return tuple(np.asarray(log_n)[idx].tolist())


def gate_result(cp: Checkpoint, level: str, village: str, steps: tuple[tuple[float, int], ...],
                block_at: int, start: float, end: float) -> GateResult:
    """The :class:`GateResult` of a checkpoint after the run (window [*start*, *end*]).

    The waits of parties still queued at *end* count, as their wait so far: a party never
    served has waited at least that long, and leaving it out would let a gate with nobody
    on duty read a wait of zero. A party that left the queue (reneged) counts its wait up to
    when it left; a party that balked never joined and has no wait.
    """
    waits = np.concatenate((as_floats(cp.waits), cp.unfinished_waits(end)))
    stats = queue_stats(*cp.queue_log(), start, end, block_at)
    available = staff_minutes(steps, end)
    return GateResult(
        gate=cp.id, level=level, village=village, arrivals=cp.arrivals,
        persons=cp.persons,
        wait_mean_min=float(waits.mean()) if waits.size else 0.0,
        wait_p95_min=float(np.percentile(waits, 95)) if waits.size else 0.0,
        wait_max_min=float(np.max(waits)) if waits.size else 0.0,
        queue_mean=stats.mean, queue_max=stats.max, blocked_min=stats.blocked_min,
        utilisation=cp.busy_min / available if available > 0 else 0.0,
        staff_min=available,
        outcomes=dict(sorted(cp.outcomes.items())),
        wait_histogram=wait_histogram(waits), unfinished=cp.unfinished(),
        unstaffed_arrivals=cp.unstaffed_arrivals, balked=cp.balked, reneged=cp.reneged,
        blocked_arrivals=sum(n for seen, n in cp.seen.items() if seen >= block_at),
        away_min=cp.away_min)


def daily_waits(checkpoints: Iterable[Checkpoint], offset_min: float, days: int, end: float
                ) -> dict[str, tuple[float, ...]]:
    """The worst gate's 95th-percentile and longest wait on each day (``wait_p95_min``,
    ``wait_max_min``; 0 on a day nobody queued), each party booked to the day it arrived
    (*offset_min*: the horizon's start past midnight). Parties still queued at *end* count
    their wait so far, as in :func:`gate_result`. Each gate's waits are sorted once by (day,
    wait) and every day's percentile read off that order (:func:`run_percentiles`)."""
    p95, longest = np.zeros(days), np.zeros(days)
    for cp in checkpoints:
        waits = np.concatenate((as_floats(cp.waits), cp.unfinished_waits(end)))
        if not waits.size:
            continue
        at = np.concatenate((as_floats(cp.wait_at), cp.unfinished_at()))
        day = np.minimum((offset_min + at) // MIN_PER_DAY, days - 1).astype(int)
        order = np.lexsort((waits, day))
        day, waits = day[order], waits[order]
        starts = np.flatnonzero(np.diff(day, prepend=-1))
        counts = np.diff(np.append(starts, waits.size))
        on = day[starts]
        worst, last = run_percentiles(waits, starts, counts, 95), waits[starts + counts - 1]
        p95[on] = np.where(worst > p95[on], worst, p95[on])        # as max(): the earlier on a tie
        longest[on] = np.where(last > longest[on], last, longest[on])
    return {"wait_p95_min": tuple(p95.tolist()), "wait_max_min": tuple(longest.tolist())}


def run_percentiles(ordered: np.ndarray, starts: np.ndarray, counts: np.ndarray, q: float) -> np.ndarray:
    """The *q*-th percentile of each run ``ordered[starts[k]:starts[k] + counts[k]]`` (each run
    sorted ascending, finite, at least one value), equal to ``np.percentile(run, q)`` to the bit:
    numpy's 'linear' method step by step (its virtual index, neighbours, gamma and ``_lerp``,
    numpy/lib/_function_base_impl.py), for all runs at once instead of one call per run."""
    virtual = (counts - 1) * np.true_divide(q, 100)
    beyond = virtual >= counts - 1                       # numpy takes the last value (index −1)
    previous = np.where(beyond, -1, np.floor(virtual)).astype(np.intp)
    gamma = virtual - previous
    low = np.where(beyond, counts - 1, previous)
    a = ordered[starts + low]
    b = ordered[starts + np.where(beyond, counts - 1, previous + 1)]
    diff = b - a
    return np.asarray(np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma))


def as_floats(values: Numbers) -> np.ndarray:
    """*values* (tens of thousands of numbers) as a float array: a checkpoint's ``array("d")``
    logs are read in place; a list by the quickest of numpy's ways (against ``fromiter``, ``array``)."""
    return np.asarray(values, dtype=np.float64)


def wait_histogram(waits: np.ndarray) -> tuple[int, ...]:
    """Parties per wait bin (lower edges ``WAIT_BINS_MIN``, the last bin open-ended)."""
    bins = np.searchsorted(np.asarray(WAIT_BINS_MIN), waits, side="right") - 1
    return tuple(int(c) for c in np.bincount(bins, minlength=len(WAIT_BINS_MIN)))


def _cumulative(starts: np.ndarray, lengths: np.ndarray, weights: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """At each edge, the sum of weight × (the part of each interval [start, start+length) before it).

    An interval's part before *e* is the ramp from its start less the ramp from its end; the
    ramps are prefix sums over sorted points, so a season's ~2,000 hourly edges against tens of
    thousands of services cost a sort, not their product.
    """
    if starts.size == 0:
        return np.zeros(edges.size)
    return np.asarray(_ramp(starts, weights, edges) - _ramp(starts + lengths, weights, edges))


def _ramp(points: np.ndarray, weights: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """At each edge *e*, the sum of weight × (e − point) over the points before it."""
    order = np.argsort(points, kind="stable")
    p, w = points[order], weights[order]
    before = np.searchsorted(p, edges, side="left")
    total = np.concatenate(([0.0], np.cumsum(w)))
    moment = np.concatenate(([0.0], np.cumsum(w * p)))
    return np.asarray(edges * total[before] - moment[before])


def staff_series(cp: Checkpoint, steps: tuple[tuple[float, int], ...], step: float, end: float) -> StaffSeries:
    """Staff-minutes on duty and serving per *step* minutes (the last step cut at *end*)."""
    edges = np.append(np.arange(0.0, end, step), end)
    times = np.asarray([t for t, _ in steps])
    duty = _cumulative(times, np.diff(np.append(times, end)), np.asarray([n for _, n in steps], float), edges)
    starts = as_floats(cp.service_start)
    busy = _cumulative(starts, np.minimum(as_floats(cp.service_min), np.maximum(end - starts, 0.0)),
                       np.ones(starts.size), edges)
    return StaffSeries(cp.id, step, tuple(np.diff(duty).tolist()), tuple(np.diff(busy).tolist()))


def queue_series(cp: Checkpoint, step: float, end: float) -> QueueSeries:
    return QueueSeries(cp.id, step, sample_queue(*cp.queue_log(), step, end))
