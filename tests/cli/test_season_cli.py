"""``policysim simulate`` and ``compare`` on seasons: the season's files, with exact headers, and season.html."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cli.main import main

ROOT = Path(__file__).resolve().parents[2]
QUIET = ROOT / "tests" / "simulate" / "scenarios" / "season-quiet.yaml"


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    out = tmp_path_factory.mktemp("season")
    assert main(["simulate", str(QUIET), "--replications", "2", "--jobs", "1", "--quiet", "--out", str(out)]) == 0
    return out


def header(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as f:
        return next(csv.reader(f))


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_simulate_writes_the_season_files_with_exact_headers(simulated):
    assert header(simulated / "daily.csv") == ["day", "series", "mean", "low", "high"]
    assert header(simulated / "weeks.csv") == ["week", "first", "last", "measure", "mean", "half_width", "limit",
                                               "status"]
    assert header(simulated / "rule_hits_daily.csv") == ["decision", "rule", "day", "mean_persons"]
    rows = rows_of(simulated / "daily.csv")
    observed = [r for r in rows if r["series"] == "home_observation"]
    assert len(observed) == 82 and observed[0]["day"] == "2020-02-09" and observed[-1]["day"] == "2020-04-30"
    decisions = {r["decision"] for r in rows_of(simulated / "rule_hits_daily.csv")}
    assert decisions == {"gate_admission", "quarantine_status", "return_deferral"}


def test_summary_json_has_the_season_block(simulated):
    season = json.loads((simulated / "summary.json").read_text(encoding="utf-8"))["season"]
    assert season["first_day"] == "2020-02-09" and season["days"] == 82 and season["replications"] == 2
    assert len(season["weeks"]) == 12
    assert {v["target"] for v in season["weeks"][0]["verdicts"]} >= {"max_queue", "observation_exits_per_day"}
    assert len(season["daily"]["home_observation"]["mean"]) == 82
    # the daily CSV and the JSON block agree
    rows = {(r["day"], r["series"]): r for r in rows_of(simulated / "daily.csv")}
    assert float(rows[("2020-02-20", "home_observation")]["mean"]) == season["daily"]["home_observation"]["mean"][11]


def test_unscreened_entries_by_day_add_up_to_the_season_total(simulated):
    doc = json.loads((simulated / "summary.json").read_text(encoding="utf-8"))
    by_day = sum(float(r["mean"]) for r in rows_of(simulated / "daily.csv") if r["series"] == "unscreened")
    assert by_day == pytest.approx(doc["containment"]["leaks_total"]["mean"], abs=1e-9)
    assert doc["containment"]["leaks_total"]["mean"] > 0


def test_simulate_writes_season_html(simulated):
    page = (simulated / "season.html").read_text(encoding="utf-8")
    assert (simulated / "figures" / "season-timeline.png").stat().st_size > 10_000
    assert 'class="rule-change" data-day="2020-02-14"' in page and '<table class="weeks">' in page


def test_compare_of_two_seasons_writes_both(tmp_path):
    later = tmp_path / "later.yaml"
    later.write_text(f"extends: {QUIET}\nname: season-quiet-later\nreturners: {{ask_again_days: 21}}\n",
                     encoding="utf-8")
    out = tmp_path / "compare"
    assert main(["compare", str(QUIET), str(later), "--replications", "2", "--jobs", "1", "--quiet",
                 "--out", str(out)]) == 0
    page = (out / "season.html").read_text(encoding="utf-8")
    assert page.count('class="season-scenario"') == 2
    assert 'data-scenario="season-quiet"' in page and 'data-scenario="season-quiet-later"' in page
    assert (out / "report.html").is_file()
