"""Who finds an evader: patrol team size and windows, cameras with a response time, the
neighbour watch, and the earliest finder along a way — against hand-computed values."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from policy.errors import FileFormatError
from simulate import load_scenario
from simulate.experiment import run_experiment
from simulate.horizon import Horizon
from simulate.patrols import Cameras, Exposure, Found, Patrol, Watch, build_watch, patrol_visits
from simulate.scenario_reader import Override
from simulate.watchers import Hours, NeighbourWatch

from .conftest import SCENARIOS

MIDNIGHT = dt.datetime(2020, 3, 14)                  # a Saturday, the simulation starts at 00:00
DAY = Horizon(MIDNIGHT, 1440.0)
NIGHT = ((20 * 60, 6 * 60),)
NO_CAMERAS = Cameras(frozenset(), 20 * 60, 6 * 60, 0.5, 15.0)
GRID = [(k + 0.5) / 2000 for k in range(2000)]     # uniforms spread evenly over (0, 1)


def _regular(site: str, every: float, p: float) -> Watch:
    """A watch whose only patrol visits *site* every *every* minutes from 0, noticing with *p*."""
    times = tuple(np.arange(0.0, 1440.0, every).tolist())
    return Watch({site: times}, {site: (p,) * len(times)}, NO_CAMERAS, 0.0, {})


@pytest.mark.parametrize(("every", "exposed", "p"), [(30.0, 30.0, 0.8), (30.0, 90.0, 0.8), (20.0, 120.0, 0.3)])
def test_a_regularly_visited_site_finds_with_the_closed_form_chance(every, exposed, p):
    """Visits every L minutes, each noticing with p: an evader exposed e minutes (e/L visits
    fall inside) is found with probability 1 − (1 − p)^(e/L)."""
    watch = _regular("a", every, p)
    start = 300.0 + every / 2                        # between visits: exactly e/L visits inside
    found = sum(watch.find("a", start, start + exposed, u, 1.0) is not None for u in GRID)
    assert found / len(GRID) == pytest.approx(1 - (1 - p) ** (exposed / every), abs=1 / len(GRID))


def _night_patrol(team: int, detect: float = 0.75) -> Patrol:
    return Patrol("night-x", team, ("c1", "c2", "c3", "c4", "c5", "c6"), (10.0,), NIGHT, detect)


def test_a_team_of_four_makes_exactly_twice_the_visits_of_a_pair_half_a_circuit_apart():
    pair = patrol_visits(_night_patrol(2), DAY, 1, 0)
    four = patrol_visits(_night_patrol(4), DAY, 1, 0)
    six = patrol_visits(_night_patrol(6), DAY, 1, 0)
    count = {k: sum(len(v) for v in visits.values()) for k, visits in ((2, pair), (4, four), (6, six))}
    assert count[4] == 2 * count[2] and count[6] == 3 * count[2]
    # the second pair starts the night at the far side of the 6-site circuit: c4 at 20:00
    assert (1200.0, 0.75) in four["c4"] and (1200.0, 0.75) not in pair["c4"]
    assert pair["c1"][0] == (0.0, 0.75) and (1200.0, 0.75) in pair["c1"]   # the night before, and 20:00


def test_team_size_sets_each_groups_chance_per_visit():
    """detect 0.75 is a pair's chance; a member alone notices with 1 − √0.25 = 0.5, a group of
    three with 1 − 0.25^1.5 = 0.875; a team of 5 is a group of 3 and a pair."""
    chances = {team: {p for visits in patrol_visits(_night_patrol(team), DAY, 1, 0).values() for _, p in visits}
               for team in (1, 2, 3, 5)}
    assert chances == {1: {0.5}, 2: {0.75}, 3: {0.875}, 5: {0.875, 0.75}}
    one = patrol_visits(_night_patrol(1), DAY, 1, 0)
    two = patrol_visits(_night_patrol(2), DAY, 1, 0)
    assert {s: [t for t, _ in v] for s, v in one.items()} == {s: [t for t, _ in v] for s, v in two.items()}


def test_a_lone_patrol_member_finds_fewer_than_a_pair():
    """The same visits; each found evader needs u < 1 − (1 − q)^n over the n visits inside."""
    lone = build_watch((_night_patrol(1),), NO_CAMERAS, DAY, 1, 0)
    pair = build_watch((_night_patrol(2),), NO_CAMERAS, DAY, 1, 0)
    found = {name: sum(w.find("c2", 22 * 60, 22 * 60 + 30, u, 1.0) is not None for u in GRID)
             for name, w in (("lone", lone), ("pair", pair))}
    visits = sum(22 * 60 <= t <= 22 * 60 + 30 for t in pair.visits["c2"])
    assert visits >= 1
    assert found["lone"] / len(GRID) == pytest.approx(1 - 0.5 ** visits, abs=1 / len(GRID))
    assert found["pair"] / len(GRID) == pytest.approx(1 - 0.25 ** visits, abs=1 / len(GRID))


def test_a_window_finds_evaders_inside_it_only():
    day = Patrol("day", 2, ("a",), (30.0,), ((8 * 60, 17 * 60),), 1.0)
    watch = build_watch((day,), NO_CAMERAS, DAY, 1, 0)
    assert watch.find("a", 10 * 60, 11 * 60, 0.99, 1.0) is not None          # by day
    assert watch.find("a", 22 * 60, 23 * 60, 0.0, 1.0) is None              # at night nobody walks
    assert watch.find("a", 7 * 60, 7 * 60 + 59, 0.0, 1.0) is None           # before the window
    assert all(8 * 60 <= t < 17 * 60 for t in watch.visits["a"])


CAMERA = Cameras(frozenset({"c"}), 20 * 60, 6 * 60, 0.5, 15.0)


def test_a_camera_finds_only_an_evader_still_there_when_the_team_arrives():
    watch = build_watch((), CAMERA, DAY, 1, 0)
    seen = watch.find_on([Exposure("c", 1380.0, 1400.0)], (1.0, 0.1, 1.0))
    assert seen == Found(1395.0, "c", "camera")
    assert watch.find_on([Exposure("c", 1380.0, 1390.0)], (1.0, 0.1, 1.0)) is None   # gone at +10
    assert watch.find_on([Exposure("c", 1380.0, 1400.0)], (1.0, 0.5, 1.0)) is None   # not seen: u ≥ 0.5
    # further along the same way: over the barrier at +10, still on the hill path at +15
    way = [Exposure("c", 1380.0, 1390.0), Exposure("hill", 1390.0, 1420.0)]
    assert watch.find_on(way, (1.0, 0.1, 1.0)) == Found(1395.0, "hill", "camera")
    gap = [Exposure("c", 1380.0, 1390.0), Exposure("hill", 1400.0, 1420.0)]
    assert watch.find_on(gap, (1.0, 0.1, 1.0)) is None                               # out of sight at +15


def test_camera_hours_and_flags_are_levers():
    watch = build_watch((), CAMERA, DAY, 1, 0)
    assert watch.find("c", 12 * 60, 13 * 60, 1.0, 0.0) is None                      # daytime: off
    assert watch.find("d", 23 * 60, 24 * 60, 1.0, 0.0) is None                      # no camera there
    # a crossing that began before the cameras came on is seen at 20:00, found at 20:15
    assert watch.find("c", 19 * 60 + 50, 20 * 60 + 30, 1.0, 0.0) == 20 * 60 + 15
    all_day = build_watch((), Cameras(frozenset({"c"}), 0, 1440, 0.5, 15.0), DAY, 1, 0)
    assert all_day.find("c", 12 * 60, 13 * 60, 1.0, 0.0) == 12 * 60 + 15
    base = load_scenario(SCENARIOS / "baseline-march-weekend.yaml")
    off = load_scenario(SCENARIOS / "baseline-march-weekend.yaml",
                        [Override(("villages", "xiongerzhai", "entrances", "xez-c1", "camera"), False, "t"),
                         Override(("cameras", "from"), "22:00", "t")])
    assert "xez-c1" in base.cameras.sites and "xez-c1" not in off.cameras.sites
    assert (base.cameras.start_min, off.cameras.start_min) == (20 * 60, 22 * 60)


WATCH = NeighbourWatch("v", frozenset({"v-c1", "v-c2"}), Hours(7 * 60, 19 * 60), 0.3)


def test_the_neighbour_watch_notices_at_its_villages_closed_entrances_in_its_hours():
    watch = build_watch((), NO_CAMERAS, DAY, 1, 0, (WATCH,))
    found = sum(watch.find_on([Exposure("v-c1", 600.0, 610.0)], (1.0, 1.0, u)) is not None for u in GRID)
    assert found / len(GRID) == pytest.approx(0.3, abs=1 / len(GRID))
    assert watch.find_on([Exposure("v-c2", 600.0, 610.0)], (1.0, 1.0, 0.1)) == Found(600.0, "v-c2", "neighbours")
    assert watch.find_on([Exposure("v-c1", 20 * 60, 20 * 60 + 10)], (1.0, 1.0, 0.0)) is None   # evening
    assert watch.find_on([Exposure("w-c1", 600.0, 610.0)], (1.0, 1.0, 0.0)) is None           # other village
    assert watch.find("v-c1", 600.0, 610.0, 1.0, 1.0) is None        # today's find does not ask them
    # two watched crossings on one way: 1 − 0.7² = 0.51
    way = [Exposure("v-c1", 600.0, 610.0), Exposure("v-c2", 640.0, 650.0)]
    assert watch.find_on(way, (1.0, 1.0, 0.45)) == Found(640.0, "v-c2", "neighbours")
    assert watch.find_on(way, (1.0, 1.0, 0.52)) is None


def test_the_scenario_watch_covers_each_villages_closed_entrances_only():
    scenario = load_scenario(SCENARIOS / "baseline-march-weekend.yaml")
    by_village = {w.village: w for w in scenario.neighbour_watch}
    for village in scenario.township.villages:
        closed = {e.id for e in village.entrances if e.status == "closed"}
        assert by_village[village.id].sites == closed and closed
    reopened = load_scenario(SCENARIOS / "blossom-reopen-entrances.yaml")
    assert len({s for w in reopened.neighbour_watch for s in w.sites}) == 46 - 5


@pytest.mark.parametrize(("text", "path", "code"), [
    ('neighbour_watch:\n  atlantis: {from: "07:00", to: "19:00", detect: 0.3}', "neighbour_watch.atlantis",
     "scenario.reference"),
    ('neighbour_watch:\n  nancha: {from: "07:00", to: "07:00", detect: 0.3}', "neighbour_watch.nancha.to",
     "scenario.range"),
    ('neighbour_watch:\n  nancha: {from: "25:00", to: "19:00", detect: 0.3}', "neighbour_watch.nancha.from",
     "scenario.clock"),
    # detect is an assumption in the shipped file: restate its range so the format's own bound speaks
    ('neighbour_watch:\n  nancha: {from: "07:00", to: "19:00", detect: {value: 1.5, range: [0, 2], source: x}}',
     "neighbour_watch.nancha.detect", "scenario.range"),
])
def test_neighbour_watch_mistakes_are_located(variant, text, path, code):
    with pytest.raises(FileFormatError) as caught:
        load_scenario(variant(SCENARIOS / "baseline-march-weekend.yaml", text))
    line = str(caught.value).splitlines()[0]
    assert f": {path}: " in line and line.endswith(f"[{code}]") and "variant.yaml:" in line


def test_find_on_returns_the_earliest_finder():
    patrol = {"b": (40.0,)}
    watch = Watch(patrol, {"b": (1.0,)}, Cameras(frozenset({"a"}), 0, 1440, 0.5, 15.0), 0.0,
                  {"b": WATCH})
    way = [Exposure("a", 0.0, 20.0), Exposure("b", 20.0, 60.0)]
    assert watch.find_on(way, (0.0, 0.0, 1.0)) == Found(15.0, "a", "camera")        # 15 before 40
    assert watch.find_on(way, (0.0, 0.9, 1.0)) == Found(40.0, "b", "patrol")        # camera missed
    assert watch.find_on(way, (1.0, 0.9, 1.0)) is None
    # 07:00 start: the neighbours at b notice at 20 (start of b), before the patrol at 40
    morning = Watch(patrol, {"b": (1.0,)}, NO_CAMERAS, 7 * 60.0, {"b": WATCH})
    assert morning.find_on(way, (0.0, 1.0, 0.0)) == Found(20.0, "b", "neighbours")
    # exposures given out of order are walked in time order
    assert morning.find_on(way[::-1], (0.0, 1.0, 0.0)) == Found(20.0, "b", "neighbours")


def test_patrol_chances_accumulate_along_a_way():
    watch = Watch({"a": (5.0,), "b": (30.0,)}, {"a": (0.5,), "b": (0.5,)}, NO_CAMERAS, 0.0, {})
    way = [Exposure("a", 0.0, 10.0), Exposure("b", 10.0, 40.0)]
    assert watch.find_on(way, (0.4, 1.0, 1.0)) == Found(5.0, "a", "patrol")
    assert watch.find_on(way, (0.7, 1.0, 1.0)) == Found(30.0, "b", "patrol")          # 1 − 0.5² = 0.75
    assert watch.find_on(way, (0.8, 1.0, 1.0)) is None


@pytest.fixture(scope="module")
def extra_patrol_leaks():
    """Leaks per day in 10 replications of blossom-extra-patrol, with overrides (common random numbers)."""
    def run(*overrides: tuple[str, object]) -> np.ndarray:
        scenario = load_scenario(SCENARIOS / "blossom-extra-patrol.yaml",
                                 [Override(tuple(k.split(".")), v, "t") for k, v in overrides])
        result = run_experiment(scenario, replications=10, jobs=1)
        return np.array([r.metrics()["all.leaks_per_day"] for r in result.replications])
    return run


def _paired_ci(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    d = b - a
    half = 2.262 * d.std(ddof=1) / math.sqrt(len(d))        # t(0.975, 9)
    return d.mean() - half, d.mean() + half


def test_day_patrol_team_size_and_window_move_the_leaks(extra_patrol_leaks):
    base = extra_patrol_leaks()
    bigger = extra_patrol_leaks(("patrols.day-volunteers-north.team", 6), ("patrols.day-volunteers-centre.team", 6))
    assert _paired_ci(base, bigger)[1] < 0                   # three pairs instead of one trio: fewer leaks
    at_night = extra_patrol_leaks(("patrols.day-volunteers-north.windows.0.from", "20:00"),
                                  ("patrols.day-volunteers-north.windows.0.to", "05:00"),
                                  ("patrols.day-volunteers-centre.windows.0.from", "20:00"),
                                  ("patrols.day-volunteers-centre.windows.0.to", "05:00"))
    assert _paired_ci(base, at_night)[0] > 0                 # walking by night misses the day's evaders


def test_camera_hours_and_a_sites_camera_flag_move_the_leaks():
    """By day the hotspots' cameras catch lingering visitors (found if still there at +15 min)."""
    def leaks(*overrides: tuple[str, object]) -> np.ndarray:
        scenario = load_scenario(SCENARIOS / "blossom-weekend.yaml",
                                 [Override(tuple(k.split(".")), v, "t") for k, v in overrides])
        result = run_experiment(scenario, replications=10, jobs=1)
        return np.array([r.metrics()["all.leaks_per_day"] for r in result.replications])
    night = leaks()
    by_day = leaks(("cameras.from", "06:00"), ("cameras.to", "20:00"))
    assert _paired_ci(night, by_day)[1] < 0
    no_plaza = leaks(("cameras.from", "06:00"), ("cameras.to", "20:00"), ("hotspots.windmill-plaza.camera", False))
    assert _paired_ci(by_day, no_plaza)[0] > 0
