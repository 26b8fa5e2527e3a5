"""Agreement of the engine of record with the reference evaluator, cell by cell.

``check`` decides every cell of every period with both engines. Records in one cell satisfy
the same conditions (``policy/partition.py``), so when the two answers agree on every cell
they agree on every valid record and day of the pack: a proof, not a sample. Each cell where
they differ, or where durable_rules fails, becomes an ``engine-disagreement`` finding; a cell
on which durable_rules ends its process (run in a child, ``engine_run.py``) an ``engine-crash``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..engine import Decision, Engine
from ..ir import DecisionSpec, Pack
from .findings import Finding

if TYPE_CHECKING:
    from .engine_run import Breakdown
from .space import example

MAX_SHOWN = 5  # disagreeing cells shown per decision; the rest are counted
MAX_NAMED = 12  # rules named in one message; the rest are counted (all are in the finding's rules)


def answer(decided: Decision) -> dict[str, Any]:
    """What an engine answered for one cell: outcome, deciding rule, matched set, obligations."""
    return {"outcome": decided.outcome, "rule": decided.rule,
            "matched": [m.rule for m in decided.matched], "obligations": list(decided.obligations)}


def _say(answer: dict[str, Any] | str) -> str:
    if isinstance(answer, str):
        return f"fails ({answer})"
    by = answer["rule"] or ("the default" if answer["outcome"] is not None else "nothing")
    return (f"decides {answer['outcome']} by {by} (matched: {', '.join(answer['matched']) or 'none'}; "
            f"obligations: {', '.join(answer['obligations']) or 'none'})")


@dataclass
class Agreement:
    """The durable answers to one decision's cells, compared with the reference's as they come."""

    pack: Pack
    spec: DecisionSpec
    engine: Engine | None
    cells: int = 0
    differing: list[tuple[dict[str, Any], dt.date, dict[str, Any], dict[str, Any] | str]] = field(
        default_factory=list)
    disagreements: int = 0
    failed: bool = False  # whether the engine failed (raised) on some cell

    def observe(self, facts: dict[str, Any], day: dt.date, reference: Decision) -> None:
        """Decide *facts* on *day* with the engine and compare with the *reference* decision."""
        assert self.engine is not None, "observe decides with the engine given"
        try:
            decided: dict[str, Any] | str = answer(self.engine.decide_facts(self.spec.name, facts, day))
        except Exception as exc:  # any failure of the engine on a valid cell is the finding
            decided = f"{type(exc).__name__}: {exc}"
        self.compare(facts, day, reference, decided)

    def compare(self, facts: dict[str, Any], day: dt.date, reference: Decision,
                decided: dict[str, Any] | str) -> None:
        """Compare what the engine *decided* for *facts* (or how it failed) with the *reference*."""
        self.cells += 1
        self.failed = self.failed or isinstance(decided, str)
        expected = answer(reference)
        if decided == expected:
            return
        self.disagreements += 1
        if len(self.differing) < MAX_SHOWN:
            self.differing.append((facts, day, expected, decided))

    def findings(self) -> list[Finding]:
        rules = {r.id: r for r in self.pack.rules_for(self.spec.name)}
        out = []
        for facts, day, expected, decided in self.differing:
            involved = [expected["rule"]]
            if isinstance(decided, str):  # the engine failed: every rule matching the cell is involved
                involved += expected["matched"]
            else:
                involved += [decided["rule"], *sorted(set(expected["matched"]) ^ set(decided["matched"]))]
            ids = tuple(dict.fromkeys(r for r in involved if r is not None))
            location = rules[ids[0]].location if ids else self.spec.location
            out.append(Finding(
                "engine-disagreement", self.spec.name,
                f"durable_rules {_say(decided)}, but the reference evaluator {_say(expected)} "
                f"({self.disagreements} of {self.cells} cells of {self.spec.name} disagree)",
                location, ids, example(facts), day,
                answers={"durable_rules": decided, "reference": expected}))
        return out


def crash_finding(pack: Pack, breakdown: Breakdown, reference: Decision, cells: int) -> Finding:
    """The cell on which durable_rules ended its process, with the rules matching it."""
    spec = pack.decisions[breakdown.decision]
    rules = {r.id: r for r in pack.rules_for(spec.name)}
    ids = tuple(m.rule for m in reference.matched)
    shown = ", ".join(ids[:MAX_NAMED]) + (f" and {len(ids) - MAX_NAMED} more" if len(ids) > MAX_NAMED else "")
    location = rules[ids[0]].location if ids else spec.location
    return Finding(
        "engine-crash", spec.name,
        f"durable_rules {breakdown.how} deciding this input of {spec.name}, which "
        f"{len(ids)} rule{'s' * (len(ids) != 1)} match{'es' * (len(ids) == 1)} ({shown or 'none'}); "
        f"{breakdown.answered} of {cells} cells were decided before it; the engine cannot run this pack",
        location, ids, example(breakdown.facts), breakdown.day,
        answers={"durable_rules": breakdown.how, "reference": answer(reference)})
