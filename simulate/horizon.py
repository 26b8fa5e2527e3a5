"""The simulated span: its start, its length in minutes, and the type of each day.

Simulation time is minutes from the start as a float. A day's type (weekday, weekend,
holiday) selects demand volumes and volunteer windows; holidays are listed in the scenario.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DAY_TYPES = ("weekday", "weekend", "holiday")
MIN_PER_DAY = 1440.0


@dataclass(frozen=True)
class Horizon:
    """*start* (naive local date-time), *length_min*, *holidays*; *warmup_min* for validation runs."""

    start: dt.datetime
    length_min: float
    holidays: frozenset[dt.date] = frozenset()
    warmup_min: float = 0.0

    @property
    def days(self) -> float:
        return self.length_min / MIN_PER_DAY

    def date_at(self, t_min: float) -> dt.date:
        """The calendar date at simulation time *t_min*."""
        return (self.start + dt.timedelta(minutes=t_min)).date()

    def day_type(self, day: dt.date) -> str:
        if day in self.holidays:
            return "holiday"
        return "weekend" if day.weekday() >= 5 else "weekday"

    def midnights(self) -> list[float]:
        """Simulation minute of every local midnight from the one before the start to the end.

        Daily windows (shifts, patrols, cameras) are laid out from these; the first is
        negative, so a window that began the evening before the start is included.
        """
        first = -float(self.start.hour * 60 + self.start.minute) - MIN_PER_DAY
        out = []
        while first < self.length_min:
            out.append(first)
            first += MIN_PER_DAY
        return out
