"""The township graph: lawful and evading ways on hand-checkable graphs, the implicit graph,
the shipped layout and the ``network:`` section's located errors."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from policy.errors import FileFormatError
from simulate import Scenario, load_scenario, township_map
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


def test_a_way_walked_back_mirrors_its_exposures() -> None:
    way = _valley().way_in("G", "V")
    assert way is not None
    # 47 minutes: on H over [0, 40], at C2 over [42, 47]; walked back: C2 over [0, 5], H over [7, 47].
    assert way.reversed() == Way(47.0, (Leg("C2", 0.0, 5.0), Leg("H", 7.0, 47.0)), "hill_path", "H")


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
    assert net.road_min("east", "south") == 25.0                # from outside the closed gate
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


# --- the shipped layout ---------------------------------------------------------------------------

SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def shipped() -> Scenario:
    return load_scenario(SHIPPED / "blossom-weekend.yaml")


def test_the_shipped_layout_has_the_report_s_entrances(shipped: Scenario) -> None:
    net = shipped.network
    assert not net.implicit
    entrances = [n for n in net.nodes.values() if n.kind == "entrance"]
    assert len(entrances) == 58
    assert sum(n.status == "closed" for n in entrances) == 46
    assert sum(n.status == "staffed" for n in entrances) == 12
    assert all(n.round_min is not None and n.round_min > 0 for n in entrances if n.status == "closed")
    villages = [n.id for n in net.nodes.values() if n.kind == "village"]
    assert len(villages) == 7 and all(net.fields_of(v) for v in villages)
    assert all(n.at is not None for n in net.nodes.values())
    assert all(link.a in net.nodes and link.b in net.nodes for link in net.links)
    assert {net.entry_node(g) for g in ("pingcheng-south", "pingcheng-north", "xiongnan")} == {
        "pc-south-entry", "pc-north-entry", "xiongnan-entry"}


def test_the_shipped_drive_times_are_the_old_travel_min(shipped: Scenario) -> None:
    old = {"xiongerzhai": 6, "beitumen": 10, "nancha": 12, "weijiawan": 8, "donggou": 14, "huayu": 16,
           "laoquankou": 18}
    assert {v.id: v.travel_min for v in shipped.township.villages} == old
    net = shipped.network
    assert net.road_min(net.entry_node("xiongnan"), net.entry_node("pingcheng-south")) == 25.0  # the detour
    assert net.road_min("xiongnan", "pingcheng-south") == 25.0   # not through the closed barrier (16)


def test_in_the_shipped_layout_a_township_refusal_faces_a_hill_path(shipped: Scenario) -> None:
    net = shipped.network
    way = net.way_in("pingcheng-south", "xiongerzhai")
    # pc-south-entry -hill-south-xez 35-> xez-orchards-s, round xez-c3 6 -> inside: 41
    assert way == Way(41.0, (Leg("hill-south-xez", 0.0, 35.0), Leg("xez-c3", 35.0, 41.0)),
                      "hill_path", "hill-south-xez")
    near = net.way_in("xez-s1", "xiongerzhai")       # from the lane: round xez-c1, 5 min
    assert near == Way(5.0, (Leg("xez-c1", 0.0, 5.0),), "closed_entrance", "xez-c1")


def test_reopening_an_entrance_by_the_orchards_gives_residents_a_registered_way() -> None:
    before = load_scenario(SHIPPED / "blossom-weekend.yaml").network
    after = load_scenario(SHIPPED / "blossom-reopen-entrances.yaml").network
    # xez-orchards-s: 12 min to the lane against 6 round xez-c3; reopened, xez-c3 is 0 min away.
    assert before.field_ways("xez-orchards-s") == (
        ("xez-s1", 12.0), Way(6.0, (Leg("xez-c3", 0.0, 6.0),), "closed_entrance", "xez-c3"))
    assert after.field_ways("xez-orchards-s") == (("xez-c3", 0.0), None)


def test_the_township_map_of_the_shipped_layout(shipped: Scenario) -> None:
    drawing = township_map(shipped)
    by_id = {n.id: n for n in drawing.nodes}
    assert by_id["xez-c1"].status == "closed" and by_id["xez-c1"].camera
    assert by_id["xez-s1"].status == "staffed" and by_id["xez-s1"].village == "xiongerzhai"
    assert (by_id["pingcheng-north"].x, by_id["pingcheng-north"].y) == (0.6, 10.5)
    assert any(link.id == "hill-south-xez" and link.kind == "hill-path" for link in drawing.links)
    night = next(r for r in drawing.routes if r.patrol == "night-xiongerzhai")
    assert night.team == 2 and night.windows == ("20:00–06:00",) and night.sites[0] == "xez-c1"


def test_the_township_map_of_an_implicit_graph_is_laid_out() -> None:
    drawing = township_map(load_scenario(Path(__file__).parent / "scenarios" / "post-lite.yaml"))
    places = {(n.x, n.y) for n in drawing.nodes}
    assert len(places) == len(drawing.nodes)              # no two places drawn on top of each other
    assert all(link.minutes > 0 or link.kind != "path" for link in drawing.links)


# --- the network: section's located errors -------------------------------------------------------

BASE = """\
pack: {pack}
gate_policy:
  decision: checkpoint
  inputs: {{level: post, role: who, has_pass: permit, temperature: temp, quarantine: status}}
  levels: {{township: outer, village: inner}}
  outcomes: {{wave_through: pass, escort_in: pass, leave_goods: handled_at_gate, refuse: turned_back,
             recheck: held_for_retest}}
  unobserved: free
horizon: {{start: 2020-03-14T00:00, days: 1}}
shifts:
  all-day: [{{from: "00:00", to: "24:00", staff: 1}}]
service:
  by_outcome: {{wave_through: 20, escort_in: 90, leave_goods: 120, refuse: 60, recheck: 60}}
township:
  gates:
    road: {{status: staffed, shift: all-day}}
villages:
  hamlet:
    entrances:
      main: {{status: staffed, shift: all-day, opens_to: lane}}
      back: {{status: closed, opens_to: plot, round_min: 7}}
network:
  places:
    outside: {{kind: road-entry}}
    lane: {{kind: junction}}
    plot: {{kind: fields, village: hamlet}}
  links:
    in: {{from: outside, to: road, minutes: 0, kind: road}}
    drive: {{from: road, to: lane, minutes: 4, kind: road}}
    walk: {{from: lane, to: plot, minutes: 9, kind: path}}
    hill: {{from: outside, to: plot, minutes: 45, kind: hill-path}}
"""
PACK = Path(__file__).parent / "packs" / "post-lite"
# Lines of BASE: 18 hamlet, 20 main, 21 back, 26 plot, 31 hill; appended text starts at line 32.


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "net.yaml"
    path.write_text(BASE.format(pack=PACK) + text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[tuple[str, str, int]]:
    with pytest.raises(FileFormatError) as caught:
        load_scenario(path)
    return [(d.code, d.location.path, d.location.line) for d in caught.value.diagnostics]


def test_a_small_network_loads_with_hand_computed_ways(tmp_path: Path) -> None:
    net = load_scenario(_write(tmp_path, "")).network
    assert net.lawful_entrances("road", "hamlet") == (("main", 4.0),)
    assert net.way_in("road", "hamlet") == Way(52.0, (Leg("hill", 0.0, 45.0), Leg("back", 45.0, 52.0)),
                                               "hill_path", "hill")
    assert net.field_ways("plot") == (("main", 9.0), Way(7.0, (Leg("back", 0.0, 7.0),), "closed_entrance",
                                                          "back"))


def test_unknown_places_in_links_are_located(tmp_path: Path) -> None:
    path = _write(tmp_path, "    stray: {from: lane, to: nowhere, minutes: 3, kind: path}\n")
    assert _problems(path) == [("scenario.reference", "network.links.stray.to", 32)]


def test_a_link_into_a_village_or_an_entrance_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "    short: {from: lane, to: hamlet, minutes: 1, kind: path}\n"
                            "    shorter: {from: plot, to: back, minutes: 1, kind: path}\n")
    assert _problems(path) == [("scenario.reference", "network.links.short.to", 32),
                               ("scenario.reference", "network.links.shorter.to", 33)]


def test_a_fields_place_needs_a_known_village(tmp_path: Path) -> None:
    text = BASE.format(pack=PACK).replace("plot: {kind: fields, village: hamlet}",
                                          "plot: {kind: fields, village: hamelt}")
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    assert _problems(path) == [("scenario.reference", "network.places.plot.village", 26)]
    path.write_text(text.replace(", village: hamelt", ""), encoding="utf-8")
    assert _problems(path) == [("scenario.missing", "network.places.plot", 26)]


def test_entrances_need_opens_to_and_closed_ones_round_min(tmp_path: Path) -> None:
    text = BASE.format(pack=PACK).replace(", opens_to: plot, round_min: 7", "")
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    assert _problems(path) == [("scenario.missing", "villages.hamlet.entrances.back", 21),
                               ("scenario.missing", "villages.hamlet.entrances.back", 21)]


def test_the_network_decides_drive_and_walking_times(tmp_path: Path) -> None:
    text = BASE.format(pack=PACK).replace("  hamlet:\n", "  hamlet:\n    travel_min: 5\n")
    path = tmp_path / "net.yaml"
    path.write_text(text + "evasion: {walk_min: 15}\n", encoding="utf-8")
    assert _problems(path) == [("scenario.conflict", "villages.hamlet.travel_min", 19),
                               ("scenario.conflict", "evasion.walk_min", 33)]


def test_network_fields_without_a_network_are_refused(tmp_path: Path) -> None:
    text = BASE.format(pack=PACK).split("network:")[0]
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    assert [p[:2] for p in _problems(path)] == [
        ("scenario.conflict", "villages.hamlet.entrances.main.opens_to"),
        ("scenario.conflict", "villages.hamlet.entrances.back.opens_to"),
        ("scenario.conflict", "villages.hamlet.entrances.back.round_min")]


def test_a_gate_needs_its_road_entry_and_ids_are_unique(tmp_path: Path) -> None:
    text = BASE.format(pack=PACK).replace("    in: {from: outside, to: road, minutes: 0, kind: road}\n", "")
    text = text.replace("    lane: {kind: junction}\n", "    lane: {kind: junction}\n    main: {kind: junction}\n")
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    assert sorted(p[:2] for p in _problems(path)) == [("scenario.conflict", "villages.hamlet.entrances.main"),
                                                      ("scenario.missing", "township.gates.road")]
