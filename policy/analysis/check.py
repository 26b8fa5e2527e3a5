"""Exhaustive semantic checks of a pack over the partition of each decision's inputs.

For every period of every decision, every cell is decided by the reference evaluator; from
who matched and who won, four kinds of finding follow, each with one concrete example:

- gap: a cell no rule decides, where the decision has no default or marks it a gap;
- conflict: two rules at the same top priority with different outcomes (``priority`` only);
- shadowed: a rule that matches some input but never decides one (it lists who does);
- dead: a rule whose condition no valid input satisfies on any day it is in force.

Every cell is also decided by the engine of record (durable_rules); a cell where its answer
differs from the reference's is an engine-disagreement (``agreement.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..durable import DurableEngine
from ..engine import Decision, Engine
from ..ir import DecisionSpec, Pack, Rule
from ..reference import ReferenceEngine
from .agreement import Agreement
from .findings import Finding
from .space import cells, decision_periods, example, period_day


@dataclass
class _Tally:
    """What one decision's enumeration saw."""

    matched: set[str] = field(default_factory=set)
    decided: set[str] = field(default_factory=set)
    beaten_by: dict[str, set[str]] = field(default_factory=dict)
    beaten_example: dict[str, tuple[dict[str, Any], dt.date]] = field(default_factory=dict)
    conflicts: dict[tuple[str, str], tuple[dict[str, Any], dt.date]] = field(default_factory=dict)
    gaps: int = 0
    gap_example: tuple[dict[str, Any], dt.date] | None = None
    cells: int = 0


def check_pack(pack: Pack, engine: Engine | None = None) -> list[Finding]:
    """Every finding in *pack*, sorted by location. *engine* is the one compared with the
    reference on every cell (durable_rules, posting every cell, by default)."""
    engine = engine or DurableEngine(pack, cache=False)
    findings: list[Finding] = []
    for spec in pack.decisions.values():
        findings.extend(check_decision(pack, spec, engine))
    return sorted(findings, key=lambda f: (f.location, f.kind))


def check_decision(pack: Pack, spec: DecisionSpec, engine: Engine) -> list[Finding]:
    tally = _Tally()
    reference = ReferenceEngine(pack)
    agreement = Agreement(pack, spec, engine)
    rules = {r.id: r for r in pack.rules_for(spec.name)}
    for period in decision_periods(pack, spec.name):
        day = period_day(period)
        for cell in cells(spec, period.rules):
            tally.cells += 1
            decided = reference.decide_facts(spec.name, cell.facts, day)
            agreement.observe(cell.facts, day, decided)
            _observe(tally, spec, decided, [rules[m.rule] for m in decided.matched], cell.facts, day)
    return _findings(tally, pack, spec) + agreement.findings()


def _observe(tally: _Tally, spec: DecisionSpec, decided: Decision, matching: list[Rule],
             facts: dict[str, Any], day: dt.date) -> None:
    if decided.rule is None:
        if spec.default is None or spec.default_is_gap:
            tally.gaps += 1
            tally.gap_example = tally.gap_example or (facts, day)
        return
    tally.matched.update(r.id for r in matching)
    if spec.hit_policy == "collect":
        tally.decided.update(r.id for r in matching)
        return
    tally.decided.add(decided.rule)
    winner = next(r for r in matching if r.id == decided.rule)
    for rule in matching:
        if rule is winner:
            continue
        tally.beaten_by.setdefault(rule.id, set()).add(winner.id)
        tally.beaten_example.setdefault(rule.id, (facts, day))
        if (spec.hit_policy == "priority" and rule.priority == winner.priority
                and rule.then != winner.then):
            tally.conflicts.setdefault((winner.id, rule.id), (facts, day))


def _findings(tally: _Tally, pack: Pack, spec: DecisionSpec) -> list[Finding]:
    rules = {r.id: r for r in pack.rules_for(spec.name)}
    out: list[Finding] = []
    if tally.gap_example is not None:
        facts, day = tally.gap_example
        reason = "it has no default" if spec.default is None else f"its default ({spec.default}) is marked a gap"
        out.append(Finding("gap", spec.name, f"{tally.gaps} of {tally.cells} input cells of {spec.name} "
                           f"are decided by no rule, and {reason}", spec.location,
                           example=example(facts), at=day))
    for (winner, loser), (facts, day) in tally.conflicts.items():
        a, b = rules[winner], rules[loser]
        out.append(Finding("conflict", spec.name,
                           f"{a.id} ({a.then}) and {b.id} ({b.then}) both match at priority {a.priority} "
                           f"(second rule at {b.location})", a.location, (a.id, b.id), example(facts), day))
    for rule in rules.values():
        if rule.id not in tally.matched:
            out.append(Finding("dead", spec.name, f"{rule.id} matches no valid input on any day it is in force",
                               rule.location, (rule.id,)))
        elif rule.id not in tally.decided:
            by = sorted(tally.beaten_by.get(rule.id, ()))
            facts, day = tally.beaten_example[rule.id]
            out.append(Finding("shadowed", spec.name,
                               f"{rule.id} never decides: whenever it matches, {', '.join(by)} "
                               f"{'decides' if len(by) == 1 else 'decide'}",
                               rule.location, (rule.id, *by), example(facts), day))
    return out
