"""Journeys over the township graph, on small scenarios whose answers are hand-computable:
how many refused parties try a way in (exp(−extra/tolerance)), residents screened going out,
fields walkers round a closed entrance, night returners avoiding the gates, visits met at the
gate, and the behaviour uniforms' older columns kept (common random numbers)."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

from simulate import load_scenario, pack_engine, run_replication
from simulate.demand import BEHAVIOUR_COLUMNS, draw_arrivals, thin
from simulate.network import Link, Network, Node
from simulate.patrols import Patrol
from simulate.results import ReplicationResult
from simulate.scenario import Scenario
from simulate.seeds import Purpose, key_of, stream

PACK = Path(__file__).parent / "packs" / "post-lite"
Z = 4.0   # half-width of the accepted band, in binomial standard deviations


def _scenario(tmp_path: Path, streams: str, gate: str = "staffed", c2: str = "closed",
              outcomes: str = "refuse: turned_back") -> Scenario:
    """A township over the post-lite pack: gate G, village V with entrances S (staffed), C1
    and C2 (closed unless *c2* says otherwise), 50 screeners so nobody queues long."""
    c2_entry = "{status: staffed, shift: all-day}" if c2 == "staffed" else f"{{status: {c2}}}"
    gate_entry = "{status: staffed, shift: all-day}" if gate == "staffed" else f"{{status: {gate}}}"
    text = f"""
name: journeys
pack: {PACK}
seed: 11
replications: 1
horizon: {{start: 2020-03-14T00:00, days: 1}}
gate_policy:
  decision: checkpoint
  inputs: {{level: post, role: who, has_pass: permit, temperature: temp, quarantine: status}}
  levels: {{township: outer, village: inner}}
  outcomes: {{wave_through: pass, escort_in: pass, leave_goods: handled_at_gate, {outcomes}, recheck: held_for_retest}}
  unobserved: free
  outsiders: [guest]
profiles:
  late: [0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
  day: [0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]
shifts:
  all-day: [{{from: "00:00", to: "24:00", staff: 50}}]
service:
  by_outcome: {{wave_through: 20, escort_in: 90, leave_goods: 120, refuse: 60, recheck: 60}}
township:
  gates:
    G: {gate_entry}
villages:
  V:
    entrances:
      S: {{status: staffed, shift: all-day}}
      C1: {{status: closed}}
      C2: {c2_entry}
streams:
{streams}
"""
    path = tmp_path / "journeys.yaml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


def _valley(s: Scenario) -> Network:
    """The scenario's township as a hand-drawn graph (minutes on every link):

        R ==0== G ==5== J --2-- S --0-- V          lawful: G to S 7 minutes by road
                        J --3-- C1 (round 7) --0-- V          from outside S: 3 + 7 = 10
        R --hill path H, 118-- F --2-- C2 (round 7) --0-- V   from outside G: 118 + 2 + 7 = 127
                        J --20-- F                            fields to S: 20 + 2 = 22
    """
    town = s.township
    gate = town.gates[0]
    status = {e.id: e.status for e in town.entrances()}
    round_min = {e: (7.0 if status[e] == "closed" else None) for e in status}
    nodes = [Node("R", "road-entry"), Node("G", "township-gate", status=gate.status),
             Node("J", "junction"), Node("V", "village"), Node("F", "fields", village="V"),
             *(Node(e, "entrance", village="V", status=status[e], round_min=round_min[e])
               for e in ("S", "C1", "C2"))]
    links = [Link("R-G", "R", "G", 0, "road"), Link("G-J", "G", "J", 5, "road"),
             Link("J-S", "J", "S", 2, "road"), Link("S-V", "S", "V", 0, "road"),
             Link("J-C1", "J", "C1", 3, "path"), Link("C1-V", "C1", "V", 0, "road"),
             Link("H", "R", "F", 118, "hill-path"), Link("F-C2", "F", "C2", 2, "path"),
             Link("C2-V", "C2", "V", 0, "road"), Link("J-F", "J", "F", 20, "path")]
    return Network({n.id: n for n in nodes}, tuple(links), {"G": "R"})


def _run(s: Scenario, network: bool = True) -> ReplicationResult:
    if network:
        s = dataclasses.replace(s, network=_valley(s))
    return run_replication(s, pack_engine(s.pack), 0)


def _within(k: int, n: int, p: float) -> bool:
    return abs(k - n * p) <= Z * math.sqrt(n * p * (1 - p))


GUESTS = """  guests:
    role: guest
    route: township
    profile: late
    volume: {{weekday: {volume}, weekend: {volume}, holiday: {volume}}}
    gates: {{G: 1}}
    villages: {{V: 1}}
    behaviour: {{comply: 0, closed_entrance: 1, tolerance_min: 30}}
    dwell_min: 60
"""


def test_refused_at_the_township_gate_few_take_the_long_hill_path(tmp_path: Path) -> None:
    r = _run(_scenario(tmp_path, GUESTS.format(volume=12000)))
    c = r.containment
    # extra = 127 − 7 = 120 minutes over the lawful way: tries with probability e^(−120/30).
    assert c.turned_back > 10000
    assert _within(c.evasions, c.turned_back, math.exp(-4.0))
    assert c.leaks["hill_path"] == c.evasions         # nothing watches: every try gets in
    assert c.leaks_by_site == {"H": c.evasions}


def test_refused_at_a_village_entrance_most_walk_round(tmp_path: Path) -> None:
    r = _run(_scenario(tmp_path, GUESTS.format(volume=3000), gate="open"))
    c = r.containment
    # From outside S the way round C1 takes 10 minutes, the lawful way 0: e^(−10/30) ≈ 0.72 try.
    assert c.turned_back > 2500
    assert _within(c.evasions, c.turned_back, math.exp(-10 / 30))
    assert c.leaks["closed_entrance"] == c.evasions
    assert set(c.leaks_by_site) == {"C1"}


def test_with_no_closed_entrance_there_is_no_way_in(tmp_path: Path) -> None:
    s = _scenario(tmp_path, GUESTS.format(volume=500), gate="open")
    s = dataclasses.replace(s, township=dataclasses.replace(s.township, villages=tuple(
        dataclasses.replace(v, entrances=v.entrances[:1]) for v in s.township.villages)))
    from simulate.network import implicit_network
    s = dataclasses.replace(s, network=implicit_network(s.township, 15.0, 10.0))
    c = _run(s, network=False).containment
    assert c.turned_back > 400
    assert c.evasions == 0 and c.leaks_total == 0


VILLAGERS = """  villagers:
    role: villager
    route: township
    profile: late
    volume: {weekday: 400, weekend: 400, holiday: 400}
    gates: {G: 1}
    villages: {V: 1}
    temperature: {fever_share: 0}
"""


def test_residents_screened_going_out_double_the_village_gate_arrivals(tmp_path: Path) -> None:
    one_way = _run(_scenario(tmp_path, VILLAGERS, gate="open"))
    round_trip = _run(_scenario(tmp_path, VILLAGERS + "    away_min: 60\n", gate="open"))
    s_one = next(g for g in one_way.gates if g.gate == "S")
    s_two = next(g for g in round_trip.gates if g.gate == "S")
    # Every arrival is after 03:00, so each left 60 minutes earlier, within the horizon.
    assert s_one.arrivals == one_way.containment.arrivals > 300
    assert s_two.arrivals == 2 * s_one.arrivals
    assert round_trip.containment.arrivals == one_way.containment.arrivals


WALKERS = """  walkers:
    role: villager
    route: village
    profile: day
    volume: {weekday: 300, weekend: 300, holiday: 300}
    villages: {V: 1}
    temperature: {fever_share: 0}
    away_min: 60
    save_min: 5
    behaviour: {comply: 0, closed_entrance: 1}
"""


def test_fields_walkers_round_a_closed_entrance_use_it_once_reopened(tmp_path: Path) -> None:
    closed = _run(_scenario(tmp_path, WALKERS))
    # The registered way from F is 22 minutes (J, S), round C2 2 + 7 = 9: saves 13 ≥ 5. Each
    # walker crosses twice (out at t − 60 ≥ 0, back at t, done before 22:30); nothing watches.
    assert closed.containment.resident_crossings == 2 * closed.containment.arrivals > 250
    assert next(g for g in closed.gates if g.gate == "S").arrivals == 0
    reopened = _run(_scenario(tmp_path, WALKERS, c2="staffed"))
    assert reopened.containment.resident_crossings == 0
    assert next(g for g in reopened.gates if g.gate == "C2").arrivals == 2 * reopened.containment.arrivals


def test_fields_walkers_who_comply_take_the_registered_way(tmp_path: Path) -> None:
    r = _run(_scenario(tmp_path, WALKERS.replace("comply: 0, closed_entrance: 1", "comply: 1")))
    assert r.containment.resident_crossings == 0
    assert next(g for g in r.gates if g.gate == "S").arrivals == 2 * r.containment.arrivals


RETURNERS = """  returners:
    role: villager
    route: township
    profile: late
    volume: {{weekday: 200, weekend: 200, holiday: 200}}
    gates: {{G: 1}}
    villages: {{V: 1}}
    behaviour: {{avoid: {{share: 1, from: "{start}", to: "{end}"}}}}
"""


def test_returners_in_their_avoid_hours_slip_in_unregistered(tmp_path: Path) -> None:
    r = _run(_scenario(tmp_path, RETURNERS.format(start="00:00", end="24:00")))
    c = r.containment
    # From R the only way round G is the hill path: every one a leak, none at the gate.
    assert c.leaks["returner_unregistered"] == c.arrivals > 150
    assert next(g for g in r.gates if g.gate == "G").arrivals == 0
    none = _run(_scenario(tmp_path, RETURNERS.format(start="01:00", end="02:00")))  # nobody arrives then
    assert none.containment.leaks["returner_unregistered"] == 0
    assert next(g for g in none.gates if g.gate == "G").arrivals == none.containment.arrivals


def test_a_visit_handled_at_the_gate_is_met_there(tmp_path: Path) -> None:
    guests = GUESTS.format(volume=200).replace("late", "day") + "    meet_min: 20\n"   # met by 22:20
    r = _run(_scenario(tmp_path, guests, outcomes="refuse: handled_at_gate"))
    c = r.containment
    assert c.handled_at_gate == c.arrivals > 150
    assert c.outsider_person_min == pytest.approx(20.0 * c.persons)   # occupancy 1: one person each
    assert c.outsider_village_min == 0.0 and c.outsider_hills_min == 0.0 and c.evasions == 0


def test_behaviour_uniforms_keep_their_first_columns(tmp_path: Path) -> None:
    s = _scenario(tmp_path, GUESTS.format(volume=300))
    guests = s.streams[0]
    arrivals = draw_arrivals(guests, s.horizon, 7, 3)
    _, keep = thin(guests, s.horizon, stream(7, 3, Purpose.ARRIVALS, key_of(guests.id)))
    first = stream(7, 3, Purpose.BEHAVIOUR, key_of(guests.id)).uniform(size=(len(keep), 4))
    assert arrivals.behaviour.shape[1] == len(BEHAVIOUR_COLUMNS)
    np.testing.assert_array_equal(arrivals.behaviour[:, :4], first[keep])


def test_a_patrol_on_the_hill_path_finds_those_who_take_it(tmp_path: Path) -> None:
    s = _scenario(tmp_path, GUESTS.format(volume=12000))
    unwatched = _run(s).containment
    # A pair walking the hill path H all day, a visit every 10 minutes, certain to notice:
    # an evader on H for 118 minutes meets ~11 visits, so every one is found there.
    patrol = Patrol("hill", 2, ("H",), (10.0,), ((0, 0),), 1.0)
    watched = _run(dataclasses.replace(s, patrols=(patrol,))).containment
    assert watched.evasions == unwatched.evasions > 0          # the same parties try (CRN)
    assert watched.found_by["patrol"] == watched.detected == watched.evasions
    assert watched.leaks_total == 0 and watched.leaks_by_site == {}
    assert watched.outsider_hills_min < unwatched.outsider_hills_min
