"""Test cases of a pack (``tests/*.yaml``): what to decide, on which day, and what to expect."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Location, PackError
from ..yaml_doc import Doc
from ..ir import Pack
from ..language import Problems, check_keys, describe, parse_list_file

_CASE_KEYS = ("name", "decision", "at", "given", "expect")
_EXPECT_KEYS = ("outcome", "rule", "obligations")
UNSET: Any = object()  # an expectation the case does not state


@dataclass(frozen=True)
class Expectation:
    outcome: Any = UNSET
    rule: Any = UNSET
    obligations: Any = UNSET


@dataclass(frozen=True)
class Case:
    name: str
    decision: str
    at: dt.date | None
    given: dict[str, Any]
    expect: Expectation
    location: Location


def load_cases(pack: Pack) -> tuple[Case, ...]:
    """Every case in the pack's ``tests/*.yaml``, checked; raise :class:`PackError` listing problems."""
    problems = Problems()
    cases: list[Case] = []
    folder = Path(pack.root) / "tests"
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        cases.extend(parse_list_file(path, "a test file", lambda doc, i, raw: _parse_case(
            doc, i, raw, pack, problems), problems))
    if problems.items:
        raise PackError(problems.items)
    return tuple(cases)


def _parse_case(doc: Doc, i: int, raw: Any, pack: Pack, problems: Problems) -> Case | None:
    path = (i,)
    if not isinstance(raw, dict):
        problems.add(doc, path, "schema.type", f"a test case must be a mapping, got {describe(raw)}")
        return None
    before = len(problems.items)
    check_keys(doc, path, raw, _CASE_KEYS, ("decision", "given", "expect"), problems)
    decision = raw.get("decision")
    if "decision" in raw and decision not in pack.decisions:
        problems.add(doc, (*path, "decision"), "case.unknown-decision",
                     f"unknown decision {describe(decision)} (decisions: {', '.join(pack.decisions)})")
    at = raw.get("at")
    if at is not None and not (isinstance(at, dt.date) and not isinstance(at, dt.datetime)):
        problems.add(doc, (*path, "at"), "schema.date", f"at must be a date YYYY-MM-DD, got {describe(at)}")
    given = raw.get("given")
    if "given" in raw and not isinstance(given, dict):
        problems.add(doc, (*path, "given"), "schema.type", "given must be a mapping of input fields")
    expect = raw.get("expect")
    if "expect" in raw and not isinstance(expect, dict):
        problems.add(doc, (*path, "expect"), "schema.type", "expect must be a mapping")
    elif isinstance(expect, dict):
        check_keys(doc, (*path, "expect"), expect, _EXPECT_KEYS, (), problems)
        spec = pack.decisions.get(decision)  # type: ignore[arg-type]
        if spec is not None and "outcome" in expect and expect["outcome"] is not None \
                and expect["outcome"] not in spec.outcomes:
            problems.add(doc, (*path, "expect", "outcome"), "case.unknown-outcome",
                         f"{describe(expect['outcome'])} is not an outcome of {spec.name}")
        if expect.get("rule") is not None and expect["rule"] not in {r.id for r in pack.rules}:
            problems.add(doc, (*path, "expect", "rule"), "case.unknown-rule",
                         f"no rule {describe(expect['rule'])} in the pack")
        obligations = expect.get("obligations", [])
        if not isinstance(obligations, list):
            problems.add(doc, (*path, "expect", "obligations"), "schema.type", "obligations must be a list")
    if len(problems.items) > before:
        return None
    name = str(raw.get("name") or f"{doc.file}#{i + 1}")
    expectation = Expectation(
        expect.get("outcome", UNSET), expect.get("rule", UNSET),
        tuple(expect["obligations"]) if "obligations" in expect else UNSET)
    return Case(name, decision, at, given, expectation, doc.loc(path))
