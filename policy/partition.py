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
import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from .ir import (
    All,
    Any_,
    Between,
    BoolField,
    Compare,
    Condition,
    DateField,
    DecisionSpec,
    EnumField,
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

    def __init__(self, spec: DecisionSpec, rules: tuple[Rule, ...],
                 extra: tuple[Condition, ...] = ()) -> None:
        conditions = (*(r.when for r in rules), *extra)
        read = frozenset().union(*(fields_read(c) for c in conditions))
        self.spec = spec
        self.fields = tuple(name for name in spec.inputs if name in read)
        cuts: dict[str, set[Any]] = {}
        for cond in conditions:
            for name, values in thresholds(cond).items():
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


    def domain(self, name: str) -> list[tuple[Hashable, Any]]:
        """Every non-empty cell of field *name* with a declared-valid value in it
        (``ABSENT`` for the missing cell of an optional field)."""
        decl = self.spec.inputs[name]
        out: list[tuple[Hashable, Any]] = []
        if isinstance(decl, EnumField):
            out = [(v, v) for v in decl.values]
        elif isinstance(decl, BoolField):
            out = [(True, True), (False, False)]
        else:
            cuts = self.cuts.get(name, ())
            for cell in range(2 * len(cuts) + 1):
                value = _inside(decl, cuts, cell)
                if value is not None:
                    out.append((cell, value))
        if not decl.required:
            out.append((MISSING if name in self.cuts else None, ABSENT))
        return out


ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "ABSENT"})()
_ANY_DAY = dt.date(2020, 1, 1).toordinal()  # for a date field no rule compares (only `exists`)


def _inside(decl: Any, cuts: tuple[Any, ...], cell: int) -> Any:
    """A value of *decl* in *cell* of *cuts*, within its bounds (and whole, for integers and
    dates), or ``None`` when the cell holds no such value."""
    i, exact = divmod(cell, 2)
    is_date = isinstance(decl, DateField)
    if is_date:
        low_bound = high_bound = None
        whole = True
        cuts = tuple(c.toordinal() for c in cuts)
    else:
        low_bound, high_bound, whole = decl.min, decl.max, decl.integer
    lo_ok = (lambda v: True) if low_bound is None else (lambda v: v >= low_bound)
    hi_ok = (lambda v: True) if high_bound is None else (lambda v: v <= high_bound)
    value: Any
    if exact:
        value = cuts[i]
        ok = lo_ok(value) and hi_ok(value) and (not whole or value == int(value))
        return (dt.date.fromordinal(int(value)) if is_date else value) if ok else None
    below = cuts[i - 1] if i > 0 else None
    above = cuts[i] if i < len(cuts) else None
    if whole:
        start = int(below) + 1 if below is not None else None
        if low_bound is not None:
            start = max(start, math.ceil(low_bound)) if start is not None else math.ceil(low_bound)
        if start is None:  # no cut below and no bound: any value (for a date, a real day)
            start = int(above) - 1 if above is not None else (_ANY_DAY if is_date else 0)
            start = math.floor(start)
        value = start
        if (above is not None and not value < above) or not hi_ok(value) or not lo_ok(value):
            return None
        return dt.date.fromordinal(value) if is_date else value
    lo: Any = below if below is not None else low_bound
    hi: Any = above if above is not None else high_bound
    if lo is None and hi is None:
        return 0
    if lo is None:
        value = hi - 1
    elif hi is None:
        value = lo + 1
    elif below is None and low_bound is not None and low_bound < hi:
        value = low_bound  # the bound itself is inside when it is not a cut
    elif above is None and high_bound is not None and high_bound > lo:
        value = high_bound
    else:
        value = _midpoint(lo, hi)
    inside = ((below is None or value > below) and (above is None or value < above)
              and lo_ok(value) and hi_ok(value))
    return value if inside else None


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
