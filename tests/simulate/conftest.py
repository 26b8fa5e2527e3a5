"""Shared helpers: shipped and test scenario paths, and scenario variants written on the fly."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
HERE = Path(__file__).resolve().parent
MMC = HERE / "scenarios" / "mmc.yaml"
SHIPPED = sorted(SCENARIOS.glob("*.yaml"))


@pytest.fixture
def variant(tmp_path):
    """Write a scenario that ``extends`` *base* with *text* and return its path."""
    def make(base: Path, text: str, name: str = "variant.yaml") -> Path:
        path = tmp_path / name
        path.write_text(f"extends: {base}\n{text}", encoding="utf-8")
        return path
    return make
