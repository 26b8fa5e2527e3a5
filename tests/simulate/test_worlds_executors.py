"""``compare --executor``: plain compare and ``compare --uncertainty`` give bit-identical files
inline (``--jobs 1``), on a process pool (``--jobs 2``) and on Dask (a local cluster of two
worker processes, loopback only); ``--scheduler`` without Dask is a located mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import MMC

UNCERTAIN = ("horizon: {start: 2020-03-16T00:00, hours: 6, warmup_min: 0}\nreplications: 3\n"
             "targets: {max_queue: {value: 10, range: [0, 60], source: a limit under review}}\n"
             "road_block_queue: {value: 15, range: [2, 30], source: a guess}\n")
MORE_STAFF = "shifts:\n  round-the-clock: [{from: '00:00', to: '24:00', staff: 4}]\n"
PLAIN = ("metrics.csv", "comparison.csv", "verdicts.csv", "summary.md")
WORLD_FILES = (*PLAIN, "worlds.json", "worlds.csv")


def _compare(base: Path, other: Path, out: Path, *flags: str) -> dict[str, bytes]:
    from cli.main import main

    assert main(["compare", str(base), str(other), "--out", str(out), "--quiet", *flags]) == 0
    names = WORLD_FILES if "--uncertainty" in flags else PLAIN
    return {name: (out / name).read_bytes() for name in names}


@pytest.fixture
def pair(variant):
    return variant(MMC, UNCERTAIN, "uncertain.yaml"), variant(MMC, UNCERTAIN + MORE_STAFF, "more-staff.yaml")


@pytest.mark.parametrize("flags", [(), ("--uncertainty", "3")], ids=["plain", "uncertainty"])
def test_compare_is_bit_identical_inline_and_on_a_pool(pair, tmp_path, flags, capsys):
    inline = _compare(*pair, tmp_path / "one", "--jobs", "1", *flags)
    pooled = _compare(*pair, tmp_path / "two", "--jobs", "2", "--executor", "process", *flags)
    assert pooled == inline
    assert ("## Across plausible worlds" in inline["summary.md"].decode("utf-8")) == bool(flags)
    capsys.readouterr()


def test_compare_on_dask_is_bit_identical_to_the_pool(pair, tmp_path, capsys):
    pytest.importorskip("distributed")
    pooled = _compare(*pair, tmp_path / "pool", "--jobs", "2", "--uncertainty", "3")
    dasked = _compare(*pair, tmp_path / "dask", "--jobs", "2", "--executor", "dask", "--uncertainty", "3")
    assert dasked == pooled
    plain = _compare(*pair, tmp_path / "plain", "--jobs", "2", "--executor", "dask")
    tables = PLAIN[:3]                                      # the point runs: the same with or without worlds
    assert {k: plain[k] for k in tables} == {k: pooled[k] for k in tables}
    assert "## Across plausible worlds" not in plain["summary.md"].decode("utf-8")
    capsys.readouterr()


def test_a_scheduler_needs_dask(pair, tmp_path, capsys):
    from cli.main import main

    assert main(["compare", str(pair[0]), "--scheduler", "tcp://127.0.0.1:1", "--out", str(tmp_path / "o"),
                 "--quiet"]) == 2
    assert capsys.readouterr().err.strip() == ("policysim: --scheduler: --scheduler needs --executor dask "
                                               "[executor.scheduler]")
    assert not (tmp_path / "o").exists()
