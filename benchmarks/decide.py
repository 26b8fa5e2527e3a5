"""Decisions per second for gate_admission over a generated 100k-record register.

Prints, in one process: durable_rules posting every record, the reference evaluator (the
baseline), the cell-cached durable engine, and the `policysim decide` command end to end
(a subprocess reading and writing JSON Lines files). Run: python benchmarks/decide.py [N]
"""

from __future__ import annotations

import datetime as dt
import json
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


def rate(engine, records) -> float:
    facts = [engine.validate("gate_admission", r) for r in records]
    start = time.perf_counter()
    for f in facts:
        engine.decide_facts("gate_admission", f, AT)
    return len(facts) / (time.perf_counter() - start)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    pack = load_pack(PACK)
    records = register(n)
    baseline = rate(ReferenceEngine(pack), records)
    posting = rate(DurableEngine(pack, cache=False), records[:10_000])
    cached_engine = DurableEngine(pack)
    cached = rate(cached_engine, records)
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "register.jsonl", Path(tmp) / "decisions.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in records))
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cli.main", "decide", str(PACK), "--decision",
                        "gate_admission", "--input", str(source), "--at", AT.isoformat(),
                        "--output", str(target)], check=True, cwd=ROOT)
        end_to_end = n / (time.perf_counter() - start)
        assert sum(1 for _ in target.open()) == n
    print(f"gate_admission over {n:,} generated records (at {AT}); baseline = reference evaluator")
    print(f"  reference evaluator            {baseline:>10,.0f} records/s   1.00x")
    print(f"  durable_rules, every record    {posting:>10,.0f} records/s   {posting / baseline:.2f}x"
          "   (first 10,000 records)")
    print(f"  durable_rules, once per cell   {cached:>10,.0f} records/s   {cached / baseline:.2f}x"
          f"   ({cached_engine.posts} cells posted)")
    print(f"  `policysim decide` end to end  {end_to_end:>10,.0f} records/s   {end_to_end / baseline:.2f}x"
          "   (process start, load, JSONL in and out)")
    print(f"  target >= 100,000 records/s end to end: {'met' if end_to_end >= 100_000 else 'NOT met'}")


if __name__ == "__main__":
    main()
