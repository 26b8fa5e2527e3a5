"""Load a pack folder (``pack.yaml`` + ``rules/*.yaml``) into a validated :class:`~policy.ir.Pack`.

Every problem in every file is collected and raised together as one :class:`PackError`,
sorted by location.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from . import formats
from .errors import Diagnostic, Location, PackError, PolicysimError, error
from .ir import DecisionSpec, Pack, Reason, Rule
from .language import Problems, parse_decision, parse_list_file, parse_rule
from .yaml_doc import Doc, load_yaml

MAX_RULES_PER_DECISION = 512  # durable_rules hangs registering a ruleset with more


def load_pack(folder: str | Path) -> Pack:
    """Read and validate the pack in *folder*; raise :class:`PackError` listing every problem."""
    root = Path(folder)
    if not (root / "pack.yaml").is_file():
        raise error(PackError, "pack.missing", "not a pack: no pack.yaml in this folder", Location(str(root)))
    problems = Problems()
    header = _read(root / "pack.yaml", problems)
    name, version, title, decisions = _parse_header(header, problems) if header else ("", "", None, {})
    header_broken = bool(problems.items)
    rules: list[Rule] = []
    rule_problems = Problems()
    for path in sorted((root / "rules").glob("*.yaml")) if (root / "rules").is_dir() else []:
        for rule in parse_list_file(path, "a rule file", lambda doc, i, raw: parse_rule(
                doc, (i,), raw, decisions, rule_problems), rule_problems):
            rules.append(replace(rule, order=len(rules)))
    problems.items.extend(_without_cascade(rule_problems.items, header_broken, root / "rules"))
    problems.duplicate_ids(rules, "rule")
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
    header = problems.check(formats.PACK, doc, (), doc.data)
    if header is None:
        return "", "", None, _salvage_decisions(doc, problems)
    decisions = {name: parse_decision(doc, ("decisions", name), name, decl, problems)
                 for name, decl in header.decisions.items()}
    title = Reason(header.title.zh, header.title.en) if header.title else None
    return header.name, str(header.version), title, decisions


def _salvage_decisions(doc: Doc, problems: Problems) -> dict[str, DecisionSpec]:
    """The well-formed decisions of a malformed pack.yaml, so that their rules are still checked
    (their problems are already reported)."""
    raw = doc.data.get("decisions") if isinstance(doc.data, dict) else None
    found: dict[str, DecisionSpec] = {}
    for name, draw in raw.items() if isinstance(raw, dict) else ():
        scratch = Problems()
        decl = scratch.check(formats.DECISION, doc, ("decisions", name), draw)
        if decl is not None and isinstance(name, str) and formats.is_name(name):
            found[name] = parse_decision(doc, ("decisions", name), name, decl, scratch)
    return found


def _without_cascade(items: list[Diagnostic], header_broken: bool, folder: Path) -> list[Diagnostic]:
    """Rule problems, less the "unknown decision" ones a broken pack.yaml causes: those become
    one summary line, placed at the rules folder so that pack.yaml's own problems come first."""
    if not header_broken:
        return items
    unknown = [d for d in items if d.code == "rule.unknown-decision"]
    if not unknown:
        return items
    summary = Diagnostic("pack.rules-unchecked", f"{len(unknown)} rule{'s' * (len(unknown) != 1)} not "
                         "checked: their decision is missing because pack.yaml did not load", Location(str(folder)))
    return [d for d in items if d.code != "rule.unknown-decision"] + [summary]


def _check_sizes(decisions: dict[str, DecisionSpec], rules: list[Rule], problems: Problems) -> None:
    for spec in decisions.values():
        count = sum(1 for r in rules if r.decision == spec.name)
        if count > MAX_RULES_PER_DECISION:
            problems.items.append(Diagnostic(
                "pack.too-many-rules",
                f"{spec.name} has {count} rules; the engine takes at most {MAX_RULES_PER_DECISION}",
                spec.location))
