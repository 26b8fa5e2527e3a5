"""Every lever of a scenario file moves the measure it is for (issue 11, "Evidence").

Each case runs a shipped scenario and the same scenario with one lever changed, with common
random numbers (same seed, replication k against replication k), for one day of the horizon,
and asserts that the paired 95 % t-interval of the measure's difference lies wholly on the
expected side of 0. The means and half-widths the cases gave are in docs/scenarios.md,
"Levers and what they move". Levers that do not act on the shipped layout are shown on a
focused scenario (a shipped one with an assumption changed), said so in the case's id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from simulate import InlineExecutor, load_scenario, metric_table, paired_difference, run_experiment
from simulate.scenario_reader import Override

from .conftest import SCENARIOS

REPLICATIONS = 10
ONE_DAY = Override(("horizon", "days"), 1, "test_levers")

NIGHT_PATROLS = ("xiongerzhai", "beitumen", "nancha", "weijiawan", "donggou", "huayu", "laoquankou")
VILLAGE_POSTS = ("xez-s1", "xez-s2", "xez-s3", "btm-s1", "btm-s2", "nc-s1", "wjw-s1", "dg-s1", "dg-s2",
                 "hy-s1", "hy-s2", "lqk-s1")
DAY_CAMERAS = (("cameras.from", "06:00"), ("cameras.to", "20:00"))
# Focused: one screener by day at the village entrances (shipped: 2), so that their queues,
# which the shipped staffing keeps near 0 (utilisation ~3 %), can show what a chief or 代送 does.
ONE_BY_DAY = (("shifts.village-entrance.0.staff", 1),)
MOUNTAIN_LEGS = [30, 25, 30, 20]
# Focused: one screener by day at the township gates (shipped: 2), so that their queues reach
# the tourists' balking point (the township gate only informs, so the shipped queues rarely do).
ONE_AT_TOWNSHIP = (("shifts.township-gate.0.staff", 1),)
MOUNTAIN_ROUTE = ["sizuolou-trailhead", "hiking-road", "laoquan-hills", "windmill-plaza"]

# Variants that cannot be said as overrides (an entrance changing kind), written beside the run.
EXTENDS = {
    "close-xez-s3": "villages:\n  xiongerzhai:\n    entrances:\n"
                    "      xez-s3: {status: closed, shift: null, round_min: 10}\n",
}


@dataclass(frozen=True)
class Run:
    """A scenario: a shipped file (or an EXTENDS text over blossom-weekend) and overrides."""

    file: str
    changes: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Lever:
    """Changing *base* into *changed* must move the sum of *measure* in direction *sign*."""

    base: Run
    changed: Run
    measure: tuple[str, ...]
    sign: int


BLOSSOM = Run("blossom-weekend")


def _on(run: Run, *changes: tuple[str, Any]) -> Run:
    return Run(run.file, run.changes + changes)


LEVERS = {
    # patrols: team size (k people walk as k // 2 pairs), windows, route
    "patrol-team-mountain-4-finds-more": Lever(
        BLOSSOM, _on(BLOSSOM, ("patrols.mountain.team", 4)), ("containment.found_by.patrol",), +1),
    "patrol-team-mountain-4-fewer-leaks": Lever(
        BLOSSOM, _on(BLOSSOM, ("patrols.mountain.team", 4)), ("all.leaks_per_day",), -1),
    "patrol-team-mountain-1-more-leaks": Lever(
        BLOSSOM, _on(BLOSSOM, ("patrols.mountain.team", 1)), ("all.leaks_per_day",), +1),
    "patrol-team-night-4-finds-more": Lever(
        BLOSSOM, _on(BLOSSOM, *((f"patrols.night-{v}.team", 4) for v in NIGHT_PATROLS)),
        ("containment.found_by.patrol",), +1),
    "patrol-windows-mountain-by-night-more-leaks": Lever(
        BLOSSOM, _on(BLOSSOM, ("patrols.mountain.windows.0.from", "20:00"), ("patrols.mountain.windows.0.to", "05:00")),
        ("all.leaks_per_day",), +1),
    "patrol-route-mountain-plus-hill-path-fewer-hill-entries": Lever(
        BLOSSOM, _on(BLOSSOM, ("patrols.mountain.route", [*MOUNTAIN_ROUTE, "hill-south-xez", "hill-south-wjw"]),
                     ("patrols.mountain.leg_min", [*MOUNTAIN_LEGS, 20, 10])),
        ("containment.leaks.hill_path",), -1),
    # cameras: hours; a hotspot's and an entrance's camera flag
    "cameras-hours-by-day-find-more": Lever(
        BLOSSOM, _on(BLOSSOM, *DAY_CAMERAS), ("containment.found_by.camera",), +1),
    "cameras-hours-by-day-fewer-leaks": Lever(
        BLOSSOM, _on(BLOSSOM, *DAY_CAMERAS), ("all.leaks_per_day",), -1),
    "camera-flag-windmill-plaza-finds-fewer": Lever(
        _on(BLOSSOM, *DAY_CAMERAS), _on(BLOSSOM, *DAY_CAMERAS, ("hotspots.windmill-plaza.camera", False)),
        ("containment.found_by.camera",), -1),
    # focused: a response faster than the 5–8 min round a lane barrier (shipped 15 min: gone)
    "camera-flag-xez-c1-c2-finds-fewer-focused-response-3": Lever(
        _on(Run("blossom-no-township-gate"), *DAY_CAMERAS, ("cameras.response_min", 3)),
        _on(Run("blossom-no-township-gate"), *DAY_CAMERAS, ("cameras.response_min", 3),
            ("villages.xiongerzhai.entrances.xez-c1.camera", False),
            ("villages.xiongerzhai.entrances.xez-c2.camera", False)),
        ("containment.found_by.camera",), -1),
    # entrances: closed → staffed (five reopened), staffed → closed
    "entrance-reopened-fewer-resident-crossings": Lever(
        BLOSSOM, Run("blossom-reopen-entrances"), ("all.resident_crossings_per_day",), -1),
    "entrance-reopened-fewer-entries": Lever(
        BLOSSOM, Run("blossom-reopen-entrances"), ("all.entries_per_day",), -1),
    "entrance-closed-more-arrivals-at-the-others": Lever(
        BLOSSOM, Run("close-xez-s3"), ("gate.xez-s1.arrivals", "gate.xez-s2.arrivals"), +1),
    "entrance-closed-busier-others": Lever(
        BLOSSOM, Run("close-xez-s3"), ("gate.xez-s1.utilisation", "gate.xez-s2.utilisation"), +1),
    # township gates withdrawn (staffed → open)
    "township-gates-open-more-entries": Lever(
        BLOSSOM, Run("blossom-no-township-gate"), ("all.entries_per_day",), +1),
    "township-gates-open-more-village-person-min": Lever(
        BLOSSOM, Run("blossom-no-township-gate"), ("all.village_person_min_per_day",), +1),
    # screeners: per shift, volunteers
    "shift-staff-township-3-shorter-p95": Lever(
        BLOSSOM, _on(BLOSSOM, ("shifts.township-gate.0.staff", 3)), ("all.wait_p95_min",), -1),
    "volunteers-shorter-p95": Lever(BLOSSOM, Run("blossom-volunteers"), ("all.wait_p95_min",), -1),
    # the neighbour watch: detect, hours
    "neighbour-watch-off-finds-none": Lever(
        BLOSSOM, _on(BLOSSOM, *((f"neighbour_watch.{v}.detect", 0.0) for v in NIGHT_PATROLS)),
        ("containment.found_by.neighbours",), -1),
    "neighbour-watch-off-more-resident-crossings": Lever(
        BLOSSOM, _on(BLOSSOM, *((f"neighbour_watch.{v}.detect", 0.0) for v in NIGHT_PATROLS)),
        ("all.resident_crossings_per_day",), +1),
    "neighbour-watch-from-noon-more-entries": Lever(
        BLOSSOM, _on(BLOSSOM, *((f"neighbour_watch.{v}.from", "12:00") for v in NIGHT_PATROLS)),
        ("all.entries_per_day",), +1),
    # the roster's chiefs (focused: one screener by day)
    "chiefs-withdrawn-longer-village-waits-focused-one-by-day": Lever(
        _on(BLOSSOM, *ONE_BY_DAY), _on(BLOSSOM, *ONE_BY_DAY, ("roster.chiefs", {})),
        tuple(f"gate.{g}.wait_mean_min" for g in VILLAGE_POSTS), +1),
    # 代送: staff away carrying goods in
    "carry-in-none-no-staff-away": Lever(
        BLOSSOM, _on(BLOSSOM, ("service.carry_in.share", 0.0)),
        tuple(f"gate.{g}.away_min" for g in VILLAGE_POSTS), -1),
    "carry-in-none-shorter-village-waits-focused-one-by-day": Lever(
        _on(BLOSSOM, *ONE_BY_DAY), _on(BLOSSOM, *ONE_BY_DAY, ("service.carry_in.share", 0.0)),
        tuple(f"gate.{g}.wait_mean_min" for g in VILLAGE_POSTS), -1),
    # a stream's queue behaviour: tourists balk from 15 cars instead of 5
    "queue-balk-later-fewer-balked": Lever(
        BLOSSOM, _on(BLOSSOM, ("streams.tourists.queue.balk_from", 15)),
        ("gate.pingcheng-south.balked", "gate.pingcheng-north.balked"), -1),
    "queue-balk-later-longer-queue": Lever(
        _on(BLOSSOM, *ONE_AT_TOWNSHIP),
        _on(BLOSSOM, *ONE_AT_TOWNSHIP, ("streams.tourists.queue.balk_from", 15)), ("all.queue_max",), +1),
}


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Run], dict[str, list[float]]]:
    """The replication × metric table of a run, each run simulated once for the module."""
    folder = tmp_path_factory.mktemp("levers")
    tables: dict[str, dict[str, list[float]]] = {}

    def path_of(file: str) -> Path:
        if file not in EXTENDS:
            return SCENARIOS / f"{file}.yaml"
        path = folder / f"{file}.yaml"
        path.write_text(f"extends: {SCENARIOS / 'blossom-weekend.yaml'}\nname: {file}\n{EXTENDS[file]}",
                        encoding="utf-8")
        return path

    def table(run: Run) -> dict[str, list[float]]:
        key = repr(run)
        if key not in tables:
            overrides = [ONE_DAY, *(Override(tuple(p.split(".")), v, "test_levers") for p, v in run.changes)]
            scenario = load_scenario(path_of(run.file), overrides)
            result = run_experiment(scenario, REPLICATIONS, executor=InlineExecutor())
            tables[key] = metric_table(result.replications)
        return tables[key]
    return table


def _summed(table: dict[str, list[float]], names: tuple[str, ...]) -> list[float]:
    missing = [n for n in names if n not in table]
    assert not missing, f"no such measure: {missing}"
    return [sum(row) for row in zip(*(table[n] for n in names), strict=True)]


@pytest.mark.parametrize("name", list(LEVERS))
def test_the_lever_moves_its_measure(name: str, measured: Callable[[Run], dict[str, list[float]]]) -> None:
    lever = LEVERS[name]
    diff = paired_difference(_summed(measured(lever.base), lever.measure),
                             _summed(measured(lever.changed), lever.measure))
    shown = f"{name}: {diff.mean:+.3f} ± {diff.half_width:.3f} (n = {diff.n})"
    print(shown)
    assert diff.excludes_zero() and diff.mean * lever.sign > 0, shown
