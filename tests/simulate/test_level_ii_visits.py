"""The season's gate on the Level II day (N-2020-04-30): a social visitor without a green code is
turned back by the pack's own dated rule, so the day's rule hits name it and never `(default)`.

Known answers, from the pack's effective dates: on 29 April the 9 February bar decides them and
the new rule decides nobody; on 30 April the reverse.
"""

from __future__ import annotations

import pytest

from simulate import load_scenario
from simulate.experiment import pack_engine
from simulate.model import run_replication
from simulate.parties import DEFAULT_RULE

from .conftest import SCENARIOS

BARRED = "gate.relative-visitor-barred-2020-02-09"
NO_CODE = "gate.relative-visitor-no-code-2020-04-30"


@pytest.fixture(scope="module")
def level_ii_days(tmp_path_factory):
    """The shipped season cut to 29–30 April, with enough social visitors (30 cars a day, a test
    setting) that both days see some, and returners meaning to come back in those two days."""
    path = tmp_path_factory.mktemp("level-ii") / "season-level-ii.yaml"
    path.write_text(
        f"extends: {SCENARIOS / 'season-spring-2020.yaml'}\n"
        "horizon: {start: 2020-04-29T00:00, end: 2020-04-30}\n"
        "streams:\n"
        "  relatives: {volume: {weekday: 30, weekend: {value: 30, range: [0, 60], source: \"test: many\"},"
        " holiday: 30}}\n"
        "returners: {return_dates: [{from: 2020-04-29, to: 2020-04-30, weight: 1}]}\n",
        encoding="utf-8")
    scenario = load_scenario(path)
    return run_replication(scenario, pack_engine(scenario.pack, scenario.engine), 0)


def test_the_gate_names_the_level_ii_rule_for_visitors_without_a_code(level_ii_days):
    hits = level_ii_days.rule_hits_daily["gate_admission"]
    assert level_ii_days.daily["arrivals.relative_visitor"][0] > 0
    assert level_ii_days.daily["arrivals.relative_visitor"][1] > 0
    assert hits[BARRED][0] > 0 and hits[BARRED][1] == 0         # 29 April: the 9 February bar
    assert hits[NO_CODE][0] == 0 and hits[NO_CODE][1] > 0       # 30 April: the Level II rule


def test_no_decision_of_the_season_falls_to_the_default_on_either_day(level_ii_days):
    for decision, hits in level_ii_days.rule_hits_daily.items():
        assert DEFAULT_RULE not in hits or not any(hits[DEFAULT_RULE]), decision


def test_visitors_without_a_code_are_still_turned_back_on_30_april(level_ii_days):
    daily = level_ii_days.daily
    assert daily["turned_back.relative_visitor"][1] == daily["arrivals.relative_visitor"][1]
