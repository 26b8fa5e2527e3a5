"""One replication: build the township from a scenario, run it, measure it.

``run_replication`` is a pure function of (scenario, engine, seed, replication): every
random number comes from :mod:`simulate.seeds`, so the same arguments give the same result
wherever it runs.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from heapq import heappop, heappush
from itertools import islice, repeat
from math import inf as INF
from operator import itemgetter
from typing import Any

import numpy as np
import simpy
from simpy.events import NORMAL, URGENT

from .demand import Arrivals, draw_arrivals
from .distributions import quantiles
from .feed import Feed
from .gates import Checkpoint
from .journeys import Run
from .metrics import gate_result, queue_series, staff_series
from .observation import Season, arrivals_by_role
from .parties import AWAY, BEHAVIOUR, Engine, Party
from .patrols import build_watch, team_minutes
from .results import ReplicationResult
from .scenario import Scenario
from .shifts import capacity_steps


def parties(arrivals: Arrivals) -> Iterator[Party]:
    """The arrivals of one stream as :class:`Party` values (built column-wise, in C loops: a
    season makes some 50,000 of them per replication)."""
    s = arrivals.stream
    gates = [g for g, _ in s.gates] + [None]               # index -1 (none drawn) reads None
    villages = [v for v, _ in s.villages] + [None]
    quarantine = [q for q, _ in s.quarantine]
    origins = [o for o, _ in s.origin]
    persons = arrivals.persons.tolist()
    n = len(persons)
    temps = list(readings(arrivals.temps, persons))
    columns = zip(repeat(s, n), arrivals.times.tolist(), persons, arrivals.has_pass.tolist(),
                  map(quarantine.__getitem__, arrivals.quarantine.tolist()),
                  map(origins.__getitem__, arrivals.origin.tolist()),
                  map(gates.__getitem__, arrivals.gate.tolist()),
                  map(villages.__getitem__, arrivals.village.tolist()),
                  temps, retests(arrivals, temps, persons),
                  rows(np.hstack((arrivals.choice, arrivals.service, arrivals.behaviour))), strict=True)
    return map(partial(tuple.__new__, Party), columns)


def readings(table: np.ndarray, persons: list[int]) -> Iterator[tuple[float, ...]]:
    """Each party's temperature readings (row *k* of *table*, its first ``persons[k]``) as a tuple,
    equal readings sharing one float: to 0.1 °C there are a few dozen values, not one float per
    person per replication, and the engine's memo keys compare them by identity."""
    values, codes = np.unique(table, return_inverse=True)
    shared = values.tolist()
    occupied = np.arange(table.shape[1]) < np.asarray(persons)[:, None]
    flat = iter(list(map(shared.__getitem__, codes.reshape(table.shape)[occupied].tolist())))
    return map(tuple, map(islice, repeat(flat, len(persons)), persons))


def retests(arrivals: Arrivals, temps: list[tuple[float, ...]], persons: list[int]) -> list[tuple[float, ...]]:
    """Each party's re-test readings: the tuple of its first readings itself where they agree
    (all but a party with a fever that does not persist: a handful), else its own."""
    table = arrivals.retest_temps
    occupied = np.arange(table.shape[1]) < np.asarray(persons)[:, None]
    differs = np.flatnonzero(((table != arrivals.temps) & occupied).any(axis=1)).tolist()
    out = temps.copy()
    for k, own in zip(differs, readings(table[differs], [persons[k] for k in differs]), strict=True):
        out[k] = own
    return out


def rows(table: np.ndarray) -> list[memoryview[float]]:
    """The rows of a 2-D float array as views that make a Python float of a value only when it is
    read: a party reads a few of its 23 uniforms (one object per party, not one per uniform)."""
    flat = np.ascontiguousarray(table, float).ravel().data.cast("B").cast("d")
    width = table.shape[1]
    return [flat[k:k + width] for k in range(0, len(flat), width)]


def settings_out(arrivals: Arrivals) -> tuple[list[float], list[int]]:
    """When residents on a round trip left home before arriving back: ``away_min`` before each
    arrival, as (times, the parties' places in *arrivals*). A departure before the horizon
    starts is not modelled (the model starts empty)."""
    away = arrivals.stream.away_min
    if away is None:
        return [], []
    left = arrivals.times - quantiles(away, arrivals.behaviour[:, AWAY - BEHAVIOUR])
    kept = np.flatnonzero(left >= 0.0)
    return left[kept].tolist(), kept.tolist()


def run_until(env: simpy.Environment, at: float, beside: Feed | None = None) -> None:
    """``env.run(until=at)`` with SimPy's step inlined: the same events in the same order (those
    before SimPy's stop event: its place is (at, URGENT, the next event number)), the clock left
    at *at*, a failed event nobody defused raised. About a twentieth of a run is SimPy's
    per-event method calls; this loop makes none. The acts of the feed *beside* the queue are
    taken in their places among the events, with no event of their own. It uses
    ``Environment._queue``, ``_now``, ``_eid`` and the feed's ``acts``, ``places``, ``next``."""
    if at <= env.now:
        raise ValueError(f"until ({at}) must be greater than the current simulation time")
    queue, stop = env._queue, next(env._eid)            # the number SimPy's stop event would take
    acts, places, k = (beside.acts, beside.places, beside.next) if beside is not None else ((), (), 0)
    n = len(acts)
    ft = acts[k][0] if k < n else INF                   # the next act's time; its place (ft, NORMAL, places[k])
    while True:
        if queue:                                       # the act goes first if its place is before the head's
            head = queue[0]
            fed = ft < head[0] or (ft == head[0] != INF and (NORMAL, places[k]) < (head[1], head[2]))
        else:
            fed = ft != INF
        if fed:
            if ft >= at and (ft > at or (NORMAL, places[k]) > (URGENT, stop)):
                break
            env._now = ft
            _, argument, act = acts[k]
            k += 1
            ft = acts[k][0] if k < n else INF
            act(argument)
            continue
        if not queue:
            break
        t, priority, eid, event = item = heappop(queue)
        if t >= at and (t > at or (priority, eid) > (URGENT, stop)):
            heappush(queue, item)                        # after the stop: left for a later run
            break
        env._now = t
        callbacks, event.callbacks = event.callbacks, None   # type: ignore[assignment]  # processed
        for callback in callbacks:
            callback(event)
        if not event._ok and not hasattr(event, "_defused"):
            raise type(event._value)(*event._value.args) from event._value
    if beside is not None:
        beside.next = k
    env._now = at


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (restored as it was on leaving). A replication keeps
    thousands of parties, events and queue logs alive while it allocates many short-lived
    ones that reference counting frees; the collector would walk the live ones again and
    again (about a tenth of a run). Its cycles (the environment and its events) are
    collected after it, as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_replication(scenario: Scenario, engine: Engine, replication: int,
                    seed: int | None = None) -> ReplicationResult:
    """Simulate *replication* of *scenario*, deciding every person with *engine*."""
    with collector_paused():
        return _replicate(scenario, engine, replication, scenario.seed if seed is None else seed)


def _replicate(scenario: Scenario, engine: Engine, replication: int, seed: int) -> ReplicationResult:
    horizon = scenario.horizon
    env = simpy.Environment()
    town = scenario.township
    steps, checkpoints, levels = {}, {}, {}
    staffed = [(g.id, g.shift, "township", "") for g in town.gates if g.status == "staffed"]
    staffed += [(e.id, e.shift, "village", e.village) for e in town.entrances() if e.status == "staffed"]
    for gate_id, shift, level, village in staffed:
        assert shift is not None                     # the loader gives every staffed gate a shift
        if scenario.roster is not None:                  # servers are the people rostered there
            steps[gate_id] = scenario.roster.steps[gate_id]
        else:
            helpers = [v for v in scenario.volunteers if gate_id in v.at]
            steps[gate_id] = capacity_steps(scenario.shifts[shift], helpers, horizon)
        checkpoints[gate_id] = Checkpoint(env, gate_id, steps[gate_id], horizon.length_min, horizon.warmup_min)
        levels[gate_id] = (level, village)
    watch = build_watch(scenario.patrols, scenario.cameras, horizon, seed, replication, scenario.neighbour_watch)
    run = Run(env, horizon, engine, scenario.gate_policy, scenario.service, {g.id: g for g in town.gates},
              {v.id: v for v in town.villages}, town.hotspots, checkpoints, watch, scenario.network)
    season = None
    if scenario.returners is not None:           # the season: the daily round beside the streams
        season = Season(env, run, scenario.returners, engine, horizon, seed, replication)
    streamed: list[tuple[np.ndarray, str]] = []     # each stream's arrival times and role
    events: list[tuple[float, Party, Callable[[Party], None]]] = []
    going: list[tuple[float, Party, Callable[[Party], None]]] = []
    for s in scenario.streams:
        drawn = draw_arrivals(s, horizon, seed, replication)
        made = list(parties(drawn))
        streamed.append((drawn.times, s.role))
        events += zip(drawn.times.tolist(), made, repeat(run.arrive))
        left, who = settings_out(drawn)
        going += zip(left, map(made.__getitem__, who), repeat(run.set_out))
    events += going                                 # arrivals first, then settings out, at equal times
    events.sort(key=itemgetter(0))
    arrivals = Feed(env, events)
    if season is not None:
        season.start()
    run_until(env, horizon.length_min, arrivals)
    start, end = horizon.warmup_min, horizon.length_min
    gates = tuple(gate_result(cp, *levels[cp.id], steps[cp.id], scenario.road_block_queue, start, end)
                  for cp in checkpoints.values())
    queues = tuple(queue_series(cp, scenario.sample_min, end) for cp in checkpoints.values())
    staffing = tuple(staff_series(cp, steps[cp.id], 60.0, end) for cp in checkpoints.values())
    result = ReplicationResult(
        scenario=scenario.name, replication=replication, seed=seed, days=horizon.days,
        gates=gates, containment=run.tally.containment(),
        rule_hits={scenario.gate_policy.decision: run.decider.hits()}, queues=queues,
        patrol_person_min=team_minutes(scenario.patrols, horizon), staffing=staffing,
        **({} if season is None else season_series(season, run, streamed, scenario.gate_policy.decision)))
    # The events left on the queue tie the run's objects into cycles (the environment, its
    # events, their callbacks, the journeys and checkpoints they reach): dropped, reference
    # counting frees the run here rather than the cyclic collector walking it all later.
    env._queue.clear()
    return result


def season_series(season: Season, run: Run, streamed: list[tuple[np.ndarray, str]],
                  gate_decision: str) -> dict[str, Any]:
    """A season's daily series and rule hits per day (the gate's among them)."""
    season.finish()
    daily = season.daily()
    daily.update((k, tuple(v)) for k, v in arrivals_by_role(streamed, season).items())
    hits = season.hits_daily()
    hits[gate_decision] = {rule: tuple(v) for rule, v in
                           sorted(run.decider.hits_daily(season.first, season.days).items())}
    return {"daily": daily, "rule_hits_daily": hits}
