"""The finite partition of a decision's input space, per effective-date period.

Within one period only the rules in force matter, and they read only some fields and compare
numbers and dates only with their own thresholds. Two records that agree on every enum and
bool the rules read, and whose numbers and dates fall in the same cell cut by those
thresholds (below, at, or between them), satisfy exactly the same conditions — so they get the
same decision. The durable engine decides each cell once; analysis enumerates the cells.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from .ir import (
    All,
    Any_,
    Between,
    Compare,
    Condition,
    DateField,
    DecisionSpec,
    Eq,
    Exists,
    In,
    Not,
    NumberField,
    Pack,
    Rule,
    fields_read,
)

MISSING = -1  # the cell of a missing number or date field


@dataclass(frozen=True)
class Period:
    """A stretch of days over which the same rules of a decision are in force."""

    index: int
    start: dt.date | None
    end: dt.date | None
    rules: tuple[Rule, ...]


def periods(pack: Pack, decision: str) -> tuple[Period, ...]:
    """The periods of *decision*, split at every change date of its rules."""
    days = pack.change_dates(decision)
    out = []
    bounds = [None, *days]
    for i, start in enumerate(bounds):
        end = days[i] - dt.timedelta(days=1) if i < len(days) else None
        probe = start or (days[0] - dt.timedelta(days=1) if days else dt.date(2000, 1, 1))
        out.append(Period(i, start, end, pack.in_force(decision, probe)))
    return tuple(out)


def period_index(change_dates: tuple[dt.date, ...], day: dt.date) -> int:
    """Which period *day* falls in, given the sorted change dates."""
    return bisect.bisect_right(change_dates, day)


def thresholds(cond: Condition) -> dict[str, set[Any]]:
    """Every literal each number or date field is compared with in *cond*."""
    found: dict[str, set[Any]] = {}

    def walk(c: Condition) -> None:
        if isinstance(c, All | Any_):
            for item in c.items:
                walk(item)
        elif isinstance(c, Not):
            walk(c.item)
        elif isinstance(c, Eq | Compare):
            found.setdefault(c.field, set()).add(c.value)
        elif isinstance(c, In):
            found.setdefault(c.field, set()).update(c.values)
        elif isinstance(c, Between):
            found.setdefault(c.field, set()).update((c.low, c.high))
        else:
            assert isinstance(c, Exists)
    walk(cond)
    return found


class Partition:
    """The cells of one decision in one period: :meth:`cell` maps facts to a hashable key."""

    def __init__(self, spec: DecisionSpec, rules: tuple[Rule, ...]) -> None:
        read = frozenset().union(*(fields_read(r.when) for r in rules))
        self.spec = spec
        self.fields = tuple(name for name in spec.inputs if name in read)
        cuts: dict[str, set[Any]] = {}
        for rule in rules:
            for name, values in thresholds(rule.when).items():
                cuts.setdefault(name, set()).update(values)
        self.cuts: dict[str, tuple[Any, ...]] = {
            name: tuple(sorted(cuts.get(name, ())))
            for name in self.fields if isinstance(spec.inputs[name], NumberField | DateField)}
        self._plan = tuple((name, self.cuts.get(name)) for name in self.fields)

    def cell(self, facts: Mapping[str, Any]) -> tuple[Hashable, ...]:
        """The cell of *facts*: enum and bool values as they are, numbers and dates by interval."""
        key: list[Hashable] = []
        for name, cuts in self._plan:
            value = facts.get(name)
            if cuts is None:
                key.append(value)
            elif value is None:
                key.append(MISSING)
            else:
                i = bisect.bisect_left(cuts, value)
                key.append(2 * i + 1 if i < len(cuts) and cuts[i] == value else 2 * i)
        return tuple(key)

    def representative(self, name: str, cell: int) -> Any:
        """A value of number or date field *name* that lies in *cell* (not ``MISSING``)."""
        cuts = self.cuts[name]
        i, exact = divmod(cell, 2)
        if exact:
            return cuts[i]
        is_date = isinstance(self.spec.inputs[name], DateField)
        step: Any = dt.timedelta(days=1) if is_date else 1
        if not cuts:
            return dt.date(2020, 1, 1) if is_date else 0
        if i == 0:
            return cuts[0] - step
        if i == len(cuts):
            return cuts[-1] + step
        low, high = cuts[i - 1], cuts[i]
        if is_date:
            return low + (high - low) // 2 if (high - low).days > 1 else None
        return _midpoint(low, high)


def _midpoint(low: float, high: float) -> float:
    """A point strictly between *low* and *high* that JSON writes with a dot in its mantissa."""
    for share in (0.5, 0.55, 0.45, 0.6, 0.4, 0.7, 0.3):
        value = low + (high - low) * share
        if low < value < high and json_safe(value):
            return value
    return low + (high - low) / 2


def json_safe(value: float) -> bool:
    """Whether durable_rules can parse *value* as ``json.dumps`` writes it (no ``1e-05``)."""
    text = repr(value)
    return "e" not in text or "." in text.split("e")[0]
