"""The season's timeline figure: returners, the observation load and the weekend peaks by day.

One figure, three panels sharing the dates, every scenario of a comparison overlaid (mean
line, 95 % band), the days the pack's rules change marked as dashed lines. Drawn on a
``Figure`` with the Agg canvas under :func:`reports.figures.drawing_style`, as every figure is.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simulate import SeasonSeries

from .figures import Chart, colours, drawing_style, png
from .season_labels import series_label, text

# Panels: (title key, left-axis series, right-axis series or "", left axis key, right axis key).
PANELS = (
    ("panel.returners", ("returners_arrived", "deferred", "barred"), "", "axis.people", ""),
    ("panel.observation", ("home_observation", "centralized", "home_service_capacity"), "staff_hours.home_service",
     "axis.people",
     "axis.hours"),
    ("panel.peaks", ("arrivals.tourist",), "gate.queue_max", "axis.parties", "axis.queue"),
)
STYLES = ("-", "--", ":", "-.")


def _draw(ax: Axes, season: SeasonSeries, name: str, colour: object, style: str, label: str,
          width: float = 1.3) -> None:
    b = season.band(name)
    if b is None:
        return
    days = mdates.date2num([season.date(d) for d in range(season.days)])  # type: ignore[no-untyped-call]
    low = [lo if math.isfinite(lo) else m for lo, m in zip(b.low, b.mean, strict=True)]
    high = [hi if math.isfinite(hi) else m for hi, m in zip(b.high, b.mean, strict=True)]
    ax.fill_between(days, [max(0.0, x) for x in low], high, color=colour, alpha=0.15, linewidth=0)
    ax.plot(days, b.mean, color=colour, linestyle=style, linewidth=width, label=label,
            alpha=1.0 if width < 2 else 0.45)


def timeline_figure(seasons: Sequence[tuple[str, SeasonSeries]], changes: Mapping[dt.date, Sequence[str]],
                    lang: str) -> Figure:
    """Returners, observation load and weekend peaks per day for each (scenario, season), with the
    rule-change days in *changes* as dashed vertical lines labelled by date."""
    fig = Figure(figsize=(11, 9), layout="constrained")
    axes = fig.subplots(len(PANELS), 1, sharex=True, squeeze=False).ravel()
    many = len(seasons) > 1
    series_colours = colours(4)
    for ax, (title, left, right, left_axis, right_axis) in zip(axes, PANELS, strict=True):
        twin = ax.twinx() if right else None
        for k, (scenario, season) in enumerate(seasons):
            style = STYLES[k % len(STYLES)]
            prefix = f"{scenario}: " if many else ""
            for j, name in enumerate(left):
                _draw(ax, season, name, series_colours[j], style, prefix + series_label(lang, name))
            if twin is not None:
                _draw(twin, season, right, "0.2", style, prefix + series_label(lang, right), width=3.0)
        ax.set_title(text(lang, title), fontsize=10, loc="left")
        ax.set_ylabel(text(lang, left_axis))
        ax.set_ylim(bottom=0)
        handles, labels = ax.get_legend_handles_labels()
        if twin is not None:
            twin.set_ylabel(text(lang, right_axis))
            twin.set_ylim(bottom=0)
            twin.grid(False)
            more = twin.get_legend_handles_labels()
            handles, labels = handles + more[0], labels + more[1]
        ax.legend(handles, labels, loc="upper left", fontsize=8, frameon=False, ncols=2 if many else 1)
        for day in changes:
            ax.axvline(dt.datetime.combine(day, dt.time()), color="#b3261e", linestyle="--", linewidth=0.9,
                       alpha=0.8)
    top = axes[0]
    for day in changes:
        top.annotate(day.strftime("%m-%d"), xy=(dt.datetime.combine(day, dt.time()), 1.0),
                     xycoords=("data", "axes fraction"), xytext=(2, 2), textcoords="offset points",
                     fontsize=8, color="#b3261e", rotation=90, va="bottom")
    locator = mdates.WeekdayLocator(byweekday=mdates.SU)  # type: ignore[no-untyped-call]
    axes[-1].xaxis.set_major_locator(locator)
    axes[-1].xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))  # type: ignore[no-untyped-call]
    return fig


def timeline_chart(seasons: Sequence[tuple[str, SeasonSeries]], changes: Mapping[dt.date, Sequence[str]],
                   lang: str) -> Chart:
    """The timeline as a :class:`~reports.figures.Chart` (``season-timeline``)."""
    with drawing_style(lang):
        figure = timeline_figure(seasons, changes, lang)
        return Chart("season-timeline", text(lang, "timeline"), png(figure))
