"""The scenario file format (docs/scenarios.md), defined once.

The loader checks a merged scenario's structure against :class:`ScenarioDoc`
(:mod:`simulate.scenario_check`) and ``policysim scenario schema`` writes its JSON Schema
(:mod:`simulate.scenario_json_schema`), so the two cannot disagree. What needs more than one
field or the pack (ids that must exist, the pack's vocabulary, shares that must add up, a
uniform's low ≤ high) is checked afterwards, by the loader (:mod:`simulate.scenario`).

Every value type (:mod:`simulate.scenario_values`) is a plain validator beside its JSON
Schema, so its error message is ours: ``expected a number, got 'lots'``, ``0 is out of range:
expected at least 1``.
"""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import (
    Discriminator,
    Field,
    StrictBool,
    StrictStr,
    Tag,
    TypeAdapter,
)

from policy.formats import Strict

from .demand import ROUTES
from .gate_policy import MEANINGS
from .horizon import DAY_TYPES
from .network import LINK_KINDS, PLACE_KINDS
from .scenario_format_origin import Attribute, CloseContactsDoc, OriginAttribute
from .scenario_values import (
    MAX_CV,
    MAX_DAYS,
    MAX_MINUTES,
    MAX_RATE_PER_H,
    MAX_REPLICATIONS,
    MAX_VOLUME,
    At,
    Clock,
    Date,
    Id,
    Minutes,
    NonNegative,
    Share,
    Shares,
    Start,
    Weight,
    _fail,
    _kind_of,
    _value,
    choice,
    either,
    number,
    show,
)
from .season_policy import MODEL_INPUTS
from .township import STATUSES

# A trend multiplies a day type's volume; beyond 100× the day type's volume no longer says what
# the stream is (state a bigger volume and a smaller multiplier).
MAX_TREND = 100.0
TARGETS = {"p95_wait_min": "all.wait_p95_min", "max_wait_min": "all.wait_max_min",
           "max_queue": "all.queue_max", "blocked_min": "all.blocked_min",
           "leaks_per_day": "all.leaks_per_day", "unfinished": "all.unfinished",
           "entries_per_day": "all.entries_per_day",
           "resident_crossings_per_day": "all.resident_crossings_per_day",
           "observation_exits_per_day": "all.observation_exits_per_day",
           "village_person_min_per_day": "all.village_person_min_per_day",
           "hill_person_min_per_day": "all.hill_person_min_per_day"}


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
    end: Date = Field(None, description="the last simulated day, inclusive: instead of days or hours")
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


class CarryIn(Strict):
    """代送: after goods are handled at a village entrance, a staff member carries them in."""

    share: Share
    minutes: Dist
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
    carry_in: CarryIn = Field(None, description="default: staff never leave the post")


class Gate(Strict):
    status: choice(STATUSES)
    shift: StrictStr = Field(None)
    detour_to: StrictStr = Field(None)
    detour_min: Minutes = 0.0
    name: StrictStr = ""
    round_min: Minutes = Field(None, description="network: minutes on foot round a closed gate's barrier "
                                                 "(default: it cannot be got round)")
    at: At = Field(None)


class Township(Strict):
    gates: dict[Id, Gate] = {}


class Entrance(Strict):
    status: choice(STATUSES)
    shift: StrictStr = Field(None)
    camera: StrictBool = False
    opens_to: StrictStr = Field(None, description="network: the place (junction, fields) it opens onto")
    round_min: Minutes = Field(None, description="network: minutes on foot round its barrier when closed")
    at: At = Field(None)


class Village(Strict):
    name: StrictStr = Field(None, description="default: the village id")
    weight: Weight = 1.0
    travel_min: Minutes = Field(None, description="default 0; with network: the links decide it")
    entrances: dict[Id, Entrance] = {}
    at: At = Field(None)


class Hotspot(Strict):
    name: StrictStr = Field(None, description="default: the hotspot id")
    kind: StrictStr = "hotspot"
    weight: Weight = 1.0
    camera: StrictBool = False
    at: At = Field(None)


class Place(Strict):
    """A node of the network that is not a gate, village, entrance or hotspot."""

    kind: choice(PLACE_KINDS)
    name: StrictStr = ""
    village: StrictStr = Field(None, description="the village a fields place lies outside (fields only)")
    at: At = Field(None)


class Link(Strict):
    """An undirected link: minutes by car on a road, on foot on a path."""

    from_: StrictStr = Field(alias="from")
    to: StrictStr
    minutes: Minutes
    kind: choice(LINK_KINDS)
    camera: StrictBool = False


class Network(Strict):
    """The township as a graph (docs/scenarios.md, Network)."""

    places: dict[Id, Place] = {}
    links: dict[Id, Link] = {}


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


class NeighbourWatch(Window):
    """邻里守望: residents watching a village's closed entrances in their hours."""

    detect: Share


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


class Avoid(Strict):
    """A share of the stream's parties arriving in [from, to) avoid the gates from the start."""

    share: Share
    from_: Clock = Field(alias="from")
    to: Clock


class Behaviour(Strict):
    comply: Share = Field(None, description="default: the rest, 1 - closed_entrance - hotspot")
    closed_entrance: Share = 0.0
    hotspot: Share = 0.0
    tolerance_min: number(above=0.0, high=MAX_MINUTES) = 30.0
    avoid: Avoid = Field(None)


MAX_QUEUE = 10_000           # parties waiting: far past any road's length


class Queue(Strict):
    """How a stream's parties treat a queue at a staffed gate: balking and patience."""

    balk_from: number(0, MAX_QUEUE, integer=True) = Field(None, description="give with balk_to")
    balk_to: number(0, MAX_QUEUE, integer=True) = Field(None, description="give with balk_from")
    patience_min: Dist = Field(None, description="default: waits as long as it takes")


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
    away_min: Dist = Field(None, description="residents' round trip: minutes out before arriving")
    save_min: Minutes = 5.0
    meet_min: Dist = 0.0
    queue: Queue = Field(None, description="default: joins every queue and waits")
    trend: dict[Date, number(0.0, MAX_TREND)] = Field(
        None, description="multiplier on volume by date, linear between the dates (simulate/demand.py)")
    limit: dict[Date, number(0.0, MAX_VOLUME)] = Field(
        None, description="at most this many parties a day from each date on (0: closed)")


# --- observed figures (simulate/history_matching.py) ----------------------------------------

class Observed(Strict):
    """A figure observed on the ground, with its uncertainty and where it comes from."""

    metric: StrictStr = Field(description="a replication metric, e.g. all.entries_per_day")
    value: NonNegative
    sd: number(above=0.0) = Field(description="observation error and model discrepancy, one sd")
    source: StrictStr = Field(description="a docs/sources.md entry id")


# --- the season: returners and the two decisions they meet (docs/model.md, "The season") --

class SeasonPolicyDoc(Strict):
    """How the model asks the pack one of the season's decisions: the pack's input for each
    thing the model works out itself, and what each outcome means to the model."""

    decision: StrictStr
    inputs: dict[choice(MODEL_INPUTS), StrictStr] = Field(
        json_schema_extra={"propertyNames": {"enum": list(MODEL_INPUTS)}})
    outcomes: dict[StrictStr, StrictStr]
    at_gate: dict[StrictStr, StrictStr] = Field(
        {}, description="quarantine_policy: each outcome's gate_policy quarantine value")


class ReturnPeriod(Strict):
    from_: Date = Field(alias="from")
    to: Date
    weight: Weight


class HomeServiceDoc(Strict):
    """The villages' home-service teams (五包一, docs/scenarios.md "The season"): the capacity line."""

    people_per_village: number(1, 100, integer=True)
    minutes_per_day: number(0.0, 1440.0) = Field(description="minutes each gives to visits a day")


class ReturnersDoc(Strict):
    """Residents away at the Spring Festival and how they behave (docs/scenarios.md)."""

    count: number(0, 100_000, integer=True)
    arrive_as: StrictStr = Field(description="the stream a returner's party is made like (replaced)")
    go_out_as: StrictStr = Field(description="the stream observed residents going out are made like (replaced)")
    origin: Shares
    necessity: Shares
    villages: Shares = Field(None, description="default: the villages' weights")
    attributes: dict[StrictStr, Attribute] = Field(
        {}, description="other inputs by pack field name: a bool's share true, an enum's shares")
    by_origin: dict[StrictStr, dict[StrictStr, OriginAttribute]] = Field(
        {}, description="per origin, attributes' tables replaced (an enum's adding up to 1)")
    close_contacts: CloseContactsDoc = Field(None, description="default: nobody had contact with a case")
    return_dates: list[ReturnPeriod] = Field(min_length=1)
    defer_share: Share
    ask_again_days: number(1, 365, integer=True)
    fever_per_day: Share
    symptoms_per_day: Share
    referral_days: number(1, 60, integer=True)
    visits_per_day: number(0, 10, integer=True) = 2
    visit_min: number(0.1, 120.0)
    exit_per_day: Share
    decide_at: Clock = 0
    home_service: HomeServiceDoc = Field(None, description="default: no capacity line")


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
    neighbour_watch: dict[Id, NeighbourWatch] = {}
    evasion: Evasion = Evasion()
    network: Network = Field(None, description="default: the graph implied by travel_min and evasion")
    profiles: dict[Id, Weights] = {}
    streams: dict[Id, Stream] = {}
    observed: dict[Id, Observed] = Field({}, description="figures observed on the ground (history matching)")
    returners: ReturnersDoc = Field(None, description="the season's returner population")
    return_policy: SeasonPolicyDoc = Field(None, description="how returners ask return_deferral")
    quarantine_policy: SeasonPolicyDoc = Field(None, description="how statuses ask quarantine_status")


SCENARIO = TypeAdapter(ScenarioDoc)
