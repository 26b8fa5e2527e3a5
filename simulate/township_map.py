"""The township as a drawing: places with coordinates, the links between them, patrol routes.

A plain value built from a scenario (:func:`township_map`), so that ``reports`` can draw the
township without knowing how the model keeps its graph.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .network import Link, Network
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


def township_map(scenario: Scenario) -> TownshipMap:
    """The township of *scenario* as a drawing: its network's places and links, the patrols'
    routes and the cameras. Places without coordinates (every place of an implicit graph) are
    laid out schematically: villages on a circle, entrances round their village."""
    network = scenario.network
    cameras = scenario.cameras.sites if scenario.cameras is not None else frozenset()
    at = _layout(network)
    nodes = tuple(MapNode(n.id, n.kind, n.name or n.id, *at[n.id], status=n.status,
                          camera=n.id in cameras, village=n.village)
                  for n in network.nodes.values())
    links = tuple(MapLink(link.a, link.b, link.kind, float(link.minutes), link.id,
                          camera=link.camera or link.id in cameras)
                  for link in network.links if not (network.implicit and _instant(link)))
    routes = tuple(MapRoute(p.id, p.route, p.team, tuple(_window(w) for w in p.windows))
                   for p in scenario.patrols)
    return TownshipMap(nodes, links, routes, schematic=True)


def _instant(link: Link) -> bool:
    """An implicit graph's 0-minute path standing for "anywhere, at once" (not drawn)."""
    return link.kind == "path" and link.minutes == 0


def _window(window: tuple[int, int]) -> str:
    start, end = window
    return f"{start // 60:02d}:{start % 60:02d}–{end // 60:02d}:{end % 60:02d}"


def _layout(network: Network) -> dict[str, tuple[float, float]]:
    """Coordinates for every node: its own ``at``, else a schematic place (km)."""
    nodes = network.nodes
    at: dict[str, tuple[float, float]] = {k: n.at for k, n in nodes.items() if n.at is not None}
    villages = [n.id for n in nodes.values() if n.kind == "village"]
    gates = [n.id for n in nodes.values() if n.kind == "township-gate"]
    hotspots = [n.id for n in nodes.values() if n.kind == "hotspot"]
    for ids, radius, turn in ((villages, 5.0, 0.0), (gates, 9.0, 0.5), (hotspots, 7.0, 0.25)):
        for i, nid in enumerate(ids):
            angle = 2 * math.pi * (i + turn) / max(len(ids), 1)
            at.setdefault(nid, (radius * math.cos(angle), radius * math.sin(angle)))
    for nid in network.entries.values():
        gate = next(g for g, e in network.entries.items() if e == nid)
        x, y = at.get(gate, (0.0, 0.0))
        at.setdefault(nid, (x * 1.15, y * 1.15))
    for n in nodes.values():
        if n.kind in ("junction", "fields") and n.village == "" and n.id not in at:
            home = n.id.split(":", 1)[1] if ":" in n.id else ""
            x, y = at.get(home, (0.0, 0.0))
            at[n.id] = (x * 0.6, y * 0.6)
    for v in villages:
        members = [n.id for n in nodes.values() if n.village == v and n.id not in at]
        x, y = at[v]
        for i, nid in enumerate(members):
            angle = 2 * math.pi * i / len(members)
            scale = 1.6 if nodes[nid].kind == "fields" else 0.6
            at[nid] = (x + scale * math.cos(angle), y + scale * math.sin(angle))
    return {k: (round(at.get(k, (0.0, 0.0))[0], 3), round(at.get(k, (0.0, 0.0))[1], 3)) for k in nodes}
