"""The township graph: lawful and evading ways on hand-checkable graphs, the implicit graph,
the shipped layout and the ``network:`` section's located errors."""

from __future__ import annotations

import math

import pytest

from simulate.network import Leg, Link, Network, Node, Way, implicit_network
from simulate.township import Entrance, Gate, Hotspot, Township, Village

# A small valley, minutes on every link (drawn):
#
#   R ==0== G(staffed) ==5== J --2-- S(staffed) --0-- V
#   |                        |---3-- C1(closed, round 8) --0-- V
#   |                        |--12-- C2(closed, round 5) --0-- V
#   |                        +--15-- F (fields)
#   +---hill path H, 40---------------F --2-- C2
#   R --hill path H2, 30-- T (hotspot)         J ==4== P (hotspot)


def _valley(c1: str = "closed", s: str = "staffed", gate: str = "staffed") -> Network:
    nodes = [Node("R", "road-entry"), Node("G", "township-gate", status=gate), Node("J", "junction"),
             Node("V", "village"), Node("S", "entrance", village="V", status=s),
             Node("C1", "entrance", village="V", status=c1, round_min=8.0 if c1 == "closed" else None),
             Node("C2", "entrance", village="V", status="closed", round_min=5.0),
             Node("F", "fields", village="V"), Node("T", "hotspot"), Node("P", "hotspot")]
    links = [Link("R-G", "R", "G", 0, "road"), Link("G-J", "G", "J", 5, "road"),
             Link("J-S", "J", "S", 2, "road"), Link("S-V", "S", "V", 0, "road"),
             Link("J-C1", "J", "C1", 3, "path"), Link("C1-V", "C1", "V", 0, "road"),
             Link("J-C2", "J", "C2", 12, "path"), Link("C2-V", "C2", "V", 0, "road"),
             Link("J-F", "J", "F", 15, "path"), Link("F-C2", "F", "C2", 2, "path"),
             Link("H", "R", "F", 40, "hill-path"), Link("H2", "R", "T", 30, "hill-path"),
             Link("J-P", "J", "P", 4, "road")]
    return Network({n.id: n for n in nodes}, tuple(links), {"G": "R"})


def test_lawful_roads_pass_an_open_gate_but_end_at_a_staffed_one() -> None:
    net = _valley()
    assert net.road_min("G", "S") == 7.0
    assert net.road_min("R", "G") == 0.0
    assert net.road_min("R", "S") == math.inf          # through a staffed gate only when screened
    assert _valley(gate="open").road_min("R", "S") == 7.0
    assert net.road_min("G", "C1") == math.inf          # no road to a closed entrance (a path)
    assert net.lawful_entrances("G", "V") == (("S", 7.0),)
    assert net.entry_node("G") == "R"


def test_refused_at_the_township_gate_the_way_in_is_over_the_hill() -> None:
    way = _valley().way_in("G", "V")
    # R -H(40)-> F -2-> C2, round 5 -> V: 47 minutes; exposed on H, then at C2.
    assert way == Way(47.0, (Leg("H", 0.0, 40.0), Leg("C2", 42.0, 47.0)), "hill_path", "H")


def test_refused_at_a_village_entrance_the_way_round_is_short() -> None:
    ways = _valley().ways_in("S", "V")
    # From J (outside S): C1 at 3 + 8 = 11; C2 at 12 + 5 = 17 (via F it would be 15 + 2 + 5 = 22).
    assert [(w.entry_site, w.minutes, w.path) for w in ways] == [("C1", 11.0, "closed_entrance"),
                                                                  ("C2", 17.0, "closed_entrance")]
    assert ways[0].legs == (Leg("C1", 3.0, 11.0),)


def test_staffing_a_closed_entrance_removes_its_way() -> None:
    before = _valley().way_in("S", "V")
    after = _valley(c1="staffed").way_in("S", "V")
    assert before is not None and after is not None
    assert after.entry_site == "C2"
    assert after.minutes - before.minutes == 6.0        # 17 − 11
    assert ("S", 7.0) in _valley(c1="staffed").lawful_entrances("G", "V")


def test_a_staffed_post_is_never_on_an_evaders_way() -> None:
    net = _valley()
    for start in ("G", "S", "R", "F", "J"):
        for way in net.ways_in(start, "V"):
            assert way.entry_site not in ("S", "G")
            assert all(leg.site not in ("S", "G") for leg in way.legs)
    everything_staffed = Network(
        {k: (Node(k, n.kind, village=n.village, status="staffed") if n.kind == "entrance" else n)
         for k, n in _valley().nodes.items()}, _valley().links, {"G": "R"})
    assert everything_staffed.way_in("G", "V") is None
    assert everything_staffed.way_in("G", None) is None


def test_an_open_entrance_is_an_unscreened_way_in() -> None:
    way = _valley(s="open").way_in("G", "V")
    assert way == Way(47.0, (Leg("H", 0.0, 40.0), Leg("C2", 42.0, 47.0)), "hill_path", "H")
    near = _valley(s="open").way_in("J", "V")
    assert near == Way(2.0, (), "open_entrance", "S")


def test_the_way_to_a_hotspot_and_out_of_a_village() -> None:
    net = _valley()
    assert net.way_to_hotspot("G", "T") == Way(30.0, (Leg("H2", 0.0, 30.0),), "hotspot", "T")
    assert net.way_to_hotspot("S", "P") == Way(4.0, (), "hotspot", "P")
    # Past the staffed gate P is reached only over the hill: 40 to F, back 15 to J, 4 to P.
    assert net.way_to_hotspot("G", "P") == Way(59.0, (Leg("H", 0.0, 40.0),), "hotspot", "P")
    assert net.way_out("V") == Way(8.0 + 3.0, (Leg("C1", 0.0, 8.0),), "observation_exit", "C1")


def test_field_ways_compare_the_registered_walk_with_the_way_round() -> None:
    net = _valley()
    assert net.fields_of("V") == ("F",)
    # Registered: F -15-> J -2-> S = 17; round C2: 2 + 5 = 7.
    assert net.field_ways("F") == (("S", 17.0), Way(7.0, (Leg("C2", 2.0, 7.0),), "closed_entrance", "C2"))
    # Staffing C1 (3 from J) does not beat the way round C2; a reopened C2 would.
    reopened = Network({**net.nodes, "C2": Node("C2", "entrance", village="V", status="staffed")},
                       net.links, {"G": "R"})
    assert reopened.field_ways("F") == (("C2", 2.0), None)


def _town(status: str = "staffed") -> Township:
    a = Village("a", "A", 1.0, 6.0, (Entrance("a-s", "a", status, "x"), Entrance("a-c1", "a", "closed"),
                                     Entrance("a-c2", "a", "closed", camera=True)))
    b = Village("b", "B", 1.0, 14.0, (Entrance("b-s", "b", "staffed", "x"),))
    gates = (Gate("south", "staffed", "x"), Gate("east", "closed", detour_to="south", detour_min=25.0))
    return Township(gates, (a, b), (Hotspot("plaza", "Plaza", "plaza", 1.0),))


def test_the_implicit_graph_keeps_travel_walk_and_crossing_minutes() -> None:
    net = implicit_network(_town(), walk_min=15.0, crossing_min=10.0)
    assert net.implicit
    assert net.lawful_entrances("south", "a") == (("a-s", 6.0),)
    assert net.lawful_entrances("south", "b") == (("b-s", 14.0),)
    assert net.road_min(net.entry_node("east"), net.entry_node("south")) == 25.0
    # Refused at a township gate or a village entrance: walk 15, exposed 10 at the barrier.
    for start in ("south", "east", "a-s"):
        assert net.way_in(start, "a") == Way(25.0, (Leg("a-c1", 15.0, 25.0),), "closed_entrance", "a-c1")
    assert [w.entry_site for w in net.ways_in("south", "a")] == ["a-c1", "a-c2"]
    assert net.way_in("south", "b") is None                     # b has no closed entrance
    assert net.way_in("b-s", None) == net.way_in("south", "a")  # any village: a's barrier
    assert net.way_to_hotspot("south", "plaza") == Way(0.0, (), "hotspot", "plaza")
    assert net.way_out("a") == Way(25.0, (Leg("a-c1", 0.0, 10.0),), "observation_exit", "a-c1")
    (fields,) = net.fields_of("a")
    assert net.field_ways(fields) == (("a-s", 0.0), None)


def test_the_implicit_graph_of_a_village_with_every_entrance_closed() -> None:
    net = implicit_network(_town("closed"), walk_min=15.0, crossing_min=10.0)
    assert net.lawful_entrances("south", "a") == ()
    (fields,) = net.fields_of("a")
    lawful, round_way = net.field_ways(fields)
    assert lawful == ("", math.inf)
    assert round_way == Way(25.0, (Leg("a-s", 15.0, 25.0),), "closed_entrance", "a-s")


@pytest.mark.parametrize("start", ["south", "a-s", "plaza"])
def test_answers_are_cached_and_stable(start: str) -> None:
    net = implicit_network(_town(), walk_min=15.0, crossing_min=10.0)
    first = net.ways_in(start, "a")
    assert net.ways_in(start, "a") is first
