"""What maps are drawn from: snapshots, regions, context layers and places.

Each reader accepts a path or an in-memory table (or geometry) and returns
plain records in longitude/latitude: a :class:`_Region` for the clipping
region, :class:`_Context` layers (country fills and borders, with the credit
their source asks for) and ``(name, lon, lat)`` places.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from kurskgeo import limits
from kurskgeo.errors import SnapshotError
from kurskgeo.io import LONLAT
from kurskgeo.plot import style as _style

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd


log = logging.getLogger(__name__)


OSM_CREDIT = "Boundaries © OpenStreetMap contributors (ODbL)"


def _snapshot(data: Any) -> gpd.GeoDataFrame:
    from kurskgeo.io import as_snapshot, read_snapshot

    if isinstance(data, (str, os.PathLike)):
        return read_snapshot(data)
    return as_snapshot(data, stacklevel=4)


def _snap_date(snap: gpd.GeoDataFrame) -> dt.date | None:
    from kurskgeo.io import snapshot_date

    return snapshot_date(snap)


def _zones_arg(zone: str | Sequence[str] | None) -> list[str] | None:
    if zone is None:
        return None
    if isinstance(zone, str):
        return [zone]
    return [str(z) for z in zone] or None


def _present_zones(snaps: Sequence[gpd.GeoDataFrame]) -> list[str | None]:
    """Zones found in the snapshots, in the palette's order then by name."""
    found: set[str] = set()
    unnamed = False
    for snap in snaps:
        values = snap["zone"] if "zone" in snap.columns else pd.Series([None])
        for z in values:
            if isinstance(z, str):
                found.add(z)
            else:
                unnamed = True
    order = [z for z in _style.ZONE_STYLES if z in found]
    order += sorted(found - set(order))
    out: list[str | None] = list(order)
    if unnamed or not out:
        out.append(None)
    return out


@dataclass(frozen=True)
class _Region:
    geom: BaseGeometry  # lon/lat
    name: str | None
    credit: str | None


def _first_text(frame: pd.DataFrame, keys: Sequence[str]) -> str | None:
    for key in keys:
        if key in frame.columns:
            for value in frame[key]:
                if isinstance(value, str) and value.strip():
                    return value.strip()
    return None


_NAME_KEYS = ("name_en", "NAME_EN", "name", "NAME", "ADMIN", "shapeName", "ADM1_EN")


def _region(region: Any) -> _Region | None:
    if region is None:
        return None
    import geopandas as gpd

    from kurskgeo.io import read_region, read_snapshot

    name = credit = None
    frame: pd.DataFrame | None = None
    if isinstance(region, (str, os.PathLike)):
        frame = read_snapshot(region)
    elif isinstance(region, gpd.GeoDataFrame):
        frame = region
    geom = read_region(frame if frame is not None else region)
    if frame is not None:
        name = _first_text(frame, _NAME_KEYS)
        licence = _first_text(frame, ("license", "licence"))
        if licence and "openstreetmap" not in licence.lower():
            credit = f"Boundary: {licence}"
    return _Region(geom, name, credit or OSM_CREDIT)


@dataclass(frozen=True)
class _Context:
    geom: BaseGeometry  # lon/lat
    name: str | None
    credit: str | None


@lru_cache(maxsize=16)
def _read_context_file(path: str, mtime: float) -> list[_Context]:
    import warnings

    from kurskgeo.errors import KurskgeoWarning
    from kurskgeo.io import read_snapshot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KurskgeoWarning)
        frame = read_snapshot(path, date="1970-01-01")
    return _context_from_frame(frame)


def _context_from_frame(frame: pd.DataFrame) -> list[_Context]:
    credit = _context_credit(frame)
    key = next((k for k in _NAME_KEYS if k in frame.columns), None)
    out = []
    for i, geom in enumerate(frame.geometry.values):
        name = frame[key].iloc[i] if key is not None else None
        out.append(_Context(geom, name if isinstance(name, str) else None, credit))
    return out


def _context_credit(frame: pd.DataFrame) -> str | None:
    if "featurecla" in frame.columns or "ADM0_A3" in frame.columns:
        credit = "Borders: Natural Earth"
    elif "ADM1_PCODE" in frame.columns:
        credit = "Borders: OCHA COD-AB (CC BY-IGO)"
    else:
        return _first_text(frame, ("license", "licence", "source"))
    return credit


def _contexts(context: Any) -> list[_Context]:
    if context is None:
        return []
    import geopandas as gpd

    items = (
        [context]
        if isinstance(context, (str, os.PathLike, gpd.GeoDataFrame, BaseGeometry))
        else list(context)
    )
    out = []
    for item in items:
        if isinstance(item, (str, os.PathLike)):
            p = Path(item)
            if not p.is_file():
                raise SnapshotError(f"{p}: context layer not found")
            out.extend(_read_context_file(str(p.resolve()), p.stat().st_mtime))
        elif isinstance(item, BaseGeometry):
            out.append(_Context(item, None, None))
        else:
            from kurskgeo.io import as_snapshot

            out.extend(_context_from_frame(as_snapshot(item, stacklevel=4)))
    return out


#: Label priority of a place by its ``kind`` (lower goes first).
_PLACE_RANK = {"capital": 0, "city": 1, "town": 2, "village": 3}


def _rank(kind: Any) -> int:
    return _PLACE_RANK.get(str(kind).lower(), 4) if isinstance(kind, str) else 4


def _places(places: Any) -> list[tuple[str, float, float, int]]:
    """(name, lon, lat, rank) of point features with a ``name``.

    `rank` orders labels when they compete for room: cities before towns
    before villages (the ``kind`` property), then the others.
    """
    if places is None:
        return []
    import geopandas as gpd

    out: list[tuple[str, float, float, int]] = []
    if isinstance(places, gpd.GeoDataFrame):
        frame = places if places.crs is None else places.to_crs(LONLAT)
        key = next((k for k in _NAME_KEYS if k in frame.columns), None)
        if key is None:
            raise SnapshotError("the places table has no 'name' column")
        kinds = frame["kind"] if "kind" in frame.columns else [None] * len(frame)
        for name, g, kind in zip(frame[key], frame.geometry, kinds, strict=True):
            if g is not None and g.geom_type == "Point" and isinstance(name, str):
                out.append((name, g.x, g.y, _rank(kind)))
        return out
    path = Path(places)
    limits.check_input(path, SnapshotError)  # a named pipe would block GDAL
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # the GDAL engine's own errors
        raise SnapshotError(f"{path}: cannot read the places ({exc})") from None
    if frame.crs is not None and not frame.crs.equals(LONLAT):
        frame = frame.to_crs(LONLAT)
    key = next((k for k in _NAME_KEYS if k in frame.columns), None)
    kinds = frame["kind"] if "kind" in frame.columns else [None] * len(frame)
    for i, (name, g, kind) in enumerate(
        zip(
            frame[key] if key else [None] * len(frame),
            frame.geometry,
            kinds,
            strict=True,
        )
    ):
        if g is None or g.geom_type != "Point" or not isinstance(name, str):
            log.debug("%s: place %d has no name or is not a point; skipped", path, i)
            continue
        out.append((name, float(g.x), float(g.y), _rank(kind)))
    if not out:
        raise SnapshotError(
            f"{path}: no Point feature with a 'name' property; a places file "
            "holds points like {'type': 'Point', ...} with properties {'name': ...}"
        )
    return out


#: Columns that hold a source's own name of a layer (DeepStateMap: ``name_en``).
_LAYER_KEYS = ("name_en",)

#: A date after a layer name ("Liberated 25.03"): the same layer.
_LAYER_DATE = re.compile(r"\s+\d{1,2}\.\d{2}(\.\d{2,4})?$")


def _layer_names(
    snaps: Sequence[pd.DataFrame],
    zones: Sequence[str | None],
    region: _Region | None,
) -> dict[str, list[str]]:
    """Return the source's own layer names of each zone drawn, most frequent first.

    Only polygons that reach the region (or all, without one) count, so the
    credit names the layers the map shows.
    """
    import shapely

    counts: dict[str, dict[str, int]] = {}
    box = shapely.box(*region.geom.bounds) if region is not None else None
    for snap in snaps:
        key = next((k for k in _LAYER_KEYS if k in snap.columns), None)
        if key is None or "zone" not in snap.columns:
            continue
        sub = snap[snap["zone"].isin([z for z in zones if z is not None])]
        if box is not None and len(sub):
            sub = sub[shapely.intersects(np.asarray(sub.geometry.values), box)]
        for zone, name in zip(sub["zone"], sub[key], strict=True):
            if not isinstance(name, str) or not name.strip():
                continue
            text = _LAYER_DATE.sub("", name.strip())
            per = counts.setdefault(str(zone), {})
            per[text] = per.get(text, 0) + 1
    return {
        str(z): sorted(counts[z], key=lambda n: (-counts[z][n], n))
        for z in zones
        if z in counts
    }


def _sources(snaps: Sequence[pd.DataFrame]) -> list[str]:
    out: list[str] = []
    for snap in snaps:
        if "source" in snap.columns:
            for s in snap["source"]:
                if isinstance(s, str) and s.strip() and s != "unknown" and s not in out:
                    out.append(s)
    return out
