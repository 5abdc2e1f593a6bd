"""DeepStateMap's published maps: their ids, one map, or a range of days."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kurskgeo.datasets._days import (
    COMPACT_DAY,
    ISO_DAY,
    check_every,
    day_bounds,
    parse_day,
)
from kurskgeo.datasets._download import (
    Downloader,
    MirrorDownloader,
    downloader_for,
    retrieve,
    sha256_of,
)
from kurskgeo.datasets._locations import cache_dir, inside
from kurskgeo.datasets.registry import (
    DEEPSTATE_API,
    DEEPSTATE_LISTING,
    LISTING_FNAME,
    STALE_DAYS,
)
from kurskgeo.errors import DatasetError, StaleMapWarning, warn

if TYPE_CHECKING:
    import pandas as pd


_ID = re.compile(r"^\d{9,10}$")


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
    if ISO_DAY.match(text) or COMPACT_DAY.match(text):
        return _moment(parse_day(text, "deepstate"))
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise DatasetError(
            f"deepstate: {when!r} is not a date (YYYY-MM-DD), an ISO date-time, "
            "a DeepStateMap id (Unix time) or 'latest'"
        ) from None
    return _moment(moment)


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


def _listing_ids(until: dt.datetime | None, get: Downloader) -> list[int]:
    """Return the listing's ids, downloading it again if it may miss maps to `until`.

    `until` None (the newest map) always refreshes; so does a mirror (a local
    copy costs nothing and may have changed).
    """
    listing = inside(cache_dir(), LISTING_FNAME)
    stale = until is None or not listing.is_file()
    if not stale and until is not None:
        fetched = dt.datetime.fromtimestamp(listing.stat().st_mtime, tz=dt.UTC)
        stale = until > fetched
    if isinstance(get, MirrorDownloader):
        stale = True
    return deepstate_ids(refresh=stale, downloader=get)


def _fetch_map(ident: int, get: Downloader) -> Path:
    return retrieve(
        f"{DEEPSTATE_API}/{ident}/geojson",
        f"deepstate/{ident}.geojson",
        sha256=None,
        record_hash=True,
        downloader=get,
        label=f"DeepStateMap map {ident}",
    )


def _utc(ident: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ident, tz=dt.UTC)


_MONTHS = (
    "January February March April May June July August September October "
    "November December"
).split()


def _long_date(day: dt.date) -> str:
    """``17 January 2025`` whatever the locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _asked_day(when: Any) -> dt.date | None:
    """Return the date `when` names if it names a whole day (not a moment, an id)."""
    if isinstance(when, dt.datetime):
        return None
    if isinstance(when, dt.date):
        return when
    text = str(when).strip()
    if ISO_DAY.match(text) or COMPACT_DAY.match(text):
        return parse_day(text, "deepstate")
    return None


def _warn_if_stale(
    when: Any, moment: dt.datetime, ident: int, max_age_days: float | None
) -> None:
    """Warn (StaleMapWarning) if map `ident` is `max_age_days` older than `moment`."""
    if max_age_days is None:
        return
    published = _utc(ident)
    age = (moment.date() - published.date()).days
    if age <= max_age_days:
        return
    day = _asked_day(when)
    asked = (
        _long_date(day)
        if day is not None
        else moment.isoformat(timespec="seconds").replace("+00:00", " UTC")
    )
    label = when.isoformat() if isinstance(when, dt.date) else str(when).strip()
    warn(
        f"deepstate:{label}: the last map published on or before {asked} is of "
        f"{_long_date(published.date())}, {age} day{'s' if age != 1 else ''} older",
        StaleMapWarning,
        stacklevel=3,
    )


def fetch_deepstate(
    when: Any = None,
    *,
    max_age_days: float | None = STALE_DAYS,
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
    max_age_days : float or None
        Warn when the map found for a date or a date-time was published more
        than this many days (UTC calendar days) before it; default
        :data:`STALE_DAYS` (3). ``None``: never warn. The map is returned
        either way.
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
        (the message says what to do: ``KURSKGEO_MIRROR`` or a folder of
        exports without network, ``KURSKGEO_DEEPSTATE_TOKEN`` when the API
        refuses), or the map's sha256 differs from the one recorded at its
        first download (nothing of the new copy is kept).

    Warns
    -----
    StaleMapWarning
        The map current at the moment asked is older than `max_age_days`:
        "deepstate:2025-01-17: the last map published on or before 17 January
        2025 is of 8 January 2025, 9 days older".

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
        return _fetch_map(moment, get)
    ids = _listing_ids(moment, get)
    if moment is None:
        if not ids:
            raise DatasetError("DeepStateMap's history listing is empty")
        return _fetch_map(ids[-1], get)
    limit = moment.timestamp()
    before = [i for i in ids if i <= limit]
    if not before:
        first = _utc(ids[0]) if ids else None
        raise DatasetError(
            f"deepstate: no map published at or before {moment.isoformat()}"
            + (f"; the history starts at {first.isoformat()}" if first else "")
        )
    ident = before[-1]
    _warn_if_stale(when, moment, ident, max_age_days)
    return _fetch_map(ident, get)


#: What ``every`` takes in :func:`fetch_deepstate_range` (and ``@...`` in names).
RANGE_COLUMNS = ("id", "published", "path", "bytes", "sha256")


def _select(ids: list[int], first: dt.date, last: dt.date, every: str) -> list[int]:
    """Return the ids published in [first 00:00, last 23:59:59] UTC, by `every`."""
    lo = dt.datetime.combine(first, dt.time(0, 0, 0), tzinfo=dt.UTC).timestamp()
    hi = dt.datetime.combine(last, dt.time(23, 59, 59), tzinfo=dt.UTC).timestamp()
    inside_range = sorted(i for i in ids if lo <= i <= hi)
    if every == "all":
        return inside_range
    newest: dict[Any, int] = {}
    for ident in inside_range:  # ascending: the last one of a period wins
        day = _utc(ident).date()
        key = day if every == "day" else day.isocalendar()[:2]
        newest[key] = ident
    return sorted(newest.values())


def _recorded_sha256(path: Path) -> str:
    record = path.with_name(path.name + ".sha256")
    with contextlib.suppress(OSError, IndexError):
        return record.read_text().split()[0]
    return sha256_of(path)


def fetch_deepstate_range(
    start: Any,
    end: Any,
    *,
    every: str = "all",
    list_only: bool = False,
    downloader: Downloader | None = None,
    progressbar: bool | None = None,
) -> pd.DataFrame:
    """Fetch every DeepStateMap map published in a range of UTC days.

    Parameters
    ----------
    start, end : date or str
        The first and last day (``YYYY-MM-DD`` or ``YYYYMMDD``): the maps
        published from `start` 00:00:00 UTC to `end` 23:59:59 UTC, both
        included.
    every : {"all", "day", "week"}
        ``"all"``: every map; ``"day"``: the last map published on each UTC
        day; ``"week"``: the last map published in each ISO week (Monday to
        Sunday, UTC). Days or weeks without a map give no row; a week cut by
        `start` or `end` counts only its days inside the range.
    list_only : bool
        Only read the history listing; download no map (``path``, ``bytes``
        and ``sha256`` are then None).
    downloader : callable, optional
        A pooch downloader ``downloader(url, output_file, pooch)``.
    progressbar : bool, optional
        One progress bar on stderr over the maps of the range (default: if
        stderr is a terminal); the files themselves show no bar of their own.

    Returns
    -------
    pandas.DataFrame
        One row per map, oldest first: ``id`` (int, the Unix time of
        publication), ``published`` (UTC datetime), ``path`` (the cached
        file), ``bytes`` (its size) and ``sha256`` (recorded at its first
        download). ``attrs["downloaded"]`` counts the maps downloaded now;
        maps already in the cache (and matching their recorded sha256) are
        not downloaded again.

    Raises
    ------
    DatasetError
        If a day or `every` is malformed, `end` precedes `start`, or the
        listing or a map cannot be fetched or verified (as
        :func:`fetch_deepstate`). Maps fetched before the failure stay cached.

    Examples
    --------
    >>> weekly = fetch_deepstate_range(
    ...     "2024-08-06", "2025-04-30", every="week"
    ... )  # doctest: +SKIP
    >>> list(weekly.columns)  # doctest: +SKIP
    ['id', 'published', 'path', 'bytes', 'sha256']
    >>> weekly["published"].dt.isocalendar().week.is_unique  # doctest: +SKIP
    True
    """
    import pandas as pd

    first, last = day_bounds(start, end)
    every = check_every(every)
    # the range has one bar of its own; the files are downloaded without theirs
    get = downloader_for(downloader, False)
    until = dt.datetime.combine(last, dt.time(23, 59, 59), tzinfo=dt.UTC)
    chosen = _select(_listing_ids(until, get), first, last, every)
    rows: list[dict[str, Any]] = []
    downloads: list[str] = []

    def counted(url: str, output_file: Any, pooch: Any = None) -> None:
        downloads.append(url)
        get(url, output_file, pooch)

    if list_only:
        rows = [{"id": i, "path": None, "bytes": None, "sha256": None} for i in chosen]
    else:
        if progressbar is None:
            progressbar = sys.stderr.isatty()
        with _range_bar(progressbar, len(chosen)) as bar:
            for ident in chosen:
                path = _fetch_map(ident, counted)
                rows.append(
                    {
                        "id": ident,
                        "path": path,
                        "bytes": path.stat().st_size,
                        "sha256": _recorded_sha256(path),
                    }
                )
                bar.update(1)
    table = pd.DataFrame(
        {
            "id": pd.Series([r["id"] for r in rows], dtype="int64"),
            "published": pd.to_datetime(
                pd.Series([r["id"] for r in rows], dtype="int64"), unit="s", utc=True
            ),
            "path": pd.Series([r["path"] for r in rows], dtype=object),
            "bytes": pd.Series([r["bytes"] for r in rows], dtype="Int64"),
            "sha256": pd.Series([r["sha256"] for r in rows], dtype=object),
        },
        columns=list(RANGE_COLUMNS),
    )
    table.attrs.update(start=first, end=last, every=every, downloaded=len(downloads))
    return table


@contextlib.contextmanager
def _range_bar(show: bool, total: int) -> Iterator[Any]:
    from tqdm.auto import tqdm

    with tqdm(
        total=total,
        unit="map",
        desc="deepstate",
        file=sys.stderr,
        disable=not show,
        leave=False,
    ) as bar:
        yield bar
