"""Speed of the township model, printed as figures (never a timed test).

1. Cost per arriving party: CPU seconds of the full model on scenarios/blossom-weekend.yaml
   (policy decisions by the scenario's engine, set-up and results included) divided by the
   parties that arrive (``containment.arrivals``: every stream's arrivals, hikers, field
   walkers and residents coming home included), as a ratio to the CPU seconds per customer of
   a bare SimPy M/M/c queue, both measured in this process in short interleaved rounds (the
   median round printed; replications 0–59, one per round). Target: ≤ 3×.
2. Cost per journey: the same CPU seconds divided by the movements the model starts: the
   arrivals plus the residents' settings out before a round trip (screened going out at a
   village entrance, or a field walker's crossing out). Reported, no target.
3. Wall time of 30 replications of blossom-weekend with 2 worker processes (pool start-up
   included). Target: ≤ 10 s.
4. The season (scenarios/season-spring-2020.yaml, 82 days): wall and CPU time of one
   replication (target ≤ 3 s), its cost per arriving party as a ratio to bare SimPy measured
   just before and just after it (the mean of both: the host's speed drifts; the median of 5
   rounds printed with their range; target ≤ 3×, as for the weekend), and the wall time of 30 replications with 2
   worker processes (target ≤ 60 s). ``--season-only`` runs just these.

CPU time (``time.process_time``) is used for 1 and 2 so that other work on a shared machine
weighs less on the figures; the load average is printed beside them.

Run: ``python benchmarks/simulate.py [--season-only]`` from the repository root.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

import simpy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulate import load_scenario, pack_engine, run_experiment, run_replication  # noqa: E402
from simulate.demand import draw_arrivals  # noqa: E402
from simulate.model import settings_out  # noqa: E402

SCENARIO = ROOT / "scenarios" / "blossom-weekend.yaml"
SEASON = ROOT / "scenarios" / "season-spring-2020.yaml"
SEASON_ROUNDS = 5             # a season replication is ~50 000 parties: a few rounds suffice
ROUNDS = 60                   # one replication against 6000 bare customers each (~0.1 s apiece)


def bare_mmc(customers: int, lam: float = 2.4, mu: float = 1.0, servers: int = 3, seed: int = 1) -> float:
    """CPU seconds per customer of the plainest SimPy M/M/c: a source, a Resource, a process each."""
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
    start = time.process_time()
    env.run()
    return (time.process_time() - start) / customers


def residents_setting_out(scenario, replication: int) -> int:
    """Residents setting out before a round trip in *replication* (drawn as the model draws them)."""
    return sum(len(settings_out(draw_arrivals(s, scenario.horizon, scenario.seed, replication))[0])
               for s in scenario.streams)


def model_cost(scenario, engine, first: int, replications: int) -> tuple[float, float, int]:
    """CPU and wall seconds of the full model over *replications* (nothing else), and its arrivals."""
    arrivals = 0
    start, wall = time.process_time(), time.perf_counter()
    for k in range(first, first + replications):
        arrivals += run_replication(scenario, engine, k).containment.arrivals
    return time.process_time() - start, time.perf_counter() - wall, arrivals


def season() -> None:
    """Item 4: the season's replication time, cost per party against bare SimPy, and 30 with --jobs 2."""
    scenario = load_scenario(SEASON)
    engine = pack_engine(scenario.pack, scenario.engine)
    run_replication(scenario, engine, 999)
    load = os.getloadavg()[0]
    rounds = []
    for r in range(SEASON_ROUNDS):
        before = bare_mmc(60_000, seed=r)
        seconds, wall, arrivals = model_cost(scenario, engine, r, 1)
        bare = (before + bare_mmc(60_000, seed=100 + r)) / 2    # the host's speed drifts: both sides
        rounds.append((seconds / arrivals / bare, wall, seconds, arrivals, bare))
    rounds.sort()
    ratio, wall, seconds, arrivals, bare = rounds[len(rounds) // 2]
    print(f"load average (1 min) at start:     {load:7.2f}   ({os.cpu_count()} cores)")
    print(f"season, one replication:           {wall:7.2f} s wall, {seconds:.2f} s CPU   (target <= 3; "
          f"~{arrivals} arriving parties)")
    print(f"season, per arriving party:        {seconds / arrivals * 1e6:7.1f} us CPU; bare SimPy "
          f"{bare * 1e6:.1f} us per customer")
    print(f"season ratio per arriving party (median of {SEASON_ROUNDS}): {ratio:5.2f} x   (target <= 3; "
          f"rounds ranged {rounds[0][0]:.2f}-{rounds[-1][0]:.2f})")
    start = time.perf_counter()
    run_experiment(scenario, replications=30, jobs=2)
    print(f"season, 30 replications, --jobs 2: {time.perf_counter() - start:7.2f} s     (target <= 60)")
    print(f"load average (1 min) at end:       {os.getloadavg()[0]:7.2f}")


def main() -> None:
    if "--season-only" in sys.argv[1:]:
        season()
        return
    scenario = load_scenario(SCENARIO)
    engine = pack_engine(scenario.pack, scenario.engine)
    run_replication(scenario, engine, 999)          # builds the engine's caches once
    load = os.getloadavg()[0]
    rounds = []
    for r in range(ROUNDS):   # short interleaved rounds: each ratio is measured under the same load
        bare = bare_mmc(6_000, seed=r)
        seconds, _, arrivals = model_cost(scenario, engine, r, 1)
        out = residents_setting_out(scenario, r)
        rounds.append((seconds / arrivals / bare, bare, seconds / arrivals, seconds / (arrivals + out),
                       arrivals, out))
    rounds.sort()
    ratio, bare, per_arrival, per_journey, parties_, out_ = rounds[len(rounds) // 2]
    print(f"load average (1 min) at start:     {load:7.2f}   ({os.cpu_count()} cores)")
    print(f"bare SimPy M/M/3 (rho 0.8):        {bare * 1e6:7.1f} us per customer (CPU)")
    print(f"full model, blossom-weekend:       {per_arrival * 1e6:7.1f} us per arriving party "
          f"(~{parties_:.0f} per replication; durable engine, decisions included)")
    print(f"                                   {per_journey * 1e6:7.1f} us per journey "
          f"(arrivals + ~{out_:.0f} settings out per replication)")
    print(f"ratio per arriving party (median of {ROUNDS} rounds): {ratio:5.2f} x   (target <= 3; "
          f"rounds ranged {rounds[0][0]:.2f}-{rounds[-1][0]:.2f})")
    journeys = sorted(r[3] / r[1] for r in rounds)
    print(f"ratio per journey (median):        {journeys[len(journeys) // 2]:7.2f} x")
    start = time.perf_counter()
    run_experiment(scenario, replications=30, jobs=2)
    wall = time.perf_counter() - start
    print(f"30 replications, --jobs 2:         {wall:7.2f} s     (target <= 10; pool start-up included)")
    print(f"load average (1 min) at end:       {os.getloadavg()[0]:7.2f}")
    season()


if __name__ == "__main__":
    main()
