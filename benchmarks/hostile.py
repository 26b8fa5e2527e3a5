"""Run the hostile corpus (tests/hostile/corpus.py) and print issue 10's totals table.

Every case runs in a fresh temporary directory, in a forked child of this process (policysim
imported once) or, with --subprocess, as ``python -m cli.main``; each is classified as clean,
traceback, hang, crash, data lost, silently wrong or bad message (tests/hostile/outcomes.py).
Prints the totals, then one line per case that is not clean. Exit status: 0 when every case
is clean, 1 otherwise.

Run: python benchmarks/hostile.py [--jobs N] [--only REGEX] [--subprocess] [--json FILE]
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile.corpus import cases  # noqa: E402
from tests.hostile.outcomes import ForkRunner, Outcome, Result, Verdict, classify, run_subprocess  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="cases at a time (default 2)")
    parser.add_argument("--only", default="", help="run only cases whose name matches this regex")
    parser.add_argument("--subprocess", action="store_true", help="run each case as a fresh interpreter")
    parser.add_argument("--json", help="also write every case's outcome here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))  # stop children, remove temp dirs

    selected = [c for c in cases() if re.search(args.only, c.name)]
    verdicts: list[tuple[Result, Verdict]] = []
    start = time.monotonic()

    def record(result: Result) -> None:
        verdict = classify(result)
        verdicts.append((result, verdict))
        mark = "." if verdict.outcome is Outcome.CLEAN else verdict.outcome.value[0].upper()
        print(mark, end="", flush=True, file=sys.stderr)

    root = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        if args.subprocess:
            for i, case in enumerate(selected):
                cwd = root / f"{i:04d}" / "cwd"
                cwd.mkdir(parents=True)
                record(run_subprocess(case, cwd))
        else:
            ForkRunner(jobs=args.jobs, root=root).run_all(selected, record)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print(file=sys.stderr)

    totals = collections.Counter(v.outcome for _, v in verdicts)
    print(f"hostile corpus: {len(verdicts)} cases in {time.monotonic() - start:.0f} s")
    print(f"{'outcome':<16}{'cases':>7}")
    for outcome in (Outcome.CLEAN, Outcome.TRACEBACK, Outcome.HANG, Outcome.CRASH, Outcome.DATA_LOST,
                    Outcome.SILENTLY_WRONG, Outcome.BAD_MESSAGE):
        print(f"{outcome.value:<16}{totals[outcome]:>7}")
    bad = sorted(((r, v) for r, v in verdicts if v.outcome is not Outcome.CLEAN),
                 key=lambda rv: (list(Outcome).index(rv[1].outcome), rv[0].case.name))
    if bad:
        print("\nnot clean:")
    for result, verdict in bad:
        issue = f"  [issue: {result.case.issue}]" if result.case.issue else ""
        print(f"  {verdict.outcome.value:<15} {result.case.name}: {verdict.detail}{issue}")
    if args.json:
        Path(args.json).write_text(json.dumps(
            [{"case": r.case.name, "outcome": v.outcome.value, "detail": v.detail, "exit": r.returncode,
              "seconds": round(r.seconds, 2), "issue": r.case.issue} for r, v in verdicts],
            ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
