"""``--uncertainty N`` on ``simulate`` and ``compare``: the verdicts across plausible worlds.

Thin: the worlds come from :func:`simulate.worlds.latin_worlds` over the scenarios' assumptions
(by name; the base scenario's range where two state one), each scenario is run in every world
with :func:`simulate.worlds.run_worlds` (a scenario lacking an assumption keeps its own value),
judged with :func:`simulate.worlds.across`; the shares are printed and ``worlds.json`` and
``worlds.csv`` written beside summary.json. With an output folder every world's replications
are stored as they finish (:mod:`simulate.store`), so ``--resume`` runs only what is missing.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policy import Diagnostic, Location, PolicysimError

from . import arguments

if TYPE_CHECKING:
    from rich.console import Console

    from simulate import ExperimentResult, Scenario
    from simulate.sweep import Storage
    from simulate.worlds import ScenarioAcross


class WorldError(PolicysimError):
    """A world cannot be loaded into a scenario (its value is outside that scenario's range)."""


def add_option(p: argparse.ArgumentParser) -> None:
    """Register ``--uncertainty N`` on a command's parser."""
    p.add_argument("--uncertainty", type=arguments.positive, metavar="N",
                   help="also run N plausible worlds drawn from the assumptions' ranges (Latin hypercube), "
                        "the replications inside each, and report the share of worlds each target holds in")


@dataclass(frozen=True)
class Uncertainty:
    """What ``--uncertainty`` produced: the worlds, their space, and every scenario judged."""

    doc: dict[str, Any]                     # worlds.json
    scenarios: tuple[ScenarioAcross, ...]


def across_worlds(paths: Sequence[str], points: Sequence[ExperimentResult], n: int, replications: int,
                  seed: int, executor: Executor, on_result: Callable[..., None] | None = None,
                  storage: Storage | None = None) -> Uncertainty:
    """Run every scenario at *paths* (the first is the base; *points* their runs at the point
    values) in the same *n* worlds, seeded by *seed*, with replications 0 … *replications*-1;
    with *storage*, each replication stored in its ``replications`` folder as it finishes (and
    those already there reused when it resumes)."""
    from simulate import load_scenario, scenario_assumptions
    from simulate.variants import scenario_digest
    from simulate.worlds import across, latin_worlds, run_worlds, world_space, worlds_json

    sets = [scenario_assumptions(p) for p in paths]
    space = world_space(*sets)
    worlds = latin_worlds(space, n, seed)
    loaders = [_loader(path, {a.name for a in own}, load_scenario) for path, own in zip(paths, sets, strict=True)]
    runs = []
    for path, load in zip(paths, loaders, strict=True):
        runs.append(run_worlds(load, worlds, replications, seed, executor, on_result, storage=storage,
                               digest=scenario_digest(path)))
    scenarios = across(space, [e.scenario for e in points], runs, [e.verdicts for e in points])
    observed = load_scenario(paths[0]).observed
    return Uncertainty(worlds_json(space, worlds, seed, replications, scenarios, observed), scenarios)


def world_storage(out: str | Path, resume: bool) -> Storage:
    """Where the worlds' replications go (``out/replications``, checked writable first)."""
    from simulate.provenance import policysim_version
    from simulate.store import prepare_out
    from simulate.sweep import Storage

    return Storage(prepare_out(out), resume, policysim_version())


def _loader(path: str, names: set[str],
            load_scenario: Callable[..., Scenario]) -> Callable[[Mapping[str, float]], Scenario]:
    """Load *path* in a world, with only the assumptions it states (*names*)."""
    def load(world: Mapping[str, float]) -> Scenario:
        try:
            return load_scenario(path, world={k: v for k, v in world.items() if k in names})
        except ValueError as exc:
            raise WorldError([Diagnostic("worlds.range", f"{exc} (worlds are drawn from the base scenario's "
                                                         "ranges; state the same range in both)",
                                         Location(path))]) from None
    return load


def write(result: Uncertainty, out: str | Path) -> list[Path]:
    """worlds.json and worlds.csv in *out*."""
    from simulate.worlds import write_worlds

    return write_worlds(result.doc, result.scenarios, out)


def render(result: Uncertainty, console: Console) -> None:
    """Per scenario and target: today's verdict and the share of plausible worlds it holds in;
    the assumptions the worlds where it does not hold lean on; the wins against the base."""
    from rich.markup import escape

    from simulate.worlds import notable, sentence

    n = result.doc["worlds"]
    names = result.doc["assumptions"]
    console.print(f"[bold]Across {n} plausible worlds[/bold] (Latin hypercube over {len(names)} assumptions, "
                  f"{result.doc['replications']} replications in each, seed {result.doc['seed']})", highlight=False)
    for s in result.scenarios:
        console.print(f"[bold]{escape(s.scenario)}[/bold]", highlight=False)
        if s.surviving is not None:
            console.print(f"  observations: {s.surviving.k} of {s.surviving.n} worlds survive "
                          f"({100 * s.surviving.share:.0f}% [{100 * s.surviving.low:.0f}, "
                          f"{100 * s.surviving.high:.0f}])", highlight=False)
        for t in s.targets:
            line = f"  {escape(t.target)}: today {t.point}; {sentence(t)}"
            if t.holds_plausible is not None and t.holds_plausible.n:
                p = t.holds_plausible
                line += (f"; over the surviving worlds {100 * p.share:.0f}% [{100 * p.low:.0f}, "
                         f"{100 * p.high:.0f}]")
            console.print(line, highlight=False, soft_wrap=True)
            shown = notable(t)
            if shown:
                lean = ", ".join(f"{escape(x.assumption)} {'high' if x.difference > 0 else 'low'} "
                                 f"({x.not_holding:.2f} vs {x.holding:.2f} of its range)" for x in shown)
                console.print(f"    where it does not hold: {lean}", highlight=False, soft_wrap=True)
        for w in s.wins:
            console.print(f"  vs {escape(result.scenarios[0].scenario)} on {escape(w.target)}: lower in {w.better}, "
                          f"higher in {w.worse}, cannot tell in {w.unclear} of {n} worlds",
                          highlight=False, soft_wrap=True)
