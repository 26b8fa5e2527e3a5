"""A FIFO checkpoint simulated event by event: the reference for :class:`simulate.gates.Checkpoint`.

Every shift change, service end, patience running out and staff member coming back is a SimPy
event here, as the checkpoint itself was built before it settled each party on arrival. The
two must observe the same: each party's wait, start and end, the queue length at every change,
who left, who was never served, staff-minutes serving and away.
"""

from __future__ import annotations

import math
from collections import deque

import simpy


class _Party:
    def __init__(self, env: simpy.Environment, arrived: float, duration: float, away: float):
        self.event = simpy.Event(env)
        self.arrived, self.duration, self.away = arrived, duration, away
        self.started, self.wait = False, math.nan


class EventCheckpoint:
    """Servers by the shift *steps* ``((time, staff), …)``, observed over [0, *length*)."""

    def __init__(self, env: simpy.Environment, steps: tuple[tuple[float, int], ...], length: float):
        self.env, self.length = env, length
        self.capacity, self.busy = steps[0][1], 0
        self.waiting: deque[_Party] = deque()
        self.waits: list[tuple[float, float]] = []          # (arrived, wait)
        self.services: list[tuple[float, float]] = []       # (start, duration)
        self.log: list[tuple[float, int]] = [(0.0, 0)]
        self.busy_min = self.away_min = 0.0
        self.reneged = self.ended = 0
        for t, staff in steps[1:]:
            env.timeout(t).callbacks.append(lambda _e, staff=staff: self._reshift(staff))

    def queue_length(self) -> int:
        return len(self.waiting)

    def serve(self, duration: float, away: float = 0.0, patience: float = math.inf) -> simpy.Event:
        """The party's event: fires when its service ends (value: its wait) or it leaves (``None``)."""
        party = _Party(self.env, self.env.now, duration, away)
        if self.busy < self.capacity:
            self._begin(party)
        else:
            self.waiting.append(party)
            self.log.append((self.env.now, len(self.waiting)))
            if patience < math.inf:
                self.env.timeout(patience).callbacks.append(lambda _e: self._renege(party))
        return party.event

    def unfinished(self) -> list[float]:
        """Arrival times of the parties still queued."""
        return [p.arrived for p in self.waiting]

    def _begin(self, party: _Party) -> None:
        now = self.env.now
        self.busy += 1
        party.started, party.wait = True, now - party.arrived
        self.waits.append((party.arrived, party.wait))
        self.services.append((now, party.duration))
        self.busy_min += min(party.duration, self.length - now) if now < self.length else 0.0
        self.env.timeout(party.duration).callbacks.append(lambda _e: self._end(party))

    def _end(self, party: _Party) -> None:
        self.ended += 1
        party.event.succeed(party.wait)
        if party.away > 0:
            now = self.env.now
            self.away_min += min(party.away, self.length - now) if now < self.length else 0.0
            self.env.timeout(party.away).callbacks.append(lambda _e: self._free())
        else:
            self._free()

    def _free(self) -> None:
        self.busy -= 1
        self._start_waiting()

    def _renege(self, party: _Party) -> None:
        if party.started:
            return
        self.waiting.remove(party)
        self.reneged += 1
        self.waits.append((party.arrived, self.env.now - party.arrived))
        self.log.append((self.env.now, len(self.waiting)))
        party.event.succeed(None)

    def _reshift(self, staff: int) -> None:
        self.capacity = staff
        self._start_waiting()

    def _start_waiting(self) -> None:
        if self.waiting and self.busy < self.capacity:
            while self.waiting and self.busy < self.capacity:
                self._begin(self.waiting.popleft())
            self.log.append((self.env.now, len(self.waiting)))
