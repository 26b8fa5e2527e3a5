"""Output files written whole or not at all: a failed run leaves no half-written file.

Only a regular file is ever written (or created): a device, FIFO, socket or folder at the target,
or a target under ``/proc`` or ``/sys``, is refused before anything is written, so an output flag
can never replace ``/dev/full`` or write into the kernel's files. Problems are one located line.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .errors import FileFormatError, Location, error

KERNEL_FOLDERS = ("/proc", "/sys")  # pseudo-files: writing there changes the system, not a file


def describe_mode(mode: int) -> str:
    """What a non-regular file is ("a folder", "a device", ...), or "" for a regular file."""
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_output(path: str | Path) -> None:
    """Refuse (one located :class:`FileFormatError`) an output *path* that is not, or would not be,
    a regular file of its own: an existing non-regular file, or anything under /proc or /sys."""
    where = Location(str(path))
    resolved = os.path.realpath(path)
    if any(resolved == k or resolved.startswith(k + "/") for k in KERNEL_FOLDERS):
        raise error(FileFormatError, "output.not-regular",
                    "is under /proc or /sys; outputs are written only to regular files", where)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise error(FileFormatError, "output.unwritable", f"cannot write here: {exc.strerror}", where) from None
    kind = describe_mode(mode)
    if kind:
        raise error(FileFormatError, "output.not-regular",
                    f"is {kind}; outputs are written only to regular files", where)


@contextlib.contextmanager
def atomic_writer(path: str | Path, binary: bool = False) -> Iterator[IO[Any]]:
    """Write *path* (UTF-8 text, or bytes with *binary*) through a temporary file renamed into
    place only when the block succeeds: a failed run leaves no half-written output."""
    target = Path(path)
    check_output(target)
    where = Location(str(path))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise error(FileFormatError, "output.unwritable",
                    f"cannot write here: {target.parent} is a file, not a folder", where) from None
    except OSError as exc:
        raise error(FileFormatError, "output.unwritable",
                    f"cannot create its folder: {exc.strerror}", where) from None
    try:
        fd, tmp = _create_beside(target)
    except OSError as exc:
        raise error(FileFormatError, "output.unwritable", f"cannot write here: {exc.strerror}", where) from None
    try:
        opened = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        with opened as out:
            yield out
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _create_beside(target: Path) -> tuple[int, Path]:
    """A new, exclusively created file next to *target*, with mode 0666 less the process umask
    (applied by the kernel, so the umask is never read or changed)."""
    while True:
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue
