"""What analysis finds: one frozen :class:`Finding` per problem, located, with an example input."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from ..errors import Location

KINDS = ("gap", "conflict", "shadowed", "dead", "property", "engine-disagreement", "engine-crash")


@dataclass(frozen=True)
class Finding:
    """A semantic problem in a pack: *kind* (one of ``KINDS``), the *rules* involved, where the
    first of them (or the property) is written, and one concrete *example* with its day *at*.
    An engine disagreement also carries each engine's *answers* for the example."""

    kind: str
    decision: str
    message: str
    location: Location
    rules: tuple[str, ...] = ()
    example: dict[str, Any] | None = None
    at: dt.date | None = None
    severity: str = "error"
    answers: dict[str, Any] | None = None

    @property
    def engine_cannot_run(self) -> bool:
        """Whether durable_rules failed or crashed on some input: the pack cannot be run at all."""
        return self.kind == "engine-crash" or (
            self.kind == "engine-disagreement" and self.answers is not None
            and isinstance(self.answers.get("durable_rules"), str))

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity}: {self.kind}: {self.message}"
        if self.example is not None:
            day = f" on {self.at}" if self.at else ""
            text += f"; e.g.{day} {json.dumps(self.example, ensure_ascii=False, default=str)}"
        return text

    def to_json(self) -> dict[str, Any]:
        loc = self.location
        return {"kind": self.kind, "severity": self.severity, "decision": self.decision,
                "rules": list(self.rules), "message": self.message, "file": loc.file,
                "line": loc.line, "col": loc.col,
                "example": self.example, "at": None if self.at is None else self.at.isoformat(),
                **({} if self.answers is None else {"answers": self.answers})}
