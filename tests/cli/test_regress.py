"""`policysim regress`: packs' tests and checks, and golden scenarios compared exactly on the
build that made them (every moved metric named with its old and new value), by their stored
intervals on any other build (and saying so)."""

import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "scenarios" / "baseline-march-weekend.yaml"
REPLICATIONS = 2


def regress(*args, packs=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    more = ["--packs", packs] if packs else []
    return subprocess.run([sys.executable, "-m", "cli.main", "regress", "--jobs", "1", *map(str, more + list(args))],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A copy of a shipped scenario (it only extends it) and its golden, made with --update."""
    root = tmp_path_factory.mktemp("regress")
    (root / "scenarios").mkdir()
    (root / "packs").mkdir()                      # no packs: these tests are about the goldens
    (root / "scenarios" / "copy.yaml").write_text(f"extends: {SHIPPED}\nname: copy\n")
    done = regress("--scenarios", root / "scenarios", "--goldens", root / "goldens", "--update",
                   "--replications", REPLICATIONS, packs=root / "packs")
    assert done.returncode == 0, done.stdout + done.stderr
    return root


@pytest.fixture
def case(made, tmp_path):
    """A private copy of the scenario folder and its goldens (pointing at the copy), to change."""
    for name in ("scenarios", "goldens", "packs"):
        shutil.copytree(made / name, tmp_path / name)
    path = tmp_path / "goldens" / "copy.json"
    source = "scenarios/copy.yaml"
    path.write_text(path.read_text().replace(json.dumps(str(made / source)), json.dumps(str(tmp_path / source))))
    assert golden(tmp_path)["source"] == str(tmp_path / source)
    return tmp_path


def run_case(case):
    return regress("--scenarios", case / "scenarios", "--goldens", case / "goldens", packs=case / "packs")


def golden(case):
    return json.loads((case / "goldens" / "copy.json").read_text())


def slow_admit(case):
    """The copy with admit service 4 % slower (a mean of 26 s instead of the shipped 25 s)."""
    assert "admit: {dist: lognormal, mean: {value: 25, range: [20, 40]" in SHIPPED.read_text()
    with (case / "scenarios" / "copy.yaml").open("a") as f:
        f.write("service:\n  by_outcome:\n    admit: {mean: 26}\n")


def fail_lines(stdout):
    return [line for line in stdout.splitlines() if line.startswith("FAIL ")]


def test_a_golden_records_its_build_and_every_replications_exact_values(made):
    from simulate import load_scenario, run_experiment

    doc = golden(made)
    assert doc["build"] == {
        "policysim": importlib.metadata.version("policysim"),
        "python": "CPython " + ".".join(map(str, sys.version_info[:3])),
        "numpy": importlib.metadata.version("numpy"), "simpy": importlib.metadata.version("simpy"),
        "durable_rules": importlib.metadata.version("durable-rules"),
        "machine": platform.machine(), "system": platform.system()}
    rows = [r.metrics() for r in run_experiment(load_scenario(made / "scenarios" / "copy.yaml"),
                                                replications=REPLICATIONS, jobs=1).replications]
    assert sorted(doc["metrics"]) == sorted(rows[0])
    for name, stored in doc["metrics"].items():
        assert stored["values"] == [row[name] for row in rows], name      # equal floats, read back from JSON
    text = (made / "goldens" / "copy.json").read_text()
    assert f'  "all.wait_p95_min": {json.dumps(doc["metrics"]["all.wait_p95_min"], sort_keys=True)},' in text


def test_an_unchanged_build_and_scenario_pass_exactly(case):
    done = run_case(case)
    assert done.returncode == 0, done.stdout + done.stderr
    total = len(golden(case)["metrics"])
    assert f"golden copy: {total} of {total} metrics identical in every replication (same build, exact)" in done.stdout
    assert "regress: ok" in done.stdout and not fail_lines(done.stdout)


def test_a_4_percent_slower_admit_fails_naming_every_moved_metric_with_old_and_new_values(case, tmp_path_factory):
    before = golden(case)["metrics"]
    slow_admit(case)
    # What moved, found independently: the goldens of the changed copy, compared as JSON.
    after_dir = tmp_path_factory.mktemp("after")
    remade = regress("--scenarios", case / "scenarios", "--goldens", after_dir, "--update",
                     "--replications", REPLICATIONS, packs=case / "packs")
    assert remade.returncode == 0, remade.stdout + remade.stderr
    after = json.loads((after_dir / "copy.json").read_text())["metrics"]
    moved = {m for m in before if before[m]["values"] != after[m]["values"]}
    assert "gate.pingcheng-south.utilisation" in moved and "all.staff_min" not in moved
    assert len(moved) > 10

    done = run_case(case)
    assert done.returncode == 1
    lines = fail_lines(done.stdout)
    named = {line.split(": ")[1].split(" ")[0] for line in lines}
    assert named == moved and len(lines) == len(moved)
    assert f"regress: {len(moved)} failures" in done.stdout
    assert f"{len(before) - len(moved)} of {len(before)} metrics identical" in done.stdout
    for line in lines:
        metric = line.split(": ")[1].split(" ")[0]
        old, new = before[metric], after[metric]
        assert f"moved: mean {old['mean']!r} → {new['mean']!r}" in line
        differ = [i for i, (a, b) in enumerate(zip(old["values"], new["values"], strict=False)) if a != b]
        assert (f"{len(differ)} of {REPLICATIONS} replications differ (replication {differ[0]}: "
                f"{old['values'][differ[0]]!r} → {new['values'][differ[0]]!r})") in line


def test_a_golden_from_another_build_falls_back_to_intervals_and_says_which_fields_differ(case):
    path = case / "goldens" / "copy.json"
    doc = golden(case)
    here = doc["build"]["numpy"]
    doc["build"]["numpy"] = "0.0.1"
    doc["build"]["machine"] = "sparc64"
    path.write_text(json.dumps(doc))
    done = run_case(case)
    assert done.returncode == 0, done.stdout + done.stderr
    total = len(doc["metrics"])
    assert done.stdout.splitlines()[0] == (
        f"golden copy: made on another build (numpy: golden 0.0.1, here {here}; machine: golden sparc64, "
        f"here {platform.machine()}), so compared against its stored 95% intervals, not exactly")
    assert f"golden copy: {total} of {total} metrics within their stored interval" in done.stdout

    # A mean moved well outside its interval still fails there, named with old and new values.
    metric = "all.wait_max_min"
    old = doc["metrics"][metric]
    doc["metrics"][metric]["mean"] = old["mean"] + 10 * old["half_width"] + 1
    path.write_text(json.dumps(doc))
    drifted = run_case(case)
    assert drifted.returncode == 1
    [line] = fail_lines(drifted.stdout)
    assert metric in line and "left its stored interval" in line


def test_goldens_of_the_shipped_scenarios_pass_with_the_shipped_packs(tmp_path):
    """The default invocation as CI runs it, with the pack tests; only the first golden, for speed."""
    goldens = tmp_path / "goldens"
    goldens.mkdir()
    shutil.copy(ROOT / "scenarios" / "goldens" / "baseline-march-weekend.json", goldens)
    done = regress("--goldens", goldens)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pack xiongerzhai-2020@2: 174 of 174 cases pass, 0 findings" in done.stdout
    assert "regress: ok" in done.stdout


def test_no_goldens_is_a_failure_not_a_silent_pass(tmp_path):
    done = regress("--goldens", tmp_path / "none", packs=tmp_path)
    assert done.returncode == 1 and "no golden summaries" in done.stderr


@pytest.mark.parametrize(("text", "says"), [
    ("{not json", "not a golden summary"),
    ('{"format": 1, "scenario": "x", "metrics": {}}', "format 1, expected 2 (`policysim regress --update`"),
])
def test_a_malformed_or_old_golden_is_one_line_and_exit_2(tmp_path, text, says):
    (tmp_path / "bad.json").write_text(text)
    done = regress("--goldens", tmp_path, packs=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "bad.json" in done.stderr and says in done.stderr
