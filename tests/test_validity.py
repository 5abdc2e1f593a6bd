"""Validity inherited when rings are added, removed or redrawn: never wrongly.

:func:`kurskgeo._splice.splice` returns ``(shape, valid)``; ``valid=True``
claims that GEOS (:func:`shapely.is_valid`) agrees, False means "do not
know". When the number of rings, parts or features changes, rings are
matched by their first vertex; a ring with no match, or whose first vertex
moved, is "new" and :mod:`kurskgeo._validity` checks it is simple, meets
nothing and lies where its role (shell or hole) says. The references here
are :func:`shapely.is_valid` and :func:`~kurskgeo._splice.shape` (the whole
geometry from scratch); the geometry helpers come from ``test_splice.py``:
a shell of radius 20 km around Kursk with a hole of radius 3 km centred
12 km east, and a second part of radius 4 km centred 30 km east.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from kurskgeo import _fastread, _splice, _validity
from tests.test_splice import (
    BASE,
    HOLE,
    PART,
    SHELL,
    SRS,
    TRANSFORMER,
    check_splice,
    circle,
    edit,
    is_valid,
    lonlat,
    ragged_of,
    random_edit,
)

#: open rings in km, per part: the shell first, then its holes
Rings = list[list[np.ndarray]]


def base() -> Rings:
    """The base geometry: part 0 the shell and its hole, part 1 the second part."""
    return [[SHELL.copy(), HOLE.copy()], [PART.copy()]]


def hole(cx: float, cy: float, r: float, n: int = 12) -> np.ndarray:
    """A clockwise ring (km), as holes are written: circle() from 90 degrees, reversed."""
    return circle(cx, cy, r, n, 90)[::-1]


def part(cx: float, cy: float, r: float, n: int = 12) -> np.ndarray:
    """A counter-clockwise ring (km); vertex 0 due east."""
    return circle(cx, cy, r, n, 0)


def rotated(ring: np.ndarray, k: int) -> np.ndarray:
    """The same closed ring, written from its vertex k (its first vertex moves)."""
    return np.roll(ring, -k, axis=0)


@pytest.fixture(scope="module")
def prev() -> _splice.Shape:
    shape = _splice.shape(BASE, SRS, TRANSFORMER)
    assert is_valid(shape)
    return shape


@pytest.fixture
def plans(monkeypatch) -> list[list[str]]:
    """How splice made each ring ("copy", "stretch", "new"), per validity check."""
    seen: list[list[str]] = []
    real = _validity.inherited

    def spy(prev, new, plan, stretches):
        seen.append([how for how, *_ in plan])
        return real(prev, new, plan, stretches)

    monkeypatch.setattr(_validity, "inherited", spy)
    return seen


def plan_of(plans: list[list[str]]) -> list[str]:
    assert len(plans) == 1, "splice must have asked whether validity is inherited"
    return plans[0]


# 1. soundness under random structure changes -------------------------------

circles = st.tuples(
    st.floats(-30, 55),  # centre, km east
    st.floats(-30, 30),  # km north
    st.floats(0.3, 8),  # radius, km
    st.integers(4, 16),  # vertices
    st.floats(0, 360),  # angle of the first vertex
)
changes = st.fixed_dictionaries(
    {
        # a small stretch edit of the big shell, as in test_splice.py
        "stretch": st.none()
        | st.tuples(
            st.integers(0, 100),
            st.integers(0, 5),
            st.integers(0, 5),
            st.sampled_from([0.1, 0.5, 2.0, 8.0]),
            st.lists(
                st.tuples(st.floats(-1, 1), st.floats(-1, 1)), min_size=1, max_size=5
            ),
        ),
        # redraw the shell, hole or part: start elsewhere, or move vertex 0
        "redraw": st.none()
        | st.tuples(
            st.integers(0, 2),
            st.booleans(),
            st.integers(1, 39),
            st.sampled_from([0.01, 0.5, 3.0, 10.0]),
            st.floats(-1, 1),
            st.floats(-1, 1),
        ),
        "remove": st.sampled_from([None, "hole", "second part", "first part"]),
        # a new hole: its ring, into which part, at which place among its holes
        "hole": st.none() | st.tuples(circles, st.integers(0, 1), st.integers(0, 2)),
        # a new part: its ring, and its place among the parts
        "part": st.none() | st.tuples(circles, st.integers(0, 2)),
    }
)


def changed(change: dict) -> Rings:
    """The base rings with the drawn changes applied, in a fixed order."""
    rings = base()
    if change["stretch"] is not None:
        rings[0][0] = random_edit(0, *change["stretch"])
    if change["redraw"] is not None:
        ring_no, rotate, k, scale_km, dx, dy = change["redraw"]
        p, r = [(0, 0), (0, 1), (1, 0)][ring_no]
        ring = rings[p][r]
        if rotate:
            ring = rotated(ring, k % len(ring))
        else:
            ring = ring.copy()
            ring[0] += scale_km * np.array([dx, dy])
        rings[p][r] = ring
    if change["remove"] == "hole":
        del rings[0][1]
    elif change["remove"] == "second part":
        del rings[1]
    elif change["remove"] == "first part":
        del rings[0]
    if change["hole"] is not None:
        (cx, cy, r, n, start), p, at = change["hole"]
        holes = rings[p % len(rings)]
        holes.insert(1 + at % len(holes), circle(cx, cy, r, n, start)[::-1])
    if change["part"] is not None:
        (cx, cy, r, n, start), at = change["part"]
        rings.insert(at % (len(rings) + 1), [circle(cx, cy, r, n, start)])
    return rings


@settings(max_examples=200, deadline=None)
@given(changes)
def test_valid_is_never_claimed_when_rings_are_added_removed_or_redrawn(prev, change):
    """check_splice: bit for bit as shape() gives it, and valid only if GEOS agrees."""
    _, valid, _ = check_splice(prev, ragged_of(changed(change)))
    assert valid is not None  # the same srs: always spliced


def benign(rng: np.random.Generator) -> Rings:
    """One or two changes GEOS accepts: a far part, a ring removed, an inner hole."""
    kinds = rng.permutation(["far part", "no hole", "no second part", "inner hole"])
    kinds = set(kinds[: rng.integers(1, 3)])
    first = [SHELL.copy()] + ([] if "no hole" in kinds else [HOLE.copy()])
    if "inner hole" in kinds:  # 6 km or more from the old hole, inside r = 15 km
        t = rng.uniform(np.radians(100), np.radians(260))
        d = rng.uniform(0, 13)
        new = hole(
            d * np.cos(t), d * np.sin(t), rng.uniform(0.5, 2), rng.integers(4, 16)
        )
        first.insert(rng.integers(1, len(first) + 1), new)
    rings = [first] + ([] if "no second part" in kinds else [[PART.copy()]])
    if "far part" in kinds:  # 8 km or more from the shell and the second part
        x = rng.choice([rng.uniform(45, 60), rng.uniform(-45, -33)])
        new = part(x, rng.uniform(-15, 15), rng.uniform(0.5, 3), rng.integers(4, 16))
        rings.insert(rng.integers(0, len(rings) + 1), [new])
    return rings


def test_benign_structure_changes_are_mostly_recognised(prev):
    """Not vacuous: most changes that GEOS surely accepts are called valid."""
    rng = np.random.default_rng(20241124)
    runs = 60
    recognised = 0
    for _ in range(runs):
        _, valid, geos = check_splice(prev, ragged_of(benign(rng)))
        assert geos, "a benign change should give a valid geometry"
        recognised += bool(valid)
    assert recognised >= 0.9 * runs, recognised


# 2. crafted invalid changes -------------------------------------------------


def hole_listed_under_the_second_part() -> _fastread.Ragged:
    """The base's own ring bytes, the hole now written as the second part's hole.

    Built by hand from the base's ragged array: the same three rings, so each
    is matched by its first vertex and copied; only the part offsets say
    the hole belongs to another part.
    """
    coords, (rings, _, features) = BASE
    shell, hole_xy, part_xy = (coords[rings[k] : rings[k + 1]] for k in range(3))
    new = np.concatenate([shell, part_xy, hole_xy])
    sizes = [0, len(shell), len(part_xy), len(hole_xy)]
    offsets = (
        np.cumsum(sizes).astype(rings.dtype),
        np.array([0, 1, 3], dtype=rings.dtype),
        features.copy(),
    )
    return new, offsets


def moved_first_vertex(ring: np.ndarray, xy_km: list[float]) -> np.ndarray:
    out = ring.copy()
    out[0] = xy_km
    return out


# (how the geometry is made, how splice makes each ring)
INVALID = {
    # a new part: nested in the shell, across it, around the second part
    "part-inside-shell": (
        lambda: [[SHELL, HOLE], [PART], [part(-8, 6, 2)]],
        ["copy", "copy", "copy", "new"],
    ),
    "part-across-shell": (
        lambda: [[SHELL, HOLE], [PART], [part(-20, 0, 3)]],
        ["copy", "copy", "copy", "new"],
    ),
    "part-around-second-part": (
        lambda: [[SHELL, HOLE], [part(30, 0, 6, 16)], [PART]],
        ["copy", "copy", "new", "copy"],
    ),
    "part-around-everything": (
        lambda: [[part(5, 0, 40, 40)], [SHELL, HOLE], [PART]],
        ["new", "copy", "copy", "copy"],
    ),
    # a new hole: outside its shell, in the old hole, across it, around it
    "hole-outside-shell": (
        lambda: [[SHELL, HOLE, hole(-30, 0, 2)], [PART]],
        ["copy", "copy", "new", "copy"],
    ),
    "hole-inside-hole": (
        lambda: [[SHELL, HOLE, hole(12, 0, 1)], [PART]],
        ["copy", "copy", "new", "copy"],
    ),
    "hole-across-hole": (
        lambda: [[SHELL, hole(14.5, 0, 2), HOLE], [PART]],
        ["copy", "new", "copy", "copy"],
    ),
    "hole-around-hole": (
        lambda: [[SHELL, HOLE, hole(12, 0, 5, 20)], [PART]],
        ["copy", "copy", "new", "copy"],
    ),
    # well inside the big shell, but written as a hole of the second part
    "hole-of-the-wrong-part": (
        lambda: [[SHELL, HOLE], [PART, hole(-8, 6, 2)]],
        ["copy", "copy", "copy", "new"],
    ),
    # redrawn rings (vertex 0 moved, or another start): as many rings
    "hole-redrawn-across-shell": (
        lambda: [[SHELL, moved_first_vertex(HOLE, [12, 25])], [PART]],
        ["copy", "new", "copy"],
    ),
    "part-redrawn-into-shell": (
        lambda: [[SHELL, HOLE], [moved_first_vertex(PART, [17, 0])]],
        ["copy", "copy", "new"],
    ),
    "shell-redrawn-across-hole": (
        lambda: [[edit(rotated(SHELL, 3), 17, 17, [[13, 0]]), HOLE], [PART]],
        ["new", "copy", "copy"],
    ),
    "shell-redrawn-around-part": (
        lambda: [[edit(rotated(SHELL, 3), 15, 19, [[45, -9], [45, 9]]), HOLE], [PART]],
        ["new", "copy", "copy"],
    ),
    # the role trick: every ring copied, but a hole or shell changed its role
    "hole-listed-under-second-part": (
        hole_listed_under_the_second_part,
        ["copy", "copy", "copy"],
    ),
    "hole-made-a-part": (lambda: [[SHELL], [HOLE], [PART]], ["copy", "copy", "copy"]),
    "second-part-made-a-hole": (
        lambda: [[SHELL, HOLE, PART]],
        ["copy", "copy", "copy"],
    ),
}


def made(build) -> _fastread.Ragged:
    out = build()
    return out if isinstance(out, tuple) else ragged_of(out)


@pytest.mark.parametrize("case", sorted(INVALID))
def test_crafted_invalid_structure_changes_are_not_called_valid(prev, plans, case):
    build, hows = INVALID[case]
    _, valid, geos = check_splice(prev, made(build))
    assert not geos, f"{case}: the crafted geometry should be invalid"
    assert valid is False
    assert plan_of(plans) == hows  # the path through _validity meant here


def test_the_role_trick_keeps_the_ring_bytes(prev):
    """The hand-built case really lists the base's hole, byte for byte, under part 1."""
    coords, (rings, parts, _) = hole_listed_under_the_second_part()
    old_coords, (old_rings, _, _) = BASE
    assert parts.tolist() == [0, 1, 3]
    hole_bytes = old_coords[old_rings[1] : old_rings[2]].tobytes()
    assert coords[rings[2] : rings[3]].tobytes() == hole_bytes
    geom = _fastread.build(hole_listed_under_the_second_part())[0]
    assert "Hole lies outside shell" in shapely.is_valid_reason(geom)


def touching_hole() -> np.ndarray:
    """A hole whose first vertex is vertex 30 of the shell (due north), inside it."""
    ring = np.roll(hole(0, 17, 3), 1, axis=0)  # first vertex at 90 degrees
    ring[0] = SHELL[30]
    return ring


def touching_part() -> np.ndarray:
    """A part east of the second part, its first vertex on the part's vertex 12."""
    ring = circle(37, 0, 3, 12, 180)
    ring[0] = PART[12]
    return ring


@pytest.mark.parametrize(
    "rings",
    [
        pytest.param(lambda: [[SHELL, HOLE, touching_hole()], [PART]], id="hole"),
        pytest.param(lambda: [[SHELL, HOLE], [PART], [touching_part()]], id="part"),
    ],
)
def test_a_new_ring_touching_another_at_one_vertex_is_judged_soundly(prev, rings):
    """GEOS allows a hole to touch its shell, and two parts to touch, at a point.

    splice, which asks that a new ring meets nothing, may say False; if it
    says True, check_splice has checked that GEOS agrees.
    """
    _, valid, geos = check_splice(prev, ragged_of(rings()))
    assert geos
    assert valid is not None


# 3. crafted valid changes ---------------------------------------------------

VALID = {
    "far-part": (
        lambda: [[SHELL, HOLE], [PART], [part(50, 0, 2)]],
        ["copy", "copy", "copy", "new"],
    ),
    "far-part-first": (
        lambda: [[part(-40, 10, 2)], [SHELL, HOLE], [PART]],
        ["new", "copy", "copy", "copy"],
    ),
    "hole-removed": (lambda: [[SHELL], [PART]], ["copy", "copy"]),
    "second-part-removed": (lambda: [[SHELL, HOLE]], ["copy", "copy"]),
    "first-part-removed": (lambda: [[PART]], ["copy"]),
    "parts-swapped": (lambda: [[PART], [SHELL, HOLE]], ["copy", "copy", "copy"]),
    "inner-hole": (
        lambda: [[SHELL, HOLE, hole(-8, 5, 2)], [PART]],
        ["copy", "copy", "new", "copy"],
    ),
    "inner-hole-first": (
        lambda: [[SHELL, hole(-8, 5, 2), HOLE], [PART]],
        ["copy", "new", "copy", "copy"],
    ),
    "hole-replaced": (
        lambda: [[SHELL, hole(-8, 5, 2)], [PART]],
        ["copy", "new", "copy"],
    ),
    "hole-rotated": (
        lambda: [[SHELL, rotated(HOLE, 4)], [PART]],
        ["copy", "new", "copy"],
    ),
    "second-part-rotated": (
        lambda: [[SHELL, HOLE], [rotated(PART, 5)]],
        ["copy", "copy", "new"],
    ),
    "two-far-parts": (
        lambda: [[SHELL, HOLE], [PART], [part(50, 0, 2)], [part(0, 35, 2)]],
        ["copy", "copy", "copy", "new", "new"],
    ),
    # the shell's north bulges, the hole goes, a far part comes
    "bulge-no-hole-far-part": (
        lambda: [[edit(SHELL, 30, 30, [[0, 24]])], [PART], [part(50, 0, 2)]],
        ["stretch", "copy", "new"],
    ),
}


@pytest.mark.parametrize("case", sorted(VALID))
def test_crafted_valid_structure_changes_are_recognised(prev, plans, case):
    build, hows = VALID[case]
    _, valid, geos = check_splice(prev, made(build))
    assert geos, f"{case}: the crafted geometry should be valid"
    assert valid is True
    assert plan_of(plans) == hows


# 4. more new rings than are worth checking ----------------------------------


@pytest.mark.parametrize(
    ("rings", "hows"),
    [
        pytest.param(
            lambda: (
                [[SHELL, HOLE], [PART], [part(50, 0, 2)], [part(0, 35, 2)]]
                + [[part(-40, -10, 2)]]
            ),
            ["copy", "copy", "copy", "new", "new", "new"],
            id="three-far-parts",
        ),
        pytest.param(
            lambda: (
                [[SHELL, HOLE, hole(-8, 5, 2)], [PART], [part(50, 0, 2)]]
                + [[part(0, 35, 2)]]
            ),
            ["copy", "copy", "new", "copy", "new", "new"],
            id="a-hole-and-two-parts",
        ),
        pytest.param(
            lambda: [[rotated(SHELL, 3), rotated(HOLE, 4)], [rotated(PART, 5)]],
            ["new", "new", "new"],
            id="all-three-redrawn",
        ),
    ],
)
def test_three_new_rings_are_left_to_geos(prev, plans, rings, hows):
    """Beyond _NEW_RINGS_MAX (2) new rings: "do not know", still bit for bit."""
    assert _validity._NEW_RINGS_MAX == 2
    _, valid, geos = check_splice(prev, ragged_of(rings()))
    assert geos
    assert valid is False
    assert plan_of(plans) == hows


# 5. cases that were once called valid ------------------------------------

BIG_HOLE = hole(0, 0, 10, 30)  # a lake in the shell
ISLAND = part(0, 0, 3)  # an island in the lake: a part of its own


def test_removing_a_hole_around_an_island_is_not_called_valid(plans):
    before = ragged_of([[SHELL, BIG_HOLE], [ISLAND]])
    prev = _splice.shape(before, SRS, TRANSFORMER)
    assert is_valid(prev)  # an island in a lake is valid
    after = ragged_of([[SHELL], [ISLAND]])
    assert not is_valid(_splice.shape(after, SRS, TRANSFORMER))  # nested shells
    _, valid, _ = check_splice(prev, after)
    assert valid is False
    assert plan_of(plans) == ["copy", "copy"]


def features(*parts_km: list[np.ndarray]) -> _fastread.Ragged:
    """One MultiPolygon feature per argument, each from its parts' shells (km)."""
    geoms = [
        shapely.multipolygons(
            [shapely.Polygon(np.vstack([lonlat(r), lonlat(r)[:1]])) for r in rings]
        )
        for rings in parts_km
    ]
    _, coords, offsets = shapely.to_ragged_array(geoms)
    return coords, offsets


def test_merging_overlapping_features_is_not_called_valid(plans):
    west, east = part(-5, 0, 10, 30), part(5, 0, 10, 30)
    prev = _splice.shape(features([west], [east]), SRS, TRANSFORMER)
    assert is_valid(prev)  # each feature is valid alone
    merged = features([west, east])
    assert not is_valid(_splice.shape(merged, SRS, TRANSFORMER))
    _, valid, _ = check_splice(prev, merged)
    assert valid is False
    assert plan_of(plans) == ["copy", "copy"]
