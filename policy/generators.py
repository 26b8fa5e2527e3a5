"""Hypothesis strategies from a pack's declarations, for pack authors' own tests and ours.

``records(spec)`` draws records that fit a decision's inputs, leaning on the values the rules
compare with (thresholds and their neighbours), where decisions change. Import this module
only where Hypothesis is installed (it is a test dependency).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from .ir import BoolField, DateField, DecisionSpec, EnumField, Field, NumberField, Rule
from .partition import thresholds


def _number(decl: NumberField, cuts: set[Any]) -> st.SearchStrategy[Any]:
    low = -1e6 if decl.min is None else decl.min
    high = 1e6 if decl.max is None else decl.max
    near = sorted({v + d for v in cuts for d in (-0.1, 0, 0.1) if low <= v + d <= high})
    if decl.integer:
        near_ints = sorted({int(v) for v in near if v == int(v)})
        base: st.SearchStrategy[Any] = st.integers(int(low), int(high))
        return st.one_of(st.sampled_from(near_ints), base) if near_ints else base
    base = st.floats(low, high, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 2))
    return st.one_of(st.sampled_from(near), base) if near else base


def _date(cuts: set[Any]) -> st.SearchStrategy[dt.date]:
    near = sorted({v + dt.timedelta(days=d) for v in cuts for d in (-1, 0, 1)})
    base = st.dates(dt.date(2019, 12, 1), dt.date(2020, 12, 31))
    return st.one_of(st.sampled_from(near), base) if near else base


def value_of(decl: Field, cuts: set[Any] = frozenset()) -> st.SearchStrategy[Any]:  # type: ignore[assignment]
    """Values that fit *decl*, favouring *cuts* (the literals rules compare the field with)."""
    if isinstance(decl, EnumField):
        return st.sampled_from(decl.values)
    if isinstance(decl, BoolField):
        return st.booleans()
    if isinstance(decl, NumberField):
        return _number(decl, set(cuts))
    assert isinstance(decl, DateField)
    return _date(set(cuts))


def records(spec: DecisionSpec, rules: tuple[Rule, ...] = ()) -> st.SearchStrategy[dict[str, Any]]:
    """Records for *spec*; optional fields are sometimes absent."""
    cuts: dict[str, set[Any]] = {}
    for rule in rules:
        for name, values in thresholds(rule.when).items():
            cuts.setdefault(name, set()).update(values)
    required = {n: value_of(d, cuts.get(n, set())) for n, d in spec.inputs.items() if d.required}
    optional = {n: value_of(d, cuts.get(n, set())) for n, d in spec.inputs.items() if not d.required}
    return st.fixed_dictionaries(required, optional=optional)
