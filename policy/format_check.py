"""Check a YAML document's structure against its format (:mod:`policy.formats`) and turn every
mismatch into a located diagnostic: ``file:line:col: field.path: message [code]``."""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .errors import Diagnostic
from .formats import FIELD_OPS, PATTERN_MEANING
from .yaml_doc import Doc, Path_

EXPECTED = {
    "string_type": "text", "int_type": "a whole number", "float_type": "a number",
    "bool_type": "true or false", "dict_type": "a mapping", "model_type": "a mapping",
    "model_attributes_type": "a mapping", "list_type": "a list", "date_type": "a date YYYY-MM-DD",
}
# a mapping whose unknown keys have a more telling name and code than "unknown key"
UNKNOWN_KEY = {"FieldTest": ("rule.unknown-operator", "unknown operator")}


def describe(value: Any) -> str:
    """A value as an author wrote it, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def check(adapter: TypeAdapter[Any], doc: Doc, path: Path_, raw: Any,
          problems: list[Diagnostic]) -> Any | None:
    """*raw* (found at *path* in *doc*) as its format's model, or ``None`` after adding one
    located diagnostic per structural problem to *problems*."""
    try:
        return adapter.validate_python(raw)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            problems.append(_diagnostic(adapter, doc, path, err))
        return None


def _diagnostic(adapter: TypeAdapter[Any], doc: Doc, base: Path_, err: Any) -> Diagnostic:
    raw_loc = tuple(err["loc"])
    on_key = "[key]" in raw_loc
    loc = tuple(p for p in raw_loc if not (isinstance(p, str) and (p.startswith("<") or p == "[key]")))
    kind, value = err["type"], err.get("input")
    got = f", got {describe(value)}"
    if kind == "missing":
        return Diagnostic("schema.missing-key", f"missing required key {describe(loc[-1])}",
                          doc.loc((*base, *loc[:-1])))
    if kind == "extra_forbidden":
        code, what, allowed = _unknown_key(adapter, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f" (did you mean {describe(close[0])}?)" if close else f"; expected one of {', '.join(allowed)}"
        return Diagnostic(code, f"{what} {describe(loc[-1])}{hint}", doc.loc((*base, *loc), key=True))
    where = doc.loc((*base, *loc), key=on_key)
    if on_key:
        pattern = (err.get("ctx") or {}).get("pattern", "")
        return Diagnostic("schema.name", f"{describe(loc[-1])} must be {PATTERN_MEANING.get(pattern, pattern)}",
                          where)
    if kind == "string_pattern_mismatch":
        pattern = err["ctx"]["pattern"]
        return Diagnostic("schema.value", f"{describe(value)} must be {PATTERN_MEANING.get(pattern, pattern)}",
                          where)
    if kind == "literal_error":
        return Diagnostic("schema.value", f"expected {err['ctx']['expected']}{got}", where)
    if kind in ("too_short", "too_long"):
        size = "at least" if kind == "too_short" else "at most"
        bound = err["ctx"]["min_length" if kind == "too_short" else "max_length"]
        return Diagnostic("schema.type", f"expected {size} {bound} item{'s' * (bound != 1)}"
                          f", got {err['ctx']['actual_length']}", where)
    if kind in ("greater_than_equal", "less_than_equal"):
        sign, bound = ("≥", err["ctx"]["ge"]) if kind == "greater_than_equal" else ("≤", err["ctx"]["le"])
        return Diagnostic("schema.value", f"must be {sign} {bound}{got}", where)
    if kind == "date_type":
        return Diagnostic("schema.date", f"expected {EXPECTED[kind]}{got}", where)
    if kind in EXPECTED:
        return Diagnostic("schema.type", f"expected {EXPECTED[kind]}{got}", where)
    if kind == "schema.type" and str(err["msg"]).startswith("expected"):
        return Diagnostic(kind, f"{err['msg']}{got}", where)
    if "." in kind:  # our own error codes, raised by the formats' validators
        return Diagnostic(kind, str(err["msg"]), where)
    return Diagnostic("schema.type", str(err["msg"]), where)


def _unknown_key(adapter: TypeAdapter[Any], loc: Path_) -> tuple[str, str, list[str]]:
    """The error code, wording and allowed keys for an unknown key in the mapping at *loc*."""
    schema = _json_schema(adapter)
    nodes = [schema]
    for part in loc:
        nodes = [nxt for node in nodes for nxt in _children(schema, node, part)]
    objects = [n for node in nodes for n in _branches(schema, node) if "properties" in n]
    for node in objects:
        if node.get("title") in UNKNOWN_KEY:
            code, what = UNKNOWN_KEY[node["title"]]
            return code, what, list(FIELD_OPS)
    allowed = [k for node in objects for k in node["properties"]]
    return "schema.unknown-key", "unknown key", list(dict.fromkeys(allowed))


_SCHEMAS: dict[int, dict[str, Any]] = {}


def _json_schema(adapter: TypeAdapter[Any]) -> dict[str, Any]:
    """The format's JSON Schema, built once (only when an unknown key needs a hint)."""
    if id(adapter) not in _SCHEMAS:
        _SCHEMAS[id(adapter)] = adapter.json_schema()
    return _SCHEMAS[id(adapter)]


def _branches(schema: dict[str, Any], node: dict[str, Any]) -> list[dict[str, Any]]:
    """*node* with ``$ref`` resolved and ``oneOf``/``anyOf`` spread into their members."""
    if "$ref" in node:
        return _branches(schema, schema["$defs"][node["$ref"].rsplit("/", 1)[1]])
    members = node.get("oneOf") or node.get("anyOf")
    if members:
        return [b for m in members for b in _branches(schema, m)]
    return [node]


def _children(schema: dict[str, Any], node: dict[str, Any], part: str | int) -> list[dict[str, Any]]:
    out = []
    for branch in _branches(schema, node):
        if isinstance(part, int) and isinstance(branch.get("items"), dict):
            out.append(branch["items"])
        elif isinstance(part, str) and part in branch.get("properties", {}):
            out.append(branch["properties"][part])
        elif isinstance(part, str) and isinstance(branch.get("additionalProperties"), dict):
            out.append(branch["additionalProperties"])
        elif isinstance(part, str):  # a mapping keyed by names: {pattern: value schema}
            out += [sub for pattern, sub in branch.get("patternProperties", {}).items()
                    if re.search(pattern, part)]
    return out
