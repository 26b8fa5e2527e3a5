"""The JSON Schemas an editor uses and the loaders agree: documents generated from each schema
load (or fail only for the few reasons a schema cannot state), and what the loader rejects as
malformed the schema rejects too."""

import datetime as dt
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from policy import PackError, load_pack
from policy.analysis.properties import load_properties
from policy.json_schema import all_schemas
from policy.tester.cases import load_cases

from .packs import PACK_YAML, RULES, write_pack
from .schema_documents import documents

# What a schema cannot say, each found only by the loader (docs/policy-language.md):
SEMANTIC = {
    "rule.number-range",      # a literal durable_rules would not compare exactly (e.g. 1e-05)
    "rule.empty-range",       # between [high, low]
    "schema.date",            # effective: to before from
    "rule.duplicate-id",      # the same rule id twice in a pack
    "rule.unknown-outcome",   # pack.yaml: default is not one of the decision's outcomes
    "property.order",         # a monotone order or outcome ranking that misses or repeats a value
    "property.unknown-field",  # monotone over a field the decision does not declare
    "property.unknown-outcome",  # expect: an outcome the decision does not declare
    "property.duplicate-id",  # the same property id twice
}
SLOW = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    root = tmp_path_factory.mktemp("mini")
    return load_pack(write_pack(root))


def codes(call):
    try:
        call()
    except PackError as exc:
        return {d.code for d in exc.diagnostics}
    return set()


def fresh_pack(tmp_path, pack, **files):
    """A copy of *pack* in a new folder with *files* (relative path → YAML data) added."""
    root = tmp_path / f"p{len(list(tmp_path.iterdir()))}"
    shutil.copytree(pack.root, root)
    for name, data in files.items():
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


@given(doc=documents(all_schemas()["pack.schema.json"]))
@SLOW
def test_generated_pack_yaml_loads(tmp_path_factory, doc):
    root = tmp_path_factory.mktemp("gen")
    (root / "pack.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    assert codes(lambda: load_pack(root)) <= SEMANTIC


def test_generated_rules_tests_and_properties_load(tmp_path, mini):
    schemas = all_schemas(mini)

    @given(rules=documents(schemas["rules.schema.json"]))
    @SLOW
    def rules(rules):
        root = fresh_pack(tmp_path, mini, **{"rules/generated.yaml": rules})
        assert codes(lambda: load_pack(root)) <= SEMANTIC

    @given(cases=documents(schemas["tests.schema.json"]))
    @SLOW
    def cases(cases):
        root = fresh_pack(tmp_path, mini, **{"tests/generated.yaml": cases})
        assert codes(lambda: load_cases(load_pack(root))) <= SEMANTIC

    @given(props=documents(schemas["properties.schema.json"]))
    @SLOW
    def properties(props):
        root = fresh_pack(tmp_path, mini, **{"properties.yaml": props})
        assert codes(lambda: load_properties(load_pack(root))) <= SEMANTIC

    rules()
    cases()
    properties()


def as_json(value):
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


GOOD_RULE = {"id": "r", "decision": "gate", "when": {"role": "resident"}, "then": "admit",
             "reason": {"zh": "居民", "en": "resident"}, "source": "test"}


def rule(**change):
    out = {**GOOD_RULE, **change}
    return {k: v for k, v in out.items() if v is not None}


# The loader's structural rejections (tests/policy/test_loading.py), plus the two the old
# hand-written schema let through.
BAD_RULES = [
    ("thn", rule(then=None, thn="admit")),
    ("missing source", rule(source=None)),
    ("priority high", rule(priority="high")),
    ("unknown operator", rule(when={"temperature_c": {"above": 3}})),
    ("no test given", rule(when={"has_pass": {}})),
    ("list as a value", rule(when={"has_pass": [1]})),
    ("bad id", rule(id="bad id!")),
    ("blank source", rule(source=" ")),
    ("reason without en", rule(reason={"zh": "居民"})),
    ("between of one", rule(when={"temperature_c": {"between": [1]}})),
    ("empty all", rule(when={"all": []})),
]


@pytest.mark.parametrize("pack_aware", [False, True], ids=["generic", "pack-specific"])
@pytest.mark.parametrize(("what", "doc"), BAD_RULES, ids=[w for w, _ in BAD_RULES])
def test_what_the_loader_rejects_as_malformed_the_schema_rejects(tmp_path, mini, pack_aware, what, doc):
    root = fresh_pack(tmp_path, mini, **{"rules/bad.yaml": [doc]})
    assert codes(lambda: load_pack(root)) & {"schema.type", "schema.value", "schema.missing-key",
                                             "schema.unknown-key", "rule.unknown-operator"}
    schema = all_schemas(mini if pack_aware else None)["rules.schema.json"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([as_json(doc)], schema)


BAD_PACKS = [
    ("name: mini", "name: bad name!"),
    ("{type: bool}", "{type: boolean}"),
    ("version: {version}", "version: ' '"),
    ("role: {{enum: [resident, tourist, delivery]}}", "role: {{enum: [resident, resident]}}"),
    ("  gate:", "  Gate:"),
    ("decisions:", "decisons:"),
    ("    outcomes: [admit, turn_back, hold, handle]", "    outcomes: []"),
]


@pytest.mark.parametrize(("old", "new"), BAD_PACKS, ids=[n for _, n in BAD_PACKS])
def test_what_the_loader_rejects_in_pack_yaml_the_schema_rejects(tmp_path, old, new):
    assert old in PACK_YAML
    text = PACK_YAML.replace(old, new).format(version=1, hit_policy="priority", default="")
    root = write_pack(tmp_path, RULES, pack_yaml=text)
    assert codes(lambda: load_pack(root)) & {"schema.type", "schema.value", "schema.missing-key",
                                             "schema.unknown-key", "schema.name", "schema.duplicate"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(as_json(yaml.safe_load(text)), all_schemas()["pack.schema.json"])


def test_the_shipped_pack_loads_and_its_files_fit_the_schemas():
    pack = load_pack(Path(__file__).resolve().parents[2] / "policy" / "packs" / "xiongerzhai-2020")
    assert load_cases(pack) and load_properties(pack)
