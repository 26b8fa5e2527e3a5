"""Shared helpers: shipped and test scenario paths, scenario variants written on the fly, and the
check that a scenario mistake is one located line."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy import FileFormatError
from simulate.scenario import load_scenario

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


def one_located_line(path: Path, where: str, message: str) -> None:
    """Loading *path* fails with exactly one diagnostic, at field *where*, saying *message*."""
    with pytest.raises(FileFormatError) as caught:
        load_scenario(path)
    lines = [str(d) for d in caught.value.diagnostics]
    assert len(lines) == 1 and f": {where}: " in lines[0] and message in lines[0], lines
