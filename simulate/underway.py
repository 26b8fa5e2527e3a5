"""A journey under way: a party's generator of SimPy events, stepped without a process.

A SimPy process costs a start event and an end event of its own. A journey started from an
arrival's callback needs neither: nothing can happen between the callback and the process's
start, and nobody waits for a journey to end, so the order of every other event is kept.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy


class Underway:
    """Steps *journey* now and then on each event it waits for, as a SimPy process steps its
    generator (a failed event is thrown into it)."""

    __slots__ = ("journey",)

    def __init__(self, journey: Generator[simpy.Event, Any, Any]):
        self.journey = journey
        self.step(None)

    def step(self, event: simpy.Event | None) -> None:
        journey = self.journey
        try:
            if event is None:
                waited = journey.send(None)
            elif event._ok:
                waited = journey.send(event._value)
            else:
                event._defused = True
                waited = journey.throw(event._value)
            while waited.callbacks is None:          # already processed: go straight on
                waited = journey.send(waited._value)
        except StopIteration:
            return
        waited.callbacks.append(self.step)
