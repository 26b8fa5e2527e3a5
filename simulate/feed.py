"""Timed acts kept beside SimPy's event queue, each taken in the place a timeout made at the
start would take; and timeouts made without calling the class.

A replication knows tens of thousands of timed acts before it starts: arrivals and residents
setting out. Made as timeouts at the start they would all sit on SimPy's heap at once and make
every push and pop on it dearer; a :class:`Feed` keeps them off it, and the run loop takes
them in turn (:func:`simulate.model.run_until`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL, Event, Timeout

Act = tuple[float, Any, Callable[[Any], None]]


class Feed:
    """Acts on *acts* — ``(time, argument, act)`` in time order — for :func:`simulate.model.run_until`
    to call ``act(argument)`` at each time, beside SimPy's queue: nothing of them goes on it.
    Each act takes the place in the order of events (time, priority, order of scheduling) that
    a timeout made now for it would take: the places of all of them are reserved from SimPy's
    event counter (``Environment._eid``) when the feed is made. *next*: the act to take next."""

    def __init__(self, env: simpy.Environment, acts: Sequence[Act]):
        self.acts, self.next = acts, 0
        first = next(env._eid)
        env._eid = itertools.count(first + len(acts))
        self.places: Sequence[int] = range(first, first + len(acts))


_new = object.__new__


def later(env: simpy.Environment, delay: float, act: Callable[[Event], None], value: Any = None) -> Timeout:
    """``env.timeout(delay, value)`` with *act* its one callback: the same event in the same
    place in the order of events (see :func:`_timeout`)."""
    if delay < 0:
        raise ValueError(f"Negative delay {delay}")
    return _timeout(env, env._now + delay, delay, [act], value)


def at_time(env: simpy.Environment, when: float, act: Callable[[Event], None] | None = None,
            value: Any = None) -> Timeout:
    """As :func:`later`, at the time *when* itself (not now plus a delay, which may round
    differently): for a time settled before, such as when a checkpoint's service ends. With no
    *act*, the event has no callback yet (whoever waits on it adds theirs)."""
    if when < env._now:
        raise ValueError(f"{when} is before now ({env._now})")
    return _timeout(env, when, when - env._now, [act] if act is not None else [], value)


def _timeout(env: simpy.Environment, when: float, delay: float, callbacks: list[Callable[[Event], None]],
             value: Any) -> Timeout:
    """A Timeout due *when*, made as SimPy's Timeout makes itself but without calling the class
    (half the cost; a season makes some 50,000)."""
    timeout: Timeout = _new(Timeout)
    timeout.env, timeout.callbacks, timeout._delay, timeout._ok, timeout._value = env, callbacks, delay, True, value
    heappush(env._queue, (when, NORMAL, next(env._eid), timeout))
    return timeout
