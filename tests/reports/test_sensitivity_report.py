"""The sensitivity page from a known result: the plain sentence per target (what it depends on
most, what does not matter), a tornado and an index figure per target, in English and Chinese."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from reports.figures import cjk_font, short_name
from reports.sensitivity import sensitivity_report, sentence
from simulate import Assumption
from simulate.sensitivity import Influence, MeasureSensitivity, SensitivityResult

CARS = "streams.tourists.volume.holiday"
ADMIT = "service.by_outcome.admit.mean"
PATROL = "patrols.mountain.detect"


def _result(method="morris"):
    def influence(name, score, low, high):
        if method == "morris":
            return Influence(name, low, high, mu_star=score, mu_star_ci=score / 10, sigma=score / 2, sigma_ci=0.1)
        return Influence(name, low, high, s1=score * 0.8, s1_ci=0.05, st=score, st_ci=0.05)

    wait = MeasureSensitivity("p95_wait_min", "all.wait_p95_min", 15.0, 7.1,
                              (influence(CARS, 0.9, 1.2, 46.0), influence(ADMIT, 0.6, 4.0, 12.0),
                               influence(PATROL, 0.0, 7.1, 7.1)))
    leaks = MeasureSensitivity("leaks_per_day", "all.leaks_per_day", 20.0, 10.6,
                               (influence(PATROL, 0.0, 10.6, 10.6), influence(CARS, 0.0, 10.6, 10.6),
                                influence(ADMIT, 0.0, 10.6, 10.6)))
    assumptions = (Assumption(CARS, 400, 200, 600, "A-tourists"), Assumption(ADMIT, 45, 30, 90, "A-service"),
                   Assumption(PATROL, 0.3, 0.1, 0.6, "A-patrols"))
    return SensitivityResult("blossom-weekend", "Blossom weekend", 20200404, method, 10, 5, assumptions, 17,
                             (wait, leaks))


def test_the_sentence_names_what_matters_and_what_does_not():
    wait, leaks = _result().measures
    assert sentence(wait, "en") == (f"p95 wait at the worst gate (min) depends mostly on {CARS} and {ADMIT}; "
                                    f"{PATROL} does not matter for it.")
    assert sentence(wait, "zh") == f"最差卡口第 95 百分位等候（分钟）主要取决于{CARS}和{ADMIT}；{PATROL}对它没有影响。"
    assert "does not change with any assumption" in sentence(leaks, "en")


def test_short_names_keep_the_last_parts():
    assert short_name(CARS) == "…tourists.volume.holiday" and short_name("a.b") == "a.b"


@pytest.mark.parametrize("method", ["morris", "sobol"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_has_a_tornado_and_a_sentence_per_target(lang, method):
    if lang == "zh" and cjk_font() is None:
        pytest.skip("no CJK font installed")
    result = _result(method)
    files = dict(sensitivity_report(result, lang, generated=dt.datetime(2020, 4, 4, 12)).files)
    assert list(files)[-1] == "sensitivity.html"
    page = files["sensitivity.html"].decode()
    assert len(re.findall(r'<figure class="tornado">\s*<figcaption>[^<]+</figcaption>\s*'
                          r'<img src="data:image/png;base64,', page)) == 2
    assert page.count('<figure class="indices">') == 2
    for m in result.measures:
        assert page.count(sentence(m, lang)) == 2                      # in the findings and in its section
    assert files["figures/tornado-1.png"].startswith(b"\x89PNG") and f"figures/{method}-2.png" in files
    headers = "<th>μ*</th><th>σ</th>" if method == "morris" else "<th>S1</th><th>ST</th>"
    assert page.count(headers) == 2                                    # the ranking table of each target


def _matched():
    from simulate.history_matching import Observation
    from simulate.sensitivity_matching import Matching, PointCheck, TargetShare
    from simulate.worlds import wilson

    points = (PointCheck(0, (400.0, 45.0, 0.3), (("turned", 1.2),), (), (("p95_wait_min", "holds"),)),
              PointCheck(1, (600.0, 45.0, 0.3), (("turned", 4.5),), ("turned",), (("p95_wait_min", "fails"),)))
    target = TargetShare("p95_wait_min", "all.wait_p95_min", 15.0, wilson(1, 2), wilson(1, 1))
    matching = Matching((Observation("turned", "containment.turned_back", 30, 5, "S-test"),), points, wilson(1, 2),
                        (target,))
    return dataclasses.replace(_result(), matching=matching)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_shows_the_points_the_observations_rule_out(lang):
    from reports.sensitivity import holds_sentence

    if lang == "zh" and cjk_font() is None:
        pytest.skip("no CJK font installed")
    result = _matched()
    (t,) = result.matching.targets
    expected = {"en": "holds at 50% [9, 91] of 2 design points; at 100% [21, 100] of the 1 the observations do "
                      "not rule out.",
                "zh": "在 2 个设计点中的 50% [9, 91] 成立；在未被实测数字排除的 1 个中的 100% [21, 100] 成立。"}
    assert holds_sentence(t, lang) == expected[lang]
    files = dict(sensitivity_report(result, lang, generated=dt.datetime(2020, 4, 4, 12)).files)
    page = files["sensitivity.html"].decode()
    assert expected[lang] in page and '<table class="ruled-out">' in page
    assert re.search(r"<tr><td>2</td><td>4\.50</td><td class=\"name mono\">turned</td></tr>", page)
    assert files["sensitivity-points.csv"].decode().splitlines()[2].endswith(",turned,fails")
