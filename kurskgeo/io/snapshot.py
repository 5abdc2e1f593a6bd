"""Snapshots as tables: reading files, series and regions, checking frames.

The snapshot schema
-------------------
Every reader returns a :class:`geopandas.GeoDataFrame` in OGC:CRS84
(longitude/latitude on WGS84) with one row per polygonal feature and these
columns, followed by the feature's original properties:

``date``
    :class:`datetime.date` the snapshot shows (from the properties, the
    document, the API record or the file name), or ``None`` if nothing says.
``source``
    Who drew the map (``"DeepStateMap (deepstatemap.live)"``, ...).
``label``
    A human name for the snapshot (a ``label`` property, the document's
    ``name``, or the file stem).
``zone``
    What the polygon is: ``occupied``, ``liberated``, ``contested``, ``other``
    for known exports, or a ``zone``/``status``/``layer`` property; ``None``
    when the file does not say.
``geometry``
    Valid 2D Polygon or MultiPolygon, exterior rings counter-clockwise and
    holes clockwise (RFC 7946), whatever the file had.

``GeoDataFrame.attrs`` carries ``path``, ``format``, ``timestamp`` (a UTC
:class:`datetime.datetime` when the file gives the moment of publication),
``notes`` (what was skipped or repaired) and ``zones_present``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from kurskgeo.batch import progress as progress_bar
from kurskgeo.errors import (
    AssumedCRSWarning,
    DuplicateDateError,
    RepairWarning,
    SkippedFeatureWarning,
    SnapshotError,
    warn,
)
from kurskgeo.io import _repair
from kurskgeo.io._dates import parse_date
from kurskgeo.io._paths import resolve_paths
from kurskgeo.io.layer import LONLAT, FeatureCache, Layer, read_layer

__all__ = [
    "SCHEMA",
    "as_layer",
    "as_snapshot",
    "layer_to_frame",
    "order_by_date",
    "read_region",
    "read_snapshot",
    "read_snapshots",
    "snapshot_date",
]

T = TypeVar("T")

#: The columns every snapshot table starts with.
SCHEMA = ("date", "source", "label", "zone", "geometry")

_CHOICES = ("error", "first", "last")


def layer_to_frame(layer: Layer) -> gpd.GeoDataFrame:
    """Return the snapshot table of a :class:`~kurskgeo.io.layer.Layer`."""
    rows = []
    for k in range(len(layer)):
        row: dict[str, Any] = {
            "date": layer.dates[k],
            "source": layer.sources[k],
            "label": layer.labels[k],
            "zone": layer.zones[k],
        }
        if layer.columns is not None:
            row.update(layer.columns[k])
        rows.append(row)
    frame = pd.DataFrame(rows, columns=None if rows else list(SCHEMA[:-1]))
    gdf = gpd.GeoDataFrame(frame, geometry=list(layer.geoms), crs=LONLAT)
    gdf.attrs.update(
        {
            "path": layer.path,
            "format": layer.format,
            "timestamp": layer.timestamp,
            "notes": list(layer.notes),
            "zones_present": list(layer.zones_present),
            "repaired": sum("repaired" in n for n in layer.notes),
            # valid, oriented, 2D polygons in CRS84: as_snapshot() need not check again
            "kurskgeo_checked": True,
        }
    )
    return gdf


def read_snapshot(
    path: str | os.PathLike[str],
    *,
    zone: str | Iterable[str] | None = None,
    bbox: Any = None,
    date: Any = None,
    source: str | None = None,
    label: str | None = None,
    crs: Any = None,
    zone_rules: Any = None,
    layer: str | None = None,
    engine: str | None = None,
) -> gpd.GeoDataFrame:
    """Read one snapshot of control zones into the snapshot schema.

    Parameters
    ----------
    path : path-like
        A ``.geojson``, ``.json`` or gzip-compressed ``.geojson.gz`` file (a
        FeatureCollection, a Feature, a bare geometry, or a DeepStateMap API
        record ``{"id": <unix time>, "map": <FeatureCollection>}``), a
        GeoPackage (every layer, or `layer`), a Shapefile (also zipped,
        ``.zip``), KML or KMZ (folders become the ``layer`` column, styles
        ``fill`` and ``stroke``), FlatGeobuf, GeoJSONSeq, CSV with a WKT
        column, or GeoParquet.
    zone : str or list of str, optional
        Read only the polygons of these zones; the others cost nothing.
    bbox : (minx, miny, maxx, maxy), optional
        Read only the polygons near this longitude/latitude box.
    date : date or str, optional
        The snapshot's date, overriding what the file and its name say.
    source, label : str, optional
        Override the detected source and label.
    crs : CRS-like, optional
        The CRS of the coordinates when the file does not say (GeoJSON
        without a ``crs`` member is OGC:CRS84 longitude/latitude, RFC 7946).
    zone_rules : mapping or sequence of (pattern, zone), optional
        Extra DeepStateMap layer-to-zone rules, see
        :func:`kurskgeo.io.sources.deepstate_zone`.
    layer : str, optional
        One layer of a multi-layer file (all layers if None): a GeoPackage's
        table, a KML's folder.
    engine : {"pyogrio", "fiona"}, optional
        The GDAL binding for formats other than GeoJSON; pyogrio by default.

    Returns
    -------
    geopandas.GeoDataFrame
        The snapshot schema described in this module's docstring. A file with
        several dates gives rows of several dates; :func:`read_snapshots`
        splits them.

    Raises
    ------
    SnapshotError
        If the file is unreadable, not GeoJSON or a vector file, holds no
        polygon, or has coordinates that cannot be longitude/latitude
        (projected metres, swapped axes, out of range).

    Warns
    -----
    RepairWarning
        When an invalid polygon is repaired or an unclosed ring closed.
    SkippedFeatureWarning
        When features with null geometry, points or lines are ignored.
    KurskgeoWarning
        When a DeepStateMap export has Ukrainian-only layer names (2022), so
        zones come from those names and, where no rule matches, fill colours.

    Notes
    -----
    Z values are dropped. Rings are re-oriented, so holes drawn with the same
    orientation as their shell (as DeepStateMap's exports do) are holes.

    Examples
    --------
    >>> snap = read_snapshot("kursk_2025-01-17.geojson")  # doctest: +SKIP
    >>> list(snap.columns[:5])  # doctest: +SKIP
    ['date', 'source', 'label', 'zone', 'geometry']
    """
    return layer_to_frame(
        read_layer(
            Path(path),
            zone=zone,
            bbox=bbox,
            date=date,
            source=source,
            label=label,
            crs=crs,
            zone_rules=zone_rules,
            layer=layer,
            engine=engine,
            stacklevel=3,
        )
    )


def snapshot_date(snapshot: gpd.GeoDataFrame) -> dt.date | None:
    """Return the single date of a snapshot table (None if it has none).

    Raises
    ------
    SnapshotError
        If the table holds several dates (use :func:`read_snapshots` to split).
    """
    if "date" not in snapshot.columns:
        return None
    dates = {
        parse_date(d) for d in snapshot["date"] if d is not None and not pd.isna(d)
    }
    if len(dates) > 1:
        raise SnapshotError(
            f"{snapshot.attrs.get('path', 'snapshot')}: holds {len(dates)} dates "
            f"({min(dates)} to {max(dates)}); read it with read_snapshots() to get "
            "one snapshot per date"
        )
    return next(iter(dates), None)


def as_snapshot(
    data: gpd.GeoDataFrame | gpd.GeoSeries, *, stacklevel: int = 2
) -> gpd.GeoDataFrame:
    """Check a GeoDataFrame made elsewhere and bring it into the snapshot schema.

    Returns a new frame (the input is not modified) in OGC:CRS84, with
    ``date``, ``source``, ``label`` and ``zone`` columns added where missing,
    non-polygonal rows dropped, invalid polygons repaired and rings oriented.

    Raises
    ------
    SnapshotError
        If there is no polygon, or coordinates cannot be longitude/latitude.

    Warns
    -----
    AssumedCRSWarning
        When the frame has no CRS and longitude/latitude is assumed.
    RepairWarning
        When an invalid polygon is repaired.
    """
    if isinstance(data, gpd.GeoSeries):
        data = gpd.GeoDataFrame(geometry=data)
    if not isinstance(data, gpd.GeoDataFrame):
        raise SnapshotError(f"expected a GeoDataFrame, got {type(data).__name__}")
    if (
        data.attrs.get("kurskgeo_checked")
        and data.crs is not None
        and data.crs.equals(LONLAT)
    ):
        return data
    gdf = data.copy()
    label = str(gdf.attrs.get("path", "GeoDataFrame"))
    if gdf.crs is None:
        warn(
            f"{label} has no CRS; assuming longitude/latitude (OGC:CRS84). "
            "Call .set_crs(...) to say what it is",
            AssumedCRSWarning,
            stacklevel=stacklevel + 1,
        )
        gdf = gdf.set_crs(LONLAT)
    elif not gdf.crs.is_geographic:
        gdf = gdf.to_crs(LONLAT)
    elif not gdf.crs.equals(LONLAT):
        gdf = gdf.set_crs(LONLAT, allow_override=True)
    arr = np.asarray(gdf.geometry.values, dtype=object).copy()
    kind = shapely.get_type_id(arr)
    polygonal = np.isin(kind, (3, 6))  # Polygon, MultiPolygon
    for i in np.flatnonzero(kind == 7):  # GeometryCollection: its polygons
        parts = [
            p
            for p in shapely.get_parts(arr[i])
            if p.geom_type in ("Polygon", "MultiPolygon")
        ]
        if parts:
            arr[i] = shapely.union_all(parts)
            polygonal[i] = True
    polygonal &= ~shapely.is_empty(arr) & ~shapely.is_missing(arr)
    dropped = int((~polygonal).sum())
    if dropped:
        warn(
            f"{label}: ignored {dropped} row(s) that are not polygons",
            SkippedFeatureWarning,
            stacklevel=stacklevel + 1,
        )
    gdf = gdf[polygonal]
    arr = arr[polygonal]
    if len(gdf) == 0:
        raise SnapshotError(f"{label}: no polygon to measure")
    arr = shapely.force_2d(arr)
    bounds = shapely.total_bounds(arr)
    if not (
        -180 <= bounds[0] and bounds[2] <= 180 and -90 <= bounds[1] and bounds[3] <= 90
    ):
        raise SnapshotError(
            f"{label}: coordinates outside longitude ±180 / latitude ±90 "
            f"({np.round(bounds, 3).tolist()}); is the CRS right?"
        )
    notes: list[str] = list(gdf.attrs.get("notes", []))
    for i in np.flatnonzero(~shapely.is_valid(arr)):
        arr[i], fix = _repair.repair(arr[i])
        msg = fix.message(label, int(i))
        notes.append(msg)
        warn(msg, RepairWarning, stacklevel=stacklevel + 1)
    arr = shapely.orient_polygons(arr, exterior_cw=False)
    gdf = gdf.set_geometry(gpd.GeoSeries(arr, index=gdf.index, crs=LONLAT))
    for col in ("date", "source", "label", "zone"):
        if col not in gdf.columns:
            gdf[col] = None
    keep = ~shapely.is_empty(arr)
    if not keep.all():
        gdf = gdf[keep]
    gdf = gdf[
        [*SCHEMA[:-1], *[c for c in gdf.columns if c not in SCHEMA], gdf.geometry.name]
    ]
    gdf.attrs["notes"] = notes
    gdf.attrs["kurskgeo_checked"] = True
    return gdf


def _cell(value: Any) -> Any:
    return (
        None
        if value is None or (not isinstance(value, str) and pd.isna(value))
        else value
    )


def as_layer(data: Any, *, stacklevel: int = 2) -> Layer:
    """Return the :class:`~kurskgeo.io.layer.Layer` of a snapshot table.

    The geometries are those of :func:`as_snapshot`: the same objects for a
    table kurskgeo read, so that a table and its file measure alike.
    """
    if isinstance(data, Layer):
        return data
    snap = as_snapshot(data, stacklevel=stacklevel + 1)
    n = len(snap)

    def column(name: str) -> list[Any]:
        if name not in snap.columns:
            return [None] * n
        return [_cell(v) for v in snap[name]]

    dates = []
    for d in column("date"):
        try:
            dates.append(None if d is None else parse_date(d))
        except ValueError:
            raise SnapshotError(
                f"{snap.attrs.get('path', 'GeoDataFrame')}: a 'date' is {d!r}, not a "
                "YYYY-MM-DD date"
            ) from None
    zones = [None if z is None else str(z) for z in column("zone")]
    return Layer(
        geoms=np.asarray(snap.geometry.values, dtype=object),
        zones=tuple(zones),
        dates=tuple(dates),
        sources=tuple(str(s) if s is not None else "" for s in column("source")),
        labels=tuple(str(s) if s is not None else "" for s in column("label")),
        index=tuple(range(n)),
        keys=(None,) * n,
        path=snap.attrs.get("path"),
        format=str(snap.attrs.get("format", "generic")),
        timestamp=snap.attrs.get("timestamp"),
        notes=tuple(snap.attrs.get("notes", ())),
        zones_present=tuple(sorted({z for z in zones if z is not None})),
        file_date=next((d for d in dates if d is not None), None),
    )


def read_snapshots(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    on_duplicate: str = "error",
    require_date: bool = True,
    progress: bool | None = None,
    **kwargs: Any,
) -> list[gpd.GeoDataFrame]:
    """Read a series: files, folders, globs or multi-date files, one table per date.

    Parameters
    ----------
    paths : path-like or iterable of them
        Files, folders (their snapshot files) or glob patterns.
    on_duplicate : {"error", "first", "last"}
        What to do when two files of one source show the same date: refuse
        (listing them), or keep the first or last in path order. Files of one
        date from different sources are all kept, side by side.
    require_date : bool
        If False, a file with no date is kept as one snapshot (sorted after
        the dated ones) instead of raising.
    progress : bool, optional
        Show a progress bar on stderr.
    **kwargs
        Passed to :func:`read_snapshot` (``zone``, ``bbox``, ...).

    Returns
    -------
    list of geopandas.GeoDataFrame
        One snapshot per date and source, in date order.

    Raises
    ------
    SnapshotError
        If a file has no date, or two of one source show the same date and
        ``on_duplicate="error"`` (:class:`~kurskgeo.errors.DuplicateDateError`).
    """
    if on_duplicate not in _CHOICES:
        raise ValueError(
            f"on_duplicate must be one of {_CHOICES}, not {on_duplicate!r}"
        )
    files = resolve_paths(paths)
    cache = FeatureCache()
    layers: list[Layer] = []
    for path in progress_bar(files, progress, "reading snapshots", total=len(files)):
        layer = read_layer(path, cache=cache, stacklevel=3, **kwargs)
        if all(d is None for d in layer.dates):
            layers.append(layer)  # undated: order_by_date keeps or refuses it
        else:
            layers.extend(layer.split_dates())
    ordered = order_by_date(
        layers,
        date=lambda lay: lay.date,
        name=lambda lay: str(lay.path),
        on_duplicate=on_duplicate,
        require_date=require_date,
        source=layer_source,
    )
    return [layer_to_frame(lay) for lay in ordered]


def layer_source(layer: Layer) -> str:
    """Who drew a snapshot: the file's source, else its rows' ("unknown")."""
    return layer.file_source or next((s for s in layer.sources if s), "unknown")


def order_by_date(
    items: Iterable[T],
    *,
    date: Callable[[T], dt.date | None],
    name: Callable[[T], str],
    on_duplicate: str = "error",
    require_date: bool = True,
    source: Callable[[T], str | None] | None = None,
) -> list[T]:
    """Sort snapshots (or their measurements) by date, as :func:`read_snapshots` does.

    Two items of the same date and the same `source` are refused (the message
    names them) or one is kept, the first or last in the given order; items of
    one date from different sources are all kept, side by side, in the order
    of their sources' first appearance. Items without a date follow the dated
    ones, in the given order, unless `require_date`.

    Raises
    ------
    DuplicateDateError
        On two items of one date and source with ``on_duplicate="error"``.
    SnapshotError
        On an item without a date with `require_date`.

    Examples
    --------
    >>> import datetime as dt
    >>> items = [("a", "2024-09-18", "DeepStateMap"), ("b", "2024-09-18", "ISW"),
    ...          ("c", "2024-09-11", "ISW")]
    >>> ordered = order_by_date(items, date=lambda x: parse_date(x[1]),
    ...                         name=lambda x: x[0], source=lambda x: x[2])
    >>> [x[0] for x in ordered]
    ['c', 'a', 'b']
    """
    if on_duplicate not in _CHOICES:
        raise ValueError(
            f"on_duplicate must be one of {_CHOICES}, not {on_duplicate!r}"
        )
    by_date: dict[dt.date, dict[str | None, list[T]]] = {}
    order: dict[str | None, int] = {}
    undated: list[T] = []
    for item in items:
        day = date(item)
        if day is None:
            if require_date:
                raise SnapshotError(
                    f"{name(item)}: no date: name the file YYYY-MM-DD.geojson, add "
                    "a 'date' property, or pass date=..."
                )
            undated.append(item)
            continue
        who = source(item) if source is not None else None
        order.setdefault(who, len(order))
        by_date.setdefault(day, {}).setdefault(who, []).append(item)
    out = []
    for day in sorted(by_date):
        for who in sorted(by_date[day], key=order.__getitem__):
            found = by_date[day][who]
            if len(found) > 1 and on_duplicate == "error":
                raise DuplicateDateError(day, who, [name(it) for it in found])
            out.append(found[-1] if on_duplicate == "last" else found[0])
    return out + undated


def read_region(region: Any) -> BaseGeometry:
    """Return a region as one polygonal shapely geometry in longitude/latitude.

    `region` may be a path to any snapshot-like file, a GeoDataFrame/GeoSeries,
    or a shapely geometry (assumed longitude/latitude). Its polygons are merged.

    Raises
    ------
    SnapshotError
        If the region holds no polygon.
    """
    if isinstance(region, BaseGeometry):
        if region.geom_type not in ("Polygon", "MultiPolygon") or region.is_empty:
            raise SnapshotError(f"the region must be a polygon, not {region.geom_type}")
        if not region.is_valid:
            region = _repair.repair(region)[0]
        return shapely.orient_polygons(region, exterior_cw=False)
    if isinstance(region, (gpd.GeoDataFrame, gpd.GeoSeries)):
        geoms = as_layer(region, stacklevel=3).geoms
    else:
        geoms = read_layer(Path(region), columns=False, stacklevel=3).geoms
    if len(geoms) == 0:
        raise SnapshotError(f"{region}: the region holds no polygon")
    if len(geoms) == 1:
        return geoms[0]
    return shapely.union_all(geoms)
