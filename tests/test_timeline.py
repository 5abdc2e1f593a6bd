"""Tests of kurskgeo.timeline: area series, gains and losses, change geometry.

References are independent of kurskgeo: strip areas from pyproj.Geod (edges
as geodesics, like kurskgeo), plain shapely overlays, and the figures of
PROVENANCE.md for the real data.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import math
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon, box

from kurskgeo import _fastread, _series
from kurskgeo.measure import area_km2, measure
from kurskgeo.errors import (
    KurskgeoWarning,
    RepairWarning,
    SkippedFeatureWarning,
    SnapshotError,
)
from kurskgeo.io import read_snapshot

# the package exports the function timeline(), which hides the module
tl = importlib.import_module("kurskgeo.timeline")
DATA = Path(__file__).parent / "data" / "timeline"
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


def snap_of(geom, day: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"date": [dt.date(2024, 8, day)], "zone": ["occupied"]},
        geometry=[geom],
        crs="OGC:CRS84",
    )


def strips(first: int, last: int) -> Polygon:
    return Polygon(strip_ring(first, last))


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


# ---------------------------------------------------------------- analytic series


def test_growing_strips_match_geod():
    # strips 0..1, then 0..3 (gain 2, 3), then 1..4 (lose 0, gain 4), then 1..4
    spans = [(0, 1), (0, 3), (1, 4), (1, 4)]
    snaps = [snap_of(strips(a, b), 6 + 2 * i) for i, (a, b) in enumerate(spans)]
    df = tl.timeline(snaps)
    expected_area = [sum(strip_km2(k) for k in range(a, b + 1)) for a, b in spans]
    assert df["area_km2"].tolist() == pytest.approx(expected_area, rel=1e-6)
    assert df.loc[1, "gained_km2"] == pytest.approx(
        strip_km2(2) + strip_km2(3), rel=1e-6
    )
    assert df.loc[1, "lost_km2"] == pytest.approx(0, abs=1e-6)
    assert df.loc[2, "gained_km2"] == pytest.approx(strip_km2(4), rel=1e-6)
    assert df.loc[2, "lost_km2"] == pytest.approx(strip_km2(0), rel=1e-6)
    assert df.loc[2, "km2_per_day"] == pytest.approx(df.loc[2, "net_km2"] / 2)
    assert (df.loc[1:, "days"] == 2).all()
    assert df.loc[3, "identical"] and df.loc[3, "method"] == "identical"
    assert df.loc[3, ["gained_km2", "lost_km2", "net_km2"]].tolist() == [0, 0, 0]
    assert math.isnan(df.loc[0, "gained_km2"]) and math.isnan(df.loc[0, "km2_per_day"])
    assert list(df.columns) == list(tl.COLUMNS)
    check_invariants(df)
    totals = df.attrs["totals"]
    assert totals["change_km2"] == pytest.approx(expected_area[-1] - expected_area[0])
    assert totals["n_identical"] == 1
    assert df.attrs["crs"].startswith("+proj=laea")


def test_area_series_equals_straightforward_in_series_crs():
    snaps = [snap_of(strips(0, k), 1 + k) for k in range(4)]
    s = tl.area_series(snaps)
    for snap, got in zip(snaps, s["area_km2"], strict=True):
        assert got == pytest.approx(area_km2(snap, crs=s.attrs["crs"]), rel=1e-12)


def test_fixture_files_redraw_is_a_sliver_not_a_change():
    df = tl.timeline(DATA)
    assert [d.isoformat() for d in df["date"]] == [
        "2024-08-06",
        "2024-08-07",
        "2024-08-09",
    ]
    # 07 is 06 redrawn with 7 decimals: nothing gained or lost on the 1e-6° grid
    redraw = df.iloc[1]
    assert redraw["gained_raw_km2"] == pytest.approx(0, abs=1e-9)
    assert redraw["lost_raw_km2"] == pytest.approx(0, abs=1e-9)
    assert abs(redraw["net_km2"]) < 0.01  # the redraw moved vertices by < 5 cm
    assert redraw["sliver_net_km2"] == pytest.approx(redraw["net_km2"])
    change = df.iloc[2]
    assert change["gained_km2"] == pytest.approx(strip_km2(4) + strip_km2(5), abs=0.01)
    assert change["lost_km2"] == pytest.approx(strip_km2(0), abs=0.01)
    assert change["n_gained"] == 1 and change["n_lost"] == 1
    assert change["days"] == 2
    check_invariants(df)
    # without the grid the redraw is all slivers: raw gains, but filtered out
    raw = tl.timeline(DATA, grid_size=None)
    assert raw.loc[1, "gained_raw_km2"] > 0 and raw.loc[1, "lost_raw_km2"] > 0
    assert raw.loc[1, "n_gained"] == 0 and raw.loc[1, "n_lost"] == 0
    assert raw.loc[1, "filtered_km2"] == pytest.approx(
        raw.loc[1, "gained_raw_km2"] + raw.loc[1, "lost_raw_km2"]
    )
    check_invariants(raw)


def test_files_and_tables_give_the_same_series():
    from_files = tl.timeline(sorted(DATA.glob("front_*.geojson")))
    tables = [read_snapshot(p) for p in sorted(DATA.glob("front_*.geojson"))]
    from_tables = tl.timeline(tables)
    cols = ["area_km2", "gained_km2", "lost_km2", "net_km2"]
    np.testing.assert_allclose(
        from_files[cols].to_numpy(dtype=float),
        from_tables[cols].to_numpy(dtype=float),
        rtol=1e-12,
        atol=1e-12,
    )


def test_small_real_change_is_filtered_but_net_stays_exact():
    base = strips(0, 3)
    bump = box(X0 + 0.1, LAT1, X0 + 0.101, LAT1 + 0.0005)  # ~0.0039 km²
    df = tl.timeline([snap_of(base, 1), snap_of(shapely.union(base, bump), 2)])
    row = df.iloc[1]
    # edges are geodesics: the bump also splits the base's top edge, so the
    # reference is the geodesic area of the union minus that of the base
    bumped = shapely.union(base, bump)
    bump_km2 = (
        abs(GEOD.geometry_area_perimeter(bumped)[0])
        - abs(GEOD.geometry_area_perimeter(base)[0])
    ) / 1e6
    assert 0.003 < bump_km2 < 0.005
    assert row["net_km2"] == pytest.approx(bump_km2, rel=1e-4)
    # the filtered part is measured as drawn in the equal-area CRS (edges straight
    # there), the net with geodesic edges: they differ by ~2% on so small a part
    assert row["n_gained"] == 0 and row["filtered_km2"] == pytest.approx(
        bump_km2, rel=0.05
    )
    # the net of what the filter removed is booked to gained
    assert row["gained_km2"] == pytest.approx(row["net_km2"])
    kept = tl.timeline(
        [snap_of(base, 1), snap_of(shapely.union(base, bump), 2)], min_area_km2=0
    )
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
    df = tl.timeline(snaps, zone="occupied", region=region)
    assert df["area_km2"].tolist() == pytest.approx(
        [strip_km2(0) + strip_km2(1), sum(strip_km2(k) for k in range(3))], rel=1e-6
    )
    assert df.loc[1, "gained_km2"] == pytest.approx(strip_km2(2), rel=1e-6)
    lib = tl.timeline(snaps, zone=["liberated"])
    assert lib.loc[1, "method"] == "identical"
    with pytest.raises(SnapshotError, match=r"zone contested.*liberated, occupied"):
        tl.timeline(snaps, zone="contested")


def test_zone_missing_on_some_dates_counts_as_zero():
    a = snap_of(strips(0, 1), 1)
    b = snap_of(strips(0, 1), 2).assign(zone="liberated")
    df = tl.timeline([a, b], zone="occupied")
    assert df["area_km2"].iloc[1] == 0
    assert df.loc[1, "lost_km2"] == pytest.approx(df["area_km2"].iloc[0])


# ---------------------------------------------------------------- errors


def test_duplicate_dates_are_refused_or_picked(tmp_path):
    series = [
        *sorted(DATA.glob("front_*.geojson")),
        DATA / "dup" / "dup_2024-08-07.geojson",
    ]
    with pytest.raises(
        SnapshotError, match=r"2 snapshots show 2024-08-07: .*front.*dup"
    ):
        tl.timeline(series)
    last = tl.timeline(series, on_duplicate="last")
    assert last["path"].iloc[1].endswith("dup_2024-08-07.geojson")
    first = tl.area_series(series, on_duplicate="first")
    assert first["path"].iloc[1].endswith("front_2024-08-07.geojson")
    with pytest.raises(ValueError, match="on_duplicate"):
        tl.timeline(series, on_duplicate="newest")


def test_undated_snapshot_is_an_error(tmp_path):
    undated = tmp_path / "front.geojson"
    undated.write_text((DATA / "front_2024-08-06.geojson").read_text())
    with pytest.raises(SnapshotError, match=r"front.geojson: no date"):
        tl.timeline([DATA / "front_2024-08-06.geojson", undated])


def test_bad_parameters():
    snaps = [snap_of(strips(0, 1), 1)]
    with pytest.raises(ValueError, match="min_area_km2"):
        tl.timeline(snaps, min_area_km2=-1)
    with pytest.raises(ValueError, match="grid_size"):
        tl.timeline(snaps, grid_size=-1e-6)
    with pytest.raises(SnapshotError, match="no such file"):
        tl.timeline(DATA / "nope.geojson")


def test_single_snapshot_series():
    df = tl.timeline([snap_of(strips(0, 1), 1)])
    assert len(df) == 1 and df.loc[0, "method"] == "first"


# ---------------------------------------------------------------- diff


def test_diff_parts_and_areas():
    a, b = snap_of(strips(0, 2), 1), snap_of(strips(1, 4), 5)
    d = tl.diff(a, b, keep=True)
    assert d.crs.equals("OGC:CRS84")
    assert d["change"].tolist() == ["gained", "lost", "kept"]
    expected = [strip_km2(3) + strip_km2(4), strip_km2(0), strip_km2(1) + strip_km2(2)]
    assert d["area_km2"].tolist() == pytest.approx(expected, rel=1e-6)
    # geometry is in lon/lat: the lost part is strip 0
    # (edges densified along the geodesic bulge by ~3e-6° at this size)
    assert d.geometry.iloc[1].bounds == pytest.approx(
        (X0, LAT0, X0 + STEP, LAT1), abs=1e-5
    )
    at = d.attrs
    assert at["gained_km2"] - at["lost_km2"] == pytest.approx(at["net_km2"], abs=1e-9)
    assert at["kept_km2"] + at["lost_km2"] == pytest.approx(at["area_a_km2"], rel=1e-9)
    assert at["date_a"] == dt.date(2024, 8, 1)
    row = tl.timeline([a, b]).iloc[1]
    assert row["gained_km2"] == pytest.approx(at["gained_km2"], rel=1e-12)
    assert row["lost_km2"] == pytest.approx(at["lost_km2"], rel=1e-12)


def test_diff_of_identical_snapshots_is_empty():
    a = snap_of(strips(0, 2), 1)
    d = tl.diff(a, a)
    assert len(d) == 0 and d.attrs["gained_km2"] == 0 and d.attrs["net_km2"] == 0


def test_diff_refuses_a_series():
    with pytest.raises(SnapshotError, match="must be one snapshot"):
        tl.diff(DATA, DATA / "front_2024-08-06.geojson")


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
    df = tl.timeline(snaps)
    rest = df.iloc[1:]
    assert np.allclose(
        rest[["gained_km2", "lost_km2", "net_km2"]].to_numpy(dtype=float), 0, atol=1e-7
    )
    assert (rest["n_gained"] == 0).all() and (rest["n_lost"] == 0).all()


@PROPERTY
@given(shapes(), shapes())
def test_reversing_two_snapshots_swaps_gained_and_lost(a, b):
    forward = tl.timeline([snap_of(a, 1), snap_of(b, 2)], min_area_km2=0).iloc[1]
    backward = tl.timeline([snap_of(b, 1), snap_of(a, 2)], min_area_km2=0).iloc[1]
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
    df = tl.timeline(
        [snap_of(g, 1 + i) for i, g in enumerate(geoms)], min_area_km2=min_area
    )
    check_invariants(df)
    # gained and lost are the geometric differences (plain shapely overlays)
    for i in range(1, len(geoms)):
        a, b = geoms[i - 1], geoms[i]
        ref_g = abs(GEOD.geometry_area_perimeter(shapely.difference(b, a))[0]) / 1e6
        # (the reference joins the difference's vertices by geodesics, kurskgeo
        # keeps the original edges: they differ by ~1e-4 km² at this size)
        assert df.loc[i, "gained_raw_km2"] == pytest.approx(ref_g, rel=1e-2, abs=2e-3)


# ---------------------------------------------------------------- fast reader


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "point",
            '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
            '"geometry":{"type":"Point","coordinates":[35,51]}}]}',
        ),
        (
            "unclosed",
            '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
            '"geometry":{"type":"Polygon","coordinates":[[[35,51],[36,51],[36,52],[35,52]]]}}]}',
        ),
        (
            "2d-and-3d",
            '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
            '"geometry":{"type":"Polygon","coordinates":[[[35,51],[36,51,0],[36,52],[35,51]]]}}]}',
        ),
        (
            "mixed",
            '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
            '"geometry":{"type":"Polygon","coordinates":[[[35],[36,51,0],[36,52],[35,52],[35,51]]]}}]}',
        ),
        (
            "projected",
            '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":'
            '"EPSG:3857"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":'
            '"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}',
        ),
        (
            "two-dates",
            '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
            '{"date":"2024-08-01"},"geometry":{"type":"Polygon","coordinates":'
            '[[[35,51],[36,51],[36,52],[35,51]]]}},{"type":"Feature","properties":'
            '{"date":"2024-08-02"},"geometry":{"type":"Polygon","coordinates":'
            "[[[35,51],[36,51],[36,52],[35,51]]]}}]}",
        ),
        (
            "bad-date",
            '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
            '{"date":"tomorrow"},"geometry":{"type":"Polygon","coordinates":'
            "[[[35,51],[36,51],[36,52],[35,51]]]}}]}",
        ),
        (
            "feature",
            '{"type":"Feature","properties":{},"geometry":{"type":"Polygon",'
            '"coordinates":[[[35,51],[36,51],[36,52],[35,51]]]}}',
        ),
    ],
)
def test_fast_reader_leaves_anything_unusual_to_read_snapshot(name, text):
    assert _fastread.read_plain(Path(f"{name}.geojson"), text.encode()) is None


def test_fast_reader_drops_z_and_keeps_the_features_date(tmp_path):
    """Z and one date on every feature: read_snapshot warns of neither."""
    text = (
        '{"type":"FeatureCollection","name":"n","features":[{"type":"Feature",'
        '"properties":{"date":"2024-08-01","zone":"a"},"geometry":{"type":"Polygon",'
        '"coordinates":[[[35,51,7],[36,51,0],[36,52,0],[35,51,7]]]}},'
        '{"type":"Feature","properties":{"date":"2024-08-01","zone":"b"},'
        '"geometry":{"type":"Polygon","coordinates":[[[30,51,0],[31,51,0],'
        "[31,52,0],[30,51,0]]]}}]}"
    )
    path = tmp_path / "2023-01-01.geojson"  # the features' date wins over the name's
    path.write_text(text)
    plain = _fastread.read_plain(path, text.encode())
    ref = read_snapshot(path)
    assert plain is not None and plain.date == dt.date(2024, 8, 1)
    assert set(ref["date"]) == {plain.date}
    assert plain.zones == tuple(ref["zone"]) == ("a", "b")
    ours = _fastread.build(plain.ragged)
    assert shapely.equals(ours, ref.geometry.values).all()
    assert not shapely.has_z(ours).any()


def test_fast_reader_matches_the_reference_parser():
    for path in sorted(DATA.glob("front_*.geojson")):
        plain = _fastread.read_plain(path, path.read_bytes())
        assert plain is not None and plain.zones == ("occupied",)
        ours = _fastread.build(plain.ragged)[0]
        doc = json.loads(path.read_text())
        ref = shapely.geometry.shape(doc["features"][0]["geometry"])
        assert np.array_equal(
            shapely.get_coordinates(ours), shapely.get_coordinates(ref)
        )
    assert plain.date == dt.date(2024, 8, 9)


def test_vectorised_densify_matches_area_densify():
    from kurskgeo.measure import densify_geodesic

    geom = shapely.Polygon([(30, 45), (40, 45), (40, 55), (30.01, 55.001), (30, 45)])
    ragged = _series.to_ragged(np.array([geom]))
    ours = shapely.get_coordinates(_fastread.build(_fastread.densify(ragged))[0])
    ref = shapely.get_coordinates(densify_geodesic(geom)[0])
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, atol=1e-11)
    cache = _fastread.DensifyCache()
    for _ in range(2):  # the second call takes every long edge from the cache
        again = _fastread.densify(ragged, cache=cache)
        np.testing.assert_array_equal(again[0], _fastread.densify(ragged)[0])


def test_two_cores_give_the_same_rows(monkeypatch, tmp_path):
    for i in range(6):
        g = strips(0, 1 + i % 4)
        doc = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": shapely.geometry.mapping(g),
                }
            ],
        }
        (tmp_path / f"s_2024-08-{10 + i}.geojson").write_text(json.dumps(doc))
    one = tl.timeline(tmp_path, workers=1)
    two = tl.timeline(tmp_path, workers=2)
    pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(
        tl.area_series(tmp_path, workers=2), one[["date", "path", "area_km2"]]
    )
    with pytest.raises(ValueError, match="workers"):
        tl.area_series(tmp_path, workers=3)


# ---------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def occupied(shared_data):
    return shared_data / "deepstate-occupied"


@pytest.fixture(scope="module")
def occupied_timeline(occupied):
    return tl.timeline(occupied, progress=False)


@pytest.mark.realdata
def test_real_areas_match_straightforward_and_geodesic(occupied):
    series = tl.area_series(occupied, progress=False)
    assert len(series) == 100 and series["date"].is_monotonic_increasing
    crs = series.attrs["crs"]
    for path, got in zip(series["path"], series["area_km2"], strict=True):
        snap = read_snapshot(path)
        assert got == pytest.approx(area_km2(snap, crs=crs), rel=1e-9)
        assert got == pytest.approx(measure(snap, crs=crs).geodesic_km2, rel=1e-5)


@pytest.mark.realdata
def test_real_timeline_on_one_core_and_two(occupied, occupied_timeline):
    """Two cores share the items from both ends: the same table, row for row."""
    one = tl.timeline(occupied, progress=False, workers=1)
    pd.testing.assert_frame_equal(one, occupied_timeline)
    two = tl.timeline(occupied, progress=False, workers=2)
    pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(
        tl.area_series(occupied, progress=False, workers=2),
        one[["date", "path", "area_km2"]],
    )


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
    crs = df.attrs["crs"]
    for i in (1, 3, 10, 33, 60):
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
def test_kursk_salient_from_deepstate_raw(shared_data, kursk_oblast):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = tl.timeline(
            shared_data / "deepstate-raw",
            zone="liberated",
            region=kursk_oblast,
            progress=False,
        )
    # the exports hold points (skipped) and one invalid 2022 polygon (repaired)
    # (and Ukrainian-only layer names in the 2022 file, zoned by fill colour)
    categories = {w.category for w in caught}
    assert {SkippedFeatureWarning, RepairWarning} <= categories
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
    # the same numbers as the straightforward path, zone and region included
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkippedFeatureWarning)  # points
        for path, got in list(zip(df["path"], df["area_km2"], strict=True))[2::6]:
            snap = read_snapshot(path)
            ref = area_km2(
                snap, zone="liberated", region=kursk_oblast, crs=df.attrs["crs"]
            )
            assert got == pytest.approx(ref, rel=1e-9)


@pytest.mark.realdata
def test_kursk_diff_between_two_raw_exports(shared_data, kursk_oblast):
    raw = shared_data / "deepstate-raw"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkippedFeatureWarning)  # points
        d = tl.diff(
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


def _all_fixture_files():
    root = Path(__file__).parent / "data"
    return sorted(
        p for p in root.rglob("*") if p.suffix in (".geojson", ".json", ".gz")
    )


@pytest.mark.parametrize("path", _all_fixture_files(), ids=lambda p: p.name)
def test_fast_reader_is_plain_only_when_read_snapshot_changes_nothing(path):
    """Whatever the fast reader accepts, read_snapshot reads silently and alike."""
    from kurskgeo import _geojson

    try:
        raw = _geojson.read_bytes(path)
    except SnapshotError:
        return
    plain = _fastread.read_plain(path, raw)
    if plain is None:
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        snap = read_snapshot(path)
    ours = _fastread.build(plain.ragged)
    if caught:
        # validity is the one thing the fast reader leaves to its caller
        assert {w.category for w in caught} == {RepairWarning}
        assert not shapely.is_valid(ours).all()
        return
    assert len(ours) == len(snap)
    assert list(plain.zones) == [None if pd.isna(z) else z for z in snap["zone"]]
    assert plain.date == (snap["date"].iloc[0] if snap["date"].notna().all() else None)
    np.testing.assert_allclose(
        shapely.area(ours), shapely.area(np.asarray(snap.geometry.values)), rtol=1e-12
    )


def test_invalid_plain_file_is_measured_as_read_snapshot_repairs_it(tmp_path):
    bowtie = tmp_path / "bowtie_2024-08-01.geojson"
    bowtie.write_bytes(
        (Path(__file__).parent / "data" / "bad" / "bowtie.geojson").read_bytes()
    )
    with pytest.warns(RepairWarning, match="bowtie"):
        series = tl.area_series(bowtie)
    with pytest.warns(RepairWarning, match="bowtie"):
        ref = area_km2(read_snapshot(bowtie), crs=series.attrs["crs"])
    assert series["area_km2"].iloc[0] == pytest.approx(ref, rel=1e-12)


grid = st.integers(0, 12)


@st.composite
def grid_shapes(draw):
    """Unions of boxes on an integer grid: many shared and collinear edges, holes."""
    boxes = []
    for _ in range(draw(st.integers(1, 5))):
        x0, x1 = sorted(draw(st.lists(grid, min_size=2, max_size=2, unique=True)))
        y0, y1 = sorted(draw(st.lists(grid, min_size=2, max_size=2, unique=True)))
        boxes.append(box(x0, y0, x1, y1))
    return shapely.union_all(boxes)


@settings(max_examples=300, deadline=None)
@given(grid_shapes(), grid_shapes())
def test_local_overlay_equals_full_overlays(a, b):
    from kurskgeo import _change

    gained, lost = _change.local_parts(_change.edges(a), _change.edges(b))
    assert shapely.area(gained).sum() == pytest.approx(
        shapely.area(b.difference(a)), abs=1e-9
    )
    assert shapely.area(lost).sum() == pytest.approx(
        shapely.area(a.difference(b)), abs=1e-9
    )
    merged = _change.merge_parts(gained)
    ref = shapely.get_parts(b.difference(a))
    assert len(merged) == len(ref[shapely.area(ref) > 0])


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
    df = tl.timeline(path)
    assert [d.day for d in df["date"]] == [1, 2, 3]
    assert df["gained_km2"].iloc[1:].tolist() == pytest.approx(
        [strip_km2(1), strip_km2(2)], rel=1e-6
    )
    table = read_snapshot(path)  # a multi-date table works the same
    pd.testing.assert_series_equal(tl.timeline(table)["area_km2"], df["area_km2"])


def test_table_dates_may_be_timestamps_or_text():
    a = snap_of(strips(0, 1), 1).assign(date=pd.Timestamp("2024-08-01"))
    b = snap_of(strips(0, 2), 1).assign(date="2024-08-04")
    df = tl.timeline([a, b])
    assert df["date"].tolist() == [dt.date(2024, 8, 1), dt.date(2024, 8, 4)]
    assert df.loc[1, "days"] == 3


@pytest.mark.realdata
def test_real_areas_do_not_depend_on_the_equal_area_crs(occupied):
    auto = tl.area_series(occupied, progress=False)
    for crs in ("EPSG:3035", "EPSG:6933"):
        named = tl.area_series(occupied, crs=crs, progress=False)
        assert named.attrs["crs"] == crs
        np.testing.assert_allclose(named["area_km2"], auto["area_km2"], rtol=1e-6)
