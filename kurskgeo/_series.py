"""Reading a series of snapshots into dated items, and measuring each one.

The machinery under :mod:`kurskgeo.timeline`: :func:`load` reads files
(plain ones by the fast reader, :mod:`kurskgeo._fastread`; the rest by
:func:`kurskgeo.io.read_snapshot`), orders them by date and chooses the one
equal-area CRS of the series; :func:`get` measures an item in it, as
:func:`kurskgeo.area.zone_union` would, caching snapshots whose geometry
repeats and the densified long edges they share.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from kurskgeo import _change, _fastread, _geojson, _parallel, _splice
from kurskgeo._fastread import Ragged
from kurskgeo._progress import progress as progress_bar
from kurskgeo.area import zone_list
from kurskgeo.crs import LONLAT, equal_area_crs, is_auto, laea_pipeline
from kurskgeo.errors import SnapshotError

#: Measured snapshots kept for reuse (a map that returns to an earlier state).
_CACHE_SIZE = 16
_EMPTY_INDEX = np.zeros(1, dtype=np.int64)
_EMPTY: Ragged = (np.empty((0, 2)), (_EMPTY_INDEX, _EMPTY_INDEX, _EMPTY_INDEX))

# ---------------------------------------------------------------- loading


@dataclass
class Item:
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


def _split(frame: gpd.GeoDataFrame, path: str, key: bytes) -> list[Item]:
    """One item per date of a snapshot table (several for a multi-date file)."""
    dates = frame["date"]
    if dates.isna().all():
        return [Item(None, path, key, frame=frame)]
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
        return [Item(days[0], path, key, frame=frame)]
    out = []
    for day in days:
        part = frame[(norm == day).to_numpy()].copy()
        part.attrs = {**frame.attrs, "label": f"{path}@{day}"}
        out.append(
            Item(day, f"{path}@{day}", key + day.isoformat().encode(), frame=part)
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


def read_items(
    source: Any, progress: bool | None, workers: int | None = None
) -> list[Item]:
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
    items: list[Item] = []
    frames: dict[bytes, gpd.GeoDataFrame] = {}
    for entry, plain in zip(entries, parsed, strict=True):
        if plain is not None:
            items.append(Item(plain.date, plain.path, plain.key, plain=plain))
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
        plain = _fastread.read_plain(path, raw, last[1])
        last = (raw, plain)
        out.append(plain)
    return out


def order(items: list[Item], on_duplicate: str) -> list[Item]:
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
    by_date: dict[dt.date, list[Item]] = {}
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


def item_zones(item: Item) -> list[Any]:
    if item.plain is not None:
        return list(item.plain.zones)
    assert item.frame is not None
    if "zone" not in item.frame.columns:
        return [None] * len(item.frame)
    return list(item.frame["zone"])


def check_zones(items: list[Item], zones: list[str] | None) -> None:
    if zones is None:
        return
    seen: set[str] = set()
    for it in items:
        seen.update(str(z) for z in item_zones(it) if z is not None)
    if not seen.intersection(zones):
        raise SnapshotError(
            f"no snapshot of the series has a polygon of zone {', '.join(zones)}; "
            f"zones in the series: {', '.join(sorted(seen)) or 'none (no zone names)'}"
        )


def to_ragged(geoms: np.ndarray) -> Ragged:
    if len(geoms) == 0:
        return _EMPTY
    kind, coords, offsets = shapely.to_ragged_array(geoms)
    if kind == shapely.GeometryType.POLYGON:
        ring_off, poly_off = offsets
        feats = np.arange(len(poly_off), dtype=np.int64)
        return coords, (ring_off, poly_off, feats)
    return coords, offsets


def selected(item: Item, zones: list[str] | None) -> tuple[Ragged, int]:
    """Longitude/latitude rings of the features of `zones`, and their count."""
    keep = np.array([zones is None or z in zones for z in item_zones(item)], dtype=bool)
    if item.plain is not None:
        if not keep.any():
            return _EMPTY, 0
        return _fastread.subset(item.plain.ragged, keep), int(keep.sum())
    assert item.frame is not None
    geoms = np.asarray(item.frame.geometry.values, dtype=object)[keep]
    return to_ragged(geoms), len(geoms)


# ---------------------------------------------------------------- measuring


@dataclass
class Measured:
    """A snapshot measured in the series CRS: exact area, and its edges for changes."""

    area_km2: float
    exact: BaseGeometry  # projected union, clipped: what area_km2 measures
    edges: _change.Edges | None = None
    key: bytes = b""  # equal for equal geometry (see identity)


@dataclass
class Context:
    crs: CRS
    transformer: Transformer
    region: BaseGeometry | None
    zones: list[str] | None
    grid_size: float | None
    cache: dict[bytes, Measured] = field(default_factory=dict)
    identity: dict[bytes, bytes] = field(default_factory=dict)
    exact_edges: _fastread.DensifyCache = field(default_factory=_fastread.DensifyCache)
    snapped_edges: _fastread.DensifyCache = field(
        default_factory=_fastread.DensifyCache
    )
    shape: _splice.Shape | None = None  # the last valid single geometry measured


def project(ragged: Ragged, ctx: Context, cache: _fastread.DensifyCache) -> np.ndarray:
    densified = _fastread.densify(ragged, cache=cache)
    return _fastread.build(_fastread.project(densified, ctx.transformer))


def measure_item(item: Item, ctx: Context) -> Measured:
    """Area of the union of the zone's polygons, clipped, as zone_union computes it."""
    ragged, n = selected(item, ctx.zones)
    if n == 0:
        return Measured(0.0, shapely.Polygon())
    if item.plain is not None and n == 1:
        # spliced from the last geometry where only stretches changed
        shape, valid = _shape(ragged, ctx)
        projected = _fastread.build(shape.ragged())
        ctx.shape = shape if valid or shapely.is_valid(projected[0]) else None
        if ctx.shape is None:  # read_snapshot would repair this file
            return measure_item(reread(item), ctx)
        union = projected[0]
        if ctx.region is not None:
            union = shapely.intersection(union, ctx.region)
        return Measured(float(shapely.area(union)) / 1e6, union)
    projected = project(ragged, ctx, ctx.exact_edges)
    if n == 1 and shapely.is_valid(projected[0]):
        union = projected[0]
    elif item.plain is not None and (
        n == 1 or not shapely.is_valid(_fastread.build(ragged)).all()
    ):
        # read_snapshot would repair this file: measure what it reads
        return measure_item(reread(item), ctx)
    else:
        union = shapely.union_all(projected)
    if ctx.region is not None:
        union = shapely.intersection(union, ctx.region)
    return Measured(float(shapely.area(union)) / 1e6, union)


def _shape(ragged: Ragged, ctx: Context) -> tuple[_splice.Shape, bool]:
    """Densify and project, spliced from ``ctx.shape``: (Shape, surely valid)."""
    srs = ctx.crs.srs
    if ctx.shape is not None:
        spliced = _splice.splice(
            ctx.shape, ragged, srs, ctx.transformer, ctx.exact_edges
        )
        if spliced is not None:
            return spliced
    return _splice.shape(ragged, srs, ctx.transformer, cache=ctx.exact_edges), False


def reread(item: Item) -> Item:
    from kurskgeo import io

    if _parallel.in_child():
        raise _parallel.ChildCannot(item.path)
    frame = io.read_snapshot(item.path)
    return Item(item.date, item.path, item.key, frame=frame)


def snapped_edges(item: Item, measured: Measured, ctx: Context) -> _change.Edges:
    """Return the geometry compared between dates: snapped, then projected."""
    if not ctx.grid_size:
        return _change.edges(measured.exact)
    ragged, n = selected(item, ctx.zones)
    if n == 0:
        return _change.edges(shapely.Polygon())
    projected = project(_fastread.snap(ragged, ctx.grid_size), ctx, ctx.snapped_edges)
    try:
        geom = projected[0] if n == 1 else shapely.union_all(projected)
        if ctx.region is not None:
            geom = shapely.intersection(geom, ctx.region)
    except shapely.errors.GEOSException:
        geom = shapely.union_all(shapely.make_valid(projected))
        if ctx.region is not None:
            geom = shapely.intersection(geom, ctx.region)
    return _change.edges(geom)


def identity(item: Item, ctx: Context) -> bytes:
    """Return a key that is equal for snapshots whose measured geometry is equal."""
    if ctx.zones is None:
        return item.key
    key = ctx.identity.get(item.key)
    if key is None:
        (coords, offsets), _ = selected(item, ctx.zones)
        parts = [
            np.ascontiguousarray(coords).tobytes(),
            *(o.tobytes() for o in offsets),
        ]
        key = ctx.identity[item.key] = _fastread.digest(b"|".join(parts))
    return key


def get(item: Item, ctx: Context, with_edges: bool) -> Measured:
    key = identity(item, ctx)
    measured = ctx.cache.get(key)
    if measured is None:
        measured = measure_item(item, ctx)
        measured.key = key
        ctx.cache[key] = measured
        if len(ctx.cache) > _CACHE_SIZE:  # keep memory flat on long series
            del ctx.cache[next(iter(ctx.cache))]
    if with_edges and measured.edges is None:
        measured.edges = snapped_edges(item, measured, ctx)
    return measured


def context(
    items: list[Item], zone: Any, region: Any, crs: Any, grid_size: float | None
) -> Context:
    zones = zone_list(zone)
    check_zones(items, zones)
    bounds = []
    for it in items:
        ragged, n = selected(it, zones)
        if n:
            coords = ragged[0]
            bounds.append(_fastread.bounds(coords))
    if not bounds:  # nothing of the zone anywhere: centre on everything
        for it in items:
            ragged, n = selected(it, None)
            if n:
                coords = ragged[0]
                bounds.append(_fastread.bounds(coords))
    b = np.array(bounds, dtype=float).reshape(-1, 4)
    box = shapely.box(b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())
    target = equal_area_crs(box, crs=crs)
    if is_auto(crs):
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
    return Context(target, transformer, region_proj, zones, grid_size or None)


def load(
    source: Any,
    *,
    zone: Any,
    region: Any,
    crs: Any,
    on_duplicate: str,
    grid_size: float | None,
    progress: bool | None,
    workers: int | None,
) -> tuple[list[Item], Context]:
    items = order(read_items(source, progress, workers), on_duplicate)
    if not items:
        raise SnapshotError("the series is empty: no snapshot to measure")
    ctx = context(items, zone, region, crs, grid_size)
    return items, ctx
