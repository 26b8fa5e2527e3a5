"""Watchers who stay put: daily hours, and the neighbour watch (邻里守望) at a village's closed entrances.

A stationary watcher notices someone crossing a watched place when the crossing starts inside
its hours, with one chance per crossing; nothing here draws a random number.
"""

from __future__ import annotations

from dataclasses import dataclass

from .horizon import MIN_PER_DAY


@dataclass(frozen=True)
class Hours:
    """Daily hours from minute-of-day *start_min* to *end_min*; end ≤ start runs past midnight
    (equal: all day)."""

    start_min: int
    end_min: int

    def contain(self, minute_of_day: float) -> bool:
        if self.start_min < self.end_min:
            return self.start_min <= minute_of_day < self.end_min
        return minute_of_day >= self.start_min or minute_of_day < self.end_min

    def first_in(self, t0: float, t1: float, start_minute: float) -> float | None:
        """The earliest simulation minute in [*t0*, *t1*] inside the hours (None: none), for a
        simulation that starts at minute-of-day *start_minute*."""
        minute = (start_minute + t0) % MIN_PER_DAY
        if self.contain(minute):
            return t0
        opens = t0 + (self.start_min - minute) % MIN_PER_DAY
        return opens if opens <= t1 else None


@dataclass(frozen=True)
class NeighbourWatch:
    """Residents on watch (邻里守望队) over *village*'s closed entrances (*sites*) in *hours*: each
    crossing that starts there in the hours is noticed with probability *detect*."""

    village: str
    sites: frozenset[str]
    hours: Hours
    detect: float
