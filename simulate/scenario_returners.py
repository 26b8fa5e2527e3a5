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

from policy import BoolField, EnumField, Field, NumberField, Pack

from .gate_policy import input_of
from .returners import CONTACT_INPUT, CloseContacts, Returners, Spec, intended_days
from .scenario_reader import PathT, Reader
from .season_policy import SeasonPolicy, read_season_policy

if TYPE_CHECKING:
    from .scenario import Scenario
    from .scenario_format import ScenarioDoc
    from .scenario_format_origin import CloseContactsDoc

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
    names = set(given.attributes).union(*given.by_origin.values())
    decls = _drawable(r, path, names, pack, (rp, qp))
    attributes = _attributes(r, path, given.attributes, decls, pack)
    origins = _values(pack, (rp, qp), "origin")
    by_origin = _by_origin(r, path, given.by_origin, decls, pack, origins, origin, attributes)
    contacts = _close_contacts(r, path, given.close_contacts, pack, qp, origins)
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
        periods=None if pack is None else {d: pack.change_dates(d) for d in (rp.decision, qp.decision)},
        **({} if given.home_service is None else
           {"home_service_people": given.home_service.people_per_village,
            "home_service_min": given.home_service.minutes_per_day}),
        by_origin=by_origin, close_contacts=contacts)
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


def _drawable(r: Reader, path: PathT, given: set[str], pack: Pack | None,
              policies: tuple[SeasonPolicy | None, ...]) -> dict[str, Field]:
    """The inputs the season's decisions read that the model does not map (drawn, by pack name);
    every required one must be among *given*."""
    decls: dict[str, Field] = {}
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
    return decls


def _kind(r: Reader, where: PathT, name: str, spec: object, found: Field | None, pack: Pack | None) -> None:
    """Refuse a drawn input's spec that does not fit the input's kind."""
    if pack is not None and found is None:
        r.fail(where, "scenario.vocabulary", f"no decision the season asks has an input {name!r} it does not map")
    elif isinstance(found, BoolField) and not isinstance(spec, float | int):
        r.fail(where, "scenario.vocabulary", f"input {name!r} is a bool: give the share true")
    elif isinstance(found, EnumField) and not isinstance(spec, dict):
        r.fail(where, "scenario.vocabulary", f"input {name!r} is an enum: give its values' shares")
    elif found is not None and not isinstance(found, BoolField | EnumField):
        r.fail(where, "scenario.vocabulary", f"input {name!r} is a {found.kind}: only bool and enum inputs are drawn")


def _attributes(r: Reader, path: PathT, given: dict[str, float | dict[str, float]],
                decls: dict[str, Field], pack: Pack | None) -> dict[str, Spec]:
    """The drawn inputs' tables for every origin, checked against each decision's declaration."""
    out: dict[str, Spec] = {}
    for name, spec_ in given.items():
        found = decls.get(name)
        where: PathT = (*path, "attributes", name)
        _kind(r, where, name, spec_, found, pack)
        if isinstance(spec_, dict):
            out[name] = _shares(r, where, spec_, found.values if isinstance(found, EnumField) else None)
        else:
            out[name] = float(spec_)
    return out


def _by_origin(r: Reader, path: PathT, given: dict[str, dict[str, object]], decls: dict[str, Field],
               pack: Pack | None, origins: tuple[str, ...] | None, origin: Shares,
               defaults: dict[str, Spec]) -> dict[str, dict[str, Spec]]:
    """``by_origin``: per origin the tables replacing ``attributes``' (an enum's adding up to 1);
    every origin returners come from must have a table for each attribute, or a default."""
    out: dict[str, dict[str, Spec]] = {}
    drawn = {name for name, share in origin}
    for key, table in given.items():
        where: PathT = (*path, "by_origin", key)
        if origins is not None and key not in origins:
            r.fail(where, "scenario.vocabulary", f"{key!r} is not one of: {', '.join(origins)}")
        elif key not in drawn:
            r.fail(where, "scenario.reference", f"origin {key!r} has no share in returners.origin")
        specs: dict[str, Spec] = {}
        for name, spec_ in table.items():
            found = decls.get(name)
            _kind(r, (*where, name), name, spec_, found, pack)
            if isinstance(spec_, dict):
                specs[name] = _whole(r, (*where, name), spec_, found.values if isinstance(found, EnumField) else None)
            else:
                specs[name] = float(spec_)  # type: ignore[arg-type]
        out[key] = specs
    for name in sorted(set().union(*out.values()) - set(defaults)):
        missing = [key for key, share in origin if share > 0 and name not in out.get(key, {})]
        if missing:
            r.fail((*path, "by_origin"), "scenario.missing", f"no {name} table for origin "
                   f"{', '.join(map(repr, missing))}: give one here, or a default in returners.attributes")
    return out


def _whole(r: Reader, path: PathT, spec: dict[str, object], known: tuple[str, ...] | None) -> Shares:
    """A table per origin: shares adding up to 1, one of them perhaps ``rest`` (what the others leave)."""
    shares = {key: share for key, share in spec.items() if isinstance(share, float | int)}
    rest = [key for key in spec if key not in shares]
    total = float(sum(shares.values()))
    for key in spec:
        if known is not None and key not in known:
            r.fail((*path, key), "scenario.vocabulary", f"{key!r} is not one of: {', '.join(known)}")
    if len(rest) > 1:
        r.fail((*path, rest[1]), "scenario.range", "only one share of a table may be rest")
    elif (rest and total > 1 + 1e-9) or (not rest and abs(total - 1) > 1e-6):
        r.fail(path, "scenario.range", f"shares add up to {total:g}, not 1 (or make one of them rest)")
    left = max(0.0, 1.0 - total)
    return tuple((key, float(shares.get(key, left))) for key in spec)


def _close_contacts(r: Reader, path: PathT, doc: CloseContactsDoc | None, pack: Pack | None,
                    qp: SeasonPolicy | None, origins: tuple[str, ...] | None) -> CloseContacts | None:
    """``close_contacts``: checked against the origins and the quarantine decision, which must
    declare an optional number input :data:`CONTACT_INPUT` the scenario does not map."""
    if doc is None:
        return None
    where: PathT = (*path, "close_contacts")
    for key in doc.by_origin:
        if origins is not None and key not in origins:
            r.fail((*where, "by_origin", key), "scenario.vocabulary", f"{key!r} is not one of: {', '.join(origins)}")
    days = doc.days_before_return
    if days.high < days.low:
        r.fail((*where, "days_before_return", "high"), "scenario.range", "high must not be below low")
    spec = pack.decisions.get(qp.decision) if pack is not None and qp is not None else None
    decl = spec.inputs.get(CONTACT_INPUT) if spec is not None else None
    if spec is not None and (not isinstance(decl, NumberField) or decl.required):
        r.fail(where, "scenario.vocabulary",
               f"decision {spec.name!r} has no optional number input {CONTACT_INPUT!r} to tell a contact by")
    elif qp is not None and CONTACT_INPUT in qp.inputs.values():
        r.fail(where, "scenario.conflict", f"quarantine_policy maps {CONTACT_INPUT!r}: close contacts draw it")
    return CloseContacts(doc.share, dict(doc.by_origin), days.low, days.high)
