"""Reading scenario files: ``extends:`` resolution and field readers with located errors.

A scenario may say ``extends: other.yaml`` (relative to itself); its mappings are merged
into the base's recursively, a list or scalar replaces the base's value, and ``null``
deletes a key. Each value keeps the file, line and column it came from, so an error in a
merged scenario still points at the line to fix. Readers collect every problem they can
before :meth:`Reader.raise_if_any` raises one :class:`~policy.errors.FileFormatError`.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policy.errors import Diagnostic, FileFormatError, Location, error
from policy.yaml_doc import load_yaml, render_path

from .distributions import KINDS, Distribution

PathT = tuple[str | int, ...]
MISSING: Any = object()
_CLOCK = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")


@dataclass
class Source:
    """Merged scenario data and where every node came from."""

    data: dict[str, Any]
    marks: dict[PathT, tuple[str, int, int]] = field(default_factory=dict)
    files: tuple[str, ...] = ()

    def loc(self, path: PathT) -> Location:
        probe = tuple(path)
        while probe and probe not in self.marks:
            probe = probe[:-1]
        file, line, col = self.marks.get(probe, (self.files[-1] if self.files else "", 0, 0))
        return Location(file, line, col, render_path(path))


def resolve(path: str | Path, chain: tuple[str, ...] = ()) -> Source:
    """Load *path* and everything it extends, merged; ``pack`` is resolved against the file that states it."""
    doc = load_yaml(path, FileFormatError)
    name = str(path)
    if not isinstance(doc.data, dict):
        raise error(FileFormatError, "scenario.type", "a scenario must be a mapping", doc.loc(()))
    marks = {p: (doc.file, line, col) for p, (line, col) in doc.marks.items()}
    data = dict(doc.data)
    if isinstance(data.get("pack"), str):
        data["pack"] = str((Path(path).parent / data["pack"]).resolve())
    base_name = data.pop("extends", None)
    if base_name is None:
        return Source(data, marks, (name,))
    if not isinstance(base_name, str):
        raise error(FileFormatError, "scenario.extends", "extends: expected a file name",
                    doc.loc(("extends",)))
    base_path = Path(path).parent / base_name
    key = str(base_path.resolve())
    if key in chain or key == str(Path(path).resolve()):
        raise error(FileFormatError, "scenario.extends-cycle", f"extends {base_name!r} forms a cycle",
                    doc.loc(("extends",)))
    if not base_path.exists():
        raise error(FileFormatError, "scenario.extends-missing", f"extends {base_name!r}: no such file",
                    doc.loc(("extends",)))
    base = resolve(base_path, (*chain, str(Path(path).resolve())))
    base.data.pop("name", None)
    base.data.pop("title", None)
    merged = _merge(base.data, data, (), base.marks)
    base.marks.update(marks)
    return Source(merged, base.marks, (*base.files, name))


def _merge(base: Any, over: Any, path: PathT, marks: dict[PathT, tuple[str, int, int]]) -> Any:
    if not (isinstance(base, dict) and isinstance(over, dict)):
        for p in [p for p in marks if p[:len(path)] == path and len(p) > len(path)]:
            del marks[p]
        return over
    out = dict(base)
    for key, value in over.items():
        if value is None:
            out.pop(key, None)
        elif key in out:
            out[key] = _merge(out[key], value, (*path, key), marks)
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class Override:
    """Replace the value at dotted *path* of a merged scenario (a command-line ``--vary``).

    *origin* names where the override came from (the flag as typed); errors about the path or
    the new value point there rather than into a file that never said it.
    """

    path: tuple[str, ...]
    value: Any
    origin: str


def override(source: Source, overrides: Sequence[Override]) -> Source:
    """A copy of *source* with each override applied; the path must already exist.

    List items are addressed by index (``shifts.township-gate.0.staff``). A path that does
    not exist raises a :class:`FileFormatError` located at the override's origin.
    """
    data = copy.deepcopy(source.data)
    marks = dict(source.marks)
    for o in overrides:
        node: Any = data
        walked: PathT = ()
        for i, part in enumerate(o.path):
            key: str | int = part
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                key = int(part)
            elif not (isinstance(node, dict) and part in node):
                here = render_path(walked) or "the scenario"
                known = (f"items 0–{len(node) - 1}" if isinstance(node, list) else
                         "fields: " + ", ".join(map(str, node)) if isinstance(node, dict) else "")
                what = f"{here} has no {part!r}" + (f" ({known})" if known else f" (it is {_show(node)})")
                raise error(FileFormatError, "scenario.override", what,
                            Location(o.origin, 0, 0, render_path(o.path)))
            if i == len(o.path) - 1:
                node[key] = copy.deepcopy(o.value)
            walked = (*walked, key)
            node = node[key]
        for p in [p for p in marks if p[:len(walked)] == walked]:
            del marks[p]
        marks[walked] = (o.origin, 0, 0)
    return Source(data, marks, source.files)


class Reader:
    """Typed access to a :class:`Source` by field path, collecting diagnostics."""

    def __init__(self, source: Source):
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    def fail(self, path: PathT, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(code, message, self.source.loc(path)))

    def raise_if_any(self) -> None:
        if self.diagnostics:
            raise FileFormatError(self.diagnostics)

    def get(self, path: PathT) -> Any:
        node: Any = self.source.data
        for part in path:
            in_mapping = isinstance(node, dict) and part in node
            in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
            if in_mapping or in_list:
                node = node[part]
            else:
                return MISSING
        return node

    def mapping(self, path: PathT, allowed: tuple[str, ...] | None = None,
                required: bool = False) -> dict[Any, Any]:
        """The mapping at *path* ({} when absent); unknown keys are reported when *allowed* is given."""
        value = self.get(path)
        if value is MISSING:
            if required:
                self.fail(path, "scenario.missing", "required field is missing")
            return {}
        if not isinstance(value, dict):
            self.fail(path, "scenario.type", f"expected a mapping, got {_show(value)}")
            return {}
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    self.fail((*path, key), "scenario.unknown-field",
                              f"unknown field {key!r} (expected one of: {', '.join(allowed)})")
        return value

    def items(self, path: PathT, allowed: tuple[str, ...]) -> list[tuple[str, PathT]]:
        """``(id, path)`` of each entry of a mapping keyed by id, checking each is a mapping."""
        out = []
        for key in self.mapping(path):
            sub = (*path, key)
            if not isinstance(key, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", key):
                self.fail(sub, "scenario.id", f"bad id {key!r}: use letters, digits, '-', '_', '.'")
                continue
            self.mapping(sub, allowed)
            if isinstance(self.get(sub), dict):
                out.append((key, sub))
        return out

    def ids(self, path: PathT, known: set[str] | frozenset[str], what: str) -> list[str]:
        """A non-empty list of ids, each one of *known* (others are reported and dropped)."""
        value = self.get(path)
        if not isinstance(value, list) or not value:
            self.fail(path, "scenario.type", f"expected a list of {what} ids")
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, str) and item in known:
                out.append(item)
            else:
                self.fail((*path, i), "scenario.reference", f"unknown {what} {_show(item)}")
        return out

    def number(self, path: PathT, default: Any = MISSING, low: float | None = None,
               high: float | None = None, integer: bool = False) -> Any:
        value = self.get(path)
        if value is MISSING:
            if default is MISSING:
                self.fail(path, "scenario.missing", "required field is missing")
                return low if low is not None else 0
            return default
        kind = "an integer" if integer else "a number"
        if isinstance(value, bool) or not isinstance(value, int | float) or (
                integer and not isinstance(value, int)) or not math.isfinite(value):
            self.fail(path, "scenario.type", f"expected {kind}, got {_show(value)}")
            return default if default is not MISSING else (low or 0)
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
            self.fail(path, "scenario.range", f"{value} is out of range: expected {bounds}")
        return value

    def share(self, path: PathT, default: Any = MISSING) -> float:
        return float(self.number(path, default, 0.0, 1.0))

    def string(self, path: PathT, default: Any = MISSING, choices: tuple[str, ...] | None = None) -> Any:
        value = self.get(path)
        if value is MISSING:
            if default is MISSING:
                self.fail(path, "scenario.missing", "required field is missing")
            return default if default is not MISSING else ""
        if not isinstance(value, str):
            self.fail(path, "scenario.type", f"expected a string, got {_show(value)}")
            return default if default is not MISSING else ""
        if choices is not None and value not in choices:
            self.fail(path, "scenario.choice", f"{value!r} is not one of: {', '.join(choices)}")
        return value

    def boolean(self, path: PathT, default: bool) -> bool:
        value = self.get(path)
        if value is MISSING:
            return default
        if not isinstance(value, bool):
            self.fail(path, "scenario.type", f"expected true or false, got {_show(value)}")
            return default
        return value

    def clock(self, path: PathT, default: Any = MISSING) -> int:
        """Minute of day from ``"HH:MM"`` (``"24:00"`` is 1440)."""
        value = self.get(path)
        if value is MISSING and default is not MISSING:
            return int(default)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 1440:
            return value           # YAML 1.1 reads unquoted 20:00 as the sexagesimal 1200
        match = _CLOCK.match(value) if isinstance(value, str) else None
        if not match:
            self.fail(path, "scenario.clock", f"expected a time of day \"HH:MM\", got {_show(value)}")
            return 0
        return min(int(match[1]) * 60 + int(match[2]), 1440)

    def date(self, path: PathT) -> dt.date | None:
        value = self.get(path)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        self.fail(path, "scenario.date", f"expected a date YYYY-MM-DD, got {_show(value)}")
        return None

    def distribution(self, path: PathT, default: Any = MISSING) -> Distribution:
        """``{dist: kind, …parameters}`` or a bare number (a constant)."""
        value = self.get(path)
        if value is MISSING and default is not MISSING:
            return default
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Distribution.constant(float(self.number(path, low=0.0)))
        if not self.mapping(path, required=True):
            return Distribution.constant(0.0)
        kind = self.string((*path, "dist"), choices=tuple(KINDS))
        if kind not in KINDS:
            return Distribution.constant(0.0)
        names = KINDS[kind]
        self.mapping(path, ("dist", *names))
        params = [float(self.number((*path, n), low=0.0)) for n in names]
        if kind == "uniform" and params[0] > params[1]:
            self.fail(path, "scenario.range", "uniform: low must not exceed high")
        if kind == "triangular" and not params[0] <= params[1] <= params[2]:
            self.fail(path, "scenario.range", "triangular: expected low ≤ mode ≤ high")
        if kind in ("exponential", "lognormal") and params[0] <= 0:
            self.fail((*path, "mean"), "scenario.range", "mean must be positive")
        return Distribution(kind, *params)

    def shares(self, path: PathT, names: tuple[str, ...] | None = None,
               default: tuple[tuple[str, float], ...] = ()) -> tuple[tuple[str, float], ...]:
        """``{name: weight, …}`` normalised to sum 1; *names* restricts the keys."""
        value = self.get(path)
        if value is MISSING:
            return default
        spec = self.mapping(path)
        out = []
        for key in spec:
            if names is not None and key not in names:
                self.fail((*path, key), "scenario.reference",
                          f"unknown {path[-1]} entry {key!r} (known: {', '.join(names) or 'none'})")
                continue
            out.append((str(key), float(self.number((*path, key), low=0.0))))
        total = sum(w for _, w in out)
        if spec and total <= 0:
            self.fail(path, "scenario.range", "shares must not all be zero")
            return default
        return tuple((k, w / total) for k, w in out)


def _show(value: Any) -> str:
    if value is MISSING:
        return "nothing"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
