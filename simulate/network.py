"""The township as a graph: places, the roads and paths between them, and the ways through it.

Nodes are the township gates, villages (a village node is *inside* the village), village
entrances, hotspots, and the scenario's other places (road entries, junctions, fields). A
village is reached only through its entrances; an entrance joins its village to the place it
opens onto. Links are undirected and carry minutes as travelled (roads by car, paths on foot).

Two kinds of journey are answered, each by a shortest-path search cached per start node:

* *lawful*: by road through junctions and open gates, ending at a staffed or open entrance;
* *evading*: any link, never through a staffed gate or entrance; a closed entrance (or a closed
  gate that can be walked round) costs its ``round_min``, during which the evader is exposed there.

Without a ``network:`` section the loader builds the *implicit* graph (:func:`implicit_network`),
which keeps the meaning of today's fields (``travel_min``, ``evasion``, ``detour_*``).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .township import Township

INF = math.inf
ROAD_KINDS = frozenset({"road", "side-road"})
LINK_KINDS = ("road", "side-road", "hill-path", "way-round", "path")
PLACE_KINDS = ("road-entry", "junction", "fields")
# Places a journey may pass through (a village, hotspot, staffed post is an end, never on the way).
_THROUGH = frozenset({"road-entry", "junction", "fields"})


@dataclass(frozen=True)
class Leg:
    """A place on a way where a watcher may see the traveller, minutes after setting off."""

    site: str         # entrance id, hill-path link id, hotspot id, gate id
    start: float
    end: float


@dataclass(frozen=True)
class Way:
    """An unscreened way from a start node into a village (or to a hotspot, or out of a village)."""

    minutes: float              # from the start node to inside the village (or to the hotspot)
    legs: tuple[Leg, ...]       # exposures in time order
    path: str                   # a LEAK_PATHS name it counts under
    entry_site: str             # where the boundary was crossed unscreened

    def reversed(self) -> Way:
        """The same way walked the other way (out to the fields, back to the gate): each
        exposure mirrored in time."""
        legs = tuple(Leg(leg.site, self.minutes - leg.end, self.minutes - leg.start) for leg in reversed(self.legs))
        return Way(self.minutes, legs, self.path, self.entry_site)


@dataclass(frozen=True)
class Node:
    """A node of the graph: *kind* is one of :data:`simulate.township_map.NODE_KINDS`."""

    id: str
    kind: str
    name: str = ""
    village: str = ""                       # the village of an entrance or fields
    status: str = ""                        # staffed / closed / open, for gates and entrances
    round_min: float | None = None          # minutes to get round a closed barrier on foot
    at: tuple[float, float] | None = None   # schematic km east, km north


@dataclass(frozen=True)
class Link:
    """An undirected link; *minutes* as travelled (by car on roads, on foot on paths)."""

    id: str
    a: str
    b: str
    minutes: float
    kind: str
    camera: bool = False


@dataclass(frozen=True)
class _Tree:
    """One shortest-path search: minutes to each node, and how it was reached."""

    dist: Mapping[str, float]
    arrive: Mapping[str, float]              # minutes on reaching a barrier (before its round_min)
    via: Mapping[str, tuple[str, Link | None]]


@dataclass(frozen=True)
class Network:
    """The township's graph with its ways, searched lazily and cached per start node.

    Frozen in everything it says; the caches only remember answers (the graph never changes)
    and take no part in comparisons.
    """

    nodes: Mapping[str, Node]
    links: tuple[Link, ...]
    entries: Mapping[str, str]                       # township gate -> road-entry outside it
    implicit: bool = False
    _adjacent: dict[str, list[tuple[str, Link]]] = field(default_factory=dict, repr=False, compare=False)
    _village_entrances: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)
    _fields: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)
    _road: dict[str, _Tree] = field(default_factory=dict, repr=False, compare=False)
    _field_ways: dict[str, tuple[tuple[str, float], Way | None]] = field(default_factory=dict, repr=False,
                                                                          compare=False)
    _evade: dict[str, _Tree] = field(default_factory=dict, repr=False, compare=False)
    _ways: dict[tuple[str, str], tuple[Way, ...]] = field(default_factory=dict, repr=False, compare=False)
    _order: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _hill_paths: set[str] = field(default_factory=set, repr=False, compare=False)

    def __post_init__(self) -> None:
        for i, n in enumerate(self.nodes.values()):
            self._adjacent[n.id] = []
            self._order[n.id] = i
        self._hill_paths.update(link.id for link in self.links if link.kind == "hill-path")
        for link in self.links:
            self._adjacent[link.a].append((link.b, link))
            self._adjacent[link.b].append((link.a, link))
        by_village: dict[str, list[str]] = {}
        fields: dict[str, list[str]] = {}
        for n in self.nodes.values():
            if n.kind == "village":
                by_village.setdefault(n.id, [])
                fields.setdefault(n.id, [])
        for n in self.nodes.values():
            if n.kind == "entrance":
                by_village.setdefault(n.village, []).append(n.id)
            elif n.kind == "fields":
                fields.setdefault(n.village, []).append(n.id)
        self._village_entrances.update({v: tuple(es) for v, es in by_village.items()})
        self._fields.update({v: tuple(fs) for v, fs in fields.items()})

    # --- lawful journeys --------------------------------------------------------------------
    def road_min(self, a: str, b: str) -> float:
        """Lawful road minutes between two nodes (inf if none): by road and side road, through
        road entries, junctions and open township gates only. From a closed township gate
        the drive starts outside it (its road entry): nobody drives through its barrier."""
        tree = self._road.get(a)
        if tree is None:
            node = self.nodes[a]
            closed_gate = node.kind == "township-gate" and node.status == "closed"
            tree = self._road[a] = self._search(self.entries[a] if closed_gate else a, "road")
        return tree.dist.get(b, INF)

    def lawful_entrances(self, start: str, village: str) -> tuple[tuple[str, float], ...]:
        """The passable (staffed or open) entrances of *village* reachable by road from *start*,
        with their minutes, nearest first (ties in scenario order)."""
        found = [(e, self.road_min(start, e)) for e in self._village_entrances.get(village, ())
                 if self.nodes[e].status != "closed"]
        return tuple(sorted(((e, m) for e, m in found if m < INF), key=lambda em: em[1]))

    def entry_node(self, gate: str) -> str:
        """The road-entry node a stream arriving at township gate *gate* starts from."""
        return self.entries[gate]

    def fields_of(self, village: str) -> tuple[str, ...]:
        """The fields and orchards outside *village*."""
        return self._fields.get(village, ())

    # --- evaders ------------------------------------------------------------------------------
    def ways_in(self, start: str, village: str) -> tuple[Way, ...]:
        """Every unscreened way from *start* into *village*, one per entrance it could cross
        (closed ones walked round, open ones), quickest first (ties in scenario order).

        *start* may be a township gate or an entrance where a party was refused: the way
        starts outside it (the gate's road entry, the place the entrance opens onto)."""
        key = (start, village)
        ways = self._ways.get(key)
        if ways is None:
            tree = self._evasion_tree(start)
            found = [self._way(tree, e, village) for e in self._village_entrances.get(village, ())
                     if self.nodes[e].status != "staffed" and e in tree.dist]
            ways = self._ways[key] = tuple(sorted(found, key=lambda w: w.minutes))
        return ways

    def way_in(self, start: str, village: str | None) -> Way | None:
        """The evader's quickest way from *start* into *village* (``None``: into any village),
        avoiding every staffed post; ``None`` if there is none."""
        if village is not None:
            ways = self.ways_in(start, village)
            return ways[0] if ways else None
        best: Way | None = None
        for v in self._village_entrances:
            way = self.way_in(start, v)
            if way is not None and (best is None or way.minutes < best.minutes):
                best = way
        return best

    def way_to_hotspot(self, start: str, hotspot: str) -> Way | None:
        """The way from *start* to *hotspot* avoiding staffed posts (legs: hill paths and
        barriers walked round on the way; the stay at the hotspot is the caller's)."""
        tree = self._evasion_tree(start)
        if hotspot not in tree.dist:
            return None
        return Way(tree.dist[hotspot], self._legs(tree, hotspot), "hotspot", hotspot)

    def ways_out(self, village: str) -> tuple[Way, ...]:
        """Every way out of *village* past no staffed entrance (closed ones walked round),
        quickest first: what a resident under observation who will not be stopped takes."""
        key = ("", village)
        ways = self._ways.get(key)
        if ways is None:
            found = []
            for e in self._village_entrances.get(village, ()):
                node = self.nodes[e]
                if node.status == "staffed":
                    continue
                out = self._outside(e)
                step = _link_between(self._adjacent[e], out)
                closed = node.status == "closed"
                if closed and node.round_min is None:
                    continue
                barrier = node.round_min or 0.0
                legs = (Leg(e, 0.0, barrier),) if closed else ()
                found.append(Way(barrier + step, legs, "observation_exit", e))
            ways = self._ways[key] = tuple(sorted(found, key=lambda w: w.minutes))
        return ways

    def way_out(self, village: str) -> Way | None:
        """The quickest of :meth:`ways_out`, or ``None``."""
        ways = self.ways_out(village)
        return ways[0] if ways else None

    def field_ways(self, fields: str) -> tuple[tuple[str, float], Way | None]:
        """From *fields* into its village on foot: the quickest passable entrance with its
        minutes (``("", inf)`` if none), and the quickest way round a closed entrance when that
        is quicker (else ``None``)."""
        known = self._field_ways.get(fields)
        if known is not None:
            return known
        village = self.nodes[fields].village
        tree = self._search(fields, "walk")
        lawful = min(((e, tree.dist[e] + _link_between(self._adjacent[e], village))
                      for e in self._village_entrances.get(village, ())
                      if self.nodes[e].status != "closed" and e in tree.dist),
                     key=lambda em: em[1], default=("", INF))
        round_ways = [w for w in self.ways_in(fields, village) if w.path != "open_entrance"]
        best = round_ways[0] if round_ways and round_ways[0].minutes < lawful[1] else None
        known = self._field_ways[fields] = (lawful, best)
        return known

    # --- searches -----------------------------------------------------------------------------
    def _outside(self, start: str) -> str:
        """Where a party refused at *start* stands: outside a gate or an entrance."""
        node = self.nodes[start]
        if node.kind == "township-gate":
            return self.entries[start]
        if node.kind == "entrance":
            return next(b for b, link in self._adjacent[start] if b != node.village)
        return start

    def _evasion_tree(self, start: str) -> _Tree:
        tree = self._evade.get(start)
        if tree is None:
            tree = self._evade[start] = self._search(self._outside(start), "evade")
        return tree

    @staticmethod
    def _extra(mode: str, node: Node, link: Link) -> float | None:
        """The minutes entering *node* over *link* adds beyond the link (``None``: not this way).

        ``road``: lawful driving, roads and side roads only; ``walk``: lawful on foot, any link;
        ``evade``: any link, never a staffed post, a closed barrier at its ``round_min`` (a
        barrier without one cannot be got round)."""
        if mode == "road":
            return 0.0 if link.kind in ROAD_KINDS else None
        if mode == "walk" or node.status == "open" or not node.status:
            return 0.0
        return node.round_min if node.status == "closed" else None

    @staticmethod
    def _passes(mode: str, node: Node) -> bool:
        """Whether a journey may go on from *node* (not only end there)."""
        if node.kind in _THROUGH:
            return True
        if node.kind == "township-gate":
            return node.status == "open" or (mode == "evade" and node.status == "closed")
        return False

    def _search(self, start: str, mode: str) -> _Tree:
        """Dijkstra from *start* in *mode* (see :meth:`_extra`); ties go to scenario order."""
        dist: dict[str, float] = {start: 0.0}
        arrive: dict[str, float] = {start: 0.0}
        via: dict[str, tuple[str, Link | None]] = {start: (start, None)}
        order = self._order
        heap: list[tuple[float, int, str]] = [(0.0, order[start], start)]
        done: set[str] = set()
        while heap:
            d, _, u = heapq.heappop(heap)
            if u in done:
                continue
            done.add(u)
            if u != start and not self._passes(mode, self.nodes[u]):
                continue
            for v, link in self._adjacent[u]:
                if v in done:
                    continue
                extra = self._extra(mode, self.nodes[v], link)
                if extra is None:
                    continue
                reach = d + link.minutes
                if reach + extra < dist.get(v, INF):
                    dist[v], arrive[v], via[v] = reach + extra, reach, (u, link)
                    heapq.heappush(heap, (reach + extra, order[v], v))
        return _Tree(dist, arrive, via)

    def _legs(self, tree: _Tree, end: str) -> tuple[Leg, ...]:
        """The exposures on the way to *end*: hill-path links walked, barriers walked round."""
        legs: list[Leg] = []
        node = end
        while True:
            prev, link = tree.via[node]
            if link is None:
                break
            if tree.dist[node] > tree.arrive[node]:
                legs.append(Leg(node, tree.arrive[node], tree.dist[node]))
            if link.kind == "hill-path":
                legs.append(Leg(link.id, tree.dist[prev], tree.dist[prev] + link.minutes))
            node = prev
        return tuple(reversed(legs))

    def _way(self, tree: _Tree, entrance: str, village: str) -> Way:
        legs = self._legs(tree, entrance)
        inner = _link_between(self._adjacent[entrance], village)
        hill = next((leg.site for leg in legs if leg.site in self._hill_paths), None)
        if hill is not None:
            path, site = "hill_path", hill
        else:
            path = "closed_entrance" if self.nodes[entrance].status == "closed" else "open_entrance"
            site = entrance
        return Way(tree.dist[entrance] + inner, legs, path, site)


def _link_between(adjacent: Iterable[tuple[str, Link]], other: str) -> float:
    return min((link.minutes for b, link in adjacent if b == other), default=0.0)


# --- the implicit graph -------------------------------------------------------------------------

def implicit_network(town: Township, walk_min: float, crossing_min: float) -> Network:
    """The graph today's fields imply, so that scenarios without ``network:`` keep their meaning.

    Outside each township gate a road entry; every gate joins one road hub, and the hub each
    village's junction after the village's ``travel_min``; every entrance opens onto its
    village's junction, a closed one *walk_min* away on foot and *crossing_min* to get round.
    A party refused anywhere reaches a village junction or a hotspot at once on foot (a
    ``path`` of 0 minutes), as the model did before there was a graph. A closed gate's
    ``detour_to`` is a road of ``detour_min`` between the two road entries.
    """
    nodes: dict[str, Node] = {}
    links: list[Link] = []
    hub = "roads:"
    nodes[hub] = Node(hub, "junction", "roads")

    def link(a: str, b: str, minutes: float, kind: str) -> None:
        links.append(Link(f"{a}~{b}", a, b, minutes, kind))

    entries = {}
    for g in town.gates:
        outside = entries[g.id] = f"outside:{g.id}"
        nodes[outside] = Node(outside, "road-entry", g.name or g.id)
        nodes[g.id] = Node(g.id, "township-gate", g.name or g.id, status=g.status)
        link(outside, g.id, 0.0, "road")
        link(g.id, hub, 0.0, "road")
    for g in town.gates:
        if g.detour_to is not None and g.detour_to in entries:
            link(entries[g.id], entries[g.detour_to], g.detour_min, "road")
    for h in town.hotspots:
        nodes[h.id] = Node(h.id, "hotspot", h.name)
    for v in town.villages:
        junction, fields = f"junction:{v.id}", f"fields:{v.id}"
        nodes[v.id] = Node(v.id, "village", v.name)
        nodes[junction] = Node(junction, "junction", v.name)
        nodes[fields] = Node(fields, "fields", v.name, village=v.id)
        link(hub, junction, v.travel_min, "road")
        link(fields, junction, 0.0, "path")
        for e in v.entrances:
            closed = e.status == "closed"
            nodes[e.id] = Node(e.id, "entrance", e.id, v.id, e.status, crossing_min if closed else None)
            link(junction, e.id, walk_min if closed else 0.0, "way-round" if closed else "road")
            link(e.id, v.id, 0.0, "road")
        for outside in entries.values():
            link(outside, junction, 0.0, "path")
        for h in town.hotspots:
            link(junction, h.id, 0.0, "path")
    for outside in entries.values():
        for h in town.hotspots:
            link(outside, h.id, 0.0, "path")
    return Network(nodes, tuple(links), entries, implicit=True)
