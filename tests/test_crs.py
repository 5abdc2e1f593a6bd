"""Choosing and checking the equal-area CRS."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import CRS
from shapely.geometry import box

from kurskgeo.area import measure
from kurskgeo.area.crs import (
    CENTRE_STEP_DEG,
    as_crs,
    authalic_latitude,
    auto_centre,
    check_equal_area,
    equal_area_crs,
    geodetic_latitude,
    is_equal_area,
    laea,
)
from kurskgeo.errors import CRSError


def test_auto_is_laea_on_wgs84_centred_on_the_data():
    crs = equal_area_crs(box(34, 50, 36, 52))
    assert crs.coordinate_operation.method_name == "Lambert Azimuthal Equal Area"
    params = {p.name: p.value for p in crs.coordinate_operation.params}
    assert params["Latitude of natural origin"] == pytest.approx(51)
    assert params["Longitude of natural origin"] == pytest.approx(35)
    assert crs.ellipsoid.name == "WGS 84"


@pytest.mark.parametrize(
    "name",
    ["EPSG:6933", "EPSG:3035", "ESRI:54009", "EPSG:8857", "+proj=sinu +ellps=WGS84"],
)
def test_equal_area_crs_accepted(name):
    assert is_equal_area(name)
    assert isinstance(check_equal_area(name), CRS)


@pytest.mark.parametrize(
    "name", ["EPSG:3857", "EPSG:4326", "EPSG:32636", "+proj=eqc", "EPSG:3395"]
)
def test_not_equal_area(name):
    assert not is_equal_area(name)
    with pytest.raises(CRSError, match="crs='auto'"):
        check_equal_area(name)


def test_unknown_crs_is_a_crs_error():
    with pytest.raises(CRSError, match="not a CRS that PROJ knows"):
        as_crs("EPSG:0")


def test_auto_needs_data():
    with pytest.raises(CRSError, match="needs data"):
        equal_area_crs(None)


def test_authalic_latitude_round_trip_and_ends():
    lat = np.linspace(-90, 90, 721)
    beta = authalic_latitude(lat)
    assert beta[0] == pytest.approx(-90) and beta[-1] == pytest.approx(90)
    assert (
        np.abs(beta) <= np.abs(lat) + 1e-9
    ).all()  # authalic latitudes lie nearer the equator
    assert geodetic_latitude(beta) == pytest.approx(lat, abs=1e-8)


# ----------------------------------------------------------- crs="auto"


def laea_centre(crs: CRS) -> tuple[float, float]:
    """(longitude, latitude) of the natural origin of a LAEA CRS."""
    assert crs.coordinate_operation.method_name == "Lambert Azimuthal Equal Area"
    assert crs.ellipsoid.name == "WGS 84"
    params = {p.name: p.value for p in crs.coordinate_operation.params}
    return params["Longitude of natural origin"], params["Latitude of natural origin"]


def rounded(v: float) -> float:
    return math.floor(v / CENTRE_STEP_DEG + 0.5) * CENTRE_STEP_DEG


@settings(max_examples=200, deadline=None)
@given(st.floats(-179, 179), st.floats(-89, 89), st.floats(0, 1), st.floats(0, 1))
def test_auto_centre_is_the_middle_rounded_to_the_step(x, y, w, h):
    bounds = (x, y, min(x + w, 180), min(y + h, 90))
    lon, lat = auto_centre(bounds)
    mid = ((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)
    for got, want in zip((lon, lat), mid, strict=True):
        assert abs(got - want) <= CENTRE_STEP_DEG / 2 + 1e-9
        assert got / CENTRE_STEP_DEG == pytest.approx(
            round(got / CENTRE_STEP_DEG), abs=1e-9
        )
    assert laea_centre(equal_area_crs(box(*bounds))) == pytest.approx(
        (lon, lat), abs=1e-9
    )


def snap(*geoms, **cols) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(cols or None, geometry=list(geoms), crs="OGC:CRS84")


def test_auto_is_centred_on_the_region_when_there_is_one():
    """Every snapshot clipped to a region is measured in one CRS: the region's."""
    region = box(34.1, 50.9, 38.5, 52.4)  # about Kursk Oblast's box
    expected = (rounded((34.1 + 38.5) / 2), rounded((50.9 + 52.4) / 2))
    assert expected == (36.5, 51.5)
    west = measure(snap(box(34.5, 51.0, 34.8, 51.3)), region=region)
    east = measure(snap(box(38.0, 52.0, 38.3, 52.2)), region=region)
    assert laea_centre(west.crs) == laea_centre(east.crs) == pytest.approx(expected)
    # without the region, each is centred on its own polygons
    assert laea_centre(measure(snap(box(34.5, 51.0, 34.8, 51.3))).crs) == pytest.approx(
        (rounded(34.65), rounded(51.15))
    )


def test_auto_without_a_region_is_centred_on_the_zones_measured():
    s = snap(box(30.0, 50.0, 31.0, 51.0), box(60.0, 60.0, 61.0, 61.0), zone=["a", "b"])
    assert laea_centre(measure(s, zone="a").crs) == pytest.approx((30.5, 50.5))
    assert laea_centre(measure(s, zone="b").crs) == pytest.approx((60.5, 60.5))
    assert laea_centre(measure(s).crs) == pytest.approx((rounded(45.5), rounded(55.5)))


def test_the_centre_does_not_change_the_area():
    """LAEA is equal-area wherever it is centred: the centre only keeps shapes."""
    poly = box(35.0, 51.0, 35.3, 51.2)
    auto = measure(snap(poly))
    for lon, lat in [(35.0, 51.0), (30.0, 45.0), (40.0, 55.0)]:
        other = measure(snap(poly), crs=laea(lon, lat))
        assert laea_centre(other.crs) == pytest.approx((lon, lat))
        # straight chords of 2 km between densified vertices: a few 1e-9 apart
        assert other.area_km2 == pytest.approx(auto.area_km2, rel=1e-8)
