"""JSON Schema for scenario files, so an editor can complete and check them as you type.

Generated from the format the loader checks with (:mod:`simulate.scenario_format`). A file
with ``extends:`` states only what changes, so it is checked against a *partial* form of the
same schema: no field is required, and ``null`` (delete the inherited key) is allowed wherever
a mapping's key is; a list, which replaces the base's whole list, must still be complete.
"""

from __future__ import annotations

from typing import Any

from .scenario_format import SCENARIO

DRAFT = "https://json-schema.org/draft/2020-12/schema"
PARTIAL = "-partial"


def scenario_schema() -> dict[str, Any]:
    """The schema of a scenario file: complete, or partial when it says ``extends:``."""
    full = _assumable(_tidy(SCENARIO.json_schema()))
    defs = full.pop("$defs")
    both = {**defs, **{name + PARTIAL: _partial(d) for name, d in defs.items()}}
    return {"$schema": DRAFT, "title": "policysim scenario",
            "description": "A scenario (docs/scenarios.md). With extends: only what changes; null deletes.",
            "if": {"type": "object", "required": ["extends"]},
            "then": {"$ref": f"#/$defs/scenario{PARTIAL}"}, "else": {"$ref": "#/$defs/scenario"},
            "$defs": {"scenario": full, f"scenario{PARTIAL}": _partial(full), **both}}


def _assumable(node: Any) -> Any:
    """*node* with every number also allowed as an assumption, ``{value, range, source[, group]}``
    (:mod:`simulate.assumptions`): the value as the number's own schema; that it lies within its
    range the schema cannot say (the loader does)."""
    if isinstance(node, list):
        return [_assumable(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _assumable(v) for k, v in node.items()}
    if out.get("type") not in ("number", "integer"):
        return out
    finite = {"type": "number"}
    return {"anyOf": [out, {
        "type": "object", "description": "an assumption: point value, plausible range, source",
        "properties": {"value": out,
                       "range": {"type": "array", "items": finite, "minItems": 2, "maxItems": 2},
                       "source": {"type": "string", "pattern": "\\S"},
                       "group": {"type": "string", "pattern": "^[a-z0-9_.-]{1,40}$"}},
        "required": ["value", "range", "source"], "additionalProperties": False}]}


def _tidy(node: Any) -> Any:
    """Without pydantic's ``title`` on every property and its ``default: null`` for keys that
    may simply be left out, and with ``patternProperties`` for ids as ``propertyNames`` (which,
    unlike ``patternProperties``, rejects a key that does not match)."""
    if isinstance(node, dict):
        out = {k: _tidy(v) for k, v in node.items() if not (k == "default" and v is None)}
        if len(out.get("patternProperties", {})) == 1:
            (pattern, values), = out.pop("patternProperties").items()
            out.update(propertyNames={"pattern": pattern}, additionalProperties=values)
        for prop in out.get("properties", {}).values():
            prop.pop("title", None)
        return out
    if isinstance(node, list):
        return [_tidy(v) for v in node]
    return node


def _partial(node: Any) -> Any:
    """*node* as an ``extends`` file may state it: nothing required, a mapping's values may be
    ``null``, ``$ref`` to the partial form; list items (replaced whole) stay complete."""
    if isinstance(node, list):
        return [_partial(v) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "required":
            continue
        if key == "$ref":
            out[key] = value + PARTIAL
        elif key == "oneOf":              # a partial value may fit several members
            out["anyOf"] = _partial(value)
        elif key == "properties":
            out[key] = {name: _nullable(_partial(v)) for name, v in value.items()}
        elif key == "additionalProperties" and isinstance(value, dict):
            out[key] = _nullable(_partial(value))
        elif key in ("items", "default"):
            out[key] = value
        else:
            out[key] = _partial(value)
    return out


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}
