"""Deciding: the :class:`Engine` interface, the :class:`Decision` it returns, and hit policies.

An engine's one job is to find which rules in force match a record; turning the matching
rules into a decision (hit policy, default, why each loser lost) is done here, once, for
every engine.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import Location, RecordError, error
from .fields import RecordSchema
from .ir import DecisionSpec, Pack, Reason, Rule


@dataclass(frozen=True)
class Match:
    """A rule that matched, its outcome, and what became of it (``decided``, or why it lost)."""

    rule: str
    outcome: str
    priority: int
    status: str


@dataclass(frozen=True)
class Decision:
    """The result of deciding one record."""

    decision: str
    outcome: str | None
    rule: str | None
    matched: tuple[Match, ...]
    obligations: tuple[str, ...]
    reason: Reason | None
    policy: str
    at: dt.date

    @property
    def decided_by_default(self) -> bool:
        return self.rule is None and self.outcome is not None

    def to_json(self) -> dict[str, Any]:
        """The decision as the ``decide`` command writes it."""
        return {
            "decision": self.decision, "outcome": self.outcome, "rule": self.rule,
            "reason": None if self.reason is None else {"zh": self.reason.zh, "en": self.reason.en},
            "obligations": list(self.obligations),
            "also_matched": [{"rule": m.rule, "outcome": m.outcome, "why": m.status}
                             for m in self.matched if m.rule != self.rule],
            "policy": self.policy, "at": self.at.isoformat(),
        }


def resolve(spec: DecisionSpec, matching: Sequence[Rule], policy: str, at: dt.date) -> Decision:
    """Apply *spec*'s hit policy to the *matching* rules (any order) and build the decision."""
    if spec.hit_policy == "first":
        ordered = sorted(matching, key=lambda r: r.order)
    else:
        ordered = sorted(matching, key=lambda r: (-r.priority, r.order))
    if not ordered:
        reason = None if spec.default is None else Reason(
            f"无适用规则，按默认结果：{spec.default}", f"No rule applies; the default decides: {spec.default}")
        return Decision(spec.name, spec.default, None, (), (), reason, policy, at)
    winner = ordered[0]
    matched = tuple(Match(r.id, r.then, r.priority, _status(spec, winner, r)) for r in ordered)
    if spec.hit_policy == "collect":
        obligations = tuple(dict.fromkeys(o for r in ordered for o in r.obligations))
    else:
        obligations = winner.obligations
    return Decision(spec.name, winner.then, winner.id, matched, obligations, winner.reason, policy, at)


def _status(spec: DecisionSpec, winner: Rule, rule: Rule) -> str:
    if rule is winner:
        return "decided"
    if spec.hit_policy == "collect":
        return "contributed"
    if spec.hit_policy == "first":
        return "later in pack order"
    if rule.priority < winner.priority:
        return f"lower priority ({rule.priority} < {winner.priority})"
    clash = "; conflicting outcome" if rule.then != winner.then else ""
    return f"same priority, later in pack order{clash}"


class Engine(ABC):
    """Decides records of a pack's decisions. Subclasses only find the matching rules."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self._schemas = {name: RecordSchema(spec) for name, spec in pack.decisions.items()}

    def spec(self, decision: str) -> DecisionSpec:
        """The declaration of *decision*; a located error when the pack has no such decision."""
        try:
            return self.pack.decisions[decision]
        except KeyError:
            raise error(RecordError, "decision.unknown",
                        f"no decision {decision!r} in {self.pack.label} "
                        f"(decisions: {', '.join(self.pack.decisions)})",
                        Location(self.pack.root)) from None

    def validate(self, decision: str, record: Any, where: Location | None = None) -> dict[str, Any]:
        """Check *record* against *decision*'s inputs and return its facts."""
        self.spec(decision)
        return self._schemas[decision].validate(record, where or Location("<record>"))

    def decide(self, decision: str, record: Mapping[str, Any], at: dt.date | None = None) -> Decision:
        """Decide *record* with the rules of *decision* in force on *at* (today by default)."""
        facts = self.validate(decision, record)
        return self.decide_facts(decision, facts, at or dt.date.today())

    @abstractmethod
    def decide_facts(self, decision: str, facts: Mapping[str, Any], at: dt.date) -> Decision:
        """Decide already-validated *facts*."""
