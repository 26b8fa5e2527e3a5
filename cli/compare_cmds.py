"""``policysim compare``: run scenarios with common random numbers, print and write the report.

Thin: load the scenarios, run them with one seed and one set of replications on a shared
executor (a process pool or Dask, as for ``simulate`` and ``sweep``; the ``--uncertainty``
worlds on it too, stored in ``--out`` as they finish so ``--resume`` runs only what is missing),
build the report with :func:`reports.build_report`, write its files atomically, print a
comparison table and where the report is. :func:`write_report` is also what ``policysim
simulate`` calls to leave the same report for one scenario.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policy import Diagnostic, Location, PolicysimError
from policy.atomic import atomic_writer

from . import arguments, worlds_cmd

if TYPE_CHECKING:  # the simulator, reports, matplotlib and rich load only when a command needs them
    from rich.console import Console
    from rich.progress import Progress

    from reports import Comparison
    from simulate import ExperimentResult, ReplicationResult, Scenario
    from simulate.sweep import Storage

LANGS = ("en", "zh")

DEFAULT_OUT = "out/compare"
COLOURS = {"holds": "green", "fails": "red", "unclear": "yellow"}


class ReportWriteError(PolicysimError):
    """The report's directory cannot be written (a file in the way, no permission)."""


def add_commands(commands: Any) -> None:
    """Register ``compare`` on the CLI's subparsers."""
    p = commands.add_parser(
        "compare", help="compare scenarios with common random numbers and write a report",
        description="Run every scenario with the same seed and replications (common random numbers); "
                    "print each metric's mean with its 95%% CI, the paired difference against the "
                    "first scenario and each target's verdict; write report.html, summary.md, CSV "
                    "tables and figures to --out.")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario YAML files; the first is the base")
    p.add_argument("--replications", type=lambda text: arguments.whole(text, 2),
                   help="replications per scenario (default: the base scenario's; at least 2)")
    p.add_argument("--seed", type=arguments.seed, help="root seed (default: the base scenario's)")
    p.add_argument("--jobs", type=arguments.positive, help="worker processes (default: one per core; 1 runs inline)")
    p.add_argument("--executor", choices=("process", "dask"), default="process",
                   help="where replications run (default: process; dask needs pip install 'policysim[dask]')")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler, e.g. tcp://host:8786 (default: a local cluster of --jobs workers)")
    p.add_argument("--resume", action="store_true",
                   help="with --uncertainty: reuse the worlds' replications stored in --out by an interrupted run "
                        "of the same scenarios, seed, worlds and replications")
    p.add_argument("--out", metavar="DIR", default=DEFAULT_OUT, help=f"report directory (default: {DEFAULT_OUT})")
    p.add_argument("--lang", choices=LANGS, default="en", help="language of the report (default: en)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    worlds_cmd.add_option(p)
    p.set_defaults(func=run_compare)


def run_compare(args: argparse.Namespace) -> int:
    from concurrent.futures import BrokenExecutor

    from rich.console import Console

    from reports import check_fonts
    from simulate import load_scenario
    from simulate.executors import open_executor

    from .sweep_cmd import broken_run, option_error

    if args.resume and not args.uncertainty:
        raise option_error("--resume", "compare stores only the worlds of --uncertainty N: add it, or drop --resume")
    scenarios = [load_scenario(path) for path in args.scenarios]
    check_out_dir(args.out)                     # mistakes found before the run, not after it
    check_fonts(args.lang)
    storage = worlds_cmd.world_storage(args.out, args.resume) if args.uncertainty else None
    base = scenarios[0]
    replications = args.replications or base.replications
    seed = base.seed if args.seed is None else args.seed
    show_progress = not args.quiet and sys.stderr.isatty()
    try:
        with open_executor(args.executor, args.jobs, args.scheduler) as executor:
            experiments = run_scenarios(scenarios, replications, seed, executor, show_progress)
            uncertainty = None
            if args.uncertainty:
                uncertainty = _worlds(args, experiments, replications, seed, executor, show_progress, storage)
    except BrokenExecutor as exc:
        return broken_run(args.out if args.uncertainty else None, exc)
    rendering = Console(stderr=True).status("writing the report") if show_progress else contextlib.nullcontext()
    with rendering:
        comparison, paths = write_report(experiments, args.out, args.lang, scenarios=scenarios,
                                         worlds=None if uncertainty is None else uncertainty.doc)
    console = Console() if sys.stdout.isatty() else Console(width=160, soft_wrap=True)
    render_table(comparison, args.lang, console)
    report = next(p for p in paths if p.name == "report.html")
    for page in (p for p in paths if p.name == "season.html"):
        console.print(f"season: {page}", highlight=False, soft_wrap=True, markup=False)
    if uncertainty is not None:
        worlds_cmd.render(uncertainty, console)
        for path in worlds_cmd.write(uncertainty, args.out):
            console.print(f"wrote {path}", highlight=False, soft_wrap=True, markup=False)
    console.print(f"report: {report}", highlight=False, soft_wrap=True, markup=False)
    return 0


def _worlds(args: argparse.Namespace, experiments: Sequence[ExperimentResult], replications: int, seed: int,
            executor: Executor, show_progress: bool, storage: Storage | None) -> worlds_cmd.Uncertainty:
    """``--uncertainty N``: every scenario in the same N plausible worlds (CRN inside each), on
    *executor*, each replication stored as it finishes."""
    from .sweep_cmd import progress_bar

    total = len(experiments) * replications * args.uncertainty
    with progress_bar(show_progress, "worlds", total) as advance:
        return worlds_cmd.across_worlds(args.scenarios, experiments, args.uncertainty, replications, seed,
                                        executor, advance, storage)


def run_scenarios(scenarios: Sequence[Scenario], replications: int, seed: int, executor: Executor,
                  show_progress: bool) -> list[ExperimentResult]:
    """Run each scenario's replications 0 … n-1 from *seed* on one shared *executor*."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from simulate import run_experiment

    if not show_progress:
        return [run_experiment(s, replications, seed, executor=executor) for s in scenarios]
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as progress:
        out = []
        for s in scenarios:
            task = progress.add_task(escape(s.name), total=replications)
            out.append(run_experiment(s, replications, seed, executor=executor,
                                      on_result=_advance(progress, task)))
        return out


def _advance(progress: Progress, task: Any) -> Callable[[ReplicationResult], None]:
    def advance(_: ReplicationResult) -> None:
        progress.advance(task)
    return advance


def write_report(experiments: Sequence[ExperimentResult], out_dir: str | Path, lang: str = "en", *,
                 scenarios: Sequence[Scenario], worlds: Mapping[str, Any] | None = None
                 ) -> tuple[Comparison, list[Path]]:
    """Build the report of *experiments* (run from *scenarios*, same order) and write it into *out_dir*.

    Everything is rendered before the first file is written, and each file is replaced
    atomically, report.html last: a failed run leaves no half-written report. *worlds* is the
    ``worlds.json`` document of ``--uncertainty`` (the report's plausible-worlds section). Seasons
    (scenarios with daily series) also get season.html and its timeline figure.
    """
    from reports import build_report, build_season_page

    out = check_out_dir(out_dir)
    report = build_report(experiments, scenarios, lang, worlds=worlds)
    season = build_season_page(experiments, scenarios, lang, worlds=worlds)
    paths = []
    try:
        for name, data in (*season, *report.files):
            path = out / name
            with atomic_writer(path, binary=True) as f:
                f.write(data)
            paths.append(path)
    except OSError as exc:
        raise ReportWriteError([Diagnostic("report.write", f"cannot write the report: {exc.strerror or exc}",
                                           Location(str(out)))]) from exc
    return report.comparison, paths


def check_out_dir(out_dir: str | Path) -> Path:
    """*out_dir* as a path, or :class:`ReportWriteError` when something that is not a directory is in the way."""
    out = Path(out_dir)
    for place in (out, *out.parents):
        if place.exists() and not place.is_dir():
            raise ReportWriteError([Diagnostic("report.write", f"cannot write the report: {place} is not a directory",
                                               Location(str(out)))])
    return out


def render_table(comparison: Comparison, lang: str, console: Console) -> None:
    """Scenarios × key metrics: mean ± 95 % CI, Δ vs the base with its CI, verdicts coloured."""
    from rich.markup import escape
    from rich.table import Table

    from reports import KEY_METRICS, clearly_label, i18n

    table = Table(title=f"{i18n.text(lang, 'report.title')} — {comparison.replications} × seed {comparison.seed}",
                  title_justify="left", show_lines=True)
    table.add_column(i18n.text(lang, "scenario"), no_wrap=True)
    for metric in KEY_METRICS:
        table.add_column(i18n.metric_label(lang, metric), justify="right")
    targets = {(v.scenario, v.metric): v for v in comparison.verdicts}
    for i, name in enumerate(comparison.scenarios):
        cells = []
        for metric in KEY_METRICS:
            m = comparison.metric(metric)
            est = m.estimates[i] if m else None
            cell = "–" if est is None else i18n.interval(est.mean, est.half_width)
            diff = m.differences[i] if m else None
            if diff is not None:
                cell += f"\n[dim]Δ {i18n.signed_interval(diff.mean, diff.low, diff.high, diff.half_width)}[/]"
            verdict = targets.get((name, metric))
            if verdict is not None:
                cell += f"\n[{COLOURS[verdict.status]}]{i18n.status_label(lang, verdict.status)}[/]"
            cells.append(cell)
        table.add_row(escape(name), *cells)
    console.print(table)
    if len(comparison.scenarios) > 1:
        for b in comparison.best:
            sure = clearly_label(b, lang)
            console.print(f"{i18n.text(lang, 'best')}: {i18n.metric_label(lang, b.metric)} → {escape(b.scenario)} "
                          f"({i18n.text(lang, 'clear')}: {sure})", highlight=False, soft_wrap=True)
