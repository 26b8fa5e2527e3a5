"""The JSON Schemas an editor uses accept the shipped pack's files and reject common slips."""

import datetime as dt
from pathlib import Path

import jsonschema
import pytest
import yaml

from policy import load_pack
from policy.json_schema import all_schemas

PACK = Path(__file__).resolve().parents[2] / "policy" / "packs" / "xiongerzhai-2020"


def as_json(value):
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def load(path):
    return as_json(yaml.safe_load(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("pack", [None, load_pack(PACK)], ids=["generic", "pack-specific"])
def test_schemas_accept_the_shipped_files(pack):
    schemas = all_schemas(pack)
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(load(PACK / "pack.yaml"), schemas["pack.schema.json"])
    jsonschema.validate(load(PACK / "properties.yaml"), schemas["properties.schema.json"])
    for path in sorted((PACK / "rules").glob("*.yaml")):
        jsonschema.validate(load(path), schemas["rules.schema.json"])
    for path in sorted((PACK / "tests").glob("*.yaml")):
        jsonschema.validate(load(path), schemas["tests.schema.json"])


@pytest.mark.parametrize(("old", "new"), [
    ("then: hold_for_medical", "then: hold_for_medicl"),
    ("temperature_c: {gte: 37.3}", "temperature_c: {gte: hot}"),
    ("temperature_c: {gte: 37.3}", "temperatur_c: {gte: 37.3}"),
    ("priority: 100", "priority: high"),
])
def test_pack_specific_schema_catches_a_slip(old, new):
    schema = all_schemas(load_pack(PACK))["rules.schema.json"]
    text = (PACK / "rules" / "gate.yaml").read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(as_json(yaml.safe_load(text.replace(old, new, 1))), schema)
