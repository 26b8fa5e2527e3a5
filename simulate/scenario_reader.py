"""Reading scenario files: ``extends:`` resolution, ``--vary`` overrides, located errors.

A scenario may say ``extends: other.yaml`` (relative to itself); its mappings are merged
into the base's recursively, a list or scalar replaces the base's value, and ``null``
deletes a key. Each value keeps the file, line and column it came from, so an error in a
merged scenario still points at the line to fix. A :class:`Reader` collects every problem
found before :meth:`Reader.raise_if_any` raises one :class:`~policy.errors.FileFormatError`.

A chain of ``extends`` is at most :data:`MAX_EXTENDS` files long. A file whose top-level keys are
not field names (``extends: /etc/shadow``) is refused as "not a scenario file" without quoting
it: an error about a file that is not a scenario must never echo that file's content.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policy.errors import Diagnostic, FileFormatError, Location, PolicysimError, error
from policy.yaml_doc import load_yaml, render_path

PathT = tuple[str | int, ...]

MAX_EXTENDS = 32  # files in one extends chain; real scenarios use 2 or 3, and each is read whole
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")
ASSUMPTION_KEYS = ("value", "range", "source", "group")   # a number stated as an assumption (simulate.assumptions)


def is_assumption(node: Any) -> bool:
    """Whether a mapping of the scenario is the assumption form: it has ``value`` and no ``dist``
    (``{dist: constant, value: …}`` is a distribution), and its keys are the form's or it has a
    ``range`` (then any other key is reported as unknown)."""
    return (isinstance(node, dict) and "value" in node and "dist" not in node
            and (set(node) <= set(ASSUMPTION_KEYS) or "range" in node))


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
    for key in doc.data:
        if not (isinstance(key, str) and _FIELD_NAME.fullmatch(key)):
            where = doc.loc((), key=False)
            line, col = doc.key_marks.get((key,), (where.line, where.col))
            raise error(FileFormatError, "scenario.not-a-scenario",
                        "not a scenario file: a top-level key is not a field name", Location(name, line, col))
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
    if len(chain) + 1 >= MAX_EXTENDS:
        raise error(FileFormatError, "scenario.extends-too-deep",
                    f"extends chain is longer than {MAX_EXTENDS} files", doc.loc(("extends",)))
    try:
        base = resolve(base_path, (*chain, str(Path(path).resolve())))
    except PolicysimError as exc:
        first = exc.diagnostics[0]
        if first.code.startswith("file.") and first.location.file == str(base_path):
            raise error(FileFormatError, first.code, f"{base_name!r}: {first.message}",
                        doc.loc(("extends",))) from None
        raise
    base.data.pop("name", None)
    base.data.pop("title", None)
    merged = _merge(base.data, data, (), base.marks)
    base.marks.update(marks)
    return Source(merged, base.marks, (*base.files, name))


def _merge(base: Any, over: Any, path: PathT, marks: dict[PathT, tuple[str, int, int]]) -> Any:
    if is_assumption(base) and not isinstance(over, dict | list):
        marks.pop((*path, "value"), None)      # a plain number restates the value, keeps the range
        return {**base, "value": over}
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
            if i == len(o.path) - 1 and is_assumption(node[key]) and not isinstance(o.value, dict | list):
                walked = (*walked, key)       # a new point value; the assumption keeps its range
                node, key = node[key], "value"
            if i == len(o.path) - 1:
                node[key] = copy.deepcopy(o.value)
            walked = (*walked, key)
            node = node[key]
        for p in [p for p in marks if p[:len(walked)] == walked]:
            del marks[p]
        marks[walked] = (o.origin, 0, 0)
    return Source(data, marks, source.files)


class Reader:
    """Collects located diagnostics about a :class:`Source` (its structure already checked)."""

    def __init__(self, source: Source, diagnostics: Sequence[Diagnostic] = ()):
        self.source = source
        self.diagnostics: list[Diagnostic] = list(diagnostics)

    def fail(self, path: PathT, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(code, message, self.source.loc(path)))

    def raise_if_any(self) -> None:
        if self.diagnostics:
            raise FileFormatError(self.diagnostics)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


_READ: dict[str, tuple[tuple[tuple[str, int, int], ...], Source]] = {}


def _stamps(files: Sequence[str]) -> tuple[tuple[str, int, int], ...] | None:
    try:
        return tuple((f, (s := Path(f).stat()).st_mtime_ns, s.st_size) for f in files)
    except OSError:
        return None


def resolve_once(path: str | Path) -> Source:
    """:func:`resolve`, remembered while none of the files it read has changed: a sensitivity run
    loads one scenario per world, and parsing its YAML again each time cost more than the world.
    Each call gets its own copy (the loader's passes may rewrite the data)."""
    key = str(Path(path).resolve())
    known = _READ.get(key)
    if known is None or _stamps(known[1].files) != known[0]:
        source = resolve(path)
        stamps = _stamps(source.files)
        if stamps is None:
            return source
        known = _READ[key] = (stamps, source)
    source = known[1]                     # marks are immutable tuples: the mapping is copied, not them
    return Source(copy.deepcopy(source.data), dict(source.marks), source.files)
