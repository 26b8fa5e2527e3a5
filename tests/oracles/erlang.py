"""Erlang C for M/M/c: the exact mean wait in queue, in floats and in exact rationals.

a = λ/μ, ρ = a/c < 1. Erlang B by the stable recursion B_0 = 1, B_k = a·B_{k-1}/(k + a·B_{k-1});
then C = c·B_c / (c − a(1 − B_c)) = P(wait), and Wq = C / (cμ − λ).
"""

from __future__ import annotations

from fractions import Fraction
from numbers import Rational


def erlang_c(lam: float | Rational, mu: float | Rational, c: int) -> float | Rational:
    """P(an arrival waits) in an M/M/c queue."""
    a = lam / mu
    if a >= c:
        raise ValueError("unstable: λ/μ ≥ c")
    b = Fraction(1) if isinstance(a, Rational) else 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return c * b / (c - a * (1 - b))


def mean_wait(lam: float | Rational, mu: float | Rational, c: int) -> float | Rational:
    """Wq: the mean time an arrival spends waiting before service."""
    return erlang_c(lam, mu, c) / (c * mu - lam)
