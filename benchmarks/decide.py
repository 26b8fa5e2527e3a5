"""Records per second and peak memory of `policysim decide` for gate_admission, 1M records.

Prints, in one process: the reference evaluator deciding validated records (the baseline),
the cell-cached durable engine, and the `policysim decide` command end to end — a fresh
process (start, pack load, JSON Lines in, JSON Lines out) timed by the wall clock, its peak
memory read from the kernel's maximum resident set size of that child (``os.wait4``) — over
two registers: *varied* (roles, temperatures, passes as at a real gate) and *identical* (one
record repeated, each line with its own id). Run: python benchmarks/decide.py [N]
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policy import DurableEngine, ReferenceEngine, load_pack  # noqa: E402

PACK = ROOT / "policy" / "packs" / "xiongerzhai-2020"
AT = dt.date(2020, 3, 14)
ROLES = ["resident", "commuter", "returning_resident", "delivery", "official", "medical",
         "relative_visitor", "tourist", "through_traffic"]
ROLE_SHARE = [0.45, 0.12, 0.04, 0.06, 0.03, 0.01, 0.05, 0.2, 0.04]
STATUS = ["none", "home_observation", "centralized", "released"]
TARGET_RATE, TARGET_MB = 250_000, 300


def register(n: int, seed: int = 20200314) -> list[dict]:
    """*n* gate arrivals: roles by share, temperatures ~ N(36.5, 0.35) to 0.1 °C, a few fevers."""
    rng = np.random.default_rng(seed)
    roles = rng.choice(len(ROLES), n, p=ROLE_SHARE)
    temps = np.clip(np.round(rng.normal(36.5, 0.35, n), 1), 34, 43)
    status = rng.choice(4, n, p=[0.9, 0.05, 0.01, 0.04])
    gates = rng.random(n) < 0.4
    passes = rng.random(n) < 0.7
    return [{"id": i, "gate_level": "township" if gates[i] else "village", "role": ROLES[roles[i]],
             "has_pass": bool(passes[i]), "temperature_c": float(temps[i]),
             "quarantine_status": STATUS[status[i]]} for i in range(n)]


def identical(n: int) -> list[dict]:
    """*n* copies of one resident's arrival, ids 0..n-1."""
    return [{"id": i, "gate_level": "village", "role": "resident", "has_pass": True,
             "temperature_c": 36.5, "quarantine_status": "none"} for i in range(n)]


def rate(engine, records) -> float:
    facts = [engine.validate("gate_admission", r) for r in records]
    start = time.perf_counter()
    for f in facts:
        engine.decide_facts("gate_admission", f, AT)
    return len(facts) / (time.perf_counter() - start)


def command(source: Path, target: Path) -> tuple[float, float]:
    """Seconds and peak resident MB of `policysim decide` over *source* in a fresh process."""
    argv = [sys.executable, "-m", "cli.main", "decide", str(PACK), "--decision", "gate_admission",
            "--input", str(source), "--at", AT.isoformat(), "--output", str(target)]
    start = time.perf_counter()
    child = subprocess.Popen(argv, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0, f"policysim decide exited {child.returncode}"
    return seconds, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def end_to_end(records: list[dict], tmp: Path, name: str) -> tuple[float, float]:
    """Records per second and peak MB of the command over *records* (best of two runs)."""
    source, target = tmp / f"{name}.jsonl", tmp / f"{name}-decisions.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for start in range(0, len(records), 65536):
            out.write("".join(json.dumps(r) + "\n" for r in records[start:start + 65536]))
    runs = [command(source, target) for _ in range(2)]
    with target.open(encoding="utf-8") as written:
        count = sum(1 for _ in written)
    assert count == len(records), f"{count} decisions for {len(records)} records"
    source.unlink()
    target.unlink()
    return len(records) / min(s for s, _ in runs), max(mb for _, mb in runs)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    pack = load_pack(PACK)
    varied = register(n)
    sample = varied[:100_000]
    baseline = rate(ReferenceEngine(pack), sample)
    cached_engine = DurableEngine(pack)
    cached = rate(cached_engine, sample)
    with tempfile.TemporaryDirectory() as tmp:
        runs = {"varied": end_to_end(varied, Path(tmp), "varied")}
        del varied, sample
        runs["identical"] = end_to_end(identical(n), Path(tmp), "identical")
    print(f"gate_admission over {n:,} records (at {AT}); baseline = reference evaluator, "
          "first 100,000 validated varied records")
    print(f"  reference evaluator              {baseline:>10,.0f} records/s   1.00x")
    print(f"  durable_rules, once per cell     {cached:>10,.0f} records/s   {cached / baseline:.2f}x"
          f"   ({cached_engine.posts} cells posted)")
    for name, (records_per_s, mb) in runs.items():
        print(f"  `policysim decide`, {name:<10}  {records_per_s:>10,.0f} records/s   "
              f"{records_per_s / baseline:.2f}x   peak {mb:,.0f} MB   (process start, load, JSONL in and out)")
    for name, (records_per_s, mb) in runs.items():
        met = records_per_s >= TARGET_RATE and mb <= TARGET_MB
        print(f"  target >= {TARGET_RATE:,} records/s and <= {TARGET_MB} MB ({name}): "
              f"{'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
