"""Deciding every cell of a pack with durable_rules in a child process, so that a crash is a finding.

durable_rules is C code with fixed-size tables; a pack that overflows them can end the process
with a segmentation fault instead of an exception. The cell-by-cell pass of ``policy check``
and the admission proof (``admission.py``) therefore run it in a forked child that sends each
cell's answer back over a pipe as it goes. When the child dies, or stops answering for
:data:`STALL_S` seconds, the first cell without an answer is the one that broke it.

The child is made with ``os.fork`` (not ``multiprocessing.Process``) so that it also works
inside a pool worker, which multiprocessing forbids to have children of its own.
"""

from __future__ import annotations

import datetime as dt
import faulthandler
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from typing import Any

from ..engine import Engine
from ..errors import Diagnostic, PackError
from ..ir import DecisionSpec, Pack
from ..partition import Partition
from .agreement import answer
from .space import Cell, cells, decision_periods, period_day

# ~1-9 µs per rule per cell in the reference, and durable_rules posts each cell to every shard:
# this many (cell, rule in force) pairs is about 10 s of `policy check` on a 2-core machine
MAX_WORK = 4_000_000
STALL_S = 60.0  # a child that answers no cell for this long is taken as hung, and killed
Key = tuple[str, int, int]  # decision, period index, cell number (enumeration order)
Answer = dict[str, Any] | str  # what the engine answered, or how it failed


@dataclass(frozen=True)
class Breakdown:
    """The cell on which the engine's process died (or hung), and how."""

    decision: str
    day: dt.date
    facts: dict[str, Any]
    how: str
    answered: int


@dataclass(frozen=True)
class EngineRun:
    """Every cell's answer, in order, up to the *breakdown* (``None`` when every cell was decided)."""

    answers: dict[Key, Answer]
    breakdown: Breakdown | None

    @property
    def failures(self) -> list[tuple[Key, str]]:
        """The cells the engine answered with an error, in order."""
        return [(k, a) for k, a in self.answers.items() if isinstance(a, str)]


def schedule(pack: Pack) -> Iterator[tuple[Key, DecisionSpec, dt.date, Cell]]:
    """Every cell of every period of every decision, in the order both processes walk them."""
    for spec in pack.decisions.values():
        for period in decision_periods(pack, spec.name):
            day = period_day(period)
            for number, cell in enumerate(cells(spec, period.rules)):
                yield (spec.name, period.index, number), spec, day, cell


def work(pack: Pack) -> dict[str, int]:
    """Per decision, how many (cell, rule in force) pairs deciding every cell takes."""
    out: dict[str, int] = {}
    for spec in pack.decisions.values():
        total = 0
        for period in decision_periods(pack, spec.name):
            partition = Partition(spec, period.rules)
            size = 1
            for name in partition.fields:
                size *= len(partition.domain(name))
            total += size * max(1, len(period.rules))
        out[spec.name] = total
    return out


def within_budget(pack: Pack) -> None:
    """Raise a located :class:`PackError` before any work when deciding every cell of *pack*
    would take more than :data:`MAX_WORK` (cell, rule) pairs."""
    sizes = work(pack)
    total = sum(sizes.values())
    if total <= MAX_WORK:
        return
    name = max(sizes, key=lambda n: sizes[n])
    raise PackError([Diagnostic(
        "pack.too-large-to-prove",
        f"deciding every input cell takes {total:,} (cell, rule) pairs ({name}: {sizes[name]:,}), more than "
        f"the {MAX_WORK:,} the engine proof does within its time budget; use fewer distinct thresholds "
        f"or split the decision", pack.decisions[name].location)])


class Isolated:
    """A forked child deciding every cell of *pack* with ``make_engine(pack)``; iterate over it
    for ``(key, answer)`` as the child sends them (so the caller works meanwhile), after which
    :attr:`breakdown` says whether and where it broke. Checks :func:`within_budget` first."""

    def __init__(self, pack: Pack, make_engine: Any) -> None:
        within_budget(pack)
        self.pack = pack
        self.answered = 0
        self.breakdown: Breakdown | None = None
        self._receive, send = Pipe(duplex=False)
        self._pid = os.fork()
        if self._pid == 0:  # the child: decide, report, leave without the parent's exit hooks
            code = 0
            try:
                faulthandler.disable()  # the parent reports a crash, located; no dump of this stack
                self._receive.close()
                _decide_all(pack, make_engine(pack), send)
            except BaseException:  # reported as the breakdown of the next cell
                code = 1
            finally:
                os._exit(code)
        send.close()

    def __iter__(self) -> Iterator[tuple[Key, Answer]]:
        finished, how = False, ""
        try:
            while True:
                if not self._receive.poll(STALL_S):
                    how = f"stopped answering for {STALL_S:.0f} s (killed)"
                    os.kill(self._pid, signal.SIGKILL)
                    break
                try:
                    message = self._receive.recv()
                except EOFError:
                    break
                if message is None:
                    finished = True
                    break
                self.answered += 1
                yield message
        finally:
            self._receive.close()
            _, status = os.waitpid(self._pid, 0)
        if not finished:
            self.breakdown = self._locate(how or _how(status))

    def _locate(self, how: str) -> Breakdown:
        """The first cell the child did not answer: the one it broke on."""
        for number, (_, spec, day, cell) in enumerate(schedule(self.pack)):
            if number == self.answered:
                return Breakdown(spec.name, day, cell.facts, how, self.answered)
        return Breakdown(next(iter(self.pack.decisions)), dt.date(2020, 1, 1), {}, how, self.answered)


def run_isolated(pack: Pack, make_engine: Any) -> EngineRun:
    """Every cell's answer from an :class:`Isolated` child, once it is done."""
    child = Isolated(pack, make_engine)
    answers = dict(child)
    return EngineRun(answers, child.breakdown)


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"crashed with signal {os.WTERMSIG(status)} ({_signal_name(os.WTERMSIG(status))})"
    return f"exited with status {os.WEXITSTATUS(status)}"


def _decide_all(pack: Pack, engine: Engine, send: Connection) -> None:
    for key, spec, day, cell in schedule(pack):
        try:
            given: Answer = answer(engine.decide_facts(spec.name, cell.facts, day))
        except Exception as exc:  # any failure of the engine on a valid cell is reported
            given = f"{type(exc).__name__}: {exc}"
        send.send((key, given))
    send.send(None)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return "unknown signal"
