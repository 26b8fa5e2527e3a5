"""The model's parts, each against what it promises: shifts, distributions, patrols, statistics."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
import simpy

from simulate.distributions import Distribution, quantiles
from simulate.gates import Checkpoint
from simulate.horizon import Horizon
from simulate.metrics import queue_stats, sample_queue
from simulate.patrols import Cameras, Patrol, build_watch
from simulate.scenario import Target
from simulate.shifts import Shift, ShiftPattern, Volunteers, capacity_steps, staff_minutes
from simulate.student_t import t_quantile
from simulate.summary import statistic, verdicts

SAT = dt.datetime(2020, 3, 14)       # a Saturday


def test_capacity_follows_shifts_across_midnight_and_volunteer_windows():
    pattern = ShiftPattern("p", (Shift(6 * 60, 22 * 60, 2), Shift(22 * 60, 6 * 60, 1)))
    helpers = [Volunteers("v", ("g",), 8 * 60, 12 * 60, 3, ("weekend",))]
    horizon = Horizon(SAT, 3 * 1440.0)                       # Sat, Sun, Mon
    steps = capacity_steps(pattern, helpers, horizon)
    assert steps[:4] == ((0.0, 1), (360.0, 2), (480.0, 5), (720.0, 2))
    monday = [s for s in steps if 2880 <= s[0] < 4320]
    assert monday == [(3240.0, 2), (4200.0, 1)]               # no volunteers on a weekday
    assert staff_minutes(steps, horizon.length_min) == 3 * (16 * 60 * 2 + 8 * 60) + 2 * 4 * 60 * 3


def test_a_shift_change_waits_for_the_party_being_served():
    env = simpy.Environment()
    gate = Checkpoint(env, "g", ((0.0, 2), (1.0, 1)), length_min=100)
    ends = []
    for duration in (5.0, 5.0, 1.0):
        gate.serve(duration).callbacks.append(lambda e: ends.append(env.now))
    env.run()
    assert ends == [5.0, 5.0, 6.0]          # the third waits for both, then one server only
    assert list(gate.waits) == [0.0, 0.0, 5.0]


@pytest.mark.parametrize("dist", [
    Distribution.constant(3.0), Distribution.exponential(2.0), Distribution("uniform", 1, 5),
    Distribution("triangular", 1, 2, 6), Distribution("lognormal", 40, 0.8)])
def test_distributions_have_the_mean_they_claim(dist):
    u = (np.arange(50_000) + 0.5) / 50_000                  # a fine quadrature of (0, 1)
    assert np.mean([dist.quantile(x) for x in u]) == pytest.approx(dist.mean, rel=2e-3)


@pytest.mark.parametrize("dist", [
    Distribution.constant(3.0), Distribution.exponential(2.0), Distribution("uniform", 7.5, 412.25),
    Distribution("triangular", 1, 2, 6), Distribution("lognormal", 40, 0.8)])
def test_quantiles_of_an_array_are_the_very_floats_of_one_at_a_time(dist):
    u = np.random.default_rng(7).uniform(size=5_000)
    u[:3] = (0.0, 0.5, np.nextafter(1.0, 0.0))
    assert quantiles(dist, u).tolist() == [dist.quantile(x) for x in u.tolist()]


def test_lognormal_quantiles_match_scipy():
    from scipy.stats import lognorm

    dist = Distribution("lognormal", 40, 0.8)           # mean 40, cv 0.8: sigma² = ln(1.64)
    sigma = math.sqrt(math.log(1.64))
    for u in (1e-9, 0.001, 0.3, 0.5, 0.975, 1 - 1e-9):
        expected = lognorm.ppf(u, sigma, scale=40 / math.sqrt(1.64))
        assert dist.quantile(u) == pytest.approx(expected, rel=1e-12)


def test_patrols_find_evaders_only_when_and_where_they_walk():
    horizon = Horizon(SAT, 1440.0)
    night = Patrol("night", 2, ("a", "b"), (30.0,), ((20 * 60, 6 * 60),), detect=1.0)
    watch = build_watch((night,), Cameras(), horizon, 1, 0)
    visits = watch.visits["a"]
    assert visits[0] == 0.0 and all(t < 360 or t >= 1200 for t in visits)
    assert watch.find("a", 600, 700, 0.5, 0.99) is None          # daytime: nobody there
    found = watch.find("a", 1200, 1300, 0.5, 0.99)
    assert found is not None and 1200 <= found <= 1300
    assert watch.find("zzz", 0, 1440, 0.0, 0.0) is None
    camera = build_watch((), Cameras(frozenset({"c"}), 20 * 60, 6 * 60, 0.5, 15.0), horizon, 1, 0)
    assert camera.find("c", 23 * 60, 23 * 60 + 20, 0.9, 0.1) == 23 * 60 + 15
    assert camera.find("c", 23 * 60, 23 * 60 + 10, 0.9, 0.1) is None   # gone before the team arrives
    assert camera.find("c", 23 * 60, 23 * 60 + 20, 0.9, 0.9) is None
    assert camera.find("c", 12 * 60, 12 * 60 + 10, 0.9, 0.1) is None


def test_queue_statistics_are_exact_on_a_step_function():
    log_t, log_n = [0.0, 10.0, 20.0, 25.0], [0, 3, 1, 0]
    stats = queue_stats(log_t, log_n, 0.0, 40.0, block_at=2)
    assert (stats.area, stats.max, stats.blocked_min) == (35.0, 3, 10.0)
    assert stats.mean == 35.0 / 40.0
    assert sample_queue(log_t, log_n, 10.0, 40.0) == (0, 3, 1, 0)


def test_t_quantiles_and_verdicts():
    assert t_quantile(0.975, 1) == pytest.approx(12.706205) and t_quantile(0.975, 29) == pytest.approx(2.045230)
    s = statistic("all.queue_max", [10.0, 12.0, 14.0])
    assert s.mean == 12.0 and s.half_width == pytest.approx(4.303 * 2 / math.sqrt(3), rel=1e-3)
    status = [v.status for v in verdicts([Target("a", "all.queue_max", 30), Target("b", "all.queue_max", 1),
                                          Target("c", "all.queue_max", 12)], [s])]
    assert status == ["holds", "fails", "unclear"]


def test_staff_series_splits_duty_and_service_by_hour():
    """Two staff for the first 90 minutes then one; services 30–100 and 50–70 minutes."""
    from types import SimpleNamespace

    from simulate.metrics import staff_series, wait_histogram
    cp = SimpleNamespace(id="g", service_start=[30.0, 50.0], service_min=[70.0, 20.0])
    series = staff_series(cp, ((0.0, 2), (90.0, 1)), 60.0, 150.0)
    assert series.on_duty_min == (120.0, 90.0, 30.0)
    assert series.busy_min == (30.0 + 10.0, 40.0 + 10.0, 0.0)
    assert series.utilisation()[0] == pytest.approx(40 / 120)
    assert wait_histogram(np.asarray([0.0, 0.2, 0.5, 3.0, 61.0, 500.0])) == (2, 1, 0, 1, 0, 0, 0, 0, 0, 2)
