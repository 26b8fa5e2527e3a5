"""Reading JSON Lines: the cheap repeated-key test never passes a repeated key nor refuses a
sound line, and values come back as JSON reads them."""

import json

from hypothesis import given
from hypothesis import strategies as st

from policy.errors import Diagnostic
from policy.jsonl import read_jsonl

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63 - 1),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(alphabet=':{}[]",\\ab \t\u00e9'))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(alphabet=':"a{b', max_size=3), inner, max_size=4)),
    max_leaves=12)


@given(st.lists(values, min_size=1, max_size=5), st.booleans())
def test_every_sound_line_reads_as_json_reads_it(documents, as_bytes):
    lines = [json.dumps(d, ensure_ascii=False) + "\n" for d in documents]
    read = list(read_jsonl([x.encode() for x in lines] if as_bytes else lines, "r.jsonl"))
    assert [n for n, _ in read] == list(range(1, len(lines) + 1))
    assert [v for _, v in read] == [json.loads(x) for x in lines]


def problems(*lines):
    return [(v.location.line, v.location.path, v.code) for _, v in read_jsonl(lines, "r.jsonl")
            if isinstance(v, Diagnostic)]


def test_a_key_repeated_at_any_depth_is_refused_where_it_is():
    assert problems('{"a": 1, "b": {"c": {"d": [{"e": 1, "e": 2}]}}}',
                    '[{"x": 1}, {"y": 1, "y": 1}]',
                    '{"m": {"v": 1, "v": 1}}',
                    b'{"a": 1, "a": 1}\n') == [
        (1, "e", "jsonl.repeated-key"), (2, "y", "jsonl.repeated-key"), (3, "v", "jsonl.repeated-key"),
        (4, "a", "jsonl.repeated-key")]


def test_colons_in_strings_are_not_keys_and_blank_lines_are_skipped():
    read = list(read_jsonl(['{"a": "x:y", "b": {"c": ":::"}}\n', "\n", "  \n", b'{"id": "t:1"}\n'], "r"))
    assert read == [(1, {"a": "x:y", "b": {"c": ":::"}}), (4, {"id": "t:1"})]


def test_what_json_refuses_is_located_at_its_column():
    lines = ['{"n": NaN}', '{"s": "\ud800"}'.encode("utf-8", "surrogatepass"), b"\xff", "[1,]",
             '{"s": "\\ud800"}']  # a lone surrogate: as raw bytes (not UTF-8), then as an escape
    found = [(v.location.line, v.location.col, v.code) for _, v in read_jsonl(lines, "r")]
    assert found == [(1, 7, "jsonl.syntax"), (2, 1, "jsonl.syntax"), (3, 1, "jsonl.syntax"), (4, 3, "jsonl.syntax"),
                     (5, 8, "jsonl.syntax")]


def test_integers_beyond_64_bits_stay_exact_in_ids():
    [(_, record)] = read_jsonl(['{"id": 123456789012345678901234567890}'], "r")
    assert record == {"id": 123456789012345678901234567890}
