"""Replications: stateless seeding, common random numbers, the same bits on any executor, and the
means, intervals, paired differences and verdicts an experiment reports, checked by hand and with scipy."""

from __future__ import annotations

import math
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields, replace

import numpy as np
import pytest

from simulate import (
    InlineExecutor,
    Target,
    load_scenario,
    metric_table,
    pack_engine,
    paired_difference,
    run_experiment,
    write_outputs,
)
from simulate.demand import draw_arrivals
from simulate.results import Containment, GateResult, ReplicationResult
from simulate.seeds import Purpose, stream
from simulate.summary import experiment_of

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


def _made_up(waits):
    """Replications 0 … n-1 of one gate whose p95 wait is *waits[k]*, over one day."""
    gate = GateResult("g", "township", "", 10, 10, 1.0, 0.0, 0.0, 1.0, 5, 0.0, 0.5, 1440.0, {}, (10,))
    c = Containment(10, 10, 0, 0, 0, 0, 0, {}, 0.0, 0)
    return [ReplicationResult("s", k, 1, 1.0, (replace(gate, wait_p95_min=w),), c, {}, (), 0.0, ())
            for k, w in enumerate(waits)]


def test_mean_half_width_and_verdicts_by_hand_on_three_replications():
    targets = [Target("loose", "all.wait_p95_min", 20.0), Target("tight", "all.wait_p95_min", 5.0),
               Target("hopeless", "all.wait_p95_min", -3.0)]
    e = experiment_of("s", "S", 1, targets, _made_up([4.0, 6.0, 11.0]))
    wait = {s.metric: s for s in e.statistics}["all.wait_p95_min"]
    # mean 7; variance (9 + 1 + 16) / 2 = 13; half-width t(0.975, 2) · √(13/3), t(0.975, 2) = 4.302652730
    assert (wait.n, wait.mean, wait.min, wait.max) == (3, 7.0, 4.0, 11.0)
    assert wait.half_width == pytest.approx(4.302652729749464 * math.sqrt(13 / 3), rel=1e-12)   # 8.957
    # the interval is [-1.96, 15.96]: within 20, straddles 5, wholly above -3
    assert [(v.target, v.status) for v in e.verdicts] == [
        ("loose", "holds"), ("tight", "unclear"), ("hopeless", "fails")]


def test_a_paired_difference_by_hand_on_three_replications():
    base, other = _made_up([4.0, 6.0, 11.0]), _made_up([3.0, 4.0, 10.0])
    diff = paired_difference(metric_table(base)["all.wait_p95_min"], metric_table(other)["all.wait_p95_min"])
    # differences -1, -2, -1: mean -4/3, sd √(1/3), half-width t(0.975, 2) · √(1/3) / √3 = 4.302652730 / 3
    assert diff.mean == pytest.approx(-4 / 3, rel=1e-15)
    assert diff.half_width == pytest.approx(4.302652729749464 / 3, rel=1e-12)
    assert (diff.low, diff.high) == pytest.approx((-4 / 3 - 1.434217577, -4 / 3 + 1.434217577), abs=1e-9)


def test_identical_seeds_give_identical_replications_whatever_the_count():
    """Replication k depends only on (seed, k): it is the same in a run of 2 and a run of 3."""
    scenario = load_scenario(BASELINE)
    two = run_experiment(scenario, replications=2, seed=77, jobs=1)
    three = run_experiment(scenario, replications=3, seed=77, jobs=1)
    assert two.replications == three.replications[:2]
    assert three.replications[2] != three.replications[1]


def test_summary_json_agrees_with_replications_csv_and_scipy(tmp_path):
    import csv
    import json

    from scipy import stats as sp

    experiment = run_experiment(load_scenario(BASELINE), replications=4, jobs=1)
    write_outputs(experiment, tmp_path)
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    with (tmp_path / "replications.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["replication"]) for r in rows] == [0, 1, 2, 3]
    for group, field, column in [("overall", "wait_p95_min", "all.wait_p95_min"),
                                 ("containment", "turned_back", "containment.turned_back"),
                                 ("overall", "staff_min", "all.staff_min")]:
        values = np.array([float(r[column]) for r in rows])
        stored = summary[group][field]
        assert stored["mean"] == pytest.approx(values.mean(), rel=1e-12)
        half = sp.t.ppf(0.975, 3) * sp.sem(values)
        assert stored["half_width"] == pytest.approx(half, rel=1e-9, abs=1e-12)
        assert (stored["min"], stored["max"], stored["n"]) == (values.min(), values.max(), 4)


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
