"""Estimates against hand-computed values: t-intervals, paired differences, the verdict rule,
the replication × metric table, mean rule hits; and the queue figures' quantile bands."""

import math

import numpy as np
import pytest
from scipy import stats as sp

from reports.bands import band
from simulate import Interval, mean_interval, mean_rule_hits, metric_table, paired_difference, verdict_status

from .test_compare import replication


def test_mean_interval_on_known_data():
    est = mean_interval([1, 2, 3, 4, 5])
    # sd = sqrt(2.5); half-width = t(0.975, 4) · sd / sqrt(5) = 2.7764451052 · sqrt(0.5)
    assert (est.mean, est.n) == (3.0, 5)
    assert est.half_width == pytest.approx(2.7764451051977 * math.sqrt(0.5), rel=1e-12)
    assert (est.low, est.high) == (3 - est.half_width, 3 + est.half_width)


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.99])
def test_mean_interval_agrees_with_scipy(confidence):
    values = [12.5, 9.0, 14.25, 11.0, 10.5, 13.0, 8.75]
    low, high = sp.t.interval(confidence, len(values) - 1, loc=np.mean(values), scale=sp.sem(values))
    est = mean_interval(values, confidence)
    assert (est.low, est.high) == pytest.approx((low, high), rel=1e-10)


def test_mean_interval_edges():
    assert math.isinf(mean_interval([7.0]).half_width)
    assert mean_interval([7.0]).mean == 7.0
    assert math.isnan(mean_interval([]).mean)
    assert mean_interval([4.0, 4.0, 4.0]).half_width == 0.0


def test_paired_difference_on_known_data():
    diff = paired_difference([10, 12, 14], [11, 14, 15])      # differences 1, 2, 1
    assert diff.mean == pytest.approx(4 / 3, rel=1e-15)
    # sd of (1, 2, 1) = sqrt(1/3); half-width = t(0.975, 2) · sqrt(1/3) / sqrt(3) = t / 3
    assert diff.half_width == pytest.approx(4.302652729749 / 3, rel=1e-12)
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


@pytest.mark.parametrize(("mean", "half", "status"), [
    (5.0, 1.0, "holds"), (9.0, 1.0, "holds"),          # whole interval within (high == limit holds)
    (12.0, 1.0, "fails"), (11.0, 0.5, "fails"),
    (9.5, 1.0, "unclear"), (11.0, 1.0, "unclear"),     # low == limit: not wholly beyond
    (5.0, math.inf, "unclear"), (math.nan, math.nan, "unclear"),
])
def test_the_verdict_rule(mean, half, status):
    assert verdict_status(Interval(mean, half, 3), 10.0) == status


def test_the_metric_table_has_every_metric_in_replication_order_with_zero_where_missing():
    from .test_compare import gate
    reps = [replication("s", 0, [gate("south", 4.0)], 2),
            replication("s", 1, [gate("south", 6.0), gate("north", 1.0)], 0)]
    table = metric_table(reps)
    assert list(table) == sorted(table)
    assert table["gate.south.wait_p95_min"] == [4.0, 6.0]
    assert table["gate.north.wait_p95_min"] == [0.0, 1.0]                 # replication 0 had no north gate
    assert table["all.leaks_per_day"] == [1.0, 0.0]                       # 2 leaks over 2 days, then none
    assert table["all.wait_p95_min"] == [4.0, 6.0]


def test_mean_rule_hits_divide_by_every_replication():
    import dataclasses

    from .test_compare import gate
    reps = [dataclasses.replace(replication("s", k, [gate("south", 1.0)], 0), rule_hits=hits) for k, hits in enumerate(
        [{"gate_admission": {"r1": 10, "r2": 3}}, {"gate_admission": {"r1": 5}}, {"exit": {"x": 1}}])]
    assert mean_rule_hits(reps) == {"exit": {"x": 1 / 3}, "gate_admission": {"r1": 5.0, "r2": 1.0}}
    assert mean_rule_hits([]) == {}


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
