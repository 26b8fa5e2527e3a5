"""Scenarios: the schema (docs/scenarios.md), loading with ``extends:``, and targets.

``load_scenario(path)`` returns a frozen :class:`Scenario` or raises one
:class:`~policy.errors.FileFormatError` listing every problem found, each with its file,
line, column and field path.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from policy import Pack, load_pack

from .demand import ROUTES, Behaviour, Stream, Temperature
from .distributions import Distribution
from .gate_policy import GatePolicy, input_of, read_gate_policy, undeclared
from .gates import ServiceTimes
from .horizon import DAY_TYPES, Horizon
from .journeys import Evasion
from .patrols import Cameras, Patrol
from .schema import MISSING, Override, PathT, Reader, override, resolve
from .shifts import Shift, ShiftPattern, Volunteers
from .township import STATUSES, Entrance, Gate, Hotspot, Township, Village

TARGETS = {"p95_wait_min": "all.wait_p95_min", "max_wait_min": "all.wait_max_min",
           "max_queue": "all.queue_max", "blocked_min": "all.blocked_min",
           "leaks_per_day": "all.leaks_per_day"}
TOP = ("extends", "name", "title", "pack", "gate_policy", "engine", "seed", "replications", "horizon", "holidays",
       "road_block_queue", "sample_min", "targets", "shifts", "volunteers", "service", "township",
       "villages", "hotspots", "cameras", "patrols", "evasion", "profiles", "streams")
STREAM_FIELDS = ("role", "route", "volume", "profile", "occupancy", "has_pass", "quarantine",
                 "temperature", "origin", "gates", "villages", "hotspots", "behaviour", "dwell_min",
                 "bound_per_h", "outsider")


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
    evasion: Evasion
    road_block_queue: int
    sample_min: float
    targets: tuple[Target, ...]


def load_scenario(path: str | Path, overrides: Sequence[Override] = ()) -> Scenario:
    """Read, merge and validate the scenario at *path*, with *overrides* applied before validation."""
    source = override(resolve(path), overrides) if overrides else resolve(path)
    r = Reader(source)
    r.mapping((), TOP)
    scenario = _build(r, Path(path))
    r.raise_if_any()
    return scenario


def _horizon(r: Reader) -> Horizon:
    r.mapping(("horizon",), ("start", "days", "hours", "warmup_min"), required=True)
    raw = r.get(("horizon", "start"))
    start = dt.datetime(2020, 3, 14)
    if isinstance(raw, dt.datetime):
        start = raw.replace(tzinfo=None)
    elif isinstance(raw, dt.date):
        start = dt.datetime.combine(raw, dt.time())
    else:
        try:
            start = dt.datetime.fromisoformat(str(raw))
        except ValueError:
            r.fail(("horizon", "start"), "scenario.date", f"expected a date-time like 2020-03-14T00:00, got {raw!r}")
    hours = r.get(("horizon", "hours"))
    length = (r.number(("horizon", "hours"), low=0.01) * 60 if hours is not MISSING
              else r.number(("horizon", "days"), 2, low=0.01) * 1440)
    warmup = r.number(("horizon", "warmup_min"), 0.0, low=0.0)
    holidays = r.get(("holidays",))
    days = set()
    if holidays is not MISSING:
        if not isinstance(holidays, list):
            r.fail(("holidays",), "scenario.type", "expected a list of dates")
        else:
            days = {d for i in range(len(holidays)) if (d := r.date(("holidays", i)))}
    return Horizon(start, float(length), frozenset(days), float(warmup))


def _shifts(r: Reader) -> dict[str, ShiftPattern]:
    out = {}
    for name in r.mapping(("shifts",)):
        path: PathT = ("shifts", name)
        items = r.get(path)
        if not isinstance(items, list) or not items:
            r.fail(path, "scenario.type", "expected a list of shifts {from, to, staff}")
            continue
        shifts = []
        for i in range(len(items)):
            r.mapping((*path, i), ("from", "to", "staff"), required=True)
            shifts.append(Shift(r.clock((*path, i, "from")), r.clock((*path, i, "to")),
                                int(r.number((*path, i, "staff"), low=0, integer=True))))
        out[str(name)] = ShiftPattern(str(name), tuple(shifts))
    return out


def _distributions(r: Reader, outcomes: tuple[str, ...]) -> ServiceTimes:
    r.mapping(("service",), ("by_outcome", "per_extra_person", "retest", "retest_after_min"), required=True)
    by = {}
    r.mapping(("service", "by_outcome"), outcomes, required=True)
    for outcome in outcomes:
        by[outcome] = r.distribution(("service", "by_outcome", outcome))
    return ServiceTimes(by, r.distribution(("service", "per_extra_person"), Distribution.constant(0.0)),
                        r.distribution(("service", "retest"), Distribution.constant(90.0)),
                        float(r.number(("service", "retest_after_min"), 10.0, low=0.0)))


def _staffing(r: Reader, path: PathT, shifts: Mapping[str, ShiftPattern], status: str) -> str | None:
    shift = r.string((*path, "shift"), None)
    if status == "staffed":
        if shift is None:
            r.fail(path, "scenario.missing", "a staffed gate needs a shift (a name under shifts)")
        elif shift not in shifts:
            r.fail((*path, "shift"), "scenario.reference",
                   f"unknown shift {shift!r} (known: {', '.join(shifts) or 'none'})")
    return shift


def _township(r: Reader, shifts: Mapping[str, ShiftPattern]) -> Township:
    gates = []
    r.mapping(("township",), ("gates",))
    for gid, path in r.items(("township", "gates"), ("status", "shift", "detour_to", "detour_min", "name")):
        status = r.string((*path, "status"), choices=STATUSES)
        gates.append(Gate(gid, status, _staffing(r, path, shifts, status), r.string((*path, "detour_to"), None),
                          float(r.number((*path, "detour_min"), 0.0, low=0.0)), r.string((*path, "name"), "")))
    ids = {g.id for g in gates}
    for g in gates:
        if g.detour_to is not None and g.detour_to not in ids:
            r.fail(("township", "gates", g.id, "detour_to"), "scenario.reference", f"unknown gate {g.detour_to!r}")
    villages = []
    for vid, path in r.items(("villages",), ("name", "weight", "travel_min", "entrances")):
        entrances = []
        for eid, epath in r.items((*path, "entrances"), ("status", "shift", "camera")):
            status = r.string((*epath, "status"), choices=STATUSES)
            entrances.append(Entrance(eid, vid, status, _staffing(r, epath, shifts, status),
                                      r.boolean((*epath, "camera"), False)))
        villages.append(Village(vid, r.string((*path, "name"), vid), float(r.number((*path, "weight"), 1.0, low=0.0)),
                                float(r.number((*path, "travel_min"), 0.0, low=0.0)), tuple(entrances)))
    hotspots = []
    for hid, path in r.items(("hotspots",), ("name", "kind", "weight", "camera")):
        hotspots.append(Hotspot(hid, r.string((*path, "name"), hid), r.string((*path, "kind"), "hotspot"),
                                float(r.number((*path, "weight"), 1.0, low=0.0)), r.boolean((*path, "camera"), False)))
    return Township(tuple(gates), tuple(villages), tuple(hotspots))


def _volunteers(r: Reader, town: Township) -> tuple[Volunteers, ...]:
    staffed = {g.id for g in town.gates if g.status == "staffed"}
    staffed |= {e.id for e in town.entrances() if e.status == "staffed"}
    out = []
    for vid, path in r.items(("volunteers",), ("at", "from", "to", "staff", "day_types")):
        at = r.ids((*path, "at"), staffed, "staffed gate or entrance")
        types = r.get((*path, "day_types"))
        types = list(DAY_TYPES) if types is MISSING else types
        if not isinstance(types, list) or any(t not in DAY_TYPES for t in types):
            r.fail((*path, "day_types"), "scenario.choice", f"expected a list of: {', '.join(DAY_TYPES)}")
            types = list(DAY_TYPES)
        start, end = r.clock((*path, "from")), r.clock((*path, "to"))
        if end <= start:
            r.fail((*path, "to"), "scenario.range", "a volunteer window must end after it starts, the same day")
        out.append(Volunteers(vid, tuple(map(str, at)), start, end,
                              int(r.number((*path, "staff"), low=1, integer=True)), tuple(types)))
    return tuple(out)


def _patrols(r: Reader, town: Township) -> tuple[tuple[Patrol, ...], Cameras]:
    sites = {e.id for e in town.entrances()} | {h.id for h in town.hotspots}
    patrols = []
    for pid, path in r.items(("patrols",), ("team", "route", "leg_min", "windows", "detect")):
        route = r.ids((*path, "route"), sites, "entrance or hotspot")
        legs = r.get((*path, "leg_min"))
        legs = [float(r.number((*path, "leg_min", i), low=0.1)) for i in range(len(legs))] \
            if isinstance(legs, list) else [float(r.number((*path, "leg_min"), low=0.1))]
        windows = r.get((*path, "windows"))
        if not isinstance(windows, list) or not windows:
            r.fail((*path, "windows"), "scenario.type", "expected a list of {from, to} windows")
            windows = []
        spans = []
        for i in range(len(windows)):
            r.mapping((*path, "windows", i), ("from", "to"), required=True)
            spans.append((r.clock((*path, "windows", i, "from")), r.clock((*path, "windows", i, "to"))))
        patrols.append(Patrol(pid, int(r.number((*path, "team"), low=1, integer=True)), tuple(map(str, route)),
                              tuple(legs or [1.0]), tuple(spans), r.share((*path, "detect"), 0.8)))
    r.mapping(("cameras",), ("from", "to", "detect", "response_min"))
    watched = frozenset({e.id for e in town.entrances() if e.camera} | {h.id for h in town.hotspots if h.camera})
    cameras = Cameras(watched, r.clock(("cameras", "from"), 20 * 60), r.clock(("cameras", "to"), 6 * 60),
                      r.share(("cameras", "detect"), 0.5), float(r.number(("cameras", "response_min"), 15.0, low=0.0)))
    return tuple(patrols), cameras


def _profile(r: Reader, path: PathT, profiles: Mapping[str, tuple[float, ...]]) -> tuple[float, ...]:
    value = r.get(path)
    if isinstance(value, str):
        if value not in profiles:
            r.fail(path, "scenario.reference", f"unknown profile {value!r} (known: {', '.join(profiles) or 'none'})")
            return (1 / 24,) * 24
        return profiles[value]
    if not isinstance(value, list) or len(value) != 24:
        r.fail(path, "scenario.profile", "expected a profile name or a list of 24 hourly weights")
        return (1 / 24,) * 24
    weights = [float(r.number((*path, i), low=0.0)) for i in range(24)]
    total = sum(weights)
    if total <= 0:
        r.fail(path, "scenario.range", "a profile's weights must not all be zero")
        return (1 / 24,) * 24
    return tuple(w / total for w in weights)


def _vocabulary(r: Reader, path: PathT, value: str, policy: GatePolicy, pack: Pack | None,
                attribute: str) -> None:
    """Report *value* (a stream's role or quarantine status) when the pack does not declare it."""
    decl = input_of(policy, pack, attribute)
    if decl is not None and pack is not None and value not in decl.values:
        r.fail(path, "scenario.vocabulary", undeclared(value, decl, pack, policy.decision))


def _streams(r: Reader, town: Township, policy: GatePolicy, pack: Pack | None) -> tuple[Stream, ...]:
    profiles = {}
    for name in r.mapping(("profiles",)):
        profiles[str(name)] = _profile(r, ("profiles", name), {})
    gate_ids = tuple(g.id for g in town.gates)
    village_ids = tuple(v.id for v in town.villages)
    hotspot_ids = tuple(h.id for h in town.hotspots)
    by_weight = tuple((v.id, v.weight) for v in town.villages if v.weight > 0)
    total = sum(w for _, w in by_weight) or 1.0
    out = []
    for sid, p in r.items(("streams",), STREAM_FIELDS):
        role = r.string((*p, "role"))
        _vocabulary(r, (*p, "role"), role, policy, pack, "role")
        route = r.string((*p, "route"), choices=ROUTES)
        r.mapping((*p, "volume"), DAY_TYPES, required=True)
        volume = {t: float(r.number((*p, "volume", t), 0.0, low=0.0)) for t in DAY_TYPES}
        occupancy = r.get((*p, "occupancy"))
        if isinstance(occupancy, dict):
            r.mapping((*p, "occupancy"), ("mean", "max"))
            occ_mean = float(r.number((*p, "occupancy", "mean"), low=1.0, high=10.0))
            occ_max = int(r.number((*p, "occupancy", "max"), max(1, round(occ_mean * 2)), low=1, high=10, integer=True))
        else:
            occ_mean = float(r.number((*p, "occupancy"), 1.0, low=1.0, high=10.0))
            occ_max = max(1, round(occ_mean * 2))
        r.mapping((*p, "temperature"), ("mean", "sd", "fever_share", "fever_c", "persists"))
        t = (*p, "temperature")
        temperature = Temperature(float(r.number((*t, "mean"), 36.5, low=35.0, high=37.2)),
                                  float(r.number((*t, "sd"), 0.25, low=0.0, high=2.0)),
                                  r.share((*t, "fever_share"), 5e-4),
                                  float(r.number((*t, "fever_c"), 37.3, low=36.0, high=39.0)),
                                  r.share((*t, "persists"), 0.3))
        r.mapping((*p, "behaviour"), ("comply", "closed_entrance", "hotspot"))
        b = (*p, "behaviour")
        behaviour = Behaviour(r.share((*b, "comply"), 1.0), r.share((*b, "closed_entrance"), 0.0),
                              r.share((*b, "hotspot"), 0.0))
        if r.get(b) is not MISSING and abs(behaviour.comply + behaviour.closed_entrance + behaviour.hotspot - 1) > 1e-6:
            r.fail(b, "scenario.range", "behaviour shares must add up to 1")
        gates = r.shares((*p, "gates"), gate_ids)
        if route == "township" and not gates:
            r.fail(p, "scenario.missing", "a township stream needs gates: {gate id: share}")
        villages = r.shares((*p, "villages"), village_ids, tuple((v, w / total) for v, w in by_weight))
        if route in ("village", "outbound") and not villages:
            r.fail(p, "scenario.missing", f"a {route} stream needs villages")
        outsider = r.boolean((*p, "outsider"), role in policy.outsiders)
        quarantine = r.shares((*p, "quarantine"), None, ())
        for status, _ in quarantine:
            _vocabulary(r, (*p, "quarantine", status), status, policy, pack, "quarantine")
        if not quarantine:
            quarantine = ((policy.unobserved, 1.0),)
        bound = r.get((*p, "bound_per_h"))
        out.append(Stream(
            id=sid, role=role, route=route, volume=volume, profile=_profile(r, (*p, "profile"), profiles),
            occupancy_mean=occ_mean, occupancy_max=occ_max, has_pass=r.share((*p, "has_pass"), 0.0),
            quarantine=quarantine, temperature=temperature,
            origin=r.shares((*p, "origin"), None, (("local", 1.0),)), gates=gates, villages=villages,
            hotspots=r.shares((*p, "hotspots"), hotspot_ids), behaviour=behaviour,
            dwell_min=r.distribution((*p, "dwell_min"), Distribution.constant(0.0)),
            bound_per_h=None if bound is MISSING else float(r.number((*p, "bound_per_h"), low=0.001)),
            outsider=outsider))
    return tuple(out)


def _targets(r: Reader) -> tuple[Target, ...]:
    spec = r.mapping(("targets",), tuple(TARGETS))
    return tuple(Target(k, TARGETS[k], float(r.number(("targets", k), low=0.0))) for k in spec if k in TARGETS)


def _pack(root: str) -> Pack:
    """The pack at *root*, loaded once per content (a sweep loads one scenario per variant)."""
    files = sorted(Path(root).rglob("*.yaml"))
    return _pack_version(root, tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files))


@functools.lru_cache(maxsize=4)
def _pack_version(root: str, stamp: tuple[tuple[str, int, int], ...]) -> Pack:
    return load_pack(root)


def _build(r: Reader, path: Path) -> Scenario:
    shifts = _shifts(r)
    town = _township(r, shifts)
    patrols, cameras = _patrols(r, town)
    r.mapping(("evasion",), ("walk_min", "crossing_min"))
    pack = r.string(("pack",))
    loaded = None
    if pack and not Path(pack).is_dir():
        r.fail(("pack",), "scenario.pack", f"no policy pack folder at {pack}")
    elif pack:
        loaded = _pack(pack)        # a broken pack is reported here, before any worker starts
    policy = read_gate_policy(r, loaded) or GatePolicy("", {}, {}, {})
    return Scenario(
        name=r.string(("name",), path.stem), title=r.string(("title",), path.stem),
        source=str(path), files=tuple(reversed(r.source.files)), pack=pack, gate_policy=policy,
        engine=r.string(("engine",), "durable", ("durable", "reference")),
        seed=int(r.number(("seed",), 1, low=0, integer=True)),
        replications=int(r.number(("replications",), 30, low=1, integer=True)),
        horizon=_horizon(r), shifts=shifts, volunteers=_volunteers(r, town),
        service=_distributions(r, tuple(policy.outcomes)), township=town, patrols=patrols, cameras=cameras,
        streams=_streams(r, town, policy, loaded),
        evasion=Evasion(float(r.number(("evasion", "walk_min"), 15.0, low=0.0)),
                        float(r.number(("evasion", "crossing_min"), 10.0, low=0.0))),
        road_block_queue=int(r.number(("road_block_queue",), 15, low=1, integer=True)),
        sample_min=float(r.number(("sample_min",), 10.0, low=1.0)), targets=_targets(r))
