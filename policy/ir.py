"""The intermediate representation (IR) that the project owns: packs, decisions, rules, conditions.

Rule files parse into these frozen values (``language.py``); the reference evaluator reads
them directly and ``compile.py`` lowers them to durable_rules. Every node that came from a
file keeps its :class:`~policy.errors.Location`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from .errors import Location

Scalar = str | bool | int | float | dt.date
HitPolicy = Literal["priority", "first", "collect"]
CompareOp = Literal["ne", "lt", "lte", "gt", "gte"]


# --- input fields -------------------------------------------------------------------------


@dataclass(frozen=True)
class EnumField:
    """A field whose value is one of *values*."""

    name: str
    values: tuple[str, ...]
    required: bool = True
    kind: Literal["enum"] = "enum"


@dataclass(frozen=True)
class BoolField:
    name: str
    required: bool = True
    kind: Literal["bool"] = "bool"


@dataclass(frozen=True)
class NumberField:
    """A number, optionally bounded (inclusive) and integral; *unit* is for people."""

    name: str
    min: float | None = None
    max: float | None = None
    unit: str = ""
    integer: bool = False
    required: bool = True
    kind: Literal["number"] = "number"


@dataclass(frozen=True)
class DateField:
    name: str
    required: bool = True
    kind: Literal["date"] = "date"


Field = EnumField | BoolField | NumberField | DateField


# --- conditions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Eq:
    field: str
    value: Scalar


@dataclass(frozen=True)
class In:
    field: str
    values: tuple[Scalar, ...]


@dataclass(frozen=True)
class Compare:
    """``field <op> value`` for ``ne lt lte gt gte``; false when the field is missing."""

    field: str
    op: CompareOp
    value: Scalar


@dataclass(frozen=True)
class Between:
    """``low <= field <= high``."""

    field: str
    low: Scalar
    high: Scalar


@dataclass(frozen=True)
class Exists:
    field: str
    present: bool


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Any_:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Condition = Eq | In | Compare | Between | Exists | All | Any_ | Not
TRUE = All(())


def fields_read(cond: Condition) -> frozenset[str]:
    """The names of the fields that *cond* tests."""
    if isinstance(cond, All | Any_):
        return frozenset().union(*(fields_read(c) for c in cond.items))
    if isinstance(cond, Not):
        return fields_read(cond.item)
    return frozenset((cond.field,))


# --- rules, decisions, packs --------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    zh: str
    en: str


@dataclass(frozen=True)
class Effective:
    """The days a rule is in force, both ends inclusive; ``None`` is open-ended."""

    start: dt.date | None = None
    end: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Rule:
    id: str
    decision: str
    priority: int
    when: Condition
    then: str
    obligations: tuple[str, ...]
    reason: Reason
    source: str
    effective: Effective
    location: Location
    order: int = 0  # position in pack order (files by name, then file order)


@dataclass(frozen=True)
class DecisionSpec:
    name: str
    inputs: dict[str, Field]
    outcomes: tuple[str, ...]
    hit_policy: HitPolicy
    default: str | None
    default_is_gap: bool
    location: Location
    description: str = ""


@dataclass(frozen=True)
class Pack:
    """A loaded, validated policy pack: decisions and their rules in pack order."""

    name: str
    version: str
    decisions: dict[str, DecisionSpec]
    rules: tuple[Rule, ...]
    root: str
    title: Reason | None = None
    _by_decision: dict[str, tuple[Rule, ...]] = field(default_factory=dict, compare=False,
                                                      repr=False)

    def __post_init__(self) -> None:
        grouped = {name: tuple(r for r in self.rules if r.decision == name)
                   for name in self.decisions}
        object.__setattr__(self, "_by_decision", grouped)

    @property
    def label(self) -> str:
        """``name@version``, as every decision reports it."""
        return f"{self.name}@{self.version}"

    def rules_for(self, decision: str) -> tuple[Rule, ...]:
        return self._by_decision[decision]

    def change_dates(self, decision: str) -> tuple[dt.date, ...]:
        """Days on which the set of rules in force for *decision* changes."""
        days: set[dt.date] = set()
        for rule in self.rules_for(decision):
            if rule.effective.start is not None:
                days.add(rule.effective.start)
            if rule.effective.end is not None:
                days.add(rule.effective.end + dt.timedelta(days=1))
        return tuple(sorted(days))

    def in_force(self, decision: str, day: dt.date) -> tuple[Rule, ...]:
        """The rules of *decision* in force on *day*, in pack order."""
        return tuple(r for r in self.rules_for(decision) if r.effective.covers(day))
