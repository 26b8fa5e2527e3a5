"""The township drawn from its map value: places by kind and status, roads and paths, patrol
routes, cameras, hotspots, and where the unscreened entries happened.

Draws a :class:`simulate.TownshipMap` (never the model's graph) on a ``Figure`` with the
conventions of :mod:`reports.figures` (Agg canvas, per-call rc settings, CJK font for zh).
Only villages, gates, road entries and hotspots carry names; entrances are markers, so a
township of some sixty places stays legible.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from simulate import ReplicationResult, TownshipMap

from .figures import LATIN_FONT, Chart, cjk_font, colours, drawing_style, png
from .i18n import number, text


@dataclass(frozen=True)
class NodeStyle:
    """How a kind of place (with a status) looks: marker, size in pt², fill and edge colours."""

    marker: str
    size: float
    face: str
    edge: str


_STATUS_COLOURS = {"staffed": "#1b7f3b", "closed": "#b3261e", "open": "#e08a00"}
_STATUS_MARKERS = {"staffed": "s", "closed": "X", "open": "^"}
_PLAIN = {
    "road-entry": NodeStyle(">", 90, "#37474f", "#37474f"),
    "junction": NodeStyle("o", 14, "#78909c", "#78909c"),
    "village": NodeStyle("o", 420, "#eef1f4", "#607080"),
    "fields": NodeStyle("h", 30, "#c5e1a5", "#689f38"),
    "hotspot": NodeStyle("*", 220, "#7b1fa2", "#4a148c"),
    "place": NodeStyle("o", 20, "#b0bec5", "#607d8b"),
}
_GATE_SIZE = {"township-gate": 110.0, "entrance": 28.0}


@dataclass(frozen=True)
class LinkStyle:
    """How a kind of link looks: dashes, width in points, colour."""

    dash: Literal["-", "--", ":"]
    width: float
    colour: str


_LINK_STYLES = {
    "road": LinkStyle("-", 2.4, "#455a64"),
    "side-road": LinkStyle("-", 1.2, "#90a4ae"),
    "hill-path": LinkStyle(":", 1.4, "#8d6e63"),
    "way-round": LinkStyle("--", 0.9, "#a1887f"),
    "path": LinkStyle(":", 0.9, "#9e9e9e"),
}
_NAMED = ("village", "township-gate", "road-entry", "hotspot")
_ENTRY_AREA_MAX = 1400.0      # pt² of the circle for the site with the most entries
_ENTRY_AREA_MIN = 40.0


def node_style(kind: str, status: str) -> NodeStyle:
    """The look of a place: gates and entrances by status, everything else by kind."""
    if kind in _GATE_SIZE:
        colour = _STATUS_COLOURS.get(status, "#607d8b")
        return NodeStyle(_STATUS_MARKERS.get(status, "o"), _GATE_SIZE[kind], colour, colour)
    return _PLAIN.get(kind, _PLAIN["place"])


def mean_entries_by_site(replications: Sequence[ReplicationResult]) -> dict[str, float]:
    """Per site, unscreened entries summed over *replications* divided by their number."""
    totals: dict[str, float] = {}
    for r in replications:
        for site, n in r.containment.leaks_by_site.items():
            totals[site] = totals.get(site, 0.0) + n
    return {site: total / len(replications) for site, total in totals.items()} if replications else {}


def entry_area(value: float, largest: float) -> float:
    """Circle area (pt²) for *value* entries: proportional to the value, never too small to see."""
    return max(_ENTRY_AREA_MIN, _ENTRY_AREA_MAX * value / largest) if largest > 0 else _ENTRY_AREA_MIN


def draw_township(township: TownshipMap, entries: Mapping[str, float], lang: str) -> Figure:
    """The township map: one marker per place, a line per link, a closed polyline per patrol route,
    a ring per camera and a red circle (area ∝ mean entries, labelled) per site with entries > 0.

    Artists carry ``gid``s (``node:<kind>:<status>``, ``link:<kind>``, ``route:<patrol>``,
    ``cameras``, ``entries``) so tests and readers of the SVG can find them.
    """
    at = {n.id: (n.x, n.y) for n in township.nodes}
    fig = Figure(figsize=(11.0, 8.0), layout="constrained")
    ax = fig.subplots()
    ax.set_aspect("equal", adjustable="datalim")
    ax.grid(False)
    handles: list[Artist] = []
    labels: list[str] = []

    for kind in sorted({link.kind for link in township.links}):
        line = _LINK_STYLES.get(kind, _LINK_STYLES["path"])
        for link in township.links:
            if link.kind == kind and link.a in at and link.b in at:
                (xa, ya), (xb, yb) = at[link.a], at[link.b]
                ax.plot([xa, xb], [ya, yb], linestyle=line.dash, linewidth=line.width, color=line.colour,
                        zorder=1, gid=f"link:{kind}")
        handles.append(Line2D([], [], linestyle=line.dash, linewidth=line.width, color=line.colour))
        labels.append(text(lang, f"map.link.{kind}") if kind in _LINK_STYLES else kind)

    for hue, route in zip(colours(len(township.routes)), township.routes, strict=True):
        points = [at[s] for s in route.sites if s in at]
        if len(points) > 2:
            points.append(points[0])              # a circuit: the team walks back to the start
        if not points:
            continue
        ax.plot([p[0] for p in points], [p[1] for p in points], color=hue, linewidth=2.2, alpha=0.75,
                zorder=2, solid_capstyle="round", gid=f"route:{route.patrol}")
        handles.append(Line2D([], [], color=hue, linewidth=2.2, alpha=0.75))
        labels.append(text(lang, "map.route", patrol=route.patrol, team=route.team,
                           windows=", ".join(route.windows)))

    groups: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for n in township.nodes:
        status = n.status if n.kind in _GATE_SIZE else ""
        groups.setdefault((n.kind, status), []).append((n.x, n.y))
    for (kind, status), points in groups.items():
        look = node_style(kind, status)
        ax.scatter([p[0] for p in points], [p[1] for p in points], s=look.size, marker=look.marker,
                   c=look.face, edgecolors=look.edge, linewidths=0.8, zorder=4 if kind != "village" else 3,
                   gid=f"node:{kind}:{status}")
        handles.append(Line2D([], [], linestyle="", marker=look.marker, markersize=math.sqrt(look.size) * 0.8,
                              markerfacecolor=look.face, markeredgecolor=look.edge))
        labels.append(_node_label(kind, status, lang))

    watched = [(n.x, n.y) for n in township.nodes if n.camera]
    if watched:
        ax.scatter([p[0] for p in watched], [p[1] for p in watched], s=150, marker="o", facecolors="none",
                   edgecolors="#1565c0", linewidths=1.4, zorder=5, gid="cameras")
        handles.append(Line2D([], [], linestyle="", marker="o", markersize=10, markerfacecolor="none",
                              markeredgecolor="#1565c0"))
        labels.append(text(lang, "map.camera"))

    sites = [(site, value) for site, value in entries.items() if value > 0 and site in at]
    if sites:
        largest = max(v for _, v in sites)
        ax.scatter([at[s][0] for s, _ in sites], [at[s][1] for s, _ in sites],
                   s=[entry_area(v, largest) for _, v in sites], c="#e53935", alpha=0.35,
                   edgecolors="#b71c1c", linewidths=0.8, zorder=6, gid="entries")
        for site, value in sites:
            reach = 0.75 * math.sqrt(entry_area(value, largest)) / 2     # diagonally just past the radius
            ax.annotate(number(value, 1 if value >= 1 else 2), at[site], xytext=(reach, reach),
                        textcoords="offset points", fontsize=7, ha="left", va="bottom", color="#7f0000", zorder=7,
                        path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")])
        handles.append(Line2D([], [], linestyle="", marker="o", markersize=11, markerfacecolor="#e53935",
                              alpha=0.35, markeredgecolor="#b71c1c"))
        labels.append(text(lang, "map.entries"))

    _name_places(ax, township, lang)
    if township.schematic:
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        fig.text(0.01, 0.01, text(lang, "map.schematic"), fontsize=8, style="italic", color="#5b6470")
    else:
        ax.set_xlabel(text(lang, "map.km"))
        ax.set_ylabel(text(lang, "map.km"))
    ax.margins(0.08)
    if handles:
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8,
                  borderaxespad=0.0)
    return fig


def _node_label(kind: str, status: str, lang: str) -> str:
    known = kind in _PLAIN or kind in _GATE_SIZE
    name = text(lang, f"map.kind.{kind}") if known else kind
    if status in _STATUS_COLOURS:
        return f"{name} · {text(lang, f'map.status.{status}')}"
    return name


def name_fonts(lang: str) -> list[str]:
    """Fonts for place names, which come from the scenario and are often Chinese in either language."""
    cjk = cjk_font()
    families = [cjk, LATIN_FONT] if lang == "zh" else [LATIN_FONT, cjk]
    return [f for f in families if f]


def _name_places(ax: Axes, township: TownshipMap, lang: str) -> None:
    """Names of villages, gates, road entries and hotspots, pushed away from the drawing's centre."""
    fonts = name_fonts(lang)
    named = [n for n in township.nodes if n.kind in _NAMED]
    if not named:
        return
    cx = sum(n.x for n in township.nodes) / len(township.nodes)
    cy = sum(n.y for n in township.nodes) / len(township.nodes)
    for n in named:
        if n.kind == "village":
            ax.annotate(n.name, (n.x, n.y), xytext=(0, 0), textcoords="offset points",
                        ha="center", va="center", fontsize=9.5, fontfamily=fonts, zorder=8)
            continue
        dx, dy = n.x - cx, n.y - cy
        size = math.hypot(dx, dy) or 1.0
        ax.annotate(n.name, (n.x, n.y), xytext=(10 * dx / size, 10 * dy / size),
                    textcoords="offset points", ha="left" if dx >= 0 else "right",
                    va="bottom" if dy >= 0 else "top", fontsize=8, fontfamily=fonts, zorder=8)


def township_chart(name: str, scenario: str, township: TownshipMap, entries: Mapping[str, float], lang: str,
                   caption: str = "") -> Chart:
    """The map of *scenario* as a :class:`Chart` (file stem *name*); the caption says what it shows."""
    with drawing_style(lang):
        data = png(draw_township(township, entries, lang))
    return Chart(name, caption or text(lang, "fig.map", scenario=scenario), data)
