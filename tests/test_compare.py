"""Two sources side by side: area, timeline and compare on maps of one date from
different sources; duplicates refused only within a source; quiet when piped."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
import sys
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely import box

import kurskgeo
from kurskgeo.cli import cli
from kurskgeo.errors import DuplicateDateError
from kurskgeo.plot import plot_comparison
from kurskgeo.series import COMPARE_COLUMNS, compare, compare_parts, timeline
from tests.common import (
    box_ring,
    collection,
    feature,
    polygon,
    write_geojson,
)

ROOT = Path(__file__).resolve().parents[1]
DS_RAW = "1726693021"  # DeepStateMap's export of 2024-09-18 20:57 UTC
DAY = "2024-09-18"  # ISW's layer of the same date


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kurskgeo.KurskgeoWarning)
        return fn(*args, **kwargs)


def snap(day: str, source: str, *boxes: tuple[float, float, float, float]):
    """Quadrangles whose edges follow the parallels densely, as a map draws them.

    (A box of four corners would have geodesic edges, which bow away from the
    parallels: its area would not be in proportion to its longitudes.)
    """
    return gpd.GeoDataFrame(
        {"date": [dt.date.fromisoformat(day)] * len(boxes), "source": source},
        geometry=[shapely.Polygon(dense_ring(*b)) for b in boxes],
        crs="OGC:CRS84",
    )


def dense_ring(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    """Return a counter-clockwise ring along two parallels (every 0.002°) and two meridians."""
    lons = np.linspace(x0, x1, round((x1 - x0) / 0.002) + 1).tolist()
    ring = [[x, y0] for x in lons] + [[x, y1] for x in reversed(lons)]
    return [*ring, ring[0]]


# ---------------------------------------------------------------- side by side


@pytest.mark.realdata
@pytest.mark.parametrize("zones", [[], ["liberated", "kursk_russian_advances"]])
def test_real_area_of_two_sources_of_one_date(runner, shared_data, kursk_oblast, zones):
    ds = shared_data / "deepstate-raw" / f"{DS_RAW}.geojson"
    isw = shared_data / "isw-kursk" / f"{DAY}.geojson"
    args = ["area", str(ds), str(isw), "--region", str(kursk_oblast)]
    for z in zones:
        args += ["--zone", z]
    result = runner.invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["date"] for r in rows] == [DAY, DAY]
    assert [r["source"] for r in rows] == [
        "DeepStateMap (deepstatemap.live)",
        "ISW via sdspieg/war-datasets-dashboard",
    ]
    for row, path in zip(rows, (ds, isw), strict=True):
        alone = quiet(kurskgeo.measure, path, zone=zones or None, region=kursk_oblast)
        assert row["area_km2"] == alone.area_km2
    table = runner.invoke(cli, args)
    assert table.exit_code == 0 and len(table.stdout.splitlines()) == 4  # 2 rows


def test_duplicates_are_refused_only_within_a_source(runner, tmp_path):
    sq = polygon(box_ring(35.0, 51.0, 35.2, 51.2))
    a = write_geojson(tmp_path / "a_2024-09-18.geojson", collection(feature(sq)))
    b = write_geojson(tmp_path / "b_2024-09-18.geojson", collection(feature(sq)))
    c = write_geojson(
        tmp_path / "c_2024-09-18.geojson", collection(feature(sq), source="ISW")
    )
    result = runner.invoke(cli, ["area", str(a), str(b)])
    assert result.exit_code == 1
    assert "2 snapshots show 2024-09-18" in result.stderr
    assert "--on-duplicate first|last" in result.stderr
    assert "on_duplicate=" not in result.stderr  # the CLI speaks CLI
    with pytest.raises(DuplicateDateError, match="on_duplicate='first' or 'last'"):
        kurskgeo.measure_files([a, b])
    both = kurskgeo.measure_files([a, c])  # two sources of one date: two rows
    assert list(both["source"]) == ["unknown", "ISW"]
    assert both["area_km2"].iloc[0] == both["area_km2"].iloc[1]
    kept = runner.invoke(cli, ["area", str(a), str(b), "--on-duplicate", "last"])
    assert kept.exit_code == 0 and "b_2024-09-18" in kept.stdout
    assert len(kurskgeo.read_snapshots([a, c])) == 2
    with pytest.raises(DuplicateDateError):
        kurskgeo.read_snapshots([a, b, c])


def test_timeline_gives_one_series_per_source():
    a = [
        snap("2024-09-01", "A", (35.0, 51.0, 35.2, 51.2)),
        snap("2024-09-08", "A", (35.0, 51.0, 35.3, 51.2)),
    ]
    b = [
        snap("2024-09-01", "B", (35.0, 51.0, 35.1, 51.2)),
        snap("2024-09-05", "B", (35.0, 51.0, 35.15, 51.2)),
        snap("2024-09-08", "B", (35.0, 51.0, 35.25, 51.2)),
    ]
    both = timeline([*a, *b], crs="EPSG:6933")
    assert list(both["source"]) == ["A", "B", "B", "A", "B"]
    assert set(both.attrs["totals_by_source"]) == {"A", "B"}
    for who, alone in (("A", a), ("B", b)):
        one = timeline(alone, crs="EPSG:6933")
        mine = both[both["source"] == who].reset_index(drop=True)
        assert mine["area_km2"].tolist() == one["area_km2"].tolist()
        assert mine["gained_km2"].tolist()[1:] == one["gained_km2"].tolist()[1:]
        assert both.attrs["totals_by_source"][who] == one.attrs["totals"]


# ---------------------------------------------------------------- compare


def test_compare_a_zone_with_itself_and_with_a_disjoint_one():
    a = snap(DAY, "A", (35.0, 51.0, 35.2, 51.3))
    same = compare(a, a.assign(source="B")).iloc[0]
    assert same["iou"] == 1.0
    assert same["only_a_km2"] == 0 and same["only_b_km2"] == 0
    assert same["overlap_km2"] == same["area_a_km2"] == same["union_km2"]
    assert same["front_distance_km"] == 0
    far = compare(a, snap(DAY, "B", (36.0, 51.0, 36.2, 51.3))).iloc[0]
    assert far["iou"] == 0 and far["overlap_km2"] == 0
    assert far["union_km2"] == pytest.approx(far["area_a_km2"] + far["area_b_km2"])
    assert list(compare(a, a.assign(source="B")).columns) == list(COMPARE_COLUMNS)


def test_compare_overlapping_boxes_and_their_fronts():
    a = snap(DAY, "A", (35.0, 51.0, 35.2, 51.5))
    b = snap(DAY, "B", (35.1, 51.0, 35.3, 51.5))
    row = compare(a, b).iloc[0]
    # same latitudes: areas in proportion to the longitudes spanned
    assert row["iou"] == pytest.approx(1 / 3, rel=1e-9)
    assert row["only_a_km2"] == pytest.approx(row["overlap_km2"], rel=1e-9)
    # the farthest point of one boundary from the other: the southern end of
    # a western (eastern) edge, 0.1° of longitude from the other's
    _, _, metres = Geod(ellps="WGS84").inv(35.0, 51.0, 35.1, 51.0)
    assert row["front_distance_km"] == pytest.approx(metres / 1e3, rel=1e-3)
    # inside a region, its own border is no front: two zones that share the
    # region's western border and differ only in their eastern front
    region = box(34.9, 50.9, 35.6, 51.6)
    c = snap(DAY, "A", (34.8, 50.8, 35.2, 51.7))
    d = snap(DAY, "B", (34.8, 50.8, 35.3, 51.7))
    inside = compare(c, d, region=region).iloc[0]
    _, _, metres = Geod(ellps="WGS84").inv(35.2, 50.9, 35.3, 50.9)  # southern end
    assert inside["front_distance_km"] == pytest.approx(metres / 1e3, rel=1e-3)


def test_compare_lost_since_peak_on_matching_dates():
    a = [
        snap("2024-09-01", "A", (35.0, 51.0, 35.2, 51.5)),
        snap("2024-09-08", "A", (35.0, 51.0, 35.4, 51.5)),  # the peak
        snap("2024-09-15", "A", (35.0, 51.0, 35.2, 51.5)),
        snap("2024-10-30", "A", (35.0, 51.0, 35.1, 51.5)),  # no B near
    ]
    b = [
        snap("2024-09-02", "B", (35.3, 51.0, 35.5, 51.5)),
        snap("2024-09-13", "B", (35.3, 51.0, 35.5, 51.5)),
        snap("2024-09-17", "B", (35.3, 51.0, 35.5, 51.5)),
    ]
    # (09-13 and 09-17 hold the same zone: whichever is paired, the figures hold)
    df = compare(a, b, derive_a="lost_since_peak", crs="EPSG:6933")
    assert df["date_a"].astype(str).tolist() == [
        "2024-09-01",
        "2024-09-08",
        "2024-09-15",
    ]
    # the nearest B within 7 days; of 09-13 and 09-17, both 2 days from
    # 09-15, the earlier
    assert df["date_b"].astype(str).tolist() == [
        "2024-09-02",
        "2024-09-13",
        "2024-09-13",
    ]
    assert df["days_apart"].tolist() == [1, 5, -2]
    # nothing lost until after the peak; then 35.2-35.4, half of it in B
    assert df["area_a_km2"].tolist()[:2] == [0.0, 0.0]
    last = df.iloc[2]
    assert last["zone_a"] == "all polygons (lost since peak)"
    # (to 1e-5: a derived zone's coordinates are snapped to 0.1 m, as diff's)
    assert last["iou"] == pytest.approx(1 / 3, rel=1e-5)
    assert last["overlap_km2"] == pytest.approx(last["area_a_km2"] / 2, rel=1e-5)
    with pytest.raises(kurskgeo.SnapshotError, match="within 0 days"):
        compare(a, b, max_days=0)
    with pytest.raises(kurskgeo.SnapshotError, match="2 sources"):
        compare([*a, *b], b)
    with pytest.raises(ValueError, match="derive_a must be one of"):
        compare(a, b, derive_a="gained")
    parts = compare_parts(
        a, b, derive_a="lost_since_peak", date="2024-09-14", crs="EPSG:6933"
    )
    assert parts["part"].tolist() == ["overlap", "only_a", "only_b"]
    assert parts["area_km2"].iloc[0] == pytest.approx(last["overlap_km2"], rel=1e-9)
    assert parts.attrs["row"]["date_b"] == dt.date(2024, 9, 13)


def test_plot_comparison_legend_and_image(tmp_path):
    a = snap(DAY, "DeepStateMap", (35.0, 51.0, 35.2, 51.5))
    b = snap(DAY, "ISW", (35.1, 51.0, 35.3, 51.5))
    ax = plot_comparison(compare_parts(a, b), labels=("DeepStateMap", "ISW"))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0].startswith("Both: ") and labels[1].startswith("Only DeepStateMap")
    assert labels[2].startswith("Only ISW")
    assert (
        "intersection over union 0.33"
        in " ".join(t.get_text() for t in ax.texts) + ax.get_title()
    )
    out = kurskgeo.save_figure(ax, tmp_path / "cmp.png", dpi=50)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_two_layers_of_one_geopackage(runner, tmp_path):
    path = tmp_path / "maps.gpkg"
    snap(DAY, "S", (35.0, 51.0, 35.2, 51.5)).to_file(path, layer="held")
    snap(DAY, "S", (35.1, 51.0, 35.3, 51.5)).to_file(path, layer="advances")
    row = compare(path, path, layer_a="held", layer_b="advances").iloc[0]
    assert row["iou"] == pytest.approx(1 / 3, rel=1e-9)
    assert row["only_a_km2"] == pytest.approx(row["overlap_km2"], rel=1e-9)
    # without a layer, each side reads both: the same union
    assert compare(path, path).iloc[0]["iou"] == pytest.approx(1.0, rel=1e-12)
    args = ["compare", str(path), str(path), "--format", "json"]
    got = runner.invoke(cli, [*args, "--layer-a", "held", "--layer-b", "advances"])
    assert got.exit_code == 0, got.output
    assert json.loads(got.stdout)[0]["iou"] == pytest.approx(1 / 3, rel=1e-5)
    missing = runner.invoke(cli, [*args, "--layer-a", "nowhere"])
    assert missing.exit_code == 1 and "nowhere" in missing.stderr
    assert "Traceback" not in missing.output


def test_compare_command(runner, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for day, x in [("2024-09-01", 0.2), ("2024-09-08", 0.4), ("2024-09-15", 0.2)]:
        ring = dense_ring(35.0, 51.0, 35 + x, 51.5)
        doc = collection(feature(polygon(ring), zone="held"))
        write_geojson(tmp_path / "a" / f"{day}.geojson", doc)
    write_geojson(
        tmp_path / "b" / "2024-09-16.geojson",
        collection(
            feature(polygon(dense_ring(35.3, 51.0, 35.5, 51.5)), zone="advances")
        ),
    )
    args = [
        "compare",
        str(tmp_path / "a"),
        str(tmp_path / "b"),
        "--zone-a",
        "held",
        "--derive-a",
        "lost_since_peak",
        "--zone-b",
        "advances",
    ]
    table = runner.invoke(cli, args)
    assert table.exit_code == 0, table.output
    assert "held (lost since peak)" in table.stdout and "1 pairs" in table.stdout
    rows = json.loads(runner.invoke(cli, [*args, "--format", "json"]).stdout)
    assert rows[0]["date_a"] == "2024-09-15" and rows[0]["date_b"] == "2024-09-16"
    assert rows[0]["iou"] == pytest.approx(1 / 3, rel=1e-5)  # snapped to 0.1 m
    png = tmp_path / "cmp.png"
    mapped = runner.invoke(cli, [*args, "--map", str(png), "--dpi", "50"])
    assert mapped.exit_code == 0 and png.read_bytes()[:4] == b"\x89PNG"
    again = runner.invoke(cli, [*args, "--map", str(png)])
    assert again.exit_code == 1 and "--overwrite" in again.stderr
    far = runner.invoke(cli, [*args, "--max-days", "0"])
    assert far.exit_code == 1 and "--max-days" in far.stderr


@pytest.mark.realdata
def test_real_deepstate_lost_since_peak_against_isw_advances(shared_data, kursk_oblast):
    """kurskgeo's figures against a plain geopandas computation of the same pairs."""
    raw = sorted((shared_data / "deepstate-raw").glob("17*.geojson"))
    isw = sorted((shared_data / "isw-kursk").glob("*.geojson"))
    df = quiet(
        compare,
        raw,
        isw,
        zone_a="liberated",
        derive_a="lost_since_peak",
        zone_b="kursk_russian_advances",
        region=kursk_oblast,
    )
    assert len(df) >= 12 and (df["days_apart"].abs() <= 7).all()
    crs = df.attrs["crs"]
    region = gpd.read_file(kursk_oblast).to_crs(crs).union_all()

    def liberated(path):
        g = gpd.read_file(path)
        g = g[g.geom_type.isin(["Polygon", "MultiPolygon"])]
        english = g["name"].str.split("///").str[1].fillna("").str.strip().str.lower()
        g = g[english.str.match(r"^liberated\b")]
        geoms = shapely.make_valid(shapely.force_2d(g.geometry.values))
        return (
            gpd.GeoSeries(geoms, crs=4326).to_crs(crs).union_all().intersection(region)
        )

    areas = {p: liberated(p).area / 1e6 for p in raw}
    for day in ("2024-10-01", "2025-01-08", "2025-04-16"):
        row = df[df["date_a"].astype(str) == day].iloc[0]
        now = next(p for p in raw if str(p) == row["path_a"])
        upto = [p for p in raw if p.stem <= now.stem]
        peak = max(upto, key=areas.__getitem__)
        assert peak.stem == "1725481410"  # 2024-09-04, ~907 km²
        # "lost" as diff computes it: both snapped to 0.1 m, parts under
        # 0.01 km² left out as slivers
        before = shapely.set_precision(liberated(peak), 0.1)
        after = shapely.set_precision(liberated(now), 0.1)
        parts = shapely.get_parts(before.difference(after))
        lost = shapely.union_all(parts[shapely.area(parts) >= 0.01e6])
        b = gpd.read_file(row["path_b"]).dropna(subset=["geometry"])
        adv = shapely.make_valid(shapely.force_2d(b.geometry.values))
        adv = gpd.GeoSeries(adv, crs=4326).to_crs(crs).union_all().intersection(region)
        expect = {
            "area_a_km2": lost.area / 1e6,
            "area_b_km2": adv.area / 1e6,
            "overlap_km2": lost.intersection(adv).area / 1e6,
            "only_a_km2": lost.difference(adv).area / 1e6,
            "only_b_km2": adv.difference(lost).area / 1e6,
        }
        expect["union_km2"] = lost.union(adv).area / 1e6
        expect["iou"] = expect["overlap_km2"] / expect["union_km2"]
        # to 1e-6 of the zones compared (the union): kurskgeo reads edges as
        # geodesics, the plain computation as straight lines, which moves the
        # zones by ~1e-7 and so the figures by ~1e-4 km² (the parts alone are
        # differences of such areas)
        scale = expect["union_km2"]
        for key, value in expect.items():
            tol = 1e-6 * (1 if key == "iou" else scale)
            assert row[key] == pytest.approx(value, abs=tol), (day, key)
        for key in ("area_a_km2", "area_b_km2", "overlap_km2", "union_km2", "iou"):
            assert row[key] == pytest.approx(expect[key], rel=1e-6), (day, key)
        assert 0 < row["front_distance_km"] < 50


# ---------------------------------------------------------------- quiet


def test_the_library_prints_nothing(capsys, tmp_path):
    a = [snap("2024-09-01", "A", (35.0, 51.0, 35.2, 51.5))]
    b = [snap("2024-09-02", "B", (35.1, 51.0, 35.3, 51.5))]
    path = tmp_path / "2024-09-01.geojson"
    path.write_text(a[0].drop(columns="date").to_json())
    kurskgeo.measure_files([path])
    timeline([*a, *b])
    compare(a, b)
    out, err = capsys.readouterr()
    assert out == "" and err == ""


def test_quiet_when_piped(tmp_path):
    """stderr a pipe: nothing but warnings there, no bar and no colour."""
    bowtie = ROOT / "tests" / "data" / "bad" / "bowtie.geojson"
    files = []
    for day in ("2024-09-01", "2024-09-02"):
        target = tmp_path / f"b_{day}.geojson"
        target.write_bytes(bowtie.read_bytes())
        files.append(str(target))
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TERM")}
    for command in (["area"], ["timeline"], ["export", "-o", str(tmp_path / "z.csv")]):
        proc = subprocess.run(
            [sys.executable, "-m", "kurskgeo", *command, *files],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        lines = proc.stderr.splitlines()
        notices = [x for x in lines if not x.startswith("warning: ")]
        if command[0] == "export":  # the one notice: the file it wrote
            assert notices == [f"wrote 2 rows to {tmp_path / 'z.csv'}"]
        else:
            assert notices == [] and proc.stdout
        assert any("invalid polygon" in x for x in lines)
        assert "\x1b[" not in proc.stderr + proc.stdout and "\r" not in proc.stderr


def test_measure_files_has_the_sources_of_rows(tmp_path):
    one = snap("2024-09-01", "A", (35.0, 51.0, 35.2, 51.5))
    two = snap("2024-09-01", "B", (35.0, 51.0, 35.2, 51.5))
    path = tmp_path / "both.geojson"
    gpd.GeoDataFrame(
        {"date": ["2024-09-01"] * 2, "source": ["A", "B"]},
        geometry=[*one.geometry, *two.geometry],
        crs="OGC:CRS84",
    ).to_file(path)
    table = kurskgeo.measure_files(path)
    assert table["source"].tolist() == ["A", "B"]
    assert np.allclose(table["area_km2"], table["area_km2"].iloc[0])
    assert not math.isnan(table["area_km2"].iloc[0])


def test_report_on_two_sources_has_them_side_by_side(tmp_path):
    folder = tmp_path / "maps"
    folder.mkdir()
    held = [("2024-09-01", 0.2), ("2024-09-08", 0.4), ("2024-09-15", 0.25)]
    for day, x in held:
        ring = dense_ring(35.0, 51.0, 35 + x, 51.5)
        doc = collection(feature(polygon(ring), zone="liberated"), source="Tracker A")
        write_geojson(folder / f"a_{day}.geojson", doc)
    ring = dense_ring(35.2, 51.0, 35.45, 51.5)
    doc = collection(feature(polygon(ring), zone="advances"), source="Tracker B")
    write_geojson(folder / "b_2024-09-15.geojson", doc)
    rep = kurskgeo.make_report(
        tmp_path / "report", snapshots=folder, map_zone="liberated", places=None
    )
    assert rep.areas["date"].astype(str).tolist() == [d for d, _ in held]  # A followed
    row = rep.comparison.iloc[0]
    assert (row["source_a"], row["source_b"]) == ("Tracker A", "Tracker B")
    assert (
        row["zone_a"] == "liberated (lost since peak)" and row["zone_b"] == "advances"
    )
    want = compare(
        sorted(folder.glob("a_*")),
        folder / "b_2024-09-15.geojson",
        zone_a="liberated",
        derive_a="lost_since_peak",
    ).iloc[0]
    assert row["overlap_km2"] == pytest.approx(want["overlap_km2"], rel=1e-9)
    text = rep.markdown.read_text()
    assert "## Sources side by side" in text
    assert text.index("## Sources side by side") < text.index("## Sources\n")
    assert any(p.name.startswith("side-by-side-") for p in rep.figures)
    manifest = json.loads((rep.outdir / "manifest.json").read_text())
    read = {Path(r["path"]).name for r in manifest["inputs"] if r["role"] == "snapshot"}
    assert "b_2024-09-15.geojson" in read  # the compared source is an input too


def test_chart_of_two_sources_draws_a_line_each():
    from kurskgeo.plot import plot_timeline

    a = [
        snap(
            "2024-09-01", "DeepStateMap (deepstatemap.live)", (35.0, 51.0, 35.2, 51.5)
        ),
        snap(
            "2024-09-08", "DeepStateMap (deepstatemap.live)", (35.0, 51.0, 35.1, 51.5)
        ),
    ]
    b = [snap("2024-09-05", "ISW via x", (35.1, 51.0, 35.2, 51.5))]
    for s, z in ((a[0], "liberated"), (a[1], "liberated"), (b[0], "advances")):
        s["zone"] = z
    ax = plot_timeline([*a, *b], zone=["liberated", "advances"])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    # one line per source and the zone it draws; no line at zero for a zone
    # the other source never draws
    assert sorted(labels) == [
        "Advances,\nISW",
        "Held by Ukraine,\nDeepStateMap",
    ]
    table = timeline([*a, *b])
    ax = plot_timeline(table)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) == 2 and {x.split("\n")[1] for x in labels} == {
        "DeepStateMap",
        "ISW",
    }
