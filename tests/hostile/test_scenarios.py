"""Hostile scenarios (issue 10): each mistake is one located line with exit 2 before any work,
every number is bounded, parties never served count in the waits, and text from the file is
printed literally."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from policy.errors import FileFormatError
from simulate import load_scenario
from simulate.gates import Checkpoint
from simulate.metrics import gate_result

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "scenarios" / "baseline-march-weekend.yaml"
LINE = re.compile(r"^policysim: [^\n]+:\d+:\d+: [^\n]*: [^\n]+ \[[a-z][a-z.-]+\]\n$")

# (what the variant says after ``extends:``, the field path reported, a fragment of the message).
# Bounds are aimed at numbers that are not assumptions (weekday volumes, a patience cv): a plain
# number over an assumption keeps its range, whose check would answer first.
MISTAKES = [
    ("streams:\n  tourists:\n    bound_per_h: 2", "streams.tourists.bound_per_h", "below the stream's peak rate"),
    ("horizon: {start: 2020-03-14T00:00, days: 2, warmup_min: 2880}", "horizon.warmup_min",
     "must end before the horizon"),
    ("horizon: {start: 2020-03-14T00:00, days: 1, hours: 12}", "horizon.hours", "not days and hours"),
    ('shifts:\n  township-gate:\n    - {from: "24:30", to: "06:00", staff: 1}', "shifts.township-gate[0].from",
     "only \"24:00\""),
    ('shifts:\n  township-gate:\n    - {from: "06:00", to: "06:00", staff: 1}', "shifts.township-gate[0].to",
     "must not end when it starts"),
    ('shifts:\n  township-gate:\n    - {from: 6, to: "22:00", staff: 1}', "shifts.township-gate[0].from",
     "(quote it)"),
    ("patrols:\n  p:\n    team: 2\n    route: [xez-s1, btm-s1, nc-s1]\n    leg_min: [10, 12]\n"
     '    windows: [{from: "08:00", to: "12:00"}]', "patrols.p.leg_min", "2 legs for a route of 3"),
    ("streams:\n  tourists:\n    villages: {atlantis: 1}", "streams.tourists.villages.atlantis",
     "unknown villages entry 'atlantis'"),
    ("streams:\n  tourists:\n    volume: {weekday: 1.0e308}", "streams.tourists.volume.weekday",
     "write 1.0e+308"),
    ("streams:\n  tourists:\n    volume: {weekday: 1e5}", "streams.tourists.volume.weekday", "write 1.0e+5"),
    ("evasion: {walk_min: 1:30}", "evasion.walk_min", "base-60"),
    ("horizon: {start: 2020-03-14T00:00, days: 10000}", "horizon.days", "between 0.01 and 120"),
    ("horizon: {start: 2020-03-14T00:00, hours: 1.0e+300}", "horizon.hours", "between 0.01 and 2880"),
    ("streams:\n  residents:\n    volume: {weekday: 1.0e+7}", "streams.residents.volume.weekday",
     "between 0.0 and 100000"),
    ("streams:\n  residents:\n    volume: {weekday: 1.0e+308}", "streams.residents.volume.weekday",
     "between 0.0 and 100000"),
    ("streams:\n  tourists:\n    bound_per_h: 1.0e+308", "streams.tourists.bound_per_h", "and 100000"),
    ("streams:\n  residents:\n    volume: {weekday: 90000, holiday: 90000}\n"
     "horizon: {start: 2020-03-14T00:00, days: 100}", "streams", "arrival candidates per replication"),
    ("streams:\n  tourists:\n    queue:\n      patience_min: {dist: lognormal, mean: 20, cv: 1.0e+200}",
     "streams.tourists.queue.patience_min.cv", "between 0.0 and 10"),
    ("service:\n  by_outcome:\n    admit: 1.0e+300", "service.by_outcome.admit", "at most 86400 s"),
    ("streams:\n  tourists:\n    dwell_min: 1.0e+9", "streams.tourists.dwell_min",
     "at most 172800 min"),
    ("replications: 99999999999", "replications", "between 1 and 10000"),
]


def _variant(tmp_path: Path, text: str, name: str = "v.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f"extends: {BASE}\n{text}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "field", "fragment"), MISTAKES)
def test_a_hostile_scenario_is_refused_at_load_naming_the_field(tmp_path, text, field, fragment):
    with pytest.raises(FileFormatError) as caught:
        load_scenario(_variant(tmp_path, text))
    found = [d for d in caught.value.diagnostics if d.location.path == field]
    assert found, [str(d) for d in caught.value.diagnostics]
    assert fragment in found[0].message
    assert len(caught.value.diagnostics) == 1, [str(d) for d in caught.value.diagnostics]


def test_unquoted_clock_means_that_time_of_day(tmp_path):
    text = "shifts:\n  township-gate:\n    - {from: 6:00, to: 22:00, staff: 2}\n    - {from: 22:00, to: 6:00, staff: 1}"
    scenario = load_scenario(_variant(tmp_path, text))
    first, second = scenario.shifts["township-gate"].shifts
    assert (first.start_min, first.end_min, second.start_min) == (360, 1320, 1320)


def test_hours_may_replace_the_days_of_the_file_extended(tmp_path):
    scenario = load_scenario(_variant(tmp_path, "horizon: {start: 2020-03-14T00:00, hours: 12}"))
    assert scenario.horizon.length_min == 720.0


def test_the_cli_answers_one_line_and_exit_2(tmp_path):
    path = _variant(tmp_path, "streams:\n  residents:\n    volume: {weekday: 1.0e+308}")
    run = subprocess.run([sys.executable, "-m", "cli.main", "simulate", str(path), "--replications", "1"],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 2 and run.stdout == ""
    assert LINE.match(run.stderr), run.stderr


def _checkpoint(steps, arrivals, service_min, length=100.0):
    import simpy
    env = simpy.Environment()
    cp = Checkpoint(env, "g", steps, length)
    for t in arrivals:
        env.timeout(t).callbacks.append(lambda _e: cp.serve(service_min))
    env.run(until=length)
    return gate_result(cp, "township", "", steps, 15, 0.0, length)


@pytest.mark.parametrize(("steps", "service_min"), [(((0.0, 0),), 1.0), (((0.0, 1),), 1e300 / 60)])
def test_parties_never_served_count_with_their_wait_so_far(steps, service_min):
    result = _checkpoint(steps, [10.0, 20.0, 30.0], service_min)
    served = 0 if steps[0][1] == 0 else 1
    assert result.unfinished == 3 - served
    assert result.wait_max_min == pytest.approx(90.0 if not served else 80.0)
    assert result.wait_p95_min > 60.0
    assert result.unstaffed_arrivals == (3 if not served else 0)


def test_a_gate_nobody_serves_fails_the_wait_target(tmp_path):
    from simulate import run_experiment
    text = ('shifts:\n  township-gate:\n    - {from: "00:00", to: "24:00", staff: 0}\n'
            "targets: {p95_wait_min: 10, unfinished: 0}\nhorizon: {start: 2020-03-14T00:00, hours: 6}")
    experiment = run_experiment(load_scenario(_variant(tmp_path, text)), replications=2, jobs=1)
    status = {v.target: v.status for v in experiment.verdicts}
    assert status["p95_wait_min"] != "holds" and status["unfinished"] != "holds"
    from cli.sim_cmds import gate_warnings
    assert any("nobody is on duty" in line for line in gate_warnings(experiment))


@pytest.mark.parametrize("title", ["Weekend [/x] plan", "[link=https://example.org]click[/link] [bold]b"])
def test_terminal_markup_in_a_title_is_printed_literally(tmp_path, title):
    from rich.console import Console

    from cli.sim_cmds import render
    from simulate import run_experiment
    text = f'title: "{title}"\nhorizon: {{start: 2020-03-14T00:00, hours: 2}}'
    experiment = run_experiment(load_scenario(_variant(tmp_path, text)), replications=2, jobs=1)
    console = Console(record=True, width=200)
    render(experiment, console)
    assert title in console.export_text()
