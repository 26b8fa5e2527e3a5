"""Dask as an executor: a small sweep on a local cluster (2 worker processes, loopback only)
gives bit-identical results to the process pool; without Dask, a one-line hint to install it."""

from __future__ import annotations

import builtins
import json

import pytest

from policy import PolicysimError
from simulate.executors import open_executor
from simulate.sweep import Plan, run_info, run_sweep, sweep_json
from simulate.variants import load_variants, parse_vary

from .conftest import SCENARIOS

pytest.importorskip("distributed")


def test_a_sweep_on_dask_is_bit_identical_to_the_process_pool():
    variants = load_variants(SCENARIOS / "blossom-weekend.yaml", [parse_vary("shifts.township-gate.0.staff=2..3")])
    run = run_info(variants, "blossom", 77, ("shifts.township-gate.0.staff=2..3",))
    with open_executor("process", 2) as pool:
        pooled = run_sweep(variants, run, Plan(3), pool)
    with open_executor("dask", 2) as client:       # LocalCluster: processes, 127.0.0.1, no dashboard
        dasked = run_sweep(variants, run, Plan(3), client)
    assert repr(dasked) == repr(pooled)             # every float, bit for bit
    assert json.dumps(sweep_json(dasked)) == json.dumps(sweep_json(pooled))


def test_without_dask_the_error_says_how_to_install_it(monkeypatch):
    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.split(".")[0] in ("distributed", "dask"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    with pytest.raises(PolicysimError) as caught, open_executor("dask", 2):
        pass
    assert str(caught.value) == ("--executor dask: Dask is not installed: pip install 'policysim[dask]' "
                                 "[executor.dask-missing]")
