"""Where a file came from: the dataset name, URL and version of a cached file.

:func:`describe` turns a path in kurskgeo's cache back into what a manifest
must say of it (``deepstate:1723059640``, its URL, when the map was published,
the credit its source asks for), and :func:`sha256` hashes any file, so that a
report can name every input and a later run can check it read the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from kurskgeo.datasets._download import sha256_of as sha256
from kurskgeo.datasets._locations import cache_dir
from kurskgeo.datasets.registry import (
    BOUNDARIES,
    DEEPSTATE_API,
    OCCUPIED_BASE,
    OCCUPIED_COMMIT,
)

__all__ = ["CREDITS", "describe", "sha256"]

#: How a report credits each family of datasets (figures and numbers only:
#: kurskgeo never copies their files into a report).
CREDITS = {
    "deepstate": "DeepStateMap.live (© DEEPSTATEUATECH LLC)",
    "occupied": (
        "DeepStateMap.live, via cyterat/deepstate-map-data "
        f"(commit {OCCUPIED_COMMIT[:7]})"
    ),
    "boundary": "© OpenStreetMap contributors (ODbL 1.0)",
}

_DEEPSTATE = re.compile(r"^deepstate/(\d{9,10})\.geojson$")
_OCCUPIED = re.compile(r"^occupied/deepstatemap_data_(\d{4})(\d{2})(\d{2})\.geojson$")


def describe(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """Return what the cache knows of `path`, or None if it is not a cached dataset.

    Parameters
    ----------
    path : path-like
        A file, usually one returned by a ``fetch_*`` function.

    Returns
    -------
    dict or None
        ``dataset`` (the name that fetches it again), ``kind``, ``url``,
        ``credit``, and ``map_id`` and ``published`` (ISO 8601, UTC) for a
        DeepStateMap map, ``day`` for an occupied file, ``version`` (the
        pinned commit) for a boundary or an occupied file.

    Examples
    --------
    >>> describe(cache_dir() / "deepstate" / "1723059640.geojson")["published"]
    '2024-08-07T19:40:40+00:00'
    >>> describe("somewhere/else.geojson") is None
    True
    """
    try:
        rel = Path(path).resolve().relative_to(cache_dir())
    except ValueError:
        return None
    name = rel.as_posix()
    m = _DEEPSTATE.match(name)
    if m:
        ident = int(m.group(1))
        return {
            "dataset": f"deepstate:{ident}",
            "kind": "deepstate",
            "url": f"{DEEPSTATE_API}/{ident}/geojson",
            "map_id": ident,
            "published": dt.datetime.fromtimestamp(ident, dt.UTC).isoformat(),
            "credit": CREDITS["deepstate"],
        }
    m = _OCCUPIED.match(name)
    if m:
        day = "-".join(m.groups())
        return {
            "dataset": f"occupied:{day}",
            "kind": "occupied",
            "url": f"{OCCUPIED_BASE}/{rel.name}",
            "day": day,
            "version": OCCUPIED_COMMIT,
            "credit": CREDITS["occupied"],
        }
    for key, entry in BOUNDARIES.items():
        if entry.fname == name:
            return {
                "dataset": f"boundary:{key}",
                "kind": "boundary",
                "url": entry.url,
                "version": entry.version,
                "credit": entry.credit,
            }
    return None
