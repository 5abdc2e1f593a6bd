"""Reading snapshots: schema, dates, CRS, Z, orientation, repairs and errors."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon, box

import kurskgeo
from kurskgeo.area import area_km2, geodesic_area_km2
from kurskgeo.io import atomic_write, date_from_name, read_snapshot, read_snapshots
from tests.common import box_ring, collection, feature, polygon, write_geojson

SQUARE = box_ring(35.0, 51.0, 35.2, 51.2)
HOLE = box_ring(35.05, 51.05, 35.1, 51.1)


def test_schema_and_properties_kept(tmp_path):
    p = write_geojson(
        tmp_path / "2025-01-17.geojson",
        collection(feature(polygon(SQUARE), zone="liberated", name="salient", note=3)),
    )
    snap = read_snapshot(p)
    assert list(snap.columns[:4]) == ["date", "source", "label", "zone"]
    assert snap.geometry.name == "geometry"
    assert snap.crs.equals("OGC:CRS84")
    row = snap.iloc[0]
    assert row["date"] == dt.date(2025, 1, 17)
    assert row["zone"] == "liberated"
    assert row["name"] == "salient" and row["note"] == 3
    assert row["label"] == "2025-01-17"
    assert snap.attrs["path"] == str(p)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("deepstatemap_data_20240814.geojson", dt.date(2024, 8, 14)),
        ("kursk_2025-01-17.geojson", dt.date(2025, 1, 17)),
        ("1737150794.geojson", dt.date(2025, 1, 17)),
        ("1737150794.geojson.gz", dt.date(2025, 1, 17)),
        ("nodate.geojson", None),
        ("20251399.geojson", None),  # not a real date
    ],
)
def test_date_from_file_name(name, expected):
    assert date_from_name(name)[0] == expected


def test_unix_name_gives_the_moment(tmp_path):
    p = write_geojson(
        tmp_path / "1737150794.geojson", collection(feature(polygon(SQUARE)))
    )
    snap = read_snapshot(p)
    assert snap.attrs["timestamp"] == dt.datetime(
        2025, 1, 17, 21, 53, 14, tzinfo=dt.UTC
    )


def test_date_property_beats_file_name_and_argument_beats_both(tmp_path):
    p = write_geojson(
        tmp_path / "2025-01-17.geojson",
        collection(feature(polygon(SQUARE), date="2024-12-01")),
    )
    assert read_snapshot(p)["date"].iloc[0] == dt.date(2024, 12, 1)
    assert read_snapshot(p, date="2020-01-01")["date"].iloc[0] == dt.date(2020, 1, 1)


def test_api_record_is_unwrapped(tmp_path):
    record = {"id": 1741215821, "map": collection(feature(polygon(SQUARE)))}
    snap = read_snapshot(write_geojson(tmp_path / "last.json", record))
    assert snap["date"].iloc[0] == dt.date(2025, 3, 5)


def test_gzip_and_bom(tmp_path):
    doc = collection(feature(polygon(SQUARE)))
    gz = write_geojson(tmp_path / "a_2025-01-01.geojson.gz", doc, gz=True)
    bom = tmp_path / "b_2025-01-01.json"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps(doc).encode())
    expected = geodesic_area_km2(Polygon(SQUARE))
    for p in (gz, bom):
        assert area_km2(read_snapshot(p)) == pytest.approx(expected, rel=1e-6)


def test_z_is_dropped(tmp_path):
    ring3d = [[x, y, 100.0 * i] for i, (x, y) in enumerate(SQUARE)]
    ring3d[-1] = ring3d[0]
    snap = read_snapshot(
        write_geojson(tmp_path / "z.geojson", collection(feature(polygon(ring3d))))
    )
    assert not snap.geometry.has_z.any()


def test_rings_are_oriented_and_same_orientation_holes_are_holes(tmp_path):
    # DeepState's raw exports draw holes counter-clockwise, like their shells.
    ccw_hole = HOLE  # box_ring is counter-clockwise
    snap = read_snapshot(
        write_geojson(
            tmp_path / "h.geojson", collection(feature(polygon(SQUARE[::-1], ccw_hole)))
        )
    )
    geom = snap.geometry.iloc[0]
    assert geom.exterior.is_ccw and not geom.interiors[0].is_ccw
    expected = geodesic_area_km2(Polygon(SQUARE)) - geodesic_area_km2(Polygon(HOLE))
    assert area_km2(snap) == pytest.approx(expected, rel=1e-6)


def test_crs_member_is_honoured(tmp_path):
    tr = Transformer.from_crs("OGC:CRS84", "EPSG:3035", always_xy=True)
    ring = [
        list(tr.transform(x, y))
        for x, y in shapely.segmentize(Polygon(SQUARE), 0.01).exterior.coords
    ]
    doc = collection(
        feature(polygon(ring)),
        crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3035"}},
    )
    snap = read_snapshot(write_geojson(tmp_path / "laea.geojson", doc))
    assert snap.crs.equals("OGC:CRS84")
    assert snap.total_bounds == pytest.approx([35.0, 51.0, 35.2, 51.2], abs=1e-6)


def test_epsg4326_crs_member_means_longitude_first(tmp_path):
    doc = collection(
        feature(polygon(SQUARE)),
        crs={"type": "name", "properties": {"name": "EPSG:4326"}},
    )
    snap = read_snapshot(write_geojson(tmp_path / "x.geojson", doc))
    assert snap.total_bounds[0] == pytest.approx(35.0)


def test_invalid_polygon_is_repaired_with_a_warning(tmp_path):
    bowtie = [[35, 51], [35.2, 51.2], [35.2, 51], [35, 51.2], [35, 51]]
    p = write_geojson(
        tmp_path / "b.geojson",
        collection(feature(polygon(SQUARE)), feature(polygon(bowtie))),
    )
    with pytest.warns(
        kurskgeo.RepairWarning,
        match=r"feature 1: invalid polygon \(Self-intersection.*km²",
    ):
        snap = read_snapshot(p)
    assert snap.geometry.is_valid.all()
    assert len(snap.attrs["notes"]) == 1


def test_points_lines_and_null_geometries_are_skipped_and_counted(tmp_path):
    doc = collection(
        feature(polygon(SQUARE)),
        feature({"type": "Point", "coordinates": [35, 51]}),
        feature({"type": "Point", "coordinates": [35, 52]}),
        feature({"type": "LineString", "coordinates": [[35, 51], [36, 52]]}),
        feature(None),
    )
    with pytest.warns(kurskgeo.SkippedFeatureWarning) as record:
        snap = read_snapshot(write_geojson(tmp_path / "m.geojson", doc))
    text = " | ".join(str(w.message) for w in record)
    assert "1 LineString, 2 Point" in text and "1 feature(s) with null geometry" in text
    assert len(snap) == 1


def test_geometry_collection_contributes_its_polygons(tmp_path):
    gc = {
        "type": "GeometryCollection",
        "geometries": [
            polygon(SQUARE),
            {"type": "Point", "coordinates": [0, 0]},
            polygon(box_ring(36, 51, 36.1, 51.1)),
        ],
    }
    with pytest.warns(kurskgeo.SkippedFeatureWarning, match="1 Point"):
        snap = read_snapshot(
            write_geojson(tmp_path / "gc.geojson", collection(feature(gc)))
        )
    assert snap.geometry.iloc[0].geom_type == "MultiPolygon"
    expected = geodesic_area_km2(Polygon(SQUARE)) + geodesic_area_km2(
        box(36, 51, 36.1, 51.1)
    )
    assert area_km2(snap) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "empty"),
        (b"not json at all", "not valid JSON"),
        (b'{"type": "FeatureCollection", "features": [', "not valid JSON"),
        (b'{"hello": 1}', "not GeoJSON"),
        (b"[1, 2, 3]", "not GeoJSON"),
        (b'{"type": "FeatureCollection", "features": []}', "no polygon"),
        (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}, "properties": {}}]}',
            "no polygon",
        ),
        (
            b'{"type": "Feature", "geometry": {"type": "Circle", "coordinates": [1, 2]}, "properties": {}}',
            "unknown geometry type 'Circle'",
        ),
        (
            b'{"type": "Polygon", "coordinates": [[[35, 51], [35, 52], [36, 52], [35, 51]]], "crs": {"type": "name", "properties": {"name": "EPSG:999999"}}}',
            "PROJ does not know",
        ),
        (
            b'{"type": "Polygon", "coordinates": [[[3500000, 5100000], [3600000, 5100000], [3600000, 5200000], [3500000, 5100000]]]}',
            "look projected",
        ),
        (
            b'{"type": "Polygon", "coordinates": [[[51, 35], [51, 135], [52, 136], [51, 35]]]}',
            "swapped",
        ),
        (
            b'{"type": "Polygon", "coordinates": [[[181, 35], [182, 35], [182, 36], [181, 35]]]}',
            "outside longitude",
        ),
        (
            b'{"type": "Polygon", "coordinates": [[[35, 51], [35, NaN], [36, 52], [35, 51]]]}',
            "NaN",
        ),
        (b"\x1f\x8b\x08\x00garbage", "gzip"),
        (b"\x00\x00\x27\x0a\x00\x00\x00\x00", "shapefile"),
    ],
)
def test_bad_files_raise_snapshot_error(tmp_path, content, match):
    p = tmp_path / "bad.geojson"
    p.write_bytes(content)
    with pytest.raises(kurskgeo.SnapshotError, match=match) as info:
        read_snapshot(p)
    assert str(p) in str(info.value)
    assert isinstance(info.value, ValueError)


def test_gz_name_without_gzip_content(tmp_path):
    p = tmp_path / "x.geojson.gz"
    p.write_bytes(json.dumps(collection(feature(polygon(SQUARE)))).encode())
    with pytest.raises(kurskgeo.SnapshotError, match="not gzip-compressed"):
        read_snapshot(p)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(kurskgeo.SnapshotError, match="no such file"):
        read_snapshot(tmp_path / "nope.geojson")
    with pytest.raises(kurskgeo.SnapshotError, match="folder"):
        read_snapshot(tmp_path)


def test_inputs_are_not_modified(tmp_path):
    p = write_geojson(
        tmp_path / "2025-01-01.geojson",
        collection(feature(polygon(SQUARE[::-1], HOLE))),
    )
    before = p.read_bytes()
    read_snapshot(p)
    read_snapshots([p])
    assert p.read_bytes() == before


def test_series_is_sorted_and_duplicates_refused(tmp_path):
    for name in ("2025-01-03.geojson", "2025-01-01.geojson", "x_20250103.geojson"):
        write_geojson(tmp_path / name, collection(feature(polygon(SQUARE))))
    with pytest.raises(
        kurskgeo.SnapshotError,
        match=r"2 snapshots show 2025-01-03: .*2025-01-03\.geojson, .*x_20250103\.geojson",
    ):
        read_snapshots(tmp_path)
    series = read_snapshots(tmp_path, on_duplicate="first")
    assert [s["date"].iloc[0] for s in series] == [
        dt.date(2025, 1, 1),
        dt.date(2025, 1, 3),
    ]


def test_multi_date_file_is_split(tmp_path):
    doc = collection(
        feature(polygon(SQUARE), date="2025-01-02"),
        feature(polygon(box_ring(36, 51, 36.1, 51.1)), date="2025-01-01"),
        feature(polygon(box_ring(36, 52, 36.1, 52.1)), date="2025-01-02"),
    )
    p = write_geojson(tmp_path / "all.geojson.gz", doc, gz=True)
    series = read_snapshots(p)
    assert [len(s) for s in series] == [1, 2]
    with pytest.raises(kurskgeo.SnapshotError, match="holds 2 dates"):
        kurskgeo.measure(read_snapshot(p))


def test_atomic_write_refuses_overwrite_and_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    with atomic_write(target, "w") as fh:
        fh.write("one")
    with pytest.raises(kurskgeo.OutputExistsError, match="--overwrite"):
        with atomic_write(target, "w") as fh:
            fh.write("two")

    def interrupted_write():
        with atomic_write(target, "w", overwrite=True) as fh:
            fh.write("half")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted_write()
    assert target.read_text() == "one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_gzip_truncated(tmp_path):
    data = gzip.compress(json.dumps(collection(feature(polygon(SQUARE)))).encode())
    p = tmp_path / "t.geojson.gz"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(kurskgeo.SnapshotError, match="corrupt or truncated"):
        read_snapshot(p)


# Large coordinate texts are read by numpy from their bracket structure; the
# numbers must come out exactly as written, whatever the JSON layout.
def _big_ring(n, x0, y0, r, z=None):
    import numpy as np

    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    pts = [[x0 + r * np.cos(a), y0 + 0.6 * r * np.sin(a)] for a in t]
    pts = [[round(x, 6), round(y, 6)] for x, y in pts]
    if z is not None:
        pts = [[x, y, z] for x, y in pts]
    return [*pts, pts[0]]


@pytest.mark.parametrize(
    "layout",
    [
        {},
        {"indent": 2},
        {"separators": (",", ":")},
        {"indent": "\t"},
        {"separators": (" ,\r\n ", " : ")},
    ],
    ids=["default", "indented", "compact", "tabs", "crlf"],
)
@pytest.mark.parametrize("kind", ["Polygon", "MultiPolygon", "Z"])
def test_large_coordinate_text_reads_exactly_in_any_layout(tmp_path, layout, kind):
    import numpy as np

    shell = _big_ring(900, 35.5, 51.5, 0.4, z=0.0 if kind == "Z" else None)
    hole = _big_ring(300, 35.5, 51.5, 0.1, z=0.0 if kind == "Z" else None)[::-1]
    rings = [shell, hole]
    if kind == "MultiPolygon":
        geom = {
            "type": "MultiPolygon",
            "coordinates": [rings, [_big_ring(400, 37.5, 51.5, 0.2)]],
        }
    else:
        geom = {"type": "Polygon", "coordinates": rings}
    doc = collection(feature(geom, zone="liberated"))
    path = tmp_path / "2025-01-17.geojson"
    path.write_text(json.dumps(doc, **layout))
    got = read_snapshot(path).geometry.iloc[0]
    want = shapely.force_2d(shapely.geometry.shape(geom))
    # the same coordinates, bit for bit (orientation may be normalised)
    assert shapely.equals(got, want)
    a = np.sort(shapely.get_coordinates(got), axis=0)
    b = np.sort(shapely.get_coordinates(want), axis=0)
    assert np.array_equal(a, b)


@pytest.mark.parametrize(
    "tail",
    ["", " ", "\n"],
)
def test_large_coordinate_text_with_a_stray_number_is_refused(tmp_path, tail):
    shell = _big_ring(900, 35.5, 51.5, 0.4)
    text = json.dumps(collection(feature(polygon(shell))))
    # a bare number between the rings' list and the positions: not GeoJSON
    text = text.replace('"coordinates": [[[', f'"coordinates": [1,{tail}[[', 1)
    path = tmp_path / "2025-01-17.geojson"
    path.write_text(text)
    with pytest.raises(kurskgeo.SnapshotError):
        read_snapshot(path)
