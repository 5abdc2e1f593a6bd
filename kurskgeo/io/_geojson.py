"""Decode GeoJSON with msgspec, leaving every geometry as raw text until asked.

A raw DeepStateMap export holds some 500 features, four in five of them
points and most of the polygons far from the place a claim is about. The
document is decoded into small structs whose coordinates stay
:class:`msgspec.Raw` (JSON text, checked but not turned into Python
numbers), so that the caller can pick the features it will use from their
properties and geometry type before any coordinate is parsed
(:func:`parse_polygons`). Each problem is reported with the file and the
index of the feature it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from kurskgeo import limits
from kurskgeo.errors import RepairWarning, SnapshotError, warn

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
_NULL = msgspec.Raw(b"null")


class Geometry(msgspec.Struct):
    """A GeoJSON geometry whose coordinates are still JSON text."""

    type: Any = None
    coordinates: msgspec.Raw = _NULL
    geometries: list[Geometry] | None = None


class Feature(msgspec.Struct):
    """A GeoJSON Feature: geometry left raw, properties decoded."""

    type: Any = None
    geometry: Geometry | None = None
    properties: dict[str, Any] | None = None


class Document(msgspec.Struct):
    """Any GeoJSON object kurskgeo reads, or a DeepStateMap API record.

    A FeatureCollection fills `features`; a Feature, `geometry` and
    `properties`; a bare geometry, `coordinates` or `geometries`; an API
    record ``{"id": <unix time>, "map": {...}}``, `id` and `map`.
    """

    type: Any = None
    features: list[Feature] | None = None
    crs: Any = None
    name: Any = None
    date: Any = None
    source: Any = None
    geometry: Geometry | None = None
    properties: dict[str, Any] | None = None
    coordinates: msgspec.Raw = _NULL
    geometries: list[Geometry] | None = None
    id: Any = None
    map: Document | None = None


_DECODER = msgspec.json.Decoder(Document)


@dataclass
class ParseLog:
    """What the parser dropped or fixed, counted for warnings and reports."""

    null_geometry: list[int] = field(default_factory=list)
    non_polygonal: dict[str, int] = field(default_factory=dict)
    degenerate: list[int] = field(default_factory=list)
    closed_rings: list[int] = field(default_factory=list)

    def merge(self, other: ParseLog) -> None:
        """Add what `other` counted."""
        self.null_geometry += other.null_geometry
        for kind, n in other.non_polygonal.items():
            self.non_polygonal[kind] = self.non_polygonal.get(kind, 0) + n
        self.degenerate += other.degenerate
        self.closed_rings += other.closed_rings


def read_bytes(path: Path) -> bytes:
    """Read a file, transparently gunzipping ``.gz`` content, within the limits.

    The content (after gunzipping) may be at most ``KURSKGEO_MAX_INPUT_MB``
    (:mod:`kurskgeo.limits`); decompression stops as soon as it goes beyond.

    Raises
    ------
    SnapshotError
        If the file is missing, unreadable, not a regular file, beyond the
        limit, or claims to be gzip and is not.
    """
    raw = limits.read_input(path, SnapshotError)
    if raw[:2] == b"\x1f\x8b":
        return limits.gunzip(raw, path, SnapshotError)
    if path.name.lower().endswith(".gz"):
        raise SnapshotError(
            f"{path}: the name ends in .gz but the content is not gzip-compressed; "
            "rename the file or compress it"
        )
    return raw


def _where(location: str) -> str:
    """``$.features[3].properties`` -> ``feature 3 'properties'``."""
    text = location.lstrip("$").lstrip(".")
    if text.startswith("map."):
        text = text[4:]
    if text.startswith("features["):
        index, _, rest = text[len("features[") :].partition("]")
        rest = rest.lstrip(".")
        return f"feature {index}" + (f" {rest!r}" if rest else "")
    return repr(text) if text else "the document"


def _friendly(expected: str) -> str:
    return {
        "object": "an object",
        "object | null": "an object or null",
        "array | null": "a list or null",
        "array": "a list",
    }.get(expected, expected)


def decode(raw: bytes, path: Path, notes: list[str] | None = None) -> Document:
    """Decode GeoJSON bytes into a :class:`Document` (a UTF-8 BOM is tolerated).

    Bytes that are not UTF-8 are replaced, with a warning recorded in `notes`.

    Raises
    ------
    SnapshotError
        If the bytes are not JSON, or not a JSON object of the shape GeoJSON has.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        raise SnapshotError(
            f"{path}: the file is empty; expected a GeoJSON FeatureCollection"
        )
    try:
        return _DECODER.decode(raw)
    except msgspec.ValidationError as exc:
        text = str(exc)
        if text.startswith("Expected `object`") and "- at `$`" in text:
            raise SnapshotError(
                f"{path}: JSON but not GeoJSON: expected an object with a 'type' "
                "member such as 'FeatureCollection'"
            ) from None
        expected, _, rest = text.partition("`, got `")
        got, _, location = rest.partition("` - at `")
        raise SnapshotError(
            f"{path}: not GeoJSON as expected: {_where(location.rstrip('`'))} must "
            f"be {_friendly(expected.removeprefix('Expected `'))}, not {got}"
        ) from None
    except RecursionError:
        raise SnapshotError(
            f"{path}: not valid JSON (nested too deeply to be GeoJSON)"
        ) from None
    except msgspec.DecodeError as exc:
        if "UTF-8" in str(exc):
            # Only text (names, descriptions) can hold bad bytes; areas don't need it.
            msg = (
                f"{path}: the file is not valid UTF-8; undecodable bytes in its text "
                "were replaced by U+FFFD. Re-save it as UTF-8 to keep them"
            )
            if notes is not None:
                notes.append(msg)
            warn(msg, RepairWarning, stacklevel=5)
            return decode(raw.decode("utf-8", errors="replace").encode("utf-8"), path)
        hint = ""
        if raw[:4] in (b"\x00\x00\x27\x0a", b"\x00\x00\x27\x0b", b"PK\x03\x04"):
            hint = " (it looks like a shapefile or zip archive renamed to GeoJSON)"
        elif b"NaN" in raw or b"Infinity" in raw:
            hint = " (NaN and infinite numbers are not allowed in JSON)"
        raise SnapshotError(
            f"{path}: not valid JSON{hint}: {exc}; is the download complete?"
        ) from None


def unwrap(doc: Document) -> tuple[Document, Any]:
    """Take the map out of a DeepStateMap API record; return it and the record's id."""
    if doc.map is not None and doc.type is None:
        return doc.map, doc.id
    return doc, None


def features(doc: Document, path: Path) -> list[Feature]:
    """Return the features of a FeatureCollection, a Feature or a bare geometry.

    Raises
    ------
    SnapshotError
        If `doc` is not one of those.
    """
    kind = doc.type
    if not isinstance(kind, str):
        raise SnapshotError(
            f"{path}: JSON but not GeoJSON: expected an object with a 'type' member "
            "such as 'FeatureCollection'"
        )
    if kind == "FeatureCollection":
        if doc.features is None:
            raise SnapshotError(f"{path}: FeatureCollection has no 'features' list")
        return doc.features
    if kind == "Feature":
        return [Feature("Feature", doc.geometry, doc.properties)]
    if kind in KNOWN_TYPES:
        geom = Geometry(kind, doc.coordinates, doc.geometries)
        return [Feature("Feature", geom, {})]
    raise SnapshotError(
        f"{path}: JSON but not GeoJSON: unknown type {kind!r}; expected a "
        "FeatureCollection, a Feature or a geometry"
    )


_SINGLE = {k: frozenset({k}) for k in KNOWN_TYPES}


def geometry_kinds(geom: Geometry | None, path: Path, index: int) -> frozenset[str]:
    """Return the geometry types in `geom` (members of collections included).

    Raises
    ------
    SnapshotError
        On a type GeoJSON does not know.
    """
    if geom is None:
        return frozenset()
    kind = geom.type
    if kind != "GeometryCollection":
        try:
            return _SINGLE[kind]
        except (KeyError, TypeError):
            if not isinstance(kind, str):
                raise SnapshotError(
                    f"{path}: feature {index}: geometry is not a GeoJSON geometry"
                ) from None
            raise SnapshotError(
                f"{path}: feature {index}: unknown geometry type {kind!r}; "
                f"GeoJSON knows {', '.join(sorted(KNOWN_TYPES))}"
            ) from None
    if geom.geometries is None:
        raise SnapshotError(
            f"{path}: feature {index}: GeometryCollection without 'geometries'"
        )
    out: frozenset[str] = frozenset()
    for member in geom.geometries:
        out |= geometry_kinds(member, path, index)
    return out


# ---------------------------------------------------------------- coordinates


def _ring(coords: Any, path: Path, index: int, log: ParseLog) -> np.ndarray | None:
    """Turn one GeoJSON ring into an (n, 2) float array, or None if degenerate."""
    if not isinstance(coords, list):
        raise SnapshotError(
            f"{path}: feature {index}: a ring must be a list of positions "
            "[longitude, latitude]"
        )
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


#: What separates numbers in coordinate text, commas aside.
_NOT_NUMBERS = b"[] \t\n\r"
#: Below this size (bytes of coordinate text) the general parser is faster.
_PLAIN_MIN_BYTES = 8192
_FLOATS = msgspec.json.Decoder(list[float])
_OPEN, _CLOSE, _COMMA = ord("["), ord("]"), ord(",")


def _plain_polygons(raw: bytes, kind: str) -> BaseGeometry | None:
    """Polygon(s) from plain coordinate text without a Python list per position.

    "Plain" means: every position has the same 2 or 3 numbers, every ring is
    closed and has at least 4 positions, and nothing else is in the text.
    The bracket structure is read with numpy and the numbers are decoded as
    one flat list. Anything else gives None, and the general parser, which
    repairs and reports what it finds, reads the text instead.
    """
    text = bytes(raw)
    depth = 3 if kind == "Polygon" else 4
    b = np.frombuffer(text, dtype=np.uint8)
    # the nesting level after each bracket, read from the brackets alone
    brackets = np.flatnonzero((b == _OPEN) | (b == _CLOSE))
    if len(brackets) < 2 * depth:
        return None
    opens = b[brackets] == _OPEN
    if not (opens[:depth].all() and not opens[-depth:].any()):
        return None
    if text[: brackets[0]].strip() or text[brackets[-1] + 1 :].strip():
        return None
    level = np.cumsum(np.where(opens, 1, -1), dtype=np.int32)
    if level.max() != depth or level[-1] != 0:
        return None
    pos_open = brackets[opens & (level == depth)]
    pos_close = brackets[~opens & (level == depth - 1)]
    ring_close = brackets[~opens & (level == depth - 2)]
    if len(pos_open) != len(pos_close) or len(pos_open) == 0:
        return None
    commas = np.flatnonzero(b == _COMMA)
    inside = np.searchsorted(commas, pos_close) - np.searchsorted(commas, pos_open)
    dim = int(inside[0]) + 1
    if dim not in (2, 3) or not (inside == dim - 1).all():
        return None
    try:
        floats = _FLOATS.decode(b"[" + text.translate(None, _NOT_NUMBERS) + b"]")
        numbers = np.fromiter(floats, dtype=np.float64, count=len(floats))
    except msgspec.MsgspecError:
        return None
    if numbers.size != len(pos_open) * dim or not np.isfinite(numbers).all():
        return None
    coords = np.ascontiguousarray(numbers.reshape(-1, dim)[:, :2])
    ring_offsets = np.r_[0, np.searchsorted(pos_open, ring_close)].astype(np.int64)
    sizes = np.diff(ring_offsets)
    if (sizes < 4).any():
        return None
    firsts, lasts = coords[ring_offsets[:-1]], coords[ring_offsets[1:] - 1]
    if not (firsts == lasts).all():
        return None
    if kind == "Polygon":
        offsets: tuple[np.ndarray, ...] = (
            ring_offsets,
            np.array([0, len(sizes)], dtype=np.int64),
        )
        geom_type = shapely.GeometryType.POLYGON
    else:
        part_close = brackets[~opens & (level == 1)]
        part_offsets = np.r_[0, np.searchsorted(ring_close, part_close)].astype(
            np.int64
        )
        offsets = (
            ring_offsets,
            part_offsets,
            np.array([0, len(part_close)], dtype=np.int64),
        )
        geom_type = shapely.GeometryType.MULTIPOLYGON
    out: BaseGeometry = shapely.from_ragged_array(geom_type, coords, offsets)[0]
    if geom_type == shapely.GeometryType.MULTIPOLYGON and len(offsets[1]) == 2:
        out = shapely.get_geometry(out, 0)  # one part: a Polygon, as the parser gives
    return out


def _polygons(
    geom: Geometry, path: Path, index: int, log: ParseLog, depth: int = 0
) -> list[BaseGeometry]:
    kind = geom.type
    if kind == "GeometryCollection":
        if depth > 8:
            raise SnapshotError(
                f"{path}: feature {index}: GeometryCollections nested too deeply"
            )
        out: list[BaseGeometry] = []
        for member in geom.geometries or ():
            out.extend(_polygons(member, path, index, log, depth + 1))
        return out
    if kind not in POLYGONAL:
        return []
    if len(geom.coordinates) > _PLAIN_MIN_BYTES:
        plain = _plain_polygons(geom.coordinates, kind)
        if plain is not None:
            return [plain]
    try:
        coords = msgspec.json.decode(geom.coordinates)
    except msgspec.ValidationError:  # a number beyond the range of a float
        raise SnapshotError(
            f"{path}: feature {index}: a coordinate is too large to be a number "
            "(NaN and infinite numbers are not allowed in JSON)"
        ) from None
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


def parse_polygons(
    geom: Geometry, path: Path, index: int, log: ParseLog
) -> BaseGeometry | None:
    """Return the polygonal part of one feature's geometry, as one geometry.

    Z values are dropped, unclosed rings closed and rings of fewer than four
    positions dropped (each noted in `log`). Points, lines and empty results
    give None. The geometry is not yet checked for validity.

    Raises
    ------
    SnapshotError
        On coordinates that are not lists of numbers, or NaN or infinite.
    """
    polys = _polygons(geom, path, index, log)
    if not polys:
        return None
    if len(polys) == 1:
        return polys[0]
    return shapely.MultiPolygon([q for p in polys for q in getattr(p, "geoms", [p])])


def check_lonlat(
    geoms: np.ndarray, indices: list[int], path: Path, crs_declared: bool
) -> None:
    """Refuse coordinates that cannot be longitude/latitude degrees.

    The messages tell projected metres and swapped axes apart from plain
    out-of-range values, since each needs a different fix.
    """
    if len(geoms) == 0:
        return
    # every vertex, holes included (shapely.bounds looks at shells only)
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    if len(coords) == 0:
        return
    x, y = coords[:, 0], coords[:, 1]  # by column: min(axis=0) is 20x slower
    minx, miny, maxx, maxy = x.min(), y.min(), x.max(), y.max()
    if -180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90:
        return
    outside = (np.abs(x) > 180) | (np.abs(y) > 90)
    bad = [indices[i] for i in np.unique(owner[outside])]
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
