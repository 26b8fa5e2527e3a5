"""A party (one arrival with its pre-drawn uniforms) and how the policy decides it at a gate."""

from __future__ import annotations

import datetime as dt
import weakref
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from .demand import Stream
from .gate_policy import GatePolicy
from .season_policy import period_of

DEFAULT_RULE = "(default)"
# Columns of a party's uniforms, one row: its choice (3), service (7) and behaviour
# (demand.BEHAVIOUR_COLUMNS, 13) uniforms side by side, as drawn.
ENTRANCE, WAY, SPOT = range(3)                      # entrance, closed entrance (a way in), hotspot
GATE_SERVICE, ENTRANCE_SERVICE, RETEST, EXTRA_PERSONS, BALK, PATIENCE, CARRY_IN = range(3, 10)
BEHAVIOUR = 10                                      # where the behaviour columns start
CHOOSE, DWELL, PATROL, CAMERA, NEIGHBOURS, TRY, AVOID, FIELDS, AWAY, OUT_SERVICE = range(BEHAVIOUR, BEHAVIOUR + 10)
BACK = BEHAVIOUR + 10          # patrol, camera, neighbours uniforms of a second crossing
UNIFORMS = BEHAVIOUR + 13      # the row's width


class Engine(Protocol):
    """What the model needs from ``policy``: ``decide(decision, facts, at=date)``."""

    def decide(self, decision: str, facts: Mapping[str, Any], at: dt.date) -> Any: ...


class Party(NamedTuple):
    """A car's occupants or a walker: one arrival of a stream, with its pre-drawn uniforms.

    Immutable; a named tuple rather than a dataclass because thousands are made per
    replication and construction cost counts here.
    """

    stream: Stream
    time: float
    persons: int
    has_pass: bool
    quarantine: str
    origin: str
    gate: str | None
    village: str | None
    temps: tuple[float, ...]
    retest: tuple[float, ...]
    uniforms: Sequence[float]      # UNIFORMS wide, read by the column names above


People = dict[tuple[Any, ...], tuple[str | None, str]]
Parties = dict[Any, dict[tuple[Any, ...], "Decided"]]     # by period, then by kind of party
# The engine's answers outlive a replication: a pack's rules decide the same facts on the same
# day alike in every replication, so a process asks its engine once per distinct person.
_ANSWERS: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], tuple[People, Parties]]] = \
    weakref.WeakKeyDictionary()


def answers(engine: Engine, policy: GatePolicy) -> tuple[People, Parties]:
    """The memos of *engine*'s answers under *policy* (per person, per party) kept in this process."""
    key = (policy.decision, tuple(policy.inputs.items()), tuple(policy.levels.items()),
           tuple(policy.outcomes.items()), policy.undecided, policy.changes)
    try:
        by_policy = _ANSWERS.setdefault(engine, {})
    except TypeError:                        # an engine that cannot be weakly referenced: per run
        return {}, {}
    return by_policy.setdefault(key, ({}, {}))


class Decided:
    """One kind of party as decided: its outcome, its occupants' deciding rules, what the outcome
    means to the model and the outcome it acts on. Kept across runs (:func:`answers`)."""

    __slots__ = ("meaning", "outcome", "rules", "standing")

    def __init__(self, outcome: str | None, rules: tuple[str, ...], policy: GatePolicy):
        self.outcome, self.rules = outcome, rules
        self.meaning, self.standing = policy.meaning(outcome), policy.standing(outcome)


class Decider:
    """Asks the engine once per distinct person (readings are to 0.1 °C) and counts rule hits.

    Two memos, kept per engine and policy across replications (:func:`answers`): per person
    (what the engine is asked) and per party, by period (what the model asks, most of the
    time); hits are tallied per list of the party's rules in this run and expanded per person
    at the end.
    """

    def __init__(self, engine: Engine, policy: GatePolicy):
        self.engine = engine
        self.policy = policy
        self.severity = policy.severity()
        self.people, self.parties = answers(engine, policy)
        # The memos hold an answer per period between the days the rules change (any day of
        # one decides alike); per day where those days are unknown.
        self.changes = policy.changes
        # this run's parties, by day and then by kind: [how they were decided, how many]
        # (:meth:`entry`); the day under way and its period's answers are small dicts at hand
        self.by_day: dict[dt.date, dict[tuple[Any, ...], list[Any]]] = {}
        self._day: dt.date | None = None
        self._today: dict[tuple[Any, ...], list[Any]] = {}
        self._period: Any = None
        self._in_period: dict[tuple[Any, ...], Decided] = {}

    def party(self, level: str, party: Party, temps: tuple[float, ...], day: dt.date) -> str | None:
        """The party's outcome: the most severe of its occupants' outcomes."""
        return self.entry(level, party, temps, day).outcome

    def entry(self, level: str, party: Party, temps: tuple[float, ...], day: dt.date) -> Decided:
        """The party decided, and counted on *day*."""
        if day is not self._day:
            self._turn_to(day)
        key = (level, party.stream.role, party.has_pass, party.quarantine, temps)
        counted = self._today.get(key)
        if counted is None:
            known = self._in_period.get(key)
            if known is None:
                known = self._in_period[key] = self._decide(key, day, self._period)
            counted = self._today[key] = [known, 0]
        counted[1] += 1
        decided: Decided = counted[0]
        return decided

    def _turn_to(self, day: dt.date) -> None:
        """Count on *day* from now on (the clock's day; a re-test begun before midnight counts
        on the day it began, so a day may come round again)."""
        self._day, self._today = day, self.by_day.setdefault(day, {})
        self._period = period_of(self.changes, day)
        self._in_period = self.parties.setdefault(self._period, {})

    def _decide(self, key: tuple[Any, ...], day: dt.date, period: Any) -> Decided:
        level, role, has_pass, quarantine, temps = key
        policy, ranks = self.policy, self.severity
        worst, outcome, rules = -1, None, []
        for temp in temps:
            person = (level, role, has_pass, temp, quarantine, period)
            hit = self.people.get(person)
            if hit is None:
                d = self.engine.decide(policy.decision,
                                       policy.facts(level, role, has_pass, temp, quarantine), at=day)
                hit = self.people[person] = (d.outcome, d.rule or DEFAULT_RULE)
            rules.append(hit[1])
            severity = ranks[hit[0]]
            if severity > worst:
                worst, outcome = severity, hit[0]
        return Decided(outcome, tuple(rules), policy)

    def hits(self) -> dict[str, int]:
        """Persons decided by each rule (``(default)`` when the default decided), by rule id."""
        per_kind: defaultdict[Decided, int] = defaultdict(int)      # a season: 8,000 kinds, 26,000 keys
        for today in self.by_day.values():
            for d, count in today.values():
                per_kind[d] += count
        out: defaultdict[str, int] = defaultdict(int)
        for d, count in per_kind.items():
            for rule in d.rules:
                out[rule] += count
        return dict(sorted(out.items()))

    def hits_daily(self, first: dt.date, days: int) -> dict[str, list[int]]:
        """Persons decided by each rule on each of *days* days from *first* (rules that decided
        someone in them only)."""
        out: dict[str, list[int]] = {}
        for day, today in self.by_day.items():
            k = (day - first).days
            if not 0 <= k < days:
                continue
            for d, count in today.values():
                for rule in d.rules:
                    row = out.get(rule)
                    if row is None:
                        row = out[rule] = [0] * days
                    row[k] += count
        return out
