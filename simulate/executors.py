"""Where replications run: any ``concurrent.futures.Executor``.

A process pool is the default; ``jobs=1`` runs inline (no pool, easiest to debug and
profile). Dask's ``Client.get_executor()`` is an Executor too: :func:`open_executor` connects
to a scheduler (or starts a local cluster) when Dask, an optional extra, is installed.
Results never depend on the executor: each replication's streams come from its index.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

from policy.errors import Location, PolicysimError, error

EXECUTORS = ("process", "dask")


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


def make_executor(jobs: int | None) -> Executor:
    """An inline executor for one job, otherwise a process pool of *jobs* workers (None: one per core)."""
    if jobs == 1:
        return InlineExecutor()
    return ProcessPoolExecutor(max_workers=jobs)


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
        pool = make_executor(jobs)
        try:
            yield pool
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
        yield client.get_executor(pure=False)
