"""Located errors shared by every layer.

Exception tree::

    PolicysimError            a user's input is wrong; the CLI prints it on one line, exit 2
     ├─ PackError             a pack file (pack.yaml, rules, tests) is malformed
     ├─ RecordError           an input record does not fit its decision's declarations
     └─ FileFormatError       any other user file (scenario, register) is malformed

Each carries one or more :class:`Diagnostic`, every one with a :class:`Location`
(file, line, column and the field path inside the document).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Characters that would act on the terminal rather than be read there: C0/C1 controls, DEL, and
# the bidirectional overrides that reorder what follows. A message shows them as escapes.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """*text* with every terminal-acting character written as an escape (``\\x1c``)."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True, order=True)
class Location:
    """Where something is: *file*, 1-based *line* and *col* (0 when unknown), field *path*."""

    file: str
    line: int = 0
    col: int = 0
    path: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.col:
                where += f":{self.col}"
        return where


@dataclass(frozen=True)
class Diagnostic:
    """One problem: a stable dotted *code*, a *message* and its *location*."""

    code: str
    message: str
    location: Location
    severity: str = "error"

    def __str__(self) -> str:
        path = f" {self.location.path}:" if self.location.path else ""
        return printable(f"{self.location}:{path} {self.message} [{self.code}]")

    def to_json(self) -> dict[str, object]:
        loc = self.location
        return {"code": self.code, "message": self.message, "severity": self.severity,
                "file": loc.file, "line": loc.line, "col": loc.col, "path": loc.path}


@dataclass(eq=False)  # identity equality and hashing, as for any exception
class PolicysimError(Exception):
    """A user's mistake, with every diagnostic found (sorted by location)."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.diagnostics = sorted(self.diagnostics, key=lambda d: (d.location, d.code))
        # args must rebuild the error: pickling, process pools and SimPy call type(exc)(*exc.args)
        super().__init__(self.diagnostics)

    def __str__(self) -> str:
        if not self.diagnostics:
            return "invalid input"
        first = str(self.diagnostics[0])
        more = len(self.diagnostics) - 1
        return first + (f" (and {more} more)" if more else "")


class PackError(PolicysimError):
    """A pack's files do not load."""


class RecordError(PolicysimError):
    """An input record does not fit its decision."""


class FileFormatError(PolicysimError):
    """A scenario, register or other user file is malformed."""


def error(cls: type[PolicysimError], code: str, message: str, location: Location) -> PolicysimError:
    """Build a one-diagnostic error of class *cls*."""
    return cls([Diagnostic(code, message, location)])
