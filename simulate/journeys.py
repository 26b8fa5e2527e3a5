"""One party's way through the township, and what a refusal leads to.

A party on the main road meets a township gate (staffed, open, or closed with a detour),
drives to its village and meets one of the village's passable entrances. At a staffed gate
every occupant is decided by the policy; the party's outcome is the most severe of theirs.
Admitted parties go on; deliveries and visits are handled at the gate; fevers step aside,
are re-tested and, if still febrile, referred; turned-back parties comply, walk round a
closed entrance or go to a hotspot, by their stream's behaviour shares. Evasions are settled
by a lookup in the replication's :class:`~simulate.patrols.Watch`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol, cast

import simpy

from .demand import Stream
from .gate_policy import HANDLED, HELD, TURNED_BACK, GatePolicy
from .gates import Checkpoint, ServiceTimes
from .horizon import MIN_PER_DAY, Horizon
from .metrics import Tally
from .patrols import Watch
from .township import Entrance, Gate, Hotspot, Village

DEFAULT_RULE = "(default)"


class Engine(Protocol):
    """What the model needs from ``policy``: ``decide(decision, facts, at=date)``."""

    def decide(self, decision: str, facts: Mapping[str, Any], at: dt.date) -> Any: ...


class Party(NamedTuple):
    """A car's occupants or a walker: one arrival of a stream, with its pre-drawn uniforms.

    Immutable; a named tuple rather than a dataclass because thousands are made per
    replication and construction cost counts here.
    """

    stream: Stream
    time: float
    persons: int
    has_pass: bool
    quarantine: str
    origin: str
    gate: str | None
    village: str | None
    temps: tuple[float, ...]
    retest: tuple[float, ...]
    choice: Sequence[float]        # entrance, closed entrance, hotspot
    service: Sequence[float]       # township gate, village entrance, re-test, extra persons,
                                   # balking, patience, carry-in
    behaviour: Sequence[float]     # behaviour, dwell, patrol detection, camera detection


class Decider:
    """Asks the engine once per distinct person (readings are to 0.1 °C) and counts rule hits.

    Two memos: per person (what the engine is asked) and per party (what the model asks,
    most of the time); hits are tallied per party key and expanded per person at the end.
    """

    def __init__(self, engine: Engine, policy: GatePolicy):
        self.engine = engine
        self.policy = policy
        self.severity = policy.severity()
        self.people: dict[tuple[Any, ...], tuple[str | None, str]] = {}
        self.parties: dict[tuple[Any, ...], tuple[str | None, tuple[str, ...]]] = {}
        self.seen: Counter[tuple[Any, ...]] = Counter()

    def party(self, level: str, party: Party, temps: tuple[float, ...], day: dt.date) -> str | None:
        """The party's outcome: the most severe of its occupants' outcomes."""
        key = (level, party.stream.role, party.has_pass, party.quarantine, temps, day)
        self.seen[key] += 1
        known = self.parties.get(key)
        if known is None:
            known = self.parties[key] = self._decide(key)
        return known[0]

    def _decide(self, key: tuple[Any, ...]) -> tuple[str | None, tuple[str, ...]]:
        level, role, has_pass, quarantine, temps, day = key
        policy, ranks = self.policy, self.severity
        worst, outcome, rules = -1, None, []
        for temp in temps:
            person = (level, role, has_pass, temp, quarantine, day)
            hit = self.people.get(person)
            if hit is None:
                d = self.engine.decide(policy.decision,
                                       policy.facts(level, role, has_pass, temp, quarantine), at=day)
                hit = self.people[person] = (d.outcome, d.rule or DEFAULT_RULE)
            rules.append(hit[1])
            severity = ranks[hit[0]]
            if severity > worst:
                worst, outcome = severity, hit[0]
        return outcome, tuple(rules)

    def hits(self) -> dict[str, int]:
        """Persons decided by each rule (``(default)`` when the default decided), by rule id."""
        out: Counter[str] = Counter()
        for key, count in self.seen.items():
            for rule in self.parties[key][1]:
                out[rule] += count
        return dict(sorted(out.items()))


@dataclass(frozen=True)
class Evasion:
    """Walking round a closed entrance: *walk_min* to reach it, exposed for *crossing_min*."""

    walk_min: float = 15.0
    crossing_min: float = 10.0


class Run:
    """The live state of one replication that journeys act on (not a domain value)."""

    def __init__(self, env: simpy.Environment, horizon: Horizon, engine: Engine,
                 policy: GatePolicy, service: ServiceTimes, gates: Mapping[str, Gate],
                 villages: Mapping[str, Village], hotspots: tuple[Hotspot, ...],
                 checkpoints: Mapping[str, Checkpoint], watch: Watch, evasion: Evasion):
        self.env, self.horizon, self.service, self.watch, self.evasion = env, horizon, service, watch, evasion
        self.gates, self.villages, self.hotspots, self.checkpoints = gates, villages, hotspots, checkpoints
        self.policy = policy
        # what a party that balks at or leaves a queue acts as (the loader requires one for them)
        self.turned_round = next((o for o, m in policy.outcomes.items() if m == TURNED_BACK), None)
        self.decider = Decider(engine, policy)
        self.tally = Tally()
        self.passable = {v.id: v.passable() for v in villages.values()}
        self.closed = {v.id: v.closed() for v in villages.values()}
        self.all_closed = tuple(e for v in villages.values() for e in v.closed())
        start = horizon.start.hour * 60 + horizon.start.minute
        self._offset = float(start)
        self._days = [horizon.start.date() + dt.timedelta(days=k)
                      for k in range(int(horizon.length_min // MIN_PER_DAY) + 3)]

    def today(self) -> dt.date:
        return self._days[int((self._offset + self.env.now) // MIN_PER_DAY)]

    # --- arrivals -------------------------------------------------------------------------
    def on_arrival(self, event: simpy.Event) -> None:
        self.arrive(cast(Party, event.value))      # each arrival is a timeout carrying its party

    def arrive(self, party: Party) -> None:
        """Start *party*'s journey (hikers need no process: their fate is a lookup)."""
        tally = self.tally
        tally.arrivals += 1
        tally.persons += party.persons
        route = party.stream.route
        if route == "hills":
            self.to_hotspot(party)
        elif route == "township":
            self.env.process(self.by_road(party))
        elif route == "village":
            self.env.process(self.at_village(party, self.home(party)))
        else:
            self.env.process(self.going_out(party))

    def home(self, party: Party) -> Village:
        """The village a village or outbound party belongs to (the scenario loader requires one)."""
        assert party.village is not None
        return self.villages[party.village]

    def by_road(self, party: Party) -> Generator[simpy.Event, Any, None]:
        assert party.gate is not None                # a township stream always has gates
        gate = self.gates[party.gate]
        if gate.status == "closed":
            if gate.detour_to is None or self.gates[gate.detour_to].status == "closed":
                self.tally.turned_back += 1
                self.refuse(party, at=gate.id)
                return
            yield self.env.timeout(gate.detour_min)
            gate = self.gates[gate.detour_to]
        if gate.status == "staffed":
            outcome = yield from self.screen(party, gate.id, "township", 0)
            if not self.policy.admits(outcome):
                return
        village = self.villages.get(party.village) if party.village else None
        if village is None:
            self.inside(party, self.env.now)
            return
        entered = self.env.now
        yield self.env.timeout(village.travel_min)
        yield from self.at_village(party, village, entered)

    def at_village(self, party: Party, village: Village,
                   entered: float | None = None) -> Generator[simpy.Event, Any, None]:
        """Reach *village* (having passed the township boundary at *entered*, if by road)."""
        if entered is not None:        # an outsider on the township's roads counts as inside
            self._count_outsider(party, entered, self.env.now)
        passable = self.passable[village.id]
        if not passable:
            self.round_closed(party, village, "closed_entrance")
            return
        entrance = passable[int(party.choice[0] * len(passable))]
        if entrance.status == "open":
            if not self.policy.admits(self.decider.party("village", party, party.temps, self.today())):
                self.tally.leaks["open_entrance"] += 1
            self.inside(party, self.env.now)
            return
        arrived = self.env.now
        outcome = yield from self.screen(party, entrance.id, "village", 1)
        if entered is not None:        # queued at the entrance; if refused, drives back out
            back = 0.0 if self.policy.admits(outcome) else village.travel_min
            self._count_outsider(party, arrived, self.env.now + back)
        if self.policy.admits(outcome):
            self.inside(party, self.env.now)

    def going_out(self, party: Party) -> Generator[simpy.Event, Any, None]:
        """A resident under observation trying to leave the village."""
        village = self.home(party)
        passable = self.passable[village.id]
        if not passable:
            self.round_closed(party, village, "observation_exit")
            return
        entrance = passable[int(party.choice[0] * len(passable))]
        if entrance.status == "open":
            if not self.policy.lets_out(self.decider.party("village", party, party.temps, self.today())):
                self.tally.leaks["observation_exit"] += 1
            return
        outcome = yield from self.screen(party, entrance.id, "village", 1, going_out=True)
        if self.policy.lets_out(outcome) and party.quarantine in self.policy.observed:
            self.tally.leaks["observation_exit"] += 1

    # --- the gate -------------------------------------------------------------------------
    def screen(self, party: Party, gate_id: str, level: str, stage: int,
               going_out: bool = False) -> Generator[simpy.Event, Any, str | None]:
        """Decide, queue and serve *party* at a staffed gate; act on the outcome; return it. A party
        that balks at the queue or leaves it unserved is refused there: it returns the turn-back outcome."""
        tally, decider, checkpoint, policy = self.tally, self.decider, self.checkpoints[gate_id], self.policy
        times, queue, u = self.service, party.stream.queue, party.service
        if queue is not None and not queue.joins(len(checkpoint.waiting), u[4]):
            checkpoint.balk()                  # sees the queue and turns round: a refusal here
            self.refused(party, gate_id, going_out)
            return self.turned_round
        day = self.today()
        outcome = decider.party(level, party, party.temps, day)
        checkpoint.persons += party.persons
        carry_in = times.carry_in
        away = (carry_in.away_min(u[6]) if carry_in is not None and level == "village"
                and policy.meaning(outcome) == HANDLED else 0.0)
        patience = math.inf if queue is None else queue.patience(u[5])
        wait = yield checkpoint.serve(times.minutes(policy.standing(outcome), party.persons, u[stage], u[3]),
                                      away, patience)
        if wait is None:                       # left the queue before being served: a refusal here
            self.refused(party, gate_id, going_out)
            return self.turned_round
        if policy.meaning(outcome) == HELD:
            yield self.env.timeout(self.service.retest_after_min)
            outcome = decider.party(level, party, party.retest, day)
            yield checkpoint.serve(self.service.retest.quantile(party.service[2]) / 60.0)
        checkpoint.outcomes[outcome or "undecided"] += 1
        if policy.lets_out(outcome) if going_out else policy.admits(outcome):
            return outcome
        meaning = policy.meaning(outcome)
        if meaning == HANDLED:
            tally.handled_at_gate += 1
        elif meaning == HELD:
            tally.held += 1
        else:
            tally.turned_back += 1
            tally.undecided += outcome is None
            self.refused(party, gate_id, going_out)
        return outcome

    # --- refusals and evasions --------------------------------------------------------------
    def refused(self, party: Party, at: str, going_out: bool) -> None:
        """A party refused at gate *at* (turned back, or balked at or left its queue)."""
        if going_out:
            self.refuse_going_out(party)
        else:
            self.refuse(party, at=at)

    def refuse(self, party: Party, at: str) -> None:
        """A party refused at gate *at* (turned back, or left its queue) complies, walks round a
        closed entrance or goes to a hotspot."""
        b, u = party.stream.behaviour, party.behaviour[0]
        if u < b.comply:
            return
        if u < b.comply + b.closed_entrance:
            village = self.villages.get(party.village) if party.village else None
            self.round_closed(party, village, "closed_entrance")
        else:
            self.to_hotspot(party)

    def refuse_going_out(self, party: Party) -> None:
        if party.behaviour[0] >= party.stream.behaviour.comply:
            self.round_closed(party, self.home(party), "observation_exit")

    def round_closed(self, party: Party, village: Village | None, path: str) -> None:
        closed = (self.closed[village.id] if village is not None else ()) or self.all_closed
        if not closed:
            return
        entrance: Entrance = closed[int(party.choice[1] * len(closed))]
        self.tally.evasions += 1
        t0 = self.env.now + self.evasion.walk_min
        t1 = t0 + self.evasion.crossing_min
        if self.watch.find(entrance.id, t0, t1, party.behaviour[2], party.behaviour[3]) is not None:
            self.tally.detected += 1
            return
        self.tally.leaks[path] += 1
        if path != "observation_exit":
            self.inside(party, t1)

    def to_hotspot(self, party: Party) -> None:
        if not self.hotspots:
            return
        shares = party.stream.hotspots
        if shares:
            wanted = _pick(shares, party.choice[2])
            spot = next(h for h in self.hotspots if h.id == wanted)
        else:
            spot = self.hotspots[int(party.choice[2] * len(self.hotspots))]
        self.tally.evasions += 1
        t0 = self.env.now
        t1 = t0 + party.stream.dwell_min.quantile(party.behaviour[1])
        found = self.watch.find(spot.id, t0, t1, party.behaviour[2], party.behaviour[3])
        if found is not None:
            self.tally.detected += 1
        else:
            self.tally.leaks["hotspot"] += 1
        self._count_outsider(party, t0, t1 if found is None else found)

    def inside(self, party: Party, t0: float) -> None:
        """An outsider inside a village stays for the stream's dwell time."""
        if party.stream.outsider:
            self._count_outsider(party, t0, t0 + party.stream.dwell_min.quantile(party.behaviour[1]))

    def _count_outsider(self, party: Party, t0: float, t1: float) -> None:
        if party.stream.outsider:
            end = self.horizon.length_min
            self.tally.outsider_person_min += party.persons * max(0.0, min(t1, end) - min(t0, end))


def _pick(shares: tuple[tuple[str, float], ...], u: float) -> str:
    total = sum(s for _, s in shares)
    acc = 0.0
    for name, share in shares:
        acc += share / total
        if u < acc:
            return name
    return shares[-1][0]
