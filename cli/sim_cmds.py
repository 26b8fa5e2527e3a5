"""``policysim simulate``: run a scenario's replications, show a summary, write the files.

Thin: parse, call :func:`simulate.run_experiment`, render with rich, write with
:func:`simulate.write_outputs`. A malformed scenario raises ``FileFormatError``, which
``cli.main`` prints on one line (exit 2).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import arguments, sweep_cmd, worlds_cmd

if TYPE_CHECKING:  # the simulator, numpy and rich load only when a simulate command runs
    from rich.console import Console

    from simulate import ExperimentResult, RosterSummary


def add_commands(commands: Any) -> None:
    """Register ``simulate`` on the CLI's subparsers."""
    p = commands.add_parser("simulate", help="run a scenario's replications and summarise them",
                            description="Run replications of a scenario; print a summary; "
                                        "write summary.json, replications.csv, queues.csv and the report "
                                        "(report.html, summary.md, figures) to --out.")
    p.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    p.add_argument("--replications", type=arguments.replications,
                   help="replications (default: the scenario's)")
    p.add_argument("--seed", type=arguments.seed, help="root seed (default: the scenario's)")
    sweep_cmd.add_run_options(p)
    worlds_cmd.add_option(p)
    p.add_argument("--out", metavar="DIR", help="directory for summary.json, replications.csv, queues.csv "
                                                "and each replication (replications/)")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of report.html (default: en)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run_simulate)


def run_simulate(args: argparse.Namespace) -> int:
    from rich.console import Console

    from simulate import load_scenario, roster_summary, run_experiment, write_outputs

    if (args.reps or args.resume) and not args.out:
        raise sweep_cmd.option_error("--reps" if args.reps else "--resume",
                                     "needs --out DIR (where replications are stored)")
    sweep_cmd.check_reps(args.reps, args.replications)
    if args.uncertainty and args.reps:
        raise sweep_cmd.option_error("--uncertainty", "runs whole worlds; it cannot be split into --reps shards")
    if args.out:
        experiment = _run_stored(args)
        if experiment is None:
            return 0
        scenario = load_scenario(args.scenario)
    else:
        scenario = load_scenario(args.scenario)
        n = args.replications or scenario.replications
        from simulate.executors import open_executor
        with open_executor(args.executor, args.jobs, args.scheduler) as executor, \
                sweep_cmd.progress_bar(not args.quiet and sys.stderr.isatty(), scenario.name, n) as advance:
            experiment = run_experiment(scenario, n, args.seed, executor=executor, on_result=advance)
    console = Console() if sys.stdout.isatty() else Console(width=120, soft_wrap=True)
    render(experiment, console)
    roster = roster_summary(scenario)
    if roster is not None:
        console.print(roster_line(roster), highlight=False, soft_wrap=True, markup=False)
    uncertainty = _worlds(args, experiment, console) if args.uncertainty else None
    if args.out:
        for path in write_outputs(experiment, args.out, roster, scenario.horizon.start):
            console.print(f"wrote {path}", highlight=False, soft_wrap=True, markup=False)
        for path in worlds_cmd.write(uncertainty, args.out) if uncertainty is not None else ():
            console.print(f"wrote {path}", highlight=False, soft_wrap=True, markup=False)
        from .compare_cmds import write_report
        write_report([experiment], args.out, args.lang, scenarios=[scenario],
                     worlds=None if uncertainty is None else uncertainty.doc)
        console.print(f"report: {Path(args.out) / 'report.html'}", highlight=False, soft_wrap=True, markup=False)
        if (Path(args.out) / "season.html").is_file() and experiment.replications[0].daily:
            console.print(f"season: {Path(args.out) / 'season.html'}", highlight=False, soft_wrap=True, markup=False)
    return 0


def _worlds(args: argparse.Namespace, experiment: ExperimentResult, console: Console) -> worlds_cmd.Uncertainty:
    """``--uncertainty N``: the scenario in N plausible worlds, the replications of the point run
    (same count, same seed) inside each; the shares printed. With ``--out`` every world's
    replications are stored as they finish, and ``--resume`` reuses them."""
    from concurrent.futures import BrokenExecutor

    from simulate.executors import open_executor

    n = len(experiment.replications)
    storage = worlds_cmd.world_storage(args.out, args.resume) if args.out else None
    try:
        with open_executor(args.executor, args.jobs, args.scheduler) as executor, \
                sweep_cmd.progress_bar(not args.quiet and sys.stderr.isatty(), "worlds",
                                       n * args.uncertainty) as advance:
            result = worlds_cmd.across_worlds([args.scenario], [experiment], args.uncertainty, n, experiment.seed,
                                              executor, advance, storage)
    except BrokenExecutor as exc:
        sweep_cmd.broken_run(args.out, exc)
        raise SystemExit(1) from None
    worlds_cmd.render(result, console)
    return result


def _run_stored(args: argparse.Namespace) -> ExperimentResult | None:
    """Run with every replication stored in ``--out/replications`` as it finishes (resumable);
    None for a shard (``--reps``), whose replications are only stored."""
    from concurrent.futures import BrokenExecutor

    from simulate.executors import open_executor
    from simulate.provenance import policysim_version
    from simulate.store import prepare_out
    from simulate.sweep import Plan, Storage, run_info, run_sweep
    from simulate.variants import base_variant

    variant = base_variant(args.scenario)
    scenario = variant.scenario
    out = prepare_out(args.out)
    seed = scenario.seed if args.seed is None else args.seed
    n = args.replications or scenario.replications
    run = run_info([variant], variant.digest, seed, ())
    storage = Storage(out, args.resume, policysim_version())
    total = args.reps[1] - args.reps[0] if args.reps else n
    try:
        with open_executor(args.executor, args.jobs, args.scheduler) as executor, \
                sweep_cmd.progress_bar(not args.quiet and sys.stderr.isatty(), scenario.name, total) as advance:
            sweep = run_sweep([variant], run, Plan(n, reps=args.reps), executor, storage, advance)
    except BrokenExecutor as exc:
        sweep_cmd.broken_run(args.out, exc)
        raise SystemExit(1) from None
    sweep_cmd.note_kept(out, [variant], sweep, args.reps, args.resume)
    if sweep is None:
        a, b = args.reps
        print(f"stored replications {a}..{b - 1} in {Path(args.out) / 'replications'}; "
              f"join the shards with: policysim merge DIR... --out DIR")
        return None
    return sweep.variants[0].experiment


def _fmt(stat: Any, digits: int = 1) -> str:
    if stat is None:
        return "–"
    hw = "" if not math.isfinite(stat.half_width) else f" ±{stat.half_width:.{digits}f}"
    return f"{stat.mean:.{digits}f}{hw}"


def gate_warnings(experiment: ExperimentResult) -> list[str]:
    """What makes a staffed gate's waits suspect: nobody on duty while parties arrive, or
    parties never served by the end of the horizon (their wait so far is in the figures)."""
    lines = []
    reps = experiment.replications
    for i, g in enumerate(reps[0].gates):
        at = [r.gates[i] for r in reps if i < len(r.gates) and r.gates[i].gate == g.gate]
        unstaffed = sum(x.unstaffed_arrivals for x in at) / len(at)
        unfinished = sum(x.unfinished for x in at) / len(at)
        if all(x.staff_min == 0 for x in at) and any(x.arrivals for x in at):
            lines.append(f"gate {g.gate}: staffed, but nobody is on duty over the whole horizon")
        elif unstaffed > 0:
            lines.append(f"gate {g.gate}: {unstaffed:.1f} parties a replication arrived while nobody was on duty")
        if unfinished > 0:
            lines.append(f"gate {g.gate}: {unfinished:.1f} parties a replication were still waiting at the end "
                         f"of the horizon (their wait so far is counted; metric gate.{g.gate}.unfinished)")
    return lines


def roster_line(roster: RosterSummary) -> str:
    """The roster in a line: people, hours a week per person, the most on duty at once."""
    busiest = max(roster.pools, key=lambda p: p.hours_max, default=None)
    worst = f" ({busiest.name})" if busiest is not None else ""
    pools = f"{len(roster.pools)} pool" + ("" if len(roster.pools) == 1 else "s")
    return (f"Roster: {roster.people} people in {pools}; hours on duty per person "
            f"per week: mean {roster.hours_per_person_week_mean:.1f}, max "
            f"{roster.hours_per_person_week_max:.1f}{worst}; at most {roster.max_on_duty} on duty at once")


def render(experiment: ExperimentResult, console: Console) -> None:
    """A readable summary: gates, containment, verdicts (means ± 95 % CI half-widths).

    Text from the scenario (title, name, ids) is printed literally, never read as rich markup.
    """
    from rich.markup import escape
    from rich.table import Table

    from simulate import FINDERS, LEAK_PATHS

    stats = {s.metric: s for s in experiment.statistics}
    first = experiment.replications[0]
    console.print(f"[bold]{escape(experiment.title)}[/bold]  ({escape(experiment.scenario)}, "
                  f"{len(experiment.replications)} replications, seed {experiment.seed})", highlight=False)
    table = Table(title="Staffed gates (means over replications; CIs in summary.json)",
                  title_justify="left")
    for column in ("gate", "arrivals", "wait mean", "wait p95", "max wait", "max queue", "blocked", "util",
                   "unfinished"):
        table.add_column(column, justify="left" if column == "gate" else "right", no_wrap=True)
    for g in first.gates:
        def mean(field: str, digits: int, g: Any = g) -> str:
            stat = stats.get(f"gate.{g.gate}.{field}")
            return "–" if stat is None else f"{stat.mean:.{digits}f}"
        table.add_row(escape(g.gate), mean("arrivals", 0), mean("wait_mean_min", 2), mean("wait_p95_min", 2),
                      mean("wait_max_min", 1), mean("queue_max", 1), mean("blocked_min", 0),
                      mean("utilisation", 2), mean("unfinished", 1))
    console.print(table)
    for line in gate_warnings(experiment):
        console.print(f"[yellow]warning:[/] {escape(line)}", highlight=False, soft_wrap=True)
    cont = Table(title="Containment (per replication)", title_justify="left")
    cont.add_column("measure")
    cont.add_column("mean ± 95% CI", justify="right")
    names = ("arrivals", "persons", "turned_back", "held", "handled_at_gate", "evasions", "detected",
             *(f"found_by.{f}" for f in FINDERS), *(f"leaks.{p}" for p in LEAK_PATHS), "leaks_per_day",
             "resident_crossings", "outsider_village_min", "outsider_hills_min", "outsider_person_min",
             "undecided")
    for name in names:
        cont.add_row(name, _fmt(stats.get(f"containment.{name}"), 1))
    console.print(cont)
    if experiment.verdicts:
        verdicts = Table(title="Targets", title_justify="left")
        for column in ("target", "limit", "mean ± 95% CI", "verdict"):
            verdicts.add_column(column, justify="left" if column in ("target", "verdict") else "right")
        colour = {"holds": "green", "fails": "red", "unclear": "yellow"}
        for v in experiment.verdicts:
            hw = f" ±{v.half_width:.2f}" if math.isfinite(v.half_width) else ""
            verdicts.add_row(v.target, f"{v.limit:g}", f"{v.mean:.2f}{hw}",
                             f"[{colour[v.status]}]{v.status}[/]")
        console.print(verdicts)
