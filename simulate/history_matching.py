"""Observed figures (a scenario's ``observed:``) and history matching against them.

A figure someone counted on the ground — parties turned back per day at a checkpoint,
registrations per day, visitors over a holiday — constrains the assumptions: a plausible world
must reproduce it. Following Vernon, Goldstein & Bower (2010) and Andrianakis et al. (2015)
(notes: modelling-next.md), a world x with simulated replications f₁ … fₙ of the observed
measure has the implausibility

    I(x) = |z − f̄(x)| / sqrt(sd² + V_sim),    V_sim = s² / n (the variance of the world's mean),

where z is the observation and sd its uncertainty (observation error and model discrepancy
together, as the scenario states them). A world with I > 3 is ruled out (Pukelsheim's 3σ rule:
for any unimodal distribution at least about 95 % of the mass lies within 3σ). The survivors are
the plausible space in which verdicts are reported again.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from .results import FINDERS, LEAK_PATHS, Containment, GateResult
from .scenario_format import TARGETS
from .scenario_reader import Reader

CUTOFF = 3.0      # Pukelsheim's 3σ rule


@dataclass(frozen=True)
class Observation:
    """A figure observed on the ground: *metric* (a replication metric) was *value* ± *sd*."""

    name: str
    metric: str
    value: float
    sd: float
    source: str


def _numeric(cls: Any) -> set[str]:
    return {f.name for f in fields(cls) if f.type in ("int", "float")}


_ALL = {m.partition(".")[2] for m in TARGETS.values()} | {"patrol_person_min", "staff_min"}
_CONTAINMENT = (_numeric(Containment) | {f"leaks.{p}" for p in LEAK_PATHS} | {f"found_by.{f}" for f in FINDERS}
                | {"leaks_total", "leaks_per_day"})
_GATE = _numeric(GateResult)


def known_metric(metric: str) -> bool:
    """True when *metric* names a measure replications report (``all.…``, ``containment.…``,
    ``gate.<id>.<field>``); a gate id is not checked here (a gate a scenario lacks reads 0)."""
    head, _, rest = metric.partition(".")
    if head == "all":
        return rest in _ALL
    if head == "containment":
        return rest in _CONTAINMENT
    if head == "gate":
        gate, _, field = rest.rpartition(".")
        return bool(gate) and field in _GATE
    return False


def read_observed(r: Reader, observed: Mapping[str, Any] | None) -> tuple[Observation, ...]:
    """The scenario's ``observed:`` entries (structure already checked), in file order; an
    unknown metric is a located mistake."""
    out = []
    for name, doc in (observed or {}).items():
        if doc is None:
            continue
        if not known_metric(doc.metric):
            r.fail(("observed", name, "metric"), "scenario.observed-metric",
                   f"{doc.metric!r} is not a measure a replication reports "
                   f"(e.g. all.entries_per_day, containment.turned_back, gate.<id>.arrivals)")
            continue
        out.append(Observation(name, doc.metric, float(doc.value), float(doc.sd), doc.source))
    return tuple(out)


def implausibility(observed: Observation, values: Sequence[float]) -> float:
    """|z − mean| / sqrt(sd² + V_sim) for a world whose replications gave *values*.

    V_sim is the variance of the mean over the replications (s²/n; 0 with one replication,
    when nothing is known of the spread). An observation with sd 0 and a world that matches it
    exactly has implausibility 0; one that misses it, infinity.
    """
    x = [float(v) for v in values]
    if not x:
        raise ValueError(f"observation {observed.name}: no replications to compare with")
    n = len(x)
    mean = math.fsum(x) / n
    v_sim = math.fsum((v - mean) ** 2 for v in x) / (n - 1) / n if n > 1 else 0.0
    scale = math.sqrt(observed.sd ** 2 + v_sim)
    gap = abs(observed.value - mean)
    if scale == 0.0:
        return 0.0 if gap == 0.0 else math.inf
    return gap / scale


def ruled_out(observations: Sequence[Observation], table: Mapping[str, Sequence[float]],
              cutoff: float = CUTOFF) -> tuple[str, ...]:
    """The observations that rule a world out (implausibility > *cutoff*); () when it is plausible.

    *table* is the world's metric → values over its replications
    (:func:`simulate.estimates.metric_table`); a metric it lacks (a gate the world does not
    have) reads 0 in every replication, as everywhere else in the reports.
    """
    n = max((len(v) for v in table.values()), default=1)
    return tuple(o.name for o in observations
                 if implausibility(o, table.get(o.metric, [0.0] * n)) > cutoff)
