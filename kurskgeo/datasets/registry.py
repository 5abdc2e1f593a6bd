"""The registry: the upstream files kurskgeo knows, where they come from and land.

See :mod:`kurskgeo.datasets` for fetching them, and ``docs/sources.md`` for
their licences.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote

__all__ = [
    "BOUNDARIES",
    "DEEPSTATE_API",
    "ENV_CACHE",
    "ENV_DEEPSTATE_TOKEN",
    "ENV_MIRROR",
    "FAMILIES",
    "KINDS",
    "NATURAL_EARTH_COMMIT",
    "OCCUPIED_COMMIT",
    "STALE_DAYS",
    "Dataset",
]

#: Environment variable naming the cache folder.
ENV_CACHE = "KURSKGEO_CACHE"
#: Environment variable naming a local mirror folder (no network then).
ENV_MIRROR = "KURSKGEO_MIRROR"
#: Environment variable holding a token for DeepStateMap's API, if its
#: maintainers granted one; sent as ``Authorization: Bearer <token>`` to
#: deepstatemap.live only.
ENV_DEEPSTATE_TOKEN = "KURSKGEO_DEEPSTATE_TOKEN"

#: A DeepStateMap map asked for a date (or a moment) that was published more
#: than this many days before it gets a :class:`~kurskgeo.errors.StaleMapWarning`.
STALE_DAYS = 3

#: DeepStateMap's public history API.
DEEPSTATE_API = "https://deepstatemap.live/api/history"
DEEPSTATE_LISTING = f"{DEEPSTATE_API}/public"
LISTING_FNAME = "listings/deepstate.json"

#: The commit of cyterat/deepstate-map-data the occupied-territory files are
#: read at (2026-08-22). Files in its ``data/`` folder are never changed once
#: added, so every file at this commit is immutable.
OCCUPIED_COMMIT = "e904719a6726c7e6b5d6e87a7701e1b77b18e554"
OCCUPIED_BASE = f"https://raw.githubusercontent.com/cyterat/deepstate-map-data/{OCCUPIED_COMMIT}/data"
OCCUPIED_FIRST = dt.date(2024, 7, 8)
OCCUPIED_LAST = dt.date(2026, 8, 22)

BOUNDARY_COMMIT = "5af46d6dab9a502713611846892e4185f157dab7"

#: The commit of nvkelso/natural-earth-vector the country outlines are read at
#: (Natural Earth 5.1); the file's hash is recorded at its first download.
NATURAL_EARTH_COMMIT = "709ffdf7e55f73a0d81dd1adcb4a1032a38e3730"

#: What ``kind:what`` dataset names start with.
KINDS = ("deepstate", "occupied", "boundary")


@dataclass(frozen=True)
class Dataset:
    """One entry of the registry: a file, or a family of files by date.

    Attributes
    ----------
    name : str
        ``kind:what`` as :func:`fetch_spec` takes it (``what`` is a
        placeholder such as ``YYYY-MM-DD`` for families).
    url : str
        The upstream URL (a template for families).
    fname : str
        Where the file lands, relative to :func:`cache_dir`.
    sha256 : str or None
        The file's hash where it is known in advance; ``None`` where it is
        recorded at the first download (trust on first use).
    description, licence : str
        What the file holds and the licence its source states.
    credit : str
        How a report credits it.
    version : str
        The pinned commit its URL reads.
    """

    name: str
    url: str
    fname: str
    sha256: str | None
    description: str
    licence: str
    credit: str = ""
    version: str = ""


#: Region boundaries, by the name :func:`fetch_boundary` takes.
BOUNDARIES: dict[str, Dataset] = {
    "kursk-oblast": Dataset(
        name="boundary:kursk-oblast",
        url=(
            "https://raw.githubusercontent.com/timurkanaz/Russia_geojson_OSM/"
            f"{BOUNDARY_COMMIT}/"
            + quote("GeoJson's/Regions/CFO/Курская область_Kursk region.geojson")
        ),
        fname="boundary/kursk-oblast.geojson",
        sha256="96e2679d3dd1893ebba392dce247871c4943b7a014a97b240782e85536eb9dc0",
        description=(
            "Kursk Oblast: its 33 districts and cities from OpenStreetMap "
            "(Nominatim, late 2020); kurskgeo merges them when used as a region"
        ),
        licence="ODbL 1.0, © OpenStreetMap contributors",
        credit="© OpenStreetMap contributors (ODbL 1.0)",
        version=BOUNDARY_COMMIT,
    ),
    "countries": Dataset(
        name="boundary:countries",
        url=(
            "https://raw.githubusercontent.com/nvkelso/natural-earth-vector/"
            f"{NATURAL_EARTH_COMMIT}/geojson/ne_10m_admin_0_countries.geojson"
        ),
        fname="boundary/ne_10m_admin_0_countries.geojson",
        sha256=None,
        description=(
            "Natural Earth 1:10m Admin 0 countries: the country outlines drawn "
            "under the maps of a real report (orientation, not a region to measure)"
        ),
        licence="public domain (Natural Earth, naturalearthdata.com)",
        credit="Natural Earth (public domain)",
        version=NATURAL_EARTH_COMMIT,
    ),
}

FAMILIES = (
    Dataset(
        name="deepstate:YYYY-MM-DD|<unix id>|latest|FROM..TO[@day|@week]",
        url=f"{DEEPSTATE_API}/<id>/geojson",
        fname="deepstate/<id>.geojson",
        sha256=None,
        description=(
            "DeepStateMap's full map published at or before the moment asked "
            "(end of the UTC day for a date); FROM..TO: every map published in "
            "those UTC days, or the last of each day or ISO week"
        ),
        licence=(
            "DeepStateMap.live License Agreement (deepstatemap.live/license-en.html), "
            "© DEEPSTATEUATECH LLC; credit DeepStateMap.live"
        ),
    ),
    Dataset(
        name="occupied:YYYY-MM-DD",
        url=f"{OCCUPIED_BASE}/deepstatemap_data_YYYYMMDD.geojson",
        fname="occupied/deepstatemap_data_YYYYMMDD.geojson",
        sha256=None,
        description=(
            "Occupied territory of Ukraine (DeepStateMap's Occupied, CADR and "
            f"CALR, Occupied Crimea), daily {OCCUPIED_FIRST} to {OCCUPIED_LAST}"
        ),
        licence="GPL-3.0 (cyterat/deepstate-map-data); DeepStateMap's terms unstated",
    ),
)

#: URL prefixes downloads may come from; anything else is refused.
ALLOWED = (
    f"{DEEPSTATE_API}/",
    f"{OCCUPIED_BASE}/",
    *(d.url for d in BOUNDARIES.values()),
)
