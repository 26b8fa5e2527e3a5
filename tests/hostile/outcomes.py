"""Run one policysim command on hostile input and say what kind of outcome it was.

A hostile case (:class:`Case`) is a command line, the files it needs in a fresh temporary
directory, and what a correct answer looks like. :func:`run` executes it — as a real
subprocess (``python -m cli.main``) or, for speed over hundreds of cases, in a forked copy of
an interpreter that has already imported policysim (same isolation from crashes and hangs,
without paying ~1.5 s of imports per case) — and :func:`classify` sorts the result into one
of the :class:`Outcome` kinds that issue 10 counts.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import os
import pickle
import re
import signal
import stat
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Longest a single case may run before it counts as a hang: the issue's "never over 30 s"
# minus some slack for a machine shared by several engineers would hide nothing real.
TIMEOUT_S = 30.0
# Largest file the snapshot hashes; bigger kept files are compared by size and mtime only.
HASHED_BYTES = 64 * 1024 * 1024
# Output kept from a command (stdout/stderr are files, so this bounds only what is read back).
KEPT_OUTPUT = 256 * 1024


# argparse's answer to a command-line mistake: the usage, then one line naming the flag.
USAGE_ERROR = re.compile(r"^policysim[\w -]*: error: ")


class Outcome(enum.Enum):
    """What happened, worst first (a run that is both a crash and data lost counts as a crash)."""

    HANG = "hang"
    CRASH = "crash"
    TRACEBACK = "traceback"
    DATA_LOST = "data lost"
    SILENTLY_WRONG = "silently wrong"
    BAD_MESSAGE = "bad message"  # exit 2 but not ONE `policysim: ` line, a wrong exit status, a leak
    CLEAN = "clean"


class Expect(enum.Enum):
    """What a correct program does with the case."""

    REJECT = "reject"   # exit 2 with one line: accepting it is silently wrong
    EITHER = "either"   # exit 0 or a clean refusal
    ACCEPT = "accept"   # exit 0 (or 1 where the command allows it)


# A check's answer starting with this is about the message (a leak, a wrong name), not the result.
MESSAGE_FAULT = "message: "

Prepare = Callable[[Path], None]
# A case-specific check of a finished run: None when right, else what is wrong.
Check = Callable[["Result"], "str | None"]


@dataclass(frozen=True)
class Case:
    """One hostile input. Paths in ``argv``, ``files``, ``keep`` are relative to the run's cwd."""

    name: str
    argv: tuple[str, ...]
    files: Mapping[str, bytes] = field(default_factory=dict)
    prepare: Prepare | None = None           # symlinks, FIFOs, huge files … after ``files``
    before: tuple[tuple[str, ...], ...] = ()  # commands run first (outcome ignored), e.g. a stored run
    after_before: Prepare | None = None      # runs after ``before`` (e.g. edit a stored replication)
    stdin: str | None = None                 # a file in the cwd fed as standard input
    expect: Expect = Expect.EITHER
    findings_exit: bool = False              # exit 1 is in this command's contract (findings, failures)
    line_per_record: bool = False            # exit 2 may give one `policysim:` line per bad record
    # (`policy check` lists every problem of a pack, one located line each, as a linter does)
    keep: tuple[str, ...] = ()               # must never change (inputs)
    keep_on_failure: tuple[str, ...] = ()    # must not change when the command fails (old outputs)
    check: Check | None = None
    timeout: float = TIMEOUT_S
    issue: str = ""                          # the line of issue 10 this case comes from, if any


@dataclass(frozen=True)
class Result:
    case: Case
    cwd: Path
    returncode: int | None      # None: killed at the timeout
    signal: int | None
    stdout: str
    stderr: str
    seconds: float
    before: Mapping[str, object]
    after: Mapping[str, object]


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    detail: str


# --- preparing a working directory and looking at it --------------------------------------------


def _fingerprint(path: Path) -> object:
    """What a kept path is: kind and content, enough to see a change, never its bytes."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return None
    mode = st.st_mode
    if stat.S_ISLNK(mode):
        return ("symlink", os.readlink(path))
    if stat.S_ISDIR(mode):
        return ("dir", {p.name: _fingerprint(p) for p in sorted(path.iterdir())})
    if stat.S_ISREG(mode):
        if st.st_size > HASHED_BYTES:
            return ("file", st.st_size, st.st_mtime_ns)
        return ("file", hashlib.sha256(path.read_bytes()).hexdigest())
    if stat.S_ISFIFO(mode):
        return ("fifo",)
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return ("device", st.st_rdev)
    return ("other", stat.S_IFMT(mode))


def snapshot(cwd: Path, case: Case) -> dict[str, object]:
    return {p: _fingerprint(cwd / p) for p in (*case.keep, *case.keep_on_failure)}


def _write_files(cwd: Path, case: Case) -> None:
    for rel, data in case.files.items():
        target = cwd / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    if case.prepare is not None:
        case.prepare(cwd)


# --- running -------------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    env.setdefault("COLUMNS", "120")
    return env


def _read(path: Path) -> str:
    with open(path, "rb") as f:
        return f.read(KEPT_OUTPUT).decode("utf-8", "replace")


def run_subprocess(case: Case, cwd: Path) -> Result:
    """Run *case* as ``python -m cli.main`` in *cwd* (which it fills first)."""
    _write_files(cwd, case)
    for argv in case.before:
        subprocess.run([sys.executable, "-m", "cli.main", *argv], cwd=cwd, env=_env(),
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=300, check=False)
    if case.after_before is not None:
        case.after_before(cwd)
    before = snapshot(cwd, case)
    out, err = cwd.parent / "stdout", cwd.parent / "stderr"
    stdin = open(cwd / case.stdin, "rb") if case.stdin else subprocess.DEVNULL
    start = time.monotonic()
    with open(out, "wb") as o, open(err, "wb") as e:
        proc = subprocess.Popen([sys.executable, "-m", "cli.main", *case.argv], cwd=cwd, env=_env(),
                                stdin=stdin, stdout=o, stderr=e, start_new_session=True)
        try:
            rc: int | None = proc.wait(timeout=case.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            rc = None
    if stdin is not subprocess.DEVNULL:
        stdin.close()
    seconds = time.monotonic() - start
    sig = -rc if rc is not None and rc < 0 else None
    return Result(case, cwd, rc, sig, _read(out), _read(err), seconds, before, snapshot(cwd, case))


def _child(case: Case, cwd: Path, meta: Path) -> None:
    """In a forked child: prepare *cwd*, run the command in-process, exit with its status."""
    os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    rc = 1
    try:
        from cli.main import main  # already imported by the parent: free

        os.chdir(cwd)
        _write_files(cwd, case)
        devnull = os.open(os.devnull, os.O_RDWR)
        saved = os.dup(1), os.dup(2)
        for argv in case.before:
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            with contextlib.suppress(BaseException):
                main(list(argv))
            sys.stdout.flush()
            sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        if case.after_before is not None:
            case.after_before(cwd)
        (meta / "before.pickle").write_bytes(pickle.dumps(snapshot(cwd, case)))
        os.dup2(os.open(cwd / case.stdin if case.stdin else os.devnull, os.O_RDONLY), 0)
        os.dup2(os.open(meta / "stdout", os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 1)
        os.dup2(os.open(meta / "stderr", os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
        sys.stdin = open(0, encoding="utf-8", closefd=False)
        try:
            code = main(list(case.argv))
            rc = int(code) if code is not None else 0
        except SystemExit as exc:  # what the interpreter would do with it
            if exc.code is None or isinstance(exc.code, int):
                rc = exc.code or 0
            else:
                print(exc.code, file=sys.stderr)
                rc = 1
        except BaseException:
            traceback.print_exc()
            rc = 1
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(rc & 0xFF)


def _preload() -> None:
    """Import every policysim module (the commands import theirs lazily) once, before forking."""
    import importlib
    import pkgutil

    for name in ("policy", "simulate", "reports", "cli"):
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, f"{name}."):
            with contextlib.suppress(Exception):
                importlib.import_module(info.name)


class ForkRunner:
    """Runs cases in forked children of this (policysim-importing) process, *jobs* at a time.

    The parent stays single-threaded (fork and threads do not mix): it starts children, polls
    them, kills those past their timeout with their whole process group.
    """

    def __init__(self, jobs: int = 2, root: Path | None = None) -> None:
        _preload()
        self.jobs = jobs
        self.root = Path(tempfile.mkdtemp(prefix="hostile-", dir=root))

    def run_all(self, cases: list[Case], on_result: Callable[[Result], None]) -> None:
        pending = list(enumerate(cases))
        running: dict[int, tuple[Case, Path, Path, float]] = {}
        try:
            self._loop(pending, running, on_result)
        finally:  # interrupted: leave no child behind
            for pid in running:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)

    def _loop(self, pending: list[tuple[int, Case]], running: dict[int, tuple[Case, Path, Path, float]],
              on_result: Callable[[Result], None]) -> None:
        while pending or running:
            while pending and len(running) < self.jobs:
                index, case = pending.pop(0)
                meta = self.root / f"{index:04d}"
                cwd = meta / "cwd"
                cwd.mkdir(parents=True)
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    _child(case, cwd, meta)
                running[pid] = (case, cwd, meta, time.monotonic())
            time.sleep(0.02)
            for pid, (case, cwd, meta, start) in list(running.items()):
                done, status = os.waitpid(pid, os.WNOHANG)
                elapsed = time.monotonic() - start
                if done == 0 and elapsed < case.timeout:
                    continue
                if done == 0:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    rc, sig = None, None
                elif os.WIFSIGNALED(status):
                    rc, sig = -os.WTERMSIG(status), os.WTERMSIG(status)
                else:
                    rc, sig = os.WEXITSTATUS(status), None
                with contextlib.suppress(ProcessLookupError):  # stray pool workers of a dead run
                    os.killpg(pid, signal.SIGKILL)
                del running[pid]
                try:
                    before = pickle.loads((meta / "before.pickle").read_bytes())
                except (OSError, EOFError, pickle.UnpicklingError):
                    before = {}
                out = _read(meta / "stdout") if (meta / "stdout").exists() else ""
                err = _read(meta / "stderr") if (meta / "stderr").exists() else ""
                on_result(Result(case, cwd, rc, sig, out, err, elapsed, before, snapshot(cwd, case)))


# --- classifying ---------------------------------------------------------------------------------


def classify(result: Result) -> Verdict:
    """Sort *result* into an :class:`Outcome`, with a one-line reason."""
    case, rc, err = result.case, result.returncode, result.stderr
    lines = [line for line in err.split("\n") if line.strip()]  # a terminal's lines, not str.splitlines'
    first = lines[0][:160] if lines else ""
    if rc is None:
        return Verdict(Outcome.HANG, f"no answer in {case.timeout:.0f} s")
    if result.signal is not None or rc >= 128:
        what = f"signal {result.signal}" if result.signal else f"exit {rc}"
        return Verdict(Outcome.CRASH, what)
    if "Traceback (most recent call last)" in err:
        last = next((line for line in reversed(lines) if not line.startswith(" ")), "")
        return Verdict(Outcome.TRACEBACK, last[:160])
    failed = rc != 0
    for path in case.keep + (case.keep_on_failure if failed else ()):
        if result.before.get(path) != result.after.get(path):
            gone = result.after.get(path) is None
            return Verdict(Outcome.DATA_LOST, f"{path} {'vanished' if gone else 'changed'} (exit {rc})")
    if case.check is not None:
        wrong = case.check(result)
        if wrong and wrong.startswith(MESSAGE_FAULT):
            return Verdict(Outcome.BAD_MESSAGE, wrong)
        if wrong:
            return Verdict(Outcome.SILENTLY_WRONG, wrong)
    if rc in (0, 1) and case.expect is Expect.REJECT:  # exit 1: judged (a failed test) instead of refused
        return Verdict(Outcome.SILENTLY_WRONG, f"accepted (exit {rc}) input that must be refused")
    if rc == 0:
        return Verdict(Outcome.CLEAN, "exit 0")
    if rc == 1 and case.findings_exit:
        return Verdict(Outcome.CLEAN, "exit 1 (findings)")
    if rc == 2 and lines and lines[0].startswith("usage: ") and USAGE_ERROR.match(lines[-1]):
        return Verdict(Outcome.CLEAN if case.expect is not Expect.ACCEPT else Outcome.BAD_MESSAGE, lines[-1][:160])
    if rc == 2:
        if not lines:
            return Verdict(Outcome.BAD_MESSAGE, "exit 2 with nothing on stderr")
        if not all(line.startswith("policysim: ") for line in lines):
            bad = next(line for line in lines if not line.startswith("policysim: "))
            return Verdict(Outcome.BAD_MESSAGE, f"stderr line without 'policysim: ': {bad[:120]}")
        if len(lines) > 1 and not (case.line_per_record or case.argv[:2] == ("policy", "check")):
            return Verdict(Outcome.BAD_MESSAGE, f"{len(lines)} stderr lines: {first}")
        if case.expect is Expect.ACCEPT:
            return Verdict(Outcome.BAD_MESSAGE, f"refused valid input: {first}")
        return Verdict(Outcome.CLEAN, first)
    return Verdict(Outcome.BAD_MESSAGE, f"exit {rc}: {first}")
