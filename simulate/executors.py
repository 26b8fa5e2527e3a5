"""Where replications run: any ``concurrent.futures.Executor``.

A process pool is the default; ``jobs=1`` runs inline (no pool, easiest to debug and
profile). Dask's ``Client.get_executor()`` is an Executor too and needs nothing here.
Results never depend on the executor: each replication's streams come from its index.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any


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
