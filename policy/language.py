"""The policy language: YAML documents → IR, checked against the pack's declarations.

A document's structure is checked first, by its format (:mod:`policy.formats`); what is
checked here needs the pack: that a decision, field, value or outcome is declared, that a
literal fits its field's type. Parsing never stops at the first problem: every problem becomes
a located :class:`~policy.errors.Diagnostic` in a :class:`Problems` list, so an author sees
them all. The grammar is documented in ``docs/policy-language.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import TypeAdapter

from . import formats
from .errors import Diagnostic, Location, PackError, PolicysimError
from .format_check import check, describe
from .formats import FIELD_OPS, HIT_POLICIES, ORDERING, PASS_THROUGH, as_date, is_date, is_number
from .ir import (
    All,
    Any_,
    Between,
    BoolField,
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
from .yaml_doc import Doc, Path_, load_yaml

__all__ = ["FIELD_OPS", "HIT_POLICIES", "Problems", "describe", "parse_condition", "parse_decision",
           "parse_list_file", "parse_rule"]


@dataclass
class Problems:
    """Diagnostics collected while reading one or more documents."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, doc: Doc, path: Path_, code: str, message: str, key: bool = False) -> None:
        self.items.append(Diagnostic(code, message, doc.loc(path, key)))

    def check(self, adapter: TypeAdapter[Any], doc: Doc, path: Path_, raw: Any) -> Any | None:
        """*raw* as its format's model, or ``None`` after noting each structural problem."""
        return check(adapter, doc, path, raw, self.items)

    def duplicate_ids(self, items: Sequence[Identified], kind: str) -> None:
        """Note every item whose id an earlier one already has (rules, properties)."""
        seen: dict[str, Identified] = {}
        for item in items:
            first = seen.setdefault(item.id, item)
            if first is not item:
                self.items.append(Diagnostic(
                    f"{kind}.duplicate-id", f"duplicate {kind} id {item.id!r} (first defined at {first.location})",
                    replace(item.location, path=f"{item.location.path}.id")))


class Identified(Protocol):
    """A parsed item with an id and a place: a rule or a property."""

    @property
    def id(self) -> str: ...

    @property
    def location(self) -> Location: ...


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


# --- declarations -------------------------------------------------------------------------


def _field(name: str, decl: formats.EnumInput | formats.TypedInput) -> Field:
    """One input declaration (already well-formed) as IR."""
    if isinstance(decl, formats.EnumInput):
        return EnumField(name, tuple(decl.enum), decl.required)
    if decl.type == "bool":
        return BoolField(name, decl.required)
    if decl.type == "date":
        return DateField(name, decl.required)
    return NumberField(name, decl.min, decl.max, decl.unit or "", decl.integer, decl.required)


def parse_decision(doc: Doc, path: Path_, name: str, decl: formats.DecisionDoc,
                   problems: Problems) -> DecisionSpec:
    """One (well-formed) entry of ``decisions:`` in pack.yaml, checked against itself."""
    if decl.default is not None and decl.default not in decl.outcomes:
        problems.add(doc, (*path, "default"), "rule.unknown-outcome",
                     f"default {describe(decl.default)} is not one of the outcomes")
    for fname in decl.inputs:
        if fname in PASS_THROUGH:
            problems.add(doc, (*path, "inputs", fname), "schema.reserved",
                         f"{describe(fname)} is reserved: decide echoes it back and never reads it as an input",
                         key=True)
    inputs = {fname: _field(fname, fdecl) for fname, fdecl in decl.inputs.items()}
    return DecisionSpec(name, inputs, tuple(decl.outcomes), decl.hit_policy, decl.default,
                        decl.default_is_gap, doc.loc(path), decl.description or "")


# --- rules --------------------------------------------------------------------------------


def parse_rule(doc: Doc, path: Path_, raw: Any, decisions: dict[str, DecisionSpec],
               problems: Problems) -> Rule | None:
    """One rule of a rule file; ``None`` when it is malformed or does not fit the pack."""
    rule = problems.check(formats.RULE, doc, path, raw)
    if rule is None:
        return None
    before = len(problems.items)
    spec = decisions.get(rule.decision)
    if spec is None:
        problems.add(doc, (*path, "decision"), "rule.unknown-decision",
                     f"unknown decision {describe(rule.decision)}; the pack declares "
                     f"{', '.join(decisions) or 'none'}")
        return None
    if rule.then not in spec.outcomes:
        problems.add(doc, (*path, "then"), "rule.unknown-outcome",
                     f"outcome {describe(rule.then)} is not declared for {spec.name} "
                     f"(one of {', '.join(spec.outcomes)})")
    effective = Effective()
    if rule.effective is not None:
        effective = Effective(rule.effective.from_, rule.effective.to)
        if effective.start and effective.end and effective.end < effective.start:
            problems.add(doc, (*path, "effective", "to"), "schema.date",
                         f"to ({effective.end}) is before from ({effective.start})")
    when = parse_condition(doc, (*path, "when"), raw["when"], spec, problems) if "when" in raw else All(())
    if len(problems.items) > before or when is None:
        return None
    return Rule(rule.id, spec.name, rule.priority, when, rule.then, tuple(rule.obligations or ()),
                Reason(rule.reason.zh, rule.reason.en), rule.source, effective, doc.loc(path))


# --- conditions ---------------------------------------------------------------------------


def parse_condition(doc: Doc, path: Path_, raw: Any, spec: DecisionSpec,
                    problems: Problems) -> Condition | None:
    """A (well-formed) ``when`` mapping: every entry must hold; each field must be one of
    *spec*'s inputs and each literal of its type."""
    parts: list[Condition] = []
    ok = True
    for key, value in raw.items():
        sub = (*path, key)
        if key in ("all", "any"):
            items = [parse_condition(doc, (*sub, i), v, spec, problems) for i, v in enumerate(value)]
            if all(item is not None for item in items):
                parts.append(All(tuple(items)) if key == "all" else Any_(tuple(items)))  # type: ignore[arg-type]
            else:
                ok = False
        elif key == "not":
            item = parse_condition(doc, sub, value, spec, problems)
            ok = ok and item is not None
            if item is not None:
                parts.append(Not(item))
        elif key in spec.inputs:
            tests = _field_tests(doc, sub, spec.inputs[key], value, problems)
            ok = ok and tests is not None
            parts.extend(tests or ())
        else:
            ok = False
            problems.add(doc, sub, "rule.unknown-field", key=True, message=
                         f"unknown field {describe(key)} for {spec.name} "
                         f"(inputs: {', '.join(spec.inputs)}; combinators: all, any, not)")
    if not ok:
        return None
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def _field_tests(doc: Doc, path: Path_, decl: Field, raw: Any, problems: Problems) -> list[Condition] | None:
    name = decl.name
    before = len(problems.items)
    if not isinstance(raw, dict):
        value = _literal(doc, path, decl, raw, problems)
        return None if value is None else [Eq(name, value)]
    tests: list[Condition] = []
    for op, arg in raw.items():
        sub = (*path, op)
        if op == "exists":
            tests.append(Exists(name, arg))
        elif op == "in":
            values = [_literal(doc, (*sub, i), decl, v, problems) for i, v in enumerate(arg)]
            if all(v is not None for v in values):
                tests.append(In(name, tuple(values)))
        elif op == "between" and _ordered(doc, sub, decl, op, problems):
            low, high = (_literal(doc, (*sub, i), decl, v, problems) for i, v in enumerate(arg))
            if low is not None and high is not None:
                if high < low:
                    problems.add(doc, sub, "rule.empty-range", f"between [{low}, {high}] is empty")
                tests.append(Between(name, low, high))
        elif op == "ne" or (op in ORDERING and _ordered(doc, sub, decl, op, problems)):
            value = _literal(doc, sub, decl, arg, problems)
            if value is not None:
                tests.append(Compare(name, op, value))
    return None if len(problems.items) > before else tests


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
        if is_date(as_date(value)):
            return as_date(value)
        problems.add(doc, path, "rule.type-mismatch", f"{decl.name} is a date (YYYY-MM-DD); got {describe(value)}")
    elif is_number(value):
        if not engine_safe_number(value):
            problems.add(doc, path, "rule.number-range",
                         f"{value} is outside what the engine compares exactly (use 0 or 1e-4 ≤ |x| < 1e15)")
            return None
        return value
    else:
        problems.add(doc, path, "rule.type-mismatch", f"{decl.name} is a number; got {describe(value)}")
    return None


def engine_safe_number(value: float) -> bool:
    """Whether durable_rules parses *value* as written (it rejects ``1e-05``-style literals)."""
    return value == 0 or (1e-4 <= abs(value) < 1e15)
