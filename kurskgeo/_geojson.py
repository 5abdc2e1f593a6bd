"""Parse GeoJSON bytes into shapely polygons, fast and with precise errors.

This is the hot path of every command: a DeepState snapshot of ~3,000 vertices
is parsed with orjson and turned into numpy rings without going through GDAL.
Each problem is reported with the file and the feature index it came from.
"""

from __future__ import annotations

import gzip
import math
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import shapely
from shapely.geometry.base import BaseGeometry

from kurskgeo.errors import RepairWarning, SnapshotError

POLYGONAL = ("Polygon", "MultiPolygon")
KNOWN_TYPES = frozenset(
    {
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    }
)


@dataclass
class ParsedFeature:
    """One polygonal feature: its index in the file, geometry and properties."""

    index: int
    geometry: BaseGeometry  # Polygon or MultiPolygon, 2D, not yet validated
    properties: dict[str, Any]


@dataclass
class ParseLog:
    """What the parser dropped or fixed, counted for warnings and reports."""

    null_geometry: list[int] = field(default_factory=list)
    non_polygonal: dict[str, int] = field(default_factory=dict)
    degenerate: list[int] = field(default_factory=list)
    closed_rings: list[int] = field(default_factory=list)
    had_z: bool = False


def read_bytes(path: Path) -> bytes:
    """Read a file, transparently gunzipping ``.gz`` content.

    Raises
    ------
    SnapshotError
        If the file is missing, unreadable, or claims to be gzip and is not.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SnapshotError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SnapshotError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise SnapshotError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise SnapshotError(
                f"{path}: gzip data is corrupt or truncated ({exc}); download it again"
            ) from None
    elif path.suffix.lower() == ".gz":
        raise SnapshotError(
            f"{path}: the name ends in .gz but the content is not gzip-compressed; "
            "rename the file or compress it"
        )
    return raw


def loads(raw: bytes, path: Path, notes: list[str] | None = None) -> Any:
    """Decode JSON bytes (a UTF-8 byte-order mark is tolerated).

    Bytes that are not UTF-8 are replaced, with a warning recorded in `notes`.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        raise SnapshotError(
            f"{path}: the file is empty; expected a GeoJSON FeatureCollection"
        )
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "UTF-8" in str(exc):
            # Only text (names, descriptions) can hold bad bytes; areas don't need it.
            msg = (
                f"{path}: the file is not valid UTF-8; undecodable bytes in its text "
                "were replaced by U+FFFD. Re-save it as UTF-8 to keep them"
            )
            if notes is not None:
                notes.append(msg)
            warnings.warn(msg, RepairWarning, stacklevel=4)
            return loads(raw.decode("utf-8", errors="replace").encode("utf-8"), path)
        head = raw[:4]
        hint = ""
        if (
            head[:4] in (b"\x00\x00\x27\x0a", b"\x00\x00\x27\x0b")
            or raw[:4] == b"PK\x03\x04"
        ):
            hint = " (it looks like a shapefile or zip archive renamed to GeoJSON)"
        elif b"NaN" in raw or b"Infinity" in raw or "infinity" in str(exc):
            hint = " (NaN and infinite numbers are not allowed in JSON)"
        elif "depth limit" in str(exc):
            hint = " (nested too deeply to be GeoJSON)"
        raise SnapshotError(
            f"{path}: not valid JSON{hint}: {exc}; is the download complete?"
        ) from None


def _ring(coords: Any, path: Path, index: int, log: ParseLog) -> np.ndarray | None:
    """Turn one GeoJSON ring into an (n, 2) float array, or None if degenerate."""
    try:
        arr = np.asarray(coords, dtype=float)
    except (ValueError, TypeError):
        # ragged positions (2D and 3D mixed) or non-numbers
        try:
            arr = np.asarray([c[:2] for c in coords], dtype=float)
        except (ValueError, TypeError, IndexError, KeyError):
            raise SnapshotError(
                f"{path}: feature {index}: a ring holds something that is not a "
                "list of [longitude, latitude] numbers"
            ) from None
    if arr.ndim != 2 or arr.shape[1] < 2:
        if arr.size == 0:
            return None
        raise SnapshotError(
            f"{path}: feature {index}: a ring must be a list of positions "
            f"[longitude, latitude]; got an array of shape {arr.shape}"
        )
    if arr.shape[1] > 2:
        log.had_z = True
        arr = arr[:, :2]
    if not np.isfinite(arr).all():
        raise SnapshotError(
            f"{path}: feature {index}: coordinates contain NaN or infinite values"
        )
    if len(arr) >= 2 and not (arr[0] == arr[-1]).all():
        log.closed_rings.append(index)
        arr = np.vstack([arr, arr[:1]])
    if len(arr) < 4:
        return None
    return arr


def _polygon(rings: Any, path: Path, index: int, log: ParseLog) -> BaseGeometry | None:
    if not isinstance(rings, list):
        raise SnapshotError(
            f"{path}: feature {index}: Polygon coordinates must be a list of rings"
        )
    arrays = [_ring(r, path, index, log) for r in rings]
    if not arrays or arrays[0] is None:
        return None
    holes = [a for a in arrays[1:] if a is not None]
    return shapely.Polygon(arrays[0], holes)


def _geometry(
    geom: Any, path: Path, index: int, log: ParseLog, depth: int = 0
) -> list[BaseGeometry]:
    """Return the polygons contained in one GeoJSON geometry object."""
    if geom is None:
        return []
    kind = geom.get("type") if isinstance(geom, dict) else None
    if not isinstance(kind, str):
        raise SnapshotError(
            f"{path}: feature {index}: geometry is not a GeoJSON geometry object"
        )
    if kind not in KNOWN_TYPES:
        raise SnapshotError(
            f"{path}: feature {index}: unknown geometry type {kind!r}; "
            f"GeoJSON knows {', '.join(sorted(KNOWN_TYPES))}"
        )
    if kind == "GeometryCollection":
        if depth > 8:
            raise SnapshotError(
                f"{path}: feature {index}: GeometryCollections nested too deeply"
            )
        members = geom.get("geometries")
        if not isinstance(members, list):
            raise SnapshotError(
                f"{path}: feature {index}: GeometryCollection without 'geometries'"
            )
        out: list[BaseGeometry] = []
        for member in members:
            out.extend(_geometry(member, path, index, log, depth + 1))
        return out
    if kind not in POLYGONAL:
        log.non_polygonal[kind] = log.non_polygonal.get(kind, 0) + 1
        return []
    coords = geom.get("coordinates")
    if not isinstance(coords, list):
        raise SnapshotError(
            f"{path}: feature {index}: {kind} has no 'coordinates' list"
        )
    if kind == "Polygon":
        parts = [_polygon(coords, path, index, log)]
    else:
        parts = [_polygon(p, path, index, log) for p in coords]
    kept = [p for p in parts if p is not None]
    if len(kept) < len(parts):
        log.degenerate.append(index)
    return kept


def parse_features(doc: Any, path: Path) -> tuple[list[ParsedFeature], ParseLog]:
    """Parse the features of a GeoJSON object into polygonal features.

    Accepts a FeatureCollection, a single Feature or a bare geometry.
    """
    log = ParseLog()
    kind = doc.get("type") if isinstance(doc, dict) else None
    if not isinstance(kind, str):
        raise SnapshotError(
            f"{path}: JSON but not GeoJSON: expected an object with a 'type' member "
            "such as 'FeatureCollection'"
        )
    if kind == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            raise SnapshotError(f"{path}: FeatureCollection has no 'features' list")
    elif kind == "Feature":
        features = [doc]
    elif kind in KNOWN_TYPES:
        features = [{"type": "Feature", "geometry": doc, "properties": {}}]
    else:
        raise SnapshotError(
            f"{path}: JSON but not GeoJSON: unknown type {kind!r}; expected a "
            "FeatureCollection, a Feature or a geometry"
        )
    out: list[ParsedFeature] = []
    for i, feat in enumerate(features):
        if not isinstance(feat, dict):
            raise SnapshotError(f"{path}: feature {i} is not a JSON object")
        geom = feat.get("geometry")
        if geom is None:
            log.null_geometry.append(i)
            continue
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            raise SnapshotError(
                f"{path}: feature {i}: 'properties' must be an object or null"
            )
        polys = _geometry(geom, path, i, log)
        if not polys:
            continue
        if len(polys) == 1:
            g: BaseGeometry = polys[0]
        else:
            g = shapely.MultiPolygon(
                [q for p in polys for q in getattr(p, "geoms", [p])]
            )
        out.append(ParsedFeature(i, g, props))
    return out, log


def check_lonlat(features: list[ParsedFeature], path: Path, crs_declared: bool) -> None:
    """Refuse coordinates that cannot be longitude/latitude degrees.

    The messages tell projected metres and swapped axes apart from plain
    out-of-range values, since each needs a different fix.
    """
    if not features:
        return
    # every vertex, holes included (shapely.bounds looks at shells only)
    coords, owner = shapely.get_coordinates(
        [f.geometry for f in features], return_index=True
    )
    x, y = coords[:, 0], coords[:, 1]  # by column: min(axis=0) is 20x slower
    minx, miny, maxx, maxy = x.min(), y.min(), x.max(), y.max()
    xs_ok = -180 <= minx and maxx <= 180
    ys_ok = -90 <= miny and maxy <= 90
    if xs_ok and ys_ok:
        return
    outside = (np.abs(coords[:, 0]) > 180) | (np.abs(coords[:, 1]) > 90)
    bad = [features[i].index for i in np.unique(owner[outside])]
    where = f"feature {bad[0]}" if bad else "the file"
    said = (
        "the file's 'crs' says degrees"
        if crs_declared
        else "GeoJSON means degrees (RFC 7946)"
    )
    extent = f"x {minx:.6g}..{maxx:.6g}, y {miny:.6g}..{maxy:.6g}"
    if max(abs(minx), abs(maxx), abs(miny), abs(maxy)) > 1000:
        raise SnapshotError(
            f"{path}: {where}: coordinates look projected (metres?), but {said} "
            f"({extent}); declare the CRS in a 'crs' member or pass crs=... "
            "(CLI: --input-crs), or reproject the file to longitude/latitude"
        )
    if -90 <= minx and maxx <= 90 and -180 <= miny and maxy <= 180:
        raise SnapshotError(
            f"{path}: {where}: latitude values exceed ±90 ({extent}); longitude and "
            "latitude look swapped: GeoJSON positions are [longitude, latitude]"
        )
    raise SnapshotError(
        f"{path}: {where}: coordinates outside longitude ±180 / latitude ±90 ({extent})"
    )


def is_finite_number(value: Any) -> bool:
    """Return True for an int or float that is neither NaN nor infinite."""
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
    )
