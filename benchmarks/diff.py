"""Cases per second for `policy diff` over a generated ~100k-case register of the township.

The register is the shipped generator's with more households (same shares, same seed);
NEW is the shipped pack with one edit (villagers without a pass turned back). Prints, in one
process: one engine deciding every case (parse, validate, decide — the baseline), the diff
library deciding every case under both packs, and `policysim policy diff` end to end (a fresh
process: start, load both packs, read the register, write the report).
Run: python benchmarks/diff.py [HOUSEHOLDS]
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policy import DurableEngine, load_pack  # noqa: E402
from policy.analysis.diff import diff_lines  # noqa: E402

PACK = ROOT / "policy" / "packs" / "xiongerzhai-2020"
AT = dt.date(2020, 3, 1)
EDIT = ("  when: {gate_level: village, role: {in: [resident, commuter]}, has_pass: false}\n"
        "  then: admit_and_register", "then: admit_and_register", "then: turn_back")


def generator():
    spec = importlib.util.spec_from_file_location("register_generator", ROOT / "registers" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def edited_pack(root: Path) -> Path:
    shutil.copytree(PACK, root)
    rules = root / "rules" / "gate.yaml"
    block, old, new = EDIT
    rules.write_text(rules.read_text(encoding="utf-8").replace(block, block.replace(old, new)), encoding="utf-8")
    return root


def one_engine(lines: list[str]) -> float:
    """Seconds for one engine to parse, validate and decide every case."""
    engine = DurableEngine(load_pack(PACK))
    start = time.perf_counter()
    for line in lines:
        record = json.loads(line)
        decision, day = record.pop("decision"), dt.date.fromisoformat(record.pop("at"))
        engine.decide_facts(decision, engine.validate(decision, record), day)
    return time.perf_counter() - start


def library(lines: list[str], new: Path) -> tuple[float, int]:
    """Seconds for the diff library over every case (fresh engines), and the changed count."""
    start = time.perf_counter()
    impact = diff_lines(DurableEngine(load_pack(PACK)), DurableEngine(load_pack(new)), lines, "register", AT)
    assert not impact.errors
    return time.perf_counter() - start, impact.changed


def command(register: Path, new: Path, report: Path) -> float:
    """Seconds for `policysim policy diff` in a fresh process."""
    argv = ["policy", "diff", str(PACK), str(new), "--input", str(register), "--output", str(report)]
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "cli.main", *argv], cwd=ROOT, capture_output=True, text=True)
    if done.returncode == 2 and "invalid choice" in done.stderr:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "cli.main", *argv], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    return seconds


def process_start() -> float:
    """Seconds for `policysim --help`: interpreter start and the command's imports."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cli.main", "--help"], cwd=ROOT, capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    households = int(sys.argv[1]) if len(sys.argv) > 1 else 23_000
    make = generator()
    records = make.generate(households=households, residents=round(households * make.RESIDENTS / make.HOUSEHOLDS))
    with tempfile.TemporaryDirectory() as tmp:
        register, new = Path(tmp) / "register.jsonl", edited_pack(Path(tmp) / "new")
        make.write(records, register)
        lines = register.read_text(encoding="utf-8").splitlines(keepends=True)
        n = len(lines)
        baseline = n / min(one_engine(lines) for _ in range(3))
        runs = [library(lines, new) for _ in range(3)]
        diffed, changed = n / min(s for s, _ in runs), runs[0][1]
        end_to_end = n / min(command(register, new, Path(tmp) / "report.txt") for _ in range(2))
        startup = min(process_start() for _ in range(3))
    print(f"policy diff over {n:,} generated cases ({households:,} households; "
          f"{changed:,} change under the edit); baseline = one engine deciding each case")
    print(f"  one engine, parse + validate + decide   {baseline:>10,.0f} cases/s   1.00x")
    print(f"  diff library, both packs                {diffed:>10,.0f} cases/s   {diffed / baseline:.2f}x")
    print(f"  `policysim policy diff` end to end      {end_to_end:>10,.0f} cases/s   {end_to_end / baseline:.2f}x"
          "   (process start, two packs, register in, report out)")
    print(f"    of which process start (`policysim --help`): {startup:.2f} s; without it "
          f"{n / (n / end_to_end - startup):,.0f} cases/s")
    for label, value in (("library", diffed), ("end to end", end_to_end)):
        print(f"  target >= 100,000 cases/s ({label}): {'met' if value >= 100_000 else 'NOT met'}")


if __name__ == "__main__":
    main()
