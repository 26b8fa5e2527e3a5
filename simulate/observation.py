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
from collections.abc import Generator, Mapping
from statistics import NormalDist
from typing import Any

import simpy

from .demand import MAX_FEVER_C, Stream
from .horizon import MIN_PER_DAY, Horizon
from .journeys import Run
from .metrics import daily_waits
from .parties import DEFAULT_RULE, Engine, Party
from .results import ENTRY_PATHS
from .returners import ARRIVE_TIME, EXIT, EXIT_TIME, FEVER, SYMPTOMS, Person, Returners, draw_people, drawn_facts
from .season_policy import ADVISED, BARRED, CENTRALIZED, FREE, HOME, REFERRED, SeasonPolicy, next_change

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
NEVER = 1 << 30
_STANDARD = NormalDist()
# The engine's answers outlive a replication (as the gate's do, :func:`simulate.parties.answers`).
_MEMO: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], tuple[str | None, str]]] = weakref.WeakKeyDictionary()


def memo_of(engine: Engine) -> dict[tuple[Any, ...], tuple[str | None, str]]:
    """The answers *engine* gave to the season's decisions in this process, by (decision, record, day)."""
    try:
        return _MEMO.setdefault(engine, {})
    except TypeError:                         # an engine that cannot be weakly referenced: per run
        return {}


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
        self.memo = memo_of(engine)
        self.series: dict[str, list[float]] = {name: [0.0] * self.days for name in (*STOCKS, *FLOWS)}
        self.hits: dict[str, dict[str, list[int]]] = {returners.return_policy.decision: {},
                                                      returners.quarantine_policy.decision: {}}
        self.parties: list[Party] = []
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
            self.snapshot(d - 1)
            self.day(d)

    def snapshot(self, d: int) -> None:
        """Book the gate's counters since the last snapshot to day *d* (the day's round to the next)."""
        tally = self.run.tally
        now = (tally.arrivals, tally.turned_back, tally.leaks["observation_exit"], sum(tally.leaks.values()),
               sum(tally.leaks[p] for p in ENTRY_PATHS), tally.resident_crossings, tally.outsider_village_min,
               tally.outsider_hills_min)
        if d >= 0:
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
        self.snapshot(min(self.days - 1, int((self.offset + self.env.now) // MIN_PER_DAY)))
        for name, values in daily_waits(self.run.checkpoints.values(), self.offset, self.days, self.env.now).items():
            self.series[name] = list(values)
        capacity = self.r.capacity()
        if capacity is not None:
            self.series[CAPACITY] = [capacity] * self.days

    def decide(self, policy: SeasonPolicy, person: Person, known: dict[str, Any], date: dt.date,
               d: int) -> str | None:
        """*policy*'s answer for *person* on *date* (memoised by what the pack is told and the date)."""
        decision = policy.decision
        attributes = drawn_facts(person, known.get("days_since_return"))
        key = (decision, attributes, tuple(known.values()), date)
        hit = self.memo.get(key)
        if hit is None:
            answer = self.engine.decide(decision, policy.facts(known, dict(attributes)), at=date)
            hit = self.memo[key] = (answer.outcome, answer.rule or DEFAULT_RULE)
        self.hits[decision].setdefault(hit[1], [0] * self.days)[d] += 1
        return hit[0]

    def day(self, d: int) -> None:
        date, r, s = self.first + dt.timedelta(days=d), self.r, self.series
        rp, qp = r.return_policy, r.quarantine_policy
        for k, person in enumerate(self.people):
            if self.state[k] == RETURNED or self.ask[k] != d:
                continue
            meaning = rp.meaning(self.decide(rp, person, {"origin": person.origin, "necessity": person.necessity},
                                             date, d))
            if meaning == ADVISED:
                s["advised"][d] += 1
                if person.defers:
                    self.state[k], self.ask[k] = DEFERRED, d + r.ask_again_days
                    continue
            elif meaning == BARRED:
                s["refused"][d] += 1
                change = next_change(r.changes, date)
                self.state[k] = BARRED_STATE
                self.ask[k] = NEVER if change is None else (change - self.first).days
                continue
            self.state[k], self.back[k] = RETURNED, d
            s["returners_arrived"][d] += 1
        for k, person in enumerate(self.people):
            if self.state[k] != RETURNED:
                continue
            before = self.status[k]
            if before == REFERRED and d < self.until[k]:
                continue
            observed = before in (HOME, CENTRALIZED) and self.back[k] < d
            u = person.daily[d]
            known = {"origin": person.origin, "days_since_return": d - self.back[k],
                     "fever": observed and bool(u[FEVER] < r.fever_per_day),
                     "symptoms": observed and bool(u[SYMPTOMS] < r.symptoms_per_day)}
            outcome = self.decide(qp, person, known, date, d)
            status = qp.meaning(outcome)
            self.status[k] = status
            if status == REFERRED:
                s["referrals"][d] += 1
                self.until[k] = d + r.referral_days
            if status == HOME and (before != HOME or self.back[k] == d):
                s["into_home_observation"][d] += 1
                self.since[k] = d
            elif before == HOME and status != HOME and self.back[k] < d:
                s["home_spells_ended"][d] += 1
                s["home_spell_days_ended"][d] += d - self.since[k]
            if self.back[k] == d:
                self.set_off(person, d, qp.at_gate.get(outcome or qp.default, ""))
            if status == HOME and u[EXIT] < r.exit_per_day:
                self.go_out(person, d, u[EXIT_TIME], qp.at_gate.get(outcome or qp.default, ""))
        for k in range(len(self.people)):
            state = self.state[k]
            s[state][d] += 1
            if state == RETURNED:
                s[self.status[k]][d] += 1
        s["visits"][d] = s[HOME][d] * r.visits_per_day
        s["visit_staff_min"][d] = s["visits"][d] * r.visit_min

    def _at(self, d: int, minute_of_day: float) -> float | None:
        t = max(self.env.now, d * MIN_PER_DAY - self.offset + minute_of_day)
        return t if t < self.horizon.length_min else None

    def set_off(self, person: Person, d: int, quarantine: str) -> None:
        """A permitted returner's party reaches a township gate later on day *d*."""
        u = person.daily[d][ARRIVE_TIME]
        h = next((i for i, c in enumerate(self.profile) if u < c), len(self.profile) - 1)
        low = self.profile[h - 1] if h else 0.0
        width = self.profile[h] - low
        t = self._at(d, 60.0 * (h + ((u - low) / width if width > 0 else 0.0)))
        if t is not None:
            self._send(self.r.arrive_as, person, t, quarantine)

    def go_out(self, person: Person, d: int, u: float, quarantine: str) -> None:
        """A person under home observation tries to leave the village on day *d*."""
        s = self.series
        s["exit_attempts"][d] += 1
        t = self._at(d, self.r.decide_at + u * (MIN_PER_DAY - self.r.decide_at))
        if t is not None:
            self._send(self.r.go_out_as, person, t, quarantine)

    def _send(self, stream_: Stream, person: Person, t: float, quarantine: str) -> None:
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
        if u[24] < temp.fever_share:
            reading = round(temp.fever_c + (MAX_FEVER_C - temp.fever_c) * u[23], 1)
        else:
            z = _STANDARD.inv_cdf(min(max(u[23], 1e-12), 1 - 1e-12))
            reading = round(min(temp.mean + temp.sd * z, temp.fever_c - 0.1), 1)
        party = Party(stream_, t, 1, False, quarantine, person.origin, gate, person.village, (reading,),
                      (reading,), u[0:3], u[3:10], u[10:23])
        self.parties.append(party)
        timer = self.env.timeout(t - self.env.now)
        timer.callbacks.append(lambda _: self.run.arrive(party))

    def daily(self) -> dict[str, tuple[float, ...]]:
        return {name: tuple(values) for name, values in self.series.items()}

    def hits_daily(self) -> dict[str, dict[str, tuple[int, ...]]]:
        return {decision: {rule: tuple(v) for rule, v in sorted(rules.items())}
                for decision, rules in self.hits.items()}


def arrivals_by_role(parties: list[Party], horizon: Horizon, days: int) -> Mapping[str, list[float]]:
    """Parties arriving per day, by role (``arrivals.<role>``)."""
    offset = horizon.start.hour * 60 + horizon.start.minute
    out: dict[str, list[float]] = {}
    for p in parties:
        d = min(days - 1, int((offset + p.time) // MIN_PER_DAY))
        out.setdefault(f"arrivals.{p.stream.role}", [0.0] * days)[d] += 1
    return out
