"""Tests of ``kurskgeo timeline`` and ``kurskgeo diff`` (click CliRunner and the script)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import box

from kurskgeo.cli import cli
from kurskgeo.series import COLUMNS

TESTS = Path(__file__).parent
DATA = TESTS / "data" / "timeline"
FRONT = sorted(str(p) for p in DATA.glob("front_*.geojson"))
DUP = str(DATA / "dup" / "dup_2024-08-07.geojson")


def invoke(runner, *args):
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


def json_rows(runner, *args):
    result = invoke(runner, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# ---------------------------------------------------------------- timeline


def test_timeline_json_rows(runner):
    rows = json_rows(runner, "timeline", DATA)
    assert [r["date"] for r in rows] == ["2024-08-06", "2024-08-07", "2024-08-09"]
    assert set(COLUMNS) <= set(rows[0])
    assert rows[0]["gained_km2"] is None and rows[0]["method"] == "first"
    for r in rows[1:]:
        assert r["gained_km2"] - r["lost_km2"] == pytest.approx(r["net_km2"], abs=1e-9)
    assert rows[2]["n_gained"] == 1 and rows[2]["days"] == 2
    # each snapshot is measured as `kurskgeo area` measures it
    areas = json_rows(runner, "area", DATA)
    assert [r["area_km2"] for r in rows] == [a["area_km2"] for a in areas]


def test_timeline_table_and_csv(runner):
    table = invoke(runner, "timeline", *FRONT)
    assert table.exit_code == 0
    assert table.stdout.splitlines()[0].split()[:6] == [
        "date",
        "source",
        "area_km2",
        "gained_km2",
        "lost_km2",
        "net_km2",
    ]
    assert "3 snapshots, 2024-08-06 to 2024-08-09" in table.stdout
    assert "CRS: +proj=laea" in table.stdout
    result = invoke(runner, "timeline", DATA / "front_*.geojson", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(COLUMNS) and len(rows) == 3


def test_timeline_output_file_is_not_overwritten(runner, tmp_path):
    out = tmp_path / "series.json"
    first = invoke(runner, "timeline", DATA, "--format", "json", "-o", out)
    assert first.exit_code == 0 and len(json.loads(out.read_text())) == 3
    again = invoke(runner, "timeline", DATA, "--format", "json", "-o", out)
    assert (
        again.exit_code == 1
        and "exists" in again.stderr
        and "--overwrite" in again.stderr
    )
    forced = invoke(runner, "timeline", DATA, "-o", out, "--overwrite")
    assert forced.exit_code == 0 and out.read_text().startswith("date")


def test_timeline_duplicate_dates(runner):
    refused = invoke(runner, "timeline", *FRONT, DUP)
    assert refused.exit_code == 1
    assert (
        "2 snapshots show 2024-08-07" in refused.stderr
        and "--on-duplicate" in refused.stderr
    )
    picked = json_rows(runner, "timeline", *FRONT, DUP, "--on-duplicate", "last")
    assert picked[1]["path"].endswith("dup_2024-08-07.geojson")


def test_timeline_zone_absent_from_every_snapshot(runner):
    zone = invoke(runner, "timeline", DATA, "--zone", "liberated")
    assert zone.exit_code == 1
    assert "zones in the series: occupied" in zone.stderr


def test_timeline_errors_and_usage(runner, tmp_path):
    missing = invoke(runner, "timeline", tmp_path / "none.geojson")
    assert missing.exit_code == 1 and "none.geojson" in missing.stderr
    bad = invoke(runner, "timeline", DATA, "--min-area", "-1")
    assert bad.exit_code == 2 and "--min-area" in bad.stderr
    grid = invoke(runner, "timeline", DATA, "--grid-size", "-0.1")
    assert grid.exit_code == 2 and "--grid-size" in grid.stderr
    jobs = invoke(runner, "timeline", DATA, "-j", "0")
    assert jobs.exit_code == 2 and "--jobs" in jobs.stderr
    no_paths = invoke(runner, "timeline")
    assert no_paths.exit_code == 2
    crs = invoke(runner, "timeline", DATA, "--crs", "EPSG:3857")
    assert crs.exit_code == 2 and "conformal" in crs.stderr


def test_timeline_zone_region_and_grid_options(runner, tmp_path):
    region = tmp_path / "region.geojson"
    region.write_text(json.dumps(shapely.geometry.mapping(box(34.9, 50.9, 35.3, 51.3))))
    rows = json_rows(
        runner,
        "timeline",
        DATA,
        "--zone",
        "occupied",
        "--region",
        region,
        "--grid-size",
        "0",
        "--min-area",
        "0",
    )
    # the square near 35.5° E is outside the region; without a grid the redraw
    # of 2024-08-07 is a set of raw slivers, all kept with --min-area 0
    assert rows[1]["n_gained"] > 0 and rows[1]["filtered_km2"] == 0
    full = json_rows(runner, "timeline", DATA)
    assert rows[0]["area_km2"] < full[0]["area_km2"]


# a square of 1 km drawn in a fixed LAEA, its corners 0.2 m past whole metres,
# then moved east by 0.17 m: on a grid of 1 m the two coincide
GRID_CRS = "+proj=laea +lat_0=51 +lon_0=35 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"


def write_metre_square(path: Path, x0: float) -> Path:
    tr = Transformer.from_crs(GRID_CRS, "OGC:CRS84", always_xy=True)
    square = shapely.transform(
        box(x0, 7000.2, x0 + 1000, 8000.2),
        lambda xy: np.column_stack(tr.transform(*xy.T)),
    )
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": shapely.geometry.mapping(square),
            }
        ],
    }
    path.write_text(json.dumps(doc))
    return path


def test_timeline_grid_size_is_in_metres(runner, tmp_path):
    write_metre_square(tmp_path / "sq_2024-08-01.geojson", 5000.2)
    write_metre_square(tmp_path / "sq_2024-08-02.geojson", 5000.37)

    def row(*grid):
        args = ("timeline", tmp_path, "--crs", GRID_CRS, "--min-area", "0", *grid)
        return json_rows(runner, *args)[1]

    default, tenth, metre, none = (
        row(),
        row("--grid-size", "0.1"),
        row("--grid-size", "1"),
        row("--grid-size", "0"),
    )
    assert default == tenth  # the default is 0.1 m
    # on a 0.1 m grid the corners move from .2 to .4 m: a strip 0.2 m wide
    assert tenth["gained_raw_km2"] == pytest.approx(1000 * 0.2 / 1e6, rel=1e-4)
    assert tenth["n_gained"] == 1 and tenth["n_lost"] == 1
    # on a 1 m grid both squares snap to the same corners
    assert metre["gained_raw_km2"] == metre["lost_raw_km2"] == 0
    assert metre["n_gained"] == 0 and metre["n_lost"] == 0
    # compared as measured, the move is 0.17 m
    assert none["gained_raw_km2"] == pytest.approx(1000 * 0.17 / 1e6, rel=1e-4)
    for r in (tenth, metre, none):
        assert r["area_km2"] == pytest.approx(1.0, rel=1e-6)
        assert r["net_km2"] == pytest.approx(0, abs=1e-9)


def test_timeline_jobs_give_the_same_rows_and_warnings(runner, tmp_path):
    for path in FRONT:
        shutil.copy(path, tmp_path)
    shutil.copy(
        TESTS / "data" / "bad" / "bowtie.geojson", tmp_path / "b_2024-08-20.geojson"
    )
    one = invoke(runner, "timeline", tmp_path, "--format", "json")
    two = invoke(runner, "timeline", tmp_path, "--format", "json", "-j", "2")
    assert one.exit_code == two.exit_code == 0
    assert two.stdout == one.stdout and len(json.loads(one.stdout)) == 4
    # the repair of the invalid polygon is reported either way, once
    for result in (one, two):
        assert (
            result.stderr.count("b_2024-08-20.geojson: feature 0: invalid polygon") == 1
        )


def test_progress_bar_only_when_asked(runner, tmp_path):
    for path in FRONT:
        shutil.copy(path, tmp_path)
    # CliRunner's stderr is not a terminal: no bar unless --progress
    for args in ((), ("--no-progress",), ("-j", "2")):
        quiet = invoke(runner, "timeline", tmp_path, "--format", "json", *args)
        assert quiet.exit_code == 0 and quiet.stderr == "", args
    for args in ((), ("-j", "2")):
        shown = invoke(
            runner, "timeline", tmp_path, "--progress", "--format", "json", *args
        )
        assert shown.exit_code == 0
        assert json.loads(shown.stdout) == json.loads(
            quiet.stdout
        )  # stdout stays clean
        assert "measuring" in shown.stderr and "/3 " in shown.stderr  # tqdm, on stderr


def test_installed_script_runs_timeline():
    exe = Path(sys.executable).with_name("kurskgeo")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "kurskgeo"]
    proc = subprocess.run(
        [*cmd, "timeline", str(DATA), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) == 3
    assert proc.stderr == ""  # stderr is a pipe, not a terminal: no progress bar


# ---------------------------------------------------------------- diff


def test_diff_writes_geojson_and_prints_totals(runner, tmp_path):
    out = tmp_path / "change.geojson"
    result = invoke(runner, "diff", FRONT[0], FRONT[2], "-o", out, "--keep")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2024-08-06 -> 2024-08-09")
    changes = [line.split()[0] for line in lines[3:]]
    assert changes[:4] == ["gained", "lost", "kept", "net"]
    doc = json.loads(out.read_text())
    kinds = sorted(f["properties"]["change"] for f in doc["features"])
    assert kinds == ["gained", "kept", "kept", "lost"]
    assert all(f["properties"]["date_b"] == "2024-08-09" for f in doc["features"])
    refused = invoke(runner, "diff", FRONT[0], FRONT[2], "-o", out)
    assert refused.exit_code == 1 and "exists" in refused.stderr
    assert (
        invoke(runner, "diff", FRONT[0], FRONT[2], "-o", out, "--overwrite").exit_code
        == 0
    )


def test_diff_json_and_errors(runner):
    summary = json_rows(runner, "diff", FRONT[0], FRONT[1])[0]
    assert summary["gained_km2"] - summary["lost_km2"] == pytest.approx(
        summary["net_km2"]
    )
    assert summary["date_a"] == "2024-08-06"
    # the row of the timeline for the later date gives the same totals
    row = json_rows(runner, "timeline", FRONT[0], FRONT[1])[1]
    for key in ("gained_km2", "lost_km2", "net_km2", "filtered_km2"):
        assert summary[key] == pytest.approx(row[key], rel=1e-12, abs=1e-15), key
    assert invoke(runner, "diff", FRONT[0]).exit_code == 2
    series = invoke(runner, "diff", DATA, FRONT[0])
    assert series.exit_code == 1 and "must be one snapshot" in series.stderr


def test_diff_grid_size_is_in_metres(runner, tmp_path):
    a = write_metre_square(tmp_path / "sq_2024-08-01.geojson", 5000.2)
    b = write_metre_square(tmp_path / "sq_2024-08-02.geojson", 5000.37)
    common = ("diff", a, b, "--crs", GRID_CRS, "--min-area", "0")
    metre = json_rows(runner, *common, "--grid-size", "1")[0]
    tenth = json_rows(runner, *common)[0]
    assert metre["gained_raw_km2"] == 0 and metre["lost_raw_km2"] == 0
    assert tenth["gained_raw_km2"] == pytest.approx(1000 * 0.2 / 1e6, rel=1e-4)
