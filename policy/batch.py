"""Deciding a register: JSON Lines in, one JSON object per record out, fast.

Records of the same partition cell share one cached :class:`Decision`, so each distinct
decision is serialised once and every output line is the record's ``id`` spliced onto it.
A bad line is reported with its line number and written as an ``error`` object; the other
records are still decided.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from .engine import Decision, Engine
from .errors import Diagnostic, Location, PolicysimError
from .files import read_jsonl


@dataclass
class BatchSummary:
    decided: int = 0
    errors: list[Diagnostic] = field(default_factory=list)


def decide_jsonl(engine: Engine, decision: str, source: IO[str], name: str, at: dt.date,
                 out: IO[str], on_decision: Callable[[Decision], None] | None = None) -> BatchSummary:
    """Decide every record of *source* (named *name* in errors) on day *at*, writing to *out*."""
    engine.spec(decision)
    summary = BatchSummary()
    bodies: dict[int, tuple[Decision, str]] = {}
    dumps = json.dumps
    validate, decide = engine.validate, engine.decide_facts
    write = out.write
    for number, record in read_jsonl(source, name):
        try:
            if isinstance(record, PolicysimError):
                raise record
            facts = validate(decision, record, Location(name, number))
            decided = decide(decision, facts, at)
        except PolicysimError as exc:
            problem = exc.diagnostics[0]
            summary.errors.append(problem)
            rid = record.get("id") if isinstance(record, dict) else None
            write(dumps({"id": rid, "line": number, "error": str(problem)}, ensure_ascii=False) + "\n")
            continue
        cached = bodies.get(id(decided))
        if cached is None:
            cached = bodies[id(decided)] = (decided, dumps(decided.to_json(), ensure_ascii=False)[1:])
        write('{"id": ' + dumps(record.get("id"), ensure_ascii=False) + ", " + cached[1] + "\n")
        summary.decided += 1
        if on_decision is not None:
            on_decision(decided)
    return summary


def explain(decided: Decision, record: dict[str, Any], lang: str = "en") -> str:
    """A decision as a few lines a person reads: outcome, why, and what else matched."""
    rid = record.get("id", "")
    reason = "" if decided.reason is None else (decided.reason.zh if lang == "zh" else decided.reason.en)
    by = decided.rule or ("the default" if decided.outcome else "nothing (undecided)")
    lines = [f"{rid}: {decided.decision} → {decided.outcome}   [{decided.policy}, {decided.at}]",
             f"    decided by {by}: {reason}"]
    if decided.obligations:
        lines.append(f"    obligations: {', '.join(decided.obligations)}")
    for m in decided.matched[1:]:
        lines.append(f"    also matched {m.rule} → {m.outcome}: {m.status}")
    return "\n".join(lines)
