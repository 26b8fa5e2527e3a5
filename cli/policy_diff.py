"""``policysim policy diff OLD NEW --input REGISTER.jsonl``: what an edit of a pack changes.

Both packs are loaded side by side; every case of the register is decided under each. Exit 0,
or 1 when more than ``--fail-over`` PCT% of the decisions change (a CI gate against an
unintended blast radius), or 2 when some register lines were bad (reported with file:line on
stderr; the others are still compared).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from contextlib import nullcontext
from typing import Any

from policy import DurableEngine, load_pack
from policy.analysis.diff import diff_lines
from policy.analysis.impact_report import percent, render_json, render_text
from policy.atomic import atomic_writer

from . import arguments
from .main import ExitCode


def add_command(policy_subparsers: Any) -> None:
    """Register ``diff`` under ``policysim policy``."""
    diff = policy_subparsers.add_parser(
        "diff", help="how many decisions of a register an edit of a pack changes",
        description="Decide every case of a register (JSON Lines: id, decision, at, meta, inputs) "
                    "under OLD and NEW, and report what changes: transitions, villages, roles, cases.")
    diff.add_argument("old", help="the pack before the edit")
    diff.add_argument("new", help="the pack after the edit")
    diff.add_argument("--input", required=True, metavar="REGISTER",
                      help="register of cases (JSON Lines), or - for stdin")
    diff.add_argument("--at", type=arguments.date, default=None,
                      help="day for cases without their own 'at' (default today)")
    diff.add_argument("--format", choices=("text", "json"), default="text")
    diff.add_argument("--fail-over", type=arguments.percent, default=None, metavar="PCT",
                      help="exit 1 when more than PCT%% of the decisions change")
    diff.add_argument("--output", default=None, help="write here (atomically) instead of stdout")
    diff.set_defaults(func=run_diff)


def run_diff(args: argparse.Namespace) -> int:
    old, new = DurableEngine(load_pack(args.old)), DurableEngine(load_pack(args.new))
    name = "<stdin>" if args.input == "-" else args.input
    with arguments.open_input(args.input, binary=True) as source:
        impact = diff_lines(old, new, source, name, args.at or dt.date.today())
    report = render_json(impact) if args.format == "json" else render_text(impact)
    with atomic_writer(args.output) if args.output else nullcontext(sys.stdout) as out:
        out.write(report)
    arguments.report_bad_lines(impact.errors, f"compared {impact.records} cases")
    if impact.errors:
        return ExitCode.BAD_INPUT
    if args.fail_over is not None and impact.percent > args.fail_over:
        print(f"policysim: {percent(impact.changed, impact.records)} of decisions change, "
              f"over --fail-over {args.fail_over:g}%", file=sys.stderr)
        return ExitCode.FAILED
    return ExitCode.OK
