"""``policysim sensitivity``: which of a scenario's assumptions move its targets (SALib Morris or Sobol).

Thin: parse the flags, read the scenario's assumptions, let :mod:`simulate.sensitivity` build
the design and run every world on the chosen executor (each replication stored as it finishes,
``--resume`` reusing them, as ``sweep`` does), then write ``sensitivity.json``,
``sensitivity.csv`` and ``sensitivity.html`` (:mod:`reports.sensitivity`) and print one sentence
per target (with ``observed:`` figures also the share of design points they leave, and per
target the share of points where it holds, over all and over those).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from . import arguments
from .sweep_cmd import broken_run, option_error, progress_bar

DEFAULT_OUT = "out/sensitivity"
DEFAULT_TRAJECTORIES = 10
DEFAULT_SAMPLES = 64
DEFAULT_REPLICATIONS = 5


def add_command(commands: Any) -> None:
    """Register ``sensitivity`` on the CLI's subparsers."""
    p = commands.add_parser(
        "sensitivity", help="rank the scenario's assumptions by how much they move each target",
        description="Vary the scenario's assumptions over their plausible ranges (SALib: Morris or Sobol), run "
                    "every world on the same random numbers, and write per target the ranking (Morris mu*, sigma "
                    "or Sobol S1, ST with 95%% bootstrap CIs), a tornado chart and one plain sentence: "
                    "sensitivity.json, sensitivity.csv, sensitivity.html and each replication to --out.")
    p.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    p.add_argument("--method", choices=("morris", "sobol"), default="morris", help="design (default: morris)")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--trajectories", type=arguments.positive, metavar="N",
                      help=f"Morris trajectories (default {DEFAULT_TRAJECTORIES})")
    size.add_argument("--samples", type=arguments.positive, metavar="N",
                      help=f"Sobol base samples, a power of two (default {DEFAULT_SAMPLES})")
    p.add_argument("--replications", type=arguments.replications, default=DEFAULT_REPLICATIONS, metavar="R",
                   help=f"replications per world, 0..R-1 from the scenario's seed (default {DEFAULT_REPLICATIONS})")
    p.add_argument("--only", nargs="+", metavar="NAME", default=(),
                   help="vary only these assumptions (names as policysim assumptions lists them)")
    p.add_argument("--jobs", type=arguments.jobs, help="worker processes (default: one per core; 1 runs inline)")
    p.add_argument("--executor", choices=("process", "dask"), default="process",
                   help="where replications run (default: process; dask needs pip install 'policysim[dask]')")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler (default: a local cluster of --jobs workers)")
    p.add_argument("--resume", action="store_true",
                   help="skip replications already stored in --out by an interrupted run of the same design")
    p.add_argument("--out", metavar="DIR", default=DEFAULT_OUT, help=f"output directory (default: {DEFAULT_OUT})")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of sensitivity.html (default: en)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run_sensitivity)


def run_sensitivity(args: argparse.Namespace) -> int:
    from concurrent.futures import BrokenExecutor

    from policy.atomic import atomic_writer
    from reports import check_fonts
    from reports.sensitivity import holds_sentence, sensitivity_report, sentence, surviving_sentence
    from simulate import load_scenario, scenario_assumptions
    from simulate.executors import open_executor
    from simulate.provenance import policysim_version
    from simulate.sensitivity import chosen, make_design, run_worlds
    from simulate.sensitivity_tables import write_tables
    from simulate.store import prepare_out
    from simulate.sweep import Storage

    if args.method == "morris" and args.samples is not None:
        raise option_error("--samples", "Morris takes --trajectories N; --samples is for --method sobol")
    if args.method == "sobol" and args.trajectories is not None:
        raise option_error("--trajectories", "Sobol takes --samples N; --trajectories is for --method morris")
    size = (args.trajectories or DEFAULT_TRAJECTORIES) if args.method == "morris" else (args.samples or DEFAULT_SAMPLES)
    base = load_scenario(args.scenario)
    varied = chosen(scenario_assumptions(args.scenario), args.only)
    design = make_design(varied, args.method, size, base.seed)
    out = prepare_out(args.out)
    check_fonts(args.lang)
    worlds = len(design.values) + 1 + 2 * len(design.factors())
    show = not args.quiet and sys.stderr.isatty()
    try:
        with open_executor(args.executor, args.jobs, args.scheduler) as executor, \
                progress_bar(show, f"{base.name}: {worlds} worlds", worlds * args.replications) as advance:
            result = run_worlds(args.scenario, design, args.replications, executor,
                                Storage(out, args.resume, policysim_version()), advance)
    except BrokenExecutor as exc:
        return broken_run(out, exc)
    json_path, _ = write_tables(result, out)
    report = sensitivity_report(result, args.lang, list(base.files))
    for name, data in report.files:
        with atomic_writer(out / name, binary=True) as f:
            f.write(data)
    for m in result.measures:
        print(f"{m.target}: {sentence(m, args.lang)}")
    if result.matching is not None:
        print(surviving_sentence(result.matching, args.lang))
        for t in result.matching.targets:
            print(f"{t.target}: {holds_sentence(t, args.lang)}")
    print(f"wrote {json_path}")
    print(f"report: {out / 'sensitivity.html'}")
    return 0
