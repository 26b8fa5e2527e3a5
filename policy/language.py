"""The policy language: YAML documents → IR, checked against the pack's declarations.

Parsing never stops at the first problem: every problem becomes a located
:class:`~policy.errors.Diagnostic` in a :class:`Problems` list, so an author sees them all.
The grammar is documented in ``docs/policy-language.md``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .errors import Diagnostic, PackError, PolicysimError
from .yaml_doc import Doc, Path_, load_yaml
from .ir import (
    All,
    Any_,
    BoolField,
    Between,
    Compare,
    Condition,
    DateField,
    DecisionSpec,
    Effective,
    EnumField,
    Eq,
    Exists,
    Field,
    In,
    Not,
    NumberField,
    Reason,
    Rule,
)

NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
RULE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*\Z")
HIT_POLICIES = ("priority", "first", "collect")
ORDERING = ("lt", "lte", "gt", "gte")
FIELD_OPS = ("in", "ne", *ORDERING, "between", "exists")


@dataclass
class Problems:
    """Diagnostics collected while reading one or more documents."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, doc: Doc, path: Path_, code: str, message: str, key: bool = False) -> None:
        self.items.append(Diagnostic(code, message, doc.loc(path, key)))


T = TypeVar("T")


def parse_list_file(path: Path, what: str, parse: Callable[[Doc, int, Any], T | None],
                    problems: Problems) -> list[T]:
    """The items of a YAML file that holds a list (rules, test cases, properties), each read
    by *parse*; every problem, the file's own included, goes to *problems*."""
    try:
        doc = load_yaml(path, PackError)
    except PolicysimError as exc:
        problems.items.extend(exc.diagnostics)
        return []
    if not isinstance(doc.data, list):
        if doc.data is not None:
            problems.add(doc, (), "schema.type", f"{what} must be a YAML list")
        return []
    return [item for i, raw in enumerate(doc.data) if (item := parse(doc, i, raw)) is not None]


def describe(value: Any) -> str:
    """A value as an author wrote it, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def check_keys(doc: Doc, path: Path_, mapping: dict[str, Any], allowed: tuple[str, ...],
               required: tuple[str, ...], problems: Problems) -> None:
    """Report unknown and missing keys of *mapping*."""
    for key in mapping:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (did you mean {describe(close[0])}?)" if close else f"; expected one of {', '.join(allowed)}"
            problems.add(doc, (*path, key), "schema.unknown-key", f"unknown key {describe(key)}{hint}",
                         key=True)
    for key in required:
        if key not in mapping:
            problems.add(doc, path, "schema.missing-key", f"missing required key {describe(key)}")


# --- declarations -------------------------------------------------------------------------

_FIELD_KEYS = ("enum", "type", "min", "max", "unit", "integer", "required", "description")


def parse_field(doc: Doc, path: Path_, name: str, raw: Any, problems: Problems) -> Field | None:
    """One input declaration, e.g. ``{enum: [a, b]}`` or ``{type: number, min: 34}``."""
    if not isinstance(raw, dict):
        problems.add(doc, path, "schema.type", f"an input is declared as a mapping, got {describe(raw)}")
        return None
    check_keys(doc, path, raw, _FIELD_KEYS, (), problems)
    required = raw.get("required", True)
    if not isinstance(required, bool):
        problems.add(doc, (*path, "required"), "schema.type", "required must be true or false")
        required = True
    if "enum" in raw:
        values = raw["enum"]
        if (not isinstance(values, list) or not values
                or not all(isinstance(v, str) for v in values)):
            problems.add(doc, (*path, "enum"), "schema.type", "enum must be a non-empty list of names")
            return None
        if len(set(values)) != len(values):
            problems.add(doc, (*path, "enum"), "schema.duplicate", "enum lists a value twice")
        return EnumField(name, tuple(values), required)
    kind = raw.get("type")
    if kind == "bool":
        return BoolField(name, required)
    if kind == "date":
        return DateField(name, required)
    if kind == "number":
        bounds = {}
        for key in ("min", "max"):
            if key in raw and not _is_number(raw[key]):
                problems.add(doc, (*path, key), "schema.type", f"{key} must be a number")
            elif key in raw:
                bounds[key] = raw[key]
        integer = raw.get("integer", False)
        if not isinstance(integer, bool):
            problems.add(doc, (*path, "integer"), "schema.type", "integer must be true or false")
            integer = False
        return NumberField(name, bounds.get("min"), bounds.get("max"), str(raw.get("unit", "")),
                           integer, required)
    problems.add(doc, (*path, "type") if "type" in raw else path, "schema.type",
                 f"an input needs enum: [...] or type: bool|number|date, got {describe(kind)}")
    return None


_DECISION_KEYS = ("description", "inputs", "outcomes", "hit_policy", "default", "default_is_gap")


def parse_decision(doc: Doc, path: Path_, name: str, raw: Any,
                   problems: Problems) -> DecisionSpec | None:
    """One entry of ``decisions:`` in pack.yaml."""
    if not isinstance(raw, dict):
        problems.add(doc, path, "schema.type", f"decision {name!r} must be a mapping")
        return None
    if not NAME.match(name):
        problems.add(doc, path, "schema.name", f"decision name {name!r} must match [a-z][a-z0-9_]*")
    check_keys(doc, path, raw, _DECISION_KEYS, ("inputs", "outcomes"), problems)
    inputs: dict[str, Field] = {}
    raw_inputs = raw.get("inputs", {})
    if not isinstance(raw_inputs, dict) or not raw_inputs:
        problems.add(doc, (*path, "inputs"), "schema.type", "inputs must be a non-empty mapping")
        raw_inputs = {}
    for field_name, decl in raw_inputs.items():
        fpath = (*path, "inputs", field_name)
        if not isinstance(field_name, str) or not NAME.match(field_name):
            problems.add(doc, fpath, "schema.name",
                         f"input name {describe(field_name)} must match [a-z][a-z0-9_]*")
            continue
        parsed = parse_field(doc, fpath, field_name, decl, problems)
        if parsed is not None:
            inputs[field_name] = parsed
    outcomes = raw.get("outcomes", [])
    if not isinstance(outcomes, list) or not outcomes or not all(isinstance(o, str) for o in outcomes):
        problems.add(doc, (*path, "outcomes"), "schema.type", "outcomes must be a non-empty list of names")
        outcomes = []
    hit_policy = raw.get("hit_policy", "priority")
    if hit_policy not in HIT_POLICIES:
        problems.add(doc, (*path, "hit_policy"), "schema.value",
                     f"hit_policy must be one of {', '.join(HIT_POLICIES)}, got {describe(hit_policy)}")
        hit_policy = "priority"
    default = raw.get("default")
    if default is not None and default not in outcomes:
        problems.add(doc, (*path, "default"), "rule.unknown-outcome",
                     f"default {describe(default)} is not one of the outcomes")
    gap = raw.get("default_is_gap", False)
    if not isinstance(gap, bool):
        problems.add(doc, (*path, "default_is_gap"), "schema.type", "default_is_gap must be true or false")
        gap = False
    return DecisionSpec(name, inputs, tuple(outcomes), hit_policy, default, gap,
                        doc.loc(path), str(raw.get("description", "")))


# --- rules --------------------------------------------------------------------------------

_RULE_KEYS = ("id", "decision", "priority", "when", "then", "obligations", "reason", "source",
              "effective", "description")


def parse_rule(doc: Doc, path: Path_, raw: Any, decisions: dict[str, DecisionSpec],
               problems: Problems) -> Rule | None:
    """One rule of a rule file; ``None`` when it is too broken to keep."""
    if not isinstance(raw, dict):
        problems.add(doc, path, "schema.type", f"a rule must be a mapping, got {describe(raw)}")
        return None
    before = len(problems.items)
    check_keys(doc, path, raw, _RULE_KEYS, ("id", "decision", "then", "reason", "source"), problems)
    rule_id = raw.get("id")
    if "id" in raw and (not isinstance(rule_id, str) or not RULE_ID.match(rule_id)):
        problems.add(doc, (*path, "id"), "schema.value", f"rule id {describe(rule_id)} must match [A-Za-z0-9][A-Za-z0-9_.-]*")
    spec = decisions.get(raw.get("decision"))  # type: ignore[arg-type]
    if "decision" in raw and spec is None:
        problems.add(doc, (*path, "decision"), "rule.unknown-decision",
                     f"unknown decision {describe(raw['decision'])}; the pack declares "
                     f"{', '.join(decisions) or 'none'}")
    priority = raw.get("priority", 0)
    if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority < 2**31:
        problems.add(doc, (*path, "priority"), "schema.type",
                     f"priority must be a whole number from 0 to {2**31 - 1}, got {describe(priority)}")
        priority = 0
    then = raw.get("then")
    if spec is not None and "then" in raw and then not in spec.outcomes:
        problems.add(doc, (*path, "then"), "rule.unknown-outcome",
                     f"outcome {describe(then)} is not declared for {spec.name} "
                     f"(one of {', '.join(spec.outcomes)})")
    obligations = raw.get("obligations", [])
    if not isinstance(obligations, list) or not all(isinstance(o, str) for o in obligations):
        problems.add(doc, (*path, "obligations"), "schema.type", "obligations must be a list of names")
        obligations = []
    reason = _parse_reason(doc, (*path, "reason"), raw.get("reason"), problems) if "reason" in raw else None
    source = raw.get("source")
    if "source" in raw and (not isinstance(source, str) or not source.strip()):
        problems.add(doc, (*path, "source"), "schema.type", "source must be non-empty text")
    effective = _parse_effective(doc, (*path, "effective"), raw.get("effective"), problems)
    when = All(())
    if "when" in raw and spec is not None:
        parsed = parse_condition(doc, (*path, "when"), raw["when"], spec, problems)
        when = parsed if parsed is not None else when
    if len(problems.items) > before or spec is None or reason is None:
        return None
    return Rule(rule_id, spec.name, priority, when, then, tuple(obligations), reason,
                str(source), effective, doc.loc(path))


def _parse_reason(doc: Doc, path: Path_, raw: Any, problems: Problems) -> Reason | None:
    if not isinstance(raw, dict):
        problems.add(doc, path, "schema.type", "reason must be a mapping {zh: ..., en: ...}")
        return None
    check_keys(doc, path, raw, ("zh", "en"), ("zh", "en"), problems)
    if not all(isinstance(raw.get(k), str) and raw[k].strip() for k in ("zh", "en")):
        problems.add(doc, path, "schema.type", "reason.zh and reason.en must be non-empty text")
        return None
    return Reason(raw["zh"], raw["en"])


def _parse_effective(doc: Doc, path: Path_, raw: Any, problems: Problems) -> Effective:
    if raw is None:
        return Effective()
    if not isinstance(raw, dict):
        problems.add(doc, path, "schema.type", "effective must be a mapping {from: DATE, to: DATE}")
        return Effective()
    check_keys(doc, path, raw, ("from", "to"), (), problems)
    ends = []
    for key in ("from", "to"):
        value = raw.get(key)
        if value is not None and not _is_date(value):
            problems.add(doc, (*path, key), "schema.date", f"{key} must be a date YYYY-MM-DD, got {describe(value)}")
            value = None
        ends.append(value)
    if ends[0] and ends[1] and ends[1] < ends[0]:
        problems.add(doc, (*path, "to"), "schema.date", f"to ({ends[1]}) is before from ({ends[0]})")
    return Effective(ends[0], ends[1])


# --- conditions ---------------------------------------------------------------------------


def parse_condition(doc: Doc, path: Path_, raw: Any, spec: DecisionSpec,
                    problems: Problems) -> Condition | None:
    """A ``when`` mapping: every entry must hold."""
    if not isinstance(raw, dict):
        problems.add(doc, path, "schema.type", f"a condition must be a mapping, got {describe(raw)}")
        return None
    parts: list[Condition] = []
    for key, value in raw.items():
        sub = (*path, key)
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                problems.add(doc, sub, "schema.type", f"{key} must be a non-empty list of conditions")
                continue
            items = [parse_condition(doc, (*sub, i), v, spec, problems) for i, v in enumerate(value)]
            if all(item is not None for item in items):
                parts.append(All(tuple(items)) if key == "all" else Any_(tuple(items)))  # type: ignore[arg-type]
        elif key == "not":
            item = parse_condition(doc, sub, value, spec, problems)
            if item is not None:
                parts.append(Not(item))
        elif key in spec.inputs:
            parts.extend(_field_tests(doc, sub, spec.inputs[key], value, problems))
        else:
            problems.add(doc, sub, "rule.unknown-field", key=True, message=
                         f"unknown field {describe(key)} for {spec.name} "
                         f"(inputs: {', '.join(spec.inputs)}; combinators: all, any, not)")
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def _field_tests(doc: Doc, path: Path_, decl: Field, raw: Any, problems: Problems) -> list[Condition]:
    name = decl.name
    if not isinstance(raw, dict):
        value = _literal(doc, path, decl, raw, problems)
        return [] if value is None else [Eq(name, value)]
    tests: list[Condition] = []
    for op, arg in raw.items():
        sub = (*path, op)
        if op not in FIELD_OPS:
            problems.add(doc, sub, "rule.unknown-operator", key=True, message=
                         f"unknown operator {describe(op)}; expected one of {', '.join(FIELD_OPS)}")
        elif op == "exists":
            if not isinstance(arg, bool):
                problems.add(doc, sub, "schema.type", "exists takes true or false")
            else:
                tests.append(Exists(name, arg))
        elif op == "in":
            if not isinstance(arg, list) or not arg:
                problems.add(doc, sub, "schema.type", "in takes a non-empty list")
                continue
            values = [_literal(doc, (*sub, i), decl, v, problems) for i, v in enumerate(arg)]
            if all(v is not None for v in values):
                tests.append(In(name, tuple(values)))  # type: ignore[arg-type]
        elif op == "between":
            if not _ordered(doc, sub, decl, op, problems):
                continue
            if not isinstance(arg, list) or len(arg) != 2:
                problems.add(doc, sub, "schema.type", "between takes a list of two values [low, high]")
                continue
            low, high = (_literal(doc, (*sub, i), decl, v, problems) for i, v in enumerate(arg))
            if low is not None and high is not None:
                if high < low:  # type: ignore[operator]
                    problems.add(doc, sub, "rule.empty-range", f"between [{low}, {high}] is empty")
                tests.append(Between(name, low, high))
        else:
            if op in ORDERING and not _ordered(doc, sub, decl, op, problems):
                continue
            value = _literal(doc, sub, decl, arg, problems)
            if value is not None:
                tests.append(Compare(name, op, value))  # type: ignore[arg-type]
    if not raw:
        problems.add(doc, path, "schema.type", f"no test given for {name}")
    return tests


def _ordered(doc: Doc, path: Path_, decl: Field, op: str, problems: Problems) -> bool:
    if isinstance(decl, NumberField | DateField):
        return True
    problems.add(doc, path, "rule.type-mismatch",
                 f"{op} needs a number or date field; {decl.name} is {decl.kind}")
    return False


def _literal(doc: Doc, path: Path_, decl: Field, value: Any, problems: Problems) -> Any:
    """A rule literal, checked against the field's declaration."""
    if isinstance(decl, EnumField):
        if value in decl.values and isinstance(value, str):
            return value
        problems.add(doc, path, "rule.unknown-value",
                     f"{describe(value)} is not a value of {decl.name} (one of {', '.join(decl.values)})")
    elif isinstance(decl, BoolField):
        if isinstance(value, bool):
            return value
        problems.add(doc, path, "rule.type-mismatch", f"{decl.name} is a bool; got {describe(value)}")
    elif isinstance(decl, DateField):
        if _is_date(value):
            return value
        problems.add(doc, path, "rule.type-mismatch", f"{decl.name} is a date (YYYY-MM-DD); got {describe(value)}")
    elif _is_number(value):
        if not engine_safe_number(value):
            problems.add(doc, path, "rule.number-range",
                         f"{value} is outside what the engine compares exactly (use 0 or 1e-4 ≤ |x| < 1e15)")
            return None
        return value
    else:
        problems.add(doc, path, "rule.type-mismatch", f"{decl.name} is a number; got {describe(value)}")
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def engine_safe_number(value: float) -> bool:
    """Whether durable_rules parses *value* as written (it rejects ``1e-05``-style literals)."""
    return value == 0 or (1e-4 <= abs(value) < 1e15)
