"""Reading a scenario's ``returners:``, ``return_policy:`` and ``quarantine_policy:``.

The checks need the pack and the scenario's streams and villages: origins, necessities and
attributes must be the pack's values, every input the two decisions require must be supplied
(mapped from the model, or drawn by field name), the streams the returners are made like
must exist (they are replaced: their own arrivals are dropped), and the intended return days
must not begin before the horizon (a day after its end leaves that returner away all season,
so a shorter ``--vary`` of the horizon stays a valid scenario).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from policy import BoolField, EnumField, Pack

from .gate_policy import input_of
from .returners import Returners, intended_days
from .scenario_reader import PathT, Reader
from .season_policy import SeasonPolicy, changes, read_season_policy

if TYPE_CHECKING:
    from .scenario import Scenario
    from .scenario_format import ScenarioDoc

Shares = tuple[tuple[str, float], ...]
__all__ = ["Returners", "read_season"]


def read_season(r: Reader, doc: ScenarioDoc, scenario: Scenario, pack: Pack | None) -> Scenario:
    """*scenario* with its returners (unchanged when it has none)."""
    given = doc.returners
    if given is None:
        if r.source.data.get("returners") is not None:   # stated, but refused by the format check
            return scenario
        for section in ("return_policy", "quarantine_policy"):
            if getattr(doc, section) is not None:
                r.fail((section,), "scenario.conflict", f"{section} is used only with returners:")
        return scenario
    path: PathT = ("returners",)
    gate_quarantine = input_of(scenario.gate_policy, pack, "quarantine")
    rp = read_season_policy(r, "return_policy", doc.return_policy, pack, None)
    qp = read_season_policy(r, "quarantine_policy", doc.quarantine_policy, pack, gate_quarantine)
    streams = {s.id: s for s in scenario.streams}
    for field in ("arrive_as", "go_out_as"):
        name = getattr(given, field)
        if name not in streams:
            r.fail((*path, field), "scenario.reference",
                   f"unknown stream {name!r} (known: {', '.join(streams) or 'none'})")
    arrive, out = streams.get(given.arrive_as), streams.get(given.go_out_as)
    if arrive is not None and arrive.route != "township":
        r.fail((*path, "arrive_as"), "scenario.range", "returners arrive by road: a township stream")
    if out is not None and out.route != "outbound":
        r.fail((*path, "go_out_as"), "scenario.range", "people going out of observation: an outbound stream")
    villages = tuple(v.id for v in scenario.township.villages)
    by_weight = tuple((v.id, v.weight) for v in scenario.township.villages if v.weight > 0)
    origin = _shares(r, (*path, "origin"), given.origin, _values(pack, (rp, qp), "origin"))
    necessity = _shares(r, (*path, "necessity"), given.necessity, _values(pack, (rp,), "necessity"))
    chosen = _shares(r, (*path, "villages"), given.villages, villages) if given.villages else _normal(by_weight)
    if not chosen:
        r.fail((*path, "villages"), "scenario.missing", "returners need a village with a weight, or villages: shares")
    attributes = _attributes(r, path, given.attributes, pack, (rp, qp))
    if scenario.horizon is None:             # a broken horizon, reported already: no days to check against
        return scenario
    start = scenario.horizon.start.date()
    periods = []
    for i, p in enumerate(given.return_dates):
        if p.to < p.from_:
            r.fail((*path, "return_dates", i, "to"), "scenario.range", "a period must not end before it starts")
        elif (p.from_ - start).days < 0:
            r.fail((*path, "return_dates", i), "scenario.range",
                   f"intended return days must not begin before the horizon starts ({start})")
        else:
            periods.append((p.from_, p.to, p.weight))
    indices, weights = intended_days(periods, start)
    if periods and sum(weights) <= 0:
        r.fail((*path, "return_dates"), "scenario.range", "weights must not all be zero")
    if r.diagnostics or rp is None or qp is None or arrive is None or out is None or not weights:
        return scenario
    returners = Returners(
        count=given.count, arrive_as=arrive, go_out_as=out, origin=origin, necessity=necessity,
        villages=chosen, attributes=attributes, days=indices, weights=weights,
        defer_share=given.defer_share, ask_again_days=given.ask_again_days,
        fever_per_day=given.fever_per_day, symptoms_per_day=given.symptoms_per_day,
        referral_days=given.referral_days, visits_per_day=given.visits_per_day, visit_min=given.visit_min,
        exit_per_day=given.exit_per_day, decide_at=given.decide_at, return_policy=rp, quarantine_policy=qp,
        changes=changes(pack, rp.decision) if pack is not None else (),
        **({} if given.home_service is None else
           {"home_service_people": given.home_service.people_per_village,
            "home_service_min": given.home_service.minutes_per_day}))
    kept = tuple(s for s in scenario.streams if s.id not in (arrive.id, out.id))
    return dataclasses.replace(scenario, streams=kept, returners=returners)


def _normal(shares: Shares) -> Shares:
    total = sum(w for _, w in shares) or 1.0
    return tuple((k, w / total) for k, w in shares)


def _shares(r: Reader, path: PathT, spec: dict[str, float], known: tuple[str, ...] | None) -> Shares:
    out = []
    for key, weight in spec.items():
        if known is not None and key not in known:
            r.fail((*path, key), "scenario.vocabulary", f"{key!r} is not one of: {', '.join(known)}")
        out.append((key, weight))
    if sum(w for _, w in out) <= 0:
        r.fail(path, "scenario.range", "shares must not all be zero")
        return ()
    return _normal(tuple(out))


def _values(pack: Pack | None, policies: tuple[SeasonPolicy | None, ...], attribute: str) -> tuple[str, ...] | None:
    """The values *attribute* may take: those every decision's input for it declares."""
    if pack is None or any(p is None for p in policies):
        return None
    allowed: set[str] | None = None
    for p in policies:
        assert p is not None
        spec = pack.decisions.get(p.decision)
        decl = spec.inputs.get(p.inputs.get(attribute, "")) if spec is not None else None
        if isinstance(decl, EnumField):
            allowed = set(decl.values) if allowed is None else allowed & set(decl.values)
    return None if allowed is None else tuple(sorted(allowed))


def _attributes(r: Reader, path: PathT, given: dict[str, float | dict[str, float]], pack: Pack | None,
                policies: tuple[SeasonPolicy | None, ...]) -> dict[str, float | Shares]:
    """The drawn inputs, checked against each decision's declaration; every required input
    of both decisions must be mapped or drawn."""
    out: dict[str, float | Shares] = {}
    decls = {}
    for p in policies:
        spec = pack.decisions.get(p.decision) if pack is not None and p is not None else None
        if spec is None or p is None:
            continue
        mapped = set(p.inputs.values())
        misnamed = not mapped <= set(spec.inputs)      # reported by the policy's reader already
        for name, decl in spec.inputs.items():
            if name not in mapped:
                decls[name] = decl
                if decl.required and name not in given and not misnamed:
                    r.fail((*path, "attributes"), "scenario.missing",
                           f"decision {spec.name!r} requires input {name!r}: map it or give its shares here")
    for name, spec_ in given.items():
        found = decls.get(name)
        where: PathT = (*path, "attributes", name)
        if pack is not None and found is None:
            r.fail(where, "scenario.vocabulary", f"no decision the season asks has an input {name!r} it does not map")
        elif isinstance(found, BoolField) and not isinstance(spec_, float | int):
            r.fail(where, "scenario.vocabulary", f"input {name!r} is a bool: give the share true")
        elif isinstance(found, EnumField) and not isinstance(spec_, dict):
            r.fail(where, "scenario.vocabulary", f"input {name!r} is an enum: give its values' shares")
        elif found is not None and not isinstance(found, BoolField | EnumField):
            r.fail(where, "scenario.vocabulary",
                   f"input {name!r} is a {found.kind}: only bool and enum inputs are drawn")
        if isinstance(spec_, dict):
            out[name] = _shares(r, where, spec_, found.values if isinstance(found, EnumField) else None)
        else:
            out[name] = float(spec_)
    return out
