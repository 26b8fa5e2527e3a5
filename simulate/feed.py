"""Timed acts put on SimPy's event queue one at a time, each in the place a timeout made at
the start would take.

A replication knows tens of thousands of timed acts before it starts: arrivals, residents
setting out, every shift change at every checkpoint. Made as timeouts at the start they would
all sit on SimPy's heap at once and make every push and pop on it dearer; a :class:`Feed`
keeps one event of them there at a time.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from heapq import heappush
from operator import itemgetter
from typing import Any

import simpy
from simpy.events import NORMAL, Event, Timeout

Act = tuple[float, Any, Callable[[Any], None]]


class Feed:
    """Acts on *acts* — ``(time, argument, act)`` in time order — calling ``act(argument)`` at each
    time, as one re-armed event. Each takes the place in the order of events (time, priority,
    order of scheduling) that a timeout made now for it would take, so a run is unchanged
    while the queue stays short. It uses SimPy's queue and event counter
    (``Environment._queue``, ``_eid``) directly to do so.

    With *queued* false nothing goes on the queue: :func:`simulate.model.run_until` takes the
    acts in turn beside it, each in the same place, or :meth:`joined` feeds several such as one.
    *places*: the acts' places, reserved already (by the feeds joined); none reserves them now."""

    def __init__(self, env: simpy.Environment, acts: Sequence[Act], queued: bool = True,
                 places: Sequence[int] | None = None):
        self.env, self.acts, self.next = env, acts, 0
        if places is None:
            first = next(env._eid)                             # the places of all of them, reserved
            env._eid = itertools.count(first + len(acts))
            places = range(first, first + len(acts))
        self.places: Sequence[int] = places
        self.event = simpy.Event(env)
        self.event._ok = True
        if acts and queued:
            self._arm()

    @classmethod
    def joined(cls, env: simpy.Environment, feeds: Sequence[Feed]) -> Feed:
        """One queued feed of the acts of *feeds* (made with ``queued=False``), each in its own
        place: one event on the queue where there would be one per feed (every checkpoint's shift
        changes: a shorter queue makes every push and pop on it cheaper). The feeds hand their acts
        over: a checkpoint that keeps its feed then holds no act bound to itself, so a finished
        run leaves no cycle for the collector to find (10,000 in a season)."""
        placed = sorted(((a[0], p, a) for f in feeds for a, p in zip(f.acts, f.places, strict=True)),
                        key=itemgetter(0, 1))
        for f in feeds:
            f.acts, f.places = (), ()
        return cls(env, [a for _, _, a in placed], places=[p for _, p, _ in placed])

    def _arm(self) -> None:
        k = self.next
        self.event.callbacks = [self._fire]
        heappush(self.env._queue, (self.acts[k][0], NORMAL, self.places[k], self.event))

    def _fire(self, _: simpy.Event) -> None:
        argument, act = self.acts[self.next][1:]
        self.next += 1
        if self.next < len(self.acts):
            self._arm()
        act(argument)


_new = object.__new__


def later(env: simpy.Environment, delay: float, act: Callable[[Event], None], value: Any = None) -> Timeout:
    """``env.timeout(delay, value)`` with *act* its one callback, made as SimPy's Timeout makes
    itself but without calling the class (half the cost; a season makes some 45,000): the same
    event in the same place in the order of events."""
    if delay < 0:
        raise ValueError(f"Negative delay {delay}")
    timeout: Timeout = _new(Timeout)
    timeout.env, timeout.callbacks, timeout._delay, timeout._ok, timeout._value = env, [act], delay, True, value
    heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), timeout))
    return timeout
