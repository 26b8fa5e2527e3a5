"""What the commands share about their arguments: types that turn text into a value or a usage
error (exit 2), the input an argument names, and how bad input lines are reported."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

from policy import Diagnostic, Location
from policy.atomic import check_output, describe_mode
from policy.errors import FileFormatError, error

SHOWN_PROBLEMS = 20
# A replication takes 0.05–2 s and is stored as its own file: 100,000 is days of CPU and a folder
# of 100,000 files per variant. A larger run is a typo, or work to split into shards (--reps).
MAX_REPLICATIONS = 100_000
# Each worker is a process holding its own policy engine and simulator (~100 MB); past this
# many, start-up and memory grow while speed cannot (use a Dask cluster for more machines).
MAX_JOBS = 256


def date(text: str) -> dt.date:
    """``YYYY-MM-DD``."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def whole(text: str, least: int, most: int | None = None, why: str = "") -> int:
    """A whole number from *least* to *most* (when given; *why* says what the bound is)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text[:40]!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"expected at least {least}, got {value}")
    if most is not None and value > most:
        raise argparse.ArgumentTypeError(f"at most {most:,}{why}, got {text[:40]}")
    return value


def replications(text: str, least: int = 1) -> int:
    """A replication count from *least* to :data:`MAX_REPLICATIONS`."""
    return whole(text, least, MAX_REPLICATIONS, " (the bound on replications per variant: shard a bigger run "
                                                "with --reps)")


def jobs(text: str) -> int:
    """A worker count from 1 to :data:`MAX_JOBS`."""
    return whole(text, 1, MAX_JOBS, " (the bound on worker processes)")


def positive(text: str) -> int:
    """A whole number ≥ 1 (replications, jobs)."""
    return whole(text, 1)


def seed(text: str) -> int:
    """A whole number ≥ 0."""
    return whole(text, 0)


def percent(text: str) -> float:
    """``5`` or ``5%``, between 0 and 100."""
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a percentage: {text!r}") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"a percentage is between 0 and 100, got {text!r}")
    return value


def open_input(path: str, binary: bool = False) -> Any:
    """A context manager giving the text stream *path* names (``-``: standard input), or
    its bytes with *binary*; a path that is missing or not a regular file is one located error
    saying which (a FIFO or device is read through ``-`` instead)."""
    if path == "-":
        return nullcontext(sys.stdin.buffer if binary else sys.stdin)
    try:
        kind = describe_mode(os.stat(path).st_mode)
    except FileNotFoundError:
        raise error(FileFormatError, "file.missing", "no such file", Location(path)) from None
    except OSError as exc:
        raise error(FileFormatError, "file.unreadable", f"cannot read: {exc.strerror}", Location(path)) from None
    if kind:
        raise error(FileFormatError, "file.not-regular", f"is {kind}, not a regular file (use - to read standard "
                    "input)", Location(path))
    if binary:
        return open(path, "rb")  # the caller closes it (with)
    return open(path, encoding="utf-8")  # the caller closes it (with)


def check_output_flag(output: str, flag: str, inputs: Sequence[str] = ()) -> None:
    """Refuse *output* (given as *flag*) when it is not a regular file or it is one of *inputs*
    (the same file by device and inode, so also through a symlink or another name): writing it
    would destroy the input before it is read."""
    try:
        check_output(output)
    except FileFormatError as exc:
        raise error(FileFormatError, exc.diagnostics[0].code, f"{flag} {exc.diagnostics[0].message}",
                    Location(output)) from None
    try:
        out = os.stat(output)
    except OSError:
        return
    for name in inputs:
        if name == "-":
            continue
        try:
            same = os.path.samestat(out, os.stat(name))
        except OSError:
            continue
        if same:
            raise error(FileFormatError, "output.is-input", f"{flag} is the input file {name}; "
                        "writing it would destroy the input", Location(output))


def check_output_folder(folder: str, flag: str) -> None:
    """Refuse *folder* (given as *flag*) when something other than a folder is there."""
    if os.path.lexists(folder) and not os.path.isdir(folder):
        raise error(FileFormatError, "output.not-folder", f"{flag} names a file, not a folder", Location(folder))


def report_bad_lines(problems: Sequence[Diagnostic], done: str, total: int | None = None) -> None:
    """One stderr line per bad input line (the first few), then what was still *done*;
    *total* counts the bad lines when *problems* holds only the first of them."""
    total = len(problems) if total is None else total
    for problem in problems[:SHOWN_PROBLEMS]:
        print(f"policysim: {problem}", file=sys.stderr)
    if total > SHOWN_PROBLEMS:
        print(f"policysim: ... and {total - SHOWN_PROBLEMS} more bad lines", file=sys.stderr)
    if total:
        print(f"policysim: {done}; {total} bad lines were skipped", file=sys.stderr)
