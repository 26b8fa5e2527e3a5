"""Lower the IR to durable_rules ruleset definitions (pure data; no durable import).

durable_rules has no ``in``, no ``between`` and no ``not``, treats every test on a missing
field as false, and loops forever on a rule that its own session state satisfies. So:

- ``in`` becomes ``$or`` of equalities, ``between`` a ``$and`` of ``$gte``/``$lte``;
- ``not`` is pushed down to the leaves (negation normal form), where "missing" is spelled
  out with ``$nex`` so that ``not`` stays true on a missing field as the reference says;
- every rule is guarded by the positive test ``_case == 1``, which facts carry and the
  session state never does;
- dates become day ordinals; ``pri`` is the rule's rank in resolution order (0 first), so
  durable fires the matching rules in the order the hit policy reads them;
- a decision's rules are split, in rank order, into *shards* of bounded size (:func:`shards`),
  each its own ruleset, because durable_rules' C matcher has fixed-size tables that a large or
  heavily overlapping ruleset overflows — with an error code, or a segmentation fault (limits
  measured in docs/policy-language.md). A record is asserted in every shard; the fired rules,
  shard after shard, are in rank order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from .ir import (
    All,
    Any_,
    Between,
    BoolField,
    Compare,
    Condition,
    DecisionSpec,
    EnumField,
    Eq,
    Exists,
    In,
    Not,
    Rule,
)

GUARD_FIELD = "_case"
GUARD = {GUARD_FIELD: 1}
NEVER = {GUARD_FIELD: 0}
_NEGATE = {"lt": "gte", "lte": "gt", "gt": "lte", "gte": "lt"}
_DURABLE_OP = {"ne": "$neq", "lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}

Json = dict[str, Any]

# durable_rules 2.0.28 (src/rules/rules.h, events.c), measured through this compiler:
# 256 rules ending on one alpha node segfault and 257+ give error 108 (BETA_LIST_LENGTH 256);
# more than ~64 alpha tests matching one record at once give error 303 (MAX_STACK_SIZE 64).
SHARD_RULES = 64  # rules per ruleset: far below the 255 that may share one alpha node
SHARD_WIDTH = 48  # alternative condition paths per ruleset: below the 64-deep match stack


@dataclass(frozen=True)
class CompiledRule:
    """One rule as durable_rules gets it; *needs* is an enum or bool field and the values of it
    without which the rule cannot match (from a top-level ``eq``/``in``), if it has one."""

    rule_id: str
    pri: int
    condition: Json
    needs: tuple[str, frozenset[Any]] | None = None


@dataclass(frozen=True)
class CompiledRuleset:
    """One decision's rules in force in one period, ready to register; *digest* names the content."""

    decision: str
    rules: tuple[CompiledRule, ...]
    digest: str


def literal(value: Any) -> Any:
    """A rule literal or fact value as durable_rules compares it."""
    if isinstance(value, dt.date):
        return value.toordinal()
    return value


def _leaf(cond: Condition) -> Json:
    if isinstance(cond, Eq):
        return {cond.field: literal(cond.value)}
    if isinstance(cond, In):
        options = [{cond.field: literal(v)} for v in cond.values]
        return options[0] if len(options) == 1 else {"$or": options}
    if isinstance(cond, Compare):
        return {_DURABLE_OP[cond.op]: {cond.field: literal(cond.value)}}
    if isinstance(cond, Between):
        return {"$and": [{"$gte": {cond.field: literal(cond.low)}},
                         {"$lte": {cond.field: literal(cond.high)}}]}
    assert isinstance(cond, Exists)
    return {("$ex" if cond.present else "$nex"): {cond.field: 1}}


def _negated_leaf(cond: Eq | In | Compare | Between | Exists) -> Json:
    """``not cond`` for a leaf: true when the field is missing, else the complementary test."""
    if isinstance(cond, Exists):
        return _leaf(Exists(cond.field, not cond.present))
    missing = {"$nex": {cond.field: 1}}
    if isinstance(cond, Eq):
        present: Json = {"$neq": {cond.field: literal(cond.value)}}
    elif isinstance(cond, In):
        tests = [{"$neq": {cond.field: literal(v)}} for v in cond.values]
        present = tests[0] if len(tests) == 1 else {"$and": tests}
    elif isinstance(cond, Between):
        present = {"$or": [{"$lt": {cond.field: literal(cond.low)}},
                           {"$gt": {cond.field: literal(cond.high)}}]}
    else:
        assert isinstance(cond, Compare)
        present = ({cond.field: literal(cond.value)} if cond.op == "ne"
                   else {_DURABLE_OP[_NEGATE[cond.op]]: {cond.field: literal(cond.value)}})
    return {"$or": [missing, present]}


def lower(cond: Condition, negate: bool = False) -> Json:
    """*cond* (or its negation) as a durable_rules condition, in negation normal form."""
    if isinstance(cond, Not):
        return lower(cond.item, not negate)
    if isinstance(cond, All | Any_):
        conjunction = isinstance(cond, All) != negate
        if not cond.items:
            return GUARD if conjunction else NEVER
        parts = [lower(c, negate) for c in cond.items]
        if len(parts) == 1:
            return parts[0]
        return {"$and": parts} if conjunction else {"$or": parts}
    return _negated_leaf(cond) if negate else _leaf(cond)


def _needs(spec: DecisionSpec, cond: Condition) -> tuple[str, frozenset[Any]] | None:
    """An enum or bool field and the values of it *cond* requires: *cond* is an ``eq``/``in``
    on it, or an ``all`` holding one at its top level (so a record without them fails it)."""
    items = cond.items if isinstance(cond, All) else (cond,)
    for item in items:
        if isinstance(item, Eq | In) and isinstance(spec.inputs.get(item.field), EnumField | BoolField):
            values = (item.value,) if isinstance(item, Eq) else item.values
            return item.field, frozenset(literal(v) for v in values)
    return None


def may_match(ruleset: CompiledRuleset, fact: dict[str, Any]) -> bool:
    """Whether some rule of *ruleset* may match *fact*: False only when every rule needs an enum
    or bool value the fact lacks — then durable_rules would fire nothing, and is not asked."""
    for rule in ruleset.rules:
        if rule.needs is None:
            return True
        name, values = rule.needs
        if fact.get(name) in values:
            return True
    return False


def compile_rules(spec: DecisionSpec, rules: tuple[Rule, ...]) -> CompiledRuleset:
    """The rules of one decision (those in force in one period) as a durable ruleset."""
    if spec.hit_policy == "first":
        ranked = sorted(rules, key=lambda r: r.order)
    else:
        ranked = sorted(rules, key=lambda r: (-r.priority, r.order))
    compiled = tuple(
        CompiledRule(rule.id, rank, {"$and": [GUARD, lower(rule.when)]}, _needs(spec, rule.when))
        for rank, rule in enumerate(ranked))
    return CompiledRuleset(spec.name, compiled, _digest(spec.name, compiled))


def width(condition: Json) -> int:
    """How many alternative paths durable_rules builds for *condition* (``$or`` adds them,
    ``$and`` multiplies them), capped just above :data:`SHARD_WIDTH`."""
    if "$or" in condition:
        return min(sum(width(c) for c in condition["$or"]), SHARD_WIDTH + 1)
    if "$and" in condition:
        total = 1
        for c in condition["$and"]:
            total = min(total * width(c), SHARD_WIDTH + 1)
        return total
    return 1


def shards(ruleset: CompiledRuleset) -> tuple[CompiledRuleset, ...]:
    """*ruleset* cut, in rank order, into rulesets of at most :data:`SHARD_RULES` rules and
    :data:`SHARD_WIDTH` alternative paths (a wider single rule gets a shard of its own), so
    that no record overflows durable_rules' match tables. Each shard is named by its content."""
    groups: list[list[CompiledRule]] = []
    load = 0
    for rule in ruleset.rules:
        cost = width(rule.condition)
        if not groups or len(groups[-1]) >= SHARD_RULES or load + cost > SHARD_WIDTH:
            groups.append([])
            load = 0
        groups[-1].append(rule)
        load += cost
    if len(groups) <= 1:
        return (ruleset,)
    return tuple(CompiledRuleset(ruleset.decision, tuple(g), _digest(ruleset.decision, tuple(g)))
                 for g in groups)


def _digest(decision: str, rules: tuple[CompiledRule, ...]) -> str:
    text = json.dumps([decision, [(c.rule_id, c.pri, c.condition) for c in rules]],
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def definition(ruleset: CompiledRuleset, action_for: Any) -> Json:
    """The dict ``Host.register_rulesets`` takes, with ``action_for(rule_id)`` as each action."""
    return {f"r{c.pri}": {"pri": c.pri, "all": [{"m": c.condition}], "run": action_for(c.rule_id)}
            for c in ruleset.rules}
