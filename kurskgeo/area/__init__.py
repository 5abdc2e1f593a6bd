"""Measure: areas in km² and mi², clipped to a region, with a geodesic check.

Areas are measured in an equal-area projection (:mod:`kurskgeo.area.crs`)
after densifying long edges along the geodesic, and cross-checked against the
area of the same polygons on the WGS84 ellipsoid computed without any
projection (:mod:`kurskgeo.area.geodesic`). Every function here, and every
other part of kurskgeo that gives an area, measures through
:class:`~kurskgeo.area.engine.Engine`: see that module for the steps.

Edges are geodesics
-------------------
kurskgeo reads an edge between two vertices as the shortest path on the
ellipsoid, as pyproj and PostGIS ``geography`` do. RFC 7946 instead draws
edges as straight lines in longitude/latitude; the two readings differ by
about 5e-6 relative on a country-sized polygon and by far less on the short
edges of front-line maps. Edges longer than
:data:`~kurskgeo.area.geodesic.MAX_SEGMENT_KM` are densified along the
geodesic before projecting, so that the projected area and the geodesic
area agree to better than 1e-6.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from kurskgeo.area.crs import check_equal_area, equal_area_crs, is_equal_area
from kurskgeo.area.engine import Engine, Region, as_region, no_zone_error, project
from kurskgeo.area.geodesic import (
    MAX_SEGMENT_KM,
    authalic_area_km2,
    densify_geodesic,
    geodesic_area_km2,
)
from kurskgeo.area.measurement import (
    GEODESIC_RTOL,
    KM2_PER_HA,
    KM2_PER_MI2,
    MEASUREMENT_COLUMNS,
    Measurement,
)
from kurskgeo.batch import map_chunks
from kurskgeo.errors import SnapshotError
from kurskgeo.io import (
    LONLAT,
    FeatureCache,
    Layer,
    as_layer,
    as_snapshot,
    order_by_date,
    resolve_paths,
    zone_list,
)

__all__ = [
    "GEODESIC_RTOL",
    "KM2_PER_HA",
    "KM2_PER_MI2",
    "MAX_SEGMENT_KM",
    "MEASUREMENT_COLUMNS",
    "Engine",
    "Measurement",
    "Region",
    "area_km2",
    "as_region",
    "authalic_area_km2",
    "check_equal_area",
    "densify_geodesic",
    "equal_area_crs",
    "feature_areas",
    "geodesic_area_km2",
    "is_equal_area",
    "measure",
    "measure_files",
    "measurements_frame",
    "no_date_error",
    "project",
    "select_zone",
    "zone_union",
]


def _layer(snapshot: Any, engine: Engine, stacklevel: int) -> Layer:
    if isinstance(snapshot, (str, Path)):
        layer = engine.read(snapshot, stacklevel=stacklevel + 1)
        if len({d for d in layer.dates if d is not None}) > 1:
            raise no_date_error(layer)
        return layer
    return as_layer(snapshot, stacklevel=stacklevel + 1)


def no_date_error(layer: Layer) -> SnapshotError:
    """Return the error for one snapshot asked of a file of several dates."""
    days = sorted({d for d in layer.dates if d is not None})
    return SnapshotError(
        f"{layer.path}: holds {len(days)} dates ({days[0]} to {days[-1]}); "
        "measure it with measure_files() or area_series() to get one row per date"
    )


def measure(
    snapshot: Any,
    *,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    crs: Any = "auto",
    rtol: float = GEODESIC_RTOL,
    strict: bool = True,
) -> Measurement:
    """Measure a snapshot: km², mi² and the WGS84 geodesic area of the same geometry.

    Parameters
    ----------
    snapshot : path or GeoDataFrame
        A snapshot file (read with only `zone`, near `region`: other
        features cost nothing) or table (see :mod:`kurskgeo.io`).
    zone : str or list of str, optional
        Measure only these zones (their union); all polygons if None.
    region : path, GeoDataFrame, geometry or Region, optional
        Clip to this region first (for example Kursk Oblast).
    crs : "auto" or CRS-like
        The equal-area CRS: ``"auto"`` is a Lambert azimuthal equal-area
        projection centred on the region, or on the polygons measured.
    rtol : float
        Relative tolerance of the cross-check.
    strict : bool
        Refuse a snapshot that has none of `zone` (else its area is 0).

    Returns
    -------
    Measurement

    Raises
    ------
    SnapshotError
        If `strict` and no polygon of `zone` is in the snapshot.
    CRSError
        If `crs` is not equal-area.

    Warns
    -----
    GeodesicMismatchWarning
        If projected and geodesic areas differ by more than `rtol` (relative)
        and 1 m² (absolute).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> snap = gpd.GeoDataFrame(geometry=[box(35, 51, 36, 52)], crs="OGC:CRS84")
    >>> m = measure(snap)
    >>> round(m.area_km2, 1), round(m.area_mi2, 1)
    (7725.5, 2982.8)
    """
    engine = Engine(zone=zone, region=region, crs=crs, rtol=rtol)
    return engine.measure(_layer(snapshot, engine, 2), strict=strict, stacklevel=2)


def area_km2(
    snapshot: Any,
    *,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    crs: Any = "auto",
) -> float:
    """Area in km² of the union of a snapshot's polygons (of `zone`, in `region`).

    The ``area_km2`` of :func:`measure`, which gives the same area with mi²,
    the geodesic cross-check and where it came from.

    Raises
    ------
    CRSError
        If `crs` is geographic, Web Mercator or otherwise not equal-area.

    See Also
    --------
    measure, feature_areas

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> snap = gpd.GeoDataFrame(geometry=[box(35, 51, 36, 52)], crs="OGC:CRS84")
    >>> round(area_km2(snap), 1)
    7725.5
    """
    engine = Engine(zone=zone, region=region, crs=crs)
    union, *_ = engine.geometry(_layer(snapshot, engine, 2))
    return float(shapely.area(union)) / 1e6


def zone_union(
    snapshot: Any,
    *,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    crs: Any = "auto",
    strict: bool = True,
) -> tuple[BaseGeometry, CRS]:
    """Return the geometry areas are measured on: `zone` united, clipped, projected.

    Returns
    -------
    (shapely geometry in the equal-area CRS, that pyproj.CRS)
    """
    engine = Engine(zone=zone, region=region, crs=crs)
    union, target, *_ = engine.geometry(_layer(snapshot, engine, 2), strict=strict)
    return union, target


def select_zone(
    snapshot: gpd.GeoDataFrame, zone: str | Sequence[str] | None, *, strict: bool = True
) -> gpd.GeoDataFrame:
    """Return the rows of `snapshot` whose ``zone`` is one of `zone` (all if None).

    Raises
    ------
    SnapshotError
        If `strict` and none of the zones occur in the snapshot; the message
        lists the zones that do.
    """
    zones = zone_list(zone)
    if zones is None:
        return snapshot
    if "zone" not in snapshot.columns:
        mask = np.zeros(len(snapshot), dtype=bool)
        present: list[str] = []
    else:
        mask = snapshot["zone"].isin(zones).to_numpy()
        present = sorted({str(z) for z in snapshot["zone"].dropna()})
    if strict and not mask.any():
        raise no_zone_error(snapshot.attrs.get("path", "the snapshot"), zones, present)
    return snapshot[mask]


def feature_areas(
    snapshot: Any, *, region: Any = None, crs: Any = "auto"
) -> gpd.GeoDataFrame:
    """One area per feature: a copy of `snapshot` with area columns added.

    Adds ``area_km2``, ``area_mi2`` and ``geodesic_km2`` (each feature clipped
    to `region` first, if given). Overlaps between features count in each.
    """
    snap = (
        as_snapshot(snapshot, stacklevel=3)
        if not isinstance(snapshot, (str, Path))
        else None
    )
    if snap is None:
        from kurskgeo.io import read_snapshot

        snap = read_snapshot(snapshot)
    engine = Engine(region=region, crs=crs)
    layer = as_layer(snap)
    target = engine.crs_for(layer)
    projected = project(densify_geodesic(layer.geoms), LONLAT, target)
    lonlat = layer.geoms
    if engine.region is not None:
        projected = shapely.intersection(projected, engine.region.projected(target))
        lonlat = project(projected, target, LONLAT)
    out = snap.copy()
    out["area_km2"] = shapely.area(projected) / 1e6
    out["area_mi2"] = out["area_km2"] / KM2_PER_MI2
    out["geodesic_km2"] = authalic_area_km2(lonlat)
    return out


def measurements_frame(rows: Iterable[Measurement]) -> pd.DataFrame:
    """Return a table of measurements, columns :data:`MEASUREMENT_COLUMNS`."""
    return pd.DataFrame([m.to_dict() for m in rows], columns=list(MEASUREMENT_COLUMNS))


def _measure_chunk(paths: list[Path], spec: dict[str, Any]) -> list[Measurement]:
    """Measure consecutive files with one engine and one feature cache."""
    engine = Engine(**spec)
    cache = FeatureCache()
    out = []
    for path in paths:
        layer = engine.read(path, cache=cache, stacklevel=4)
        for part in layer.split_dates():
            out.append(engine.measure(part, stacklevel=4))
        engine.next_file()
    return out


def measure_files(
    paths: Any,
    *,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    crs: Any = "auto",
    rtol: float = GEODESIC_RTOL,
    on_duplicate: str = "error",
    require_date: bool = False,
    progress: bool | None = None,
    executor: Executor | None = None,
    chunk_size: int = 16,
    layer: str | None = None,
) -> pd.DataFrame:
    """Measure many snapshot files: :func:`measure` of each date, in date order.

    The rows are exactly what :func:`measure` gives for each file (or each
    date of a multi-date file). Consecutive files share work: a feature whose
    text did not change since the file before is not parsed, checked or
    projected again.

    Parameters
    ----------
    paths : path-like or iterable of them
        Files, folders or glob patterns (see :func:`kurskgeo.io.resolve_paths`).
    zone, region, crs, rtol
        As for :func:`measure`; `region` is read and projected once.
    on_duplicate : {"error", "first", "last"}
        Two snapshots of one source and date: refuse (listing them) or keep
        the first or last by path. Maps of one date from different sources
        are all measured, one row each (``source`` says whose).
    require_date : bool
        If False (the default), snapshots without a date are kept, after the
        dated ones, in path order.
    progress : bool, optional
        A progress bar on stderr (never unless asked).
    executor : concurrent.futures.Executor, optional
        Run chunks of consecutive files on it (a ``ProcessPoolExecutor``, or
        a dask.distributed client's ``get_executor()``); the result is the
        same as serial, warnings included.
    chunk_size : int
        Files per chunk given to the executor.
    layer : str, optional
        Only this layer of multi-layer files (GeoPackage, KML); all if None.

    Returns
    -------
    pandas.DataFrame
        One row per date and source, in date order, columns
        :data:`MEASUREMENT_COLUMNS`.

    Raises
    ------
    SnapshotError
        As :func:`kurskgeo.io.read_snapshots` and :func:`measure` do; a
        :class:`~kurskgeo.errors.DuplicateDateError` for two maps of one
        source and date with ``on_duplicate="error"``.

    Examples
    --------
    >>> rows = measure_files("geodata/snapshots", zone="ukrainian")  # doctest: +SKIP
    >>> rows["area_km2"].round().tolist()  # doctest: +SKIP
    [1268.0, 1120.0, 801.0, 420.0, 88.0]
    """
    engine = Engine(zone=zone, region=region, crs=crs, rtol=rtol, layer=layer)
    files = resolve_paths(paths)
    results = map_chunks(
        _measure_chunk,
        files,
        engine.spec(),
        executor=executor,
        chunk_size=chunk_size,
        progress_bar=progress,
    )
    ordered = order_by_date(
        results,
        date=lambda m: m.date,
        name=lambda m: str(m.path),
        on_duplicate=on_duplicate,
        require_date=require_date,
        source=lambda m: m.source,
    )
    return measurements_frame(ordered)
