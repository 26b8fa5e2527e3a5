"""The township's static geography: township gates, villages with entrances, hotspots.

Nothing here moves; :mod:`simulate.gates` runs the staffed ones and :mod:`simulate.patrols`
watches the closed ones and the hotspots.
"""

from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("staffed", "closed", "open")


@dataclass(frozen=True)
class Gate:
    """A township gate on a road into the township.

    *staffed* gates screen everyone; *open* ones let everyone through unscreened; traffic
    meant for a *closed* gate drives *detour_min* to *detour_to* (or, with no detour, is
    turned back by the barrier).
    """

    id: str
    status: str
    shift: str | None = None
    detour_to: str | None = None
    detour_min: float = 0.0
    name: str = ""


@dataclass(frozen=True)
class Entrance:
    """A village entrance: *staffed* 24 h (a queue), *closed* (a barrier people may walk round) or *open*."""

    id: str
    village: str
    status: str
    shift: str | None = None
    camera: bool = False


@dataclass(frozen=True)
class Village:
    """A village: its share of visitors' destinations (*weight*) and the drive from the township gate."""

    id: str
    name: str
    weight: float
    travel_min: float
    entrances: tuple[Entrance, ...]

    def passable(self) -> tuple[Entrance, ...]:
        """Entrances a law-abiding party uses: staffed or open."""
        return tuple(e for e in self.entrances if e.status != "closed")

    def closed(self) -> tuple[Entrance, ...]:
        return tuple(e for e in self.entrances if e.status == "closed")


@dataclass(frozen=True)
class Hotspot:
    """Where turned-back or evading visitors linger: a mountain entry, the plaza, a closed scenic area."""

    id: str
    name: str
    kind: str
    weight: float
    camera: bool = False


@dataclass(frozen=True)
class Township:
    """The whole layout, every collection keyed by id in scenario order."""

    gates: tuple[Gate, ...]
    villages: tuple[Village, ...]
    hotspots: tuple[Hotspot, ...]

    def entrances(self) -> tuple[Entrance, ...]:
        return tuple(e for v in self.villages for e in v.entrances)

    def site_ids(self) -> frozenset[str]:
        """Ids that patrols and cameras may watch: closed entrances and hotspots."""
        closed = {e.id for e in self.entrances() if e.status == "closed"}
        return frozenset(closed | {h.id for h in self.hotspots})
