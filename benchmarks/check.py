"""How long `policy check` takes on a 500-rule pack, against the shipped pack in the same process.

The large pack is the shipped pack plus generated gate rules: each reads role, gate level,
pass and a temperature threshold from a small set, as a real pack grown rule by rule would,
so that a record matches a few rules, not all. The figure to hold is the large pack's time
(target: 10 s or less); the ratio to the shipped pack's time, measured in the same process,
says how the analysis scales with the rule count whatever the machine's speed.

It also times `policy check` of the shipped pack as the command runs it (the cells, then the
properties), wall and CPU time (this process and its durable_rules children), against the old
way in the same process: one child sending each answer alone, the properties deciding every
cell again (target: 10 s wall or less on two unloaded cores; note the load average).

    PYTHONPATH=. python benchmarks/check.py [--rules 500] [--no-old]
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("POLICYSIM_CACHE", "off")  # measure the proof, not a cached marker

import policy.analysis.engine_run as engine_run
import policy.analysis.matching as matching
from policy import PackError, load_pack
from policy.analysis import check_pack, check_properties, load_properties

SHIPPED = Path(__file__).resolve().parent.parent / "policy" / "packs" / "xiongerzhai-2020"
TARGET_S = 10.0  # issue 10: a 500-rule pack is checked in 10 s or less
SHIPPED_TARGET_S = 10.0  # issue 13's part "check": the shipped pack (95,200 quarantine cells), 10 s or less
ROLES = ("resident", "commuter", "returning_resident", "delivery", "official", "medical",
         "relative_visitor", "tourist", "through_traffic")
STATUSES = ("none", "home_observation", "centralized", "released")
THRESHOLDS = (35.5, 36.0, 36.5, 37.0, 37.5, 38.0, 38.5, 39.0)
OUTCOMES = ("admit", "admit_and_register", "turn_back", "handle_at_gate")


def extra_rules(count: int) -> str:
    """*count* gate rules, each on its own combination of role, status, pass and threshold."""
    combos = itertools.product(ROLES, STATUSES, (True, False), THRESHOLDS)
    out = []
    for i, (role, status, has_pass, low) in zip(range(count), combos, strict=False):
        out.append(
            f"- id: gen.r{i}\n  decision: gate_admission\n  priority: {1 + i % 29}\n"
            f"  when: {{role: {role}, quarantine_status: {status}, has_pass: {str(has_pass).lower()}, "
            f"temperature_c: {{gte: {low}}}}}\n  then: {OUTCOMES[i % len(OUTCOMES)]}\n"
            f"  reason: {{zh: 生成, en: generated}}\n  source: \"field report §一(三)二\"\n")
    return "".join(out)


def large_pack(folder: Path, total: int) -> Path:
    """The shipped pack plus generated rules, *total* rules in all."""
    root = folder / "large"
    shutil.copytree(SHIPPED, root)
    shutil.rmtree(root / "tests", ignore_errors=True)
    shipped = len(load_pack(SHIPPED).rules)
    (root / "rules" / "generated.yaml").write_text(extra_rules(total - shipped), encoding="utf-8")
    return root


def timed(root: Path) -> tuple[float, int, int]:
    pack = load_pack(root)
    start = time.perf_counter()
    findings = check_pack(pack)
    return time.perf_counter() - start, len(pack.rules), len(findings)


def _cpu() -> float:
    """CPU seconds so far of this process and its finished children (the durable_rules ones)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def command(root: Path, old: bool = False) -> tuple[float, float, int]:
    """Wall and CPU seconds of `policy check` of *root* (cells, then properties), and its findings;
    *old*: as before issue 13 (one child, one message per answer, properties deciding again)."""
    saved = engine_run.CHUNK, engine_run.WORKERS
    if old:
        engine_run.CHUNK, engine_run.WORKERS = 1, 1
    try:
        pack = load_pack(root)
        wall, cpu = time.perf_counter(), _cpu()
        findings = check_pack(pack)
        if old:
            matching.keep_decided(matching.DecidedCells(pack, {}))  # nothing to look up: decide again
        findings += check_properties(pack, load_properties(pack))
        return time.perf_counter() - wall, _cpu() - cpu, len(findings)
    finally:
        engine_run.CHUNK, engine_run.WORKERS = saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=500)
    parser.add_argument("--no-old", action="store_true", help="skip timing the old way (~1 min)")
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    now_s, now_cpu, now_found = command(SHIPPED)
    print(f"policy check of the shipped pack: {now_s:.2f} s wall, {now_cpu:.2f} s CPU ({now_found} findings); "
          f"target <= {SHIPPED_TARGET_S:.0f} s: {'met' if now_s <= SHIPPED_TARGET_S else 'MISSED'}")
    if not args.no_old:
        old_s, old_cpu, old_found = command(SHIPPED, old=True)
        print(f"  the old way: {old_s:.2f} s wall, {old_cpu:.2f} s CPU ({old_found} findings); "
              f"{old_s / now_s:.1f}x the wall time, {old_cpu / now_cpu:.1f}x the CPU time")
    shipped_met = now_s <= SHIPPED_TARGET_S
    with tempfile.TemporaryDirectory() as tmp:
        base_s, base_rules, _ = timed(SHIPPED)
        try:
            big_s, big_rules, findings = timed(large_pack(Path(tmp), args.rules))
        except PackError as exc:  # the engine proof's budget (engine_run.MAX_WORK) refuses it
            print(f"policy check, {args.rules}-rule pack: refused: {exc.diagnostics[0].message}")
            return 1
    print(f"policy check, shipped pack ({base_rules} rules): {base_s:.2f} s")
    print(f"policy check, {big_rules}-rule pack: {big_s:.2f} s ({findings} findings); "
          f"ratio {big_s / base_s:.1f}x for {big_rules / base_rules:.1f}x the rules; "
          f"target <= {TARGET_S:.0f} s: {'met' if big_s <= TARGET_S else 'MISSED'}")
    return 0 if big_s <= TARGET_S and shipped_met else 1


if __name__ == "__main__":
    sys.exit(main())
