"""A fast path for reading plain polygon snapshots as coordinate arrays.

:func:`kurskgeo.io.read_snapshot` is the reference reader: it validates,
repairs and builds a GeoDataFrame. For a series of hundreds of files most of
that work is repeated on files that need none of it, and orjson spends most
of its time building a Python list per position. This module cuts every
``coordinates`` array out of the raw bytes, parses the small remainder with
orjson, and turns each coordinate array into one flat float array (one
orjson call on the text without brackets), with ring sizes counted from the
separators.

It accepts only *plain* files, for which :func:`~kurskgeo.io.read_snapshot`
would warn about nothing and change nothing but ring orientation: a
FeatureCollection whose features all carry a Polygon or MultiPolygon (Z dropped) of
closed rings of at least four positions, in longitude/latitude, and give one
date or none. :func:`read_plain` returns None for anything else, and the
caller falls back to the reference reader. Validity is checked by the caller
after projecting (see :mod:`kurskgeo.timeline` and :mod:`kurskgeo._measure_many`).

The coordinate helpers (:func:`densify`, :func:`project`, :func:`build`) work
on ragged arrays as :func:`shapely.to_ragged_array` returns them for
MultiPolygons: one ``(n, 2)`` array and three offset arrays (ring starts,
part starts, feature starts). :func:`densify` gives the same vertices as
:func:`kurskgeo.area.densify_geodesic`, vectorised.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import orjson
import shapely
from shapely import GeometryType

from kurskgeo import _geojson, sources
from kurskgeo.area import _KM_PER_DEG, MAX_SEGMENT_KM, WGS84

__all__ = [
    "Plain",
    "Ragged",
    "build",
    "densify",
    "densify_positions",
    "digest",
    "project",
    "ranges",
    "read_plain",
]

_WS = b" \t\r\n"
_WS_CHARS = (b" ", b"\t", b"\r", b"\n")
_NUMBER_CHARS = b"0123456789.eE+-,[]" + _WS
_LONLAT_NAMES = frozenset(
    {
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:OGC::CRS84",
        "OGC:CRS84",
        "EPSG:4326",
        "urn:ogc:def:crs:EPSG::4326",
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
    }
)

#: (coordinates (n, 2), (ring offsets, part offsets, feature offsets))
Ragged = tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]
#: one feature parsed: positions (n, 2), positions per ring, rings per part
Parsed = tuple[np.ndarray, list[int], list[int]]


class Earlier(NamedTuple):
    """A feature as the file before had it: what :func:`read_plain` reuses."""

    text: bytes  # its coordinate text, without white space
    xy: np.ndarray  # its positions
    sizes: list[int]  # positions per ring
    parts: list[int]  # rings per part


@dataclass(frozen=True)
class Plain:
    """A plain snapshot file as arrays: what :func:`read_plain` returns."""

    path: str
    date: dt.date | None
    doc_date: dt.date | None  # the date the content gives (features' or document's)
    texts: tuple[bytes, ...]  # each feature's coordinate text, without white space
    fmt: str
    zones: tuple[Any, ...]  # one zone per feature, as read_snapshot names it
    ragged: Ragged  # longitude/latitude, as written in the file
    labels: tuple[str | None, ...] = ()  # the feature's or the file's; None: file name
    sources: tuple[str, ...] = ()  # one source per feature, as read_snapshot names it

    @functools.cached_property
    def key(self) -> bytes:
        """Hash of the coordinate text and zones: equal for identical geometry."""
        return digest(b"\x00".join(self.texts) + repr(self.zones).encode())

    def same_geometry(self, other: Plain | None) -> bool:
        """Return True if `other` has the same coordinate text and zones.

        Cheaper than comparing :attr:`key`: bytes of different length differ
        at once, and no hash is computed.
        """
        return (
            other is not None
            and bool(self.texts)
            and self.texts == other.texts
            and self.zones == other.zones
        )

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the key, not the texts: a worker sends arrays, not their text."""
        state = dict(self.__dict__)
        state["key"] = self.key
        state["texts"] = ()
        return state

    def feature_text(self, k: int) -> Earlier | None:
        """Feature `k`'s coordinate text, positions and rings (None if no such)."""
        if k >= len(self.texts):
            return None
        coords, (rings, parts, features) = self.ragged
        first, last = parts[features[k : k + 2]]
        lo, hi = rings[[first, last]]
        sizes = np.diff(rings[first : last + 1]).tolist()
        part_sizes = np.diff(parts[features[k] : features[k + 1] + 1]).tolist()
        return Earlier(self.texts[k], coords[lo:hi], sizes, part_sizes)

    def label(self, k: int) -> str:
        """Return the ``label`` read_snapshot gives feature `k` (default: file name)."""
        own = self.labels[k] if k < len(self.labels) else None
        return own or Path(self.path).name.split(".")[0]


def digest(raw: bytes) -> bytes:
    """Hash bytes, to recognise byte-identical files and geometry text."""
    return hashlib.blake2b(raw, digest_size=16).digest()


def _cut(raw: bytes) -> tuple[bytes, list[bytes]] | None:
    """Replace every ``coordinates`` array by its index; return both parts."""
    pieces: list[bytes] = []
    texts: list[bytes] = []
    pos = 0
    key = b'"coordinates"'
    while True:
        i = raw.find(key, pos)
        if i < 0:
            break
        j = raw.find(b"[", i)
        if j < 0 or raw[i + len(key) : j].strip(_WS) != b":":
            return None
        ends = [e for e in (raw.find(b"}", j), raw.find(b'"', j)) if e >= 0]
        if not ends:
            return None
        seg = raw[j : min(ends)].rstrip(_WS + b",")
        if not seg.endswith(b"]") or seg.translate(None, _NUMBER_CHARS):
            return None
        pieces.append(raw[pos:j])
        pieces.append(b"%d" % len(texts))
        texts.append(seg)
        pos = j + len(seg)
    if not texts:
        return None
    pieces.append(raw[pos:])
    return b"".join(pieces), texts


def _strip(seg: bytes) -> bytes:
    """Return a coordinate text without white space."""
    return seg.translate(None, _WS) if any(c in seg for c in _WS_CHARS) else seg


def _rings(seg: bytes, depth: int, prev: Earlier | None = None) -> Parsed | None:
    """Parse one Polygon (depth 3) or MultiPolygon (depth 4) coordinate text.

    The text has no white space (see :func:`_strip`). Returns the flat 2D
    positions, the number of positions of each ring and the number of rings
    of each part, or None if the text is not a plain 2D polygon array.
    `prev` is the same feature's text in the file before: only the positions
    between their common beginning and end are parsed (see :func:`_from_prev`).
    """
    t = seg
    if not (t.startswith(b"[" * depth) and t.endswith(b"]" * depth)):
        return None
    # every position is [x, y] or [x, y, z] (z is dropped, as read_snapshot
    # does): so many commas inside each position, then one between positions
    dim = t[depth : t.find(b"]")].count(b",") + 1
    if dim not in (2, 3):
        return None
    xy = None
    if prev is not None and dim == 2:
        found = _from_prev(t, prev)
        if found is not None and found[1]:
            return found  # one ring changed in place: its rings are known
        xy = found[0] if found is not None else None
    chunks = t.split(b"]],[[")
    sizes: list[int] = []
    parts: list[int] = []
    for k, chunk in enumerate(chunks):
        if k == 0 or chunk.startswith(b"["):
            parts.append(0)
        parts[-1] += 1
        sizes.append(chunk.count(b"],[") + 1)
    if xy is None:
        values = _numbers(t, dim)
        if values is None:
            return None
        xy = values.reshape(-1, dim)
    if len(xy) != sum(sizes):
        return None
    return (xy if dim == 2 else np.ascontiguousarray(xy[:, :2])), sizes, parts


def _numbers(t: bytes, dim: int) -> np.ndarray | None:
    """Return the numbers in a text of whole positions of `dim` numbers, or None.

    The commas alternate: ``dim - 1`` inside each position, then one after
    its ``]``.
    """
    buf = np.frombuffer(t, dtype=np.uint8)
    commas = np.flatnonzero(buf == 44)
    between = buf[commas - 1] == 93  # preceded by "]"
    if not np.array_equal(between, np.arange(len(commas)) % dim == dim - 1):
        return None
    try:
        values = orjson.loads(b"[" + t.translate(None, b"[]") + b"]")
    except orjson.JSONDecodeError:
        return None
    out = np.array(values, dtype=np.float64)
    if out.ndim != 1 or len(out) % dim:
        return None
    return out


def _from_prev(t: bytes, prev: Earlier) -> Parsed | None:
    """Parse text `t` from the same feature's text in the file before.

    The common beginning and end of the two texts are cut back to whole
    positions (at a ``],[``) and their positions taken from `prev`; the rest
    is parsed. When that rest lies inside one ring in both texts, the ring
    sizes are `prev`'s with that ring's count changed; otherwise they are
    left empty for the caller to count. None if little is shared.
    """
    old, old_xy, old_sizes, old_parts = prev
    a, b = np.frombuffer(t, dtype=np.uint8), np.frombuffer(old, dtype=np.uint8)
    m = min(len(a), len(b))
    differ = a[:m] != b[:m]
    head = int(differ.argmax()) if differ.any() else m
    differ = a[len(a) - m :] != b[len(b) - m :]
    tail = min(int(differ[::-1].argmax()) if differ.any() else m, m - head)
    lo = t.rfind(b"],[", 0, head)  # the last separator before the change
    hi = t.find(b"],[", len(t) - tail)  # the first after it
    if lo < 0 or hi < lo + 3:
        return None
    before = t.count(b"],[", 0, lo + 3)  # positions kept at the beginning
    after = t.count(b"],[", hi)  # and at the end
    if before + after > len(old_xy):
        return None
    middle = t[lo + 2 : hi + 1]
    values = _numbers(middle, 2)
    if values is None:
        return None
    xy = np.concatenate(
        [old_xy[:before], values.reshape(-1, 2), old_xy[len(old_xy) - after :]]
    )
    n_new, n_old = len(values) // 2, len(old_xy) - before - after
    old_middle = old[lo + 2 : len(old) - (len(t) - hi) + 1]
    if not (
        _in_one_ring(middle, n_new)
        and _in_one_ring(old_middle, n_old)
        and (n_new or n_old)
    ):
        return xy, [], []
    ring = int(np.searchsorted(np.cumsum(old_sizes), before, side="right"))
    sizes = list(old_sizes)
    sizes[ring] += n_new - n_old
    return xy, sizes, list(old_parts)


def _in_one_ring(text: bytes, n: int) -> bool:
    """Return True if `text` is `n` whole positions of one ring (no end or start)."""
    return (
        b"]]" not in text
        and b"[[" not in text
        and text.count(b"[") == n == text.count(b"]")
    )


def read_plain(path: str | Path, raw: bytes, prev: Plain | None = None) -> Plain | None:
    """Parse the bytes of a plain snapshot file, or return None if it is not plain.

    Parameters
    ----------
    path : path-like
        The file, for its name (date, format detection) and messages.
    raw : bytes
        Its content, already read (and gunzipped).
    prev : Plain, optional
        The previous file of a series: the coordinates each feature's text
        shares with the same feature's there are not parsed again.

    Returns
    -------
    Plain or None
        None whenever :func:`kurskgeo.io.read_snapshot` would have to skip,
        repair, reproject or split something; read the file with it then.
    """
    path = Path(path)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    cut = _cut(raw)
    if cut is None:
        return None
    rest, texts = cut
    try:
        doc = orjson.loads(rest)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return None
    crs = doc.get("crs")
    if crs is not None:
        props = crs.get("properties") if isinstance(crs, dict) else None
        name = props.get("name") if isinstance(props, dict) else None
        if name not in _LONLAT_NAMES:
            return None
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        return None
    chunks: list[np.ndarray] = []
    ring_sizes: list[int] = []
    part_sizes: list[int] = []
    feat_sizes: list[int] = []
    props_list: list[dict[str, Any]] = []
    used = 0
    for feat in features:
        if not isinstance(feat, dict):
            return None
        geom = feat.get("geometry")
        props = feat.get("properties") or {}
        if not isinstance(geom, dict) or not isinstance(props, dict):
            return None
        kind = geom.get("type")
        index = geom.get("coordinates")
        if (
            kind not in _geojson.POLYGONAL
            or not isinstance(index, int)
            or index != used
        ):
            return None
        used += 1
        earlier = prev.feature_text(index) if prev is not None else None
        texts[index] = _strip(texts[index])
        parsed = _rings(texts[index], 4 if kind == "MultiPolygon" else 3, earlier)
        if parsed is None:
            return None
        xy, sizes, parts = parsed
        if min(sizes) < 4:
            return None
        chunks.append(xy)
        ring_sizes.extend(sizes)
        part_sizes.extend(parts)
        feat_sizes.append(len(parts))
        props_list.append(props)
    if used != len(texts):
        return None
    coords = np.concatenate(chunks) if len(chunks) > 1 else chunks[0]
    ring_off = np.concatenate([[0], np.cumsum(ring_sizes)])
    starts, lasts = coords[ring_off[:-1]], coords[ring_off[1:] - 1]
    if not (starts == lasts).all():
        return None  # unclosed rings: the reference reader closes them and warns
    lon, lat = coords[:, 0], coords[:, 1]
    if not (
        np.isfinite(coords).all()
        and -180 <= lon.min()
        and lon.max() <= 180
        and -90 <= lat.min()
        and lat.max() <= 90
    ):
        return None
    part_off = np.concatenate([[0], np.cumsum(part_sizes)])
    feat_off = np.concatenate([[0], np.cumsum(feat_sizes)])
    fmt = sources.detect_format(doc, path)
    if sources.zone_notes(fmt, props_list):
        return None  # zones guessed from colours: the reference reader warns
    zones = tuple(sources.feature_columns(fmt, p)["zone"] for p in props_list)
    # the same defaults as io.read_snapshot
    doc_label = _str(doc.get("name"))
    doc_source = _str(doc.get("source")) or sources.SOURCE_NAMES.get(fmt) or "unknown"
    labels = tuple(_text(p.get("label")) or doc_label for p in props_list)
    srcs = tuple(_text(p.get("source")) or doc_source for p in props_list)
    one_date, content_date = _feature_date(props_list)
    if not one_date:
        return None  # features of several dates: the reference reader splits them
    doc_date = content_date or _doc_date(doc, path)
    date = doc_date or _name_date(path)
    ragged = (coords, (ring_off, part_off, feat_off))
    return Plain(
        str(path), date, doc_date, tuple(texts), fmt, zones, ragged, labels, srcs
    )


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _feature_date(props_list: list[dict[str, Any]]) -> tuple[bool, dt.date | None]:
    """Return (True, the date every feature gives, or None if none gives one).

    (False, None) if the features give several dates, or one that is no date
    (the reference reader splits the file, or names the feature in its error).
    """
    from kurskgeo.io import parse_date

    given = [p.get("date") for p in props_list]
    if all(d in (None, "") for d in given):
        return True, None
    if any(d != given[0] for d in given):
        return False, None
    try:
        return True, parse_date(given[0])
    except (TypeError, ValueError):
        return False, None


def _doc_date(doc: dict[str, Any], path: Path) -> dt.date | None:
    from kurskgeo import io

    value = doc.get("date")
    if value is None:
        return None
    return io._checked_date(value, path, "'date' member")


def _name_date(path: Path) -> dt.date | None:
    from kurskgeo import io

    return io.date_from_name(path.name)[0]


def with_path(plain: Plain, path: str | Path) -> Plain:
    """Return `plain` as read from another file with the same bytes (and its date)."""
    path = Path(path)
    date = plain.doc_date or _name_date(path)
    return dataclasses.replace(plain, path=str(path), date=date)


def bounds(coords: np.ndarray) -> tuple[float, float, float, float]:
    """(min x, min y, max x, max y) of an (n, 2) array, n > 0.

    Column by column: ``coords.min(axis=0)`` on two columns is 20 times slower.
    """
    x, y = coords[:, 0], coords[:, 1]
    return float(x.min()), float(y.min()), float(x.max()), float(y.max())


def build(ragged: Ragged) -> np.ndarray:
    """One shapely (Multi)Polygon per feature from a ragged array."""
    coords, offsets = ragged
    return shapely.from_ragged_array(GeometryType.MULTIPOLYGON, coords, offsets)


def subset(ragged: Ragged, keep: np.ndarray) -> Ragged:
    """Return the features of `ragged` where `keep` is True."""
    if keep.all():
        return ragged
    geoms = build(ragged)[keep]
    if len(geoms) == 0:
        empty = np.zeros(1, dtype=np.int64)
        return np.empty((0, 2)), (empty, empty, empty)
    _, c, offs = shapely.to_ragged_array(geoms)
    return c, offs


def snap(ragged: Ragged, grid: float) -> Ragged:
    """Round every coordinate to a multiple of `grid` (in the same unit)."""
    coords, offsets = ragged
    return np.round(coords / grid) * grid, offsets


class DensifyCache:
    """The geodesic points of the long edges of the last geometry densified.

    Consecutive snapshots share most of their edges; :func:`densify` looks
    each long edge up here (by its exact end points) before asking pyproj.
    """

    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=np.uint64)  # sorted
        self.ends = np.empty((0, 4))  # end points, in the order of keys
        self.count = np.empty(0, dtype=np.int64)
        self.first = np.empty(0, dtype=np.int64)
        self.points = np.empty((0, 2))

    def lookup(
        self, keys: np.ndarray, ends: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return (hit mask, index into the cache) for edges given by keys and ends."""
        if not len(self.keys):
            return np.zeros(len(keys), dtype=bool), np.zeros(len(keys), dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        hit = (self.keys[pos] == keys) & (self.ends[pos] == ends).all(axis=1)
        return hit, pos

    def store(
        self, keys: np.ndarray, ends: np.ndarray, count: np.ndarray, points: np.ndarray
    ) -> None:
        """Remember the edges of one geometry (replacing the previous one)."""
        order = np.argsort(keys, kind="stable")
        first = np.cumsum(count) - count
        self.keys, self.ends, self.count = keys[order], ends[order], count[order]
        self.first = first[order]
        self.points = points


_K1 = np.uint64(0x9E3779B97F4A7C15)
_K2 = np.uint64(0xC2B2AE3D27D4EB4F)


def _edge_keys(ends: np.ndarray) -> np.ndarray:
    bits = np.ascontiguousarray(ends).view(np.uint64)
    with np.errstate(over="ignore"):
        key = bits[:, 0] * _K1
        for k in range(1, 4):
            key = (key ^ (key >> np.uint64(29))) * _K2 + bits[:, k]
    return key


def ranges(first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(first[i], first[i] + count[i])``."""
    total = int(count.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    owner = np.repeat(np.arange(len(count)), count)
    starts = np.cumsum(count) - count
    return first[owner] + (np.arange(total) - starts[owner])


def densify(
    ragged: Ragged,
    max_segment_km: float = MAX_SEGMENT_KM,
    cache: DensifyCache | None = None,
) -> Ragged:
    """Insert geodesic vertices on long edges, like :func:`.area.densify_geodesic`.

    An edge of geodesic length ``d`` km gets ``ceil(d / max_segment_km) - 1``
    equally spaced intermediate points, computed with one vectorised
    :meth:`pyproj.Geod.fwd` call for the whole array instead of one
    :meth:`pyproj.Geod.npts` call per edge, and taken from `cache` for edges
    the previous geometry densified.
    """
    return densify_positions(ragged, max_segment_km, cache)[0]


def densify_positions(
    ragged: Ragged,
    max_segment_km: float = MAX_SEGMENT_KM,
    cache: DensifyCache | None = None,
    remember: bool = True,
) -> tuple[Ragged, np.ndarray]:
    """:func:`densify`, and where each input vertex is in the output.

    With `remember` False the cache is read but keeps what it holds.
    """
    coords, (ring_off, part_off, feat_off) = ragged
    n = len(coords)
    if n < 2:
        return ragged, np.arange(n)
    valid = np.ones(n - 1, dtype=bool)
    inner = ring_off[1:-1]
    valid[inner[(inner > 0) & (inner < n)] - 1] = False
    lon, lat = coords[:, 0], coords[:, 1]
    dlon = np.abs(np.diff(lon))
    dlon = np.minimum(dlon, 360 - dlon)
    dlat = np.diff(lat)
    coslat = np.cos(np.radians((lat[1:] + lat[:-1]) / 2))
    approx_km = _KM_PER_DEG * np.hypot(dlon * coslat, dlat)
    edges = np.flatnonzero(valid & (approx_km > 0.9 * max_segment_km))
    if not len(edges):
        return ragged, np.arange(n)
    ends = np.column_stack([lon[edges], lat[edges], lon[edges + 1], lat[edges + 1]])
    count = np.zeros(len(edges), dtype=np.int64)
    if cache is not None:
        keys = _edge_keys(ends)
        hit, pos = cache.lookup(keys, ends)
    else:
        hit, pos = (
            np.zeros(len(edges), dtype=bool),
            np.zeros(len(edges), dtype=np.int64),
        )
    miss = np.flatnonzero(~hit)
    new_points = np.empty((0, 2))
    if len(miss):
        e = ends[miss]
        az, _, dist = WGS84.inv(e[:, 0], e[:, 1], e[:, 2], e[:, 3])
        m_count = np.maximum(
            np.ceil(dist / 1000 / max_segment_km).astype(np.int64) - 1, 0
        )
        count[miss] = m_count
        owner = np.repeat(np.arange(len(miss)), m_count)
        step = np.arange(len(owner)) - (np.cumsum(m_count) - m_count)[owner] + 1
        spacing = dist / (m_count + 1)
        mlon, mlat, _ = WGS84.fwd(
            e[owner, 0],
            e[owner, 1],
            az[owner],
            spacing[owner] * step,
            return_back_azimuth=False,
        )
        new_points = np.column_stack([mlon, mlat]).reshape(-1, 2)
    if hit.any():
        count[hit] = cache.count[pos[hit]]  # type: ignore[union-attr]
    first = np.cumsum(count) - count
    points = np.empty((int(count.sum()), 2))
    if len(miss):
        points[ranges(first[miss], count[miss])] = new_points
    if hit.any():
        src = ranges(cache.first[pos[hit]], count[hit])  # type: ignore[union-attr]
        points[ranges(first[hit], count[hit])] = cache.points[src]  # type: ignore[union-attr]
    if cache is not None and remember:
        cache.store(keys, ends, count, points)
    if not len(points):
        return ragged, np.arange(n)
    grow = np.ones(n, dtype=np.int64)
    grow[edges] += count
    position = np.cumsum(grow) - grow
    out = np.empty((n + len(points), 2))
    out[position] = coords
    out[ranges(position[edges] + 1, count)] = points
    new_ring_off = np.append(position[ring_off[:-1]], len(out))
    return (out, (new_ring_off, part_off, feat_off)), position


def project(ragged: Ragged, transformer: Any) -> Ragged:
    """Transform the coordinates with a pyproj Transformer (always_xy)."""
    coords, offsets = ragged
    if not len(coords):
        return ragged
    x, y = np.array(coords[:, 0]), np.array(coords[:, 1])  # contiguous copies
    transformer.transform(x, y, inplace=True)
    return np.column_stack([x, y]), offsets
