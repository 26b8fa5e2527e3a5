"""JSON Lines input: one record per line, each bad line a located error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from .errors import FileFormatError, Location, error


def read_jsonl(stream: IO[str], name: str) -> Iterator[tuple[int, Any | FileFormatError]]:
    """Yield ``(line number, object)`` per non-blank line, or the located error for a bad line."""
    loads = json.loads
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            yield number, loads(line)
        except ValueError as exc:
            yield number, error(FileFormatError, "jsonl.syntax", f"not JSON: {exc}",
                                Location(name, number))
