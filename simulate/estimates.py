"""Estimates over replications, defined once: the t-interval, paired differences, the verdict
rule, the replication × metric table and the mean rule hits.

Each replication of a terminating simulation is one independent observation, so a mean over
replications gets a Student-t interval; with common random numbers the per-replication
differences between two scenarios are paired observations and get a t-interval of their own.
``summary.json``, the comparison report and the sweep all read their numbers from here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .results import ReplicationResult
from .student_t import t_quantile


@dataclass(frozen=True)
class Interval:
    """A mean over *n* replications with the half-width of its *confidence* t-interval.

    One replication gives an infinite half-width (nothing is known of the spread); none gives
    a NaN mean and half-width.
    """

    mean: float
    half_width: float
    n: int
    confidence: float = 0.95

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width

    def excludes_zero(self) -> bool:
        """True when the whole interval is on one side of zero (a difference that is real)."""
        return self.low > 0 or self.high < 0


def mean_interval(values: Iterable[float], confidence: float = 0.95) -> Interval:
    """The mean of *values* with its two-sided *confidence* t-interval (sums by ``math.fsum``)."""
    x = [float(v) for v in values]
    n = len(x)
    if n == 0:
        return Interval(math.nan, math.nan, 0, confidence)
    mean = math.fsum(x) / n
    if n == 1:
        return Interval(mean, math.inf, 1, confidence)
    variance = math.fsum((v - mean) ** 2 for v in x) / (n - 1)
    half = t_quantile(0.5 + confidence / 2.0, n - 1) * math.sqrt(variance / n)
    return Interval(mean, half, n, confidence)


def paired_difference(base: Sequence[float], other: Sequence[float], confidence: float = 0.95) -> Interval:
    """Mean of *other* − *base*, replication by replication, with its t-interval.

    Valid because both were run with common random numbers: replication k of each scenario
    saw the same visitors, so the differences are independent across k.
    """
    if len(base) != len(other):
        raise ValueError(f"paired samples differ in length: {len(base)} and {len(other)}")
    return mean_interval((float(b) - float(a) for a, b in zip(base, other, strict=True)), confidence)


def verdict_status(estimate: Interval, limit: float) -> str:
    """holds / fails / unclear for a metric that must stay at or below *limit*.

    Holds when the whole interval is within the limit, fails when the whole interval is beyond
    it; otherwise the replications cannot tell yet (an infinite or NaN half-width never decides).
    """
    if estimate.high <= limit:
        return "holds"
    if estimate.low > limit:
        return "fails"
    return "unclear"


def metric_table(replications: Sequence[ReplicationResult]) -> dict[str, list[float]]:
    """Every metric any replication reported, sorted by name, as its values over *replications*
    in order (0 where a replication lacks it, e.g. a gate a variant closes)."""
    rows = [r.metrics() for r in replications]
    names = sorted({k for row in rows for k in row})
    return {name: [row.get(name, 0.0) for row in rows] for name in names}


def mean_rule_hits(replications: Sequence[ReplicationResult]) -> dict[str, dict[str, float]]:
    """decision → deciding rule → persons it decided, mean per replication (sorted by name)."""
    n = len(replications) or 1
    hits: dict[str, dict[str, float]] = {}
    for r in replications:
        for decision, counts in r.rule_hits.items():
            for rule, count in counts.items():
                bucket = hits.setdefault(decision, {})
                bucket[rule] = bucket.get(rule, 0.0) + count / n
    return {d: dict(sorted(v.items())) for d, v in sorted(hits.items())}

