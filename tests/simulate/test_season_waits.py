"""The season's per-day figures the outputs judge weeks by: the worst gate's waits by day, the
gate's counters booked per day, the home-service capacity, against answers worked out by hand."""

from __future__ import annotations

import dataclasses
import math

import pytest
import simpy

from simulate.gates import Checkpoint
from simulate.metrics import daily_waits
from simulate.results import ENTRY_PATHS

from .test_season import QUIET, season


def _gate(arrivals: list[tuple[float, float]], servers: int = 1, warmup: float = 0.0,
          until: float = 3 * 1440.0) -> Checkpoint:
    """A checkpoint serving parties arriving at the given (time, service minutes)."""
    env = simpy.Environment()
    cp = Checkpoint(env, "g", ((0.0, servers),), until, warmup)
    for t, minutes in arrivals:
        env.timeout(t).callbacks.append(lambda _, m=minutes: cp.serve(m))
    env.run(until=until)
    return cp


def test_waits_are_booked_to_the_day_the_party_arrived():
    # Day 0: three parties at 10:00 needing 10 min each on one server wait 0, 10, 20 min.
    # Day 1: one party, no wait. Day 2: nobody.
    cp = _gate([(600.0, 10.0), (600.0, 10.0), (600.0, 10.0), (1440.0 + 60.0, 5.0)])
    waits = daily_waits([cp], 0.0, 3, 3 * 1440.0)
    assert waits["wait_max_min"] == (20.0, 0.0, 0.0)
    assert waits["wait_p95_min"][0] == pytest.approx(19.0)    # numpy's linear p95 of (0, 10, 20)
    assert waits["wait_p95_min"][1:] == (0.0, 0.0)


def test_the_worst_gate_each_day_and_the_day_starts_at_midnight():
    busy_first = _gate([(600.0, 30.0), (600.0, 30.0)])               # day 0: 30 min wait
    busy_second = _gate([(1440.0 + 800.0, 8.0), (1440.0 + 800.0, 8.0)])   # day 1, 13:20: 8 min
    waits = daily_waits([busy_first, busy_second], 0.0, 3, 3 * 1440.0)
    assert waits["wait_max_min"] == (30.0, 8.0, 0.0)
    shifted = daily_waits([busy_first, busy_second], 720.0, 3, 3 * 1440.0)   # the horizon starts at noon
    assert shifted["wait_max_min"] == (30.0, 0.0, 8.0)


def test_a_party_still_queued_counts_its_wait_so_far_on_its_day():
    cp = _gate([(0.0, 2000.0), (100.0, 1.0)], until=1440.0)          # the second never starts
    assert cp.unfinished_at().tolist() == [100.0]
    assert daily_waits([cp], 0.0, 1, 1440.0)["wait_max_min"] == (1340.0,)


def test_warm_up_parties_have_no_wait_and_no_day():
    cp = _gate([(10.0, 30.0), (10.0, 30.0), (100.0, 1.0)], warmup=50.0, until=1440.0)
    assert len(cp.waits) == len(cp.wait_at) == 1 and list(cp.wait_at) == [100.0]


def test_the_days_add_up_to_the_season_and_its_worst_wait():
    scenario, (result,) = season(str(QUIET), 1)
    d, c = result.daily, result.containment
    assert max(d["wait_max_min"]) == pytest.approx(result.overall()["all.wait_max_min"])
    assert all(p95 <= m for p95, m in zip(d["wait_p95_min"], d["wait_max_min"], strict=True))
    assert sum(d["entries"]) == sum(c.leaks[p] for p in ENTRY_PATHS)
    assert sum(d["resident_crossings"]) == c.resident_crossings
    assert math.fsum(d["hill_person_min"]) == pytest.approx(c.outsider_hills_min)
    assert math.fsum(d["village_person_min"]) == pytest.approx(c.outsider_village_min)
    assert sum(d["unscreened"]) == c.leaks_total
    r = scenario.returners
    assert r is not None and r.capacity() == 14.0
    assert d["home_service_capacity"] == (14.0,) * 82


def test_capacity_is_people_times_minutes_over_the_visits():
    scenario, _ = season(str(QUIET), 1)
    r = scenario.returners
    assert r is not None
    assert dataclasses.replace(r, home_service_people=5, home_service_min=120.0).capacity() == 7 * 5 * 120 / 10
    assert dataclasses.replace(r, home_service_people=0).capacity() is None
    assert dataclasses.replace(r, home_service_people=5, home_service_min=120.0,
                               villages=(("a", 1.0), ("b", 0.0))).capacity() == 60.0
