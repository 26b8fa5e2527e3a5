"""The model reads the pack's vocabulary through the scenario's ``gate_policy``: a pack with
other words runs unchanged, and a scenario that does not fit its pack is a located error at
load time, never a failure mid-run."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from policy import FileFormatError, load_pack
from simulate import load_scenario
from simulate.experiment import pack_engine
from simulate.gate_policy import GatePolicy
from simulate.model import run_replication
from simulate.season_policy import STATUS_MEANINGS

from .conftest import HERE, ROOT, SCENARIOS

POST_LITE = HERE / "scenarios" / "post-lite.yaml"


@pytest.fixture(scope="module")
def post_lite_run():
    scenario = load_scenario(POST_LITE)
    return scenario, run_replication(scenario, pack_engine(scenario.pack, scenario.engine), 0)


def test_a_pack_with_other_words_runs_the_township_model(post_lite_run):
    _scenario, result = post_lite_run
    by_gate = {g.gate: g for g in result.gates}
    road, main = by_gate["road"].outcomes, by_gate["main"].outcomes
    hits = result.rule_hits["checkpoint"]
    assert set(result.rule_hits) == {"checkpoint"}
    # Every party meets the road post; villagers are waved through, suppliers leave goods,
    # guests without a permit meet the default (refuse).
    assert road["wave_through"] == hits["post.villager"] / 2          # each villager is decided twice
    assert road["leave_goods"] == result.containment.handled_at_gate == hits["post.supplier"]
    assert road["refuse"] == hits["(default)"] == result.containment.turned_back
    # escort_in means "passes": those guests drive on and meet the village entrance too.
    assert road["escort_in"] > 0 and main["escort_in"] == road["escort_in"]
    assert main["wave_through"] == road["wave_through"]
    assert "leave_goods" not in main and "refuse" not in main
    # Refused guests (outsiders by the mapping) go round the closed lane half the time.
    assert result.containment.evasions > 0
    assert result.containment.outsider_person_min > 0


def test_severity_follows_the_order_the_scenario_gives():
    policy = GatePolicy("d", {}, {}, {"ok": "pass", "goods": "handled_at_gate", "no": "turned_back",
                                      "ill": "held_for_retest"}, undecided="no")
    ranks = policy.severity()
    assert ranks["ok"] < ranks["goods"] < ranks["no"] < ranks["ill"]
    assert ranks[None] == ranks["no"]
    assert policy.meaning(None) == "turned_back" and not policy.admits(None)
    assert policy.admits("ok") and policy.lets_out("ok")
    observed = GatePolicy("d", {}, {}, {"in": "pass_under_observation"})
    assert observed.admits("in") and not observed.lets_out("in")


def _error(variant, base: Path, text: str) -> str:
    with pytest.raises(FileFormatError) as caught:
        load_scenario(variant(base, text))
    return "\n".join(str(d) for d in caught.value.diagnostics)


@pytest.mark.parametrize(("text", "where", "message"), [
    ("gate_policy: {outcomes: {escort_in: null}}", "gate_policy.outcomes",
     "outcome 'escort_in' of decision 'checkpoint' has no meaning for the model"),
    ("gate_policy: {outcomes: {wave_through: sail_through}}", "gate_policy.outcomes.wave_through",
     "'sail_through' is not one of: pass, pass_under_observation"),
    ("gate_policy: {outcomes: {admit: pass}}", "gate_policy.outcomes.admit",
     "'admit' is not an outcome of decision 'checkpoint'"),
    ("streams: {guests: {role: tourist}}", "streams.guests.role",
     "'tourist' is not a value of input 'who' of decision 'checkpoint' in pack post-lite@1"),
    ("streams: {guests: {quarantine: {home_observation: 1}}}", "streams.guests.quarantine.home_observation",
     "'home_observation' is not a value of input 'status'"),
    ("gate_policy: {inputs: {role: role}}", "gate_policy.inputs.role",
     "decision 'checkpoint' has no input 'role'"),
    ("gate_policy: {inputs: {temperature: who, role: temp}}", "gate_policy.inputs.role",
     "input 'temp' is a number; the model's role needs an enum"),
    ("gate_policy: {levels: {village: village}}", "gate_policy.levels.village",
     "'village' is not one of: outer, inner"),
    ("gate_policy: {decision: gate_admission}", "gate_policy.decision",
     "pack post-lite@1 has no decision 'gate_admission'"),
    ("gate_policy: {outsiders: [tourist]}", "gate_policy.outsiders[0]",
     "'tourist' is not a value of input 'who'"),
    ("service: {by_outcome: {escort_in: null}}", "service.by_outcome.escort_in",
     "required field is missing"),
])
def test_a_scenario_that_does_not_fit_its_pack_is_a_located_error(variant, text, where, message):
    found = _error(variant, POST_LITE, text)
    line = next((d for d in found.splitlines() if f" {where}:" in d), found)
    assert message in line, found
    assert line.startswith(str(POST_LITE.parent)) or "variant.yaml" in line


def test_a_decision_without_a_default_needs_a_stand_in_for_no_answer(tmp_path, variant):
    pack = tmp_path / "pack"
    (pack / "rules").mkdir(parents=True)
    text = (HERE / "packs" / "post-lite" / "pack.yaml").read_text(encoding="utf-8")
    (pack / "pack.yaml").write_text(text.replace("    default: refuse\n", ""), encoding="utf-8")
    (pack / "rules" / "none.yaml").write_text("[]\n", encoding="utf-8")
    found = _error(variant, POST_LITE, f"pack: {pack}")
    assert "gate_policy: decision 'checkpoint' has no default" in found
    scenario = load_scenario(variant(POST_LITE, f"pack: {pack}\ngate_policy: {{undecided: refuse}}",
                                     "fixed.yaml"))
    assert scenario.gate_policy.standing(None) == "refuse"


def test_a_decision_input_the_model_cannot_supply_is_reported(tmp_path, variant):
    pack = tmp_path / "pack"
    (pack / "rules").mkdir(parents=True)
    text = (HERE / "packs" / "post-lite" / "pack.yaml").read_text(encoding="utf-8")
    text = text.replace("      status:", "      zone: {enum: [a, b]}\n      status:")
    (pack / "pack.yaml").write_text(text, encoding="utf-8")
    (pack / "rules" / "none.yaml").write_text("[]\n", encoding="utf-8")
    assert "requires input 'zone', which the model cannot supply" in _error(variant, POST_LITE, f"pack: {pack}")


def _literals(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef)
                  and n.body and isinstance(n.body[0], ast.Expr)}
    return {n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings}


def test_the_model_names_none_of_the_shipped_packs_words():
    pack = load_pack(ROOT / "policy" / "packs" / "xiongerzhai-2020")
    spec = pack.decisions["gate_admission"]
    words = {spec.name, *spec.outcomes}
    for name in ("role", "quarantine_status"):
        words |= set(spec.inputs[name].values)
    words -= {"none"}                                    # also an ordinary English word in messages
    # The season's statuses are the model's own words, each mapped from the pack's outcomes by
    # the scenario's quarantine_policy; two of them happen to be spelt as the pack's values.
    words -= set(STATUS_MEANINGS)
    for path in sorted((ROOT / "simulate").rglob("*.py")):
        named = _literals(path) & words
        assert not named, f"{path.relative_to(ROOT)} names the shipped pack's {sorted(named)}"


def test_the_shipped_scenarios_map_every_outcome_of_their_pack():
    scenario = load_scenario(SCENARIOS / "baseline-march-weekend.yaml")
    spec = load_pack(scenario.pack).decisions[scenario.gate_policy.decision]
    assert tuple(scenario.gate_policy.outcomes) == spec.outcomes
