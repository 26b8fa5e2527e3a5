"""``--uncertainty`` worlds on disk: every replication stored as it finishes, an interrupted
run leaves nothing half-written, ``--resume`` runs only what is missing and gives files
bit-identical to an uninterrupted run, and a changed input is never reused."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from cli.worlds_cmd import across_worlds, world_storage
from simulate import load_scenario, run_experiment
from simulate.executors import InlineExecutor
from simulate.worlds import write_worlds

from .conftest import MMC

UNCERTAIN = ("horizon: {start: 2020-03-16T00:00, hours: 6, warmup_min: 0}\nreplications: 3\n"
             "targets: {max_queue: {value: 10, range: [0, 60], source: a limit under review}}\n"
             "road_block_queue: {value: 15, range: [2, 30], source: a guess}\n")
WORLDS, REPS = 4, 3


class Stop(KeyboardInterrupt):
    """Ctrl-C, as the run sees it, after a given number of replications."""


def _run(path: Path, out: Path, resume: bool = False, stop_after: int | None = None, reps: int = REPS):
    """across_worlds for *path* into *out*; the replications it ran (not reused)."""
    scenario = load_scenario(path)
    point = run_experiment(scenario, reps, scenario.seed, executor=InlineExecutor())
    ran = []

    def count(*_):
        ran.append(1)
        if stop_after is not None and len(ran) == stop_after:
            raise Stop
    result = across_worlds([str(path)], [point], WORLDS, reps, scenario.seed, InlineExecutor(), count,
                           world_storage(out, resume))
    write_worlds(result.doc, result.scenarios, out)
    return result, len(ran)


def _records(out: Path) -> list[Path]:
    return sorted((out / "replications").rglob("*"))


def test_a_resumed_run_equals_an_uninterrupted_one_and_runs_only_what_is_missing(variant, tmp_path):
    path = variant(MMC, UNCERTAIN, "uncertain.yaml")
    whole, ran = _run(path, tmp_path / "whole")
    assert ran == WORLDS * REPS
    assert len([p for p in _records(tmp_path / "whole") if p.is_file()]) == WORLDS * REPS
    cut = tmp_path / "cut"
    with pytest.raises(Stop):
        _run(path, cut, stop_after=5)
    files = [p for p in _records(cut) if p.is_file()]
    assert len(files) == 5 and all(re.fullmatch(r"r\d{6}\.json", p.name) for p in files)   # no temporary files
    assert not (cut / "worlds.json").exists() and not (cut / "worlds.csv").exists()
    resumed, ran = _run(path, cut, resume=True)
    assert ran == WORLDS * REPS - 5
    assert json.dumps(resumed.doc) == json.dumps(whole.doc)
    for name in ("worlds.json", "worlds.csv"):
        assert (cut / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
    _, ran = _run(path, cut, resume=True)
    assert ran == 0                                          # everything was stored


def test_a_changed_scenario_seed_or_replication_count_is_not_reused(variant, tmp_path):
    path = variant(MMC, UNCERTAIN, "uncertain.yaml")
    out = tmp_path / "out"
    _run(path, out)
    path.write_text(path.read_text(encoding="utf-8") + "seed: 99\n", encoding="utf-8")
    _, ran = _run(path, out, resume=True)                   # another seed: other worlds, other streams
    assert ran == WORLDS * REPS
    path.write_text(path.read_text(encoding="utf-8").replace("hours: 6", "hours: 5"), encoding="utf-8")
    _, ran = _run(path, out, resume=True)                   # another horizon: another digest
    assert ran == WORLDS * REPS
    _, ran = _run(path, out, resume=True, reps=2)           # fewer replications: another run
    assert ran == WORLDS * 2


def _strip_time(html: str) -> str:
    return re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "TIME", html)


def test_compare_resume_after_an_interruption_gives_the_same_files(variant, tmp_path, capsys):
    from cli.main import main

    base = variant(MMC, UNCERTAIN, "uncertain.yaml")
    other = variant(MMC, UNCERTAIN + "shifts:\n  round-the-clock: [{from: '00:00', to: '24:00', staff: 4}]\n",
                    "more-staff.yaml")
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    args = ["compare", str(base), str(other), "--uncertainty", str(WORLDS), "--jobs", "1", "--quiet"]
    assert main([*args, "--out", str(whole)]) == 0
    shutil.copytree(whole, cut)
    stored = [p for p in _records(cut) if p.is_file()]
    assert len(stored) == 2 * WORLDS * REPS
    for p in stored[::3]:                                   # as if the run had stopped before these
        p.unlink()
    for name in ("worlds.json", "worlds.csv", "summary.md", "report.html"):
        (cut / name).unlink()
    assert main([*args, "--out", str(cut), "--resume"]) == 0
    for name in ("worlds.json", "worlds.csv", "summary.md", "metrics.csv", "verdicts.csv"):
        assert (cut / name).read_bytes() == (whole / name).read_bytes(), name
    assert _strip_time((cut / "report.html").read_text(encoding="utf-8")) == \
        _strip_time((whole / "report.html").read_text(encoding="utf-8"))
    summary = (cut / "summary.md").read_text(encoding="utf-8")
    assert "## Across plausible worlds" in summary and f"of {WORLDS} plausible worlds" in summary
    assert "- more-staff against uncertain on " in summary and f"of {WORLDS} worlds" in summary
    capsys.readouterr()


def test_compare_resume_needs_uncertainty(variant, tmp_path, capsys):
    from cli.main import main

    base = variant(MMC, UNCERTAIN, "uncertain.yaml")
    assert main(["compare", str(base), "--resume", "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["policysim: --resume: compare stores only the worlds of --uncertainty N: add it, or drop --resume "
                   "[cli.options]"]
    assert not (tmp_path / "o").exists()                    # nothing written


def test_simulate_uncertainty_stores_its_worlds_and_resumes_to_the_same_files(variant, tmp_path, capsys):
    from cli.main import main

    path = variant(MMC, UNCERTAIN, "uncertain.yaml")
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    args = ["simulate", str(path), "--uncertainty", str(WORLDS), "--jobs", "1", "--quiet"]
    assert main([*args, "--out", str(whole)]) == 0
    shutil.copytree(whole, cut)
    stored = [p for p in _records(cut) if p.is_file()]
    assert len(stored) == REPS + WORLDS * REPS              # the point run's and every world's
    for p in stored[1::4]:
        p.unlink()
    (cut / "worlds.json").unlink()
    assert main([*args, "--out", str(cut), "--resume"]) == 0
    for name in ("worlds.json", "worlds.csv", "summary.md", "summary.json"):
        assert (cut / name).read_bytes() == (whole / name).read_bytes(), name
    assert "## Across plausible worlds" in (cut / "summary.md").read_text(encoding="utf-8")
    capsys.readouterr()
