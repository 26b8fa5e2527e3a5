"""The duty roster: shifts filled with people, checked against hand-worked rosters."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest

from policy.errors import FileFormatError
from simulate import load_scenario, roster_summary, summary_json, write_outputs
from simulate.horizon import Horizon
from simulate.roster import Chief, Pool, RosterRules, assign, build_roster
from simulate.shifts import Shift, ShiftPattern, Volunteers, capacity_steps
from simulate.summary import experiment_of

from .conftest import MMC, SCENARIOS

SAT = dt.datetime(2020, 3, 14)       # a Saturday
DAY_NIGHT = ShiftPattern("p", (Shift(6 * 60, 22 * 60, 2), Shift(22 * 60, 6 * 60, 1)))
TWO_DAYS = Horizon(SAT, 2 * 1440.0)


def rules(people: int, rest_hours: float = 16, shift_hours: int = 8, chiefs: tuple[Chief, ...] = ()) -> RosterRules:
    return RosterRules(shift_hours, rest_hours, (Pool("crew", people, ("g",)),), chiefs)


def test_five_people_cover_two_by_day_one_by_night_in_eight_hour_shifts():
    # 06–14 ×2, 14–22 ×2, 22–06 ×1: 5 shift-slots a day; with 16 h rest each person works one
    # a day: 8 h a day, 56 h a week (over two days inside the horizon: 16 h each)
    roster, short = build_roster(rules(5), [("g", DAY_NIGHT)], (), TWO_DAYS)
    assert short == ()
    s = roster.summary
    assert (s.people, s.max_on_duty) == (5, 2)
    assert s.hours_per_person_week_mean == pytest.approx(56.0)
    assert s.hours_per_person_week_max == pytest.approx(56.0)
    assert [(p.name, p.people) for p in s.pools] == [("crew", 5)]


def test_shifts_go_to_whoever_has_rested_longest():
    # a pool of 6: the night before the start takes person 0; 06:00 the two who never worked
    # next (1, 2); 14:00 (3, 4); 22:00 the sixth (never worked); day 2 06:00 the ones whose
    # last shift ended earliest (0 ended 06:00, 1 at 14:00 before 2), and so on
    duties, short = assign(rules(6), [("g", DAY_NIGHT)], TWO_DAYS)
    by_start: dict[float, list[int]] = {}
    for d in duties:
        by_start.setdefault(d.start, []).append(d.person)
    assert short == ()
    assert by_start == {-120.0: [0], 360.0: [1, 2], 840.0: [3, 4], 1320.0: [5],
                        1800.0: [0, 1], 2280.0: [2, 3], 2760.0: [4]}


def test_four_people_leave_the_afternoon_shift_short():
    # night (0), 06:00 (1, 2), 14:00: 3 never worked, 0 rested only 8 h: one of two found
    _, short = assign(rules(4), [("g", DAY_NIGHT)], TWO_DAYS)
    first = short[0]
    assert (first.post, first.start, first.end, first.needed, first.found) == ("g", 840.0, 1320.0, 2, 1)
    _, short = assign(rules(4, rest_hours=8), [("g", DAY_NIGHT)], TWO_DAYS)
    assert short == ()                          # with 8 h rest the same four suffice


def test_twelve_hour_shifts_cut_a_long_pattern_entry_from_its_start():
    pattern = ShiftPattern("p", (Shift(6 * 60, 22 * 60, 1),))
    duties, _ = assign(rules(3, rest_hours=0, shift_hours=12), [("g", pattern)], Horizon(SAT, 1440.0))
    assert [(d.start, d.end) for d in duties] == [(360.0, 1080.0), (1080.0, 1320.0)]


@pytest.mark.parametrize("horizon", [TWO_DAYS, Horizon(SAT + dt.timedelta(hours=10, minutes=30), 50 * 60.0),
                                     Horizon(dt.datetime(2020, 3, 16), 3 * 1440.0, frozenset({dt.date(2020, 3, 17)}))])
def test_an_adequate_pool_gives_exactly_the_shift_patterns_servers(horizon):
    helpers = (Volunteers("v", ("g",), 8 * 60, 13 * 60, 2, ("weekend", "holiday")),)
    roster, short = build_roster(rules(12), [("g", DAY_NIGHT)], helpers, horizon)
    assert short == ()
    assert roster.steps["g"] == capacity_steps(DAY_NIGHT, helpers, horizon)


def test_a_chief_adds_one_server_an_hour_at_each_post_in_turn():
    chief = Chief("c", ("a", "b", "c"), 8 * 60, 11 * 60 + 30)
    empty = ShiftPattern("none", (Shift(0, 1440, 0),))
    r = RosterRules(8, 16, (Pool("crew", 1, ("a", "b", "c")),), (chief,))
    roster, _ = build_roster(r, [("a", empty), ("b", empty), ("c", empty)], (), Horizon(SAT, 1440.0))
    assert roster.steps["a"] == ((0.0, 0), (480.0, 1), (540.0, 0), (660.0, 1), (690.0, 0))
    assert roster.steps["b"] == ((0.0, 0), (540.0, 1), (600.0, 0))
    assert roster.steps["c"] == ((0.0, 0), (600.0, 1), (660.0, 0))


def test_hours_per_week_and_most_on_duty_by_hand():
    # one day: a crew of 3 holds 08–20 with one person (12 h), a chief 09–17 (8 h), one
    # volunteer 10–12 (2 h). Per week: 84, 0, 0, 56, 14 → mean 154/5 = 30.8, max 84;
    # 10–12 the crew member, the chief and the volunteer are on duty: 3 at once.
    pattern = ShiftPattern("p", (Shift(8 * 60, 20 * 60, 1),))
    r = rules(3, shift_hours=12, chiefs=(Chief("c", ("g",), 9 * 60, 17 * 60),))
    helper = (Volunteers("v", ("g",), 10 * 60, 12 * 60, 1, ("weekend",)),)
    s = build_roster(r, [("g", pattern)], helper, Horizon(SAT, 1440.0))[0].summary
    assert s.people == 5
    assert s.hours_per_person_week_mean == pytest.approx(30.8)
    assert s.hours_per_person_week_max == pytest.approx(84.0)
    assert s.max_on_duty == 3
    assert [(p.name, p.people, p.hours_mean, p.hours_max) for p in s.pools] == [
        ("crew", 3, pytest.approx(28.0), pytest.approx(84.0)), ("chiefs", 1, 56.0, 56.0),
        ("volunteers:v", 1, 14.0, 14.0)]


def test_shipped_roster_without_chiefs_keeps_every_posts_servers(variant):
    for name in ("baseline-march-weekend", "blossom-volunteers", "blossom-reopen-entrances"):
        s = load_scenario(variant(SCENARIOS / f"{name}.yaml", "roster: {chiefs: null}\n"))
        assert s.roster is not None
        staffed = [(g.id, g.shift) for g in s.township.gates if g.status == "staffed"]
        staffed += [(e.id, e.shift) for e in s.township.entrances() if e.status == "staffed"]
        for post, shift in staffed:
            helpers = [v for v in s.volunteers if post in v.at]
            assert s.roster.steps[post] == capacity_steps(s.shifts[shift], helpers, s.horizon), (name, post)


def test_shipped_roster_respects_rest_and_one_post_at_a_time():
    s = load_scenario(SCENARIOS / "blossom-reopen-entrances.yaml")
    assert s.roster is not None
    rest = s.roster.rules.rest_hours * 60
    by_person: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for d in s.roster.duties:
        if d.pool in [p.name for p in s.roster.rules.pools]:
            by_person.setdefault((d.pool, d.person), []).append((d.start, d.end))
    for spans in by_person.values():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert start >= end + rest


def test_a_pool_too_small_is_located_at_its_people(variant):
    path = variant(SCENARIOS / "baseline-march-weekend.yaml",
                   "roster:\n  pools:\n    nancha: {people: 4, posts: [nancha]}\n")
    with pytest.raises(FileFormatError) as caught:
        load_scenario(path)
    d = caught.value.diagnostics[0]
    assert (d.code, d.location.file, d.location.line, d.location.path) == (
        "scenario.roster", str(path), 4, "roster.pools.nancha.people")
    assert d.message == ("post 'nc-s1', shift 2020-03-14 14:00–22:00: needs 2, finds 1 rested 16 h "
                         "in nancha (4 people): 1 short")


def test_a_staffed_post_no_pool_holds_is_located(variant):
    path = variant(SCENARIOS / "baseline-march-weekend.yaml",
                   "roster:\n  pools:\n    huayu: {people: 15, posts: [hy-s1]}\n")
    with pytest.raises(FileFormatError) as caught:
        load_scenario(path)
    [d] = caught.value.diagnostics
    assert (d.code, d.location.path) == ("scenario.roster", "roster.pools")
    assert "'hy-s2' is in no pool's posts" in d.message and "2020-03-13 22:00–06:00" in d.message


@pytest.mark.parametrize("text, where, code", [
    ("roster: {shift_hours: 10}", "roster.shift_hours", "scenario.choice"),
    ("roster: {rest_hours: -1}", "roster.rest_hours", "scenario.range"),
    ("roster: {pools: {x: {people: 3, posts: [nowhere]}}}", "roster.pools.x.posts[0]", "scenario.reference"),
    ("roster: {pools: {chiefs: {people: 1, posts: [nc-s1]}}}", "roster.pools.chiefs", "scenario.conflict"),
    ("roster: {chiefs: {x: {posts: [nc-c1], from: '08:00', to: '20:00'}}}", "roster.chiefs.x.posts",
     "scenario.range"),
    ("roster: {chiefs: {x: {posts: [nc-s1], from: '08:00', to: '08:00'}}}", "roster.chiefs.x.to",
     "scenario.range"),
])
def test_roster_references_and_values_are_checked(variant, text, where, code):
    with pytest.raises(FileFormatError) as caught:
        load_scenario(variant(SCENARIOS / "baseline-march-weekend.yaml", text + "\n"))
    assert [(d.location.path, d.code) for d in caught.value.diagnostics] == [(where, code)]


def test_without_a_roster_staff_stay_anonymous(variant):
    s = load_scenario(variant(SCENARIOS / "blossom-weekend.yaml", "roster: null\n"))
    assert s.roster is None and roster_summary(s) is None


def test_summary_json_carries_the_roster_block(tmp_path):
    s = load_scenario(SCENARIOS / "blossom-volunteers.yaml")
    summary = roster_summary(s)
    assert summary is not None
    experiment = experiment_of(s.name, s.title, s.seed, (), [])
    assert "roster" not in summary_json(experiment)
    write_outputs(experiment, tmp_path, summary)
    block = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))["roster"]
    # 24 rangers + 95 in the village pools + 7 chiefs + 2 × 2 and 4 × 1 volunteers
    assert block["people"] == 24 + 95 + 7 + 8
    assert block["max_on_duty"] == 2 * 2 + 12 * 2 + 7 + 2 * 2 + 4 * 1   # 08:00–13:00
    assert block["pools"][-1] == {"name": "volunteers:morning-peak-villages", "people": 4,
                                  "hours_mean": 35.0, "hours_max": 35.0}   # 5 h a day, 7 days


def test_policysim_simulate_prints_the_roster_in_a_line():
    from cli.sim_cmds import roster_line

    pattern = ShiftPattern("p", (Shift(8 * 60, 20 * 60, 1),))
    s = build_roster(rules(3, shift_hours=12), [("g", pattern)], (), Horizon(SAT, 1440.0))[0].summary
    assert roster_line(s) == ("Roster: 3 people in 1 pool; hours on duty per person per week: mean 28.0, "
                              "max 84.0 (crew); at most 1 on duty at once")


def test_a_chief_shortens_the_waits_at_a_busy_entrance(variant):
    # the M/M/3 entrance (ρ = 0.8) for a day, 9 people in 8-hour shifts; with common random
    # numbers the same arrivals meet a fourth screener 08:00–20:00 when the chief is there
    from simulate import InlineExecutor, metric_table, paired_difference, run_experiment

    day = "horizon: {hours: 24, warmup_min: 0}\nroster:\n  pools: {crew: {people: 9, posts: [only]}}\n"
    without = load_scenario(variant(MMC, day, "without.yaml"))
    with_chief = load_scenario(variant(MMC, day + "  chiefs: {chief: {posts: [gate], from: '08:00', to: '20:00'}}\n"))
    waits = [metric_table(run_experiment(s, 4, executor=InlineExecutor()).replications)["gate.gate.wait_mean_min"]
             for s in (without, with_chief)]
    diff = paired_difference(*waits)
    assert diff.mean + diff.half_width < 0
