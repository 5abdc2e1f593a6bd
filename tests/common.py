"""Geometries and GeoJSON writers shared by the tests (after shapely's tests/common.py)."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
from pyproj import Geod

WGS84 = Geod(ellps="WGS84")
A = 6378137.0
F = 1 / 298.257223563
B = A * (1 - F)
E = math.sqrt(F * (2 - F))


def quadrangle_area_km2(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Closed-form area of the WGS84 quadrangle between two parallels and two meridians."""

    def q(phi_deg: float) -> float:
        s = math.sin(math.radians(phi_deg))
        return s / (1 - E**2 * s**2) + math.log((1 + E * s) / (1 - E * s)) / (2 * E)

    return B**2 / 2 * math.radians(lon2 - lon1) * (q(lat2) - q(lat1)) / 1e6


def quadrangle_ring(
    lon1: float, lat1: float, lon2: float, lat2: float, step: float = 0.002
) -> list[list[float]]:
    """A counter-clockwise ring following the parallels (densely) and meridians."""
    lons = np.arange(lon1, lon2, step).tolist() + [lon2]
    ring = [[x, lat1] for x in lons] + [[x, lat2] for x in reversed(lons)]
    ring.append(ring[0])
    return ring


def geodesic_circle(
    lon: float, lat: float, radius_m: float, n: int = 720
) -> list[list[float]]:
    """A ring of points at a geodesic distance from a centre (counter-clockwise)."""
    az = np.linspace(0, -360, n, endpoint=False)
    x, y, _ = WGS84.fwd(np.full(n, lon), np.full(n, lat), az, np.full(n, radius_m))
    ring = np.column_stack([x, y]).tolist()
    ring.append(ring[0])
    return ring


def feature(geometry: dict[str, Any] | None, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def polygon(*rings: list[list[float]]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [list(r) for r in rings]}


def collection(*features: dict[str, Any], **members: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", **members, "features": list(features)}


def write_geojson(path: Path, doc: Any, *, gz: bool = False) -> Path:
    data = json.dumps(doc).encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def box_ring(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def mirror_place(mirror: Path, url: str, source: Path | bytes) -> Path:
    """Put `source` in `mirror` where `url` lies (a symlink for a file)."""
    from kurskgeo.datasets import mirror_path

    dest = mirror.joinpath(*mirror_path(url).parts)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(source, bytes):
        dest.write_bytes(source)
    else:
        dest.symlink_to(source)
    return dest


def build_mirror(root: Path, shared_data: Path) -> Path:
    """Lay out `root` like the remote, from symlinks into the real data folder.

    DeepStateMap's listing (newest first, as the API gives it) and every map of
    ``deepstate-raw/``, the occupied archive's files, the Kursk Oblast
    boundary of the registry (the unmodified OSM districts file), and Natural
    Earth's countries (Russia and Ukraine only).
    """
    import datetime as dt

    from kurskgeo.datasets import BOUNDARIES, DEEPSTATE_API
    from kurskgeo.datasets.registry import OCCUPIED_BASE

    raw = sorted((shared_data / "deepstate-raw").glob("*.geojson"))
    listing = [
        {
            "id": int(p.stem),
            "createdAt": dt.datetime.fromtimestamp(int(p.stem), dt.UTC).isoformat(),
        }
        for p in raw
    ]
    mirror_place(root, f"{DEEPSTATE_API}/public", json.dumps(listing[::-1]).encode())
    for p in raw:
        mirror_place(root, f"{DEEPSTATE_API}/{p.stem}/geojson", p)
    for p in (shared_data / "deepstate-occupied").glob("*.geojson"):
        mirror_place(root, f"{OCCUPIED_BASE}/{p.name}", p)
    mirror_place(
        root,
        BOUNDARIES["kursk-oblast"].url,
        shared_data / "boundaries" / "kursk_oblast_districts_osm.geojson",
    )
    # Natural Earth's countries file, as its two countries the Kursk maps need
    # (the extracts of the shared data, put together when the mirror is made)
    countries = [
        feature
        for name in ("russia", "ukraine")
        for feature in json.loads(
            (shared_data / "context" / f"natural_earth_10m_{name}.geojson").read_bytes()
        )["features"]
    ]
    mirror_place(
        root,
        BOUNDARIES["countries"].url,
        json.dumps({"type": "FeatureCollection", "features": countries}).encode(),
    )
    return root
