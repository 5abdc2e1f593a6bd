"""Fetch the upstream datasets kurskgeo reads, into a verified per-user cache.

Three families of files are known (see ``docs/sources.md`` for their licences):

``deepstate``
    DeepStateMap's full map as published at a moment, from the public API at
    deepstatemap.live: ``/api/history/public`` lists the ids (Unix times of
    publication) and ``/api/history/<id>/geojson`` gives the map. Cached as
    ``deepstate/<id>.geojson``, the name the archived exports carry.
``occupied``
    The daily occupied-territory files of cyterat/deepstate-map-data,
    ``data/deepstatemap_data_YYYYMMDD.geojson``, at a pinned commit.
``boundary``
    Region boundaries from OpenStreetMap at a pinned commit, with a sha256.

Files land in ``pooch.os_cache("kurskgeo")`` (``~/.cache/kurskgeo`` on Linux)
or in the folder named by the environment variable ``KURSKGEO_CACHE``. They are
written atomically by pooch and verified: against the registry's sha256 where
the file is immutable upstream, else against the sha256 recorded when the file
was first downloaded (a ``.sha256`` file beside it), so a corrupted cached
file is detected and fetched again.

``KURSKGEO_MIRROR`` points the downloads at a local folder laid out like the
remote, as ``wget --force-directories`` saves it: the host, then the URL path
(``deepstatemap.live/api/history/public``,
``raw.githubusercontent.com/cyterat/deepstate-map-data/<commit>/data/...``).
Nothing then touches the network, which is how the tests run.

The registry is :mod:`kurskgeo.datasets.registry`; the cache and mirror
locations, and the downloaders with the verified retrieval, are private
modules of this package; this one holds the ``fetch_*`` functions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from kurskgeo.datasets._download import (
    LARGE_BYTES,
    Downloader,
    HTTPDownloader,
    MirrorDownloader,
    downloader_for,
    retrieve,
)
from kurskgeo.datasets._locations import cache_dir, inside, mirror_path
from kurskgeo.datasets.registry import (
    BOUNDARIES,
    DEEPSTATE_API,
    DEEPSTATE_LISTING,
    ENV_CACHE,
    ENV_MIRROR,
    FAMILIES,
    KINDS,
    LISTING_FNAME,
    OCCUPIED_BASE,
    OCCUPIED_COMMIT,
    OCCUPIED_FIRST,
    OCCUPIED_LAST,
    Dataset,
)
from kurskgeo.errors import DatasetError

__all__ = [
    "BOUNDARIES",
    "DEEPSTATE_API",
    "ENV_CACHE",
    "ENV_MIRROR",
    "KINDS",
    "LARGE_BYTES",
    "OCCUPIED_COMMIT",
    "Dataset",
    "HTTPDownloader",
    "MirrorDownloader",
    "cache_dir",
    "deepstate_ids",
    "fetch_boundary",
    "fetch_deepstate",
    "fetch_occupied",
    "fetch_spec",
    "list_datasets",
    "mirror_path",
]


def list_datasets() -> list[Dataset]:
    """Return the registry: the dataset families and the fixed files.

    Returns
    -------
    list of Dataset
        Families first (``deepstate``, ``occupied``), then the boundaries.

    Examples
    --------
    >>> [d.name.split(":")[0] for d in list_datasets()]
    ['deepstate', 'occupied', 'boundary']
    """
    return [*FAMILIES, *BOUNDARIES.values()]


# ---------------------------------------------------------------- deepstate

_ID = re.compile(r"^\d{9,10}$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COMPACT_DAY = re.compile(r"^\d{8}$")


def _check_id(value: Any, where: str) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not _ID.match(text):
        raise DatasetError(f"{where}: {value!r} is not a DeepStateMap id (a Unix time)")
    return int(text)


def _moment(when: Any) -> dt.datetime | int | None:
    """Turn `when` into a UTC moment, an exact id, or None for the latest map."""
    if when is None:
        return None
    if isinstance(when, int) and not isinstance(when, bool):
        return _check_id(when, "deepstate")
    if isinstance(when, dt.datetime):
        return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    if isinstance(when, dt.date):
        return dt.datetime.combine(when, dt.time(23, 59, 59), tzinfo=dt.UTC)
    text = str(when).strip()
    if text.lower() in ("latest", "last", "now"):
        return None
    if _ID.match(text):
        return int(text)
    if _ISO_DAY.match(text) or _COMPACT_DAY.match(text):
        return _moment(_parse_day(text, "deepstate"))
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise DatasetError(
            f"deepstate: {when!r} is not a date (YYYY-MM-DD), an ISO date-time, "
            "a DeepStateMap id (Unix time) or 'latest'"
        ) from None
    return _moment(moment)


def _parse_day(value: Any, kind: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if _COMPACT_DAY.match(text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if _ISO_DAY.match(text):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(text)
    raise DatasetError(f"{kind}: {value!r} is not a date (YYYY-MM-DD)")


def deepstate_ids(
    *,
    refresh: bool = False,
    downloader: Downloader | None = None,
    progressbar: bool | None = None,
) -> list[int]:
    """Return the ids (Unix times of publication) of DeepStateMap's maps.

    The listing ``/api/history/public`` is cached as ``listings/deepstate.json``
    (outside ``deepstate/``, so that folder holds only maps) and downloaded
    again when `refresh` is true or it is not cached.

    Parameters
    ----------
    refresh : bool
        Download the listing even if it is cached.
    downloader : callable, optional
        A pooch downloader; default: the mirror if ``KURSKGEO_MIRROR`` is set,
        else HTTPS.
    progressbar : bool, optional
        Progress bar on stderr for large downloads (default: if a terminal).

    Returns
    -------
    list of int
        Sorted, unique.

    Raises
    ------
    DatasetError
        If the listing cannot be fetched or is not a list of ``{"id": ...}``.
    """
    path = inside(cache_dir(), LISTING_FNAME)
    get = downloader_for(downloader, progressbar)
    if refresh or not path.is_file():
        retrieve(
            DEEPSTATE_LISTING,
            LISTING_FNAME,
            sha256=None,
            record_hash=False,
            downloader=get,
            fresh=True,
        )
    try:
        records = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        path.unlink(missing_ok=True)
        raise DatasetError(
            f"{path}: the DeepStateMap history listing is not JSON ({exc}); "
            "it was removed, try again"
        ) from None
    if isinstance(records, dict):
        records = records.get("data", records.get("items"))
    if not isinstance(records, list):
        raise DatasetError(
            f"{path}: expected a JSON list of {{'id': <unix time>, ...}} records "
            f"from {DEEPSTATE_LISTING}"
        )
    ids = set()
    for i, rec in enumerate(records):
        ident = rec.get("id") if isinstance(rec, dict) else rec
        ids.add(_check_id(ident, f"{path}: record {i}"))
    return sorted(ids)


def fetch_deepstate(
    when: Any = None,
    *,
    downloader: Downloader | None = None,
    progressbar: bool | None = None,
) -> Path:
    """Fetch the DeepStateMap map published at or before a moment.

    Parameters
    ----------
    when : date, datetime, str or int, optional
        A date (the map current at the end of that UTC day), a date-time (UTC
        if naive), an id (the Unix time of one map, fetched as is), or
        ``None``/``"latest"`` for the newest map.
    downloader : callable, optional
        A pooch downloader ``downloader(url, output_file, pooch)``.
    progressbar : bool, optional
        Progress bar on stderr for large downloads (default: if a terminal).

    Returns
    -------
    pathlib.Path
        The cached ``deepstate/<id>.geojson``; :func:`kurskgeo.read_snapshot`
        reads it (zones ``occupied``, ``liberated``, ``contested``, ``other``).

    Raises
    ------
    DatasetError
        If `when` is malformed, precedes the first map, or the download fails
        (the message names ``KURSKGEO_MIRROR`` when there is no network).

    Notes
    -----
    The history listing is downloaded again when the moment asked is later
    than the time the cached listing was fetched, so a newer map is never
    missed and an older one never costs a second listing download.

    Examples
    --------
    >>> path = fetch_deepstate("2025-01-17")  # doctest: +SKIP
    >>> path.name  # doctest: +SKIP
    '1737150794.geojson'
    """
    moment = _moment(when)
    get = downloader_for(downloader, progressbar)
    if isinstance(moment, int):
        ident = moment
    else:
        listing = inside(cache_dir(), LISTING_FNAME)
        stale = not listing.is_file() or moment is None
        if not stale and moment is not None:
            fetched = dt.datetime.fromtimestamp(listing.stat().st_mtime, tz=dt.UTC)
            stale = moment > fetched
        if isinstance(get, MirrorDownloader):
            stale = True  # a local copy costs nothing and may have changed
        ids = deepstate_ids(refresh=stale, downloader=get)
        if moment is None:
            if not ids:
                raise DatasetError("DeepStateMap's history listing is empty")
            ident = ids[-1]
        else:
            limit = moment.timestamp()
            before = [i for i in ids if i <= limit]
            if not before:
                first = dt.datetime.fromtimestamp(ids[0], tz=dt.UTC) if ids else None
                raise DatasetError(
                    f"deepstate: no map published at or before {moment.isoformat()}"
                    + (f"; the history starts at {first.isoformat()}" if first else "")
                )
            ident = before[-1]
    return retrieve(
        f"{DEEPSTATE_API}/{ident}/geojson",
        f"deepstate/{ident}.geojson",
        sha256=None,
        record_hash=True,
        downloader=get,
    )


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
    day = _parse_day(date, "occupied")
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
        A key of :data:`BOUNDARIES` (``"kursk-oblast"``).
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
        record_hash=False,
        downloader=downloader_for(downloader, progressbar),
    )


# ---------------------------------------------------------------- specs

_SPEC = re.compile(r"^\s*([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.*?)\s*$")


def fetch_spec(
    spec: str,
    *,
    downloader: Downloader | None = None,
    progressbar: bool | None = None,
) -> Path:
    """Fetch a dataset named ``kind:what`` and return its cached path.

    Parameters
    ----------
    spec : str
        ``deepstate:2025-01-17`` (or ``deepstate:<unix id>``,
        ``deepstate:latest``), ``occupied:2025-03-06`` or
        ``boundary:kursk-oblast``.
    downloader : callable, optional
        A pooch downloader ``downloader(url, output_file, pooch)``.
    progressbar : bool, optional
        Progress bar on stderr for large downloads (default: if a terminal).

    Returns
    -------
    pathlib.Path
        The cached file.

    Raises
    ------
    DatasetError
        If the kind is unknown or the rest is malformed, or fetching fails.

    Examples
    --------
    >>> fetch_spec("boundary:kursk-oblast")  # doctest: +SKIP
    PosixPath('/home/me/.cache/kurskgeo/boundary/kursk-oblast.geojson')
    """
    m = _SPEC.match(str(spec))
    if not m:
        raise DatasetError(
            f"{spec!r} is not a dataset name of the form kind:what, e.g. "
            "deepstate:2025-01-17, occupied:2025-03-06, boundary:kursk-oblast"
        )
    kind, what = m.group(1).lower(), m.group(2)
    kw: dict[str, Any] = {"downloader": downloader, "progressbar": progressbar}
    if kind == "deepstate":
        return fetch_deepstate(what or None, **kw)
    if kind == "occupied":
        return fetch_occupied(what, **kw)
    if kind == "boundary":
        return fetch_boundary(what or "kursk-oblast", **kw)
    raise DatasetError(
        f"{spec!r}: unknown dataset kind {kind!r}; known: {', '.join(KINDS)}"
    )
