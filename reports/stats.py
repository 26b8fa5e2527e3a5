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

from simulate import t_quantile

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
