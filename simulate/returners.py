"""The season's returner population: residents away at the Spring Festival, one by one.

Each returner has an origin and a necessity (the pack's values), a village, the other inputs
the pack's decisions read (drawn from shares by the pack's field name), an intended return
day, and per-day uniforms for fever, symptoms and going out. An attribute's shares may depend
on the person's origin (``by_origin``), and a share of returners had contact with a confirmed
case some days before their return (``close_contacts``), so the pack is told
``days_since_contact``, growing day by day. Everything about person *k* is drawn from the
stream ``(seed, replication, RETURNERS, k)``: the same person is the same in every scenario run
with that seed (common random numbers), whatever the population's size; the contact is drawn
from a child of that stream, so contact shares change no other draw.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .demand import Stream
from .season_policy import SeasonPolicy
from .seeds import Purpose, stream

Shares = tuple[tuple[str, float], ...]
Spec = float | Shares            # a bool input's share true, or an enum input's shares
# The pack's input a close contact is told by: days since the contact (absent: no contact).
CONTACT_INPUT = "days_since_contact"
CONTACT_MAX = 365                # the largest value the input may take (the pack declares it)
# Columns of a returner's per-day uniforms.
FEVER, SYMPTOMS, EXIT, EXIT_TIME, ARRIVE_TIME = range(5)
DAY_COLUMNS = 5
# Columns of a returner's party uniforms: the party's row (parties.UNIFORMS: choice, service,
# behaviour), then its temperature reading and whether it reads a fever.
PARTY_COLUMNS = 25


@dataclass(frozen=True)
class CloseContacts:
    """Returners who had contact with a confirmed case: the share by origin (*share* where
    *by_origin* does not say) and the contact's day, *low*..*high* days before the return."""

    share: float
    by_origin: Mapping[str, float]
    low: int
    high: int

    def share_of(self, origin: str) -> float:
        return self.by_origin.get(origin, self.share)


@dataclass(frozen=True)
class Returners:
    """The scenario's ``returners:``, resolved (docs/scenarios.md, "returners").

    *attributes* are the pack's other inputs: a bool field's share true, or an enum's shares.
    *days* and *weights* give the intended return day's distribution.
    """

    count: int
    arrive_as: Stream
    go_out_as: Stream
    origin: Shares
    necessity: Shares
    villages: Shares
    attributes: Mapping[str, float | Shares]
    days: tuple[int, ...]            # day indices from the horizon's first day
    weights: tuple[float, ...]
    defer_share: float
    ask_again_days: int
    fever_per_day: float
    symptoms_per_day: float
    referral_days: int
    visits_per_day: int
    visit_min: float
    exit_per_day: float
    decide_at: int
    return_policy: SeasonPolicy
    quarantine_policy: SeasonPolicy
    # the days each of the two decisions' rules change, from the pack's effective dates (None:
    # the pack is unknown); barred returners ask again on the next, and answers hold in between
    periods: Mapping[str, tuple[dt.date, ...]] | None = None
    # 五包一 home-service teams (``home_service:``): people per village and minutes each gives to
    # visits a day; 0: not given, no capacity.
    home_service_people: int = 0
    home_service_min: float = 0.0
    # ``by_origin``: per origin, the attributes whose tables replace *attributes*' for that origin
    by_origin: Mapping[str, Mapping[str, Spec]] = field(default_factory=dict)
    close_contacts: CloseContacts | None = None

    @property
    def changes(self) -> tuple[dt.date, ...]:
        """The days ``return_deferral``'s rules change on."""
        return () if self.periods is None else self.periods[self.return_policy.decision]

    def spec(self, name: str, origin: str) -> Spec | None:
        """Attribute *name*'s spec for a person from *origin* (``None``: not drawn for them)."""
        return self.by_origin.get(origin, {}).get(name, self.attributes.get(name))

    def drawn(self) -> tuple[str, ...]:
        """The drawn attributes' names, in the order their uniforms are drawn."""
        return tuple(sorted(set(self.attributes).union(*self.by_origin.values())))

    def capacity(self) -> float | None:
        """Persons under home observation the villages' teams can visit a day: people × minutes
        / (visit_min × visits_per_day), over the villages returners live in (``None``: not given)."""
        if self.home_service_people <= 0 or self.visit_min * self.visits_per_day <= 0:
            return None
        villages = sum(1 for _, share in self.villages if share > 0)
        return villages * self.home_service_people * self.home_service_min / (self.visit_min * self.visits_per_day)


@dataclass(frozen=True)
class Person:
    """One returner as drawn: what the pack is told about them and their uniforms."""

    index: int
    origin: str
    necessity: str
    village: str
    attributes: tuple[tuple[str, object], ...]
    intended: int                  # day index in the horizon
    defers: bool                   # defers when advised to
    party: tuple[float, ...]       # PARTY_COLUMNS uniforms for their party at the gate
    daily: memoryview[float]       # (days, DAY_COLUMNS) uniforms, read as ``daily[day, column]``
    contact_before: int | None = None   # days from a contact with a case to the return (None: no contact)


def _pick(shares: Shares, u: float) -> str:
    acc = 0.0
    for name, share in shares:
        acc += share
        if u < acc:
            return name
    return shares[-1][0]


def draw_people(returners: Returners, seed: int, replication: int, days: int) -> list[Person]:
    """The population of *replication*, each person from their own stream."""
    cum = np.cumsum(returners.weights)
    cum = cum / cum[-1]
    out = []
    names = returners.drawn()
    contacts = returners.close_contacts
    for k in range(returners.count):
        rng = stream(seed, replication, Purpose.RETURNERS, k)
        # spawned before any draw: its uniforms do not depend on how many the person's row has
        contact_u = rng.spawn(1)[0].uniform(size=2)
        u = rng.uniform(size=5 + len(names))
        origin = _pick(returners.origin, u[0])
        attributes: list[tuple[str, object]] = []
        for name, v in zip(names, u[5:], strict=True):
            spec = returners.spec(name, origin)
            if spec is not None:
                attributes.append((name, bool(v < spec) if isinstance(spec, float) else _pick(spec, v)))
        day = int(min(np.searchsorted(cum, u[3], side="right"), len(cum) - 1))
        before = None
        if contacts is not None and contact_u[0] < contacts.share_of(origin):
            before = contacts.low + int(contact_u[1] * (contacts.high - contacts.low + 1))
        out.append(Person(k, origin, _pick(returners.necessity, u[1]),
                          _pick(returners.villages, u[2]), tuple(attributes), returners.days[day],
                          bool(u[4] < returners.defer_share), tuple(rng.uniform(size=PARTY_COLUMNS).tolist()),
                          rng.uniform(size=(days, DAY_COLUMNS)).data.cast("B").cast("d", (days, DAY_COLUMNS)),
                          before))
    return out


def drawn_facts(person: Person, days_since_return: int | None) -> tuple[tuple[str, object], ...]:
    """What the pack is told about *person* beyond the model's inputs on a day: their drawn
    attributes and, for a close contact back *days_since_return* days, the days since the
    contact (the contact moves with the return: drawn relative to it)."""
    if person.contact_before is None or days_since_return is None:
        return person.attributes
    return (*person.attributes, (CONTACT_INPUT, min(CONTACT_MAX, person.contact_before + days_since_return)))


def intended_days(periods: list[tuple[dt.date, dt.date, float]],
                  start: dt.date) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """Day indices (from *start*) and weights of the intended return day: each period's weight
    spread evenly over its days."""
    weights: dict[int, float] = {}
    for first, last, weight in periods:
        n = (last - first).days + 1
        for d in range(n):
            index = (first - start).days + d
            weights[index] = weights.get(index, 0.0) + weight / n
    days = tuple(sorted(weights))
    return days, tuple(weights[d] for d in days)
