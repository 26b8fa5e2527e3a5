"""worlds.csv by week: a season's world rows carry each target's weekly verdict under a heading
naming the week and its first date; a weekend's CSV is what it always was, byte for byte."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

from cli.main import main
from simulate.results import Verdict
from simulate.season_series import WeekVerdict
from simulate.worlds import ScenarioAcross, TargetAcross, WorldRun, wilson, write_worlds

ROOT = Path(__file__).resolve().parents[2]
QUIET = ROOT / "tests" / "simulate" / "scenarios" / "season-quiet.yaml"
DOC = {"assumptions": [{"name": "a", "low": 0.0, "high": 1.0, "integer": False}]}


def _verdict(status: str) -> Verdict:
    return Verdict("max_queue", "all.queue_max", 15.0, 3.0, 1.0, status)


def _weeks(*statuses: str, target: str = "max_queue") -> tuple[WeekVerdict, ...]:
    return tuple(WeekVerdict(k, target, "all.queue_max", 15.0, 3.0, 1.0, s) for k, s in enumerate(statuses))


def _scenario(name: str, *runs: WorldRun) -> ScenarioAcross:
    statuses = tuple(r.verdicts[0].status for r in runs)
    target = TargetAcross("max_queue", "all.queue_max", 15.0, "holds", statuses,
                          wilson(statuses.count("holds"), len(runs)), None, ())
    return ScenarioAcross(name, runs, (target,), None)


def _csv(tmp_path: Path, *scenarios: ScenarioAcross) -> str:
    return write_worlds(DOC, scenarios, tmp_path)[1].read_text(encoding="utf-8")


def test_a_weekend_csv_is_byte_for_byte_the_one_before_weeks(tmp_path):
    runs = (WorldRun({"a": 0.25}, (_verdict("holds"),), {}, {}, ()),
            WorldRun({"a": 0.75}, (_verdict("fails"),), {}, {}, ("queue",)))
    assert _csv(tmp_path, _scenario("weekend", *runs)) == ("scenario,world,a,max_queue,ruled_out\n"
                    "weekend,0,0.25,holds,\n"
                    "weekend,1,0.75,fails,queue\n")


def test_a_season_row_has_each_targets_verdict_per_week_after_the_old_columns(tmp_path):
    first, home = dt.date(2020, 2, 9), "home_service_capacity"
    runs = (WorldRun({"a": 0.25}, (_verdict("holds"),), {}, {}, (),
                     _weeks("holds", "fails", "unclear") + _weeks("fails", "fails", "holds", target=home),
                     first),
            WorldRun({"a": 0.75}, (_verdict("unclear"),), {}, {}, (),
                     _weeks("unclear", "holds", "holds") + _weeks("holds", "holds", "holds", target=home),
                     first))
    assert _csv(tmp_path, _scenario("season", *runs)) == (
        "scenario,world,a,max_queue,ruled_out,"
        "week1.2020-02-09.home_service_capacity,week2.2020-02-16.home_service_capacity,"
        "week3.2020-02-23.home_service_capacity,"
        "week1.2020-02-09.max_queue,week2.2020-02-16.max_queue,week3.2020-02-23.max_queue\n"
        "season,0,0.25,holds,,fails,fails,holds,holds,fails,unclear\n"
        "season,1,0.75,unclear,,holds,holds,holds,unclear,holds,holds\n")


def test_seasons_starting_on_different_days_get_their_own_week_columns(tmp_path):
    early = WorldRun({"a": 0.5}, (_verdict("holds"),), {}, {}, (), _weeks("holds", "fails"), dt.date(2020, 2, 9))
    late = WorldRun({"a": 0.5}, (_verdict("holds"),), {}, {}, (), _weeks("unclear"), dt.date(2020, 2, 16))
    weekend = WorldRun({"a": 0.5}, (_verdict("fails"),), {}, {}, ())
    rows = list(csv.reader(_csv(tmp_path, _scenario("early", early),
                                _scenario("late", late),
                                _scenario("weekend", weekend)).splitlines()))
    # week 2 of the early season and week 1 of the late one are the same dates, but not the same week
    assert rows[0][5:] == ["week1.2020-02-09.max_queue", "week1.2020-02-16.max_queue", "week2.2020-02-16.max_queue"]
    assert [r[5:] for r in rows[1:]] == [["holds", "", "fails"], ["", "unclear", ""], ["", "", ""]]


def test_a_season_world_run_writes_weekly_verdicts_that_agree_with_worlds_json_and_resume(tmp_path):
    short = tmp_path / "season-short.yaml"
    short.write_text(f"extends: {QUIET}\nname: season-short\nhorizon: {{start: 2020-02-09T00:00, days: 9}}\n",
                     encoding="utf-8")
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    args = ["simulate", str(short), "--uncertainty", "2", "--replications", "2", "--jobs", "1", "--quiet"]
    assert main([*args, "--out", str(whole)]) == 0
    with (whole / "worlds.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    doc = json.loads((whole / "worlds.json").read_text(encoding="utf-8"))
    (scenario,) = doc["scenarios"]
    weekly = {x["target"]: x["weeks"] for x in scenario["weekly"]}
    assert "home_service_capacity" in weekly and "max_queue" in weekly
    headings = [h for h in rows[0] if h.startswith("week")]
    days = ("2020-02-09", "2020-02-16")   # 9 days: a week and a short second
    assert headings == [f"week{k + 1}.{day}.{t}" for t in sorted(weekly) for k, day in enumerate(days)]
    assert len(rows) == 2 and {r[h] for r in rows for h in headings} <= {"holds", "fails", "unclear"}
    for target, weeks in weekly.items():
        for k, share in enumerate(weeks):
            column = [r[f"week{k + 1}.{days[k]}.{target}"] for r in rows]
            assert (column.count("holds"), len(column)) == (share["k"], share["n"]), (target, k)
    # per world, the season-wide verdict columns are worlds.json's
    for row, world in zip(rows, scenario["worlds"], strict=True):
        assert all(row[t] == v["status"] for t, v in world["verdicts"].items())
    shutil.copytree(whole, cut)
    stored = sorted(p for p in (cut / "replications").rglob("*") if p.is_file())
    for p in stored[1::2]:
        p.unlink()
    (cut / "worlds.csv").unlink()
    assert main([*args, "--out", str(cut), "--resume"]) == 0
    for name in ("worlds.json", "worlds.csv"):
        assert (cut / name).read_bytes() == (whole / name).read_bytes(), name
