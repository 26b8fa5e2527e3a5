"""Duration distributions (service times, dwell times) sampled by inversion of one uniform.

Sampling by inversion keeps common random numbers: the same uniform *u* drawn for a visitor
gives the matching quantile in every scenario, even when the scenarios use different
distributions for that step. Units are those of the field that holds the distribution
(service times in seconds, dwell times in minutes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

KINDS: dict[str, tuple[str, ...]] = {
    "constant": ("value",),
    "exponential": ("mean",),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "lognormal": ("mean", "cv"),
}

# Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9).
_A = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02,
      1.383577518672690e02, -3.066479806614716e01, 2.506628277459239e00)
_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02,
      6.680131188771972e01, -1.328068155288572e01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00,
      -2.549732539343734e00, 4.374664141464968e00, 2.938163982698783e00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00,
      3.754408661907416e00)
_LOW = 0.02425


def normal_quantile(u: float) -> float:
    """The standard normal quantile of *u* in (0, 1)."""
    if u < _LOW:
        q = math.sqrt(-2 * math.log(u))
        return ((((((_C[0] * q + _C[1]) * q + _C[2]) * q + _C[3]) * q + _C[4]) * q + _C[5])
                / ((((_D[0] * q + _D[1]) * q + _D[2]) * q + _D[3]) * q + 1))
    if u > 1 - _LOW:
        return -normal_quantile(1 - u)
    q = u - 0.5
    r = q * q
    return ((((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5]) * q
            / (((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1))


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
        if kind == "constant":
            return self.a
        if kind == "exponential":
            return -self.a * math.log1p(-u)
        if kind == "uniform":
            return self.a + (self.b - self.a) * u
        if kind == "lognormal":
            return math.exp(self._mu + self._sigma * normal_quantile(min(max(u, 1e-12), 1 - 1e-12)))
        low, mode, high = self.a, self.b, self.c
        split = (mode - low) / (high - low) if high > low else 0.5
        if u < split:
            return low + math.sqrt(u * (high - low) * (mode - low))
        return high - math.sqrt((1 - u) * (high - low) * (high - mode))


NONE = Distribution.constant(0.0)
"""No time at all: the default for optional durations."""
