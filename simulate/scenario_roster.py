"""Reading a scenario's ``roster:`` section: pools and chiefs checked against the township,
then :func:`simulate.roster.build_roster`; a shift it cannot fill is a located error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from . import scenario_format as fmt
from .horizon import Horizon
from .roster import CHIEFS, Chief, Pool, Roster, RosterRules, Shortfall, build_roster
from .scenario_reader import PathT, Reader
from .shifts import ShiftPattern, Volunteers
from .township import Township


def _posts(r: Reader, path: PathT, names: Sequence[str], town: Township) -> tuple[str, ...]:
    """The staffed posts *names* mean: a gate or entrance id (nothing while it is not staffed,
    as when a variant closes it), or a village id (its staffed entrances, in file order)."""
    status = {g.id: g.status for g in town.gates} | {e.id: e.status for e in town.entrances()}
    by_village = {v.id: [e.id for e in v.entrances if e.status == "staffed"] for v in town.villages}
    out: list[str] = []
    for i, name in enumerate(names):
        if name in status:
            out += [name] if status[name] == "staffed" else []
        elif name in by_village:
            out += by_village[name]
        else:
            r.fail((*path, i), "scenario.reference",
                   f"unknown post {name!r}: expected a gate, an entrance or a village")
    return tuple(dict.fromkeys(out))


def read_roster(r: Reader, doc: fmt.ScenarioDoc, town: Township, shifts: Mapping[str, ShiftPattern],
                volunteers: tuple[Volunteers, ...], horizon: Horizon | None, complete: bool) -> Roster | None:
    """The roster (:mod:`simulate.roster`) filling every staffed post's shifts with people; a
    shift it cannot fill is located at the pool (or ``roster.pools``) that should."""
    spec = doc.roster
    if spec is None or horizon is None or not complete or spec.pools is None \
            or None in spec.pools.values() or None in (spec.chiefs or {}).values():
        return None
    if CHIEFS in spec.pools:
        r.fail(("roster", "pools", CHIEFS), "scenario.conflict",
               f"{CHIEFS!r} names the chiefs in the roster's summary: call this pool otherwise")
    pools = tuple(Pool(name, p.people, _posts(r, ("roster", "pools", name, "posts"), p.posts, town))
                  for name, p in spec.pools.items())
    chiefs = []
    for name, c in (spec.chiefs or {}).items():
        posts = _posts(r, ("roster", "chiefs", name, "posts"), c.posts, town)
        if c.from_ == c.to:
            r.fail(("roster", "chiefs", name, "to"), "scenario.range",
                   "a chief's hours must not end when they start (all day: from \"00:00\" to \"24:00\")")
        elif not posts:
            r.fail(("roster", "chiefs", name, "posts"), "scenario.range", "no staffed post among these")
        else:
            chiefs.append(Chief(name, posts, c.from_, c.to))
    held = [(g.id, g.status, g.shift) for g in town.gates] + [(e.id, e.status, e.shift) for e in town.entrances()]
    demand = [(post, shifts[shift]) for post, status, shift in held
              if status == "staffed" and shift is not None and shift in shifts]
    rules = RosterRules(spec.shift_hours, spec.rest_hours, pools, tuple(chiefs))
    roster, short = build_roster(rules, demand, volunteers, horizon)
    reported = set()
    for gap in short:
        if gap.post not in reported:
            reported.add(gap.post)
            _shortfall(r, gap, rules, horizon)
    return roster


def _shortfall(r: Reader, gap: Shortfall, rules: RosterRules, horizon: Horizon) -> None:
    """A located error for the first shift of a post the roster leaves short."""
    when = (f"{(horizon.start + dt.timedelta(minutes=gap.start)):%Y-%m-%d %H:%M}–"
            f"{(horizon.start + dt.timedelta(minutes=gap.end)):%H:%M}")
    pools = [p for p in rules.pools if gap.post in p.posts]
    missing = gap.needed - gap.found
    if not pools:
        r.fail(("roster", "pools"), "scenario.roster",
               f"staffed post {gap.post!r} is in no pool's posts: its shift {when} needs "
               f"{gap.needed} and finds nobody ({missing} short)")
        return
    names = ", ".join(f"{p.name} ({p.people} people)" for p in pools)
    r.fail(("roster", "pools", pools[0].name, "people"), "scenario.roster",
           f"post {gap.post!r}, shift {when}: needs {gap.needed}, finds {gap.found} rested "
           f"{rules.rest_hours:g} h in {names}: {missing} short")
