"""Deciding a register: JSON Lines in, one JSON object per record out, fast.

Two memos make this fast without changing any answer. The engine decides each partition
cell once (``durable.py``). Here, lines written ``{"id": ID, ...}`` whose text after a plain ID
is identical hold identical records but for the id, so they share one parse, one
validation and one serialised decision: a repeated line costs a prefix check and a dict
lookup, and its output is its own id text spliced onto the cached body. Other lines are
simply parsed and decided one by one. A bad line is
reported with its line number and written as an ``error`` object; the other records are
still decided.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from .engine import Decision, Engine
from .errors import Diagnostic, FileFormatError, Location, PolicysimError, error

CHUNK = 4096


@dataclass
class BatchSummary:
    decided: int = 0
    errors: list[Diagnostic] = field(default_factory=list)


_SIMPLE_ID = re.compile(r'-?\d+|"[^"\\]*"')
_PREFIX = '{"id": '


def _parse(line: str, name: str, number: int) -> Any:
    try:
        return json.loads(line)
    except ValueError as exc:
        return error(FileFormatError, "jsonl.syntax", f"not JSON: {exc}", Location(name, number))


def decide_jsonl(engine: Engine, decision: str, source: IO[str], name: str, at: dt.date,
                 out: IO[str], on_decision: Callable[[Decision], None] | None = None) -> BatchSummary:
    """Decide every record of *source* (named *name* in errors) on day *at*, writing to *out*."""
    engine.spec(decision)
    summary = BatchSummary()
    memo: dict[str, tuple[str, Decision]] = {}
    lines: list[str] = []
    append = lines.append
    simple_id = _SIMPLE_ID.fullmatch
    decided_count = 0
    for number, line in enumerate(source, 1):
        # A line `{"id": ID, REST` with ID a plain number or string, and no other "id" key in
        # REST, is the record of REST with that id: REST alone is the memo key.
        rest = None
        if line.startswith(_PREFIX):
            cut = line.find(", ", 7)
            if cut > 0 and simple_id(line, 7, cut) and '"id"' not in line[cut:]:
                rest = line[cut:]
                hit = memo.get(rest)
                if hit is not None:
                    append(_PREFIX)
                    append(line[7:cut])
                    append(hit[0])
                    decided_count += 1
                    if on_decision is not None:
                        on_decision(hit[1])
                    continue
        if not line.strip():
            continue
        record = _parse(line, name, number)
        try:
            if isinstance(record, PolicysimError):
                raise record
            facts = engine.validate(decision, record, Location(name, number))
            decided = engine.decide_facts(decision, facts, at)
        except PolicysimError as exc:
            summary.errors.append(exc.diagnostics[0])
            rid = record.get("id") if isinstance(record, dict) else None
            append(json.dumps({"id": rid, "line": number, "error": str(exc.diagnostics[0])},
                              ensure_ascii=False) + "\n")
            continue
        hit = (", " + json.dumps(decided.to_json(), ensure_ascii=False)[1:] + "\n", decided)
        if rest is not None:
            memo[rest] = hit
        append('{"id": ' + json.dumps(record.get("id"), ensure_ascii=False) + hit[0])
        decided_count += 1
        if on_decision is not None:
            on_decision(decided)
        if len(lines) >= CHUNK:
            out.write("".join(lines))
            lines.clear()
    out.write("".join(lines))
    summary.decided = decided_count
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
