"""Tests of kurskgeo.series: area series, timelines, gains and losses, diff.

References are independent of kurskgeo wherever a number is checked: strip
areas from pyproj.Geod (edges as geodesics, like kurskgeo), plain shapely
overlays, pyproj projections, and the figures of PROVENANCE.md for the real
data. Every area goes through one engine, so the functions that give an area
(timeline, area_series, measure_files, measure) are also checked against
each other.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import multiprocessing
import re
import shutil
import warnings
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import CRS, Geod, Transformer
from shapely.geometry import MultiPolygon, Polygon, box

from kurskgeo.area import (
    MEASUREMENT_COLUMNS,
    measure,
    measure_files,
    zone_union,
)
from kurskgeo.errors import (
    KurskgeoWarning,
    RepairWarning,
    SkippedFeatureWarning,
    SnapshotError,
)
from kurskgeo.io import read_snapshot
from kurskgeo.series import COLUMNS, area_series, diff, timeline

TESTS = Path(__file__).parent
DATA = TESTS / "data" / "timeline"
GEOD = Geod(ellps="WGS84")
X0, STEP, LAT0, LAT1 = 35.0, 0.05, 51.0, 51.2


# ---------------------------------------------------------------- helpers


def strip_ring(first: int, last: int) -> list[tuple[float, float]]:
    """Counter-clockwise ring over strips first..last with every strip corner."""
    xs = [X0 + STEP * k for k in range(first, last + 2)]
    return [(x, LAT0) for x in xs] + [(x, LAT1) for x in reversed(xs)]


def strip_km2(k: int) -> float:
    """Geodesic area of strip k (pyproj.Geod, independent of kurskgeo)."""
    x0, x1 = X0 + STEP * k, X0 + STEP * (k + 1)
    area, _ = GEOD.polygon_area_perimeter([x0, x1, x1, x0], [LAT0, LAT0, LAT1, LAT1])
    return abs(area) / 1e6


def geod_km2(geom) -> float:
    """Geodesic area of a lon/lat geometry (pyproj.Geod)."""
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def snapping_km2(first: int, last: int, grid_m: float = 0.1) -> float:
    """How far snapping to the grid can move the area of strips first..last.

    Each vertex (edges are densified every 2 km) moves by at most half a
    grid step along each axis: the area by at most the outline times that.
    """
    perimeter_m = GEOD.geometry_area_perimeter(strips(first, last))[1]
    return perimeter_m * grid_m / 1e6


def snap_of(geom, day: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"date": [dt.date(2024, 8, day)], "zone": ["occupied"]},
        geometry=[geom],
        crs="OGC:CRS84",
    )


def strips(first: int, last: int) -> Polygon:
    return Polygon(strip_ring(first, last))


def write_snapshot(path: Path, *geoms, **properties) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": dict(properties),
            "geometry": shapely.geometry.mapping(g),
        }
        for g in geoms
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def check_invariants(df: pd.DataFrame) -> None:
    """gained - lost = net = change of area_km2 on every row after the first."""
    rest = df.iloc[1:]
    scale = 1e-9 * max(1.0, df["area_km2"].max())
    assert np.allclose(
        rest["gained_km2"] - rest["lost_km2"], rest["net_km2"], atol=scale
    )
    assert np.allclose(rest["net_km2"], df["area_km2"].diff().iloc[1:], atol=scale)
    assert (rest["gained_km2"] >= 0).all() and (rest["lost_km2"] >= 0).all()
    assert (rest["filtered_km2"] >= -1e-12).all()


def to_lonlat(geom, crs):
    """`geom` drawn in `crs`, projected to longitude/latitude by pyproj."""
    tr = Transformer.from_crs(crs, "OGC:CRS84", always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(*xy.T)))


def laea_centre(crs_srs: str) -> tuple[float, float]:
    """(lon_0, lat_0) of a LAEA PROJ string."""
    params = dict(t.lstrip("+").partition("=")[::2] for t in str(crs_srs).split())
    assert params["proj"] == "laea" and params["ellps"] == "WGS84"
    return float(params["lon_0"]), float(params["lat_0"])


def assert_centred_on(crs_srs: str, bounds) -> None:
    """A LAEA centred on the middle of `bounds`, rounded to 0.5 degrees."""
    lon0, lat0 = laea_centre(crs_srs)
    minx, miny, maxx, maxy = bounds
    assert lon0 % 0.5 == 0 and lat0 % 0.5 == 0
    assert abs(lon0 - (minx + maxx) / 2) <= 0.25 + 1e-9
    assert abs(lat0 - (miny + maxy) / 2) <= 0.25 + 1e-9


# ---------------------------------------------------------------- analytic series


def test_growing_strips_match_geod():
    # strips 0..1, then 0..3 (gain 2, 3), then 1..4 (lose 0, gain 4), then 1..4
    spans = [(0, 1), (0, 3), (1, 4), (1, 4)]
    snaps = [snap_of(strips(a, b), 6 + 2 * i) for i, (a, b) in enumerate(spans)]
    df = timeline(snaps)
    expected_area = [sum(strip_km2(k) for k in range(a, b + 1)) for a, b in spans]
    assert df["area_km2"].tolist() == pytest.approx(expected_area, rel=1e-6)
    # gained and lost are measured on the geometries snapped to the 0.1 m grid
    assert df.loc[1, "gained_km2"] == pytest.approx(
        strip_km2(2) + strip_km2(3), abs=snapping_km2(2, 3)
    )
    assert df.loc[1, "lost_km2"] == pytest.approx(0, abs=snapping_km2(0, 3))
    assert df.loc[2, "gained_km2"] == pytest.approx(
        strip_km2(4), abs=snapping_km2(4, 4)
    )
    assert df.loc[2, "lost_km2"] == pytest.approx(strip_km2(0), abs=snapping_km2(0, 0))
    # compared as measured, they are the strips' geodesic areas
    exact = timeline(snaps, grid_size=None)
    assert exact.loc[1, "gained_km2"] == pytest.approx(
        strip_km2(2) + strip_km2(3), rel=1e-6
    )
    assert exact.loc[2, "gained_km2"] == pytest.approx(strip_km2(4), rel=1e-6)
    assert exact.loc[2, "lost_km2"] == pytest.approx(strip_km2(0), rel=1e-6)
    pd.testing.assert_series_equal(exact["area_km2"], df["area_km2"])
    assert df.loc[2, "km2_per_day"] == pytest.approx(df.loc[2, "net_km2"] / 2)
    assert (df.loc[1:, "days"] == 2).all()
    assert df.loc[3, "identical"] and df.loc[3, "method"] == "identical"
    assert df.loc[3, ["gained_km2", "lost_km2", "net_km2"]].tolist() == [0, 0, 0]
    assert math.isnan(df.loc[0, "gained_km2"]) and math.isnan(df.loc[0, "km2_per_day"])
    assert list(df.columns) == list(COLUMNS)
    check_invariants(df)
    totals = df.attrs["totals"]
    assert totals["change_km2"] == pytest.approx(expected_area[-1] - expected_area[0])
    assert totals["n_identical"] == 1
    assert df.attrs["grid_size"] == 0.1  # metres
    assert_centred_on(df.attrs["crs"], strips(1, 4).bounds)


def test_area_series_is_the_measurement_table():
    snaps = [snap_of(strips(0, k), 1 + k) for k in range(4)]
    s = area_series(snaps)
    assert list(s.columns) == list(MEASUREMENT_COLUMNS) and len(s) == 4
    assert [d.day for d in s["date"]] == [1, 2, 3, 4]
    for k, snap in enumerate(snaps):
        row, m = s.iloc[k], measure(snap)
        assert row["area_km2"] == m.area_km2  # one engine: the same number
        assert row["crs"] == m.crs.srs
        assert row["n_features"] == m.n_features == 1
        ref = sum(strip_km2(j) for j in range(k + 1))
        assert row["area_km2"] == pytest.approx(ref, rel=1e-6)
        assert row["geodesic_km2"] == pytest.approx(ref, rel=1e-9)
        assert row["area_mi2"] == pytest.approx(row["area_km2"] / 1.609344**2)


def test_each_snapshot_is_measured_in_its_own_crs():
    """Without a region the CRS is centred on each snapshot's own polygons."""
    here = strips(0, 1)
    there = shapely.affinity.translate(here, xoff=3.0, yoff=1.0)  # 38° E, 52° N
    snaps = [snap_of(here, 1), snap_of(there, 2)]
    s = area_series(snaps)
    assert_centred_on(s.loc[0, "crs"], here.bounds)
    assert_centred_on(s.loc[1, "crs"], there.bounds)
    assert s.loc[0, "crs"] != s.loc[1, "crs"]
    df = timeline(snaps)
    assert df["area_km2"].tolist() == s["area_km2"].tolist()
    assert df.attrs["crs"].srs == s.loc[1, "crs"]
    # nothing in common: all of the later one gained, all of the earlier lost
    # (measured in the later snapshot's CRS, which is equal-area too)
    assert df.loc[1, "gained_km2"] == pytest.approx(geod_km2(there), rel=1e-6)
    assert df.loc[1, "lost_km2"] == pytest.approx(geod_km2(here), rel=1e-6)
    assert df.loc[1, "net_km2"] == df.loc[1, "area_km2"] - df.loc[0, "area_km2"]


def test_fixture_files_redraw_is_a_sliver_not_a_change():
    df = timeline(DATA)
    assert [d.isoformat() for d in df["date"]] == [
        "2024-08-06",
        "2024-08-07",
        "2024-08-09",
    ]
    # 07 is 06 redrawn with 7 decimals, every vertex moved by < 6 cm: what the
    # 0.1 m grid leaves is slivers along the outline, at most its length times
    # (the move plus a grid step at each end), all filtered out
    outline_km = sum(
        GEOD.geometry_area_perimeter(g)[1] / 1e3
        for g in read_snapshot(DATA / "front_2024-08-06.geojson").geometry
    )
    redraw = df.iloc[1]
    raw = redraw["gained_raw_km2"] + redraw["lost_raw_km2"]
    assert raw < outline_km * 0.2e-3
    assert redraw["n_gained"] == 0 and redraw["n_lost"] == 0
    assert redraw["filtered_km2"] == pytest.approx(raw)
    assert abs(redraw["net_km2"]) < 0.01
    assert redraw["gained_km2"] < 0.01 and redraw["lost_km2"] < 0.01
    assert redraw["sliver_net_km2"] == pytest.approx(redraw["net_km2"])
    change = df.iloc[2]
    assert change["gained_km2"] == pytest.approx(strip_km2(4) + strip_km2(5), abs=0.01)
    assert change["lost_km2"] == pytest.approx(strip_km2(0), abs=0.01)
    assert change["n_gained"] == 1 and change["n_lost"] == 1
    assert change["days"] == 2
    check_invariants(df)
    # without the grid the redraw is all slivers: raw gains, but filtered out
    ungridded = timeline(DATA, grid_size=None)
    assert ungridded.attrs["grid_size"] is None
    assert (
        ungridded.loc[1, "gained_raw_km2"] > 0 and ungridded.loc[1, "lost_raw_km2"] > 0
    )
    assert ungridded.loc[1, "n_gained"] == 0 and ungridded.loc[1, "n_lost"] == 0
    assert ungridded.loc[1, "filtered_km2"] == pytest.approx(
        ungridded.loc[1, "gained_raw_km2"] + ungridded.loc[1, "lost_raw_km2"]
    )
    check_invariants(ungridded)
    pd.testing.assert_series_equal(ungridded["area_km2"], df["area_km2"])


# a square of 1 km drawn in a fixed LAEA, its corners 0.2 m past whole metres,
# then moved east by 0.17 m: snapped to whole metres the two coincide
GRID_CRS = "+proj=laea +lat_0=51 +lon_0=35 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"


def metre_square(x0: float, y0: float, side: float = 1000.0) -> Polygon:
    return to_lonlat(box(x0, y0, x0 + side, y0 + side), GRID_CRS)


@pytest.mark.parametrize("grid", [None, 0.1, 1.0, 10.0])
def test_grid_size_is_in_metres_of_the_equal_area_crs(grid):
    a = snap_of(metre_square(5000.2, 7000.2), 1)
    b = snap_of(metre_square(5000.37, 7000.2), 2)
    row = timeline([a, b], crs=GRID_CRS, grid_size=grid, min_area_km2=0).iloc[1]

    def snapped(v):
        return v if grid is None else round(v / grid) * grid

    shift_m = snapped(5000.37) - snapped(5000.2)  # 0.17, 0.2, 0, 0 m
    expected_km2 = 1000.0 * shift_m / 1e6
    assert row["gained_raw_km2"] == pytest.approx(expected_km2, rel=1e-4, abs=1e-12)
    assert row["lost_raw_km2"] == pytest.approx(expected_km2, rel=1e-4, abs=1e-12)
    assert row["n_gained"] == row["n_lost"] == (1 if shift_m else 0)
    # the areas and their net are measured as drawn, whatever the grid
    assert row["area_km2"] == pytest.approx(1.0, rel=1e-6)
    assert abs(row["net_km2"]) < 1e-9


def test_files_and_tables_give_the_same_series():
    paths = sorted(DATA.glob("front_*.geojson"))
    from_files = timeline(paths)
    from_tables = timeline([read_snapshot(p) for p in paths])
    cols = ["area_km2", "gained_km2", "lost_km2", "net_km2"]
    pd.testing.assert_frame_equal(from_files[cols], from_tables[cols])


def test_small_real_change_is_filtered_but_net_stays_exact():
    base = strips(0, 3)
    bump = box(X0 + 0.1, LAT1, X0 + 0.101, LAT1 + 0.0005)  # ~0.0039 km²
    bumped = shapely.union(base, bump)
    df = timeline([snap_of(base, 1), snap_of(bumped, 2)])
    row = df.iloc[1]
    # edges are geodesics: the bump also splits the base's top edge, so the
    # reference is the geodesic area of the union minus that of the base
    bump_km2 = geod_km2(bumped) - geod_km2(base)
    assert 0.003 < bump_km2 < 0.005
    assert row["net_km2"] == pytest.approx(bump_km2, rel=1e-4)
    # the filtered part is measured as drawn in the equal-area CRS (edges straight
    # there), the net with geodesic edges: they differ by ~2% on so small a part
    assert row["n_gained"] == 0
    assert row["filtered_km2"] == pytest.approx(bump_km2, rel=0.05)
    # the net of what the filter removed is booked to gained
    assert row["gained_km2"] == pytest.approx(row["net_km2"])
    kept = timeline([snap_of(base, 1), snap_of(bumped, 2)], min_area_km2=0)
    assert kept.loc[1, "n_gained"] == 1 and kept.loc[1, "filtered_km2"] == 0


def test_zone_and_region_apply_to_every_snapshot():
    def two_zones(day, span):
        return gpd.GeoDataFrame(
            {"date": [dt.date(2024, 8, day)] * 2, "zone": ["occupied", "liberated"]},
            geometry=[strips(*span), box(36, 51, 36.1, 51.1)],
            crs="OGC:CRS84",
        )

    snaps = [two_zones(1, (0, 1)), two_zones(2, (0, 3))]
    # strips 0..2; the margins keep the region's long (geodesic) edges clear
    region = box(X0 - 0.01, LAT0 - 0.01, X0 + 3 * STEP, LAT1 + 0.01)
    df = timeline(snaps, zone="occupied", region=region)
    assert df["area_km2"].tolist() == pytest.approx(
        [strip_km2(0) + strip_km2(1), sum(strip_km2(k) for k in range(3))], rel=1e-6
    )
    assert df.loc[1, "gained_km2"] == pytest.approx(
        strip_km2(2), abs=snapping_km2(2, 2)
    )
    # with a region, the CRS is centred on the region
    assert_centred_on(df.attrs["crs"], region.bounds)
    for snap, got in zip(snaps, df["area_km2"], strict=True):
        assert got == measure(snap, zone="occupied", region=region).area_km2
    lib = timeline(snaps, zone=["liberated"])
    assert lib.loc[1, "method"] == "identical"
    with pytest.raises(SnapshotError, match=r"zone contested.*liberated, occupied"):
        timeline(snaps, zone="contested")


@pytest.mark.parametrize("kind", ["tables", "files"])
def test_zone_missing_on_some_dates_counts_as_zero(kind, tmp_path):
    a = snap_of(strips(0, 1), 1)
    b = snap_of(strips(0, 1), 2).assign(zone="liberated")
    if kind == "files":
        a = write_snapshot(
            tmp_path / "a_2024-08-01.geojson", strips(0, 1), zone="occupied"
        )
        b = write_snapshot(
            tmp_path / "b_2024-08-02.geojson", strips(0, 1), zone="liberated"
        )
    df = timeline([a, b], zone="occupied")
    assert [d.day for d in df["date"]] == [1, 2]
    assert df["area_km2"].iloc[0] == pytest.approx(
        strip_km2(0) + strip_km2(1), rel=1e-6
    )
    assert df["area_km2"].iloc[1] == 0
    assert df.loc[1, "lost_km2"] == pytest.approx(df["area_km2"].iloc[0])
    s = area_series([a, b], zone="occupied")
    assert [d.day for d in s["date"]] == [1, 2]
    assert s["area_km2"].tolist() == df["area_km2"].tolist()
    assert s["n_features"].tolist() == [1, 0]


@pytest.mark.parametrize("kind", ["tables", "files"])
def test_snapshot_with_nothing_in_the_region_counts_as_zero(kind, tmp_path):
    near, far = strips(0, 1), shapely.affinity.translate(strips(0, 1), xoff=-5)
    a, b = snap_of(near, 1), snap_of(far, 2)
    if kind == "files":
        a = write_snapshot(tmp_path / "a_2024-08-01.geojson", near)
        b = write_snapshot(tmp_path / "b_2024-08-02.geojson", far)
    region = box(X0 - 0.1, LAT0 - 0.1, X0 + 0.2, LAT1 + 0.1)
    df = timeline([a, b], region=region)
    assert [d.day for d in df["date"]] == [1, 2]
    assert df["area_km2"].tolist() == [pytest.approx(geod_km2(near), rel=1e-6), 0]
    assert df.loc[1, "lost_km2"] == pytest.approx(df["area_km2"].iloc[0])


def test_one_multi_date_file_is_a_series(tmp_path):
    features = [
        {
            "type": "Feature",
            "properties": {"date": f"2024-08-0{1 + i}", "zone": "occupied"},
            "geometry": shapely.geometry.mapping(strips(0, i)),
        }
        for i in range(3)
    ]
    path = tmp_path / "history.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    df = timeline(path)
    assert [d.day for d in df["date"]] == [1, 2, 3]
    assert df["gained_km2"].iloc[1:].tolist() == pytest.approx(
        [strip_km2(1), strip_km2(2)], rel=1e-6
    )
    table = read_snapshot(path)  # a multi-date table works the same
    pd.testing.assert_series_equal(timeline(table)["area_km2"], df["area_km2"])
    s = area_series(path)
    assert s["area_km2"].tolist() == df["area_km2"].tolist()
    for day, got in zip(s["date"], s["area_km2"], strict=True):
        assert got == measure(table[table["date"] == day]).area_km2
    with pytest.raises(SnapshotError, match="3 dates"):
        measure(path)


def test_table_dates_may_be_timestamps_or_text():
    a = snap_of(strips(0, 1), 1).assign(date=pd.Timestamp("2024-08-01"))
    b = snap_of(strips(0, 2), 1).assign(date="2024-08-04")
    df = timeline([a, b])
    assert df["date"].tolist() == [dt.date(2024, 8, 1), dt.date(2024, 8, 4)]
    assert df.loc[1, "days"] == 3


# ---------------------------------------------------------------- unusual files


def test_z_coordinates_and_a_date_on_every_feature(tmp_path):
    """Z is dropped silently; the features' date wins over the file name's."""
    text = (
        '{"type":"FeatureCollection","name":"n","features":[{"type":"Feature",'
        '"properties":{"date":"2024-08-01","zone":"a"},"geometry":{"type":"Polygon",'
        '"coordinates":[[[35,51,7],[36,51,0],[36,52,0],[35,51,7]]]}},'
        '{"type":"Feature","properties":{"date":"2024-08-01","zone":"b"},'
        '"geometry":{"type":"Polygon","coordinates":[[[30,51,0],[31,51,0],'
        "[31,52,0],[30,51,0]]]}}]}"
    )
    path = tmp_path / "2023-01-01.geojson"
    path.write_text(text)
    tri_a = Polygon([(35, 51), (36, 51), (36, 52)])
    tri_b = Polygon([(30, 51), (31, 51), (31, 52)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        snap = read_snapshot(path)
        s = area_series(path)
        df = timeline(path)
        only_a = area_series(path, zone="a")
    assert not shapely.has_z(snap.geometry.values).any()
    assert shapely.equals(snap.geometry.values, np.array([tri_a, tri_b])).all()
    assert snap["zone"].tolist() == ["a", "b"]
    assert s["date"].tolist() == df["date"].tolist() == [dt.date(2024, 8, 1)]
    assert s.loc[0, "area_km2"] == pytest.approx(
        geod_km2(tri_a) + geod_km2(tri_b), rel=1e-6
    )
    assert df.loc[0, "area_km2"] == s.loc[0, "area_km2"]
    assert only_a.loc[0, "area_km2"] == pytest.approx(geod_km2(tri_a), rel=1e-6)


def test_invalid_polygon_is_measured_as_repaired(tmp_path):
    bowtie = tmp_path / "bowtie_2024-08-01.geojson"
    shutil.copy(TESTS / "data" / "bad" / "bowtie.geojson", bowtie)
    with pytest.warns(RepairWarning, match="bowtie"):
        series = area_series(bowtie)
    with pytest.warns(RepairWarning, match="bowtie"):
        df = timeline(bowtie)
    # reference: shapely's make_valid of the drawn ring, two triangles meeting
    # at (35.1, 51.1), measured with pyproj.Geod
    ring = json.loads(bowtie.read_text())["features"][0]["geometry"]
    repaired = shapely.make_valid(shapely.geometry.shape(ring))
    assert len(shapely.get_parts(repaired)) == 2
    assert series.loc[0, "area_km2"] == pytest.approx(geod_km2(repaired), rel=1e-6)
    assert df.loc[0, "area_km2"] == series.loc[0, "area_km2"]
    assert any("bowtie" in note for note in series.loc[0, "notes"])


UNUSUAL = {
    # name: (GeoJSON text, what the series gives: an error or a reference)
    "unclosed": (
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
        '"geometry":{"type":"Polygon","coordinates":[[[35,51],[36,51],[36,52],[35,52]]]}}]}',
        box(35, 51, 36, 52),
    ),
    "2d-and-3d": (
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
        '"geometry":{"type":"Polygon","coordinates":[[[35,51],[36,51,0],[36,52],[35,51]]]}}]}',
        Polygon([(35, 51), (36, 51), (36, 52)]),
    ),
    "bare-feature": (
        '{"type":"Feature","properties":{},"geometry":{"type":"Polygon",'
        '"coordinates":[[[35,51],[36,51],[36,52],[35,51]]]}}',
        Polygon([(35, 51), (36, 51), (36, 52)]),
    ),
    "projected": (
        '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":'
        '"EPSG:3857"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":'
        '"Polygon","coordinates":[[[0,0],[1000,0],[1000,1000],[0,0]]]}}]}',
        to_lonlat(Polygon([(0, 0), (1000, 0), (1000, 1000)]), "EPSG:3857"),
    ),
    "point-only": (
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
        '"geometry":{"type":"Point","coordinates":[35,51]}}]}',
        "no polygon",
    ),
    "one-coordinate": (
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
        '"geometry":{"type":"Polygon","coordinates":[[[35],[36,51,0],[36,52],[35,52],[35,51]]]}}]}',
        "not a list of",
    ),
    "bad-date": (
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
        '{"date":"tomorrow"},"geometry":{"type":"Polygon","coordinates":'
        "[[[35,51],[36,51],[36,52],[35,51]]]}}]}",
        "'tomorrow', not a YYYY-MM-DD date",
    ),
}


@pytest.mark.parametrize("name", UNUSUAL)
def test_unusual_files_in_a_series(name, tmp_path):
    text, expected = UNUSUAL[name]
    path = tmp_path / f"{name}_2024-08-05.geojson"
    path.write_text(text)
    if isinstance(expected, str):
        for fn in (read_snapshot, area_series, timeline, measure):
            with pytest.raises(SnapshotError, match=expected):
                fn(path)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = area_series(path)
    with warnings.catch_warnings(record=True) as caught_snapshot:
        warnings.simplefilter("always")
        snap = read_snapshot(path)
    # the series warns exactly as read_snapshot does (unclosed: RepairWarning)
    assert [(w.category, str(w.message)) for w in caught] == [
        (w.category, str(w.message)) for w in caught_snapshot
    ]
    assert s["date"].tolist() == [dt.date(2024, 8, 5)]
    assert s.loc[0, "area_km2"] == pytest.approx(geod_km2(expected), rel=1e-6)
    assert s.loc[0, "area_km2"] == measure(snap).area_km2


def test_points_are_noted_in_raw_exports_and_warned_elsewhere(tmp_path):
    """DeepStateMap's markers are expected: a note; in other files, a warning."""
    raw = shutil.copy(TESTS / "data" / "sources" / "1700000000.geojson", tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = area_series(raw, zone="occupied")
        timeline(raw, zone="occupied")
    assert any("ignored 1 Point" in note for note in s.loc[0, "notes"])
    tri = Polygon([(35, 51), (36, 51), (36, 52)])
    generic = tmp_path / "generic_2024-08-01.geojson"
    generic.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": shapely.geometry.mapping(g),
                    }
                    for g in (tri, shapely.Point(35.5, 51.2))
                ],
            }
        )
    )
    for fn in (area_series, timeline):
        with pytest.warns(SkippedFeatureWarning, match="ignored 1 Point"):
            out = fn(generic)
        assert out.loc[0, "area_km2"] == pytest.approx(geod_km2(tri), rel=1e-6)


def test_two_dates_in_one_file_are_two_rows(tmp_path):
    tri = Polygon([(35, 51), (36, 51), (36, 52)])
    features = [
        {
            "type": "Feature",
            "properties": {"date": d},
            "geometry": shapely.geometry.mapping(tri),
        }
        for d in ("2024-08-01", "2024-08-02")
    ]
    path = tmp_path / "two.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    df = timeline(path)
    assert df["date"].tolist() == [dt.date(2024, 8, 1), dt.date(2024, 8, 2)]
    assert df["area_km2"].tolist() == pytest.approx([geod_km2(tri)] * 2, rel=1e-6)
    assert df.loc[1, "identical"]


def _all_fixture_files():
    root = TESTS / "data"
    return sorted(
        p for p in root.rglob("*") if p.suffix in (".geojson", ".json", ".gz")
    )


def _run(fn):
    """(result or the SnapshotError's message, the warnings raised)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fn()
        except SnapshotError as exc:
            result = f"SnapshotError: {exc}"
    return result, [(w.category, str(w.message)) for w in caught]


@pytest.mark.parametrize("path", _all_fixture_files(), ids=lambda p: p.name)
def test_engine_reads_every_fixture_as_read_snapshot_does(path):
    """measure_files reads only what it measures; it gives what the table gives.

    The same areas, warnings and errors as measuring read_snapshot's table,
    for every zone of the file (and all of them).
    """

    def from_table(zone):
        snap = read_snapshot(path)
        days = sorted(d for d in snap["date"].dropna().unique())
        parts = [snap[snap["date"] == d] for d in days] if len(days) > 1 else [snap]
        parts = [p for p in parts if zone is None or (p["zone"] == zone).any()]
        return [measure(p, zone=zone).area_km2 for p in parts]

    def from_files(zone):
        return measure_files([path], zone=zone)["area_km2"].tolist()

    table, table_warnings = _run(lambda: from_table(None))
    files, files_warnings = _run(lambda: from_files(None))
    assert files == table
    assert files_warnings == table_warnings
    if isinstance(table, str):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        zones = sorted(read_snapshot(path)["zone"].dropna().unique())
    for zone in zones:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert from_files(zone) == from_table(zone), zone


# ---------------------------------------------------------------- errors


def test_duplicate_dates_are_refused_or_picked():
    series = [
        *sorted(DATA.glob("front_*.geojson")),
        DATA / "dup" / "dup_2024-08-07.geojson",
    ]
    with pytest.raises(
        SnapshotError, match=r"2 snapshots show 2024-08-07: .*front.*dup"
    ):
        timeline(series)
    with pytest.raises(SnapshotError, match=r"2 snapshots show 2024-08-07"):
        area_series(series)
    last = timeline(series, on_duplicate="last")
    assert last["path"].iloc[1].endswith("dup_2024-08-07.geojson")
    first = area_series(series, on_duplicate="first")
    assert first["path"].iloc[1].endswith("front_2024-08-07.geojson")
    with pytest.raises(ValueError, match="on_duplicate"):
        timeline(series, on_duplicate="newest")


def test_undated_snapshot_is_an_error(tmp_path):
    undated = tmp_path / "front.geojson"
    undated.write_text((DATA / "front_2024-08-06.geojson").read_text())
    for fn in (timeline, area_series):
        with pytest.raises(SnapshotError, match=r"front.geojson: no date"):
            fn([DATA / "front_2024-08-06.geojson", undated])


def test_bad_parameters():
    snaps = [snap_of(strips(0, 1), 1)]
    with pytest.raises(ValueError, match="min_area_km2"):
        timeline(snaps, min_area_km2=-1)
    with pytest.raises(ValueError, match="grid_size"):
        timeline(snaps, grid_size=-0.1)
    with pytest.raises(ValueError, match="grid_size"):
        diff(snaps[0], snaps[0], grid_size=float("nan"))
    with pytest.raises(SnapshotError, match="no such file"):
        timeline(DATA / "nope.geojson")
    with pytest.raises(TypeError, match="workers"):
        timeline(snaps, workers=2)  # gone: pass an executor


def test_single_snapshot_series():
    df = timeline([snap_of(strips(0, 1), 1)])
    assert len(df) == 1 and df.loc[0, "method"] == "first"
    assert df.loc[0, "area_km2"] == pytest.approx(strip_km2(0) + strip_km2(1), rel=1e-6)


# ---------------------------------------------------------------- diff


def test_diff_parts_and_areas():
    a, b = snap_of(strips(0, 2), 1), snap_of(strips(1, 4), 5)
    d = diff(a, b, keep=True)
    assert d.crs.equals("OGC:CRS84")
    assert d["change"].tolist() == ["gained", "lost", "kept"]
    tolerance = [snapping_km2(3, 4), snapping_km2(0, 0), 1e-6 * strip_km2(1)]
    expected = [strip_km2(3) + strip_km2(4), strip_km2(0), strip_km2(1) + strip_km2(2)]
    for got, ref, tol in zip(d["area_km2"], expected, tolerance, strict=True):
        assert got == pytest.approx(ref, abs=tol)
    exact = diff(a, b, grid_size=None, keep=True)
    assert exact["area_km2"].tolist() == pytest.approx(expected, rel=1e-6)
    ex = exact.attrs
    assert ex["kept_km2"] + ex["lost_km2"] == pytest.approx(ex["area_a_km2"], rel=1e-9)
    assert ex["kept_km2"] + ex["gained_km2"] == pytest.approx(
        ex["area_b_km2"], rel=1e-9
    )
    # geometry is in lon/lat: the lost part is strip 0
    # (edges densified along the geodesic bulge by ~3e-6° at this size)
    assert d.geometry.iloc[1].bounds == pytest.approx(
        (X0, LAT0, X0 + STEP, LAT1), abs=1e-5
    )
    at = d.attrs
    assert at["gained_km2"] - at["lost_km2"] == pytest.approx(at["net_km2"], abs=1e-9)
    assert at["kept_km2"] + at["lost_km2"] == pytest.approx(
        at["area_a_km2"], abs=snapping_km2(0, 2)
    )
    assert at["date_a"] == dt.date(2024, 8, 1)
    assert at["area_b_km2"] == measure(b).area_km2
    row = timeline([a, b]).iloc[1]
    assert row["gained_km2"] == pytest.approx(at["gained_km2"], rel=1e-12)
    assert row["lost_km2"] == pytest.approx(at["lost_km2"], rel=1e-12)


def test_diff_of_identical_snapshots_is_empty():
    a = snap_of(strips(0, 2), 1)
    d = diff(a, a)
    assert len(d) == 0 and d.attrs["gained_km2"] == 0 and d.attrs["net_km2"] == 0


def test_diff_refuses_a_series():
    with pytest.raises(SnapshotError, match="must be one snapshot"):
        diff(DATA, DATA / "front_2024-08-06.geojson")


# ---------------------------------------------------------------- properties

# edges of at most ~2 km: their geodesic bulge (< 0.1 m) stays far below the
# tolerances (a 24 km edge bulges 14 m, more than a thin shape is wide)
coord = st.integers(min_value=0, max_value=20).map(lambda i: i / 1000)


@st.composite
def shapes(draw):
    """A union of 1-4 random boxes near 35.01° E, 51.01° N (Polygon or MultiPolygon)."""
    boxes = []
    for _ in range(draw(st.integers(1, 4))):
        x0, x1 = sorted(draw(st.lists(coord, min_size=2, max_size=2, unique=True)))
        y0, y1 = sorted(draw(st.lists(coord, min_size=2, max_size=2, unique=True)))
        boxes.append(box(35 + x0, 51 + y0, 35 + x1, 51 + y1))
    return shapely.union_all(boxes)


def rewritten(geom):
    """The same geometry written differently: rings reversed and started elsewhere."""

    def ring(coords):
        pts = list(coords)[:-1][::-1]
        k = len(pts) // 2
        pts = pts[k:] + pts[:k]
        return [*pts, pts[0]]

    polys = [
        Polygon(ring(p.exterior.coords), [ring(h.coords) for h in p.interiors])
        for p in getattr(geom, "geoms", [geom])
    ]
    return MultiPolygon(polys)


PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(shapes(), st.integers(2, 4))
def test_repeated_snapshot_has_no_gains_or_losses(geom, n):
    snaps = [snap_of(geom if i % 2 == 0 else rewritten(geom), 1 + i) for i in range(n)]
    df = timeline(snaps)
    rest = df.iloc[1:]
    assert np.allclose(
        rest[["gained_km2", "lost_km2", "net_km2"]].to_numpy(dtype=float), 0, atol=1e-7
    )
    assert (rest["n_gained"] == 0).all() and (rest["n_lost"] == 0).all()


@PROPERTY
@given(shapes(), shapes())
def test_reversing_two_snapshots_swaps_gained_and_lost(a, b):
    forward = timeline([snap_of(a, 1), snap_of(b, 2)], min_area_km2=0).iloc[1]
    backward = timeline([snap_of(b, 1), snap_of(a, 2)], min_area_km2=0).iloc[1]
    assert forward["gained_km2"] == pytest.approx(
        backward["lost_km2"], rel=1e-7, abs=1e-7
    )
    assert forward["lost_km2"] == pytest.approx(
        backward["gained_km2"], rel=1e-7, abs=1e-7
    )
    assert forward["net_km2"] == pytest.approx(-backward["net_km2"], rel=1e-9, abs=1e-9)


@PROPERTY
@given(st.lists(shapes(), min_size=2, max_size=5), st.sampled_from([0.0, 0.01, 1.0]))
def test_gained_minus_lost_is_net_on_every_row(geoms, min_area):
    df = timeline(
        [snap_of(g, 1 + i) for i, g in enumerate(geoms)], min_area_km2=min_area
    )
    check_invariants(df)
    # gained and lost are the geometric differences (plain shapely overlays)
    for i in range(1, len(geoms)):
        a, b = geoms[i - 1], geoms[i]
        ref_g = geod_km2(shapely.difference(b, a))
        # (the reference joins the difference's vertices by geodesics, kurskgeo
        # keeps the original edges: they differ by ~1e-4 km² at this size)
        assert df.loc[i, "gained_raw_km2"] == pytest.approx(ref_g, rel=1e-2, abs=2e-3)


grid = st.integers(0, 12)


@st.composite
def grid_shapes(draw):
    """Unions of boxes on a 0.001° grid: many shared and collinear edges, holes."""
    boxes = []
    for _ in range(draw(st.integers(1, 5))):
        x0, x1 = sorted(draw(st.lists(grid, min_size=2, max_size=2, unique=True)))
        y0, y1 = sorted(draw(st.lists(grid, min_size=2, max_size=2, unique=True)))
        boxes.append(
            box(35 + x0 / 1000, 51 + y0 / 1000, 35 + x1 / 1000, 51 + y1 / 1000)
        )
    return shapely.union_all(boxes)


# a cylindrical equal-area CRS maps the lon/lat grid to a rectilinear one, so
# that the edges stay exactly collinear and shared after projecting
CEA = "EPSG:6933"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid_shapes(), grid_shapes())
def test_diff_parts_equal_full_overlays_of_the_measured_geometry(a, b):
    sa, sb = snap_of(a, 1), snap_of(b, 2)
    d = diff(sa, sb, crs=CEA, min_area_km2=0, grid_size=None)
    # the overlay of the unshared edges alone was right (no full-overlay fallback)
    assert d.attrs["method"] in ("local", "identical")
    ua, crs_a = zone_union(sa, crs=CEA)
    ub, crs_b = zone_union(sb, crs=CEA)
    assert crs_a.equals(crs_b) and d.attrs["crs"].equals(crs_b)
    gained_ref, lost_ref = ub.difference(ua), ua.difference(ub)
    gained = d[d["change"] == "gained"]
    lost = d[d["change"] == "lost"]
    assert gained["area_km2"].sum() == pytest.approx(gained_ref.area / 1e6, abs=1e-9)
    assert lost["area_km2"].sum() == pytest.approx(lost_ref.area / 1e6, abs=1e-9)
    assert d.attrs["gained_raw_km2"] == pytest.approx(gained_ref.area / 1e6, abs=1e-9)
    assert d.attrs["lost_raw_km2"] == pytest.approx(lost_ref.area / 1e6, abs=1e-9)
    parts = shapely.get_parts(gained_ref)
    assert len(gained) == len(parts[shapely.area(parts) > 0])
    parts = shapely.get_parts(lost_ref)
    assert len(lost) == len(parts[shapely.area(parts) > 0])


# ---------------------------------------------------------------- executors


def fork_pool():
    return ProcessPoolExecutor(
        max_workers=2, mp_context=multiprocessing.get_context("fork")
    )


@pytest.fixture
def series_with_a_repair(tmp_path):
    """Six dated files and one invalid polygon, repaired with a warning."""
    for i in range(6):
        write_snapshot(
            tmp_path / f"s_2024-08-{10 + i:02d}.geojson", strips(i % 3, 1 + i % 4)
        )
    shutil.copy(
        TESTS / "data" / "bad" / "bowtie.geojson", tmp_path / "b_2024-08-20.geojson"
    )
    return tmp_path


def _with_warnings(fn, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(**kwargs)
    return result, [(w.category, str(w.message)) for w in caught]


@pytest.mark.parametrize("make_pool", [fork_pool, lambda: ThreadPoolExecutor(2)])
@pytest.mark.parametrize("fn", [timeline, area_series], ids=["timeline", "area_series"])
def test_an_executor_gives_the_same_table_and_warnings(
    series_with_a_repair, fn, make_pool
):
    serial, serial_warnings = _with_warnings(
        fn, paths_or_snapshots=series_with_a_repair
    )
    assert RepairWarning in {c for c, _ in serial_warnings}
    with make_pool() as pool:
        spread, spread_warnings = _with_warnings(
            fn, paths_or_snapshots=series_with_a_repair, executor=pool
        )
    pd.testing.assert_frame_equal(spread, serial)
    assert spread.attrs.keys() == serial.attrs.keys()
    assert spread_warnings == serial_warnings
    assert len(serial) == 7


def test_measure_files_on_processes_warns_in_the_caller(series_with_a_repair):
    serial, serial_warnings = _with_warnings(
        measure_files, paths=series_with_a_repair, chunk_size=2
    )
    with fork_pool() as pool:
        spread, spread_warnings = _with_warnings(
            measure_files, paths=series_with_a_repair, chunk_size=2, executor=pool
        )
    pd.testing.assert_frame_equal(spread, serial)
    # the repair was warned in a worker process, and again here
    assert [c for c, _ in spread_warnings] == [RepairWarning]
    assert spread_warnings == serial_warnings
    series, _ = _with_warnings(area_series, paths_or_snapshots=series_with_a_repair)
    pd.testing.assert_series_equal(spread["area_km2"], series["area_km2"])


def test_progress_bars_only_when_asked(series_with_a_repair, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RepairWarning)
        quiet = timeline(series_with_a_repair)
        area_series(series_with_a_repair)
        assert capsys.readouterr().err == ""
        shown = timeline(series_with_a_repair, progress=True)
    assert "measuring" in capsys.readouterr().err
    pd.testing.assert_frame_equal(shown, quiet)


# ---------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def occupied(shared_data):
    return shared_data / "deepstate-occupied"


@pytest.fixture(scope="module")
def occupied_timeline(occupied):
    return timeline(occupied)


@pytest.fixture(scope="module")
def raw(shared_data):
    return shared_data / "deepstate-raw"


def _areas_five_ways(paths, **kwargs):
    """area_km2 of each path from timeline, area_series, measure_files, measure."""
    with warnings.catch_warnings():
        # read_snapshot repairs features far away that the others never parse
        warnings.simplefilter("ignore", RepairWarning)
        warnings.simplefilter("ignore", KurskgeoWarning)
        ways = {
            "timeline": timeline(paths, **kwargs)["area_km2"].tolist(),
            "area_series": area_series(paths, **kwargs)["area_km2"].tolist(),
            "measure_files": measure_files(paths, **kwargs)["area_km2"].tolist(),
            "measure(path)": [measure(p, **kwargs).area_km2 for p in paths],
            "measure(read_snapshot)": [
                measure(read_snapshot(p), **kwargs).area_km2 for p in paths
            ],
        }
    return ways


@pytest.mark.realdata
def test_real_areas_agree_five_ways(raw, occupied, kursk_oblast):
    """One engine: the same area whichever function measures a file."""
    kursk = sorted(
        raw / f"{t}.geojson" for t in (1648989208, 1723635752, 1741215821, 1744834181)
    )
    occ = sorted(occupied.glob("*.geojson"))
    occ = [occ[0], occ[1], occ[len(occ) // 2], occ[-1]]
    for paths, kwargs in (
        (kursk, {"zone": "liberated", "region": kursk_oblast}),
        (occ, {}),
    ):
        assert all(p.is_file() for p in paths)
        ways = _areas_five_ways(paths, **kwargs)
        ref = ways.pop("measure(path)")
        assert max(ref) > 300  # real areas, not zeros
        for name, areas in ways.items():
            assert areas == pytest.approx(ref, rel=1e-9, abs=1e-12), name
    # with a region the CRS is centred on it; without, on each snapshot's polygons
    region = gpd.read_file(kursk_oblast)
    assert_centred_on(
        measure(kursk[1], zone="liberated", region=kursk_oblast).crs.srs,
        region.total_bounds,
    )
    for path, srs in zip(occ, area_series(occ)["crs"], strict=True):
        assert srs == measure(path).crs.srs
        assert_centred_on(srs, read_snapshot(path).total_bounds)


@pytest.mark.realdata
def test_real_areas_match_pyproj_geod(occupied):
    series = area_series(occupied)
    assert len(series) == 100 and series["date"].is_monotonic_increasing
    assert series["path"].tolist() == sorted(str(p) for p in occupied.glob("*.geojson"))
    for i in (0, 37, 99):
        snap = read_snapshot(series["path"].iloc[i])
        ref = geod_km2(shapely.union_all(snap.geometry.values))
        assert series["area_km2"].iloc[i] == pytest.approx(ref, rel=1e-6)


@pytest.mark.realdata
@pytest.mark.parametrize("make_pool", [fork_pool, lambda: ThreadPoolExecutor(2)])
def test_real_timeline_on_an_executor(occupied, occupied_timeline, make_pool):
    with make_pool() as pool:
        spread = timeline(occupied, executor=pool)
        series = area_series(occupied, executor=pool)
    pd.testing.assert_frame_equal(spread, occupied_timeline)
    pd.testing.assert_frame_equal(series, area_series(occupied))
    pd.testing.assert_series_equal(series["area_km2"], occupied_timeline["area_km2"])


@pytest.mark.realdata
def test_real_timeline_invariants(occupied_timeline):
    df = occupied_timeline
    check_invariants(df)
    # slivers moved by snapping and filtering stay small (issue: <= 0.02 km²)
    assert df["sliver_net_km2"].abs().max() < 0.05
    # the area grows by some 7,600 km² from July 2024 to August 2026 (sanity)
    assert 100_000 < df["area_km2"].min() < df["area_km2"].max() < 125_000


@pytest.mark.realdata
def test_real_identical_days_are_detected(occupied_timeline):
    df = occupied_timeline
    for i in range(1, len(df)):
        a = read_snapshot(df["path"].iloc[i - 1]).geometry.iloc[0]
        b = read_snapshot(df["path"].iloc[i]).geometry.iloc[0]
        same = shapely.equals_exact(a, b, tolerance=0)
        assert bool(df["identical"].iloc[i]) == bool(same), df["date"].iloc[i]
    assert df["identical"].sum() >= 5


@pytest.mark.realdata
def test_real_gains_agree_with_plain_overlays(occupied_timeline):
    df = occupied_timeline
    for i in (1, 3, 10, 33, 60):
        # in the later snapshot's CRS, projected by geopandas (pyproj)
        crs = measure(df["path"].iloc[i]).crs
        a = read_snapshot(df["path"].iloc[i - 1]).to_crs(crs).geometry.iloc[0]
        b = read_snapshot(df["path"].iloc[i]).to_crs(crs).geometry.iloc[0]
        gained = shapely.area(shapely.difference(b, a)) / 1e6
        lost = shapely.area(shapely.difference(a, b)) / 1e6
        # plain overlays count every redraw sliver; kurskgeo leaves them out
        assert df["gained_km2"].iloc[i] == pytest.approx(
            gained, abs=0.1 + 1e-3 * gained
        )
        assert df["lost_km2"].iloc[i] == pytest.approx(lost, abs=0.1 + 1e-3 * lost)


@pytest.mark.realdata
def test_kursk_salient_from_deepstate_raw(raw, kursk_oblast):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = timeline(raw, zone="liberated", region=kursk_oblast)
    # the exports' Point markers are noted, not warned; the 2022 file has
    # Ukrainian-only layer names (zoned by fill colour), which is warned
    categories = {w.category for w in caught}
    assert SkippedFeatureWarning not in categories
    assert KurskgeoWarning in categories
    assert all(issubclass(c, KurskgeoWarning) for c in categories)
    check_invariants(df)
    by_date = dict(zip(df["date"], df["area_km2"], strict=True))
    # PROVENANCE.md: none on 2024-08-07, ~900 km² early September 2024,
    # ~40 km² mid-April 2025; 469 km² on 2024-08-14 and 362 km² on 2025-03-05
    assert by_date[dt.date(2024, 8, 7)] < 1
    assert 750 < by_date[dt.date(2024, 9, 4)] < 1050
    assert 20 < by_date[dt.date(2025, 4, 16)] < 70
    assert by_date[dt.date(2024, 8, 14)] == pytest.approx(469, abs=2)
    assert by_date[dt.date(2025, 3, 5)] == pytest.approx(362, abs=2)
    aug = df[df["date"] == dt.date(2024, 8, 14)].iloc[0]
    assert aug["gained_km2"] > 400 and aug["km2_per_day"] > 50
    # the markers are in every snapshot's notes instead
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KurskgeoWarning)
        series = area_series(raw, zone="liberated", region=kursk_oblast)
    for notes in series["notes"]:
        assert any(re.search(r"ignored \d+ Point", note) for note in notes), notes


@pytest.mark.realdata
def test_real_invalid_polygons_are_repaired_where_measured(raw):
    """The 2022 export's invalid polygons: repaired, warned, measured as repaired."""
    path = raw / "1648989208.geojson"
    snap, snap_warnings = _with_warnings(read_snapshot, path=path)
    s, series_warnings = _with_warnings(area_series, paths_or_snapshots=path)
    repairs = [m for c, m in series_warnings if c is RepairWarning]
    assert (
        len(repairs) == 2 and "feature 13" in repairs[0] and "feature 24" in repairs[1]
    )
    assert series_warnings == snap_warnings
    # reference: the polygons as drawn (some in GeometryCollections), made
    # valid by shapely, unioned, measured with pyproj.Geod
    doc = json.loads(path.read_text())
    features = [
        shapely.geometry.shape(f["geometry"]) for f in doc["features"] if f["geometry"]
    ]
    features = [f for f in features if f.geom_type != "Point"]
    polygons = [
        shapely.make_valid(shapely.force_2d(p))
        for f in features
        for p in shapely.get_parts(f)
        if p.geom_type in ("Polygon", "MultiPolygon")
    ]
    assert len(snap) == len(features) and len(polygons) > len(features)
    ref = geod_km2(shapely.union_all(polygons))
    # (the overlapping features are unioned in lon/lat here, in the equal-area
    # CRS by kurskgeo: where edges cross, the two differ by ~1e-6)
    assert s.loc[0, "area_km2"] == pytest.approx(ref, rel=1e-5)


@pytest.mark.realdata
def test_kursk_diff_between_two_raw_exports(raw, kursk_oblast):
    with warnings.catch_warnings():
        warnings.simplefilter("error", SkippedFeatureWarning)  # points are notes now
        d = diff(
            raw / "1723635752.geojson",
            raw / "1741215821.geojson",
            zone="liberated",
            region=kursk_oblast,
            keep=True,
        )
    at = d.attrs
    assert at["area_a_km2"] == pytest.approx(469, abs=2)
    assert at["area_b_km2"] == pytest.approx(362, abs=2)
    assert at["kept_km2"] + at["gained_km2"] == pytest.approx(
        at["area_b_km2"], abs=0.05
    )
    assert set(d["change"]) == {"gained", "lost", "kept"}


@pytest.mark.realdata
def test_real_areas_do_not_depend_on_the_equal_area_crs(occupied):
    auto = area_series(occupied)
    for crs in ("EPSG:3035", "EPSG:6933"):
        named = area_series(occupied, crs=crs)
        assert set(named["crs"]) == {CRS.from_user_input(crs).srs}
        np.testing.assert_allclose(named["area_km2"], auto["area_km2"], rtol=1e-6)
