"""How long `policy check` takes on a 500-rule pack, against the shipped pack in the same process.

The large pack is the shipped pack plus generated gate rules: each reads role, gate level,
pass and a temperature threshold from a small set, as a real pack grown rule by rule would,
so that a record matches a few rules, not all. The figure to hold is the large pack's time
(target: 10 s or less); the ratio to the shipped pack's time, measured in the same process,
says how the analysis scales with the rule count whatever the machine's speed.

    PYTHONPATH=. python benchmarks/check.py [--rules 500]
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("POLICYSIM_CACHE", "off")  # measure the proof, not a cached marker

from policy import load_pack
from policy.analysis import check_pack

SHIPPED = Path(__file__).resolve().parent.parent / "policy" / "packs" / "xiongerzhai-2020"
TARGET_S = 10.0  # issue 10: a 500-rule pack is checked in 10 s or less
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base_s, base_rules, _ = timed(SHIPPED)
        big_s, big_rules, findings = timed(large_pack(Path(tmp), args.rules))
    print(f"policy check, shipped pack ({base_rules} rules): {base_s:.2f} s")
    print(f"policy check, {big_rules}-rule pack: {big_s:.2f} s ({findings} findings); "
          f"ratio {big_s / base_s:.1f}x for {big_rules / base_rules:.1f}x the rules; "
          f"target <= {TARGET_S:.0f} s: {'met' if big_s <= TARGET_S else 'MISSED'}")
    return 0 if big_s <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
