"""Records per second and peak memory of `policysim decide` for gate_admission, 1M records.

Prints, in one process: the reference evaluator deciding validated records (the baseline),
the cell-cached durable engine, and the `policysim decide` command end to end — a fresh
process (start, pack load, JSON Lines in, JSON Lines out) timed by the wall clock, with its
CPU seconds and its peak memory (the kernel's maximum resident set size of that child) —
over two registers: *varied* (roles, temperatures, passes as at a real gate) and *identical*
(one record repeated, each line with its own id). Run: python benchmarks/decide.py [N]

Linux carries a process's peak resident size across ``exec``, so a command forked from this
(large) process would report this process's peak; the commands are therefore started by a
small spawner process begun before anything is loaded.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
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


def register(n: int, seed: int = 20200314) -> Iterator[dict]:
    """*n* gate arrivals: roles by share, temperatures ~ N(36.5, 0.35) to 0.1 °C, a few fevers."""
    rng = np.random.default_rng(seed)
    roles = rng.choice(len(ROLES), n, p=ROLE_SHARE)
    temps = np.clip(np.round(rng.normal(36.5, 0.35, n), 1), 34, 43)
    status = rng.choice(4, n, p=[0.9, 0.05, 0.01, 0.04])
    gates = rng.random(n) < 0.4
    passes = rng.random(n) < 0.7
    return ({"id": i, "gate_level": "township" if gates[i] else "village", "role": ROLES[roles[i]],
             "has_pass": bool(passes[i]), "temperature_c": float(temps[i]),
             "quarantine_status": STATUS[status[i]]} for i in range(n))


def identical(n: int) -> Iterator[dict]:
    """*n* copies of one resident's arrival, ids 0..n-1."""
    return ({"id": i, "gate_level": "village", "role": "resident", "has_pass": True,
             "temperature_c": 36.5, "quarantine_status": "none"} for i in range(n))


def rate(engine, records) -> float:
    facts = [engine.validate("gate_admission", r) for r in records]
    start = time.perf_counter()
    for f in facts:
        engine.decide_facts("gate_admission", f, AT)
    return len(facts) / (time.perf_counter() - start)


# Runs each command it is sent (argv, cwd) and answers its wall seconds, exit code, peak
# resident KiB and CPU seconds, read from wait4 for that child alone.
SPAWNER = """
import json, os, sys, time
for line in sys.stdin:
    argv, cwd = json.loads(line)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.chdir(cwd)
        os.execv(argv[0], argv)
    _, status, usage = os.wait4(pid, 0)
    print(json.dumps([time.perf_counter() - start, os.waitstatus_to_exitcode(status), usage.ru_maxrss,
                      usage.ru_utime + usage.ru_stime]), flush=True)
"""


@dataclass(frozen=True)
class Run:
    """One `policysim decide` run: wall seconds, CPU seconds, peak resident MB."""

    seconds: float
    cpu: float
    mb: float


def command(spawner: subprocess.Popen, source: Path, target: Path) -> Run:
    """`policysim decide` over *source* in a fresh process started by *spawner*."""
    argv = [sys.executable, "-m", "cli.main", "decide", str(PACK), "--decision", "gate_admission",
            "--input", str(source), "--at", AT.isoformat(), "--output", str(target)]
    spawner.stdin.write(json.dumps([argv, str(ROOT)]) + "\n")
    spawner.stdin.flush()
    seconds, code, kib, cpu = json.loads(spawner.stdout.readline())
    assert code == 0, f"policysim decide exited {code}"
    return Run(seconds, cpu, kib / 1024)  # ru_maxrss is in KiB on Linux


def end_to_end(spawner: subprocess.Popen, records: Iterator[dict], n: int, tmp: Path, name: str) -> Run:
    """The best of two runs of the command over *records* (its fastest wall and CPU time,
    its largest peak)."""
    source, target = tmp / f"{name}.jsonl", tmp / f"{name}-decisions.jsonl"
    with source.open("w", encoding="utf-8") as out:
        while block := list(itertools.islice(records, 65536)):
            out.write("".join(json.dumps(r) + "\n" for r in block))
    runs = [command(spawner, source, target) for _ in range(2)]
    with target.open(encoding="utf-8") as written:
        count = sum(1 for _ in written)
    assert count == n, f"{count} decisions for {n} records"
    source.unlink()
    target.unlink()
    return Run(min(r.seconds for r in runs), min(r.cpu for r in runs), max(r.mb for r in runs))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    spawner = subprocess.Popen([sys.executable, "-c", SPAWNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    with tempfile.TemporaryDirectory() as tmp:
        runs = {"varied": end_to_end(spawner, register(n), n, Path(tmp), "varied"),
                "identical": end_to_end(spawner, identical(n), n, Path(tmp), "identical")}
    spawner.stdin.close()
    spawner.wait()
    pack = load_pack(PACK)
    sample = list(itertools.islice(register(n), 100_000))
    baseline = rate(ReferenceEngine(pack), sample)
    cached_engine = DurableEngine(pack)
    cached = rate(cached_engine, sample)
    print(f"gate_admission over {n:,} records (at {AT}); baseline = reference evaluator over the "
          f"first {len(sample):,} varied records, validated")
    print(f"  reference evaluator              {baseline:>10,.0f} records/s   1.00x")
    print(f"  durable_rules, once per cell     {cached:>10,.0f} records/s   {cached / baseline:.2f}x"
          f"   ({cached_engine.posts} cells posted)")
    for name, run in runs.items():
        print(f"  `policysim decide`, {name:<10}  {n / run.seconds:>10,.0f} records/s   "
              f"{n / run.seconds / baseline:.2f}x   peak {run.mb:,.0f} MB   "
              f"({n / run.cpu:,.0f} records per CPU second; process start, load, JSONL in and out)")
    for name, run in runs.items():
        met = n / run.seconds >= TARGET_RATE and run.mb <= TARGET_MB
        print(f"  target >= {TARGET_RATE:,} records/s and <= {TARGET_MB} MB ({name}): "
              f"{'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
