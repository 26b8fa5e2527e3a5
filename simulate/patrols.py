"""Patrols and cameras: where they are when, and whether they find an evader.

A patrol team walks its route as a circuit during each of its daily windows; every leg takes
its travel time (jittered ±20 % on the patrol stream). The visits are computed once per
replication (a pure function), so finding an evader is a lookup: an evader exposed at a site
over [t, t + e] is found at the first visit in that window that succeeds (each succeeds with
the team's *detect* probability); a camera covering the site at night finds them with the
camera's probability and a team arrives *response_min* later.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass

from .horizon import MIN_PER_DAY, Horizon
from .seeds import Purpose, key_of, stream


@dataclass(frozen=True)
class Patrol:
    """A team of *team* people walking *route* (site ids) with *leg_min* per leg, in *windows*."""

    id: str
    team: int
    route: tuple[str, ...]
    leg_min: tuple[float, ...]
    windows: tuple[tuple[int, int], ...]     # minute of day (start, end); end ≤ start wraps
    detect: float = 0.8


@dataclass(frozen=True)
class Cameras:
    """Night video (雪亮工程) over *sites* between minute-of-day *start_min* and *end_min*."""

    sites: frozenset[str] = frozenset()
    start_min: int = 20 * 60
    end_min: int = 6 * 60
    detect: float = 0.5
    response_min: float = 15.0

    def watching(self, site: str, minute_of_day: float) -> bool:
        if site not in self.sites:
            return False
        if self.start_min < self.end_min:
            return self.start_min <= minute_of_day < self.end_min
        return minute_of_day >= self.start_min or minute_of_day < self.end_min


def _window_spans(window: tuple[int, int], horizon: Horizon) -> list[tuple[float, float]]:
    start, end = window
    length = (end - start) % MIN_PER_DAY or MIN_PER_DAY
    spans = []
    for midnight in horizon.midnights():
        lo, hi = midnight + start, midnight + start + length
        if hi > 0 and lo < horizon.length_min:
            spans.append((max(lo, 0.0), min(hi, horizon.length_min)))
    return spans


def patrol_visits(patrol: Patrol, horizon: Horizon, seed: int, replication: int) -> dict[str, list[float]]:
    """Every visit time of *patrol* at each site of its route over the horizon."""
    rng = stream(seed, replication, Purpose.PATROLS, key_of(patrol.id))
    visits: dict[str, list[float]] = {site: [] for site in patrol.route}
    for window in patrol.windows:
        for lo, hi in _window_spans(window, horizon):
            t, leg = lo, 0
            jitter = rng.uniform(0.8, 1.2, size=1 + int((hi - lo) / max(min(patrol.leg_min), 1.0))).tolist()
            while t < hi:
                visits[patrol.route[leg % len(patrol.route)]].append(t)
                t += patrol.leg_min[leg % len(patrol.leg_min)] * jitter[leg % len(jitter)]
                leg += 1
    return visits


@dataclass(frozen=True)
class Watch:
    """All visit times by site (sorted) plus the cameras: answers "is this evader found?"."""

    visits: Mapping[str, tuple[float, ...]]
    detect: Mapping[str, tuple[float, ...]]  # per visit, the detection probability of that team
    cameras: Cameras
    start_minute: float

    def find(self, site: str, t0: float, t1: float, u_patrol: float, u_camera: float) -> float | None:
        """When an evader exposed at *site* over [*t0*, *t1*] is found, or None if never."""
        minute = (self.start_minute + t0) % MIN_PER_DAY
        if self.cameras.watching(site, minute) and u_camera < self.cameras.detect:
            return t0 + self.cameras.response_min
        times = self.visits.get(site)
        if not times:
            return None
        lo, hi = bisect_left(times, t0), bisect_right(times, t1)
        miss = 1.0
        probs = self.detect[site]
        for k in range(lo, hi):
            miss *= 1.0 - probs[k]
            if u_patrol < 1.0 - miss:
                return times[k]
        return None


def build_watch(patrols: tuple[Patrol, ...], cameras: Cameras, horizon: Horizon,
                seed: int, replication: int) -> Watch:
    """Merge every team's visits by site for one replication."""
    merged: dict[str, list[tuple[float, float]]] = {}
    for patrol in patrols:
        for site, times in patrol_visits(patrol, horizon, seed, replication).items():
            merged.setdefault(site, []).extend((t, patrol.detect) for t in times)
    visits, detect = {}, {}
    for site, pairs in merged.items():
        pairs.sort()
        visits[site] = tuple(t for t, _ in pairs)
        detect[site] = tuple(p for _, p in pairs)
    start = horizon.start.hour * 60 + horizon.start.minute
    return Watch(visits, detect, cameras, float(start))


def team_minutes(patrols: tuple[Patrol, ...], horizon: Horizon) -> float:
    """Person-minutes of patrolling over the horizon (a cost figure for comparisons)."""
    return float(sum(p.team * (hi - lo) for p in patrols for w in p.windows
                     for lo, hi in _window_spans(w, horizon)))

