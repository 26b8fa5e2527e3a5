"""Queues people leave: balking, reneging, staff away carrying goods in, the road blocked.

Against theory where it exists (finite birth–death chains for M/M/1 with balking and for
M/M/c+M, Palm's model with exponential patience), by hand where it does not (scripted
arrivals), and against the plain queue: configured to do nothing, nothing changes.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import simpy

from policy.errors import FileFormatError
from simulate import load_scenario, pack_engine, run_replication
from simulate.demand import draw_arrivals, thin
from simulate.distributions import Distribution
from simulate.gates import CarryIn, Checkpoint, QueueBehaviour
from simulate.metrics import gate_result
from simulate.seeds import Purpose, key_of, stream
from tests.oracles.birth_death import stationary, waiting

from .conftest import MMC, SCENARIOS


def _mmc(variant, lam: float, staff: int, hours: float, queue: str, extra: str = "") -> dict[str, float]:
    """One long replication of the M/M/c scenario (service mean 1 min) with a queue behaviour."""
    per_day = lam * 1440
    path = variant(MMC, f"""
horizon: {{start: 2020-03-16T00:00, hours: {hours}, warmup_min: 600}}
shifts: {{round-the-clock: [{{from: "00:00", to: "24:00", staff: {staff}}}]}}
streams: {{arrivals: {{volume: {{weekday: {per_day}, weekend: {per_day}, holiday: {per_day}}}, queue: {queue}}}}}
{extra}""")
    scenario = load_scenario(path)
    result = run_replication(scenario, pack_engine(scenario.pack, scenario.engine), 0, seed=11)
    return {k.removeprefix("gate.gate."): v for k, v in result.metrics().items() if k.startswith("gate.gate.")}


def _joins(w: int, balk_from: int, balk_to: int) -> float:
    """P(join | w waiting), written out from the definition."""
    if w < balk_from:
        return 1.0
    if w >= balk_to:
        return 0.0
    return (balk_to - w) / (balk_to - balk_from)


@pytest.mark.parametrize(("balk_from", "balk_to", "block"), [(3, 3, 2), (2, 6, 4)])
def test_mm1_with_balking_matches_the_birth_death_chain(variant, balk_from, balk_to, block):
    """M/M/1, λ = 0.9, μ = 1; a party seeing w waiting joins with P(join | w). By PASTA the share
    of arrivals that balk (or find the road blocked) is the stationary share of such states."""
    lam, top = 0.9, balk_to + 1
    p = stationary(lambda k: lam * _joins(waiting(k, 1), balk_from, balk_to), lambda k: 1.0, top)
    balk_share = sum(pk * (1 - _joins(waiting(k, 1), balk_from, balk_to)) for k, pk in enumerate(p))
    queue_mean = sum(pk * waiting(k, 1) for k, pk in enumerate(p))
    blocked_share = sum(pk for k, pk in enumerate(p) if waiting(k, 1) >= block)
    g = _mmc(variant, lam, 1, 2000, f"{{balk_from: {balk_from}, balk_to: {balk_to}}}",
             f"road_block_queue: {block}")
    seen = g["arrivals"] + g["balked"]               # every arriving party joins or balks
    assert g["reneged"] == 0
    assert g["balked"] / seen == pytest.approx(balk_share, rel=0.03)
    assert g["queue_mean"] == pytest.approx(queue_mean, rel=0.03)
    assert g["blocked_arrivals"] / seen == pytest.approx(blocked_share, rel=0.03)
    assert g["queue_max"] <= balk_to                   # nobody joins a queue of balk_to
    assert balk_share > 0.1 and abs(queue_mean - 0.81 / 0.1) > 5     # far from M/M/1 without balking


def test_mmc_with_exponential_patience_matches_palm_s_model(variant):
    """M/M/2+M (Erlang A): λ = 2.2 > 2μ, patience exponential with mean 2 min (θ = 0.5). In the
    chain deaths are min(k, 2)·μ + (k − 2)⁺·θ; abandonments per arrival are θ·E[waiting]/λ."""
    lam, theta = 2.2, 0.5
    p = stationary(lambda k: lam, lambda k: min(k, 2) * 1.0 + waiting(k, 2) * theta, 120)
    queue_mean = sum(pk * waiting(k, 2) for k, pk in enumerate(p))
    g = _mmc(variant, lam, 2, 1000, "{patience_min: {dist: exponential, mean: 2}}")
    assert g["balked"] == 0
    assert g["reneged"] / g["arrivals"] == pytest.approx(theta * queue_mean / lam, rel=0.03)
    assert g["queue_mean"] == pytest.approx(queue_mean, rel=0.03)
    # Little: every party's wait counts (a reneged one up to when it left)
    assert g["wait_mean_min"] == pytest.approx(queue_mean / lam, rel=0.03)
    assert theta * queue_mean / lam > 0.1                 # a real share leaves


def _scripted(arrivals: list[tuple[float, float, float, float]], servers: int = 1,
              length: float = math.inf) -> tuple[Checkpoint, dict[int, float | None]]:
    """Feed (time, service, away, patience) parties to a checkpoint; each party's event value."""
    env = simpy.Environment()
    gate = Checkpoint(env, "g", ((0.0, servers),), length_min=length)
    values: dict[int, float | None] = {}
    ended: dict[int, float] = {}

    def party(i: int, t: float, service: float, away: float, patience: float):
        yield env.timeout(t)
        values[i] = yield gate.serve(service, away, patience)
        ended[i] = env.now

    for i, spec in enumerate(arrivals):
        env.process(party(i, *spec))
    env.run()
    values.update({-1 - i: t for i, t in ended.items()})    # end times under negative keys
    return gate, values


def test_a_reneging_party_leaves_at_its_patience_and_the_log_records_it():
    inf = math.inf
    gate, v = _scripted([(0, 10, 0, inf), (1, 10, 0, 3), (2, 10, 0, inf), (3, 10, 0, 100)])
    assert v[1] is None and v[-2] == 4.0                 # left at 1 + 3, unserved
    assert v[2] == 8.0 and v[-3] == 20.0                 # next in line: served 10–20
    assert v[3] == 17.0 and v[-4] == 30.0                # patience 100 > wait 17: served 20–30
    assert gate.reneged == 1
    assert sorted(gate.waits) == [0.0, 3.0, 8.0, 17.0]
    assert list(zip(*(a.tolist() for a in gate.queue_log()), strict=True)) == [
        (0.0, 0), (1.0, 1), (2.0, 2), (3.0, 3), (4.0, 2), (10.0, 1), (20.0, 0)]


def test_staff_away_after_a_service_keep_the_next_party_waiting():
    """One server, service 1 then away 2: the party leaves at 1, the next one (arrived at 1) waits 2."""
    gate, v = _scripted([(0, 1, 2, math.inf), (1, 1, 0, math.inf)])
    assert v[0] == 0.0 and v[-1] == 1.0                  # the party itself leaves at service end
    assert v[1] == 2.0 and v[-2] == 4.0
    assert gate.away_min == 2.0
    clipped, _ = _scripted([(0, 1, 2, math.inf)], length=2.0)
    assert clipped.away_min == 1.0                       # only minutes within the horizon


def test_carry_in_share_and_minutes_by_hand():
    carry = CarryIn(0.3, Distribution("uniform", 5.0, 15.0))
    assert carry.away_min(0.0) == 5.0
    assert carry.away_min(0.15) == pytest.approx(10.0)    # u / share = 0.5: the middle of 5–15
    assert carry.away_min(0.3) == 0.0 and carry.away_min(0.9) == 0.0


def test_linear_balking_by_hand():
    q = QueueBehaviour(5, 20)
    assert q.joins(4, 0.999) and not q.joins(20, 0.0)
    assert q.joins(10, 0.66) and not q.joins(10, 0.67)     # (20 − 10) / 15 = 2/3
    assert QueueBehaviour().joins(10_000, 0.999) and QueueBehaviour().patience(0.5) == math.inf


def test_blocked_arrivals_counted_by_hand():
    """One server, service 10; arrivals at 0 … 5 see 0, 0, 1, 2, 3, 4 waiting; a balker at 6 sees 5.
    With the road blocked at 3 waiting, those at 4, 5 and 6 arrived behind a blocked road."""
    env = simpy.Environment()
    gate = Checkpoint(env, "g", ((0.0, 1),), length_min=100.0)

    def feed():
        for _ in range(6):
            gate.serve(10.0)
            yield env.timeout(1.0)
        gate.balk()

    env.process(feed())
    env.run(until=100.0)
    result = gate_result(gate, "village", "v", ((0.0, 1),), 3, 0.0, 100.0)
    assert (result.blocked_arrivals, result.balked, result.arrivals) == (3, 1, 6)
    assert gate_result(gate, "village", "v", ((0.0, 1),), 6, 0.0, 100.0).blocked_arrivals == 0


def test_nothing_configured_changes_nothing(variant):
    """An empty queue behaviour and a carry-in share of 0 give the very same replication."""
    base = variant(MMC, "horizon: {start: 2020-03-16T00:00, hours: 30, warmup_min: 60}\n", "base.yaml")
    neutral = variant(base, """
service: {carry_in: {share: 0, minutes: 30}}
streams: {arrivals: {queue: {}}}
""")
    a, b = load_scenario(base), load_scenario(neutral)
    engine = pack_engine(a.pack, a.engine)
    ra, rb = run_replication(a, engine, 0), run_replication(b, engine, 0)
    assert ra.gates[0].queue_max > 3
    assert (ra.gates, ra.containment, ra.queues) == (rb.gates, rb.containment, rb.queues)


def test_new_service_uniforms_leave_the_first_four_where_they_were():
    """Common random numbers: the four service columns are the same draws as before the three new ones."""
    scenario = load_scenario(MMC)
    s = scenario.streams[0]
    times, keep = thin(s, scenario.horizon, stream(5, 2, Purpose.ARRIVALS, key_of(s.id)))
    old = stream(5, 2, Purpose.SERVICE, key_of(s.id)).uniform(size=(len(times), 4))[keep]
    new = draw_arrivals(s, scenario.horizon, 5, 2).service
    assert new.shape == (len(old), 7)
    assert np.array_equal(new[:, :4], old)


def test_the_shipped_queue_levers_move_their_measures():
    """Blossom weekend, 10 replications with common random numbers: tourists and relatives who
    balk or give up shorten the longest queue at the township gates (paired 95 % interval
    excludes 0), and 代送 keeps village staff away in every replication."""
    scenario = load_scenario(SCENARIOS / "blossom-weekend.yaml")
    plain = dataclasses.replace(scenario, streams=tuple(dataclasses.replace(s, queue=None) for s in scenario.streams))
    engine = pack_engine(scenario.pack, scenario.engine)
    shorter, away = [], []
    for rep in range(10):
        shipped, waiting_ = run_replication(scenario, engine, rep), run_replication(plain, engine, rep)
        shorter.append(waiting_.metrics()["all.queue_max"] - shipped.metrics()["all.queue_max"])
        away.append(sum(g.away_min for g in shipped.gates))
        assert sum(g.balked + g.reneged for g in waiting_.gates) == 0
        assert sum(g.away_min for g in waiting_.gates) == away[-1]      # the queue lever leaves 代送 alone
    half_width = 2.262 * np.std(shorter, ddof=1) / math.sqrt(len(shorter))   # t(0.975, 9)
    assert np.mean(shorter) - half_width > 0, shorter
    assert min(away) > 0


@pytest.mark.parametrize(("text", "field", "code"), [
    ("streams: {arrivals: {queue: {balk_from: 5}}}", "streams.arrivals.queue.balk_from", "scenario.missing"),
    ("streams: {arrivals: {queue: {balk_from: 5, balk_to: 4}}}", "streams.arrivals.queue.balk_to",
     "scenario.range"),
    ("streams: {arrivals: {queue: {patience_min: -1}}}", "streams.arrivals.queue.patience_min",
     "scenario.range"),
    ("service: {carry_in: {share: 1.5, minutes: 5}}", "service.carry_in.share", "scenario.range"),
])
def test_queue_mistakes_are_located(variant, text, field, code):
    with pytest.raises(FileFormatError) as caught:
        load_scenario(variant(MMC, text + "\n"))
    found = [(d.location.path, d.code) for d in caught.value.diagnostics]
    assert (field, code) in found, found
