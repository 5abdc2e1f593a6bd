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

import datetime as dt
import logging
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from kurskgeo import _change, _fastread, _geojson, _parallel
from kurskgeo._fastread import Ragged
from kurskgeo._progress import progress as progress_bar
from kurskgeo.crs import LONLAT, equal_area_crs, laea_pipeline
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

#: Measured snapshots kept for reuse (a map that returns to an earlier state).
_CACHE_SIZE = 16
_EMPTY_INDEX = np.zeros(1, dtype=np.int64)
_EMPTY: Ragged = (np.empty((0, 2)), (_EMPTY_INDEX, _EMPTY_INDEX, _EMPTY_INDEX))


# ---------------------------------------------------------------- loading


@dataclass
class _Item:
    """One dated snapshot of a series, before it is measured."""

    date: dt.date | None
    path: str
    key: bytes  # equal keys: identical geometry and zones
    plain: _fastread.Plain | None = None
    frame: gpd.GeoDataFrame | None = None


def _frame_key(frame: gpd.GeoDataFrame) -> bytes:
    geoms = np.asarray(frame.geometry.values, dtype=object)
    zones = repr(list(frame["zone"])) if "zone" in frame.columns else ""
    return _fastread.digest(b"".join(shapely.to_wkb(geoms)) + zones.encode())


def _split(frame: gpd.GeoDataFrame, path: str, key: bytes) -> list[_Item]:
    """One item per date of a snapshot table (several for a multi-date file)."""
    dates = frame["date"]
    if dates.isna().all():
        return [_Item(None, path, key, frame=frame)]
    if dates.isna().any():
        raise SnapshotError(
            f"{path}: some features have a date and some do not; give every "
            "feature a 'date' property, or none"
        )
    from kurskgeo.io import parse_date

    try:
        norm = dates.map(parse_date)  # datetime.date, whatever the table held
    except ValueError as exc:
        raise SnapshotError(f"{path}: a 'date' is not a date ({exc})") from None
    days = sorted(set(norm))
    if len(days) == 1:
        return [_Item(days[0], path, key, frame=frame)]
    out = []
    for day in days:
        part = frame[(norm == day).to_numpy()].copy()
        part.attrs = {**frame.attrs, "label": f"{path}@{day}"}
        out.append(
            _Item(day, f"{path}@{day}", key + day.isoformat().encode(), frame=part)
        )
    return out


def _inputs(source: Any) -> list[Any]:
    if isinstance(source, (str, os.PathLike, gpd.GeoDataFrame, gpd.GeoSeries)):
        return [source]
    if isinstance(source, Iterable):
        return list(source)
    raise TypeError(
        "expected a path, a folder, a glob pattern, a GeoDataFrame or a list of "
        f"them, not {type(source).__name__}"
    )


def _read_items(
    source: Any, progress: bool | None, workers: int | None = None
) -> list[_Item]:
    """Read every file (fast path when plain) and table into dated items."""
    from kurskgeo import io

    entries: list[Any] = []
    for x in _inputs(source):
        if isinstance(x, (gpd.GeoDataFrame, gpd.GeoSeries)):
            entries.append(x)
        else:
            entries.extend(io.resolve_paths(x))
    if all(isinstance(e, Path) for e in entries):
        # plain files are parsed on both cores; the rest is read here, in order
        parsed = _parallel.fork_map(
            lambda lo, hi, bar: _read_plain_range(entries[lo:hi], bar),
            len(entries),
            progress,
            "reading snapshots",
            workers,
        )
    else:
        parsed = [None] * len(entries)
    items: list[_Item] = []
    frames: dict[bytes, gpd.GeoDataFrame] = {}
    for entry, plain in zip(entries, parsed, strict=True):
        if plain is not None:
            items.append(_Item(plain.date, plain.path, plain.key, plain=plain))
        elif not isinstance(entry, Path):
            frame = io.as_snapshot(entry, stacklevel=4)
            label = str(frame.attrs.get("path", f"table {len(items)}"))
            items.extend(_split(frame, label, _frame_key(frame)))
        else:
            raw_key = _fastread.digest(_geojson.read_bytes(entry))
            frame = frames.get(raw_key)
            if frame is None:
                frame = frames[raw_key] = io.read_snapshot(entry)
            items.extend(_split(frame, str(entry), raw_key))
    return items


def _read_plain_range(
    paths: list[Path], bar: bool | None
) -> list[_fastread.Plain | None]:
    """Parse the plain files among `paths` (None for the others)."""
    out: list[_fastread.Plain | None] = []
    last: tuple[bytes, _fastread.Plain | None] = (b"", None)
    for path in progress_bar(paths, bar, "reading snapshots"):
        raw = _geojson.read_bytes(path)
        if raw == last[0] and last[1] is not None:
            # byte-identical to the previous file: parsed once (a memcmp, no hash)
            out.append(_fastread.with_path(last[1], path))
            continue
        plain = _fastread.read_plain(path, raw)
        last = (raw, plain)
        out.append(plain)
    return out


def _order(items: list[_Item], on_duplicate: str) -> list[_Item]:
    """Sort by date; refuse (or pick from) snapshots that share a date."""
    choices = ("error", "first", "last")
    if on_duplicate not in choices:
        raise ValueError(f"on_duplicate must be one of {choices}, not {on_duplicate!r}")
    undated = [it.path for it in items if it.date is None]
    if undated:
        raise SnapshotError(
            f"{undated[0]}: no date: name the file YYYY-MM-DD.geojson or add a "
            "'date' property; a timeline needs a date for every snapshot"
            + (f" ({len(undated)} files have none)" if len(undated) > 1 else "")
        )
    by_date: dict[dt.date, list[_Item]] = {}
    for it in items:
        assert it.date is not None
        by_date.setdefault(it.date, []).append(it)
    out = []
    for day in sorted(by_date):
        found = by_date[day]
        if len(found) > 1 and on_duplicate == "error":
            names = ", ".join(it.path for it in found)
            raise SnapshotError(
                f"{len(found)} snapshots show {day}: {names}; keep one, or pass "
                "on_duplicate='first'/'last' (CLI: --on-duplicate)"
            )
        out.append(found[0] if on_duplicate != "last" else found[-1])
    return out


# ---------------------------------------------------------------- zones


def _zones(zone: str | Sequence[str] | None) -> list[str] | None:
    if zone is None:
        return None
    zones = [zone] if isinstance(zone, str) else [str(z) for z in zone]
    return zones or None


def _item_zones(item: _Item) -> list[Any]:
    if item.plain is not None:
        return list(item.plain.zones)
    assert item.frame is not None
    if "zone" not in item.frame.columns:
        return [None] * len(item.frame)
    return list(item.frame["zone"])


def _check_zones(items: list[_Item], zones: list[str] | None) -> None:
    if zones is None:
        return
    seen: set[str] = set()
    for it in items:
        seen.update(str(z) for z in _item_zones(it) if z is not None)
    if not seen.intersection(zones):
        raise SnapshotError(
            f"no snapshot of the series has a polygon of zone {', '.join(zones)}; "
            f"zones in the series: {', '.join(sorted(seen)) or 'none (no zone names)'}"
        )


def _to_ragged(geoms: np.ndarray) -> Ragged:
    if len(geoms) == 0:
        return _EMPTY
    kind, coords, offsets = shapely.to_ragged_array(geoms)
    if kind == shapely.GeometryType.POLYGON:
        ring_off, poly_off = offsets
        feats = np.arange(len(poly_off), dtype=np.int64)
        return coords, (ring_off, poly_off, feats)
    return coords, offsets


def _selected(item: _Item, zones: list[str] | None) -> tuple[Ragged, int]:
    """Longitude/latitude rings of the features of `zones`, and their count."""
    keep = np.array(
        [zones is None or z in zones for z in _item_zones(item)], dtype=bool
    )
    if item.plain is not None:
        if not keep.any():
            return _EMPTY, 0
        return _fastread.subset(item.plain.ragged, keep), int(keep.sum())
    assert item.frame is not None
    geoms = np.asarray(item.frame.geometry.values, dtype=object)[keep]
    return _to_ragged(geoms), len(geoms)


# ---------------------------------------------------------------- measuring


@dataclass
class _Measured:
    """A snapshot measured in the series CRS: exact area, and its edges for changes."""

    area_km2: float
    exact: BaseGeometry  # projected union, clipped: what area_km2 measures
    edges: _change.Edges | None = None
    key: bytes = b""  # equal for equal geometry (see _identity)


@dataclass
class _Context:
    crs: CRS
    transformer: Transformer
    region: BaseGeometry | None
    zones: list[str] | None
    grid_size: float | None
    cache: dict[bytes, _Measured] = field(default_factory=dict)
    identity: dict[bytes, bytes] = field(default_factory=dict)
    exact_edges: _fastread.DensifyCache = field(default_factory=_fastread.DensifyCache)
    snapped_edges: _fastread.DensifyCache = field(
        default_factory=_fastread.DensifyCache
    )


def _project(
    ragged: Ragged, ctx: _Context, cache: _fastread.DensifyCache
) -> np.ndarray:
    densified = _fastread.densify(ragged, cache=cache)
    return _fastread.build(_fastread.project(densified, ctx.transformer))


def _measure(item: _Item, ctx: _Context) -> _Measured:
    """Area of the union of the zone's polygons, clipped, as zone_union computes it."""
    ragged, n = _selected(item, ctx.zones)
    if n == 0:
        return _Measured(0.0, shapely.Polygon())
    projected = _project(ragged, ctx, ctx.exact_edges)
    if n == 1 and shapely.is_valid(projected[0]):
        union = projected[0]
    elif item.plain is not None and (
        n == 1 or not shapely.is_valid(_fastread.build(ragged)).all()
    ):
        # read_snapshot would repair this file: measure what it reads
        return _measure(_reread(item), ctx)
    else:
        union = shapely.union_all(projected)
    if ctx.region is not None:
        union = shapely.intersection(union, ctx.region)
    return _Measured(float(shapely.area(union)) / 1e6, union)


def _reread(item: _Item) -> _Item:
    from kurskgeo import io

    if _parallel.in_child():
        raise _parallel.ChildCannot(item.path)
    frame = io.read_snapshot(item.path)
    return _Item(item.date, item.path, item.key, frame=frame)


def _snapped_edges(item: _Item, measured: _Measured, ctx: _Context) -> _change.Edges:
    """Return the geometry compared between dates: snapped, then projected."""
    if not ctx.grid_size:
        return _change.edges(measured.exact)
    ragged, n = _selected(item, ctx.zones)
    if n == 0:
        return _change.edges(shapely.Polygon())
    projected = _project(_fastread.snap(ragged, ctx.grid_size), ctx, ctx.snapped_edges)
    try:
        geom = projected[0] if n == 1 else shapely.union_all(projected)
        if ctx.region is not None:
            geom = shapely.intersection(geom, ctx.region)
    except shapely.errors.GEOSException:
        geom = shapely.union_all(shapely.make_valid(projected))
        if ctx.region is not None:
            geom = shapely.intersection(geom, ctx.region)
    return _change.edges(geom)


def _identity(item: _Item, ctx: _Context) -> bytes:
    """Return a key that is equal for snapshots whose measured geometry is equal."""
    if ctx.zones is None:
        return item.key
    key = ctx.identity.get(item.key)
    if key is None:
        (coords, offsets), _ = _selected(item, ctx.zones)
        parts = [
            np.ascontiguousarray(coords).tobytes(),
            *(o.tobytes() for o in offsets),
        ]
        key = ctx.identity[item.key] = _fastread.digest(b"|".join(parts))
    return key


def _get(item: _Item, ctx: _Context, with_edges: bool) -> _Measured:
    key = _identity(item, ctx)
    measured = ctx.cache.get(key)
    if measured is None:
        measured = _measure(item, ctx)
        measured.key = key
        ctx.cache[key] = measured
        if len(ctx.cache) > _CACHE_SIZE:  # keep memory flat on long series
            del ctx.cache[next(iter(ctx.cache))]
    if with_edges and measured.edges is None:
        measured.edges = _snapped_edges(item, measured, ctx)
    return measured


def _context(
    items: list[_Item], zone: Any, region: Any, crs: Any, grid_size: float | None
) -> _Context:
    zones = _zones(zone)
    _check_zones(items, zones)
    bounds = []
    for it in items:
        ragged, n = _selected(it, zones)
        if n:
            coords = ragged[0]
            bounds.append(_fastread.bounds(coords))
    if not bounds:  # nothing of the zone anywhere: centre on everything
        for it in items:
            ragged, n = _selected(it, None)
            if n:
                coords = ragged[0]
                bounds.append(_fastread.bounds(coords))
    b = np.array(bounds, dtype=float).reshape(-1, 4)
    box = shapely.box(b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())
    target = equal_area_crs(box, crs=crs)
    if crs is None or (isinstance(crs, str) and crs.lower() == "auto"):
        # the same operation as from_crs finds, without searching proj.db (12 ms)
        transformer = Transformer.from_pipeline(laea_pipeline(target.srs))
    else:
        transformer = Transformer.from_crs(LONLAT, target, always_xy=True)
    region_proj = None
    if region is not None:
        from kurskgeo.area import to_equal_area
        from kurskgeo.io import read_region

        region_proj = to_equal_area([read_region(region)], crs=target)[0][0]
        shapely.prepare(region_proj)
    if grid_size is not None and not (grid_size >= 0 and math.isfinite(grid_size)):
        raise ValueError(
            f"grid_size must be a non-negative number of degrees, not {grid_size!r}"
        )
    return _Context(target, transformer, region_proj, zones, grid_size or None)


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


def _tolerance(a: _Measured, b: _Measured) -> float:
    # Snapping moves an unshared vertex by at most half a grid step; on daily
    # DeepState maps the net effect stays well under 0.05 km².
    return 0.05 + 1e-7 * max(a.area_km2, b.area_km2)


def _pair(a: _Measured, b: _Measured, min_area_km2: float, *, same: bool) -> _Pair:
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


def _series(
    source: Any,
    *,
    zone: Any,
    region: Any,
    crs: Any,
    on_duplicate: str,
    grid_size: float | None,
    progress: bool | None,
    workers: int | None,
) -> tuple[list[_Item], _Context]:
    items = _order(_read_items(source, progress, workers), on_duplicate)
    if not items:
        raise SnapshotError("the series is empty: no snapshot to measure")
    ctx = _context(items, zone, region, crs, grid_size)
    return items, ctx


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
    items, ctx = _series(
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
                "area_km2": _get(it, ctx, False).area_km2,
            }
            for it in progress_bar(items[lo:hi], bar, "measuring", unit="snapshot")
        ]

    rows = _parallel.fork_map(areas, len(items), progress, "measuring", workers)
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
    items, ctx = _series(
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
    items: list[_Item],
    ctx: _Context,
    lo: int,
    hi: int,
    min_area_km2: float,
    bar: bool | None,
) -> list[dict[str, Any]]:
    """Compute the rows of ``items[lo:hi]``, each against the item before it."""
    rows: list[dict[str, Any]] = []
    prev: tuple[_Item, _Measured] | None = None
    if lo > 0:
        prev = (items[lo - 1], _get(items[lo - 1], ctx, True))
    for it in progress_bar(items[lo:hi], bar, "measuring", unit="snapshot"):
        measured = _get(it, ctx, True)
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


def _one(source: Any, what: str) -> _Item:
    items = _read_items(source, False)
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
    ctx = _context([item_a, item_b], zone, region, crs, grid_size)
    ma, mb = _get(item_a, ctx, True), _get(item_b, ctx, True)
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
