"""Hypothesis strategies for documents a JSON Schema allows, for the constructs our schemas use
($ref, oneOf/anyOf, allOf of if-decision-then clauses, types, enum, pattern, date, bounds).
Every drawn document is checked against the full schema, so a gap here narrows what is drawn,
never lets an invalid document through."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jsonschema
from hypothesis import strategies as st

SCALARS = {"string": st.text(max_size=6), "number": st.floats(-1e6, 1e6, allow_nan=False),
           "integer": st.integers(-1000, 1000), "boolean": st.booleans(), "null": st.none()}


def documents(schema: dict[str, Any], depth: int = 5) -> st.SearchStrategy[Any]:
    valid = jsonschema.Draft202012Validator(schema).is_valid
    return _node(schema, schema, depth).filter(valid)


def _node(root: dict[str, Any], node: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    if "$ref" in node:
        target = root["$defs"][node["$ref"].rsplit("/", 1)[1]]
        return _node(root, target, depth - 1) if depth > 0 else st.just({})
    if "allOf" in node and all("if" in c for c in node["allOf"]):
        return st.sampled_from(node["allOf"]).flatmap(lambda c: _node(root, _merged(node, c), depth))
    if "allOf" in node:
        return _node(root, node["allOf"][0], depth)
    for key in ("oneOf", "anyOf"):
        if key in node:
            return st.one_of([_node(root, m, depth) for m in node[key]])
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kinds = node.get("type", "object" if "properties" in node else list(SCALARS))
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return st.one_of([_typed(root, node, kind, depth) for kind in kinds])


def _merged(node: dict[str, Any], clause: dict[str, Any]) -> dict[str, Any]:
    props = {**node.get("properties", {}), **clause["if"]["properties"]}
    for name, extra in clause["then"]["properties"].items():
        props[name] = {"allOf": [props[name], extra]} if name in props and "$ref" not in extra else extra
        if "$ref" in extra or "enum" in extra or "properties" in extra:
            props[name] = extra
    out = {k: v for k, v in node.items() if k != "allOf"}
    return {**out, "properties": props, "required": sorted({*node.get("required", []), "decision"})}


def _typed(root: dict[str, Any], node: dict[str, Any], kind: str, depth: int) -> st.SearchStrategy[Any]:
    if kind == "string" and node.get("format") == "date":
        return st.dates(dt.date(2019, 1, 1), dt.date(2021, 12, 31)).map(dt.date.isoformat)
    if kind == "string" and "pattern" in node:
        return st.from_regex(node["pattern"], fullmatch=node["pattern"].startswith("^")).filter(
            lambda s: len(s) < 20 and s.strip() == s)
    if kind in ("number", "integer"):
        low, high = node.get("minimum", -1e6), node.get("maximum", 1e6)
        return (st.integers(int(low), int(high)) if kind == "integer"
                else st.one_of(st.integers(int(low), int(high)), st.floats(low, high, allow_nan=False)))
    if kind == "array":
        item = _node(root, node.get("items", {}), depth)
        lists = st.lists(item, min_size=node.get("minItems", 0),
                         max_size=max(node.get("minItems", 0), min(node.get("maxItems", 3), 3)),
                         unique_by=(lambda x: repr(x)) if node.get("uniqueItems") else None)
        return lists
    if kind == "object":
        return _object(root, node, depth)
    return SCALARS[kind]


def _object(root: dict[str, Any], node: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    props = node.get("properties", {})
    required = [k for k in node.get("required", []) if k in props]
    optional = [k for k in props if k not in required]
    extra = node.get("additionalProperties")

    @st.composite
    def build(draw: Any) -> dict[str, Any]:
        need = max(node.get("minProperties", 0) - len(required), 0) if not isinstance(extra, dict) else 0
        keys = required + draw(st.lists(st.sampled_from(optional), unique=True, min_size=need,
                                        max_size=max(need, 3))) if optional else list(required)
        out = {k: draw(_node(root, props[k], depth)) for k in keys}
        least = max(node.get("minProperties", 0) - len(out), 0)
        if isinstance(extra, dict):
            names = st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True).filter(lambda n: n not in props)
            for name in draw(st.lists(names, min_size=least, max_size=max(least, 2), unique=True)):
                out.setdefault(name, draw(_node(root, extra, depth)))
        return out
    return build()
