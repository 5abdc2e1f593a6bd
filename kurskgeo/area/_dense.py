"""A large polygon densified and projected as arrays, and rebuilt from the last map's.

Step 3 of the engine densifies each polygon's long edges along the geodesic
and projects it. A map of a series differs from the one before in a few
places: the occupied territory's outline, 2,900 vertices, moves along a few
stretches of the front from one day to the next. :func:`splice` takes the
last map's polygon and copies, for every edge whose two ends follow each
other in it too, the edge's densified and projected points; it densifies
and projects only the edges that are new.

An edge is densified, and a point projected, from its own coordinates
alone (:func:`kurskgeo.area.geodesic.edge_points`), so a spliced polygon is
the one :func:`fresh` gives, and the one
:func:`~kurskgeo.area.geodesic.densify_geodesic` and
:func:`~kurskgeo.area.engine.project` give, to the bit
(``tests/test_engine.py`` checks it on random edits).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from kurskgeo.area.geodesic import (
    EdgeCache,
    authalic_ring_areas,
    crosses_antimeridian,
    densify_coords,
    edge_points,
    edge_terms,
    edge_terms_at,
)

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


@dataclass(eq=False)
class Dense:
    """One polygon's written vertices, densified and projected, as arrays."""

    kind: shapely.GeometryType  # Polygon or MultiPolygon
    coords: np.ndarray  # (n, 2) the vertices as written, rings one after another
    offsets: tuple[np.ndarray, ...]  # ring starts in `coords` (and n), then parts
    joined: np.ndarray  # (n - 1,) True where point i and i + 1 end one edge
    where: np.ndarray  # (n + 1,) where each written vertex is in `dense`, and m
    dense: np.ndarray  # (m, 2) longitude/latitude, long edges densified
    projected: np.ndarray  # (m, 2) `dense` projected
    # edge_terms of `dense` (for its geodesic area), once asked for
    terms: tuple[np.ndarray, np.ndarray] | None = None

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
        rings = self.where[self.offsets[0]]
        if self.terms is None:
            self.terms = edge_terms(self.dense, rings)
        areas = authalic_ring_areas(self.dense, rings, self.terms)
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
        if index.is_unique:
            got = index.get_indexer(wanted)
        else:
            order = np.argsort(keys, kind="stable")
            got = order[np.minimum(np.searchsorted(keys[order], wanted), len(keys) - 1)]
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


def fresh(geom: BaseGeometry, project: Coordinates, cache: EdgeCache | None) -> Dense:
    """Densify and project a non-empty (Multi)Polygon."""
    kind, coords, offsets, joined = _arrays(geom)
    done = densify_coords(coords, joined, cache=cache)
    dense, where = done or (coords, np.arange(len(coords)))
    where = np.append(where, len(dense))
    return Dense(kind, coords, offsets, joined, where, dense, project(dense))


#: Beyond this many changed stretches a polygon is densified afresh.
MAX_STRETCHES = 64


def splice(
    prev: Dense, geom: BaseGeometry, project: Coordinates, cache: EdgeCache | None
) -> Dense:
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
    if len(cuts) > 2 * MAX_STRETCHES:
        return fresh(geom, project, cache)
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
    out = Dense(
        kind,
        coords,
        offsets,
        joined,
        where,
        np.concatenate(dense),
        np.concatenate(projected),
    )
    out.terms = _spliced_terms(prev, out, is_copy, lo, hi, where[starts])
    return out


def _spliced_terms(
    prev: Dense,
    out: Dense,
    is_copy: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    into: np.ndarray,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Return the geodesic edge terms of `out`, copied from `prev` for copied runs.

    A copied block's points lead to the same next points as in `prev`, so
    their terms are the same; the made blocks' are computed. None (compute
    them all when asked) if a step crosses the antimeridian, where every
    step is taken modulo 360°.
    """
    if (
        prev.terms is None
        or crosses_antimeridian(prev.dense)
        or crosses_antimeridian(out.dense)
    ):
        return None
    old_excess, old_dlam = prev.terms
    m = len(out.dense)
    excess, dlam = np.empty(m), np.empty(m)
    made = []
    for copy, a, b, at in zip(
        is_copy.tolist(), lo.tolist(), hi.tolist(), into.tolist(), strict=True
    ):
        if copy:
            excess[at : at + b - a] = old_excess[a:b]
            dlam[at : at + b - a] = old_dlam[a:b]
        else:
            made.append(np.arange(at, at + b - a))
    if made:
        points = np.concatenate(made)
        ends = out.where[out.offsets[0][1:] - 1]  # a ring's last point: no edge
        edge = points[~np.isin(points, ends)]
        excess[edge], dlam[edge] = edge_terms_at(out.dense, edge)
        excess[ends], dlam[ends] = 0.0, 0.0
    return excess, dlam
