"""``policysim policy check|test`` and ``policysim decide``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from policy import Diagnostic, DurableEngine, Engine, Location, PolicysimError, ReferenceEngine, load_pack
from policy.analysis import check_pack, check_properties, load_properties
from policy.atomic import atomic_writer
from policy.batch import IDS_CHECKED, decide_jsonl, explain
from policy.json_schema import all_schemas
from policy.jsonl import bounded_lines, read_jsonl
from policy.tester import load_cases, render_json, render_junit, render_text, run_cases

from . import arguments, policy_diff
from .main import ExitCode


def add_commands(commands: Any) -> None:
    policy = commands.add_parser("policy", help="check and test policy packs")
    sub = policy.add_subparsers(dest="policy_command", metavar="COMMAND", required=True)

    check = sub.add_parser(
        "check", help="validate a pack, compile it, find gaps/conflicts/shadowed/dead rules, prove its properties")
    check.add_argument("pack")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(func=run_check)

    policy_diff.add_command(sub)

    schema = sub.add_parser("schema", help="write JSON Schema for pack, rule, test and property files")
    schema.add_argument("pack", nargs="?", help="make the schemas know this pack's fields and outcomes")
    schema.add_argument("--out", default="schemas", help="folder to write into (default: schemas)")
    schema.set_defaults(func=run_schema)

    test = sub.add_parser("test", help="run a pack's test cases and report rule coverage")
    test.add_argument("pack")
    test.add_argument("--min-coverage", type=arguments.percent, metavar="PCT", default=None,
                      help="fail when fewer than PCT%% of the rules decide a case")
    test.add_argument("--format", choices=("text", "json", "junit"), default="text")
    test.add_argument("--engine", choices=("durable", "reference"), default="durable")
    test.add_argument("--verbose", "-v", action="store_true", help="list passing cases too")
    test.set_defaults(func=run_test)

    decide = commands.add_parser(
        "decide", help="decide records (JSON Lines) with a pack",
        description="Decide one record per input line; write one JSON object per record.")
    decide.add_argument("pack")
    decide.add_argument("--decision", required=True)
    decide.add_argument("--input", default="-", help="JSON Lines file, or - for stdin (default)")
    decide.add_argument("--at", type=arguments.date, default=None,
                        help="decide with the rules in force on DATE (default today)")
    decide.add_argument("--output", default=None, help="write here (atomically) instead of stdout")
    decide.add_argument("--engine", choices=("durable", "reference"), default="durable")
    decide.add_argument("--explain", action="store_true", help="print a readable explanation per record")
    decide.add_argument("--lang", choices=("en", "zh"), default="en", help="language of --explain")
    decide.set_defaults(func=run_decide)


def _engine(name: str, pack_path: str) -> Engine:
    pack = load_pack(pack_path)
    return DurableEngine(pack) if name == "durable" else ReferenceEngine(pack)


def run_check(args: argparse.Namespace) -> int:
    try:
        pack = load_pack(args.pack)
        properties = load_properties(pack)
    except PolicysimError as exc:
        if args.format == "json":
            print(json.dumps({"ok": False, "diagnostics": [d.to_json() for d in exc.diagnostics],
                              "findings": []}, ensure_ascii=False, indent=2))
        else:
            for diagnostic in exc.diagnostics:
                print(f"policysim: {diagnostic}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    findings = check_pack(pack) + check_properties(pack, properties)
    errors = [f for f in findings if f.severity == "error"]
    rules = {name: len(pack.rules_for(name)) for name in pack.decisions}
    if args.format == "json":
        print(json.dumps({"ok": not errors, "pack": pack.label, "rules": rules, "properties": len(properties),
                          "diagnostics": [], "findings": [f.to_json() for f in findings]},
                         ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            print(finding)
        counts = ", ".join(f"{name}: {n} rules" for name, n in rules.items())
        verdict = "ok" if not findings else f"{len(findings)} finding{'s' * (len(findings) != 1)}"
        print(f"{pack.label}: {verdict} ({counts}; {len(properties)} properties "
              f"{'proved' if not errors else 'checked'})")
    if any(f.engine_cannot_run for f in findings):
        return ExitCode.BAD_INPUT  # durable_rules fails or crashes on this pack: it cannot be run
    return ExitCode.FAILED if errors else ExitCode.OK


def run_schema(args: argparse.Namespace) -> int:
    arguments.check_output_folder(args.out, "--out")
    pack = load_pack(args.pack) if args.pack else None
    for name, schema in all_schemas(pack).items():
        with atomic_writer(Path(args.out) / name) as out:
            json.dump(schema, out, ensure_ascii=False, indent=2)
            out.write("\n")
    print(f"wrote {', '.join(all_schemas())} to {args.out}/")
    return ExitCode.OK


def run_test(args: argparse.Namespace) -> int:
    engine = _engine(args.engine, args.pack)
    run = run_cases(engine, load_cases(engine.pack))
    if args.format == "json":
        print(render_json(run))
    elif args.format == "junit":
        print(render_junit(run, engine.pack.label))
    else:
        print(render_text(run, args.verbose))
    if run.failed or not run.results:
        return ExitCode.FAILED
    assert run.coverage is not None
    if args.min_coverage is not None and run.coverage.percent < args.min_coverage:
        print(f"policysim: rule coverage {run.coverage.percent:.1f}% is below --min-coverage {args.min_coverage}%",
              file=sys.stderr)
        return ExitCode.FAILED
    return ExitCode.OK


def run_decide(args: argparse.Namespace) -> int:
    engine = _engine(args.engine, args.pack)
    engine.spec(args.decision)
    at = args.at or dt.date.today()
    name = "<stdin>" if args.input == "-" else args.input
    if args.output:
        arguments.check_output_flag(args.output, "--output", [args.input])
    with arguments.open_input(args.input, binary=True) as source:
        lines = bounded_lines(source)
        if args.explain:
            return _explain(engine, args.decision, lines, name, at, args.lang)
        sys.stdout.flush()
        target = atomic_writer(args.output, binary=True) if args.output else nullcontext(sys.stdout.buffer)
        with target as out:
            summary = decide_jsonl(engine, args.decision, lines, name, at, out)
    arguments.report_bad_lines(summary.errors, f"decided {summary.decided} records", summary.bad)
    if summary.ids_unchecked_from is not None:
        print(f"policysim: {name}: more than {IDS_CHECKED} ids; repeated ids after line "
              f"{summary.ids_unchecked_from} were not looked for", file=sys.stderr)
    if summary.bad:
        return ExitCode.BAD_INPUT
    return ExitCode.OK


def _explain(engine: Engine, decision: str, source: Iterable[bytes], name: str, at: dt.date, lang: str) -> int:
    bad = 0
    for number, record in read_jsonl(source, name):
        if isinstance(record, Diagnostic):
            print(f"policysim: {record}", file=sys.stderr)
            bad += 1
            continue
        try:
            facts = engine.validate(decision, record, Location(name, number))
        except PolicysimError as exc:
            print(f"policysim: {exc.diagnostics[0]}", file=sys.stderr)
            bad += 1
            continue
        print(explain(engine.decide_facts(decision, facts, at), record, lang))
    return ExitCode.BAD_INPUT if bad else ExitCode.OK



