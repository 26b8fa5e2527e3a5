"""Assumptions: numbers a scenario states with a plausible range and a source, and *worlds*.

Wherever a scenario has a number it may write ``{value: 0.05, range: [0.01, 0.20], source:
A-journeys}``, optionally with ``group: NAME``: assumptions of one kind (the 46 closed entrances'
walk-round minutes) that sensitivity analysis moves as one factor (SALib's ``groups``); worlds
still draw each assumption on its own. :func:`resolve_assumptions` runs over the merged source before the format check:
it puts each point value in place of its mapping (with the value's own line mark, so a format
error points at the ``value``), checks the range and the source, and records an
:class:`Assumption` per occurrence, in file order. The model only ever sees numbers, so a
scenario loaded at its point values gives exactly today's results.

A *world* (``{name: value}``) puts other values in place of some assumptions' point values, each
within its range (else :class:`ValueError` naming it); an integer field (a count, a balk
threshold) takes the nearest whole number. A ``--vary`` override of an assumption's path
replaces its point value and keeps its range; it may leave the range (a sweep explores past
what is plausible), which a world may not.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policy.errors import Diagnostic, FileFormatError

from .scenario_format import SCENARIO
from .scenario_reader import ASSUMPTION_KEYS as KEYS
from .scenario_reader import Override, PathT, Source, is_assumption, override, resolve


@dataclass(frozen=True)
class Assumption:
    """A number stated with its plausible range and where that range comes from."""

    name: str                 # dotted path in the merged scenario, e.g. "streams.tourists.behaviour.hotspot"
    value: float              # the point value (what simulate/compare/sweep use)
    low: float                # plausible range
    high: float
    source: str               # a docs/sources.md entry id (e.g. "A-journeys") or a short reason
    integer: bool = False     # the field takes whole numbers (a world rounds to the nearest)
    file: str = ""            # where it is stated
    line: int = 0
    group: str = ""           # assumptions of one kind moved as one factor in sensitivity ("" = its own)

    @property
    def factor(self) -> str:
        """The sensitivity factor it belongs to: its group, or its own name when it has none."""
        return self.group or self.name


GROUP = re.compile(r"[a-z0-9_.-]{1,40}")   # a group's name: short, lower case


def groups_of(found: Sequence[Assumption]) -> dict[str, tuple[Assumption, ...]]:
    """*found* by sensitivity factor (:attr:`Assumption.factor`), factors in order of first mention."""
    out: dict[str, list[Assumption]] = {}
    for a in found:
        out.setdefault(a.factor, []).append(a)
    return {k: tuple(v) for k, v in out.items()}


def name_of(path: PathT) -> str:
    return ".".join(str(p) for p in path)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def whole(value: float) -> int:
    """The nearest whole number (halves up, the same on every platform)."""
    return math.floor(value + 0.5)


def resolve_assumptions(source: Source, world: Mapping[str, float] | None = None
                        ) -> tuple[Source, tuple[Assumption, ...], list[Diagnostic]]:
    """*source* with every assumption replaced by its value (the *world*'s where it names one),
    the assumptions at their point values in file order, and a located diagnostic per mistake.

    Raises :class:`ValueError` when *world* names no assumption or a value outside its range.
    """
    marks = dict(source.marks)
    found: list[Assumption] = []
    problems: list[Diagnostic] = []
    given = dict(world or {})
    by_name: dict[str, Assumption] = {}

    def fail(path: PathT, code: str, message: str) -> None:
        problems.append(Diagnostic(code, message, Source(source.data, marks, source.files).loc(path)))

    def walk(node: Any, path: PathT) -> Any:
        if is_assumption(node):
            return replace_one(node, path)
        if isinstance(node, dict):
            return {k: walk(v, (*path, k)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, (*path, i)) for i, v in enumerate(node)]
        return node

    def replace_one(node: dict[str, Any], path: PathT) -> Any:
        for key in node:
            if key not in KEYS:
                fail((*path, key), "scenario.assumption",
                     f"unknown field {key!r} in an assumption (expected: {', '.join(KEYS)})")
        at = marks.get((*path, "value")) or marks.get(path) or ("", 0, 0)
        value = node["value"]
        bounds = _range(node.get("range"), (*path, "range"), fail)
        text = node.get("source")
        if not (isinstance(text, str) and text.strip()):
            fail((*path, "source") if "source" in node else path, "scenario.assumption",
                 "an assumption needs a source: a docs/sources.md id (A-…) or a short reason")
        group = node.get("group", "")
        if "group" in node and not (isinstance(group, str) and GROUP.fullmatch(group)):
            fail((*path, "group"), "scenario.assumption",
                 "a group is a short name of lower-case letters, digits and _ . - (at most 40)")
            group = ""
        for p in _below(node, path):
            marks.pop(p, None)
        marks[path] = at                  # from here on the assumption is its value
        if not _number(value) or bounds is None:
            return value                  # a value that is not a number: the format check says so
        low, high = bounds
        typed = at[0] in source.files     # a --vary value may leave the range; a file's may not
        if typed and not low <= value <= high:
            fail(path, "scenario.range",
                 f"{value:g} is outside its range [{low:g}, {high:g}]")
        a = Assumption(name_of(path), float(value), low, high, text if isinstance(text, str) else "",
                       integer_at(path), at[0], at[1], group)
        found.append(a)
        by_name[a.name] = a
        return value

    data = walk(source.data, ())
    for name, value in given.items():
        a = by_name.get(name)
        if a is None:
            raise ValueError(f"world: {name!r} is not an assumption of the scenario"
                             f" (known: {', '.join(by_name) or 'none'})")
        if not (_number(value) and a.low <= value <= a.high):
            raise ValueError(f"world: {name} = {value!r} is outside its range [{a.low:g}, {a.high:g}]")
        _put(data, tuple(_key(p) for p in name.split(".")), whole(value) if a.integer else float(value))
    return Source(data, marks, source.files), tuple(found), problems


def _range(spec: Any, path: PathT, fail: Any) -> tuple[float, float] | None:
    if spec is None:
        fail(path[:-1], "scenario.assumption", "an assumption needs a range: [low, high]")
        return None
    if not (isinstance(spec, list) and len(spec) == 2 and all(_number(x) for x in spec)):
        fail(path, "scenario.assumption", "a range is two finite numbers [low, high]")
        return None
    low, high = float(spec[0]), float(spec[1])
    if low > high:
        fail(path, "scenario.range", f"the range's low ({low:g}) must not exceed its high ({high:g})")
        return None
    return low, high


def _key(part: str) -> str | int:
    return int(part) if part.isdigit() else part


def _put(data: Any, path: tuple[str | int, ...], value: float) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def scenario_assumptions(path: str | Path, overrides: Sequence[Override] = ()) -> tuple[Assumption, ...]:
    """The assumptions of the scenario at *path* (merged, with *overrides*), in file order.

    Raises :class:`FileFormatError` (located) when an assumption is malformed; the rest of the
    scenario is not checked here (``policysim check`` does that).
    """
    source = resolve(path)
    _, found, problems = resolve_assumptions(override(source, overrides) if overrides else source)
    if problems:
        raise FileFormatError(problems)
    return found


# --- which fields take whole numbers (from the format's JSON Schema) ----------------------

@functools.cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = SCENARIO.json_schema()
    return schema


def _expand(node: Any, defs: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """*node* and the members of its unions, with ``$ref`` followed."""
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        yield from _expand(defs.get(node["$ref"].rsplit("/", 1)[-1]), defs)
        return
    yield node
    for key in ("anyOf", "oneOf", "allOf"):
        for member in node.get(key, ()):
            yield from _expand(member, defs)


def integer_at(path: PathT) -> bool:
    """Whether the format reads the field at *path* as a whole number."""
    schema = _schema()
    defs = schema.get("$defs", {})
    nodes = list(_expand(schema, defs))
    for part in path:
        step: list[Any] = []
        for n in nodes:
            if isinstance(part, int):
                step.append(n.get("items"))
            else:
                step.append(n.get("properties", {}).get(part))
                extra = n.get("additionalProperties")
                step.append(extra if isinstance(extra, dict) else None)
                patterned = n.get("patternProperties", {})
                step.extend(patterned.values())
        nodes = [x for s in step if s is not None for x in _expand(s, defs)]
    return any(n.get("type") == "integer" for n in nodes)


def _below(node: Any, path: PathT) -> list[PathT]:
    """Every path inside *node* (stated at *path*): the marks an assumption's value replaces."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    out: list[PathT] = []
    for key, child in items:
        out.append((*path, key))
        out += _below(child, (*path, key))
    return out
