"""``policysim assumptions SCENARIO``: the numbers a scenario assumes, with their plausible ranges
and sources, for a reviewer to read before believing a result (text, JSON or CSV on stdout)."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from typing import Any

from .main import ExitCode

COLUMNS = ("name", "value", "low", "high", "integer", "source", "group", "file", "line")


def add_command(commands: Any) -> None:
    p = commands.add_parser(
        "assumptions", help="list a scenario's assumptions: value, plausible range, source",
        description="List every number the scenario states as an assumption ({value, range, source}), "
                    "in file order: its path, point value, plausible range, source, group (assumptions "
                    "moved as one factor in sensitivity) and where it is stated.")
    p.add_argument("scenario", help="scenario file")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text", help="output format (default: text)")
    p.add_argument("--vary", action="append", default=[], metavar="PATH=VALUE",
                   help="set one value before listing (repeatable): the point value a run with it would use")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from policy.errors import FileFormatError, Location, error
    from simulate.assumptions import scenario_assumptions
    from simulate.variants import overrides_of, parse_vary

    varies = [parse_vary(text) for text in args.vary]
    for v in varies:
        if len(v.values) != 1:
            raise error(FileFormatError, "vary.values", f"{v.path}: give one value here, not {len(v.values)}",
                        Location(f"--vary {v.flag}"))
    found = scenario_assumptions(args.scenario, overrides_of([(v, v.values[0]) for v in varies]))
    rows = [{"name": a.name, "value": a.value, "low": a.low, "high": a.high, "integer": a.integer,
             "source": a.source, "group": a.group, "file": a.file, "line": a.line} for a in found]
    sys.stdout.write(render(rows, args.format))
    return ExitCode.OK


def render(rows: list[dict[str, Any]], form: str) -> str:
    """*rows* (one per assumption, keys :data:`COLUMNS`) as text, JSON or CSV."""
    if form == "json":
        return json.dumps({"assumptions": rows}, ensure_ascii=False, indent=2) + "\n"
    if form == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    if not rows:
        return "no assumptions: the scenario states no number as {value, range, source}\n"
    table = [("assumption", "value", "range", "source", "group", "stated at")] + [
        (r["name"], f"{r['value']:g}", f"[{r['low']:g}, {r['high']:g}]" + (" whole" if r["integer"] else ""),
         r["source"], r["group"] or "-", f"{r['file']}:{r['line']}") for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]) - 1)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1]
             for row in table]
    return "\n".join(lines) + f"\n{len(rows)} assumption{'s' * (len(rows) != 1)}\n"
