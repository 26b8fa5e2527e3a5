"""Speed of ``policysim sensitivity``, printed as figures (never a timed test).

Morris with 10 trajectories over every assumption of scenarios/blossom-weekend.yaml, 5
replications per world, on 2 worker processes (pool start-up included): the design's worlds
and the tornado's (each assumption at its low and its high end, and the point values), a world
the design revisits run once. Printed:

1. the wall time of the whole run (SALib design, loading every world, the replications, the
   analysis). Target: ≤ 120 s on 2 cores.
2. its ratio to the wall time of the same number of plain replications of the scenario at its
   point values (``run_experiment`` on 2 processes). Target: ≤ 1.15×.

Run: ``python benchmarks/sensitivity.py`` from the repository root (the load average is printed:
the machine may be shared; the CPU time of this process and its workers is printed too, a figure
the load does not inflate). ``--out DIR`` stores every replication as the command does (store
writes included in the time), so ``policysim sensitivity … --resume --out DIR`` afterwards
writes the report without running anything again; ``--trajectories N`` for a quicker look,
``--plain N`` to time N plain replications and scale them to the run's count.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulate import load_scenario, run_experiment, scenario_assumptions  # noqa: E402
from simulate.executors import open_executor  # noqa: E402
from simulate.provenance import policysim_version  # noqa: E402
from simulate.sensitivity import chosen, make_design, run_worlds  # noqa: E402
from simulate.store import prepare_out  # noqa: E402
from simulate.sweep import Storage  # noqa: E402

SCENARIO = ROOT / "scenarios" / "blossom-weekend.yaml"
TRAJECTORIES = 10
REPLICATIONS = 5
JOBS = 2


def cpu_seconds() -> float:
    """CPU time of this process and of its finished workers: a figure a shared machine's load does not inflate."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description="time policysim sensitivity against plain replications")
    parser.add_argument("--trajectories", type=int, default=TRAJECTORIES)
    parser.add_argument("--out", help="store the replications here, as the command does")
    parser.add_argument("--plain", type=int, help="time only this many plain replications and scale to the "
                        "sensitivity's count (a quicker look on a busy machine; printed as scaled)")
    args = parser.parse_args()
    base = load_scenario(SCENARIO)
    varied = chosen(scenario_assumptions(SCENARIO))
    factors = len({a.factor for a in varied})
    print(f"blossom-weekend: {len(varied)} assumptions in {factors} factors, Morris {args.trajectories} trajectories, "
          f"{REPLICATIONS} replications per world, {JOBS} processes; load average {os.getloadavg()[0]:.2f}")
    ran = []
    start, cpu = time.perf_counter(), cpu_seconds()
    storage = Storage(prepare_out(args.out), False, policysim_version()) if args.out else None
    with open_executor("process", JOBS) as pool:
        design = make_design(varied, "morris", args.trajectories, base.seed)
        result = run_worlds(SCENARIO, design, REPLICATIONS, pool, storage, on_result=lambda *_: ran.append(1))
    sensitivity, sensitivity_cpu = time.perf_counter() - start, cpu_seconds() - cpu
    print(f"worlds: {result.worlds} ({len(design.values)} design rows + tornado), "
          f"{len(ran)} replications run (a world the design revisits runs once)")
    print(f"1. sensitivity wall time: {sensitivity:.1f} s (target <= 120 s); CPU {sensitivity_cpu:.1f} s", flush=True)
    for m in result.measures:
        top = ", ".join(f"{i.assumption} ({i.mu_star:.3g})" for i in m.influences[:3])
        print(f"   {m.target}: {top}")
    count = min(args.plain or len(ran), len(ran))
    start, cpu = time.perf_counter(), cpu_seconds()
    with open_executor("process", JOBS) as pool:
        run_experiment(base, replications=count, executor=pool)
    scale = len(ran) / count
    plain, plain_cpu = (time.perf_counter() - start) * scale, (cpu_seconds() - cpu) * scale
    timed = "" if count == len(ran) else f", scaled from {count} timed"
    print(f"2. plain replications ({len(ran)}{timed}): {plain:.1f} s; "
          f"ratio {sensitivity / plain:.3f}x (target <= 1.15x)")
    print(f"   CPU time (this process and its workers): sensitivity {sensitivity_cpu:.1f} s, plain {plain_cpu:.1f} s, "
          f"ratio {sensitivity_cpu / plain_cpu:.3f}x; on 2 free cores about {sensitivity_cpu / JOBS:.0f} s wall")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
