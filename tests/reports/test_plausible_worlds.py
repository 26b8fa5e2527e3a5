"""The report's plausible-worlds section, from a worlds.json document built by simulate.worlds."""

from __future__ import annotations

from dataclasses import dataclass

from reports.worlds import plausible_section
from simulate.results import Verdict
from simulate.worlds import WorldRun, across, latin_worlds, worlds_json


@dataclass(frozen=True)
class Range:
    name: str
    low: float
    high: float
    integer: bool = False


def _doc(observing: bool):
    space = (Range("cars", 200.0, 600.0), Range("idle", 0.0, 1.0))
    worlds = latin_worlds(space, 40, seed=5)

    def run(w, shift=0.0):
        status = "holds" if w["cars"] < 400 + shift else "fails"
        v = Verdict("p95_wait_min", "all.wait_p95_min", 5.0, 1.0, 0.1, status)
        seen = {"count": 1.0 if w["cars"] < 500 else 4.0} if observing else {}
        return WorldRun(w, (v,), {"all.wait_p95_min": (1.0, 1.2)}, seen,
                        ("count",) if seen and seen["count"] > 3 else ())
    runs = [[run(w) for w in worlds], [run(w, 100.0) for w in worlds]]
    point = [Verdict("p95_wait_min", "all.wait_p95_min", 5.0, 1.0, 0.1, "holds")]
    scenarios = across(space, ["base", "more-staff"], runs, [point, point])
    return worlds_json(space, worlds, 1, 2, scenarios)


def test_the_section_gives_the_shares_and_names_the_assumption_the_failing_worlds_share():
    section = plausible_section(_doc(False), "en")
    base = section["rows"][0]
    assert base["holds"] == "50% [35, 65] · 20/40" and base["status_label"] and not section["observing"]
    assert base["leans"].startswith("cars high (") and "idle" not in base["leans"]
    assert section["rows"][1]["holds"] == "75% [60, 86] · 30/40"
    (wins,) = section["wins"]
    assert (wins["scenario"], wins["better"] + wins["worse"] + wins["unclear"]) == ("more-staff", 40)
    assert "40 worlds" in section["t"]["worlds.lede"] and "base" in section["t"]["worlds.wins"]


def test_observations_add_the_surviving_worlds_in_both_languages():
    doc = _doc(True)
    en, zh = plausible_section(doc, "en"), plausible_section(doc, "zh")
    assert en["observing"] and en["survive"][0]["text"].startswith("30 of 40 worlds survive")
    assert en["rows"][0]["surviving"] == "67% [49, 81] · 20/30"
    assert zh["survive"][0]["text"].startswith("40 个世界中有 30 个") and zh["t"]["worlds"] != en["t"]["worlds"]
    assert plausible_section(None, "en") is None


def test_summary_md_says_per_target_the_point_verdict_and_the_share_of_worlds_in_words():
    from reports.worlds import markdown_lines

    lines = markdown_lines(_doc(False), "en")
    assert lines[0] == "## Across plausible worlds" and "40 worlds drawn by Latin hypercube" in lines[2]
    assert lines[4:8] == ["**base**", "",
                          "- p95 wait at the worst gate (min) (≤ 5) — at the point values: holds; "
                          "holds in 50% [35, 65] of 40 plausible worlds",
                          "  - Where it does not hold: cars high"]
    assert "- p95 wait at the worst gate (min) (≤ 5) — at the point values: holds; holds in 75% [60, 86] of 40 " \
           "plausible worlds" in lines
    assert lines[-2] == ("- more-staff against base on p95 wait at the worst gate (min): lower (better) in 0, "
                         "higher in 0, cannot tell in 40 of 40 worlds")
    assert markdown_lines(None, "en") == []


def test_summary_md_gives_the_share_over_the_surviving_worlds_in_both_languages():
    from reports.worlds import markdown_lines

    en, zh = markdown_lines(_doc(True), "en"), markdown_lines(_doc(True), "zh")
    assert "- 30 of 40 worlds survive the observations (history matching, |sim − obs| ≤ 3 sd)" in en
    base = next(x for x in en if "of 40 plausible worlds" in x)
    assert base.endswith("of 40 plausible worlds; over the 30 worlds the observations allow: 67% [49, 81]")
    assert any("在与观测相符的 30 个世界中：67% [49, 81]" in x for x in zh) and zh[0] != en[0]
