"""The house rules, checked: layers import one way, each heavy dependency has one door,
modules stay small and are named for what they hold."""

import ast
import re
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
    allowed = {"policy", "policy.errors", "policy.yaml_doc", "policy.atomic", "policy.formats"}
    for path in modules("simulate"):
        for name in imports(path):
            if name.split(".")[0] == "policy":
                assert name in allowed, f"{path.relative_to(ROOT)} imports {name}"


@pytest.mark.parametrize("path", all_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_are_small_and_well_named(path):
    assert path.name not in BANNED_NAMES
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 500
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), f"{path} has no docstring"


FACADES = ("policy", "simulate", "reports")


def _defined_names(layer):
    """Names bound at module level anywhere in *layer* (defs, classes, assignments), and its submodules."""
    names = {p.stem for p in modules(layer)}
    for path in modules(layer):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


@pytest.mark.parametrize("layer", FACADES)
def test_each_facade_exports_only_its_own_documented_names(layer):
    """Every name in __all__ is defined in that layer (not re-exported from another), and every
    exported function and class says what it is."""
    import importlib
    import inspect

    package = importlib.import_module(layer)
    assert package.__all__ == sorted(package.__all__)
    assert len(set(package.__all__)) == len(package.__all__)
    defined = _defined_names(layer)
    for name in package.__all__:
        value = getattr(package, name)
        assert name in defined, f"{layer}.{name} is not defined in {layer}/"
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__module__.split(".")[0] == layer, f"{layer}.{name} comes from {value.__module__}"
            assert inspect.getdoc(value), f"{layer}.{name} has no docstring"


@pytest.mark.parametrize("layer", ["simulate", "reports"])
def test_every_exported_name_is_used_outside_its_layer(layer):
    """A name in __all__ that no other layer, test or document mentions is not public: drop it.
    Exceptions (callers catch them) and the types of exported records and signatures are public."""
    import importlib
    import inspect

    texts = [p.read_text(encoding="utf-8") for other in LAYERS if other != layer for p in modules(other)]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("*.py")]
    texts += [p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]
              if p.is_file()]
    corpus = "\n".join(texts)
    package = importlib.import_module(layer)
    for name in package.__all__:
        value = getattr(package, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            corpus += "\n" + " ".join(str(a) for a in inspect.get_annotations(value).values())
            if inspect.isclass(value):
                corpus += " ".join(str(a) for m in vars(value).values() if inspect.isfunction(m)
                                   for a in inspect.get_annotations(m).values())
    unused = [name for name in package.__all__
              if not re.search(rf"\b{re.escape(name)}\b", corpus)
              and not (inspect.isclass(getattr(package, name)) and issubclass(getattr(package, name), Exception))]
    assert unused == [], f"{layer} exports names nobody uses: {unused}"


def test_one_definition_of_the_t_interval_and_the_verdict_rule():
    """Only simulate/estimates.py turns a Student-t quantile into an interval or a verdict."""
    quantile_users = {str(p.relative_to(ROOT)) for p in all_modules()
                      if "t_quantile(" in p.read_text(encoding="utf-8")}
    assert quantile_users == {"simulate/estimates.py", "simulate/student_t.py"}
    verdict_rules = {str(p.relative_to(ROOT)) for p in all_modules()
                     if re.search(r"return \"holds\"|\"holds\" if", p.read_text(encoding="utf-8"))}
    assert verdict_rules == {"simulate/estimates.py"}
