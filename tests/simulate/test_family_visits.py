"""Children visiting parents (field report §一(七)): in the shipped scenarios they pass the
township gate, are met at the village gate and leave; social visits are still turned back."""

from __future__ import annotations

import pytest

from simulate import load_scenario
from simulate.experiment import pack_engine
from simulate.model import run_replication

from .conftest import SCENARIOS


@pytest.fixture(scope="module")
def blossom():
    scenario = load_scenario(SCENARIOS / "blossom-weekend.yaml")
    return scenario, run_replication(scenario, pack_engine(scenario.pack, scenario.engine), 0)


def test_family_visits_are_a_stream_of_their_own_with_the_new_role(blossom):
    scenario, _ = blossom
    streams = {s.id: s for s in scenario.streams}
    assert streams["family-visits"].role == "family_visitor" and streams["family-visits"].outsider
    assert streams["relatives"].role == "relative_visitor"
    # the share 0.4 of the blossom weekend's 40 relatives' cars (A-family-visits)
    assert streams["family-visits"].volume["weekend"] == 16 and streams["relatives"].volume["weekend"] == 24


def test_children_pass_the_township_gate_and_are_met_at_the_village_gate(blossom):
    _, result = blossom
    hits = result.rule_hits["gate_admission"]
    onward, met = hits["gate.family-visit-township-2020-03-01"], hits["gate.family-visit-village-2020-03-01"]
    assert onward > 0 and 0 < met <= onward          # everyone let on reaches a village gate unless a queue deters them
    village = [g for g in result.gates if not g.gate.startswith("pingcheng")]
    assert sum(g.outcomes.get("handle_at_gate", 0) for g in village) == result.containment.handled_at_gate
    assert all("admit_and_register" not in g.outcomes for g in result.gates if g.gate.startswith("pingcheng"))


def test_social_visits_are_still_turned_back_and_never_met(blossom):
    _, result = blossom
    hits = result.rule_hits["gate_admission"]
    assert hits["gate.relative-visitor-barred-2020-02-09"] > 0
    assert not any(rule.startswith("gate.green-code") for rule in hits)   # 18–19 April: before the codes
