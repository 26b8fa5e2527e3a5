"""Demand streams: who arrives, when, and with which attributes the policy reads.

A stream's rate is piecewise constant by clock hour: its daily volume for the day's type
(times its dated trend, under its dated limit: :meth:`Stream.volume_on`) times the hour's share
of its profile. Arrivals are drawn by thinning (Lewis & Shedler)
against a fixed bound, never by sampling the next gap from the current rate (that skips
short peaks). Candidates, their attributes and their uniforms for service and behaviour are
drawn on separate streams, so with the same seed and bound two scenarios see the same
visitors, and more demand yields a superset of them (common random numbers).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .distributions import NONE, Distribution
from .gates import QueueBehaviour
from .horizon import Horizon
from .seeds import Purpose, key_of, stream

ROUTES = ("township", "village", "hills", "outbound")
Shares = tuple[tuple[str, float], ...]
MAX_FEVER_C = 39.5
# A party's behaviour uniforms, by column. New columns go at the end (drawn after the others),
# so a party keeps the values of the older columns (common random numbers).
BEHAVIOUR_COLUMNS = ("behaviour", "dwell", "patrol", "camera",
                     "neighbours", "try", "avoid", "fields", "away", "out_service",
                     "patrol_back", "camera_back", "neighbours_back")


@dataclass(frozen=True)
class Temperature:
    """Body temperature readings (°C, to 0.1 as a thermometer shows them).

    Most people read Normal(*mean*, *sd*) below *fever_c*; a share *fever_share* read
    uniformly in [*fever_c*, 39.5]; at a re-test a fever reading persists with
    probability *persists*, otherwise it is re-drawn as normal.
    """

    mean: float = 36.5
    sd: float = 0.25
    fever_share: float = 5e-4
    fever_c: float = 37.3
    persists: float = 0.3


@dataclass(frozen=True)
class Avoid:
    """A *share* of a stream's parties arriving between minute-of-day *start_min* and *end_min*
    (``end ≤ start`` wraps past midnight) avoid the gates from the start (returners at night)."""

    share: float
    start_min: int
    end_min: int

    def covers(self, minute_of_day: float) -> bool:
        if self.start_min < self.end_min:
            return self.start_min <= minute_of_day < self.end_min
        return minute_of_day >= self.start_min or minute_of_day < self.end_min


@dataclass(frozen=True)
class Behaviour:
    """What a turned-back party does: shares that *comply*, try a way in (*closed_entrance*), go
    to a *hotspot*. A party choosing a way in tries it with probability exp(−extra/*tolerance_min*),
    extra being the minutes the way takes beyond the lawful way from where it was refused."""

    comply: float = 1.0
    closed_entrance: float = 0.0
    hotspot: float = 0.0
    tolerance_min: float = 30.0
    avoid: Avoid | None = None


@dataclass(frozen=True)
class Trend:
    """A multiplier on a stream's day-type volume by date: linear between the dated *points*
    (sorted by date), flat before the first and after the last (a season warming up)."""

    points: tuple[tuple[dt.date, float], ...]

    def at(self, day: dt.date) -> float:
        first, last = self.points[0], self.points[-1]
        if day <= first[0]:
            return first[1]
        if day >= last[0]:
            return last[1]
        for (d0, m0), (d1, m1) in zip(self.points, self.points[1:], strict=False):
            if d0 <= day <= d1:
                return m0 + (m1 - m0) * (day - d0).days / (d1 - d0).days
        raise AssertionError("dates are sorted")       # pragma: no cover


@dataclass(frozen=True)
class Limit:
    """A ceiling on a stream's parties per day from each date on (*steps*, sorted; none before the
    first): a scenic area closed (0) or reopened under a daily cap (a reservation quota)."""

    steps: tuple[tuple[dt.date, float], ...]

    def at(self, day: dt.date) -> float:
        ceiling = math.inf
        for since, cap in self.steps:
            if since > day:
                break
            ceiling = cap
        return ceiling


@dataclass(frozen=True)
class Stream:
    """One kind of traveller (see docs/scenarios.md, "streams")."""

    id: str
    role: str
    route: str
    volume: Mapping[str, float]                  # parties per day, by day type
    profile: tuple[float, ...]                   # 24 hourly weights, normalised to sum 1
    occupancy_mean: float = 1.0
    occupancy_max: int = 1
    has_pass: float = 0.0
    quarantine: Shares = ()                      # the pack's quarantine values; the scenario fills it
    temperature: Temperature = Temperature()
    origin: Shares = (("local", 1.0),)
    gates: Shares = ()
    villages: Shares = ()
    hotspots: Shares = ()
    behaviour: Behaviour = Behaviour()
    dwell_min: Distribution = NONE
    bound_per_h: float | None = None
    outsider: bool = False
    away_min: Distribution | None = None        # a round trip: out of the village this long before arriving
    save_min: float = 5.0                        # fields walkers walk round a barrier saving at least this
    meet_min: Distribution = NONE                # minutes met at the gate when the errand is handled there
    queue: QueueBehaviour | None = None          # balking and patience at a staffed gate; None: waits
    trend: Trend | None = None                   # a multiplier on volume by date; None: 1 every day
    limit: Limit | None = None                   # a daily ceiling by date; None: no ceiling
    # bounds() per horizon, kept: every replication thins against the same table
    _bounds: dict[Horizon, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def volume_on(self, day: dt.date, day_type: str) -> float:
        """Parties expected on *day* of type *day_type*: the type's volume times the trend, capped."""
        volume = self.volume.get(day_type, 0.0)
        if self.trend is not None:
            volume *= self.trend.at(day)
        if self.limit is not None:
            volume = min(volume, self.limit.at(day))
        return volume

    def _hours(self, horizon: Horizon) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Clock-hour intervals: ``(edges, profile weight, volume of the day)`` per interval."""
        start_minute = horizon.start.hour * 60 + horizon.start.minute
        edges = np.unique(np.clip(np.arange(-(start_minute % 60), horizon.length_min + 60, 60.0),
                                  0.0, horizon.length_min))
        lows = edges[:-1] + start_minute
        hours = ((lows // 60) % 24).astype(int)
        days = (lows // 1440).astype(int)
        first = horizon.start.date()
        dates = [first + dt.timedelta(days=d) for d in range(int(days.max(initial=0)) + 1)]
        volumes = [self.volume_on(day, horizon.day_type(day)) for day in dates]
        return edges, np.asarray(self.profile)[hours], np.asarray(volumes)[days]

    def rate_table(self, horizon: Horizon) -> tuple[np.ndarray, np.ndarray]:
        """``(edges, rates)``: rate ``rates[i]`` (per minute) holds on ``[edges[i], edges[i+1])``."""
        edges, weights, volumes = self._hours(horizon)
        return edges, volumes * weights / 60.0

    def expected_count(self, horizon: Horizon, t0: float = 0.0, t1: float | None = None) -> float:
        """∫λ(t)dt over [*t0*, *t1*]: the mean number of arrivals (the theory tests check against)."""
        t1 = horizon.length_min if t1 is None else t1
        edges, rates = self.rate_table(horizon)
        lo = np.clip(edges[:-1], t0, t1)
        hi = np.clip(edges[1:], t0, t1)
        return float(np.sum(rates * (hi - lo)))

    def bounds(self, horizon: Horizon) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(edges, rates, bounds)``: the thinning bound λ*(t) per minute on each clock hour.

        The scenario's constant ``bound_per_h`` if given; otherwise the profile's shape times
        the stream's largest daily volume rounded up to a power of two. Demand that changes
        only in volume (within a power of two) thus keeps the same bound, so its candidates,
        and hence its visitors, coincide; and hours the profile leaves empty get none.
        With a trend or limit, the largest volume is the largest of the horizon's days (a
        multiplier may exceed 1), one bound for all of them: a trend point moved anywhere
        below the peak keeps every candidate of the season, not only those after it.
        """
        known = self._bounds.get(horizon)
        if known is None:
            known = self._bounds[horizon] = self._bounds_of(horizon)
            for table in known:
                table.flags.writeable = False            # shared by every replication
        return known

    def _bounds_of(self, horizon: Horizon) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        edges, weights, volumes = self._hours(horizon)
        rates = volumes * weights / 60.0
        if self.bound_per_h:
            return edges, rates, np.full(len(rates), self.bound_per_h / 60.0)
        top = max(self.volume.values(), default=0.0)
        if self.trend is not None or self.limit is not None:
            top = float(volumes.max(initial=0.0))
        scale = 2.0 ** math.ceil(math.log2(top)) if top > 0 else 0.0
        return edges, rates, scale * weights / 60.0


@dataclass(frozen=True)
class Arrivals:
    """The parties of one stream in one replication, as parallel arrays (struct of arrays)."""

    stream: Stream
    times: np.ndarray         # minutes, sorted
    persons: np.ndarray       # int
    has_pass: np.ndarray      # bool
    quarantine: np.ndarray    # index into stream.quarantine
    origin: np.ndarray        # index into stream.origin
    gate: np.ndarray          # index into stream.gates (-1 when none)
    village: np.ndarray       # index into the village shares (-1 when none)
    temps: np.ndarray         # (n, occupancy_max) first reading, °C
    retest_temps: np.ndarray  # (n, occupancy_max) reading at a re-test
    choice: np.ndarray        # (n, 3) uniforms: entrance, closed entrance, hotspot
    service: np.ndarray       # (n, 7) uniforms: township gate, village entrance, re-test, extra persons,
                              # balking, patience, carry-in
    behaviour: np.ndarray     # (n, len(BEHAVIOUR_COLUMNS)) uniforms


def candidate_times(edges: np.ndarray, bounds: np.ndarray,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A Poisson process at rate *bounds[i]* on each ``[edges[i], edges[i+1])``: sorted times, interval of each."""
    widths = np.diff(edges)
    counts = rng.poisson(bounds * widths)
    interval = np.repeat(np.arange(len(counts)), counts)
    times = edges[:-1][interval] + widths[interval] * rng.uniform(0.0, 1.0, len(interval))
    order = np.argsort(times, kind="stable")
    return times[order], interval[order]


def thin(stream_: Stream, horizon: Horizon, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Candidate times and the mask of those kept with probability λ(t)/λ*(t)."""
    edges, rates, bounds = stream_.bounds(horizon)
    times, interval = candidate_times(edges, bounds, rng)
    marks = rng.uniform(0.0, 1.0, len(times))
    return times, marks * bounds[interval] < rates[interval]


def _pick(shares: Shares, u: np.ndarray) -> np.ndarray:
    if not shares:
        return np.full(len(u), -1)
    cum = np.cumsum([s for _, s in shares])
    return np.minimum(np.searchsorted(cum / cum[-1], u, side="right"), len(shares) - 1)


def _readings(temp: Temperature, normal: np.ndarray, fever_u: np.ndarray,
              fever_level: np.ndarray) -> np.ndarray:
    base = np.minimum(temp.mean + temp.sd * normal, temp.fever_c - 0.1)
    fever = temp.fever_c + (MAX_FEVER_C - temp.fever_c) * fever_level
    return np.round(np.where(fever_u < temp.fever_share, fever, base), 1)


def draw_arrivals(stream_: Stream, horizon: Horizon, seed: int, replication: int) -> Arrivals:
    """Draw one stream's parties for *replication*: a pure function of its arguments.

    Every candidate of the thinning draws its values, so a party's values do not depend on which
    others are kept; only the kept ones are worked on (fewer than half, in the season)."""
    key = key_of(stream_.id)
    times, keep = thin(stream_, horizon, stream(seed, replication, Purpose.ARRIVALS, key))
    n, width = len(times), stream_.occupancy_max
    attrs = stream(seed, replication, Purpose.ATTRIBUTES, key)
    persons = 1 + np.minimum(attrs.poisson(max(stream_.occupancy_mean - 1, 0.0), n)[keep], width - 1)
    has_pass = attrs.uniform(size=n)[keep] < stream_.has_pass
    quarantine = _pick(stream_.quarantine, attrs.uniform(size=n)[keep])
    origin = _pick(stream_.origin, attrs.uniform(size=n)[keep])
    gate = _pick(stream_.gates, attrs.uniform(size=n)[keep])
    village = _pick(stream_.villages, attrs.uniform(size=n)[keep])
    temp = stream_.temperature
    temps = _readings(temp, attrs.standard_normal((n, width))[keep], attrs.uniform(size=(n, width))[keep],
                      attrs.uniform(size=(n, width))[keep])
    m = len(temps)
    fresh = _readings(temp, attrs.standard_normal((n, width))[keep], np.ones((m, width)), np.zeros((m, width)))
    persists = attrs.uniform(size=(n, width))[keep] < temp.persists
    retest = np.where((temps >= temp.fever_c) & ~persists, fresh, temps)
    choice = attrs.uniform(size=(n, 3))[keep]
    draws = stream(seed, replication, Purpose.SERVICE, key)
    service = draws.uniform(size=(n, 4))[keep]
    service = np.hstack((service, draws.uniform(size=(n, 3))[keep]))   # drawn after: the first four stay put
    rng = stream(seed, replication, Purpose.BEHAVIOUR, key)
    first = rng.uniform(size=(n, 4))[keep]           # drawn first, as before the later columns
    behaviour = np.hstack((first, rng.uniform(size=(n, len(BEHAVIOUR_COLUMNS) - 4))[keep]))
    return Arrivals(stream_, times[keep], persons, has_pass, quarantine, origin, gate, village, temps, retest,
                    choice, service, behaviour)
