"""Change impact: decide every case of a register under two versions of a pack, side by side.

A register line is one case: ``{"id": ID, "decision": D, "at": DAY, "meta": {...}, inputs}``.
``decision`` and ``at`` (else the default day) say what to decide and when; ``meta`` says
whose case it is (``village``, ``role``) and is otherwise ignored. When the two packs declare
different inputs for a decision, a field only one of them declares is that pack's input alone:
the other reads the record without it (a field neither declares is still refused). The result, an
:class:`Impact`, holds per decision the transition counts (old outcome → new outcome), the
changed cases by village and by role, and every case whose outcome changed.

Fast without changing any answer. Every line is parsed (``jsonl.py``). Lines equal but for
id, meta and at hold one case: it is validated once, and decided once per pair of
effective-date periods (old, new) its days fall in; the memo key is the line's decision and
inputs as parsed and written back out by orjson (so ``true`` and ``1`` are told apart exactly
as JSON tells them). A bad line is reported with its line number; the others are still
compared.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from ..engine import Decision, Engine
from ..errors import Diagnostic, Location, PolicysimError
from ..ir import DecisionSpec, Reason
from ..jsonl import read_jsonl
from ..partition import period_index

UNKNOWN = "(unknown)"  # the village or role of a case whose meta does not say


@dataclass(frozen=True)
class Transition:
    """How many cases of one decision went from outcome *old* to outcome *new* (``None``:
    undecided)."""

    old: str | None
    new: str | None
    count: int

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class Breakdown:
    """The cases of one village or role: how many, and how many changed outcome."""

    name: str
    records: int
    changed: int


@dataclass(frozen=True)
class ChangedRecord:
    """One case whose outcome changed, with the rule that decided it before and after."""

    id: Any
    line: int
    decision: str
    at: dt.date
    village: str
    role: str
    old_outcome: str | None
    old_rule: str | None
    new_outcome: str | None
    new_rule: str | None
    new_reason: Reason | None


@dataclass(frozen=True)
class DecisionImpact:
    """The impact on one decision. *rule_only* counts cases that keep their outcome but are
    decided by another rule (their reason and obligations may differ)."""

    decision: str
    outcomes: tuple[str, ...]  # declared by either pack, in declaration order
    records: int
    changed: int
    rule_only: int
    transitions: tuple[Transition, ...]
    by_village: tuple[Breakdown, ...]
    by_role: tuple[Breakdown, ...]
    role_field: str
    changed_records: tuple[ChangedRecord, ...]

    @property
    def percent(self) -> float:
        return 100.0 * self.changed / self.records if self.records else 0.0


@dataclass(frozen=True)
class Impact:
    """What changing pack *old* into pack *new* does to the cases of register *source*
    (packs named ``name@version``, with their folder when both names are the same)."""

    old: str
    new: str
    source: str
    decisions: tuple[DecisionImpact, ...]
    errors: tuple[Diagnostic, ...]

    @property
    def records(self) -> int:
        return sum(d.records for d in self.decisions)

    @property
    def changed(self) -> int:
        return sum(d.changed for d in self.decisions)

    @property
    def percent(self) -> float:
        return 100.0 * self.changed / self.records if self.records else 0.0


@dataclass(frozen=True)
class _Case:
    """What both packs decide for one distinct case on the days of one pair of periods."""

    decision: str
    role: str | None          # the case's own ``role`` input, when its decision has one
    old: Decision
    new: Decision


class _Inputs:
    """A distinct case without its day (lines equal but for id, meta and at), validated once;
    its days map to the pair of effective-date periods (old, new) they fall in, each pair
    decided once."""

    __slots__ = ("days", "decision", "facts", "periods", "role")

    def __init__(self, decision: str, facts: tuple[dict[str, Any], dict[str, Any]], role: str | None) -> None:
        self.decision, self.facts, self.role = decision, facts, role
        self.days: dict[str | None, int] = {}
        self.periods: dict[tuple[int, int], int] = {}


class _Comparison:
    """One run over a register: the memo of distinct cases and the tally of lines per case."""

    def __init__(self, old: Engine, new: Engine, name: str, default_at: dt.date) -> None:
        self.old, self.new, self.name, self.default_at = old, new, name, default_at
        self.cases: list[_Case] = []
        self.moved: list[bool] = []  # per case: did its outcome change
        self.memo: dict[str, _Inputs] = {}
        self.tally: dict[tuple[int, str, str], int] = {}
        self.changed: list[tuple[int, int, Any, str, str, str | None]] = []  # case, line, id, village, role, day
        self.errors: list[Diagnostic] = []
        self._dates: dict[str, tuple[tuple[dt.date, ...], tuple[dt.date, ...]]] = {}

    def run(self, lines: Iterable[bytes | str]) -> None:
        memo, tally, moved, changed, dumps = self.memo, self.tally, self.moved, self.changed, orjson.dumps
        for number, record in read_jsonl(lines, self.name):
            if record.__class__ is not dict:
                if record.__class__ is Diagnostic:
                    self.errors.append(record)
                else:
                    self._refuse(number, "", "record.type", "a register line must be a JSON object")
                continue
            rid, meta, day = record.pop("id", None), record.pop("meta", None), record.pop("at", None)
            if day is not None and day.__class__ is not str:
                self._refuse(number, "at", "record.value", f"expected a date YYYY-MM-DD, got {json.dumps(day)}")
                continue
            try:
                key: str | None = dumps(record).decode()  # the decision and inputs (str: see batch.py)
            except TypeError:  # an integer beyond 64 bits: not remembered
                key = None
            entry = None if key is None else memo.get(key)
            if entry is None:
                entry = self._validate(record, number, key)
                if entry is None:
                    continue
            index = entry.days.get(day)
            if index is None:
                index = self._on_day(entry, day, number)
                if index is None:
                    continue
            village, role = _meta_fields(meta)
            group = (index, village, role)
            tally[group] = tally.get(group, 0) + 1
            if moved[index]:
                changed.append((index, number, rid, village, role, day))

    def _validate(self, record: dict[str, Any], number: int, key: str | None) -> _Inputs | None:
        """Check *record*'s inputs against both packs' declarations; memoise under *key*."""
        decision = record.get("decision")
        if not isinstance(decision, str):
            problem = "missing required field" if decision is None else "expected a decision name"
            self._refuse(number, "decision", "record.decision", problem)
            return None
        for engine in (self.old, self.new):
            if decision not in engine.pack.decisions:
                self._refuse(number, "decision", "decision.unknown", f"no decision {decision!r} in {engine.pack.label}")
                return None
        inputs = {k: v for k, v in record.items() if k != "decision"}
        where = Location(self.name, number)
        old_spec, new_spec = self.old.pack.decisions[decision], self.new.pack.decisions[decision]
        try:
            old = self.old.validate(decision, _own(inputs, old_spec, new_spec), where)
        except PolicysimError as exc:
            self.errors.append(exc.diagnostics[0])
            return None
        try:
            new = old if old_spec.inputs == new_spec.inputs else self.new.validate(
                decision, _own(inputs, new_spec, old_spec), where)
        except PolicysimError as exc:  # the old pack accepted it: say which pack refused
            found = exc.diagnostics[0]
            self.errors.append(Diagnostic(found.code, f"{found.message} (in {self.new.pack.label})", found.location))
            return None
        role = new.get("role") if "role" in new_spec.inputs else None
        entry = _Inputs(decision, (old, new), None if role is None else str(role))
        if key is not None:
            self.memo[key] = entry
        return entry

    def _on_day(self, entry: _Inputs, day: str | None, number: int) -> int | None:
        """The case of *entry* on *day* (``None``: the default day), decided once per period pair."""
        if day is None:
            at = self.default_at
        else:
            try:
                at = dt.date.fromisoformat(day)
            except ValueError:
                self._refuse(number, "at", "record.value", f"expected a date YYYY-MM-DD, got {json.dumps(day)}")
                return None
        dates = self._dates.get(entry.decision)
        if dates is None:
            dates = self._dates[entry.decision] = (self.old.pack.change_dates(entry.decision),
                                                   self.new.pack.change_dates(entry.decision))
        pair = (period_index(dates[0], at), period_index(dates[1], at))
        index = entry.periods.get(pair)
        if index is None:
            old = self.old.decide_facts(entry.decision, entry.facts[0], at)
            new = self.new.decide_facts(entry.decision, entry.facts[1], at)
            self.cases.append(_Case(entry.decision, entry.role, old, new))
            self.moved.append(old.outcome != new.outcome)
            index = entry.periods[pair] = len(self.cases) - 1
        entry.days[day] = index
        return index

    def _refuse(self, number: int, path: str, code: str, message: str) -> None:
        self.errors.append(Diagnostic(code, message, Location(self.name, number, 0, path)))

    def impact(self) -> Impact:
        per: dict[str, dict[str, Any]] = {}
        for (index, village, role), count in self.tally.items():
            case = self.cases[index]
            acc = per.setdefault(case.decision, {"records": 0, "changed": 0, "rule_only": 0,
                                                 "transitions": {}, "village": {}, "role": {}})
            acc["records"] += count
            moved = self.moved[index]
            if moved:
                acc["changed"] += count
            elif case.old.rule != case.new.rule:
                acc["rule_only"] += count
            pair = (case.old.outcome, case.new.outcome)
            acc["transitions"][pair] = acc["transitions"].get(pair, 0) + count
            for table, name in ((acc["village"], village), (acc["role"], case.role or role)):
                slot = table.setdefault(name, [0, 0])
                slot[0] += count
                slot[1] += count if moved else 0
        listed: dict[str, list[ChangedRecord]] = {}
        for index, number, rid, village, role, day in self.changed:
            case = self.cases[index]
            at = self.default_at if day is None else dt.date.fromisoformat(day)
            listed.setdefault(case.decision, []).append(ChangedRecord(
                rid, number, case.decision, at, village, case.role or role,
                case.old.outcome, case.old.rule, case.new.outcome, case.new.rule, case.new.reason))
        decisions = tuple(self._decision_impact(name, per[name], listed.get(name, []))
                          for name in self._decision_order(per))
        old, new = self.old.pack, self.new.pack
        names = (old.label, new.label)
        if old.label == new.label:
            names = (f"{old.label} ({old.root})", f"{new.label} ({new.root})")
        return Impact(*names, self.name, decisions, tuple(sorted(self.errors, key=lambda d: d.location)))

    def _decision_order(self, per: dict[str, Any]) -> list[str]:
        declared = [*self.new.pack.decisions, *self.old.pack.decisions]
        return sorted(per, key=lambda name: declared.index(name))

    def _decision_impact(self, name: str, acc: dict[str, Any], listed: list[ChangedRecord]) -> DecisionImpact:
        outcomes = tuple(dict.fromkeys((*self.old.pack.decisions[name].outcomes,
                                        *self.new.pack.decisions[name].outcomes)))

        def rank(outcome: str | None) -> int:
            return outcomes.index(outcome) if outcome in outcomes else len(outcomes)

        transitions = tuple(Transition(old, new, n) for (old, new), n in
                            sorted(acc["transitions"].items(), key=lambda t: (rank(t[0][0]), rank(t[0][1]))))
        has_role = "role" in self.new.pack.decisions[name].inputs
        return DecisionImpact(name, outcomes, acc["records"], acc["changed"], acc["rule_only"], transitions,
                              _breakdown(acc["village"]), _breakdown(acc["role"]),
                              "role" if has_role else "meta.role", tuple(listed))


def _own(inputs: dict[str, Any], spec: DecisionSpec, other: DecisionSpec) -> dict[str, Any]:
    """*inputs* without the fields only *other* declares: when one pack adds or drops an input,
    a record carrying both packs' fields is read by each pack as its own inputs. A field
    neither pack declares is kept, so validation still refuses it as unknown."""
    foreign = other.inputs.keys() - spec.inputs.keys()
    return {k: v for k, v in inputs.items() if k not in foreign} if foreign & inputs.keys() else inputs


def _breakdown(table: dict[str, list[int]]) -> tuple[Breakdown, ...]:
    rows = [Breakdown(name, records, changed) for name, (records, changed) in table.items()]
    return tuple(sorted(rows, key=lambda b: (-b.changed, -b.records, b.name)))


def _meta_fields(meta: Any) -> tuple[str, str]:
    if not isinstance(meta, dict):
        return UNKNOWN, UNKNOWN
    village, role = meta.get("village"), meta.get("role")
    return (village if isinstance(village, str) else UNKNOWN, role if isinstance(role, str) else UNKNOWN)


def diff_lines(old: Engine, new: Engine, lines: Iterable[bytes | str], name: str, at: dt.date) -> Impact:
    """Decide every case of the JSON Lines *lines* (named *name* in errors) under *old* and
    *new*; cases without ``at`` are decided on day *at*."""
    comparison = _Comparison(old, new, name, at)
    comparison.run(lines)
    return comparison.impact()


def diff_records(old: Engine, new: Engine, records: Iterable[dict[str, Any]], at: dt.date,
                 name: str = "<records>") -> Impact:
    """:func:`diff_lines` over records already in memory (numbered from 1 in errors)."""
    return diff_lines(old, new, (json.dumps(r, ensure_ascii=False, default=str) for r in records), name, at)


__all__ = ["Breakdown", "ChangedRecord", "DecisionImpact", "Impact", "Transition", "diff_lines",
           "diff_records"]
