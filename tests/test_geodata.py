"""The embedded data in geodata/: places, approximate snapshots, and their build script."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
import shapely
from pyproj import Geod
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parents[1]
GEODATA = ROOT / "geodata"
SNAPSHOTS = sorted((GEODATA / "snapshots").glob("kursk_*.geojson"))
GEOD = Geod(ellps="WGS84")

RU_PLACES = {
    "Kursk",
    "Sudzha",
    "Korenevo",
    "Lgov",
    "Rylsk",
    "Glushkovo",
    "Tetkino",
    "Bolshoe Soldatskoe",
    "Belaya",
    "Oleshnya",
    "Gornal",
    "Plekhovo",
    "Malaya Loknya",
    "Martynovka",
    "Sverdlikovo",
    "Kurchatov",
    "Lyubimovka",
    "Makhnovka",
    "Guevo",
    "Pogrebki",
    "Nikolayevo-Daryino",
}
UA_PLACES = {
    "Sumy",
    "Yunakivka",
    "Khotin",
    "Krasnopillia",
    "Myropillia",
    "Velyka Pysarivka",
}


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _places() -> dict[str, dict]:
    return {
        f["properties"]["name"]: f
        for f in _load(GEODATA / "places.geojson")["features"]
    }


def _geodesic_km2(geom) -> float:
    total = 0.0
    for part in shapely.get_parts(geom):
        area, _ = GEOD.geometry_area_perimeter(
            shapely.geometry.polygon.orient(part, 1.0)
        )
        total += area
    return total / 1e6


def test_places_schema_and_names():
    places = _places()
    assert set(places) == RU_PLACES | UA_PLACES
    for name, feat in places.items():
        props = feat["properties"]
        assert feat["geometry"]["type"] == "Point"
        assert props["country"] == ("RU" if name in RU_PLACES else "UA")
        assert props["kind"] in {"city", "town", "village"}
        assert props["name_local"]
        lon, lat = feat["geometry"]["coordinates"]
        assert 33.5 < lon < 37.0
        assert 50.0 < lat < 52.0


@pytest.mark.realdata
def test_places_lie_in_their_oblast(shared_data):
    """Independent check: every Russian place inside Kursk Oblast (OSM), every
    Ukrainian one inside Sumy Oblast (OCHA)."""
    import geopandas as gpd

    kursk = gpd.read_file(
        shared_data / "boundaries" / "kursk_oblast.geojson"
    ).union_all()
    sumy = gpd.read_file(
        shared_data / "context" / "sumy_oblast_ocha.geojson"
    ).union_all()
    outside = [
        name
        for name, feat in _places().items()
        if not (kursk if name in RU_PLACES else sumy).contains(shape(feat["geometry"]))
    ]
    assert outside == []


# The district each Russian settlement belongs to (general knowledge, independent
# of the coordinates).
DISTRICT = {
    "Sudzha": "Суджанский",
    "Oleshnya": "Суджанский",
    "Gornal": "Суджанский",
    "Plekhovo": "Суджанский",
    "Malaya Loknya": "Суджанский",
    "Martynovka": "Суджанский",
    "Sverdlikovo": "Суджанский",
    "Makhnovka": "Суджанский",
    "Guevo": "Суджанский",
    "Pogrebki": "Суджанский",
    "Nikolayevo-Daryino": "Суджанский",
    "Korenevo": "Кореневский",
    "Lyubimovka": "Кореневский",
    "Glushkovo": "Глушковский",
    "Tetkino": "Глушковский",
    "Belaya": "Беловский",
    "Bolshoe Soldatskoe": "Большесолдатский",
    "Rylsk": "Рыльский",
    "Lgov": "Льговский",
    "Kurchatov": "Курчатовский",
    "Kursk": "Курск",
}


@pytest.mark.realdata
def test_places_lie_in_their_district(shared_data):
    """Each Russian settlement lies in (or within 3 km of) its OSM district polygon."""
    import geopandas as gpd

    districts = gpd.read_file(
        shared_data / "boundaries" / "kursk_oblast_districts_osm.geojson"
    )
    places = _places()
    wrong = []
    for place, district in DISTRICT.items():
        rows = districts[districts["district"].str.startswith(district)]
        assert not rows.empty, district
        point = shape(places[place]["geometry"])
        if rows.union_all().distance(point) > 0.03:  # degrees, about 3 km
            wrong.append(place)
    assert wrong == []


def test_snapshot_files_and_metadata():
    dates = [p.stem.removeprefix("kursk_") for p in SNAPSHOTS]
    assert len(SNAPSHOTS) >= 4
    for needed in ("2024-08-07", "2024-08-21", "2025-01-08", "2025-03-19"):
        assert needed in dates
    for path in SNAPSHOTS:
        doc = _load(path)
        assert doc["type"] == "FeatureCollection"
        assert doc["date"] == path.stem.removeprefix("kursk_")
        assert doc["approximate"] is True
        assert doc["source"] == "kurskgeo approximate reconstruction"
        assert "Not a map of the front line" in doc["method"]
        assert doc["illustration"] == "approximate shapes, not a map of the front"
        assert "illustration" in doc["label"]
        follows = doc["follows"]
        published = dt.datetime.fromtimestamp(follows["map"], tz=dt.UTC)
        assert follows["published"] == published.isoformat()
        assert published.date().isoformat() == doc["date"]
        for report in doc["reports"]:
            assert {"outlet", "date", "statement"} <= set(report)
        zones = [f["properties"]["zone"] for f in doc["features"]]
        assert "liberated" in zones
        assert set(zones) <= {"liberated", "contested"}
        for feat in doc["features"]:
            geom = shape(feat["geometry"])
            assert geom.geom_type in {"Polygon", "MultiPolygon"}
            assert geom.is_valid
            assert feat["properties"]["date"] == doc["date"]


def test_snapshot_areas_match_their_targets_geodesically():
    """All ground (liberated + contested) measures the target figure, and so does
    the held zone where a target is given for it (checked with pyproj.Geod, not with
    the projection the script used)."""
    for path in SNAPSHOTS:
        doc = _load(path)
        geoms = {f["properties"]["zone"]: shape(f["geometry"]) for f in doc["features"]}
        everything = shapely.union_all(list(geoms.values()))
        assert _geodesic_km2(everything) == pytest.approx(
            doc["target_all_km2"], rel=2e-3
        )
        if doc["target_liberated_km2"] is not None:
            assert _geodesic_km2(geoms["liberated"]) == pytest.approx(
                doc["target_liberated_km2"], rel=2e-3
            )
        # the contested band only borders the held zone, it never overlaps it
        if "contested" in geoms:
            overlap = geoms["contested"].intersection(geoms["liberated"])
            assert _geodesic_km2(overlap) < 0.01


def test_snapshots_read_and_measure_with_kurskgeo():
    from kurskgeo import area_km2, read_snapshots

    snaps = read_snapshots(GEODATA / "snapshots")
    assert [str(s["date"].iloc[0]) for s in snaps] == [p.stem[6:] for p in SNAPSHOTS]
    for snap, path in zip(snaps, SNAPSHOTS, strict=True):
        doc = _load(path)
        both = area_km2(snap, zone=["liberated", "contested"])
        assert both == pytest.approx(doc["target_all_km2"], rel=2e-3)
        assert area_km2(snap, zone="liberated") <= both


def test_targets_are_the_deepstate_areas_they_follow():
    """The targets are the areas of the DeepStateMap map each file names."""
    for path in SNAPSHOTS:
        doc = _load(path)
        assert doc["target_liberated_km2"] == doc["follows"]["liberated_km2"]
        assert doc["target_all_km2"] == doc["follows"]["liberated_contested_km2"]


def test_peak_is_the_late_august_snapshot():
    """As on DeepStateMap: held + grey peaks on 21 August, held alone on 4 September."""
    both = {p.stem: _load(p)["target_all_km2"] for p in SNAPSHOTS}
    held = {p.stem: _load(p)["target_liberated_km2"] for p in SNAPSHOTS}
    assert max(both, key=both.get) == "kursk_2024-08-21"
    assert max(held, key=held.get) == "kursk_2024-09-04"


@pytest.mark.realdata
def test_areas_follow_the_real_deepstate_maps(shared_data, kursk_oblast):
    """Measured on the DeepStateMap export each file follows, clipped to the
    oblast, the areas are the file's targets (to the 0.1 km² they are written to)."""
    from kurskgeo import measure

    checked = 0
    for path in SNAPSHOTS:
        doc = _load(path)
        export = shared_data / "deepstate-raw" / f"{doc['follows']['map']}.geojson"
        if not export.is_file():
            continue
        held = measure(export, zone="liberated", region=kursk_oblast, strict=False)
        both = measure(
            export, zone=["liberated", "contested"], region=kursk_oblast, strict=False
        )
        assert held.area_km2 == pytest.approx(doc["target_liberated_km2"], abs=0.05)
        assert both.area_km2 == pytest.approx(doc["target_all_km2"], abs=0.05)
        checked += 1
    assert checked >= 10


@pytest.mark.realdata
def test_snapshots_mostly_inside_kursk_oblast(shared_data):
    """The hand-authored border is accurate to a few km: at least 80% of each held
    zone lies inside the real (OSM) Kursk Oblast boundary."""
    import geopandas as gpd

    kursk = gpd.read_file(
        shared_data / "boundaries" / "kursk_oblast.geojson"
    ).union_all()
    for path in SNAPSHOTS:
        doc = _load(path)
        held = shapely.union_all([shape(f["geometry"]) for f in doc["features"]])
        inside = _geodesic_km2(held.intersection(kursk)) / _geodesic_km2(held)
        assert inside > 0.8, (path.name, inside)


def test_build_script_is_deterministic(tmp_path):
    """Rebuilding into a copy gives byte-identical files."""
    import shutil

    copy = tmp_path / "geodata"
    shutil.copytree(GEODATA, copy, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [sys.executable, str(copy / "build_snapshots.py")],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    for path in [GEODATA / "places.geojson", GEODATA / "countries.geojson", *SNAPSHOTS]:
        rebuilt = copy / path.relative_to(GEODATA)
        assert rebuilt.read_bytes() == path.read_bytes(), path.name


def test_countries_split_by_the_authored_border_and_hold_their_places():
    """The context layer: two valid polygons that touch along the border without
    overlapping, and every place lies in its own country (a consistency check of the
    hand-authored border against the hand-authored places)."""
    doc = _load(GEODATA / "countries.geojson")
    polys = {f["properties"]["name"]: shape(f["geometry"]) for f in doc["features"]}
    assert set(polys) == {"Russia", "Ukraine"}
    assert all(p.is_valid for p in polys.values())
    assert polys["Russia"].intersection(polys["Ukraine"]).area < 1e-6
    for name, feat in _places().items():
        country = "Russia" if name in RU_PLACES else "Ukraine"
        assert polys[country].contains(shape(feat["geometry"])), name
