"""The sensitivity design's points against the scenario's observed figures (history matching).

When a scenario states ``observed:`` figures, each design point of a sensitivity run is judged
exactly as an ``--uncertainty`` world is (:func:`simulate.worlds.world_run`): its implausibility
per observation, I = |z − f̄| / sqrt(sd² + s²/n), and ruled out when some I > 3. The run then
reports the share of design points that survive (95 % Wilson interval), and per target the
share of points in which it holds, over all points and over the survivors: how much of the
assumption space the observations leave, and whether the verdict changes inside it.
Points are the design's rows (a row a Morris design revisits counts each time it is visited).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .history_matching import Observation
from .worlds import Share, WorldRun, wilson


@dataclass(frozen=True)
class PointCheck:
    """One design point judged: each observation's implausibility, those ruling it out, and each
    target's verdict at the point (from its replications)."""

    index: int                                    # the design row
    values: tuple[float, ...]                     # the varied assumptions' values there (design order)
    implausibility: tuple[tuple[str, float], ...]  # observation → I, in the scenario's order
    ruled_out: tuple[str, ...]                    # observations with I > 3 (empty: plausible)
    statuses: tuple[tuple[str, str], ...]         # target → holds / fails / unclear


@dataclass(frozen=True)
class TargetShare:
    """One target over the design points: the share holding over all and over the surviving ones."""

    target: str
    metric: str
    limit: float
    holds: Share                                  # over every design point
    holds_plausible: Share                        # over the points no observation rules out


@dataclass(frozen=True)
class Matching:
    """The observations, every design point judged against them, and the shares they give."""

    observed: tuple[Observation, ...]
    points: tuple[PointCheck, ...]
    surviving: Share                              # design points not ruled out
    targets: tuple[TargetShare, ...]


def match_points(observed: Sequence[Observation], rows: Sequence[tuple[float, ...]],
                 runs: Sequence[WorldRun]) -> Matching | None:
    """*rows*: the design's rows; *runs*: each row's world run, in row order. None when nothing is observed."""
    if not observed:
        return None
    points = tuple(PointCheck(i, row, tuple((o.name, r.implausibility[o.name]) for o in observed), r.ruled_out,
                              tuple((v.target, v.status) for v in r.verdicts))
                   for i, (row, r) in enumerate(zip(rows, runs, strict=True)))
    plausible = [not p.ruled_out for p in points]
    targets = []
    for v in runs[0].verdicts if runs else ():
        holding = [dict(p.statuses)[v.target] == "holds" for p in points]
        kept = [h for h, ok in zip(holding, plausible, strict=True) if ok]
        targets.append(TargetShare(v.target, v.metric, v.limit, wilson(sum(holding), len(holding)),
                                   wilson(sum(kept), len(kept))))
    return Matching(tuple(observed), points, wilson(sum(plausible), len(points)), tuple(targets))
