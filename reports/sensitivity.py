"""The sensitivity page: per target, which assumptions move it — a tornado, the indices, one sentence.

For leadership the page answers "does this verdict hang on a guess?": per target measure a
plain sentence naming the assumptions it depends on most and those that do not matter for it,
a tornado chart (the measure with each assumption at the low and at the high end of its range,
the others at their point values), the Morris μ*–σ plot or the Sobol bars, and the ranking as a
table. :func:`sensitivity_report` returns the files in memory (figures inline as data URIs, the
page last) for the caller to write atomically.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from simulate.sensitivity import LEVELS, MeasureSensitivity, SensitivityResult
from simulate.sensitivity_matching import Matching, TargetShare
from simulate.sensitivity_tables import POINTS_CSV, points_csv, sensitivity_csv
from simulate.worlds import Share

from . import i18n
from .figures import drawing_style, morris_figure, png, sobol_figure, tornado_figure
from .render import ScenarioFile, scenario_files, software_versions, template_environment


@dataclass(frozen=True)
class SensitivityReport:
    """The report's files, relative path → bytes, page last."""

    files: tuple[tuple[str, bytes], ...]


def _names(lang: str, names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return i18n.text(lang, "sens.comma").join(names[:-1]) + i18n.text(lang, "sens.and") + names[-1]


def sentence(measure: MeasureSensitivity, lang: str) -> str:
    """One plain sentence: what the measure depends on most, and which assumptions do not matter for it."""
    label = i18n.metric_label(lang, measure.metric)
    mostly = measure.mostly()
    if not mostly:
        return i18n.text(lang, "sens.flat", measure=label) + i18n.text(lang, "sens.end")
    out = i18n.text(lang, "sens.mostly", measure=label, names=_names(lang, [i.assumption for i in mostly]))
    quiet = [i.assumption for i in measure.negligible()]
    if quiet:
        shown = quiet if len(quiet) <= 4 else [*quiet[:3], f"{len(quiet) - 3}+"]
        key = "sens.negligible.one" if len(quiet) == 1 else "sens.negligible.many"
        out += i18n.text(lang, key, names=_names(lang, shown))
    return out + i18n.text(lang, "sens.end")


def _share(s: Share) -> dict[str, object]:
    return {"k": s.k, "n": s.n, "share": f"{100 * s.share:.0f}", "low": f"{100 * s.low:.0f}",
            "high": f"{100 * s.high:.0f}"}


def holds_sentence(t: TargetShare, lang: str) -> str:
    """``holds at 40% [31, 50] of 110 design points; at 62% [48, 74] of the 50 the observations do not rule out``."""
    out = i18n.text(lang, "sens.holds", **_share(t.holds))
    if t.holds_plausible.n:
        out += i18n.text(lang, "sens.holds.plausible", **_share(t.holds_plausible))
    else:
        out += i18n.text(lang, "sens.holds.none")
    return out + i18n.text(lang, "sens.end")


def surviving_sentence(matching: Matching, lang: str) -> str:
    """How many design points the observed figures leave, with the share's 95 % Wilson interval."""
    return i18n.text(lang, "sens.surviving", **_share(matching.surviving)) + i18n.text(lang, "sens.end")


def matching_section(matching: Matching, lang: str) -> dict[str, object]:
    """What the page shows of the observations: the surviving share, per target the shares
    holding, each observation with the points it rules out, and the ruled-out points."""
    def score(x: float) -> str:
        return i18n.number(x, 2) if math.isfinite(x) else "∞"

    return {"surviving": surviving_sentence(matching, lang),
            "targets": [{"label": i18n.metric_label(lang, t.metric), "target": t.target,
                         "sentence": holds_sentence(t, lang)} for t in matching.targets],
            "observed": [{"name": o.name, "metric": o.metric, "value": f"{o.value:g} ± {o.sd:g}", "source": o.source,
                          "rules_out": sum(o.name in p.ruled_out for p in matching.points)}
                         for o in matching.observed],
            "names": [o.name for o in matching.observed],
            "points": [{"index": p.index + 1, "scores": [score(x) for _, x in p.implausibility],
                        "ruled_by": ", ".join(p.ruled_out)} for p in matching.points if p.ruled_out]}


def _uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _pm(value: float | None, half: float | None) -> str:
    if value is None:
        return "–"
    digits = i18n.digits_for(value)
    if half is None or not math.isfinite(half):
        return i18n.number(value, digits)
    return f"{i18n.number(value, digits)} ± {i18n.number(half, digits)}"


def measure_section(result: SensitivityResult, m: MeasureSensitivity, lang: str,
                    charts: tuple[bytes, bytes]) -> dict[str, object]:
    """What the template shows for one measure: its sentence, figures and ranking rows."""
    label = i18n.metric_label(lang, m.metric)
    rows = [{"rank": r + 1, "assumption": i.assumption,
             "first": _pm(i.mu_star, i.mu_star_ci) if result.method == "morris" else _pm(i.s1, i.s1_ci),
             "second": _pm(i.sigma, i.sigma_ci) if result.method == "morris" else _pm(i.st, i.st_ci),
             "low": i18n.number(i.low, i18n.digits_for(i.low)), "high": i18n.number(i.high, i18n.digits_for(i.high)),
             "members": "" if i.members in ((), (i.assumption,)) else f"{len(i.members)}: " + ", ".join(i.members)}
            for r, i in enumerate(m.influences)]
    return {"label": label, "target": m.target, "limit": "" if m.limit is None else f"≤ {m.limit:g}",
            "sentence": sentence(m, lang), "rows": rows,
            "point": i18n.text(lang, "sens.point", value=i18n.number(m.point, i18n.digits_for(m.point))),
            "tornado": _uri(charts[0]), "tornado_caption": i18n.text(lang, "fig.tornado", measure=label),
            "indices": _uri(charts[1]),
            "indices_caption": i18n.text(lang, f"fig.{result.method}", measure=label)}


def render_sensitivity_html(result: SensitivityResult, charts: Sequence[tuple[bytes, bytes]], lang: str,
                            files: Sequence[ScenarioFile], generated: dt.datetime) -> str:
    """The self-contained page (jinja2 with autoescape: scenario text is escaped)."""
    def t(key: str, **values: object) -> str:
        return i18n.text(lang, key, **values)

    method = t(f"sens.{result.method}", size=result.size, levels=LEVELS)
    columns = ("μ*", "σ") if result.method == "morris" else ("S1", "ST")
    assumptions = [{"name": a.name, "value": f"{a.value:g}", "range": f"{a.low:g} – {a.high:g}", "source": a.source}
                   for a in result.assumptions]
    return template_environment().get_template("sensitivity.html.j2").render(
        lang=lang, t=t, result=result, columns=columns, assumptions=assumptions,
        lede=t("sens.lede", scenario=result.scenario, k=len(result.assumptions), method=method, worlds=result.worlds,
               n=result.replications, seed=result.seed),
        note=t(f"sens.{result.method}.note"),
        measures=[measure_section(result, m, lang, c) for m, c in zip(result.measures, charts, strict=True)],
        matching=None if result.matching is None else matching_section(result.matching, lang),
        files=files, software=software_versions(), generated=i18n.when(lang, generated))


def sensitivity_report(result: SensitivityResult, lang: str = "en", scenario_paths: Sequence[str] = (),
                       generated: dt.datetime | None = None) -> SensitivityReport:
    """Every file of the report in memory: the figures, ``sensitivity.csv`` and ``sensitivity.html`` (last)."""
    i18n.check_lang(lang)
    charts = []
    files: list[tuple[str, bytes]] = []
    for n, m in enumerate(result.measures):
        with drawing_style(lang):
            tornado = png(tornado_figure(m, lang))
            indices = png(morris_figure(m, lang) if result.method == "morris" else sobol_figure(m, lang))
        charts.append((tornado, indices))
        files += [(f"figures/tornado-{n + 1}.png", tornado), (f"figures/{result.method}-{n + 1}.png", indices)]
    moment = generated or dt.datetime.now().replace(microsecond=0)
    page = render_sensitivity_html(result, charts, lang, scenario_files(scenario_paths), moment)
    files.append(("sensitivity.csv", sensitivity_csv(result)))
    if result.matching is not None:
        files.append((POINTS_CSV, points_csv(result, result.matching)))
    files.append(("sensitivity.html", page.encode("utf-8")))
    return SensitivityReport(tuple(files))
