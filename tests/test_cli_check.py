"""``kurskgeo check`` on the command line."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kurskgeo.area import KM2_PER_MI2
from kurskgeo.claims import COLUMNS
from kurskgeo.cli import cli

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "geodata" / "claims" / "kursk.yaml"
DATA = Path(__file__).resolve().parent / "data" / "claims"


def run(runner, *args):
    return runner.invoke(cli, ["check", *map(str, args)], catch_exceptions=False)


def test_bundled_alone_json(runner):
    result = run(runner, BUNDLED, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"claims", "findings"}
    for row in doc["claims"]:
        for key in (
            "id",
            "claimed_km2",
            "measured_km2",
            "snapshot_date",
            "relative_difference",
            "verdict",
        ):
            assert key in row
        assert row["verdict"] == "unverifiable"
    seized = next(r for r in doc["claims"] if r["id"] == "mod-seized")
    assert seized["claimed_km2"] == 1268
    mismatch = [f for f in doc["findings"] if f["kind"] == "unit_mismatch"]
    assert [f["claims"] for f in mismatch] == [["deepstate-held"]]
    share = next(
        f
        for f in doc["findings"]
        if f["kind"] == "share" and f["claims"][0] == "mod-share"
    )
    assert share["consistent"] is True
    assert "63.2%" in share["message"]


def test_table_lists_verdicts_and_findings(runner):
    result = run(runner, DATA / "synthetic.yaml")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["id", "as_of"]
    held = next(line for line in lines if line.startswith("held-lost "))
    assert held.split()[-1] == "overstated"
    assert "findings:" in result.stdout
    assert "share: share-lost" in result.stdout


def test_csv_has_every_column(runner):
    result = run(runner, DATA / "synthetic.yaml", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == COLUMNS
    now = next(r for r in rows if r["id"] == "all-now")
    assert float(now["claimed_km2"]) == pytest.approx(120 * KM2_PER_MI2)
    assert now["claimed_unit"] == "mi2"


def test_markdown(runner):
    result = run(runner, DATA / "synthetic.yaml", "--format", "markdown")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| id | as_of |")
    assert lines[1].startswith("|---|")
    assert "## Findings" in result.stdout


@pytest.mark.parametrize(("tolerance", "code"), [("0.05", 3), ("0.5", 0), ("50%", 0)])
def test_strict(runner, tolerance, code):
    # held-lost says 200 km², the boxes lost 156 km²: overstated unless t >= 29 %
    result = run(runner, DATA / "synthetic.yaml", "--strict", "--tolerance", tolerance)
    assert result.exit_code == code
    result = run(runner, DATA / "synthetic.yaml", "--tolerance", tolerance)
    assert result.exit_code == 0


def test_snapshots_option_overrides_and_max_age(runner, tmp_path):
    result = run(
        runner,
        DATA / "synthetic.yaml",
        "--snapshots",
        DATA / "snapshots" / "2025-01-01.geojson",
        "--format",
        "json",
    )
    rows = {r["id"]: r for r in json.loads(result.stdout)["claims"]}
    assert rows["held-area"]["snapshot_date"] == "2025-01-01"
    result = run(
        runner, DATA / "synthetic.yaml", "--max-age-days", "1", "--format", "json"
    )
    rows = {r["id"]: r for r in json.loads(result.stdout)["claims"]}
    assert rows["held-area"]["verdict"] == "unverifiable"
    assert "max_age_days=1" in rows["held-area"]["note"]


def test_output_file(runner, tmp_path):
    out = tmp_path / "v.json"
    assert run(runner, BUNDLED, "--format", "json", "-o", out).exit_code == 0
    assert json.loads(out.read_text())["claims"]
    again = run(runner, BUNDLED, "--format", "json", "-o", out)
    assert again.exit_code == 1
    assert "exists" in again.output
    assert (
        run(runner, BUNDLED, "--format", "json", "-o", out, "--overwrite").exit_code
        == 0
    )


def test_bad_claims_file(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: x\n  date: 2025-01-17\n  value: 12\n  unit: acres\n")
    result = run(runner, bad)
    assert result.exit_code == 1
    assert "bad.yaml:4" in result.output
    assert "'x'" in result.output and "acres" in result.output


@pytest.mark.parametrize("value", ["abc", "2", "-0.1"])
def test_bad_tolerance(runner, value):
    result = run(runner, BUNDLED, "--tolerance", value)
    assert result.exit_code == 2
    assert "--tolerance" in result.output


def test_real_deepstate(runner, shared_data):
    result = run(
        runner,
        BUNDLED,
        "--snapshots",
        shared_data / "deepstate-raw" / "17*.geojson",
        "--region",
        shared_data / "boundaries" / "kursk_oblast.geojson",
        "--format",
        "json",
    )
    assert result.exit_code == 0
    rows = {r["id"]: r for r in json.loads(result.stdout)["claims"]}
    assert rows["deepstate-held"]["verdict"] == "consistent"
    assert rows["mod-retaken"]["verdict"] == "overstated"
    assert 580 < rows["mod-retaken"]["measured_km2"] < 660
    # the exports' Points are the map's markers: noted, not warned about
    assert "warning:" not in result.stderr
    assert "Point" not in result.stderr


def test_warnings_go_to_stderr_only(runner, tmp_path):
    """A snapshot's warning (a generic file's Point) is on stderr; stdout is JSON."""
    folder = tmp_path / "snapshots"
    folder.mkdir()
    for src in sorted((DATA / "snapshots").glob("*.geojson")):
        doc = json.loads(src.read_text())
        doc["features"].append(
            {
                "type": "Feature",
                "properties": {"name": "a marker"},
                "geometry": {"type": "Point", "coordinates": [35.1, 51.1]},
            }
        )
        (folder / src.name).write_text(json.dumps(doc))
    result = run(
        runner, DATA / "synthetic.yaml", "--snapshots", folder, "--format", "json"
    )
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.stdout)["claims"]}
    assert rows["held-area"]["snapshot_date"] == "2025-01-10"
    assert "warning:" in result.stderr and "ignored 1 Point" in result.stderr


def test_installed_script():
    exe = Path(sys.executable).with_name("kurskgeo")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "kurskgeo"]
    proc = subprocess.run(
        [*cmd, "check", str(BUNDLED), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["findings"]
