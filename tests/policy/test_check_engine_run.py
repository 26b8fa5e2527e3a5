"""The durable_rules children of ``check``: cells split between children, answers sent in chunks,
and still every cell answered in schedule order and a crash located to its exact cell."""

from __future__ import annotations

import os
import signal

import pytest

import policy.analysis.engine_run as engine_run
from policy import DurableEngine, load_pack
from policy.analysis import check_pack
from policy.analysis.agreement import answer
from policy.analysis.engine_run import Isolated, cell_count, ranges, schedule
from policy.reference import ReferenceEngine
from tests.policy.packs import write_pack


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch):
    monkeypatch.setenv("POLICYSIM_CACHE", "off")


def _durable(pack):
    return DurableEngine(pack, cache=False, admit=False)


def test_ranges_cover_every_cell_once_in_order():
    assert ranges(10, 1) == [(0, 10)]
    assert ranges(10, 3) == [(0, 3), (3, 6), (6, 10)]
    assert ranges(0, 1) == [(0, 0)]


def test_cell_count_is_the_length_of_the_schedule(tmp_path):
    pack = load_pack(write_pack(tmp_path / "p"))
    assert cell_count(pack) == sum(1 for _ in schedule(pack)) > 0


@pytest.mark.parametrize("workers, chunk", [(1, 1), (2, 3), (3, 5)])
def test_split_and_chunked_answers_are_the_references_in_schedule_order(tmp_path, monkeypatch, workers, chunk):
    monkeypatch.setattr(engine_run, "CHUNK", chunk)
    pack = load_pack(write_pack(tmp_path / "p"))
    child = Isolated(pack, _durable, workers=workers)
    got = list(child)
    reference = ReferenceEngine(pack)
    expected = [(key, answer(reference.decide_facts(spec.name, cell.facts, day)))
                for key, spec, day, cell in schedule(pack)]
    assert child.breakdown is None and got == expected and child.answered == len(expected)


@pytest.mark.parametrize("workers, chunk", [(1, 1), (1, 4), (2, 4), (3, 64)])
def test_a_crash_is_located_to_its_exact_cell_whatever_was_unsent(tmp_path, monkeypatch, workers, chunk):
    monkeypatch.setattr(engine_run, "CHUNK", chunk)
    decide = DurableEngine.decide_facts

    def crashing(self, decision, facts, at):
        if facts.get("role") == "delivery" and facts.get("temperature_c", 0) >= 37.3:
            os.kill(os.getpid(), signal.SIGSEGV)
        return decide(self, decision, facts, at)
    monkeypatch.setattr(DurableEngine, "decide_facts", crashing)
    pack = load_pack(write_pack(tmp_path / "p"))
    cells = list(schedule(pack))
    first = next(i for i, (_, _, _, c) in enumerate(cells)
                 if c.facts.get("role") == "delivery" and c.facts["temperature_c"] >= 37.3)
    assert 0 < first < len(cells) - 1, "the crash is mid-schedule"
    child = Isolated(pack, _durable, workers=workers)
    got = list(child)
    assert child.breakdown is not None and "SIGSEGV" in child.breakdown.how
    assert child.breakdown.answered == first and child.breakdown.key == cells[first][0]
    assert child.breakdown.facts == cells[first][3].facts
    assert [k for k, _ in got] == [k for k, _, _, _ in cells[:len(got)]] and len(got) <= first
    finding = next(f for f in check_pack(pack) if f.kind == "engine-crash")
    assert f"{first} of {len(cells)} cells were decided before it" in finding.message
