"""Areas against independent references: closed forms, pyproj.Geod, published figures."""

from __future__ import annotations

import math
import tempfile
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import CRS, Geod
from shapely.geometry import Polygon, box, mapping

import kurskgeo
from kurskgeo.area import (
    KM2_PER_MI2,
    MEASUREMENT_COLUMNS,
    Measurement,
    area_km2,
    densify_geodesic,
    feature_areas,
    geodesic_area_km2,
    measure,
    measure_files,
    zone_union,
)
from kurskgeo.errors import CRSError, GeodesicMismatchWarning, RepairWarning
from kurskgeo.io import read_snapshot
from tests.common import (
    box_ring,
    collection,
    feature,
    geodesic_circle,
    polygon,
    quadrangle_area_km2,
    quadrangle_ring,
    write_geojson,
)

GEOD = Geod(ellps="WGS84")


def snap(*geoms, **cols) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(cols or None, geometry=list(geoms), crs="OGC:CRS84")


# ----------------------------------------------------------- analytic references


@pytest.mark.parametrize(
    ("lon1", "lat1", "lon2", "lat2"),
    [
        (34.0, 51.0, 35.0, 52.0),  # one degree square at Kursk
        (35.2, 51.2, 35.4, 51.3),  # a district-sized cell
        (20.0, 44.0, 40.0, 56.0),  # Ukraine-sized
        (-10.0, -5.0, 10.0, 5.0),  # across the equator and the prime meridian
        (100.0, 70.0, 140.0, 80.0),  # high latitude
    ],
)
def test_quadrangle_matches_closed_form(lon1, lat1, lon2, lat2):
    # Edges along parallels are not geodesics: the ring is sampled densely so that
    # the geodesic polygon converges on the closed-form ellipsoidal quadrangle.
    expected = quadrangle_area_km2(lon1, lat1, lon2, lat2)
    poly = Polygon(quadrangle_ring(lon1, lat1, lon2, lat2, step=0.002))
    got = area_km2(snap(poly))
    assert got == pytest.approx(expected, rel=2e-6)
    assert geodesic_area_km2(poly) == pytest.approx(expected, rel=2e-6)


@pytest.mark.parametrize("radius_km", [1.0, 25.0, 150.0])
def test_geodesic_circle(radius_km):
    ring = geodesic_circle(35.5, 51.5, radius_km * 1000)
    poly = Polygon(ring)
    measured = measure(snap(poly))
    # independent reference 1: GeographicLib through pyproj on the same ring
    assert measured.area_km2 == pytest.approx(measured.geodesic_km2, rel=1e-6)
    # independent reference 2: a disc on a sphere of the local Gaussian radius
    a, f = 6378.137, 1 / 298.257223563
    e2 = f * (2 - f)
    s = math.sin(math.radians(51.5))
    r_gauss = a * math.sqrt(1 - e2) / (1 - e2 * s * s)
    cap = 2 * math.pi * r_gauss**2 * (1 - math.cos(radius_km / r_gauss))
    assert measured.area_km2 == pytest.approx(cap, rel=1e-3)


def test_square_mile_constant():
    assert pytest.approx(1.609344**2, rel=1e-15) == KM2_PER_MI2
    m = measure(snap(box(35, 51, 35.1, 51.1)))
    assert m.area_mi2 * KM2_PER_MI2 == pytest.approx(m.area_km2, rel=1e-12)


def test_long_edges_are_geodesics():
    # A 10°-wide box drawn with 4 vertices: its edges are read as geodesics,
    # so the projected area must equal pyproj.Geod's, not the plate-carrée box's.
    poly = box(25, 45, 35, 55)
    assert len(densify_geodesic(poly)[0].exterior.coords) > 100
    assert area_km2(snap(poly)) == pytest.approx(geodesic_area_km2(poly), rel=1e-6)
    # and the two readings of an edge do differ measurably at this size
    assert abs(geodesic_area_km2(poly) - quadrangle_area_km2(25, 45, 35, 55)) > 100


# ----------------------------------------------------------- unions and holes


def test_overlaps_count_once():
    # short edges, so that a union drawn in longitude/latitude and one of
    # geodesic polygons are the same shape (long edges would bulge differently)
    a = shapely.segmentize(box(35, 51, 35.2, 51.2), 0.001)
    b = shapely.segmentize(box(35.1, 51, 35.3, 51.2), 0.001)
    union = geodesic_area_km2(shapely.union_all([a, b]))
    assert area_km2(snap(a, b)) == pytest.approx(union, rel=1e-6)
    per = feature_areas(snap(a, b))
    assert per["area_km2"].sum() > union * 1.2  # per feature, the overlap counts twice


def test_hole_is_subtracted_whatever_its_orientation():
    shell = [(35, 51), (36, 51), (36, 52), (35, 52), (35, 51)]
    hole = [(35.4, 51.4), (35.6, 51.4), (35.6, 51.6), (35.4, 51.6), (35.4, 51.4)]
    expected = geodesic_area_km2(Polygon(shell)) - geodesic_area_km2(Polygon(hole))
    for h in (hole, hole[::-1]):
        poly = Polygon(shell, [h])
        assert area_km2(snap(poly)) == pytest.approx(expected, rel=1e-6)
        assert geodesic_area_km2(poly) == pytest.approx(expected, rel=1e-9)


def test_region_clip():
    # edges along parallels, sampled every 0.002°, so the clipped part is well defined
    zone = Polygon(quadrangle_ring(35, 51, 36, 52))
    region = box(35.5, 50, 37, 53)  # its edges on 35.5° E and 37° E are meridians
    clipped = area_km2(snap(zone), region=region)
    assert clipped == pytest.approx(quadrangle_area_km2(35.5, 51, 36, 52), rel=2e-6)


def test_zone_selection_and_unknown_zone():
    s = snap(
        box(35, 51, 35.5, 51.5),
        box(36, 51, 36.5, 51.5),
        zone=["liberated", "contested"],
    )
    lib = area_km2(s, zone="liberated")
    both = area_km2(s, zone=["liberated", "contested"])
    assert both == pytest.approx(lib + area_km2(s, zone="contested"), rel=1e-9)
    with pytest.raises(
        kurskgeo.SnapshotError, match="zones here: contested, liberated"
    ):
        area_km2(s, zone="occupied")


# ----------------------------------------------------------- CRS guards


@pytest.mark.parametrize(
    ("crs", "match"),
    [
        ("EPSG:3857", "2.6 times too large"),
        ("EPSG:4326", "square degrees"),
        ("EPSG:32636", "does not preserve area"),
        ("EPSG:3410", "sphere"),
    ],
)
def test_refuses_crs_unfit_for_area(crs, match):
    with pytest.raises(CRSError, match=match) as info:
        area_km2(snap(box(35, 51, 36, 52)), crs=crs)
    assert "equal-area" in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "crs",
    [
        "EPSG:6933",
        "EPSG:3035",
        "ESRI:54009",  # Mollweide: spherical in PROJ, applied on the authalic sphere
        "+proj=eck4 +ellps=WGS84",
        "+proj=igh +ellps=WGS84",
        "+proj=eqearth",
        "+proj=sinu +ellps=WGS84",
        "+proj=aea +lat_1=50 +lat_2=53 +ellps=WGS84",
    ],
)
def test_any_equal_area_crs_gives_the_same_km2(crs):
    poly = Polygon(geodesic_circle(35.5, 51.5, 60_000))
    m = measure(snap(poly), crs=crs)
    assert m.area_km2 == pytest.approx(geodesic_area_km2(poly), rel=1e-6)
    assert m.geodesic_km2 == pytest.approx(m.area_km2, rel=1e-6)


def test_refuses_equal_area_crs_on_another_ellipsoid():
    with pytest.raises(CRSError, match="International 1924"):
        area_km2(snap(box(35, 51, 36, 52)), crs="ESRI:102013")


def test_input_is_not_modified():
    s = snap(Polygon([(35, 51), (35, 52), (36, 52), (36, 51)]))  # clockwise
    before = s.copy()
    area_km2(s)
    feature_areas(s)
    assert s.geometry.iloc[0].equals_exact(before.geometry.iloc[0], 0)
    assert list(s.columns) == list(before.columns)


def test_projected_input_frame_is_converted():
    s = snap(box(35, 51, 36, 52)).to_crs("EPSG:3857")
    assert area_km2(s) == pytest.approx(
        geodesic_area_km2(box(35, 51, 36, 52)), rel=1e-6
    )


def test_frame_without_crs_warns():
    s = gpd.GeoDataFrame(geometry=[box(35, 51, 36, 52)])
    with pytest.warns(kurskgeo.AssumedCRSWarning, match="assuming longitude/latitude"):
        area_km2(s)


# ----------------------------------------------------------- properties


coords = st.floats(min_value=-0.5, max_value=0.5, allow_nan=False)


@st.composite
def star_polygons(draw):
    """Random simple (star-shaped) polygons around a random centre."""
    lon0 = draw(st.floats(min_value=-170, max_value=170))
    lat0 = draw(st.floats(min_value=-70, max_value=70))
    n = draw(st.integers(min_value=3, max_value=12))
    radii = draw(
        st.lists(st.floats(min_value=0.05, max_value=1.0), min_size=n, max_size=n)
    )
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    pts = [
        (lon0 + r * np.cos(a), lat0 + r * np.sin(a))
        for r, a in zip(radii, angles, strict=True)
    ]
    # Short edges (~200 m): cutting an edge in longitude/latitude then puts the new
    # vertex on the geodesic too, so "the same polygon, split" is well defined.
    return shapely.segmentize(Polygon(pts), 0.002)


@settings(max_examples=40, deadline=None)
@given(star_polygons(), st.integers(min_value=0, max_value=10_000), st.booleans())
def test_start_vertex_and_orientation_do_not_matter(poly, shift, reverse):
    ring = list(poly.exterior.coords)[:-1]
    k = shift % len(ring)
    ring = ring[k:] + ring[:k]
    if reverse:
        ring = ring[::-1]
    other = Polygon(ring)
    assert area_km2(snap(other)) == pytest.approx(area_km2(snap(poly)), rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(star_polygons(), st.floats(min_value=-0.3, max_value=0.3))
def test_splitting_a_polygon_keeps_its_area(poly, cut):
    c = poly.centroid
    left = poly.intersection(box(-180, -90, c.x + cut, 90))
    right = poly.intersection(box(c.x + cut, -90, 180, 90))
    parts = [g for g in (left, right) if not g.is_empty and g.area > 0]
    whole = area_km2(snap(poly))
    assert sum(area_km2(snap(g)) for g in parts) == pytest.approx(whole, rel=1e-6)
    # and as two features of one snapshot, measured as a union
    assert area_km2(snap(*parts)) == pytest.approx(whole, rel=1e-6)


@settings(max_examples=40, deadline=None)
@given(star_polygons(), st.floats(min_value=-5, max_value=5))
def test_moving_in_longitude_keeps_the_area(poly, dlon):
    moved = shapely.transform(poly, lambda xy: xy + np.array([dlon, 0.0]))
    assert area_km2(snap(moved)) == pytest.approx(area_km2(snap(poly)), rel=1e-7)


def test_geodesic_mismatch_warns(monkeypatch):
    """Projected without densifying, a 50° box's straight edges are not geodesics."""
    from kurskgeo.area import engine

    monkeypatch.setattr(
        engine, "densify_geodesic", lambda arr, *a, **k: np.asarray(arr, dtype=object)
    )
    with pytest.warns(kurskgeo.GeodesicMismatchWarning, match="differ"):
        measure(snap(box(10, 30, 60, 70)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        monkeypatch.undo()
        measure(snap(box(10, 30, 60, 70)))


# ----------------------------------------------------------- the record


def geod_km2(geom) -> float:
    """Area on WGS84 by pyproj.Geod alone: each polygon's shell minus its holes."""
    total = 0.0
    for part in shapely.get_parts(geom):
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        for k, ring in enumerate([part.exterior, *part.interiors]):
            xy = np.asarray(ring.coords)
            a = abs(GEOD.polygon_area_perimeter(xy[:, 0], xy[:, 1])[0]) / 1e6
            total += a if k == 0 else -a
    return total


def test_the_measurement_record(tmp_path):
    region = write_geojson(
        tmp_path / "region.geojson",
        collection(feature(polygon(box_ring(35, 51, 36, 52)))),
    )
    inside = [box(35.1, 51.1, 35.2, 51.2), box(35.3, 51.3, 35.4, 51.4)]
    s = snap(
        *inside,
        box(40, 51, 40.1, 51.1),  # of zone a, but outside the region
        box(35.5, 51.5, 35.6, 51.6),
        zone=["a", "a", "a", "b"],
    )
    m = measure(s, zone="a", region=region)
    assert isinstance(m, Measurement) and isinstance(m.crs, CRS)
    assert m.n_features == 2  # of the zone, and meeting the region
    assert m.zones == ("a",) and m.zone == "a"
    assert m.region == str(region)
    assert m.area_km2 == pytest.approx(sum(geod_km2(g) for g in inside), rel=1e-7)
    assert m.area_mi2 == pytest.approx(m.area_km2 / 1.609344**2, rel=1e-15)
    assert m.relative_difference == pytest.approx(
        (m.area_km2 - m.geodesic_km2) / m.geodesic_km2, rel=1e-12
    )
    assert abs(m.relative_difference) < 1e-6
    row = m.to_dict()
    assert list(row) == list(MEASUREMENT_COLUMNS)
    assert row["crs"] == m.crs.srs and CRS.from_user_input(row["crs"]) == m.crs
    assert row["zone"] == "a" and row["n_features"] == 2

    both = measure(s, zone=["a", "b"], region=region)
    assert both.zone == "a+b" and both.n_features == 3
    everything = measure(s)
    assert everything.zones is None and everything.zone is None
    assert everything.zones_found == ("a", "b")
    assert everything.region is None and everything.n_features == 4


def test_a_measurement_of_every_polygon_says_which_zones_it_holds():
    # a sub-editor must see what "every polygon" added up: the zones of the
    # features that count (those meeting the region), known ones in order
    s = snap(
        box(35.1, 51.1, 35.2, 51.2),
        box(35.3, 51.3, 35.4, 51.4),
        box(40, 51, 40.1, 51.1),
        zone=["contested", "liberated", "occupied"],
    )
    assert measure(s).zones_found == ("occupied", "liberated", "contested")
    near = measure(s, region=box(35, 51, 36, 52))
    assert near.zone is None and near.zones_found == ("liberated", "contested")
    row = near.to_dict()
    assert row["zone"] is None and row["zones_found"] == "liberated+contested"
    asked = measure(s, zone=["contested", "occupied"], region=box(35, 51, 36, 52))
    assert (asked.zone, asked.zones_found) == ("contested+occupied", ("contested",))
    nowhere = measure(s, region=box(0, 0, 1, 1))
    assert nowhere.n_features == 0 and nowhere.zones_found == ()
    assert nowhere.to_dict()["zones_found"] is None
    unzoned = snap(box(35.1, 51.1, 35.2, 51.2))
    assert measure(unzoned).zones_found == ()


def test_nothing_to_measure_is_zero_not_an_error():
    s = snap(box(40, 51, 40.1, 51.1), zone=["a"])
    m = measure(s, region=box(35, 51, 36, 52))
    assert (m.n_features, m.area_km2, m.geodesic_km2, m.relative_difference) == (
        0,
        0,
        0,
        0,
    )
    m = measure(s, zone="b", strict=False)
    assert (m.n_features, m.area_km2) == (0, 0)


@settings(max_examples=25, deadline=None)
@given(star_polygons(), star_polygons(), st.booleans())
def test_every_entry_point_gives_the_same_numbers(a, b, clip):
    """A file, its table, a frame made here, and a series of one: the same bits."""
    region = box(a.centroid.x - 0.3, -90, a.centroid.x + 5, 90) if clip else None
    doc = collection(feature(mapping(a), zone="x"), feature(mapping(b), zone="y"))
    with tempfile.TemporaryDirectory() as folder:
        path = write_geojson(Path(folder) / "2025-01-01.geojson", doc)
        by_path = measure(path, zone="x", region=region)
        by_table = measure(read_snapshot(path), zone="x", region=region)
        (by_series,) = measure_files(path, zone="x", region=region).to_dict("records")
    by_frame = measure(snap(a, b, zone=["x", "y"]), zone="x", region=region)
    for m in (by_table, by_frame):
        assert (m.area_km2, m.geodesic_km2, m.n_features, m.crs) == (
            by_path.area_km2,
            by_path.geodesic_km2,
            by_path.n_features,
            by_path.crs,
        )
    assert by_series["area_km2"] == by_path.area_km2
    assert by_series["geodesic_km2"] == by_path.geodesic_km2
    frame = snap(a, b, zone=["x", "y"])
    assert area_km2(frame, zone="x", region=region) == by_path.area_km2
    union, crs = zone_union(frame, zone="x", region=region)
    assert crs == by_path.crs and union.area / 1e6 == by_path.area_km2
    # and against pyproj.Geod on the polygon itself, when it is not clipped
    if region is None:
        assert by_path.area_km2 == pytest.approx(geod_km2(a), rel=1e-7)


# ----------------------------------------------------------- invalid input


@st.composite
def invalid_polygons(draw):
    """A ring of one repeated point, a bowtie, or a hole outside its shell."""
    lon = draw(st.floats(min_value=-170, max_value=170))
    lat = draw(st.floats(min_value=-70, max_value=70))
    size = draw(st.floats(min_value=0.01, max_value=0.5))
    kind = draw(st.sampled_from(["one point", "bowtie", "hole outside"]))
    reverse = draw(st.booleans())
    jitter = [draw(st.floats(min_value=-0.3, max_value=0.3)) * size for _ in range(3)]
    if kind == "one point":
        return kind, Polygon([(lon, lat)] * 4)
    if kind == "bowtie":  # (lon, lat) to the top right crosses bottom right to top left
        ring = [
            (lon, lat),
            (lon + size, lat + size + jitter[0]),
            (lon + size, lat + jitter[1]),
            (lon, lat + size + jitter[2]),
        ]
        return kind, Polygon(ring[::-1] if reverse else ring)
    shell = box_ring(lon, lat, lon + size, lat + size)
    hole = box_ring(lon + 1.5 * size, lat, lon + 2 * size, lat + size / 2 + jitter[0])
    return kind, Polygon(shell[::-1] if reverse else shell, [hole])


def measured(fn, *args, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = fn(*args, **kw)
    return m, [w.category for w in caught]


@settings(max_examples=60, deadline=None)
@given(invalid_polygons())
def test_invalid_polygons_are_repaired_with_a_warning(case):
    kind, bad = case
    assert not shapely.is_valid(bad), kind
    xy = shapely.get_coordinates(bad)  # of every ring, holes included
    (x0, y0), (x1, _) = xy.min(axis=0), xy.max(axis=0)
    width = max(x1 - x0, 0.01)
    companion = box(x1 + width / 2, y0, x1 + width, y0 + 0.01)  # valid, apart
    fixed = shapely.make_valid(bad)
    expected = geod_km2(fixed) + geod_km2(companion)
    n_expected = 1 + int(geod_km2(fixed) > 0)

    by_frame, said = measured(measure, snap(bad, companion))
    assert RepairWarning in said and GeodesicMismatchWarning not in said
    assert by_frame.area_km2 == pytest.approx(expected, rel=1e-6, abs=1e-6)
    assert by_frame.n_features == n_expected

    doc = collection(feature(mapping(bad)), feature(mapping(companion)))
    with tempfile.TemporaryDirectory() as folder:
        path = write_geojson(Path(folder) / "2025-01-01.geojson", doc)
        by_path, said = measured(measure, path)
        by_table, said_too = measured(lambda: measure(read_snapshot(path)))
    for categories in (said, said_too):
        assert RepairWarning in categories and GeodesicMismatchWarning not in categories
    assert any("repaired with make_valid" in note for note in by_path.notes)
    assert by_path.area_km2 == by_table.area_km2
    assert by_path.area_km2 == pytest.approx(expected, rel=1e-6, abs=1e-6)
    assert by_path.n_features == n_expected
