"""Follow: area series, what was gained and lost between dates, rates of change.

A series is a folder, a glob, a list of files, one multi-date file, or a list
of snapshot tables. Every snapshot is measured by the one engine
(:class:`kurskgeo.area.Engine`), so that the area of a row is exactly what
:func:`kurskgeo.area.measure` gives for that snapshot.

How gains and losses are counted
--------------------------------
``net_km2`` is the difference of ``area_km2`` from the previous row, exactly.
``gained_km2`` and ``lost_km2`` are geometric: the area inside the new zone
and not in the old one, and the reverse, both measured in the later
snapshot's CRS. Redrawn borders produce slivers (coordinates written with 6
decimals one day and 7 the next), so two rules filter them, and their effect
is reported on every row:

1. both geometries are snapped to a grid of `grid_size` metres (default
   0.1 m) before they are compared, which makes most redrawn vertices
   coincide;
2. change parts smaller than `min_area_km2` (default 0.01 km²) are slivers:
   ``gained_raw_km2`` and ``lost_raw_km2`` are the totals before this filter,
   ``filtered_km2`` the sliver area removed from both.

What the two rules remove does not cancel exactly: its net
(``sliver_net_km2``, a few hundredths of a km² at most on daily DeepState
maps) is booked to ``gained_km2`` when positive and to ``lost_km2`` when
negative, so that ``gained_km2 - lost_km2 == net_km2`` on every row (to
floating-point rounding) and the columns add up to the area series. The
first row has no previous snapshot: its gained, lost, net and rate columns
are NaN.

The change is found from the edges the two geometries do not share
(:mod:`kurskgeo.series._change`), checked against the exact change of area,
with two full overlays where they disagree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from kurskgeo.area import Engine, measurements_frame, project
from kurskgeo.batch import map_chunks
from kurskgeo.errors import SnapshotError
from kurskgeo.io import LONLAT, Layer
from kurskgeo.series import _change
from kurskgeo.series._change import (
    DEFAULT_GRID_SIZE,
    DEFAULT_MIN_AREA_KM2,
    Pair,
    change_between,
    check_options,
)
from kurskgeo.series._read import check_zones, read_series, read_sources, source_of

__all__ = [
    "COLUMNS",
    "COMPARE_COLUMNS",
    "DEFAULT_GRID_SIZE",
    "DEFAULT_MAX_DAYS",
    "DEFAULT_MIN_AREA_KM2",
    "DERIVED_ZONES",
    "ZONE_COLUMNS",
    "area_series",
    "change_parts",
    "compare",
    "compare_parts",
    "diff",
    "export_zones",
    "front_line",
    "input_records",
    "measured_zones",
    "read_series",
    "read_sources",
    "source_of",
    "timeline",
]


#: The columns of :func:`timeline`, in order.
COLUMNS = (
    "date",
    "source",
    "path",
    "area_km2",
    "gained_km2",
    "lost_km2",
    "net_km2",
    "days",
    "km2_per_day",
    "gained_raw_km2",
    "lost_raw_km2",
    "filtered_km2",
    "sliver_net_km2",
    "n_gained",
    "n_lost",
    "identical",
    "method",
)


def _measure_layers(layers: list[Layer], spec: dict[str, Any]) -> list[Any]:
    engine = Engine(**spec)
    out = []
    for layer in layers:
        out.append(engine.measure(layer, strict=False, stacklevel=4))
        engine.next_file()
    return out


def area_series(
    paths_or_snapshots: Any,
    *,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    crs: Any = "auto",
    on_duplicate: str = "error",
    progress: bool | None = None,
    executor: Executor | None = None,
    layer: str | None = None,
) -> pd.DataFrame:
    """Area of every snapshot of a series: a :class:`~kurskgeo.Measurement` a row.

    The rows are what :func:`kurskgeo.area.measure` gives for each
    snapshot (or each date of a multi-date file or table).

    Parameters
    ----------
    paths_or_snapshots : path, folder, glob, GeoDataFrame, or a list of them
        The series.
    zone : str or list of str, optional
        Measure only these zones (their union); all polygons if None.
    region : path, GeoDataFrame or geometry, optional
        Clip every snapshot to this region.
    crs : "auto" or CRS-like
        The equal-area CRS (see :class:`kurskgeo.area.Engine`).
    on_duplicate : {"error", "first", "last"}
        Two snapshots of one source and date: refuse (listing them) or keep
        the first or last by path. Maps of one date from different sources
        are measured side by side (``source`` says whose).
    progress : bool, optional
        Progress bars on stderr (never unless asked).
    executor : concurrent.futures.Executor, optional
        Measure chunks of the series on it; the result is the same.
    layer : str, optional
        Only this layer of multi-layer files (GeoPackage, KML); all if None.

    Returns
    -------
    pandas.DataFrame
        One row per date in date order, columns
        :data:`kurskgeo.area.MEASUREMENT_COLUMNS`.

    Raises
    ------
    SnapshotError
        If a file cannot be read, has no date, two files share a date, or no
        snapshot has a polygon of `zone`.
    CRSError
        If `crs` is not equal-area.

    See Also
    --------
    timeline : the same series with gains, losses and rates.

    Examples
    --------
    >>> import geopandas as gpd, datetime as dt
    >>> from shapely import box
    >>> snaps = [
    ...     gpd.GeoDataFrame({"date": [dt.date(2024, 8, d)]},
    ...                      geometry=[box(35, 51, 35 + w, 51.5)], crs="OGC:CRS84")
    ...     for d, w in [(6, 0.1), (7, 0.2)]
    ... ]
    >>> area_series(snaps)["area_km2"].round(2).tolist()
    [388.38, 776.76]
    """
    engine = Engine(zone=zone, region=region, crs=crs, layer=layer)
    layers = read_series(
        paths_or_snapshots, engine, on_duplicate=on_duplicate, show_progress=progress
    )
    check_zones(layers, engine)
    rows = map_chunks(
        _measure_layers, layers, engine.spec(), executor=executor, progress_bar=progress
    )
    return measurements_frame(rows)


# ---------------------------------------------------------------- changes


@dataclass(frozen=True)
class _Step:
    """A snapshot measured, and its change from the one before."""

    area_km2: float
    crs: CRS
    pair: Pair | None


def _timeline_chunk(
    pairs: list[tuple[Layer | None, Layer]],
    spec: dict[str, Any],
    opts: tuple[float, Any],
) -> list[_Step]:
    """Return the steps of consecutive (previous, snapshot) pairs, one engine."""
    min_area_km2, grid_size = opts
    engine = Engine(**spec)
    out = []
    last: tuple[Layer, BaseGeometry, CRS] | None = None
    for prev, layer in pairs:
        geom, crs, *_ = engine.geometry(layer, strict=False)
        area = float(shapely.area(geom)) / 1e6
        pair = None
        if prev is not None:
            if last is not None and last[0] is prev:
                before, before_crs = last[1], last[2]
            else:
                before, before_crs, *_ = engine.geometry(prev, strict=False)
            net = area - float(shapely.area(before)) / 1e6
            if before_crs.srs != crs.srs:  # compare in the later snapshot's CRS
                before, *_ = engine.geometry(prev, crs=crs, strict=False)
            pair = change_between(before, geom, net, min_area_km2, grid_size)
        out.append(_Step(area, crs, pair))
        last = (layer, geom, crs)
        engine.next_file()
    return out


def timeline(
    paths_or_snapshots: Any,
    *,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    crs: Any = "auto",
    min_area_km2: float = DEFAULT_MIN_AREA_KM2,
    grid_size: float | None = DEFAULT_GRID_SIZE,
    on_duplicate: str = "error",
    progress: bool | None = None,
    executor: Executor | None = None,
    layer: str | None = None,
) -> pd.DataFrame:
    """Area, gains, losses and rate of change of every snapshot of a series.

    Parameters
    ----------
    paths_or_snapshots : path, folder, glob, GeoDataFrame, or a list of them
        The series; a multi-date file or table gives one row per date.
    zone : str or list of str, optional
        Follow only these zones (their union); all polygons if None.
    region : path, GeoDataFrame or geometry, optional
        Clip every snapshot to this region (for example Kursk Oblast).
    crs : "auto" or CRS-like
        The equal-area CRS (see :class:`kurskgeo.area.Engine`).
    min_area_km2 : float
        Change parts smaller than this are slivers (see the module notes).
    grid_size : float or None
        Snap coordinates to this grid, in metres of the equal-area CRS,
        before comparing dates; None or 0 compares them as measured.
    on_duplicate : {"error", "first", "last"}
        Two snapshots of one source and date: refuse (listing them) or keep
        the first or last by path. Maps of one date from different sources
        are measured side by side (``source`` says whose).
    progress : bool, optional
        Progress bars on stderr (never unless asked).
    executor : concurrent.futures.Executor, optional
        Compute chunks of the series on it; the result is the same.
    layer : str, optional
        Only this layer of multi-layer files (GeoPackage, KML); all if None.

    Returns
    -------
    pandas.DataFrame
        One row per snapshot in date order, with the columns of
        :data:`COLUMNS`: ``date``, ``path``, ``area_km2``; ``gained_km2``,
        ``lost_km2``, ``net_km2`` against the previous row (NaN on the first
        row), ``days`` since it and ``km2_per_day``; the sliver filter's
        effect (``gained_raw_km2``, ``lost_raw_km2``, ``filtered_km2``,
        ``sliver_net_km2``); the number of change parts kept (``n_gained``,
        ``n_lost``); ``identical`` (same geometry as the previous row) and
        ``method`` (``identical``, ``local`` or ``overlay``). ``attrs`` holds
        ``crs``, ``zone``, ``region``, ``min_area_km2``, ``grid_size`` and
        ``totals`` (sums over the series and the first-to-last change).

    Raises
    ------
    SnapshotError
        If a file cannot be read, has no date, two files share a date, or no
        snapshot has a polygon of `zone`.
    CRSError
        If `crs` is not equal-area.

    Notes
    -----
    ``gained_km2 - lost_km2 == net_km2`` on every row, and ``net_km2`` is the
    exact difference of ``area_km2``: the net of what the sliver filter
    removed is booked to gained (if positive) or lost (if negative) and
    reported as ``sliver_net_km2``. See the module docstring.

    See Also
    --------
    diff : the change geometry between two snapshots.
    area_series : the areas alone, faster.

    Examples
    --------
    >>> import geopandas as gpd, datetime as dt
    >>> from shapely import box
    >>> snaps = [
    ...     gpd.GeoDataFrame({"date": [dt.date(2024, 8, d)]}, crs="OGC:CRS84",
    ...                      geometry=[box(35 + x, 51, 35.2 + x, 51.5)])
    ...     for d, x in [(6, 0.0), (8, 0.1)]
    ... ]
    >>> df = timeline(snaps)
    >>> df.loc[1, ["gained_km2", "lost_km2"]].round(2).tolist()
    [388.39, 388.39]
    >>> bool(abs(df.loc[1, "net_km2"]) < 1e-6)
    True
    """
    check_options(min_area_km2, grid_size)
    engine = Engine(zone=zone, region=region, crs=crs, layer=layer)
    groups = read_sources(
        paths_or_snapshots, engine, on_duplicate=on_duplicate, show_progress=progress
    )
    check_zones([lay for layers in groups.values() for lay in layers], engine)
    frames = []
    totals: dict[str, dict[str, Any]] = {}
    crs_used = None
    for who, layers in groups.items():
        steps = _steps(layers, engine, min_area_km2, grid_size, executor, progress)
        part = pd.DataFrame(_rows(who, layers, steps), columns=list(COLUMNS))
        totals[who] = _totals(part)
        crs_used = steps[-1].crs
        frames.append(part)
    out = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    if len(frames) > 1:  # date order, each source's rows in its own order
        out = out.sort_values(["date"], kind="stable").reset_index(drop=True)
    out.attrs.update(
        {
            "crs": crs_used,
            "zone": engine.zones,
            "region": None if engine.region is None else engine.region.name,
            "min_area_km2": min_area_km2,
            "grid_size": grid_size or None,
            "sources": list(groups),
            # one source: its totals; several: None, and each in totals_by_source
            "totals": next(iter(totals.values())) if len(totals) == 1 else None,
            "totals_by_source": totals,
        }
    )
    return out


def _steps(
    layers: list[Layer],
    engine: Engine,
    min_area_km2: float,
    grid_size: float | None,
    executor: Executor | None,
    progress: bool | None,
) -> list[_Step]:
    """Measure one source's series and each map's change from the one before."""
    pairs = [(layers[k - 1] if k else None, layers[k]) for k in range(len(layers))]
    steps: list[_Step] = map_chunks(
        _timeline_chunk,
        pairs,
        engine.spec(),
        (min_area_km2, grid_size or None),
        executor=executor,
        progress_bar=progress,
        unit="snapshot",
    )
    return steps


def _rows(who: str, layers: list[Layer], steps: list[_Step]) -> list[dict[str, Any]]:
    rows = []
    for k, (layer, step) in enumerate(zip(layers, steps, strict=True)):
        row: dict[str, Any] = {
            "date": layer.date,
            "source": who,
            "path": layer.path,
            "area_km2": step.area_km2,
        }
        if step.pair is None:
            row.update({c: math.nan for c in COLUMNS[4:13]})
            row.update(
                {"n_gained": 0, "n_lost": 0, "identical": False, "method": "first"}
            )
        else:
            pair = step.pair
            prev_date = layers[k - 1].date
            assert layer.date is not None and prev_date is not None
            days = (layer.date - prev_date).days
            net = step.area_km2 - steps[k - 1].area_km2
            row.update(
                {
                    "gained_km2": pair.gained_km2,
                    "lost_km2": pair.lost_km2,
                    "net_km2": net,
                    "days": days,
                    "km2_per_day": net / days,
                    "gained_raw_km2": pair.gained_raw_km2,
                    "lost_raw_km2": pair.lost_raw_km2,
                    "filtered_km2": pair.filtered_km2,
                    "sliver_net_km2": pair.sliver_net_km2,
                    "n_gained": len(pair.gained),
                    "n_lost": len(pair.lost),
                    "identical": pair.method == "identical",
                    "method": pair.method,
                }
            )
        rows.append(row)
    return rows


def change_parts(
    paths_or_snapshots: Any,
    *,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    crs: Any = "auto",
    min_area_km2: float = DEFAULT_MIN_AREA_KM2,
    grid_size: float | None = DEFAULT_GRID_SIZE,
    on_duplicate: str = "error",
    progress: bool | None = None,
    executor: Executor | None = None,
    layer: str | None = None,
) -> gpd.GeoDataFrame:
    """Return the parts gained and lost between consecutive maps, to map them.

    The geometries behind the ``gained_km2`` and ``lost_km2`` of each
    :func:`timeline` row (same arguments), one row per connected part.

    Returns
    -------
    geopandas.GeoDataFrame
        In OGC:CRS84, columns ``date_a``, ``date_b``, ``source``, ``change``
        (``gained`` or ``lost``), ``area_km2`` (in the later map's equal-area
        CRS) and ``geometry``; in date order, largest part first.

    Examples
    --------
    >>> import geopandas as gpd, datetime as dt
    >>> from shapely import box
    >>> snaps = [
    ...     gpd.GeoDataFrame({"date": [dt.date(2024, 8, d)]}, crs="OGC:CRS84",
    ...                      geometry=[box(35 + x, 51, 35.2 + x, 51.5)])
    ...     for d, x in [(6, 0.0), (8, 0.1)]
    ... ]
    >>> parts = change_parts(snaps)
    >>> parts[["date_b", "change"]].astype(str).values.tolist()
    [['2024-08-08', 'gained'], ['2024-08-08', 'lost']]
    """
    check_options(min_area_km2, grid_size)
    engine = Engine(zone=zone, region=region, crs=crs, layer=layer)
    groups = read_sources(
        paths_or_snapshots, engine, on_duplicate=on_duplicate, show_progress=progress
    )
    check_zones([lay for layers in groups.values() for lay in layers], engine)
    records: list[tuple[Any, Any, str, str, float, BaseGeometry]] = []
    for who, layers in groups.items():
        steps = _steps(layers, engine, min_area_km2, grid_size, executor, progress)
        for k, step in enumerate(steps):
            if step.pair is None:
                continue
            for change, geoms in (
                ("gained", step.pair.gained),
                ("lost", step.pair.lost),
            ):
                if not len(geoms):
                    continue
                areas = shapely.area(geoms) / 1e6
                lonlat = project(geoms, step.crs, LONLAT)
                for i in np.argsort(-areas, kind="stable"):
                    records.append(
                        (
                            layers[k - 1].date,
                            layers[k].date,
                            who,
                            change,
                            float(areas[i]),
                            lonlat[i],
                        )
                    )
    records.sort(key=lambda r: r[1])  # stable: each source's parts in order
    frame = pd.DataFrame(
        [r[:5] for r in records],
        columns=["date_a", "date_b", "source", "change", "area_km2"],
    )
    return gpd.GeoDataFrame(
        frame, geometry=gpd.GeoSeries([r[5] for r in records], crs=LONLAT), crs=LONLAT
    )


def _totals(df: pd.DataFrame) -> dict[str, Any]:
    first, last = df.iloc[0], df.iloc[-1]
    return {
        "n_snapshots": len(df),
        "first_date": first["date"],
        "last_date": last["date"],
        "change_km2": float(last["area_km2"] - first["area_km2"]),
        "gained_km2": float(df["gained_km2"].sum()),
        "lost_km2": float(df["lost_km2"].sum()),
        "gained_raw_km2": float(df["gained_raw_km2"].sum()),
        "lost_raw_km2": float(df["lost_raw_km2"].sum()),
        "filtered_km2": float(df["filtered_km2"].sum()),
        "sliver_net_km2": float(df["sliver_net_km2"].sum()),
        "n_identical": int(df["identical"].sum()),
        "n_overlay": int((df["method"] == "overlay").sum()),
    }


def _one(source: Any, engine: Engine, what: str) -> Layer:
    layers = read_series(source, engine, require_date=False)
    if len(layers) != 1:
        dates = ", ".join(str(lay.date) for lay in layers[:6])
        raise SnapshotError(
            f"{what} must be one snapshot, but {source!s:.80} gives {len(layers)} "
            f"({dates}); pass one file, or one date of the table"
        )
    return layers[0]


def diff(
    a: Any,
    b: Any,
    *,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    crs: Any = "auto",
    keep: bool = False,
    min_area_km2: float = DEFAULT_MIN_AREA_KM2,
    grid_size: float | None = DEFAULT_GRID_SIZE,
) -> gpd.GeoDataFrame:
    """Return the parts gained and lost between two snapshots, to map them.

    Parameters
    ----------
    a, b : path, GeoDataFrame
        The earlier and the later snapshot (one date each).
    zone : str or list of str, optional
        Compare only these zones (their union); all polygons if None.
    region : path, GeoDataFrame or geometry, optional
        Clip both snapshots to this region.
    crs : "auto" or CRS-like
        The equal-area CRS; ``"auto"`` as for :func:`timeline`, the later
        snapshot's.
    keep : bool
        Also return the ``kept`` part (in both).
    min_area_km2, grid_size : float
        The sliver filter, as in :func:`timeline`.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per connected part, in OGC:CRS84, with columns ``change``
        (``gained``, ``lost`` or ``kept``), ``area_km2`` and ``geometry``,
        largest first within each kind. ``attrs`` holds the dates, paths,
        both areas, ``gained_km2``, ``lost_km2``, ``net_km2`` (as the
        :func:`timeline` row of `b` would give them), ``filtered_km2``,
        ``sliver_net_km2`` and ``crs``.

    Raises
    ------
    SnapshotError
        If an input cannot be read or holds several dates.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> a = gpd.GeoDataFrame(geometry=[box(35.0, 51, 35.2, 51.5)], crs="OGC:CRS84")
    >>> b = gpd.GeoDataFrame(geometry=[box(35.1, 51, 35.3, 51.5)], crs="OGC:CRS84")
    >>> d = diff(a, b)
    >>> d[["change", "area_km2"]].round(2).values.tolist()
    [['gained', 388.39], ['lost', 388.39]]
    """
    check_options(min_area_km2, grid_size)
    engine = Engine(zone=zone, region=region, crs=crs)
    la, lb = _one(a, engine, "a"), _one(b, engine, "b")
    check_zones([la, lb], engine)
    gb, target, *_ = engine.geometry(lb, strict=False)
    ga, *_ = engine.geometry(la, crs=target, strict=False)
    area_a = float(shapely.area(engine.geometry(la, strict=False)[0])) / 1e6
    area_b = float(shapely.area(gb)) / 1e6
    pair = change_between(ga, gb, area_b - area_a, min_area_km2, grid_size or None)
    parts = [("gained", g) for g in pair.gained] + [("lost", g) for g in pair.lost]
    kept_km2 = None
    if keep:
        both = shapely.intersection(ga, gb)
        kept_km2 = float(shapely.area(both)) / 1e6
        parts += [("kept", g) for g in _change.polygons(shapely.get_parts(both))]
    geoms = np.array([g for _, g in parts], dtype=object)
    area = shapely.area(geoms) / 1e6 if len(geoms) else np.empty(0)
    lonlat = project(geoms, target, LONLAT) if len(geoms) else geoms
    out = gpd.GeoDataFrame(
        {"change": [c for c, _ in parts], "area_km2": area},
        geometry=gpd.GeoSeries(lonlat, crs=LONLAT),
        crs=LONLAT,
    )
    order = {"gained": 0, "lost": 1, "kept": 2}
    out = out.iloc[
        np.lexsort((-out["area_km2"].to_numpy(), out["change"].map(order).to_numpy()))
    ].reset_index(drop=True)
    out.attrs.update(
        {
            "date_a": la.date,
            "date_b": lb.date,
            "path_a": la.path,
            "path_b": lb.path,
            "area_a_km2": area_a,
            "area_b_km2": area_b,
            "gained_km2": pair.gained_km2,
            "lost_km2": pair.lost_km2,
            "net_km2": area_b - area_a,
            "gained_raw_km2": pair.gained_raw_km2,
            "lost_raw_km2": pair.lost_raw_km2,
            "filtered_km2": pair.filtered_km2,
            "sliver_net_km2": pair.sliver_net_km2,
            "kept_km2": kept_km2,
            "method": pair.method,
            "crs": target,
        }
    )
    return out


from kurskgeo.series.compare import (  # noqa: E402
    COMPARE_COLUMNS,
    DEFAULT_MAX_DAYS,
    DERIVED_ZONES,
    compare,
    compare_parts,
    front_line,
)
from kurskgeo.series.export import (  # noqa: E402
    ZONE_COLUMNS,
    export_zones,
    input_records,
    measured_zones,
)
