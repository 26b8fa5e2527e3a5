"""Statistics over replications: t-intervals, paired differences, quantile bands.

Each replication of a terminating simulation is one independent observation, so a mean
over replications gets a Student-t interval; with common random numbers the per-replication
differences between two scenarios are paired observations and get a t-interval of their own.
Bands (10–90 % across replications) say how bad a day can be, not how sure the mean is.
numpy and the standard library only; no scipy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Interval:
    """A mean over *n* replications with the half-width of its *confidence* t-interval.

    One replication gives an infinite half-width (nothing is known of the spread); none gives
    a NaN mean.
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


@dataclass(frozen=True, eq=False)
class Band:
    """Pointwise mean and *low*/*high* quantiles of a series across replications."""

    mean: Floats
    low: Floats
    high: Floats


def _continued_fraction(a: float, b: float, x: float) -> float:
    """Lentz's continued fraction for the regularised incomplete beta function."""
    tiny, eps = 1e-300, 1e-15
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 400):
        m2 = 2 * m
        for num in (m * (b - m) * x / ((qam + m2) * (a + m2)),
                    -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < eps:
            break
    return h


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b) for 0 ≤ x ≤ 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _continued_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T ≤ *t*) for Student's t with *df* degrees of freedom."""
    tail = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The *p* quantile of Student's t with *df* degrees of freedom (bisection on the CDF)."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be in (0, 1), got {p}")
    if df <= 0:
        return math.inf
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        low, high = high, high * 2.0
    for _ in range(200):
        mid = 0.5 * (low + high)
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low < 1e-12 * max(1.0, high):
            break
    return 0.5 * (low + high)


def mean_interval(values: Sequence[float] | Floats, confidence: float = 0.95) -> Interval:
    """The mean of *values* with its two-sided *confidence* t-interval."""
    x = np.asarray(values, dtype=float)
    n = int(x.size)
    if n == 0:
        return Interval(math.nan, math.nan, 0, confidence)
    mean = float(x.mean())
    if n == 1:
        return Interval(mean, math.inf, 1, confidence)
    sd = float(x.std(ddof=1))
    half = t_quantile(0.5 + confidence / 2.0, n - 1) * sd / math.sqrt(n)
    return Interval(mean, half, n, confidence)


def paired_difference(base: Sequence[float] | Floats, other: Sequence[float] | Floats,
                      confidence: float = 0.95) -> Interval:
    """Mean of *other* − *base*, replication by replication, with its t-interval.

    Valid because both were run with common random numbers: replication k of each scenario
    saw the same visitors, so the differences are independent across k.
    """
    a, b = np.asarray(base, dtype=float), np.asarray(other, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired samples differ in length: {a.shape} and {b.shape}")
    return mean_interval(b - a, confidence)


def band(series: Sequence[Sequence[float]] | Floats, low: float = 0.1, high: float = 0.9) -> Band:
    """Pointwise mean and quantiles of *series* (one row per replication, equal lengths)."""
    x = np.asarray(series, dtype=float)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError("band needs a non-empty 2-D array: replications × time points")
    return Band(x.mean(axis=0), np.quantile(x, low, axis=0), np.quantile(x, high, axis=0))
