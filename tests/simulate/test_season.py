"""The season: returners decided by the pack on their day, statuses every day, observation load.

Known answers: every returner is in exactly one place each day (conservation); Little's law
holds on the home-observation population of a steady season; rule hits change on the day a
rule of the pack starts or stops, and never fall outside a rule's ``effective`` dates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import pytest

from policy import DurableEngine
from simulate.estimates import mean_interval
from simulate.model import run_replication
from simulate.results import ReplicationResult
from simulate.returners import draw_people
from simulate.scenario import Scenario, load_scenario, pack_at
from simulate.store import decode, encode

from .conftest import HERE, one_located_line

QUIET = HERE / "scenarios" / "season-quiet.yaml"
STEADY = HERE / "scenarios" / "season-steady.yaml"


@functools.cache
def season(path: str, replications: int) -> tuple[Scenario, tuple[ReplicationResult, ...]]:
    scenario = load_scenario(path)
    engine = DurableEngine(pack_at(scenario.pack))
    return scenario, tuple(run_replication(scenario, engine, k) for k in range(replications))


def test_returners_replace_their_streams_and_every_day_has_a_value():
    scenario, (result,) = season(str(QUIET), 1)
    assert scenario.returners is not None
    ids = {s.id for s in scenario.streams}
    assert "returning" not in ids and "observed-going-out" not in ids
    assert {len(v) for v in result.daily.values()} == {82}
    for rules in result.rule_hits_daily.values():
        assert {len(v) for v in rules.values()} == {82}
    assert set(result.rule_hits_daily) == {"gate_admission", "return_deferral", "quarantine_status"}


def test_every_returner_is_accounted_for_each_day_once():
    scenario, (result,) = season(str(QUIET), 1)
    assert scenario.returners is not None
    n, d = scenario.returners.count, result.daily
    arrived = 0.0
    for k in range(82):
        assert d["away"][k] + d["deferred"][k] + d["barred"][k] + d["returned"][k] == n
        assert d["free"][k] + d["home_observation"][k] + d["centralized"][k] + d["referred"][k] == d["returned"][k]
        arrived += d["returners_arrived"][k]
        assert arrived == d["returned"][k]          # nobody returns twice, nobody leaves again
    assert 0 < d["returned"][-1] < n                # some still deferred or barred at the end
    assert sum(d["barred"]) > 0 and sum(d["deferred"]) > 0 and sum(d["home_observation"]) > 0


def test_turn_backs_by_role_sum_to_the_turn_backs_each_day():
    _, (result,) = season(str(QUIET), 1)
    d = result.daily
    roles = [name for name in d if name.startswith("turned_back.")]
    assert len(roles) >= 2                          # outsiders and returners are both turned back
    for k in range(82):
        assert sum(d[name][k] for name in roles) == d["turned_back"][k]
    assert sum(d["turned_back"]) == result.containment.turned_back
    for name in roles:                              # only roles that arrive are turned back
        assert "arrivals." + name.removeprefix("turned_back.") in d


@functools.cache
def morning_round() -> tuple[Scenario, ReplicationResult]:
    """The quiet season with its daily round at 08:00 instead of midnight: a day's round to the
    next is then not the calendar day."""
    scenario = load_scenario(str(QUIET))
    assert scenario.returners is not None
    scenario = dataclasses.replace(scenario, returners=dataclasses.replace(scenario.returners, decide_at=480))
    return scenario, run_replication(scenario, DurableEngine(pack_at(scenario.pack)), 0)


@pytest.mark.parametrize("morning", [False, True])
def test_arrivals_by_role_sum_to_the_arrivals_each_day(morning):
    """``arrivals.<role>`` is booked as ``arrivals`` is (the day's round to the next), so per day
    the roles add up to it exactly, whether the round is at midnight or at 08:00."""
    result = morning_round()[1] if morning else season(str(QUIET), 1)[1][0]
    d = result.daily
    roles = [name for name in d if name.startswith("arrivals.")]
    assert len(roles) >= 2 and "arrivals.returning_resident" in roles
    for k in range(82):
        assert sum(d[name][k] for name in roles) == d["arrivals"][k]
    assert sum(d["arrivals"]) == result.containment.arrivals     # those before the first round on day 0
    assert sum(d["turned_back"]) == result.containment.turned_back


def test_the_daily_round_is_the_pack_on_the_day():
    """Each person's status that day is the pack's answer for their record on that date: the
    hits of quarantine_status per day add up to the people at home that day, minus those
    still in medical care (not decided while there)."""
    _, (result,) = season(str(QUIET), 1)
    d, hits = result.daily, result.rule_hits_daily["quarantine_status"]
    for k in range(82):
        decided = sum(v[k] for v in hits.values())
        in_care = d["referred"][k] - d["referrals"][k]
        assert decided == d["returned"][k] - in_care
    asked = sum(sum(v) for v in result.rule_hits_daily["return_deferral"].values())
    came, refused, advised = sum(d["returners_arrived"]), sum(d["refused"]), sum(d["advised"])
    assert came + refused <= asked <= came + refused + advised     # advised: deferred, or came anyway


def test_visits_and_staff_minutes_follow_the_home_observation_count():
    scenario, (result,) = season(str(QUIET), 1)
    r, d = scenario.returners, result.daily
    assert r is not None
    for k in range(82):
        assert d["visits"][k] == d["home_observation"][k] * r.visits_per_day
        assert d["visit_staff_min"][k] == pytest.approx(d["visits"][k] * r.visit_min)
    assert d["exit_attempts"] and sum(d["observation_exits"]) <= sum(d["exit_attempts"])


def test_rule_hits_change_where_the_pack_dates_change():
    scenario, (result,) = season(str(QUIET), 1)
    pack = pack_at(scenario.pack)
    first = scenario.horizon.start.date()
    checked = 0
    for decision, hits in result.rule_hits_daily.items():
        rules = {rule.id: rule for rule in pack.rules if rule.decision == decision}
        for rule_id, per_day in hits.items():
            if rule_id not in rules:
                continue                           # (default)
            eff = rules[rule_id].effective
            for k, count in enumerate(per_day):
                day = first + dt.timedelta(days=k)
                if count and ((eff.start and day < eff.start) or (eff.end and day > eff.end)):
                    pytest.fail(f"{rule_id} decided someone on {day}, outside its effective dates")
        for change in pack.change_dates(decision):
            k = (change - first).days
            if not 1 <= k < 82:
                continue
            starting = [r for r in rules.values() if r.effective.start == change]
            ending = [r for r in rules.values() if r.effective.end == change - dt.timedelta(days=1)]
            now = {r.id for r in starting if hits.get(r.id, (0,) * 82)[k]}
            before = {r.id for r in ending if hits.get(r.id, (0,) * 82)[k - 1]}
            if now or before:                      # the rules say the day differs, and someone met them
                day_before = {rule for rule, v in hits.items() if v[k - 1]}
                day_of = {rule for rule, v in hits.items() if v[k]}
                assert day_before != day_of, (decision, change)
                assert not now & day_before and not before & day_of
                checked += 1
    assert checked >= 4      # 02-14 and 04-30 for quarantine_status; 02-14 and 02-27 for return_deferral …


def test_littles_law_on_home_observation():
    """Mean under home observation = entries per day × mean days in it, on the steady stretch
    (after the first 14 days) of a season with returns spread evenly."""
    _, results = season(str(STEADY), 5)
    ratios = []
    for result in results:
        d = result.daily
        home, into = d["home_observation"][20:], d["into_home_observation"][20:]
        spells, spell_days = sum(d["home_spells_ended"][20:]), sum(d["home_spell_days_ended"][20:])
        mean_l = sum(home) / len(home)
        rate, stay = sum(into) / len(into), spell_days / spells
        assert 10 < stay <= 14                        # 14 days, cut short by referrals
        ratios.append(mean_l / (rate * stay))
    interval = mean_interval(ratios)
    assert abs(interval.mean - 1.0) <= interval.half_width
    assert interval.half_width < 0.1


def test_a_person_is_the_same_whatever_the_population_size():
    scenario, _ = season(str(QUIET), 1)
    r = scenario.returners
    assert r is not None
    small = draw_people(dataclasses.replace(r, count=10), scenario.seed, 0, 82)
    large = draw_people(dataclasses.replace(r, count=20), scenario.seed, 0, 82)
    for a, b in zip(small, large[:10], strict=True):
        assert (a.origin, a.necessity, a.village, a.attributes, a.intended, a.party) == \
               (b.origin, b.necessity, b.village, b.attributes, b.intended, b.party)
        assert a.daily == b.daily


def test_a_stored_season_reads_back_whole():
    _, (result,) = season(str(QUIET), 1)
    assert decode(encode(result)) == result


@pytest.mark.parametrize(("text", "where", "message"), [
    ("returners: {origin: {mars: 1}}\n", "returners.origin.mars", "'mars' is not one of"),
    ("returners: {attributes: {home_suitable: {\"yes\": 1}}}\n", "returners.attributes.home_suitable",
     "is a bool"),
    ("returners: {attributes: {home_suitable: many}}\n", "returners.attributes.home_suitable",
     "expected a share"),
    ("quarantine_policy: {inputs: {fever: symptoms_of}}\n", "quarantine_policy.inputs.fever",
     "has no input 'symptoms_of'"),
    ("return_policy: {outcomes: {barred: gone}}\n", "return_policy.outcomes.barred", "'gone' is not one of"),
    ("returners: {arrive_as: tourists_by_air}\n", "returners.arrive_as", "unknown stream"),
    ("returners: {return_dates: [{from: 2020-01-01, to: 2020-01-05, weight: 1}]}\n",
     "returners.return_dates[0]", "before the horizon starts"),
])
def test_a_season_mistake_is_one_located_line(variant, text, where, message):
    one_located_line(variant(QUIET, text), where, message)

