"""The report's plausible-worlds section, from ``worlds.json`` (``--uncertainty N``).

Beside each target's verdict at the point values: the share of plausible worlds in which it
holds (with its 95 % Wilson interval), the same over the worlds the observations allow, and the
assumptions on which the worlds where it does not hold differ from the rest (only those chance
would hardly give, as ``simulate.worlds`` marks them); for a comparison, per target, in how many
worlds each scenario is clearly lower than the base. :func:`markdown_lines` says the same in
sentences for summary.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import i18n


def _share(s: Mapping[str, Any] | None) -> str:
    if s is None or not s["n"]:
        return "–"
    return f"{100 * s['share']:.0f}% [{100 * s['low']:.0f}, {100 * s['high']:.0f}] · {s['k']}/{s['n']}"


def plausible_section(doc: Mapping[str, Any] | None, lang: str) -> dict[str, Any] | None:
    """Rows and words for the template; None without ``--uncertainty``."""
    if doc is None:
        return None
    scenarios = doc["scenarios"]
    base = scenarios[0]["scenario"]
    rows, wins, survive = [], [], []
    for s in scenarios:
        if s["surviving"] is not None:
            survive.append({"scenario": s["scenario"],
                            "text": i18n.text(lang, "worlds.survive", k=s["surviving"]["k"], n=s["surviving"]["n"])})
        for t in s["targets"]:
            leans = [f"{x['assumption']} {i18n.text(lang, 'worlds.high' if x['difference'] > 0 else 'worlds.low')} "
                     f"({x['not_holding']:.2f} / {x['holding']:.2f})" for x in t["leans"] if x["notable"]]
            rows.append({"scenario": s["scenario"], "label": i18n.metric_label(lang, t["metric"]),
                         "limit": f"{t['limit']:g}", "status": t["point"],
                         "status_label": i18n.status_label(lang, t["point"]),
                         "holds": _share(t["holds"]), "surviving": _share(t["holds_plausible"]),
                         "leans": "; ".join(leans) or "–"})
        for w in s["wins"]:
            wins.append({"scenario": s["scenario"], "label": i18n.metric_label(lang, w["metric"]),
                         "better": w["better"], "worse": w["worse"], "unclear": w["unclear"]})
    words = {key: i18n.text(lang, key) for key in (
        "worlds", "worlds.today", "worlds.holds", "worlds.surviving", "worlds.leans", "worlds.better",
        "worlds.worse", "worlds.unclear", "scenario", "target", "limit")}
    words["worlds.lede"] = i18n.text(lang, "worlds.lede", n=doc["worlds"], r=doc["replications"])
    words["worlds.wins"] = i18n.text(lang, "worlds.wins", base=base)
    observing = any(s["surviving"] is not None for s in scenarios)
    return {"t": words, "rows": rows, "wins": wins, "survive": survive, "observing": observing}


def _percent(s: Mapping[str, Any]) -> str:
    return f"{100 * s['share']:.0f}% [{100 * s['low']:.0f}, {100 * s['high']:.0f}]"


def markdown_lines(doc: Mapping[str, Any] | None, lang: str) -> list[str]:
    """summary.md's plausible-worlds section: per scenario and target, the verdict at the point
    values and the share of worlds it holds in (and over the worlds the observations allow), the
    assumptions the failing worlds lean on, and the wins against the base; [] without worlds."""
    if doc is None:
        return []
    from .render import markdown_text

    n = doc["worlds"]
    scenarios = doc["scenarios"]
    base = markdown_text(scenarios[0]["scenario"])
    lines = [f"## {i18n.text(lang, 'worlds')}", "", i18n.text(lang, "worlds.lede", n=n, r=doc["replications"]), ""]
    for s in scenarios:
        lines.append(f"**{markdown_text(s['scenario'])}**")
        lines.append("")
        if s["surviving"] is not None:
            lines.append(f"- {i18n.text(lang, 'worlds.survive', k=s['surviving']['k'], n=s['surviving']['n'])}")
        for t in s["targets"]:
            line = i18n.text(lang, "worlds.md.holds", target=i18n.metric_label(lang, t["metric"]),
                             limit=f"{t['limit']:g}", today=i18n.status_label(lang, t["point"]),
                             share=_percent(t["holds"]), n=t["holds"]["n"])
            kept = t["holds_plausible"]
            if kept is not None and kept["n"]:
                line += "; " + i18n.text(lang, "worlds.md.surviving", n=kept["n"], share=_percent(kept))
            lines.append(f"- {line}")
            leans = [f"{markdown_text(x['assumption'])} "
                     f"{i18n.text(lang, 'worlds.high' if x['difference'] > 0 else 'worlds.low')}"
                     for x in t["leans"] if x["notable"]]
            if leans:
                lines.append(f"  - {i18n.text(lang, 'worlds.leans')}: {', '.join(leans)}")
        for w in s["wins"]:
            lines.append("- " + i18n.text(lang, "worlds.md.wins", scenario=markdown_text(s["scenario"]), base=base,
                                          target=i18n.metric_label(lang, w["metric"]), better=w["better"],
                                          worse=w["worse"], unclear=w["unclear"], n=n))
        lines.append("")
    return lines
