"""measure_files (behind ``kurskgeo area``) gives, row for row, what measure() gives.

There is one measuring path (kurskgeo.area.Engine): a series measured with
measure_files, a file measured with measure(path) and the table read from it
measured with measure(read_snapshot(path)) must agree to the last bit.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer
from shapely.geometry import Polygon

from kurskgeo.area import (
    KM2_PER_MI2,
    MEASUREMENT_COLUMNS,
    Measurement,
    measure,
    measure_files,
)
from kurskgeo.area.crs import laea, laea_pipeline, laea_srs
from kurskgeo.errors import RepairWarning, SnapshotError
from kurskgeo.io import LONLAT, read_snapshot, read_snapshots
from tests.common import box_ring, collection, feature, polygon, write_geojson

ROOT = Path(__file__).resolve().parents[1]
GEODATA = ROOT / "geodata" / "snapshots"
COLUMNS = list(MEASUREMENT_COLUMNS)


def frame(rows: list[Measurement]) -> pd.DataFrame:
    """A table of measurements built here, row by row, from Measurement.to_dict."""
    return pd.DataFrame([m.to_dict() for m in rows], columns=COLUMNS)


def in_date_order(rows: list[Measurement]) -> list[Measurement]:
    """Dated rows by date, then undated ones, each group in the given order."""
    return sorted(rows, key=lambda m: (m.date is None, m.date or dt.date.min))


def files_of(paths) -> list[Path]:
    paths = Path(paths)
    return sorted(paths.glob("*.geojson")) if paths.is_dir() else [paths]


def each_file(paths, **kw) -> list[Measurement]:
    """measure(path) of every file, in date order."""
    return in_date_order([measure(p, **kw) for p in files_of(paths)])


def each_table(paths, **kw) -> list[Measurement]:
    """measure(read_snapshot(path)) of every file, in date order."""
    return in_date_order([measure(read_snapshot(p), **kw) for p in files_of(paths)])


def assert_frames_equal(got: pd.DataFrame, expected: pd.DataFrame, *, notes=True):
    """Every column equal, floats to the last bit (notes only if asked)."""
    assert list(got.columns) == COLUMNS
    if not notes:
        got, expected = got.drop(columns="notes"), expected.drop(columns="notes")
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), expected.reset_index(drop=True), check_exact=True
    )


def recorded(fn, *args, **kw):
    """Call fn; return its result and the (category, message) it warned, in order."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, [(w.category, str(w.message)) for w in caught]


def quietly(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


# ----------------------------------------------------------- the embedded data


@pytest.mark.parametrize("zone", [None, "liberated", ["liberated", "contested"]])
@pytest.mark.parametrize("clip", [False, True])
def test_embedded_snapshots(zone, clip):
    kw = {
        "zone": zone,
        "region": Polygon(box_ring(34.9, 51.0, 35.6, 51.5)) if clip else None,
    }
    got = measure_files(GEODATA, **kw)
    assert len(got) == len(files_of(GEODATA)) == 12
    assert_frames_equal(got, frame(each_file(GEODATA, **kw)))
    assert_frames_equal(got, frame(each_table(GEODATA, **kw)))
    if zone is not None:
        assert set(got["zone"]) == {"+".join([zone] if isinstance(zone, str) else zone)}


def test_the_frame():
    got = measure_files(GEODATA, zone="liberated")
    assert list(got.columns) == COLUMNS
    assert got["date"].tolist() == sorted(got["date"])
    for row, m in zip(
        got.to_dict("records"), each_file(GEODATA, zone="liberated"), strict=True
    ):
        assert row["crs"] == m.crs.srs and row["crs"].startswith("+proj=laea")
        assert row["area_mi2"] == pytest.approx(
            row["area_km2"] / 1.609344**2, rel=1e-15
        )
        assert row["relative_difference"] == pytest.approx(
            (row["area_km2"] - row["geodesic_km2"]) / row["geodesic_km2"], rel=1e-12
        )
    assert KM2_PER_MI2 == pytest.approx(1.609344**2, rel=1e-15)


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 16])
def test_chunks_and_file_order_do_not_change_the_result(chunk_size):
    files = files_of(GEODATA)
    ref = measure_files(GEODATA, zone=["liberated", "contested"])
    shuffled = [files[i] for i in (3, 0, 11, 4, 7, 2, 10, 1, 9, 5, 8, 6)]
    got = measure_files(
        shuffled, zone=["liberated", "contested"], chunk_size=chunk_size
    )
    assert_frames_equal(got, ref)


def test_laea_pipeline_is_the_transformation_from_crs_finds():
    srs = laea_srs(35.87, 48.12)
    assert laea(35.87, 48.12).srs == srs
    fast = Transformer.from_pipeline(laea_pipeline(srs))
    slow = Transformer.from_crs(LONLAT, laea(35.87, 48.12), always_xy=True)
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(20, 50, 5000), rng.uniform(40, 60, 5000)
    assert np.array_equal(fast.transform(lon, lat), slow.transform(lon, lat))
    x, y = slow.transform(lon, lat)
    assert np.array_equal(
        fast.transform(x, y, direction="INVERSE"),
        slow.transform(x, y, direction="INVERSE"),
    )


@pytest.mark.parametrize(
    "crs",
    ["EPSG:6933", "ESRI:54009", "+proj=aea +lat_1=50 +lat_2=52 +lon_0=35 +ellps=WGS84"],
)
def test_named_equal_area_crs(crs):
    """A named CRS: the same rows and the same warnings as file by file.

    EASE-Grid 2.0 stretches shapes 1.9-fold at 51°N, so 2 km edges are not
    short enough there and the geodesic check warns on the 150 km² snapshot:
    it must warn the same way whichever way the files are measured.
    """
    got, said = recorded(measure_files, GEODATA, crs=crs)
    ref, expected = recorded(each_file, GEODATA, crs=crs)
    assert_frames_equal(got, frame(ref))
    assert said == expected
    assert (got["crs"] == got["crs"].iloc[0]).all()


# ----------------------------------------------------------- what files can hold


def test_invalid_polygon_is_repaired_with_a_warning(tmp_path):
    bowtie = [[35, 51], [35.2, 51.2], [35.2, 51], [35, 51.2], [35, 51]]
    path = write_geojson(
        tmp_path / "2025-01-01.geojson", collection(feature(polygon(bowtie)))
    )
    got, said = recorded(measure_files, path)
    ref, expected = recorded(each_file, path)
    assert [c for c, _ in said] == [RepairWarning]
    assert said == expected
    assert_frames_equal(got, frame(ref))
    (notes,) = got["notes"]
    assert len(notes) == 1 and "repaired with make_valid" in notes[0]
    assert got["n_features"].tolist() == [1]


def test_dates_duplicates_and_undated(tmp_path):
    square = collection(feature(polygon(box_ring(35, 51, 35.1, 51.1))))
    bigger = collection(feature(polygon(box_ring(35, 51, 35.2, 51.1))))
    write_geojson(tmp_path / "b_2025-01-02.geojson", square)
    write_geojson(tmp_path / "a_2025-01-02.geojson", bigger)
    write_geojson(tmp_path / "2025-01-01.geojson", square)
    write_geojson(tmp_path / "undated.geojson", bigger)
    with pytest.raises(SnapshotError, match="2 snapshots show 2025-01-02"):
        measure_files(tmp_path)
    by_name = {p.name: measure(p) for p in tmp_path.iterdir()}
    for choice, kept in (
        ("first", "a_2025-01-02.geojson"),
        ("last", "b_2025-01-02.geojson"),
    ):
        got = measure_files(tmp_path, on_duplicate=choice)
        assert got["date"].tolist() == [dt.date(2025, 1, 1), dt.date(2025, 1, 2), None]
        expected = [by_name[n] for n in ("2025-01-01.geojson", kept, "undated.geojson")]
        assert_frames_equal(got, frame(expected))
    with pytest.raises(SnapshotError, match="no date"):
        measure_files(tmp_path, on_duplicate="first", require_date=True)
    with pytest.raises(ValueError, match="on_duplicate"):
        measure_files(tmp_path, on_duplicate="both")


def test_multi_date_file_gives_a_row_per_date(tmp_path):
    doc = collection(
        feature(polygon(box_ring(35, 51, 35.1, 51.1)), date="2025-01-02"),
        feature(polygon(box_ring(35, 51, 35.2, 51.1)), date="2025-01-01"),
    )
    path = write_geojson(tmp_path / "series.geojson", doc)
    got = measure_files(path)
    assert got["date"].tolist() == [dt.date(2025, 1, 1), dt.date(2025, 1, 2)]
    assert got["path"].tolist() == [f"{path}@2025-01-01", f"{path}@2025-01-02"]
    assert_frames_equal(got, frame([measure(s) for s in read_snapshots(path)]))
    # the wider box is the first date's
    assert got["area_km2"].iloc[0] == pytest.approx(
        2 * got["area_km2"].iloc[1], rel=1e-3
    )
    with pytest.raises(SnapshotError, match="holds 2 dates"):
        measure(path)


def test_same_geometry_under_other_names(tmp_path):
    """A file that repeats the previous one's geometry keeps its own name and date."""
    ring = box_ring(35, 51, 35.1, 51.1)
    write_geojson(tmp_path / "2025-01-01.geojson", collection(feature(polygon(ring))))
    write_geojson(
        tmp_path / "2025-01-02.geojson",
        collection(feature(polygon(ring)), name="renamed", source="elsewhere"),
    )
    got = measure_files(tmp_path)
    assert_frames_equal(got, frame(each_file(tmp_path)))
    assert got["label"].tolist() == ["2025-01-01", "renamed"]
    assert got["source"].iloc[1] == "elsewhere"
    assert got["area_km2"].iloc[0] == got["area_km2"].iloc[1]


def test_a_file_with_no_feature_near_the_region_keeps_its_date_and_names(tmp_path):
    """Nothing of the file is near the region: an area of 0, still of that date."""
    region = Polygon(box_ring(35, 51, 36, 52))
    far = collection(feature(polygon(box_ring(30, 45, 30.1, 45.1))), name="far away")
    near = collection(feature(polygon(box_ring(35.2, 51.2, 35.3, 51.3))), name="near")
    write_geojson(tmp_path / "2025-01-01.geojson", far)
    write_geojson(tmp_path / "2025-01-02.geojson", near)
    got = measure_files(tmp_path, region=region)
    assert got["date"].tolist() == [dt.date(2025, 1, 1), dt.date(2025, 1, 2)]
    assert got["label"].tolist() == ["far away", "near"]
    assert got["n_features"].tolist() == [0, 1]
    assert got["area_km2"].iloc[0] == 0
    path = tmp_path / "2025-01-01.geojson"
    by_path, by_table = (
        measure(path, region=region),
        measure(read_snapshot(path), region=region),
    )
    assert by_path.date == by_table.date == dt.date(2025, 1, 1)
    assert by_path.label == by_table.label == "far away"
    assert by_path.source == by_table.source
    assert_frames_equal(got, frame(each_table(tmp_path, region=region)))


def test_a_file_named_by_its_moment(tmp_path):
    """DeepStateMap names files by Unix time: the date and timestamp are in UTC."""
    moment = 1737150794  # 2025-01-17 21:53:14 UTC
    path = write_geojson(
        tmp_path / f"{moment}.geojson",
        collection(feature(polygon(box_ring(35, 51, 35.1, 51.1)))),
    )
    got = measure_files(path)
    expected = dt.datetime.fromtimestamp(moment, tz=dt.UTC)
    assert got["timestamp"].tolist() == [expected]
    assert got["date"].tolist() == [expected.date()]
    assert_frames_equal(got, frame([measure(path)]))


def test_unknown_zone_is_named():
    with pytest.raises(SnapshotError, match="no polygon of zone nothere; zones here"):
        measure_files(GEODATA, zone="nothere")


# ----------------------------------------------------------- real series


def date_in_name(path: Path) -> dt.date:
    """The date a real file's name gives, read here without kurskgeo."""
    stem = path.name.split(".")[0]
    if stem.isdigit():  # DeepStateMap API: Unix time
        return dt.datetime.fromtimestamp(int(stem), tz=dt.UTC).date()
    digits = re.search(r"(\d{4})-?(\d{2})-?(\d{2})", stem)
    assert digits, path
    return dt.date(*map(int, digits.groups()))


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("folder", "zone", "clip"),
    [
        ("deepstate-occupied", None, False),
        ("deepstate-occupied", None, True),
        ("deepstate-raw", "liberated", True),
        ("deepstate-raw", ["liberated", "contested"], True),
        ("isw-kursk", "kursk_russian_advances", True),
    ],
)
def test_real_series(shared_data, kursk_oblast, folder, zone, clip):
    paths = shared_data / folder
    kw = {"zone": zone, "region": kursk_oblast if clip else None}
    got = quietly(measure_files, paths, **kw)
    files = files_of(paths)
    # one row per file, in the order of the dates their names give
    assert got["date"].tolist() == sorted(date_in_name(p) for p in files)
    assert got["path"].tolist() == [str(p) for p in sorted(files, key=date_in_name)]
    assert_frames_equal(got, frame(quietly(each_file, paths, **kw)))
    # a table holds every zone and feature of the file, so only its notes differ
    assert_frames_equal(got, frame(quietly(each_table, paths, **kw)), notes=False)
    if clip:
        assert (got["region"] == str(kursk_oblast)).all()


@pytest.mark.realdata
def test_warnings_reach_the_caller_in_order(shared_data, kursk_oblast):
    """ISW files need repairs and have null geometries: said once per file, in order."""
    kw = {"zone": "kursk_russian_advances", "region": kursk_oblast}
    paths = shared_data / "isw-kursk"
    _, said = recorded(measure_files, paths, chunk_size=4, **kw)
    expected = []
    for path in sorted(files_of(paths), key=date_in_name):
        expected += recorded(measure, path, **kw)[1]
    assert said and said == expected
    assert {c for c, _ in said} >= {RepairWarning}
