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
    """Wrap `items` in a tqdm bar on stderr when `enabled` (None: when long)."""
    global _bar, _parent_done
    from kurskgeo._parallel import in_child

    if in_child():
        return _counting(items) if _shared is not None else items
    total = _total if _total is not None else len(items)
    if enabled is None:
        enabled = total > THRESHOLD
    if not enabled:
        return items
    from tqdm.auto import tqdm

    # no monitor thread: a process with threads cannot fork workers safely
    tqdm.monitor_interval = 0
    if _total is None:
        bar: Any = tqdm(items, desc=desc, unit=unit, leave=False)
        return bar
    if _bar is None:  # the first of the parent's calls in the job
        _bar, _parent_done = tqdm(total=_total, desc=desc, unit=unit, leave=False), 0
    return _drawing(items)


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
    """Close the whole job's bar, if one was drawn."""
    global _bar
    if _bar is not None:
        refresh()
        _bar.close()
        _bar = None
