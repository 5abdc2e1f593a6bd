"""Read, validate and repair snapshots of control zones; write outputs atomically.

The snapshot schema
-------------------
Every reader returns a :class:`geopandas.GeoDataFrame` in OGC:CRS84
(longitude/latitude on WGS84) with one row per polygonal feature and these
columns, followed by the feature's original properties:

``date``
    :class:`datetime.date` the snapshot shows (from the properties, the
    document, or the file name), or ``None`` if nothing says.
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
:class:`datetime.datetime` when the file gives the moment of publication) and
``notes``, the list of what was skipped or repaired.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob as _glob
import logging
import os
import re
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from kurskgeo import _geojson, sources
from kurskgeo._parallel import fork_map
from kurskgeo._progress import progress as progress_bar
from kurskgeo.crs import LONLAT, as_crs
from kurskgeo.errors import (
    AssumedCRSWarning,
    CRSError,
    KurskgeoWarning,
    OutputError,
    OutputExistsError,
    RepairWarning,
    SkippedFeatureWarning,
    SnapshotError,
)

T = TypeVar("T")

__all__ = [
    "SCHEMA",
    "as_snapshot",
    "atomic_write",
    "parse_date",
    "read_region",
    "read_snapshot",
    "read_snapshots",
    "resolve_paths",
    "snapshot_date",
]

log = logging.getLogger(__name__)

#: The columns every snapshot table starts with.
SCHEMA = ("date", "source", "label", "zone", "geometry")

SNAPSHOT_SUFFIXES = (".geojson", ".json", ".geojson.gz", ".json.gz")

_DATE_PATTERNS = (
    re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"),
    re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"),
)
_UNIX_STEM = re.compile(r"^(\d{9,10})(?:\.\d+)?$")


# ---------------------------------------------------------------- dates


def parse_date(value: Any) -> dt.date:
    """Parse an ISO 8601 date (or date-time) into a :class:`datetime.date`.

    Accepts ``date``/``datetime`` objects, ``"2025-01-17"``, ``"20250117"`` and
    ISO date-times such as ``"2025-01-17T10:00:00Z"``.

    Raises
    ------
    ValueError
        If `value` is not a date.

    Examples
    --------
    >>> parse_date("2025-01-17"), parse_date("20240814")
    (datetime.date(2025, 1, 17), datetime.date(2024, 8, 14))
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{8}", text):
            text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text)
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not an ISO 8601 date (YYYY-MM-DD)")


def date_from_name(name: str) -> tuple[dt.date | None, dt.datetime | None]:
    """Find the date (and moment, for Unix-time names) a file name carries.

    Examples
    --------
    >>> date_from_name("deepstatemap_data_20240814.geojson")
    (datetime.date(2024, 8, 14), None)
    >>> date_from_name("1737150794.geojson")[1].isoformat()
    '2025-01-17T21:53:14+00:00'
    """
    stem = name.split(".", 1)[0]
    m = _UNIX_STEM.match(stem)
    if m:
        moment = dt.datetime.fromtimestamp(int(m.group(1)), tz=dt.UTC)
        return moment.date(), moment
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(name):
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), None
            except ValueError:
                continue
    return None, None


def snapshot_date(snapshot: gpd.GeoDataFrame) -> dt.date | None:
    """Return the single date of a snapshot table (None if it has none).

    Raises
    ------
    SnapshotError
        If the table holds several dates (use :func:`read_snapshots` to split).
    """
    dates = {d for d in snapshot["date"] if d is not None and not pd.isna(d)}
    if len(dates) > 1:
        raise SnapshotError(
            f"{snapshot.attrs.get('path', 'snapshot')}: holds {len(dates)} dates "
            f"({min(dates)} to {max(dates)}); read it with read_snapshots() to get "
            "one snapshot per date"
        )
    return next(iter(dates), None)


# ---------------------------------------------------------------- paths


def resolve_paths(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
) -> list[Path]:
    """Expand files, folders and glob patterns into a sorted list of snapshot files.

    A folder contributes its ``.geojson``, ``.json`` and ``.geojson.gz`` files
    (not recursively). A glob pattern is expanded; one that matches nothing is
    an error, as is a path that does not exist.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out: list[Path] = []
    for item in paths:
        text = os.fspath(item)
        p = Path(text)
        if p.is_dir():
            found = sorted(
                q
                for q in p.iterdir()
                if q.is_file() and q.name.lower().endswith(SNAPSHOT_SUFFIXES)
            )
            if not found:
                raise SnapshotError(
                    f"{p}: the folder holds no .geojson, .json or .geojson.gz file"
                )
            out.extend(found)
        elif p.exists():
            out.append(p)
        elif _glob.has_magic(text):
            found = sorted(Path(q) for q in _glob.glob(text) if Path(q).is_file())
            if not found:
                raise SnapshotError(f"{text}: the pattern matches no file")
            out.extend(found)
        else:
            raise SnapshotError(f"{p}: no such file or folder")
    return out


# ---------------------------------------------------------------- reading


def _declared_crs(doc: Mapping[str, Any], path: Path) -> Any:
    member = doc.get("crs")
    if member is None:
        return None
    name = None
    if isinstance(member, dict):
        props = member.get("properties")
        if isinstance(props, dict):
            name = props.get("name") or props.get("href")
    if not isinstance(name, str):
        raise SnapshotError(
            f"{path}: the 'crs' member is not of the form "
            '{"type": "name", "properties": {"name": "EPSG:..."}}'
        )
    try:
        crs = as_crs(name)
    except CRSError:
        raise SnapshotError(
            f"{path}: the 'crs' member names {name!r}, which PROJ does not know; "
            "fix it or remove it (GeoJSON without 'crs' is longitude/latitude)"
        ) from None
    if crs.is_geographic:
        # GeoJSON always writes longitude first, whatever the CRS's axis order.
        return LONLAT
    return crs


def _unwrap(doc: Any) -> tuple[Any, dt.datetime | None]:
    """Take the map out of a DeepStateMap API record ``{"id": ..., "map": ...}``."""
    if isinstance(doc, dict) and isinstance(doc.get("map"), dict) and "type" not in doc:
        moment = None
        ident = doc.get("id")
        if (
            isinstance(ident, (int, float))
            and not isinstance(ident, bool)
            and 1e8 < ident < 1e10
        ):
            moment = dt.datetime.fromtimestamp(int(ident), tz=dt.UTC)
        return doc["map"], moment
    return doc, None


def _repair(
    geoms: np.ndarray, indices: list[int], path: Path, notes: list[str], stacklevel: int
) -> np.ndarray:
    """Make invalid polygons valid, warning with the area each repair changed."""
    from kurskgeo.area import geodesic_area_km2

    invalid = ~shapely.is_valid(geoms)
    if not invalid.any():
        return geoms
    geoms = geoms.copy()
    for i in np.flatnonzero(invalid):
        before = geoms[i]
        reason = shapely.is_valid_reason(before)
        fixed = shapely.make_valid(before, method="structure", keep_collapsed=False)
        parts = shapely.get_parts(fixed)
        polys = [p for p in parts if p.geom_type in _geojson.POLYGONAL]
        fixed = shapely.union_all(polys) if polys else shapely.Polygon()
        change = geodesic_area_km2(fixed) - _unsigned_ring_area(before)
        msg = (
            f"{path}: feature {indices[i]}: invalid polygon ({reason}) repaired with "
            f"make_valid; the area changed by {change:+.4f} km²"
        )
        notes.append(msg)
        warnings.warn(msg, RepairWarning, stacklevel=stacklevel)
        geoms[i] = fixed
    return geoms


def _unsigned_ring_area(geom: BaseGeometry) -> float:
    """Geodesic area of a possibly invalid polygon, rings taken as drawn."""
    from kurskgeo.area import geodesic_area_km2

    total = 0.0
    for part in shapely.get_parts(geom):
        shell = shapely.Polygon(part.exterior)
        total += geodesic_area_km2(shell)
        for ring in part.interiors:
            total -= geodesic_area_km2(shapely.Polygon(ring))
    return total


def read_snapshot(
    path: str | os.PathLike[str],
    *,
    date: Any = None,
    source: str | None = None,
    label: str | None = None,
    crs: Any = None,
    zone_rules: Iterable[tuple[str, str]] | Mapping[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """Read one GeoJSON snapshot of control zones into the snapshot schema.

    Parameters
    ----------
    path : path-like
        A ``.geojson``, ``.json`` or gzip-compressed ``.geojson.gz`` file: a
        FeatureCollection, a Feature, a bare geometry, or a DeepStateMap API
        record ``{"id": <unix time>, "map": <FeatureCollection>}``.
    date : date or str, optional
        The snapshot's date, overriding what the file and its name say.
    source, label : str, optional
        Override the detected source and label.
    crs : CRS-like, optional
        The CRS of the coordinates when the file has no ``crs`` member (GeoJSON
        without one is OGC:CRS84 longitude/latitude, RFC 7946).
    zone_rules : mapping or sequence of (pattern, zone), optional
        Extra DeepStateMap layer-to-zone rules, see
        :func:`kurskgeo.sources.deepstate_zone`.

    Returns
    -------
    geopandas.GeoDataFrame
        The snapshot schema described in this module's docstring. A file with
        several dates gives rows of several dates; :func:`read_snapshots`
        splits them.

    Raises
    ------
    SnapshotError
        If the file is unreadable, not GeoJSON, holds no polygon, or has
        coordinates that cannot be longitude/latitude (projected metres,
        swapped axes, out of range).

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
    path = Path(path)
    notes: list[str] = []
    doc = _geojson.loads(_geojson.read_bytes(path), path, notes)
    doc, moment = _unwrap(doc)
    fmt = sources.detect_format(doc, path) if isinstance(doc, dict) else "generic"
    declared = _declared_crs(doc, path) if isinstance(doc, dict) else None
    features, plog = _geojson.parse_features(doc, path)
    if not features:
        raise SnapshotError(
            f"{path}: no polygon in the file (found {_describe(plog)}); "
            "a control-zone snapshot needs Polygon or MultiPolygon features"
        )
    stacklevel = 2

    if plog.null_geometry:
        msg = (
            f"{path}: {len(plog.null_geometry)} feature(s) with null geometry skipped "
            f"(indices {_short(plog.null_geometry)})"
        )
        notes.append(msg)
        warnings.warn(msg, SkippedFeatureWarning, stacklevel=stacklevel)
    if plog.non_polygonal:
        counts = ", ".join(f"{n} {k}" for k, n in sorted(plog.non_polygonal.items()))
        msg = f"{path}: ignored {counts} (only polygons have an area)"
        notes.append(msg)
        warnings.warn(msg, SkippedFeatureWarning, stacklevel=stacklevel)
    if plog.degenerate:
        msg = (
            f"{path}: dropped rings with fewer than 4 positions in feature(s) "
            f"{_short(plog.degenerate)}"
        )
        notes.append(msg)
        warnings.warn(msg, SkippedFeatureWarning, stacklevel=stacklevel)
    if plog.closed_rings:
        closed = _short(sorted(set(plog.closed_rings)))
        msg = f"{path}: closed unclosed rings in feature(s) {closed}"
        notes.append(msg)
        warnings.warn(msg, RepairWarning, stacklevel=stacklevel)

    geoms = np.array([f.geometry for f in features], dtype=object)
    src_crs = (
        declared
        if declared is not None
        else (as_crs(crs) if crs is not None else LONLAT)
    )
    if src_crs.is_geographic:
        _geojson.check_lonlat(features, path, declared is not None or crs is not None)
    else:
        geoms = _to_lonlat(geoms, src_crs, path)
    geoms = _repair(geoms, [f.index for f in features], path, notes, stacklevel + 1)
    geoms = shapely.orient_polygons(geoms, exterior_cw=False)
    keep = ~shapely.is_empty(geoms)
    if not keep.all():
        msg = f"{path}: {int((~keep).sum())} feature(s) empty after repair were dropped"
        notes.append(msg)
        warnings.warn(msg, SkippedFeatureWarning, stacklevel=stacklevel)
    if not keep.any():
        raise SnapshotError(f"{path}: no polygon with an area is left after repair")

    name_date, name_moment = date_from_name(path.name)
    doc_date = doc.get("date") if isinstance(doc, dict) else None
    default_date = None
    if date is not None:
        default_date = _checked_date(date, path, "date argument")
    elif doc_date is not None:
        default_date = _checked_date(doc_date, path, "'date' member")
    elif moment is not None:
        default_date = moment.date()
    else:
        default_date = name_date
    doc_label = doc.get("name") if isinstance(doc, dict) else None
    default_label = (
        label
        or (doc_label if isinstance(doc_label, str) else None)
        or path.name.split(".")[0]
    )
    doc_source = doc.get("source") if isinstance(doc, dict) else None
    default_source = (
        source
        or (doc_source if isinstance(doc_source, str) else None)
        or sources.SOURCE_NAMES.get(fmt, "")
        or "unknown"
    )

    rows = []
    dropped = sources.DROPPED_PROPERTIES.get(fmt, ())
    kept_props = [f.properties for f, ok in zip(features, keep, strict=True) if ok]
    for msg in sources.zone_notes(fmt, kept_props, zone_rules=zone_rules):
        notes.append(f"{path}: {msg}")
        warnings.warn(f"{path}: {msg}", KurskgeoWarning, stacklevel=stacklevel)
    for f, ok in zip(features, keep, strict=True):
        if not ok:
            continue
        props = f.properties
        extra = sources.feature_columns(fmt, props, zone_rules=zone_rules)
        if date is not None or "date" not in props or props.get("date") in (None, ""):
            row_date = default_date
        else:
            row_date = _checked_date(props["date"], path, f"feature {f.index} 'date'")
        row = {
            "date": row_date,
            "source": source or _text(props.get("source")) or default_source,
            "label": label or _text(props.get("label")) or default_label,
            "zone": extra.pop("zone"),
        }
        for key, value in props.items():
            if key not in row and key not in extra and key not in dropped:
                row[key] = value
        row.update(extra)
        rows.append(row)
    frame = pd.DataFrame(rows)
    if (
        frame.columns.duplicated().any()
    ):  # pragma: no cover - keys are unique by construction
        frame = frame.loc[:, ~frame.columns.duplicated()]
    gdf = gpd.GeoDataFrame(frame, geometry=list(geoms[keep]), crs=LONLAT)
    gdf.attrs.update(
        {
            "path": str(path),
            "format": fmt,
            "timestamp": (moment or name_moment) if date is None else None,
            "notes": notes,
            "repaired": sum("repaired" in n for n in notes),
            "skipped": len(plog.null_geometry) + sum(plog.non_polygonal.values()),
            # valid, oriented, 2D polygons in CRS84: as_snapshot() need not check again
            "kurskgeo_checked": True,
        }
    )
    log.debug("read %s: %d polygonal features (%s)", path, len(gdf), fmt)
    return gdf


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _checked_date(value: Any, path: Path, where: str) -> dt.date:
    try:
        return parse_date(value)
    except ValueError:
        raise SnapshotError(
            f"{path}: {where} is {value!r}, not a YYYY-MM-DD date"
        ) from None


def _short(items: Sequence[int], n: int = 8) -> str:
    shown = ", ".join(str(i) for i in items[:n])
    return shown + (f", ... ({len(items)} in all)" if len(items) > n else "")


def _describe(plog: _geojson.ParseLog) -> str:
    bits = [f"{n} {k}" for k, n in sorted(plog.non_polygonal.items())]
    if plog.null_geometry:
        bits.append(f"{len(plog.null_geometry)} null geometries")
    if plog.degenerate:
        bits.append(f"{len(plog.degenerate)} degenerate polygons")
    return ", ".join(bits) or "no features"


def _to_lonlat(geoms: np.ndarray, src: Any, path: Path) -> np.ndarray:
    from pyproj import Transformer

    tr = Transformer.from_crs(src, LONLAT, always_xy=True)

    def fn(xy: np.ndarray) -> np.ndarray:
        x, y = tr.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    out = shapely.transform(geoms, fn)
    coords = shapely.get_coordinates(out)
    if not np.isfinite(coords).all():
        raise SnapshotError(
            f"{path}: coordinates fall outside the area of use of {src.name}; "
            "is the 'crs' member right?"
        )
    return out


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
        warnings.warn(
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
    geoms = gdf.geometry.values
    kind = shapely.get_type_id(np.asarray(geoms))
    polygonal = np.isin(kind, (3, 6))  # Polygon, MultiPolygon
    collections = kind == 7
    if collections.any():
        arr = np.asarray(geoms, dtype=object).copy()
        for i in np.flatnonzero(collections):
            parts = [
                p
                for p in shapely.get_parts(arr[i])
                if p.geom_type in _geojson.POLYGONAL
            ]
            arr[i] = shapely.union_all(parts) if parts else None
        gdf = gdf.set_geometry(gpd.GeoSeries(arr, index=gdf.index, crs=LONLAT))
        polygonal = polygonal | (collections & ~shapely.is_missing(arr))
    dropped = int((~polygonal).sum())
    if dropped:
        warnings.warn(
            f"{label}: ignored {dropped} row(s) that are not polygons",
            SkippedFeatureWarning,
            stacklevel=stacklevel + 1,
        )
        gdf = gdf[polygonal]
    if len(gdf) == 0:
        raise SnapshotError(f"{label}: no polygon to measure")
    bounds = gdf.total_bounds
    if not (
        -180 <= bounds[0] and bounds[2] <= 180 and -90 <= bounds[1] and bounds[3] <= 90
    ):
        raise SnapshotError(
            f"{label}: coordinates outside longitude ±180 / latitude ±90 "
            f"({bounds.round(3).tolist()}); is the CRS right?"
        )
    notes: list[str] = list(gdf.attrs.get("notes", []))
    arr = np.asarray(gdf.geometry.values, dtype=object)
    arr = _repair(arr, list(range(len(arr))), Path(label), notes, stacklevel + 2)
    arr = shapely.orient_polygons(arr, exterior_cw=False)
    gdf = gdf.set_geometry(gpd.GeoSeries(arr, index=gdf.index, crs=LONLAT))
    for col in ("date", "source", "label", "zone"):
        if col not in gdf.columns:
            gdf[col] = None
    gdf = gdf[
        [*SCHEMA[:-1], *[c for c in gdf.columns if c not in SCHEMA], gdf.geometry.name]
    ]
    gdf.attrs["notes"] = notes
    gdf.attrs["kurskgeo_checked"] = True
    return gdf


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
        Files, folders (their ``.geojson``/``.json``/``.geojson.gz`` files) or
        glob patterns.
    on_duplicate : {"error", "first", "last"}
        What to do when two files show the same date: refuse (listing them),
        or keep the first or last in path order.
    require_date : bool
        If False, a file with no date is kept as one snapshot (sorted after
        the dated ones) instead of raising.
    progress : bool, optional
        Show a progress bar on stderr; by default, when more than 50 files.
    **kwargs
        Passed to :func:`read_snapshot`.

    Returns
    -------
    list of geopandas.GeoDataFrame
        One snapshot per date, in date order.

    Raises
    ------
    SnapshotError
        If a file has no date, or two show the same date and
        ``on_duplicate="error"``.
    """
    choices = ("error", "first", "last")
    if on_duplicate not in choices:
        raise ValueError(f"on_duplicate must be one of {choices}, not {on_duplicate!r}")
    files = resolve_paths(paths)

    def read(lo: int, hi: int, bar: bool | None) -> list[gpd.GeoDataFrame]:
        return [
            read_snapshot(path, **kwargs)
            for path in progress_bar(files[lo:hi], bar, "reading snapshots")
        ]

    # a long series is read on two cores when one is idle
    snaps: list[gpd.GeoDataFrame] = []
    for snap in fork_map(read, len(files), progress, "reading snapshots"):
        if not require_date and snap["date"].isna().all():
            snaps.append(snap)
        else:
            snaps.extend(part for _, part in split_dates(snap))
    return order_by_date(
        snaps,
        date=snapshot_date,
        name=lambda snap: str(snap.attrs.get("path")),
        on_duplicate=on_duplicate,
        require_date=require_date,
    )


def order_by_date(
    items: Iterable[T],
    *,
    date: Callable[[T], dt.date | None],
    name: Callable[[T], str],
    on_duplicate: str = "error",
    require_date: bool = True,
) -> list[T]:
    """Sort snapshots (or their measurements) by date, as :func:`read_snapshots` does.

    Two items of the same date are refused (the message names them) or one is
    kept, the first or last in the given order; items without a date follow
    the dated ones, in the given order, unless `require_date`.

    Raises
    ------
    SnapshotError
        On two items of one date with ``on_duplicate="error"``, or an item
        without a date with `require_date`.
    """
    by_date: dict[dt.date, list[T]] = {}
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
        else:
            by_date.setdefault(day, []).append(item)
    out = []
    for day in sorted(by_date):
        found = by_date[day]
        if len(found) > 1 and on_duplicate == "error":
            names = ", ".join(name(it) for it in found)
            raise SnapshotError(
                f"{len(found)} snapshots show {day}: {names}; keep one, or pass "
                "on_duplicate='first'/'last' (CLI: --on-duplicate)"
            )
        out.append(found[-1] if on_duplicate == "last" else found[0])
    return out + undated


def split_dates(snap: gpd.GeoDataFrame) -> Iterator[tuple[dt.date, gpd.GeoDataFrame]]:
    if snap["date"].isna().any():
        raise SnapshotError(
            f"{snap.attrs.get('path')}: no date: name the file YYYY-MM-DD.geojson, add "
            "a 'date' property, or pass date=..."
        )
    days = snap["date"].unique()
    if len(days) == 1:
        yield days[0], snap
        return
    for day in sorted(days):
        part = snap[snap["date"] == day].copy()
        part.attrs = {
            **snap.attrs,
            "timestamp": None,
            "label": f"{snap.attrs.get('path')}@{day}",
        }
        yield day, part


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
        if region.geom_type not in _geojson.POLYGONAL or region.is_empty:
            raise SnapshotError(f"the region must be a polygon, not {region.geom_type}")
        return shapely.make_valid(region) if not region.is_valid else region
    if isinstance(region, (gpd.GeoDataFrame, gpd.GeoSeries)):
        snap = as_snapshot(region)
    else:
        snap = read_snapshot(region)
    return shapely.union_all(np.asarray(snap.geometry.values))


# ---------------------------------------------------------------- writing


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], mode: str = "wb", *, overwrite: bool = False
) -> Iterator[IO[Any]]:
    """Open a temporary file beside `path` and rename it into place on success.

    An interruption leaves either the old file or nothing, never half a file.

    Raises
    ------
    OutputExistsError
        If `path` exists and `overwrite` is False.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise OutputExistsError(
            f"{target} exists; pass overwrite=True (CLI: --overwrite) to replace it"
        )
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(
            f"{folder}: the output folder does not exist; create it first"
        )
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, mode) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
