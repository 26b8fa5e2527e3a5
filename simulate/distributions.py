"""Duration distributions (service times, dwell times) sampled by inversion of one uniform.

Sampling by inversion keeps common random numbers: the same uniform *u* drawn for a visitor
gives the matching quantile in every scenario, even when the scenarios use different
distributions for that step. Units are those of the field that holds the distribution
(service times in seconds, dwell times in minutes).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np

KINDS: dict[str, tuple[str, ...]] = {
    "constant": ("value",),
    "exponential": ("mean",),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "lognormal": ("mean", "cv"),
}

_STANDARD_NORMAL = NormalDist()          # its inv_cdf is Wichura's AS 241, exact to double precision
# The function NormalDist.inv_cdf calls with (p, mu, sigma) once it has checked p, called directly
# (the same result, one call fewer per service time); NormalDist's own method where it is absent.
_inv_cdf = getattr(statistics, "_normal_dist_inv_cdf", None)


@dataclass(frozen=True)
class Distribution:
    """A non-negative duration: *kind* (a key of :data:`KINDS`) and its parameters."""

    kind: str
    a: float = 0.0
    b: float = 0.0
    c: float = 0.0
    _mu: float = field(default=0.0, init=False, repr=False, compare=False)
    _sigma: float = field(default=0.0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind == "lognormal" and self.a > 0:
            sigma2 = math.log1p(self.b * self.b)
            object.__setattr__(self, "_mu", math.log(self.a) - sigma2 / 2)
            object.__setattr__(self, "_sigma", math.sqrt(sigma2))

    @classmethod
    def constant(cls, value: float) -> Distribution:
        return cls("constant", value)

    @classmethod
    def exponential(cls, mean: float) -> Distribution:
        return cls("exponential", mean)

    @property
    def mean(self) -> float:
        """The exact mean (used by tests and by nominal-capacity figures)."""
        if self.kind in ("constant", "exponential", "lognormal"):
            return self.a
        if self.kind == "uniform":
            return (self.a + self.b) / 2
        return (self.a + self.b + self.c) / 3

    def quantile(self, u: float) -> float:
        """The value at probability *u* in [0, 1)."""
        kind = self.kind
        if kind == "lognormal":                  # service times: the commonest, first
            p = u if 1e-12 <= u <= 1 - 1e-12 else (1e-12 if u < 1e-12 else 1 - 1e-12)   # clamped
            z = _inv_cdf(p, 0.0, 1.0) if _inv_cdf is not None else _STANDARD_NORMAL.inv_cdf(p)
            return math.exp(self._mu + self._sigma * z)
        if kind == "constant":
            return self.a
        if kind == "exponential":
            return -self.a * math.log1p(-u)
        if kind == "uniform":
            return self.a + (self.b - self.a) * u
        low, mode, high = self.a, self.b, self.c
        split = (mode - low) / (high - low) if high > low else 0.5
        if u < split:
            return low + math.sqrt(u * (high - low) * (mode - low))
        return high - math.sqrt((1 - u) * (high - low) * (high - mode))


def quantiles(d: Distribution, u: np.ndarray) -> np.ndarray:
    """``d.quantile`` of each of *u*, the same floats: numpy does the kinds whose arithmetic it
    does as Python does (IEEE operations in the same order), the others are done one by one."""
    if d.kind == "constant":
        return np.full(len(u), d.a)
    if d.kind == "uniform":
        return d.a + (d.b - d.a) * u
    return np.array([d.quantile(x) for x in u.tolist()], dtype=float)


NONE = Distribution.constant(0.0)
"""No time at all: the default for optional durations."""
