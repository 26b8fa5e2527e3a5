"""The second, randomised check of the shipped pack's properties: Hypothesis draws records from
the pack's own declarations and both engines must keep every `when/expect` property."""

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from policy import DurableEngine, ReferenceEngine, load_pack
from policy.analysis import holds_for, load_properties
from policy.generators import records

PACK = load_pack(Path(__file__).resolve().parents[2] / "policy" / "packs" / "xiongerzhai-2020")
PROPERTIES = [p for p in load_properties(PACK) if p.field is None]
ENGINES = (ReferenceEngine(PACK), DurableEngine(PACK))
DAYS = st.dates(dt.date(2020, 1, 1), dt.date(2020, 6, 30))


@settings(max_examples=150)
@given(data=st.data())
def test_properties_hold_for_random_records(data):
    prop = data.draw(st.sampled_from(PROPERTIES))
    record = data.draw(records(PACK.decisions[prop.decision], PACK.rules_for(prop.decision)))
    at = data.draw(DAYS)
    for engine in ENGINES:
        assert holds_for(prop, engine, record, at), (prop.id, record, at)
