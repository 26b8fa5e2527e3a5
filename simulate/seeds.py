"""Random streams derived statelessly from (root seed, replication, purpose, key).

Every stream is ``SeedSequence(seed, spawn_key=(replication, purpose, key))``: it depends on
nothing but those numbers, so results are the same whatever executor, worker or order ran the
replication, and two scenarios with the same seed see the same visitors (common random
numbers). ``spawn()`` is never used: it is stateful and silently breaks CRN.
"""

from __future__ import annotations

import zlib
from enum import IntEnum

import numpy as np


class Purpose(IntEnum):
    """What a stream is for; the code is part of the seed, so never renumber one."""

    ARRIVALS = 1
    ATTRIBUTES = 2
    SERVICE = 3
    BEHAVIOUR = 4
    PATROLS = 5
    RETURNERS = 6                 # the season's returners, keyed by person


def key_of(name: str) -> int:
    """A stable 32-bit key for a named thing (a stream id), independent of its position."""
    return zlib.crc32(name.encode("utf-8"))


def stream(seed: int, replication: int, purpose: Purpose, key: int = 0) -> np.random.Generator:
    """The generator for *purpose* (and *key*, e.g. a demand stream) in *replication*."""
    sequence = np.random.SeedSequence(seed, spawn_key=(replication, int(purpose), key))
    return np.random.Generator(np.random.PCG64(sequence))
