"""Which of a period's rules match a record, fast: the rules indexed by the enum or bool value
their condition requires, so that most are ruled out by one dictionary look-up before the
reference evaluator (``holds``) is asked about the rest. Used by ``check`` and the properties;
and the outcome of every cell ``check`` decided, which the properties look up instead of deciding
the same cells again (:class:`DecidedCells`)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from ..ir import All, BoolField, Condition, DecisionSpec, EnumField, Eq, In, Pack, Rule
from ..reference import holds


class RuleIndex:
    """The rules of one period that match a cell, as the reference evaluator says (``holds``),
    asking it only about rules whose top-level equalities on enum and bool fields the cell
    meets: a rule that requires ``role: tourist`` cannot match a resident, and with hundreds
    of rules most are ruled out by one dictionary look-up."""

    def __init__(self, spec: DecisionSpec, rules: tuple[Rule, ...]) -> None:
        self.always: list[Rule] = []
        self.by_value: dict[str, dict[Any, list[Rule]]] = {}
        for rule in rules:
            need = _required(spec, rule.when)
            if need is None:
                self.always.append(rule)
                continue
            name, allowed = need
            for value in allowed:
                self.by_value.setdefault(name, {}).setdefault(value, []).append(rule)

    def matching(self, facts: dict[str, Any]) -> list[Rule]:
        candidates = list(self.always)
        for name, table in self.by_value.items():
            if name in facts:
                candidates.extend(table.get(facts[name], ()))
        return [r for r in candidates if holds(r.when, facts)]


def _required(spec: DecisionSpec, cond: Condition) -> tuple[str, tuple[Any, ...]] | None:
    """A field of enum or bool type and the values of it that *cond* needs, if *cond* is an
    equality or ``in`` on one, or an ``all`` holding one at its top level."""
    items = cond.items if isinstance(cond, All) else (cond,)
    for item in items:
        if isinstance(item, Eq | In) and isinstance(spec.inputs.get(item.field), EnumField | BoolField):
            values = (item.value,) if isinstance(item, Eq) else item.values
            return item.field, tuple(dict.fromkeys(values))
    return None


Outcomes = dict[tuple[str, int], dict[tuple[Hashable, ...], str | None]]


@dataclass(frozen=True)
class DecidedCells:
    """The reference's outcome for every cell (``partition.Partition.cell``) of every period of
    *pack*, by (decision, period index), as ``check`` decided them: the same cells the properties
    would decide again. Only the pack checked last is kept."""

    pack: Pack
    outcomes: Outcomes


_LAST: list[DecidedCells] = []


def keep_decided(decided: DecidedCells) -> None:
    """Keep *decided* as the pack checked last (in place of any other)."""
    _LAST[:] = [decided]


def decided_for(pack: Pack) -> DecidedCells | None:
    """The cells ``check`` decided for this very *pack* object, if it was the last checked."""
    return _LAST[0] if _LAST and _LAST[0].pack is pack else None
