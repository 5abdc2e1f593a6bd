"""The authalic-sphere geodesic area against GeographicLib and closed forms."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import Polygon, box

from kurskgeo.area.crs import authalic_latitude, geodetic_latitude
from kurskgeo.area.geodesic import (
    MAX_SEGMENT_KM,
    authalic_area_km2,
    authalic_ring_areas,
    densify_geodesic,
    geodesic_area_km2,
)
from kurskgeo.io import read_snapshot
from tests.common import geodesic_circle, quadrangle_area_km2

GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize(
    "bounds",
    [(35, 51, 36, 52), (30, 44, 40, 52), (-10, -60, 50, 60), (100, -5, 101, 5)],
)
def test_quadrangle_with_long_edges(bounds):
    """Meridians are geodesics; parallels are not, so compare with GeographicLib.

    Densified along the geodesic, the box's edges are the same curves for
    both methods; the closed form is for edges along parallels.
    """
    poly = box(*bounds)
    assert authalic_area_km2(poly) == pytest.approx(geodesic_area_km2(poly), rel=1e-9)


@pytest.mark.parametrize(("lat1", "lat2"), [(0, 1), (51, 52), (-60, 60), (80, 89)])
def test_zone_between_parallels_closed_form(lat1, lat2):
    """A ring drawn densely along two parallels: the closed-form quadrangle."""
    lons = np.linspace(35, 36, 2001)
    ring = [(x, lat1) for x in lons] + [(x, lat2) for x in lons[::-1]]
    expected = quadrangle_area_km2(35, lat1, 36, lat2)
    # chords of 56 m along parallels leave a sliver of ~1e-7 relative
    assert authalic_area_km2(Polygon(ring), densified=True) == pytest.approx(
        expected, rel=2e-7
    )


@pytest.mark.parametrize("radius_km", [1, 50, 500])
def test_geodesic_circle(radius_km):
    poly = Polygon(geodesic_circle(35.5, 51.5, radius_km * 1000))
    assert authalic_area_km2(poly) == pytest.approx(geodesic_area_km2(poly), rel=1e-9)


def test_holes_multipolygons_and_orientation():
    shell, hole = box(35, 51, 35.5, 51.5), box(35.1, 51.1, 35.2, 51.2)
    with_hole = Polygon(shell.exterior.coords, [hole.exterior.coords])
    reversed_rings = Polygon(
        shell.exterior.coords[::-1], [hole.exterior.coords]
    )  # both rings clockwise
    multi = shapely.MultiPolygon([with_hole, box(36, 51, 36.1, 51.1)])
    got = authalic_area_km2(
        [with_hole, reversed_rings, multi, None, shapely.Point(1, 2)]
    )
    ref = geodesic_area_km2(
        [with_hole, reversed_rings, multi, None, shapely.Point(1, 2)]
    )
    np.testing.assert_allclose(got, ref, rtol=1e-9)
    assert got[0] == pytest.approx(got[1], rel=1e-12)
    assert got[3] == got[4] == 0


def test_antimeridian_and_pole():
    across = box(179.5, 10, 180.5, 11)  # longitudes beyond 180 are fine
    wrapped = Polygon([(179.5, 10), (-179.5, 10), (-179.5, 11), (179.5, 11)])
    assert authalic_area_km2(across) == pytest.approx(
        geodesic_area_km2(across), rel=1e-9
    )
    assert authalic_area_km2(wrapped) == pytest.approx(
        geodesic_area_km2(across), rel=1e-9
    )
    # a ring round the North Pole: the closed form does not hold, GeographicLib does
    cap = Polygon([(lon, 85) for lon in range(0, 360, 10)])
    assert authalic_area_km2(cap) == pytest.approx(geodesic_area_km2(cap), rel=1e-12)


def test_ring_areas_of_a_ragged_array():
    a, b = box(35, 51, 36, 52), box(30, 44, 31, 45)
    coords = np.concatenate([a.exterior.coords, b.exterior.coords])
    offsets = np.array([0, 5, 10])
    np.testing.assert_allclose(
        authalic_ring_areas(coords, offsets),
        geodesic_area_km2([a, b]),
        rtol=2e-5,  # undensified 100 km edges: great circles, not geodesics
    )


def test_authalic_latitude_round_trip():
    lat = np.linspace(-90, 90, 3601)
    np.testing.assert_allclose(
        geodetic_latitude(authalic_latitude(lat)), lat, atol=1e-10
    )


def agrees_within_the_check(got: float, ref: float) -> bool:
    """What measure() tolerates: 1e-6 relative or 1 m² (1e-6 km²)."""
    return abs(got - ref) <= max(1e-6 * abs(ref), 1e-6)


@settings(max_examples=60, deadline=None)
@given(
    lon=st.floats(-170, 170),
    lat=st.floats(-75, 75),
    size=st.floats(0.001, 3),
    n=st.integers(3, 40),
    seed=st.integers(0, 2**32 - 1),
)
def test_random_star_polygons_agree_with_geographiclib(lon, lat, size, n, seed):
    """Star-shaped polygons of 100 m to 300 km never trip the geodesic check."""
    rng = np.random.default_rng(seed)
    angles = np.sort(rng.uniform(0, 2 * np.pi, n))
    radius = size * rng.uniform(0.3, 1.0, n)
    ring = np.column_stack(
        [lon + radius * np.cos(angles), lat + radius * np.sin(angles) / 2]
    )
    poly = Polygon(ring)
    if not poly.is_valid or poly.area == 0:
        return
    assert agrees_within_the_check(authalic_area_km2(poly), geodesic_area_km2(poly))


@pytest.mark.parametrize("azimuth", [0, 30, 60, 90, 135])
def test_thin_strips_never_trip_the_check(azimuth):
    """A 300 m wide, 150 km long strip of 2 km edges, as front lines draw them."""
    from kurskgeo.area.geodesic import WGS84

    n = 76
    lon, lat, _ = WGS84.fwd(
        [35.0] * n, [51.0] * n, [azimuth] * n, np.arange(n) * 2000.0
    )
    lon2, lat2, _ = WGS84.fwd(lon, lat, [azimuth + 90] * n, [300.0] * n)
    ring = list(zip(lon, lat, strict=True)) + list(zip(lon2, lat2, strict=True))[::-1]
    poly = Polygon(ring)
    assert agrees_within_the_check(authalic_area_km2(poly), geodesic_area_km2(poly))


@pytest.mark.realdata
@pytest.mark.parametrize("folder", ["deepstate-occupied", "isw-kursk"])
def test_real_series_agree_with_geographiclib(shared_data, folder):
    """Every file: the check kurskgeo reports is within 1e-9 (DeepState), 1e-8 (ISW)."""
    worst = 0.0
    for path in sorted((shared_data / folder).glob("*.geojson")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # what the reader says is tested elsewhere
            geoms = read_snapshot(path).geometry.values
        got, ref = authalic_area_km2(geoms).sum(), geodesic_area_km2(geoms).sum()
        worst = max(worst, abs(got - ref) / ref)
    assert worst < {"deepstate-occupied": 1e-9, "isw-kursk": 1e-8}[folder]


# ----------------------------------------------------------- densifying


def segment_m(xy: np.ndarray) -> np.ndarray:
    return np.asarray(GEOD.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])[2])


@pytest.mark.parametrize(
    "geom",
    [
        Polygon([(30, 50), (36, 52), (33, 56), (30, 50)]),
        Polygon(
            box(20, 40, 30, 50).exterior.coords, [box(24, 44, 26, 46).exterior.coords]
        ),
        shapely.MultiPolygon([box(35, 51, 35.01, 51.01), box(-10, -5, 10, 5)]),
        box(179, 10, 181, 11),  # across the antimeridian
    ],
)
def test_densified_vertices_lie_on_the_geodesic(geom):
    """Checked with pyproj.Geod: short segments that add up to the original edge."""
    (dense,) = densify_geodesic(geom)
    assert dense.geom_type == geom.geom_type
    assert shapely.get_num_geometries(dense) == shapely.get_num_geometries(geom)
    for before, after in zip(
        shapely.get_rings(shapely.get_parts(geom)),
        shapely.get_rings(shapely.get_parts(dense)),
        strict=True,
    ):
        old, new = np.asarray(before.coords), np.asarray(after.coords)
        assert segment_m(new).max() <= MAX_SEGMENT_KM * 1000 * (1 + 1e-9)
        # every original vertex is kept, in order; between two of them the new
        # ones follow the geodesic: any detour would make the path longer
        at = [0]
        for v in old[1:]:
            after = at[-1] + 1
            at.append(after + int(np.flatnonzero((new[after:] == v).all(axis=1))[0]))
        assert np.array_equal(new[0], old[0]) and at[-1] == len(new) - 1
        for k, (i, j) in enumerate(itertools.pairwise(at)):
            edge = segment_m(old[k : k + 2])[0]
            assert segment_m(new[i : j + 1]).sum() == pytest.approx(
                edge, rel=1e-12, abs=1e-6
            )
    assert geodesic_area_km2(dense) == pytest.approx(geodesic_area_km2(geom), rel=1e-9)


def test_short_edges_are_left_alone():
    small = box(35, 51, 35.01, 51.01)  # 700 m edges
    out = densify_geodesic([small, None, small])
    assert out[0] is small and out[2] is small and out[1] is None
