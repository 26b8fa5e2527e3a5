"""The properties look up the outcomes ``check`` decided for the same pack instead of deciding
every cell again: the same findings, and no cell decided twice."""

from __future__ import annotations

import pytest

import policy.analysis.properties as properties
from policy import load_pack
from policy.analysis import check_pack, check_properties, load_properties
from policy.reference import ReferenceEngine
from tests.policy.packs import RULES, write_pack

BODIES = [
    "- id: p\n  decision: gate\n  when: {temperature_c: {gte: 37.3}}\n  expect: {outcome: {not_in: [hold]}}\n",
    "- id: q\n  decision: gate\n  when: {temperature_c: {gte: 36.0}, role: delivery}\n  expect: {outcome: handle}\n",
    "- id: m\n  decision: gate\n  monotone:\n    field: temperature_c\n    order: descending\n"
    "    outcomes: [admit, handle, turn_back, hold]\n",
    "- id: ok\n  decision: gate\n  when: {temperature_c: {gte: 37.3}}\n  expect: {outcome: hold}\n",
]


@pytest.mark.parametrize("body", BODIES, ids=["broken-expect", "finer-cut", "broken-monotone", "held"])
def test_properties_after_check_decide_nothing_and_find_the_same(tmp_path, monkeypatch, body):
    monkeypatch.setenv("POLICYSIM_CACHE", "off")
    root = write_pack(tmp_path, RULES)
    (root / "properties.yaml").write_text(body)
    fresh = load_pack(root)
    alone = check_properties(fresh, load_properties(fresh))
    pack = load_pack(root)
    check_pack(pack, ReferenceEngine(pack))

    def decided_again(*args, **kwargs):
        raise AssertionError("a cell check decided was decided again")
    monkeypatch.setattr(properties, "resolve", decided_again)
    assert check_properties(pack, load_properties(pack)) == alone
    assert (alone == []) == (body == BODIES[-1])
    with pytest.raises(AssertionError, match="decided again"):
        check_properties(fresh, load_properties(fresh))  # not the pack checked last: decided here
