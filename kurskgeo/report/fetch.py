"""The real inputs of ``report --source deepstate``: the maps the claims need.

The claims decide the window: from the earliest start of an event a claim
counts from (or its date, for a claim with no start) to the last claim's date
plus the days a later map may stand for it (``max_age_days``), never past
today. Every map of that window is fetched, thinned to the last of each week
(or day), and so is the map current on each date a claim names (its date, and
the date it counts from), since the thinned series may skip it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kurskgeo.errors import KurskgeoError

__all__ = ["SOURCES", "claims_window", "deepstate_maps"]

#: What ``report --source`` knows.
SOURCES = ("deepstate",)


def claims_window(
    claims: Sequence[Any], *, max_age_days: int, start: dt.date | None = None
) -> tuple[dt.date, dt.date, list[dt.date]]:
    """Return the first and last day the claims need maps for, and their dates.

    Examples
    --------
    >>> from kurskgeo.claims import Claim
    >>> c = Claim(id="a", date=dt.date(2025, 1, 17), value=1, unit="km2",
    ...           start=dt.date(2024, 8, 6))
    >>> claims_window([c], max_age_days=14, start=None)[:2]
    (datetime.date(2024, 8, 6), datetime.date(2025, 1, 31))
    """
    if not claims:
        raise KurskgeoError(
            "no claims to fetch maps for: --source deepstate fetches the maps the "
            "claims need; give a claims file with --claims"
        )
    days: set[dt.date] = set()
    firsts: list[dt.date] = []
    lasts: list[dt.date] = []
    for c in claims:
        moment = c.as_of or c.date
        days.add(moment)
        if isinstance(c.since, dt.date):
            days.add(c.since)
            firsts.append(c.since)
        begin = c.start or start
        firsts.append(begin if begin is not None else moment)
        age = c.max_age_days if c.max_age_days is not None else max_age_days
        lasts.append(moment + dt.timedelta(days=age))
    today = dt.datetime.now(dt.UTC).date()
    last = min(max(lasts), today)
    return min(min(firsts), last), last, sorted(days)


def deepstate_maps(
    claims: Sequence[Any],
    *,
    every: str = "week",
    max_age_days: int = 14,
    start: dt.date | None = None,
    say: Callable[[str], None] | None = None,
) -> list[Path]:
    """Fetch the DeepStateMap maps `claims` need; return their cached paths.

    Parameters
    ----------
    claims : sequence of Claim
    every : {"week", "day", "all"}
        The thinning of the window's maps (the last of each ISO week or UTC
        day, or all of them).
    max_age_days : int
        As for :func:`kurskgeo.claims.check_claims`: how long after a claim's
        date a map may still stand for it.
    start : date, optional
        The start of the event for claims that give none.
    say : callable, optional
        Called with a short progress message.

    Returns
    -------
    list of pathlib.Path
        One file per map, oldest first, each once.

    Raises
    ------
    DatasetError
        If the listing or a map cannot be fetched (the message says why and
        what to do: ``KURSKGEO_MIRROR``, a token, or a folder of exports).
    """
    import warnings

    from kurskgeo import datasets
    from kurskgeo.errors import StaleMapWarning

    first, last, days = claims_window(claims, max_age_days=max_age_days, start=start)
    if say is not None:
        say(
            f"fetching DeepStateMap's maps of {first} to {last} "
            f"({'all' if every == 'all' else 'the last of each ' + every}) and of "
            f"{len(days)} claim date(s)"
        )
    table = datasets.fetch_deepstate_range(first, last, every=every)
    paths = {int(i): Path(p) for i, p in zip(table["id"], table["path"], strict=True)}
    ids = datasets.deepstate_ids()  # the listing the range just read
    history_starts = dt.datetime.fromtimestamp(ids[0], dt.UTC).date() if ids else None
    for day in days:
        if history_starts is None or day < history_starts:
            continue  # no map yet on that day: its verdict will say so
        with warnings.catch_warnings():
            # how old the map of a claim's date is, the verdicts say (max_age_days)
            warnings.simplefilter("ignore", StaleMapWarning)
            path = datasets.fetch_deepstate(day)
        paths[int(path.stem)] = path
    return [paths[i] for i in sorted(paths)]
