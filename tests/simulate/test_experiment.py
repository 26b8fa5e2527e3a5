"""Replications: stateless seeding, common random numbers, and the same bits on any executor."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields, replace

import numpy as np

from simulate import InlineExecutor, load_scenario, pack_engine, run_experiment
from simulate.demand import draw_arrivals
from simulate.results import Containment, GateResult, ReplicationResult, Statistic, Verdict
from simulate.seeds import Purpose, stream

from .conftest import SCENARIOS

BASELINE = SCENARIOS / "baseline-march-weekend.yaml"


def test_streams_depend_only_on_seed_replication_and_purpose():
    a = stream(5, 3, Purpose.ARRIVALS, 9).uniform(size=4)
    assert np.array_equal(a, stream(5, 3, Purpose.ARRIVALS, 9).uniform(size=4))
    others = [stream(6, 3, Purpose.ARRIVALS, 9), stream(5, 4, Purpose.ARRIVALS, 9),
              stream(5, 3, Purpose.SERVICE, 9), stream(5, 3, Purpose.ARRIVALS, 10)]
    assert all(not np.array_equal(a, g.uniform(size=4)) for g in others)


def test_results_are_bit_identical_for_any_executor_and_number_of_jobs():
    scenario = load_scenario(BASELINE)
    inline = run_experiment(scenario, replications=4, executor=InlineExecutor())
    with ProcessPoolExecutor(max_workers=2) as pool:
        two = run_experiment(scenario, replications=4, executor=pool)
    three = run_experiment(scenario, replications=4, jobs=3)
    # repr() shows every float exactly (shortest round-trip form): equal reprs are equal bits
    assert repr(inline) == repr(two) == repr(three)
    assert inline == two == three
    assert inline.replications[0] != inline.replications[1]


def _engine_address(pack: str, kind: str) -> int:
    return id(pack_engine(pack, kind))       # a forked child sees inherited objects at the same address


def test_an_engine_built_before_the_pool_is_not_reused_by_the_workers():
    """durable_rules' host does not survive a fork: each worker must build its own engine."""
    scenario = load_scenario(BASELINE)
    engine = pack_engine(scenario.pack, scenario.engine)     # built and used in this process
    engine.decide("gate_admission", {"gate_level": "township", "role": "tourist", "has_pass": False,
                                     "temperature_c": 36.6, "quarantine_status": "none"},
                  at=scenario.horizon.start.date())
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert pool.submit(_engine_address, scenario.pack, scenario.engine).result() != id(engine)
    pooled = run_experiment(scenario, replications=2, seed=4242, jobs=2)
    assert pooled == run_experiment(scenario, replications=2, seed=4242, jobs=1)


def test_the_seed_changes_the_results():
    scenario = load_scenario(BASELINE)
    a = run_experiment(scenario, replications=1, seed=1, jobs=1)
    b = run_experiment(scenario, replications=1, seed=2, jobs=1)
    assert a.replications[0].containment != b.replications[0].containment


def test_two_scenarios_with_the_same_seed_see_the_same_visitors():
    """Common random numbers: blossom-weekend and its variants draw identical arrivals."""
    base = load_scenario(SCENARIOS / "blossom-weekend.yaml")
    for name in ("blossom-volunteers", "blossom-extra-patrol", "blossom-no-township-gate"):
        other = load_scenario(SCENARIOS / f"{name}.yaml")
        for s_base, s_other in zip(base.streams, other.streams, strict=True):
            a = draw_arrivals(s_base, base.horizon, base.seed, 2)
            b = draw_arrivals(s_other, other.horizon, base.seed, 2)
            assert all(np.array_equal(getattr(a, f.name), getattr(b, f.name))
                       for f in fields(a) if f.name != "stream")
    x = run_experiment(base, replications=2, jobs=1)
    y = run_experiment(load_scenario(SCENARIOS / "blossom-volunteers.yaml"), replications=2, seed=base.seed, jobs=1)
    for rx, ry in zip(x.replications, y.replications, strict=True):
        assert rx.containment.arrivals == ry.containment.arrivals
        assert rx.containment.persons == ry.containment.persons


def test_more_demand_yields_a_superset_of_the_same_visitors():
    base = load_scenario(SCENARIOS / "blossom-weekend.yaml")
    tourists = {s.id: s for s in base.streams}["tourists"]
    cases = [(tourists, replace(tourists, volume={k: v * 0.8 for k, v in tourists.volume.items()})),
             # peaks far apart share candidates when the scenario fixes the thinning bound
             (replace(tourists, bound_per_h=200.0),
              replace(tourists, bound_per_h=200.0, volume={k: v * 0.3 for k, v in tourists.volume.items()}))]
    for more, fewer in cases:
        assert np.array_equal(fewer.bounds(base.horizon)[2], more.bounds(base.horizon)[2])
        many = draw_arrivals(more, base.horizon, 9, 0)
        few = draw_arrivals(fewer, base.horizon, 9, 0)
        assert 0 < len(few.times) < len(many.times)
        assert set(few.times.tolist()) <= set(many.times.tolist())
        index = np.searchsorted(many.times, few.times)
        assert np.array_equal(many.persons[index], few.persons)
        assert np.array_equal(many.temps[index], few.temps)


def test_result_records_are_a_fixed_contract():
    assert [f.name for f in fields(GateResult)] == [
        "gate", "level", "village", "arrivals", "persons", "wait_mean_min", "wait_p95_min",
        "wait_max_min", "queue_mean", "queue_max", "blocked_min", "utilisation", "staff_min", "outcomes",
        "wait_histogram"]
    assert [f.name for f in fields(Containment)] == [
        "arrivals", "persons", "turned_back", "held", "handled_at_gate", "evasions", "detected",
        "leaks", "outsider_person_min", "undecided"]
    assert [f.name for f in fields(ReplicationResult)] == [
        "scenario", "replication", "seed", "days", "gates", "containment", "rule_hits", "queues",
        "patrol_person_min", "staffing"]
    assert [f.name for f in fields(Statistic)] == ["metric", "n", "mean", "half_width", "min", "max"]
    assert [f.name for f in fields(Verdict)] == ["target", "metric", "limit", "mean", "half_width", "status"]


def test_a_replication_measures_the_township():
    scenario = load_scenario(SCENARIOS / "blossom-weekend.yaml")
    result = run_experiment(scenario, replications=1, jobs=1).replications[0]
    c = result.containment
    assert c.arrivals > 1000 and c.turned_back > 0 and c.evasions >= c.detected > 0
    gates = {g.gate: g for g in result.gates}
    assert set(gates) >= {"pingcheng-south", "pingcheng-north", "xez-s1"} and len(gates) == 14
    south = gates["pingcheng-south"]
    assert south.outcomes["turn_back"] > 0 and 0 < south.utilisation < 1
    assert south.wait_mean_min <= south.wait_p95_min <= south.wait_max_min
    hits = result.rule_hits["gate_admission"]
    assert hits["gate.non-essential-turn-back"] > 0
    series = {q.gate: q for q in result.queues}["pingcheng-south"]
    assert len(series.lengths) == int(2 * 1440 / scenario.sample_min)
    assert max(series.lengths) <= south.queue_max


def test_the_facade_is_sorted_and_complete():
    import simulate

    assert simulate.__all__ == sorted(simulate.__all__)
    assert all(hasattr(simulate, name) for name in simulate.__all__)
