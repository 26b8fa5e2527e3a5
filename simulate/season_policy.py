"""How the season asks the pack its two other decisions, and what each answer means to it.

A returner asks ``return_deferral`` on the day they mean to come back, and every returner at
home has their status decided by ``quarantine_status`` every day. The model works out a few
things itself (:data:`MODEL_INPUTS`: origin, necessity, days since return, fever, symptoms);
the scenario's ``return_policy`` and ``quarantine_policy`` name the pack's input for each and
give each outcome a meaning the model acts on. Checked against the pack when the scenario
loads, like ``gate_policy``: a name or value the pack does not declare is a located error.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policy import BoolField, EnumField, NumberField, Pack

from .scenario_reader import PathT, Reader

if TYPE_CHECKING:
    from .scenario_format import SeasonPolicyDoc

# What the model works out about a returner, and the kind of input each must map to.
MODEL_INPUTS = ("origin", "necessity", "days_since_return", "fever", "symptoms")
KINDS: dict[str, type] = {"origin": EnumField, "necessity": EnumField, "days_since_return": NumberField,
                          "fever": BoolField, "symptoms": BoolField}
# What return_deferral's answer means: comes back today, is advised to wait, may not come.
PERMITTED, ADVISED, BARRED = "permitted", "advised", "barred"
RETURN_MEANINGS = (PERMITTED, ADVISED, BARRED)
# What quarantine_status's answer means: no measure, observed at home, observed in a
# centralized facility, referred to medical care.
FREE, HOME, CENTRALIZED, REFERRED = "free", "home_observation", "centralized", "referred"
STATUS_MEANINGS = (FREE, HOME, CENTRALIZED, REFERRED)
# Which model inputs each decision needs.
NEEDS = {"return_policy": ("origin", "necessity"),
         "quarantine_policy": ("origin", "days_since_return", "fever", "symptoms")}


@dataclass(frozen=True)
class SeasonPolicy:
    """The scenario's mapping between the model's words and one of the season's decisions.

    *inputs* maps model inputs to the pack's field names; *outcomes* each outcome to its
    meaning; *at_gate* (quarantine only) each outcome to the gate decision's quarantine value
    a person under it carries through a gate; *default* stands for no answer; *fields* are
    the decision's input names.
    """

    decision: str
    inputs: Mapping[str, str]
    outcomes: Mapping[str, str]
    at_gate: Mapping[str, str]
    default: str
    fields: frozenset[str] = frozenset()      # the decision's inputs (drawn attributes outside it are not sent)

    def facts(self, known: Mapping[str, Any], attributes: Mapping[str, Any]) -> dict[str, Any]:
        """The record the pack decides: the model's *known* inputs under the pack's names,
        and the person's drawn *attributes* (already named as the pack names them)."""
        fields = self.fields
        record = {name: value for name, value in attributes.items() if name in fields}
        for attribute, name in self.inputs.items():
            record[name] = known[attribute]
        return record

    def meaning(self, outcome: str | None) -> str:
        return self.outcomes[self.default if outcome is None else outcome]


def read_season_policy(r: Reader, section: str, doc: SeasonPolicyDoc | None, pack: Pack | None,
                       gate_quarantine: EnumField | None) -> SeasonPolicy | None:
    """Check the scenario's *section* (``return_policy`` or ``quarantine_policy``) against *pack*."""
    path: PathT = (section,)
    if doc is None:
        r.fail(path, "scenario.missing", f"returners need {section}: (docs/scenarios.md)")
        return None
    meanings = RETURN_MEANINGS if section == "return_policy" else STATUS_MEANINGS
    spec = pack.decisions.get(doc.decision) if pack is not None else None
    if pack is not None and spec is None:
        r.fail((*path, "decision"), "scenario.vocabulary",
               f"pack {pack.label} has no decision {doc.decision!r} (decisions: {', '.join(pack.decisions)})")
    for attribute in NEEDS[section]:
        if attribute not in doc.inputs:
            r.fail((*path, "inputs"), "scenario.missing", f"name the pack's input for the model's {attribute}")
    for attribute, name in doc.inputs.items():
        if spec is None:
            continue
        decl = spec.inputs.get(name)
        if decl is None:
            r.fail((*path, "inputs", attribute), "scenario.vocabulary",
                   f"decision {spec.name!r} has no input {name!r} (inputs: {', '.join(spec.inputs)})")
        elif not isinstance(decl, KINDS[attribute]):
            r.fail((*path, "inputs", attribute), "scenario.vocabulary",
                   f"input {name!r} is a {decl.kind}; the model's {attribute} needs a {KINDS[attribute].__name__}")
    for outcome, meaning in doc.outcomes.items():
        if spec is not None and outcome not in spec.outcomes:
            r.fail((*path, "outcomes", outcome), "scenario.vocabulary",
                   f"{outcome!r} is not an outcome of decision {spec.name!r} (outcomes: {', '.join(spec.outcomes)})")
        if meaning not in meanings:
            r.fail((*path, "outcomes", outcome), "scenario.choice", f"{meaning!r} is not one of: {', '.join(meanings)}")
    for outcome in spec.outcomes if spec is not None else ():
        if outcome not in doc.outcomes:
            r.fail((*path, "outcomes"), "scenario.vocabulary",
                   f"outcome {outcome!r} of decision {doc.decision!r} has no meaning (one of: {', '.join(meanings)})")
    if spec is not None and spec.default is None:
        r.fail((*path, "decision"), "scenario.vocabulary",
               f"decision {spec.name!r} has no default: the season needs an answer for every returner")
    if section == "quarantine_policy":
        for outcome in doc.outcomes:
            value = doc.at_gate.get(outcome)
            if value is None:
                r.fail((*path, "at_gate"), "scenario.missing", f"say which gate quarantine value {outcome!r} carries")
            elif gate_quarantine is not None and value not in gate_quarantine.values:
                r.fail((*path, "at_gate", outcome), "scenario.vocabulary",
                       f"{value!r} is not one of: {', '.join(gate_quarantine.values)}")
    default = spec.default if spec is not None and spec.default is not None else next(iter(doc.outcomes), "")
    return SeasonPolicy(doc.decision, dict(doc.inputs), dict(doc.outcomes), dict(doc.at_gate), default,
                        frozenset(spec.inputs) if spec is not None else frozenset(doc.inputs.values()))


def next_change(days: tuple[dt.date, ...], after: dt.date) -> dt.date | None:
    """The first of *days* later than *after* (``None``: the rules never change again)."""
    return next((d for d in days if d > after), None)


def period_of(days: tuple[dt.date, ...] | None, day: dt.date) -> int | dt.date:
    """What an answer depends on of *day* when rules change only on *days* (sorted): the number
    of the period between changes it falls in (any day of a period decides alike), or *day*
    itself where the days are unknown (``None``)."""
    return day if days is None else bisect_right(days, day)
