"""policysim's reporting layer: scenario comparisons, the report and its figures.

Public API (what the CLI uses)::

    comparison = compare([base_experiment, other_experiment])   # paired, common random numbers
    report = build_report(experiments, scenarios, lang="zh")     # files in memory: HTML, MD, CSV, PNG

Reads ``simulate`` results and ``policy`` packs through their facades, never the model; the
only matplotlib importers are :mod:`reports.figures` and :mod:`reports.maps` (the township
map); writing files is the caller's job.
"""

from . import i18n
from .bands import Band, band
from .compare import (
    KEY_METRICS,
    BestScenario,
    Comparison,
    ComparisonError,
    MetricComparison,
    TargetVerdict,
    compare,
)
from .figures import Chart, FontMissingError, charts, check_fonts
from .i18n import LANGS
from .render import Report, build_report, clearly_label, markdown_text
from .season_page import build_season_page

__all__ = [
    "Band",
    "BestScenario",
    "Chart",
    "Comparison",
    "ComparisonError",
    "FontMissingError",
    "KEY_METRICS",
    "LANGS",
    "MetricComparison",
    "Report",
    "TargetVerdict",
    "band",
    "build_report",
    "build_season_page",
    "charts",
    "check_fonts",
    "clearly_label",
    "compare",
    "i18n",
    "markdown_text",
]
