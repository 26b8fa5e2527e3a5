"""The result contract: what one replication and one experiment produce.

``reports`` and users read these records (and the files :mod:`simulate.summary` writes from
them), never the model. They are small, picklable, frozen values; their field lists are
asserted in tests, so changing one is a visible decision. Times are minutes; counts of
parties unless a name says persons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

# Unscreened entries by the way they happened: round a closed village entrance, through an
# open one, over a hill path round a township gate, into the hills at a hotspot, out of
# observation, and returners slipping in unregistered (the night gap).
LEAK_PATHS = ("closed_entrance", "open_entrance", "hill_path", "hotspot", "observation_exit",
              "returner_unregistered")
# Paths by which an outsider enters a village unscreened (the ``entries`` measure).
ENTRY_PATHS = ("closed_entrance", "open_entrance", "hill_path")
# Who found an evader.
FINDERS = ("patrol", "camera", "neighbours")
# Lower edges of the wait histogram's bins, in minutes; the last bin is open-ended.
WAIT_BINS_MIN = (0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 60.0)


@dataclass(frozen=True)
class GateResult:
    """One staffed township gate or village entrance over one replication."""

    gate: str
    level: str                     # "township" | "village"
    village: str                   # "" for township gates
    arrivals: int                  # parties that joined the queue (re-tests included)
    persons: int
    wait_mean_min: float           # waits include the wait so far of the unfinished (below)
    wait_p95_min: float
    wait_max_min: float
    queue_mean: float              # time-average parties waiting
    queue_max: int                 # longest queue
    blocked_min: float             # minutes with the queue at or past the road-blocking length
    utilisation: float             # staff-minutes serving / staff-minutes on duty
    staff_min: float               # staff-minutes on duty
    outcomes: Mapping[str, int]    # party outcomes decided here
    wait_histogram: tuple[int, ...]  # parties by wait, bins from WAIT_BINS_MIN
    # Last, with defaults, so replications stored before they existed still read:
    unfinished: int = 0            # parties still queued, never served, when the horizon ends
    unstaffed_arrivals: int = 0    # parties that joined the queue while nobody was on duty
    balked: int = 0                # parties that saw the queue and turned round without joining
    reneged: int = 0               # parties that left the queue before service began (their wait counts to then)
    blocked_arrivals: int = 0      # parties arriving (joining or balking) with the queue at or past road_block_queue
    away_min: float = 0.0          # staff-minutes away from the post carrying goods in (代送)


@dataclass(frozen=True)
class QueueSeries:
    """Queue length at a gate sampled every *step_min* from time 0."""

    gate: str
    step_min: float
    lengths: tuple[int, ...]


@dataclass(frozen=True)
class StaffSeries:
    """Staff-minutes on duty and staff-minutes serving at a gate, per *step_min* from time 0."""

    gate: str
    step_min: float
    on_duty_min: tuple[float, ...]
    busy_min: tuple[float, ...]

    def utilisation(self) -> tuple[float, ...]:
        """Busy share of the staff on duty in each step (0 where nobody was on duty)."""
        return tuple(b / d if d > 0 else 0.0 for b, d in zip(self.busy_min, self.on_duty_min, strict=True))


@dataclass(frozen=True)
class Containment:
    """What got through and what was stopped, over one replication."""

    arrivals: int                  # parties of every stream
    persons: int
    turned_back: int               # parties turned back at a gate or a closed road
    held: int                      # parties still febrile at the re-test, referred to medical care
    handled_at_gate: int           # deliveries and visits dealt with at the gate
    evasions: int                  # attempts to get round a closed entrance or into the hills
    detected: int                  # evaders found (FINDERS); found inside a village after a camera's alert: a leak too
    leaks: Mapping[str, int]       # unscreened entries by path (LEAK_PATHS)
    outsider_person_min: float     # outsiders' person-minutes past the township gate, in a village or at a hotspot
    undecided: int                 # parties the policy left undecided (treated as turned back)
    # Last, with defaults, so replications stored before they existed still read:
    found_by: Mapping[str, int] = field(default_factory=dict)   # evaders found, by FINDERS
    resident_crossings: int = 0    # residents' unregistered crossings round closed entrances (fields, orchards)
    outsider_village_min: float = 0.0   # outsiders' person-minutes inside villages
    outsider_hills_min: float = 0.0     # outsiders' person-minutes on the hills and at hotspots
    leaks_by_site: Mapping[str, int] = field(default_factory=dict)  # unscreened entries by the site they passed

    @property
    def leaks_total(self) -> int:
        return sum(self.leaks.values())


@dataclass(frozen=True)
class ReplicationResult:
    """Everything one replication measured."""

    scenario: str
    replication: int
    seed: int
    days: float
    gates: tuple[GateResult, ...]
    containment: Containment
    rule_hits: Mapping[str, Mapping[str, int]]    # decision → deciding rule ("(default)") → persons
    queues: tuple[QueueSeries, ...]
    patrol_person_min: float
    staffing: tuple[StaffSeries, ...]
    # Last, with defaults, so replications stored before they existed still read (a season's;
    # empty without returners): one value per simulated day, from the horizon's first day.
    daily: Mapping[str, tuple[float, ...]] = field(default_factory=dict)   # simulate.observation series
    # decision → rule → persons per day
    rule_hits_daily: Mapping[str, Mapping[str, tuple[int, ...]]] = field(default_factory=dict)

    def metrics(self) -> dict[str, float]:
        """Flat ``name → value`` (``gate.<id>.<field>``, ``containment.<field>``, ``all.<field>``)."""
        out: dict[str, float] = {}
        for g in self.gates:
            for f in fields(GateResult):
                value = getattr(g, f.name)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    out[f"gate.{g.gate}.{f.name}"] = float(value)
        c = self.containment
        for f in fields(Containment):
            value = getattr(c, f.name)
            if isinstance(value, int | float):
                out[f"containment.{f.name}"] = float(value)
        for path in LEAK_PATHS:
            out[f"containment.leaks.{path}"] = float(c.leaks.get(path, 0))
        for finder in FINDERS:
            out[f"containment.found_by.{finder}"] = float(c.found_by.get(finder, 0))
        out["containment.leaks_total"] = float(c.leaks_total)
        out["containment.leaks_per_day"] = c.leaks_total / self.days
        out.update(self.overall())
        return out

    def overall(self) -> dict[str, float]:
        """Worst-gate figures the targets are stated in."""
        gates, c = self.gates, self.containment
        return {
            "all.wait_p95_min": max((g.wait_p95_min for g in gates), default=0.0),
            "all.wait_max_min": max((g.wait_max_min for g in gates), default=0.0),
            "all.queue_max": float(max((g.queue_max for g in gates), default=0)),
            "all.unfinished": float(sum(g.unfinished for g in gates)),
            "all.blocked_min": sum(g.blocked_min for g in gates),
            "all.leaks_per_day": self.containment.leaks_total / self.days,
            "all.entries_per_day": sum(c.leaks.get(p, 0) for p in ENTRY_PATHS) / self.days,
            "all.resident_crossings_per_day": c.resident_crossings / self.days,
            "all.observation_exits_per_day": c.leaks.get("observation_exit", 0) / self.days,
            "all.village_person_min_per_day": c.outsider_village_min / self.days,
            "all.hill_person_min_per_day": c.outsider_hills_min / self.days,
            "all.patrol_person_min": self.patrol_person_min,
            "all.staff_min": sum(g.staff_min for g in gates),
        }


@dataclass(frozen=True)
class Statistic:
    """One metric over the replications: mean, 95 % t-interval half-width, min, max."""

    metric: str
    n: int
    mean: float
    half_width: float
    min: float
    max: float


@dataclass(frozen=True)
class Verdict:
    """A target against its metric: holds when the whole 95 % interval is within the limit.

    *status* is "holds", "fails" (the whole interval is beyond the limit) or "unclear".
    """

    target: str
    metric: str
    limit: float
    mean: float
    half_width: float
    status: str


@dataclass(frozen=True)
class ExperimentResult:
    """An experiment: a scenario run for replications 0 … n-1 from one seed."""

    scenario: str
    title: str
    seed: int
    replications: tuple[ReplicationResult, ...]
    statistics: tuple[Statistic, ...]
    verdicts: tuple[Verdict, ...]
