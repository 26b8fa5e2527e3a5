"""Statistics against exact values: Student-t quantiles, t-intervals, paired differences, bands."""

import math

import numpy as np
import pytest

from reports.stats import Interval, band, mean_interval, paired_difference

def test_mean_interval_on_known_data():
    est = mean_interval([1, 2, 3, 4, 5])
    # sd = sqrt(2.5); half-width = t(0.975, 4) · sd / sqrt(5) = 2.776445 · sqrt(0.5)
    assert est.mean == 3.0
    assert est.n == 5
    assert est.half_width == pytest.approx(2.776445105 * math.sqrt(0.5), rel=1e-8)
    assert (est.low, est.high) == pytest.approx((3 - est.half_width, 3 + est.half_width))


def test_mean_interval_edges():
    assert math.isinf(mean_interval([7.0]).half_width)
    assert mean_interval([7.0]).mean == 7.0
    assert math.isnan(mean_interval([]).mean)
    assert mean_interval([4.0, 4.0, 4.0]).half_width == 0.0


def test_paired_difference_on_known_data():
    diff = paired_difference([10, 12, 14], [11, 14, 15])      # differences 1, 2, 1
    assert diff.mean == pytest.approx(4 / 3)
    # sd of (1, 2, 1) = sqrt(1/3); half-width = t(0.975, 2) · sqrt(1/3) / sqrt(3) = t / 3
    assert diff.half_width == pytest.approx(4.302652730 / 3, rel=1e-8)
    assert not diff.excludes_zero()                          # three replications cannot tell yet


def test_pairing_removes_shared_noise():
    rng = np.random.default_rng(5)
    shared = rng.normal(100, 20, size=30)                      # the same visitors in both scenarios
    base, other = shared + rng.normal(0, 1, 30), shared - 3 + rng.normal(0, 1, 30)
    paired = paired_difference(base, other)
    unpaired_half = math.hypot(mean_interval(base).half_width, mean_interval(other).half_width)
    assert paired.half_width < unpaired_half / 5
    assert paired.high < 0


def test_paired_difference_needs_equal_lengths():
    with pytest.raises(ValueError, match="differ in length"):
        paired_difference([1, 2, 3], [1, 2])


def test_band_is_pointwise_quantiles():
    series = np.array([[k, 2 * k] for k in range(11)], dtype=float)   # 0..10 and 0..20
    b = band(series)
    assert b.mean.tolist() == [5.0, 10.0]
    assert b.low.tolist() == pytest.approx([1.0, 2.0])
    assert b.high.tolist() == pytest.approx([9.0, 18.0])
    with pytest.raises(ValueError):
        band(np.zeros((0, 3)))


def test_interval_excludes_zero():
    assert not Interval(0.5, 1.0, 3).excludes_zero()
    assert Interval(-2.0, 1.0, 3).excludes_zero()
