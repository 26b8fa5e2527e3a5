"""`policysim regress`: packs' tests and checks, and golden scenarios that fail when a metric
leaves its stored interval, naming the metric with its old and new values."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = "tests/simulate/scenarios"


def regress(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "cli.main", "regress", "--scenarios", SCENARIOS, "--jobs", "1",
                           *map(str, args)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


def test_goldens_pass_when_nothing_changed_and_fail_naming_a_drifted_metric(tmp_path):
    goldens = tmp_path / "goldens"
    made = regress("--goldens", goldens, "--update", "--replications", "4")
    assert made.returncode == 0, made.stdout + made.stderr
    [path] = goldens.glob("*.json")
    same = regress("--goldens", goldens)
    assert same.returncode == 0, same.stdout + same.stderr
    assert "pack xiongerzhai-2020@1: 104 of 104 cases pass, 0 findings" in same.stdout
    assert "regress: ok" in same.stdout

    doc = json.loads(path.read_text())
    metric = next(m for m in sorted(doc["metrics"]) if m.endswith("wait_mean_min"))
    old = doc["metrics"][metric]
    doc["metrics"][metric] = {"mean": old["mean"] + 10 * (old["half_width"] or 1) + 1,
                              "half_width": old["half_width"]}
    path.write_text(json.dumps(doc))
    drifted = regress("--goldens", goldens)
    assert drifted.returncode == 1
    line = next(x for x in drifted.stdout.splitlines() if x.startswith("FAIL"))
    assert metric in line and "left its stored interval" in line
    assert f"now {old['mean']:.6g}" in line


def test_no_goldens_is_a_failure_not_a_silent_pass(tmp_path):
    done = regress("--goldens", tmp_path / "none")
    assert done.returncode == 1 and "no golden summaries" in done.stderr


def test_a_malformed_golden_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "bad.json").write_text("{not json")
    done = regress("--goldens", tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "bad.json" in done.stderr
