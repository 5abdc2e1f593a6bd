"""Densify, project and validate a snapshot by splicing the previous one.

Consecutive snapshots of a series share most of their rings, and a changed
ring usually differs in one stretch: the front moved there. :func:`splice`
takes the last geometry of a run (a :class:`Shape`: densified, projected,
known to be valid) and the next one's vertices. Ring by ring it finds the
stretch that differs (between the longest common prefix and suffix of the
written vertices), densifies and projects only the new stretches, and copies
the rest. The result is bit for bit what :func:`shape` gives for the whole
geometry, since both steps work vertex by vertex and edge by edge.

Rings are matched to the previous geometry's by position when both have as
many rings, parts and features, else by their first vertex; a ring with no
match (or whose first vertex moved) is densified whole. Validity is
inherited from the previous geometry when :mod:`kurskgeo._validity` can
prove it; otherwise the caller asks GEOS about the whole geometry.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from kurskgeo import _fastread, _validity
from kurskgeo.geodesic import authalic_edge_terms, authalic_ring_areas

__all__ = ["Shape", "shape", "splice"]

Offsets = tuple[np.ndarray, np.ndarray, np.ndarray]  # ring, part, feature starts


@dataclass(frozen=True)
class Shape:
    """A geometry as written, densified and projected (see :func:`shape`)."""

    srs: str  # the CRS projected to
    lonlat: np.ndarray  # (n, 2) the vertices as written
    offsets: Offsets  # of `lonlat`
    dense: np.ndarray  # (m, 2) densified longitude/latitude
    projected: np.ndarray  # (m, 2) `dense` projected
    dense_rings: np.ndarray  # ring starts in `dense`, and m
    where: np.ndarray  # (n,) the index in `dense` of each written vertex
    terms: np.ndarray  # (m, 2) authalic_edge_terms of `dense`, as columns
    ring_km2: np.ndarray  # the authalic area of each ring

    def ragged(self) -> _fastread.Ragged:
        """Return the projected geometry as a ragged array (see :mod:`._fastread`)."""
        _, parts, features = self.offsets
        return self.projected, (self.dense_rings, parts, features)

    def geodesic_km2(self) -> float:
        """Authalic area of the rings: shells (first of a part) minus holes."""
        _, parts, _ = self.offsets
        shell = np.zeros(len(self.ring_km2), dtype=bool)
        shell[parts[:-1][parts[:-1] < len(shell)]] = True
        return float(np.where(shell, self.ring_km2, -self.ring_km2).sum())


def shape(
    ragged: _fastread.Ragged,
    srs: str,
    transformer: Any,
    cache: _fastread.DensifyCache | None = None,
) -> Shape:
    """Densify and project a whole geometry, and measure its rings' authalic area."""
    lonlat, offsets = ragged
    (dense, (dense_rings, _, _)), where = _fastread.densify_positions(
        ragged, cache=cache
    )
    projected, _ = _fastread.project((dense, offsets), transformer)
    excess, dlam = authalic_edge_terms(dense, dense_rings)
    ring_km2 = authalic_ring_areas(dense, dense_rings, (excess, dlam))
    terms = np.column_stack([excess, dlam])
    return Shape(
        srs, lonlat, offsets, dense, projected, dense_rings, where, terms, ring_km2
    )


def splice(
    prev: Shape,
    ragged: _fastread.Ragged,
    srs: str,
    transformer: Any,
    cache: _fastread.DensifyCache | None = None,
) -> tuple[Shape, bool] | None:
    """Return ``shape(ragged, ...)`` built from `prev`, and whether it is surely valid.

    `prev` must be valid (:func:`shapely.is_valid`); see the module
    docstring for how rings are matched, and :func:`._validity.inherited`
    for when the result is surely valid. None if the CRS differs.
    """
    if srs != prev.srs:
        return None
    lonlat, offsets = ragged
    rings, parts, features = offsets
    old_rings = prev.offsets[0]
    same_form = (
        len(rings) == len(old_rings)
        and np.array_equal(parts, prev.offsets[1])
        and np.array_equal(features, prev.offsets[2])
    )
    if same_form:
        sources = list(range(len(rings) - 1))
    else:
        sources = _match_first_vertices(prev, lonlat, rings)
    plan: list[tuple[str, int, int, int]] = []  # how, old ring, prefix, suffix
    for k, j in enumerate(sources):
        new = lonlat[rings[k] : rings[k + 1]]
        old = prev.lonlat[old_rings[j] : old_rings[j + 1]] if j >= 0 else new[:0]
        if len(old) == len(new) and old.tobytes() == new.tobytes():
            plan.append(("copy", j, 0, 0))
            continue
        head, tail = _common_ends(old, new)
        plan.append(("stretch", j, head, tail) if head and tail else ("new", j, 0, 0))
    if same_form and all(how == "copy" for how, *_ in plan):
        return dataclasses.replace(prev, lonlat=lonlat), True
    middles = _new_stretches(lonlat, rings, plan, transformer, cache)
    spliced, stretches = _assemble(prev, lonlat, offsets, plan, middles)
    return spliced, _validity.inherited(prev, spliced, plan, stretches)


def _match_first_vertices(
    prev: Shape, lonlat: np.ndarray, rings: np.ndarray
) -> list[int]:
    """For each new ring, the old ring that starts at the same vertex, or -1."""
    old_rings = prev.offsets[0]
    starts: dict[bytes, int] = {}
    for j, first in enumerate(prev.lonlat[old_rings[:-1]]):
        key = first.tobytes()
        starts[key] = -1 if key in starts else j  # ambiguous: no match
    taken: set[int] = set()
    out = []
    for first in lonlat[rings[:-1]]:
        j = starts.get(first.tobytes(), -1)
        out.append(-1 if j in taken else j)
        taken.add(j)
    return out


def _common_ends(old: np.ndarray, new: np.ndarray) -> tuple[int, int]:
    """Lengths of the longest common prefix and suffix of two vertex arrays.

    They never overlap: their sum is at most the shorter length.
    """
    m = min(len(old), len(new))
    a, b = old.view(np.complex128).ravel(), new.view(np.complex128).ravel()
    same = a[:m] == b[:m]
    head = m if same.all() else int(np.argmin(same))
    same = a[::-1][:m] == b[::-1][:m]
    tail = m if same.all() else int(np.argmin(same))
    return head, min(tail, m - head)


@dataclass(frozen=True)
class _Pieces:
    """Changed stretches and new rings, densified and projected together."""

    dense: np.ndarray  # (m, 2) longitude/latitude
    projected: np.ndarray  # (m, 2)
    starts: np.ndarray  # each piece's start in `dense`, and m
    where: np.ndarray  # the index in `dense` of each written vertex
    written: np.ndarray  # each piece's start among the written vertices
    terms: np.ndarray  # (m, 2) authalic edge terms, as in Shape


def _new_stretches(
    lonlat: np.ndarray,
    rings: np.ndarray,
    plan: list[tuple[str, int, int, int]],
    transformer: Any,
    cache: _fastread.DensifyCache | None,
) -> _Pieces:
    """Densify and project the changed stretches and new rings in one pass.

    A stretch comes with its two unchanged end vertices. The edge cache is
    read, not updated: it keeps the edges of the last whole geometry.
    """
    pieces = []
    for k, (how, _, head, tail) in enumerate(plan):
        if how == "stretch":
            pieces.append(lonlat[rings[k] + head - 1 : rings[k + 1] - tail + 1])
        elif how == "new":
            pieces.append(lonlat[rings[k] : rings[k + 1]])
    starts = np.cumsum([0] + [len(p) for p in pieces])
    none = np.zeros(1, dtype=np.int64)
    if not pieces:  # rings removed, the others unchanged
        empty = np.empty((0, 2))
        return _Pieces(empty, empty, starts, starts, starts, empty)
    ragged = (np.concatenate(pieces), (starts, none, none))
    (dense, (dense_starts, _, _)), where = _fastread.densify_positions(
        ragged, cache=cache, remember=False
    )
    projected, _ = _fastread.project((dense, ragged[1]), transformer)
    terms = np.column_stack(authalic_edge_terms(dense, dense_starts))
    return _Pieces(dense, projected, dense_starts, where, starts, terms)


def _assemble(
    prev: Shape,
    lonlat: np.ndarray,
    offsets: Offsets,
    plan: list[tuple[str, int, int, int]],
    middles: _Pieces,
) -> tuple[Shape, list[tuple[int, int, int, int, int]]]:
    """Splice the new pieces into `prev`; return the Shape and the stretches.

    A stretch is (ring, its first and last index in the new ``dense``, and
    the same in ``prev.dense``).
    """
    mid_dense, mid_proj, mid_starts = middles.dense, middles.projected, middles.starts
    mid_where, written, new_terms = middles.where, middles.written, middles.terms
    old_terms = prev.terms
    old_rings, old_dense_rings = prev.offsets[0], prev.dense_rings
    dense, proj, where, terms, sizes = [], [], [], [], []
    stretches = []
    done = 0  # dense vertices so far
    i = 0  # the next piece
    for k, (how, j, head, tail) in enumerate(plan):
        if how == "new":
            m0, m1 = mid_starts[i], mid_starts[i + 1]
            dense.append(mid_dense[m0:m1])
            proj.append(mid_proj[m0:m1])
            terms.append(new_terms[m0:m1])
            where.append(mid_where[written[i] : written[i + 1]] - m0 + done)
            sizes.append(m1 - m0)
            done += m1 - m0
            i += 1
            continue
        lo, hi = old_dense_rings[j], old_dense_rings[j + 1]
        w_old = prev.where[old_rings[j] : old_rings[j + 1]] - lo
        if how == "copy":
            dense.append(prev.dense[lo:hi])
            proj.append(prev.projected[lo:hi])
            terms.append(old_terms[lo:hi])
            where.append(w_old + done)
            sizes.append(hi - lo)
            done += hi - lo
            continue
        a, b = lo + w_old[head - 1], lo + w_old[len(w_old) - tail]  # old A, old B
        m0, m1 = mid_starts[i], mid_starts[i + 1]
        w_mid = mid_where[written[i] : written[i + 1]] - m0
        i += 1
        dense += [prev.dense[lo:a], mid_dense[m0:m1], prev.dense[b + 1 : hi]]
        proj += [prev.projected[lo:a], mid_proj[m0:m1], prev.projected[b + 1 : hi]]
        # the terms of the edges from each point: up to A, A to B, from B
        terms += [old_terms[lo:a], new_terms[m0 : m1 - 1], old_terms[b:hi]]
        first = done + a - lo  # the new index of A
        last = first + (m1 - m0) - 1  # of B
        where += [
            w_old[: head - 1] + done,
            w_mid + first,
            w_old[len(w_old) - tail + 1 :] - (b - lo) + last,
        ]
        size = (a - lo) + (m1 - m0) + (hi - b - 1)
        stretches.append((k, first, last, a, b))
        sizes.append(size)
        done += size
    dense_rings = np.concatenate([[0], np.cumsum(sizes)])
    dense_all = np.concatenate(dense)
    edge_terms = np.concatenate(terms)
    excess, dlam = edge_terms[:, 0], edge_terms[:, 1]
    ring_km2 = authalic_ring_areas(dense_all, dense_rings, (excess, dlam))
    spliced = Shape(
        prev.srs,
        lonlat,
        offsets,
        dense_all,
        np.concatenate(proj),
        dense_rings,
        np.concatenate(where),
        edge_terms,
        ring_km2,
    )
    return spliced, stretches
