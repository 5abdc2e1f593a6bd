"""Run the second half of a long job in a forked worker when a CPU is idle.

The machines kurskgeo runs on often have two cores. A series of snapshots is
split in two: the parent process works through the first half while a worker
forked from it (so the work need not be picklable) does the second. The
worker's warnings are recorded and issued again by the parent, in order; if
the worker fails for any reason, the parent redoes its half, so errors and
warnings always surface in the caller as they would on one core.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from kurskgeo import _progress

__all__ = ["PARALLEL_MIN", "ChildCannot", "fork_map", "in_child", "use_two_cores"]

log = logging.getLogger(__name__)

#: Series shorter than this are processed on one core (forking costs ~30 ms).
PARALLEL_MIN = 40
_IN_CHILD = False
_CHILD_FN: Any = None


class ChildCannot(Exception):
    """Work the forked worker leaves to the parent (it may warn or touch proj.db)."""


def in_child() -> bool:
    """Return True inside the forked worker."""
    return _IN_CHILD


def use_two_cores(n: int, workers: int | None) -> bool:
    """Decide whether forking a second worker pays for `n` items.

    `workers` None decides: two for a long series when the process has no
    other thread and a CPU is idle; 1 never forks; 2 forks whenever it can.

    Raises
    ------
    ValueError
        If `workers` is not None, 1 or 2.
    """
    if workers is not None and workers not in (1, 2):
        raise ValueError(f"workers must be None, 1 or 2, not {workers!r}")
    if _IN_CHILD or not hasattr(os, "fork") or n < 2:
        return False
    if workers is not None:
        return workers == 2
    if n < PARALLEL_MIN:
        return False
    getaff = getattr(os, "sched_getaffinity", None)
    cpus = len(getaff(0)) if getaff is not None else (os.cpu_count() or 1)
    if cpus < 2 or threading.active_count() > 1:
        return False  # forking a threaded process can deadlock the child
    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover - not on this platform
        load = 0.0
    # On a machine busy with other work a second process only adds switching.
    return cpus - load >= 0.5


def _child_init() -> None:  # pragma: no cover - runs in the worker process
    global _IN_CHILD
    _IN_CHILD = True


def _child_run(
    lo: int, hi: int
) -> tuple[list[Any], list[tuple[str, type[Warning]]]]:  # pragma: no cover - worker
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = list(_CHILD_FN(lo, hi, False))
    return out, [(str(w.message), w.category) for w in caught]


def fork_map(
    fn: Callable[[int, int, bool | None], Iterable[Any]],
    n: int,
    progress: bool | None,
    desc: str,
    workers: int | None = None,
) -> list[Any]:
    """Return ``list(fn(0, n, progress))``, the second half done by a worker if it pays.

    `fn(lo, hi, progress)` returns one result per index in ``lo..hi``; the
    results must be picklable. The worker is a
    :class:`concurrent.futures.ProcessPoolExecutor` on the ``fork`` context;
    its warnings are issued again here after the first half's. If it fails,
    the parent computes its half itself.
    """
    import concurrent.futures
    import multiprocessing

    global _CHILD_FN
    if not use_two_cores(n, workers):
        return list(fn(0, n, progress))
    half = n // 2
    _CHILD_FN = fn  # inherited by the forked worker
    context = multiprocessing.get_context("fork")
    # the worker counts what it has done; the parent draws one bar for all n
    _progress._shared = context.Value("q", 0, lock=False)
    _progress._total = n
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads
            pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=1,
                mp_context=context,
                initializer=_child_init,
            )
            future = pool.submit(_child_run, half, n)
    except (OSError, ValueError) as exc:  # pragma: no cover - no processes left
        log.debug("%s: cannot fork (%s); one core", desc, exc)
        _CHILD_FN = None
        _progress._shared = _progress._total = None
        return list(fn(0, n, progress))
    try:
        first = list(fn(0, half, progress))
        try:
            second, caught = _wait(future)
        except Exception as exc:  # the worker failed or died: do its half here
            log.debug("%s: the second core failed (%s); finishing on one", desc, exc)
            _progress.finish()
            _progress._shared = _progress._total = None
            second = list(fn(half, n, progress))
        else:
            for message, category in caught:
                warnings.warn(message, category, stacklevel=2)
    finally:
        _progress.finish()
        _progress._shared = _progress._total = None
        pool.shutdown(wait=True, cancel_futures=True)
        _CHILD_FN = None
    return first + second


def _wait(future: Any) -> Any:
    """Return the worker's result, keeping the progress bar moving meanwhile."""
    import concurrent.futures

    while True:
        try:
            return future.result(timeout=0.1)
        except concurrent.futures.TimeoutError:
            _progress.refresh()
