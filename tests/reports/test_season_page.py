"""season.html: the pack's rule-change days marked, the weeks table, both languages, a real browser."""

import dataclasses
import datetime as dt
import html
import re

import pytest

from policy import load_pack
from reports import build_season_page
from reports.season_labels import keys
from simulate import QueueSeries, load_scenario
from simulate.season_series import WeekVerdict
from simulate.worlds import WorldRun, weekly_shares

from .season_results import experiment, replication
from .test_browser import browse

SMALL = "tests/simulate/scenarios/season-small.yaml"


@pytest.fixture(scope="module")
def small():
    return load_scenario(SMALL)


def season_experiment(scenario, name, days=82, level=5.0):
    reps = [replication(k, {"home_observation": (level + k,) * days, "returners_arrived": (1.0,) * days,
                            "deferred": (2.0,) * days, "barred": (0.0,) * days, "visit_staff_min": (50.0,) * days,
                            "arrivals.tourist": tuple(float(d % 7) for d in range(days))},
                        queues=(QueueSeries("g1", 1440.0, (3,) * days),),
                        hits={"quarantine_status": {"home-14": (1,) * days},
                              "return_deferral": {"(default)": (2,) * days},
                              "gate_admission": {"screen": (3,) * days}})
            for k in range(2)]
    e = experiment(reps, {t.name: (t.metric, t.limit) for t in scenario.targets}, name=name)
    return dataclasses.replace(e, replications=tuple(dataclasses.replace(r, scenario=name) for r in e.replications))


def effective_days(scenario, days=82):
    """Every day inside the horizon on which a rule of the three decisions starts or stops applying."""
    first = scenario.horizon.start.date()
    last = first + dt.timedelta(days=days - 1)
    out = set()
    for rule in load_pack(scenario.pack).rules:
        if rule.decision not in ("quarantine_status", "return_deferral", "gate_admission"):
            continue
        for day in (rule.effective.start,
                    None if rule.effective.end is None else rule.effective.end + dt.timedelta(days=1)):
            if day is not None and first <= day <= last:
                out.add(day)
    return sorted(out)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_marks_each_rule_change_and_has_the_weeks_table(small, lang):
    files = dict(build_season_page([season_experiment(small, small.name)], [small], lang))
    assert set(files) == {"season.html", "figures/season-timeline.png"}
    page = files["season.html"].decode()
    expected = effective_days(small)
    assert expected, "the pack changes its rules inside the test season"
    marked = re.findall(r'class="rule-change" data-day="([0-9-]+)"', page)
    assert marked == [d.isoformat() for d in expected]
    weeks = page.split('<table class="weeks">')[1].split("</table>")[0]
    assert weeks.count("<tr>") == 1 + 12                     # header + 82 days in 12 weeks (the last 5 days)
    assert "02-09 – 02-15" in weeks and "04-26 – 04-30" in weeks
    assert ">max_queue</th>" in weeks and ">leaks_per_day</th>" not in weeks   # a weekly form, or none
    assert weeks.count('<td class="holds">') == 12                          # max 3 ≤ 15 every week
    note = page.split('class="note season-only">')[1].split("</p>")[0]
    assert "leaks_per_day" in note and "max_queue" not in note
    hits = page.split('<table class="rule-hits">')[1].split("</table>")[0]
    for decision in ("quarantine_status", "return_deferral", "gate_admission"):
        assert decision in hits
    assert ">7.0<" in hits or ">7<" in hits                   # quarantine_status: 1 a day → 7 a week
    assert 'src="data:image/png;base64,' in page and "<script" not in page


def test_languages_have_the_same_keys():
    assert keys("en") == keys("zh")


def test_no_season_no_page(small):
    plain = dataclasses.replace(season_experiment(small, small.name),
                                replications=tuple(dataclasses.replace(r, daily={}) for r in
                                                   season_experiment(small, small.name).replications))
    assert build_season_page([plain], [small]) == ()


def test_two_seasons_each_get_their_weeks_and_the_figure_overlays_them(small):
    other = dataclasses.replace(small, name="season-small-later")
    files = dict(build_season_page([season_experiment(small, small.name),
                                    season_experiment(other, other.name, level=9.0)], [small, other], "en"))
    page = files["season.html"].decode()
    assert page.count('class="season-scenario"') == 2
    assert 'data-scenario="season-small"' in page and 'data-scenario="season-small-later"' in page


def test_season_page_renders_in_chromium(small, tmp_path):
    page = dict(build_season_page([season_experiment(small, small.name)], [small], "zh"))["season.html"].decode()
    probe = ("<script>window.addEventListener('load', function () { var i = document.images[0];"
             " document.body.setAttribute('data-image', i.complete && i.naturalWidth > 0 ? 'yes' : 'no'); });"
             "</script>")
    probed = tmp_path / "season.html"
    probed.write_text(page.replace("</body>", probe + "</body>"), encoding="utf-8")
    dump = browse(probed, tmp_path / "profile", "--dump-dom")
    assert dump.returncode == 0, dump.stderr.decode()[-2000:]
    dom = dump.stdout.decode("utf-8", "replace")
    assert 'data-image="yes"' in dom
    text = html.unescape(re.sub(r"<[^>]+>", " ", dom))
    assert "逐周" in text and "2020-02-14" in text


@pytest.mark.parametrize(("level", "status"), [(5.0, "holds"), (20.0, "fails")])
def test_the_capacity_line_and_its_weekly_check(small, level, status):
    e = season_experiment(small, small.name, level=level)
    reps = tuple(dataclasses.replace(r, daily={**r.daily, "home_service_capacity": (8.0,) * 82})
                 for r in e.replications)
    page = dict(build_season_page([dataclasses.replace(e, replications=reps)], [small], "en"))["season.html"].decode()
    assert "Capacity line:" in page and "no capacity line" not in page
    weeks = page.split('<table class="weeks">')[1].split("</table>")[0]
    assert ">home_service_capacity</th>" in weeks and ">Home-service capacity (people)</th>" in weeks
    rows = weeks.split("<tr>")[2:]
    assert all(f'<td class="{status}">' in row for row in rows)        # load 5–6 (holds) or 20–21 (fails) vs 8
    plain = dict(build_season_page([season_experiment(small, small.name)], [small], "en"))["season.html"].decode()
    assert "no capacity line" in html.unescape(plain)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_weekly_arrivals_and_turn_backs_by_role(small, lang):
    days = 82
    reps = [replication(k, {"home_observation": (5.0,) * days,
                            "arrivals.tourist": tuple(float(d % 7) for d in range(days)),
                            "turned_back.tourist": (1.0 + k,) * days,
                            "arrivals.hiker": (2.0,) * days})
            for k in range(2)]
    e = experiment(reps, {t.name: (t.metric, t.limit) for t in small.targets}, name=small.name)
    e = dataclasses.replace(e, replications=tuple(dataclasses.replace(r, scenario=small.name) for r in e.replications))
    page = dict(build_season_page([e], [small], lang))["season.html"].decode()
    table = re.search(r'<table class="by-role">(.*?)</table>', page, re.S)
    assert table is not None
    assert re.findall(r'data-role="([^"]+)"', table.group(1)) == ["hiker", "tourist"]
    rows = re.findall(r"<tr><td>(\d+)</td><td class=\"name\">[^<]*</td>(.*?)</tr>", table.group(1))
    assert len(rows) == 12                          # 82 days: 11 whole weeks and a 5-day one
    cells = [re.findall(r"<td>([^<]*)</td>", r[1]) for r in rows]
    # hiker: 14 arrived a week, never turned back; tourist: 0+1+…+6 = 21 arrived, 1.5 a day turned back
    assert [float(c) for c in cells[0]] == [14.0, 0.0, 21.0, 10.5]
    assert [float(c) for c in cells[-1]] == [10.0, 0.0, 10.0, 7.5]   # days 77–81: d % 7 = 0…4


def test_weekly_targets_across_plausible_worlds(small):
    def run(statuses):
        return WorldRun({}, (), {}, {}, (), tuple(WeekVerdict(w, "max_queue", "all.queue_max", 15.0, 1.0, 0.5, s)
                                                 for w, s in enumerate(statuses)))

    # 3 worlds over 12 weeks: week 1 holds in all, week 2 in one, every other week in none
    runs = [run(["holds", "holds"] + ["fails"] * 10), run(["holds", "fails"] + ["unclear"] * 10),
            run(["holds", "unclear"] + ["fails"] * 10)]
    weekly = weekly_shares(runs)
    assert [(x["target"], [w["k"] for w in x["weeks"]]) for x in weekly] == [("max_queue", [3, 1] + [0] * 10)]
    doc = {"worlds": 3, "replications": 2, "scenarios": [{"scenario": small.name, "weekly": weekly}]}
    page = dict(build_season_page([season_experiment(small, small.name)], [small], "en", worlds=doc))["season.html"]
    table = re.search(r'<table class="worlds-weeks">(.*?)</table>', page.decode(), re.S)
    assert table is not None and "<th>max_queue</th>" in table.group(1)
    cells = re.findall(r"<tr><td>\d+</td><td class=\"name\">[^<]*</td><td>([^<]*)</td></tr>", table.group(1))
    assert cells[0] == "100% [44, 100]" and cells[1] == "33% [6, 79]" and cells[2] == "0% [0, 56]"
    plain = dict(build_season_page([season_experiment(small, small.name)], [small], "en"))["season.html"]
    assert b"worlds-weeks" not in plain
