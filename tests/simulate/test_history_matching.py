"""Observed figures: reading ``observed:``, implausibility by hand, worlds ruled out."""

from __future__ import annotations

import math

import pytest

from policy import FileFormatError
from simulate import load_scenario
from simulate.history_matching import Observation, implausibility, known_metric, ruled_out

from .conftest import MMC

TURNED = Observation("turned-back", "containment.turned_back", 40.0, 3.0, "a count")


def test_implausibility_by_hand():
    # values 10, 12, 14: mean 12, s² = 4, V_sim = 4/3; sd 2 → sqrt(4 + 4/3) = sqrt(16/3)
    obs = Observation("x", "all.entries_per_day", 20.0, 2.0, "a count")
    assert implausibility(obs, [10.0, 12.0, 14.0]) == pytest.approx(8.0 / math.sqrt(16.0 / 3.0), rel=1e-15)


def test_one_replication_has_no_simulation_variance():
    assert implausibility(TURNED, [31.0]) == pytest.approx(3.0)


def test_an_observation_with_no_spread_is_matched_or_missed():
    # a scenario must state sd > 0; the function itself still copes with 0
    zero = Observation("x", "all.unfinished", 5.0, 0.0, "")
    assert implausibility(zero, [5.0, 5.0]) == 0.0
    assert implausibility(zero, [6.0, 6.0]) == math.inf
    assert implausibility(zero, [5.0, 6.0]) == pytest.approx(1.0)    # |5 − 5.5| / sqrt(0.5 / 2)


def test_a_world_four_sd_away_is_ruled_out_and_three_is_not():
    # constant replications: V_sim = 0, so I = |z − f| / sd exactly
    assert ruled_out([TURNED], {"containment.turned_back": [52.0] * 5}) == ("turned-back",)
    assert ruled_out([TURNED], {"containment.turned_back": [28.0] * 5}) == ("turned-back",)
    assert ruled_out([TURNED], {"containment.turned_back": [49.0] * 5}) == ()     # I = 3: not beyond
    assert ruled_out([TURNED], {"containment.turned_back": [40.0] * 5}) == ()


def test_a_metric_the_world_lacks_reads_zero():
    assert ruled_out([TURNED], {"all.unfinished": [0.0, 0.0]}) == ("turned-back",)   # 40 / 3 > 3
    near = Observation("n", "gate.gone.arrivals", 1.0, 1.0, "")
    assert ruled_out([near], {"all.unfinished": [0.0, 0.0]}) == ()


@pytest.mark.parametrize("metric, known", [
    ("all.entries_per_day", True), ("all.staff_min", True), ("containment.turned_back", True),
    ("containment.leaks.hill_path", True), ("containment.found_by.patrol", True),
    ("gate.north.arrivals", True), ("gate.north.gate", False), ("gate.arrivals", False),
    ("all.nonsense", False), ("turned_back", False), ("containment.leaks", False)])
def test_known_metrics(metric, known):
    assert known_metric(metric) is known


def test_observed_is_read_in_file_order(variant):
    path = variant(MMC, "observed:\n"
                        "  served: {metric: gate.gate.arrivals, value: 1500, sd: 100, source: a count}\n"
                        "  none-left: {metric: all.unfinished, value: 0, sd: 0.5, source: by eye}\n")
    assert load_scenario(path).observed == (
        Observation("served", "gate.gate.arrivals", 1500.0, 100.0, "a count"),
        Observation("none-left", "all.unfinished", 0.0, 0.5, "by eye"))
    assert load_scenario(MMC).observed == ()


def test_an_unknown_metric_is_a_located_mistake(variant):
    path = variant(MMC, "observed:\n  served: {metric: all.served, value: 1, sd: 1, source: x}\n")
    with pytest.raises(FileFormatError) as caught:
        load_scenario(path)
    assert str(caught.value).startswith(f"{path}:3:20: observed.served.metric: 'all.served' is not a measure")
    assert str(caught.value).endswith("[scenario.observed-metric]")


def test_sd_must_be_positive(variant):
    path = variant(MMC, "observed:\n  served: {metric: all.unfinished, value: 1, sd: 0, source: x}\n")
    with pytest.raises(FileFormatError) as caught:
        load_scenario(path)
    assert "observed.served.sd" in str(caught.value)
