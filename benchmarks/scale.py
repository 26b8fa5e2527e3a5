"""Speed of sweeps on the executors, printed as figures (never a timed test).

The sweep: scenarios/blossom-weekend.yaml with the township gates' day shift at 2..5
screeners (4 variants), the same replications each, common random numbers.

1. Speed-up of ``--jobs 2`` (a process pool, start-up and engines built in each worker
   included) over ``--jobs 1`` (inline, engine warm). Target: >= 1.8x on 2 cores.
2. Dask's overhead per replication against the process pool: a local Dask cluster of 2 worker
   processes (its start-up reported apart) against the pool, same sweep.
3. Variants x replications per second for the sweep with ``--jobs 2``.

Run: ``python benchmarks/scale.py [REPLICATIONS [ROUNDS]]`` from the repository root (default 15 per
variant, 3 rounds).
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulate import InlineExecutor, pack_engine, run_replication  # noqa: E402
from simulate.sweep import Plan, run_info, run_sweep  # noqa: E402
from simulate.variants import load_variants, parse_vary  # noqa: E402

SCENARIO = ROOT / "scenarios" / "blossom-weekend.yaml"
VARY = "shifts.township-gate.0.staff=2..5"


def timed(variants, run, replications, executor) -> tuple[float, object]:
    start = time.perf_counter()
    sweep = run_sweep(variants, run, Plan(replications), executor)
    return time.perf_counter() - start, sweep


def main() -> None:
    replications = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    variants = load_variants(SCENARIO, [parse_vary(VARY)])
    run = run_info(variants, "benchmark", variants[0].scenario.seed, (VARY,))
    tasks = len(variants) * replications
    scenario = variants[0].scenario
    run_replication(scenario, pack_engine(scenario.pack, scenario.engine), 999)    # warm the inline engine
    _, reference = timed(variants, run, replications, InlineExecutor())
    measured = []
    for _ in range(rounds):     # interleaved rounds: each ratio is measured under the same load
        inline, _ = timed(variants, run, replications, InlineExecutor())
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=2) as pool:
            _, pooled = timed(variants, run, replications, pool)
            cold = time.perf_counter() - start
            warm, _ = timed(variants, run, replications, pool)
        assert pooled == reference, "the pool changed the results"
        measured.append((inline / cold, inline, cold, warm))
    measured.sort()
    ratio, inline, cold, _ = measured[len(measured) // 2]
    warm = sorted(m[3] for m in measured)[len(measured) // 2]
    print(f"sweep: {len(variants)} variants x {replications} replications of blossom-weekend ({VARY}); "
          f"medians of {rounds} interleaved rounds")
    print(f"--jobs 1 (inline, engine warm):        {inline:6.2f} s")
    print(f"--jobs 2 (process pool):               {cold:6.2f} s  (start-up and worker engines included)")
    print(f"speed-up --jobs 2 over --jobs 1:       {ratio:6.2f} x  (target >= 1.8 on 2 cores; rounds "
          f"{measured[0][0]:.2f}-{measured[-1][0]:.2f})")
    print(f"variants x replications per second:    {tasks / cold:6.1f}      (--jobs 2; warm pool {tasks / warm:.1f})")
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        print("dask: not installed (pip install 'policysim[dask]'); overhead not measured")
        return
    start = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        started = time.perf_counter() - start
        executor = client.get_executor(pure=False)
        timed(variants, run, 2, executor)                   # workers build their engines
        pairs = []
        with ProcessPoolExecutor(max_workers=2) as pool:
            timed(variants, run, 2, pool)
            for _ in range(rounds):
                on_dask, dasked = timed(variants, run, replications, executor)
                on_pool, _ = timed(variants, run, replications, pool)
                assert dasked == reference, "Dask changed the results"
                pairs.append((on_dask - on_pool, on_dask, on_pool))
    pairs.sort()
    extra, on_dask, on_pool = pairs[len(pairs) // 2]
    print(f"dask LocalCluster, 2 processes:        {on_dask:6.2f} s  against the warm pool's {on_pool:.2f} s "
          f"(cluster start-up {started:.2f} s apart)")
    print(f"dask overhead per replication:         {extra / tasks * 1000:6.1f} ms "
          f"(the pool: {on_pool / tasks * 1000:.1f} ms per replication of wall time)")


if __name__ == "__main__":
    main()
