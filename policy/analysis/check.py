"""Exhaustive semantic checks of a pack over the partition of each decision's inputs.

For every period of every decision, every cell is decided by the reference evaluator; from
who matched and who won, four kinds of finding follow, each with one concrete example:

- gap: a cell no rule decides, where the decision has no default or marks it a gap;
- conflict: two rules at the same top priority with different outcomes (``priority`` only);
- shadowed: a rule that matches some input but never decides one (it lists who does);
- dead: a rule whose condition no valid input satisfies on any day it is in force.

Every cell is also decided by the engine of record (durable_rules), in child processes
(``engine_run.py``); a cell where its answer differs from the reference's, or where it fails,
is an engine-disagreement, and a cell on which it ends its process an engine-crash
(``agreement.py``). The reference's outcome of every cell is kept for the properties, which
look their cells up in it (``matching.DecidedCells``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..durable import DurableEngine
from ..engine import Decision, Engine, resolve
from ..ir import DecisionSpec, Pack, Rule
from .admission import remember
from .agreement import Agreement, crash_finding
from .engine_run import Isolated, schedule
from .findings import Finding
from .matching import DecidedCells, Outcomes, RuleIndex, keep_decided
from .space import example


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
    reference on every cell, in this process; by default durable_rules, posting every cell,
    in child processes (so that a crash of its C code is a finding, not the end of ``check``)
    working while this process decides the same cells with the reference."""
    child = None if engine is not None else Isolated(pack, lambda p: DurableEngine(p, cache=False, admit=False))
    stream = iter(child) if child is not None else None
    findings: list[Finding] = []
    agreements = {name: Agreement(pack, spec, engine) for name, spec in pack.decisions.items()}
    tallies = {name: _Tally() for name in pack.decisions}
    rules = {r.id: r for r in pack.rules}
    matchers: dict[tuple[str, int], RuleIndex] = {}
    outcomes: Outcomes = {}
    crashed: Decision | None = None
    broke_at = -1  # the cell the engine's process broke on, once the answers have run out
    total = 0
    for number, (key, spec, day, cell) in enumerate(schedule(pack)):
        total += 1
        tally = tallies[spec.name]
        tally.cells += 1
        matcher = matchers.get(key[:2])
        if matcher is None:
            matcher = matchers[key[:2]] = RuleIndex(spec, tuple(r for r in pack.rules_for(spec.name)
                                                                if r.effective.covers(day)))
            outcomes[key[:2]] = {}
        decided = resolve(spec, matcher.matching(cell.facts), pack.label, day)
        outcomes[key[:2]][cell.key] = decided.outcome
        if stream is None:
            agreements[spec.name].observe(cell.facts, day, decided)
        elif broke_at < 0:
            given = next(stream, None)
            if given is not None:
                agreements[spec.name].compare(cell.facts, day, decided, given[1])
            else:  # no more answers: the child broke, on this cell or a later one of its run
                broke_at = child.breakdown.answered if child is not None and child.breakdown else number
        if number == broke_at:
            crashed = decided
        _observe(tally, spec, decided, [rules[m.rule] for m in decided.matched], cell.facts, day)
    if child is not None:
        for _ in stream or ():
            pass  # the child has no more cells: this ends it and records how
        if child.breakdown is not None:
            assert crashed is not None, "the cell that broke the engine is one of the schedule's"
            findings.append(crash_finding(pack, child.breakdown, crashed, total))
        elif not any(a.failed for a in agreements.values()):
            remember(pack)  # this pass is the admission proof too
    keep_decided(DecidedCells(pack, outcomes))  # the properties look these up (properties.py)
    for name, spec in pack.decisions.items():
        findings.extend(_findings(tallies[name], pack, spec) + agreements[name].findings())
    return sorted(findings, key=lambda f: (f.location, f.kind))


def check_decision(pack: Pack, spec: DecisionSpec, engine: Engine) -> list[Finding]:
    """The findings of one decision of *pack*, with *engine* compared in this process."""
    only = Pack(pack.name, pack.version, {spec.name: spec}, pack.rules_for(spec.name), pack.root, pack.title)
    return check_pack(only, engine)


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
