"""Run a pack's test cases against any engine and collect located results and coverage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..coverage import RuleCoverage
from ..engine import Decision, Engine
from ..errors import PolicysimError
from .cases import UNSET, Case


@dataclass(frozen=True)
class Result:
    """One case's outcome: *failures* lists each expectation that did not hold."""

    case: Case
    decision: Decision | None
    failures: tuple[str, ...] = ()
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not self.failures and self.error is None


@dataclass
class Run:
    results: list[Result] = field(default_factory=list)
    coverage: RuleCoverage | None = None

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if not r.passed]


def run_cases(engine: Engine, cases: tuple[Case, ...], today: dt.date | None = None) -> Run:
    """Decide every case with *engine* and compare with its expectations."""
    run = Run(coverage=RuleCoverage(engine.pack))
    for case in cases:
        try:
            facts = engine.validate(case.decision, case.given, case.location)
        except PolicysimError as exc:
            run.results.append(Result(case, None, error=str(exc.diagnostics[0])))
            continue
        decided = engine.decide_facts(case.decision, facts, case.at or today or dt.date.today())
        run.coverage.add(decided)  # type: ignore[union-attr]
        run.results.append(Result(case, decided, _compare(case, decided)))
    return run


def _compare(case: Case, got: Decision) -> tuple[str, ...]:
    want = case.expect
    failures = []
    if want.outcome is not UNSET and want.outcome != got.outcome:
        failures.append(f"outcome: expected {want.outcome}, got {got.outcome}")
    if want.rule is not UNSET and want.rule != got.rule:
        failures.append(f"rule: expected {want.rule or 'the default'}, got {got.rule or 'the default'}")
    if want.obligations is not UNSET and tuple(want.obligations) != got.obligations:
        failures.append(f"obligations: expected {list(want.obligations)}, got {list(got.obligations)}")
    return tuple(failures)
