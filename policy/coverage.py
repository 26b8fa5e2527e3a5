"""Rule coverage: which rules decided at least one case, fed :class:`Decision`s from any source.

``policy test`` feeds it test results, ``decide`` a register, the simulator its gate decisions:
one accumulator, so "rule hits" mean the same thing everywhere.
"""

from __future__ import annotations

from collections import Counter

from .engine import Decision
from .ir import Pack, Rule


class RuleCoverage:
    """Counts, per rule, the decisions it decided and the ones it matched without deciding."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.decided: Counter[str] = Counter()
        self.matched: Counter[str] = Counter()
        self.defaults: Counter[str] = Counter()

    def add(self, decision: Decision) -> None:
        if decision.rule is None:
            self.defaults[decision.decision] += 1
        else:
            self.decided[decision.rule] += 1
        for m in decision.matched:
            self.matched[m.rule] += 1

    @property
    def uncovered(self) -> tuple[Rule, ...]:
        """Rules that decided no case, in pack order."""
        return tuple(r for r in self.pack.rules if not self.decided[r.id])

    @property
    def percent(self) -> float:
        """Share of the pack's rules that decided at least one case (100 for an empty pack)."""
        total = len(self.pack.rules)
        return 100.0 if not total else 100.0 * (total - len(self.uncovered)) / total
