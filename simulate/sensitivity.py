"""Sensitivity analysis: which of a scenario's assumptions move its target measures, and how much.

SALib builds the design over the assumptions' plausible ranges ``[low, high]`` — Morris
trajectories (elementary effects: μ*, σ) or Saltelli/Sobol samples (first-order S1 and total
ST) — and every design point is a *world*: the scenario loaded with those values
(:func:`simulate.load_scenario` ``world=``), run for replications ``0 … R-1`` from the scenario's
seed. Every world therefore sees the same visitors (common random numbers): an assumption no
measure reads changes nothing, and its μ* and ST are exactly zero, not noise.

Assumptions of one kind share a ``group:`` (the 46 closed entrances' walk-round minutes) and
move as one *factor* (SALib's ``groups``: a Morris trajectory has G + 1 points for G factors, a
Sobol sample G + 2); an assumption with no group is a factor of its own. Indices, tornado bars
and rankings are per factor, named by the group and listing its members.

Beside the design, the run has the tornado's worlds: the point values, and each assumption at
its low and at its high end with the others at their point values (2k + 1 worlds). All worlds go
through :func:`simulate.sweep.run_sweep`, so they run on any executor, each replication is stored
as it finishes and ``--resume`` reuses them exactly as ``sweep`` does; the analysis reads the
measures in replication order, so it is bit-identical for any executor and any number of jobs.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np

from policy.errors import FileFormatError, Location, error

from . import store
from .assumptions import Assumption, groups_of
from .estimates import metric_table
from .scenario import Scenario, Target, load_scenario
from .scenario_reader import Override
from .sensitivity_matching import Matching, match_points
from .sweep import OnResult, Plan, Storage, WorldSource, run_sweep
from .variants import Variant, scenario_digest
from .worlds import world_run

METHODS = ("morris", "sobol")
LEVELS = 4                      # Morris grid levels (SALib's default; Saltelli's advice for few trajectories)
RESAMPLES = 1000                # bootstrap resamples for the confidence intervals
CONFIDENCE = 0.95
# "Depends mostly on": the assumptions within this share of the largest index (at most three);
# "does not matter": an index at most this share of the largest (0 when it is exactly zero).
MOSTLY = 0.5
NEGLIGIBLE = 0.02
# A design point is a scenario load plus R replications: past this the run is days of work.
MAX_POINTS = 20_000
# The indices each method gives, as the tables name them.
FIELDS = {"morris": ("mu_star", "mu_star_ci", "sigma", "sigma_ci"), "sobol": ("s1", "s1_ci", "st", "st_ci")}
DESIGN = "design"
POINT = "point"
LOW = "low"
HIGH = "high"


@dataclass(frozen=True)
class Design:
    """The worlds SALib asks for: *values* row by row, one column per varied assumption."""

    method: str                                   # "morris" or "sobol"
    size: int                                     # trajectories (Morris) or base samples (Sobol)
    assumptions: tuple[Assumption, ...]           # the varied ones, in file order
    values: tuple[tuple[float, ...], ...]
    seed: int

    def problem(self) -> dict[str, Any]:
        """The SALib problem: names and bounds of the varied assumptions (and their groups, when any
        factor has more than one member)."""
        return problem_of(self.assumptions)

    def factors(self) -> dict[str, tuple[Assumption, ...]]:
        """The factors moved: group (or lone assumption) → its members, in order of first mention."""
        return groups_of(self.assumptions)

    def identity(self) -> tuple[str, ...]:
        """What a stored replication must have been run for to be reused by ``--resume``."""
        grouped = "groups" in self.problem()
        return ("sensitivity", self.method, f"size={self.size}", f"levels={LEVELS}", f"design-seed={self.seed}",
                "only=" + ",".join(a.name for a in self.assumptions),
                *(["groups=" + ",".join(a.factor for a in self.assumptions)] if grouped else []))


def problem_of(assumptions: Sequence[Assumption]) -> dict[str, Any]:
    """SALib's problem for *assumptions*; ``groups`` only when some factor has several members,
    so a scenario without groups gets exactly the design it always had."""
    problem: dict[str, Any] = {"num_vars": len(assumptions), "names": [a.name for a in assumptions],
                               "bounds": [[a.low, a.high] for a in assumptions]}
    if len(groups_of(assumptions)) < len(assumptions):
        problem["groups"] = [a.factor for a in assumptions]
    return problem


@dataclass(frozen=True)
class World:
    """One world of the run: its role (a design row, the point values, or one end of one range)."""

    index: int
    role: str                                     # DESIGN, POINT, LOW or HIGH
    values: tuple[tuple[str, float], ...]         # assumption → value (others at their point values)
    assumption: str = ""                          # for LOW and HIGH: the factor moved (group or assumption)


@dataclass(frozen=True)
class Influence:
    """How much one factor (a group of assumptions, or one) moves one measure (Morris fields or
    Sobol fields are set, not both)."""

    assumption: str                               # the factor: its group's name, or the assumption's
    low: float                                    # the measure with its members at their low ends
    high: float                                   # … and at their high ends (others at point values)
    mu_star: float | None = None                  # Morris: mean |elementary effect|, in the measure's unit
    mu_star_ci: float | None = None               # half-width of its 95 % bootstrap CI
    sigma: float | None = None                    # Morris: spread of the effects (interactions, curvature)
    sigma_ci: float | None = None
    s1: float | None = None                       # Sobol: share of the variance it causes alone
    s1_ci: float | None = None
    st: float | None = None                       # Sobol: share with all its interactions
    st_ci: float | None = None
    members: tuple[str, ...] = ()                 # the assumptions it moves (one, unless a group)

    @property
    def importance(self) -> float:
        """What ranks it: μ* (Morris) or ST (Sobol)."""
        value = self.mu_star if self.mu_star is not None else self.st
        return 0.0 if value is None else value


@dataclass(frozen=True)
class MeasureSensitivity:
    """One target measure: its value at the point values and every assumption's influence, ranked."""

    target: str
    metric: str
    limit: float | None
    point: float
    influences: tuple[Influence, ...]             # most influential first (ties: file order)

    def mostly(self) -> tuple[Influence, ...]:
        """The assumptions it depends on most: within :data:`MOSTLY` of the largest, at most three."""
        top = self.influences[0].importance if self.influences else 0.0
        if top <= 0:
            return ()
        return tuple(i for i in self.influences if i.importance >= MOSTLY * top)[:3]

    def negligible(self) -> tuple[Influence, ...]:
        """The assumptions that do not matter for it (exactly zero, or within :data:`NEGLIGIBLE` of the largest)."""
        top = self.influences[0].importance if self.influences else 0.0
        return tuple(i for i in self.influences if i.importance <= NEGLIGIBLE * top)


@dataclass(frozen=True)
class SensitivityResult:
    """A sensitivity run: the design, the worlds run, and the analysis per target measure."""

    scenario: str
    title: str
    seed: int
    method: str
    size: int
    replications: int
    assumptions: tuple[Assumption, ...]           # the varied ones
    worlds: int                                   # design rows + tornado worlds
    measures: tuple[MeasureSensitivity, ...]
    matching: Matching | None = None              # the design points against ``observed:`` (None: none stated)


def chosen(assumptions: Sequence[Assumption], only: Sequence[str] = ()) -> tuple[Assumption, ...]:
    """The assumptions to vary: all of them, or those named by ``--only`` (each must exist and have a range)."""
    known = {a.name: a for a in assumptions}
    for name in only:
        if name not in known:
            shown = ", ".join(sorted(known)[:6]) + (" …" if len(known) > 6 else "")
            raise error(FileFormatError, "sensitivity.only",
                        f"{name!r} is not an assumption of this scenario (its assumptions: {shown or 'none'})",
                        Location(f"--only {name}"))
    picked = tuple(a for a in assumptions if not only or a.name in only)
    picked = tuple(a for a in picked if a.high > a.low)       # a range of one value cannot move anything
    if not picked:
        raise error(FileFormatError, "sensitivity.none",
                    "no assumption with a range to vary (state numbers as {value, range, source})",
                    Location("--only" if only else "scenario"))
    return picked


def make_design(assumptions: Sequence[Assumption], method: str, size: int, seed: int) -> Design:
    """SALib's design: Morris with *size* trajectories on :data:`LEVELS` levels, or Sobol with
    *size* base samples (a power of two; first and total order only)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    varied = tuple(assumptions)
    problem = problem_of(varied)
    factors = len(groups_of(varied))
    rows = factors + 1 if method == "morris" else factors + 2
    if size * rows > MAX_POINTS:
        raise error(FileFormatError, "sensitivity.too-many",
                    f"{size} × {rows} = {size * rows:,} design worlds, more than {MAX_POINTS:,}: fewer "
                    f"{'trajectories' if method == 'morris' else 'samples'} or --only some assumptions",
                    Location("--trajectories" if method == "morris" else "--samples"))
    if method == "morris":
        from SALib.sample import morris

        x = morris.sample(problem, size, num_levels=LEVELS, seed=seed)
    else:
        if size < 2 or size & (size - 1):
            raise error(FileFormatError, "sensitivity.samples",
                        f"{size}: Sobol sampling needs a power of two (e.g. 64, 128, 256)", Location("--samples"))
        from SALib.sample import sobol

        x = sobol.sample(problem, size, calc_second_order=False, seed=seed)
    values = tuple(tuple(float(v) for v in row) for row in x)
    return Design(method, size, varied, values, seed)


def worlds_of(design: Design) -> tuple[World, ...]:
    """The design's rows, then the point values, then each factor with all its members at their
    low ends and at their high ends."""
    names = [a.name for a in design.assumptions]
    out = [World(i, DESIGN, tuple(zip(names, row, strict=True))) for i, row in enumerate(design.values)]
    out.append(World(len(out), POINT, ()))
    for factor, members in design.factors().items():
        out.append(World(len(out), LOW, tuple((a.name, a.low) for a in members), factor))
        out.append(World(len(out), HIGH, tuple((a.name, a.high) for a in members), factor))
    return tuple(out)


def world_digest(base_digest: str, world: World) -> str:
    """A world's identity on disk: the base scenario's digest and the world's values (shortest floats)."""
    text = json.dumps([base_digest, [[name, repr(value)] for name, value in world.values]], separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def world_variants(path: str | Path, worlds: Sequence[World], overrides: Sequence[Override] = ()
                   ) -> tuple[tuple[Variant, ...], tuple[int, ...], dict[int, WorldSource]]:
    """The distinct worlds as sweep :class:`~simulate.variants.Variant` s, for each world the
    position of its variant (a Morris design revisits points, and a world already run is not run
    again), and each variant's :class:`~simulate.sweep.WorldSource`: the worker that runs a world
    loads it, so every variant carries the point scenario, read only for names and targets."""
    digest = scenario_digest(path, overrides)
    point = load_scenario(path, overrides)
    variants: list[Variant] = []
    sources: dict[int, WorldSource] = {}
    seen: dict[str, int] = {}
    where = []
    for w in worlds:
        key = world_digest(digest, w)
        if key not in seen:
            seen[key] = len(variants)
            sources[len(variants)] = WorldSource(str(path), tuple(overrides), w.values)
            variants.append(Variant(len(variants), w.values, point, key, point.name))
        where.append(seen[key])
    return tuple(variants), tuple(where), sources


def run_worlds(path: str | Path, design: Design, replications: int, executor: Executor,
               storage: Storage | None = None, on_result: OnResult | None = None,
               overrides: Sequence[Override] = ()) -> SensitivityResult:
    """Run every world of *design* (and the tornado's) for replications 0 … R-1; analyse the measures."""
    worlds = worlds_of(design)
    variants, where, sources = world_variants(path, worlds, overrides)
    base = variants[where[len(design.values)]].scenario
    run = store.RunInfo(base.name, scenario_digest(path, overrides), base.seed, design.identity(), base.title,
                        base.targets)
    sweep = run_sweep(variants, run, Plan(replications), executor, storage, on_result, sources)
    assert sweep is not None                      # a Plan without reps is never a shard
    metrics = measures_of(base.targets)
    means: dict[str, list[float]] = {m: [] for m in metrics}
    for v in sweep.variants:
        table = metric_table(v.experiment.replications)
        for m in metrics:
            values = table.get(m, [0.0] * replications)
            means[m].append(math.fsum(values) / len(values))
    by_metric = {m: [means[m][i] for i in where] for m in metrics}
    result = analyse(design, worlds, base, by_metric, replications)
    if not base.observed:
        return result
    judged = [world_run(v.scenario, {k: float(x) for k, x in v.settings}, r.experiment.replications)
              for v, r in zip(variants, sweep.variants, strict=True)]
    matching = match_points(base.observed, design.values, [judged[where[i]] for i in range(len(design.values))])
    return replace(result, matching=matching)


def measures_of(targets: Sequence[Target]) -> tuple[str, ...]:
    """The measures analysed: each target's metric once (p95 wait when the scenario has no targets)."""
    seen: dict[str, None] = {}
    for t in targets:
        seen.setdefault(t.metric, None)
    return tuple(seen) or ("all.wait_p95_min",)


def analyse(design: Design, worlds: Sequence[World], base: Scenario, by_metric: Mapping[str, Sequence[float]],
            replications: int) -> SensitivityResult:
    """The indices per measure from the worlds' means (*by_metric*: one mean per world, world order)."""
    rows = len(design.values)
    out = []
    for metric in measures_of(base.targets):
        y = np.asarray(by_metric[metric], dtype=float)
        ends = {(w.assumption, w.role): float(y[w.index]) for w in worlds if w.role in (LOW, HIGH)}
        point = float(y[rows])
        indices = _morris(design, y[:rows]) if design.method == "morris" else _sobol(design, y[:rows])
        influences = [Influence(f, ends[(f, LOW)], ends[(f, HIGH)], **indices[f],
                                members=tuple(a.name for a in members))
                      for f, members in design.factors().items()]
        order = sorted(range(len(influences)), key=lambda i: -influences[i].importance)
        named = [t for t in base.targets if t.metric == metric]
        out.append(MeasureSensitivity(named[0].name if named else metric, metric, named[0].limit if named else None,
                                      point, tuple(influences[i] for i in order)))
    return SensitivityResult(base.name, base.title, base.seed, design.method, design.size, replications,
                             design.assumptions, len(worlds), tuple(out))


def _morris(design: Design, y: np.ndarray) -> dict[str, dict[str, float]]:
    from SALib.analyze import morris

    x = np.asarray(design.values, dtype=float)
    factors = list(design.factors())
    effects = elementary_effects(design, x, y)               # trajectories × factors
    sigma_ci = _bootstrap_ci(effects, design.seed)
    if not np.any(y != y[0]):                                # a measure no world moves: every index is 0
        return {f: {"mu_star": 0.0, "mu_star_ci": 0.0, "sigma": 0.0, "sigma_ci": 0.0} for f in factors}
    r = morris.analyze(design.problem(), x, y, num_resamples=RESAMPLES, conf_level=CONFIDENCE, num_levels=LEVELS,
                       seed=design.seed)
    # SALib leaves σ of a many-member group undefined; it is then the spread of the group's own effects
    own = effects.std(axis=0, ddof=1) if design.size > 1 else np.full(len(factors), math.nan)
    return {f: {"mu_star": float(r["mu_star"][i]), "mu_star_ci": float(r["mu_star_conf"][i]),
                "sigma": float(r["sigma"][i]) if math.isfinite(r["sigma"][i]) else float(own[i]),
                "sigma_ci": sigma_ci[i]} for i, f in enumerate(factors)}


def elementary_effects(design: Design, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per Morris trajectory and factor: the change of the measure over the step, per unit of the
    range (the effects SALib's μ* and σ summarise; here for σ's bootstrap). A group's members
    move together by the same share of their ranges; the sign is its first moved member's."""
    factor_of = {a.name: a.factor for a in design.assumptions}
    column = {f: i for i, f in enumerate(design.factors())}
    g = len(column)
    span = np.array([a.high - a.low for a in design.assumptions])
    effects = np.zeros((design.size, g))
    for t in range(design.size):
        block = slice(t * (g + 1), (t + 1) * (g + 1))
        xs, ys = x[block], y[block]
        for j in range(g):
            step = (xs[j + 1] - xs[j]) / span
            moved = int(np.flatnonzero(step)[0])
            effects[t, column[factor_of[design.assumptions[moved].name]]] = (ys[j + 1] - ys[j]) / step[moved]
    return effects


def _bootstrap_ci(effects: np.ndarray, seed: int) -> list[float]:
    """Half-width of σ's bootstrap CI per assumption (trajectories resampled; normal approximation, as SALib's μ*)."""
    n, k = effects.shape
    if n < 2:
        return [math.nan] * k
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n, size=(RESAMPLES, n))
    sigmas = np.stack([effects[d].std(axis=0, ddof=1) for d in draws])
    z = NormalDist().inv_cdf(0.5 + CONFIDENCE / 2)
    return [float(z * sigmas[:, i].std(ddof=1)) for i in range(k)]


def _sobol(design: Design, y: np.ndarray) -> dict[str, dict[str, float]]:
    from SALib.analyze import sobol

    factors = list(design.factors())
    if not np.any(y != y[0]):                                # no variance to share out: every index is 0
        return {f: {"s1": 0.0, "s1_ci": 0.0, "st": 0.0, "st_ci": 0.0} for f in factors}
    r = sobol.analyze(design.problem(), y, calc_second_order=False, num_resamples=RESAMPLES,
                      conf_level=CONFIDENCE, seed=design.seed)
    return {f: {"s1": float(r["S1"][i]), "s1_ci": float(r["S1_conf"][i]), "st": float(r["ST"][i]),
                "st_ci": float(r["ST_conf"][i])} for i, f in enumerate(factors)}
