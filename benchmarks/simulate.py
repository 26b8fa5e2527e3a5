"""Speed of the township model, printed as figures (never a timed test).

1. Cost per arrival of the full model on scenarios/blossom-weekend.yaml (policy decisions by
   the scenario's engine included) as a ratio to a bare SimPy M/M/c queue's cost per
   customer, both measured in this process. Target: ≤ 3×.
2. Wall time of 30 replications of blossom-weekend with 2 worker processes. Target: ≤ 10 s.

Run: ``python benchmarks/simulate.py`` from the repository root.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import simpy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulate import load_scenario, pack_engine, run_experiment, run_replication  # noqa: E402

SCENARIO = ROOT / "scenarios" / "blossom-weekend.yaml"


def bare_mmc(customers: int, lam: float = 2.4, mu: float = 1.0, servers: int = 3, seed: int = 1) -> float:
    """Seconds per customer of the plainest SimPy M/M/c: a source, a Resource, a process each."""
    rng = random.Random(seed)
    env = simpy.Environment()
    desk = simpy.Resource(env, servers)
    waits: list[float] = []

    def customer():
        arrived = env.now
        with desk.request() as request:
            yield request
            waits.append(env.now - arrived)
            yield env.timeout(rng.expovariate(mu))

    def source():
        for _ in range(customers):
            yield env.timeout(rng.expovariate(lam))
            env.process(customer())

    env.process(source())
    start = time.perf_counter()
    env.run()
    return (time.perf_counter() - start) / customers


def model_per_arrival(scenario, engine, replications: int = 10) -> tuple[float, int]:
    """Seconds per arriving party of the full model over *replications*."""
    arrivals = 0
    start = time.perf_counter()
    for k in range(replications):
        arrivals += run_replication(scenario, engine, k).containment.arrivals
    return (time.perf_counter() - start) / arrivals, arrivals // replications


def main() -> None:
    scenario = load_scenario(SCENARIO)
    engine = pack_engine(scenario.pack, scenario.engine)
    run_replication(scenario, engine, 999)          # builds the engine's caches once
    rounds = []
    for r in range(25):       # short interleaved rounds: each ratio is measured under the same load
        bare = bare_mmc(20_000, seed=r)
        model, parties = model_per_arrival(scenario, engine, replications=4)
        rounds.append((model / bare, bare, model))
    rounds.sort()
    ratio, bare, model = rounds[len(rounds) // 2]
    print(f"bare SimPy M/M/3 (rho 0.8):        {bare * 1e6:7.1f} us per customer")
    print(f"full model, blossom-weekend:       {model * 1e6:7.1f} us per arriving party "
          f"(~{parties} parties per replication; durable engine, decisions included)")
    print(f"ratio (median of 25 rounds):       {ratio:7.2f} x   (target <= 3; "
          f"rounds ranged {rounds[0][0]:.2f}-{rounds[-1][0]:.2f})")
    start = time.perf_counter()
    run_experiment(scenario, replications=30, jobs=2)
    wall = time.perf_counter() - start
    print(f"30 replications, --jobs 2:         {wall:7.2f} s     (target <= 10; pool start-up included)")


if __name__ == "__main__":
    main()
