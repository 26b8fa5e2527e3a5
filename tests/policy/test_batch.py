"""Deciding a register line by line: every line parsed, the memo of repeated records never
changes an answer, output in bounded chunks."""

import datetime as dt
import io
import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy import ReferenceEngine, load_pack
from policy.batch import CHUNK, KEPT, BatchSummary, decide_jsonl, decided_chunks
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
    out = io.BytesIO()
    summary = decide_jsonl(engine, "gate", io.BytesIO(text.encode()), "r.jsonl", AT, out)
    written = [json.loads(x) for x in out.getvalue().splitlines()]
    assert len(written) == len(rows)
    seen = set()
    for line, got in zip(text.splitlines(), written, strict=True):
        record = json.loads(line)
        assert got["id"] == record.get("id")
        rid = json.dumps(record.get("id"))
        if "id" in record and record["id"] is not None and rid in seen:  # a repeated id is a bad line
            assert "error" in got and "same id as line" in got["error"]
            continue
        seen.add(rid)
        if record.get("has_pass") == 1 and record.get("has_pass") is not True:
            assert "error" in got and "has_pass" in got["error"]
            continue
        want = engine.decide("gate", record, at=AT).to_json()
        assert {k: got[k] for k in want} == want
    assert summary.decided + len(summary.errors) == len(rows)


RESIDENT = '"role": "resident", "has_pass": true, "temperature_c": 36.5'
FEVER = '"role": "resident", "has_pass": true, "temperature_c": 37.3'


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return ReferenceEngine(load_pack(write_pack(tmp_path_factory.mktemp("pack"))))


def decide_text(engine, lines):
    out = io.BytesIO()
    summary = decide_jsonl(engine, "gate", [x.encode() + b"\n" for x in lines], "r.jsonl", AT, out)
    return summary, [json.loads(x) for x in out.getvalue().splitlines()]


def test_lines_the_old_text_shortcut_took_for_repeats_are_refused_where_they_are(engine):
    # each bad line repeats the first line's text after its id: only a real parse refuses it
    lines = ['{"id": 1, ' + RESIDENT + "}", '{"id": 007, ' + RESIDENT + "}",
             '{"id": "a\tb", ' + RESIDENT + "}", '{"id": 2, ' + RESIDENT + "} trailing",
             '{"id": 3, ' + RESIDENT + "}"]
    summary, rows = decide_text(engine, lines)
    assert [r["id"] for r in rows] == [1, None, None, None, 3]
    assert [r.get("outcome") for r in rows] == ["admit", None, None, None, "admit"]
    # columns: the leading 0 of 007, the tab, the "t" of "trailing" (10 + 59 + 2 characters before it)
    assert [str(e.location) for e in summary.errors] == ["r.jsonl:2:8", "r.jsonl:3:10", "r.jsonl:4:72"]
    assert {e.code for e in summary.errors} == {"jsonl.syntax"}
    assert rows[1]["line"] == 2 and "leading zero" in rows[1]["error"]
    assert "control character" in rows[2]["error"]
    assert (summary.decided, summary.bad) == (2, 3)


def test_a_repeated_key_is_an_error_even_when_the_last_value_would_decide(engine):
    lines = ['{"id": 1, "role": "resident", "has_pass": true, "temperature_c": 38.5, "temperature_c": 36.4}',
             '{"id": 2, "role": "resident", "has_pass": true, "temperature_c": 36.4, "meta": {"a": 1, "a": 2}}',
             '{"id": "x:y", "role": "resident", "has_pass": true, "temperature_c": 36.4, "meta": {"n": "a: b"}}']
    summary, rows = decide_text(engine, lines)
    assert [(e.location.line, e.location.path, e.code) for e in summary.errors] == [
        (1, "temperature_c", "jsonl.repeated-key"), (2, "a", "jsonl.repeated-key")]
    assert "error" in rows[0] and "error" in rows[1]
    assert rows[2]["id"] == "x:y" and rows[2]["outcome"] == "admit"  # colons in strings are not keys


def test_true_and_1_and_key_order_are_not_confused_by_the_memo(engine):
    lines = ['{"id": 1, "role": "resident", "has_pass": true, "temperature_c": 36.5}',
             '{"id": 2, "role": "resident", "has_pass": 1, "temperature_c": 36.5}',
             '{"id": 3, "has_pass": true, "role": "resident", "temperature_c": 36.5}',
             '{"id": 4, "role": "resident", "has_pass": true, "temperature_c": 36.50}',
             '{"id": 5, "role": "tourist", "has_pass": true, "temperature_c": 36.5}']
    summary, rows = decide_text(engine, lines)
    assert [r.get("outcome") for r in rows] == ["admit", None, "admit", "admit", "turn_back"]
    assert [(e.location.line, e.code) for e in summary.errors] == [(2, "record.value")]


def test_an_id_beyond_64_bits_is_echoed_exactly(engine):
    big = 123456789012345678901234567890
    _, rows = decide_text(engine, [f'{{"id": {big}, {RESIDENT}}}', f'{{"id": {-big}, {RESIDENT}}}'])
    assert [r["id"] for r in rows] == [big, -big]


def test_identical_records_keep_their_order_and_their_own_ids(engine):
    n = 2 * CHUNK + 5
    lines = [f'{{"id": {i}, {FEVER if i % 3 == 0 else RESIDENT}}}' for i in range(n)]
    summary, rows = decide_text(engine, lines)
    assert [r["id"] for r in rows] == list(range(n))
    assert [r["outcome"] for r in rows] == ["hold" if i % 3 == 0 else "admit" for i in range(n)]
    assert [r["rule"] for r in rows[:3]] == ["fever", "resident", "resident"]
    assert summary.decided == n and summary.bad == 0


def test_output_leaves_in_chunks_before_the_input_ends(engine):
    """A long stream of one repeated record: each chunk comes out after reading only its own
    lines (the old memo path held everything until the end)."""
    read = itertools.count(1)
    endless = (f'{{"id": {next(read)}, {RESIDENT}}}\n'.encode() for _ in range(10 * CHUNK))
    chunks = decided_chunks(engine, "gate", endless, "r", AT, BatchSummary())
    for k in range(1, 4):
        chunk = next(chunks)
        assert chunk.count(b"\n") == CHUNK
        assert next(read) - 1 - (k - 1) == k * CHUNK  # lines read so far (less this probe's)
    chunks.close()


def test_a_register_of_bad_lines_keeps_only_the_first_problems_but_counts_all(engine):
    summary, rows = decide_text(engine, ["{broken"] * (KEPT + 50))
    assert summary.bad == KEPT + 50 and len(summary.errors) == KEPT and len(rows) == KEPT + 50
