"""Every format in and out: GeoPackage, Shapefile, KML/KMZ, FlatGeobuf, GeoJSONSeq,
CSV with WKT and GeoParquet read like GeoJSON; measured zones written to each
output format read back with the same km²; both GDAL engines give the same rows.

Real inputs are built at test time in tmp_path from ../shared/data (never
copied into the repository).
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import geopandas as gpd
import pyarrow.parquet as pq
import pyogrio
import pytest
import shapely
from shapely import box

import kurskgeo
from kurskgeo.cli import cli
from kurskgeo.io import list_layers, read_snapshot, read_snapshots, write_table
from kurskgeo.series import export_zones, measured_zones

from .common import quadrangle_area_km2

DAY = "2024-09-18"  # a date of both a DeepStateMap export and an ISW layer
DS_RAW = "1726693021"  # DeepStateMap's export of 2024-09-18 20:57 UTC
ENGINES = ("pyogrio", "fiona")


def quiet(fn, *args, **kwargs):
    """Run without the warnings real files raise (repairs, markers skipped)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kurskgeo.KurskgeoWarning)
        return fn(*args, **kwargs)


def squares(tmp_path: Path) -> gpd.GeoDataFrame:
    """Two authored zones whose areas are known in closed form."""
    return gpd.GeoDataFrame(
        {
            "zone": ["held", "grey"],
            "date": ["2024-09-18", "2024-09-18"],
            "name": ['Held, "north" <b>', "Grey zone"],
        },
        geometry=[box(35.0, 51.0, 35.2, 51.1), box(35.3, 51.0, 35.4, 51.2)],
        crs="OGC:CRS84",
    )


# ---------------------------------------------------------------- reading


def write_format(frame: gpd.GeoDataFrame, path: Path) -> Path:
    """Write `frame` as the format `path`'s name says (how a user's tool would)."""
    with warnings.catch_warnings():
        # GDAL's notes on field types the format lacks (a Shapefile's dates)
        warnings.simplefilter("ignore", RuntimeWarning)
        return _write_format(frame, path)


def _write_format(frame: gpd.GeoDataFrame, path: Path) -> Path:
    name = path.name
    if name.endswith(".shp.zip"):
        stem = path.with_name(name[: -len(".shp.zip")])
        frame.to_file(stem.with_suffix(".shp"), engine="pyogrio")
        with zipfile.ZipFile(path, "w") as zf:
            for ext in ("shp", "shx", "dbf", "prj", "cpg"):
                zf.write(stem.with_suffix(f".{ext}"), f"{stem.name}.{ext}")
    elif name.endswith(".csv"):
        table = frame.drop(columns=frame.geometry.name)
        table["WKT"] = shapely.to_wkt(frame.geometry.values, rounding_precision=-1)
        table.to_csv(path, index=False)
    elif name.endswith(".parquet"):
        frame.to_parquet(path)
    elif name.endswith(".geojsonl"):
        frame.to_file(path, driver="GeoJSONSeq", engine="pyogrio")
    else:
        frame.to_file(path, engine="pyogrio")
    return path


@pytest.mark.parametrize(
    "name",
    ["z.gpkg", "z.fgb", "z.shp.zip", "z.geojsonl", "z.csv", "z.parquet"],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_every_format_reads_zones_dates_and_areas(tmp_path, name, engine):
    # (GeoParquet is read by pyarrow whatever the engine)
    path = write_format(squares(tmp_path), tmp_path / name)
    snap = read_snapshot(path, engine=engine)
    assert sorted(snap["zone"]) == ["grey", "held"]
    assert set(snap["date"]) == {dt.date(2024, 9, 18)}
    assert snap.loc[snap["zone"] == "held", "name"].item() == 'Held, "north" <b>'
    held = kurskgeo.measure(path, zone="held").area_km2
    grey = kurskgeo.measure(snap, zone="grey").area_km2
    # the same km² as the closed-form area of the quadrangles (straight
    # meridians and parallels: only the parallels' geodesic bulge differs)
    assert held == pytest.approx(quadrangle_area_km2(35.0, 51.0, 35.2, 51.1), rel=1e-5)
    assert grey == pytest.approx(quadrangle_area_km2(35.3, 51.0, 35.4, 51.2), rel=1e-5)
    as_geojson = tmp_path / "same.geojson"
    as_geojson.write_text(squares(tmp_path).to_json())
    assert held == kurskgeo.measure(as_geojson, zone="held").area_km2


def test_gpkg_layers_listed_and_one_layer_read(tmp_path):
    path = tmp_path / "zones.gpkg"
    frame = squares(tmp_path)
    for z in ("held", "grey"):
        frame[frame["zone"] == z].drop(columns="zone").to_file(path, layer=z)
    layers = list_layers(path)
    assert [(x["name"], x["n_features"]) for x in layers] == [("held", 1), ("grey", 1)]
    assert layers[0]["crs"] == "OGC:CRS84" or "4326" in layers[0]["crs"]
    # every layer, each named by its layer (no zone column left)
    snap = read_snapshot(path)
    assert sorted(snap["zone"]) == ["grey", "held"]
    only = read_snapshot(path, layer="grey")
    assert list(only["zone"]) == ["grey"] or list(only["zone"]) == [None]
    assert len(only) == 1
    with pytest.raises(kurskgeo.SnapshotError, match=r"no layer 'nope'.*held, grey"):
        read_snapshot(path, layer="nope")


def test_kml_folders_and_styles_become_properties(tmp_path):
    kml = tmp_path / "map_2024-09-18.kml"
    kml.write_text(
        KML_HEAD
        + folder("Held", "Звільнено /// Liberated /// x", "poly-01579B", (35.0, 35.2))
        + folder("Grey", "Невідомо /// Unknown status", "poly-BDBDBD", (35.3, 35.4))
        + "</Document></kml>",
        encoding="utf-8",
    )
    for engine in ENGINES:
        snap = read_snapshot(kml, engine=engine)
        assert snap.attrs["format"] == "deepstate-raw"  # the /// names
        assert sorted(snap["zone"]) == ["contested", "liberated"]
        assert sorted(snap["layer"]) == ["Grey", "Held"]
        assert set(snap["date"]) == {dt.date(2024, 9, 18)}
    snap = read_snapshot(kml)  # LIBKML (pyogrio): styles resolved
    fills = dict(zip(snap["zone"], snap["fill"], strict=True))
    assert fills == {"liberated": "#01579b", "contested": "#bdbdbd"}
    kmz = tmp_path / "map_2024-09-18.kmz"
    with zipfile.ZipFile(kmz, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(kml, "doc.kml")
    for engine in ENGINES:
        a = kurskgeo.measure(kml, zone="liberated").area_km2
        assert (
            kurskgeo.measure(
                read_snapshot(kmz, engine=engine), zone="liberated"
            ).area_km2
            == a
        )


KML_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Kursk</name>
<Style id="poly-01579B-normal"><LineStyle><color>ff9b5701</color><width>1.2</width>
</LineStyle><PolyStyle><color>4d9b5701</color></PolyStyle></Style>
<StyleMap id="poly-01579B"><Pair><key>normal</key><styleUrl>#poly-01579B-normal</styleUrl>
</Pair></StyleMap>
<Style id="poly-BDBDBD"><PolyStyle><color>4dbdbdbd</color></PolyStyle></Style>
"""


def folder(name: str, placemark: str, style: str, lons: tuple[float, float]) -> str:
    x0, x1 = lons
    ring = f"{x0},51,0 {x1},51,0 {x1},51.1,0 {x0},51.1,0 {x0},51,0"
    return (
        f"<Folder><name>{escape(name)}</name><Placemark><name>{escape(placemark)}</name>"
        f"<styleUrl>#{style}</styleUrl><Polygon><outerBoundaryIs><LinearRing>"
        f"<coordinates>{ring}</coordinates></LinearRing></outerBoundaryIs></Polygon>"
        "</Placemark><Placemark><name>pin</name><Point><coordinates>35,51</coordinates>"
        "</Point></Placemark></Folder>"
    )


def test_not_a_vector_file_and_missing_engine_messages(tmp_path):
    bad = tmp_path / "x.gpkg"
    bad.write_text("not a database")
    with pytest.raises(kurskgeo.SnapshotError, match="GDAL cannot read this file"):
        read_snapshot(bad)
    with pytest.raises(ValueError, match="engine must be one of"):
        read_snapshot(
            write_format(squares(tmp_path), tmp_path / "z.fgb"), engine="gdal"
        )


# ---------------------------------------------------------------- real inputs


def real_polygons(path: Path) -> gpd.GeoDataFrame:
    frame = gpd.read_file(path)
    frame = frame[frame.geom_type.isin(["Polygon", "MultiPolygon"])].copy()
    frame["geometry"] = shapely.force_2d(frame.geometry.values)
    return frame


@pytest.mark.realdata
def test_real_gpkg_of_three_layers(shared_data, kursk_oblast, tmp_path):
    """DeepStateMap's liberated, contested and occupied layers in one GeoPackage."""
    src = shared_data / "deepstate-raw" / f"{DS_RAW}.geojson"
    raw = real_polygons(src)[["name", "fill", "geometry"]]
    ref = quiet(read_snapshot, src)
    zone_of = dict(zip(ref["name"], ref["zone"], strict=False))
    path = tmp_path / f"deepstate_{DAY}.gpkg"
    for zone in ("liberated", "contested", "occupied"):
        raw[raw["name"].map(zone_of) == zone].to_file(path, layer=zone)
    assert [x["name"] for x in list_layers(path)] == [
        "liberated",
        "contested",
        "occupied",
    ]
    snap = read_snapshot(path)
    assert snap.attrs["format"] == "deepstate-raw"  # the /// names, as in GeoJSON
    assert set(snap["date"]) == {dt.date(2024, 9, 18)}
    assert (snap["zone"] == snap["layer"]).all()
    for zone in ("liberated", "contested"):
        want = quiet(kurskgeo.measure, src, zone=zone, region=kursk_oblast).area_km2
        got = kurskgeo.measure(path, zone=zone, region=kursk_oblast).area_km2
        assert got == pytest.approx(want, rel=1e-12)
    one = read_snapshot(path, layer="liberated")
    assert set(one["zone"]) == {"liberated"}


@pytest.mark.realdata
def test_real_isw_gpkg_layer_per_date_and_zipped_shapefile(
    shared_data, kursk_oblast, tmp_path
):
    days = ["2024-09-11", "2024-09-14", "2024-09-18"]
    gpkg = tmp_path / "isw.gpkg"
    for day in days:
        real_polygons(shared_data / "isw-kursk" / f"{day}.geojson").to_file(
            gpkg, layer=day
        )
    snaps = read_snapshots(gpkg)
    assert [s["date"].iloc[0].isoformat() for s in snaps] == days
    assert all(set(s["zone"]) == {"kursk_russian_advances"} for s in snaps)
    table = kurskgeo.measure_files(gpkg, region=kursk_oblast)
    for day, km2 in zip(days, table["area_km2"], strict=True):
        src = shared_data / "isw-kursk" / f"{day}.geojson"
        assert km2 == pytest.approx(kurskgeo.measure(src, region=kursk_oblast).area_km2)
    shp = write_format(
        real_polygons(shared_data / "isw-kursk" / "2024-10-01.geojson"),
        tmp_path / "isw.shp.zip",
    )
    snap = read_snapshot(shp)
    assert snap.attrs["format"] == "isw" and set(snap["date"]) == {dt.date(2024, 10, 1)}
    src = shared_data / "isw-kursk" / "2024-10-01.geojson"
    assert kurskgeo.measure(shp).area_km2 == pytest.approx(
        kurskgeo.measure(src).area_km2, rel=1e-12
    )


@pytest.mark.realdata
def test_real_kmz_and_geoparquet(shared_data, kursk_oblast, tmp_path):
    src = shared_data / "deepstate-raw" / f"{DS_RAW}.geojson"
    raw = real_polygons(src)
    kml = tmp_path / "doc.kml"
    raw[["name", "fill", "geometry"]].to_file(kml, driver="LIBKML", engine="pyogrio")
    kmz = tmp_path / f"deepstate_{DAY}.kmz"
    with zipfile.ZipFile(kmz, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(kml, "doc.kml")
    want = quiet(kurskgeo.measure, src, zone="liberated", region=kursk_oblast)
    for engine in ENGINES:
        snap = read_snapshot(kmz, engine=engine)
        assert snap.attrs["format"] == "deepstate-raw"
        assert set(snap["date"]) == {dt.date(2024, 9, 18)}
        m = kurskgeo.measure(snap, zone="liberated", region=kursk_oblast)
        assert m.area_km2 == pytest.approx(want.area_km2, rel=1e-12)
    isw = shared_data / "isw-kursk" / "2025-01-10.geojson"
    parquet = write_format(
        real_polygons(isw).dropna(subset=["geometry"]), tmp_path / "isw.parquet"
    )
    snap = quiet(read_snapshot, parquet)
    assert snap.attrs["format"] == "isw" and set(snap["date"]) == {dt.date(2025, 1, 10)}
    assert quiet(kurskgeo.measure, parquet).area_km2 == pytest.approx(
        quiet(kurskgeo.measure, isw).area_km2, rel=1e-12
    )


# ---------------------------------------------------------------- writing


FORMATS = ("gpkg", "fgb", "parquet", "geojson")


def test_written_zones_read_back_with_the_same_km2(tmp_path):
    snaps = [
        gpd.GeoDataFrame(
            {"date": [dt.date(2024, 9, d)], "source": [src]},
            geometry=[box(35.0 + x, 51.0, 35.3 + x, 51.2)],
            crs="OGC:CRS84",
        )
        for d, src, x in [(18, "A", 0.0), (18, "B", 0.1), (25, "A", 0.05)]
    ]
    zones = measured_zones(snaps)
    assert list(zones["source"]) == ["A", "B", "A"]
    got = {}
    for fmt in FORMATS:
        out = write_table(zones, tmp_path / f"zones.{fmt}")
        back = read_snapshots(out)  # one table per date and source
        assert [(s["date"].iloc[0], s["source"].iloc[0]) for s in back] == list(
            zip(zones["date"], zones["source"], strict=True)
        )
        got[fmt] = [kurskgeo.measure(s, crs=s["crs"].iloc[0]).area_km2 for s in back]
        for km2, want in zip(got[fmt], zones["area_km2"], strict=True):
            assert km2 == pytest.approx(want, rel=1e-9)
    for fmt in FORMATS[1:]:  # every format gives the same km², to 1e-9
        assert got[fmt] == pytest.approx(got["gpkg"], abs=1e-9)
    csv = write_table(zones, tmp_path / "zones.csv")
    lines = csv.read_text().splitlines()
    assert lines[0].startswith("date,source,zone,area_km2,area_mi2,geodesic_km2,map_id")
    assert lines[1].startswith("2024-09-18,A,")
    with pytest.raises(kurskgeo.OutputExistsError, match="overwrite"):
        write_table(zones, csv)
    with pytest.raises(kurskgeo.OutputError, match="suffix names no output format"):
        write_table(zones, tmp_path / "zones.txt")


@pytest.mark.realdata
def test_real_export_provenance_in_each_format(shared_data, kursk_oblast, tmp_path):
    files = [
        shared_data / "deepstate-raw" / f"{DS_RAW}.geojson",
        shared_data / "isw-kursk" / f"{DAY}.geojson",
    ]
    zone = ["liberated", "kursk_russian_advances"]
    outs = {}
    for fmt in FORMATS + ("csv",):
        outs[fmt] = tmp_path / f"zones.{fmt}"
        table = quiet(
            export_zones, files, outs[fmt], zone=zone, region=kursk_oblast, command="t"
        )
    assert list(table["zone"]) == zone  # each map's own zone, side by side
    assert table["map_id"].iloc[0] == int(DS_RAW) and table["map_id"].isna().iloc[1]
    want = [
        quiet(kurskgeo.measure, f, zone=zone, region=kursk_oblast).area_km2
        for f in files
    ]
    assert list(table["area_km2"]) == want  # exactly what measure gives
    meta = json.loads(pq.read_metadata(outs["parquet"]).metadata[b"kurskgeo"])
    assert meta["kurskgeo_version"] == kurskgeo.__version__
    assert meta["crs"] == [table["crs"].iloc[0]] and "+proj=laea" in meta["crs"][0]
    inputs = {Path(r["path"]).name: r for r in meta["inputs"]}
    import hashlib

    for f in [*files, kursk_oblast]:
        assert inputs[f.name]["sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()
    gpkg_meta = pyogrio.read_info(outs["gpkg"])["layer_metadata"]["kurskgeo"]
    assert json.loads(gpkg_meta)["inputs"] == meta["inputs"]
    assert (
        json.loads(outs["geojson"].read_text())["kurskgeo"]["inputs"] == meta["inputs"]
    )
    for fmt in FORMATS:
        back = read_snapshots(outs[fmt])
        assert [s["source"].iloc[0] for s in back] == list(table["source"])
        for s, km2 in zip(back, want, strict=True):
            again = kurskgeo.measure(s, crs=s["crs"].iloc[0]).area_km2
            assert again == pytest.approx(km2, rel=1e-9)


def test_export_command_and_formats(runner, tmp_path):
    a = tmp_path / "a_2024-09-18.geojson"
    a.write_text(squares(tmp_path).to_json())
    for fmt in ("gpkg", "fgb", "parquet", "geojson", "csv"):
        out = tmp_path / f"z.{fmt}"
        result = runner.invoke(
            cli, ["export", str(a), "--zone", "held", "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert out.is_file() and "wrote 1 rows" in result.stderr
    again = runner.invoke(cli, ["export", str(a), "-o", str(tmp_path / "z.gpkg")])
    assert again.exit_code == 1 and "--overwrite" in again.stderr
    named = runner.invoke(
        cli, ["export", str(a), "--format", "gpkg", "-o", str(tmp_path / "z.data")]
    )
    assert named.exit_code == 0, named.output
    assert (tmp_path / "z.data").read_bytes()[:16] == b"SQLite format 3\x00"
    bad = runner.invoke(cli, ["export", str(a), "-o", str(tmp_path / "z.txt")])
    assert bad.exit_code == 1 and "suffix names no output format" in bad.stderr


def test_info_lists_layers_of_any_format(runner, tmp_path):
    path = tmp_path / "zones_2024-09-18.gpkg"
    frame = squares(tmp_path)
    for z in ("held", "grey"):
        frame[frame["zone"] == z].drop(columns="zone").to_file(path, layer=z)
    result = runner.invoke(cli, ["info", str(path)])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert [(x["name"], x["n_features"]) for x in info["layers"]] == [
        ("held", 1),
        ("grey", 1),
    ]
    assert info["zones"] == {"grey": 1, "held": 1} and info["dates"] == ["2024-09-18"]
    one = json.loads(runner.invoke(cli, ["info", str(path), "--layer", "grey"]).stdout)
    assert [x["name"] for x in one["layers"]] == ["grey"] and one["n_features"] == 1
    bad = runner.invoke(cli, ["info", str(path), "--layer", "x"])
    assert bad.exit_code == 1 and "no layer 'x'" in bad.stderr


def test_diff_and_timeline_write_change_geometries(runner, tmp_path):
    for d, x in [(6, 0.0), (8, 0.1)]:
        gpd.GeoDataFrame(
            {"date": [f"2024-08-0{d}"]},
            geometry=[box(35 + x, 51, 35.2 + x, 51.5)],
            crs="OGC:CRS84",
        ).to_file(tmp_path / f"s_{d}.gpkg")
    a, b = str(tmp_path / "s_6.gpkg"), str(tmp_path / "s_8.gpkg")
    result = runner.invoke(cli, ["diff", a, b, "-o", str(tmp_path / "d.fgb")])
    assert result.exit_code == 0, result.output
    parts = read_snapshot(tmp_path / "d.fgb")
    assert sorted(parts["change"]) == ["gained", "lost"]
    result = runner.invoke(
        cli, ["timeline", a, b, "--changes", str(tmp_path / "c.parquet")]
    )
    assert result.exit_code == 0, result.output
    changes = gpd.read_parquet(tmp_path / "c.parquet")
    assert sorted(changes["change"]) == ["gained", "lost"]
    assert changes["area_km2"].sum() == pytest.approx(parts["area_km2"].sum(), rel=1e-9)
