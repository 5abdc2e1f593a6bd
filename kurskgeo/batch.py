"""Running work over many files: progress bars, and an optional executor.

The library is serial by default and silent: nothing here draws a bar unless
the caller asks (``progress=True``; the command line asks when stderr is a
terminal). Long jobs may be spread over processes, or a cluster, with any
:class:`concurrent.futures.Executor` (a ``ProcessPoolExecutor``, or
``dask.distributed.Client.get_executor()``): :func:`map_chunks` cuts the
items into contiguous chunks, runs a picklable function on each, and returns
the results in order, with the warnings each chunk raised issued again in the
caller, in order, so that a run on many processes warns as a serial run does.
"""

from __future__ import annotations

import itertools
import math
import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from typing import Any, TypeVar

from kurskgeo.errors import recording

__all__ = ["chunks", "map_chunks", "progress", "workers_of"]

T = TypeVar("T")
R = TypeVar("R")


def progress(
    items: Iterable[T],
    enabled: bool | None,
    desc: str,
    *,
    total: int | None = None,
    unit: str = "file",
) -> Iterable[T]:
    """Wrap `items` in a tqdm bar on stderr when `enabled` is true.

    None and False draw nothing: the library never draws a bar unless asked.
    """
    if not enabled:
        return items
    from tqdm.auto import tqdm

    bar: Iterable[T] = tqdm(items, desc=desc, unit=unit, total=total, leave=False)
    return bar


def chunks(n: int, size: int, workers: int = 1) -> list[tuple[int, int]]:
    """Cut ``range(n)`` into contiguous ``(start, stop)`` pieces of at most `size`.

    The pieces are of equal size give or take one, and as many as a multiple
    of `workers`, so that every worker gets as much.

    Examples
    --------
    >>> chunks(5, 2)
    [(0, 1), (1, 3), (3, 5)]
    >>> chunks(10, 4, workers=2)
    [(0, 2), (2, 5), (5, 7), (7, 10)]
    """
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, not {size}")
    count = min(n, math.ceil(math.ceil(n / size) / workers) * workers)
    return list(itertools.pairwise(n * k // max(count, 1) for k in range(count + 1)))


def workers_of(executor: Executor) -> int:
    """How many tasks `executor` runs at once, as far as it says (else 1)."""
    n = getattr(executor, "_max_workers", None)  # concurrent.futures' pools
    if isinstance(n, int):
        return max(n, 1)
    client: Any = getattr(executor, "_client", None)  # dask's executor
    try:
        return max(sum(client.nthreads().values()), 1)
    except Exception:  # not a dask client, or a cluster that went away
        return 1


def _recorded(
    fn: Callable[..., R], args: tuple[Any, ...], caller: int
) -> tuple[R, list[Any]]:
    """Run ``fn(*args)`` recording its warnings, for the caller to issue them.

    In another process every warning is caught; in the caller's process (a
    thread pool, a dask cluster in process) kurskgeo's own warnings are kept
    per thread (:func:`kurskgeo.errors.recording`), since the state of the
    ``warnings`` module is shared by every thread.
    """
    if os.getpid() == caller:
        with recording() as sink:
            result = fn(*args)
        return result, list(sink)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(*args)
    return result, [(w.message, w.category) for w in caught]


def map_chunks(
    fn: Callable[..., list[R]],
    items: Sequence[Any],
    *args: Any,
    executor: Executor | None = None,
    chunk_size: int = 16,
    progress_bar: bool | None = None,
    desc: str = "measuring",
    unit: str = "file",
) -> list[R]:
    """Return ``fn(items[lo:hi], *args)`` concatenated over contiguous chunks.

    Without an executor the chunks run here, one after the other, and
    warnings pass through as raised. With one, each chunk is submitted with
    :meth:`~concurrent.futures.Executor.submit` (so `fn` and `args` must be
    picklable for a process pool), results are gathered in order, and the
    warnings each chunk recorded are issued again here, in order. A chunk
    that raises raises here, after the chunks before it.

    Parameters
    ----------
    fn : callable
        ``fn(list_of_items, *args) -> list`` of one result per item.
    items : sequence
    *args
        Passed to every call.
    executor : concurrent.futures.Executor, optional
    chunk_size : int
        Items per chunk, at most (without an executor or a bar, all items
        are one chunk). Consecutive snapshots share work (a feature
        that did not change is parsed once), so chunks are contiguous; on an
        executor they are as many as a multiple of its workers, and of equal
        size (:func:`chunks`).
    progress_bar : bool, optional
        Draw a bar on stderr, counting items.
    desc, unit : str
        The bar's label and unit.
    """
    if executor is None and not progress_bar:
        # here, one chunk: the work consecutive items share is never cut
        spans = [(0, len(items))] if len(items) else []
    else:
        spans = chunks(
            len(items), chunk_size, 1 if executor is None else workers_of(executor)
        )
    out: list[R] = []
    bar: Any = None
    if progress_bar:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(items), desc=desc, unit=unit, leave=False)
    try:
        if executor is None:
            for lo, hi in spans:
                out.extend(fn(list(items[lo:hi]), *args))
                if bar is not None:
                    bar.update(hi - lo)
            return out
        said: list[tuple[Any, type[Warning]]] = []
        # Threads of a pool (or of dask in this process) may run code that
        # enters warnings.catch_warnings, whose state all threads share (shapely
        # does, to silence GEOS): interleaved, they can leave it changed. The
        # caller's state is saved here and put back before anything is issued.
        with warnings.catch_warnings():
            futures = [
                executor.submit(_recorded, fn, (list(items[lo:hi]), *args), os.getpid())
                for lo, hi in spans
            ]
            try:
                for (lo, hi), future in zip(spans, futures, strict=True):
                    result, caught = future.result()
                    said.extend(caught)
                    out.extend(result)
                    if bar is not None:
                        bar.update(hi - lo)
            finally:
                for future in futures:
                    future.cancel()
        for message, category in said:
            warnings.warn(message, category, stacklevel=3)
        return out
    finally:
        if bar is not None:
            bar.close()
