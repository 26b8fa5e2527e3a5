"""Shared fixtures: two shipped scenarios run once per session with common random numbers.

Three replications inline keep the whole reports suite fast; the reports built from them
(in English and Chinese) are shared by the render, figure and browser tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reports import build_report
from simulate import InlineExecutor, load_scenario, run_experiment

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
PAIR = ("blossom-weekend.yaml", "blossom-volunteers.yaml")
SEED = 2026
REPLICATIONS = 3


@pytest.fixture(scope="session")
def scenarios():
    return [load_scenario(SCENARIOS / name) for name in PAIR]


@pytest.fixture(scope="session")
def experiments(scenarios):
    executor = InlineExecutor()
    return [run_experiment(s, REPLICATIONS, SEED, executor=executor) for s in scenarios]


@pytest.fixture(scope="session")
def report_en(experiments, scenarios):
    return build_report(experiments, scenarios, "en")


@pytest.fixture(scope="session")
def report_zh(experiments, scenarios):
    return build_report(experiments, scenarios, "zh")


def files_of(report):
    return dict(report.files)
