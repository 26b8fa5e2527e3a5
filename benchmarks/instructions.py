"""Instructions, not seconds: the season's cost per arriving party counted by callgrind.

This host's speed drifts by a third within minutes, so the timed figures of
``benchmarks/simulate.py`` need many rounds to tell a change of a few per cent. Instructions
executed are the same on every run of the same build and inputs, whatever else the machine is
doing (to about 0.1%: addresses still vary), so this script tells two builds apart in one run each:

- one season replication (scenarios/season-spring-2020.yaml, replication 0, after a warm-up
  replication in the same process), per arriving party;
- the bare SimPy M/M/3 customer of ``benchmarks/simulate.py`` (60,000 customers);
- their ratio.

Instructions are not time: a replication touches far more memory and code than the bare
queue, so it runs fewer instructions per cycle, and its time ratio (``simulate.py``, the
issue's target) is higher than this one. Use this figure to compare builds, the timed one
for the target. Hash randomisation is fixed (``PYTHONHASHSEED=0``) so dictionaries lay out alike.

Needs valgrind, its headers (``valgrind/callgrind.h``) and a C compiler, all on the machine's
image. About three minutes on two cores. Run: ``python benchmarks/instructions.py``.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE_CUSTOMERS = 60_000
SEASON = ROOT / "scenarios" / "season-spring-2020.yaml"
# The client requests callgrind reads: count from here (zeroed), stop and write the counts.
TOGGLES = """#include <valgrind/callgrind.h>
void count_from_here(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void count_to_here(void) { CALLGRIND_STOP_INSTRUMENTATION; CALLGRIND_DUMP_STATS_AT("measured"); }
"""


def measured(kind: str, toggles: str) -> None:
    """Under callgrind: run the warm-up uncounted, then count exactly the measured part."""
    sys.path.insert(0, str(ROOT))
    lib = ctypes.CDLL(toggles)
    if kind == "bare":
        from benchmarks.simulate import bare_mmc

        bare_mmc(2_000)
        lib.count_from_here()
        bare_mmc(BARE_CUSTOMERS)
        lib.count_to_here()
        return
    from simulate import load_scenario, pack_engine, run_replication

    scenario = load_scenario(SEASON)
    engine = pack_engine(scenario.pack, scenario.engine)
    run_replication(scenario, engine, 999)
    lib.count_from_here()
    result = run_replication(scenario, engine, 0)
    lib.count_to_here()
    print(result.containment.arrivals)


def count(kind: str, toggles: str, work: Path) -> subprocess.Popen[str]:
    """Start *kind* under callgrind, counts written into *work*."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    return subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no",
         f"--callgrind-out-file={work / kind}.%p", sys.executable, __file__, "--measured", kind, toggles],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def instructions(kind: str, work: Path) -> int:
    """The instructions of the measured part (the dump's totals; the other parts count none)."""
    totals = [int(m.group(1)) for f in work.glob(f"{kind}.*")
              for m in [re.search(r"^totals: (\d+)", f.read_text(), re.M)] if m]
    return max(totals, default=0)


def main() -> None:
    if sys.argv[1:2] == ["--measured"]:
        measured(sys.argv[2], sys.argv[3])
        return
    missing = [tool for tool in ("valgrind", "cc") if shutil.which(tool) is None]
    if missing:
        sys.exit(f"benchmarks/instructions.py needs {', '.join(missing)} (apt-get install valgrind gcc)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "toggles.c").write_text(TOGGLES)
        toggles = str(work / "toggles.so")
        built = subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", toggles, str(work / "toggles.c")],
                               capture_output=True, text=True)
        if built.returncode != 0:
            sys.exit(f"cannot build the callgrind toggles (valgrind's headers?): {built.stderr.strip()}")
        bare, season = count("bare", toggles, work), count("season", toggles, work)
        arrivals = int((season.communicate()[0] or "0").split()[-1])
        bare.communicate()
        if bare.returncode or season.returncode or not arrivals:
            sys.exit("a counted run failed (run it by hand with --measured bare|season TOGGLES.so)")
        per_customer = instructions("bare", work) / BARE_CUSTOMERS
        per_party = instructions("season", work) / arrivals
    print(f"bare SimPy M/M/3:              {per_customer:12,.0f} instructions per customer")
    print(f"season, one replication:       {per_party:12,.0f} instructions per arriving party "
          f"({arrivals} parties)")
    print(f"ratio in instructions:         {per_party / per_customer:12.3f} x   (repeatable to ~0.1%;"
          f" not the time ratio)")


if __name__ == "__main__":
    main()
