"""A large polygon densified and projected as arrays, rebuilt from the last map's.

A map of a series differs from the one before in a few places: the occupied
territory's outline (2,900 vertices) moves along a few stretches of the front
from one day to the next. :func:`splice` copies from the last map's polygon
the densified and projected points of every edge whose two ends (bit for bit)
follow each other there too, and densifies and projects only the new edges.
An edge is densified, and a point projected, from its own coordinates alone,
so the result is the one :func:`fresh` gives, to the bit
(``tests/test_series_reuse.py`` checks it on random edits).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from kurskgeo.area.geodesic import authalic_ring_areas, densify_coords, edge_points

__all__ = ["Dense", "fresh", "splice"]

Coordinates = Callable[[np.ndarray], np.ndarray]

#: Polygons with fewer vertices are densified afresh with the rest of a layer.
MIN_VERTICES = 256

_K = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))


def _starts(sizes: np.ndarray) -> np.ndarray:
    """Return where each of consecutive pieces of these sizes starts, and the end."""
    out = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=out[1:])
    return out


def _bits(coords: np.ndarray) -> np.ndarray:
    """Return the (n, 2) coordinates as bits: equal bits give equal results."""
    return np.ascontiguousarray(coords).view(np.uint64)


def _keys(coords: np.ndarray) -> np.ndarray:
    """Return a 64-bit key per point from the bits of its coordinates."""
    bits = _bits(coords)
    with np.errstate(over="ignore"):
        key = bits[:, 0] * _K[0]
        return (key ^ (key >> np.uint64(29))) * _K[1] + bits[:, 1]


@dataclass(frozen=True, eq=False)
class Dense:
    """One polygon's written vertices, densified and projected, as arrays."""

    kind: shapely.GeometryType  # Polygon or MultiPolygon
    coords: np.ndarray  # (n, 2) the vertices as written, rings one after another
    offsets: tuple[np.ndarray, ...]  # ring starts in `coords` (and n), then parts
    joined: np.ndarray  # (n - 1,) True where point i and i + 1 end one edge
    where: np.ndarray  # (n + 1,) where each written vertex is in `dense`, and m
    dense: np.ndarray  # (m, 2) longitude/latitude, long edges densified
    projected: np.ndarray  # (m, 2) `dense` projected

    def geometries(self) -> tuple[BaseGeometry, BaseGeometry]:
        """Return the densified polygon in longitude/latitude, and projected."""
        offsets = (self.where[self.offsets[0]], *self.offsets[1:])
        lonlat = shapely.from_ragged_array(self.kind, self.dense, offsets)[0]
        return lonlat, shapely.from_ragged_array(self.kind, self.projected, offsets)[0]

    def authalic_km2(self) -> float:
        """Return :func:`~kurskgeo.area.geodesic.authalic_area_km2` of the lon/lat form.

        The same sums over the same points in the same order: the same
        number, to the bit.
        """
        areas = authalic_ring_areas(self.dense, self.where[self.offsets[0]])
        shell = np.zeros(len(areas), dtype=bool)
        shell[self.offsets[1][:-1]] = True  # the first ring of each part
        out = np.zeros(1)
        np.add.at(
            out, np.zeros(len(areas), dtype=np.int64), np.where(shell, areas, -areas)
        )
        return float(out[0])

    def find(self, coords: np.ndarray) -> np.ndarray:
        """Return the index of a vertex with each of `coords` here (bit for bit), or -1.

        The vertices both start with, and those both end with, are matched
        in place; the rest through a hash table of this polygon's others.
        """
        n, n0 = len(coords), len(self.coords)
        k = min(n, n0)
        new, old = _bits(coords), _bits(self.coords)
        h = _run(_equal(new[:k], old[:k]))
        t = min(_run(_equal(new[n - k :][::-1], old[n0 - k :][::-1])), k - h)
        out = np.full(n, -1, dtype=np.int64)
        out[:h] = np.arange(h)
        out[n - t :] = np.arange(n0 - t, n0)
        if h + t == n or h + t == n0:
            return out
        # a ring's closing vertex repeats its first: leave it out, and the
        # keys are (nearly always) unique, so a hash table finds them
        keep = np.zeros(n0, dtype=bool)
        keep[h : n0 - t] = True
        keep[self.offsets[0][1:] - 1] = False
        places = np.flatnonzero(keep)
        keys = _keys(self.coords[places])
        wanted = _keys(coords[h : n - t])
        index = pd.Index(keys)
        if not index.is_unique:  # a vertex the rings touch at: leave the rest
            return out
        got = index.get_indexer(wanted)
        at = places[np.maximum(got, 0)] if len(places) else np.zeros_like(got)
        equal = _equal(old[at], new[h : n - t]) & (got >= 0)
        out[h : n - t] = np.where(equal, at, -1)
        return out


def _equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return where two (n, 2) arrays of bits hold the same point."""
    return (a[:, 0] == b[:, 0]) & (a[:, 1] == b[:, 1])


def _run(same: np.ndarray) -> int:
    """Return the length of the leading run of True."""
    return len(same) if same.all() else int(np.argmin(same))


def _arrays(
    geom: BaseGeometry,
) -> tuple[shapely.GeometryType, np.ndarray, tuple[np.ndarray, ...], np.ndarray]:
    """Return :func:`shapely.to_ragged_array` of one polygon, and `joined`."""
    parts = shapely.get_parts(geom)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    ring_offsets = _starts(shapely.get_num_coordinates(rings))
    coords = shapely.get_coordinates(geom)
    joined = np.ones(max(len(coords) - 1, 0), dtype=bool)
    joined[ring_offsets[1:-1] - 1] = False  # a ring's last point to the next's first
    if shapely.get_type_id(geom) == shapely.GeometryType.POLYGON:
        polygon = (ring_offsets, np.array([0, len(rings)]))
        return shapely.GeometryType.POLYGON, coords, polygon, joined
    part_offsets = np.searchsorted(ring_part, np.arange(len(parts) + 1))
    offsets = (ring_offsets, part_offsets, np.array([0, len(parts)]))
    return shapely.GeometryType.MULTIPOLYGON, coords, offsets, joined


def fresh(geom: BaseGeometry, project: Coordinates) -> Dense:
    """Densify and project a non-empty (Multi)Polygon."""
    kind, coords, offsets, joined = _arrays(geom)
    done = densify_coords(coords, joined)
    dense, where = done or (coords, np.arange(len(coords)))
    where = np.append(where, len(dense))
    return Dense(kind, coords, offsets, joined, where, dense, project(dense))


def splice(prev: Dense, geom: BaseGeometry, project: Coordinates) -> Dense:
    """Return ``fresh(geom, ...)``, copying what `geom` shares with `prev`.

    `prev` must have been projected with the same `project`. Each written
    vertex, with the points densifying the edge that leaves it, is a block
    of the result: copied from `prev` when `prev` has an edge with the same
    two ends (bit for bit), made afresh otherwise.
    """
    kind, coords, offsets, joined = _arrays(geom)
    n = len(coords)
    at = prev.find(coords)  # each vertex's index in prev, or -1
    # the vertex and the next follow each other in prev, on one edge
    left = np.where(at[:-1] < len(prev.joined), at[:-1], -1)
    copied = np.zeros(n, dtype=bool)
    copied[:-1] = (
        joined & (left >= 0) & (at[1:] == left + 1) & prev.joined[np.maximum(left, 0)]
    )
    cuts = np.flatnonzero(copied[1:] != copied[:-1]) + 1
    # the made blocks, all at once: each vertex, then its edge's points
    made = np.flatnonzero(~copied)
    edge = made[made < n - 1]
    edge = edge[joined[edge]]
    counts = np.zeros(n, dtype=np.int64)
    counts[edge], points = edge_points(coords[edge], coords[edge + 1])
    new = np.insert(
        coords[made],
        np.repeat(np.searchsorted(made, edge) + 1, counts[edge]),
        points,
        axis=0,
    )
    new_where = _starts(counts[made] + 1)
    new_projected = project(new)
    size = counts + 1
    size[copied] = prev.where[at[copied] + 1] - prev.where[at[copied]]
    where = _starts(size)
    # each run of copied blocks is one slice of prev, each run of made ones
    # one slice of `new`
    starts, stops = np.append(0, cuts), np.append(cuts, n)
    is_copy = copied[starts]
    made_before = _starts(~copied)
    lo = np.where(is_copy, prev.where[at[starts]], new_where[made_before[starts]])
    hi = np.where(is_copy, prev.where[at[stops - 1] + 1], new_where[made_before[stops]])
    dense, projected = [], []
    for copy, a, b in zip(is_copy.tolist(), lo.tolist(), hi.tolist(), strict=True):
        dense.append(prev.dense[a:b] if copy else new[a:b])
        projected.append(prev.projected[a:b] if copy else new_projected[a:b])
    return Dense(
        kind,
        coords,
        offsets,
        joined,
        where,
        np.concatenate(dense),
        np.concatenate(projected),
    )
