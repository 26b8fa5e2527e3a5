"""Deciding every cell of a pack with durable_rules in a child process, so that a crash is a finding.

durable_rules is C code with fixed-size tables; a pack that overflows them can end the process
with a segmentation fault instead of an exception. The cell-by-cell pass of ``policy check``
and the admission proof (``admission.py``) therefore run it in forked children, each deciding
a contiguous run of the cells (two on two cores: durable_rules costs ~0.15 ms a cell) and
sending the answers back over a pipe in chunks (one message per cell cost more than deciding
it). Each child counts the cells it has answered in shared memory; when it dies, or stops
answering for :data:`STALL_S` seconds, the first cell it had not answered is the one that broke it.

The child is made with ``os.fork`` (not ``multiprocessing.Process``) so that it also works
inside a pool worker, which multiprocessing forbids to have children of its own.
"""

from __future__ import annotations

import datetime as dt
import faulthandler
import itertools
import mmap
import os
import signal
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing import Pipe
from multiprocessing.connection import Connection, wait
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
CHUNK = 256  # answers per message: pickling and waking the reader per cell cost ~0.1 ms each
WORKERS = 2  # children at most: the machines it runs on have two cores or more
SPLIT_CELLS = 4_000  # below this many cells one child does it all (a child costs ~50 ms to start)
DONE = "done"  # a child's last message: every cell of its run was sent
Key = tuple[str, int, int]  # decision, period index, cell number (enumeration order)
Answer = dict[str, Any] | str  # what the engine answered, or how it failed


@dataclass(frozen=True)
class Breakdown:
    """The cell on which the engine's process died (or hung), and how."""

    decision: str
    day: dt.date
    facts: dict[str, Any]
    how: str
    answered: int  # cells before it in the schedule, every one of them answered
    key: Key | None = None


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


def _sizes(pack: Pack) -> Iterator[tuple[str, int, int]]:
    """Per decision and period: the decision, the cells of the period, the rules in force."""
    for spec in pack.decisions.values():
        for period in decision_periods(pack, spec.name):
            partition = Partition(spec, period.rules)
            size = 1
            for name in partition.fields:
                size *= len(partition.domain(name))
            yield spec.name, size, len(period.rules)


def work(pack: Pack) -> dict[str, int]:
    """Per decision, how many (cell, rule in force) pairs deciding every cell takes."""
    out = dict.fromkeys(pack.decisions, 0)
    for name, size, rules in _sizes(pack):
        out[name] += size * max(1, rules)
    return out


def cell_count(pack: Pack) -> int:
    """How many cells :func:`schedule` walks, without walking them."""
    return sum(size for _, size, _ in _sizes(pack))


def worker_count(cells: int) -> int:
    """How many children share *cells*: one for a small pack, else one per core up to :data:`WORKERS`."""
    if cells < SPLIT_CELLS:
        return 1
    return max(1, min(WORKERS, len(os.sched_getaffinity(0))))


def ranges(cells: int, workers: int) -> list[tuple[int, int]]:
    """*cells* cut into *workers* contiguous runs (first, past the last) of near-equal length."""
    bounds = [cells * i // workers for i in range(workers + 1)]
    return list(itertools.pairwise(bounds))


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
    """Forked children deciding every cell of *pack* with ``make_engine(pack)``, each a contiguous
    run of the schedule (:func:`ranges`), sending answers in chunks of :data:`CHUNK`; iterate for
    ``(key, answer)`` in schedule order as they arrive (so the caller works meanwhile), after which
    :attr:`breakdown` says whether and where it broke. Checks :func:`within_budget` first.

    Each child counts the cells it has answered in memory shared with this process, so the cell
    it broke on is known exactly, whatever it had not yet sent; iteration stops at the first cell
    whose answer did not arrive."""

    def __init__(self, pack: Pack, make_engine: Any, workers: int | None = None) -> None:
        within_budget(pack)
        self.pack = pack
        self.answered = 0
        self.breakdown: Breakdown | None = None
        self.total = cell_count(pack)
        self._ranges = ranges(self.total, workers or worker_count(self.total))
        self._done = mmap.mmap(-1, 8 * len(self._ranges))  # shared: cells answered, per child
        self._children: list[tuple[int, Connection]] = []
        for number, (start, stop) in enumerate(self._ranges):
            receive, send = Pipe(duplex=False)
            pid = os.fork()
            if pid == 0:  # the child: decide, report, leave without the parent's exit hooks
                code = 0
                try:
                    faulthandler.disable()  # the parent reports a crash, located; no dump of this stack
                    for _, other in self._children:
                        other.close()
                    receive.close()
                    _decide_range(pack, make_engine(pack), (start, stop), send, self._done, number)
                except BaseException:  # reported as the breakdown of its next cell
                    code = 1
                finally:
                    os._exit(code)
            send.close()
            self._children.append((pid, receive))

    def __iter__(self) -> Iterator[tuple[Key, Answer]]:
        arrived: dict[int, list[tuple[Key, Answer]]] = {}  # a chunk, by the number of its first cell
        live = {conn: number for number, (_, conn) in enumerate(self._children)}
        broken: dict[int, str] = {}  # child number -> how it broke ("": see its exit status)
        position, owner = 0, 0
        try:
            while position < self.total:
                chunk = arrived.pop(position, None)
                if chunk is not None:
                    for item in chunk:
                        self.answered += 1
                        yield item
                    position += len(chunk)
                    continue
                while self._ranges[owner][1] <= position:
                    owner += 1
                if owner in broken:
                    break  # the cell at *position* has no answer, and none will come
                self._receive(live, arrived, broken)
        finally:
            for conn, number in live.items():  # children whose cells are no longer needed
                os.kill(self._children[number][0], signal.SIGKILL)
                conn.close()
            statuses = [os.waitpid(pid, 0)[1] for pid, _ in self._children]
        if position < self.total:
            cell = self._ranges[owner][0] + int(struct.unpack_from("q", self._done, 8 * owner)[0])
            self.breakdown = self._locate(cell, broken[owner] or _how(statuses[owner]))

    def _receive(self, live: dict[Connection, int], arrived: dict[int, list[tuple[Key, Answer]]],
                 broken: dict[int, str]) -> None:
        """Take what the live children sent; one that dies, or with every other sends nothing
        for :data:`STALL_S` seconds, is broken (and killed)."""
        ready = wait(list(live), STALL_S)
        if not ready:
            for conn, number in live.items():
                os.kill(self._children[number][0], signal.SIGKILL)
                broken[number] = f"stopped answering for {STALL_S:.0f} s (killed)"
                conn.close()
            live.clear()
            return
        for conn in [c for c in live if c in ready]:
            number = live[conn]
            try:
                message = conn.recv()
            except EOFError:
                message = None
            if isinstance(message, tuple):
                arrived[message[0]] = message[1]
                continue
            if message != DONE:
                broken[number] = ""
            del live[conn]
            conn.close()

    def _locate(self, number: int, how: str) -> Breakdown:
        """The cell numbered *number* in the schedule: the one a child broke on."""
        for key, spec, day, cell in itertools.islice(schedule(self.pack), number, None):
            return Breakdown(spec.name, day, cell.facts, how, number, key)
        return Breakdown(next(iter(self.pack.decisions)), dt.date(2020, 1, 1), {}, how, number)


def run_isolated(pack: Pack, make_engine: Any) -> EngineRun:
    """Every cell's answer from an :class:`Isolated` child, once it is done."""
    child = Isolated(pack, make_engine)
    answers = dict(child)
    return EngineRun(answers, child.breakdown)


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"crashed with signal {os.WTERMSIG(status)} ({_signal_name(os.WTERMSIG(status))})"
    return f"exited with status {os.WEXITSTATUS(status)}"


def _decide_range(pack: Pack, engine: Engine, cells: tuple[int, int], send: Connection,
                  done: mmap.mmap, number: int) -> None:
    """Decide the schedule's cells *cells* (first, past the last), counting each in *done* as it
    is answered and sending the answers in chunks; a failure is sent at once."""
    first, stop = cells
    chunk: list[tuple[Key, Answer]] = []
    for index, (key, spec, day, cell) in enumerate(itertools.islice(schedule(pack), first, stop), first):
        try:
            given: Answer = answer(engine.decide_facts(spec.name, cell.facts, day))
        except Exception as exc:  # any failure of the engine on a valid cell is reported
            given = f"{type(exc).__name__}: {exc}"
        chunk.append((key, given))
        struct.pack_into("q", done, 8 * number, index + 1 - first)
        if len(chunk) == CHUNK or isinstance(given, str):
            send.send((index + 1 - len(chunk), chunk))
            chunk = []
    if chunk:
        send.send((stop - len(chunk), chunk))
    send.send(DONE)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return "unknown signal"
