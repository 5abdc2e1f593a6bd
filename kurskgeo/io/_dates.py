"""Dates of snapshots: ISO 8601 text, and the dates and moments file names carry."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from kurskgeo.errors import SnapshotError

_DATE_PATTERNS = (
    re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"),
    re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"),
)
_UNIX_STEM = re.compile(r"^(\d{9,10})(?:\.\d+)?$")


def parse_date(value: Any) -> dt.date:
    """Parse an ISO 8601 date (or date-time) into a :class:`datetime.date`.

    Accepts ``date``/``datetime`` objects (and pandas timestamps),
    ``"2025-01-17"``, ``"20250117"`` and ISO date-times such as
    ``"2025-01-17T10:00:00Z"``.

    Raises
    ------
    ValueError
        If `value` is not a date.

    Examples
    --------
    >>> parse_date("2025-01-17"), parse_date("20240814")
    (datetime.date(2025, 1, 17), datetime.date(2024, 8, 14))
    >>> parse_date("2024/10/01 00:00:00")  # GDAL's text of a date field
    datetime.date(2024, 10, 1)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):  # pandas.Timestamp, without importing pandas
        return value.to_pydatetime().date()
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{8}", text):
            text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
        # GDAL's text of a date field (a Shapefile's, say): 2024/10/01 00:00:00
        gdal = re.fullmatch(r"(\d{4})/(\d{2})/(\d{2})(?:[ T][\d:.+]*)?", text)
        if gdal:
            text = "-".join(gdal.groups())
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text)
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not an ISO 8601 date (YYYY-MM-DD)")


def date_from_name(name: str) -> tuple[dt.date | None, dt.datetime | None]:
    """Find the date (and moment, for Unix-time names) a file name carries.

    Examples
    --------
    >>> date_from_name("deepstatemap_data_20240814.geojson")
    (datetime.date(2024, 8, 14), None)
    >>> date_from_name("1737150794.geojson")[1].isoformat()
    '2025-01-17T21:53:14+00:00'
    """
    stem = name.split(".", 1)[0]
    m = _UNIX_STEM.match(stem)
    if m:
        moment = dt.datetime.fromtimestamp(int(m.group(1)), tz=dt.UTC)
        return moment.date(), moment
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(name):
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), None
            except ValueError:
                continue
    return None, None


def checked_date(value: Any, path: Path | str, where: str) -> dt.date:
    """:func:`parse_date`, raising a :class:`SnapshotError` that names the file."""
    try:
        return parse_date(value)
    except ValueError:
        raise SnapshotError(
            f"{path}: {where} is {value!r}, not a YYYY-MM-DD date"
        ) from None


def moment_from_id(value: Any) -> dt.datetime | None:
    """Return the publication moment of an API record's ``id`` (Unix time)."""
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and 1e8 < value < 1e10
    ):
        return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
    return None
