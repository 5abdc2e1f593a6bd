"""Map geometry: the projection and extent of a map, its zone layers and paths.

A :class:`_Frame` holds the plotted CRS, the equal-area CRS the areas are
measured in and the longitude/latitude box the map is about; a
:class:`_Layer` is one zone's union in the plotted CRS with its area and
style. The path helpers turn shapely geometries into matplotlib Paths
without a Python loop over rings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from kurskgeo.area.crs import as_crs, is_equal_area, laea
from kurskgeo.errors import SnapshotError
from kurskgeo.io import LONLAT
from kurskgeo.plot import style as _style
from kurskgeo.plot._inputs import _Region

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd


_PAD_FRACTION = 0.12


_MIN_SPAN_M = 20_000.0


def _project(geom: Any, src: CRS, dst: CRS) -> Any:
    from kurskgeo.area import project

    return project(
        np.asarray(geom if isinstance(geom, np.ndarray) else [geom]), src, dst
    )


def _focus_bounds(
    snaps: Sequence[gpd.GeoDataFrame], zones: list[str] | None, region: _Region | None
) -> tuple[float, float, float, float]:
    """Lon/lat box of what the maps are about: the zones, clipped to the region."""
    from kurskgeo.area import select_zone

    geoms = []
    for snap in snaps:
        sel = select_zone(snap, zones, strict=False)
        geoms.append(np.asarray(sel.geometry.values, dtype=object))
    arr = np.concatenate(geoms) if geoms else np.array([], dtype=object)
    if zones and len(arr) == 0:
        present = sorted({str(z) for snap in snaps for z in snap["zone"].dropna()})
        raise SnapshotError(
            f"no polygon of zone {', '.join(zones)} to map; zones here: "
            f"{', '.join(present) or 'none (the files name no zones)'}"
        )
    if region is not None and len(arr):
        rb = region.geom.bounds
        arr = shapely.clip_by_rect(arr, *rb)
        arr = arr[~shapely.is_empty(arr)]
        if len(arr):
            arr = shapely.intersection(arr, region.geom)
            arr = arr[~shapely.is_empty(arr)]
    if len(arr):
        b = shapely.total_bounds(arr)
    elif region is not None:
        b = np.asarray(region.geom.bounds)
    else:
        everything = np.concatenate([np.asarray(s.geometry.values) for s in snaps])
        b = shapely.total_bounds(everything) if len(everything) else np.full(4, np.nan)
    if not np.isfinite(b).all():
        raise SnapshotError("nothing to map: the snapshots hold no polygon")
    return float(b[0]), float(b[1]), float(b[2]), float(b[3])


@dataclass(frozen=True)
class _Frame:
    """The projection of a map and the extent it shows."""

    crs: CRS  # the plotted projection
    area_crs: CRS | None  # CRS the areas are measured in; None: kurskgeo's own
    focus: tuple[float, float, float, float]  # lon/lat


def _extent_box(extent: Any) -> tuple[float, float, float, float] | None:
    """Return a longitude/latitude box given as `extent`, checked; else None."""
    if extent is None or isinstance(extent, str):
        return None
    try:
        lon0, lat0, lon1, lat1 = (float(v) for v in extent)
    except (TypeError, ValueError):
        raise SnapshotError(
            f"extent must be None, 'region' or (lon0, lat0, lon1, lat1), not {extent!r}"
        ) from None
    if not (
        -180 <= lon0 < lon1 <= 180
        and -90 <= lat0 < lat1 <= 90
        and all(np.isfinite([lon0, lat0, lon1, lat1]))
    ):
        raise SnapshotError(
            f"extent {lon0}, {lat0}, {lon1}, {lat1} is not a box west, south, "
            "east, north in degrees (west < east, south < north)"
        )
    return lon0, lat0, lon1, lat1


def _frame(
    snaps: Sequence[gpd.GeoDataFrame],
    zones: list[str] | None,
    region: _Region | None,
    crs: Any,
    extent: Any = None,
) -> _Frame:
    box_given = _extent_box(extent)
    focus = box_given or _focus_bounds(snaps, zones, region)
    box = shapely.box(*focus)
    if crs is None or (isinstance(crs, str) and crs.lower() == "auto"):
        # drawn in a LAEA centred on what the map is about (north is up at its
        # centre); measured as everywhere else in kurskgeo. Maps given the
        # same extent share the same projection, hence the same view.
        centre = box.centroid
        return _Frame(laea(round(centre.x, 2), round(centre.y, 2)), None, focus)
    map_crs = as_crs(crs)
    if map_crs.is_geographic:
        from kurskgeo.errors import CRSError

        raise CRSError(
            f"{map_crs.name} is geographic: a map in degrees distorts areas; "
            "use crs='auto' (equal-area) or a projected CRS"
        )
    return _Frame(map_crs, map_crs if is_equal_area(map_crs) else None, focus)


def series_extent(
    snapshots: Sequence[Any],
    *,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    pad: float = _PAD_FRACTION,
) -> tuple[float, float, float, float]:
    """Return one longitude/latitude box that shows every snapshot of a series.

    The box holds the zones of all `snapshots` (clipped to `region`), with a
    margin of `pad` of its size on each side. Give it as ``extent=`` to
    every map of a series (:func:`plot_snapshot`, :func:`plot_change`,
    :func:`plot_small_multiples`) and they share one projection and one
    view, so two dates can be laid side by side.

    Parameters
    ----------
    snapshots : sequence of GeoDataFrame or paths
    zone : str or list of str, optional
        The zones mapped (all polygons if None).
    region : path, GeoDataFrame or geometry, optional
        The region the zones are clipped to.
    pad : float
        Margin on each side, as a fraction of the width and height.

    Returns
    -------
    (lon0, lat0, lon1, lat1)

    Raises
    ------
    SnapshotError
        If no snapshot is given, or none has a polygon of `zone`.

    Examples
    --------
    >>> import datetime as dt
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> def snap(day, west):
    ...     return gpd.GeoDataFrame(
    ...         {"date": [day], "source": ["test"], "label": ["t"],
    ...          "zone": ["liberated"]}, geometry=[box(west, 51.0, west + 0.2, 51.2)],
    ...         crs="OGC:CRS84")
    >>> a, b = snap(dt.date(2024, 9, 4), 35.0), snap(dt.date(2024, 9, 18), 35.3)
    >>> [round(v, 3) for v in series_extent([a, b], pad=0.0)]
    [35.0, 51.0, 35.5, 51.2]
    """
    from kurskgeo.plot._inputs import _region, _snapshot, _zones_arg

    snaps = [_snapshot(s) for s in snapshots]
    if not snaps:
        raise SnapshotError("series_extent needs at least one snapshot")
    lon0, lat0, lon1, lat1 = _focus_bounds(snaps, _zones_arg(zone), _region(region))
    mid = np.radians((lat0 + lat1) / 2)
    # at least the minimum span of a map, in degrees at this latitude
    min_lat = _MIN_SPAN_M / 111_320.0
    min_lon = min_lat / max(np.cos(mid), 0.05)
    w, h = max(lon1 - lon0, min_lon), max(lat1 - lat0, min_lat)
    cx, cy = (lon0 + lon1) / 2, (lat0 + lat1) / 2
    w, h = w * (1 + 2 * pad), h * (1 + 2 * pad)
    return (
        float(max(cx - w / 2, -180.0)),
        float(max(cy - h / 2, -90.0)),
        float(min(cx + w / 2, 180.0)),
        float(min(cy + h / 2, 90.0)),
    )


@dataclass(frozen=True)
class _Layer:
    key: str | None
    label: str
    geom: BaseGeometry  # in the plotted CRS
    area_km2: float
    style: _style.FillStyle


def _zone_layers(
    snap: gpd.GeoDataFrame,
    zones: Sequence[str | None],
    region: _Region | None,
    frame: _Frame,
) -> list[_Layer]:
    from kurskgeo.area import zone_union

    out = []
    region_geom = region.geom if region is not None else None
    if region_geom is not None and len(snap):
        # polygons off the region's box add nothing to the clipped union
        near = shapely.intersects(
            np.asarray(snap.geometry.values, dtype=object),
            shapely.box(*region_geom.bounds),
        )
        if not near.all():
            kept = snap[near]
            snap = kept if len(kept) else snap.iloc[:0]
    area_crs: Any = frame.area_crs or "auto"
    for i, z in enumerate(zones):
        union: BaseGeometry = shapely.Polygon()
        used = frame.crs
        if len(snap) and z is None:
            sub = snap[snap["zone"].isna()] if "zone" in snap.columns else snap
            if len(sub):
                union, used = zone_union(sub, region=region_geom, crs=area_crs)
        elif len(snap):
            union, used = zone_union(
                snap, zone=z, region=region_geom, crs=area_crs, strict=False
            )
        area = float(shapely.area(union)) / 1e6
        if not union.is_empty and not used.equals(frame.crs):
            union = _project(union, used, frame.crs)[0]
        out.append(
            _Layer(z, _style.zone_label(z), union, area, _style.zone_style(z, i))
        )
    return out


def _change_pieces(
    sa: gpd.GeoDataFrame,
    sb: gpd.GeoDataFrame,
    zones: list[str] | None,
    region: BaseGeometry | None,
    frame: _Frame,
) -> dict[str, tuple[BaseGeometry, float]]:
    """Gained, lost and unchanged geometry (in the map's CRS) and km².

    From :func:`kurskgeo.series.diff`, so that the map agrees with
    ``kurskgeo diff`` and ``kurskgeo timeline`` (same sliver filter).
    """
    from kurskgeo.series import diff

    d = diff(sa, sb, zone=zones, region=region, crs=frame.area_crs or "auto", keep=True)
    out: dict[str, tuple[BaseGeometry, float]] = {}
    for key, change in (("gained", "gained"), ("lost", "lost"), ("unchanged", "kept")):
        part = d[d["change"] == change]
        geoms = np.asarray(part.geometry.values, dtype=object)
        # the parts are disjoint: collect them, no union (whose topology
        # could trip on the round trip through longitude/latitude)
        polys = shapely.get_parts(_project(geoms, LONLAT, frame.crs))
        polys = polys[shapely.get_type_id(polys) == 3]
        geom = shapely.MultiPolygon(list(polys)) if len(polys) else shapely.Polygon()
        area = float(part["area_km2"].sum())
        if change != "kept" and f"{change}_km2" in d.attrs:
            area = float(d.attrs[f"{change}_km2"])
        out[key] = (geom, area)
    return out


def _extent(
    layers: Iterable[_Layer],
    frame: _Frame,
    region: _Region | None,
    extent: Any,
    aspect: float,
) -> tuple[float, float, float, float]:
    """Projected view box: what to show, padded, shaped like the axes box."""
    box = _extent_box(extent)
    if box is not None:
        lon0, lat0, lon1, lat1 = box
        proj = _project(
            shapely.box(lon0, lat0, lon1, lat1).segmentize(0.05), LONLAT, frame.crs
        )
        x0, y0, x1, y1 = shapely.total_bounds(proj)
        pad = 0.0
    else:
        geoms = [la.geom for la in layers if not la.geom.is_empty]
        if extent == "region" and region is not None:
            geoms = [_project(region.geom, LONLAT, frame.crs)[0]]
        if not geoms:
            geoms = [_project(shapely.box(*frame.focus), LONLAT, frame.crs)[0]]
        x0, y0, x1, y1 = shapely.total_bounds(np.asarray(geoms, dtype=object))
        pad = _PAD_FRACTION
    w, h = max(x1 - x0, _MIN_SPAN_M), max(y1 - y0, _MIN_SPAN_M)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = w * (1 + 2 * pad), h * (1 + 2 * pad)
    if h / w < aspect:
        h = w * aspect
    else:
        w = h / aspect
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _parts(geoms: Iterable[BaseGeometry | None]) -> np.ndarray:
    """Return the non-empty polygons of `geoms` as a flat array (no union)."""
    arr = np.asarray([g for g in geoms if g is not None], dtype=object)
    if len(arr) == 0:
        return np.empty(0, dtype=object)
    parts = shapely.get_parts(arr)
    return parts[~shapely.is_empty(parts)]


def _geom_path(geom: BaseGeometry | None) -> Any:
    """One compound matplotlib Path of all rings of a (multi)polygon."""
    from matplotlib.path import Path as MplPath

    if geom is None or geom.is_empty:
        return MplPath(np.zeros((0, 2)))
    parts = shapely.get_parts(geom)
    parts = parts[shapely.get_type_id(parts) == 3]
    parts = shapely.orient_polygons(parts, exterior_cw=False)
    rings = shapely.get_rings(parts)
    coords, idx = shapely.get_coordinates(rings, return_index=True)
    if len(coords) == 0:
        return MplPath(np.zeros((0, 2)))
    codes = np.full(len(coords), MplPath.LINETO, dtype=np.uint8)
    starts = np.flatnonzero(np.r_[True, idx[1:] != idx[:-1]])
    ends = np.r_[starts[1:] - 1, len(coords) - 1]
    codes[starts] = MplPath.MOVETO
    codes[ends] = MplPath.CLOSEPOLY
    return MplPath(coords, codes)


def _line_path(geom: BaseGeometry | None) -> Any:
    """Return a Path of the boundary lines of `geom` (no fill)."""
    from matplotlib.path import Path as MplPath

    if geom is None or geom.is_empty:
        return MplPath(np.zeros((0, 2)))
    lines = shapely.get_parts(
        shapely.boundary(geom) if geom.geom_type.endswith("Polygon") else geom
    )
    coords, idx = shapely.get_coordinates(lines, return_index=True)
    if len(coords) == 0:
        return MplPath(np.zeros((0, 2)))
    codes = np.full(len(coords), MplPath.LINETO, dtype=np.uint8)
    codes[np.flatnonzero(np.r_[True, idx[1:] != idx[:-1]])] = MplPath.MOVETO
    return MplPath(coords, codes)
