"""The season's daily 95th-percentile waits read off one sorted order per gate
(:func:`simulate.metrics.run_percentiles`) are np.percentile's, to the bit, on many random
runs: small ones (one, two, three values), ties, zeros, and magnitudes far apart."""

from __future__ import annotations

import numpy as np
import pytest

from simulate.metrics import daily_waits, run_percentiles

from .test_season_waits import _gate


def _runs(rng: np.random.Generator) -> list[np.ndarray]:
    runs = []
    for _ in range(400):
        n = int(rng.choice([1, 2, 3, 4, 5, 19, 20, 21, 40, 101, 997]))
        kind = rng.integers(4)
        if kind == 0:
            run = rng.exponential(12.0, n)                    # waits in minutes
        elif kind == 1:
            run = rng.integers(0, 4, n).astype(float)         # many ties, zeros
        elif kind == 2:
            run = rng.exponential(1.0, n) * 10.0 ** rng.integers(-9, 9, n)   # magnitudes far apart
        else:
            run = np.where(rng.random(n) < 0.7, 0.0, rng.random(n) * 1e-3)
        runs.append(run)
    return runs


@pytest.mark.parametrize("q", [95, 0, 50, 100, 37.5, 99.9])
def test_each_run_s_percentile_is_numpy_s_to_the_bit(q):
    rng = np.random.default_rng(20200209)
    runs = _runs(rng)
    ordered = np.concatenate([np.sort(r) for r in runs])
    counts = np.array([r.size for r in runs])
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    got = run_percentiles(ordered, starts, counts, q)
    want = np.array([np.percentile(r, q) for r in runs])
    assert got.dtype == want.dtype == np.float64
    assert got.view(np.int64).tolist() == want.view(np.int64).tolist()     # bits, not approximately


def test_one_value_and_two_values_by_hand():
    ordered = np.array([7.0, 0.0, 10.0])
    got = run_percentiles(ordered, np.array([0, 1]), np.array([1, 2]), 95)
    assert got.tolist() == [7.0, np.percentile([0.0, 10.0], 95)]
    assert got[1] == pytest.approx(9.5)


def test_daily_waits_per_day_are_numpy_s_percentile_of_that_day_s_waits():
    # Two days at one gate: day 0's parties at 10:00 and day 1's at 09:00, various services.
    rng = np.random.default_rng(7)
    arrivals = [(600.0, float(m)) for m in rng.integers(1, 9, 25)]
    arrivals += [(1440.0 + 540.0, float(m)) for m in rng.integers(1, 5, 12)]
    cp = _gate(arrivals)
    waits = np.asarray(cp.waits)
    day = np.asarray(cp.wait_at) // 1440.0
    got = daily_waits([cp], 0.0, 3, 3 * 1440.0)
    assert got["wait_p95_min"] == (float(np.percentile(waits[day == 0], 95)),
                                   float(np.percentile(waits[day == 1], 95)), 0.0)
    assert got["wait_max_min"] == (float(waits[day == 0].max()), float(waits[day == 1].max()), 0.0)
