"""Exceptions and warning categories raised by kurskgeo.

Every exception derives from :class:`KurskgeoError` and also from the builtin
that matches its meaning, so ``except ValueError`` and ``except KurskgeoError``
both work. Warnings derive from :class:`KurskgeoWarning` and are emitted when a
result *was* computed but something was assumed, skipped or changed on the way.
"""

from __future__ import annotations

__all__ = [
    "AssumedCRSWarning",
    "CRSError",
    "ClaimsFileError",
    "DatasetError",
    "GeodesicMismatchWarning",
    "KurskgeoError",
    "KurskgeoWarning",
    "OutputError",
    "OutputExistsError",
    "RepairWarning",
    "SkippedFeatureWarning",
    "SnapshotError",
]


class KurskgeoError(Exception):
    """Root of every error kurskgeo raises on purpose."""


class SnapshotError(KurskgeoError, ValueError):
    """A snapshot file cannot be read, or its content cannot be measured."""


class ClaimsFileError(KurskgeoError, ValueError):
    """A claims file is malformed or refers to something that does not exist."""


class CRSError(KurskgeoError, ValueError):
    """A coordinate reference system is missing, unknown, or unfit for areas."""


class DatasetError(KurskgeoError, OSError):
    """A dataset cannot be fetched, verified or found in the cache or mirror."""


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
