"""Staffed checkpoints at run time: a FIFO queue served by the staff on duty.

A :class:`Checkpoint` serves a township gate or a village entrance. Its number of servers
follows the shift steps (staff plus volunteers); a shift change never interrupts a party
being served. A party asks for service with ``yield checkpoint.serve(duration_min)``; the
event fires when the service ends, with the party's wait as its value. The checkpoint logs
each change of its queue length, so queue statistics are exact, not sampled.

Queues people leave: a party may balk (not join, :class:`QueueBehaviour`), renege (leave the
queue when its patience runs out: the event then fires with ``None``), and a staff member may
stay away after a service (carrying goods into the village, 代送). With none of these the
checkpoint behaves exactly as a plain FIFO multi-server queue.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass
from heapq import heappush
from typing import cast

import simpy
from simpy.events import NORMAL, Event

from .distributions import NONE, Distribution
from .feed import Feed, later

RETEST = Distribution.constant(90.0)


@dataclass(frozen=True)
class QueueBehaviour:
    """How a stream's parties treat a queue (docs/sources.md A-queue-behaviour).

    A party that sees *n* parties waiting joins with probability 1 for n < *balk_from*, 0 for
    n ≥ *balk_to*, linearly between; a party that joined leaves the queue if service has not
    begun after its patience (*patience_min*; ``None``: it waits as long as it takes).
    """

    balk_from: int | None = None
    balk_to: int | None = None
    patience_min: Distribution | None = None

    def joins(self, waiting: int, u: float) -> bool:
        """Whether a party seeing *waiting* parties queued joins, from its uniform *u*."""
        low, high = self.balk_from, self.balk_to
        if low is None or high is None or waiting < low:
            return True
        if waiting >= high:
            return False
        return u < (high - waiting) / (high - low)

    def patience(self, u: float) -> float:
        """Minutes the party will wait for service to begin, from its uniform *u*."""
        return math.inf if self.patience_min is None else self.patience_min.quantile(u)


@dataclass(frozen=True)
class CarryIn:
    """代送: after goods are handled at a village entrance, with probability *share* one staff
    member carries them in and is away from the post for *minutes* (docs/sources.md A-queue-behaviour)."""

    share: float
    minutes: Distribution

    def away_min(self, u: float) -> float:
        """Minutes away for a party with uniform *u*: *u* < share decides, u / share draws the time."""
        return self.minutes.quantile(u / self.share) if u < self.share else 0.0


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
    carry_in: CarryIn | None = None

    def minutes(self, outcome: str, persons: int, u: float, u_extra: float) -> float:
        """Service minutes for a party of *persons* decided *outcome*, from uniforms *u*, *u_extra*."""
        seconds = self.by_outcome[outcome].quantile(u)
        if persons > 1:
            seconds += (persons - 1) * self.per_extra_person.quantile(u_extra)
        return seconds / 60.0


class Service(Event):
    """One party's service at a checkpoint: fires when it ends, its value the minutes waited
    (``None`` if the party left the queue first); *away* keeps its server *away* minutes longer.
    Made by :meth:`Checkpoint.serve` alone, without ``__init__`` (see there)."""

    arrived: float
    duration: float
    away: float
    counted: str | None


_new = object.__new__


class Checkpoint:
    """A staffed gate at run time: servers by shift, a FIFO queue, and what it observed.

    Observations: *waits* (minutes, parties that arrived after the warm-up and began
    service) and *wait_at* (each one's arrival time, for waits by day), the queue log
    (*log_t*, *log_n*: time and queue length at each change),
    *busy_min* (staff-minutes serving, within the horizon) and each service's start and
    length, *arrivals*, *unstaffed_arrivals* (parties that arrived while nobody was on duty),
    and the *persons* and party *outcomes* the model records on it. Parties still queued when
    the run stops are read with :meth:`unfinished_waits`: leaving them out would let a gate
    nobody serves report no wait at all. Queues people leave: *balked* (turned round on
    seeing the queue, :meth:`balk`), *reneged* (left it; their wait up to leaving is in
    *waits*), *away_min* (staff-minutes away carrying goods in, within the horizon) and
    *seen*: how many arriving parties (joining or balking) saw each queue length.
    """

    def __init__(self, env: simpy.Environment, gate_id: str,
                 steps: tuple[tuple[float, int], ...], length_min: float, warmup_min: float = 0.0,
                 queued: bool = True):
        self.env = env
        self.id = gate_id
        self.capacity = steps[0][1]
        self.busy = 0
        self.waiting: deque[Service] = deque()
        self.length_min = length_min
        self.warmup_min = warmup_min
        # the logs are C arrays: no float object kept per entry (each would be freed at the end,
        # after the run, far from where it was made), and numpy reads them in place
        self.waits: array[float] = array("d")
        self.wait_at: array[float] = array("d")
        self.log_t: array[float] = array("d", (0.0,))
        self.log_n: array[int] = array("q", (0,))
        self.busy_min = 0.0
        self.service_start: array[float] = array("d")
        self.service_min: array[float] = array("d")
        self.arrivals = 0
        self.unstaffed_arrivals = 0
        self.persons = 0
        # defaultdicts, not Counters: Counter defines __delitem__, so its ``c[k] += 1`` stores
        # through a slot that looks __setitem__ up by name (ten times a dict's work); twice a screening
        self.outcomes: defaultdict[str, int] = defaultdict(int)
        self.balked = 0
        self.reneged = 0
        self.away_min = 0.0
        self.seen: defaultdict[int, int] = defaultdict(int)
        # its shift changes: queued, or (``queued=False``) fed with other checkpoints' (Feed.joined)
        self.shifts = Feed(env, [(t, staff, self._reshift) for t, staff in steps[1:]], queued=queued)

    def serve(self, duration_min: float, away_min: float = 0.0, patience_min: float = math.inf,
              counted: str | None = None) -> Service:
        """Queue a party needing *duration_min* of one staff member's time, after which that
        staff member is away *away_min* more; the party leaves unserved after *patience_min*.
        *counted*: an outcome to count in *outcomes* when the service ends (for a party that
        nothing waits on)."""
        now = self.env._now
        # Made as SimPy's Timeout makes itself, but without calling the class: a class with an
        # ``__init__`` costs twice as much to call, and a season makes 100,000 of these.
        service: Service = _new(Service)
        service.env, service.callbacks = self.env, [self._finish]
        service.arrived, service.duration, service.away, service.counted = now, duration_min, away_min, counted
        self.arrivals += 1
        waiting = self.waiting
        self.seen[len(waiting)] += 1
        capacity = self.capacity
        if capacity == 0:
            self.unstaffed_arrivals += 1
        if self.busy < capacity:
            self._begin(service, now)
        else:
            waiting.append(service)
            self.log_t.append(now)
            self.log_n.append(len(waiting))
            if patience_min < math.inf:
                later(self.env, patience_min, self._renege, service)
        return service

    def balk(self) -> None:
        """Record a party that saw the queue and turned round without joining it."""
        self.balked += 1
        self.seen[len(self.waiting)] += 1

    def unfinished_waits(self, end: float) -> list[float]:
        """The wait so far at *end* of each party still queued (those arrived after the warm-up)."""
        return [end - s.arrived for s in self.waiting if s.arrived >= self.warmup_min]

    def unfinished_at(self) -> list[float]:
        """The arrival time of each party still queued (after the warm-up), as :meth:`unfinished_waits`."""
        return [s.arrived for s in self.waiting if s.arrived >= self.warmup_min]

    def _begin(self, service: Service, now: float) -> None:
        self.busy += 1
        arrived, duration = service.arrived, service.duration
        if arrived >= self.warmup_min:
            self.waits.append(now - arrived)
            self.wait_at.append(arrived)
        length = self.length_min
        self.busy_min += min(duration, length - now) if now < length else 0.0
        self.service_start.append(now)
        self.service_min.append(duration)
        service._ok = True                     # starts now: scheduled as SimPy's Timeout schedules itself
        service._value = now - arrived
        env = self.env
        heappush(env._queue, (now + duration, NORMAL, next(env._eid), service))

    def _finish(self, event: Event) -> None:
        counted: str | None = event.counted   # type: ignore[attr-defined]  # only Services call back here
        if counted is not None:
            self.outcomes[counted] += 1
        away: float = event.away          # type: ignore[attr-defined]
        if away > 0:
            now = self.env.now
            self.away_min += min(away, self.length_min - now) if now < self.length_min else 0.0
            later(self.env, away, self._back)
            return
        self.busy -= 1
        if self.waiting:
            self._start_waiting()

    def _back(self, _: Event) -> None:
        self.busy -= 1
        self._start_waiting()

    def _renege(self, event: Event) -> None:
        """The patience of a queued party ran out: if still waiting, it leaves (value ``None``)."""
        service = cast(Service, event.value)
        if service.triggered:                  # service has begun
            return
        self.waiting.remove(service)
        now = self.env.now
        self.reneged += 1
        if service.arrived >= self.warmup_min:
            self.waits.append(now - service.arrived)
            self.wait_at.append(service.arrived)
        self.log_t.append(now)
        self.log_n.append(len(self.waiting))
        service.callbacks.remove(self._finish)
        service.succeed(None)

    def _reshift(self, staff: int) -> None:
        self.capacity = staff
        self._start_waiting()

    def _start_waiting(self) -> None:
        if self.waiting and self.busy < self.capacity:
            now = self.env.now
            while self.waiting and self.busy < self.capacity:
                self._begin(self.waiting.popleft(), now)
            self.log_t.append(now)
            self.log_n.append(len(self.waiting))
