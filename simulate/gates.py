"""Staffed checkpoints at run time: a FIFO queue served by the staff on duty.

A :class:`Checkpoint` serves a township gate or a village entrance. Its number of servers
follows the shift steps (staff plus volunteers); a shift change never interrupts a party
being served. A party asks for service with ``yield checkpoint.serve(duration_min)``; the
event fires when the service ends, with the party's wait as its value. The checkpoint logs
each change of its queue length, so queue statistics are exact, not sampled.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

import simpy
from simpy.events import NORMAL, Event

from .distributions import NONE, Distribution

RETEST = Distribution.constant(90.0)


@dataclass(frozen=True)
class ServiceTimes:
    """Staff time per party by the pack's outcome, in seconds (docs/sources.md A-service-times).

    *per_extra_person* is added for each occupant after the first (one more temperature
    reading); a held party steps aside for *retest_after_min* and is then re-tested, which
    takes *retest*.
    """

    by_outcome: Mapping[str, Distribution]
    per_extra_person: Distribution = NONE
    retest: Distribution = RETEST
    retest_after_min: float = 10.0

    def minutes(self, outcome: str, persons: int, u: float, u_extra: float) -> float:
        """Service minutes for a party of *persons* decided *outcome*, from uniforms *u*, *u_extra*."""
        seconds = self.by_outcome[outcome].quantile(u)
        if persons > 1:
            seconds += (persons - 1) * self.per_extra_person.quantile(u_extra)
        return seconds / 60.0


class Service(Event):
    """One party's service at a checkpoint: fires when it ends, its value the minutes waited."""

    def __init__(self, checkpoint: Checkpoint, duration: float):
        super().__init__(checkpoint.env)
        self.arrived = checkpoint.env.now
        self.duration = duration
        self.callbacks.append(checkpoint._finish)

    def begin(self, now: float) -> None:
        """Start serving now (the same way SimPy's ``Timeout`` schedules itself)."""
        self._ok = True
        self._value = now - self.arrived
        self.env.schedule(self, NORMAL, self.duration)


class Checkpoint:
    """A staffed gate at run time: servers by shift, a FIFO queue, and what it observed.

    Observations: *waits* (minutes, parties that arrived after the warm-up and began
    service), the queue log (*log_t*, *log_n*: time and queue length at each change),
    *busy_min* (staff-minutes serving, within the horizon) and each service's start and
    length, *arrivals*, *unstaffed_arrivals* (parties that arrived while nobody was on duty),
    and the *persons* and party *outcomes* the model records on it. Parties still queued when
    the run stops are read with :meth:`unfinished_waits`: leaving them out would let a gate
    nobody serves report no wait at all.
    """

    def __init__(self, env: simpy.Environment, gate_id: str,
                 steps: tuple[tuple[float, int], ...], length_min: float, warmup_min: float = 0.0):
        self.env = env
        self.id = gate_id
        self.capacity = steps[0][1]
        self.busy = 0
        self.waiting: deque[Service] = deque()
        self.length_min = length_min
        self.warmup_min = warmup_min
        self.waits: list[float] = []
        self.log_t: list[float] = [0.0]
        self.log_n: list[int] = [0]
        self.busy_min = 0.0
        self.service_start: list[float] = []
        self.service_min: list[float] = []
        self.arrivals = 0
        self.unstaffed_arrivals = 0
        self.persons = 0
        self.outcomes: Counter[str] = Counter()
        for t, staff in steps[1:]:
            simpy.events.Timeout(env, t, staff).callbacks.append(self._reshift)

    def serve(self, duration_min: float) -> Service:
        """Queue a party needing *duration_min* of one staff member's time."""
        service = Service(self, duration_min)
        self.arrivals += 1
        if self.capacity == 0:
            self.unstaffed_arrivals += 1
        if self.busy < self.capacity:
            self._begin(service)
        else:
            self.waiting.append(service)
            self.log_t.append(self.env.now)
            self.log_n.append(len(self.waiting))
        return service

    def unfinished_waits(self, end: float) -> list[float]:
        """The wait so far at *end* of each party still queued (those arrived after the warm-up)."""
        return [end - s.arrived for s in self.waiting if s.arrived >= self.warmup_min]

    def _begin(self, service: Service) -> None:
        now = self.env.now
        self.busy += 1
        if service.arrived >= self.warmup_min:
            self.waits.append(now - service.arrived)
        self.busy_min += min(service.duration, self.length_min - now) if now < self.length_min else 0.0
        self.service_start.append(now)
        self.service_min.append(service.duration)
        service.begin(now)

    def _finish(self, _: Event) -> None:
        self.busy -= 1
        self._start_waiting()

    def _reshift(self, event: Event) -> None:
        self.capacity = cast(int, event.value)
        self._start_waiting()

    def _start_waiting(self) -> None:
        if self.waiting and self.busy < self.capacity:
            while self.waiting and self.busy < self.capacity:
                self._begin(self.waiting.popleft())
            self.log_t.append(self.env.now)
            self.log_n.append(len(self.waiting))
