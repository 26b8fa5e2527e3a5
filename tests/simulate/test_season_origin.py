"""Returner attributes by origin and close contacts (issue 14, part "origin").

Known answers: the drawn groups follow each origin's table within a binomial tolerance; a
contact's days since it grow with the days since return; changing contact shares moves no
other draw (common random numbers); in a test season the 2020-02-21 and 2020-04-18
exemptions, a key-person rule and the close-contact rule each meet someone, only from their
dates, and a contact is centralized exactly while the contact is under 14 days old.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import subprocess
import sys
from collections import Counter

import pytest

from policy import DurableEngine
from simulate.model import run_replication
from simulate.results import ReplicationResult
from simulate.returners import CONTACT_INPUT, CloseContacts, Person, draw_people, drawn_facts
from simulate.scenario import Scenario, load_scenario, pack_at

from .conftest import HERE, one_located_line

ORIGIN = HERE / "scenarios" / "season-origin.yaml"
ROOT = HERE.parents[1]
DAYS = 82
FIRST = dt.date(2020, 2, 9)


@functools.cache
def season() -> tuple[Scenario, ReplicationResult]:
    scenario = load_scenario(ORIGIN)
    return scenario, run_replication(scenario, DurableEngine(pack_at(scenario.pack)), 0)


def _group(person: Person) -> object:
    return dict(person.attributes)["person_group"]


def _within(count: int, n: int, p: float) -> bool:
    """*count* of *n* is within 4 binomial standard deviations of *n* × *p*."""
    return abs(count - n * p) <= 4 * math.sqrt(n * p * (1 - p)) + 1e-9


def test_groups_follow_each_origins_table():
    scenario, _ = season()
    r = dataclasses.replace(scenario.returners, count=20_000)
    people = draw_people(r, scenario.seed, 0, 1)
    by_origin = Counter(p.origin for p in people)
    drawn = Counter((p.origin, _group(p)) for p in people)
    tianjin = by_origin["tianjin_hebei"]
    for group, share in (("beisanxian_commuter", 0.3), ("tianjin_hebei_commuter", 0.2),
                         ("tianjin_hebei_stay_14_days", 0.2), ("none", 0.3)):
        assert _within(drawn["tianjin_hebei", group], tianjin, share), (group, drawn)
    assert _within(drawn["beijing_other_district", "taxi_driver"], by_origin["beijing_other_district"], 0.05)
    # origins without a table of their own take attributes' default: nobody in a group
    assert drawn["outside_beijing", "none"] == by_origin["outside_beijing"]
    assert drawn["hubei", "none"] == by_origin["hubei"]
    contacts = Counter(p.origin for p in people if p.contact_before is not None)
    assert _within(contacts["hubei"], by_origin["hubei"], 0.3)
    assert _within(contacts["outside_beijing"], by_origin["outside_beijing"], 0.02)
    assert {p.contact_before for p in people if p.contact_before is not None} == set(range(1, 11))


def test_contact_shares_move_no_other_draw():
    scenario, _ = season()
    r = scenario.returners
    assert r is not None and r.close_contacts is not None
    more = dataclasses.replace(r, close_contacts=dataclasses.replace(r.close_contacts, share=0.5))
    none = dataclasses.replace(r, close_contacts=None)
    base, changed, without = (draw_people(x, scenario.seed, 0, DAYS) for x in (r, more, none))
    assert sum(p.contact_before is not None for p in changed) > sum(p.contact_before is not None for p in base)
    for a, b, c in zip(base, changed, without, strict=True):
        assert (a.origin, a.necessity, a.village, a.attributes, a.intended, a.defers, a.party) == \
               (b.origin, b.necessity, b.village, b.attributes, b.intended, b.defers, b.party) == \
               (c.origin, c.necessity, c.village, c.attributes, c.intended, c.defers, c.party)
        assert a.daily == b.daily == c.daily
        if a.contact_before is not None:        # a bigger share keeps every contact (same uniform)
            assert b.contact_before == a.contact_before


def test_days_since_contact_grow_with_days_since_return():
    scenario, _ = season()
    people = draw_people(scenario.returners, scenario.seed, 0, 1)
    contact = next(p for p in people if p.contact_before is not None)
    plain = next(p for p in people if p.contact_before is None)
    for days in (0, 1, 13):
        assert dict(drawn_facts(contact, days))[CONTACT_INPUT] == contact.contact_before + days
        assert CONTACT_INPUT not in dict(drawn_facts(plain, days))
    assert drawn_facts(contact, None) == contact.attributes      # return_deferral: not told


def test_a_contact_is_centralized_until_day_14_then_origin_decides():
    scenario, _ = season()
    pack = pack_at(scenario.pack)
    engine = DurableEngine(pack)
    qp = scenario.returners.quarantine_policy
    person = Person(0, "beijing_other_district", "essential_work", "v", (("home_suitable", True),
                    ("person_group", "none")), 0, False, (), None, contact_before=3)   # type: ignore[arg-type]
    for days, expected in ((0, "centralized"), (10, "centralized"), (11, "none")):
        known = {"origin": person.origin, "days_since_return": days, "fever": False, "symptoms": False}
        answer = engine.decide(qp.decision, qp.facts(known, dict(drawn_facts(person, days))), at=dt.date(2020, 3, 2))
        assert answer.outcome == expected, (days, answer)
    assert CloseContacts(0.1, {"hubei": 0.5}, 1, 3).share_of("hubei") == 0.5


@pytest.mark.parametrize(("rule", "since"), [
    ("quarantine.exempt-beisanxian-2020-02-21", dt.date(2020, 2, 21)),
    ("quarantine.exempt-tianjin-hebei-2020-04-18", dt.date(2020, 4, 18)),
    ("quarantine.key-person-taxi-driver", None),
    ("quarantine.close-contact-centralized", None),
])
def test_the_origin_rules_meet_someone_in_the_season(rule, since):
    _, result = season()
    per_day = result.rule_hits_daily["quarantine_status"].get(rule, (0,) * DAYS)
    assert sum(per_day) > 0, rule
    if since is not None:
        k = (since - FIRST).days
        assert not any(per_day[:k]) and per_day[k] > 0, (rule, per_day[k - 2:k + 2])


def test_close_contact_hits_are_bounded_by_the_contacts_days():
    """Each contact is decided centralized at most on the 14 − contact_before days after their
    return while the contact is under 14 days old (fever and symptoms may pre-empt some)."""
    scenario, result = season()
    people = draw_people(scenario.returners, scenario.seed, 0, DAYS)
    hits = sum(result.rule_hits_daily["quarantine_status"]["quarantine.close-contact-centralized"])
    bound = sum(14 - p.contact_before for p in people if p.contact_before is not None)
    assert 0 < hits <= bound


@pytest.mark.parametrize(("text", "where", "message"), [
    ("returners: {by_origin: {mars: {person_group: {none: 1}}}}\n", "returners.by_origin.mars", "'mars' is not one of"),
    ("returners: {by_origin: {outside_high_risk: {person_group: {none: 1}}}}\n",
     "returners.by_origin.outside_high_risk", "no share in returners.origin"),
    # (a variant's table is merged key by key into season-origin's: {taxi_driver: 0.05, none: 0.95})
    ("returners: {by_origin: {beijing_other_district: {person_group: {pilot: 0.05, none: rest}}}}\n",
     "returners.by_origin.beijing_other_district.person_group.pilot", "'pilot' is not one of"),
    ("returners: {by_origin: {beijing_other_district: {person_group: {taxi_driver: 0.5, none: 0.6}}}}\n",
     "returners.by_origin.beijing_other_district.person_group", "add up to 1.1, not 1"),
    ("returners: {by_origin: {beijing_other_district: {person_group: {taxi_driver: 0.7, household_member_away: 0.5,"
     " none: rest}}}}\n", "returners.by_origin.beijing_other_district.person_group", "add up to 1.2"),
    ("returners: {by_origin: {tianjin_hebei: {person_group: {beisanxian_commuter: rest, none: rest}}}}\n",
     "returners.by_origin.tianjin_hebei.person_group.none", "only one share of a table may be rest"),
    ("returners: {by_origin: {tianjin_hebei: {person_group: {none: lots}}}}\n",
     "returners.by_origin.tianjin_hebei.person_group.none", "'lots' is not one of: rest"),
    ("returners: {by_origin: {tianjin_hebei: {home_suitable: {\"yes\": 1}}}}\n",
     "returners.by_origin.tianjin_hebei.home_suitable", "is a bool"),
    ("returners: {attributes: {person_group: null}}\n", "returners.by_origin",
     "no person_group table for origin 'outside_beijing', 'hubei': give one here"),
    ("returners: {close_contacts: {by_origin: {mars: 0.1}}}\n", "returners.close_contacts.by_origin.mars",
     "'mars' is not one of"),
    ("returners: {close_contacts: {days_before_return: {low: 5, high: 2}}}\n",
     "returners.close_contacts.days_before_return.high", "must not be below low"),
    ("returners: {close_contacts: {share: 1.5}}\n", "returners.close_contacts.share", "1.5"),
])
def test_an_origin_mistake_is_one_located_line(variant, text, where, message):
    one_located_line(variant(ORIGIN, text), where, message)


def test_the_cli_answers_an_origin_mistake_in_one_line_and_exit_2(variant):
    path = variant(ORIGIN, "returners: {by_origin: {tianjin_hebei: {person_group: {none: 0.5}}}}\n")
    run = subprocess.run([sys.executable, "-m", "cli.main", "simulate", str(path), "--replications", "1"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 2 and run.stdout == "", run.stderr
    assert run.stderr.count("\n") == 1 and "returners.by_origin.tianjin_hebei.person_group: " in run.stderr
    assert "[scenario.range]" in run.stderr
