"""JSON Schema for the pack's files, so an editor can complete and check them as you type.

Each schema is generated from the format the loader checks with (:mod:`policy.formats`).
Without a pack they describe the language; with one (``policysim policy schema PACK``) the
generated schema is refined with the pack's decisions, input fields, enum values and outcomes.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import TypeAdapter

from . import formats
from .ir import BoolField, DateField, EnumField, Field, Pack

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _generated(adapter: TypeAdapter[Any], title: str, as_list: bool) -> dict[str, Any]:
    """The format's schema (as a list of items for list files), without pydantic's ``title``
    on every property and its ``default: null`` for keys that may simply be left out, and with
    its ``patternProperties`` for pattern-checked keys as ``propertyNames`` (which, unlike
    ``patternProperties``, rejects a key that does not match)."""
    item = _tidy(adapter.json_schema())
    defs = item.pop("$defs", {})
    body = {"type": "array", "items": item} if as_list else item
    return {"$schema": DRAFT, "title": title, **body, **({"$defs": defs} if defs else {})}


def _tidy(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _tidy(v) for k, v in node.items() if not (k == "default" and v is None)}
        if len(out.get("patternProperties", {})) == 1:  # a dict with pattern-checked keys
            (pattern, values), = out.pop("patternProperties").items()
            out.update(propertyNames={"pattern": pattern}, additionalProperties=values)
        if isinstance(out.get("properties"), dict):
            for prop in out["properties"].values():
                if isinstance(prop, dict):
                    prop.pop("title", None)
        return out
    if isinstance(node, list):
        return [_tidy(v) for v in node]
    return node


def _value(decl: Field, record: bool = False) -> dict[str, Any]:
    """The JSON Schema of one declared input's values (in a *record*, with its bounds)."""
    if isinstance(decl, EnumField):
        return {"enum": list(decl.values)}
    if isinstance(decl, BoolField):
        return {"type": "boolean"}
    if isinstance(decl, DateField):
        return dict(formats.DATE_JSON)
    if not record:
        return {"type": "number"}  # a rule's literal may lie outside the bounds
    bounds = {k: v for k, v in (("minimum", decl.min), ("maximum", decl.max)) if v is not None}
    return {"type": "integer" if decl.integer else "number", **bounds}


def _replace(node: Any, old: Any, new: Any) -> Any:
    if node == old:
        return copy.deepcopy(new)
    if isinstance(node, dict):
        return {k: _replace(v, old, new) for k, v in node.items()}
    if isinstance(node, list):
        return [_replace(v, old, new) for v in node]
    return node


def _condition_for(defs: dict[str, Any], name: str, inputs: dict[str, Field]) -> dict[str, Any]:
    """The generated ``Condition`` narrowed to one decision: its inputs only, each field's tests
    (the generated ``FieldTest``) with the field's own values, ordering only on numbers and dates."""
    condition: dict[str, Any] = _replace(copy.deepcopy(defs["Condition"]), {"$ref": "#/$defs/Condition"},
                         {"$ref": f"#/$defs/{name}"})
    field_test = defs["FieldTest"]
    props = dict(condition["properties"])
    for field_name, decl in inputs.items():
        tests = _replace(field_test, formats.SCALAR_JSON, _value(decl))
        if isinstance(decl, EnumField | BoolField):
            tests["properties"] = {op: s for op, s in tests["properties"].items()
                                   if op not in (*formats.ORDERING, "between")}
        props[field_name] = {"oneOf": [tests, _value(decl)]}
    condition.update(properties=props, additionalProperties=False)
    condition.pop("description", None)
    return condition


def _by_decision(schema: dict[str, Any], pack: Pack, outcomes_key: str | None,
                 given_key: str | None = None) -> None:
    """Give each decision's items its own condition (and outcomes, and record), in place."""
    defs = schema.setdefault("$defs", {})
    clauses = []
    for spec in pack.decisions.values():
        then: dict[str, Any] = {}
        if "Condition" in defs:
            defs[f"when_{spec.name}"] = _condition_for(defs, f"when_{spec.name}", spec.inputs)
            then["when"] = {"$ref": f"#/$defs/when_{spec.name}"}
        if outcomes_key:
            then[outcomes_key] = {"enum": list(spec.outcomes)}
        if given_key:
            then["expect"] = {"properties": {"outcome": {"enum": [*spec.outcomes, None]}}}
            then[given_key] = {"type": "object", "additionalProperties": False,
                               "properties": {"id": {}, "meta": {},
                                              **{n: _value(d, record=True) for n, d in spec.inputs.items()}},
                               "required": [n for n, d in spec.inputs.items() if d.required]}
        clauses.append({"if": {"properties": {"decision": {"const": spec.name}}, "required": ["decision"]},
                        "then": {"properties": then}})
    schema["items"].setdefault("properties", {})["decision"] = {"enum": list(pack.decisions)}
    schema["items"].setdefault("allOf", []).extend(clauses)


def rules_schema(pack: Pack | None = None) -> dict[str, Any]:
    """Schema of a rule file (a list of rules)."""
    schema = _generated(formats.RULE, "policysim rule file", as_list=True)
    if pack is not None:
        _by_decision(schema, pack, "then")
    return schema


def pack_schema() -> dict[str, Any]:
    """Schema of ``pack.yaml``."""
    return _generated(formats.PACK, "policysim pack.yaml", as_list=False)


def tests_schema(pack: Pack | None = None) -> dict[str, Any]:
    """Schema of a test file (a list of cases)."""
    schema = _generated(formats.CASE, "policysim test cases", as_list=True)
    if pack is not None:
        _by_decision(schema, pack, None, "given")
        expect = schema["$defs"]["Expect"]["properties"]
        expect["rule"] = {"enum": [r.id for r in pack.rules] + [None]}
    return schema


def properties_schema(pack: Pack | None = None) -> dict[str, Any]:
    """Schema of ``properties.yaml``."""
    schema = _generated(formats.PROPERTY, "policysim properties", as_list=True)
    if pack is not None:
        schema["items"] = {"allOf": [schema["items"]], "properties": {}}
        _by_decision(schema, pack, None)
    return schema


def all_schemas(pack: Pack | None = None) -> dict[str, dict[str, Any]]:
    """File name → schema, for every file kind of a pack."""
    return {"pack.schema.json": pack_schema(), "rules.schema.json": rules_schema(pack),
            "tests.schema.json": tests_schema(pack), "properties.schema.json": properties_schema(pack)}
