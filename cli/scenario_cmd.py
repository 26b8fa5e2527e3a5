"""``policysim scenario schema``: write the JSON Schema of scenario files for editors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from policy.atomic import atomic_writer

from . import arguments
from .main import ExitCode

FILE = "scenario.schema.json"


def add_command(commands: Any) -> None:
    scenario = commands.add_parser("scenario", help="scenario files: write their JSON Schema for editors")
    sub = scenario.add_subparsers(dest="scenario_command", metavar="COMMAND", required=True)
    schema = sub.add_parser("schema", help=f"write the JSON Schema of scenario files ({FILE})")
    schema.add_argument("--out", default="schemas", help="folder to write into (default: schemas)")
    schema.set_defaults(func=run_schema)


def run_schema(args: argparse.Namespace) -> int:
    arguments.check_output_folder(args.out, "--out")
    from simulate.scenario_json_schema import scenario_schema

    with atomic_writer(Path(args.out) / FILE) as out:
        json.dump(scenario_schema(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    print(f"wrote {FILE} to {args.out}/")
    return ExitCode.OK
