"""The durable_rules engine of record: the only module that imports ``durable``.

durable_rules keeps a process-global registry of rulesets that can neither be replaced nor
unloaded, and starts timer threads per host. This module owns both: one thread-less host per
process, and rulesets named by their content digest, so two versions of a pack — or two
engines over the same pack — sit side by side and share what is identical.

Deciding asserts the record as a fact under one fixed session and retracts it: durable fires
every matching rule in ``pri`` order (the hit policy's order, see ``compile.py``), each rule's
own action noting its id. Records that fall in the same cell of the input partition
(``partition.py``) satisfy the same conditions, so each cell is posted once and its decision
reused; ``cache=False`` posts every record (the tests prove the two equal).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import replace
from typing import Any

from durable import engine as durable_engine

from . import compile as compile_
from .compile import GUARD_FIELD, CompiledRuleset, compile_rules, definition, literal, may_match, shards
from .engine import Decision, Engine, resolve
from .errors import Diagnostic, Location, PackError
from .ir import Pack, Rule
from .partition import Partition, json_safe, period_index, periods

_SESSION = "policysim"


class _QuietHost(durable_engine.Host):  # type: ignore[misc]  # durable_rules has no type hints
    """A host without the two polling timer threads (they race actions and burn CPU)."""

    def _run(self) -> None:
        pass


class _Registry:
    """This process's host and the rulesets registered in it, by content digest."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = -1
        self._host: _QuietHost | None = None
        self._fired: dict[str, list[str]] = {}
        self._shards: dict[tuple[str, int, int], tuple[CompiledRuleset, ...]] = {}

    def _shards_of(self, ruleset: CompiledRuleset) -> tuple[CompiledRuleset, ...]:
        key = (ruleset.digest, compile_.SHARD_RULES, compile_.SHARD_WIDTH)  # bounds: tests vary them
        found = self._shards.get(key)
        if found is None:
            found = self._shards[key] = shards(ruleset)
        return found

    def _ensure_host(self) -> _QuietHost:
        if self._host is None or self._pid != os.getpid():
            self._host, self._pid, self._fired = _QuietHost(), os.getpid(), {}
        return self._host

    def _register(self, ruleset: CompiledRuleset) -> str:
        """Register *ruleset* in this process's host unless identical content already is."""
        name = f"{ruleset.decision}#{ruleset.digest}"
        host = self._ensure_host()
        if name in self._fired:
            return name
        fired: list[str] = []

        def action_for(rule_id: str) -> Callable[[Any], None]:
            def act(c: Any) -> None:
                fired.append(rule_id)
            return act

        try:
            host.register_rulesets({name: definition(ruleset, action_for)})
        except Exception as exc:  # durable reports bad rulesets as bare exceptions
            raise PackError([Diagnostic("engine.register", f"durable_rules refused {ruleset.decision}: {exc}",
                                        Location("<engine>", path=ruleset.decision))]) from None
        self._fired[name] = fired
        return name

    def register(self, ruleset: CompiledRuleset) -> None:
        """Register every shard of *ruleset* now (to surface engine errors early)."""
        with self._lock:
            for shard in self._shards_of(ruleset):
                self._register(shard)

    def match(self, ruleset: CompiledRuleset, fact: dict[str, Any]) -> list[str]:
        """Ids of the rules of *ruleset* that fire for *fact*, in firing order: the fact is
        asserted in each shard (``compile.shards``) where a rule may match it (``may_match``:
        not when every rule needs an enum value the fact lacks), and the shards' ranks follow
        one another. Registers
        the shards first if this process has not (a forked worker starts with a fresh host)."""
        out: list[str] = []
        with self._lock:
            host = self._ensure_host()
            fact = {"sid": _SESSION, GUARD_FIELD: 1, **fact}
            for shard in self._shards_of(ruleset):
                if not may_match(shard, fact):
                    continue
                name = self._register(shard)
                fired = self._fired[name]
                fired.clear()
                try:
                    host.assert_fact(name, fact)
                except durable_engine.MessageNotHandledException:
                    continue
                host.retract_fact(name, fact)
                out.extend(fired)
        # durable expands `$or` into alternatives, and a fact satisfying two of them
        # fires the rule's action once per alternative
        return list(dict.fromkeys(out))


REGISTRY = _Registry()


class DurableEngine(Engine):
    """Decides with durable_rules; each cell of the input partition is posted once."""

    def __init__(self, pack: Pack, cache: bool = True, admit: bool = True) -> None:
        """*admit*: first prove, in a child process, that durable_rules decides every cell of
        *pack* without error (``analysis/admission.py``; remembered per pack content), and
        raise a located :class:`PackError` if not, so that a crash never reaches this process."""
        if admit:
            from .analysis.admission import admit as prove
            prove(pack)
        super().__init__(pack)
        self.cache = cache
        self.posts = 0
        self._periods = {name: periods(pack, name) for name in pack.decisions}
        self._change_dates = {name: pack.change_dates(name) for name in pack.decisions}
        self._partitions = {(name, p.index): Partition(pack.decisions[name], p.rules)
                            for name, ps in self._periods.items() for p in ps}
        self._compiled: dict[tuple[str, int], CompiledRuleset] = {}
        self._rules = {r.id: r for r in pack.rules}
        self._decisions: dict[tuple[str, int, tuple[Hashable, ...]], Decision] = {}

    def compile_all(self) -> None:
        """Register every period's ruleset now (``check`` uses this to surface engine errors)."""
        for name, ps in self._periods.items():
            for p in ps:
                REGISTRY.register(self._ruleset(name, p.index))

    def _ruleset(self, decision: str, index: int) -> CompiledRuleset:
        key = (decision, index)
        compiled = self._compiled.get(key)
        if compiled is None:
            spec = self.pack.decisions[decision]
            compiled = self._compiled[key] = compile_rules(spec, self._periods[decision][index].rules)
        return compiled

    def decide_facts(self, decision: str, facts: Mapping[str, Any], at: dt.date) -> Decision:
        spec = self.spec(decision)
        index = period_index(self._change_dates[decision], at)
        partition = self._partitions[(decision, index)]
        cell = partition.cell(facts)
        if self.cache:
            key = (decision, index, cell)
            found = self._decisions.get(key)
            if found is not None:
                return found if found.at == at else replace(found, at=at)
        fired = REGISTRY.match(self._ruleset(decision, index), self._encode(partition, cell, facts))
        self.posts += 1
        matching: list[Rule] = [self._rules[rule_id] for rule_id in fired]
        decided = resolve(spec, matching, self.pack.label, at)
        if decided.rule is not None and decided.rule != fired[0]:
            raise AssertionError(f"durable fired {fired[0]} first but {decided.rule} decides")
        if self.cache:
            self._decisions[key] = decided
        return decided

    @staticmethod
    def _encode(partition: Partition, cell: tuple[Hashable, ...], facts: Mapping[str, Any]) -> dict[str, Any]:
        """The fact durable sees: dates as ordinals; a float JSON would write as ``1e-05``
        is replaced by a value of the same cell."""
        fact = {}
        for name, value in facts.items():
            if isinstance(value, float) and not json_safe(value):
                if name not in partition.fields:
                    continue  # no rule in force reads it
                value = partition.representative(name, cell[partition.fields.index(name)])  # type: ignore[arg-type]
            fact[name] = literal(value)
        return fact

    @property
    def cells_decided(self) -> int:
        return len(self._decisions)

