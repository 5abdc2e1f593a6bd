"""The one reading path: a snapshot file to the polygons a measurement uses.

:func:`read_layer` is what every reader in kurskgeo runs, whether it ends in
a table (:func:`kurskgeo.io.read_snapshot`) or in a number
(:func:`kurskgeo.area.measure_files`). It takes what the caller will use
and pushes it down, so that irrelevant features cost next to nothing:

1. the document is decoded with every geometry left as raw text;
2. each feature's zone is read from its properties, and features of other
   zones, and points and lines, are counted and left; no coordinate of
   theirs is parsed;
3. the coordinates of the rest are parsed (``crs`` members honoured) and
   checked to be longitude/latitude;
4. features whose bounds miss the box of interest (a region's, with a
   margin) are left;
5. what is left is checked for validity (GEOS), repaired with a
   :class:`~kurskgeo.RepairWarning` if need be, and oriented (shells
   counter-clockwise, holes clockwise).

A :class:`FeatureCache` passed from one file to the next of a series keeps
the result of steps 3 to 5 for every geometry whose text has not changed:
a map of the whole front changes in a few places a day, and the features
that did not change are not parsed, checked or repaired again. Whatever is
cached, the result is the one an empty cache gives.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError as ProjCRSError
from shapely.geometry.base import BaseGeometry

from kurskgeo import limits
from kurskgeo.errors import (
    KurskgeoWarning,
    RepairWarning,
    SkippedFeatureWarning,
    SnapshotError,
    warn,
)
from kurskgeo.io import _crs_member, _geojson, _ogr, _repair, sources
from kurskgeo.io._dates import checked_date, date_from_name, moment_from_id
from kurskgeo.io._paths import is_geojson

__all__ = ["LONLAT", "FeatureCache", "Layer", "read_layer", "zone_list"]

log = logging.getLogger(__name__)

#: The CRS of every geometry kurskgeo reads: WGS84 longitude/latitude.
LONLAT = CRS.from_user_input("OGC:CRS84")

_POLYGONAL = frozenset({"Polygon", "MultiPolygon"})

#: Degrees added around a box of interest before features are left out by
#: their bounds: a geodesic edge bows away from the straight line between
#: its ends in longitude/latitude (by 0.02° for a 300 km edge at 50° N).
BBOX_MARGIN_DEG = 0.5


def zone_list(zone: str | Iterable[str] | None) -> list[str] | None:
    """Return `zone` as a list of names, or None for all zones.

    Examples
    --------
    >>> zone_list("liberated"), zone_list(["a", "b"]), zone_list([])
    (['liberated'], ['a', 'b'], None)
    """
    if zone is None:
        return None
    zones = [zone] if isinstance(zone, str) else [str(z) for z in zone]
    return zones or None


@dataclass(frozen=True, eq=False)
class Layer:
    """The polygons of one snapshot that a measurement or a table uses.

    Attributes
    ----------
    geoms : numpy.ndarray of shapely geometries
        Valid, 2D, oriented (Multi)Polygons in longitude/latitude, one per
        feature kept, in file order.
    zones, dates, sources, labels : tuple
        One per geometry: the zone (or None), the date (or None), who drew
        it and the snapshot's label.
    index : tuple of int
        The feature's position in the file.
    keys : tuple of bytes or None
        Equal keys mean equal geometry (the feature's raw text, or None).
    columns : tuple of dict, or None
        The other columns of each row (original properties and what the
        source adds), when the reader was asked for them.
    path, format : str
    timestamp : datetime.datetime or None
        The moment the map was published, when the file says (its name or
        API record), in UTC.
    notes : tuple of str
        What was skipped, assumed or repaired, as warned.
    zones_present : tuple of str
        Every zone of the file's polygons, kept or not (for messages).
    file_date, file_source, file_label
        What the file says of itself (its name, members or API record), which
        the rows take unless their properties say otherwise; they stand for
        the snapshot when no row is kept.
    """

    geoms: np.ndarray
    zones: tuple[str | None, ...]
    dates: tuple[dt.date | None, ...]
    sources: tuple[str, ...]
    labels: tuple[str, ...]
    index: tuple[int, ...]
    keys: tuple[Any, ...]
    columns: tuple[dict[str, Any], ...] | None = None
    path: str | None = None
    format: str = "generic"
    timestamp: dt.datetime | None = None
    notes: tuple[str, ...] = ()
    zones_present: tuple[str, ...] = ()
    file_date: dt.date | None = None
    file_source: str | None = None
    file_label: str | None = None

    def __len__(self) -> int:
        return len(self.geoms)

    def take(self, keep: Sequence[bool] | np.ndarray) -> Layer:
        """Return the rows where `keep` is true."""
        mask = np.asarray(keep, dtype=bool)
        if mask.all():
            return self
        idx = np.flatnonzero(mask)

        def pick(values: tuple[Any, ...]) -> tuple[Any, ...]:
            return tuple(values[i] for i in idx)

        return replace(
            self,
            geoms=self.geoms[idx],
            zones=pick(self.zones),
            dates=pick(self.dates),
            sources=pick(self.sources),
            labels=pick(self.labels),
            index=pick(self.index),
            keys=pick(self.keys),
            columns=None if self.columns is None else pick(self.columns),
        )

    def select(self, zone: str | Iterable[str] | None) -> Layer:
        """Return the rows of `zone` (a name or names; all rows for None)."""
        zones = zone_list(zone)
        if zones is None:
            return self
        return self.take([z in zones for z in self.zones])

    @property
    def date(self) -> dt.date | None:
        """The one date of the layer (None if it has none).

        Raises
        ------
        SnapshotError
            If the rows hold several dates (see :meth:`split_dates`).
        """
        if not len(self):
            return self.file_date
        days = {d for d in self.dates if d is not None}
        if len(days) > 1:
            raise SnapshotError(
                f"{self.path or 'snapshot'}: holds {len(days)} dates "
                f"({min(days)} to {max(days)}); read it with read_snapshots() to get "
                "one snapshot per date"
            )
        return next(iter(days), None)

    def split_dates(self) -> list[Layer]:
        """One layer per date and source, in date order (itself when it has one).

        A file of several dates (a consolidated archive, a table kurskgeo
        exported) gives one layer per date; rows of one date drawn by
        different sources (their ``source`` column) give one layer each.

        Raises
        ------
        SnapshotError
            If some rows have a date and others do not.
        """
        days = sorted({d for d in self.dates if d is not None})
        whos = list(dict.fromkeys(self.sources))
        if (len(days) <= 1 and len(whos) <= 1) or not len(self):
            return [self]
        if len(days) > 1 and any(d is None for d in self.dates):
            raise SnapshotError(
                f"{self.path}: some features have a date and some do not; give "
                "every feature a 'date' property, or none"
            )
        out = []
        for day in days or [None]:  # type: ignore[list-item]
            for who in whos:
                keep = [
                    d == day and s == who
                    for d, s in zip(self.dates, self.sources, strict=True)
                ]
                if not any(keep):
                    continue
                tag = f"@{day}" if len(days) > 1 else ""
                if len(whos) > 1:
                    tag += f"[{who}]"
                out.append(
                    replace(
                        self.take(keep),
                        path=f"{self.path}{tag}",
                        timestamp=self.timestamp if len(days) <= 1 else None,
                        file_source=who or self.file_source,
                    )
                )
        return out


# ---------------------------------------------------------------- the cache


@dataclass
class _Parsed:
    """One feature's geometry text, parsed, checked, repaired: what the cache keeps."""

    geom: BaseGeometry | None  # lon/lat, not yet validated; None: nothing polygonal
    bounds: tuple[float, float, float, float] | None
    closed: bool = False  # an unclosed ring was closed
    degenerate: bool = False  # a ring of fewer than 4 positions was dropped
    valid: BaseGeometry | None = None  # validated, repaired, oriented (lazily)
    repair: _repair.Repair | None = None


@dataclass
class FeatureCache:
    """Parsed features of the last snapshot read, reused for the next one.

    Pass one instance to :func:`read_layer` for each file of a series, in
    order. It keeps the features of the last file only, so memory stays flat
    however long the series.
    """

    last: dict[Any, _Parsed] = field(default_factory=dict)
    now: dict[Any, _Parsed] = field(default_factory=dict)

    def get(self, key: Any) -> _Parsed | None:
        """Return the feature parsed from this text, if the cache has it."""
        found = self.now.get(key)
        if found is None:
            found = self.last.get(key)
            if found is not None:
                self.now[key] = found
        return found

    def put(self, key: Any, value: _Parsed) -> None:
        """Keep a parsed feature for the files that follow."""
        self.now[key] = value

    def next_file(self) -> None:
        """Forget the features that the file just read did not use."""
        self.last, self.now = self.now, {}


# ---------------------------------------------------------------- reading


def _declared_crs(member: Any, path: Path) -> CRS | None:
    """Return the CRS a GeoJSON ``crs`` member declares (None: longitude/latitude).

    A definition that names a file is refused (see :mod:`_crs_member`); a
    geographic CRS other than WGS84 in degrees from Greenwich is kept, to be
    transformed, never read as plain degrees.
    """
    if member is None:
        return None
    name = None
    if isinstance(member, dict):
        if member.get("type") == "link":
            raise SnapshotError(
                f"{path}: the 'crs' member links to a CRS elsewhere, which is not "
                "read; name the CRS by its code (e.g. EPSG:32636) instead"
            )
        props = member.get("properties")
        if isinstance(props, dict):
            name = props.get("name")
    if not isinstance(name, str):
        raise SnapshotError(
            f"{path}: the 'crs' member is not of the form "
            '{"type": "name", "properties": {"name": "EPSG:..."}}'
        )
    crs = _crs_member.declared_crs(name, path)
    return LONLAT if _crs_member.is_plain_lonlat(crs, LONLAT) else crs


def _user_crs(crs: Any) -> CRS:
    try:
        return crs if isinstance(crs, CRS) else CRS.from_user_input(crs)
    except (ProjCRSError, TypeError, ValueError) as exc:
        raise SnapshotError(f"{crs!r} is not a CRS that PROJ knows ({exc})") from None


@lru_cache(maxsize=16)
def _transformer(src: CRS) -> Transformer:
    return Transformer.from_crs(src, LONLAT, always_xy=True)


def _to_lonlat(geom: BaseGeometry, src: CRS, path: Path) -> BaseGeometry:
    tr = _transformer(src)

    def fn(xy: np.ndarray) -> np.ndarray:
        x, y = tr.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    out = shapely.transform(geom, fn)
    if not np.isfinite(shapely.get_coordinates(out)).all():
        raise SnapshotError(
            f"{path}: coordinates fall outside the area of use of {src.name}; "
            "is the 'crs' member right?"
        )
    return out


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


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


@dataclass
class _Source:
    """A file decoded into features whose geometry is raw (GeoJSON) or built."""

    path: Path
    features: list[tuple[int, Any, dict[str, Any]]]  # (index, geometry, properties)
    kinds: list[frozenset[str]]
    name: Any = None
    doc_date: Any = None
    doc_source: Any = None
    crs_member: Any = None
    record_id: Any = None
    ogr_crs: CRS | None = None  # a GDAL-read file's CRS
    layer_notes: list[str] = field(default_factory=list)


def _open(
    path: Path, notes: list[str], layer: str | None, engine: str | None
) -> _Source:
    if not is_geojson(path):
        table = _ogr.read(path, layer=layer, engine=engine)
        feats = [(i, g, p) for i, (g, p) in enumerate(table.rows)]
        kinds = [_ogr.kinds(g) for g, _ in table.rows]
        return _Source(path, feats, kinds, name=table.name, ogr_crs=table.crs)
    doc, record_id = _geojson.unwrap(
        _geojson.decode(_geojson.read_bytes(path), path, notes)
    )
    raw = _geojson.features(doc, path)
    feats = []
    kinds = []
    for i, f in enumerate(raw):
        props = f.properties if f.properties is not None else {}
        feats.append((i, f.geometry, props))
        kinds.append(_geojson.geometry_kinds(f.geometry, path, i))
    return _Source(
        path,
        feats,
        kinds,
        name=doc.name,
        doc_date=doc.date,
        doc_source=doc.source,
        crs_member=doc.crs,
        record_id=record_id,
    )


def read_layer(
    path: str | Path,
    *,
    zone: str | Iterable[str] | None = None,
    bbox: Sequence[float] | None = None,
    date: Any = None,
    source: str | None = None,
    label: str | None = None,
    crs: Any = None,
    zone_rules: Any = None,
    columns: bool = True,
    layer: str | None = None,
    engine: str | None = None,
    cache: FeatureCache | None = None,
    stacklevel: int = 2,
) -> Layer:
    """Read the polygons of `zone` (within `bbox`) of one snapshot file.

    Parameters
    ----------
    path : path-like
        GeoJSON (also gzip-compressed, a DeepStateMap API record), GeoPackage,
        Shapefile (also zipped), KML/KMZ, FlatGeobuf, GeoJSONSeq, CSV with a
        WKT column, or GeoParquet (see :mod:`kurskgeo.io`).
    zone : str or list of str, optional
        Keep only these zones; no coordinate of other features is parsed.
    bbox : (minx, miny, maxx, maxy), optional
        Keep only features whose bounds come within :data:`BBOX_MARGIN_DEG`
        of this longitude/latitude box.
    date, source, label, crs, zone_rules
        As for :func:`kurskgeo.io.read_snapshot`.
    columns : bool
        Keep each row's properties (for tables); False saves the work.
    layer : str, optional
        The layer of a multi-layer file (a GeoPackage's table, a KML's
        folder); all layers if None.
    engine : {"pyogrio", "fiona"}, optional
        The GDAL binding that reads formats other than GeoJSON (pyogrio by
        default; fiona needs ``pip install kurskgeo[fiona]``).
    cache : FeatureCache, optional
        Shared between the files of a series, read in order.
    stacklevel : int
        Where warnings point, counted from this function's caller.

    Returns
    -------
    Layer

    Raises
    ------
    SnapshotError
        If the file is unreadable, not GeoJSON or a vector format, holds no
        polygon, or has coordinates that cannot be longitude/latitude.

    Warns
    -----
    RepairWarning, SkippedFeatureWarning, KurskgeoWarning
        See :func:`kurskgeo.io.read_snapshot`.
    """
    path = Path(path)
    notes: list[str] = []
    zones = zone_list(zone)
    src = _open(path, notes, layer, engine)
    moment = moment_from_id(src.record_id)
    props_all = [p for _, _, p in src.features]
    fmt = sources.format_of(props_all, src.name, path)
    if src.ogr_crs is not None:
        _crs_member.check_no_files(src.ogr_crs, path)
        src_crs = src.ogr_crs
        declared = True
    else:
        member = _declared_crs(src.crs_member, path)
        declared = member is not None or crs is not None
        src_crs = member or (_user_crs(crs) if crs is not None else LONLAT)
    if src.ogr_crs is not None and crs is not None:
        src_crs = _user_crs(crs)
    lonlat = src_crs is LONLAT or src_crs.equals(LONLAT)
    zone_of = sources.zone_reader(fmt, zone_rules=zone_rules)
    warn_at = stacklevel + 1

    plog = _geojson.ParseLog()
    wanted: list[tuple[int, Any, dict[str, Any], str | None]] = []
    present: set[str] = set()
    polygonal_props: list[dict[str, Any]] = []
    for (i, geom, props), kinds in zip(src.features, src.kinds, strict=True):
        if geom is None:
            plog.null_geometry.append(i)
            continue
        if not kinds & _POLYGONAL:
            for k in kinds or {"empty GeometryCollection"}:
                plog.non_polygonal[k] = plog.non_polygonal.get(k, 0) + 1
            continue
        for k in kinds - _POLYGONAL:
            plog.non_polygonal[k] = plog.non_polygonal.get(k, 0) + 1
        z = zone_of(props)
        if z is not None:
            present.add(z)
        polygonal_props.append(props)
        if zones is None or z in zones:
            wanted.append((i, geom, props, z))
    if not polygonal_props:
        raise SnapshotError(
            f"{path}: no polygon in the file (found {_describe(plog)}); "
            "a control-zone snapshot needs Polygon or MultiPolygon features"
        )

    # parse what is wanted (or take it from the cache), within the vertex limit
    parsed: list[tuple[int, dict[str, Any], str | None, Any, _Parsed]] = []
    max_vertices, vertices = limits.get("vertices"), 0
    for i, geom, props, z in wanted:
        vertices += _vertices(geom)
        if vertices > max_vertices:
            raise SnapshotError(
                f"{path}: "
                + limits.exceeded(
                    "vertices", f"holds more than {vertices:,} vertices by feature {i}"
                )
            )
        key: Any = None
        entry = None
        if cache is not None and isinstance(geom, _geojson.Geometry):
            key = (src_crs.srs if not lonlat else None, _geometry_key(geom))
            entry = cache.get(key)
        if entry is None:
            entry = _parse(geom, path, i, src_crs, lonlat)
            if key is not None and cache is not None:
                cache.put(key, entry)
        if entry.closed:
            plog.closed_rings.append(i)
        if entry.degenerate:
            plog.degenerate.append(i)
        if entry.geom is not None:
            parsed.append((i, props, z, key, entry))
    if lonlat and parsed:
        fresh = [e for *_, e in parsed if e.valid is None]
        if fresh:
            _geojson.check_lonlat(
                np.array([e.geom for e in fresh], dtype=object),
                [i for i, *_, e in parsed if e.valid is None],
                path,
                declared,
            )
    if bbox is not None:
        lo_x, lo_y, hi_x, hi_y = (float(v) for v in bbox)
        m = BBOX_MARGIN_DEG
        parsed = [
            p
            for p in parsed
            if p[4].bounds is not None
            and not (
                p[4].bounds[2] < lo_x - m
                or p[4].bounds[0] > hi_x + m
                or p[4].bounds[3] < lo_y - m
                or p[4].bounds[1] > hi_y + m
            )
        ]

    # validity, one rule: GEOS, make_valid, a warning with the area changed
    rows: list[tuple[int, dict[str, Any], str | None, Any, BaseGeometry]] = []
    for i, props, z, key, entry in parsed:
        if entry.valid is None:
            _validate(entry)
        if entry.repair is not None:
            msg = entry.repair.message(str(path), i)
            notes.append(msg)
            warn(msg, RepairWarning, stacklevel=warn_at)
        assert entry.valid is not None
        if entry.valid.is_empty:
            continue
        rows.append((i, props, z, key, entry.valid))
    dropped = len(parsed) - len(rows)

    # what was left out, said once per file
    if plog.null_geometry:
        _note(
            notes,
            f"{path}: {len(plog.null_geometry)} feature(s) with null geometry skipped "
            f"(indices {_short(plog.null_geometry)})",
            SkippedFeatureWarning,
            warn_at,
        )
    if plog.non_polygonal:
        counts = ", ".join(f"{n} {k}" for k, n in sorted(plog.non_polygonal.items()))
        msg = f"{path}: ignored {counts} (only polygons have an area)"
        if fmt == "deepstate-raw" and set(plog.non_polygonal) <= {"Point"}:
            notes.append(msg)  # the map's markers: expected, and no area of theirs
        else:
            _note(notes, msg, SkippedFeatureWarning, warn_at)
    if plog.degenerate:
        _note(
            notes,
            f"{path}: dropped rings with fewer than 4 positions in feature(s) "
            f"{_short(plog.degenerate)}",
            SkippedFeatureWarning,
            warn_at,
        )
    if plog.closed_rings:
        closed = _short(sorted(set(plog.closed_rings)))
        _note(
            notes,
            f"{path}: closed unclosed rings in feature(s) {closed}",
            RepairWarning,
            warn_at,
        )
    if dropped:
        _note(
            notes,
            f"{path}: {dropped} feature(s) empty after repair were dropped",
            SkippedFeatureWarning,
            warn_at,
        )
    for msg in sources.zone_notes(fmt, polygonal_props, zone_rules=zone_rules):
        _note(notes, f"{path}: {msg}", KurskgeoWarning, warn_at)
    if not rows and zones is None and bbox is None:
        raise SnapshotError(f"{path}: no polygon with an area is left after repair")

    # dates, sources, labels
    name_date, name_moment = date_from_name(path.name)
    if date is not None:
        default_date: dt.date | None = checked_date(date, path, "date argument")
    elif src.doc_date is not None:
        default_date = checked_date(src.doc_date, path, "'date' member")
    elif moment is not None:
        default_date = moment.date()
    else:
        default_date = name_date
    default_label = label or _text(src.name) or path.name.split(".")[0]
    default_source = (
        source
        or _text(src.doc_source)
        or sources.SOURCE_NAMES.get(fmt, "")
        or "unknown"
    )
    dates: list[dt.date | None] = []
    srcs: list[str] = []
    labels: list[str] = []
    cols: list[dict[str, Any]] | None = [] if columns else None
    dropped_props = sources.DROPPED_PROPERTIES.get(fmt, ())
    for i, props, _zone, _key, _geom in rows:
        pdate = props.get("date")
        if date is not None or pdate in (None, ""):
            dates.append(default_date)
        else:
            dates.append(checked_date(pdate, path, f"feature {i} 'date'"))
        srcs.append(source or _text(props.get("source")) or default_source)
        labels.append(label or _text(props.get("label")) or default_label)
        if cols is not None:
            extra = sources.feature_columns(fmt, props, zone_rules=zone_rules)
            extra.pop("zone")
            row = {
                k: v
                for k, v in props.items()
                if k not in ("date", "source", "label", "zone")
                and k not in extra
                and k not in dropped_props
            }
            row.update(extra)
            cols.append(row)
    out = Layer(
        geoms=np.array([r[4] for r in rows], dtype=object),
        zones=tuple(r[2] for r in rows),
        dates=tuple(dates),
        sources=tuple(srcs),
        labels=tuple(labels),
        index=tuple(r[0] for r in rows),
        keys=tuple(r[3] for r in rows),
        columns=None if cols is None else tuple(cols),
        path=str(path),
        format=fmt,
        timestamp=(moment or name_moment) if date is None else None,
        notes=tuple(notes),
        zones_present=tuple(sorted(present)),
        file_date=default_date,
        file_source=source
        or _text(src.doc_source)
        or sources.SOURCE_NAMES.get(fmt)
        or None,
        file_label=default_label,
    )
    if cache is not None:
        cache.next_file()
    log.debug(
        "read %s: %d of %d features kept (%s)", path, len(out), len(src.features), fmt
    )
    return out


def _geometry_key(geom: _geojson.Geometry) -> Any:
    """Text that identifies a raw geometry (its type and coordinates)."""
    if geom.geometries is not None:
        return (geom.type, tuple(_geometry_key(g) for g in geom.geometries))
    return (geom.type, bytes(geom.coordinates))


def _vertices(geom: Any) -> int:
    """Count a geometry's vertices; for raw GeoJSON, before parsing it.

    Every position of raw coordinates opens a bracket, so the brackets
    bound the positions from above without a number being parsed.
    """
    if isinstance(geom, _geojson.Geometry):
        if geom.geometries is not None:
            return sum(_vertices(g) for g in geom.geometries)
        return bytes(geom.coordinates).count(b"[")
    return int(shapely.get_num_coordinates(geom))


def _parse(geom: Any, path: Path, index: int, src: CRS, lonlat: bool) -> _Parsed:
    """Parse one feature's geometry; its log counts feature indices from 0."""
    flog = _geojson.ParseLog()
    if isinstance(geom, _geojson.Geometry):
        shape = _geojson.parse_polygons(geom, path, index, flog)
    else:  # already built by the GDAL engine
        shape = _ogr.polygonal(geom)
    closed, degenerate = bool(flog.closed_rings), bool(flog.degenerate)
    if shape is None or shape.is_empty:
        return _Parsed(None, None, closed, degenerate)
    if shapely.has_z(shape):
        shape = shapely.force_2d(shape)
    if not lonlat:
        shape = _to_lonlat(shape, src, path)
    b = shape.bounds
    return _Parsed(shape, (b[0], b[1], b[2], b[3]), closed, degenerate)


def _validate(entry: _Parsed) -> None:
    geom = entry.geom
    assert geom is not None
    if not shapely.is_valid(geom):
        geom, entry.repair = _repair.repair(geom)
    entry.valid = shapely.orient_polygons(geom, exterior_cw=False)


def _note(notes: list[str], msg: str, category: type[Warning], stacklevel: int) -> None:
    notes.append(msg)
    warn(msg, category, stacklevel=stacklevel + 1)
