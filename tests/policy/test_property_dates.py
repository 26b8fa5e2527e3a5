"""A property with `effective` dates must hold only on those days, as a measure holds only while
it is in force: the mini pack's deliveries are handled at the gate 2020-02-09 – 2020-04-29 only."""

from __future__ import annotations

import datetime as dt

import pytest

from policy import ReferenceEngine, load_pack
from policy.analysis import check_properties, load_properties
from policy.analysis.properties import holds_for

from .packs import RULES, write_pack

DELIVERY = "- id: p\n  decision: gate\n  when: {{role: delivery, temperature_c: {{lt: 37.3}}}}\n" \
           "  expect: {{outcome: handle}}\n{effective}"


@pytest.mark.parametrize(("effective", "broken_on"), [
    ("  effective: {from: 2020-02-09, to: 2020-04-29}\n", None),
    ("  effective: {from: 2020-02-08, to: 2020-04-29}\n", "2020-02-08"),   # the day before the rule
    ("  effective: {from: 2020-02-09, to: 2020-04-30}\n", "2020-04-30"),   # the day after it
    ("", "2020-02-08"),                                                    # every day
])
def test_a_property_is_proved_only_over_its_own_days(tmp_path, effective, broken_on):
    root = write_pack(tmp_path, RULES)
    (root / "properties.yaml").write_text(DELIVERY.format(effective=effective))
    pack = load_pack(root)
    findings = check_properties(pack, load_properties(pack))
    if broken_on is None:
        assert findings == []
    else:
        [finding] = findings
        assert "property p fails: decides turn_back" in finding.message
        assert finding.at == dt.date.fromisoformat(broken_on)


def test_a_record_outside_the_days_keeps_the_property(tmp_path):
    root = write_pack(tmp_path, RULES)
    (root / "properties.yaml").write_text(DELIVERY.format(effective="  effective: {from: 2020-02-09}\n"))
    pack = load_pack(root)
    [prop] = load_properties(pack)
    record = {"role": "delivery", "has_pass": False, "temperature_c": 36.5}
    engine = ReferenceEngine(pack)
    assert holds_for(prop, engine, record, dt.date(2020, 2, 8))          # turned back, but before its days
    assert holds_for(prop, engine, record, dt.date(2020, 3, 1))          # handled
    assert not holds_for(prop, engine, record, dt.date(2020, 5, 1))      # turned back within its days
