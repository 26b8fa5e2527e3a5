"""The reference evaluator: the IR's meaning, written to be obviously right, not fast.

The durable_rules engine must agree with it on every input (outcome, deciding rule and the
matched set); ``tests/policy/test_differential.py`` checks that with Hypothesis.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Mapping
from typing import Any

from .engine import Decision, Engine, resolve
from .ir import All, Any_, Between, Compare, Condition, Eq, Exists, In, Not

_COMPARE = {"ne": operator.ne, "lt": operator.lt, "lte": operator.le, "gt": operator.gt, "gte": operator.ge}


def holds(cond: Condition, facts: Mapping[str, Any]) -> bool:
    """Whether *cond* is true of *facts*. Tests on a missing field are false; ``not`` negates."""
    if isinstance(cond, All):
        return all(holds(c, facts) for c in cond.items)
    if isinstance(cond, Any_):
        return any(holds(c, facts) for c in cond.items)
    if isinstance(cond, Not):
        return not holds(cond.item, facts)
    if isinstance(cond, Exists):
        return (cond.field in facts) == cond.present
    if cond.field not in facts:
        return False
    value = facts[cond.field]
    if isinstance(cond, Eq):
        return bool(value == cond.value)
    if isinstance(cond, In):
        return bool(value in cond.values)
    if isinstance(cond, Between):
        return bool(cond.low <= value <= cond.high)
    assert isinstance(cond, Compare)
    return bool(_COMPARE[cond.op](value, cond.value))


class ReferenceEngine(Engine):
    """Evaluates every rule in force directly on the IR."""

    def decide_facts(self, decision: str, facts: Mapping[str, Any], at: dt.date) -> Decision:
        spec = self.spec(decision)
        matching = [r for r in self.pack.in_force(decision, at) if holds(r.when, facts)]
        return resolve(spec, matching, self.pack.label, at)
