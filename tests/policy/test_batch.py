"""Deciding a register line by line: the memo of repeated lines never changes an answer."""

import datetime as dt
import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from policy import ReferenceEngine, load_pack
from policy.batch import decide_jsonl
from policy.generators import records

from .packs import write_pack

AT = dt.date(2020, 3, 1)
ids = st.one_of(st.integers(-5, 5), st.sampled_from(["a", "a, b", 'q"uote', "x\\y", ""]), st.none(),
                st.floats(allow_nan=False, allow_infinity=False))


def _line(record, rid, style):
    record = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in record.items()}
    if style == 0 and rid is not None:
        return json.dumps({"id": rid, **record})
    if style == 1:
        return json.dumps({**record, "id": rid})
    if style == 2:
        return json.dumps({"id": rid, **record, "meta": {"id": 3}}, separators=(",", ":"))
    return json.dumps({"id": rid, **record}).replace('"has_pass": true', '"has_pass": 1')


@settings(max_examples=60)
@given(data=st.data())
def test_batch_output_equals_deciding_each_record(tmp_path_factory, data):
    engine = ReferenceEngine(load_pack(write_pack(tmp_path_factory.mktemp("pack"))))
    spec = engine.pack.decisions["gate"]
    pool = data.draw(st.lists(records(spec, engine.pack.rules), min_size=1, max_size=4))
    rows = data.draw(st.lists(st.tuples(st.sampled_from(pool), ids, st.integers(0, 3)), min_size=1, max_size=30))
    text = "\n".join(_line(record, rid, style) for record, rid, style in rows) + "\n"
    out = io.StringIO()
    summary = decide_jsonl(engine, "gate", io.StringIO(text), "r.jsonl", AT, out)
    written = [json.loads(x) for x in out.getvalue().splitlines()]
    assert len(written) == len(rows)
    for line, got in zip(text.splitlines(), written, strict=True):
        record = json.loads(line)
        assert got["id"] == record.get("id")
        if record.get("has_pass") == 1 and record.get("has_pass") is not True:
            assert "error" in got and "has_pass" in got["error"]
            continue
        want = engine.decide("gate", record, at=AT).to_json()
        assert {k: got[k] for k in want} == want
    assert summary.decided + len(summary.errors) == len(rows)
