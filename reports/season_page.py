"""season.html: what leadership sees of a season, self-contained (figure inline, CSS inline), zh/en.

:func:`build_season_page` computes everything in memory (files as relative path → bytes, the
page last) from the experiments' public results through :func:`simulate.season_series`; the
caller writes them atomically. The rule-change days come from each scenario's pack through
:func:`simulate.rule_changes` (its own effective dates). Scenario and pack text is escaped by
the template (autoescape on).
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from simulate import ExperimentResult, Scenario, SeasonSeries, is_season, rule_changes, season_series

from . import i18n
from .render import template_environment
from .season_figures import timeline_chart
from .season_labels import WEEK_COLUMNS, series_label, text

PAGE_KEYS = ("title", "timeline", "changes", "changes.day", "changes.decisions", "weeks", "weeks.lede", "week",
             "dates", "rule_hits", "rule_hits.lede", "decision", "rule", "scenario", "targets", "by_role",
             "by_role.lede", "role", "by_role.arrivals", "by_role.turned_back", "worlds_weeks")
ARRIVED, TURNED = "arrivals.", "turned_back."


def seasons_of(experiments: Sequence[ExperimentResult], scenarios: Sequence[Scenario]
               ) -> list[tuple[str, SeasonSeries]]:
    """(scenario name, its season) for every experiment that is a season, in order."""
    return [(e.scenario, season_series(e, s.horizon.start))
            for e, s in zip(experiments, scenarios, strict=True) if is_season(e)]


def changes_of(seasons: Sequence[tuple[str, SeasonSeries]], scenarios: Sequence[Scenario]
               ) -> dict[dt.date, tuple[str, ...]]:
    """Every rule-change day inside any season (from each scenario's pack), with the decisions changing."""
    out: dict[dt.date, set[str]] = {}
    by_name = {s.name: s for s in scenarios}
    for name, season in seasons:
        decisions = sorted(season.rule_hits)
        for day, names in rule_changes(by_name[name].pack, decisions, season.first, season.days).items():
            out.setdefault(day, set()).update(names)
    return {day: tuple(sorted(names)) for day, names in sorted(out.items())}


def _number(x: float, digits: int = 1) -> str:
    return i18n.number(x, digits) if math.isfinite(x) else "–"


def week_rows(season: SeasonSeries, lang: str) -> list[dict[str, Any]]:
    """One row per week: its dates, the measures of :data:`WEEK_COLUMNS`, each target's verdict."""
    rows = []
    for w in season.weeks:
        cells = [_number(season.week_means[c][w.index]) if c in season.week_means else "–" for c in WEEK_COLUMNS]
        verdicts = [{"status": v.status,
                     "text": f"{i18n.interval(v.mean, v.half_width)} · {i18n.status_label(lang, v.status)}"}
                    for v in season.verdicts if v.week == w.index and v.status != "not_weekly"]
        rows.append({"week": w.index + 1, "dates": f"{w.first:%m-%d} – {w.last:%m-%d}", "cells": cells,
                     "verdicts": verdicts})
    return rows


def role_rows(season: SeasonSeries) -> tuple[list[str], list[dict[str, Any]]]:
    """The roles arriving in *season* (sorted) and one row per week: per role the mean parties
    arrived and turned back that week (0 for a role never turned back)."""
    roles = sorted({b.series.split(".", 1)[1] for b in season.bands if b.series.startswith((ARRIVED, TURNED))})
    rows = []
    for w in season.weeks:
        cells = []
        for role in roles:
            for prefix in (ARRIVED, TURNED):
                per_week = season.week_means.get(prefix + role)
                cells.append(_number(per_week[w.index] if per_week is not None else 0.0))
        rows.append({"week": w.index + 1, "dates": f"{w.first:%m-%d} – {w.last:%m-%d}", "cells": cells})
    return roles, rows


def world_rows(season: SeasonSeries, weekly: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per week: per weekly target of ``worlds.json`` (*weekly*), the share of worlds in
    which it holds that week, as "67% [21, 94]"."""
    rows = []
    for w in season.weeks:
        cells = []
        for target in weekly:
            share = target["weeks"][w.index] if w.index < len(target["weeks"]) else None
            cells.append("–" if share is None or share["share"] is None else
                         f"{100 * share['share']:.0f}% [{100 * share['low']:.0f}, {100 * share['high']:.0f}]")
        rows.append({"week": w.index + 1, "dates": f"{w.first:%m-%d} – {w.last:%m-%d}", "cells": cells})
    return rows


def hit_rows(season: SeasonSeries) -> list[dict[str, Any]]:
    """Per decision and rule: mean persons decided in each week."""
    return [{"decision": d, "rule": rule, "weeks": [_number(x) for x in per_week]}
            for d, rules in season.rule_hits_weekly.items() for rule, per_week in rules.items()]


def render_season(seasons: Sequence[tuple[str, SeasonSeries]], changes: dict[dt.date, tuple[str, ...]],
                  figure_src: str, lang: str, seed: int, worlds: Mapping[str, Any] | None = None) -> str:
    """The season page's HTML; with *worlds* (``worlds.json`` of ``--uncertainty``) the share of
    worlds in which each weekly target holds, week by week."""
    t = {key: text(lang, key) for key in PAGE_KEYS}
    weekly = {s["scenario"]: s.get("weekly", []) for s in (worlds or {}).get("scenarios", [])}
    if worlds is not None:
        t["worlds_weeks.lede"] = text(lang, "worlds_weeks.lede", n=worlds["worlds"], r=worlds["replications"])
    t["lede"] = text(lang, "lede", n=seasons[0][1].replications, seed=seed)
    drawn = any(season.band("home_service_capacity") is not None for _, season in seasons)
    t["capacity"] = text(lang, "capacity.line" if drawn else "capacity.none")
    tables = []
    for name, season in seasons:
        first_week = [v for v in season.verdicts if v.week == 0]
        season_only = [v.target for v in first_week if v.status == "not_weekly"]
        roles, by_role = role_rows(season)
        tables.append({"scenario": name, "weeks": week_rows(season, lang), "hits": hit_rows(season),
                       "roles": roles, "by_role": by_role,
                       "world_targets": [x["target"] for x in weekly.get(name, [])],
                       "worlds": world_rows(season, weekly.get(name, [])),
                       "week_numbers": [w.index + 1 for w in season.weeks],
                       "targets": [v.target for v in first_week if v.status != "not_weekly"],
                       "season_only": text(lang, "season_only", targets=", ".join(season_only))
                       if season_only else ""})
    return template_environment().get_template("season.html.j2").render(
        lang=lang, t=t, scenarios=[name for name, _ in seasons], figure=figure_src,
        changes=[{"day": day.isoformat(), "decisions": ", ".join(names)} for day, names in changes.items()],
        columns=[series_label(lang, c) for c in WEEK_COLUMNS], tables=tables)


def build_season_page(experiments: Sequence[ExperimentResult], scenarios: Sequence[Scenario],
                      lang: str = "en", worlds: Mapping[str, Any] | None = None) -> tuple[tuple[str, bytes], ...]:
    """season.html and its figure for the experiments that are seasons (none: no files); with
    *worlds* (``worlds.json``) the weekly targets across the plausible worlds too."""
    i18n.check_lang(lang)
    seasons = seasons_of(experiments, scenarios)
    if not seasons:
        return ()
    changes = changes_of(seasons, scenarios)
    chart = timeline_chart(seasons, changes, lang)
    src = "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")
    page = render_season(seasons, changes, src, lang, experiments[0].seed, worlds)
    return ((f"figures/{chart.name}.png", chart.png), ("season.html", page.encode("utf-8")))
