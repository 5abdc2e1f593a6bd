"""Choosing and checking the equal-area CRS."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import CRS
from shapely.geometry import box

from kurskgeo.measure.crs import (
    as_crs,
    authalic_latitude,
    check_equal_area,
    equal_area_crs,
    geodetic_latitude,
    is_equal_area,
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
