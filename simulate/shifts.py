"""Staff schedules: shift patterns by time of day, plus volunteers in peak windows.

A gate's staffing becomes a step function of simulation time (``capacity_steps``): the
number of people who can serve a party at once. A shift change never interrupts a party
being served; it only changes how many services may start.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .horizon import MIN_PER_DAY, Horizon


@dataclass(frozen=True)
class Shift:
    """*staff* people from minute-of-day *start_min* to *end_min* (wraps past midnight)."""

    start_min: int
    end_min: int
    staff: int

    def covers(self, minute_of_day: float) -> bool:
        if self.start_min < self.end_min:
            return self.start_min <= minute_of_day < self.end_min
        return minute_of_day >= self.start_min or minute_of_day < self.end_min


@dataclass(frozen=True)
class ShiftPattern:
    """A named daily rota; overlapping shifts add up."""

    name: str
    shifts: tuple[Shift, ...]

    def staff_at(self, minute_of_day: float) -> int:
        return sum(s.staff for s in self.shifts if s.covers(minute_of_day))


@dataclass(frozen=True)
class Volunteers:
    """*staff* extra people at gates *at* from *start_min* to *end_min* on *day_types*."""

    name: str
    at: tuple[str, ...]
    start_min: int
    end_min: int
    staff: int
    day_types: tuple[str, ...] = ("weekday", "weekend", "holiday")


def capacity_steps(pattern: ShiftPattern, volunteers: Iterable[Volunteers],
                   horizon: Horizon) -> tuple[tuple[float, int], ...]:
    """``((t, staff), …)``: staff on duty from each *t* until the next; the first *t* is 0."""
    extra = tuple(volunteers)
    boundaries = {s.start_min for s in pattern.shifts} | {s.end_min for s in pattern.shifts}
    boundaries |= {v.start_min for v in extra} | {v.end_min for v in extra}
    times = {0.0}
    for midnight in horizon.midnights():
        times.update(midnight + b for b in boundaries if 0 < midnight + b < horizon.length_min)
    steps: list[tuple[float, int]] = []
    for t in sorted(times):
        staff = staff_on_duty(pattern, extra, horizon, t)
        if not steps or steps[-1][1] != staff:
            steps.append((t, staff))
    return tuple(steps)


def staff_on_duty(pattern: ShiftPattern, volunteers: tuple[Volunteers, ...],
                  horizon: Horizon, t: float) -> int:
    """People on duty at simulation time *t*."""
    minute = (horizon.start.hour * 60 + horizon.start.minute + t) % MIN_PER_DAY
    staff = pattern.staff_at(minute)
    if volunteers:
        day_type = horizon.day_type(horizon.date_at(t))
        staff += sum(v.staff for v in volunteers
                     if day_type in v.day_types and v.start_min <= minute < v.end_min)
    return staff


def staff_minutes(steps: tuple[tuple[float, int], ...], length_min: float) -> float:
    """Staff-minutes available over the horizon (the denominator of utilisation)."""
    total = 0.0
    for (t, staff), (t_next, _) in zip(steps, (*steps[1:], (length_min, 0)), strict=True):
        total += staff * (t_next - t)
    return total
