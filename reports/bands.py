"""Quantile bands of a series across replications: how bad a day can be, not how sure the mean is.

Intervals for means and paired differences live in :mod:`simulate.estimates`; a band is the
pointwise 10–90 % spread the queue figures draw around the mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Band:
    """Pointwise mean and *low*/*high* quantiles of a series across replications."""

    mean: Floats
    low: Floats
    high: Floats


def band(series: Sequence[Sequence[float]] | Floats, low: float = 0.1, high: float = 0.9) -> Band:
    """Pointwise mean and quantiles of *series* (one row per replication, equal lengths)."""
    x = np.asarray(series, dtype=float)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError("band needs a non-empty 2-D array: replications × time points")
    return Band(x.mean(axis=0), np.quantile(x, low, axis=0), np.quantile(x, high, axis=0))
