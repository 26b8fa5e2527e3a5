"""The scenario file format (docs/scenarios.md), defined once.

The loader checks a merged scenario's structure against :class:`ScenarioDoc`
(:mod:`simulate.scenario_check`) and ``policysim scenario schema`` writes its JSON Schema
(:mod:`simulate.scenario_json_schema`), so the two cannot disagree. What needs more than one
field or the pack (ids that must exist, the pack's vocabulary, shares that must add up, a
uniform's low ≤ high) is checked afterwards, by the loader (:mod:`simulate.scenario`).

Every value type is a plain validator beside its JSON Schema, so its error message is ours:
``expected a number, got 'lots'``, ``0 is out of range: expected at least 1``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, Union

from pydantic import (
    Discriminator,
    Field,
    PlainValidator,
    StrictBool,
    StrictStr,
    Tag,
    TypeAdapter,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from policy.formats import Strict, tagged

from .demand import ROUTES
from .gate_policy import MEANINGS
from .horizon import DAY_TYPES
from .township import STATUSES

ID_PATTERN = r"^[A-Za-z0-9_.-]+$"
CLOCK_PATTERN = r"^(([01]?\d|2[0-3]):[0-5]\d|24:00)$"
DATE_PATTERN = r"^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
START_PATTERN = r"^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?)?$"
# Bounds: every number a scenario holds is finite and within these, checked before any work.
MAX_DAYS = 120               # the season policysim models runs February–April; arrays grow with days
MAX_MINUTES = MAX_DAYS * 1440.0  # any duration in minutes (dwell, detour, warm-up …): the longest horizon
MAX_SERVICE_S = 86400.0      # one party's screening taking more than a day is a typing error, not a checkpoint
MAX_VOLUME = 1e5             # parties a day per stream: ~70 a minute, far past any road into the township
MAX_RATE_PER_H = MAX_VOLUME  # a thinning bound above a whole day's largest volume in one hour is never needed
MAX_CV = 10.0                # lognormal spread: beyond this the quantiles overflow and say nothing about a queue
MAX_WEIGHT = 1e9            # a relative weight or share: sums of a few stay finite and exact enough
MAX_REPLICATIONS = 10_000    # 95 % intervals stop narrowing usefully long before; each costs a full run
SEXAGESIMAL = r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$"
TARGETS = {"p95_wait_min": "all.wait_p95_min", "max_wait_min": "all.wait_max_min",
           "max_queue": "all.queue_max", "blocked_min": "all.blocked_min",
           "leaks_per_day": "all.leaks_per_day", "unfinished": "all.unfinished",
           "entries_per_day": "all.entries_per_day",
           "resident_crossings_per_day": "all.resident_crossings_per_day",
           "observation_exits_per_day": "all.observation_exits_per_day",
           "village_person_min_per_day": "all.village_person_min_per_day",
           "hill_person_min_per_day": "all.hill_person_min_per_day"}


def show(value: Any) -> str:
    """A value as it appears in messages (short)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _value(check: Callable[[Any], Any], json: dict[str, Any], python: Any = Any) -> Any:
    """A value type: *check* returns the value to keep or raises our error; *json* describes it."""
    return Annotated[python, PlainValidator(check), WithJsonSchema(json)]


def _fail(code: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(code, message)


def number_hint(value: Any) -> str:
    """Why a string was not read as a number, when YAML 1.1 is the reason (else "")."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if re.fullmatch(SEXAGESIMAL, text):
        return (" (YAML 1.1 reads unquoted H:MM as a base-60 number, so it is ambiguous here: "
                "write the number itself)")
    match = re.fullmatch(r"([-+]?)(\d+)(?:\.(\d*))?[eE]([-+]?)(\d+)", text)
    if match:
        sign, whole, frac, exp_sign, exp = match.groups()
        return (f" (YAML 1.1 reads {text} as text: write {sign}{whole}.{frac or '0'}"
                f"e{exp_sign or '+'}{exp})")
    return ""


def number(low: float | None = None, high: float | None = None, above: float | None = None,
           integer: bool = False) -> Any:
    """A finite number (a whole one with *integer*) ≥ *low*, ≤ *high*, > *above*."""
    kind = "an integer" if integer else "a number"

    def check(value: Any) -> int | float:
        fits = isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)
                                          and (value.is_integer() or not integer))
        if isinstance(value, bool) or not fits:
            raise _fail("scenario.type", f"expected {kind}, got {show(value)}{number_hint(value)}")
        if (low is not None and value < low) or (high is not None and value > high) \
                or (above is not None and value <= above):
            bounds = (f"more than {above}" + (f" and at most {high:g}" if high is not None else "")
                      if above is not None else
                      f"between {low} and {high:g}" if high is not None else f"at least {low}")
            raise _fail("scenario.range", f"{value} is out of range: expected {bounds}")
        return int(value) if integer else float(value)   # 2.0 is an integer, as in JSON Schema
    bounds = {k: v for k, v in (("minimum", low), ("maximum", high), ("exclusiveMinimum", above))
              if v is not None}
    return _value(check, {"type": "integer" if integer else "number", **bounds}, int if integer else float)


def choice(options: tuple[str, ...]) -> Any:
    """One of *options*."""
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise _fail("scenario.type", f"expected a string, got {show(value)}")
        if value not in options:
            raise _fail("scenario.choice", f"{value!r} is not one of: {', '.join(options)}")
        return value
    return _value(check, {"enum": list(options)}, str)


def _id(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(ID_PATTERN, value):
        raise _fail("scenario.id", f"bad id {value!r}: use letters, digits, '-', '_', '.'")
    return value


def _clock(value: Any) -> int:
    """Minute of the day of "HH:MM" ("24:00" is the end of the day). A bare number is refused:
    ``6`` may mean 06:00 or minute 6. (Unquoted 20:00, which YAML 1.1 reads as the base-60
    number 1200, reaches here as the text "20:00": :mod:`simulate.scenario` restores it.)"""
    match = re.match(CLOCK_PATTERN, value) if isinstance(value, str) else None
    if not match:
        hint = " (quote it)" if isinstance(value, int | float) and not isinstance(value, bool) else ""
        if isinstance(value, str) and re.fullmatch(r"24:[0-5]\d", value):
            raise _fail("scenario.clock", f"{value!r} is not a time of day: hours run 00–23, "
                                          "and only \"24:00\" (the end of the day) may say 24")
        raise _fail("scenario.clock", f"expected a time of day \"HH:MM\"{hint}, got {show(value)}")
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(DATE_PATTERN, value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _fail("scenario.date", f"expected a date YYYY-MM-DD, got {show(value)}")


def _start(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, str) and re.fullmatch(START_PATTERN, value):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise _fail("scenario.date", f"expected a date-time like 2020-03-14T00:00, got {show(value)}")


if TYPE_CHECKING:  # what each checked value is, for the type checker
    Id: TypeAlias = str
    Clock: TypeAlias = int
    Date: TypeAlias = dt.date
    Start: TypeAlias = dt.datetime
    NonNegative: TypeAlias = float
    Weight: TypeAlias = float
    Minutes: TypeAlias = float
    Share: TypeAlias = float
else:
    Id = _value(_id, {"type": "string", "pattern": ID_PATTERN}, str)
    Clock = _value(_clock, {"type": "string", "pattern": CLOCK_PATTERN}, int)
    Date = _value(_date, {"type": "string", "format": "date", "pattern": DATE_PATTERN}, dt.date)
    Start = _value(_start, {"type": "string", "pattern": START_PATTERN}, dt.datetime)
    NonNegative = number(0.0)
    Weight = number(0.0, MAX_WEIGHT)
    Minutes = number(0.0, MAX_MINUTES)
    Share = number(0.0, 1.0)
Shares = dict[StrictStr, Weight]            # {name: weight}, normalised by the loader


def _kind_of(value: Any) -> str | None:
    """The member of a number-or-something union a value means (``None``: neither)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "<number>"
    kinds: dict[type, str] = {dict: "<mapping>", list: "<list>", str: "<name>"}
    return kinds.get(type(value))


def either(code: str, expected: str, *members: tuple[str, Any]) -> Any:
    """A union whose member is chosen by the value's kind (number, mapping, list, name), so an
    error names the one meant; a value of no member's kind is *code*."""
    return tagged(_kind_of, *members, custom_error_type=code, custom_error_message=expected)


# --- distributions ------------------------------------------------------------------------

class ConstantDist(Strict):
    dist: choice(("constant",))
    value: NonNegative


class ExponentialDist(Strict):
    dist: choice(("exponential",))
    mean: number(above=0.0)


class UniformDist(Strict):
    dist: choice(("uniform",))
    low: NonNegative
    high: NonNegative


class TriangularDist(Strict):
    dist: choice(("triangular",))
    low: NonNegative
    mode: NonNegative
    high: NonNegative


class LognormalDist(Strict):
    dist: choice(("lognormal",))
    mean: number(above=0.0)
    cv: number(0.0, MAX_CV)


DISTRIBUTIONS: dict[str, type[Strict]] = {"constant": ConstantDist, "exponential": ExponentialDist,
                                          "uniform": UniformDist, "triangular": TriangularDist,
                                          "lognormal": LognormalDist}


def _dist_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        kind = value.get("dist")
        return f"<{kind}>" if isinstance(kind, str) and kind in DISTRIBUTIONS else None
    return _kind_of(value) if _kind_of(value) == "<number>" else None


DIST_ERROR = "scenario.distribution"
Dist = Annotated[Union[(Annotated[NonNegative, Tag("<number>")],
                        *(Annotated[m, Tag(f"<{k}>")] for k, m in DISTRIBUTIONS.items()))],
                 Discriminator(_dist_kind, custom_error_type=DIST_ERROR,
                               custom_error_message="expected a number or {dist: …}"),
                 Field(description="a number (a constant) or {dist: constant|exponential|uniform|"
                                   "triangular|lognormal, …parameters}")]


# --- sections -----------------------------------------------------------------------------

class Inputs(Strict):
    """The decision's input field for each thing the model knows about a person."""

    level: StrictStr
    role: StrictStr
    has_pass: StrictStr
    temperature: StrictStr
    quarantine: StrictStr


class Levels(Strict):
    """The level input's value at each kind of staffed gate (:data:`~simulate.gate_policy.LEVELS`)."""

    township: StrictStr
    village: StrictStr


class GatePolicyDoc(Strict):
    """How the model asks the pack at a staffed gate, and what each outcome means to it."""

    decision: StrictStr
    inputs: Inputs
    levels: Levels
    outcomes: dict[StrictStr, choice(MEANINGS)]
    undecided: StrictStr = Field(None)
    observed: list[StrictStr] = []
    unobserved: StrictStr
    outsiders: list[StrictStr] = []


class Horizon(Strict):
    start: Start
    days: number(0.01, MAX_DAYS) = Field(None, description="default 2")
    hours: number(0.01, MAX_DAYS * 24) = Field(None, description="instead of days (a file states one)")
    warmup_min: Minutes = 0.0


class Window(Strict):
    from_: Clock = Field(alias="from")
    to: Clock


class Shift(Window):
    staff: number(0, integer=True)


class Volunteers(Window):
    at: list[StrictStr] = Field(min_length=1)
    staff: number(1, integer=True)
    day_types: list[choice(DAY_TYPES)] = list(DAY_TYPES)


# --- roster (simulate/roster.py) ------------------------------------------------------------

MAX_PEOPLE = 3000            # people in one pool: 熊儿寨's residents number 2,859
SHIFT_HOURS = (8, 12)        # the rotations A-staffing reports: 3 × 8 h or 2 × 12 h


def _shift_hours(value: Any) -> int:
    if isinstance(value, bool) or value not in SHIFT_HOURS:
        raise _fail("scenario.choice", f"{show(value)} is not one of: 8, 12 (hours of a shift)")
    return int(value)


class RosterPool(Strict):
    people: number(1, MAX_PEOPLE, integer=True)
    posts: list[Id] = Field(min_length=1, description="staffed gate or entrance ids, or a village id "
                                                      "(all its staffed entrances)")


class RosterChief(Window):
    posts: list[Id] = Field(min_length=1, description="as a pool's posts; one an hour, in turn")


class Roster(Strict):
    shift_hours: _value(_shift_hours, {"enum": list(SHIFT_HOURS)}, int) = 8
    rest_hours: number(0.0, 48.0) = 16.0
    pools: dict[Id, RosterPool] = Field(min_length=1)
    chiefs: dict[Id, RosterChief] = {}


class Service(Strict):
    by_outcome: dict[StrictStr, Dist]
    per_extra_person: Dist = 0.0
    retest: Dist = 90.0
    retest_after_min: Minutes = 10.0


class Gate(Strict):
    status: choice(STATUSES)
    shift: StrictStr = Field(None)
    detour_to: StrictStr = Field(None)
    detour_min: Minutes = 0.0
    name: StrictStr = ""


class Township(Strict):
    gates: dict[Id, Gate] = {}


class Entrance(Strict):
    status: choice(STATUSES)
    shift: StrictStr = Field(None)
    camera: StrictBool = False


class Village(Strict):
    name: StrictStr = Field(None, description="default: the village id")
    weight: Weight = 1.0
    travel_min: Minutes = 0.0
    entrances: dict[Id, Entrance] = {}


class Hotspot(Strict):
    name: StrictStr = Field(None, description="default: the hotspot id")
    kind: StrictStr = "hotspot"
    weight: Weight = 1.0
    camera: StrictBool = False


class Patrol(Strict):
    team: number(1, integer=True)
    route: list[StrictStr] = Field(min_length=1)
    leg_min: either("scenario.type", "expected a number or a list of numbers",
                    ("<number>", number(0.1, MAX_MINUTES)), ("<list>", list[number(0.1, MAX_MINUTES)]))
    windows: list[Window] = Field(min_length=1)
    detect: Share = 0.8


class Cameras(Strict):
    from_: Clock = Field(20 * 60, alias="from")
    to: Clock = 6 * 60
    detect: Share = 0.5
    response_min: Minutes = 15.0


class Evasion(Strict):
    walk_min: Minutes = 15.0
    crossing_min: Minutes = 10.0


Weights = Annotated[list[Weight], Field(min_length=24, max_length=24)]
Profile = either("scenario.profile", "expected a profile name or a list of 24 hourly weights",
                 ("<name>", StrictStr), ("<list>", Weights))


class Volume(Strict):
    weekday: number(0.0, MAX_VOLUME) = 0.0
    weekend: number(0.0, MAX_VOLUME) = 0.0
    holiday: number(0.0, MAX_VOLUME) = 0.0


class Occupancy(Strict):
    mean: number(1.0, 10.0)
    max: number(1, 10, integer=True) = Field(None, description="default: twice the mean")


class Temperature(Strict):
    mean: number(35.0, 37.2) = 36.5
    sd: number(0.0, 2.0) = 0.25
    fever_share: Share = 5e-4
    fever_c: number(36.0, 39.0) = 37.3
    persists: Share = 0.3


class Behaviour(Strict):
    comply: Share = 1.0
    closed_entrance: Share = 0.0
    hotspot: Share = 0.0


class Stream(Strict):
    role: StrictStr
    route: choice(ROUTES)
    volume: Volume
    profile: Profile
    occupancy: either("scenario.type", "expected a number or {mean, max}",
                      ("<number>", number(1.0, 10.0)), ("<mapping>", Occupancy)) = 1.0
    has_pass: Share = 0.0
    quarantine: Shares = Field(None, description="default: gate_policy.unobserved")
    temperature: Temperature = Temperature()
    origin: Shares = Field(None, description="default: {local: 1}")
    gates: Shares = Field(None)
    villages: Shares = Field(None, description="default: the villages' weights")
    hotspots: Shares = Field(None)
    behaviour: Behaviour = Field(None)
    dwell_min: Dist = 0.0
    bound_per_h: number(0.001, MAX_RATE_PER_H) = Field(None)
    outsider: StrictBool = Field(None, description="default: true for gate_policy.outsiders")


class ScenarioDoc(Strict):
    """A scenario after ``extends:`` is merged (docs/scenarios.md)."""

    extends: StrictStr = Field(None, description="base scenario, relative to this file")
    name: StrictStr = Field(None, description="default: the file name")
    title: StrictStr = Field(None, description="default: the file name")
    pack: StrictStr
    gate_policy: GatePolicyDoc
    engine: choice(("durable", "reference")) = "durable"
    seed: number(0, integer=True) = 1
    replications: number(1, MAX_REPLICATIONS, integer=True) = 30
    horizon: Horizon
    holidays: list[Date] = []
    road_block_queue: number(1, integer=True) = 15
    sample_min: number(1.0) = 10.0
    targets: dict[choice(tuple(TARGETS)), NonNegative] = Field(
        {}, json_schema_extra={"propertyNames": {"enum": list(TARGETS)}})
    shifts: dict[Id, Annotated[list[Shift], Field(min_length=1)]] = {}
    volunteers: dict[Id, Volunteers] = {}
    roster: Roster = Field(None, description="who holds the staffed posts (default: anonymous staff)")
    service: Service
    township: Township = Township()
    villages: dict[Id, Village] = {}
    hotspots: dict[Id, Hotspot] = {}
    patrols: dict[Id, Patrol] = {}
    cameras: Cameras = Cameras()
    evasion: Evasion = Evasion()
    profiles: dict[Id, Weights] = {}
    streams: dict[Id, Stream] = {}


SCENARIO = TypeAdapter(ScenarioDoc)
