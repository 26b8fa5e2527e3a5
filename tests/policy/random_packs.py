"""Random packs over a fixed declaration, for differential tests (durable vs reference)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from policy.errors import Location
from policy.ir import (
    All,
    Any_,
    Between,
    BoolField,
    Compare,
    DateField,
    DecisionSpec,
    Effective,
    EnumField,
    Eq,
    Exists,
    In,
    Not,
    NumberField,
    Pack,
    Reason,
    Rule,
)

HERE = Location("random.yaml")
INPUTS = {
    "role": EnumField("role", ("resident", "tourist", "delivery")),
    "zone": EnumField("zone", ("north", "south"), required=False),
    "has_pass": BoolField("has_pass"),
    "temp": NumberField("temp", 34, 43),
    "days": NumberField("days", 0, 60, integer=True, required=False),
    "since": DateField("since", required=False),
}
OUTCOMES = ("admit", "register", "turn_back", "hold")
NUMBERS = {"temp": (36.0, 37.3, 37.5, 38.0), "days": (0, 7, 14, 15)}
DATES = (dt.date(2020, 2, 9), dt.date(2020, 2, 14), dt.date(2020, 3, 31))


def _leaf(name: str):
    decl = INPUTS[name]
    if isinstance(decl, EnumField):
        v = st.sampled_from(decl.values)
        return st.one_of(v.map(lambda x: Eq(name, x)),
                         st.lists(v, min_size=1, max_size=2, unique=True).map(lambda xs: In(name, tuple(xs))),
                         v.map(lambda x: Compare(name, "ne", x)),
                         st.booleans().map(lambda p: Exists(name, p)))
    if isinstance(decl, BoolField):
        return st.one_of(st.booleans().map(lambda x: Eq(name, x)),
                         st.booleans().map(lambda x: Compare(name, "ne", x)))
    pool = DATES if isinstance(decl, DateField) else NUMBERS[name]
    v = st.sampled_from(pool)
    op = st.sampled_from(("ne", "lt", "lte", "gt", "gte"))
    return st.one_of(
        v.map(lambda x: Eq(name, x)),
        st.builds(lambda o, x: Compare(name, o, x), op, v),
        st.lists(v, min_size=2, max_size=2, unique=True).map(lambda xs: Between(name, min(xs), max(xs))),
        st.lists(v, min_size=1, max_size=3, unique=True).map(lambda xs: In(name, tuple(xs))),
        st.booleans().map(lambda p: Exists(name, p)))


leaves = st.sampled_from(sorted(INPUTS)).flatmap(_leaf)
conditions = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: All(tuple(xs))),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: Any_(tuple(xs))),
        inner.map(Not)),
    max_leaves=6)


@st.composite
def packs(draw) -> Pack:
    """A pack with one decision ``gate`` of 1–8 random rules."""
    hit = draw(st.sampled_from(("priority", "first", "collect")))
    default = draw(st.sampled_from((None, *OUTCOMES)))
    spec = DecisionSpec("gate", INPUTS, OUTCOMES, hit, default, False, HERE)
    rules = []
    for i in range(draw(st.integers(1, 8))):
        start = draw(st.sampled_from((None, *DATES)))
        end = draw(st.sampled_from((None, *(d for d in DATES if start is None or d >= start))))
        rules.append(Rule(
            id=f"r{i}", decision="gate", priority=draw(st.integers(0, 2)),
            when=draw(st.one_of(conditions, st.just(All(())))), then=draw(st.sampled_from(OUTCOMES)),
            obligations=tuple(draw(st.lists(st.sampled_from(("log", "retest", "notify")), max_size=2, unique=True))),
            reason=Reason(f"规则{i}", f"rule {i}"), source="generated",
            effective=Effective(start, end), location=HERE, order=i))
    return Pack("random", str(draw(st.integers(0, 10**9))), {"gate": spec}, tuple(rules), "<random>")


days = st.sampled_from((dt.date(2020, 1, 1), *DATES, dt.date(2020, 2, 20), dt.date(2020, 4, 1)))
