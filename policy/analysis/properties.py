"""Declared properties of a pack (``properties.yaml``), proved over the partition.

Two forms::

    - id: no-fever-admitted                  # whenever `when` holds, the outcome is allowed
      decision: gate_admission
      when: {temperature_c: {gte: 37.3}}
      expect: {outcome: {not_in: [admit, admit_and_register]}}     # or {in: [...]} or a name
      description: Nobody with a fever is admitted

    - id: origin-risk-never-relaxes          # raising an input never relaxes the outcome
      decision: quarantine_status
      monotone:
        field: origin
        order: [local, beijing_other_district, outside_beijing, hubei]   # or ascending|descending
        outcomes: [none, released, home_observation, centralized, medical_referral]  # least strict first

Either may carry ``effective: {from: 2020-01-24}`` (either end optional, inclusive): it must
hold only on those days, as a measure holds only while it is in force. Both are checked on
every cell of every period (``space.py``), so a pass is a proof over all
valid inputs and days; a failure comes with a counterexample.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import formats
from ..engine import Decision, Engine, resolve
from ..errors import Location, PackError
from ..ir import TRUE, Condition, DateField, EnumField, NumberField, Pack
from ..language import Problems, describe, parse_condition, parse_list_file
from ..partition import Partition
from ..reference import holds
from ..yaml_doc import Doc
from .findings import Finding
from .matching import RuleIndex, decided_for
from .space import cells, decision_periods, example, period_day


@dataclass(frozen=True)
class Property:
    id: str
    decision: str
    description: str
    location: Location
    when: Condition = TRUE
    allowed: frozenset[str] | None = None      # outcomes allowed whenever `when` holds
    field: str | None = None                   # monotone: the input that raises risk
    order: tuple[Any, ...] = ()                # its values, least risky first (enums)
    descending: bool = False                   # numbers and dates: higher is less risky
    ranks: tuple[str, ...] = ()                # outcomes, least strict first
    start: dt.date | None = None               # `effective`: it must hold from … to … (inclusive)
    end: dt.date | None = None

    def in_force(self, start: dt.date | None, end: dt.date | None) -> bool:
        """Whether the days *start*–*end* (open ends: unbounded) meet the property's own days."""
        return ((self.end is None or start is None or start <= self.end)
                and (self.start is None or end is None or end >= self.start))

    def allows(self, outcome: str | None) -> bool:
        return self.allowed is None or outcome in self.allowed


def load_properties(pack: Pack) -> tuple[Property, ...]:
    """The pack's ``properties.yaml`` (none when absent); located errors as a :class:`PackError`."""
    path = Path(pack.root) / "properties.yaml"
    if not path.is_file():
        return ()
    problems = Problems()
    out = parse_list_file(path, "properties.yaml", lambda doc, i, raw: _parse(doc, i, raw, pack, problems),
                          problems)
    problems.duplicate_ids(out, "property")
    if problems.items:
        raise PackError(problems.items)
    return tuple(out)


def _parse(doc: Doc, i: int, raw: Any, pack: Pack, problems: Problems) -> Property | None:
    path: tuple[Any, ...] = (i,)
    prop = problems.check(formats.PROPERTY, doc, path, raw)
    if prop is None:
        return None
    before = len(problems.items)
    spec = pack.decisions.get(prop.decision)
    if spec is None:
        problems.add(doc, (*path, "decision"), "property.unknown-decision",
                     f"unknown decision {describe(prop.decision)}")
        return None
    when = parse_condition(doc, (*path, "when"), raw["when"], spec, problems) if "when" in raw else TRUE
    base = {"id": prop.id, "decision": spec.name, "location": doc.loc(path),
            "description": prop.description or "", "when": when or TRUE,
            "start": prop.effective.from_ if prop.effective else None,
            "end": prop.effective.to if prop.effective else None}
    if isinstance(prop, formats.ExpectProperty):
        allowed = _allowed(doc, (*path, "expect", "outcome"), prop.expect.outcome, spec.outcomes, problems)
        return None if len(problems.items) > before or allowed is None else Property(**base, allowed=allowed)
    mono = prop.monotone
    mpath = (*path, "monotone")
    decl = spec.inputs.get(mono.field)
    if decl is None:
        problems.add(doc, (*mpath, "field"), "property.unknown-field", f"unknown field {describe(mono.field)}")
        return None
    order: tuple[Any, ...] = ()
    descending = False
    if isinstance(decl, EnumField) and isinstance(mono.order, list):
        order = tuple(mono.order)
        if sorted(order) != sorted(decl.values):
            problems.add(doc, (*mpath, "order"), "property.order",
                         f"order must list every value of {decl.name} once: {', '.join(decl.values)}")
    elif isinstance(decl, NumberField | DateField) and isinstance(mono.order, str):
        descending = mono.order == "descending"
    else:
        problems.add(doc, (*mpath, "order"), "property.order",
                     "order is the list of enum values, least risky first, or ascending|descending")
    ranks = tuple(mono.outcomes)
    if sorted(ranks) != sorted(spec.outcomes):
        problems.add(doc, (*mpath, "outcomes"), "property.order",
                     f"outcomes must list every outcome once, least strict first: {', '.join(spec.outcomes)}")
    if len(problems.items) > before:
        return None
    return Property(**base, field=decl.name, order=order, descending=descending, ranks=ranks)


def _allowed(doc: Doc, path: tuple[Any, ...], spec: Any, outcomes: tuple[str, ...],
             problems: Problems) -> frozenset[str] | None:
    names = [spec] if isinstance(spec, str) else list(getattr(spec, "in_", None) or spec.not_in)
    if any(n not in outcomes for n in names):
        problems.add(doc, path, "property.unknown-outcome", f"expected outcomes from {', '.join(outcomes)}")
        return None
    negate = isinstance(spec, formats.OutcomeNotIn)
    return frozenset(outcomes) - frozenset(names) if negate else frozenset(names)


_UNDECIDED: Any = object()  # a cell ``check`` did not decide (none, when it decided this pack)


def check_properties(pack: Pack, properties: tuple[Property, ...]) -> list[Finding]:
    """A finding, with a counterexample, for each property that some cell breaks. When ``check``
    has just decided this *pack*, each cell's outcome is looked up in what it decided (the cell
    of the rules' partition holding the property's cell), not decided again."""
    known = decided_for(pack)
    return [f for prop in properties if (f := _check(pack, prop, known.outcomes if known else {})) is not None]


def _check(pack: Pack, prop: Property, known: dict[tuple[str, int], dict[Any, str | None]]) -> Finding | None:
    spec = pack.decisions[prop.decision]
    for period in decision_periods(pack, prop.decision):
        if not prop.in_force(period.start, period.end):
            continue
        day = max(period_day(period), prop.start) if prop.start and period.start is None else period_day(period)
        decided: dict[tuple[Any, ...], tuple[dict[str, Any], str | None]] = {}
        index = RuleIndex(spec, period.rules)
        table = known.get((prop.decision, period.index))
        partition = Partition(spec, period.rules)
        for cell in cells(spec, period.rules, (prop.when,)):
            if prop.field is None and not holds(prop.when, cell.facts):
                continue                          # outside the property: nothing to decide
            outcome = table.get(partition.cell(cell.facts), _UNDECIDED) if table is not None else _UNDECIDED
            if outcome is _UNDECIDED:
                outcome = resolve(spec, index.matching(cell.facts), pack.label, day).outcome
            if prop.field is None:
                if not prop.allows(outcome):
                    return _broken(prop, f"decides {outcome}", cell.facts, day)
            else:
                decided[cell.key] = (cell.facts, outcome)
        if prop.field is not None:
            found = _monotone_violation(prop, decided)
            if found is not None:
                (low, out_low), (high, out_high) = found
                return _broken(prop, f"the riskier {prop.field}={example(high)[prop.field]} decides "
                               f"{out_high}, less strict than {out_low} for {prop.field}="
                               f"{example(low)[prop.field]}", high, day)
    return None


def _monotone_violation(prop: Property, decided: dict[tuple[Any, ...], Any]) -> Any:
    """Two cells equal but for the property's field, the riskier one decided less strictly."""
    groups: dict[tuple[Any, ...], list[tuple[Any, dict[str, Any], str]]] = {}
    for _key, (facts, outcome) in decided.items():
        value = facts.get(prop.field)
        if value is None or outcome is None:
            continue
        rest = tuple(sorted((k, v) for k, v in facts.items() if k != prop.field))
        risk: float
        if prop.order:
            risk = prop.order.index(value)
        else:  # numbers and dates (as day numbers, which negate), least risky first
            risk = value.toordinal() if isinstance(value, dt.date) else value
            risk = -risk if prop.descending else risk
        groups.setdefault(rest, []).append((risk, facts, outcome))
    rank = {o: i for i, o in enumerate(prop.ranks)}
    for members in groups.values():
        members.sort(key=lambda m: m[0])
        for (_, low, out_low), (_, high, out_high) in itertools.pairwise(members):
            if rank[out_high] < rank[out_low]:
                return (low, out_low), (high, out_high)
    return None


def _broken(prop: Property, what: str, facts: dict[str, Any], day: dt.date) -> Finding:
    return Finding("property", prop.decision, f"property {prop.id} fails: {what}"
                   + (f" ({prop.description})" if prop.description else ""),
                   prop.location, (prop.id,), example(facts), day)


def holds_for(prop: Property, engine: Engine, record: dict[str, Any], at: dt.date) -> bool:
    """Whether one record keeps a `when/expect` property (for randomised checks)."""
    if not prop.in_force(at, at):
        return True
    facts = engine.validate(prop.decision, record)
    decided: Decision = engine.decide_facts(prop.decision, facts, at)
    return not holds(prop.when, facts) or prop.allows(decided.outcome)

