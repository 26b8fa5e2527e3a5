"""The shipped pack: loads, passes its own tests on both engines with full rule coverage, and
its tests pin down each side of every rule change."""

import datetime as dt
from pathlib import Path

import pytest

from policy import DurableEngine, ReferenceEngine, load_pack
from policy.tester import load_cases, run_cases

PACK = Path(__file__).resolve().parents[2] / "policy" / "packs" / "xiongerzhai-2020"


@pytest.fixture(scope="module")
def pack():
    return load_pack(PACK)


@pytest.mark.parametrize("engine_class", [DurableEngine, ReferenceEngine])
def test_every_case_passes_and_every_rule_decides_one(pack, engine_class):
    cases = load_cases(pack)
    run = run_cases(engine_class(pack), cases)
    assert len(cases) >= 40
    assert [r.case.name for r in run.failed] == []
    assert run.coverage.uncovered == ()


def test_cases_straddle_every_rule_change(pack):
    """For each day a rule starts or stops, a case of that decision is dated the day before
    and one on the day."""
    dated = {(c.decision, c.at) for c in load_cases(pack)}
    missing = []
    for decision in pack.decisions:
        for day in pack.change_dates(decision):
            for probe in (day - dt.timedelta(days=1), day):
                if (decision, probe) not in dated:
                    missing.append(f"{decision} {probe}")
    assert missing == []


def test_every_rule_cites_a_source_and_gives_both_reasons(pack):
    for rule in pack.rules:
        assert rule.source.strip() and rule.reason.zh.strip() and rule.reason.en.strip(), rule.id
