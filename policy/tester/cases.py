"""Test cases of a pack (``tests/*.yaml``): what to decide, on which day, and what to expect."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import formats
from ..errors import Location, PackError, RecordError
from ..fields import RecordSchema
from ..ir import Pack
from ..language import Problems, describe, parse_list_file
from ..yaml_doc import Doc

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
    case = problems.check(formats.CASE, doc, path, raw)
    if case is None:
        return None
    before = len(problems.items)
    spec = pack.decisions.get(case.decision)
    if spec is None:
        problems.add(doc, (*path, "decision"), "case.unknown-decision",
                     f"unknown decision {describe(case.decision)} (decisions: {', '.join(pack.decisions)})")
        return None
    expect = case.expect
    if expect.outcome is not None and expect.outcome not in spec.outcomes:
        problems.add(doc, (*path, "expect", "outcome"), "case.unknown-outcome",
                     f"{describe(expect.outcome)} is not an outcome of {spec.name}")
    if expect.rule is not None and expect.rule not in {r.id for r in pack.rules}:
        problems.add(doc, (*path, "expect", "rule"), "case.unknown-rule",
                     f"no rule {describe(expect.rule)} in the pack")
    try:
        RecordSchema(spec).validate(case.given, doc.loc((*path, "given")))
    except RecordError as exc:
        for found in exc.diagnostics:
            problems.add(doc, (*path, "given", found.location.path), found.code, found.message)
    if len(problems.items) > before:
        return None
    expect_fields = expect.model_fields_set
    expectation = Expectation(
        expect.outcome if "outcome" in expect_fields else UNSET,
        expect.rule if "rule" in expect_fields else UNSET,
        tuple(expect.obligations) if "obligations" in expect_fields else UNSET)
    given = case.given
    return Case(case.name or f"{doc.file}#{i + 1}", spec.name, case.at, given, expectation, doc.loc(path))
