"""Statistics against exact values: Student-t quantiles, t-intervals, paired differences, bands."""

import math

import numpy as np
import pytest

from reports.stats import (
    Interval,
    band,
    incomplete_beta,
    mean_interval,
    paired_difference,
    t_cdf,
    t_quantile,
)

# Student t 0.975 quantiles (tables, e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2), to 6 digits.
T975 = {1: 12.706205, 2: 4.302653, 3: 3.182446, 4: 2.776445, 5: 2.570582, 9: 2.262157,
        10: 2.228139, 19: 2.093024, 29: 2.045230, 30: 2.042272, 60: 2.000298, 120: 1.979930}


@pytest.mark.parametrize(("df", "expected"), sorted(T975.items()))
def test_t_quantile_matches_the_table(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=2e-6)


def test_t_quantile_other_levels_and_symmetry():
    assert t_quantile(0.95, 10) == pytest.approx(1.812461, abs=2e-6)
    assert t_quantile(0.995, 5) == pytest.approx(4.032143, abs=2e-6)
    assert t_quantile(0.025, 7) == pytest.approx(-t_quantile(0.975, 7))
    assert t_quantile(0.975, 10**6) == pytest.approx(1.959966, abs=1e-5)    # → normal


def test_t_quantile_agrees_with_the_simulation_layers_table():
    from simulate.summary import t975
    for df in range(1, 31):
        assert t_quantile(0.975, df) == pytest.approx(t975(df), abs=1e-4)


def test_t_cdf_and_incomplete_beta_identities():
    assert t_cdf(0.0, 5) == pytest.approx(0.5)
    assert t_cdf(1.0, 1) == pytest.approx(0.75)                 # Cauchy: 1/2 + atan(1)/π
    assert incomplete_beta(1.0, 1.0, 0.3) == pytest.approx(0.3)  # uniform
    assert incomplete_beta(2.0, 3.0, 0.4) == pytest.approx(1 - incomplete_beta(3.0, 2.0, 0.6))
    with pytest.raises(ValueError):
        t_quantile(1.0, 3)


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
