"""Areas of real third-party snapshots against the WGS84 geodesic reference."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

import kurskgeo
from kurskgeo.area import geodesic_area_km2, measure
from kurskgeo.io import read_snapshot

pytestmark = pytest.mark.realdata


def _files(shared_data: Path, folder: str) -> list[Path]:
    files = sorted((shared_data / folder).glob("*.geojson"))
    assert files, f"no files in {shared_data / folder}"
    return files


def _read_quietly(path: Path):
    # null geometries are skipped and self-intersections repaired, with warnings
    # that test_io checks; here only the areas matter
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kurskgeo.KurskgeoWarning)
        return read_snapshot(path)


@pytest.mark.parametrize("folder", ["deepstate-occupied", "isw-kursk"])
def test_every_file_matches_the_geodesic_area(shared_data, folder):
    worst = 0.0
    for path in _files(shared_data, folder):
        snap = _read_quietly(path)
        # reference: pyproj.Geod on the repaired polygons as read, merged in lon/lat
        reference = geodesic_area_km2(
            shapely.union_all(np.asarray(snap.geometry.values))
        )
        got = measure(snap).area_km2
        rel = abs(got - reference) / reference
        worst = max(worst, rel)
        assert rel < 1e-6, f"{path.name}: {got} vs {reference}"
    assert worst < 1e-6


def test_kursk_oblast_area(kursk_oblast):
    m = measure(read_snapshot(kursk_oblast))
    assert m.area_km2 == pytest.approx(30_001.5, rel=5e-4)
    assert m.area_km2 == pytest.approx(29_997, rel=5e-4)  # the official figure
    assert m.geodesic_km2 == pytest.approx(m.area_km2, rel=1e-6)


def test_isw_null_geometries_and_repairs_warn(shared_data):
    path = shared_data / "isw-kursk" / "2024-12-01.geojson"
    with pytest.warns(kurskgeo.KurskgeoWarning) as record:
        snap = read_snapshot(path)
    kinds = {type(w.message) for w in record}
    assert kinds == {kurskgeo.SkippedFeatureWarning, kurskgeo.RepairWarning}
    assert snap["stated_km2"].notna().all()


def test_web_mercator_would_be_wrong_and_is_refused(shared_data, kursk_oblast):
    snap = read_snapshot(kursk_oblast)
    # the error users make: .area in EPSG:3857 is ~2.6x too large at 51° N
    naive = snap.to_crs("EPSG:3857").area.sum() / 1e6
    assert naive / kurskgeo.area_km2(snap) == pytest.approx(2.6, abs=0.1)
    with pytest.raises(kurskgeo.CRSError, match="equal-area"):
        kurskgeo.area_km2(snap, crs="EPSG:3857")


def liberated_by_name(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """DeepStateMap's polygons named "Звільнено /// Liberated[ date] /// ..."."""
    english = frame["name"].str.split("///").str.get(1).astype("string").str.strip()
    polygonal = frame.geom_type.isin(["Polygon", "MultiPolygon"])
    return frame[polygonal & english.str.match(r"Liberated\b", na=False)]


@pytest.mark.parametrize(
    "name", ["1723635752.geojson", "1733909037.geojson", "1744834181.geojson"]
)
def test_plain_geopandas_agrees(shared_data, kursk_oblast, name):
    """The same question asked of geopandas alone: liberated land in Kursk Oblast.

    geopandas projects each vertex and draws straight lines between them;
    kurskgeo first adds vertices along the geodesic on edges over 2 km, so
    the two differ by the slivers between chords and geodesics (6e-8 at most
    on these files).
    """
    path = shared_data / "deepstate-raw" / name
    m = measure(path, zone="liberated", region=kursk_oblast)
    liberated = liberated_by_name(gpd.read_file(path)).to_crs(m.crs)
    geoms = shapely.make_valid(shapely.force_2d(liberated.geometry.values))
    oblast = shapely.union_all(
        gpd.read_file(kursk_oblast).to_crs(m.crs).geometry.values
    )
    expected = shapely.intersection(shapely.union_all(geoms), oblast).area / 1e6
    assert expected > 10
    assert m.area_km2 == pytest.approx(expected, rel=1e-7)
    assert m.n_features == shapely.intersects(geoms, oblast).sum()


def test_raw_exports_note_their_markers_without_warning(shared_data):
    """A DeepStateMap export is mostly Point markers: expected, so noted, not warned."""
    path = shared_data / "deepstate-raw" / "1741215821.geojson"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = measure(path, zone="liberated")
    points = int((gpd.read_file(path).geom_type == "Point").sum())
    assert points > 100
    assert [n for n in m.notes if "Point" in n] == [
        f"{path}: ignored {points} Point (only polygons have an area)"
    ]


def test_fixture_fails_in_ci_when_data_is_missing(tmp_path):
    env = {**os.environ, "CI": "true", "KURSKGEO_TEST_DATA": str(tmp_path / "missing")}
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--no-header",
            f"{root}/tests/test_area_realdata.py::test_kursk_oblast_area",
        ],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout
    assert "real data not found" in proc.stdout
    assert "1 error" in proc.stdout or "1 failed" in proc.stdout
