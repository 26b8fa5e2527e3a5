"""The durable_rules engine agrees with the reference evaluator (the spec) on every input.

Agreement means: the same outcome, deciding rule, matched rules in the same order with the
same statuses, and the same obligations. Random packs exercise every operator, ``not`` over
missing fields, ties, all three hit policies and effective dates.

``make fuzz`` runs the first test much longer: ``POLICYSIM_FUZZ_PACKS`` packs (of 12 records
each) instead of 80, and prints how many comparisons it made.
"""

import os
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy import DurableEngine, ReferenceEngine
from policy.analysis import check_pack
from policy.generators import records

from .random_packs import days, packs

FUZZ_PACKS = int(os.environ.get("POLICYSIM_FUZZ_PACKS") or 0)
RECORDS_PER_PACK = 12


@settings(max_examples=FUZZ_PACKS or 80, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), pack=packs())
def _agree_on_random_records(compared: list[int], data, pack):
    spec = pack.decisions["gate"]
    durable = DurableEngine(pack, cache=False)
    reference = ReferenceEngine(pack)
    for _ in range(RECORDS_PER_PACK):
        record = data.draw(records(spec, pack.rules))
        at = data.draw(days)
        facts = reference.validate("gate", record)
        assert durable.decide_facts("gate", facts, at) == reference.decide_facts("gate", facts, at), record
    compared[0] += 1


def test_durable_agrees_with_reference():
    compared = [0]
    started = time.perf_counter()
    _agree_on_random_records(compared)
    packs_run = compared[0]
    print(f"\ndifferential: {packs_run} random packs x {RECORDS_PER_PACK} records = "
          f"{packs_run * RECORDS_PER_PACK} comparisons in {time.perf_counter() - started:.1f} s, no disagreement")
    assert packs_run >= min(FUZZ_PACKS or 80, 80)  # the run really decided that many packs


@settings(max_examples=40)
@given(data=st.data(), pack=packs())
def test_cell_cache_equals_posting_every_record(data, pack):
    """Deciding each partition cell once gives what posting every record gives."""
    spec = pack.decisions["gate"]
    cached, posting = DurableEngine(pack), DurableEngine(pack, cache=False)
    for _ in range(25):
        record = data.draw(records(spec, pack.rules))
        at = data.draw(days)
        facts = cached.validate("gate", record)
        assert cached.decide_facts("gate", facts, at) == posting.decide_facts("gate", facts, at), record
    assert posting.posts == 25



class _Counting(DurableEngine):
    """durable_rules, counting the cells `check` has it decide."""

    decided = 0

    def decide_facts(self, decision, facts, at):
        _Counting.decided += 1
        return super().decide_facts(decision, facts, at)


@settings(max_examples=FUZZ_PACKS // 4 or 15, suppress_health_check=[HealthCheck.too_slow])
@given(pack=packs())
def _agree_on_every_cell(compared: list[int], pack):
    assert [f for f in check_pack(pack, _Counting(pack, cache=False)) if f.kind == "engine-disagreement"] == []
    compared[0] += 1


def test_check_finds_the_engines_agree_on_every_cell_of_random_packs():
    """The exhaustive comparison `policy check` makes, on random packs: no cell disagrees."""
    compared, before = [0], _Counting.decided
    started = time.perf_counter()
    _agree_on_every_cell(compared)
    cells = _Counting.decided - before
    print(f"\ncheck: {compared[0]} random packs, every cell of every period = {cells} comparisons "
          f"in {time.perf_counter() - started:.1f} s, no disagreement")
    assert compared[0] >= min(FUZZ_PACKS // 4 or 15, 15) and cells > compared[0]
