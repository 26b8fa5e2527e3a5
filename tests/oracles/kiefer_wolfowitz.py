"""The Kiefer–Wolfowitz recursion: exact FIFO waits of a c-server queue on given inputs.

The workload vector W (sorted, c entries: when each server frees up, relative to the
arrival) evolves as W ← sort((W + S·e₁ − T·1)⁺); the arrival's wait is W[0] before adding
its service. Here in its equivalent "earliest free server" form with a heap.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence


def fifo_waits(arrivals: Sequence[float], services: Sequence[float], servers: int) -> list[float]:
    """Waits of customers arriving at *arrivals* (sorted) needing *services*, FIFO, *servers*."""
    free = [0.0] * servers
    waits = []
    for t, s in zip(arrivals, services, strict=True):
        start = max(t, heapq.heappop(free))
        waits.append(start - t)
        heapq.heappush(free, start + s)
    return waits
