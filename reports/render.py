"""The report as files: self-contained HTML, Markdown summary, CSV tables, figure PNGs.

:func:`build_report` computes everything in memory and returns a :class:`Report` (relative
path → bytes); writing is the caller's job, so a failure leaves nothing half-written. HTML
comes from ``templates/report.html.j2`` through jinja2 with autoescape on: every string from
scenario and pack files (titles, reasons, file contents) is escaped; figures are embedded as
base64 data URIs and the CSS is inline, so the page opens offline and prints. Markdown
escapes the same text by hand (:func:`markdown_text`).
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import html
import io
import math
import platform
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from policy import load_pack
from simulate import ExperimentResult, Interval, Scenario, mean_rule_hits, metric_table, roster_summary, township_map
from simulate.provenance import package_version

from . import i18n
from .compare import KEY_METRICS, BestScenario, Comparison, compare
from .figures import Chart, charts
from .maps import mean_entries_by_site, township_chart
from .worlds import markdown_lines, plausible_section

# The containment section's measures, in reading order: what got in and how, who was found and by
# whom, and outsiders' time in the villages apart from their time on the hills.
CONTAINMENT_METRICS = (
    "all.leaks_per_day", "all.entries_per_day",
    "containment.leaks.closed_entrance", "containment.leaks.open_entrance", "containment.leaks.hill_path",
    "containment.leaks.hotspot", "containment.leaks.returner_unregistered", "containment.leaks.observation_exit",
    "all.resident_crossings_per_day", "all.observation_exits_per_day",
    "containment.turned_back", "containment.handled_at_gate", "containment.evasions", "containment.detected",
    "containment.found_by.patrol", "containment.found_by.camera", "containment.found_by.neighbours",
    "all.village_person_min_per_day", "all.hill_person_min_per_day",
)
SOFTWARE = ("simpy", "numpy", "durable-rules", "matplotlib", "jinja2", "policysim")


@dataclass(frozen=True)
class ScenarioFile:
    """A scenario file the run read (the scenario itself and what it ``extends:``)."""

    path: str
    sha256: str
    content: str


@dataclass(frozen=True)
class RuleNote:
    """A pack rule's reason, shown beside its hits (text from the pack: always escaped)."""

    decision: str
    rule: str
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class Inputs:
    """Everything needed to reproduce the report: files, packs, seed, replications, versions."""

    scenarios: tuple[str, ...]
    titles: tuple[str, ...]
    starts: tuple[dt.datetime, ...]
    files: tuple[tuple[ScenarioFile, ...], ...]
    packs: tuple[str, ...]
    rules: tuple[RuleNote, ...]
    seed: int
    replications: int
    software: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Report:
    """The report's files, relative path → bytes, in the order to write them (HTML last)."""

    files: tuple[tuple[str, bytes], ...]
    comparison: Comparison


def scenario_files(files: Sequence[str]) -> tuple[ScenarioFile, ...]:
    """The scenario files a run read (the scenario, then what it extends), each with its SHA-256."""
    out = []
    for name in files:
        data = Path(name).read_bytes()
        out.append(ScenarioFile(name, hashlib.sha256(data).hexdigest(), data.decode("utf-8")))
    return tuple(out)


def software_versions() -> tuple[tuple[str, str], ...]:
    return (("python", platform.python_version()), *((name, package_version(name)) for name in SOFTWARE))


def describe_inputs(scenarios: Sequence[Scenario], seed: int, replications: int) -> Inputs:
    """The reproducible inputs of a run of *scenarios* (packs are loaded for name@version and reasons)."""
    packs, rules, seen = [], [], set()
    for s in scenarios:
        pack = load_pack(s.pack)
        packs.append(f"{pack.name}@{pack.version}")
        for rule in pack.rules:
            if rule.id not in seen:
                seen.add(rule.id)
                rules.append(RuleNote(rule.decision, rule.id, rule.reason.zh, rule.reason.en))
    return Inputs(tuple(s.name for s in scenarios), tuple(s.title for s in scenarios),
                  tuple(s.horizon.start for s in scenarios),
                  tuple(scenario_files(s.files) for s in scenarios), tuple(packs), tuple(rules),
                  seed, replications, software_versions())


def markdown_text(value: str) -> str:
    """*value* safe inside a Markdown table cell: HTML escaped, pipes and emphasis neutralised."""
    escaped = html.escape(value, quote=False)
    for char in ("\\", "|", "*", "_", "`", "[", "]"):
        escaped = escaped.replace(char, "\\" + char)
    return " ".join(escaped.split())


def _cell(estimate: Interval | None) -> str:
    return "–" if estimate is None else i18n.interval(estimate.mean, estimate.half_width)


def _diff(diff: Interval | None) -> str:
    return "" if diff is None else i18n.signed_interval(diff.mean, diff.low, diff.high, diff.half_width)


def clearly_label(best: BestScenario, lang: str) -> str:
    """yes / not yet / no, the same (every replication gave both scenarios the same value)."""
    if best.clear:
        return i18n.text(lang, "yes")
    diff = best.difference
    same = diff is not None and diff.mean == 0 and diff.half_width == 0
    return i18n.text(lang, "same" if same else "no")


def summary_rows(comparison: Comparison, lang: str) -> list[dict[str, Any]]:
    """Per scenario: one cell per key metric (estimate, difference vs base, verdict if a target)."""
    targets = {(v.scenario, v.metric): v for v in comparison.verdicts}
    rows = []
    for i, (name, title) in enumerate(zip(comparison.scenarios, comparison.titles, strict=True)):
        cells = []
        for metric in KEY_METRICS:
            m = comparison.metric(metric)
            verdict = targets.get((name, metric))
            cells.append({
                "value": _cell(m.estimates[i] if m else None),
                "difference": _diff(m.differences[i] if m else None),
                "status": verdict.status if verdict else "",
                "verdict": (f"≤ {verdict.limit:g}: {i18n.status_label(lang, verdict.status)}"
                            if verdict else ""),
            })
        rows.append({"name": name, "title": title, "base": i == 0, "cells": cells})
    return rows


def metric_rows(comparison: Comparison, lang: str) -> list[dict[str, Any]]:
    return [{"metric": m.metric, "label": i18n.metric_label(lang, m.metric),
             "estimates": [_cell(e) for e in m.estimates],
             "differences": [_diff(d) for d in m.differences[1:]]} for m in comparison.metrics]


def containment_rows(comparison: Comparison, lang: str) -> list[dict[str, Any]]:
    """The containment measures the comparison has, labelled, with estimates and differences."""
    rows = []
    for name in CONTAINMENT_METRICS:
        m = comparison.metric(name)
        if m is not None:
            rows.append({"metric": name, "label": i18n.metric_label(lang, name),
                         "estimates": [_cell(e) for e in m.estimates],
                         "differences": [_diff(d) for d in m.differences[1:]]})
    return rows


def file_stem(name: str, taken: set[str]) -> str:
    """*name* as a safe, unused file stem (letters, digits, ``-`` and ``_``)."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "scenario"
    unique, k = stem, 2
    while unique in taken:
        unique, k = f"{stem}-{k}", k + 1
    taken.add(unique)
    return unique


def township_charts(experiments: Sequence[ExperimentResult], scenarios: Sequence[Scenario],
                    lang: str) -> tuple[Chart, ...]:
    """One township map per scenario, with its unscreened entries by site (mean per replication)."""
    taken: set[str] = set()
    return tuple(township_chart(f"township-{file_stem(e.scenario, taken)}", e.scenario, township_map(s),
                                mean_entries_by_site(e.replications), lang)
                 for e, s in zip(experiments, scenarios, strict=True))


def rule_rows(experiments: Sequence[ExperimentResult], inputs: Inputs, lang: str) -> list[dict[str, Any]]:
    """Per deciding rule: its reason in *lang* and mean persons decided per replication per scenario."""
    means = [{(d, rule): mean for d, rules in mean_rule_hits(e.replications).items() for rule, mean in rules.items()}
             for e in experiments]
    reasons = {note.rule: (note.reason_zh if lang == "zh" else note.reason_en) for note in inputs.rules}
    keys = sorted({k for m in means for k in m}, key=lambda k: (k[0], -means[0].get(k, 0.0), k[1]))
    return [{"decision": d, "rule": rule, "reason": reasons.get(rule, ""),
             "hits": [i18n.number(m.get((d, rule), 0.0), 1) for m in means]} for d, rule in keys]


def template_environment() -> jinja2.Environment:
    """The report templates, autoescaped (scenario and pack text is user input), strict about names."""
    return jinja2.Environment(loader=jinja2.PackageLoader("reports", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def data_uri(chart: Chart) -> str:
    return "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")


def staff_rows(scenarios: Sequence[Scenario], lang: str) -> list[dict[str, Any]]:
    """Per scenario, its roster's people, hours a week per person and most on duty at once."""
    rows: list[dict[str, Any]] = []
    for scenario in scenarios:
        roster = roster_summary(scenario)
        if roster is None:
            rows.append({"scenario": scenario.name, "none": i18n.text(lang, "staff.none")})
            continue
        pools = "; ".join(f"{p.name} {p.people} ({p.hours_mean:.0f} / {p.hours_max:.0f})" for p in roster.pools)
        rows.append({"scenario": scenario.name, "none": "", "people": roster.people,
                     "hours_mean": f"{roster.hours_per_person_week_mean:.1f}",
                     "hours_max": f"{roster.hours_per_person_week_max:.1f}",
                     "on_duty": roster.max_on_duty, "pools": pools})
    return rows


def render_html(experiments: Sequence[ExperimentResult], comparison: Comparison,
                figures: Sequence[Chart], inputs: Inputs, lang: str, generated: dt.datetime,
                maps: Sequence[Chart] = (), staff: Sequence[dict[str, Any]] = (),
                plausible: Mapping[str, Any] | None = None) -> str:
    """The self-contained report page."""
    single = len(comparison.scenarios) == 1
    t = {key: i18n.text(lang, key) for key in (
        "summary", "summary.targets", "summary.best", "figures", "details", "details.metrics",
        "details.rules", "inputs", "scenario", "metric", "target", "limit", "verdict", "mean_ci",
        "best", "runner_up", "clear", "file", "sha256", "pack", "seed", "replications", "software",
        "generated", "decision", "rule", "reason", "hits", "scenario_file", "verdict.note", "base",
        "containment", "containment.lede", "containment.maps", "staff", "staff.lede", "staff.people",
        "staff.hours_mean", "staff.hours_max", "staff.on_duty", "staff.pools")}
    t["title"] = i18n.text(lang, "report.title.one" if single else "report.title")
    t["lede"] = i18n.text(lang, "report.lede", n=comparison.replications, seed=comparison.seed,
                          base=comparison.base)
    t["difference"] = i18n.text(lang, "difference", base=comparison.base)
    verdicts = [{"scenario": v.scenario, "target": v.target,
                 "label": i18n.metric_label(lang, v.metric), "limit": f"{v.limit:g}",
                 "value": _cell(v.estimate), "status": v.status,
                 "status_label": i18n.status_label(lang, v.status)} for v in comparison.verdicts]
    best = [{"target": b.target, "label": i18n.metric_label(lang, b.metric), "scenario": b.scenario,
             "runner_up": b.runner_up or "–", "difference": _diff(b.difference),
             "clearly": clearly_label(b, lang)} for b in comparison.best]
    images = [{"name": c.name, "caption": c.caption, "src": data_uri(c)} for c in figures]
    map_images = [{"name": c.name, "caption": c.caption, "src": data_uri(c)} for c in maps]
    starts = [i18n.when(lang, s) for s in inputs.starts]
    sources = list({f.path: f for files in inputs.files for f in files}.values())   # each file once
    return template_environment().get_template("report.html.j2").render(
        lang=lang, t=t, comparison=comparison, single=single,
        key_labels=[i18n.metric_label(lang, m) for m in KEY_METRICS],
        summary=summary_rows(comparison, lang), verdicts=verdicts, best=best, figures=images,
        containment=containment_rows(comparison, lang), maps=map_images, staff=staff,
        metrics=metric_rows(comparison, lang), rules=rule_rows(experiments, inputs, lang),
        inputs=inputs, starts=starts, sources=sources, generated=i18n.when(lang, generated),
        plausible=plausible)


def render_markdown(comparison: Comparison, inputs: Inputs, lang: str, worlds: Mapping[str, Any] | None = None) -> str:
    """The executive summary as Markdown (CI job summaries, messages); with *worlds* (the
    ``worlds.json`` document of ``--uncertainty``) the verdicts across plausible worlds too."""
    single = len(comparison.scenarios) == 1
    lines = [f"# {i18n.text(lang, 'report.title.one' if single else 'report.title')}", "",
             i18n.text(lang, "report.lede", n=comparison.replications, seed=comparison.seed,
                       base=markdown_text(comparison.base)), ""]
    head = [i18n.text(lang, "scenario"), *(i18n.metric_label(lang, m) for m in KEY_METRICS)]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in summary_rows(comparison, lang):
        cells = [markdown_text(row["name"])]
        for c in row["cells"]:
            parts = [c["value"]]
            if c["difference"]:
                parts.append(f"Δ {c['difference']}")
            if c["verdict"]:
                parts.append(f"**{c['verdict']}**")
            cells.append("<br>".join(parts))
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"## {i18n.text(lang, 'summary.targets')}", "",
              f"| {i18n.text(lang, 'scenario')} | {i18n.text(lang, 'target')} | {i18n.text(lang, 'limit')} "
              f"| {i18n.text(lang, 'mean_ci')} | {i18n.text(lang, 'verdict')} |", "|---|---|---|---|---|"]
    for v in comparison.verdicts:
        lines.append(f"| {markdown_text(v.scenario)} | {i18n.metric_label(lang, v.metric)} | ≤ {v.limit:g} "
                     f"| {_cell(v.estimate)} | {i18n.status_label(lang, v.status)} |")
    lines += ["", i18n.text(lang, "verdict.note"), ""]
    if not single:
        lines += [f"## {i18n.text(lang, 'summary.best')}", "",
                  f"| {i18n.text(lang, 'target')} | {i18n.text(lang, 'best')} | {i18n.text(lang, 'runner_up')} "
                  f"| Δ | {i18n.text(lang, 'clear')} |", "|---|---|---|---|---|"]
        for b in comparison.best:
            lines.append(f"| {i18n.metric_label(lang, b.metric)} | {markdown_text(b.scenario)} "
                         f"| {markdown_text(b.runner_up or '–')} | {_diff(b.difference)} "
                         f"| {clearly_label(b, lang)} |")
        lines.append("")
    lines += markdown_lines(worlds, lang)
    lines += [f"## {i18n.text(lang, 'inputs')}", ""]
    for name, files, pack in zip(inputs.scenarios, inputs.files, inputs.packs, strict=True):
        chain = ", ".join(f"`{markdown_text(Path(f.path).name)}` sha256:{f.sha256[:12]}" for f in files)
        lines.append(f"- {markdown_text(name)}: {chain}; {markdown_text(pack)}")
    versions = ", ".join(f"{n} {v}" for n, v in inputs.software)
    lines += [f"- {i18n.text(lang, 'seed')} {inputs.seed}, {i18n.text(lang, 'replications')} "
              f"{inputs.replications}; {versions}", ""]
    return "\n".join(lines)


def csv_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    """*rows* as UTF-8 CSV with ``\\n`` line ends."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def csv_number(x: float) -> str:
    """*x* exactly (shortest round-trip form), or an empty cell when it is not finite."""
    return repr(x) if math.isfinite(x) else ""


def metrics_csv(experiments: Sequence[ExperimentResult]) -> bytes:
    """Every metric, one row per scenario and replication (0 where a scenario lacks a gate)."""
    tables = [metric_table(e.replications) for e in experiments]
    names = sorted({k for t in tables for k in t})
    rows: list[list[object]] = [["scenario", "replication", "seed", *names]]
    for e, table in zip(experiments, tables, strict=True):
        for k, r in enumerate(e.replications):
            rows.append([e.scenario, r.replication, r.seed,
                         *(csv_number(float(table[n][k])) if n in table else "" for n in names)])
    return csv_bytes(rows)


def comparison_csv(comparison: Comparison) -> bytes:
    """Per metric and scenario: mean, 95 % CI, and the paired difference vs the base with its CI."""
    rows: list[list[object]] = [["metric", "scenario", "n", "mean", "ci_low", "ci_high",
                                 "diff_vs_base", "diff_low", "diff_high"]]
    for m in comparison.metrics:
        for name, est, diff in zip(comparison.scenarios, m.estimates, m.differences, strict=True):
            if est is None:
                continue
            differs = (csv_number(diff.mean), csv_number(diff.low), csv_number(diff.high)) if diff else ("", "", "")
            rows.append([m.metric, name, est.n, csv_number(est.mean), csv_number(est.low), csv_number(est.high),
                         *differs])
    return csv_bytes(rows)


def verdicts_csv(comparison: Comparison) -> bytes:
    rows: list[list[object]] = [["scenario", "target", "metric", "limit", "mean", "ci_low", "ci_high", "status"]]
    rows += [[v.scenario, v.target, v.metric, repr(v.limit), csv_number(v.estimate.mean),
              csv_number(v.estimate.low), csv_number(v.estimate.high), v.status] for v in comparison.verdicts]
    return csv_bytes(rows)


def build_report(experiments: Sequence[ExperimentResult], scenarios: Sequence[Scenario], lang: str = "en",
                 generated: dt.datetime | None = None, worlds: Mapping[str, Any] | None = None) -> Report:
    """Compare *experiments* (run from *scenarios*, same order; the first is the base) and render every file;
    with *worlds* (the ``worlds.json`` document of ``--uncertainty``) a plausible-worlds section too."""
    i18n.check_lang(lang)
    if len(scenarios) != len(experiments):
        raise ValueError("one scenario per experiment, in the same order")
    comparison = compare(experiments)
    inputs = describe_inputs(scenarios, comparison.seed, comparison.replications)
    figures = charts(experiments, comparison, inputs.starts, lang)
    maps = township_charts(experiments, scenarios, lang)
    moment = generated or dt.datetime.now().replace(microsecond=0)
    page = render_html(experiments, comparison, figures, inputs, lang, moment, maps, staff_rows(scenarios, lang),
                       plausible_section(worlds, lang))
    files = [(f"figures/{c.name}.png", c.png) for c in (*figures, *maps)]
    files += [("metrics.csv", metrics_csv(experiments)), ("comparison.csv", comparison_csv(comparison)),
              ("verdicts.csv", verdicts_csv(comparison)),
              ("summary.md", render_markdown(comparison, inputs, lang, worlds).encode("utf-8")),
              ("report.html", page.encode("utf-8"))]
    return Report(tuple(files), comparison)
