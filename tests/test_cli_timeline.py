"""Tests of ``kurskgeo timeline`` and ``kurskgeo diff`` (click CliRunner and the script)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kurskgeo.cli import cli
from kurskgeo.series import COLUMNS

DATA = Path(__file__).parent / "data" / "timeline"
FRONT = sorted(str(p) for p in DATA.glob("front_*.geojson"))
DUP = str(DATA / "dup" / "dup_2024-08-07.geojson")


def invoke(runner, *args):
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_timeline_json_rows(runner):
    result = invoke(runner, "timeline", DATA, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["date"] for r in rows] == ["2024-08-06", "2024-08-07", "2024-08-09"]
    assert set(COLUMNS) <= set(rows[0])
    assert rows[0]["gained_km2"] is None and rows[0]["method"] == "first"
    for r in rows[1:]:
        assert r["gained_km2"] - r["lost_km2"] == pytest.approx(r["net_km2"], abs=1e-9)
    assert rows[2]["n_gained"] == 1 and rows[2]["days"] == 2


def test_timeline_table_and_csv(runner):
    table = invoke(runner, "timeline", *FRONT)
    assert table.exit_code == 0
    assert table.stdout.splitlines()[0].split()[:5] == [
        "date",
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
    picked = invoke(
        runner, "timeline", *FRONT, DUP, "--on-duplicate", "last", "--format", "json"
    )
    assert picked.exit_code == 0
    assert json.loads(picked.stdout)[1]["path"].endswith("dup_2024-08-07.geojson")


def test_timeline_errors_and_usage(runner, tmp_path):
    zone = invoke(runner, "timeline", DATA, "--zone", "liberated")
    assert zone.exit_code == 1 and "zones in the series: occupied" in zone.stderr
    missing = invoke(runner, "timeline", tmp_path / "none.geojson")
    assert missing.exit_code == 1 and "none.geojson" in missing.stderr
    bad = invoke(runner, "timeline", DATA, "--min-area", "-1")
    assert bad.exit_code == 2 and "--min-area" in bad.stderr
    no_paths = invoke(runner, "timeline")
    assert no_paths.exit_code == 2
    crs = invoke(runner, "timeline", DATA, "--crs", "EPSG:3857")
    assert crs.exit_code == 2 and "conformal" in crs.stderr


def test_timeline_zone_region_and_grid_options(runner, tmp_path):
    region = tmp_path / "region.geojson"
    region.write_text(
        json.dumps(
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [34.9, 50.9],
                        [35.3, 50.9],
                        [35.3, 51.3],
                        [34.9, 51.3],
                        [34.9, 50.9],
                    ]
                ],
            }
        )
    )
    result = invoke(
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
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    # the square near 35.5° E is outside the region; without a grid the redraw
    # of 2024-08-07 is a set of raw slivers, all kept with --min-area 0
    assert rows[1]["n_gained"] > 0 and rows[1]["filtered_km2"] == 0
    full = json.loads(invoke(runner, "timeline", DATA, "--format", "json").stdout)
    assert rows[0]["area_km2"] < full[0]["area_km2"]


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
    result = invoke(runner, "diff", FRONT[0], FRONT[1], "--format", "json")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)[0]
    assert summary["gained_km2"] - summary["lost_km2"] == pytest.approx(
        summary["net_km2"]
    )
    assert summary["date_a"] == "2024-08-06"
    assert invoke(runner, "diff", FRONT[0]).exit_code == 2
    series = invoke(runner, "diff", DATA, FRONT[0])
    assert series.exit_code == 1 and "must be one snapshot" in series.stderr


def test_progress_bar_goes_to_stderr(runner, tmp_path):
    for i in range(3):
        shutil.copy(FRONT[i], tmp_path / Path(FRONT[i]).name)
    result = invoke(runner, "timeline", tmp_path, "--progress", "--format", "json")
    assert result.exit_code == 0
    json.loads(result.stdout)  # stdout stays clean
    assert "measuring" in result.stderr and "/3 " in result.stderr  # tqdm, on stderr


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
