"""Validity of a spliced geometry, inherited from the geometry before it.

:func:`kurskgeo._splice.splice` builds a snapshot's densified, projected
geometry from the previous one, which was valid (:func:`shapely.is_valid`).
:func:`inherited` says whether the new one is surely valid too, without
asking GEOS about the whole of it. It checks what changed:

- every ring keeps its role: a ring matched to an old one is still a shell,
  or still a hole of the part whose shell is matched to its old part's, and
  in the same feature (features are judged apart, so they may overlap);
- no ring lies where a removed hole was (an island in that lake would now
  be inside the shell);
- every changed stretch of a matched ring, from its first to its last
  (unchanged) vertex, two different points:

  1. is a simple line;
  2. meets the rest of the boundary (every ring, its own unchanged part
     included) only at those two end points, each through the one edge
     that adjoins it there;
  3. has not swept over another ring: the first vertex of every other ring
     lies on the same side of the changed ring as before, and on neither
     (an odd number of crossings of a ray from it through the closed curve
     that the old and new stretches make means it changed sides);

- every new ring (no match, or its first vertex moved) is simple, meets no
  other edge, and lies where its role says: a hole inside its shell and
  inside no other ring, a shell inside no ring, with its own holes inside
  it and no other ring.

Then no ring crosses or touches anything it did not cross or touch before,
and every ring is on the side it must be: what GEOS checks beyond each
ring's own form (closed, four positions or more), which the reader has
checked. The answer is only ever "valid" or "do not know": the caller asks
GEOS then. Ray crossings are not trusted within a micrometre of an edge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from kurskgeo import _fastread

if TYPE_CHECKING:
    from kurskgeo._splice import Shape

__all__ = ["inherited"]

#: Ray crossings closer than this to an edge (in metres) are not trusted.
_NEAR_M = 1e-6
#: With more new rings than this, checking the whole geometry is cheaper.
_NEW_RINGS_MAX = 2


def inherited(
    prev: Shape,
    new: Shape,
    plan: list[tuple[str, int, int, int]],
    stretches: list[tuple[int, int, int, int, int]],
) -> bool:
    """Return True if `new` is surely valid, given that `prev` is.

    `plan` says for each ring of `new` how it was made ("copy", "stretch"
    or "new") and from which ring of `prev`; `stretches` are the changed
    stretches (ring, first and last index in ``new.projected``, the same in
    ``prev.projected``).
    """
    if sum(how == "new" for how, *_ in plan) > _NEW_RINGS_MAX:
        return False  # each new ring costs a GEOS call or two: GEOS does it at once
    new_part, new_shell, new_feature = _roles(new)
    old_part, old_shell, old_feature = _roles(prev)
    shells = new.offsets[1]  # the first ring of each part is its shell
    kept = set()
    for k, (how, j, _, _) in enumerate(plan):
        if how == "new":
            continue
        kept.add(j)
        # features are judged apart (they may overlap): none may merge
        if old_shell[j] != new_shell[k] or old_feature[j] != new_feature[k]:
            return False
        if not new_shell[k]:
            shell_plan = plan[shells[new_part[k]]]
            if shell_plan[0] == "new" or old_part[shell_plan[1]] != old_part[j]:
                return False
    # a new ring is placed by its own checks below; a kept one must not lie
    # where a removed hole was
    matched = np.array([how != "new" for how, *_ in plan])
    removed = [j for j in range(len(old_shell)) if j not in kept and not old_shell[j]]
    if any(_fills_over_a_ring(prev, new, j, matched) for j in removed):
        return False
    if not all(_stretch_is_safe(prev, new, *s) for s in stretches):
        return False
    return all(
        _new_ring_is_safe(new, k, new_part, new_shell)
        for k, (how, *_) in enumerate(plan)
        if how == "new"
    )


def _roles(shape: Shape) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return each ring's part, whether it is its part's shell, and its feature."""
    _, parts, features = shape.offsets
    n_rings = len(shape.offsets[0]) - 1
    part = np.repeat(np.arange(len(parts) - 1), np.diff(parts))[:n_rings]
    feature = np.repeat(np.arange(len(features) - 1), np.diff(features))[part]
    return part, np.arange(n_rings) == parts[part], feature


def _fills_over_a_ring(prev: Shape, new: Shape, hole: int, rings: np.ndarray) -> bool:
    """Return True unless none of `rings` (a mask) lies where the removed `hole` was.

    A ring there (an island in the lake the hole was) would now be inside
    the shell. A first vertex on the hole's edge is not decided (True).
    """
    ring = prev.projected[prev.dense_rings[hole] : prev.dense_rings[hole + 1]]
    firsts = new.projected[new.dense_rings[:-1]][rings]
    if not len(firsts):
        return False
    line = shapely.linestrings(ring)
    if shapely.distance(line, shapely.points(firsts)).min() < _NEAR_M:
        return True
    inside = _inside(ring, firsts)
    return inside is None or bool(inside.any())


def _stretch_is_safe(
    prev: Shape, new: Shape, ring: int, first: int, last: int, a: int, b: int
) -> bool:
    """Conditions 1-3 of the module docstring for one changed stretch."""
    xy = new.projected
    start, end = new.dense_rings[ring], new.dense_rings[ring + 1]
    # the edges that adjoin the stretch (a ring's last vertex repeats its first)
    before = first - 1 if first > start else end - 2
    after = last if last < end - 1 else start
    if before == after:
        return False
    # the stretch with its two neighbours is a simple open line: the
    # stretch is simple and each neighbour meets it only at its end
    line = np.concatenate(
        [xy[before : before + 1], xy[first : last + 1], xy[after + 1 : after + 2]]
    )
    if (line[0] == line[-1]).all() or not shapely.is_simple(shapely.linestrings(line)):
        return False
    stretch = shapely.linestrings(line[1:-1])
    if _meets_other_edges(new, stretch, first, last, [before, after]):
        return False
    return _others_kept_sides(prev, new, ring, line[1:-1], prev.projected[a : b + 1])


def _new_ring_is_safe(
    new: Shape, ring: int, part: np.ndarray, shell: np.ndarray
) -> bool:
    """Return True if a new ring is simple, meets nothing and lies as its role says."""
    xy = new.projected
    start, end = new.dense_rings[ring], new.dense_rings[ring + 1]
    closed = shapely.linestrings(xy[start:end])
    if not shapely.is_simple(closed):
        return False
    if _meets_other_edges(new, closed, start, end - 1, []):
        return False
    firsts = xy[new.dense_rings[:-1]]
    others = np.arange(len(firsts)) != ring
    # where this ring's first vertex is, and where every other ring's first is
    in_others = _inside_rings(firsts[ring], xy, new.dense_rings, skip_ring=ring)
    in_this = np.zeros(len(firsts), dtype=bool)
    inside = _inside(xy[start:end], firsts[others])
    if in_others is None or inside is None:
        return False
    in_this[others] = inside
    same_part = part == part[ring]
    if shell[ring]:  # inside no ring; its own holes inside it, no other ring
        expected_this = same_part & others
        expected_others = np.zeros(len(firsts), dtype=bool)
    else:  # inside its shell only; no ring inside it
        expected_this = np.zeros(len(firsts), dtype=bool)
        expected_others = same_part & shell
    return bool(
        np.array_equal(in_this[others], expected_this[others])
        and np.array_equal(in_others[others], expected_others[others])
    )


def _meets_other_edges(
    new: Shape, line: Any, first: int, last: int, also: list[int]
) -> bool:
    """Return True if an edge other than the line's own (and `also`) meets it.

    The line is ``new.projected[first : last + 1]``.
    """
    xy = new.projected
    x0, y0, x1, y1 = xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1]
    sx, sy = xy[first : last + 1, 0], xy[first : last + 1, 1]
    near = (
        (np.maximum(x0, x1) >= sx.min())
        & (np.minimum(x0, x1) <= sx.max())
        & (np.maximum(y0, y1) >= sy.min())
        & (np.minimum(y0, y1) <= sy.max())
    )
    near[new.dense_rings[1:-1] - 1] = False  # from one ring's end to the next's start
    near[first:last] = False
    near[also] = False
    edges = np.flatnonzero(near)
    if not len(edges):
        return False
    # consecutive edges as one line: fewer, longer geometries for GEOS
    starts = np.concatenate([[0], np.flatnonzero(np.diff(edges) != 1) + 1])
    counts = np.diff(np.append(starts, len(edges))) + 1  # points per line
    points = _fastread.ranges(edges[starts], counts)
    lines = shapely.linestrings(
        xy[points], indices=np.repeat(np.arange(len(counts)), counts)
    )
    shapely.prepare(line)
    return bool(shapely.intersects(line, lines).any())


def _others_kept_sides(
    prev: Shape, new: Shape, ring: int, line: np.ndarray, old_line: np.ndarray
) -> bool:
    """Return True if every other ring's first vertex kept its side of `ring`.

    A point changed sides if it lies inside the closed curve that the new
    stretch and the old one (reversed) make. Only a point in the box of
    both stretches can have.
    """
    both = np.concatenate([line, old_line])
    lo = np.array([both[:, 0].min(), both[:, 1].min()])  # by column: 20 times faster
    hi = np.array([both[:, 0].max(), both[:, 1].max()])
    firsts = new.projected[new.dense_rings[:-1]]
    candidates = ((firsts >= lo) & (firsts <= hi)).all(axis=1)
    candidates[ring] = False
    if not candidates.any():
        return True
    points = firsts[candidates]
    curve = np.concatenate([line, old_line[::-1]])  # closed: A..B, then B..A
    # a point on the old stretch touched the ring there: its side is not known
    if (
        shapely.distance(shapely.linestrings(curve), shapely.points(points)).min()
        < _NEAR_M
    ):
        return False
    swept = _inside(curve, points)
    return swept is not None and not swept.any()


def _inside(curve: np.ndarray, points: np.ndarray) -> np.ndarray | None:
    """Return whether each point is inside the closed `curve` (odd ray crossings).

    None if a crossing is too close to a point to be trusted.
    """
    out = np.zeros(len(points), dtype=bool)
    lo = np.array([curve[:, 0].min(), curve[:, 1].min()])
    hi = np.array([curve[:, 0].max(), curve[:, 1].max()])
    boxed = ((points >= lo - _NEAR_M) & (points <= hi + _NEAR_M)).all(axis=1)
    if not boxed.any():
        return out
    counts = _crossings(curve, points[boxed])
    if counts is None:
        return None
    out[boxed] = counts % 2 == 1
    return out


def _inside_rings(
    point: np.ndarray, xy: np.ndarray, rings: np.ndarray, skip_ring: int
) -> np.ndarray | None:
    """Return whether `point` is inside each ring of `xy` (ring starts `rings`).

    The ring `skip_ring` (the point's own) is left out: False there.

    None if a crossing is too close to it to be trusted.
    """
    joins = rings[1:-1] - 1  # from one ring's end to the next's start: no edge
    own = np.arange(rings[skip_ring], rings[skip_ring + 1] - 1)  # `point` is on it
    counts = _crossings(xy, point[None, :], skip=np.concatenate([joins, own]))
    if counts is None:
        return None
    per_ring = np.add.reduceat(counts[0], rings[:-1])
    return per_ring % 2 == 1


def _crossings(
    curve: np.ndarray, points: np.ndarray, skip: np.ndarray | None = None
) -> np.ndarray | None:
    """How many edges of `curve` a ray from each point towards +x crosses.

    Without `skip`, one count per point. With it (edges that are none, such
    as the steps between rings), a 0/1 array per point and vertex: the edge
    from that vertex crossed or not (the last vertex gets a 0), to be added
    up by ring. None if a crossing lies within a micrometre of its point:
    floating point cannot place it.
    """
    x0, y0 = curve[:-1, 0], curve[:-1, 1]
    x1, y1 = curve[1:, 0], curve[1:, 1]
    px, py = points[:, :1], points[:, 1:]
    spans = (y0 > py) != (y1 > py)  # half-open: a vertex on the ray counts once
    if skip is not None:
        spans[:, skip] = False
    with np.errstate(divide="ignore", invalid="ignore"):
        cross_x = x0 + (py - y0) * (x1 - x0) / (y1 - y0)
    if (spans & (np.abs(px - cross_x) < _NEAR_M)).any():
        return None
    crossed = spans & (px < cross_x)
    if skip is not None:
        return np.concatenate([crossed, np.zeros((len(points), 1), bool)], axis=1)
    return crossed.sum(axis=1)
