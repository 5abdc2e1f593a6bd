"""Gained and lost parts between two geometries, overlaid only where they differ.

Two consecutive snapshots of a front line share almost all of their edges:
the day's changes are local. An edge that both geometries have, with the
interior on the same side, cannot bound any part of their symmetric
difference, so the parts of ``A △ B`` are faces of the arrangement of the
*other* edges alone. This module therefore

1. orients every ring (shells counter-clockwise, holes clockwise) and keys
   each directed edge by the bits of its two end points;
2. keeps the edges that only one geometry has (``numpy.isin`` on the keys);
3. nodes them (:func:`shapely.union_all`) and polygonises the result;
4. classifies each face by a point inside it: in B and not in A is gained,
   in A and not in B is lost.

This costs in proportion to the changed edges, not to the size of the
geometries. The caller checks the result against the exact change of area
and falls back to full GEOS overlays (:func:`exact_parts`) when they
disagree, so a bad case costs time, never correctness.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = [
    "DEFAULT_GRID_SIZE",
    "DEFAULT_MIN_AREA_KM2",
    "Edges",
    "Pair",
    "change_between",
    "check_options",
    "edges",
    "exact_parts",
    "local_parts",
    "merge_parts",
    "polygons",
]

#: Change parts smaller than this (km²) are slivers from redrawn borders.
DEFAULT_MIN_AREA_KM2 = 0.01
#: Coordinates are snapped to this grid (metres) before changes are computed.
DEFAULT_GRID_SIZE = 0.1

_K1 = np.uint64(0x9E3779B97F4A7C15)
_K2 = np.uint64(0xC2B2AE3D27D4EB4F)
_K3 = np.uint64(0x165667B19E3779F9)


@dataclass(frozen=True)
class Edges:
    """An oriented geometry and the keys and end points of its directed edges."""

    geom: BaseGeometry
    keys: np.ndarray  # uint64, one per directed edge
    segments: np.ndarray  # (n, 2, 2) float
    sorted_keys: np.ndarray  # keys, sorted, for membership tests


def _member(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """``numpy.isin(keys, sorted_keys)`` for an already sorted right-hand side."""
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[pos] == keys


def edges(geom: BaseGeometry) -> Edges:
    """Orient `geom` and key its directed edges (shell CCW, holes CW)."""
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    rings = shapely.get_rings(shapely.get_parts(geom))
    if len(rings) == 0:
        no_keys = np.empty(0, dtype=np.uint64)
        return Edges(geom, no_keys, np.empty((0, 2, 2)), no_keys)
    coords, index = shapely.get_coordinates(rings, return_index=True)
    same = index[1:] == index[:-1]
    bits = np.ascontiguousarray(coords).view(np.uint64)
    with np.errstate(over="ignore"):
        vertex = bits[:, 0] * _K1 ^ (bits[:, 1] * _K2 + (bits[:, 1] >> np.uint64(29)))
        keys = (vertex[:-1] * _K3 + (vertex[1:] ^ (vertex[1:] >> np.uint64(31))))[same]
    segments = np.stack([coords[:-1][same], coords[1:][same]], axis=1)
    return Edges(geom, keys, segments, np.sort(keys))


def local_parts(a: Edges, b: Edges) -> tuple[np.ndarray, np.ndarray]:
    """Faces of ``b - a`` (gained) and ``a - b`` (lost), from the unshared edges only.

    Returns two arrays of polygons, possibly empty. Adjacent faces of the same
    kind are not merged (see :func:`merge_parts`).
    """
    only_a = ~_member(a.keys, b.sorted_keys)
    only_b = ~_member(b.keys, a.sorted_keys)
    segments = np.concatenate([a.segments[only_a], b.segments[only_b]])
    if len(segments) == 0:
        empty = np.empty(0, dtype=object)
        return empty, empty
    noded = shapely.union_all(shapely.linestrings(segments))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    if len(faces) == 0:
        empty = np.empty(0, dtype=object)
        return empty, empty
    xy = shapely.get_coordinates(shapely.point_on_surface(faces))
    if len(faces) > 32:
        shapely.prepare(a.geom)
        shapely.prepare(b.geom)
    in_a = shapely.contains_xy(a.geom, xy[:, 0], xy[:, 1])
    in_b = shapely.contains_xy(b.geom, xy[:, 0], xy[:, 1])
    return faces[in_b & ~in_a], faces[in_a & ~in_b]


def exact_parts(a: BaseGeometry, b: BaseGeometry) -> tuple[np.ndarray, np.ndarray]:
    """Gained (``b - a``) and lost (``a - b``) parts by two full GEOS overlays."""
    gained = shapely.get_parts(shapely.difference(b, a))
    lost = shapely.get_parts(shapely.difference(a, b))
    return polygons(gained), polygons(lost)


def merge_parts(faces: np.ndarray) -> np.ndarray:
    """Merge faces that touch into connected parts (faces of one arrangement)."""
    if len(faces) < 2:
        return polygons(faces)
    try:
        merged = shapely.coverage_union_all(faces)
    except shapely.errors.GEOSException:  # pragma: no cover - faces form a coverage
        merged = shapely.union_all(faces)
    return polygons(shapely.get_parts(merged))


def polygons(parts: np.ndarray) -> np.ndarray:
    parts = np.asarray(parts, dtype=object)
    if len(parts) == 0:
        return parts
    keep = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    return parts[keep]


# ---------------------------------------------------------------- a pair of maps


@dataclass(frozen=True)
class Pair:
    gained_km2: float
    lost_km2: float
    gained_raw_km2: float
    lost_raw_km2: float
    filtered_km2: float
    sliver_net_km2: float
    gained: np.ndarray  # kept parts, projected
    lost: np.ndarray
    method: str


def _snapped(geom: BaseGeometry, grid_size: float | None) -> BaseGeometry:
    if not grid_size or geom.is_empty:
        return geom
    return shapely.set_precision(geom, grid_size, mode="pointwise")


def change_between(
    a: BaseGeometry,
    b: BaseGeometry,
    net: float,
    min_area_km2: float,
    grid_size: float | None,
) -> Pair:
    empty = np.empty(0, dtype=object)
    if a.equals_exact(b, 0.0):
        return Pair(0.0, 0.0, 0.0, 0.0, 0.0, net, empty, empty, "identical")
    method = "local"
    ea, eb = (
        edges(_snapped(a, grid_size)),
        edges(_snapped(b, grid_size)),
    )
    gained_f, lost_f = local_parts(ea, eb)
    gained, lost = merge_parts(gained_f), merge_parts(lost_f)
    g_area, l_area = shapely.area(gained) / 1e6, shapely.area(lost) / 1e6
    # snapping moves an unshared vertex by at most half a grid step; on daily
    # DeepState maps the net effect stays well under 0.05 km²
    tolerance = 0.05 + 1e-7 * max(shapely.area(a), shapely.area(b)) / 1e6
    if abs(g_area.sum() - l_area.sum() - net) > tolerance:
        method = "overlay"
        gained, lost = exact_parts(a, b)
        g_area, l_area = shapely.area(gained) / 1e6, shapely.area(lost) / 1e6
    keep_g, keep_l = g_area >= min_area_km2, l_area >= min_area_km2
    g_raw, l_raw = float(g_area.sum()), float(l_area.sum())
    g_kept, l_kept = float(g_area[keep_g].sum()), float(l_area[keep_l].sum())
    residual = net - (g_kept - l_kept)
    return Pair(
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


def check_options(min_area_km2: float, grid_size: float | None) -> None:
    if not (min_area_km2 >= 0 and math.isfinite(min_area_km2)):
        raise ValueError(
            f"min_area_km2 must be a non-negative number, not {min_area_km2!r}"
        )
    if grid_size is not None and not (grid_size >= 0 and math.isfinite(grid_size)):
        raise ValueError(
            f"grid_size must be a non-negative number of metres, not {grid_size!r}"
        )
