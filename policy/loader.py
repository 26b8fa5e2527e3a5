"""Load a pack folder (``pack.yaml`` + ``rules/*.yaml``) into a validated :class:`~policy.ir.Pack`.

Every problem in every file is collected and raised together as one :class:`PackError`,
sorted by location.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from .errors import Diagnostic, Location, PackError, PolicysimError, error
from .yaml_doc import Doc, load_yaml
from .ir import DecisionSpec, Pack, Reason, Rule
from .language import Problems, check_keys, describe, parse_decision, parse_list_file, parse_rule

PACK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*\Z")
MAX_RULES_PER_DECISION = 512  # durable_rules hangs registering a ruleset with more
_PACK_KEYS = ("name", "version", "title", "description", "decisions")


def load_pack(folder: str | Path) -> Pack:
    """Read and validate the pack in *folder*; raise :class:`PackError` listing every problem."""
    root = Path(folder)
    if not (root / "pack.yaml").is_file():
        raise error(PackError, "pack.missing", "not a pack: no pack.yaml in this folder", Location(str(root)))
    problems = Problems()
    header = _read(root / "pack.yaml", problems)
    name, version, title, decisions = _parse_header(header, problems) if header else ("", "", None, {})
    rules: list[Rule] = []
    for path in sorted((root / "rules").glob("*.yaml")) if (root / "rules").is_dir() else []:
        for rule in parse_list_file(path, "a rule file", lambda doc, i, raw: parse_rule(
                doc, (i,), raw, decisions, problems), problems):
            rules.append(replace(rule, order=len(rules)))
    _check_ids(rules, problems)
    _check_sizes(decisions, rules, problems)
    if problems.items:
        raise PackError(problems.items)
    return Pack(name, version, decisions, tuple(rules), str(root), title)


def _read(path: Path, problems: Problems) -> Doc | None:
    try:
        return load_yaml(path, PackError)
    except PolicysimError as exc:
        problems.items.extend(exc.diagnostics)
        return None


def _parse_header(doc: Doc, problems: Problems) -> tuple[str, str, Reason | None, dict[str, DecisionSpec]]:
    raw = doc.data
    if not isinstance(raw, dict):
        problems.add(doc, (), "schema.type", "pack.yaml must be a mapping")
        return "", "", None, {}
    check_keys(doc, (), raw, _PACK_KEYS, ("name", "version", "decisions"), problems)
    name = raw.get("name", "")
    if not isinstance(name, str) or not PACK_NAME.match(name):
        problems.add(doc, ("name",), "schema.value", f"pack name {describe(name)} must match [A-Za-z0-9][A-Za-z0-9_.-]*")
        name = str(name)
    version = raw.get("version", "")
    if isinstance(version, bool) or not isinstance(version, int | str) or not str(version).strip():
        problems.add(doc, ("version",), "schema.type", "version must be a number or text")
    title = None
    if isinstance(raw.get("title"), dict) and {"zh", "en"} <= set(raw["title"]):
        title = Reason(str(raw["title"]["zh"]), str(raw["title"]["en"]))
    elif "title" in raw:
        problems.add(doc, ("title",), "schema.type", "title must be a mapping {zh: ..., en: ...}")
    decisions: dict[str, DecisionSpec] = {}
    raw_decisions = raw.get("decisions", {})
    if not isinstance(raw_decisions, dict) or not raw_decisions:
        problems.add(doc, ("decisions",), "schema.type", "decisions must be a non-empty mapping")
        raw_decisions = {}
    for dname, draw in raw_decisions.items():
        spec = parse_decision(doc, ("decisions", dname), str(dname), draw, problems)
        if spec is not None:
            decisions[spec.name] = spec
    return name, str(version), title, decisions


def _check_ids(rules: list[Rule], problems: Problems) -> None:
    seen: dict[str, Rule] = {}
    for rule in rules:
        first = seen.setdefault(rule.id, rule)
        if first is not rule:
            problems.items.append(Diagnostic(
                "rule.duplicate-id", f"duplicate rule id {rule.id!r} (first defined at {first.location})",
                replace(rule.location, path=f"{rule.location.path}.id")))


def _check_sizes(decisions: dict[str, DecisionSpec], rules: list[Rule], problems: Problems) -> None:
    for spec in decisions.values():
        count = sum(1 for r in rules if r.decision == spec.name)
        if count > MAX_RULES_PER_DECISION:
            problems.items.append(Diagnostic(
                "pack.too-many-rules",
                f"{spec.name} has {count} rules; the engine takes at most {MAX_RULES_PER_DECISION}",
                spec.location))
