"""Staffed checkpoints at run time: a FIFO queue served by the staff on duty.

A :class:`Checkpoint` serves a township gate or a village entrance. Its number of servers
follows the shift steps (staff plus volunteers); a shift change never interrupts a party
being served. A party asks for service with ``yield checkpoint.serve(duration_min)``; the
event fires when the service ends, with the party's wait as its value. A party nothing waits
on is served with :meth:`Checkpoint.serve_counted`, and no event is made for it.

First come, first served on a known shift plan settles each party's start when it arrives
(the Kiefer–Wolfowitz recursion, with servers by time): the parties before it and the steps
of the plan decide it, nothing after it can. So the checkpoint keeps when each busy server is
free again instead of an event per service end and per shift change, and its queue-length
log is exact, not sampled. Parties must come in the order of the run's clock, as they do.

Queues people leave: a party may balk (not join, :class:`QueueBehaviour`), renege (leave the
queue when its patience runs out: the event then fires with ``None``), and a staff member may
stay away after a service (carrying goods into the village, 代送). With none of these the
checkpoint behaves exactly as a plain FIFO multi-server queue.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from heapq import heappop, heappush

import numpy as np
import simpy
from simpy.events import Event

from .distributions import NONE, Distribution
from .feed import at_time

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


INF = math.inf


class Checkpoint:
    """A staffed gate at run time: servers by shift, a FIFO queue, and what it observed.

    It observes the horizon, [0, *length_min*): *waits* (minutes, parties that arrived after
    the warm-up and began service or left the queue) and *wait_at* (each one's arrival time,
    for waits by day), *busy_min* (staff-minutes serving) and each service's start and length,
    *arrivals*, *unstaffed_arrivals* (parties that arrived while nobody was on duty), and the
    *persons* and party *outcomes* the model records on it. The queue's length at each change
    is :meth:`queue_log`; parties still queued at the end are read with
    :meth:`unfinished_waits`: leaving them out would let a gate nobody serves report no wait
    at all. Queues people leave: *balked* (turned round on seeing the queue, :meth:`balk`),
    *reneged* (left it; their wait up to leaving is in *waits*), *away_min* (staff-minutes
    away carrying goods in) and *seen*: how many arriving parties (joining or balking) saw
    each queue length.
    """

    def __init__(self, env: simpy.Environment, gate_id: str,
                 steps: tuple[tuple[float, int], ...], length_min: float, warmup_min: float = 0.0):
        self.env = env
        self.id = gate_id
        self.steps = steps
        self.length_min = length_min
        self.warmup_min = warmup_min
        self._step = 0                          # the shift step in force at the latest arrival
        self._capacity = steps[0][1]
        self._next_step = steps[1][0] if len(steps) > 1 else INF
        self._free_at: list[float] = []         # heap: when each server busy now is free again
        self._last_start = -INF                 # first come, first served: nobody starts before it
        self._leaving: list[float] = []         # heap: when each party queued now leaves the queue
        # the logs are C arrays: no float object kept per entry (each would be freed at the end,
        # after the run, far from where it was made), and numpy reads them in place
        self.waits: array[float] = array("d")
        self.wait_at: array[float] = array("d")
        self.joined_at: array[float] = array("d")   # each party that had to queue: when it joined
        self.left_at: array[float] = array("d")     # … and when it left (served or gone; inf: never)
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

    def serve(self, duration_min: float, away_min: float = 0.0, patience_min: float = INF,
              counted: str | None = None) -> Event:
        """Queue a party needing *duration_min* of one staff member's time, after which that
        staff member is away *away_min* more; the party leaves unserved after *patience_min*.
        *counted*: an outcome to count in *outcomes* when the service ends. The event returned
        fires when the service ends, its value the minutes waited, or when the party leaves
        the queue, its value ``None``; it stays pending for a party never served."""
        env = self.env
        at, waited = self._queue(env._now, duration_min, away_min, patience_min, counted)
        return Event(env) if at == INF else at_time(env, at, value=waited)

    def serve_counted(self, duration_min: float, counted: str) -> float:
        """Queue and serve a party that no event waits on (let out, or let in), counting
        *counted* in *outcomes* when its service ends; returns when that is (``inf``: never)."""
        return self._queue(self.env._now, duration_min, 0.0, INF, counted)[0]

    def queue_length(self) -> int:
        """Parties queued now (what an arriving party sees)."""
        leaving, now = self._leaving, self.env._now
        while leaving and leaving[0] <= now:
            heappop(leaving)
        return len(leaving)

    def balk(self) -> None:
        """Record a party that saw the queue and turned round without joining it."""
        self.balked += 1
        self.seen[self.queue_length()] += 1

    def _queue(self, now: float, duration: float, away: float, patience: float,
               counted: str | None) -> tuple[float, float | None]:
        """Settle a party arriving *now*: when it starts (or leaves), and record what the
        checkpoint will have observed of it. Returns when its event fires and its value."""
        self.arrivals += 1
        leaving = self._leaving
        while leaving and leaving[0] <= now:
            heappop(leaving)
        self.seen[len(leaving)] += 1
        if now >= self._next_step:
            self._shift_to(now)
        if self._capacity == 0:
            self.unstaffed_arrivals += 1
        free_at, last = self._free_at, self._last_start
        base = now if now > last else last      # never before the party ahead of it
        while free_at and free_at[0] <= base:
            heappop(free_at)
        start = base if base == now and len(free_at) < self._capacity else self._first_free(base)
        length = self.length_min
        if start > now:                         # it queues
            left = now + patience
            if left < start:                    # its patience runs out first: it leaves unserved
                self.joined_at.append(now)
                self.left_at.append(left)
                heappush(leaving, left)
                if left < length:
                    self.reneged += 1
                    if now >= self.warmup_min:
                        self.waits.append(left - now)
                        self.wait_at.append(now)
                return left, None
            self.joined_at.append(now)
            self.left_at.append(start)
            heappush(leaving, start)
        self._last_start = start
        if start == INF:
            return INF, None
        end = start + duration
        heappush(free_at, end + away if away > 0 else end)
        if start < length:
            if now >= self.warmup_min:
                self.waits.append(start - now)
                self.wait_at.append(now)
            rest = length - start
            self.busy_min += rest if rest < duration else duration     # min(), without the call
            self.service_start.append(start)
            self.service_min.append(duration)
            if end < length:
                if counted is not None:
                    self.outcomes[counted] += 1
                if away > 0:
                    self.away_min += min(away, length - end)
        return end, start - now

    def _shift_to(self, now: float) -> None:
        """Move to the shift step in force at *now*."""
        steps, k = self.steps, self._step
        while k + 1 < len(steps) and steps[k + 1][0] <= now:
            k += 1
        self._step, self._capacity = k, steps[k][1]
        self._next_step = steps[k + 1][0] if k + 1 < len(steps) else INF

    def _first_free(self, t: float) -> float:
        """The first time from *t* at which fewer servers are busy than are on duty (``inf``:
        never). Only servers free again later than *t* are busy (the heap holds no others)."""
        steps, k = self.steps, self._step
        last = len(steps) - 1
        pending = sorted(self._free_at)
        i, n = 0, len(pending)
        while True:
            while k < last and steps[k + 1][0] <= t:
                k += 1
            while i < n and pending[i] <= t:
                i += 1
            if n - i < steps[k][1]:
                return t
            t = min(pending[i] if i < n else INF, steps[k + 1][0] if k < last else INF)
            if t == INF:
                return t

    def queue_log(self) -> tuple[np.ndarray, np.ndarray]:
        """The queue's length at 0 and after each time it changed within the horizon: times, lengths."""
        joined, left = np.asarray(self.joined_at), np.asarray(self.left_at)
        left = left[left < self.length_min]
        times = np.concatenate((joined, left))
        order = np.argsort(times, kind="stable")
        times = times[order]
        lengths = np.cumsum(np.concatenate((np.ones(joined.size, np.int64), -np.ones(left.size, np.int64)))[order])
        last = np.append(times[1:] != times[:-1], True)[:times.size]   # the length after every change at a time
        return np.append(0.0, times[last]), np.append(np.int64(0), lengths[last])

    def _still_queued(self) -> np.ndarray:
        """The arrival time of each party still queued at the end of the horizon."""
        joined = np.asarray(self.joined_at)
        return joined[np.asarray(self.left_at) >= self.length_min]

    def unfinished(self) -> int:
        """Parties still queued at the end of the horizon."""
        return int(self._still_queued().size)

    def unfinished_at(self) -> np.ndarray:
        """The arrival time of each party still queued at the end (those arrived after the warm-up)."""
        queued = self._still_queued()
        return queued[queued >= self.warmup_min]

    def unfinished_waits(self, end: float) -> np.ndarray:
        """The wait so far at *end* of each party still queued (those arrived after the warm-up)."""
        return end - self.unfinished_at()
