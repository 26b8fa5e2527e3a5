"""``policysim regress``: what CI runs — every pack's tests and checks, and the golden scenarios."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from policy import FileFormatError, Location
from policy.errors import error

from . import arguments
from .main import ExitCode


def add_command(commands: Any) -> None:
    regress = commands.add_parser(
        "regress", help="CI: run every pack's tests and checks, and re-run the golden scenarios",
        description="Fail when a pack test fails, check finds a problem, or a golden scenario's "
                    "metric moves: on the build the golden was made on, any change in any "
                    "replication's value; on another build, leaving its stored 95%% interval. "
                    "--update rewrites the goldens.")
    regress.add_argument("--packs", default="policy/packs", help="folder of packs (default policy/packs)")
    regress.add_argument("--scenarios", default="scenarios", help="folder of scenarios (default scenarios)")
    regress.add_argument("--goldens", default="scenarios/goldens", help="folder of golden summaries")
    regress.add_argument("--update", action="store_true", help="re-run every scenario and rewrite its golden")
    regress.add_argument("--replications", type=arguments.positive, default=8,
                         help="replications per golden (with --update)")
    regress.add_argument("--jobs", type=arguments.jobs, default=None, help="worker processes (default: CPU count)")
    regress.set_defaults(func=run_regress)


def _packs(folder: Path) -> int:
    from policy import DurableEngine, load_pack
    from policy.analysis import check_pack, check_properties, load_properties
    from policy.tester import load_cases, run_cases

    if not folder.is_dir():
        raise error(FileFormatError, "file.missing", "no such folder of packs", Location(f"--packs {folder}"))
    failures = 0
    for root in sorted(p.parent for p in folder.glob("*/pack.yaml")):
        pack = load_pack(root)
        run = run_cases(DurableEngine(pack), load_cases(pack))
        findings = [f for f in check_pack(pack) + check_properties(pack, load_properties(pack))
                    if f.severity == "error"]
        for result in run.failed:
            print(f"FAIL {result.case.location} {result.case.name}: "
                  f"{'; '.join(result.failures) or result.error}")
        for finding in findings:
            print(f"FAIL {finding}")
        failures += len(run.failed) + len(findings)
        print(f"pack {pack.label}: {len(run.results) - len(run.failed)} of {len(run.results)} cases pass, "
              f"{len(findings)} findings")
    return failures


def _goldens(args: argparse.Namespace) -> int:
    from reports.regression import golden_of, read_golden, regression, write_golden
    from simulate import load_scenario, run_experiment
    from simulate.provenance import current_build

    goldens, build = Path(args.goldens), current_build()
    if args.update:
        # Every scenario runs before any golden is written, so a failing one leaves the set as it was.
        made = []
        for path in sorted(Path(args.scenarios).glob("*.yaml")):
            experiment = run_experiment(load_scenario(path), replications=args.replications, jobs=args.jobs)
            made.append((golden_of(experiment, path.as_posix(), build), goldens / f"{path.stem}.json"))
        for golden, target in made:
            write_golden(golden, target)
            print(f"golden {golden.scenario}: rewritten ({golden.replications} replications, seed {golden.seed})")
        return 0
    failures = 0
    stored = sorted(goldens.glob("*.json"))
    if not stored:
        print(f"no golden summaries in {goldens}/ (make them with `policysim regress --update`)", file=sys.stderr)
        return 1
    for path in stored:
        golden = read_golden(path)
        experiment = run_experiment(load_scenario(golden.source), replications=golden.replications,
                                    seed=golden.seed, jobs=args.jobs)
        found = regression(golden, experiment, build)
        if not found.exact:
            print(found.build_note())
        for failure in found.failures:
            print(f"FAIL {failure}")
        failures += len(found.failures)
        print(found.summary())
    return failures


def run_regress(args: argparse.Namespace) -> int:
    failures = _packs(Path(args.packs)) + _goldens(args)
    print("regress: ok" if not failures else f"regress: {failures} failures")
    return ExitCode.FAILED if failures else ExitCode.OK
