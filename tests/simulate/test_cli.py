"""``policysim simulate`` as a user runs it: a subprocess, files on disk, one-line errors."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

from .conftest import ROOT, SCENARIOS


def policysim(*args: str):
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_simulate_a_shipped_scenario_writes_its_files(tmp_path):
    out = tmp_path / "out"
    run = policysim("simulate", str(SCENARIOS / "blossom-volunteers.yaml"), "--replications", "3",
                    "--jobs", "2", "--seed", "5", "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert "pingcheng-south" in run.stdout and "leaks_per_day" in run.stdout
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["scenario"], summary["seed"], summary["replications"]) == ("blossom-volunteers", 5, 3)
    south = summary["gates"]["pingcheng-south"]["wait_p95_min"]
    assert set(south) == {"mean", "half_width", "min", "max", "n"} and south["min"] <= south["mean"] <= south["max"]
    assert {v["target"] for v in summary["verdicts"]} == {
        "p95_wait_min", "max_queue", "leaks_per_day", "entries_per_day", "resident_crossings_per_day",
        "observation_exits_per_day", "hill_person_min_per_day"}
    rows = list(csv.DictReader((out / "replications.csv").read_text(encoding="utf-8").splitlines()))
    assert [r["replication"] for r in rows] == ["0", "1", "2"]
    queues = list(csv.DictReader((out / "queues.csv").read_text(encoding="utf-8").splitlines()))
    assert {"replication", "gate", "time_min", "queue"} == set(queues[0])
    assert not list(out.glob(".*"))                      # no temporary files left behind


def test_same_arguments_give_the_same_files(tmp_path):
    for name in ("a", "b"):
        run = policysim("simulate", str(SCENARIOS / "baseline-march-weekend.yaml"), "--replications", "2",
                        "--jobs", "1" if name == "a" else "2", "--quiet", "--out", str(tmp_path / name))
        assert run.returncode == 0, run.stderr
    for file in ("summary.json", "replications.csv", "queues.csv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


def test_a_malformed_scenario_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {SCENARIOS / 'baseline-march-weekend.yaml'}\nseed: soon\n", encoding="utf-8")
    run = policysim("simulate", str(bad), "--quiet")
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0
    assert f"{bad}:2:7: seed: expected an integer" in run.stderr
    assert "Traceback" not in run.stderr
    assert policysim("simulate", str(tmp_path / "absent.yaml")).returncode == 2
    assert policysim("simulate", str(bad), "--jobs", "0").returncode == 2
