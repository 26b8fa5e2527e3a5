"""How the model asks the policy pack at a staffed gate, and what each answer means to it.

The model knows five things about a person at a gate (the kind of gate, their role, whether
they hold a pass, their temperature, their quarantine status) and a handful of things a gate
can do with them (:data:`MEANINGS`). The pack has its own words for both. A scenario's
``gate_policy`` section maps one onto the other once; :func:`read_gate_policy` checks it
against the pack's declarations, so a scenario that sends a value the pack does not know, or
a pack outcome the model cannot act on, is a located error when the scenario loads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policy import BoolField, DecisionSpec, EnumField, Field, NumberField, Pack

from .scenario_reader import PathT, Reader

if TYPE_CHECKING:
    from .scenario_format import GatePolicyDoc

# What a gate does with a person, as the model acts on it.
PASS = "pass"                                  # goes in (or out)
PASS_OBSERVED = "pass_under_observation"       # goes in; going out, the gate knows they must stay
HANDLED = "handled_at_gate"                    # the errand is done at the gate; nobody passes
TURNED_BACK = "turned_back"                    # refused; may comply, go round or go elsewhere
HELD = "held_for_retest"                       # steps aside, is re-tested, then decided again
MEANINGS = (PASS, PASS_OBSERVED, HANDLED, TURNED_BACK, HELD)
ADMITTING = frozenset({PASS, PASS_OBSERVED})

# What the model knows about a person, and the kind of input field each must map to.
ATTRIBUTES: dict[str, type] = {"level": EnumField, "role": EnumField, "has_pass": BoolField,
                               "temperature": NumberField, "quarantine": EnumField}
LEVELS = ("township", "village")               # the model's two kinds of staffed gate


@dataclass(frozen=True)
class GatePolicy:
    """The scenario's mapping between the model's words and one decision of the pack.

    *outcomes* maps each of the decision's outcomes to its meaning, least severe first: a
    party's outcome is its most severe member's. A person the pack leaves undecided (no rule
    and no default) is treated as the *undecided* outcome. *observed* are the quarantine
    values under which a person may not go out, *unobserved* the value of people under no
    measure (a stream's default); *outsiders* the roles of people from outside the township
    (counted in outsider person-minutes).
    """

    decision: str
    inputs: Mapping[str, str]
    levels: Mapping[str, str]
    outcomes: Mapping[str, str]
    undecided: str | None = None
    observed: frozenset[str] = frozenset()
    unobserved: str = ""
    outsiders: frozenset[str] = frozenset()
    changes: tuple[dt.date, ...] | None = None    # days the decision's rules change (None: unknown)

    def facts(self, level: str, role: str, has_pass: bool, temperature: float,
              quarantine: str) -> dict[str, Any]:
        """The record the pack decides, in its own field names and values."""
        names = self.inputs
        return {names["level"]: self.levels[level], names["role"]: role, names["has_pass"]: has_pass,
                names["temperature"]: temperature, names["quarantine"]: quarantine}

    def standing(self, outcome: str | None) -> str:
        """The outcome the model acts on: *outcome*, or the stand-in for no answer (the loader
        requires one when the decision has no default, so no answer always has a stand-in)."""
        acted = self.undecided if outcome is None else outcome
        if acted is None:
            raise ValueError(f"decision {self.decision!r} gave no answer and the scenario names no stand-in")
        return acted

    def meaning(self, outcome: str | None) -> str:
        """What *outcome* means to the model."""
        return self.outcomes[self.standing(outcome)]

    def admits(self, outcome: str | None) -> bool:
        """Whether a party decided *outcome* goes in."""
        return self.meaning(outcome) in ADMITTING

    def lets_out(self, outcome: str | None) -> bool:
        """Whether a party decided *outcome* leaves through the gate."""
        return self.meaning(outcome) == PASS

    def severity(self) -> dict[str | None, int]:
        """Rank of each outcome (and of no answer, ``None``): higher is more severe."""
        ranks: dict[str | None, int] = {o: k for k, o in enumerate(self.outcomes)}
        ranks[None] = ranks[self.undecided] if self.undecided is not None else len(ranks)
        return ranks


def read_gate_policy(r: Reader, doc: GatePolicyDoc | None, pack: Pack | None) -> GatePolicy | None:
    """Check the scenario's ``gate_policy`` (structurally valid, or ``None``) against *pack*
    (unchecked when the pack is unknown)."""
    if doc is None:
        return None
    path: PathT = ("gate_policy",)
    name = doc.decision
    spec = pack.decisions.get(name) if pack is not None else None
    if pack is not None and spec is None:
        r.fail((*path, "decision"), "scenario.vocabulary",
               f"pack {pack.label} has no decision {name!r} (decisions: {', '.join(pack.decisions)})")
    inputs = _inputs(r, (*path, "inputs"), {a: getattr(doc.inputs, a) for a in ATTRIBUTES}, spec, pack)
    levels = _levels(r, (*path, "levels"), {lv: getattr(doc.levels, lv) for lv in LEVELS},
                     spec.inputs.get(inputs["level"]) if spec else None)
    outcomes = _outcomes(r, (*path, "outcomes"), doc.outcomes, spec)
    undecided: str | None = doc.undecided
    if undecided is not None and undecided not in outcomes:
        r.fail((*path, "undecided"), "scenario.vocabulary",
               f"{undecided!r} is not one of the outcomes above ({', '.join(outcomes)})")
        undecided = None
    if spec is not None and spec.default is None and undecided is None:
        r.fail(path, "scenario.vocabulary",
               f"decision {spec.name!r} has no default: say which outcome stands for no answer (undecided:)")
    role_field = spec.inputs.get(inputs["role"]) if spec else None
    quarantine_field = spec.inputs.get(inputs["quarantine"]) if spec else None
    observed = _values(r, (*path, "observed"), doc.observed, quarantine_field, pack, name)
    unobserved = doc.unobserved
    if isinstance(quarantine_field, EnumField) and unobserved not in quarantine_field.values:
        r.fail((*path, "unobserved"), "scenario.choice",
               f"{unobserved!r} is not one of: {', '.join(quarantine_field.values)}")
    if unobserved in observed:
        r.fail((*path, "unobserved"), "scenario.vocabulary", f"{unobserved!r} is also listed as observed")
    outsiders = _values(r, (*path, "outsiders"), doc.outsiders, role_field, pack, name)
    changes = pack.change_dates(name) if pack is not None and spec is not None else None
    return GatePolicy(name, inputs, levels, outcomes, undecided, frozenset(observed), unobserved,
                      frozenset(outsiders), changes)


def input_of(policy: GatePolicy, pack: Pack | None, attribute: str) -> EnumField | None:
    """The pack's enum input for the model *attribute* (``role``, ``quarantine``), if known."""
    spec = pack.decisions.get(policy.decision) if pack is not None else None
    decl = spec.inputs.get(policy.inputs.get(attribute, "")) if spec is not None else None
    return decl if isinstance(decl, EnumField) else None


def where(pack: Pack, decision: str) -> str:
    """``pack name@version (file:line:col)``: where *decision* is declared."""
    return f"pack {pack.label} ({pack.decisions[decision].location})"


def _inputs(r: Reader, path: PathT, out: dict[str, str], spec: DecisionSpec | None,
            pack: Pack | None) -> dict[str, str]:
    for attribute, kind in ATTRIBUTES.items():
        field = out[attribute]
        if spec is None or pack is None:
            continue
        decl = spec.inputs.get(field)
        if decl is None:
            r.fail((*path, attribute), "scenario.vocabulary",
                   f"decision {spec.name!r} has no input {field!r} "
                   f"(inputs: {', '.join(spec.inputs)}) in {where(pack, spec.name)}")
        elif not isinstance(decl, kind):
            r.fail((*path, attribute), "scenario.vocabulary",
                   f"input {field!r} is {_kind(decl)}; the model's {attribute} needs {_kind_name(kind)}")
    if spec is not None and pack is not None:
        mapped = set(out.values())
        for field_name, decl in spec.inputs.items():
            if decl.required and field_name not in mapped:
                r.fail(path, "scenario.vocabulary",
                       f"decision {spec.name!r} requires input {field_name!r}, which the model cannot supply")
    return out


def _levels(r: Reader, path: PathT, levels: dict[str, str], decl: Field | None) -> dict[str, str]:
    if isinstance(decl, EnumField):
        for level, value in levels.items():
            if value not in decl.values:
                r.fail((*path, level), "scenario.choice", f"{value!r} is not one of: {', '.join(decl.values)}")
    return levels


def _outcomes(r: Reader, path: PathT, given: dict[str, str], spec: DecisionSpec | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for outcome, meaning in given.items():
        if spec is not None and outcome not in spec.outcomes:
            r.fail((*path, outcome), "scenario.vocabulary",
                   f"{outcome!r} is not an outcome of decision {spec.name!r} "
                   f"(outcomes: {', '.join(spec.outcomes)})")
            continue
        out[outcome] = meaning
    if spec is not None:
        for outcome in spec.outcomes:
            if outcome not in given:
                r.fail(path, "scenario.vocabulary",
                       f"outcome {outcome!r} of decision {spec.name!r} has no meaning for the model "
                       f"(give it one of: {', '.join(MEANINGS)})")
    return out


def undeclared(value: Any, decl: EnumField, pack: Pack, decision: str) -> str:
    """The message for a *value* that input *decl* of *decision* does not declare."""
    return (f"{value!r} is not a value of input {decl.name!r} of decision {decision!r} "
            f"in {where(pack, decision)} (values: {', '.join(decl.values)})")


def _values(r: Reader, path: PathT, values: list[str], decl: Field | None, pack: Pack | None,
            decision: str) -> list[str]:
    out = []
    for i, item in enumerate(values):
        if isinstance(decl, EnumField) and pack is not None and item not in decl.values:
            r.fail((*path, i), "scenario.vocabulary", undeclared(item, decl, pack, decision))
        else:
            out.append(item)
    return out


def _kind(decl: Field) -> str:
    return {"enum": "an enum", "bool": "a bool", "number": "a number", "date": "a date"}[decl.kind]


def _kind_name(kind: type) -> str:
    return {EnumField: "an enum", BoolField: "a bool", NumberField: "a number"}[kind]
