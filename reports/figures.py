"""The report's figures as PNG bytes: with :mod:`reports.maps`, the only modules that import matplotlib.

Figures are drawn on ``matplotlib.figure.Figure`` objects with the Agg canvas (no pyplot,
no global figure state) under a per-call ``rc_context``. Chinese labels use the WenQuanYi
Micro Hei font (installed by ``make system-deps``), registered with the font manager, so zh
figures render without missing-glyph boxes. Mathtext is off: ids and titles from user files
are drawn as plain text. This module draws; it does not decide page layout.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from policy import Diagnostic, Location, PolicysimError
from simulate import LEAK_PATHS, WAIT_BINS_MIN, ExperimentResult, mean_rule_hits

from .bands import band
from .compare import KEY_METRICS, Comparison
from .i18n import leak_path_label, metric_label, text

if TYPE_CHECKING:
    from simulate.sensitivity import MeasureSensitivity

CJK_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",       # Debian/Ubuntu fonts-wqy-microhei
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
LATIN_FONT = "DejaVu Sans"
DPI = 110


class FontMissingError(PolicysimError):
    """Chinese figures were asked for but no CJK font is installed."""


@dataclass(frozen=True)
class Chart:
    """One rendered figure: a file stem, its caption and its PNG bytes."""

    name: str
    caption: str
    png: bytes


def cjk_font() -> str | None:
    """Register the first installed CJK font with matplotlib; return its family name (or None)."""
    for path in CJK_FONT_FILES:
        if Path(path).is_file():
            if not any(f.fname == path for f in font_manager.fontManager.ttflist):
                font_manager.fontManager.addfont(path)
            return str(font_manager.FontProperties(fname=path).get_name())
    return None


def check_fonts(lang: str) -> str | None:
    """The CJK family to draw with; :class:`FontMissingError` when *lang* is zh and there is none."""
    cjk = cjk_font()
    if lang == "zh" and cjk is None:
        raise FontMissingError([Diagnostic(
            "report.font", "Chinese figures need a CJK font: install fonts-wqy-microhei "
            "(make system-deps) or use --lang en", Location("report"))])
    return cjk


@contextmanager
def drawing_style(lang: str) -> Iterator[None]:
    """rc settings for one figure: fonts for *lang*, plain text (no mathtext), quiet grids."""
    cjk = check_fonts(lang)
    families = [cjk, LATIN_FONT] if lang == "zh" else [LATIN_FONT, cjk]
    with mpl.rc_context({"font.family": "sans-serif",
                         "font.sans-serif": [f for f in families if f],
                         "axes.unicode_minus": False, "text.parse_math": False,
                         "axes.grid": True, "grid.alpha": 0.3, "axes.spines.top": False,
                         "axes.spines.right": False, "font.size": 9}):
        yield


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes (Agg canvas)."""
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def colours(n: int) -> list[tuple[float, float, float, float]]:
    cmap = mpl.colormaps["tab10"]
    return [cmap(i % 10) for i in range(n)]


def staffed_gates(experiments: Sequence[ExperimentResult]) -> list[str]:
    """Staffed gates of any scenario, in the order the scenarios list them."""
    seen: dict[str, None] = {}
    for e in experiments:
        for g in e.replications[0].gates:
            seen.setdefault(g.gate, None)
    return list(seen)


def queue_figure(experiments: Sequence[ExperimentResult], starts: Sequence[dt.datetime],
                 lang: str) -> Figure:
    """Queue length per staffed gate over the horizon: mean per scenario and its 10–90 % band.

    Times are drawn at the base scenario's dates; scenarios that start elsewhere are aligned
    to the base's start (the caption of the report says which dates they are).
    """
    everywhere = staffed_gates(experiments)
    queued = {q.gate for e in experiments for r in e.replications for q in r.queues if max(q.lengths, default=0)}
    gates = [g for g in everywhere if g in queued] or everywhere[:1]
    idle = [g for g in everywhere if g not in gates]
    cols = min(4, len(gates)) or 1
    rows = max(1, -(-len(gates) // cols))
    fig = Figure(figsize=(4.2 * cols, 2.4 * rows + 1.0), layout="constrained")
    axes = fig.subplots(rows, cols, sharex=True, squeeze=False).ravel()
    base_start = starts[0]
    styles = ("-", "--", "-.", ":")            # identical scenarios stay visible on top of each other
    for k, (colour, e) in enumerate(zip(colours(len(experiments)), experiments, strict=True)):
        for ax, gate in zip(axes, gates, strict=False):
            series = [q for r in e.replications for q in r.queues if q.gate == gate]
            if not series:
                continue
            spread = band([s.lengths for s in series])
            step = series[0].step_min
            times = [base_start + dt.timedelta(minutes=i * step) for i in range(len(spread.mean))]
            ax.fill_between(times, spread.low, spread.high, color=colour, alpha=0.2, linewidth=0)
            ax.plot(times, spread.mean, color=colour, linewidth=1.2, linestyle=styles[k % len(styles)],
                    label=e.scenario)
    for ax, gate in zip(axes, gates, strict=False):
        ax.set_title(gate, fontsize=9)
        locator = mdates.AutoDateLocator(minticks=3, maxticks=6)  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(  # type: ignore[no-untyped-call]  # numeric: zh and en
            locator, formats=["%Y", "%m", "%m-%d", "%H:%M", "%H:%M", "%S"],
            offset_formats=["", "%Y", "%Y-%m", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d %H:%M"]))
        ax.set_ylim(bottom=0)
    for ax in axes[len(gates):]:
        ax.set_visible(False)
    label = text(lang, "axis.time")
    if any(start != base_start for start in starts):
        label += "\n" + _wrap(text(lang, "fig.queues.aligned", base=experiments[0].scenario), fig)
    if idle:
        label += "\n" + _wrap(text(lang, "fig.queues.idle", gates=", ".join(idle)), fig)
    fig.supxlabel(label)
    fig.supylabel(text(lang, "axis.queue"))
    legend: dict[str, Any] = {}
    for ax in axes:                              # a scenario may lack the first gate
        for handle, name in zip(*ax.get_legend_handles_labels(), strict=True):
            legend.setdefault(name, handle)
    order = [e.scenario for e in experiments if e.scenario in legend]
    fig.legend([legend[n] for n in order], order, loc="outside upper center",
               ncols=min(6, len(order)) or 1, frameon=False)
    return fig


def wait_figure(experiments: Sequence[ExperimentResult], lang: str) -> Figure:
    """Each gate's 95th-percentile wait, distributed over replications, per scenario.

    Gates where nobody ever waited are named under the axis instead of drawn as empty boxes.
    """
    everywhere = staffed_gates(experiments)
    waited = {g.gate for e in experiments for r in e.replications for g in r.gates if g.wait_p95_min > 0}
    gates = [g for g in everywhere if g in waited] or everywhere[:1]
    idle = [g for g in everywhere if g not in gates]
    k = len(experiments)
    width = 0.8 / k
    fig = Figure(figsize=(max(8.0, 0.75 * len(gates) * max(1, k / 2)), 4.2), layout="constrained")
    ax = fig.subplots()
    for j, (colour, e) in enumerate(zip(colours(k), experiments, strict=True)):
        data, positions = [], []
        for i, gate in enumerate(gates):
            values = [g.wait_p95_min for r in e.replications for g in r.gates if g.gate == gate]
            if values:
                data.append(values)
                positions.append(i - 0.4 + width * (j + 0.5))
        if data:
            parts = ax.boxplot(data, positions=positions, widths=width * 0.85, patch_artist=True,
                               manage_ticks=False, flierprops={"markersize": 2})
            for box in parts["boxes"]:
                box.set(facecolor=colour, alpha=0.6, linewidth=0.6)
            for median in parts["medians"]:
                median.set(color="black", linewidth=0.8)
        ax.plot([], [], color=colour, linewidth=6, alpha=0.6, label=e.scenario)
    ax.set_xticks(range(len(gates)), gates, rotation=30, ha="right")
    label = text(lang, "axis.gate")
    if idle:
        label += "\n" + _wrap(text(lang, "fig.waits.idle", gates=", ".join(idle)), fig)
    ax.set_xlabel(label)
    ax.set_ylabel(text(lang, "axis.wait"))
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper right", frameon=False)
    return fig


def containment_figure(comparison: Comparison, lang: str) -> Figure:
    """Turned back per scenario, and unscreened entries by path per scenario, with 95 % CIs."""
    k = len(comparison.scenarios)
    fig = Figure(figsize=(11, 4), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=(1, 2.2))
    turned = comparison.metric("containment.turned_back")
    if turned is not None:
        for j, (colour, est) in enumerate(zip(colours(k), turned.estimates, strict=True)):
            if est is not None:
                left.bar(j, est.mean, yerr=_err(est.half_width), color=colour, alpha=0.8, capsize=3)
        left.set_xticks(range(k), comparison.scenarios, rotation=30, ha="right")
    left.set_title(text(lang, "turned_back"))
    left.set_ylabel(text(lang, "axis.parties"))
    width = 0.8 / k
    for path_i, path in enumerate(LEAK_PATHS):
        metric = comparison.metric(f"containment.leaks.{path}")
        if metric is None:
            continue
        for j, (colour, est) in enumerate(zip(colours(k), metric.estimates, strict=True)):
            if est is not None:
                right.bar(path_i - 0.4 + width * (j + 0.5), est.mean, width * 0.9, yerr=_err(est.half_width),
                          color=colour, alpha=0.8, capsize=2,
                          label=comparison.scenarios[j] if path_i == 0 else None)
    right.set_xticks(range(len(LEAK_PATHS)), [leak_path_label(lang, p) for p in LEAK_PATHS])
    right.set_title(text(lang, "leaks"))
    right.set_ylabel(text(lang, "axis.parties"))
    right.legend(frameon=False)
    return fig


def _wrap(note: str, fig: Figure) -> str:
    """*note* broken into lines that fit the figure's width (CJK characters count double)."""
    width = int(fig.get_figwidth() * 12)
    lines, line, used = [], "", 0
    for word in note.split(" "):
        cost = sum(2 if ord(ch) > 0x2E80 else 1 for ch in word) + 1
        if line and used + cost > width:
            lines.append(line)
            line, used = "", 0
        line, used = f"{line} {word}" if line else word, used + cost
    return "\n".join([*lines, line])


def _err(half_width: float) -> float | None:
    return half_width if np.isfinite(half_width) else None


def utilisation_figure(experiments: Sequence[ExperimentResult], starts: Sequence[dt.datetime],
                       lang: str) -> Figure:
    """Staff utilisation by hour: one heatmap per scenario, gates × hours, mean over replications.

    Gates whose staff never served anyone are named under the figure instead of drawn as empty rows.
    """
    everywhere = staffed_gates(experiments)
    served = {s.gate for e in experiments for r in e.replications for s in r.staffing if any(s.busy_min)}
    gates = [g for g in everywhere if g in served] or everywhere[:1]
    idle = [g for g in everywhere if g not in gates]
    fig = Figure(figsize=(11.0, 0.8 + len(experiments) * (0.6 + 0.28 * len(gates))), layout="constrained")
    axes = fig.subplots(len(experiments), 1, squeeze=False).ravel()
    cmap = mpl.colormaps["YlOrRd"].with_extremes(bad="#eeeeee")      # grey: nobody on duty
    image = None
    for ax, e in zip(axes, experiments, strict=True):
        rows: list[np.ndarray | None] = []
        for gate in gates:
            series = [s for r in e.replications for s in r.staffing if s.gate == gate]
            if series:
                busy = np.mean([s.busy_min for s in series], axis=0)
                duty = np.mean([s.on_duty_min for s in series], axis=0)
                rows.append(np.where(duty > 0, busy / np.where(duty > 0, duty, 1.0), np.nan))
            else:
                rows.append(None)
        hours = max((len(r) for r in rows if r is not None), default=1)
        grid = np.array([r if r is not None else np.full(hours, np.nan) for r in rows])
        image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto",
                          interpolation="nearest")
        ax.grid(False)
        ax.set_yticks(range(len(gates)), gates, fontsize=7)
        ticks = [h for h in range(hours) if (starts[0] + dt.timedelta(hours=h)).hour % 6 == 0]
        ax.set_xticks(ticks, [(starts[0] + dt.timedelta(hours=h)).strftime("%m-%d %H:%M") for h in ticks],
                      fontsize=7)
        ax.set_title(e.scenario, fontsize=9, loc="left")
    label = text(lang, "axis.time")
    if idle:
        label += "\n" + _wrap(text(lang, "fig.utilisation.idle", gates=", ".join(idle)), fig)
    fig.supxlabel(label)
    if image is not None:
        fig.colorbar(image, ax=list(axes), shrink=0.8, format=mpl.ticker.PercentFormatter(1.0))
    return fig


def wait_distribution_figure(experiments: Sequence[ExperimentResult], lang: str) -> Figure:
    """Share of parties waiting at least x minutes, over every staffed gate and replication."""
    fig = Figure(figsize=(8.0, 3.8), layout="constrained")
    ax = fig.subplots()
    edges = np.asarray(WAIT_BINS_MIN)
    for colour, e in zip(colours(len(experiments)), experiments, strict=True):
        counts = np.sum([g.wait_histogram for r in e.replications for g in r.gates], axis=0)
        total = counts.sum()
        if not total:
            continue
        at_least = counts[::-1].cumsum()[::-1] / total        # share waiting ≥ each lower edge
        ax.step(edges[1:], at_least[1:], where="post", color=colour, linewidth=1.4, label=e.scenario)
    ax.set_xscale("symlog", linthresh=1.0)
    ax.set_xticks(edges[1:], [f"{x:g}" for x in edges[1:]])
    ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.set_ylim(bottom=0)
    ax.set_xlabel(text(lang, "axis.wait_at_least"))
    ax.set_ylabel(text(lang, "axis.share_parties"))
    ax.legend(loc="upper right", frameon=False)
    return fig


def rule_hits_figure(experiments: Sequence[ExperimentResult], lang: str) -> Figure:
    """Per decision, the persons each deciding rule decided (mean per replication), per scenario."""
    hits = [mean_rule_hits(e.replications) for e in experiments]
    decisions = sorted({d for h in hits for d in h})
    rules = {d: sorted({r for h in hits for r in h.get(d, {})},
                       key=lambda r: -max(h.get(d, {}).get(r, 0.0) for h in hits)) for d in decisions}
    heights = [max(1, len(rules[d])) for d in decisions] or [1]
    fig = Figure(figsize=(10, 1.2 + 0.28 * sum(heights) * max(1, len(experiments) / 2)),
                 layout="constrained")
    axes = fig.subplots(len(heights), 1, height_ratios=heights, squeeze=False).ravel()
    k = len(experiments)
    width = 0.8 / k
    for ax, decision in zip(axes, decisions, strict=False):
        names = rules[decision]
        for j, (colour, h) in enumerate(zip(colours(k), hits, strict=True)):
            values = [h.get(decision, {}).get(r, 0.0) for r in names]
            ax.barh([i - 0.4 + width * (j + 0.5) for i in range(len(names))], values, width * 0.9,
                    color=colour, alpha=0.85, label=experiments[j].scenario)
        ax.set_yticks(range(len(names)), names, fontsize=7)
        ax.invert_yaxis()
        ax.set_title(decision, fontsize=9)
        ax.set_xlabel(text(lang, "axis.persons"))
    axes[0].legend(frameon=False, loc="lower right")
    return fig


def forest_figure(comparison: Comparison, lang: str, metrics: Sequence[str] = KEY_METRICS) -> Figure:
    """Paired differences (scenario − base) with 95 % CIs, one panel per metric."""
    shown = [m for m in (comparison.metric(name) for name in metrics)
             if m is not None and any(d is not None for d in m.differences)]
    others = comparison.scenarios[1:]
    fig = Figure(figsize=(10, 0.9 + (0.35 * len(others) + 0.55) * max(1, len(shown))), layout="constrained")
    axes = fig.subplots(max(1, len(shown)), 1, squeeze=False).ravel()
    palette = colours(len(comparison.scenarios))
    for ax, metric in zip(axes, shown, strict=False):
        for row, (_name, diff) in enumerate(zip(others, metric.differences[1:], strict=True)):
            if diff is None:
                continue
            err = _err(diff.half_width)
            ax.errorbar(diff.mean, row, xerr=err, fmt="o", color=palette[row + 1], capsize=3,
                        markersize=4)
        ax.axvline(0.0, color="black", linewidth=0.8)
        ax.set_yticks(range(len(others)), others)
        ax.set_ylim(len(others) - 0.5, -0.5)
        ax.set_title(metric_label(lang, metric.metric), fontsize=9, loc="left")
    axes[-1].set_xlabel(text(lang, "axis.difference", base=comparison.base))
    return fig


def charts(experiments: Sequence[ExperimentResult], comparison: Comparison,
           starts: Sequence[dt.datetime], lang: str) -> tuple[Chart, ...]:
    """Every figure of the report, rendered; the forest plot only when there is a base to differ from."""
    with drawing_style(lang):
        out = [
            Chart("queues", text(lang, "fig.queues"), png(queue_figure(experiments, starts, lang))),
            Chart("wait-distribution", text(lang, "fig.wait_distribution"),
                  png(wait_distribution_figure(experiments, lang))),
            Chart("waits", text(lang, "fig.waits"), png(wait_figure(experiments, lang))),
            Chart("containment", text(lang, "fig.containment"), png(containment_figure(comparison, lang))),
            Chart("utilisation", text(lang, "fig.utilisation.hourly"),
                  png(utilisation_figure(experiments, starts, lang))),
            Chart("rule-hits", text(lang, "fig.rules"), png(rule_hits_figure(experiments, lang))),
        ]
        if len(comparison.scenarios) > 1:
            out.append(Chart("differences", text(lang, "fig.forest", base=comparison.base),
                             png(forest_figure(comparison, lang))))
    return tuple(out)


def frontier_figure(points: Sequence[Sequence[tuple[float, float, float, bool]]],
                    panels: Sequence[tuple[str, float]], lang: str) -> Figure:
    """Cost (x) against each target metric (y): one panel per ``(metric, limit)``; per variant a
    ``(cost, mean, half-width, meets)`` point with its CI bar, filled when it meets the limit."""
    fig = Figure(figsize=(4.0 * max(1, len(panels)), 3.6), layout="constrained")
    axes = fig.subplots(1, max(1, len(panels)), squeeze=False).ravel()
    for ax, (metric, limit), row in zip(axes, panels, points, strict=False):
        for cost, mean, half, meets in row:
            ax.errorbar(cost, mean, yerr=_err(half), fmt="o", capsize=3, markersize=5,
                        color="#1b7f3b" if meets else "#b3261e", markerfacecolor=None if meets else "white")
        ax.axhline(limit, color="black", linestyle="--", linewidth=0.8)
        ax.set_title(metric_label(lang, metric), fontsize=9, loc="left")
        ax.set_xlabel(text(lang, "sweep.cost"))
        ax.set_ylim(bottom=0)
    return fig


# policysim sensitivity (reports/sensitivity.py): the tornado, Morris μ*–σ and Sobol figures.
SHOWN = 12                    # assumptions per figure (the most influential)
LOW_COLOUR, HIGH_COLOUR = "#9ecae1", "#08519c"


def short_name(name: str, parts: int = 3) -> str:
    """The last *parts* parts of a dotted assumption name (figures have little room)."""
    pieces = name.split(".")
    return name if len(pieces) <= parts else "…" + ".".join(pieces[-parts:])


def tornado_figure(measure: MeasureSensitivity, lang: str) -> Figure:
    """Per assumption (largest swing on top) a bar from the point value to the measure at the low
    end and one to the measure at the high end of its range."""
    rows = sorted(measure.influences, key=lambda i: -abs(i.high - i.low))[:SHOWN]
    fig = Figure(figsize=(7.0, 0.9 + 0.32 * max(1, len(rows))), layout="constrained")
    ax = fig.subplots()
    for y, i in enumerate(reversed(rows)):
        ax.barh(y, i.low - measure.point, left=measure.point, color=LOW_COLOUR, height=0.7,
                label=text(lang, "fig.low") if y == 0 else None)
        ax.barh(y, i.high - measure.point, left=measure.point, color=HIGH_COLOUR, height=0.35,
                label=text(lang, "fig.high") if y == 0 else None)
    ax.axvline(measure.point, color="black", linewidth=0.8)
    if measure.limit is not None:
        ax.axvline(measure.limit, color="#b3261e", linestyle="--", linewidth=0.8)
    ax.set_yticks(range(len(rows)), [short_name(i.assumption) for i in reversed(rows)], fontsize=8)
    ax.set_xlabel(metric_label(lang, measure.metric))
    ax.legend(loc="lower right", fontsize=8)
    return fig


def morris_figure(measure: MeasureSensitivity, lang: str) -> Figure:
    """μ* (x, with its CI) against σ (y), each assumption labelled: far right matters, high up interacts."""
    fig = Figure(figsize=(6.0, 4.2), layout="constrained")
    ax = fig.subplots()
    for i in measure.influences[:SHOWN]:
        ax.errorbar(i.mu_star or 0.0, i.sigma or 0.0, xerr=i.mu_star_ci or None, fmt="o", color=HIGH_COLOUR,
                    capsize=3, markersize=5)
        ax.annotate(short_name(i.assumption, 2), (i.mu_star or 0.0, i.sigma or 0.0), fontsize=7,
                    xytext=(4, 3), textcoords="offset points")
    ax.set_xlabel("μ*")
    ax.set_ylabel("σ")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    return fig


def sobol_figure(measure: MeasureSensitivity, lang: str) -> Figure:
    """S1 and ST per assumption (most influential on top), with their CIs."""
    rows = list(reversed(measure.influences[:SHOWN]))
    fig = Figure(figsize=(7.0, 0.9 + 0.36 * max(1, len(rows))), layout="constrained")
    ax = fig.subplots()
    ys = range(len(rows))
    ax.barh([y + 0.2 for y in ys], [i.st or 0.0 for i in rows], height=0.4, color=HIGH_COLOUR,
            xerr=[i.st_ci or 0.0 for i in rows], label="ST")
    ax.barh([y - 0.2 for y in ys], [i.s1 or 0.0 for i in rows], height=0.4, color=LOW_COLOUR,
            xerr=[i.s1_ci or 0.0 for i in rows], label="S1")
    ax.set_yticks(list(ys), [short_name(i.assumption) for i in rows], fontsize=8)
    ax.set_xlim(0, 1.05)
    ax.legend(loc="lower right", fontsize=8)
    return fig
