"""The finite input space of a decision: every cell of its partition, period by period.

Within a period every cell stands for all the records in it (``policy/partition.py``), so
deciding one representative per cell decides them all: the analyses built on this are
exhaustive, not sampled.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..ir import BoolField, Condition, DateField, DecisionSpec, EnumField, Pack, Rule
from ..partition import ABSENT, Partition, Period, periods

MAX_CELLS = 2_000_000


@dataclass(frozen=True)
class Cell:
    """One cell: a representative record (*facts*) and the *key* of its cell."""

    key: tuple[Any, ...]
    facts: dict[str, Any]


def period_day(period: Period) -> dt.date:
    """A day inside *period*, to decide and to show in examples."""
    if period.start is not None:
        return period.start
    if period.end is not None:
        return period.end
    return dt.date(2020, 1, 1)


def filler(spec: DecisionSpec) -> dict[str, Any]:
    """A valid value for each required field, for the fields no rule reads."""
    out: dict[str, Any] = {}
    for name, decl in spec.inputs.items():
        if not decl.required:
            continue
        if isinstance(decl, EnumField):
            out[name] = decl.values[0]
        elif isinstance(decl, BoolField):
            out[name] = False
        elif isinstance(decl, DateField):
            out[name] = dt.date(2020, 1, 1)
        else:
            out[name] = decl.min if decl.min is not None else (0 if decl.max is None or decl.max >= 0 else decl.max)
    return out


def cells(spec: DecisionSpec, rules: tuple[Rule, ...], extra: tuple[Condition, ...] = ()) -> Iterator[Cell]:
    """Every non-empty cell of the partition that *rules* (and *extra* conditions) cut."""
    partition = Partition(spec, rules, extra)
    domains = [partition.domain(name) for name in partition.fields]
    size = 1
    for d in domains:
        size *= len(d)
    if size > MAX_CELLS:
        raise ValueError(f"{spec.name}: {size:,} cells is too many to enumerate (limit {MAX_CELLS:,})")
    base = filler(spec)
    for combo in itertools.product(*domains):
        facts = dict(base)
        for name, (_, value) in zip(partition.fields, combo, strict=True):
            if value is ABSENT:
                facts.pop(name, None)
            else:
                facts[name] = value
        yield Cell(tuple(k for k, _ in combo), facts)


def decision_periods(pack: Pack, decision: str) -> tuple[Period, ...]:
    return periods(pack, decision)


def example(facts: dict[str, Any]) -> dict[str, Any]:
    """*facts* as a record a person can paste into a test case (dates as text)."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in facts.items()}
