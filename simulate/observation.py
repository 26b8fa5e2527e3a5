"""The season's daily round: returners ask to come back, statuses are decided, people under
home observation are visited and some try to go out.

Once a day (at ``decide_at``) a SimPy process asks the pack, on that day's date, (1)
``return_deferral`` for every returner whose day to ask has come: permitted ones set off (a
party at a township gate later that day, as the ``arrive_as`` stream's parties do, night
avoidance included), advised ones defer (and ask again ``ask_again_days`` later) or come
anyway, barred ones ask again on the day the rules next change; (2) ``quarantine_status``
for every returner at home, from their origin, days since return, fever and symptoms (drawn
per person-day for those observed) and their drawn attributes. People under home observation
get ``visits_per_day`` temperature visits from the village's home-service team (五包一); a
fever found is referred. Each of them tries to go out that day with probability
``exit_per_day`` (the ``go_out_as`` stream's observation-exit path), so exits follow the
number actually observed. Daily series and rule hits per day are the result.
"""

from __future__ import annotations

import datetime as dt
import math
import weakref
from collections import Counter
from collections.abc import Generator, Sequence
from statistics import NormalDist
from typing import Any

import numpy as np
import simpy

from .demand import MAX_FEVER_C, Stream
from .feed import later
from .horizon import MIN_PER_DAY, Horizon
from .journeys import Run
from .metrics import daily_waits
from .parties import DEFAULT_RULE, UNIFORMS, Engine, Party
from .results import ENTRY_PATHS
from .returners import ARRIVE_TIME, EXIT, EXIT_TIME, FEVER, SYMPTOMS, Person, Returners, draw_people, drawn_facts
from .season_policy import ADVISED, BARRED, CENTRALIZED, FREE, HOME, REFERRED, SeasonPolicy, next_change, period_of

# Where a returner is: not yet asked, deferring, barred, back home.
AWAY, DEFERRED, BARRED_STATE, RETURNED = "away", "deferred", "barred", "returned"
STOCKS = (AWAY, DEFERRED, BARRED_STATE, RETURNED, FREE, HOME, CENTRALIZED, REFERRED)
FLOWS = ("returners_arrived", "advised", "refused", "referrals", "visits", "visit_staff_min",
         "exit_attempts", "observation_exits", "arrivals", "turned_back", "into_home_observation",
         "home_spells_ended", "home_spell_days_ended", "unscreened", "entries", "resident_crossings",
         "village_person_min", "hill_person_min")
# The gate's counters booked per day by the snapshot (series name → how it is read off the tally).
BOOKED = ("arrivals", "turned_back", "observation_exits", "unscreened", "entries", "resident_crossings",
          "village_person_min", "hill_person_min")
# Turn-backs by role, booked as ``turned_back`` is (the day's round to the next): ``turned_back.<role>``,
# present for the roles turned back at least once; per day they sum to ``turned_back``.
TURNED_BACK_ROLE = "turned_back."
# Home-service capacity: observed persons a day the teams can visit (``home_service:``; absent without it).
CAPACITY = "home_service_capacity"
# What the model tells each decision, in this order (the values of a memo key).
RETURN_INPUTS = ("origin", "necessity")
QUARANTINE_INPUTS = ("origin", "days_since_return", "fever", "symptoms")
NEVER = 1 << 30
_STANDARD = NormalDist()
# The engine's answers outlive a replication (as the gate's do, :func:`simulate.parties.answers`).
# Beside them, a number for each set of drawn attributes seen (a memo key hashes it, not the set).
Memo = tuple[dict[tuple[Any, ...], tuple[str | None, str]], dict[tuple[tuple[str, object], ...], int]]
_MEMO: weakref.WeakKeyDictionary[Any, Memo] = weakref.WeakKeyDictionary()


def memo_of(engine: Engine) -> Memo:
    """The answers *engine* gave to the season's decisions in this process, by (decision,
    attributes' number, what else it was told, period), and the attributes' numbers."""
    try:
        return _MEMO.setdefault(engine, ({}, {}))
    except TypeError:                         # an engine that cannot be weakly referenced: per run
        return {}, {}


class Season:
    """The live state of one replication's returners (not a domain value)."""

    def __init__(self, env: simpy.Environment, run: Run, returners: Returners, engine: Engine,
                 horizon: Horizon, seed: int, replication: int):
        self.env, self.run, self.r, self.engine, self.horizon = env, run, returners, engine, horizon
        self.first = horizon.start.date()
        self.offset = horizon.start.hour * 60 + horizon.start.minute
        self.days = max(1, math.ceil((self.offset + horizon.length_min) / MIN_PER_DAY))
        self.people = draw_people(returners, seed, replication, self.days)
        n = len(self.people)
        self.state = [AWAY] * n
        self.ask = [p.intended for p in self.people]
        self.back = [NEVER] * n                   # day index of return
        self.status = [FREE] * n
        self.until = [0] * n                      # referred: back from care on this day
        self.since = [0] * n                      # under home observation since this day
        self.asking: dict[int, list[int]] = {}    # day → who asks to come back that day
        for k, day in enumerate(self.ask):
            self.asking.setdefault(day, []).append(k)
        self.home: list[int] = []                 # who is back, in the register's order
        self.inputs = {returners.return_policy.decision: RETURN_INPUTS,
                       returners.quarantine_policy.decision: QUARANTINE_INPUTS}
        # A pack's dated rules answer alike on every day the same rules are in force: answers are
        # memoised per such period (not per date) where the loader knew the pack.
        known = returners.periods or {}
        self.changes = {decision: known.get(decision) for decision in self.inputs}
        self.memo, numbers = memo_of(engine)
        self.kind = [numbers.setdefault(p.attributes, len(numbers)) for p in self.people]
        self.series: dict[str, list[float]] = {name: [0.0] * self.days for name in (*STOCKS, *FLOWS)}
        self.hits: dict[str, dict[str, list[int]]] = {returners.return_policy.decision: {},
                                                      returners.quarantine_policy.decision: {}}
        self.parties: list[Party] = []
        self.sent_on: list[int] = []              # the day of the round that sent each of parties
        self.round_at: list[float] = []           # when each daily round was held
        self.last = self.days - 1                 # the day the gate's counters after the last round go to
        self._seen: tuple[float, ...] = (0.0,) * len(BOOKED)
        self._turned: Counter[str] = Counter()    # turn-backs by role at the last snapshot
        cum, acc = [], 0.0
        for w in returners.arrive_as.profile:
            acc += w
            cum.append(acc)
        self.profile = cum

    def start(self) -> None:
        self.env.process(self.rounds())

    def rounds(self) -> Generator[simpy.Event, Any, None]:
        for d in range(self.days):
            at = max(0.0, d * MIN_PER_DAY - self.offset + self.r.decide_at)
            if at >= self.horizon.length_min:
                break
            yield self.env.timeout(at - self.env.now)
            self.round_at.append(self.env.now)
            self.snapshot(max(d - 1, 0))          # before the first round: the first day
            self.day(d)

    def snapshot(self, d: int) -> None:
        """Book the gate's counters since the last snapshot to day *d* (the day's round to the next)."""
        tally = self.run.tally
        now = (tally.arrivals, tally.turned_back, tally.leaks["observation_exit"], sum(tally.leaks.values()),
               sum(tally.leaks[p] for p in ENTRY_PATHS), tally.resident_crossings, tally.outsider_village_min,
               tally.outsider_hills_min)
        for name, value, before in zip(BOOKED, now, self._seen, strict=True):
            self.series[name][d] += value - before
        for role, count in tally.turned_back_by_role.items():
            gained = count - self._turned[role]
            if gained:
                self.series.setdefault(TURNED_BACK_ROLE + role, [0.0] * self.days)[d] += gained
        self._seen = now
        self._turned = Counter(tally.turned_back_by_role)

    def finish(self) -> None:
        """Book the last day's gate counters, the worst gate's waits by day and the home-service
        capacity (call after the run)."""
        self.last = min(self.days - 1, int((self.offset + self.env.now) // MIN_PER_DAY))
        self.snapshot(self.last)
        for name, values in daily_waits(self.run.checkpoints.values(), self.offset, self.days, self.env.now).items():
            self.series[name] = list(values)
        capacity = self.r.capacity()
        if capacity is not None:
            self.series[CAPACITY] = [capacity] * self.days

    def decide(self, policy: SeasonPolicy, k: int, known: tuple[Any, ...], date: dt.date,
               d: int, when: Any) -> str | None:
        """*policy*'s answer for person *k* on *date*, told *known* (the values of its inputs, in the
        order of :data:`RETURN_INPUTS` or :data:`QUARANTINE_INPUTS`), memoised by what the pack is
        told and *when* (:func:`~simulate.season_policy.period_of` the date)."""
        decision = policy.decision
        person, inputs = self.people[k], self.inputs[decision]
        contact = None                         # a close contact's drawn facts change by the day
        if person.contact_before is not None:
            since = known[inputs.index("days_since_return")] if "days_since_return" in inputs else None
            contact = drawn_facts(person, since)
        key = (decision, self.kind[k], known, when, contact)
        hit = self.memo.get(key)
        if hit is None:
            told = dict(zip(inputs, known, strict=True))
            drawn = person.attributes if contact is None else contact
            answer = self.engine.decide(decision, policy.facts(told, dict(drawn)), at=date)
            hit = self.memo[key] = (answer.outcome, answer.rule or DEFAULT_RULE)
        rules = self.hits[decision]
        row = rules.get(hit[1])
        if row is None:
            row = rules[hit[1]] = [0] * self.days
        row[d] += 1
        return hit[0]

    def day(self, d: int) -> None:
        """Day *d*'s round: those whose day to ask has come ask ``return_deferral``; everyone back
        home is decided by ``quarantine_status`` (in the order of the register, as the parties they
        send reach the gates); the stocks are counted."""
        date, r, s = self.first + dt.timedelta(days=d), self.r, self.series
        rp, qp = r.return_policy, r.quarantine_policy
        state, ask, back, status, until, people = self.state, self.ask, self.back, self.status, self.until, self.people
        came = []
        asked_when, told_when = period_of(self.changes[rp.decision], date), period_of(self.changes[qp.decision], date)
        for k in sorted(self.asking.pop(d, ())):
            if state[k] == RETURNED or ask[k] != d:
                continue
            person = people[k]
            meaning = rp.meaning(self.decide(rp, k, (person.origin, person.necessity), date, d,
                                             asked_when))
            if meaning == ADVISED:
                s["advised"][d] += 1
                if person.defers:
                    state[k], ask[k] = DEFERRED, d + r.ask_again_days
                    self.asking.setdefault(ask[k], []).append(k)
                    continue
            elif meaning == BARRED:
                s["refused"][d] += 1
                change = next_change(r.changes, date)
                state[k] = BARRED_STATE
                ask[k] = NEVER if change is None else (change - self.first).days
                self.asking.setdefault(ask[k], []).append(k)
                continue
            state[k], back[k] = RETURNED, d
            s["returners_arrived"][d] += 1
            came.append(k)
        if came:
            self.home = sorted(self.home + came)
        fever_per_day, symptoms_per_day, exit_per_day = r.fever_per_day, r.symptoms_per_day, r.exit_per_day
        for k in self.home:
            before = status[k]
            if before == REFERRED and d < until[k]:
                continue
            person = people[k]
            observed = before in (HOME, CENTRALIZED) and back[k] < d
            u = person.daily
            known = (person.origin, d - back[k], observed and bool(u[d, FEVER] < fever_per_day),
                     observed and bool(u[d, SYMPTOMS] < symptoms_per_day))
            outcome = self.decide(qp, k, known, date, d, told_when)
            now = status[k] = qp.meaning(outcome)
            if now == REFERRED:
                s["referrals"][d] += 1
                until[k] = d + r.referral_days
            if now == HOME and (before != HOME or back[k] == d):
                s["into_home_observation"][d] += 1
                self.since[k] = d
            elif before == HOME and now != HOME and back[k] < d:
                s["home_spells_ended"][d] += 1
                s["home_spell_days_ended"][d] += d - self.since[k]
            if back[k] == d:
                self.set_off(person, d, qp.at_gate.get(outcome or qp.default, ""))
            if now == HOME and u[d, EXIT] < exit_per_day:
                self.go_out(person, d, u[d, EXIT_TIME], qp.at_gate.get(outcome or qp.default, ""))
        for where, n in Counter(state).items():
            s[where][d] += n
        for where, n in Counter([status[k] for k in self.home]).items():
            s[where][d] += n
        s["visits"][d] = s[HOME][d] * r.visits_per_day
        s["visit_staff_min"][d] = s["visits"][d] * r.visit_min

    def _at(self, d: int, minute_of_day: float) -> float | None:
        t = max(self.env.now, d * MIN_PER_DAY - self.offset + minute_of_day)
        return t if t < self.horizon.length_min else None

    def set_off(self, person: Person, d: int, quarantine: str) -> None:
        """A permitted returner's party reaches a township gate later on day *d*."""
        u = person.daily[d, ARRIVE_TIME]
        h = next((i for i, c in enumerate(self.profile) if u < c), len(self.profile) - 1)
        low = self.profile[h - 1] if h else 0.0
        width = self.profile[h] - low
        t = self._at(d, 60.0 * (h + ((u - low) / width if width > 0 else 0.0)))
        if t is not None:
            self._send(self.r.arrive_as, person, d, t, quarantine)

    def go_out(self, person: Person, d: int, u: float, quarantine: str) -> None:
        """A person under home observation tries to leave the village on day *d*."""
        s = self.series
        s["exit_attempts"][d] += 1
        t = self._at(d, self.r.decide_at + u * (MIN_PER_DAY - self.r.decide_at))
        if t is not None:
            self._send(self.r.go_out_as, person, d, t, quarantine)

    def _send(self, stream_: Stream, person: Person, d: int, t: float, quarantine: str) -> None:
        u = person.party
        gates = stream_.gates
        gate = None
        if gates:
            acc, gate = 0.0, gates[-1][0]
            for name, share in gates:
                acc += share
                if u[0] < acc:
                    gate = name
                    break
        temp = stream_.temperature
        if u[UNIFORMS + 1] < temp.fever_share:
            reading = round(temp.fever_c + (MAX_FEVER_C - temp.fever_c) * u[UNIFORMS], 1)
        else:
            z = _STANDARD.inv_cdf(min(max(u[UNIFORMS], 1e-12), 1 - 1e-12))
            reading = round(min(temp.mean + temp.sd * z, temp.fever_c - 0.1), 1)
        party = Party(stream_, t, 1, False, quarantine, person.origin, gate, person.village, (reading,),
                      (reading,), u)
        self.parties.append(party)
        self.sent_on.append(d)
        later(self.env, t - self.env.now, lambda _: self.run.arrive(party))

    def daily(self) -> dict[str, tuple[float, ...]]:
        return {name: tuple(values) for name, values in self.series.items()}

    def hits_daily(self) -> dict[str, dict[str, tuple[int, ...]]]:
        return {decision: {rule: tuple(v) for rule, v in sorted(rules.items())}
                for decision, rules in self.hits.items()}


def arrivals_by_role(streamed: Sequence[tuple[np.ndarray, str]], season: Season) -> dict[str, list[float]]:
    """Parties arriving per day by role (``arrivals.<role>``, for the roles with at least one),
    booked as the gate's ``arrivals`` are: to the day of the last daily round before the party
    arrived, so per day they add up to ``arrivals``. *streamed*: each scenario stream's arrival
    times and role; the season sends its own parties. A streamed party arriving at a round's very
    minute arrives before it (its arrival was scheduled first), a party the round sends after it;
    arrivals after the last round go to ``season.last``, those before the first to the first day
    (as the snapshots do)."""
    rounds = np.asarray(season.round_at, float)
    # Slot k (after k rounds) → day: before the first round the first day, after the last ``last``.
    book = np.append(np.maximum(np.arange(-1, rounds.size - 1), 0), season.last)
    codes: dict[str, int] = {}
    m = len(season.parties)
    times = np.concatenate([t for t, _ in streamed] or [np.zeros(0)])
    # a role is numbered at its first party (a stream with none numbers nothing), as the keys' order
    role = np.concatenate([np.full(len(t), codes.setdefault(r, len(codes)) if len(t) else -1, np.intp)
                           for t, r in streamed] or [np.zeros(0, np.intp)])
    day = book[np.searchsorted(rounds, times, side="left")]
    arrived = times < season.horizon.length_min                      # the run stops before the end
    sent_role = np.fromiter((codes.setdefault(p.stream.role, len(codes)) for p in season.parties), np.intp, m)
    sent_day = book[np.asarray(season.sent_on, np.intp) + 1]
    role = np.concatenate((role[arrived], sent_role))
    day = np.concatenate((day[arrived], sent_day))
    days = season.days
    counts = np.bincount(role * days + day, minlength=len(codes) * days).reshape(len(codes), days)
    return {f"arrivals.{name}": counts[code].astype(float).tolist()
            for name, code in codes.items() if counts[code].any()}
