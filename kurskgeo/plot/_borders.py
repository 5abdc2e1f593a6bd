"""One international border, consistent with the region's boundary.

A region boundary (an OpenStreetMap oblast) and country polygons from
another source (Natural Earth) draw the same border a few kilometres apart,
so a map that draws both shows two lines, with coloured slivers between them
and zones spilling across the country line. Here the region's boundary is
taken as the border wherever it is one: where the ground just across it, on
either side within :data:`SNAP_M`, belongs to another country of the context
layers (a probe along the normal of the smoothed boundary, so that a stretch
leaving the border at a tripoint is not mistaken for it). The context's own
border is dropped within :data:`SNAP_M` of that stretch and joined to its
ends, and the region outline is drawn only where it is not the border.
A probe counts only where it also crosses the context's own border line, so
that a region reaching into the other country is not taken for its border.

Everything here works in the map's projected coordinates (metres).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

#: How far apart two sources may draw the same border (metres).
SNAP_M = 10_000.0

#: Spacing of the probes along the region boundary (metres).
_STEP_M = 500.0

#: Half-length of the stretch of boundary whose direction a probe follows.
_SMOOTH_M = 2_000.0

#: Gaps shorter than this in a stretch of border are closed; shorter
#: stretches are dropped (metres).
_MIN_RUN_M = 3_000.0


@dataclass(frozen=True)
class _Borders:
    """The lines to draw, in the map's CRS."""

    border: BaseGeometry  # international border, one line
    region_rest: BaseGeometry | None  # the region outline where it is no border
    from_region: bool  # part of the border is the region's boundary


def _lines(geom: BaseGeometry) -> BaseGeometry:
    """Return the line parts of `geom` (points and empties dropped)."""
    parts = shapely.get_parts(geom)
    parts = parts[np.isin(shapely.get_type_id(parts), (1, 2))]
    parts = parts[~shapely.is_empty(parts)]
    return shapely.multilinestrings(parts) if len(parts) else shapely.MultiLineString()


def _border_runs(
    ring: np.ndarray, others: BaseGeometry, country: BaseGeometry, snap: float
) -> list[np.ndarray]:
    """Stretches of the closed `ring` (N × 2, first ≠ last) along `others`.

    A vertex is on the border when a probe across the ring there (along its
    normal, `snap` each way) reaches another country. A gap between two
    such stretches is closed when it is short, or when it stays within
    `snap` of the `country` line all along (where the two sources part
    further, or the ring bends sharply).
    """
    n = len(ring)
    if n < 8:
        return []
    k = max(1, round(_SMOOTH_M / _STEP_M))
    ahead = np.roll(ring, -k, axis=0)
    behind = np.roll(ring, k, axis=0)
    tangent = ahead - behind
    norm = np.hypot(tangent[:, 0], tangent[:, 1])
    norm[norm == 0] = 1.0
    normal = np.column_stack([-tangent[:, 1], tangent[:, 0]]) / norm[:, None]
    probes = shapely.linestrings(
        np.stack([ring - snap * normal, ring + snap * normal], axis=1)
    )
    shapely.prepare(others)
    shapely.prepare(country)
    # across the border: into another country, over the context's line (a
    # stretch running away from the border, or into the other country, is
    # crossed lengthwise by neither)
    hit = shapely.intersects(others, probes) & shapely.intersects(country, probes)
    if not hit.any():
        return []
    if hit.all():
        return [np.vstack([ring, ring[:1]])]
    near = shapely.dwithin(country, shapely.points(ring), snap)
    # start at a vertex off the border, so that no run wraps around the end
    start = int(np.flatnonzero(~hit)[0])
    order = np.r_[start:n, 0:start]
    hit, near, pts = hit[order], near[order], ring[order]
    gap = max(1, round(_MIN_RUN_M / _STEP_M))
    edges = np.flatnonzero(np.diff(np.r_[0, hit.astype(np.int8), 0]))
    runs = list(zip(edges[::2], edges[1::2], strict=True))
    merged: list[list[int]] = []
    for a, b in runs:
        if merged and (a - merged[-1][1] < gap or near[merged[-1][1] : a].all()):
            merged[-1][1] = b
        else:
            merged.append([a, b])
    out = []
    for a, b in merged:
        if b - a >= gap:
            out.append(pts[a : b + 1] if b < n else pts[a:b])
    return out


def border_lines(
    land: Sequence[tuple[BaseGeometry, bool]],
    edges: Sequence[BaseGeometry],
    region: BaseGeometry | None,
    window: BaseGeometry,
    *,
    snap: float = SNAP_M,
) -> _Borders:
    """Return the international border and the rest of the region outline.

    Parameters
    ----------
    land : sequence of (polygon, is_home)
        The context countries in the map's CRS, clipped to a box larger than
        `window`; `is_home` marks the country the region lies in.
    edges : sequence of lines
        The countries' borders in the map's CRS, over the same box (and not
        along its edges).
    region : polygon, optional
        The region in the map's CRS (unclipped).
    window : polygon
        What is drawn: lines are clipped to it.
    snap : float
        How far apart the two sources may draw the border (metres).
    """
    edges = [g for g in edges if g is not None and not g.is_empty]
    country = _lines(shapely.union_all(edges)) if edges else shapely.MultiLineString()
    if region is None or region.is_empty:
        return _Borders(_lines(shapely.intersection(country, window)), None, False)
    outline = _lines(shapely.boundary(region))
    others = [g for g, home in land if not home and g is not None and not g.is_empty]
    runs: list[np.ndarray] = []
    if others and not country.is_empty:
        other = shapely.union_all(others)
        for ring in shapely.get_parts(shapely.get_rings(region)):
            dense = shapely.segmentize(ring, _STEP_M)
            coords = shapely.get_coordinates(dense)[:-1]
            runs.extend(_border_runs(coords, other, country, snap))
    if not runs:
        return _Borders(
            _lines(shapely.intersection(country, window)),
            _lines(shapely.intersection(outline, window)),
            False,
        )
    along = shapely.multilinestrings([shapely.linestrings(r) for r in runs])
    # the context's line beside that stretch goes; its loose ends are joined
    # to it (the ends of a line cut there, not those of a line at a junction)
    # (a coarse buffer of a simplified line: what is dropped lies kilometres
    # away, not metres)
    beside = shapely.buffer(shapely.simplify(along, snap / 20), snap, quad_segs=4)
    kept = shapely.line_merge(_lines(shapely.difference(country, beside)))
    pieces = shapely.get_parts(kept)
    pieces = pieces[shapely.length(pieces) > _MIN_RUN_M / 3]
    ends = shapely.points(
        np.array(
            [shapely.get_coordinates(p)[[0, -1]] for p in pieces], dtype=float
        ).reshape(-1, 2)
    )
    joins = []
    for end in ends:
        touching = shapely.dwithin(ends, end, 1.0).sum() > 1
        if not touching and shapely.distance(end, along) < 1.5 * snap:
            joins.append(shapely.shortest_line(end, along))
    border = shapely.union_all([*pieces, along, *joins])
    rest = shapely.difference(outline, shapely.buffer(along, 50.0, quad_segs=2))
    return _Borders(
        _lines(shapely.intersection(border, window)),
        _lines(shapely.intersection(rest, window)),
        True,
    )
