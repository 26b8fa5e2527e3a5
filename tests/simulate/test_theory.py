"""The model against exact results: Erlang C, Kiefer–Wolfowitz, ∫λ(t), Little's law.

These assert analytic values with honest statistical tolerances (95 % t-intervals over
replications), or exact identities to rounding; no seed-pinned golden numbers here.
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

import numpy as np
import pytest
import simpy

from simulate import load_scenario, pack_engine, run_experiment, run_replication
from simulate.demand import Stream, draw_arrivals
from simulate.gates import Checkpoint
from simulate.horizon import Horizon
from tests.oracles.erlang import erlang_c, mean_wait
from tests.oracles.kiefer_wolfowitz import fifo_waits

from .conftest import MMC

DAY_TRIP = (0, 0, 0, 0, 0, 0, 0, 3, 10, 20, 22, 15, 8, 9, 7, 4, 2, 0, 0, 0, 0, 0, 0, 0)


def test_erlang_oracle_float_matches_exact_rationals():
    exact = mean_wait(Fraction(12, 5), Fraction(1), 3)
    assert isinstance(exact, Fraction)
    assert float(exact) == pytest.approx(mean_wait(2.4, 1.0, 3), rel=1e-12)
    # c = 1 is M/M/1: Wq = ρ / (μ − λ)
    assert float(mean_wait(Fraction(1, 2), Fraction(1), 1)) == pytest.approx(1.0)
    assert float(erlang_c(Fraction(1, 2), Fraction(1), 1)) == pytest.approx(0.5)


@pytest.mark.parametrize(("lam", "mean_s", "staff"), [
    (2.4, 60, 3),      # ρ = 0.8
    (0.7, 60, 1),      # ρ = 0.7
    (1.5, 60, 2),      # ρ = 0.75
])
def test_mmc_gate_mean_wait_ci_covers_erlang_c(variant, lam, mean_s, staff):
    """One staffed entrance, constant-rate Poisson, exponential service, c staff, everyone admitted."""
    per_day = lam * 1440
    hours = round(7000 / lam / 60) + 10          # about 7,000 customers per replication
    path = variant(MMC, f"""
horizon: {{start: 2020-03-16T00:00, hours: {hours}, warmup_min: 600}}
shifts: {{round-the-clock: [{{from: "00:00", to: "24:00", staff: {staff}}}]}}
service: {{by_outcome: {{admit: {{dist: exponential, mean: {mean_s}}}}}}}
streams: {{arrivals: {{volume: {{weekday: {per_day}, weekend: {per_day}, holiday: {per_day}}}}}}}
""")
    scenario = load_scenario(path)
    experiment = run_experiment(scenario, replications=16, seed=7, jobs=2)
    stat = {s.metric: s for s in experiment.statistics}["gate.gate.wait_mean_min"]
    exact = mean_wait(lam, 60 / mean_s, staff)
    # A 99 % t-interval (15 degrees of freedom: t.995 = 2.947, t.975 = 2.131): three such
    # checks give a false alarm about 3 % of the time if the model's streams change, not 14 %.
    half_width = stat.half_width * 2.947 / 2.131
    assert abs(stat.mean - exact) <= half_width, (stat, exact)
    assert half_width < 0.25 * exact                 # the check has teeth
    # Little's law on the same runs: time-average queue = λ × mean wait
    queue = {s.metric: s for s in experiment.statistics}["gate.gate.queue_mean"]
    assert queue.mean == pytest.approx(lam * stat.mean, rel=0.03)


@pytest.mark.parametrize("servers", [1, 2, 3])
@pytest.mark.parametrize("kind", ["deterministic", "exponential"])
def test_checkpoint_matches_kiefer_wolfowitz_on_identical_inputs(servers, kind):
    rng = np.random.default_rng(servers)
    n = 3000
    arrivals = np.cumsum(rng.exponential(1.0 / (0.8 * servers), n)).tolist()
    services = ([1.0] * n if kind == "deterministic" else rng.exponential(1.0, n).tolist())
    env = simpy.Environment()
    gate = Checkpoint(env, "g", ((0.0, servers),), length_min=math.inf)

    def feed():
        for t, s in zip(arrivals, services, strict=True):
            yield env.timeout(t - env.now)
            gate.serve(s)

    env.process(feed())
    env.run()
    expected = fifo_waits(arrivals, services, servers)
    assert len(gate.waits) == n
    assert np.max(np.abs(np.asarray(gate.waits) - np.asarray(expected))) < 1e-9


def _stream(**kw):
    base = {"id": "visitors", "role": "tourist", "route": "hills",
                "volume": {"weekday": 300.0, "weekend": 300.0, "holiday": 300.0},
                "profile": tuple(w / sum(DAY_TRIP) for w in DAY_TRIP)}
    base.update(kw)
    return Stream(**base)


def test_arrival_counts_match_the_integral_of_the_rate():
    horizon = Horizon(dt.datetime(2020, 3, 14), 1440.0)
    stream = _stream()
    expected = stream.expected_count(horizon)
    assert expected == pytest.approx(300.0)
    peak = stream.expected_count(horizon, 600, 660)          # 10:00–11:00, 22 % of the day
    assert peak == pytest.approx(66.0)
    counts, peaks = [], []
    for rep in range(400):
        times = draw_arrivals(stream, horizon, 11, rep).times
        counts.append(len(times))
        peaks.append(int(np.sum((times >= 600) & (times < 660))))
    counts = np.asarray(counts)
    half = 1.96 * counts.std(ddof=1) / math.sqrt(len(counts))
    assert abs(counts.mean() - expected) <= max(half, 0.5)
    assert counts.var(ddof=1) / counts.mean() == pytest.approx(1.0, abs=0.2)   # Poisson
    assert np.mean(peaks) == pytest.approx(peak, rel=0.05)                   # the short peak is not skipped
    assert not np.any((draw_arrivals(stream, horizon, 11, 0).times % 1440) < 7 * 60)  # nobody before 07:00


def test_littles_law_holds_exactly_on_a_non_markovian_gate(variant):
    """Lognormal service and a peaked day: queue area equals the sum of waits when the day empties."""
    path = variant(MMC, """
horizon: {start: 2020-03-14T00:00, hours: 24, warmup_min: 0}
shifts: {round-the-clock: [{from: "00:00", to: "24:00", staff: 2}]}
service: {by_outcome: {admit: {dist: lognormal, mean: 50, cv: 1.2}}}
profiles: {day-trip: [0, 0, 0, 0, 0, 0, 0, 3, 10, 20, 22, 15, 8, 9, 7, 4, 2, 0, 0, 0, 0, 0, 0, 0]}
streams: {arrivals: {volume: {weekday: 600, weekend: 600, holiday: 600}, profile: day-trip}}
""")
    scenario = load_scenario(path)
    engine = pack_engine(scenario.pack, scenario.engine)
    for rep in range(3):
        result = run_replication(scenario, engine, rep)
        gate = result.gates[0]
        assert gate.queue_max > 3                                   # a real queue formed
        area = gate.queue_mean * 1440.0
        assert area == pytest.approx(gate.wait_mean_min * gate.arrivals, rel=1e-9)
