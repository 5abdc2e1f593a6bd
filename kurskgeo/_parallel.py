"""Run the second half of a long job in a forked worker when a CPU is idle.

The machines kurskgeo runs on often have two cores. A series of snapshots is
split in two: the parent process works through the first half while a worker
forked from it (so the work need not be picklable) does the second. The
worker's warnings are recorded and issued again by the parent, in order; if
the worker fails for any reason, the parent redoes its half, so errors and
warnings always surface in the caller as they would on one core.
"""

from __future__ import annotations

import ctypes
import logging
import mmap
import os
import pickle
import select
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from kurskgeo import _progress

__all__ = ["PARALLEL_MIN", "ChildCannot", "fork_map", "in_child", "use_two_cores"]

log = logging.getLogger(__name__)

#: Series shorter than this are processed on one core (forking a worker costs ~5 ms).
PARALLEL_MIN = 40
_IN_CHILD = False
_LOADAVG = "/proc/loadavg"


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
    # On a machine busy with other work a second process only adds switching.
    return cpus - _others_running() >= 2


def _others_running() -> float:
    """How many other processes want a CPU now.

    Linux counts the runnable ones in ``/proc/loadavg`` (this process among
    them). The load average is the fallback: it lags by a minute and counts
    this process's own recent work, so after a busy minute of kurskgeo it
    would keep a long series on one core.
    """
    try:
        counts = []
        for _ in range(2):  # the smaller of two looks: a kernel thread passes
            with open(_LOADAVG) as f:
                counts.append(float(f.read().split()[3].split("/")[0]) - 1)
        return min(counts)
    except (OSError, ValueError, IndexError):
        pass
    try:
        return max(os.getloadavg()[0] - 1, 0.0)
    except OSError:  # pragma: no cover - not on this platform
        return 0.0


def _child(
    fn: Callable[..., Iterable[Any]], lo: int, hi: int, fd: int, tokens: int | None
) -> None:  # pragma: no cover - runs in the worker process
    """Do the worker's items in the forked worker and pickle the outcome to `fd`.

    Without `tokens` the items are ``lo..hi``, in one call of `fn`; with
    them, one item at a time from `hi` backwards while :func:`_take` gives
    one. Sends ``(True, (first item done, results, [(message, category)]))``
    in item order, or ``(False, None)`` when anything fails, and never
    returns: it ends the process.
    """
    global _IN_CHILD
    _IN_CHILD = True
    code = 1
    try:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                if tokens is None:
                    out, start, notes = list(fn(lo, hi, False)), lo, caught
                else:
                    done: list[list[Any]] = []  # results, warnings, results, ...
                    start = hi
                    while _take(tokens):
                        mark = len(caught)
                        done.append(list(fn(start - 1, start, False)))
                        done.append(caught[mark:])  # this item's warnings
                        start -= 1
                    out = [r for results in done[-2::-2] for r in results]
                    notes = [w for ws in done[::-2] for w in ws]
            outcome = (start, out, [(str(w.message), w.category) for w in notes])
            data = pickle.dumps((True, outcome))
            code = 0
        except BaseException:  # the parent redoes these items and raises itself
            data = pickle.dumps((False, None))
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os._exit(code)


def _tokens(n: int) -> int | None:
    """Return the read end of a pipe holding `n` bytes, one per item (write end shut).

    None if the pipe cannot hold them (its buffer is 64 KiB on Linux).
    """
    try:
        rfd, wfd = os.pipe()
    except OSError:  # pragma: no cover - no file descriptors left
        return None
    try:
        os.set_blocking(wfd, False)
        written = os.write(wfd, bytes(n))
    except OSError:
        written = -1
    finally:
        os.close(wfd)
    if written != n:
        os.close(rfd)
        return None
    return rfd


def _take(tokens: int) -> bool:
    """Take one item: True while the pipe has a byte left.

    Reading one byte from a pipe is atomic, so two processes never take the
    same byte; once all are taken, the closed write end gives end of file.
    """
    return bool(os.read(tokens, 1))


def fork_map(
    fn: Callable[[int, int, bool | None], Iterable[Any]],
    n: int,
    progress: bool | None,
    desc: str,
    workers: int | None = None,
    *,
    share: bool = False,
    unit: str = "file",
) -> list[Any]:
    """Return ``list(fn(0, n, progress))``, part of it done by a worker if it pays.

    `fn(lo, hi, progress)` returns one result per index in ``lo..hi``; the
    results must be picklable. The worker is forked with :func:`os.fork` and
    pickles its results and recorded warnings into a pipe; its warnings are
    issued again here after the parent's. If it fails, the parent computes
    its items itself.

    By default the worker does the second half. With `share` the two take
    items one at a time from either end of the list until they meet (the
    worker from the end, backwards), so that neither waits for the other
    when items cost unequal time; `fn` is then called once per item.

    The parent draws one progress bar for all `n` items (`desc`, `unit`),
    opened before the two start, so it shows even if the worker takes them all.
    """
    if not use_two_cores(n, workers):
        return list(fn(0, n, progress))
    tokens = _tokens(n) if share else None
    # the worker counts what it has done; the parent draws one bar for all n
    shared = ctypes.c_int64.from_buffer(mmap.mmap(-1, 8))
    sys.stdout.flush()
    sys.stderr.flush()  # the worker must not inherit unwritten output
    try:
        rfd, wfd = os.pipe()
    except OSError as exc:  # pragma: no cover - no file descriptors left
        log.debug("%s: cannot make a pipe (%s); one core", desc, exc)
        _close(tokens)
        return list(fn(0, n, progress))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads
            pid = os.fork()
    except OSError as exc:  # pragma: no cover - no processes left
        log.debug("%s: cannot fork (%s); one core", desc, exc)
        os.close(rfd)
        os.close(wfd)
        _close(tokens)
        return list(fn(0, n, progress))
    if pid == 0:  # pragma: no cover - the worker
        os.close(rfd)
        _progress._shared, _progress._total = shared, n
        _child(fn, n // 2, n, wfd, tokens)
    os.close(wfd)
    _progress.start(shared, n, progress, desc, unit)
    reaped = False
    try:
        if tokens is None:
            lo = n // 2
            first = list(fn(0, lo, progress))
        else:
            first, lo = [], 0
            while _take(tokens):
                first.extend(fn(lo, lo + 1, progress))
                lo += 1
        ok, payload = _wait(rfd, pid)
        reaped = True
        if ok and payload[0] == lo:
            _, second, caught = payload
            for message, category in caught:
                warnings.warn(message, category, stacklevel=2)
        else:  # the worker failed or died: do its items here
            log.debug("%s: the second core failed; finishing on one", desc)
            _progress.finish()
            second = list(fn(lo, n, progress))
    finally:
        _progress.finish()
        os.close(rfd)
        _close(tokens)
        if not reaped:  # the parent's part raised: the worker's is not wanted
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    return first + second


def _close(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


def _wait(rfd: int, pid: int) -> tuple[bool, Any]:
    """Read the worker's pickled outcome until EOF and reap it.

    The progress bar keeps moving meanwhile. Returns ``(False, None)`` if the
    worker failed, died or exited with a non-zero status.
    """
    chunks = []
    while True:
        ready, _, _ = select.select([rfd], [], [], 0.1)
        _progress.refresh()
        if ready:
            chunk = os.read(rfd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if status != 0 or not chunks:
        return False, None
    try:
        result: tuple[bool, Any] = pickle.loads(b"".join(chunks))
    except Exception:  # truncated, or cannot be unpickled here
        return False, None
    return result
