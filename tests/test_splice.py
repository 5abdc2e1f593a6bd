"""Splicing a snapshot from the previous one: bit for bit, and never wrongly valid.

:func:`kurskgeo._splice.splice` must give exactly what :func:`~kurskgeo._splice.shape`
gives for the whole new geometry, and may only call a geometry valid when
GEOS agrees. The references here are :func:`shape` (recomputed from scratch,
without an edge cache), :func:`shapely.is_valid` and GeographicLib.

The synthetic geometry is drawn in kilometres around Kursk and converted to
longitude/latitude: a shell of radius 20 km (40 vertices, edges of 3.1 km, so
densifying inserts points) whose vertex 0 is on the west (vertex 20 on the
east, vertex 30 on the north), a hole of radius 3 km centred 12 km east, and
a second part of radius 4 km centred 30 km east.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from kurskgeo import _fastread, _geojson, _splice, crs
from kurskgeo.geodesic import geodesic_area_km2

LON0, LAT0 = 36.2, 51.7
KM_PER_DEG_LAT = 111.2
KM_PER_DEG_LON = KM_PER_DEG_LAT * np.cos(np.radians(LAT0))


def lonlat(xy_km: np.ndarray) -> np.ndarray:
    """Kilometres east/north of (LON0, LAT0) to longitude/latitude."""
    xy_km = np.asarray(xy_km, dtype=float)
    return np.column_stack(
        [LON0 + xy_km[:, 0] / KM_PER_DEG_LON, LAT0 + xy_km[:, 1] / KM_PER_DEG_LAT]
    )


def circle(cx: float, cy: float, r: float, n: int, start_deg: float) -> np.ndarray:
    """An open ring of n vertices (km), counter-clockwise from `start_deg`."""
    t = np.radians(start_deg) + 2 * np.pi * np.arange(n) / n
    return np.column_stack([cx + r * np.cos(t), cy + r * np.sin(t)])


SHELL = circle(0, 0, 20, 40, 180)  # vertex k at 180 + 9k degrees
HOLE = circle(12, 0, 3, 20, 90)[::-1]  # clockwise
PART = circle(30, 0, 4, 24, 180)


def ragged_of(rings_km: list[list[np.ndarray]]) -> _fastread.Ragged:
    """A one-feature MultiPolygon ragged array from open rings in km, per part."""
    polys = [
        shapely.Polygon(
            np.vstack([lonlat(rs[0]), lonlat(rs[0])[:1]]),
            [np.vstack([lonlat(h), lonlat(h)[:1]]) for h in rs[1:]],
        )
        for rs in rings_km
    ]
    _, coords, offsets = shapely.to_ragged_array([shapely.multipolygons(polys)])
    return coords, offsets


def base_rings() -> list[list[np.ndarray]]:
    return [[SHELL.copy(), HOLE.copy()], [PART.copy()]]


def with_ring(ring_no: int, new_ring: np.ndarray) -> list[list[np.ndarray]]:
    """The base rings with ring `ring_no` (0 shell, 1 hole, 2 part) replaced."""
    rings = base_rings()
    flat = [(0, 0), (0, 1), (1, 0)]
    p, r = flat[ring_no]
    rings[p][r] = np.asarray(new_ring, dtype=float)
    return rings


def edit(ring: np.ndarray, i: int, j: int, points) -> np.ndarray:
    """Replace vertices i..j (inclusive; j = i - 1 inserts) of an open ring."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    return np.vstack([ring[:i], points, ring[j + 1 :]])


def projection(ragged: _fastread.Ragged) -> tuple[str, Transformer]:
    """The srs and transformer :mod:`kurskgeo._measure_many` would use."""
    srs = crs.laea_srs(*crs.auto_centre(_fastread.bounds(ragged[0])))
    return srs, Transformer.from_pipeline(crs.laea_pipeline(srs))


BASE = ragged_of(base_rings())
SRS, TRANSFORMER = projection(BASE)


def is_valid(shape: _splice.Shape) -> bool:
    return bool(shapely.is_valid(_fastread.build(shape.ragged())).all())


@pytest.fixture(scope="module")
def prev() -> _splice.Shape:
    shape = _splice.shape(BASE, SRS, TRANSFORMER)
    assert is_valid(shape)
    return shape


def assert_same_shape(got: _splice.Shape, ref: _splice.Shape) -> None:
    """The spliced Shape is bit for bit the one computed from scratch."""
    assert got.srs == ref.srs
    for name in ("lonlat", "projected", "dense", "dense_rings", "where", "terms"):
        assert np.array_equal(getattr(got, name), getattr(ref, name)), name
    for a, b in zip(got.offsets, ref.offsets, strict=True):
        assert np.array_equal(a, b)
    # each ring is summed on its own, from the same edge terms: bit for bit
    assert np.array_equal(got.ring_km2, ref.ring_km2)


def check_splice(
    prev: _splice.Shape, ragged: _fastread.Ragged
) -> tuple[_splice.Shape, bool | None, bool]:
    """Splice, check it is bit for bit and sound; return (shape, valid, GEOS valid).

    `valid` is None when splice declined.
    """
    ref = _splice.shape(ragged, SRS, TRANSFORMER)
    out = _splice.splice(prev, ragged, SRS, TRANSFORMER)
    geos = is_valid(ref)
    if out is None:
        return ref, None, geos
    got, valid = out
    assert_same_shape(got, ref)
    if valid:
        assert geos, "splice called a geometry valid that GEOS finds invalid"
    return got, valid, geos


# 1. bit for bit ----------------------------------------------------------


def test_the_base_edges_are_densified(prev):
    assert len(prev.dense) > len(prev.lonlat)  # so splicing has points to place


@pytest.mark.parametrize(
    ("ring_no", "i", "j", "points_km"),
    [
        pytest.param(0, 30, 30, [[0, 24]], id="middle-bulge"),
        pytest.param(
            0, 29, 31, [[1, 21], [0, 23], [-1, 21], [-2, 20]], id="middle-more"
        ),
        pytest.param(0, 28, 32, [], id="middle-deleted"),
        pytest.param(0, 1, 1, [[-20.5, -3.5]], id="vertex-1"),
        pytest.param(0, 1, 2, [[-21, -3], [-19, -6], [-19.5, -7]], id="start"),
        pytest.param(0, 39, 39, [[-20.5, 3.5]], id="last-vertex"),
        pytest.param(0, 37, 39, [[-18, 8]], id="end"),
        pytest.param(1, 5, 7, [[13.5, -2], [14, -1.5]], id="hole"),
        pytest.param(2, 10, 9, [[33.1, -2.7], [33.4, -2.3]], id="part-insert"),
    ],
)
def test_splice_is_bit_for_bit(prev, ring_no, i, j, points_km):
    ring = [SHELL, HOLE, PART][ring_no]
    ragged = ragged_of(with_ring(ring_no, edit(ring, i, j, points_km)))
    _, valid, geos = check_splice(prev, ragged)
    assert valid is not None, "a stretch between unchanged ends must be spliced"
    assert geos


def test_two_rings_changed_at_once(prev):
    rings = base_rings()
    rings[0][0] = edit(SHELL, 30, 30, [[0, 23]])
    rings[1][0] = edit(PART, 12, 12, [[34.5, 0]])
    _, valid, geos = check_splice(prev, ragged_of(rings))
    assert valid is not None and geos


def test_unchanged_geometry_splices_to_itself(prev):
    _, valid, _ = check_splice(prev, BASE)
    assert valid is True


@pytest.mark.parametrize("rotate", [False, True])
def test_a_moved_first_vertex_is_not_spliced_wrongly(prev, rotate):
    """Vertex 0 (and the closing vertex) moved, or the ring starts elsewhere."""
    new = np.roll(SHELL, -3, axis=0) if rotate else edit(SHELL, 0, 0, [[-21, 0.5]])
    _, _, geos = check_splice(prev, ragged_of(with_ring(0, new)))
    assert geos  # check_splice compared got with shape() if spliced


def test_another_number_of_rings_is_not_spliced_wrongly(prev):
    """Without the hole: None, or a Shape equal to shape() whose validity is sound."""
    ragged = ragged_of([[SHELL], [PART]])
    ref = _splice.shape(ragged, SRS, TRANSFORMER)
    out = _splice.splice(prev, ragged, SRS, TRANSFORMER)
    if out is not None:
        assert_same_shape(out[0], ref)
        assert not out[1] or is_valid(ref)


def test_another_srs_is_not_spliced(prev):
    srs = crs.laea_srs(LON0 + 1, LAT0)
    tr = Transformer.from_pipeline(crs.laea_pipeline(srs))
    assert _splice.splice(prev, BASE, srs, tr) is None


def test_the_real_series_splices_bit_for_bit(shared_data):
    paths = sorted((shared_data / "deepstate-occupied").glob("*.geojson"))
    assert len(paths) > 10
    transformers: dict[str, Transformer] = {}
    cache = _fastread.DensifyCache()  # the edges of the last file, as a run keeps
    prev = prev_srs = None
    pairs = spliced = 0
    for path in paths:
        plain = _fastread.read_plain(path, _geojson.read_bytes(path))
        if plain is None:
            prev = None
            continue
        ragged = plain.ragged
        srs = crs.laea_srs(*crs.auto_centre(_fastread.bounds(ragged[0])))
        tr = transformers.setdefault(
            srs, Transformer.from_pipeline(crs.laea_pipeline(srs))
        )
        ref = _splice.shape(ragged, srs, tr)  # from scratch, no cache
        if prev is not None and srs == prev_srs:
            pairs += 1
            out = _splice.splice(prev, ragged, srs, tr, cache)
            if out is not None:
                spliced += 1
                got, valid = out
                assert_same_shape(got, ref)
                if valid:
                    assert is_valid(ref), path.name
        _fastread.densify_positions(ragged, cache=cache)  # remember its edges
        prev = ref if is_valid(ref) else None
        prev_srs = srs
    assert pairs >= 20
    assert spliced >= 0.5 * pairs, (spliced, pairs)


# 2. soundness of `valid` ---------------------------------------------------

RINGS = [SHELL, HOLE, PART]


def random_edit(ring_no, i, span, m, scale_km, offsets):
    ring = RINGS[ring_no]
    n = len(ring)  # open ring: vertices 1..n-1 may change
    i = 1 + i % (n - 1)
    j = min(i + span - 1, n - 1)  # span 0 inserts before i
    if n - (j - i + 1) + m < 3:
        m = 3 - (n - (j - i + 1))
    lo, hi = ring[i - 1], ring[(j + 1) % n]
    t = (np.arange(m) + 1) / (m + 1)
    base = lo + t[:, None] * (hi - lo)
    offsets = np.resize(np.asarray(offsets, dtype=float), (m, 2))
    return edit(ring, i, j, base + scale_km * offsets)


edits = st.tuples(
    st.integers(0, 2),  # ring
    st.integers(0, 100),  # first vertex changed
    st.integers(0, 5),  # how many replaced
    st.integers(0, 5),  # how many new
    st.sampled_from([0.01, 0.1, 0.5, 2.0, 8.0]),  # km
    st.lists(st.tuples(st.floats(-1, 1), st.floats(-1, 1)), min_size=1, max_size=5),
)


@settings(max_examples=200, deadline=None)
@given(edits)
def test_valid_is_never_claimed_for_an_invalid_geometry(prev, params):
    ring_no, *rest = params
    new = random_edit(ring_no, *rest)
    check_splice(prev, ragged_of(with_ring(ring_no, new)))


def test_small_valid_changes_are_mostly_recognised(prev):
    """Not vacuous: most small local changes that GEOS accepts are called valid."""
    rng = np.random.default_rng(20240806)
    geos_valid = recognised = 0
    for _ in range(150):
        ring_no = int(rng.integers(0, 3))
        new = random_edit(
            ring_no,
            int(rng.integers(0, 100)),
            int(rng.integers(1, 4)),
            int(rng.integers(0, 4)),
            0.1,
            rng.uniform(-1, 1, (4, 2)),
        )
        _, valid, geos = check_splice(prev, ragged_of(with_ring(ring_no, new)))
        geos_valid += geos
        recognised += bool(valid)
    assert geos_valid >= 100
    assert recognised >= 0.8 * geos_valid, (recognised, geos_valid)


# 3. crafted invalid changes ------------------------------------------------


def at(k: int) -> list[float]:
    """Shell vertex k (km)."""
    return SHELL[k % len(SHELL)].tolist()


INVALID = {
    # the new stretch crosses itself (a bow tie)
    "crosses-itself": (0, 19, 21, [[21, 4], [21, -4]]),
    # it reaches across the shell to the west: crosses the unchanged shell
    "crosses-own-ring": (0, 20, 20, [[-25, 0]]),
    "crosses-hole": (0, 20, 20, [[13, 0]]),
    "crosses-part": (0, 20, 20, [[30, 0]]),
    # the shell passes through vertices 6 and 4 of the hole (around its
    # vertex 5, due east): the interior between them is cut off
    "touches-hole-at-two-vertices": (
        0,
        19,
        21,
        [HOLE[6].tolist(), [16, 0], HOLE[4].tolist()],
    ),
    # a new vertex lands on vertex 24 of the shell itself
    "touches-itself": (0, 20, 20, [at(24)]),
    # the shell's east side jumps to x = 5: the hole (x 9..15) is left outside
    "sweeps-over-hole": (0, 18, 22, [[5, -9.08], [5, 9.08]]),
    # the shell's east side jumps to x = 40: the part (x 26..34) is inside
    "sweeps-over-part": (0, 18, 22, [[40, -9.08], [40, 9.08]]),
    # after vertex 18, the ring goes back to vertex 17 along the same edge
    "backtracks": (0, 19, 19, [at(17)]),
    # the hole's stretch runs out through the shell
    "hole-crosses-shell": (1, 4, 6, [[24, 0]]),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_crafted_invalid_changes_are_not_called_valid(prev, case):
    ring_no, i, j, points = INVALID[case]
    new = edit(RINGS[ring_no], i, j, points)
    _, valid, geos = check_splice(prev, ragged_of(with_ring(ring_no, new)))
    assert not geos, f"{case}: the crafted geometry should be invalid"
    assert not valid


# 4. crafted valid changes --------------------------------------------------

VALID = {
    "bulge": (0, 30, 30, [[0, 24]]),
    "wider-bulge": (0, 29, 31, [[3, 22], [0, 26], [-3, 22]]),
    "moved-slightly": (0, 29, 31, [[x * 1.01, y * 1.01] for x, y in SHELL[29:32]]),
    "deleted": (0, 28, 32, []),
    "hole-moved-slightly": (1, 3, 5, (HOLE[3:6] - [12, 0]) * 0.95 + [12, 0]),
    "part-deleted": (2, 5, 8, []),
}


@pytest.mark.parametrize("case", sorted(VALID))
def test_crafted_valid_changes_are_recognised(prev, case):
    ring_no, i, j, points = VALID[case]
    new = edit(RINGS[ring_no], i, j, points)
    _, valid, geos = check_splice(prev, ragged_of(with_ring(ring_no, new)))
    assert geos
    assert valid is True


# 5. area -------------------------------------------------------------------


def test_geodesic_km2_matches_geographiclib(prev):
    geom = _fastread.build(BASE)[0]
    assert len(geom.geoms) == 2 and len(geom.geoms[0].interiors) == 1
    ref = geodesic_area_km2(geom)
    assert prev.geodesic_km2() == pytest.approx(ref, rel=1e-6)
    # and the hole is subtracted: about pi (20² - 3² + 4²) km²
    assert ref == pytest.approx(np.pi * (400 - 9 + 16), rel=0.02)
    # and after splicing, of the new geometry
    ragged = ragged_of(with_ring(0, edit(SHELL, 30, 30, [[0, 24]])))
    out = _splice.splice(prev, ragged, SRS, TRANSFORMER)
    assert out is not None
    new_ref = geodesic_area_km2(_fastread.build(ragged)[0])
    assert out[0].geodesic_km2() == pytest.approx(new_ref, rel=1e-6)
    assert new_ref > ref


def test_touching_a_part_at_one_vertex_is_judged_soundly(prev):
    """The shell reaches vertex 0 of the part: GEOS allows parts touching at a
    point, splice (which asks that a stretch meets nothing) may say False."""
    new = edit(SHELL, 20, 20, [PART[0].tolist()])
    _, valid, geos = check_splice(prev, ragged_of(with_ring(0, new)))
    assert geos
    assert valid is not None
