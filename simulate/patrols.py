"""Patrols and cameras: where they are when, and whether they find an evader on the way.

A patrol team walks its route as a circuit during each of its daily windows; every leg takes
its travel time (jittered ±20 % on the patrol stream). A team of *k* walks as max(1, k // 2)
groups (pairs; an odd member joins the first), phase-shifted round the circuit by
circuit / groups; the scenario's *detect* is a pair's chance per visit and each member notices
independently, so a group of *m* notices with 1 − (1 − detect)^(m/2). A team of 2 is one pair
walking exactly as before. The visits are computed once per replication (a pure function), so
finding an evader is a lookup. A camera sees a crossing while it happens, in its hours; the
alert brings a team *response_min* later, which finds the evader only if still exposed then.
The neighbour watch (:mod:`simulate.watchers`) notices a crossing at its start, in its hours.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from .horizon import MIN_PER_DAY, Horizon
from .seeds import Purpose, key_of, stream
from .watchers import Hours, NeighbourWatch


@dataclass(frozen=True)
class Patrol:
    """A team of *team* people walking *route* (site ids) with *leg_min* per leg, in *windows*;
    *detect* is a pair's chance to notice an evader at a visit."""

    id: str
    team: int
    route: tuple[str, ...]
    leg_min: tuple[float, ...]
    windows: tuple[tuple[int, int], ...]     # minute of day (start, end); end ≤ start wraps
    detect: float = 0.8


@dataclass(frozen=True)
class Cameras:
    """Video (雪亮工程) over *sites* between minute-of-day *start_min* and *end_min*."""

    sites: frozenset[str] = frozenset()
    start_min: int = 20 * 60
    end_min: int = 6 * 60
    detect: float = 0.5
    response_min: float = 15.0

    @cached_property
    def hours(self) -> Hours:
        return Hours(self.start_min, self.end_min)

    def watching(self, site: str, minute_of_day: float) -> bool:
        return site in self.sites and self.hours.contain(minute_of_day)


class Exposure(NamedTuple):
    """An evader at *site* from *start* to *end* (absolute simulation minutes): one stretch of a way.
    (A named tuple: several are made per evader.)"""

    site: str
    start: float
    end: float


class Found(NamedTuple):
    """An evader found at *time* at *site* by a finder of :data:`simulate.results.FINDERS`."""

    time: float
    site: str
    by: str


def groups(team: int) -> tuple[int, ...]:
    """The sizes of the groups a team walks in: pairs, an odd member joining the first."""
    if team < 2:
        return (max(team, 1),)
    sizes = [2] * (team // 2)
    sizes[0] += team % 2
    return tuple(sizes)


def group_detect(detect: float, size: int) -> float:
    """A group's chance per visit, *detect* being a pair's and each member noticing independently."""
    return detect if size == 2 else 1.0 - (1.0 - detect) ** (size / 2)


def _window_spans(window: tuple[int, int], horizon: Horizon) -> list[tuple[float, float]]:
    start, end = window
    length = (end - start) % MIN_PER_DAY or MIN_PER_DAY
    spans = []
    for midnight in horizon.midnights():
        lo, hi = midnight + start, midnight + start + length
        if hi > 0 and lo < horizon.length_min:
            spans.append((max(lo, 0.0), min(hi, horizon.length_min)))
    return spans


def _leg(patrol: Patrol, position: int) -> float:
    return patrol.leg_min[position % len(patrol.leg_min)]


def _phase(patrol: Patrol, shift: float) -> tuple[int, float]:
    """Where a group that is *shift* minutes round the circuit stands at the window's start:
    the next site's position on the route and the minutes still to walk to it."""
    position, walked = 0, 0.0
    while walked < shift:
        walked += _leg(patrol, position)
        position += 1
    return position, walked - shift


def patrol_visits(patrol: Patrol, horizon: Horizon, seed: int,
                  replication: int) -> dict[str, list[tuple[float, float]]]:
    """Every visit (time, chance of noticing) of *patrol*'s groups at each site of its route.

    The groups share the day's pace (one jitter per leg, drawn as a team of 2 always drew it),
    so adding people adds visits without moving any other stream's draws.
    """
    rng = stream(seed, replication, Purpose.PATROLS, key_of(patrol.id))
    sizes = groups(patrol.team)
    n = len(patrol.route)
    circuit = sum(_leg(patrol, i) for i in range(n))
    starts = [_phase(patrol, g * circuit / len(sizes)) for g in range(len(sizes))]
    chances = [group_detect(patrol.detect, size) for size in sizes]
    visits: dict[str, list[tuple[float, float]]] = {site: [] for site in patrol.route}
    at = [visits[site].append for site in patrol.route]     # by position on the route
    legs, m = patrol.leg_min, len(patrol.leg_min)
    for window in patrol.windows:
        for lo, hi in _window_spans(window, horizon):
            jitter = rng.uniform(0.8, 1.2, size=1 + int((hi - lo) / max(min(legs), 1.0))).tolist()
            k = len(jitter)
            for (first, lead), chance in zip(starts, chances, strict=True):
                t, leg = lo + lead, 0
                while t < hi:                       # as _leg(patrol, position) * the leg's jitter
                    position = first + leg
                    at[position % n]((t, chance))
                    t += legs[position % m] * jitter[leg % k]
                    leg += 1
    return visits


@dataclass(frozen=True)
class Watch:
    """Every watcher of one replication, precomputed: answers "is this evader found, when, by whom?"."""

    visits: Mapping[str, tuple[float, ...]]   # patrol visit times by site, sorted
    detect: Mapping[str, tuple[float, ...]]   # per visit, the visiting group's chance of noticing
    cameras: Cameras
    start_minute: float
    neighbours: Mapping[str, NeighbourWatch]  # by watched site

    def find(self, site: str, t0: float, t1: float, u_patrol: float, u_camera: float) -> float | None:
        """When an evader exposed at *site* over [*t0*, *t1*] is found by a patrol or a camera,
        or None (one exposure; the neighbour watch is not asked)."""
        found = self.find_on((Exposure(site, t0, t1),), (u_patrol, u_camera, 1.0))
        return None if found is None else found.time

    def find_on(self, exposures: Sequence[Exposure], u: Sequence[float]) -> Found | None:
        """The earliest finding of an evader along *exposures* (the stretches of one way, not
        overlapping), or None. *u* = (patrol, camera, neighbours) uniforms, one each for the way:
        patrol visits accumulate chances across the way, the camera has one sighting (the first
        in its hours) and the neighbours one chance per watched crossing, accumulated likewise."""
        u_patrol, u_camera, u_neighbours = u[0], u[1], u[2]
        way = exposures if len(exposures) < 2 else sorted(exposures, key=_start)
        best: Found | None = None
        patrol_miss, neighbour_miss = 1.0, 1.0
        patrol_done = camera_done = neighbours_done = False
        for i, exposure in enumerate(way):
            if best is not None and exposure.start > best.time:
                break
            site, start = exposure.site, exposure.start
            watch = self.neighbours.get(site) if self.neighbours else None
            if not neighbours_done and watch is not None and \
                    watch.hours.contain((self.start_minute + start) % MIN_PER_DAY):
                neighbour_miss *= 1.0 - watch.detect
                if u_neighbours < 1.0 - neighbour_miss:
                    neighbours_done = True
                    best = _earlier(best, Found(start, site, "neighbours"))
            if not camera_done and site in self.cameras.sites:
                seen = self.cameras.hours.first_in(start, exposure.end, self.start_minute)
                if seen is not None:
                    camera_done = True
                    if u_camera < self.cameras.detect:
                        there = _exposed_at(way, i, seen + self.cameras.response_min)
                        if there is not None:
                            best = _earlier(best, Found(seen + self.cameras.response_min, there, "camera"))
            times = self.visits.get(site)
            if not patrol_done and times:
                probs = self.detect[site]
                for k in range(bisect_left(times, start), bisect_right(times, exposure.end)):
                    patrol_miss *= 1.0 - probs[k]
                    if u_patrol < 1.0 - patrol_miss:
                        patrol_done = True
                        best = _earlier(best, Found(times[k], site, "patrol"))
                        break
        return best


def _start(exposure: Exposure) -> float:
    return exposure.start


_RANK = {"patrol": 0, "camera": 1, "neighbours": 2}


def _earlier(best: Found | None, found: Found) -> Found:
    if best is None or (found.time, _RANK[found.by]) < (best.time, _RANK[best.by]):
        return found
    return best


def _exposed_at(way: Sequence[Exposure], first: int, t: float) -> str | None:
    """The site where the evader is exposed at time *t*, from stretch *first* on (None: gone)."""
    for exposure in way[first:]:
        if exposure.start > t:
            return None
        if t <= exposure.end:
            return exposure.site
    return None


def build_watch(patrols: tuple[Patrol, ...], cameras: Cameras, horizon: Horizon,
                seed: int, replication: int, neighbours: Sequence[NeighbourWatch] = ()) -> Watch:
    """Merge every team's visits by site for one replication, with the cameras and the neighbour watch."""
    merged: dict[str, list[tuple[float, float]]] = {}
    for patrol in patrols:
        for site, pairs in patrol_visits(patrol, horizon, seed, replication).items():
            merged.setdefault(site, []).extend(pairs)
    visits, detect = {}, {}
    for site, pairs in merged.items():
        pairs.sort()
        visits[site] = tuple(t for t, _ in pairs)
        detect[site] = tuple(p for _, p in pairs)
    start = horizon.start.hour * 60 + horizon.start.minute
    by_site = {site: watch for watch in neighbours for site in watch.sites}
    return Watch(visits, detect, cameras, float(start), by_site)


def team_minutes(patrols: tuple[Patrol, ...], horizon: Horizon) -> float:
    """Person-minutes of patrolling over the horizon (a cost figure for comparisons)."""
    return float(sum(p.team * (hi - lo) for p in patrols for w in p.windows
                     for lo, hi in _window_spans(w, horizon)))
