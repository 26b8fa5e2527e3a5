"""Reading a scenario's ``network:`` section (and the ``at``, ``opens_to``, ``round_min`` fields
of gates, villages, entrances and hotspots) into a :class:`~simulate.network.Network`.

Without ``network:`` the implicit graph keeps the meaning of ``travel_min`` and ``evasion``;
with it the links decide drive and walking times, so giving those fields as well is a located
error (``scenario.conflict``) rather than a silent precedence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from . import scenario_format as fmt
from .network import PLACE_KINDS, Link, Network, Node, implicit_network
from .scenario_reader import PathT, Reader
from .township import Township

_ENDS = ("entrance", "village")          # reached only through an entrance's opens_to


def read_network(r: Reader, doc: fmt.ScenarioDoc, town: Township) -> Network:
    """The scenario's graph: its ``network:`` section, or the implicit one."""
    if doc.network is None:
        _no_network_fields(r, doc)
        evasion = doc.evasion if doc.evasion is not None else fmt.Evasion()
        return implicit_network(town, evasion.walk_min, evasion.crossing_min)
    _conflicts(r, doc)
    nodes: dict[str, Node] = {}
    paths: dict[str, PathT] = {}

    def add(node: Node, path: PathT) -> None:
        if node.id in nodes:
            r.fail(path, "scenario.conflict",
                   f"id {node.id!r} is already used at {_render(paths[node.id])} (gates, villages, "
                   "entrances, hotspots and network places share one set of ids)")
            return
        nodes[node.id], paths[node.id] = node, path

    gate_docs = _present(doc.township.gates if doc.township is not None else None)
    for g in town.gates:
        gd = gate_docs.get(g.id)
        add(Node(g.id, "township-gate", g.name or g.id, status=g.status,
                 round_min=gd.round_min if gd is not None else None, at=_at(gd)),
            ("township", "gates", g.id))
    village_docs = _present(doc.villages)
    for v in town.villages:
        add(Node(v.id, "village", v.name, at=_at(village_docs.get(v.id))), ("villages", v.id))
    for h in town.hotspots:
        add(Node(h.id, "hotspot", h.name, at=_at(_present(doc.hotspots).get(h.id))), ("hotspots", h.id))
    places = _present(doc.network.places)
    for pid, p in places.items():
        path: PathT = ("network", "places", pid)
        if p.kind == "fields" and p.village is None:
            r.fail(path, "scenario.missing", "a fields place needs village: the village it lies outside")
        elif p.village is not None and p.kind != "fields":
            r.fail((*path, "village"), "scenario.conflict", "only a fields place belongs to a village")
        elif p.village is not None and p.village not in village_docs and doc.villages is not None \
                and None not in doc.villages.values():
            r.fail((*path, "village"), "scenario.reference",
                   f"unknown village {p.village!r} (known: {', '.join(village_docs) or 'none'})")
        add(Node(pid, p.kind, p.name or pid, village=p.village or "", at=_at(p)), path)
    lanes: list[Link] = []
    for v in town.villages:
        entrance_docs = _present(village_docs[v.id].entrances) if v.id in village_docs else {}
        for e in v.entrances:
            ed = entrance_docs[e.id]
            path = ("villages", v.id, "entrances", e.id)
            if e.status == "closed" and ed.round_min is None:
                r.fail(path, "scenario.missing",
                       "a closed entrance needs round_min: the minutes on foot to get round its barrier")
            add(Node(e.id, "entrance", e.id, v.id, e.status, ed.round_min, _at(ed)), path)
            if ed.opens_to is None:
                r.fail(path, "scenario.missing", "an entrance needs opens_to: the place it opens onto")
                continue
            onto = nodes.get(ed.opens_to)
            if onto is None or onto.kind not in PLACE_KINDS:
                r.fail((*path, "opens_to"), "scenario.reference",
                       f"unknown place {ed.opens_to!r} (an entrance opens onto a junction, fields or "
                       "road-entry under network.places)")
                continue
            if nodes[e.id].kind == "entrance" and nodes[v.id].kind == "village":   # else a clash, reported
                lanes.append(Link(f"{e.id}>{ed.opens_to}", e.id, ed.opens_to, 0.0, "road"))
                lanes.append(Link(f"{e.id}>{v.id}", e.id, v.id, 0.0, "road"))
    links: list[Link] = []
    for lid, link in _present(doc.network.links).items():
        ok = True
        for end, field in ((link.from_, "from"), (link.to, "to")):
            path = ("network", "links", lid, field)
            known = nodes.get(end)
            if known is None:
                ok = False
                if _complete(doc):
                    r.fail(path, "scenario.reference", f"unknown place {end!r}")
            elif known.kind in _ENDS:
                ok = False
                r.fail(path, "scenario.reference",
                       f"{end!r} is {'an' if known.kind == 'entrance' else 'a'} {known.kind}: a village is "
                       "reached only through its entrances (link the place an entrance opens_to)")
        if ok:
            links.append(Link(lid, link.from_, link.to, link.minutes, link.kind, link.camera))
    links += lanes
    entries = _entries(r, town, nodes, links)
    return Network(nodes, tuple(links), entries)


def drive_times(town: Township, network: Network) -> Township:
    """*town* with each village's ``travel_min`` the network's (call it only on a network
    built without problems): the shortest lawful drive from
    a township gate that is not closed to one of its passable entrances (what the old field meant)."""
    if network.implicit:
        return town
    villages = []
    for v in town.villages:
        minutes = [m for g in town.gates if g.status != "closed"
                   for _, m in network.lawful_entrances(g.id, v.id)[:1]]
        villages.append(replace(v, travel_min=min(minutes, default=0.0)))
    return replace(town, villages=tuple(villages))


def _entries(r: Reader, town: Township, nodes: Mapping[str, Node], links: list[Link]) -> dict[str, str]:
    """Each township gate's road entry: the one road-entry place linked to it."""
    entries = {}
    for g in town.gates:
        outside = sorted({b if a == g.id else a for link in links for a, b in ((link.a, link.b),)
                          if g.id in (a, b) and nodes[b if a == g.id else a].kind == "road-entry"})
        if len(outside) != 1:
            r.fail(("township", "gates", g.id), "scenario.missing" if not outside else "scenario.conflict",
                   "a township gate needs a link to exactly one road-entry place (where traffic for it "
                   f"comes from), found {len(outside)}" + (f": {', '.join(outside)}" if outside else ""))
            entries[g.id] = g.id
        else:
            entries[g.id] = outside[0]
    return entries


def _conflicts(r: Reader, doc: fmt.ScenarioDoc) -> None:
    """Fields the network decides must not be given beside it."""
    data = r.source.data
    villages = data.get("villages")
    for vid, v in (villages.items() if isinstance(villages, dict) else ()):
        if isinstance(v, dict) and "travel_min" in v and (doc.villages or {}).get(vid) is not None:
            r.fail(("villages", vid, "travel_min"), "scenario.conflict",
                   "with a network: section the links decide drive times: remove travel_min")
    evasion = data.get("evasion") if doc.evasion is not None else None   # else reported as malformed
    for key in ("walk_min", "crossing_min"):
        if isinstance(evasion, dict) and key in evasion:
            r.fail(("evasion", key), "scenario.conflict",
                   "with a network: section the links and each closed entrance's round_min decide "
                   f"the way round: remove evasion.{key}")


def _no_network_fields(r: Reader, doc: fmt.ScenarioDoc) -> None:
    """``opens_to`` and ``round_min`` mean something only in a network."""
    for vid, v in _present(doc.villages).items():
        for eid, e in _present(v.entrances).items():
            for key in ("opens_to", "round_min"):
                if getattr(e, key) is not None:
                    r.fail(("villages", vid, "entrances", eid, key), "scenario.conflict",
                           f"{key} needs a network: section (without one, evasion decides the way round)")
    gates = doc.township.gates if doc.township is not None else None
    for gid, g in _present(gates).items():
        if g.round_min is not None:
            r.fail(("township", "gates", gid, "round_min"), "scenario.conflict",
                   "round_min needs a network: section")


def _at(item: Any) -> tuple[float, float] | None:
    at = getattr(item, "at", None)
    return None if at is None else (float(at[0]), float(at[1]))


def _present(items: Mapping[str, Any] | None) -> dict[str, Any]:
    return {key: item for key, item in (items or {}).items() if item is not None}


def _complete(doc: fmt.ScenarioDoc) -> bool:
    """Whether every node-declaring collection passed the structural check."""
    collections: list[Mapping[str, Any] | None] = [
        doc.township.gates if doc.township is not None else None, doc.villages, doc.hotspots,
        doc.network.places if doc.network is not None else None]
    collections += [v.entrances for v in (doc.villages or {}).values() if v is not None]
    return all(c is not None and None not in c.values() for c in collections)


def _render(path: PathT) -> str:
    return ".".join(str(p) for p in path)
