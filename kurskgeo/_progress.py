"""Progress bars on stderr (tqdm) for long series, and nothing for short ones."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

#: Series longer than this show a progress bar unless told otherwise.
THRESHOLD = 50


def progress(
    items: Sequence[T], enabled: bool | None, desc: str, unit: str = "file"
) -> Iterable[T]:
    """Wrap `items` in a tqdm bar on stderr when `enabled` (None: when long)."""
    if enabled is None:
        enabled = len(items) > THRESHOLD
    if not enabled:
        return items
    from tqdm.auto import tqdm

    # no monitor thread: a process with threads cannot fork workers safely
    tqdm.monitor_interval = 0
    bar: Any = tqdm(items, desc=desc, unit=unit, leave=False)
    return bar
