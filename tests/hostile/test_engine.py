"""Hostile packs for the rule engine: packs that overflow durable_rules' fixed C tables.

Each pack is generated here. The compiler's shards (``policy/compile.py``) keep them within
the engine's limits, so they decide correctly; with the shards switched off (bounds raised
past the engine's limits) the same packs crash or fail the C engine, and that must surface
as a located finding or one located line with exit 2, never a crash of the user's process.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal

import pytest

import policy.analysis.engine_run as engine_run
import policy.compile as compile_
from cli.main import main
from policy import DurableEngine, PackError, ReferenceEngine, load_pack
from policy.analysis import check_pack
from policy.analysis.admission import pack_digest
from tests.policy.packs import write_pack

DAY = dt.date(2020, 3, 1)
FEVER = {"role": "tourist", "has_pass": False, "temperature_c": 38.5}


def _rule(i: int, when: str, priority: int = 5, prefix: str = "x") -> str:
    return (f"- id: {prefix}{i}\n  decision: gate\n  priority: {priority}\n  when: {when}\n  then: hold\n"
            f"  reason: {{zh: x, en: x}}\n  source: t\n")


def _same(n: int) -> str:
    """*n* rules that all match every record of 34 °C or more."""
    return "".join(_rule(i, "{temperature_c: {gte: 34}}") for i in range(n))


def _bands(n: int) -> str:
    """*n* rules on 0.01-wide temperature bands from 34.00 up."""
    return "".join(_rule(i, f"{{temperature_c: {{gte: {34 + i / 100:.2f}, lt: {34.01 + i / 100:.2f}}}}}")
                   for i in range(n))


def _rising(n: int) -> str:
    """*n* rules `temperature_c >= 34.00, 34.01, …`: a fever matches every one of them."""
    return "".join(_rule(i, f"{{temperature_c: {{gte: {34 + i / 100:.2f}}}}}", prefix="up") for i in range(n))


def _overlap(n: int) -> str:
    return "".join(_rule(i, f"{{temperature_c: {{gte: {34 + i / 100:.2f}, lt: {40 + i / 100:.2f}}}}}")
                   for i in range(n))


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYSIM_CACHE", str(tmp_path / "cache"))


def _unsharded(monkeypatch):
    """The compiler as it was before shards: one ruleset per decision and period."""
    monkeypatch.setattr(compile_, "SHARD_RULES", 10_000)
    monkeypatch.setattr(compile_, "SHARD_WIDTH", 10_000)


@pytest.mark.parametrize("rules", [_same(256), _same(300), _bands(62), _bands(100), _rising(80),
                                   pytest.param(_overlap(300), marks=pytest.mark.slow)],
                         ids=["256-same", "300-same", "62-bands", "100-bands", "80-rising", "300-overlap"])
def test_packs_past_the_engines_tables_decide_as_the_reference_does(tmp_path, rules):
    pack = load_pack(write_pack(tmp_path / "p", rules))
    durable, reference = DurableEngine(pack), ReferenceEngine(pack)
    for t in (34.0, 34.005, 34.615, 36.4, 38.5, 42.9):
        record = dict(FEVER, temperature_c=t)
        assert durable.decide("gate", record, DAY) == reference.decide("gate", record, DAY)


def test_shards_keep_every_ruleset_within_the_engines_bounds(tmp_path):
    pack = load_pack(write_pack(tmp_path / "p", _same(300) + _rising(80)))
    ruleset = compile_.compile_rules(pack.decisions["gate"], pack.rules)
    shards = compile_.shards(ruleset)
    assert [r.rule_id for s in shards for r in s.rules] == [r.rule_id for r in ruleset.rules]  # rank order kept
    assert all(len(s.rules) <= compile_.SHARD_RULES for s in shards)
    assert all(sum(compile_.width(r.condition) for r in s.rules) <= compile_.SHARD_WIDTH for s in shards)


def _segfault_on_fever(monkeypatch):
    """durable_rules' segfault on 256 rules ending on one alpha node reads past a table, so it
    depends on what lies there; this one happens on every fever record, in the engine's process."""
    decide = DurableEngine.decide_facts

    def crashing(self, decision, facts, at):
        if facts.get("temperature_c", 0) >= 37.3:
            os.kill(os.getpid(), signal.SIGSEGV)
        return decide(self, decision, facts, at)
    monkeypatch.setattr(DurableEngine, "decide_facts", crashing)


@pytest.mark.parametrize("rules, how", [(_same(256), "crashed with signal 11 (SIGSEGV)"),
                                        (_rising(80), "error code: 303"),
                                        (_same(300), "error code: 108")],
                         ids=["segfault", "303", "108"])
def test_check_reports_an_engine_that_cannot_run_the_pack_located_and_exit_2(tmp_path, monkeypatch, capsys,
                                                                          rules, how):
    _unsharded(monkeypatch)
    if "signal" in how:
        _segfault_on_fever(monkeypatch)
    root = write_pack(tmp_path / "p", rules)
    pack = load_pack(root)
    found = [f for f in check_pack(pack) if f.engine_cannot_run]
    assert found, "the engine's failure is a finding"
    first = found[0]
    assert how in first.message and first.rules and first.location.file.endswith("r.yaml")
    assert main(["policy", "check", str(root), "--format", "json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert any(how in f["message"] for f in report["findings"])


@pytest.mark.parametrize("rules, how", [(_same(256), "signal 11"), (_rising(80), "error code: 303")],
                         ids=["segfault", "303"])
def test_decide_refuses_a_pack_the_engine_cannot_run_with_one_located_line(tmp_path, monkeypatch, capsys,
                                                                         rules, how):
    _unsharded(monkeypatch)
    if "signal" in how:
        _segfault_on_fever(monkeypatch)
    root = write_pack(tmp_path / "p", rules)
    with pytest.raises(PackError) as refused:
        DurableEngine(load_pack(root))
    assert how in str(refused.value) and "r.yaml:" in str(refused.value)
    records = tmp_path / "in.jsonl"
    records.write_text(json.dumps(FEVER) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["decide", str(root), "--decision", "gate", "--input", str(records), "--output", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("policysim: ") and how in err[0] and "[engine.cannot-run]" in err[0]
    assert not out.exists() and list(tmp_path.glob("*.tmp*")) == []


def test_the_admission_proof_is_paid_once_per_pack_content(tmp_path, monkeypatch):
    pack = load_pack(write_pack(tmp_path / "p", _rising(10)))
    DurableEngine(pack)
    assert (tmp_path / "cache" / "admitted" / pack_digest(pack)).is_file()
    monkeypatch.setattr("policy.analysis.admission._ADMITTED", set())  # a new process: the marker file holds

    def no_fork():
        raise AssertionError("proved again")
    monkeypatch.setattr(engine_run.os, "fork", no_fork)
    DurableEngine(pack)
    changed = load_pack(write_pack(tmp_path / "q", _rising(11)))
    assert pack_digest(changed) != pack_digest(pack)
    with pytest.raises(AssertionError, match="proved again"):
        DurableEngine(changed)


def test_a_pack_too_large_to_prove_is_refused_before_any_work(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(engine_run, "MAX_WORK", 1_000)
    root = write_pack(tmp_path / "p", _bands(40))
    with pytest.raises(PackError, match=r"more than the 1,000 the engine proof does"):
        DurableEngine(load_pack(root))
    assert main(["policy", "check", str(root)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pack.yaml:" in err[0] and "[pack.too-large-to-prove]" in err[0]


@pytest.mark.slow
def test_check_of_a_500_rule_pack_finishes_within_a_minute(tmp_path):
    import time

    from benchmarks.check import large_pack
    start = time.perf_counter()
    findings = check_pack(load_pack(large_pack(tmp_path, 500)))
    assert time.perf_counter() - start < 60
    assert not any(f.engine_cannot_run for f in findings)
