"""Dataset names (``kind:what``): their grammar, and the files they stand for."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from kurskgeo.datasets._days import EVERY, check_every, day_bounds
from kurskgeo.datasets._download import (
    Downloader,
)
from kurskgeo.datasets.deepstate import fetch_deepstate, fetch_deepstate_range
from kurskgeo.datasets.files import fetch_boundary, fetch_occupied
from kurskgeo.datasets.registry import (
    KINDS,
)
from kurskgeo.errors import DatasetError

_SPEC = re.compile(r"^\s*([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.*?)\s*$")
_RANGE = re.compile(
    r"^(?P<start>[^.@\s]+)\s*\.\.\s*(?P<end>[^.@\s]+)\s*(?:@\s*(?P<every>\S*))?$"
)

_GRAMMAR = (
    "deepstate:2025-01-17, deepstate:1741215821, deepstate:latest, "
    "deepstate:2024-08-06..2025-04-30[@day|@week], occupied:2025-03-06, "
    "boundary:kursk-oblast"
)


def _split(spec: Any) -> tuple[str, str]:
    m = _SPEC.match(str(spec))
    if not m:
        raise DatasetError(
            f"{spec!r} is not a dataset name of the form kind:what, e.g. {_GRAMMAR}"
        )
    return m.group(1).lower(), m.group(2)


def _range(spec: Any, what: str) -> tuple[dt.date, dt.date, str] | None:
    """Parse ``FROM..TO[@every]``; None if `what` is not a range."""
    if ".." not in what and "@" not in what:
        return None
    m = _RANGE.match(what)
    if not m:
        raise DatasetError(
            f"{spec!r}: a range of maps is written FROM..TO or FROM..TO@day or "
            "FROM..TO@week, with FROM and TO dates (YYYY-MM-DD), e.g. "
            "deepstate:2024-08-06..2025-04-30@week"
        )
    first, last = day_bounds(m.group("start"), m.group("end"))
    every = m.group("every")
    if every is not None and every.strip().lower() not in EVERY:
        raise DatasetError(
            f"{spec!r}: @{every} is not one of @all, @day, @week (every map, the "
            "last of each UTC day, the last of each ISO week)"
        )
    return first, last, check_every("all" if every is None else every)


def is_range_spec(spec: str) -> bool:
    """Tell whether a dataset name is a DeepStateMap range (several files).

    Only the form is looked at (``deepstate:`` and ``..`` or ``@``); nothing
    is fetched, and a malformed range still counts as one (fetching it then
    says what is wrong).

    Examples
    --------
    >>> is_range_spec("deepstate:2024-08-06..2025-04-30@week")
    True
    >>> is_range_spec("deepstate:2025-01-17")
    False
    """
    m = _SPEC.match(str(spec))
    return bool(
        m and m.group(1).lower() == "deepstate" and re.search(r"\.\.|@", m.group(2))
    )


def fetch_spec(
    spec: str,
    *,
    downloader: Downloader | None = None,
    progressbar: bool | None = None,
) -> Path:
    """Fetch a dataset named ``kind:what`` and return its cached path.

    The grammar of dataset names (spaces around ``:``, ``..`` and ``@`` are
    allowed; dates are ``YYYY-MM-DD`` or ``YYYYMMDD``, days are UTC)::

        deepstate:DATE             the last map published on or before DATE
                                   23:59:59 UTC (a StaleMapWarning if it is
                                   more than STALE_DAYS days older)
        deepstate:DATE-TIME        the last map at or before that moment (ISO
                                   8601; UTC if naive)
        deepstate:ID               the map with that id (a Unix time, 9 or 10
                                   digits)
        deepstate:latest           the newest map (also deepstate:)
        deepstate:FROM..TO         every map published from FROM 00:00:00 to
                                   TO 23:59:59 UTC
        deepstate:FROM..TO@day     the last map of each UTC day of that range
        deepstate:FROM..TO@week    the last map of each ISO week (Monday to
                                   Sunday) of that range (@all: every map)
        occupied:DATE              the occupied-territory file of DATE
        boundary:NAME              a boundary of the registry (kursk-oblast,
                                   also boundary:; countries: Natural
                                   Earth's country outlines)

    A range stands for several files: fetch it with :func:`fetch_spec_files`
    (which takes every name); this function, which returns one path, refuses
    it.

    Parameters
    ----------
    spec : str
        A dataset name naming one file, e.g. ``deepstate:2025-01-17``,
        ``occupied:2025-03-06`` or ``boundary:kursk-oblast``.
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
        If the kind is unknown or the rest is malformed, the name is a range,
        or fetching fails.

    Examples
    --------
    >>> fetch_spec("boundary:kursk-oblast")  # doctest: +SKIP
    PosixPath('/home/me/.cache/kurskgeo/boundary/kursk-oblast.geojson')
    """
    kind, what = _split(spec)
    kw: dict[str, Any] = {"downloader": downloader, "progressbar": progressbar}
    if kind == "deepstate":
        if _range(spec, what) is not None:
            raise DatasetError(
                f"{spec!r} is a range of maps (several files) where one file is "
                "expected; name one date (e.g. deepstate:2025-01-17), or use "
                "fetch_spec_files() or fetch_deepstate_range() for a range"
            )
        return fetch_deepstate(what or None, **kw)
    if kind in ("occupied", "boundary") and re.search(r"\.\.|@", what):
        raise DatasetError(
            f"{spec!r}: ranges (FROM..TO, @day, @week) are accepted for deepstate "
            f"only; name one {'date' if kind == 'occupied' else 'boundary'}"
        )
    if kind == "occupied":
        return fetch_occupied(what, **kw)
    if kind == "boundary":
        return fetch_boundary(what or "kursk-oblast", **kw)
    raise DatasetError(
        f"{spec!r}: unknown dataset kind {kind!r}; known: {', '.join(KINDS)}"
    )


def fetch_spec_files(
    spec: str,
    *,
    downloader: Downloader | None = None,
    progressbar: bool | None = None,
) -> list[Path]:
    """Fetch every file a dataset name stands for: one, or a range's maps.

    Parameters
    ----------
    spec : str
        Any dataset name of :func:`fetch_spec`'s grammar, ranges included
        (``deepstate:2024-08-06..2025-04-30@week``).
    downloader : callable, optional
        A pooch downloader ``downloader(url, output_file, pooch)``.
    progressbar : bool, optional
        Progress bar on stderr (default: if a terminal): one over a range.

    Returns
    -------
    list of pathlib.Path
        The cached files, oldest map first for a range.

    Raises
    ------
    DatasetError
        As :func:`fetch_spec`; also if a range holds no map.

    Examples
    --------
    >>> paths = fetch_spec_files("deepstate:20240801..20240831@week")  # doctest: +SKIP
    >>> len(paths), paths[0].parent.name  # doctest: +SKIP
    (5, 'deepstate')
    """
    kind, what = _split(spec)
    found = _range(spec, what) if kind == "deepstate" else None
    if found is None:
        return [fetch_spec(spec, downloader=downloader, progressbar=progressbar)]
    first, last, every = found
    table = fetch_deepstate_range(
        first, last, every=every, downloader=downloader, progressbar=progressbar
    )
    if table.empty:
        raise DatasetError(
            f"{spec!r}: no DeepStateMap map was published from {first} to {last} "
            "(UTC); widen the range"
        )
    return list(table["path"])
