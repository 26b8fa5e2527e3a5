"""The report's plausible-worlds section, from ``worlds.json`` (``--uncertainty N``).

Beside each target's verdict at the point values: the share of plausible worlds in which it
holds (with its 95 % Wilson interval), the same over the worlds the observations allow, and the
assumptions on which the worlds where it does not hold differ from the rest (only those chance
would hardly give, as ``simulate.worlds`` marks them); for a comparison, per target, in how many
worlds each scenario is clearly lower than the base.
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
