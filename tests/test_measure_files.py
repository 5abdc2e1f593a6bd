"""measure_files (behind ``kurskgeo area``) gives what measure(read_snapshot) gives."""

from __future__ import annotations

import datetime as dt
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer

from kurskgeo.measure import measure, measure_files
from kurskgeo.io import LONLAT
from kurskgeo.measure.crs import laea, laea_pipeline, laea_srs
from kurskgeo.errors import RepairWarning, SnapshotError
from kurskgeo.io import read_snapshots
from tests.common import box_ring, collection, feature, polygon, write_geojson

ROOT = Path(__file__).resolve().parents[1]
GEODATA = ROOT / "geodata" / "snapshots"
FIELDS = ("path", "date", "label", "source", "zone", "n_features", "crs", "notes")


def reference(paths, **kw):
    """The straightforward way: read every snapshot, measure each."""
    snaps = read_snapshots(
        paths,
        require_date=kw.pop("require_date", False),
        on_duplicate=kw.pop("on_duplicate", "error"),
    )
    return [measure(s, **kw) for s in snaps]


def assert_same(fast, ref, rtol=1e-12):
    assert len(fast) == len(ref)
    for a, b in zip(fast, ref, strict=True):
        for name in FIELDS:
            assert getattr(a, name) == getattr(b, name), name
        assert a.area_km2 == pytest.approx(b.area_km2, rel=rtol, abs=1e-12)
        assert a.geodesic_km2 == pytest.approx(b.geodesic_km2, rel=1e-9, abs=1e-12)
        assert a.area_mi2 == pytest.approx(b.area_mi2, rel=rtol, abs=1e-12)


@pytest.mark.parametrize("zone", [None, "liberated", ["liberated", "contested"]])
@pytest.mark.parametrize("clip", [False, True])
def test_embedded_snapshots(zone, clip):
    region = box_ring(34.9, 51.0, 35.6, 51.5) if clip else None
    region_poly = None
    if region is not None:
        from shapely.geometry import Polygon

        region_poly = Polygon(region)
    kw = {"zone": zone, "region": region_poly}
    assert_same(measure_files(GEODATA, **kw), reference(GEODATA, **kw))


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
    """A named CRS (Mollweide goes by the reference path: the authalic sphere).

    EASE-Grid 2.0 stretches shapes 1.9-fold at 51°N, so 2 km edges are not
    short enough there and the geodesic check warns on the 150 km² snapshot:
    it must warn the same way on both paths.
    """
    fast, said = recorded(measure_files, GEODATA, crs=crs)
    ref, expected = recorded(reference, GEODATA, crs=crs)
    assert_same(fast, ref, rtol=1e-9)
    assert said == expected


def test_invalid_polygon_goes_by_the_reference_path(tmp_path):
    bowtie = [[35, 51], [35.2, 51.2], [35.2, 51], [35, 51.2], [35, 51]]
    path = write_geojson(
        tmp_path / "2025-01-01.geojson", collection(feature(polygon(bowtie)))
    )
    with pytest.warns(RepairWarning):
        fast = measure_files(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = reference(path)
    assert_same(fast, ref)
    assert fast[0].notes and "repair" in fast[0].notes[0].lower()


def test_dates_duplicates_and_undated(tmp_path):
    square = collection(feature(polygon(box_ring(35, 51, 35.1, 51.1))))
    bigger = collection(feature(polygon(box_ring(35, 51, 35.2, 51.1))))
    write_geojson(tmp_path / "b_2025-01-02.geojson", square)
    write_geojson(tmp_path / "a_2025-01-02.geojson", bigger)
    write_geojson(tmp_path / "2025-01-01.geojson", square)
    write_geojson(tmp_path / "undated.geojson", bigger)
    with pytest.raises(SnapshotError, match="2 snapshots show 2025-01-02"):
        measure_files(tmp_path)
    for choice in ("first", "last"):
        got = measure_files(tmp_path, on_duplicate=choice)
        assert_same(got, reference(tmp_path, on_duplicate=choice))
        assert [m.date for m in got] == [dt.date(2025, 1, 1), dt.date(2025, 1, 2), None]
    with pytest.raises(SnapshotError, match="no date"):
        measure_files(tmp_path, on_duplicate="first", require_date=True)
    with pytest.raises(ValueError, match="on_duplicate"):
        measure_files(tmp_path, on_duplicate="both")


def test_multi_date_file_gives_a_row_per_date(tmp_path):
    doc = collection(
        feature(polygon(box_ring(35, 51, 35.1, 51.1)), date="2025-01-01"),
        feature(polygon(box_ring(35, 51, 35.2, 51.1)), date="2025-01-02"),
    )
    path = write_geojson(tmp_path / "series.geojson", doc)
    got = measure_files(path)
    assert [m.date for m in got] == [dt.date(2025, 1, 1), dt.date(2025, 1, 2)]
    assert_same(got, reference(path))


def test_same_geometry_under_other_names(tmp_path):
    """A file that repeats the previous one's geometry keeps its own name and date."""
    ring = box_ring(35, 51, 35.1, 51.1)
    write_geojson(tmp_path / "2025-01-01.geojson", collection(feature(polygon(ring))))
    write_geojson(
        tmp_path / "2025-01-02.geojson",
        collection(feature(polygon(ring)), name="renamed", source="elsewhere"),
    )
    got = measure_files(tmp_path)
    assert_same(got, reference(tmp_path))
    assert got[1].label == "renamed" and got[1].source == "elsewhere"


def test_unknown_zone_is_named(tmp_path):
    with pytest.raises(SnapshotError, match="no polygon of zone nothere; zones here"):
        measure_files(GEODATA, zone="nothere")


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("folder", "zone", "clip"),
    [
        ("deepstate-occupied", None, False),
        ("deepstate-occupied", None, True),
        ("deepstate-raw", ["liberated", "contested"], True),
        ("isw-kursk", "kursk_russian_advances", True),
    ],
)
def test_real_series_on_one_and_two_cores(
    shared_data, kursk_oblast, folder, zone, clip
):
    paths = shared_data / folder
    region = kursk_oblast if clip else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the raw exports' skipped points
        ref = reference(paths, zone=zone, region=region)
        one = measure_files(paths, zone=zone, region=region, workers=1)
        two = measure_files(paths, zone=zone, region=region, workers=2)
    assert one == two
    assert_same(one, ref, rtol=1e-11)


def recorded(fn, *args, **kw):
    """Call fn; return its result and the messages it warned, in order."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, [str(w.message) for w in caught]


@pytest.mark.realdata
def test_warnings_reach_the_caller_in_order(shared_data, tmp_path):
    """Raw exports warn (skipped points, repairs): the same words on 1 or 2 cores."""
    for name in sorted((shared_data / "deepstate-raw").glob("*.geojson"))[:4]:
        shutil.copy(name, tmp_path / name.name)
    _, ref = recorded(reference, tmp_path, zone="liberated")
    _, one = recorded(measure_files, tmp_path, zone="liberated", workers=1)
    _, two = recorded(measure_files, tmp_path, zone="liberated", workers=2)
    assert one and one == two
    assert sorted(one) == sorted(ref)
