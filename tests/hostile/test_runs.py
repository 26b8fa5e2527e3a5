"""Hostile runs: stored replications never lost, never followed through a link, never reused when
edited; ``--out`` and run options refused on one line before any work; a killed or terminated
``--jobs 2`` run leaves no worker behind and can be resumed (issue 10)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MMC = ROOT / "tests" / "simulate" / "scenarios" / "mmc.yaml"
STAFF = "shifts.round-the-clock.0.staff"


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def policysim(capsys):
    """Run ``policysim ARGS`` in this process; argparse usage errors become exit codes."""
    import cli.main

    def run(*args: object) -> Run:
        capsys.readouterr()
        try:
            code = cli.main.main([str(a) for a in args])
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Run(code, out, err)
    return run


def small_gate(folder: Path, hours: int = 6) -> Path:
    """One staffed gate, a few hours, the reference engine: tens of ms a replication."""
    path = folder / "small-gate.yaml"
    path.write_text(f"extends: {MMC}\nname: small-gate\n"
                    f"horizon: {{start: 2020-03-16T00:00, hours: {hours}, warmup_min: 0}}\n"
                    "targets: {p95_wait_min: 4, max_queue: 15}\n", encoding="utf-8")
    return path


def one_line(run: Run, *needles: str) -> None:
    """Exit 2 and a single ``policysim:`` line on stderr holding every needle; no traceback."""
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 2, run
    assert len(lines) == 1 and lines[0].startswith("policysim: "), run.stderr
    assert "Traceback" not in run.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def stored(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("replications/*/r*.json"))}


def simulate(policysim, scenario: Path, out: Path, *extra: object) -> Run:
    return policysim("simulate", scenario, "--seed", "3", "--jobs", "1", "--quiet", "--out", out, *extra)


# --- stored replications: nothing lost, nothing followed, nothing forged -------------------------

@pytest.fixture(scope="module")
def five(tmp_path_factory):
    """A scenario and a folder holding its replications 0–4 (seed 3), stored once for the module."""
    import cli.main

    folder = tmp_path_factory.mktemp("five")
    scenario = small_gate(folder)
    assert cli.main.main([str(a) for a in ("simulate", scenario, "--seed", "3", "--jobs", "1", "--quiet",
                                           "--reps", "0:5", "--out", folder / "out")]) == 0
    return scenario, folder / "out"


@pytest.fixture
def stored_run(five, tmp_path):
    """A copy of :func:`five`'s folder in this test's *tmp_path*: (scenario, out)."""
    scenario, out = five
    shutil.copytree(out, tmp_path / "out", symlinks=True)
    return scenario, tmp_path / "out"


def test_a_fresh_shard_keeps_the_replications_it_does_not_rewrite(stored_run, policysim):
    scenario, out = stored_run
    before = stored(out)
    again = simulate(policysim, scenario, out, "--reps", "0:2")
    assert again.returncode == 0, again.stderr
    assert stored(out) == before                          # r0, r1 rewritten identically; r2–r4 kept
    assert "kept 3 stored replication file(s)" in again.stderr and "r000002.json" in again.stderr


@pytest.mark.slow
def test_a_fresh_run_keeps_the_replications_it_does_not_rewrite(stored_run, policysim):
    scenario, out = stored_run
    before = stored(out)
    again = simulate(policysim, scenario, out, "--replications", "2")       # 5 stored, re-run with 2
    assert again.returncode == 0, again.stderr
    assert stored(out) == before
    assert "kept 3 stored replication file(s)" in again.stderr
    assert json.loads((out / "summary.json").read_text())["replications"] == 2


@pytest.mark.parametrize("link", ["replications", "variant"])
def test_a_symlinked_replication_folder_is_refused(stored_run, tmp_path, policysim, link):
    scenario, out = stored_run
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "r000000.json").write_text("precious", encoding="utf-8")
    (victim / "r000001.json").write_text("precious", encoding="utf-8")
    folder = out / "replications"
    if link == "variant":
        folder = next(folder.iterdir())
    for path in folder.rglob("*"):
        if path.is_file():
            path.unlink()
    for path in sorted(folder.rglob("*"), reverse=True):
        path.rmdir()
    folder.rmdir()
    folder.symlink_to(victim)
    for extra in (("--reps", "0:2"), ("--reps", "0:2", "--resume")):
        run = simulate(policysim, scenario, out, *extra)
        one_line(run, str(folder), "symbolic link", "[store.symlink]")
        assert [p.read_text() for p in sorted(victim.iterdir())] == ["precious", "precious"]


def edit(record: Path) -> None:
    doc = json.loads(record.read_text())
    doc["result"]["containment"]["arrivals"] += 1
    record.write_text(json.dumps(doc), encoding="utf-8")


@pytest.mark.parametrize(("change", "code"), [
    (edit, "[store.checksum]"),
    (lambda p: p.write_text("[]"), "expected a JSON object, got list"),
    (lambda p: p.write_text("null"), "expected a JSON object, got null"),
    (lambda p: p.write_text('"text"'), "expected a JSON object, got str"),
    (lambda p: p.write_text("[" * 100_000 + "]" * 100_000), "not a replication file"),
    (lambda p: p.write_bytes(b"\xff\xfe{}"), "not a replication file"),
    (lambda p: p.write_text('{"format": "policysim-replication/1", "result": 5}'), "no checksum"),
])
@pytest.mark.parametrize("command", ["resume", "merge"])
def test_a_changed_replication_file_is_refused_naming_it(stored_run, tmp_path, policysim, change, code, command):
    scenario, out = stored_run
    record = sorted(out.glob("replications/*/r*.json"))[1]
    change(record)
    if command == "resume":
        run = simulate(policysim, scenario, out, "--reps", "0:5", "--resume")
    else:
        run = policysim("merge", out, "--out", tmp_path / "merged")
        assert not (tmp_path / "merged").exists()
    one_line(run, str(record), code)


# --- --out: refused on one line before any work, nothing half-written -----------------------------

def place_file(tmp_path: Path) -> Path:
    path = tmp_path / "results"
    path.write_text("keep me", encoding="utf-8")
    return path


def place_dangling(tmp_path: Path) -> Path:
    path = tmp_path / "results"
    path.symlink_to(tmp_path / "nowhere")
    return path


def place_under_file(tmp_path: Path) -> Path:
    return place_file(tmp_path) / "sub"


@pytest.mark.parametrize(("place", "code"), [
    (place_file, "[out.not-a-folder]"),
    (place_under_file, "[out.not-a-folder]"),
    (place_dangling, "[out.dangling]"),
    (lambda tmp_path: Path("/proc/policysim-out"), "[out.unwritable]"),
])
@pytest.mark.parametrize("command", ["simulate", "sweep", "merge"])
def test_an_impossible_out_is_one_line(stored_run, tmp_path, policysim, place, code, command):
    scenario, shard = stored_run
    out = place(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    if command == "simulate":
        run = simulate(policysim, scenario, out, "--replications", "2")
    elif command == "sweep":
        run = policysim("sweep", scenario, "--vary", f"{STAFF}=2,3", "--replications", "2", "--jobs", "1",
                        "--quiet", "--out", out)
    else:
        run = policysim("merge", shard, "--out", out)
    one_line(run, code)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    if (tmp_path / "results").is_file():
        assert (tmp_path / "results").read_text() == "keep me"
    assert not (tmp_path / "nowhere").exists()


# --- run options: refused, with the bound named, before any work ----------------------------------

@pytest.mark.parametrize(("args", "needles"), [
    (("--vary", "seed=1,2"), ("--vary seed=1,2", "one seed", "common random numbers", "[vary.run-setting]")),
    (("--vary", "replications=2..4"), ("--replications", "[vary.run-setting]")),
    (("--vary", f"{STAFF}=0..1000000000"), ("10,000", "[vary.too-many]")),
    (("--vary", f"{STAFF}=1..200", "--vary", "patrols.x.team=1..100"), ("20,000 variants", "[vary.too-many]")),
    (("--vary", f"{STAFF}=2,3", "--reps", "0:3", "--replications", "2"), ("--reps", "--replications 2")),
])
def test_a_sweep_option_mistake_is_one_line(tmp_path, policysim, args, needles):
    run = policysim("sweep", small_gate(tmp_path), *args, "--quiet", "--jobs", "1", "--out", tmp_path / "out")
    one_line(run, *needles)
    assert not (tmp_path / "out").exists()


def test_reps_past_replications_is_refused_for_simulate(tmp_path, policysim):
    run = simulate(policysim, small_gate(tmp_path), tmp_path / "out", "--reps", "0:3", "--replications", "2")
    one_line(run, "--reps", "--replications 2")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("command", "args", "needles"), [
    ("simulate", ("--replications", "99999999999999999999"), ("simulate: argument --replications", "100,000")),
    ("simulate", ("--replications", "100001"), ("--replications", "100,000")),
    ("simulate", ("--reps", "0:100001"), ("--reps", "100,000")),
    ("simulate", ("--jobs", "1000000"), ("--jobs", "256")),
    ("simulate", ("--jobs", "0"), ("--jobs", "at least 1")),
    ("sweep", ("--vary", f"{STAFF}=2,3", "--replications", "1e9"), ("--replications", "whole number")),
    ("sweep", ("--vary", f"{STAFF}=2,3", "--max-replications", "100001"), ("--max-replications", "100,000")),
])
def test_an_out_of_bounds_flag_is_refused(tmp_path, policysim, command, args, needles):
    run = policysim(command, small_gate(tmp_path), *args, "--out", tmp_path / "out")
    one_line(run, *needles)
    assert not (tmp_path / "out").exists()


# --- signals: workers die with their parent; SIGTERM stops like Ctrl-C -----------------------------

def command(*args: object) -> list[str]:
    return [sys.executable, "-m", "cli.main", *map(str, args)]


def children(pid: int) -> set[int]:
    """Live (non-zombie) processes whose parent is *pid*, from /proc."""
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except (OSError, ValueError):
            continue
        if fields.get("PPid", "").strip() == str(pid) and not fields.get("State", "").startswith("Z"):
            found.add(int(status.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                     if line.startswith("State:"))
    except (OSError, StopIteration):
        return False
    return "Z" not in state.split()[1]


def start_long_run(tmp_path: Path) -> tuple[subprocess.Popen[str], Path, set[int]]:
    """A ``--jobs 2`` run of many replications, once its two workers run and one replication is stored.

    Its output goes to files, not pipes: a surviving worker holding a pipe open would hang the test.
    """
    out = tmp_path / "run"
    with open(tmp_path / "stdout", "w") as stdout, open(tmp_path / "stderr", "w") as stderr:
        proc = subprocess.Popen(command("simulate", small_gate(tmp_path, hours=24), "--replications", "2000",
                                        "--seed", "5", "--quiet", "--jobs", "2", "--out", out),
                                cwd=ROOT, stdout=stdout, stderr=stderr, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while proc.poll() is None and time.monotonic() < deadline:
        workers |= children(proc.pid)
        if len(workers) >= 2 and any(out.glob("replications/*/r*.json")):
            break
        time.sleep(0.05)
    if proc.poll() is not None or len(workers) < 2:
        end(proc, workers)
        pytest.fail(f"the run did not start two workers: {workers}, exit {proc.poll()}")
    return proc, out, workers


def survivors(workers: set[int], within_s: float = 5.0) -> list[int]:
    """The recorded *workers* still alive after waiting up to *within_s* for them to end."""
    deadline = time.monotonic() + within_s
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    return sorted(pid for pid in workers if alive(pid))


def end(proc: subprocess.Popen[str], workers: set[int]) -> None:
    """Clean up after a failure: kill the run and the workers this test recorded (by their ids only)."""
    for pid in [proc.pid, *workers]:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    proc.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killed_run_leaves_no_worker(tmp_path):
    proc, _, workers = start_long_run(tmp_path)
    proc.kill()
    proc.wait(timeout=30)
    left = survivors(workers)
    end(proc, workers)
    assert not left, f"workers {left} outlived their parent"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_terminated_run_stops_like_ctrl_c_and_resumes(tmp_path):
    proc, out, workers = start_long_run(tmp_path)
    proc.terminate()
    try:
        proc.wait(timeout=60)
        left = survivors(workers)
    finally:
        end(proc, workers)
    err = (tmp_path / "stderr").read_text()
    assert proc.returncode == 130 and err.strip() == "policysim: interrupted", (proc.returncode, err)
    assert not left, f"workers {left} outlived their parent"
    assert not (out / "summary.json").exists()
    from simulate.store import read_records
    records = read_records(out)                       # every stored file whole, its checksum right
    assert records and len(records) == len(stored(out))
    n = len(records) + 2                              # resuming runs only the missing ones
    resumed = subprocess.run(command("simulate", tmp_path / "small-gate.yaml", "--replications", n, "--seed", "5",
                                     "--quiet", "--jobs", "1", "--out", out, "--resume"),
                             cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                             timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads((out / "summary.json").read_text())
