"""Days as dataset names write them, and the thinning of a range of days."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import Any

from kurskgeo.errors import DatasetError

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
COMPACT_DAY = re.compile(r"^\d{8}$")

EVERY = ("all", "day", "week")


def parse_day(value: Any, kind: str) -> dt.date:
    """Return the day `value` names (a date, or ``YYYY-MM-DD``/``YYYYMMDD``)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if COMPACT_DAY.match(text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if ISO_DAY.match(text):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(text)
    raise DatasetError(f"{kind}: {value!r} is not a date (YYYY-MM-DD)")


def check_every(every: Any) -> str:
    value = str(every).strip().lower()
    if value not in EVERY:
        raise DatasetError(
            f"deepstate: every={every!r} is not one of {', '.join(EVERY)} "
            "(all maps, the last of each UTC day, the last of each ISO week)"
        )
    return value


def day_bounds(start: Any, end: Any) -> tuple[dt.date, dt.date]:
    first = parse_day(start, "deepstate")
    last = parse_day(end, "deepstate")
    if last < first:
        raise DatasetError(
            f"deepstate: the range {first}..{last} ends before it starts"
        )
    return first, last
