"""The house rules, checked: layers import one way, each heavy dependency has one door,
modules stay small and are named for what they hold."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("policy", "simulate", "reports", "cli")
BANNED_NAMES = {"utils.py", "helpers.py", "manager.py", "common.py", "misc.py"}


def modules(layer):
    return sorted(p for p in (ROOT / layer).rglob("*.py") if "__pycache__" not in p.parts)


def imports(path):
    """Top-level module names imported by *path*, resolving relative imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.relative_to(ROOT).with_suffix("").parts
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level]
                found.add(".".join((*base, node.module)) if node.module else ".".join(base))
            else:
                found.add(node.module)
    return found


def all_modules():
    return [p for layer in LAYERS for p in modules(layer)]


@pytest.mark.parametrize("path", all_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_layers_import_one_way(path):
    layer = path.relative_to(ROOT).parts[0]
    above = LAYERS[LAYERS.index(layer) + 1:]
    for name in imports(path):
        assert name.split(".")[0] not in above, f"{path.relative_to(ROOT)} imports {name} from a layer above"


@pytest.mark.parametrize(("package", "door"), [
    ("durable", "policy/durable.py"),
    ("simpy", "simulate/"),
    ("matplotlib", "reports/"),
])
def test_each_heavy_dependency_has_one_door(package, door):
    users = {str(p.relative_to(ROOT)) for p in all_modules()
             if any(n.split(".")[0] == package for n in imports(p))}
    assert all(u.startswith(door) for u in users), users


def test_simulate_uses_policy_only_through_its_facade():
    allowed = {"policy", "policy.errors", "policy.yaml_doc", "policy.atomic"}
    for path in modules("simulate"):
        for name in imports(path):
            if name.split(".")[0] == "policy":
                assert name in allowed, f"{path.relative_to(ROOT)} imports {name}"


@pytest.mark.parametrize("path", all_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_are_small_and_well_named(path):
    assert path.name not in BANNED_NAMES
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 500
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), f"{path} has no docstring"


def test_policy_facade_is_sorted_and_complete():
    import policy
    assert policy.__all__ == sorted(policy.__all__)
    assert all(hasattr(policy, name) for name in policy.__all__)
