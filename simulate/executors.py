"""Where replications run: any ``concurrent.futures.Executor``.

A process pool is the default; ``jobs=1`` runs inline (no pool, easiest to debug and
profile). Dask's ``Client.get_executor()`` is an Executor too: :func:`open_executor` connects
to a scheduler (or starts a local cluster) when Dask, an optional extra, is installed.
Results never depend on the executor: each replication's streams come from its index.

Pool workers die with the command that started them (even when it is killed with SIGKILL),
and SIGTERM stops a run the way Ctrl-C does: the replications already stored are kept, so
the run can be resumed.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from types import FrameType
from typing import Any

from policy.errors import Location, PolicysimError, error

EXECUTORS = ("process", "dask")
PR_SET_PDEATHSIG = 1                # linux/prctl.h: the signal a process gets when its parent dies
ORPHAN_POLL_S = 1.0                 # elsewhere, how often a worker checks that its parent lives


class ExecutorError(PolicysimError):
    """The chosen executor cannot start: Dask not installed, or its scheduler unreachable."""


class InlineExecutor(Executor):
    """Runs each task immediately in the calling process."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the future carries it to the caller, as a pool would
            future.set_exception(exc)
        return future


def die_with_parent(parent: int) -> None:
    """Pool initializer: end this worker when the process *parent* ends, however it ends.

    On Linux the kernel sends SIGKILL on the parent's death (``PR_SET_PDEATHSIG``); elsewhere
    a daemon thread polls the parent id. SIGTERM gets its default action back (the parent's
    handler is inherited through fork), so a terminated worker stops at once. The kernel ties
    the signal to the *thread* that forked the worker, so a pool is used from a thread that
    outlives it (the commands use their main thread; workers fork at the first submit).
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    armed = False
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            armed = ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    if os.getppid() != parent:          # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(ORPHAN_POLL_S)
            os._exit(1)
        threading.Thread(target=watch, name="orphan-watch", daemon=True).start()


def make_executor(jobs: int | None) -> Executor:
    """An inline executor for one job, otherwise a process pool of *jobs* workers (None: one per
    core) that end when this process ends."""
    if jobs == 1:
        return InlineExecutor()
    return ProcessPoolExecutor(max_workers=jobs, initializer=die_with_parent, initargs=(os.getpid(),))


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: stop as Ctrl-C does (the command reports it and exits 130)."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """While the block runs, SIGTERM raises :class:`Terminated` (a KeyboardInterrupt) in the main
    thread, so a terminated run stops like an interrupted one; the old handler is restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop_workers(pool: Executor) -> None:
    """Terminate a failing run's pool workers rather than wait for their replications to end."""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.terminate()


@contextlib.contextmanager
def open_executor(kind: str = "process", jobs: int | None = None,
                  scheduler: str | None = None) -> Iterator[Executor]:
    """An executor of *kind*, shut down on exit.

    ``process``: :func:`make_executor` (*jobs* workers). ``dask``: a client of the scheduler at
    *scheduler*, or of a local cluster of *jobs* worker processes (one thread each, loopback
    only) when no address is given.
    """
    if kind == "process":
        if scheduler is not None:
            raise error(ExecutorError, "executor.scheduler", "--scheduler needs --executor dask",
                        Location("--scheduler"))
        with terminate_as_interrupt():
            pool = make_executor(jobs)
            try:
                yield pool
            except BaseException:
                _stop_workers(pool)
                raise
            finally:
                pool.shutdown(cancel_futures=True)
        return
    if kind != "dask":
        raise error(ExecutorError, "executor.kind", f"unknown executor {kind!r} (one of: {', '.join(EXECUTORS)})",
                    Location("--executor"))
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise error(ExecutorError, "executor.dask-missing",
                    "Dask is not installed: pip install 'policysim[dask]'", Location("--executor dask")) from None
    with contextlib.ExitStack() as stack:
        try:
            if scheduler is None:
                cluster = stack.enter_context(LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=jobs or None, threads_per_worker=1, processes=True, host="127.0.0.1",
                    dashboard_address=None))
                client = stack.enter_context(Client(cluster))  # type: ignore[no-untyped-call]
            else:
                client = stack.enter_context(Client(scheduler, timeout=10))  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError) as exc:
            raise error(ExecutorError, "executor.dask-unreachable", f"cannot start a Dask client: {exc}",
                        Location(f"--scheduler {scheduler}" if scheduler else "--executor dask")) from None
        stack.enter_context(terminate_as_interrupt())
        yield client.get_executor(pure=False)
