"""The durable_rules engine agrees with the reference evaluator (the spec) on every input.

Agreement means: the same outcome, deciding rule, matched rules in the same order with the
same statuses, and the same obligations. Random packs exercise every operator, ``not`` over
missing fields, ties, all three hit policies and effective dates.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from policy import DurableEngine, ReferenceEngine
from policy.generators import records

from .random_packs import days, packs


@settings(max_examples=80)
@given(data=st.data(), pack=packs())
def test_durable_agrees_with_reference(data, pack):
    spec = pack.decisions["gate"]
    durable = DurableEngine(pack, cache=False)
    reference = ReferenceEngine(pack)
    for _ in range(12):
        record = data.draw(records(spec, pack.rules))
        at = data.draw(days)
        facts = reference.validate("gate", record)
        assert durable.decide_facts("gate", facts, at) == reference.decide_facts("gate", facts, at), record


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
