"""JSON Schema for the pack's files, so an editor can complete and check them as you type.

Without a pack the schemas describe the language; with one they also know its decisions,
input fields, enum values and outcomes (``policysim policy schema PACK``).
"""

from __future__ import annotations

from typing import Any

from .ir import BoolField, DateField, EnumField, Field, Pack
from .language import FIELD_OPS, HIT_POLICIES

DRAFT = "https://json-schema.org/draft/2020-12/schema"
DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
REASON = {"type": "object", "required": ["zh", "en"], "additionalProperties": False,
          "properties": {"zh": {"type": "string", "minLength": 1}, "en": {"type": "string", "minLength": 1}}}
NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}


def _value(decl: Field | None) -> dict[str, Any]:
    if isinstance(decl, EnumField):
        return {"enum": list(decl.values)}
    if isinstance(decl, BoolField):
        return {"type": "boolean"}
    if isinstance(decl, DateField):
        return DATE
    if decl is None:
        return {"type": ["string", "number", "boolean"]}
    bounds = {k: v for k, v in (("minimum", decl.min), ("maximum", decl.max)) if v is not None}
    return {"type": "integer" if decl.integer else "number", **bounds}


def _field_test(decl: Field | None) -> dict[str, Any]:
    value = _value(decl)
    ops: dict[str, Any] = {"in": {"type": "array", "items": value, "minItems": 1}, "ne": value,
                           "exists": {"type": "boolean"}}
    if decl is None or not isinstance(decl, EnumField | BoolField):
        ops.update({op: value for op in ("lt", "lte", "gt", "gte")})
        ops["between"] = {"type": "array", "items": value, "minItems": 2, "maxItems": 2}
    assert set(ops) <= set(FIELD_OPS)
    return {"oneOf": [value, {"type": "object", "properties": ops, "additionalProperties": False,
                              "minProperties": 1}]}


def _condition(fields: dict[str, Field] | None, name: str = "condition") -> dict[str, Any]:
    ref = {"$ref": f"#/$defs/{name}"}
    combinators = {"all": {"type": "array", "items": ref, "minItems": 1},
                   "any": {"type": "array", "items": ref, "minItems": 1}, "not": ref}
    if fields is None:
        return {"type": "object", "properties": combinators,
                "additionalProperties": _field_test(None)}
    tests = {name: _field_test(decl) for name, decl in fields.items()}
    return {"type": "object", "properties": {**combinators, **tests}, "additionalProperties": False}


def _by_decision(pack: Pack | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """``allOf`` clauses that give each decision's rules its own fields and outcomes."""
    if pack is None:
        return [], {}
    clauses, defs = [], {}
    for spec in pack.decisions.values():
        defs[f"when_{spec.name}"] = _condition(spec.inputs, f"when_{spec.name}")
        clauses.append({"if": {"properties": {"decision": {"const": spec.name}}, "required": ["decision"]},
                        "then": {"properties": {"when": {"$ref": f"#/$defs/when_{spec.name}"},
                                                "then": {"enum": list(spec.outcomes)}}}})
    return clauses, defs


def rules_schema(pack: Pack | None = None) -> dict[str, Any]:
    """Schema of a rule file (a list of rules)."""
    clauses, defs = _by_decision(pack)
    rule = {
        "type": "object", "additionalProperties": False,
        "required": ["id", "decision", "then", "reason", "source"],
        "properties": {
            "id": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.\\-]*$"},
            "decision": {"enum": list(pack.decisions)} if pack else NAME,
            "priority": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
            "when": {"$ref": "#/$defs/condition"}, "then": {"type": "string"},
            "obligations": {"type": "array", "items": {"type": "string"}},
            "reason": REASON, "source": {"type": "string", "minLength": 1},
            "effective": {"type": "object", "additionalProperties": False,
                          "properties": {"from": DATE, "to": DATE}},
            "description": {"type": "string"},
        },
        **({"allOf": clauses} if clauses else {}),
    }
    return {"$schema": DRAFT, "title": "policysim rule file", "type": "array", "items": rule,
            "$defs": {"condition": _condition(None), **defs}}


def pack_schema() -> dict[str, Any]:
    """Schema of ``pack.yaml``."""
    field_decl = {"type": "object", "additionalProperties": False, "properties": {
        "enum": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "type": {"enum": ["bool", "number", "date"]}, "min": {"type": "number"},
        "max": {"type": "number"}, "unit": {"type": "string"}, "integer": {"type": "boolean"},
        "required": {"type": "boolean"}, "description": {"type": "string"}}}
    decision = {"type": "object", "additionalProperties": False, "required": ["inputs", "outcomes"],
                "properties": {
                    "description": {"type": "string"},
                    "inputs": {"type": "object", "minProperties": 1, "propertyNames": NAME,
                               "additionalProperties": field_decl},
                    "outcomes": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "hit_policy": {"enum": list(HIT_POLICIES)}, "default": {"type": "string"},
                    "default_is_gap": {"type": "boolean"}}}
    return {"$schema": DRAFT, "title": "policysim pack.yaml", "type": "object",
            "additionalProperties": False, "required": ["name", "version", "decisions"],
            "properties": {"name": {"type": "string"}, "version": {"type": ["string", "integer"]},
                           "title": REASON, "description": {"type": "string"},
                           "decisions": {"type": "object", "minProperties": 1, "propertyNames": NAME,
                                         "additionalProperties": decision}}}


def tests_schema(pack: Pack | None = None) -> dict[str, Any]:
    """Schema of a test file (a list of cases)."""
    decision = {"enum": list(pack.decisions)} if pack else NAME
    rule_ids = {"enum": [r.id for r in pack.rules] + [None]} if pack else {"type": ["string", "null"]}
    case = {"type": "object", "additionalProperties": False, "required": ["decision", "given", "expect"],
            "properties": {"name": {"type": "string"}, "decision": decision, "at": DATE,
                           "given": {"type": "object"},
                           "expect": {"type": "object", "additionalProperties": False, "properties": {
                               "outcome": {"type": ["string", "null"]}, "rule": rule_ids,
                               "obligations": {"type": "array", "items": {"type": "string"}}}}}}
    return {"$schema": DRAFT, "title": "policysim test cases", "type": "array", "items": case}


def properties_schema(pack: Pack | None = None) -> dict[str, Any]:
    """Schema of ``properties.yaml``."""
    outcome_list = {"type": "array", "items": {"type": "string"}, "minItems": 1}
    prop = {"type": "object", "additionalProperties": False, "required": ["id", "decision"],
            "properties": {
                "id": {"type": "string"}, "description": {"type": "string"}, "source": {"type": "string"},
                "decision": {"enum": list(pack.decisions)} if pack else NAME,
                "when": {"$ref": "#/$defs/condition"},
                "expect": {"type": "object", "required": ["outcome"], "properties": {"outcome": {
                    "oneOf": [{"type": "string"},
                              {"type": "object", "properties": {"in": outcome_list, "not_in": outcome_list},
                               "additionalProperties": False, "minProperties": 1, "maxProperties": 1}]}}},
                "monotone": {"type": "object", "required": ["field", "order", "outcomes"],
                             "additionalProperties": False, "properties": {
                                 "field": {"type": "string"},
                                 "order": {"oneOf": [{"enum": ["ascending", "descending"]},
                                                     {"type": "array", "items": {"type": "string"}}]},
                                 "outcomes": outcome_list}}}}
    clauses, defs = _by_decision(pack)
    for clause in clauses:
        del clause["then"]["properties"]["then"]
    if clauses:
        prop["allOf"] = clauses
    return {"$schema": DRAFT, "title": "policysim properties", "type": "array", "items": prop,
            "$defs": {"condition": _condition(None), **defs}}


def all_schemas(pack: Pack | None = None) -> dict[str, dict[str, Any]]:
    """File name → schema, for every file kind of a pack."""
    return {"pack.schema.json": pack_schema(), "rules.schema.json": rules_schema(pack),
            "tests.schema.json": tests_schema(pack), "properties.schema.json": properties_schema(pack)}
