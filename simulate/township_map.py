"""The township as a drawing: places with coordinates, the links between them, patrol routes.

A plain value built from a scenario (:func:`township_map`), so that ``reports`` can draw the
township without knowing how the model keeps its graph.
"""

from __future__ import annotations

from dataclasses import dataclass

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
