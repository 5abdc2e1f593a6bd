"""Fixed files: the occupied-territory archive and the region boundaries."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kurskgeo.datasets._days import parse_day
from kurskgeo.datasets._download import (
    Downloader,
    downloader_for,
    retrieve,
)
from kurskgeo.datasets.registry import (
    BOUNDARIES,
    OCCUPIED_BASE,
    OCCUPIED_COMMIT,
    OCCUPIED_FIRST,
    OCCUPIED_LAST,
)
from kurskgeo.errors import DatasetError

if TYPE_CHECKING:
    pass

# ---------------------------------------------------------------- occupied


def fetch_occupied(
    date: Any,
    *,
    downloader: Downloader | None = None,
    progressbar: bool | None = None,
) -> Path:
    """Fetch the occupied-territory file of one date (cyterat/deepstate-map-data).

    Parameters
    ----------
    date : date or str
        ``YYYY-MM-DD`` (or ``YYYYMMDD``). The file of date D was downloaded
        from DeepStateMap at about 03:00 UTC on D, so it usually shows the map
        published on the evening of D-1.
    downloader : callable, optional
        A pooch downloader ``downloader(url, output_file, pooch)``.
    progressbar : bool, optional
        Progress bar on stderr for large downloads (default: if a terminal).

    Returns
    -------
    pathlib.Path
        The cached ``occupied/deepstatemap_data_YYYYMMDD.geojson`` (one zone,
        ``occupied``).

    Raises
    ------
    DatasetError
        If the date is malformed, outside the archive at the pinned commit, or
        has no file (the archive skips a few days), or the download fails.

    Examples
    --------
    >>> fetch_occupied("2025-03-06").name  # doctest: +SKIP
    'deepstatemap_data_20250306.geojson'
    """
    day = parse_day(date, "occupied")
    if not OCCUPIED_FIRST <= day <= OCCUPIED_LAST:
        raise DatasetError(
            f"occupied: {day} is outside the archive cyterat/deepstate-map-data at "
            f"commit {OCCUPIED_COMMIT[:7]} ({OCCUPIED_FIRST} to {OCCUPIED_LAST}); "
            "use deepstate:<date> for other dates"
        )
    name = f"deepstatemap_data_{day:%Y%m%d}.geojson"
    try:
        return retrieve(
            f"{OCCUPIED_BASE}/{name}",
            f"occupied/{name}",
            sha256=None,
            record_hash=True,
            downloader=downloader_for(downloader, progressbar),
        )
    except DatasetError as exc:
        if "HTTP 404" in str(exc):
            raise DatasetError(
                f"occupied: the archive has no file for {day} (it skips a few days, "
                "e.g. 2024-08-18 and 2024-08-19); try the day before or after"
            ) from None
        raise


# ---------------------------------------------------------------- boundaries


def fetch_boundary(
    name: str = "kursk-oblast",
    *,
    downloader: Downloader | None = None,
    progressbar: bool | None = None,
) -> Path:
    """Fetch a region boundary of the registry, verified by its sha256.

    Parameters
    ----------
    name : str
        A key of :data:`BOUNDARIES`: ``"kursk-oblast"``, or ``"countries"``
        (Natural Earth's country outlines, drawn under a real report's maps).
    downloader : callable, optional
        A pooch downloader ``downloader(url, output_file, pooch)``.
    progressbar : bool, optional
        Progress bar on stderr for large downloads (default: if a terminal).

    Returns
    -------
    pathlib.Path
        The cached file; pass it as ``region=`` (its polygons are merged).

    Raises
    ------
    DatasetError
        If the name is unknown, or the file cannot be fetched or verified.

    Examples
    --------
    >>> fetch_boundary("kursk-oblast").name  # doctest: +SKIP
    'kursk-oblast.geojson'
    """
    entry = BOUNDARIES.get(str(name).strip().lower())
    if entry is None:
        raise DatasetError(
            f"boundary: unknown boundary {name!r}; "
            f"known: {', '.join(sorted(BOUNDARIES))}"
        )
    return retrieve(
        entry.url,
        entry.fname,
        sha256=entry.sha256,
        record_hash=entry.sha256 is None,  # recorded at the first download
        downloader=downloader_for(downloader, progressbar),
    )
