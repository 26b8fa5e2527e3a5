"""Scenarios: loading (``extends:``, ``--vary``), the checks that need more than one field
or the pack, and targets. The file format itself is :mod:`simulate.scenario_format`.

``load_scenario(path)`` returns a frozen :class:`Scenario` or raises one
:class:`~policy.errors.FileFormatError` listing every problem found, each with its file,
line, column and field path.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from policy import Pack, load_pack

from . import scenario_format as fmt
from .assumptions import Assumption, resolve_assumptions
from .demand import Avoid, Behaviour, Stream, Temperature
from .distributions import KINDS, Distribution
from .gate_policy import TURNED_BACK, GatePolicy, input_of, read_gate_policy, undeclared
from .gates import CarryIn, QueueBehaviour, ServiceTimes
from .history_matching import Observation, read_observed
from .horizon import DAY_TYPES, Horizon
from .network import Network
from .patrols import Cameras, Patrol
from .roster import Roster
from .scenario_check import check_structure
from .scenario_days import read_horizon, read_limit, read_trend
from .scenario_network import drive_times, read_network
from .scenario_reader import Override, PathT, Reader, override, resolve_once
from .scenario_returners import Returners, read_season
from .scenario_roster import read_roster
from .scenario_values import MAX_MINUTES, MAX_SERVICE_S, base60_as_text
from .shifts import Shift, ShiftPattern, Volunteers
from .township import Entrance, Gate, Hotspot, Township, Village
from .watchers import Hours, NeighbourWatch

Item = TypeVar("Item")
Shares = tuple[tuple[str, float], ...]
UNIFORM_DAY = (1 / 24,) * 24
# Thinning candidates one replication may draw over all streams (memory and time grow with
# them; the shipped scenarios draw a few thousand): far past any township's traffic.
MAX_CANDIDATES = 2_000_000


@dataclass(frozen=True)
class Target:
    """A limit a scenario must keep: *metric* (a ``ReplicationResult.metrics`` name) ≤ *limit*."""

    name: str
    metric: str
    limit: float


@dataclass(frozen=True)
class Scenario:
    """A fully resolved scenario (every reference checked)."""

    name: str
    title: str
    source: str
    files: tuple[str, ...]          # the scenario file, then each file it extends, in turn
    pack: str
    gate_policy: GatePolicy
    engine: str
    seed: int
    replications: int
    horizon: Horizon
    shifts: Mapping[str, ShiftPattern]
    volunteers: tuple[Volunteers, ...]
    service: ServiceTimes
    township: Township
    patrols: tuple[Patrol, ...]
    cameras: Cameras
    streams: tuple[Stream, ...]
    road_block_queue: int
    sample_min: float
    targets: tuple[Target, ...]
    network: Network                # the township as a graph (implicit without ``network:``)
    neighbour_watch: tuple[NeighbourWatch, ...] = ()
    roster: Roster | None = None    # None: staff are the shift patterns' anonymous counts
    assumptions: tuple[Assumption, ...] = ()   # at their point values, whatever world was loaded
    observed: tuple[Observation, ...] = ()   # figures observed on the ground (history matching)
    returners: Returners | None = None     # the season's returner population (scenario_returners)


def load_scenario(path: str | Path, overrides: Sequence[Override] = (),
                  world: Mapping[str, float] | None = None) -> Scenario:
    """Read, merge and validate the scenario at *path*, with *overrides* applied before validation
    and the *world*'s values in place of those assumptions' point values (:mod:`simulate.assumptions`;
    a name that is no assumption, or a value outside its range, is a :class:`ValueError`)."""
    source = override(resolve_once(path), overrides) if overrides else resolve_once(path)
    source, assumptions, stated = resolve_assumptions(source, world)
    source = base60_as_text(source)
    doc, problems = check_structure(source)
    r = Reader(source, stated + problems)
    scenario = _build(r, doc, Path(path))
    r.raise_if_any()
    return dataclasses.replace(scenario, assumptions=assumptions)


def _present(items: Mapping[str, Item | None] | None) -> dict[str, Item]:
    """The items of a collection whose structure is valid (after a structural error, some are ``None``)."""
    return {key: item for key, item in (items or {}).items() if item is not None}


def _ids(*collections: Mapping[str, Any] | None) -> tuple[str, ...] | None:
    """Every id the collections declare, or ``None`` (do not check references) when one failed."""
    if any(c is None or None in c.values() for c in collections):
        return None
    return tuple(key for c in collections if c is not None for key in c)


def _reference(r: Reader, path: PathT, value: str, known: Iterable[str] | None, what: str) -> None:
    if known is not None and value not in known:
        r.fail(path, "scenario.reference", f"unknown {what} {value!r}")


def _shifts(r: Reader, doc: fmt.ScenarioDoc) -> dict[str, ShiftPattern]:
    for name, items in _present(doc.shifts).items():
        for i, s in enumerate(items):
            if s.from_ == s.to:
                r.fail(("shifts", name, i, "to"), "scenario.range",
                       "a shift must not end when it starts (all day: from \"00:00\" to \"24:00\")")
    return {name: ShiftPattern(name, tuple(Shift(s.from_, s.to, s.staff) for s in items))
            for name, items in _present(doc.shifts).items()}


def _distribution(r: Reader, path: PathT, value: Any, high: float = MAX_SERVICE_S,
                  unit: str = "s") -> Distribution:
    """A validated distribution (a number is a constant), its parameters in order; every
    duration parameter at most *high* (a lognormal's cv is bounded by the format)."""
    names = ("value",) if isinstance(value, float) else KINDS[value.dist]
    params = [value] if isinstance(value, float) else [getattr(value, name) for name in names]
    for name, param in zip(names, params, strict=True):
        if name != "cv" and param > high:
            r.fail(path if isinstance(value, float) else (*path, name), "scenario.range",
                   f"{param:g} is out of range: expected at most {high:g} {unit}")
    if isinstance(value, float):
        return Distribution.constant(value)
    if value.dist == "uniform" and params[0] > params[1]:
        r.fail(path, "scenario.range", "uniform: low must not exceed high")
    if value.dist == "triangular" and not params[0] <= params[1] <= params[2]:
        r.fail(path, "scenario.range", "triangular: expected low ≤ mode ≤ high")
    return Distribution(value.dist, *params)


def _service(r: Reader, doc: fmt.Service | None, outcomes: tuple[str, ...] | None) -> ServiceTimes | None:
    if doc is None:
        return None
    path: PathT = ("service", "by_outcome")
    if outcomes is not None:
        for outcome in doc.by_outcome:
            if outcome not in outcomes:
                r.fail((*path, outcome), "scenario.unknown-field",
                       f"unknown field {outcome!r} (expected one of: {', '.join(outcomes)})")
        for outcome in outcomes:
            if outcome not in doc.by_outcome:
                r.fail((*path, outcome), "scenario.missing", "required field is missing")
    by = {o: _distribution(r, (*path, o), doc.by_outcome[o]) for o in (outcomes or ()) if o in doc.by_outcome}
    return ServiceTimes(by, _distribution(r, ("service", "per_extra_person"), doc.per_extra_person),
                        _distribution(r, ("service", "retest"), doc.retest), doc.retest_after_min,
                        _carry_in(r, doc.carry_in))


def _carry_in(r: Reader, doc: fmt.CarryIn | None) -> CarryIn | None:
    """Staff away carrying goods in (代送); none when absent or never (share 0)."""
    if doc is None or doc.share == 0:
        return None
    return CarryIn(doc.share, _distribution(r, ("service", "carry_in", "minutes"), doc.minutes, MAX_MINUTES, "min"))


def _queue(r: Reader, path: PathT, doc: fmt.Queue | None) -> QueueBehaviour | None:
    """A stream's queue behaviour: balk_from and balk_to together, balk_from ≤ balk_to."""
    if doc is None:
        return None
    if (doc.balk_from is None) != (doc.balk_to is None):
        given, missing = ("balk_from", "balk_to") if doc.balk_to is None else ("balk_to", "balk_from")
        r.fail((*path, given), "scenario.missing", f"give {missing} with {given} (equal for a hard limit)")
    elif doc.balk_from is not None and doc.balk_to is not None and doc.balk_from > doc.balk_to:
        r.fail((*path, "balk_to"), "scenario.range",
               f"balk_to ({doc.balk_to}) must not be below balk_from ({doc.balk_from})")
    patience = (None if doc.patience_min is None else
                _distribution(r, (*path, "patience_min"), doc.patience_min, MAX_MINUTES, "min"))
    return QueueBehaviour(doc.balk_from, doc.balk_to, patience)


def _staffing(r: Reader, path: PathT, status: str, shift: str | None, shifts: Mapping[str, Any] | None) -> str | None:
    if status == "staffed":
        if shift is None:
            r.fail(path, "scenario.missing", "a staffed gate needs a shift (a name under shifts)")
        elif shifts is not None and shift not in shifts:
            r.fail((*path, "shift"), "scenario.reference",
                   f"unknown shift {shift!r} (known: {', '.join(shifts) or 'none'})")
    return shift


def _township(r: Reader, doc: fmt.ScenarioDoc) -> Township:
    shifts = doc.shifts
    gate_docs = doc.township.gates if doc.township is not None else None
    gates = [Gate(gid, g.status, _staffing(r, ("township", "gates", gid), g.status, g.shift, shifts),
                  g.detour_to, g.detour_min, g.name) for gid, g in _present(gate_docs).items()]
    gate_ids = _ids(gate_docs)
    for g in gates:
        if g.detour_to is not None:
            _reference(r, ("township", "gates", g.id, "detour_to"), g.detour_to, gate_ids, "gate")
    villages = []
    for vid, v in _present(doc.villages).items():
        entrances = tuple(Entrance(eid, vid, e.status, _staffing(r, ("villages", vid, "entrances", eid),
                                                                 e.status, e.shift, shifts), e.camera)
                          for eid, e in _present(v.entrances).items())
        villages.append(Village(vid, vid if v.name is None else v.name, v.weight,
                                0.0 if v.travel_min is None else v.travel_min, entrances))
    hotspots = [Hotspot(hid, hid if h.name is None else h.name, h.kind, h.weight, h.camera)
                for hid, h in _present(doc.hotspots).items()]
    return Township(tuple(gates), tuple(villages), tuple(hotspots))


def _complete(doc: fmt.ScenarioDoc) -> bool:
    """Whether every gate, village and entrance passed the structural check (so references to
    them can be checked without reporting one that is merely malformed as unknown)."""
    villages = doc.villages
    gates = doc.township.gates if doc.township is not None else None
    return _ids(gates, villages) is not None and villages is not None and all(
        _ids(v.entrances) is not None for v in villages.values() if v is not None)


def _volunteers(r: Reader, doc: fmt.ScenarioDoc, town: Township) -> tuple[Volunteers, ...]:
    staffed = ({g.id for g in town.gates if g.status == "staffed"}
               | {e.id for e in town.entrances() if e.status == "staffed"}) if _complete(doc) else None
    out = []
    for vid, v in _present(doc.volunteers).items():
        for i, site in enumerate(v.at):
            _reference(r, ("volunteers", vid, "at", i), site, staffed, "staffed gate or entrance")
        if v.to <= v.from_:
            r.fail(("volunteers", vid, "to"), "scenario.range",
                   "a volunteer window must end after it starts, the same day")
        out.append(Volunteers(vid, tuple(v.at), v.from_, v.to, v.staff, tuple(v.day_types)))
    return tuple(out)


def _patrols(r: Reader, doc: fmt.ScenarioDoc, town: Township) -> tuple[tuple[Patrol, ...], Cameras | None]:
    complete = _complete(doc) and _ids(doc.hotspots) is not None
    links = _present(doc.network.links if doc.network is not None else None)
    hill_paths = {lid for lid, link in links.items() if link.kind == "hill-path"}
    sites = ({e.id for e in town.entrances()} | {h.id for h in town.hotspots} | {g.id for g in town.gates}
             | hill_paths if complete else None)
    patrols = []
    for pid, p in _present(doc.patrols).items():
        for i, site in enumerate(p.route):
            _reference(r, ("patrols", pid, "route", i), site, sites, "entrance, hotspot, gate or hill path")
        legs = p.leg_min if isinstance(p.leg_min, list) else [p.leg_min]
        if isinstance(p.leg_min, list) and len(p.leg_min) != len(p.route):
            r.fail(("patrols", pid, "leg_min"), "scenario.range",
                   f"{len(p.leg_min)} legs for a route of {len(p.route)} sites: give one number, "
                   "or one per site (the leg from it to the next)")
        patrols.append(Patrol(pid, p.team, tuple(p.route), tuple(legs or [1.0]),
                              tuple((w.from_, w.to) for w in p.windows), p.detect))
    c = doc.cameras
    if c is None:
        return tuple(patrols), None
    watched = frozenset({e.id for e in town.entrances() if e.camera} | {h.id for h in town.hotspots if h.camera}
                        | {lid for lid, link in links.items() if link.camera})
    return tuple(patrols), Cameras(watched, c.from_, c.to, c.detect, c.response_min)


def _neighbour_watch(r: Reader, doc: fmt.ScenarioDoc, town: Township) -> tuple[NeighbourWatch, ...]:
    """Each village's watch over its closed entrances; a watch must have hours and something to watch."""
    villages = {v.id: v for v in town.villages} if _complete(doc) else None
    out = []
    for vid, w in _present(doc.neighbour_watch).items():
        path = ("neighbour_watch", vid)
        if w.from_ == w.to:
            r.fail((*path, "to"), "scenario.range",
                   "a watch with no hours: from and to are the same time (all day: 00:00 to 24:00)")
        if villages is None:
            continue
        if vid not in villages:
            r.fail(path, "scenario.reference",
                   f"unknown village {vid!r} (known: {', '.join(villages) or 'none'})")
            continue
        closed = frozenset(e.id for e in villages[vid].entrances if e.status == "closed")
        if not closed:
            r.fail(path, "scenario.range", f"village {vid!r} has no closed entrance to watch")
        out.append(NeighbourWatch(vid, closed, Hours(w.from_, w.to), w.detect))
    return tuple(out)


def _profile(r: Reader, path: PathT, value: str | list[float],
             profiles: Mapping[str, tuple[float, ...] | None] | None) -> tuple[float, ...]:
    if isinstance(value, str):
        if profiles is not None and value not in profiles:
            r.fail(path, "scenario.reference", f"unknown profile {value!r} (known: {', '.join(profiles) or 'none'})")
        return (profiles or {}).get(value) or UNIFORM_DAY
    total = sum(value)
    if total <= 0:
        r.fail(path, "scenario.range", "a profile's weights must not all be zero")
        return UNIFORM_DAY
    return tuple(w / total for w in value)


def _shares(r: Reader, path: PathT, spec: dict[str, float] | None, names: Sequence[str] | None,
            default: Shares = ()) -> Shares:
    """``{name: weight, …}`` normalised to sum 1; *names* (when known) restricts the keys."""
    if spec is None:
        return default
    out = []
    for key, weight in spec.items():
        if names is not None and key not in names:
            r.fail((*path, key), "scenario.reference",
                   f"unknown {path[-1]} entry {key!r} (known: {', '.join(names) or 'none'})")
            continue
        out.append((key, weight))
    total = sum(w for _, w in out)
    if len(out) < len(spec) and total <= 0:
        return default                      # the unknown entries are the problem, reported above
    if spec and total <= 0:
        r.fail(path, "scenario.range", "shares must not all be zero")
        return default
    return tuple((k, w / total) for k, w in out)


def _vocabulary(r: Reader, path: PathT, value: str, policy: GatePolicy, pack: Pack | None,
                attribute: str) -> None:
    """Report *value* (a stream's role or quarantine status) when the pack does not declare it."""
    decl = input_of(policy, pack, attribute)
    if decl is not None and pack is not None and value not in decl.values:
        r.fail(path, "scenario.vocabulary", undeclared(value, decl, pack, policy.decision))


def _streams(r: Reader, doc: fmt.ScenarioDoc, town: Township, policy: GatePolicy,
             pack: Pack | None, horizon: Horizon | None) -> tuple[Stream, ...]:
    profiles = None if doc.profiles is None else {
        name: None if weights is None else _profile(r, ("profiles", name), weights, {})
        for name, weights in doc.profiles.items()}
    gate_ids = _ids(doc.township.gates if doc.township is not None else None)
    village_ids, hotspot_ids = _ids(doc.villages), _ids(doc.hotspots)
    by_weight = tuple((v.id, v.weight) for v in town.villages if v.weight > 0)
    total = sum(w for _, w in by_weight) or 1.0
    out = []
    for sid, s in _present(doc.streams).items():
        p: PathT = ("streams", sid)
        _vocabulary(r, (*p, "role"), s.role, policy, pack, "role")
        if isinstance(s.occupancy, fmt.Occupancy):
            occ_mean = s.occupancy.mean
            occ_max = s.occupancy.max if s.occupancy.max is not None else max(1, round(occ_mean * 2))
        else:
            occ_mean, occ_max = s.occupancy, max(1, round(s.occupancy * 2))
        t = s.temperature
        b = s.behaviour
        behaviour = Behaviour() if b is None else _behaviour(r, p, b)
        if abs(behaviour.comply + behaviour.closed_entrance + behaviour.hotspot - 1) > 1e-6:
            r.fail((*p, "behaviour"), "scenario.range", "behaviour shares must add up to 1")
        gates = _shares(r, (*p, "gates"), s.gates, gate_ids)
        if s.route == "township" and not gates and not s.gates:
            r.fail(p, "scenario.missing", "a township stream needs gates: {gate id: share}")
        villages = _shares(r, (*p, "villages"), s.villages, village_ids,
                           tuple((v, w / total) for v, w in by_weight))
        if s.route in ("village", "outbound") and not villages:
            r.fail(p, "scenario.missing", f"a {s.route} stream needs villages")
        if s.queue is not None and policy.outcomes and TURNED_BACK not in policy.outcomes.values():
            r.fail((*p, "queue"), "scenario.conflict", "a party that leaves a queue is turned back: "
                   f"gate_policy.outcomes needs an outcome meaning {TURNED_BACK}")
        quarantine = _shares(r, (*p, "quarantine"), s.quarantine, None)
        for status, _ in quarantine:
            _vocabulary(r, (*p, "quarantine", status), status, policy, pack, "quarantine")
        out.append(Stream(
            id=sid, role=s.role, route=s.route, volume={d: getattr(s.volume, d) for d in DAY_TYPES},
            profile=_profile(r, (*p, "profile"), s.profile, profiles),
            occupancy_mean=occ_mean, occupancy_max=occ_max, has_pass=s.has_pass,
            quarantine=quarantine or ((policy.unobserved, 1.0),),
            temperature=Temperature(t.mean, t.sd, t.fever_share, t.fever_c, t.persists),
            origin=_shares(r, (*p, "origin"), s.origin, None, (("local", 1.0),)), gates=gates, villages=villages,
            hotspots=_shares(r, (*p, "hotspots"), s.hotspots, hotspot_ids), behaviour=behaviour,
            dwell_min=_distribution(r, (*p, "dwell_min"), s.dwell_min, MAX_MINUTES, "min"),
            bound_per_h=s.bound_per_h,
            outsider=s.role in policy.outsiders if s.outsider is None else s.outsider,
            queue=_queue(r, (*p, "queue"), s.queue),
            trend=read_trend(r, (*p, "trend"), s.trend), limit=read_limit(r, (*p, "limit"), s.limit),
            **_journey_fields(r, p, s, s.role in policy.outsiders if s.outsider is None else s.outsider)))
    if horizon is not None:
        _demand_bounds(r, out, horizon)
    return tuple(out)


def _behaviour(r: Reader, p: PathT, b: fmt.Behaviour) -> Behaviour:
    """A stream's behaviour; an ``avoid`` window must not be empty."""
    avoid = None
    if b.avoid is not None:
        if b.avoid.from_ == b.avoid.to:
            r.fail((*p, "behaviour", "avoid", "to"), "scenario.range",
                   "an avoid window must not end when it starts (all day: from \"00:00\" to \"24:00\")")
        avoid = Avoid(b.avoid.share, b.avoid.from_, b.avoid.to)
    # comply left out is the rest (exact sum of the stated shares, so 0.85 stays 0.85)
    comply = math.fsum((1.0, -b.closed_entrance, -b.hotspot)) if b.comply is None else b.comply
    if comply < 0:
        r.fail((*p, "behaviour"), "scenario.range",
               f"closed_entrance + hotspot exceed 1: comply, the rest, would be {comply:.3g}")
    return Behaviour(comply, b.closed_entrance, b.hotspot, b.tolerance_min, avoid)


def _journey_fields(r: Reader, p: PathT, s: fmt.Stream, outsider: bool) -> dict[str, Any]:
    """A stream's round trip (``away_min``), fields walk (``save_min``) and gate meeting
    (``meet_min``). Only residents coming home by road or from the fields make a round trip."""
    away = None
    if s.away_min is not None:
        if s.route not in ("township", "village") or outsider:
            r.fail((*p, "away_min"), "scenario.range",
                   "only residents coming home (route township or village, not outsiders) make a round trip")
        away = _distribution(r, (*p, "away_min"), s.away_min, MAX_MINUTES, "min")
    return {"away_min": away, "save_min": s.save_min,
            "meet_min": _distribution(r, (*p, "meet_min"), s.meet_min, MAX_MINUTES, "min")}


def _demand_bounds(r: Reader, streams: list[Stream], horizon: Horizon) -> None:
    """A stream's ``bound_per_h`` must not be below its peak rate (thinning would silently
    drop the arrivals above it), and all streams together must stay within MAX_CANDIDATES."""
    candidates = 0.0
    for s in streams:
        edges, rates, bounds = s.bounds(horizon)
        peak = float(rates.max(initial=0.0)) * 60.0
        if s.bound_per_h is not None and s.bound_per_h < peak * (1 - 1e-12):
            r.fail(("streams", s.id, "bound_per_h"), "scenario.range",
                   f"{s.bound_per_h:g} is below the stream's peak rate {peak:.6g} parties/h: "
                   "arrivals above the bound would be dropped (raise it, or leave it out)")
        candidates += float((bounds * (edges[1:] - edges[:-1])).sum())
    if candidates > MAX_CANDIDATES:
        r.fail(("streams",), "scenario.range",
               f"the streams would draw ~{candidates:.3g} arrival candidates per replication, "
               f"more than the bound of {MAX_CANDIDATES:,} (shorten the horizon or lower the volumes)")


def pack_at(root: str) -> Pack:
    """The pack at *root*, loaded once per content: a sweep loads one scenario per variant, and
    the replications' engines are built from the same pack (a forked worker inherits it)."""
    if not (Path(root) / "pack.yaml").is_file():
        return load_pack(root)      # refuses it before any folder is walked (``pack: /usr``)
    files = sorted(Path(root).rglob("*.yaml"))
    return _pack_version(root, tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files))


@functools.lru_cache(maxsize=4)
def _pack_version(root: str, stamp: tuple[tuple[str, int, int], ...]) -> Pack:
    return load_pack(root)


def _build(r: Reader, doc: fmt.ScenarioDoc, path: Path) -> Scenario:
    """The scenario, after the checks that need more than one field or the pack. After a
    structural error *doc* is salvaged (failed parts are ``None``) and the result is discarded."""
    town = _township(r, doc)
    network = read_network(r, doc, town)
    town = town if r.diagnostics else drive_times(town, network)
    horizon = read_horizon(r, doc.horizon, doc.holidays)
    patrols, cameras = _patrols(r, doc, town)
    pack, loaded = doc.pack or "", None
    if pack and not Path(pack).is_dir():
        r.fail(("pack",), "scenario.pack", f"no policy pack folder at {pack}")
    elif pack:
        loaded = pack_at(pack)        # a broken pack is reported here, before any worker starts
    policy = read_gate_policy(r, doc.gate_policy, loaded)
    outcomes = tuple(policy.outcomes) if policy is not None else None
    policy = policy or GatePolicy("", {}, {}, {})
    shifts, volunteers = _shifts(r, doc), _volunteers(r, doc, town)
    scenario = Scenario(
        name=path.stem if doc.name is None else doc.name, title=path.stem if doc.title is None else doc.title,
        source=str(path), files=tuple(reversed(r.source.files)), pack=pack, gate_policy=policy,
        engine=doc.engine, seed=doc.seed, replications=doc.replications,
        horizon=horizon,  # type: ignore[arg-type]  # None only when discarded
        shifts=shifts, volunteers=volunteers,
        service=_service(r, doc.service, outcomes),  # type: ignore[arg-type]
        township=town, patrols=patrols, cameras=cameras,  # type: ignore[arg-type]
        streams=_streams(r, doc, town, policy, loaded, horizon),
        road_block_queue=doc.road_block_queue, sample_min=doc.sample_min,
        targets=tuple(Target(k, fmt.TARGETS[k], v) for k, v in (doc.targets or {}).items()),
        network=network,
        neighbour_watch=_neighbour_watch(r, doc, town),
        roster=read_roster(r, doc, town, shifts, volunteers, horizon, _complete(doc)),
        observed=read_observed(r, doc.observed))
    return read_season(r, doc, scenario, loaded)
