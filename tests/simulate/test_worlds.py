"""Plausible worlds: the Latin hypercube, shares with Wilson intervals against hand-computed
numbers, the assumptions the failing worlds share, and runs over worlds that are the same on
any executor and for every scenario compared."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass

import pytest

from simulate import load_scenario
from simulate.executors import InlineExecutor, make_executor
from simulate.history_matching import Observation
from simulate.results import Verdict
from simulate.scenario_reader import Override
from simulate.worlds import (
    WorldRun,
    across,
    judge,
    latin_worlds,
    leans,
    run_worlds,
    sentence,
    wilson,
    world_space,
    worlds_json,
    write_worlds,
)

from .conftest import MMC


@dataclass(frozen=True)
class Range:
    """An assumption as a world sees it (the fields of simulate.assumptions.Assumption it reads)."""

    name: str
    low: float
    high: float
    integer: bool = False


LIMIT = Range("targets.max_queue", 0.0, 60.0)
BLOCK = Range("road_block_queue", 2, 30, integer=True)


def test_one_world_in_each_stratum_of_every_assumption():
    space = (Range("a", 0.0, 1.0), Range("b", -5.0, 15.0), Range("c", 100.0, 200.0))
    worlds = latin_worlds(space, 40, seed=7)
    for a in space:
        strata = sorted(int((w[a.name] - a.low) / (a.high - a.low) * 40) for w in worlds)
        assert strata == list(range(40))
    assert latin_worlds(space, 40, seed=7) == worlds          # seeded: the same worlds every time
    assert latin_worlds(space, 40, seed=8) != worlds


def test_whole_number_assumptions_round_within_their_range():
    worlds = latin_worlds((BLOCK,), 56, seed=1)
    values = [w[BLOCK.name] for w in worlds]
    assert all(v == int(v) and 2 <= v <= 30 for v in values)
    assert sorted(set(values)) == list(range(2, 31))          # 56 strata of width 0.5 cover every whole number


def test_the_space_is_the_union_by_name_and_skips_fixed_assumptions():
    base = (Range("b", 0, 1), Range("a", 0, 2), Range("fixed", 3, 3))
    other = (Range("a", 5, 9), Range("c", 1, 2))
    assert world_space(base, other) == (Range("a", 0, 2), Range("b", 0, 1), Range("c", 1, 2))


@pytest.mark.parametrize("k, n, low, high", [
    # by hand: centre = (p + z²/2n)/(1 + z²/n), half = z·sqrt(p(1−p)/n + z²/4n²)/(1 + z²/n)
    (42, 50, 0.7149, 0.9166), (0, 10, 0.0, 0.2775), (10, 10, 0.7225, 1.0), (5, 10, 0.2366, 0.7634)])
def test_wilson_against_hand_computed_numbers(k, n, low, high):
    s = wilson(k, n)
    assert (s.k, s.n) == (k, n) and s.share == k / n
    assert s.low == pytest.approx(low, abs=5e-5) and s.high == pytest.approx(high, abs=5e-5)


def _verdict(target: str, status: str) -> Verdict:
    return Verdict(target, "all.queue_max", 10.0, 0.0, 0.0, status)


def _run(world: Mapping[str, float], status: str, out: tuple[str, ...] = (), score: float | None = None) -> WorldRun:
    return WorldRun(world, (_verdict("max_queue", status),), {"all.queue_max": (1.0, 1.0)},
                    {} if score is None else {"seen": score}, out)


def test_a_target_that_holds_below_a_threshold_holds_in_the_thresholds_share_of_worlds():
    # holds exactly when a < 0.3 of its range [0, 10]: with one world in each of 50 strata,
    # exactly 15 worlds lie below 3, so the share is 30 % with the Wilson interval of 15/50
    space = (Range("a", 0.0, 10.0), Range("idle", 0.0, 1.0))
    worlds = latin_worlds(space, 50, seed=3)
    runs = [_run(w, "holds" if w["a"] < 3.0 else "fails") for w in worlds]
    (t,) = judge(space, runs, [_verdict("max_queue", "holds")])
    assert (t.holds.k, t.holds.n) == (15, 50) and t.point == "holds" and t.holds_plausible is None
    assert (t.holds.low, t.holds.high) == (wilson(15, 50).low, wilson(15, 50).high)
    assert sentence(t) == "holds in 30% [19, 44] of 50 plausible worlds"
    first = t.leans[0]
    assert first.assumption == "a"
    assert first.difference == pytest.approx(0.65 - 0.15, abs=0.02)   # mid-points of [0.3, 1] and [0, 0.3]
    assert abs(t.leans[1].difference) < first.difference / 3


def test_leans_need_both_groups():
    assert leans((Range("a", 0, 1),), [{"a": 0.2}, {"a": 0.8}], [True, True]) == ()
    (lean,) = leans((Range("a", 0, 4),), [{"a": 1.0}, {"a": 3.0}, {"a": 4.0}], [True, False, False])
    assert (lean.not_holding, lean.holding, lean.difference) == (0.875, 0.25, 0.625)


def test_shares_over_the_surviving_worlds():
    runs = [_run({}, "holds", (), 0.5), _run({}, "fails", ("seen",), 4.0), _run({}, "fails", (), 1.0),
            _run({}, "holds", ("seen",), 3.5)]
    (s,) = across((), ["only"], [runs], [[_verdict("max_queue", "unclear")]])
    (t,) = s.targets
    assert (t.holds.k, t.holds.n) == (2, 4)
    assert (t.holds_plausible.k, t.holds_plausible.n) == (1, 2)
    assert (s.surviving.k, s.surviving.n) == (2, 4)


def _loader(path, extra=()):
    """Load *path* with a world applied as overrides on a short horizon (the world's values at
    dotted paths), standing in for load_scenario(path, world=…)."""
    def load(world):
        fixed = (Override(("horizon", "hours"), 6, "test"), Override(("horizon", "warmup_min"), 0, "test"),
                 Override(("replications",), 4, "test"), *extra)
        put = tuple(Override(tuple(k.split(".")), int(v) if float(v).is_integer() else v, "world")
                    for k, v in world.items())
        return load_scenario(path, (*fixed, *put))
    return load


@pytest.fixture
def queued(variant):
    return variant(MMC, "targets: {max_queue: 10}\nroad_block_queue: 15\n", "queued.yaml")


def test_worlds_run_on_common_random_numbers_and_a_limit_threshold_gives_its_share(queued):
    # The limit does not change the simulation, so every world measures the same replications
    # (CRN); the world holds exactly when its limit is at or past the upper end U of the mean's
    # interval: the share of worlds is the share of [0, 60] past U, within one stratum.
    space = (LIMIT, BLOCK)
    worlds = latin_worlds(space, 20, seed=1)
    load = _loader(queued)
    runs = run_worlds(load, worlds, 4, 1, InlineExecutor())
    assert len({r.values["all.queue_max"] for r in runs}) == 1
    (v,) = runs[0].verdicts
    upper = v.mean + v.half_width
    assert 0 < upper < 60
    (t,) = judge(space, runs, runs[0].verdicts)
    assert abs(t.holds.k - 20 * (60 - upper) / 60) <= 1
    assert [s == "holds" for s in t.statuses] == [w[LIMIT.name] >= upper for w in worlds]
    assert t.leans[0].assumption == LIMIT.name and t.leans[0].difference < 0


def test_the_same_worlds_for_two_scenarios_and_the_same_results_on_any_executor(queued, variant, tmp_path):
    other = variant(MMC, "targets: {max_queue: 10}\nroad_block_queue: 15\n"
                         "shifts:\n  round-the-clock: [{from: '00:00', to: '24:00', staff: 4}]\n", "more-staff.yaml")
    space = world_space((LIMIT, BLOCK), (LIMIT,))
    worlds = latin_worlds(space, 6, seed=load_scenario(queued).seed)
    obs = Observation("queue", "all.queue_max", 3.0, 0.5, "test")
    inline = [run_worlds(_loader(p), worlds, 4, 1, InlineExecutor()) for p in (queued, other)]
    pool = make_executor(2)
    try:
        pooled = [run_worlds(_loader(p), worlds, 4, 1, pool) for p in (queued, other)]
    finally:
        pool.shutdown()
    assert pooled == inline
    assert [r.world for r in inline[0]] == [r.world for r in inline[1]] == list(worlds)
    scenarios = across(space, ["queued", "more-staff"], inline, [inline[0][0].verdicts, inline[1][0].verdicts])
    (w,) = scenarios[1].wins
    assert w.better + w.worse + w.unclear == 6 and w.better >= 5     # a fourth server shortens the queue
    doc = worlds_json(space, worlds, 1, 4, scenarios, (obs,))
    assert doc["worlds"] == 6 and [a["name"] for a in doc["assumptions"]] == [BLOCK.name, LIMIT.name]
    assert doc["scenarios"][1]["wins"][0]["better"] == w.better
    paths = write_worlds(doc, scenarios, tmp_path)
    rows = paths[1].read_text(encoding="utf-8").splitlines()
    assert rows[0] == f"scenario,world,{BLOCK.name},{LIMIT.name},max_queue,ruled_out" and len(rows) == 13
    assert math.isfinite(doc["scenarios"][0]["targets"][0]["holds"]["share"])


UNCERTAIN = ("horizon: {start: 2020-03-16T00:00, hours: 6, warmup_min: 0}\nreplications: 3\n"
             "targets: {max_queue: {value: 10, range: [0, 60], source: a limit under review}}\n"
             "road_block_queue: {value: 15, range: [2, 30], source: a guess}\n")


def test_simulate_and_compare_take_uncertainty_and_agree_on_any_executor(variant, tmp_path, capsys):
    from cli.main import main

    base = variant(MMC, UNCERTAIN, "uncertain.yaml")
    other = variant(MMC, UNCERTAIN.replace("road_block_queue: {value: 15, range: [2, 30], source: a guess}\n", "")
                    + "shifts:\n  round-the-clock: [{from: '00:00', to: '24:00', staff: 4}]\n", "more-staff.yaml")
    one, two = tmp_path / "one", tmp_path / "two"
    assert main(["simulate", str(base), "--uncertainty", "5", "--jobs", "1", "--out", str(one), "--quiet"]) == 0
    assert main(["simulate", str(base), "--uncertainty", "5", "--jobs", "2", "--out", str(two), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "Across 5 plausible worlds" in printed and "of 5 plausible worlds" in printed
    assert (one / "worlds.json").read_bytes() == (two / "worlds.json").read_bytes()
    assert (one / "worlds.csv").read_bytes() == (two / "worlds.csv").read_bytes()
    assert "plausible worlds" in (one / "report.html").read_text(encoding="utf-8")
    pair = tmp_path / "pair"
    assert main(["compare", str(base), str(other), "--uncertainty", "5", "--jobs", "2", "--out", str(pair),
                 "--quiet"]) == 0
    doc = json.loads((pair / "worlds.json").read_text(encoding="utf-8"))
    single = json.loads((one / "worlds.json").read_text(encoding="utf-8"))
    assert doc["values"] == single["values"]                    # the same worlds for every scenario
    (wins,) = doc["scenarios"][1]["wins"]
    assert wins["better"] + wins["worse"] + wins["unclear"] == 5
    assert doc["scenarios"][0]["worlds"] == single["scenarios"][0]["worlds"]
