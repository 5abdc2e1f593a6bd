"""Area series, what was gained and lost between dates, and rates of change.

A series is a folder, a glob, a list of files, one multi-date file, or a list
of snapshot tables. Every snapshot is measured in **one** equal-area CRS,
chosen from the bounds of the whole series (:func:`kurskgeo.crs.equal_area_crs`),
so that areas and the geometry of changes are comparable from row to row.

How gains and losses are counted
--------------------------------
``area_km2`` of each row is exactly what :func:`kurskgeo.area.area_km2` gives
for that snapshot in the series CRS (union of the polygons of `zone`, clipped
to `region`, long edges densified along the geodesic). ``net_km2`` is the
difference of ``area_km2`` from the previous row, exactly.

``gained_km2`` and ``lost_km2`` are geometric: the area inside the new zone
and not in the old one, and the reverse. Redrawn borders produce slivers
(coordinates written with 6 decimals one day and 7 the next), so two rules
filter them, and their effect is reported on every row:

1. both geometries are snapped to a grid of `grid_size` degrees (default
   1e-6°, about 0.1 m) before they are compared, which makes most redrawn
   vertices coincide;
2. change parts smaller than `min_area_km2` (default 0.01 km²) are slivers:
   ``gained_raw_km2`` and ``lost_raw_km2`` are the totals before this filter,
   ``filtered_km2`` the sliver area removed from both.

What the two rules remove does not cancel exactly: its net (``sliver_net_km2``,
a few hundredths of a km² at most on daily DeepState maps) is booked to
``gained_km2`` when positive and to ``lost_km2`` when negative, so that
``gained_km2 - lost_km2 == net_km2`` on every row (to floating-point rounding)
and the columns add up to the area series. The first row has no previous
snapshot: its gained, lost, net and rate columns are NaN.

Speed
-----
Snapshots whose geometry is identical to a recent one (DeepState publishes
the same map on days without change; the file names and dates still differ)
are measured once, and byte-identical consecutive files are parsed once.
Plain files are parsed without building Python lists per position
(:mod:`kurskgeo._fastread`); long edges are densified once for all the
snapshots that share them; changes are overlaid only where the two
geometries' edges differ (:mod:`kurskgeo._change`), with a check against the
exact change of area that falls back to full overlays. Long series are split
between two processes when a second CPU is idle (see `workers`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from kurskgeo import _change, _parallel
from kurskgeo import _series as series
from kurskgeo._progress import progress as progress_bar
from kurskgeo.crs import LONLAT
from kurskgeo.errors import SnapshotError

__all__ = [
    "COLUMNS",
    "DEFAULT_GRID_SIZE",
    "DEFAULT_MIN_AREA_KM2",
    "area_series",
    "diff",
    "timeline",
]

log = logging.getLogger(__name__)

#: Change parts smaller than this (km²) are slivers from redrawn borders.
DEFAULT_MIN_AREA_KM2 = 0.01
#: Coordinates are snapped to this grid (degrees) before changes are computed.
DEFAULT_GRID_SIZE = 1e-6

#: The columns of :func:`timeline`, in order.
COLUMNS = (
    "date",
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


# ---------------------------------------------------------------- changes


@dataclass(frozen=True)
class _Pair:
    gained_km2: float
    lost_km2: float
    gained_raw_km2: float
    lost_raw_km2: float
    filtered_km2: float
    sliver_net_km2: float
    gained: np.ndarray  # kept parts, projected
    lost: np.ndarray
    method: str


def _tolerance(a: series.Measured, b: series.Measured) -> float:
    # Snapping moves an unshared vertex by at most half a grid step; on daily
    # DeepState maps the net effect stays well under 0.05 km².
    return 0.05 + 1e-7 * max(a.area_km2, b.area_km2)


def _pair(
    a: series.Measured, b: series.Measured, min_area_km2: float, *, same: bool
) -> _Pair:
    net = b.area_km2 - a.area_km2
    empty = np.empty(0, dtype=object)
    if same:
        return _Pair(0.0, 0.0, 0.0, 0.0, 0.0, net, empty, empty, "identical")
    assert a.edges is not None and b.edges is not None
    method = "local"
    gained_f, lost_f = _change.local_parts(a.edges, b.edges)
    gained, lost = _change.merge_parts(gained_f), _change.merge_parts(lost_f)
    g_area, l_area = shapely.area(gained) / 1e6, shapely.area(lost) / 1e6
    if abs(g_area.sum() - l_area.sum() - net) > _tolerance(a, b):
        log.debug(
            "local overlay off by %.4f km²; full overlay",
            g_area.sum() - l_area.sum() - net,
        )
        method = "overlay"
        gained, lost = _change.exact_parts(a.exact, b.exact)
        g_area, l_area = shapely.area(gained) / 1e6, shapely.area(lost) / 1e6
    keep_g, keep_l = g_area >= min_area_km2, l_area >= min_area_km2
    g_raw, l_raw = float(g_area.sum()), float(l_area.sum())
    g_kept, l_kept = float(g_area[keep_g].sum()), float(l_area[keep_l].sum())
    residual = net - (g_kept - l_kept)
    return _Pair(
        gained_km2=g_kept + max(residual, 0.0),
        lost_km2=l_kept + max(-residual, 0.0),
        gained_raw_km2=g_raw,
        lost_raw_km2=l_raw,
        filtered_km2=(g_raw - g_kept) + (l_raw - l_kept),
        sliver_net_km2=residual,
        gained=gained[keep_g],
        lost=lost[keep_l],
        method=method,
    )


# ---------------------------------------------------------------- public API


def area_series(
    paths_or_snapshots: Any,
    *,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    crs: Any = "auto",
    on_duplicate: str = "error",
    progress: bool | None = None,
    workers: int | None = None,
) -> pd.DataFrame:
    """Area of every snapshot of a series, in one equal-area CRS.

    The same numbers as :func:`kurskgeo.area.area_km2` on each snapshot read
    with :func:`kurskgeo.io.read_snapshot` in the series CRS, computed
    without building a table per file.

    Parameters
    ----------
    paths_or_snapshots : path, folder, glob, GeoDataFrame, or a list of them
        The series; a multi-date file or table gives one row per date.
    zone : str or list of str, optional
        Measure only these zones (their union); all polygons if None.
    region : path, GeoDataFrame or geometry, optional
        Clip every snapshot to this region.
    crs : "auto" or CRS-like
        The equal-area CRS; ``"auto"`` centres one on the bounds of the whole
        series (:func:`kurskgeo.crs.equal_area_crs`).
    on_duplicate : {"error", "first", "last"}
        Two snapshots of the same date: refuse (listing them) or keep one.
    progress : bool, optional
        Progress bars on stderr; by default for series of more than 50 files.
    workers : {None, 1, 2}
        Processes to use: None forks a second one for long series when a CPU
        is idle and the process runs no other thread (Linux/macOS); 1 never
        does; 2 does whenever it can. The result is the same.

    Returns
    -------
    pandas.DataFrame
        Columns ``date``, ``path``, ``area_km2``, one row per date in date
        order; ``attrs["crs"]`` names the CRS.

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
    items, ctx = series.load(
        paths_or_snapshots,
        zone=zone,
        region=region,
        crs=crs,
        on_duplicate=on_duplicate,
        grid_size=None,
        progress=progress,
        workers=workers,
    )

    def areas(lo: int, hi: int, bar: bool | None) -> list[dict[str, Any]]:
        return [
            {
                "date": it.date,
                "path": it.path,
                "area_km2": series.get(it, ctx, False).area_km2,
            }
            for it in progress_bar(items[lo:hi], bar, "measuring", unit="snapshot")
        ]

    rows = _parallel.fork_map(
        areas, len(items), progress, "measuring", workers, share=True, unit="snapshot"
    )
    out = pd.DataFrame(rows, columns=["date", "path", "area_km2"])
    out.attrs.update({"crs": ctx.crs.srs, "zone": ctx.zones})
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
    workers: int | None = None,
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
        The equal-area CRS; ``"auto"`` centres one on the bounds of the whole
        series.
    min_area_km2 : float
        Change parts smaller than this are slivers (see the module notes).
    grid_size : float or None
        Snap coordinates to this grid, in degrees, before comparing dates;
        None or 0 compares them as written.
    on_duplicate : {"error", "first", "last"}
        Two snapshots of the same date: refuse (listing them) or keep one.
    progress : bool, optional
        Progress bars on stderr; by default for series of more than 50 files.
    workers : {None, 1, 2}
        Processes to use: None forks a second one for long series when a CPU
        is idle and the process runs no other thread (Linux/macOS); 1 never
        does; 2 does whenever it can. The result is the same.

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
        ``crs``, ``zone``, ``min_area_km2``, ``grid_size`` and ``totals``
        (sums over the series and the first-to-last change).

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
    if not (min_area_km2 >= 0 and math.isfinite(min_area_km2)):
        raise ValueError(
            f"min_area_km2 must be a non-negative number, not {min_area_km2!r}"
        )
    items, ctx = series.load(
        paths_or_snapshots,
        zone=zone,
        region=region,
        crs=crs,
        on_duplicate=on_duplicate,
        grid_size=grid_size,
        progress=progress,
        workers=workers,
    )
    rows = _parallel.fork_map(
        lambda lo, hi, bar: _rows(items, ctx, lo, hi, min_area_km2, bar),
        len(items),
        progress,
        "measuring",
        workers,
        share=True,
        unit="snapshot",
    )
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    out.attrs.update(
        {
            "crs": ctx.crs.srs,
            "zone": ctx.zones,
            "region": None
            if region is None
            else str(region)
            if not isinstance(region, BaseGeometry)
            else "geometry",
            "min_area_km2": min_area_km2,
            "grid_size": ctx.grid_size,
            "totals": _totals(out),
        }
    )
    return out


def _rows(
    items: list[series.Item],
    ctx: series.Context,
    lo: int,
    hi: int,
    min_area_km2: float,
    bar: bool | None,
) -> list[dict[str, Any]]:
    """Compute the rows of ``items[lo:hi]``, each against the item before it."""
    rows: list[dict[str, Any]] = []
    prev: tuple[series.Item, series.Measured] | None = None
    if lo > 0:
        prev = (items[lo - 1], series.get(items[lo - 1], ctx, True))
    for it in progress_bar(items[lo:hi], bar, "measuring", unit="snapshot"):
        measured = series.get(it, ctx, True)
        row: dict[str, Any] = {
            "date": it.date,
            "path": it.path,
            "area_km2": measured.area_km2,
        }
        if prev is None:
            row.update({c: math.nan for c in COLUMNS[3:12]})
            row.update(
                {"n_gained": 0, "n_lost": 0, "identical": False, "method": "first"}
            )
        else:
            same = prev[1].key == measured.key
            pair = _pair(prev[1], measured, min_area_km2, same=same)
            assert it.date is not None and prev[0].date is not None
            days = (it.date - prev[0].date).days
            net = measured.area_km2 - prev[1].area_km2
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
                    "identical": same,
                    "method": pair.method,
                }
            )
        rows.append(row)
        prev = (it, measured)
    return rows


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


def _one(source: Any, what: str) -> series.Item:
    items = series.read_items(source, False)
    if len(items) != 1:
        dates = ", ".join(str(it.date) for it in items[:6])
        raise SnapshotError(
            f"{what} must be one snapshot, but {source!s:.80} gives {len(items)} "
            f"({dates}); pass one file, or one date of the table"
        )
    return items[0]


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
        The equal-area CRS to measure in; ``"auto"`` centres one on both.
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
    item_a, item_b = _one(a, "a"), _one(b, "b")
    ctx = series.context([item_a, item_b], zone, region, crs, grid_size)
    ma, mb = series.get(item_a, ctx, True), series.get(item_b, ctx, True)
    same = ma.key == mb.key
    pair = _pair(ma, mb, min_area_km2, same=same)
    parts = [("gained", g) for g in pair.gained] + [("lost", g) for g in pair.lost]
    if keep:
        kept = _change._polygons(
            shapely.get_parts(shapely.intersection(ma.exact, mb.exact))
        )
        parts += [("kept", g) for g in kept]
    geoms = np.array([g for _, g in parts], dtype=object)
    area = shapely.area(geoms) / 1e6 if len(geoms) else np.empty(0)
    from kurskgeo.area import to_lonlat

    lonlat = to_lonlat(geoms, ctx.crs) if len(geoms) else geoms
    out = gpd.GeoDataFrame(
        {"change": [c for c, _ in parts], "area_km2": area},
        geometry=gpd.GeoSeries(lonlat, crs=LONLAT),
        crs=LONLAT,
    )
    order = {"gained": 0, "lost": 1, "kept": 2}
    out = out.iloc[
        np.lexsort((-out["area_km2"].to_numpy(), out["change"].map(order).to_numpy()))
    ]
    out = out.reset_index(drop=True)
    out.attrs.update(
        {
            "date_a": item_a.date,
            "date_b": item_b.date,
            "path_a": item_a.path,
            "path_b": item_b.path,
            "area_a_km2": ma.area_km2,
            "area_b_km2": mb.area_km2,
            "gained_km2": pair.gained_km2,
            "lost_km2": pair.lost_km2,
            "net_km2": mb.area_km2 - ma.area_km2,
            "gained_raw_km2": pair.gained_raw_km2,
            "lost_raw_km2": pair.lost_raw_km2,
            "filtered_km2": pair.filtered_km2,
            "sliver_net_km2": pair.sliver_net_km2,
            "kept_km2": float(shapely.area(shapely.intersection(ma.exact, mb.exact)))
            / 1e6
            if keep
            else None,
            "method": pair.method,
            "crs": ctx.crs.srs,
        }
    )
    return out
