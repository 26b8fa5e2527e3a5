"""The staffing frontier of a sweep: for each target, the cheapest variants that meet it with confidence.

A variant *meets* a target when the whole 95 % interval of its metric is within the limit
(the verdict "holds"); among those, the cheapest in staff-hours per day are the frontier.
:func:`sweep_report` renders the sweep as files in memory — ``sweep.html`` (self-contained,
escaped: figures inline, CSS inline), ``frontier.csv``, ``sweep.csv`` and the figure PNG —
so the caller writes them atomically, the page last.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from simulate import TownshipMap
from simulate.sweep import SweepResult, VariantResult

from . import i18n
from .figures import Chart, drawing_style, frontier_figure, png
from .maps import mean_entries_by_site, township_chart
from .render import ScenarioFile, csv_bytes, csv_number, scenario_files, software_versions, template_environment

ALL = "*"                     # the frontier of every target at once
SITE_COLUMNS = 12             # sites in the sweep's entries-by-site table
_TIE = 1e-9


@dataclass(frozen=True)
class TargetFrontier:
    """Variants (positions in the sweep) meeting *target*, cheapest first, and the cheapest of them."""

    target: str
    metric: str
    limit: float
    meeting: tuple[int, ...]
    cheapest: tuple[int, ...]


@dataclass(frozen=True)
class SweepReport:
    """The sweep's files, relative path → bytes, page last; and its frontier."""

    files: tuple[tuple[str, bytes], ...]
    frontier: tuple[TargetFrontier, ...]


def meets(variant: VariantResult, target: str) -> bool:
    """True when *variant*'s verdict on *target* holds (its whole CI is within the limit)."""
    return any(v.target == target and v.status == "holds" for v in variant.experiment.verdicts)


def _front(sweep: SweepResult, target: str, metric: str, limit: float, ok: Sequence[bool]) -> TargetFrontier:
    meeting = sorted((i for i, good in enumerate(ok) if good), key=lambda i: (sweep.variants[i].cost, i))
    least = sweep.variants[meeting[0]].cost if meeting else math.nan
    cheapest = tuple(i for i in meeting if sweep.variants[i].cost <= least + _TIE)
    return TargetFrontier(target, metric, limit, tuple(meeting), cheapest)


def frontier(sweep: SweepResult) -> tuple[TargetFrontier, ...]:
    """Per target of the scenario, then for every target at once (:data:`ALL`)."""
    out = [_front(sweep, t.name, t.metric, t.limit, [meets(v, t.name) for v in sweep.variants])
           for t in sweep.targets]
    if len(sweep.targets) > 1:
        every = [all(meets(v, t.name) for t in sweep.targets) for v in sweep.variants]
        out.append(_front(sweep, ALL, "", math.nan, every))
    return tuple(out)


def _estimate(variant: VariantResult, metric: str) -> tuple[float, float]:
    stat = next((s for s in variant.experiment.statistics if s.metric == metric), None)
    return (math.nan, math.nan) if stat is None else (stat.mean, stat.half_width)


def _cell(variant: VariantResult, metric: str) -> str:
    return i18n.interval(*_estimate(variant, metric))


def frontier_csv(sweep: SweepResult, fronts: Sequence[TargetFrontier]) -> bytes:
    """Per target, every variant that meets it, cheapest first, with its estimate."""
    rows: list[list[object]] = [["target", "metric", "limit", "variant", "settings", "cost_staff_hours_per_day",
                                 "mean", "ci_low", "ci_high", "cheapest"]]
    for f in fronts:
        for i in f.meeting:
            v = sweep.variants[i]
            mean, half = _estimate(v, f.metric) if f.metric else (math.nan, math.nan)
            rows.append([f.target, f.metric, csv_number(f.limit), v.index, v.label, repr(v.cost), csv_number(mean),
                         csv_number(mean - half), csv_number(mean + half), "yes" if i in f.cheapest else ""])
    return csv_bytes(rows)


def sweep_csv(sweep: SweepResult) -> bytes:
    """One row per variant: its settings, cost, replications, and each target's estimate and verdict."""
    paths = [p for p, _ in sweep.variants[0].settings] if sweep.variants else []
    head: list[object] = ["variant", *paths, "cost_staff_hours_per_day", "replications", "precise"]
    for t in sweep.targets:
        head += [f"{t.name}.mean", f"{t.name}.ci_low", f"{t.name}.ci_high", f"{t.name}.status"]
    rows: list[list[object]] = [head]
    for v in sweep.variants:
        row: list[object] = [v.index, *(value for _, value in v.settings), repr(v.cost),
                             len(v.experiment.replications), "yes" if v.precise else "no"]
        status = {x.target: x.status for x in v.experiment.verdicts}
        for t in sweep.targets:
            mean, half = _estimate(v, t.metric)
            row += [csv_number(mean), csv_number(mean - half), csv_number(mean + half), status.get(t.name, "")]
        rows.append(row)
    return csv_bytes(rows)


def frontier_chart(sweep: SweepResult, lang: str) -> bytes:
    """The figure: cost against each target metric, CI bars, the limit, meeting variants filled."""
    panels = [(t.metric, t.limit) for t in sweep.targets] or [("all.wait_p95_min", math.nan)]
    points = [[(v.cost, *_estimate(v, metric), any(meets(v, t.name) for t in sweep.targets if t.metric == metric))
               for v in sweep.variants] for metric, _ in panels]
    with drawing_style(lang):
        return png(frontier_figure(points, panels, lang))


def shown_variant(sweep: SweepResult, fronts: Sequence[TargetFrontier]) -> int:
    """The variant the sweep's map shows: the cheapest meeting every target, else the first of the grid."""
    every = fronts[-1] if fronts else None       # the every-target frontier, or the only target's
    return every.cheapest[0] if every is not None and every.cheapest else 0


def site_entries(sweep: SweepResult) -> tuple[tuple[str, ...], list[dict[str, float]]]:
    """The sites with the most unscreened entries in any variant (at most :data:`SITE_COLUMNS`), and per
    variant its mean entries per replication by site."""
    means = [mean_entries_by_site(v.experiment.replications) for v in sweep.variants]
    peak: dict[str, float] = {}
    for m in means:
        for site, value in m.items():
            if value > 0:
                peak[site] = max(peak.get(site, 0.0), value)
    sites = tuple(sorted(peak, key=lambda s: (-peak[s], s))[:SITE_COLUMNS])
    return sites, means


def sweep_map(sweep: SweepResult, township: TownshipMap, shown: int, means: Sequence[dict[str, float]],
              lang: str) -> Chart:
    """The base scenario's township with the entries of variant *shown*."""
    variant = sweep.variants[shown].label or sweep.scenario
    caption = i18n.text(lang, "fig.map.sweep", scenario=sweep.scenario, variant=variant)
    return township_chart("township", sweep.scenario, township, means[shown] if means else {}, lang, caption)


def _n_text(sweep: SweepResult) -> str:
    counts = sorted({len(v.experiment.replications) for v in sweep.variants})
    return str(counts[0]) if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"


def render_sweep_html(sweep: SweepResult, fronts: Sequence[TargetFrontier], chart: bytes, lang: str,
                      files: Sequence[ScenarioFile], generated: dt.datetime, cap: int | None,
                      township: Chart | None = None) -> str:
    """The self-contained sweep page (jinja2 with autoescape: scenario text is escaped)."""
    def t(key: str, **values: object) -> str:
        return i18n.text(lang, key, **values)

    rows = []
    for f in fronts:
        label = t("sweep.all") if f.target == ALL else i18n.metric_label(lang, f.metric)
        cheapest = [{"label": sweep.variants[i].label or sweep.scenario, "cost": i18n.number(sweep.variants[i].cost, 1),
                     "value": _cell(sweep.variants[i], f.metric) if f.metric else ""} for i in f.cheapest]
        rows.append({"label": label, "limit": "" if f.target == ALL else f"≤ {f.limit:g}", "cheapest": cheapest,
                     "meeting": len(f.meeting)})
    variants = []
    for i, v in enumerate(sweep.variants):
        status = {x.target: x.status for x in v.experiment.verdicts}
        variants.append({"label": v.label or sweep.scenario, "cost": i18n.number(v.cost, 1),
                         "n": len(v.experiment.replications), "precise": t("yes") if v.precise else t("no"),
                         "cheapest": any(i in f.cheapest for f in fronts),
                         "cells": [{"value": _cell(v, x.metric), "status": status.get(x.name, ""),
                                    "status_label": i18n.status_label(lang, status[x.name]) if x.name in status else ""}
                                   for x in sweep.targets]})
    sites, means = site_entries(sweep)
    entries = [{"label": v.label or sweep.scenario, "values": [i18n.number(m.get(s, 0.0), 2) for s in sites]}
               for v, m in zip(sweep.variants, means, strict=True)]
    township_map = None if township is None else {
        "caption": township.caption, "src": "data:image/png;base64," + base64.b64encode(township.png).decode("ascii")}
    return template_environment().get_template("sweep.html.j2").render(
        lang=lang, t=t, sweep=sweep, fronts=rows, variants=variants, sites=sites, entries=entries,
        township=township_map,
        target_labels=[i18n.metric_label(lang, x.metric) for x in sweep.targets],
        lede=t("sweep.lede", variants=len(sweep.variants), scenario=sweep.scenario, n=_n_text(sweep), seed=sweep.seed),
        precision=t("sweep.precision", pct=f"{sweep.precision:g}", cap=cap) if sweep.precision is not None else "",
        chart="data:image/png;base64," + base64.b64encode(chart).decode("ascii"),
        files=files, software=software_versions(), generated=i18n.when(lang, generated))


def sweep_report(sweep: SweepResult, lang: str = "en", scenario_paths: Sequence[str] = (),
                 cap: int | None = None, generated: dt.datetime | None = None,
                 township: TownshipMap | None = None) -> SweepReport:
    """Every file of the sweep's report, in memory (*scenario_paths*: the files it read, for provenance;
    *township*: the base scenario's map, drawn with the entries of the variant :func:`shown_variant` picks)."""
    i18n.check_lang(lang)
    fronts = frontier(sweep)
    chart = frontier_chart(sweep, lang)
    drawn = None
    if township is not None and sweep.variants:
        _, means = site_entries(sweep)
        drawn = sweep_map(sweep, township, shown_variant(sweep, fronts), means, lang)
    moment = generated or dt.datetime.now().replace(microsecond=0)
    page = render_sweep_html(sweep, fronts, chart, lang, scenario_files(scenario_paths), moment, cap, drawn)
    maps = (("figures/township.png", drawn.png),) if drawn is not None else ()
    files = (("figures/frontier.png", chart), *maps, ("frontier.csv", frontier_csv(sweep, fronts)),
             ("sweep.csv", sweep_csv(sweep)), ("sweep.html", page.encode("utf-8")))
    return SweepReport(files, fronts)
