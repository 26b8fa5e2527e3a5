"""`check` decides every cell with durable_rules and with the reference evaluator, and a cell where
they differ is a finding: here made to differ on purpose, by a fault injected into the lowering."""

import json
from pathlib import Path

import pytest

import policy.durable
from cli.main import main
from policy import DurableEngine, ReferenceEngine, load_pack
from policy.analysis import check_pack
from policy.compile import CompiledRule, CompiledRuleset, compile_rules

from .packs import write_pack

SHIPPED = Path(__file__).resolve().parents[2] / "policy" / "packs" / "xiongerzhai-2020"


def _gte_lowered_as_gt(spec, rules):
    """The real lowering with one fault: the `fever` rule's `gte` becomes durable's `$gt`."""
    compiled = compile_rules(spec, rules)
    faulty = tuple(
        CompiledRule(c.rule_id, c.pri, json.loads(json.dumps(c.condition).replace('"$gte"', '"$gt"')))
        if c.rule_id == "fever" else c for c in compiled.rules)
    return CompiledRuleset(compiled.decision, faulty, "faulty" + compiled.digest)


@pytest.fixture
def faulty_lowering(monkeypatch):
    monkeypatch.setattr(policy.durable, "compile_rules", _gte_lowered_as_gt)


def test_a_lowering_fault_is_found_at_the_cells_it_changes(tmp_path, faulty_lowering):
    # the mini pack's gate: role (3) x has_pass (2) x temperature below / at / above 37.3 (3)
    # = 18 cells, in 3 periods (delivery is in force 2020-02-09 to 2020-04-29): 54 cells.
    # Only at exactly 37.3 does `gt` differ from `gte`: 6 cells a period, 18 in all.
    pack = load_pack(write_pack(tmp_path))
    found = check_pack(pack)
    assert found and all(f.kind == "engine-disagreement" for f in found)
    assert len(found) == 5  # the first five shown, the rest counted
    for finding in found:
        assert finding.example["temperature_c"] == 37.3
        assert "18 of 54 cells of gate disagree" in finding.message
        assert finding.rules[0] == "fever" and finding.location.line == 1
        reference, durable = finding.answers["reference"], finding.answers["durable_rules"]
        assert reference["outcome"] == "hold" and reference["rule"] == "fever"
        assert reference["obligations"] == ["retest"]
        assert "fever" not in durable["matched"] and durable["outcome"] != "hold"
        # the example really is decided so by each engine on that day
        assert ReferenceEngine(pack).decide("gate", finding.example, at=finding.at).rule == "fever"
        assert DurableEngine(pack).decide("gate", finding.example, at=finding.at).rule == durable["rule"]


def test_the_disagreement_is_printed_as_text_and_json(tmp_path, capsys, faulty_lowering):
    root = write_pack(tmp_path)
    assert main(["policy", "check", str(root)]) == 1
    text = capsys.readouterr().out
    assert "r.yaml:1:3: error: engine-disagreement: durable_rules decides" in text
    assert "but the reference evaluator decides hold by fever (matched: fever" in text
    assert '"temperature_c": 37.3' in text
    assert main(["policy", "check", str(root), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    kinds = {f["kind"] for f in report["findings"]}
    assert kinds == {"engine-disagreement"} and not report["ok"]
    first = report["findings"][0]
    assert first["answers"]["reference"]["matched"][0] == "fever" and first["at"]


class _FailsOnDelivery(ReferenceEngine):
    """An engine that answers like the reference but fails on one kind of record."""

    def decide_facts(self, decision, facts, at):
        if facts["role"] == "delivery" and facts["has_pass"] and facts["temperature_c"] > 37.3:
            raise RuntimeError("could not assert fact, error code: 303")
        return super().decide_facts(decision, facts, at)


def test_an_engine_failing_on_a_cell_is_a_finding_too(tmp_path):
    pack = load_pack(write_pack(tmp_path))
    found = check_pack(pack, engine=_FailsOnDelivery(pack))
    # one cell a period (delivery, with a pass, above 37.3), in each of the 3 periods
    assert len(found) == 3 and {f.at.isoformat() for f in found} == {"2020-02-08", "2020-02-09", "2020-04-30"}
    for finding in found:
        assert finding.example["role"] == "delivery" and finding.example["temperature_c"] > 37.3
        assert "fails (RuntimeError: could not assert fact, error code: 303)" in finding.message
        assert finding.answers["durable_rules"].startswith("RuntimeError")


class _Counting(DurableEngine):
    def __init__(self, pack):
        super().__init__(pack, cache=False)
        self.decided = 0

    def decide_facts(self, decision, facts, at):
        self.decided += 1
        return super().decide_facts(decision, facts, at)


def test_both_engines_agree_on_every_cell_of_the_shipped_pack():
    pack = load_pack(SHIPPED)
    engine = _Counting(pack)
    assert check_pack(pack, engine=engine) == []
    assert engine.posts == engine.decided > 1900  # every cell posted to durable_rules (about 2,000)
