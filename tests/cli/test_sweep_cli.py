"""``policysim sweep`` and ``merge``, and ``simulate --reps/--resume``, as a user runs them:
subprocesses, files on disk, one-line errors, shards merged byte-identically, Ctrl-C resumed."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BLOSSOM = ROOT / "scenarios" / "blossom-weekend.yaml"
MMC = ROOT / "tests" / "simulate" / "scenarios" / "mmc.yaml"
STAFF = "shifts.round-the-clock.0.staff"
OUTPUTS = ("summary.json", "replications.csv", "queues.csv")

# cli.main with sweep and merge registered if the wiring has not reached cli/main.py yet
# (test_sweep_and_merge_are_wired says whether it has).
RUNNER = """
import argparse, sys
import cli.main as m
from cli import merge_cmd, sweep_cmd
build = m.build_parser
def wired():
    parser = build()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "sweep" not in commands.choices:
        sweep_cmd.add_command(commands)
    if "merge" not in commands.choices:
        merge_cmd.add_command(commands)
    return parser
m.build_parser = wired
if __name__ == "__main__":
    sys.exit(m.main(sys.argv[1:]))
"""


def command(*args: str) -> list[str]:
    return [sys.executable, "-c", RUNNER, *map(str, args)]


@dataclass(frozen=True)
class Run:
    """What a user sees of one command: exit status, standard output and standard error."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def policysim(capsys, monkeypatch):
    """Run ``policysim ARGS`` in this process (as ``cli.main.main`` with sweep and merge registered)."""
    import cli.main
    namespace: dict[str, object] = {"__name__": "runner"}
    exec(RUNNER, namespace)                      # defines wired() around the real build_parser
    monkeypatch.setattr(cli.main, "build_parser", namespace["wired"])

    def run(*args: object) -> Run:
        capsys.readouterr()
        try:
            code = cli.main.main([str(a) for a in args])
        except SystemExit as exc:                # argparse usage errors
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Run(code, out, err)
    return run


def small_gate(folder: Path) -> Path:
    path = folder / "small-gate.yaml"
    path.write_text(f"extends: {MMC}\nname: small-gate\n"
                    "horizon: {start: 2020-03-16T00:00, hours: 6, warmup_min: 0}\n"
                    "targets: {p95_wait_min: 4, max_queue: 15}\n", encoding="utf-8")
    return path


def one_line_error(run: Run) -> str:
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip().count("\n") == 0 and "Traceback" not in run.stderr, run.stderr
    return run.stderr.strip()


def test_sweep_and_merge_are_wired():
    from cli.main import build_parser
    commands = next(a for a in build_parser()._actions if hasattr(a, "choices") and isinstance(a.choices, dict))
    assert {"sweep", "merge"} <= set(commands.choices), "add sweep_cmd/merge_cmd.add_command to cli/main.py"


def test_a_staffing_sweep_of_the_blossom_weekend_reports_its_frontier(tmp_path, policysim):
    out = tmp_path / "sweep"
    run = policysim("sweep", BLOSSOM, "--vary", "shifts.township-gate.0.staff=2..3", "--replications", "2",
                    "--jobs", "2", "--quiet", "--out", out)
    assert run.returncode == 0, run.stderr
    assert "Cheapest variants that meet each target · max_queue ≤ 15" in run.stdout
    doc = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    assert [v["settings"] for v in doc["variants"]] == [{"shifts.township-gate.0.staff": 2},
                                                        {"shifts.township-gate.0.staff": 3}]
    costs = [v["cost_staff_hours_per_day"] for v in doc["variants"]]
    assert costs[1] - costs[0] == pytest.approx(2 * 16)       # one more screener at 2 gates for 16 h a day
    page = (out / "sweep.html").read_text(encoding="utf-8")
    assert 'id="frontier"' in page and "data:image/png;base64," in page
    assert len(list(out.glob("replications/*/r*.json"))) == 4
    assert not list(out.rglob(".*"))                          # no temporary files left behind


@pytest.mark.parametrize(("args", "says"), [
    (["--vary", "shifts.township-gate.0.staf=2..3"], "--vary shifts.township-gate.0.staf=2..3: "),
    (["--vary", "patrols.mountain.team=3..1"], "the range is empty"),
    (["--vary", "patrols.mountain.team=1..2", "--precision", "5", "--reps", "0:2"], "--reps: "),
])
def test_sweep_mistakes_are_one_line_and_exit_2(tmp_path, policysim, args, says):
    assert says in one_line_error(policysim("sweep", BLOSSOM, *args, "--out", tmp_path / "o", "--quiet"))


def test_simulate_shards_merge_into_the_unsharded_files(tmp_path, policysim):
    scenario = small_gate(tmp_path)
    whole = policysim("simulate", scenario, "--replications", "5", "--seed", "3", "--jobs", "2", "--quiet",
                      "--out", tmp_path / "whole")
    assert whole.returncode == 0, whole.stderr
    for name, reps in (("a", "0:2"), ("b", "2:5")):
        shard = policysim("simulate", scenario, "--seed", "3", "--reps", reps, "--jobs", "1", "--quiet",
                          "--out", tmp_path / name)
        assert shard.returncode == 0 and "stored replications" in shard.stdout, shard.stderr
        assert not (tmp_path / name / "summary.json").exists()
    merged = policysim("merge", tmp_path / "b", tmp_path / "a", tmp_path / "a", "--scenario", scenario,
                       "--out", tmp_path / "merged")
    assert merged.returncode == 0, merged.stderr
    for file in OUTPUTS:
        assert (tmp_path / "merged" / file).read_bytes() == (tmp_path / "whole" / file).read_bytes(), file
    assert (tmp_path / "merged" / "report.html").exists()
    other = policysim("simulate", scenario, "--seed", "4", "--reps", "2:3", "--jobs", "1", "--quiet",
                      "--out", tmp_path / "c")
    assert other.returncode == 0, other.stderr
    mixed = policysim("merge", tmp_path / "a", tmp_path / "c", "--out", tmp_path / "x")
    assert "[merge.mixed]" in one_line_error(mixed)
    assert "[merge.gap]" in one_line_error(policysim("merge", tmp_path / "b", "--out", tmp_path / "x"))
    assert "--reps: needs --out" in one_line_error(policysim("simulate", scenario, "--reps", "0:2"))


def test_sweep_shards_merge_into_the_unsharded_sweep(tmp_path, policysim):
    scenario = small_gate(tmp_path)
    vary = ("--vary", f"{STAFF}=3..4")
    whole = policysim("sweep", scenario, *vary, "--replications", "4", "--jobs", "2", "--quiet",
                      "--out", tmp_path / "whole")
    assert whole.returncode == 0, whole.stderr
    for name, reps in (("a", "0:3"), ("b", "3:4")):
        assert policysim("sweep", scenario, *vary, "--reps", reps, "--jobs", "1", "--quiet",
                         "--out", tmp_path / name).returncode == 0
    merged = policysim("merge", tmp_path / "a", tmp_path / "b", "--out", tmp_path / "merged")
    assert merged.returncode == 0, merged.stderr
    assert (tmp_path / "merged" / "sweep.json").read_bytes() == (tmp_path / "whole" / "sweep.json").read_bytes()
    assert (tmp_path / "merged" / "frontier.csv").read_bytes() == (tmp_path / "whole" / "frontier.csv").read_bytes()


def test_an_interrupted_simulate_resumes_to_the_same_files(tmp_path, policysim):
    """Ctrl-C after a few replications; --resume runs only the rest; the files match an uninterrupted run."""
    scenario = small_gate(tmp_path)
    out = tmp_path / "run"
    args = ("simulate", scenario, "--replications", "40", "--seed", "5", "--quiet", "--out", out)
    proc = subprocess.Popen(command(*args, "--jobs", "1"), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(list(out.glob("replications/*/r*.json"))) < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err, err
    kept = len(list(out.glob("replications/*/r*.json")))
    assert 5 <= kept < 40 and not (out / "summary.json").exists()
    resumed = policysim(*args, "--jobs", "2", "--resume")       # in this process: only the rest run
    assert resumed.returncode == 0, resumed.stderr
    whole = policysim("simulate", scenario, "--replications", "40", "--seed", "5", "--quiet", "--jobs", "2",
                      "--out", tmp_path / "whole")
    assert whole.returncode == 0, whole.stderr
    for file in OUTPUTS:
        assert (out / file).read_bytes() == (tmp_path / "whole" / file).read_bytes(), file
