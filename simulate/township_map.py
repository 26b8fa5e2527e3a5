"""The township as a drawing: places with coordinates, the links between them, patrol routes.

A plain value built from a scenario (:func:`township_map`), so that ``reports`` can draw the
township without knowing how the model keeps its graph.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scenario import Scenario

NODE_KINDS = ("road-entry", "junction", "township-gate", "village", "entrance", "fields", "hotspot", "place")
LINK_KINDS = ("road", "side-road", "hill-path", "way-round", "path")


@dataclass(frozen=True)
class MapNode:
    """A place to draw. *status* is ``staffed``/``closed``/``open`` for gates and entrances, else ``""``."""

    id: str
    kind: str                     # one of NODE_KINDS
    name: str
    x: float                      # km east of the drawing's origin
    y: float                      # km north
    status: str = ""
    camera: bool = False
    village: str = ""             # the village an entrance or fields belong to


@dataclass(frozen=True)
class MapLink:
    """A link between two places: a road (by car) or a path (on foot), with its minutes."""

    a: str
    b: str
    kind: str                     # one of LINK_KINDS
    minutes: float
    id: str = ""
    camera: bool = False


@dataclass(frozen=True)
class MapRoute:
    """A patrol's route, in order, with its team size and its windows (``"20:00–06:00"``)."""

    patrol: str
    sites: tuple[str, ...]
    team: int
    windows: tuple[str, ...]


@dataclass(frozen=True)
class TownshipMap:
    """Everything :mod:`reports` needs to draw the township; *schematic* when no coordinates are sourced."""

    nodes: tuple[MapNode, ...]
    links: tuple[MapLink, ...]
    routes: tuple[MapRoute, ...]
    schematic: bool = True


# --- Branch wip/map only: a schematic map from the scenario's township, until wip/net's graph lands. ---
# The integrator replaces this block with the network's ``township_map``; reports only rely on the
# value types above and on the name ``township_map(scenario) -> TownshipMap``.

_VILLAGE_RING_KM = 6.0      # villages on a circle round the drawing's origin (schematic, not to scale)
_ENTRANCE_RING_KM = 0.9     # entrances on a small circle round their village
_EDGE_RING_KM = 10.0        # township gates (south arc) and hotspots (north arc) on the outer edge


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _on_circle(radius: float, angle: float, cx: float = 0.0, cy: float = 0.0) -> tuple[float, float]:
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _arc(n: int, centre: float, span: float) -> list[float]:
    """*n* angles spread evenly over *span* radians round *centre*."""
    if n == 1:
        return [centre]
    return [centre - span / 2 + span * i / (n - 1) for i in range(n)]


def township_map(scenario: Scenario) -> TownshipMap:
    """A schematic map of *scenario*'s township: villages on a circle, entrances round each village,
    township gates along the southern edge and hotspots along the northern edge; roads join the
    gates to the nearest village and the villages in order of their drive from the gate."""
    town = scenario.township
    watched = scenario.cameras.sites
    nodes: list[MapNode] = []
    links: list[MapLink] = []
    villages = sorted(town.villages, key=lambda v: v.travel_min)
    for i, v in enumerate(town.villages):
        vx, vy = _on_circle(_VILLAGE_RING_KM, math.pi / 2 + 2 * math.pi * i / max(len(town.villages), 1))
        nodes.append(MapNode(v.id, "village", v.name, vx, vy))
        for j, e in enumerate(v.entrances):
            ex, ey = _on_circle(_ENTRANCE_RING_KM, 2 * math.pi * j / len(v.entrances), vx, vy)
            nodes.append(MapNode(e.id, "entrance", e.id, ex, ey, e.status, e.camera or e.id in watched, v.id))
    for g, angle in zip(town.gates, _arc(len(town.gates), -math.pi / 2, math.pi / 2), strict=True):
        gx, gy = _on_circle(_EDGE_RING_KM, angle)
        nodes.append(MapNode(g.id, "township-gate", g.name or g.id, gx, gy, g.status, g.id in watched))
        if g.detour_to is not None:
            links.append(MapLink(g.id, g.detour_to, "side-road", g.detour_min, f"{g.id}-detour"))
        elif villages:
            links.append(MapLink(g.id, villages[0].id, "road", villages[0].travel_min, f"{g.id}-road"))
    for a, b in itertools.pairwise(villages):
        links.append(MapLink(a.id, b.id, "road", max(b.travel_min - a.travel_min, 0.0), f"{a.id}-{b.id}"))
    for h, angle in zip(town.hotspots, _arc(len(town.hotspots), math.pi / 2, 2 * math.pi / 3), strict=True):
        hx, hy = _on_circle(_EDGE_RING_KM, angle)
        nodes.append(MapNode(h.id, "hotspot", h.name, hx, hy, "", h.camera or h.id in watched))
    routes = tuple(MapRoute(p.id, p.route, p.team, tuple(f"{_clock(a)}–{_clock(b)}" for a, b in p.windows))
                   for p in scenario.patrols)
    return TownshipMap(tuple(nodes), tuple(links), routes, schematic=True)
