"""Reading JSON Lines: every line parsed for real, a bad line one located problem.

Each line is parsed by orjson, which refuses what JSON refuses (``007``, raw control
characters in strings, ``NaN``, lone surrogates, bad UTF-8). Two things orjson lets through are
caught here: an object that repeats a key (orjson keeps the last silently) and an integer
``id`` beyond 64 bits (orjson rounds it to a float; ids are echoed, so they stay exact; other
integers that large are read as the nearest float, which is how rules compare them anyway). Both
are found by a cheap test — every key of a JSON text is followed by a ``:``, so a line with no
more colons than parsed keys repeats none — and only a line that fails it is parsed again with
the standard library, noting each object's keys.

A line is at most :data:`MAX_LINE_BYTES` long (:func:`bounded_lines`): a file with no newline
(``/dev/zero``, a 300 MB blob) is one bad line, read in bounded pieces, never held whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

import orjson

from .errors import Diagnostic, Location

_EXACT_ID = 2**63  # orjson parses integers within 64 bits exactly, larger ones as floats
MAX_LINE_BYTES = 1024 * 1024  # one record is a few hundred bytes; a line a thousand times that is not one


class TooLong(bytes):
    """Stands for an input line longer than :data:`MAX_LINE_BYTES`: empty (its text is dropped),
    a ``bytes`` so that every reader of lines takes it, and told apart by its class."""


def bounded_lines(stream: IO[bytes], limit: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """The lines of *stream*, each read with a bound: a longer line is skipped in bounded
    pieces and given as a :class:`TooLong`."""
    readline = stream.readline
    while True:
        line = readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = readline(limit)
        yield TooLong()


class _RepeatedKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _refusing_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _RepeatedKey(key)
            seen.add(key)
    return found


def _pairs(value: Any) -> int:
    """How many key-value pairs *value* holds, in all its objects (a record's own keys and
    those of its flat objects are counted inline, deeper ones with a stack)."""
    if value.__class__ is not dict:
        return _nested_pairs(value)
    count = len(value)
    for item in value.values():
        cls = item.__class__
        if cls is dict:
            count += len(item)
            for inner in item.values():
                if inner.__class__ is dict or inner.__class__ is list:
                    count += _nested_pairs(inner)
        elif cls is list:
            count += _nested_pairs(item)
    return count


def _nested_pairs(value: Any) -> int:
    count, pending = 0, [value]
    while pending:
        item = pending.pop()
        if item.__class__ is dict:
            count += len(item)
            item = item.values()
        for inner in item:
            cls = inner.__class__
            if cls is dict or cls is list:
                pending.append(inner)
    return count


def read_jsonl(lines: Iterable[bytes | str], name: str) -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` per non-blank line of *lines* (named *name* in problems); the
    value of a bad line is its :class:`Diagnostic` (``jsonl.syntax``, ``jsonl.repeated-key``,
    ``jsonl.too-long``)."""
    loads, decode_error = orjson.loads, orjson.JSONDecodeError
    colon: bytes | str = b":"
    for number, line in enumerate(lines, 1):
        try:
            value = loads(line)
        except decode_error as exc:
            if line.__class__ is TooLong:
                yield number, Diagnostic("jsonl.too-long", f"line longer than {MAX_LINE_BYTES // 1024} KiB, "
                                         "the limit for one record", Location(name, number))
                continue
            if not line.strip():
                continue
            message = "not UTF-8 text" if "UTF-8" in exc.msg else exc.msg
            yield number, Diagnostic("jsonl.syntax", f"not JSON: {message}", Location(name, number, exc.colno))
            continue
        cls = value.__class__
        if cls is dict:
            try:
                colons = line.count(colon)  # type: ignore[arg-type]
            except TypeError:  # str lines after bytes, or the other way round
                colon = ":" if isinstance(line, str) else b":"
                colons = line.count(colon)  # type: ignore[arg-type]
            if colons == len(value) and value.get("id").__class__ is not float:
                yield number, value
                continue
        elif cls is list:
            colons = line.count(b":" if isinstance(line, bytes) else ":")  # type: ignore[arg-type]
        else:
            yield number, value
            continue
        yield number, _exact(line, value, colons, name, number)


def _exact(line: bytes | str, value: Any, colons: int, name: str, number: int) -> Any:
    """*value* when the cheap test clears it (*line* has *colons* colons); else the standard
    library's parse of *line*, or the problem of an object that repeats a key."""
    rid = value.get("id") if value.__class__ is dict else None
    if colons == _pairs(value) and (rid.__class__ is not float or -_EXACT_ID <= rid < _EXACT_ID):
        return value
    try:
        return json.loads(line, object_pairs_hook=_refusing_repeats)
    except RecursionError:
        return Diagnostic("jsonl.syntax", "not JSON: nested too deeply", Location(name, number))
    except _RepeatedKey as repeated:
        return Diagnostic("jsonl.repeated-key", "appears twice in one object (which value counts is ambiguous)",
                          Location(name, number, 0, repeated.key))
