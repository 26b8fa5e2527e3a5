"""What a refusal leads to: a refused party complies, tries a way in round the staffed posts
or goes to a hotspot, and what watches each place on its way decides whether it is found, and
when; outsiders' person-minutes inside the township. A part of :class:`~simulate.journeys.Run`
(its mixin), kept apart so that each module stays small.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import simpy

from .horizon import Horizon
from .metrics import Tally
from .network import Network, Way
from .parties import CHOOSE, DWELL, PATROL, SPOT, TRY, WAY, Party
from .patrols import Exposure, Found, Watch
from .township import Gate, Hotspot, Village

VILLAGE, HILLS = "village", "hills"
INSIDE = "inside:"             # the village behind an entry site, as a place an evader stays


class Refusals:
    """Refusals and evasions of :class:`~simulate.journeys.Run`, which holds the state below."""

    env: simpy.Environment
    horizon: Horizon
    net: Network
    watch: Watch
    tally: Tally
    gates: Mapping[str, Gate]
    villages: Mapping[str, Village]
    hotspots: tuple[Hotspot, ...]
    spots: dict[str, Hotspot]
    _exit_min: dict[str, float]
    _lawful_min: dict[tuple[str, str], float]

    def home(self, party: Party) -> Village:
        """The village a village or outbound party belongs to (the scenario loader requires one)."""
        assert party.village is not None
        return self.villages[party.village]

    def refused(self, party: Party, at: str, going_out: bool) -> None:
        """A party refused at gate *at* (turned back, or balked at or left its queue)."""
        if going_out:
            self.refuse_going_out(party, at)
        else:
            self.refuse(party, at=at)

    def refuse(self, party: Party, at: str) -> None:
        """A party refused at node *at* (turned back, or balked at or left its queue there)
        complies, tries a way in from there or goes to a hotspot."""
        b, u = party.stream.behaviour, party.uniforms[CHOOSE]
        if u < b.comply:
            self.leave(party, at)
        elif u < b.comply + b.closed_entrance:
            self.try_way_in(party, at)
        else:
            self.to_hotspot(party, at)

    def leave(self, party: Party, at: str) -> None:
        """A complying outsider drives back out of the township from *at*."""
        if party.stream.outsider:
            minutes = self._exit_min.get(at)
            if minutes is None:
                ways = [self.net.road_min(at, g) for g, gate in self.gates.items() if gate.status != "closed"]
                minutes = self._exit_min[at] = min((m for m in ways if math.isfinite(m)), default=0.0)
            self._count_outsider(party, self.env.now, self.env.now + minutes)

    def try_way_in(self, party: Party, at: str, always: bool = False) -> None:
        """Try the quickest way into the party's village from *at* avoiding staffed posts (among
        equally quick ones, by the party's closed-entrance uniform): with probability
        exp(−extra / tolerance), extra being its minutes beyond the lawful way from *at*."""
        way = self.way_in(at, party.village, party.uniforms[WAY])
        if way is None:
            self.leave(party, at)
            return
        if not always:
            extra = way.minutes - self.lawful_min(at, party.village, way.minutes)
            if party.uniforms[TRY] >= math.exp(-max(extra, 0.0) / party.stream.behaviour.tolerance_min):
                self.leave(party, at)
                return
        self.evade(party, way, way.path)

    def lawful_min(self, start: str, village: str | None, otherwise: float) -> float:
        """Minutes of the lawful way from *start* to *village*'s nearest passable entrance
        (*otherwise* when there is none, or no village)."""
        if village is None:
            return otherwise
        key = (start, village)
        minutes = self._lawful_min.get(key)
        if minutes is None:
            lawful = self.net.lawful_entrances(start, village)
            minutes = self._lawful_min[key] = lawful[0][1] if lawful else math.inf
        return minutes if math.isfinite(minutes) else otherwise

    def way_in(self, start: str, village: str | None, u: float) -> Way | None:
        """The quickest way in from *start*; equally quick ones chosen by *u*."""
        if village is None:
            return self.net.way_in(start, None)
        ways = self.net.ways_in(start, village)
        if not ways:
            return None
        ties = sum(1 for w in ways if w.minutes == ways[0].minutes)
        return ways[int(u * ties)]

    def evade(self, party: Party, way: Way, path: str) -> Found | None:
        """*party* sets off now on *way*: found (turned back) or counted as a leak under *path*."""
        tally, now = self.tally, self.env.now
        tally.evasions += 1
        entered = now + way.minutes
        stay = (party.stream.dwell_min.quantile(party.uniforms[DWELL])
                if party.stream.outsider and path != "observation_exit" else 0.0)
        found = self._find(way, party.uniforms[PATROL:PATROL + 3], stay=stay)
        where = HILLS if way.path == "hill_path" else None
        if found is not None and found.time <= entered:
            tally.detected += 1
            tally.found_by[found.by] += 1
            self._count_outsider(party, now, found.time, where)
            return found
        tally.leaks[path] += 1
        tally.leaks_by_site[way.entry_site] += 1
        self._count_outsider(party, now, entered, where)
        if found is not None:           # a camera's alert brought a team that found them inside
            tally.detected += 1
            tally.found_by[found.by] += 1
            self._count_outsider(party, entered, found.time, VILLAGE)
        elif stay > 0:
            self._count_outsider(party, entered, entered + stay, VILLAGE)
        return None

    def refuse_going_out(self, party: Party, at: str) -> None:
        if party.uniforms[CHOOSE] >= party.stream.behaviour.comply:
            self.way_out(party, at)

    def way_out(self, party: Party, at: str) -> None:
        """An observed resident refused at *at* (or with no passable entrance) leaves past no
        staffed entrance (equally quick ways chosen by the closed-entrance uniform)."""
        ways = self.net.ways_out(self.home(party).id)
        if not ways:
            return
        ties = sum(1 for w in ways if w.minutes == ways[0].minutes)
        way = ways[int(party.uniforms[WAY] * ties)]
        tally = self.tally
        tally.evasions += 1
        found = self._find(way, party.uniforms[PATROL:PATROL + 3])
        if found is not None:
            tally.detected += 1
            tally.found_by[found.by] += 1
            return
        tally.leaks["observation_exit"] += 1
        tally.leaks_by_site[way.entry_site] += 1

    def to_hotspot(self, party: Party, at: str | None) -> None:
        """Go from *at* (hikers: over the hills, straight there) to a hotspot and stay the dwell."""
        if not self.hotspots:
            return
        shares = party.stream.hotspots
        if shares:
            spot = self.spots[_pick(shares, party.uniforms[SPOT])]
        else:
            spot = self.hotspots[int(party.uniforms[SPOT] * len(self.hotspots))]
        way = self.net.way_to_hotspot(at, spot.id) if at is not None else None
        tally, t0 = self.tally, self.env.now
        tally.evasions += 1
        reach = way.minutes if way is not None else 0.0
        t1 = t0 + reach + party.stream.dwell_min.quantile(party.uniforms[DWELL])
        exposures = [] if way is None else [Exposure(leg.site, t0 + leg.start, t0 + leg.end) for leg in way.legs]
        exposures.append(Exposure(spot.id, t0 + reach, t1))
        found = self.watch.find_on(exposures, party.uniforms[PATROL:PATROL + 3])
        if found is not None:
            tally.detected += 1
            tally.found_by[found.by] += 1
        else:
            tally.leaks["hotspot"] += 1
            tally.leaks_by_site[spot.id] += 1
        self._count_outsider(party, t0, t1 if found is None else found.time, HILLS)

    def inside(self, party: Party, t0: float) -> None:
        """An outsider inside a village stays for the stream's dwell time."""
        if party.stream.outsider:
            self._count_outsider(party, t0, t0 + party.stream.dwell_min.quantile(party.uniforms[DWELL]), VILLAGE)

    def _find(self, way: Way, u: Sequence[float], reverse: bool = False, stay: float = 0.0) -> Found | None:
        """Whether (and when) an evader setting off now on *way* is found; *reverse*: walked
        from its end back to its start (a way out). An outsider who *stay*s in the village after
        the way is still there when a camera's alert brings a team (nobody else watches inside)."""
        now, legs = self.env.now, way.legs
        if reverse:
            total = way.minutes
            exposures = [Exposure(leg.site, now + total - leg.end, now + total - leg.start) for leg in reversed(legs)]
        else:
            exposures = [Exposure(leg.site, now + leg.start, now + leg.end) for leg in legs]
        if stay > 0:
            exposures.append(Exposure(INSIDE + way.entry_site, now + way.minutes, now + way.minutes + stay))
        return self.watch.find_on(exposures, u)

    def _count_outsider(self, party: Party, t0: float, t1: float, where: str | None = None) -> None:
        """Add an outsider party's person-minutes over [t0, t1] (within the horizon): to the
        total, and to the village or hills part when *where* says so."""
        if party.stream.outsider:
            end = self.horizon.length_min
            minutes = party.persons * max(0.0, min(t1, end) - min(t0, end))
            tally = self.tally
            tally.outsider_person_min += minutes
            if where == VILLAGE:
                tally.outsider_village_min += minutes
            elif where == HILLS:
                tally.outsider_hills_min += minutes



def _pick(shares: tuple[tuple[str, float], ...], u: float) -> str:
    total = sum(s for _, s in shares)
    acc = 0.0
    for name, share in shares:
        acc += share / total
        if u < acc:
            return name
    return shares[-1][0]
