"""The checkpoint settles each party on arrival; a checkpoint simulated event by event
(tests/oracles/event_checkpoint.py) must observe the very same on any shift plan, with
parties that balk, leave the queue and keep staff away carrying goods in."""

from __future__ import annotations

import math
import random
from collections import Counter

import simpy
from hypothesis import given
from hypothesis import strategies as st

from simulate.gates import Checkpoint
from tests.oracles.event_checkpoint import EventCheckpoint

LENGTH = 300.0


def _plan(rng: random.Random, steps: int, top: int) -> tuple[tuple[float, int], ...]:
    times = sorted(rng.uniform(1.0, LENGTH) for _ in range(steps - 1))
    return ((0.0, rng.randint(0, top)), *((t, rng.randint(0, top)) for t in times))


def _parties(rng: random.Random, n: int, mean_service: float, patient: float, carry: float):
    t, out = 0.0, []
    for _ in range(n):
        t += rng.expovariate(n / (LENGTH * 1.1))
        patience = rng.expovariate(1 / 8.0) if rng.random() < patient else math.inf
        away = rng.uniform(1.0, 20.0) if rng.random() < carry else 0.0
        out.append((t, rng.expovariate(1 / mean_service), away, patience))
    return out


def _drive(gate, parties, balk_at, lazy: bool):
    """Each party at its time: balks if it sees *balk_at* queued, else is served; what each saw
    and when its event fired, with what value."""
    env = gate.env
    seen, unstaffed, fired = [], 0, {}

    def feed():
        nonlocal unstaffed
        for i, (t, duration, away, patience) in enumerate(parties):
            yield env.timeout(t - env.now)
            queued = gate.queue_length()
            seen.append(queued)
            if balk_at is not None and queued >= balk_at:
                if lazy:
                    gate.balk()
                continue
            if not lazy:
                unstaffed += gate.capacity == 0
            if lazy and away == 0 and patience == math.inf and i % 2:   # nothing waits on it
                gate.serve_counted(duration, "let through")
                continue
            event = (gate.serve(duration, away, patience, "let through") if lazy
                     else gate.serve(duration, away, patience))
            event.callbacks.append(lambda e, i=i: fired.__setitem__(i, (env.now, e.value)))

    env.process(feed())
    env.run(until=LENGTH)
    return seen, unstaffed, fired


def _merged(log):
    """A queue log with one entry per time (the length after every change then)."""
    out = []
    for t, n in log:
        if len(out) > 1 and out[-1][0] == t:
            out[-1] = (t, n)
        else:
            out.append((t, n))
    return out


@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(1, 3), st.integers(1, 90),
       st.sampled_from([0.0, 0.5]), st.sampled_from([0.0, 0.4]), st.sampled_from([None, 1, 3]))
def test_settled_on_arrival_equals_event_by_event(seed, steps, top, n, patient, carry, balk_at):
    rng = random.Random(seed)
    plan = _plan(rng, steps, top)
    parties = _parties(rng, n, rng.uniform(2.0, 12.0), patient, carry)
    gate = Checkpoint(simpy.Environment(), "g", plan, LENGTH)
    oracle = EventCheckpoint(simpy.Environment(), plan, LENGTH)
    seen, _, fired = _drive(gate, parties, balk_at, lazy=True)
    oracle_seen, unstaffed, oracle_fired = _drive(oracle, parties, balk_at, lazy=False)

    assert seen == oracle_seen
    assert gate.seen == Counter(seen) and gate.balked == sum(1 for s in seen if balk_at is not None and s >= balk_at)
    assert gate.unstaffed_arrivals == unstaffed
    assert fired == {i: v for i, v in oracle_fired.items() if i in fired}      # the same time and value
    assert set(oracle_fired) - set(fired) == {i for i in oracle_fired if i % 2 and parties[i][2] == 0
                                              and parties[i][3] == math.inf}
    assert sorted(zip(gate.wait_at, gate.waits, strict=True)) == sorted(oracle.waits)
    assert sorted(zip(gate.service_start, gate.service_min, strict=True)) == sorted(oracle.services)
    assert gate.reneged == oracle.reneged
    assert gate.outcomes.get("let through", 0) == oracle.ended
    assert sorted(gate.unfinished_at().tolist()) == sorted(oracle.unfinished())
    assert list(zip(*(a.tolist() for a in gate.queue_log()), strict=True)) == _merged(oracle.log)
    assert math.isclose(gate.busy_min, oracle.busy_min, rel_tol=1e-12, abs_tol=1e-9)
    assert math.isclose(gate.away_min, oracle.away_min, rel_tol=1e-12, abs_tol=1e-9)
