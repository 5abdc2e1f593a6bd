"""Exceptions and warning categories raised by kurskgeo.

Every exception derives from :class:`KurskgeoError` and also from the builtin
that matches its meaning, so ``except ValueError`` and ``except KurskgeoError``
both work. Warnings derive from :class:`KurskgeoWarning` and are emitted when a
result *was* computed but something was assumed, skipped or changed on the way.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Iterator
from typing import Any

__all__ = [
    "ArticleError",
    "AssumedCRSWarning",
    "CRSError",
    "ClaimsFileError",
    "DatasetError",
    "DuplicateDateError",
    "GeodesicMismatchWarning",
    "KurskgeoError",
    "KurskgeoWarning",
    "ManifestError",
    "OutputError",
    "OutputExistsError",
    "RepairWarning",
    "SkippedFeatureWarning",
    "SnapshotError",
    "StaleMapWarning",
    "recording",
    "warn",
]


class KurskgeoError(Exception):
    """Root of every error kurskgeo raises on purpose."""


class SnapshotError(KurskgeoError, ValueError):
    """A snapshot file cannot be read, or its content cannot be measured."""


class DuplicateDateError(SnapshotError):
    """Two snapshots of one source show the same date.

    Attributes
    ----------
    day : datetime.date
    source : str or None
        Who drew both (None when the snapshots do not say).
    paths : list of str
    """

    def __init__(self, day: Any, source: str | None, paths: list[str]) -> None:
        self.day, self.source, self.paths = day, source, list(paths)
        who = f" (all by {source})" if source and source != "unknown" else ""
        head = f"{len(paths)} snapshots show {day}: {', '.join(paths)}{who}"
        super().__init__(
            f"{head}; the maps of one source must have a date each (maps of "
            "different sources are measured side by side): keep one, or pass "
            "on_duplicate='first' or 'last' (CLI: --on-duplicate first|last)"
        )

    def __reduce__(self) -> Any:
        return (type(self), (self.day, self.source, self.paths))


class ClaimsFileError(KurskgeoError, ValueError):
    """A claims file is malformed or refers to something that does not exist."""


class ArticleError(KurskgeoError, ValueError):
    """An article cannot be read into claims (no date, no figure to claim)."""


class CRSError(KurskgeoError, ValueError):
    """A coordinate reference system is missing, unknown, or unfit for areas."""


class DatasetError(KurskgeoError, OSError):
    """A dataset cannot be fetched, verified or found in the cache or mirror."""


class ManifestError(KurskgeoError, ValueError):
    """A report's manifest is malformed, or its inputs are no longer the same."""


class OutputError(KurskgeoError, OSError):
    """An output cannot be written where it was asked."""


class OutputExistsError(OutputError, FileExistsError):
    """An output file exists and overwriting it was not allowed."""


class KurskgeoWarning(UserWarning):
    """Base class of kurskgeo's warnings."""


class RepairWarning(KurskgeoWarning):
    """A geometry was invalid and has been repaired (the area may have changed)."""


class SkippedFeatureWarning(KurskgeoWarning):
    """Features were ignored: null geometry, points, lines, or empty parts."""


class AssumedCRSWarning(KurskgeoWarning):
    """No usable CRS was declared and one was assumed."""


class GeodesicMismatchWarning(KurskgeoWarning):
    """The projected area and the geodesic cross-check disagree beyond tolerance."""


class StaleMapWarning(KurskgeoWarning):
    """The map current at the moment asked was published days before it."""


_local = threading.local()


def warn(message: str, category: type[Warning], stacklevel: int = 2) -> None:
    """Issue one of kurskgeo's warnings, or record it for the batch being run.

    Inside :func:`recording` (a chunk of work run by an executor in this
    process, perhaps on another thread), the warning is kept for the caller,
    who issues it again in order; :func:`warnings.catch_warnings` cannot do
    that, since its state is shared by every thread.
    """
    sink = getattr(_local, "sink", None)
    if sink is not None:
        sink.append((message, category))
        return
    warnings.warn(message, category, stacklevel=stacklevel + 1)


@contextlib.contextmanager
def recording() -> Iterator[list[tuple[str, type[Warning]]]]:
    """Record what :func:`warn` issues in this thread, instead of issuing it."""
    previous = getattr(_local, "sink", None)
    sink: list[tuple[str, type[Warning]]] = []
    _local.sink = sink
    try:
        yield sink
    finally:
        _local.sink = previous
