"""The duty roster: people hold the staffed posts, so a post's servers are people on duty.

The shift patterns (``shifts:``) say how many screen at a post at each time of day; the roster
fills each of those places with a person from a pool that holds the post. A pattern entry
longer than ``shift_hours`` is worked in consecutive shifts of that length from its start (the
last may be shorter). Each shift, in order of start, takes the people of its pools who have
rested longest, provided they have rested ``rest_hours`` since their last shift; a place no
one can fill is a :class:`Shortfall`. A chief (卡口长) adds one server, during their hours, at
one of their posts, moving to the next post of their list every hour (a chief helps where they
stand). Volunteers are people too: ``staff`` people at each site of their entry, in its windows.

Everything here is a pure function of the scenario (no random draws): built once when the
scenario loads, looked up by the model.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .horizon import MIN_PER_DAY, Horizon
from .shifts import ShiftPattern, Volunteers

if TYPE_CHECKING:
    from .scenario import Scenario

Steps = tuple[tuple[float, int], ...]
CHIEF_MOVE_MIN = 60.0        # a chief moves to the next post of their list every hour
CHIEFS = "chiefs"            # the pool name of the chiefs in a summary
MIN_PER_WEEK = 7 * MIN_PER_DAY


@dataclass(frozen=True)
class Pool:
    """*people* who may hold any of *posts* (staffed gate and entrance ids)."""

    name: str
    people: int
    posts: tuple[str, ...]


@dataclass(frozen=True)
class Chief:
    """A checkpoint chief (卡口长) at *posts*, one an hour in turn, from *start_min* to *end_min*
    each day (minutes of the day; wraps past midnight)."""

    name: str
    posts: tuple[str, ...]
    start_min: int
    end_min: int


@dataclass(frozen=True)
class RosterRules:
    """How people are rostered: shift length, rest between shifts, pools, chiefs."""

    shift_hours: int
    rest_hours: float
    pools: tuple[Pool, ...]
    chiefs: tuple[Chief, ...] = ()


@dataclass(frozen=True)
class Duty:
    """*person* of *pool* holds *post* from *start* to *end* (simulation minutes)."""

    pool: str
    person: int
    post: str
    start: float
    end: float


@dataclass(frozen=True)
class Shortfall:
    """A shift at *post* from *start* to *end* needing *needed* people found only *found*."""

    post: str
    start: float
    end: float
    needed: int
    found: int


@dataclass(frozen=True)
class PoolSummary:
    """A pool's *people* and their hours on duty per person per week (mean, max)."""

    name: str
    people: int
    hours_mean: float
    hours_max: float


@dataclass(frozen=True)
class RosterSummary:
    """Everyone the roster counts (pools, chiefs, volunteers): hours on duty per person per
    week over the horizon, and the largest number on duty at once."""

    people: int
    hours_per_person_week_mean: float
    hours_per_person_week_max: float
    max_on_duty: int
    pools: tuple[PoolSummary, ...]


@dataclass(frozen=True)
class Roster:
    """Who holds which post when, each post's servers over time, and the summary."""

    rules: RosterRules
    duties: tuple[Duty, ...]
    steps: Mapping[str, Steps]
    summary: RosterSummary


def shift_slots(pattern: ShiftPattern, shift_hours: int, horizon: Horizon) -> list[tuple[float, float, int]]:
    """``(start, end, staff)`` of every shift of *pattern* that overlaps the horizon, each
    pattern entry cut into shifts of *shift_hours* from its start."""
    length = shift_hours * 60.0
    out = []
    for midnight in horizon.midnights():
        for s in pattern.shifts:
            if s.staff <= 0:
                continue
            start = midnight + s.start_min
            end = midnight + s.end_min + (MIN_PER_DAY if s.end_min <= s.start_min else 0.0)
            while start < end:
                piece_end = min(start + length, end)
                if piece_end > 0 and start < horizon.length_min:
                    out.append((start, piece_end, s.staff))
                start = piece_end
    return out


def assign(rules: RosterRules, demand: Sequence[tuple[str, ShiftPattern]],
           horizon: Horizon) -> tuple[tuple[Duty, ...], tuple[Shortfall, ...]]:
    """Fill every shift of every post in *demand* with people, greedily by who has rested
    longest (ties: pool order, then person); the duties and the shifts left short."""
    rest = rules.rest_hours * 60.0
    # one heap per pool of (end of last shift, pool index, person): its head has rested longest
    heaps = [[(-math.inf, i, k) for k in range(p.people)] for i, p in enumerate(rules.pools)]
    covering = {post: [i for i, p in enumerate(rules.pools) if post in p.posts] for post, _ in demand}
    slots = sorted((start, order, end, staff, post)
                   for order, (post, pattern) in enumerate(demand)
                   for start, end, staff in shift_slots(pattern, rules.shift_hours, horizon))
    duties: list[Duty] = []
    short: list[Shortfall] = []
    for start, _, end, staff, post in slots:
        taken: list[tuple[float, int, int]] = []
        while len(taken) < staff:
            heads = [heaps[i][0] for i in covering[post] if heaps[i]]
            if not heads or min(heads)[0] + rest > start:
                break
            taken.append(heapq.heappop(heaps[min(heads)[1]]))
        for _, i, k in taken:
            heapq.heappush(heaps[i], (end, i, k))
            duties.append(Duty(rules.pools[i].name, k, post, start, end))
        if len(taken) < staff:
            short.append(Shortfall(post, start, end, staff, len(taken)))
    return tuple(duties), tuple(short)


def chief_duties(chief: Chief, person: int, horizon: Horizon) -> list[Duty]:
    """The chief's hours at each post: the k-th hour of each day's window at ``posts[k % n]``."""
    out = []
    span = (chief.end_min - chief.start_min) % MIN_PER_DAY or MIN_PER_DAY
    for midnight in horizon.midnights():
        start = midnight + chief.start_min
        for k in range(math.ceil(span / CHIEF_MOVE_MIN)):
            a, b = start + k * CHIEF_MOVE_MIN, min(start + (k + 1) * CHIEF_MOVE_MIN, start + span)
            if b > 0 and a < horizon.length_min:
                out.append(Duty(CHIEFS, person, chief.posts[k % len(chief.posts)], a, b))
    return out


def volunteer_duties(entry: Volunteers, horizon: Horizon) -> list[Duty]:
    """Each of the entry's ``staff`` people at each of its sites, in its window on its day types."""
    out: list[Duty] = []
    for midnight in horizon.midnights():
        start, end = midnight + entry.start_min, midnight + entry.end_min
        if end <= 0 or start >= horizon.length_min \
                or horizon.day_type(horizon.date_at(start)) not in entry.day_types:
            continue
        for i, site in enumerate(entry.at):
            out.extend(Duty(volunteer_pool(entry), i * entry.staff + j, site, start, end)
                       for j in range(entry.staff))
    return out


def volunteer_pool(entry: Volunteers) -> str:
    """The pool name of a volunteers entry in a summary."""
    return f"volunteers:{entry.name}"


def clipped(duties: Iterable[Duty], length_min: float) -> list[Duty]:
    """The duties' parts inside the horizon ``[0, length_min)``."""
    return [Duty(d.pool, d.person, d.post, max(d.start, 0.0), min(d.end, length_min))
            for d in duties if d.end > 0 and d.start < length_min]


def post_steps(duties: Iterable[Duty], posts: Iterable[str], length_min: float) -> dict[str, Steps]:
    """``{post: ((t, people on duty there from t), …)}`` from *duties* clipped to the horizon
    of *length_min*; the first *t* is 0 (as :func:`~simulate.shifts.capacity_steps`)."""
    changes: dict[str, dict[float, int]] = {post: {0.0: 0} for post in posts}
    for d in duties:
        at = changes.setdefault(d.post, {0.0: 0})
        at[d.start] = at.get(d.start, 0) + 1
        at[d.end] = at.get(d.end, 0) - 1
    out = {}
    for post, at in changes.items():
        steps: list[tuple[float, int]] = []
        count = 0
        for t in sorted(at):
            count += at[t]
            if t < length_min and (not steps or steps[-1][1] != count):
                steps.append((t, count))
        out[post] = tuple(steps)
    return out


def most_on_duty(duties: Iterable[Duty]) -> int:
    """The largest number of duties running at once (one leaving as another arrives: not both)."""
    events = sorted((t, delta) for d in duties for t, delta in ((d.start, 1), (d.end, -1)))
    count = best = 0
    for _, delta in events:
        count += delta
        best = max(best, count)
    return best


def summarise(pools: Sequence[tuple[str, int]], duties: Iterable[Duty], horizon: Horizon) -> RosterSummary:
    """Hours per person per week (everyone in *pools*, ``(name, people)``, counted, idle or
    not) and the most on duty at once, from clipped *duties*."""
    duties = list(duties)
    minutes: dict[tuple[str, int], float] = {}
    for d in duties:
        minutes[d.pool, d.person] = minutes.get((d.pool, d.person), 0.0) + d.end - d.start
    per_week = MIN_PER_WEEK / horizon.length_min / 60.0       # minutes over the horizon -> h/week
    summaries, every = [], []
    for name, people in pools:
        hours = [minutes.get((name, k), 0.0) * per_week for k in range(people)]
        every += hours
        summaries.append(PoolSummary(name, people, sum(hours) / people if people else 0.0, max(hours, default=0.0)))
    return RosterSummary(len(every), sum(every) / len(every) if every else 0.0, max(every, default=0.0),
                         most_on_duty(duties), tuple(summaries))


def build_roster(rules: RosterRules, demand: Sequence[tuple[str, ShiftPattern]],
                 volunteers: Sequence[Volunteers], horizon: Horizon) -> tuple[Roster, tuple[Shortfall, ...]]:
    """The roster of *demand* (``(post, its shift pattern)`` for every staffed post, in order)
    with chiefs and volunteers, and the shifts it leaves short (the roster is then unusable)."""
    held, short = assign(rules, demand, horizon)
    chiefs = [d for i, c in enumerate(rules.chiefs) for d in chief_duties(c, i, horizon)]
    helpers = [d for v in volunteers for d in volunteer_duties(v, horizon)]
    duties = clipped((*held, *chiefs, *helpers), horizon.length_min)
    pools = [(p.name, p.people) for p in rules.pools]
    if rules.chiefs:
        pools.append((CHIEFS, len(rules.chiefs)))
    pools += [(volunteer_pool(v), v.staff * len(v.at)) for v in volunteers]
    roster = Roster(rules, tuple(duties), post_steps(duties, (post for post, _ in demand), horizon.length_min),
                    summarise(pools, duties, horizon))
    return roster, short


def roster_summary(scenario: Scenario) -> RosterSummary | None:
    """The scenario's roster summary (``None`` without a ``roster:`` section)."""
    return None if scenario.roster is None else scenario.roster.summary
