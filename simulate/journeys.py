"""One party's way over the township's network, and what a refusal leads to.

A party on the main road starts where its road enters the township, meets a township gate
(staffed, open, or closed with a detour), drives to one of its village's passable entrances
(the nearer the likelier) and is screened there. Residents going out are screened at the
village entrance too (a round trip), and residents walk to and from their fields, some round
a closed entrance when that is quicker. At a staffed gate every occupant is decided by the
policy; the party's outcome is the most severe of theirs. A refused party complies, tries a
way in from where it was refused (the further round, the fewer try) or goes to a hotspot;
what watches each place on its way (:meth:`~simulate.patrols.Watch.find_on`) decides whether
it is found, and when (those parts live in :mod:`simulate.refusals`). Ways come precomputed
from :class:`~simulate.network.Network`.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections.abc import Generator, Mapping
from functools import partial
from typing import Any

import simpy

from .feed import at_time, later
from .gate_policy import ADMITTING, HANDLED, HELD, PASS, TURNED_BACK, GatePolicy
from .gates import Checkpoint, ServiceTimes
from .horizon import MIN_PER_DAY, Horizon
from .metrics import Tally
from .network import Network, Way
from .parties import (
    AVOID,
    BACK,
    BALK,
    CARRY_IN,
    CHOOSE,
    DWELL,
    ENTRANCE,
    ENTRANCE_SERVICE,
    EXTRA_PERSONS,
    FIELDS,
    GATE_SERVICE,
    OUT_SERVICE,
    PATIENCE,
    PATROL,
    RETEST,
    WAY,
    Decided,
    Decider,
    Engine,
    Party,
)
from .patrols import Watch
from .refusals import Refusals
from .township import Entrance, Gate, Hotspot, Village
from .underway import Underway

INF = math.inf
DAY = int(MIN_PER_DAY)                   # minutes in a day, as an int: day numbers by integer division


class Run(Refusals):
    """The live state of one replication that journeys act on (not a domain value)."""

    def __init__(self, env: simpy.Environment, horizon: Horizon, engine: Engine,
                 policy: GatePolicy, service: ServiceTimes, gates: Mapping[str, Gate],
                 villages: Mapping[str, Village], hotspots: tuple[Hotspot, ...],
                 checkpoints: Mapping[str, Checkpoint], watch: Watch, network: Network):
        self.env, self.horizon, self.service, self.watch, self.net = env, horizon, service, watch, network
        self.gates, self.villages, self.hotspots, self.checkpoints = gates, villages, hotspots, checkpoints
        self.policy = policy
        # what a party that balks at or leaves a queue acts as (the loader requires one for them)
        self.turned_round = next((o for o, m in policy.outcomes.items() if m == TURNED_BACK), None)
        self.decider = Decider(engine, policy)
        # the policy's outcomes as the model acts on them, looked up per party (None: no answer)
        named = [o for o in (*policy.outcomes, None) if o is not None or policy.undecided is not None]
        self._standing: dict[str | None, str] = {o: policy.standing(o) for o in named}
        self._meaning: dict[str | None, str] = {o: policy.meaning(o) for o in named}
        self.tally = Tally()
        self.entrances = {e.id: e for v in villages.values() for e in v.entrances}
        self.spots = {h.id: h for h in hotspots}
        self._picks: dict[tuple[str, str], tuple[tuple[Entrance, ...], tuple[float, ...], tuple[float, ...]]] = {}
        self._exit_min: dict[str, float] = {}
        self._field_ways: dict[str, tuple[tuple[str, float], Way | None]] = {}
        self._lawful_min: dict[tuple[str, str], float] = {}
        start = horizon.start.hour * 60 + horizon.start.minute
        self._offset = float(start)
        self._days = [horizon.start.date() + dt.timedelta(days=k)
                      for k in range(int(horizon.length_min // MIN_PER_DAY) + 3)]

    def meaning(self, outcome: str | None) -> str:
        """What *outcome* means to the model (the policy's answer, looked up)."""
        return self._meaning.get(outcome) or self.policy.meaning(outcome)

    def today(self) -> dt.date:
        return self._days[int(self._offset + self.env._now) // DAY]   # the clock, not its property; whole minutes

    # --- arrivals -------------------------------------------------------------------------

    def arrive(self, party: Party) -> None:
        """Start *party*'s journey (hikers need no process: their fate is a lookup)."""
        tally = self.tally
        tally.arrivals += 1
        tally.persons += party.persons
        route = party.stream.route
        if route == "hills":
            self.to_hotspot(party, None)
        elif route == "township":
            if not self.avoid_gates(party):
                self.by_road(party)
        elif route == "village":
            self.from_fields(party)
        else:
            Underway(self.going_out(party))

    # A party by road is a chain of callbacks (the gate's service ending, a drive ending); only a
    # screening that may balk, hold or refuse it runs as a journey, and its journey goes on the
    # same chain once it is let through.
    def by_road(self, party: Party) -> None:
        """A party on the main road reaches its township gate, or round a closed one its detour."""
        assert party.gate is not None                # a township stream always has gates
        gate = self.gates[party.gate]
        if gate.status == "closed":
            if gate.detour_to is None or self.gates[gate.detour_to].status == "closed":
                self.tally.turned_back += 1
                self.tally.turned_back_by_role[party.stream.role] += 1
                self.refuse(party, at=gate.id)
                return
            road = self.net.road_min(gate.id, gate.detour_to)
            later(self.env, road if math.isfinite(road) else gate.detour_min,
                  partial(self._at_gate, party, self.gates[gate.detour_to]))
            return
        self._at_gate(party, gate)

    def _at_gate(self, party: Party, gate: Gate, _: simpy.Event | None = None) -> None:
        """At township *gate*: screened where it is staffed — let through with nobody balking, a
        plain service, settled now, whose end sends it on — then on into the township."""
        if gate.status != "staffed":
            self._past_gate(party, gate)
            return
        screened = self.screening(party, gate.id, "township", party.uniforms[GATE_SERVICE])
        if not isinstance(screened, float):
            Underway(self._screened_at_gate(party, gate, screened))
        elif screened < INF:                       # (never served: it never passes)
            self._passing(party, gate, screened)

    def _passing(self, party: Party, gate: Gate, at: float) -> None:
        """A party let through township *gate* whose service ends *at*: on to its village's
        entrance, the drive timed from then (nothing happens at *at* itself that the drive's
        one event cannot carry); through traffic and a party with no way to an entrance
        go on at *at*."""
        village = self.villages.get(party.village) if party.village else None
        picked = self.pick_entrance(gate.id, village.id, party.uniforms[ENTRANCE]) if village else None
        if picked is None:
            at_time(self.env, at, partial(self._past_gate, party, gate))
            return
        entrance, minutes = picked
        at_time(self.env, at + minutes, partial(self._driven, party, entrance, at))

    def _screened_at_gate(self, party: Party, gate: Gate,
                          screening: Generator[simpy.Event, Any, str | None]) -> Generator[simpy.Event, Any, None]:
        if self.meaning((yield from screening)) in ADMITTING:
            self._past_gate(party, gate)

    def _past_gate(self, party: Party, gate: Gate, _: simpy.Event | None = None) -> None:
        """Past township *gate*: through traffic stays on the roads; the others drive to a passable
        entrance of their village."""
        village = self.villages.get(party.village) if party.village else None
        entered = self.env.now
        if village is None:            # through traffic: on the township's roads only
            self._count_outsider(party, entered, entered + party.stream.dwell_min.quantile(party.uniforms[DWELL]))
            return
        picked = self.pick_entrance(gate.id, village.id, party.uniforms[ENTRANCE])
        if picked is None:             # every entrance closed: home is reached round a barrier
            self.try_way_in(party, gate.id, always=True)
            return
        entrance, minutes = picked
        later(self.env, minutes, partial(self._driven, party, entrance, entered))

    def _driven(self, party: Party, entrance: Entrance, entered: float, _: simpy.Event) -> None:
        self.at_entrance(party, entrance, entered)

    def pick_entrance(self, start: str, village: str, u: float) -> tuple[Entrance, float] | None:
        """A passable entrance of *village* reached lawfully from *start*, chosen by *u* with
        weight ∝ 1 / minutes (the nearer the likelier; equal minutes: equally likely)."""
        key = (start, village)
        known = self._picks.get(key)
        if known is None:
            options = self.net.lawful_entrances(start, village)
            weights = [1.0 / max(m, 1.0) for _, m in options]
            total = sum(weights)
            bounds, acc = [], 0.0
            for w in weights:
                acc += w / total
                bounds.append(acc)
            known = self._picks[key] = (tuple(self.entrances[e] for e, _ in options), tuple(bounds),
                                        tuple(m for _, m in options))
        entrances, cum, minutes = known
        if not entrances:
            return None
        if minutes[0] == minutes[-1]:  # all equally near (the implicit graph): as int(u·n)
            k = int(u * len(entrances))
        else:
            k = min(bisect_right(cum, u), len(cum) - 1)      # the first bound past u
        return entrances[k], minutes[k]

    def at_entrance(self, party: Party, entrance: Entrance, entered: float | None = None) -> None:
        """Reach *entrance* (having passed the township boundary at *entered*, if by road)."""
        if entered is not None:        # an outsider on the township's roads counts as inside
            self._count_outsider(party, entered, self.env.now)
        if entrance.status == "open":
            if self.meaning(self.decider.party("village", party, party.temps, self.today())) not in ADMITTING:
                self.tally.leaks["open_entrance"] += 1
                self.tally.leaks_by_site[entrance.id] += 1
            self.inside(party, self.env.now)
            return
        arrived = self.env.now
        rest = self.screen_last(party, entrance.id, "village", party.uniforms[ENTRANCE_SERVICE])
        if rest is not None:
            Underway(self._screened_in(party, rest, arrived, entered))

    def _screened_in(self, party: Party, screening: Generator[simpy.Event, Any, str | None], arrived: float,
                     entered: float | None) -> Generator[simpy.Event, Any, None]:
        outcome = yield from screening
        if entered is not None:
            self._count_outsider(party, arrived, self.env.now)
        if self.meaning(outcome) in ADMITTING:
            self.inside(party, self.env.now)

    # --- residents going out: round trips, fields -------------------------------------------
    # A resident's journey starts on the generator that does the walking and queueing: the
    # choices before it are made at once, as a journey's first step would make them.
    def set_out(self, party: Party) -> None:
        """A resident on a round trip leaves home (before arriving back as *party*): screened
        going out (进出逐一测温登记)."""
        village = self.home(party)
        if party.stream.route == "village":
            self.cross_fields(party, village, going_out=True)
            return
        picked = self.pick_entrance(village.id, village.id, party.uniforms[ENTRANCE])
        if picked is None or picked[0].status != "staffed":
            return
        self.screen_to_end(party, picked[0].id, party.uniforms[OUT_SERVICE], going_out=True)

    def from_fields(self, party: Party) -> None:
        """A resident coming home on foot from the fields (or, with no fields, to an entrance)."""
        village = self.home(party)
        if self.net.fields_of(village.id):
            self.cross_fields(party, village, going_out=False)
            return
        picked = self.pick_entrance(village.id, village.id, party.uniforms[ENTRANCE])
        if picked is None:
            self.try_way_in(party, village.id, always=True)
            return
        self.at_entrance(party, picked[0])

    def cross_fields(self, party: Party, village: Village, going_out: bool) -> None:
        """Between the village and its fields: the quickest passable entrance (screened), or
        round a closed entrance when that saves ``save_min`` and the party does not comply."""
        fields = self.net.fields_of(village.id)
        spot = fields[int(party.uniforms[FIELDS] * len(fields))]
        known = self._field_ways.get(spot)
        if known is None:
            known = self._field_ways[spot] = self.net.field_ways(spot)
        (entrance_id, minutes), round_way = known
        if self.net.implicit:          # every entrance equally near: chosen as before the graph
            picked = self.pick_entrance(village.id, village.id, party.uniforms[ENTRANCE])
            entrance_id, minutes = (picked[0].id, picked[1]) if picked else ("", math.inf)
        stream = party.stream
        lawful = entrance_id in self.entrances and math.isfinite(minutes)
        found_at = None
        if round_way is not None and (not lawful or (
                minutes - round_way.minutes >= stream.save_min
                and party.uniforms[CHOOSE] >= stream.behaviour.comply)):
            u = party.uniforms[BACK:BACK + 3] if going_out else party.uniforms[PATROL:PATROL + 3]
            self.tally.evasions += 1
            found = self._find(round_way, u, reverse=going_out)
            if found is None:
                self.tally.resident_crossings += 1
                return
            self.tally.detected += 1
            self.tally.found_by[found.by] += 1
            found_at = found.time
        if not lawful:
            return
        entrance = self.entrances[entrance_id]
        if found_at is not None:
            Underway(self._to_entrance(party, entrance, found_at, minutes, going_out))
        elif not going_out:            # walk from the fields to the entrance, then screened
            later(self.env, minutes, partial(self._reach, party, entrance))
        elif entrance.status == "staffed":
            self.screen_to_end(party, entrance.id, party.uniforms[OUT_SERVICE], going_out=True)

    def _reach(self, party: Party, entrance: Entrance, _: simpy.Event) -> None:
        """A resident back from the fields at *entrance*: screened there if it is staffed."""
        if entrance.status == "staffed":
            self.screen_to_end(party, entrance.id, party.uniforms[ENTRANCE_SERVICE], going_out=False)

    def _to_entrance(self, party: Party, entrance: Entrance, found_at: float, minutes: float,
                     going_out: bool) -> Generator[simpy.Event, Any, None]:
        """A found evader's way on: sent back from where it was found (at *found_at*), a walk of
        *minutes* from the fields (coming home), then screened at a staffed *entrance*."""
        yield self.env.timeout(max(0.0, found_at - self.env.now))
        if not going_out:              # walk from the fields to the entrance, then screened
            yield self.env.timeout(minutes)
        if entrance.status == "staffed":
            u_service = party.uniforms[OUT_SERVICE] if going_out else party.uniforms[ENTRANCE_SERVICE]
            rest = self.screen_last(party, entrance.id, "village", u_service, going_out=going_out)
            if rest is not None:
                yield from rest

    def going_out(self, party: Party) -> Generator[simpy.Event, Any, None]:
        """A resident under observation trying to leave the village."""
        village = self.home(party)
        picked = self.pick_entrance(village.id, village.id, party.uniforms[ENTRANCE])
        if picked is None:
            self.way_out(party, village.id)
            return
        entrance = picked[0]
        if entrance.status == "open":
            if self.meaning(self.decider.party("village", party, party.temps, self.today())) != PASS:
                self.tally.leaks["observation_exit"] += 1
                self.tally.leaks_by_site[entrance.id] += 1
            return
        outcome = yield from self.screen(party, entrance.id, "village", party.uniforms[ENTRANCE_SERVICE],
                                         going_out=True)
        if self.meaning(outcome) == PASS and party.quarantine in self.policy.observed:
            self.tally.leaks["observation_exit"] += 1

    # --- the gate -------------------------------------------------------------------------
    def screening(self, party: Party, gate_id: str, level: str, u_service: float, going_out: bool = False,
                  plain: bool = True) -> float | Generator[simpy.Event, Any, str | None]:
        """*party* at a staffed gate. Let through (out, or in) with nobody to balk, where *plain*,
        it is a plain service, settled now, whose outcome the checkpoint counts when it ends:
        returned is when that is (``inf``: never); otherwise the screening, to run as (the rest
        of) a journey."""
        decided = None
        if party.stream.queue is None:                 # nobody to balk: decided first, as screen does
            decided = self.decider.entry(level, party, party.temps, self.today())
            meaning = decided.meaning
            if plain and (meaning == PASS if going_out else meaning in ADMITTING):
                checkpoint = self.checkpoints[gate_id]
                checkpoint.persons += party.persons
                minutes = self.service.minutes(decided.standing, party.persons, u_service,
                                               party.uniforms[EXTRA_PERSONS])
                return checkpoint.serve_counted(minutes, decided.outcome or "undecided")
        return self.screen(party, gate_id, level, u_service, going_out=going_out, decided=decided)

    def screen_last(self, party: Party, gate_id: str, level: str, u_service: float,
                    going_out: bool = False) -> Generator[simpy.Event, Any, str | None] | None:
        """Screen *party* at a staffed gate as the last step of its journey: ``None`` where nothing
        is left to do once it is served (let out, or let in and not an outsider: a plain
        :meth:`screening`, served with nothing waiting on it), else the screening to run."""
        screened = self.screening(party, gate_id, level, u_service, going_out,
                                  plain=going_out or not party.stream.outsider)
        return None if isinstance(screened, float) else screened

    def screen_to_end(self, party: Party, gate_id: str, u_service: float, going_out: bool) -> None:
        """A resident screened at a village entrance as the last step of its way out or home."""
        rest = self.screen_last(party, gate_id, "village", u_service, going_out)
        if rest is not None:
            Underway(rest)

    def screen(self, party: Party, gate_id: str, level: str, u_service: float, going_out: bool = False,
               decided: Decided | None = None) -> Generator[simpy.Event, Any, str | None]:
        """Decide, queue and serve *party* at a staffed gate; act on the outcome; return it. A party
        that balks at the queue or leaves it unserved is refused there: it returns the turn-back outcome.
        *u_service*: the uniform of its service time here (going out, a resident's own); *decided*:
        the party already decided here (only where nobody balks)."""
        checkpoint, queue, u = self.checkpoints[gate_id], party.stream.queue, party.uniforms
        if queue is not None and not queue.joins(checkpoint.queue_length(), u[BALK]):
            checkpoint.balk()                  # sees the queue and turns round: a refusal here
            self.refused(party, gate_id, going_out)
            return self.turned_round
        decider, times, day = self.decider, self.service, self.today()
        if decided is None:
            decided = decider.entry(level, party, party.temps, day)
        outcome, meaning = decided.outcome, decided.meaning
        checkpoint.persons += party.persons
        carry_in = times.carry_in
        away = (carry_in.away_min(u[CARRY_IN]) if carry_in is not None and level == "village"
                and meaning == HANDLED else 0.0)
        patience = math.inf if queue is None else queue.patience(u[PATIENCE])
        minutes = times.minutes(decided.standing, party.persons, u_service, u[EXTRA_PERSONS])
        wait = yield checkpoint.serve(minutes, away, patience)
        if wait is None:                       # left the queue before being served: a refusal here
            self.refused(party, gate_id, going_out)
            return self.turned_round
        if meaning == HELD:
            yield self.env.timeout(times.retest_after_min)
            outcome = decider.party(level, party, party.retest, day)
            meaning = self.meaning(outcome)
            yield checkpoint.serve(times.retest.quantile(u[RETEST]) / 60.0)
        checkpoint.outcomes[outcome or "undecided"] += 1
        if meaning == PASS if going_out else meaning in ADMITTING:
            return outcome
        tally = self.tally
        if meaning == HANDLED:
            tally.handled_at_gate += 1
            self.meet(party)
        elif meaning == HELD:
            tally.held += 1
        else:
            tally.turned_back += 1
            tally.turned_back_by_role[party.stream.role] += 1
            tally.undecided += outcome is None
            self.refused(party, gate_id, going_out)
        return outcome

    def meet(self, party: Party) -> None:
        """A visit handled at the gate: the party is met there for ``meet_min``, then leaves."""
        now = self.env.now
        self._count_outsider(party, now, now + party.stream.meet_min.quantile(party.uniforms[DWELL]))

    def avoid_gates(self, party: Party) -> bool:
        """Whether a township party avoids the gates from the start (returners at night); if so,
        its way in is settled here: found, it is registered at the gate; not, it slipped in."""
        avoid = party.stream.behaviour.avoid
        if avoid is None or party.uniforms[AVOID] >= avoid.share or party.gate is None:
            return False
        if not avoid.covers((self._offset + party.time) % MIN_PER_DAY):
            return False
        way = self.way_in(self.net.entry_node(party.gate), party.village, party.uniforms[WAY])
        if way is None:
            return False
        found = self.evade(party, way, "returner_unregistered")
        if found is not None:          # found: brought to the gate to register
            later(self.env, max(0.0, found.time - self.env.now), partial(self._brought, party))
        return True

    def _brought(self, party: Party, _: simpy.Event) -> None:
        self.by_road(party)

