"""The run's machinery that exists for speed keeps SimPy's order of events and the engine's
answers: arrivals fed beside SimPy's queue (Feed), timeouts made without calling the class (later),
journeys without a process of their own (Underway), SimPy's run loop inlined (run_until), the
collector paused for a run, the engine's answers kept across runs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
from collections.abc import Generator, Mapping
from types import SimpleNamespace
from typing import Any

import pytest
import simpy

from simulate import load_scenario, pack_engine, run_replication
from simulate.feed import Feed, at_time, later
from simulate.gate_policy import GatePolicy
from simulate.model import collector_paused, run_until
from simulate.parties import Decider
from simulate.underway import Underway

from .conftest import SCENARIOS

TIMES = [2.0, 1.0, 1.0, 3.0, 2.0]


def _order(beside: bool) -> list[tuple[float, str]]:
    """Who acts when: five arrivals (two pairs at equal times), each scheduling a zero-minute
    follow-up, and a timeout made after the arrivals at 2.0: ties are broken by the order
    of scheduling, so the arrivals' places must be those of timeouts made at the start."""
    env = simpy.Environment()
    seen: list[tuple[float, str]] = []

    def act(name: str) -> None:
        seen.append((env.now, name))
        env.timeout(0.0).callbacks.append(lambda _: seen.append((env.now, name + "+")))

    events = sorted(((t, f"p{i}", act) for i, t in enumerate(TIMES)), key=lambda e: e[0])
    fed = None
    if beside:
        fed = Feed(env, events)                              # type: ignore[arg-type]
    else:
        for t, name, a in events:
            env.timeout(t, name).callbacks.append(lambda e, a=a: a(e.value))
    env.timeout(2.0).callbacks.append(lambda _: seen.append((env.now, "late")))
    if beside:
        run_until(env, 2.0, fed)                             # acts at the stop's time come after it
        assert seen[-1] == (1.0, "p2+") and env.now == 2.0
        run_until(env, 10.0, fed)
    else:
        env.run()
    return seen


def test_fed_arrivals_act_in_the_order_timeouts_made_at_the_start_give():
    assert _order(beside=True) == _order(beside=False)
    # by hand: equal times in list order, each follow-up after the arrivals already queued
    assert [n for _, n in _order(beside=True)] == ["p1", "p2", "p1+", "p2+", "p0", "p4", "late",
                                                   "p0+", "p4+", "p3", "p3+"]


def _journeys(underway: bool) -> list[tuple[float, str]]:
    env = simpy.Environment()
    seen: list[tuple[float, str]] = []

    def walk(name: str, legs: tuple[float, ...]) -> Generator[simpy.Event, Any, None]:
        for leg in legs:
            got = yield env.timeout(leg, value=leg)
            seen.append((env.now, f"{name}:{got}"))

    def start(name: str, legs: tuple[float, ...]) -> None:
        if underway:
            Underway(walk(name, legs))
        else:
            env.process(walk(name, legs))

    for t, name, legs in [(0.0, "a", (1.0, 1.0)), (0.0, "b", (2.0,)), (1.0, "c", (0.0, 1.0))]:
        env.timeout(t).callbacks.append(lambda _, n=name, ls=legs: start(n, ls))
    env.run()
    return seen


def _timeouts(made_later: bool) -> list[tuple[float, str, Any]]:
    """Six timeouts, ties among them, each recording when it fired and its value."""
    env = simpy.Environment()
    seen: list[tuple[float, str, Any]] = []
    for name, delay in zip("abcdef", [2.0, 1.0, 2.0, 0.0, 1.0, 2.0], strict=True):
        def record(event: simpy.Event, name: str = name) -> None:
            seen.append((env.now, name, event.value))
        value = name.upper() if name in "ce" else None        # some carry a value, as a renege's does
        if made_later:
            later(env, delay, record, value)
        else:
            env.timeout(delay, value).callbacks.append(record)
    env.run()
    return seen


def test_a_timeout_made_later_is_simpys_timeout_in_its_place():
    assert _timeouts(True) == _timeouts(False)
    assert [n for _, n, _ in _timeouts(True)] == list("dbeacf")
    assert [v for _, n, v in _timeouts(True) if n in "ce"] == ["E", "C"]
    with pytest.raises(ValueError, match="Negative delay"):
        later(simpy.Environment(), -1.0, lambda _: None)


def test_a_timeout_at_a_time_settled_before_is_simpys_timeout_in_its_place():
    """``at_time`` takes the time itself: made at 0.1 for 0.3 it fires at 0.3, where a timeout
    of 0.2 fires at 0.1 + 0.2 (0.30000000000000004); at a tie, in the order they were made."""
    env = simpy.Environment()
    seen: list[tuple[float, str]] = []

    def make(_: simpy.Event) -> None:
        env.timeout(0.2).callbacks.append(lambda _: seen.append((env.now, "timeout 0.2")))
        at_time(env, 0.3, lambda _: seen.append((env.now, "at 0.3")))
        at_time(env, 0.5, lambda _: seen.append((env.now, "at 0.5")))
        env.timeout(0.4).callbacks.append(lambda _: seen.append((env.now, "timeout 0.4")))

    env.timeout(0.1).callbacks.append(make)
    env.run()
    assert seen == [(0.3, "at 0.3"), (0.1 + 0.2, "timeout 0.2"), (0.5, "at 0.5"), (0.5, "timeout 0.4")]
    with pytest.raises(ValueError, match="before now"):
        at_time(env, 0.1, lambda _: None)


def test_journeys_under_way_step_as_simpy_processes_do():
    assert _journeys(underway=True) == _journeys(underway=False)
    assert _journeys(underway=True) == [(1.0, "a:1.0"), (1.0, "c:0.0"), (2.0, "b:2.0"),
                                        (2.0, "a:1.0"), (2.0, "c:1.0")]


def _until(inlined: bool) -> tuple[list[tuple[float, str]], float, int]:
    """Events before, at and after the stop time 3.0 (an urgent one at 3.0 scheduled before the
    run, normal ones at 3.0 and ties), a process, and one scheduled at 3.0 while running."""
    env = simpy.Environment()
    seen: list[tuple[float, str]] = []

    def note(name: str) -> Any:
        return lambda _: seen.append((env.now, name))

    def walker() -> Generator[simpy.Event, Any, None]:
        yield env.timeout(1.5)
        seen.append((env.now, "walker"))
        env.timeout(1.5).callbacks.append(note("made while running, due at the stop"))
        yield env.timeout(0.5)
        seen.append((env.now, "walker again"))

    for t, name in [(2.0, "b"), (1.0, "a"), (3.0, "at the stop"), (2.0, "b2"), (4.0, "after")]:
        env.timeout(t).callbacks.append(note(name))
    urgent = simpy.Event(env)
    urgent._ok, urgent._value = True, None
    env.schedule(urgent, simpy.events.URGENT, 3.0)
    urgent.callbacks.append(note("urgent at the stop, scheduled first"))
    env.process(walker())
    if inlined:
        run_until(env, 3.0)
    else:
        env.run(until=3.0)
    return seen, env.now, len(env._queue)


def test_the_inlined_run_loop_stops_where_simpys_run_stops():
    assert _until(inlined=True)[:2] == _until(inlined=False)[:2]
    assert _until(inlined=False)[2] == 4   # SimPy also leaves its spent stop event queued
    seen, now, left = _until(inlined=True)
    assert [n for _, n in seen] == ["a", "walker", "b", "b2", "walker again",
                                    "urgent at the stop, scheduled first"]
    assert now == 3.0 and left == 3        # at the stop (two) and after it, still queued


def test_the_inlined_run_loop_raises_a_failure_nobody_defused():
    env = simpy.Environment()
    env.event().fail(KeyError("lost"))
    with pytest.raises(KeyError):
        run_until(env, 1.0)
    with pytest.raises(ValueError):
        run_until(env, 0.0)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_for_a_run_and_restored_after(enabled: bool):
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with pytest.raises(RuntimeError), collector_paused():
            assert not gc.isenabled()
            raise RuntimeError("a replication that fails")
        assert gc.isenabled() == enabled
    finally:
        gc.enable() if was else gc.disable()


def test_a_finished_replication_leaves_no_cycle_of_the_models_own():
    """Reference counting frees a run when it ends: nothing of ``simulate`` waits for the collector
    (a checkpoint bound into its own shift changes once left 10,000 objects a season for it)."""
    scenario = load_scenario(SCENARIOS / "blossom-weekend.yaml")
    engine = pack_engine(scenario.pack, scenario.engine)
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        run_replication(scenario, engine, 0)
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        ours = [o for o in gc.garbage
                if type(getattr(o, "__self__", o)).__module__.startswith(("simulate", "simpy.events"))]
        assert not ours, ours[:5]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable() if was else gc.disable()


class CountingEngine:
    """Answers "no" above 37.2 °C, "ok" otherwise, counting the questions."""

    def __init__(self) -> None:
        self.asked = 0

    def decide(self, decision: str, facts: Mapping[str, Any], at: dt.date) -> Any:
        self.asked += 1
        return SimpleNamespace(outcome="no" if facts["t"] > 37.2 else "ok", rule="fever")


def _policy(level: str = "L") -> GatePolicy:
    return GatePolicy("d", {"level": "l", "role": "r", "has_pass": "p", "temperature": "t",
                            "quarantine": "q"}, {"village": level}, {"ok": "pass", "no": "turned_back"})


def test_the_engine_is_asked_once_per_person_across_runs_and_policies_apart():
    engine, day = CountingEngine(), dt.date(2020, 3, 14)
    party = SimpleNamespace(stream=SimpleNamespace(role="tourist"), has_pass=False, quarantine="none")
    first = Decider(engine, _policy())
    assert first.party("village", party, (36.5, 37.5), day) == "no"        # type: ignore[arg-type]
    assert engine.asked == 2
    again = Decider(engine, _policy())                       # the next replication
    assert again.party("village", party, (37.5, 36.5), day) == "no"        # type: ignore[arg-type]
    assert engine.asked == 2 and again.hits() == {"fever": 2}
    other = Decider(engine, _policy(level="M"))              # another mapping: other facts
    other.party("village", party, (36.5,), day)                            # type: ignore[arg-type]
    assert engine.asked == 3


class DatedEngine:
    """Answers "no" to everyone from 2020-03-01 (a rule that starts then), "ok" before,
    counting the questions and naming the rule in force."""

    def __init__(self) -> None:
        self.asked: list[dt.date] = []

    def decide(self, decision: str, facts: Mapping[str, Any], at: dt.date) -> Any:
        self.asked.append(at)
        late = at >= dt.date(2020, 3, 1)
        return SimpleNamespace(outcome="no" if late else "ok", rule="closed" if late else "open")


def test_the_engine_is_asked_once_per_period_between_rule_changes_and_hits_stay_by_day():
    engine = DatedEngine()
    policy = dataclasses.replace(_policy(), changes=(dt.date(2020, 3, 1),))
    decider = Decider(engine, policy)
    party = SimpleNamespace(stream=SimpleNamespace(role="tourist"), has_pass=False, quarantine="none")
    days = [dt.date(2020, 2, 27) + dt.timedelta(days=k) for k in range(5)]   # 02-27 … 03-02
    answers = [decider.party("village", party, (36.5,), d) for d in days]   # type: ignore[arg-type]
    assert answers == ["ok", "ok", "ok", "no", "no"]         # 2020 is a leap year: 02-29 is a day
    assert engine.asked == [dt.date(2020, 2, 27), dt.date(2020, 3, 1)]     # one question per period
    assert decider.hits_daily(days[0], 5) == {"open": [1, 1, 1, 0, 0], "closed": [0, 0, 0, 1, 1]}
    unknown = Decider(engine, _policy())                      # change days unknown: asked per day
    for d in days:
        unknown.party("village", party, (36.5,), d)                       # type: ignore[arg-type]
    assert len(engine.asked) == 2 + 5


def test_a_day_that_comes_round_again_counts_on_that_day():
    """A re-test begun before midnight is decided on the day it began, after the clock's day has
    moved on: its hits go to that day, under that day's rules, and the new day's stay its own."""
    engine = DatedEngine()
    decider = Decider(engine, dataclasses.replace(_policy(), changes=(dt.date(2020, 3, 1),)))
    party = SimpleNamespace(stream=SimpleNamespace(role="tourist"), has_pass=False, quarantine="none")
    feb29, mar1 = dt.date(2020, 2, 29), dt.date(2020, 3, 1)
    asked = [decider.party("village", party, temps, day)                   # type: ignore[arg-type]
             for temps, day in [((36.5,), feb29), ((36.5,), mar1), ((36.6,), feb29), ((36.5,), mar1)]]
    assert asked == ["ok", "no", "ok", "no"]
    assert decider.hits_daily(feb29, 2) == {"open": [2, 0], "closed": [0, 2]}
    assert decider.hits() == {"closed": 2, "open": 2}
