"""``policysim merge``: join shards (``--reps A:B`` runs) into the result of the whole run.

Thin: :func:`simulate.store.merge` reads every ``DIR/replications`` folder, refuses shards of
different runs, gaps and conflicting duplicates, and counts each replication once. A plain
run's shards give ``summary.json``, ``replications.csv`` and ``queues.csv`` byte-identical to
the unsharded run's; a sweep's give ``sweep.json`` and the sweep report. The replication
files are copied too, so the merged folder can itself be resumed or merged again.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from policy import Diagnostic, FileFormatError, Location


def add_command(commands: Any) -> None:
    """Register ``merge`` on the CLI's subparsers."""
    p = commands.add_parser(
        "merge", help="join shards of a simulate or sweep run into one result",
        description="Join the replications stored by runs with --reps A:B (DIR/replications) into the "
                    "result of the whole run: the same summary.json (or sweep.json) as an unsharded run.")
    p.add_argument("dirs", nargs="+", metavar="DIR", help="output folders of the shards")
    p.add_argument("--out", metavar="DIR", required=True, help="folder for the merged result")
    p.add_argument("--scenario", metavar="FILE",
                   help="the scenario file the shards ran (checked against their digest): adds the report")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the report (default: en)")
    p.set_defaults(func=run_merge)


def run_merge(args: argparse.Namespace) -> int:
    from policy.atomic import atomic_writer
    from simulate import load_scenario, roster_summary, township_map, write_outputs
    from simulate.store import FOLDER, merge, prepare_out, refuse_links
    from simulate.sweep import sweep_of, write_sweep_json
    from simulate.variants import scenario_digest

    from .compare_cmds import write_report
    from .sweep_cmd import report_sweep

    for d in args.dirs:
        if not Path(d).is_dir():
            raise FileFormatError([Diagnostic("merge.dir", "no such folder", Location(str(d)))])
    merged = merge(args.dirs)
    out = prepare_out(args.out)
    for info in merged.variants:
        refuse_links(out, info.digest)
    scenario = None
    if args.scenario:
        if scenario_digest(args.scenario) != merged.run.digest:
            raise FileFormatError([Diagnostic(
                "merge.scenario", f"is not the scenario the shards ran ({merged.run.scenario} "
                f"sha256:{merged.run.digest[:12]})", Location(args.scenario))])
        scenario = load_scenario(args.scenario)
    for d in args.dirs:                         # the merged folder is a complete run folder too
        for source in sorted(Path(d).glob(f"{FOLDER}/*/r*.json")):
            target = out / source.relative_to(d)
            if not target.exists() or not target.samefile(source):
                with atomic_writer(target, binary=True) as f:
                    f.write(source.read_bytes())
    count = sum(len(e.replications) for e in merged.experiments)
    if merged.run.vary:
        sweep = sweep_of(merged)
        write_sweep_json(sweep, out)
        report_sweep(sweep, out, args.lang, list(scenario.files) if scenario else [], None,
                     township_map(scenario) if scenario else None)
    else:
        experiment = merged.experiments[0]
        roster = roster_summary(scenario) if scenario is not None else None
        for path in write_outputs(experiment, out, roster):
            print(f"wrote {path}")
        if scenario is not None:
            write_report([experiment], out, args.lang, scenarios=[scenario])
            print(f"report: {out / 'report.html'}")
    print(f"merged {count} replications of {len(merged.experiments)} variant(s) from {len(args.dirs)} folder(s) "
          f"into {out}", file=sys.stderr)
    return 0
