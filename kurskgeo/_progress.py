"""Progress bars on stderr (tqdm) for long series, and nothing for short ones.

When :func:`kurskgeo._parallel.fork_map` splits a job between two processes,
the parent draws one bar for the whole job: the forked worker counts the
items it has done in a shared integer, which the parent adds to its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

#: Series longer than this show a progress bar unless told otherwise.
THRESHOLD = 50

# set by fork_map while a job is split: the worker's count, the job's length
_shared: Any = None
_total: int | None = None
_bar: Any = None  # the parent's bar for the whole job, closed by finish()
_parent_done = 0  # items the parent has done in that job


def progress(
    items: Sequence[T], enabled: bool | None, desc: str, unit: str = "file"
) -> Iterable[T]:
    """Wrap `items` in a tqdm bar on stderr when `enabled` (None: when long).

    Within a job split by :func:`start`, the items count on the job's bar.
    """
    from kurskgeo._parallel import in_child

    if in_child():
        return _counting(items) if _shared is not None else items
    if _total is not None:  # a split job: its bar, if any, is open already
        return _drawing(items) if _bar is not None else items
    if enabled is None:
        enabled = len(items) > THRESHOLD
    if not enabled:
        return items
    bar: Any = _tqdm()(items, desc=desc, unit=unit, leave=False)
    return bar


def start(
    shared: Any, total: int, enabled: bool | None, desc: str, unit: str = "file"
) -> None:
    """Begin a job of `total` items split with a worker counting in `shared`.

    The job's bar is opened here, before either process takes an item: the
    worker may take them all.
    """
    global _shared, _total, _bar, _parent_done
    _shared, _total, _parent_done = shared, total, 0
    if enabled is None:
        enabled = total > THRESHOLD
    if enabled:
        _bar = _tqdm()(total=total, desc=desc, unit=unit, leave=False)


def _tqdm() -> Any:
    from tqdm.auto import tqdm

    # no monitor thread: a process with threads cannot fork workers safely
    tqdm.monitor_interval = 0
    return tqdm


def _counting(items: Sequence[T]) -> Iterator[T]:
    for item in items:
        yield item
        _shared.value += 1  # the item is done when the next is asked for


def _drawing(items: Sequence[T]) -> Iterator[T]:
    global _parent_done
    for item in items:
        yield item
        _parent_done += 1
        refresh()


def refresh() -> None:
    """Show the parent's and the worker's progress on the job's bar."""
    if _bar is not None and _shared is not None:
        _bar.update(_parent_done + _shared.value - _bar.n)


def finish() -> None:
    """Close the job's bar, if one was drawn, and end the job."""
    global _bar, _shared, _total
    if _bar is not None:
        refresh()
        _bar.close()
        _bar = None
    _shared = _total = None
