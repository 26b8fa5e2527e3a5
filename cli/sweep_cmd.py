"""``policysim sweep``: run a grid of scenario variants and report the cheapest that meet each target.

Thin: parse the flags, build the variants (:mod:`simulate.variants`), run them on the chosen
executor writing each replication as it finishes (:mod:`simulate.sweep`), then write
``sweep.json`` and the report (:mod:`reports.frontier`) and print the frontier. The run
options shared with ``simulate`` (``--jobs``, ``--executor``, ``--scheduler``, ``--reps``,
``--resume``) are defined here once.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policy import Diagnostic, Location, PolicysimError

from . import arguments

if TYPE_CHECKING:  # the simulator, reports and rich load only when the command runs
    from rich.console import Console

    from reports.frontier import TargetFrontier
    from simulate import TownshipMap
    from simulate.sweep import SweepResult
    from simulate.variants import Variant

DEFAULT_OUT = "out/sweep"


class RunOptionError(PolicysimError):
    """Run options that do not go together (e.g. ``--reps`` with ``--precision``)."""


def reps_range(text: str) -> tuple[int, int]:
    """``A:B`` with 0 ≤ A < B: replications A … B-1."""
    low, colon, high = text.partition(":")
    try:
        a, b = int(low), int(high)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected A:B (replications A to B-1), got {text!r}") from None
    if not colon or a < 0 or b <= a:
        raise argparse.ArgumentTypeError(f"expected A:B with 0 <= A < B, got {text!r}")
    if b > arguments.MAX_REPLICATIONS:
        raise argparse.ArgumentTypeError(f"B is at most {arguments.MAX_REPLICATIONS:,} (the bound on replications "
                                         f"per variant), got {text!r}")
    return a, b


def check_reps(reps: tuple[int, int] | None, replications: int | None) -> None:
    """``--reps A:B`` with ``--replications N`` must stay within the run: B ≤ N."""
    if reps is not None and replications is not None and reps[1] > replications:
        raise option_error("--reps", f"replications {reps[0]}..{reps[1] - 1} go past --replications {replications} "
                                     f"(replications 0..{replications - 1}): give --reps A:B with B <= "
                                     f"{replications}, or drop --replications")


def add_run_options(p: argparse.ArgumentParser) -> None:
    """``--jobs``, ``--executor``, ``--scheduler``, ``--reps`` and ``--resume`` (simulate and sweep)."""
    p.add_argument("--jobs", type=arguments.jobs, help="worker processes (default: one per core; 1 runs inline)")
    p.add_argument("--executor", choices=("process", "dask"), default="process",
                   help="where replications run (default: process; dask needs pip install 'policysim[dask]')")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler, e.g. tcp://host:8786 (default: a local cluster of --jobs workers)")
    p.add_argument("--reps", type=reps_range, metavar="A:B",
                   help="run only replications A..B-1 and store them in --out (a shard; join with policysim merge)")
    p.add_argument("--resume", action="store_true",
                   help="skip replications already stored in --out by an interrupted run of the same scenario and seed")


def option_error(flag: str, message: str) -> RunOptionError:
    return RunOptionError([Diagnostic("cli.options", message, Location(flag))])


def add_command(commands: Any) -> None:
    """Register ``sweep`` on the CLI's subparsers."""
    p = commands.add_parser(
        "sweep", help="run a grid of scenario variants and find the cheapest that meet the targets",
        description="Run every combination of --vary values with common random numbers; report, per "
                    "target, the cheapest variants (staff-hours per day) that meet it with confidence; "
                    "write sweep.json, sweep.csv, frontier.csv, sweep.html and each replication to --out.")
    p.add_argument("scenario", metavar="SCENARIO", help="base scenario YAML file")
    p.add_argument("--vary", action="append", required=True, metavar="PATH=VALUES",
                   help="a dotted path into the scenario and values a..b or a,b,c "
                        "(e.g. shifts.township-gate.0.staff=2..5); repeat for a grid")
    p.add_argument("--replications", type=lambda text: arguments.replications(text, 2),
                   help="replications per variant (with --precision: to start with; default 5, "
                        "otherwise the scenario's)")
    p.add_argument("--precision", type=arguments.percent, metavar="PCT",
                   help="add replications until each target's 95%% CI half-width is within PCT%% of its mean")
    p.add_argument("--max-replications", type=arguments.replications, default=100, metavar="N",
                   help="cap per variant with --precision (default: 100)")
    p.add_argument("--seed", type=arguments.seed, help="root seed (default: the scenario's)")
    add_run_options(p)
    p.add_argument("--out", metavar="DIR", default=DEFAULT_OUT, help=f"output directory (default: {DEFAULT_OUT})")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of sweep.html (default: en)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run_sweep)


@contextlib.contextmanager
def progress_bar(show: bool, description: str, total: int | None) -> Iterator[Callable[..., None]]:
    """A callback advancing a progress bar on stderr (a no-op when *show* is false)."""
    if not show:
        yield lambda *_: None
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(escape(description), total=total)
        yield lambda *_: progress.advance(task)


def note_kept(out: Path, variants: Sequence[Variant], sweep: SweepResult | None,
              reps: tuple[int, int] | None, resume: bool) -> None:
    """Say on stderr which stored replications a fresh run left alone (nothing is deleted)."""
    from simulate.store import FOLDER, kept

    if resume:
        return
    names = []
    for v in variants:
        if reps is not None:
            written = range(*reps)
        else:
            written = range(len(sweep.variants[v.index].experiment.replications) if sweep is not None else 0)
        names += [f"{v.digest[:16]}/{name}" for name in kept(out, v.digest, written)]
    if names:
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        print(f"policysim: note: kept {len(names)} stored replication file(s) this run did not rewrite, in "
              f"{out / FOLDER}: {shown}", file=sys.stderr)


def broken_run(out: str | Path | None, exc: BaseException) -> int:
    """A worker died: say so on one line, and how to finish the run."""
    hint = f"; completed replications are in {Path(out) / 'replications'}: run again with --resume" if out else ""
    print(f"policysim: a worker failed ({exc.__class__.__name__}: {exc}){hint}", file=sys.stderr)
    return 1


def run_sweep(args: argparse.Namespace) -> int:
    from concurrent.futures import BrokenExecutor

    from reports import check_fonts
    from simulate import township_map
    from simulate.executors import open_executor
    from simulate.provenance import policysim_version
    from simulate.store import prepare_out
    from simulate.sweep import Plan, Storage, run_info, write_sweep_json
    from simulate.sweep import run_sweep as run_grid
    from simulate.variants import grid, load_variants, parse_vary, scenario_digest

    if args.precision is not None and args.reps is not None:
        raise option_error("--reps", "a shard runs a fixed range of replications: drop --precision")
    if args.precision is not None and args.precision <= 0:
        raise option_error("--precision", "the precision must be more than 0%")
    check_reps(args.reps, args.replications)
    varies = [parse_vary(text) for text in args.vary]
    grid(varies)                                    # bounds and duplicates, before any scenario is loaded
    variants = load_variants(args.scenario, varies)
    out = prepare_out(args.out)
    check_fonts(args.lang)
    base = variants[0].scenario
    seed = base.seed if args.seed is None else args.seed
    n = args.replications or (5 if args.precision is not None else base.replications)
    plan = Plan(n, args.precision, max(n, args.max_replications), args.reps)
    run = run_info(variants, scenario_digest(args.scenario), seed, args.vary)
    storage = Storage(out, args.resume, policysim_version())
    show = not args.quiet and sys.stderr.isatty()
    per_variant = (args.reps[1] - args.reps[0]) if args.reps else n
    total = None if args.precision is not None else len(variants) * per_variant
    try:
        with open_executor(args.executor, args.jobs, args.scheduler) as executor, \
                progress_bar(show, f"{run.scenario}: {len(variants)} variants", total) as advance:
            sweep = run_grid(variants, run, plan, executor, storage, advance)
    except BrokenExecutor as exc:
        return broken_run(out, exc)
    note_kept(out, variants, sweep, args.reps, args.resume)
    if sweep is None:
        a, b = args.reps
        print(f"stored replications {a}..{b - 1} of {len(variants)} variants in {out / 'replications'}; "
              f"join the shards with: policysim merge DIR... --out DIR")
        return 0
    write_sweep_json(sweep, out)
    report_sweep(sweep, out, args.lang, list(base.files), plan.cap if args.precision is not None else None,
                 township_map(base))
    return 0


def report_sweep(sweep: SweepResult, out: Path, lang: str, files: list[str], cap: int | None,
                 township: TownshipMap | None = None) -> None:
    """Write the sweep's report files atomically (page last) and print its frontier."""
    from rich.console import Console

    from policy.atomic import atomic_writer
    from reports.frontier import sweep_report

    report = sweep_report(sweep, lang, files, cap, township=township)
    for name, data in report.files:
        with atomic_writer(out / name, binary=True) as f:
            f.write(data)
    console = Console() if sys.stdout.isatty() else Console(width=160, soft_wrap=True)
    render_frontier(sweep, report.frontier, lang, console)
    console.print(f"wrote {out / 'sweep.json'}", highlight=False, soft_wrap=True, markup=False)
    console.print(f"report: {out / 'sweep.html'}", highlight=False, soft_wrap=True, markup=False)


def render_frontier(sweep: SweepResult, fronts: tuple[TargetFrontier, ...], lang: str, console: Console) -> None:
    """Variants × (cost, targets) and, per target, the cheapest variants that meet it."""
    from rich.markup import escape
    from rich.table import Table

    from reports import i18n
    from reports.frontier import ALL

    table = Table(title=f"{i18n.text(lang, 'sweep.title')} — {escape(sweep.scenario)}, seed {sweep.seed}",
                  title_justify="left")
    table.add_column(i18n.text(lang, "sweep.variant"))
    table.add_column(i18n.text(lang, "sweep.cost"), justify="right")
    table.add_column("n", justify="right")
    for t in sweep.targets:
        table.add_column(f"{t.name} ≤ {t.limit:g}", justify="right")
    colour = {"holds": "green", "fails": "red", "unclear": "yellow"}
    for v in sweep.variants:
        status = {x.target: x for x in v.experiment.verdicts}
        cells = []
        for t in sweep.targets:
            x = status.get(t.name)
            cells.append("–" if x is None else
                         f"[{colour[x.status]}]{i18n.interval(x.mean, x.half_width)}[/]")
        table.add_row(escape(v.label), f"{v.cost:,.1f}", str(len(v.experiment.replications)), *cells)
    console.print(table)
    for f in fronts:
        name = i18n.text(lang, "sweep.all") if f.target == ALL else f"{f.target} ≤ {f.limit:g}"
        best = "; ".join(f"{escape(sweep.variants[i].label)} ({sweep.variants[i].cost:,.1f})" for i in f.cheapest)
        console.print(f"{i18n.text(lang, 'sweep.frontier')} · {name}: {best or i18n.text(lang, 'sweep.none')}",
                      highlight=False, soft_wrap=True)
