"""Deciding a register: JSON Lines in, one JSON object per record out, in bounded chunks.

Every line is parsed (``jsonl.py``). Records equal but for ``id`` and ``meta`` (never inputs,
``formats.PASS_THROUGH``) get one validation, one decision and one serialised answer: the memo
is keyed on the record's other fields as parsed and written back out by orjson (so ``true``
and ``1`` stay apart while ``36.5`` and ``36.50`` meet), and its output line is the record's
own id followed by the cached answer. The engine below decides each partition cell once
(``durable.py``). Output leaves every :data:`CHUNK` input lines and the memo holds at most
:data:`MEMO` records, so memory stays bounded whatever the input. A bad line is written as an
``error`` object with its line number; the other records are still decided.

An ``id`` is echoed back so that each answer can be matched to its record; a second line with
the same id would make that ambiguous, so it is a bad line (``jsonl.duplicate-id``, naming the
first line), not decided. The first :data:`IDS_CHECKED` distinct ids are remembered for this
(bounded memory); a register with more ids has later repeats go unchecked, which the summary says.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from .engine import Decision, Engine
from .errors import Diagnostic, Location, PolicysimError
from .jsonl import read_jsonl

CHUNK = 4096     # input lines per output chunk
MEMO = 65_536    # distinct records remembered; the memo starts afresh when full
KEPT = 100       # problems kept for the report (all are counted)
IDS_CHECKED = 500_000  # distinct ids remembered to find repeats (~60 MB); registers hold tens of thousands
_ID = b'{"id": '


@dataclass
class BatchSummary:
    """What a run decided, how many lines were bad, and the first :data:`KEPT` problems."""

    decided: int = 0
    bad: int = 0
    errors: list[Diagnostic] = field(default_factory=list)
    ids_unchecked_from: int | None = None  # the line after which repeated ids were no longer looked for

    def refuse(self, problem: Diagnostic) -> None:
        self.bad += 1
        if len(self.errors) < KEPT:
            self.errors.append(problem)


def decided_chunks(engine: Engine, decision: str, lines: Iterable[bytes | str], name: str, at: dt.date,
                   summary: BatchSummary) -> Iterator[bytes]:
    """The output for *lines* (named *name* in problems) decided on day *at*, as UTF-8 chunks,
    one per :data:`CHUNK` input lines, each yielded before more input is read; tallies into
    *summary*."""
    engine.spec(decision)
    # Keys are str: each bytes object orjson returns keeps a buffer of about 4 KB, so 65,536 of
    # them held as keys would take 270 MB; decoding gives an object of its own size.
    memo: dict[str, bytes] = {}
    first_line: dict[int | str, int] = {}
    parts: list[bytes] = []
    append, dumps = parts.append, orjson.dumps
    flush_at, decided = CHUNK, 0
    answer: bytes | Diagnostic | None
    for number, record in read_jsonl(lines, name):
        if record.__class__ is dict:
            rid = record.pop("id", None)
            record.pop("meta", None)
            try:
                text = dumps(record).decode()
                answer = memo.get(text)
                head = dumps(rid)
                key: str | None = text
            except TypeError:  # an integer beyond 64 bits (read exactly by jsonl.py): not remembered
                key, answer, head = None, None, json.dumps(rid).encode()
            if rid is not None:
                cls = rid.__class__  # ints and strings key as themselves; other ids by their JSON text
                seen = rid if cls is int or cls is str else "\0" + head.decode()
                first = first_line.get(seen)
                if first is not None:
                    answer = Diagnostic("jsonl.duplicate-id", f"the same id as line {first} (answers are matched "
                                        "by id)", Location(name, number, 0, "id"))
                elif len(first_line) < IDS_CHECKED:
                    first_line[seen] = number
                elif summary.ids_unchecked_from is None:
                    summary.ids_unchecked_from = number
            if answer is None:
                answer = _decide(engine, decision, record, Location(name, number), at)
                if key is not None and isinstance(answer, bytes):
                    if len(memo) >= MEMO:
                        memo.clear()
                    memo[key] = answer
        elif record.__class__ is Diagnostic:
            rid, answer = None, record
        else:
            rid, head = None, b"null"
            answer = _decide(engine, decision, record, Location(name, number), at)
        if isinstance(answer, bytes):
            append(_ID)
            append(head)
            append(answer)
            decided += 1
        else:
            assert answer is not None
            summary.refuse(answer)
            append(_error_line(rid, number, answer))
        if number >= flush_at:
            summary.decided = decided
            yield b"".join(parts)
            parts.clear()
            flush_at = number + CHUNK
    summary.decided = decided
    if parts:
        yield b"".join(parts)


def _decide(engine: Engine, decision: str, record: Any, where: Location, at: dt.date) -> bytes | Diagnostic:
    """The text after the id of a record not seen lately: its decision; or its problem."""
    try:
        decided = engine.decide_facts(decision, engine.validate(decision, record, where), at)
    except PolicysimError as exc:
        return exc.diagnostics[0]
    return b", " + json.dumps(decided.to_json(), ensure_ascii=False)[1:].encode() + b"\n"


def _error_line(rid: Any, number: int, problem: Diagnostic) -> bytes:
    return (json.dumps({"id": rid, "line": number, "error": str(problem)}, ensure_ascii=False) + "\n").encode()


def decide_jsonl(engine: Engine, decision: str, source: Iterable[bytes | str], name: str, at: dt.date,
                 out: IO[bytes]) -> BatchSummary:
    """Decide every record of *source* (named *name* in problems) on day *at*, writing UTF-8
    JSON Lines to *out* as they are decided."""
    summary = BatchSummary()
    for chunk in decided_chunks(engine, decision, source, name, at, summary):
        out.write(chunk)
        out.flush()  # a reader at the other end of a pipe gets each chunk as it is decided
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
