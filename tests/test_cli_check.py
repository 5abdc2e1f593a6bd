"""``kurskgeo check`` on the command line."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kurskgeo.claims import (
    COLUMNS,
    READING_VERDICTS,
    VERDICTS,
    check_claims,
    read_claims,
)
from kurskgeo.cli import cli

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "geodata" / "claims" / "kursk.yaml"
DATA = Path(__file__).resolve().parent / "data" / "claims"
SQUARES = DATA / "squares" / "squares.yaml"
SQUARE_MAPS = DATA / "squares" / "snapshots"
SCHEMA = ROOT / "docs" / "check.schema.json"

CLAIM_KEYS = {
    "id",
    "date",
    "source",
    "statement",
    "kind",
    "qualifier",
    "value",
    "unit",
    "also_value",
    "also_unit",
    "claimed_km2",
    "claimed_low",
    "claimed_high",
    "verdict",
    "reason",
    "readings",
    "primary_reading",
}
READING_KEYS = {
    "zone",
    "kind",
    "source",
    "map",
    "map_after",
    "since_map",
    "measured_km2",
    "low_km2",
    "high_km2",
    "measured_pct",
    "low_pct",
    "high_pct",
    "verdict",
    "reason",
}


def run(runner, *args):
    return runner.invoke(cli, ["check", *map(str, args)], catch_exceptions=False)


def run_json(runner, *args) -> dict:
    result = run(runner, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def claims_of(doc: dict) -> dict[str, dict]:
    return {c["id"]: c for c in doc["claims"]}


def primary(row: dict) -> dict:
    return row["readings"][row["primary_reading"]]


def iso_moment(text: str | None) -> None:
    """ISO 8601: a date, or a moment with its offset."""
    if text is None:
        return
    if len(text) == 10:
        dt.date.fromisoformat(text)
    else:
        assert dt.datetime.fromisoformat(text).tzinfo is not None, text


def assert_schema(doc: dict) -> int:
    """The keys of docs/check.schema.json, each once; return the readings seen."""
    assert set(doc) == {"claims", "findings", "notes"}
    assert all(isinstance(n, str) for n in doc["notes"])
    for f in doc["findings"]:
        assert set(f) == {"kind", "claims", "message", "consistent"}
    n = 0
    for c in doc["claims"]:
        assert set(c) == CLAIM_KEYS, sorted(set(c) ^ CLAIM_KEYS)
        assert c["verdict"] in VERDICTS
        dt.date.fromisoformat(c["date"])
        share = c["kind"] == "share"
        if share:
            assert c["claimed_km2"] is None
        else:
            assert isinstance(c["claimed_km2"], (int, float))
        if c["primary_reading"] is not None:
            assert 0 <= c["primary_reading"] < len(c["readings"])
        for r in c["readings"]:
            n += 1
            assert set(r) == READING_KEYS, sorted(set(r) ^ READING_KEYS)
            assert r["zone"] is None or (
                isinstance(r["zone"], list)
                and all(isinstance(z, str) for z in r["zone"])
            )
            assert r["verdict"] in READING_VERDICTS
            for key in ("map", "map_after", "since_map"):
                iso_moment(r[key])
            # a value is given once: in km², or in percent for a share
            km2 = [r["measured_km2"], r["low_km2"], r["high_km2"]]
            pct = [r["measured_pct"], r["low_pct"], r["high_pct"]]
            if share:
                assert km2 == [None, None, None]
            else:
                assert pct == [None, None, None]
            values = pct if share else km2
            if r["verdict"] == "unverifiable":
                assert values == [None, None, None]
            else:
                low, measured, high = values[1], values[0], values[2]
                assert low <= measured * (1 + 1e-9) + 1e-9
                assert measured <= high * (1 + 1e-9) + 1e-9
    if SCHEMA.is_file():  # validated too when jsonschema is installed
        try:
            import jsonschema
        except ImportError:
            return n
        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
    return n


def test_bundled_alone_json(runner):
    doc = run_json(runner, BUNDLED)
    assert_schema(doc)
    for row in doc["claims"]:
        assert row["verdict"] == "unverifiable"
        assert row["readings"] == [] and row["primary_reading"] is None
        assert row["reason"].startswith("unverifiable: ")
    rows = claims_of(doc)
    seized = rows["mod-seized"]
    assert seized["claimed_km2"] == 1268
    assert (seized["value"], seized["unit"]) == (1268, "km2")
    assert (seized["also_value"], seized["also_unit"]) == (490, "mi2")
    assert (seized["claimed_low"], seized["claimed_high"]) == pytest.approx(
        (1268 * 0.95, 1268 * 1.05)
    )
    assert rows["deepstate-held"]["claimed_high"] is None  # more than 420 km²
    assert rows["mod-share"]["claimed_km2"] is None
    assert rows["mod-held-implied"]["value"] is None
    assert rows["mod-held-implied"]["claimed_km2"] == 467
    mismatch = [f for f in doc["findings"] if f["kind"] == "unit_mismatch"]
    assert [f["claims"] for f in mismatch] == [["deepstate-held"]]
    share = [
        f
        for f in doc["findings"]
        if f["kind"] == "share" and "mod-retaken" in f["claims"]
    ]
    assert len(share) == 1
    assert {"mod-share", "mod-share-stated"} <= set(share[0]["claims"])
    assert share[0]["consistent"] is True
    assert "63.2%" in share[0]["message"]


def test_json_schema_on_measured_claims(runner):
    doc = run_json(runner, SQUARES)
    assert assert_schema(doc) >= 12
    rows = claims_of(doc)
    sq_all = rows["sq-all"]
    assert primary(sq_all)["zone"] == ["liberated", "contested"]
    assert primary(sq_all)["map"] == "2025-01-15"
    assert primary(sq_all)["measured_km2"] == pytest.approx(156, rel=1e-7)
    assert sq_all["verdict"] == "depends_on_reading"
    share = rows["sq-share"]
    assert primary(share)["measured_pct"] == pytest.approx(25, rel=1e-7)
    assert primary(share)["since_map"] == "2025-01-08"
    peak = primary(rows["sq-peak"])
    assert (peak["map"], peak["map_after"], peak["since_map"]) == (
        "2025-01-08",
        None,
        None,
    )
    assert doc["notes"] and "2024-11-15.geojson" in doc["notes"][0]


def test_json_is_the_result_to_dict(runner):
    doc = run_json(runner, SQUARES)
    result = check_claims(read_claims(SQUARES))
    assert doc == json.loads(json.dumps(result.to_dict()))


def test_zone_option_is_for_claims_that_name_none(runner):
    """--zone liberated: a claim of [liberated, contested] keeps its own zone."""
    doc = run_json(runner, SQUARES, "--zone", "liberated")
    rows = claims_of(doc)
    assert primary(rows["sq-all"])["zone"] == ["liberated", "contested"]
    assert primary(rows["sq-all"])["measured_km2"] == pytest.approx(156, rel=1e-7)
    assert primary(rows["sq-nozone"])["zone"] == ["liberated"]
    assert primary(rows["sq-nozone"])["measured_km2"] == pytest.approx(120, rel=1e-7)
    # the same as zone= in the API
    api = check_claims(read_claims(SQUARES), zone="liberated")
    assert doc == json.loads(json.dumps(api.to_dict()))
    # repeated: their union
    rows = claims_of(
        run_json(runner, SQUARES, "--zone", "liberated", "--zone", "contested")
    )
    assert primary(rows["sq-nozone"])["zone"] == ["liberated", "contested"]
    # none: every polygon
    rows = claims_of(run_json(runner, SQUARES))
    assert primary(rows["sq-nozone"])["zone"] is None
    assert primary(rows["sq-nozone"])["measured_km2"] == pytest.approx(156, rel=1e-7)


def test_line_accuracy_zero(runner):
    doc = run_json(runner, SQUARES, "--line-accuracy", "0")
    n = 0
    for c in doc["claims"]:
        for r in c["readings"]:
            assert r["map_after"] is None
            unit = "pct" if c["kind"] == "share" else "km2"
            if r["verdict"] != "unverifiable":
                assert r[f"low_{unit}"] == r[f"measured_{unit}"] == r[f"high_{unit}"]
                n += 1
    assert n >= 12
    wide = run_json(runner, SQUARES, "--line-accuracy", "250")
    assert wide == run_json(runner, SQUARES)  # the default
    assert any(
        r["low_km2"] is not None and r["low_km2"] < r["high_km2"]
        for c in wide["claims"]
        for r in c["readings"]
    )
    bad = run(runner, SQUARES, "--line-accuracy", "-1")
    assert bad.exit_code == 2 and "--line-accuracy" in bad.output


def test_table_lists_verdicts_reasons_and_findings(runner):
    result = run(runner, SQUARES)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "id",
        "date",
        "kind",
        "claimed",
        "verdict",
        "zone",
        "map",
        "measured",
        "band",
    ]
    row = next(line for line in lines if line.startswith("sq-lost "))
    assert "consistent" in row.split()
    assert "36 km²" in row
    assert "why:" in result.stdout
    assert "  sq-all: depends on the reading:" in result.stdout
    assert "findings:" in result.stdout
    assert "ok share: the stated figures" in result.stdout
    assert "notes:" in result.stdout and "15 November 2024" in result.stdout


def test_csv_has_every_column(runner):
    result = run(runner, SQUARES, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == COLUMNS
    row = next(r for r in rows if r["id"] == "sq-all")
    assert float(row["claimed_low"]) == pytest.approx(148.2)
    assert float(row["claimed_high"]) == pytest.approx(163.8)
    assert row["zone"] == "liberated+contested"
    assert float(row["measured"]) == pytest.approx(156, rel=1e-7)
    assert row["verdict"] == "depends_on_reading"
    assert row["map_source"] == "Squares"
    assert row["n_readings"] == "2"


def test_markdown(runner):
    result = run(runner, SQUARES, "--format", "markdown")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| id | date | kind | claimed | verdict |")
    assert lines[1].startswith("|---|")
    assert "## Why" in result.stdout
    assert "- **sq-all**: depends on the reading" in result.stdout
    assert "## Findings" in result.stdout


STRICT_CLAIMS = f"""\
- id: held
  date: 2025-01-15
  value: 140 km2
  zone: liberated
  snapshots: {SQUARE_MAPS}
"""


@pytest.mark.parametrize(("tolerance", "code"), [("0.05", 3), ("0.5", 0), ("50%", 0)])
def test_strict(runner, tmp_path, tolerance, code):
    # 140 km² held: at 5 % (133 to 147) the 120 km² held (band 109 to 131) are
    # less, the 156 km² with the grey zone (144 to 169) are not; at 50 % both fit
    claims = tmp_path / "strict.yaml"
    claims.write_text(STRICT_CLAIMS, encoding="utf-8")
    result = run(runner, claims, "--strict", "--tolerance", tolerance)
    assert result.exit_code == code
    result = run(runner, claims, "--tolerance", tolerance)
    assert result.exit_code == 0


def test_snapshots_option_overrides_and_max_age(runner):
    doc = run_json(
        runner,
        DATA / "synthetic.yaml",
        "--snapshots",
        DATA / "snapshots" / "2025-01-01.geojson",
    )
    assert primary(claims_of(doc)["held-area"])["map"] == "2025-01-01"
    doc = run_json(runner, DATA / "synthetic.yaml", "--max-age-days", "1")
    row = claims_of(doc)["held-area"]
    assert row["verdict"] == "unverifiable"
    assert "10 January 2025, 2 days earlier" in row["reason"]


def test_start_option(runner):
    """Without a start the synthetic peak cannot be known; --start gives one."""
    rows = claims_of(run_json(runner, DATA / "synthetic.yaml"))
    assert rows["held-peak"]["verdict"] == "unverifiable"
    rows = claims_of(run_json(runner, DATA / "synthetic.yaml", "--start", "2025-01-01"))
    assert rows["held-peak"]["verdict"] != "unverifiable"
    assert primary(rows["held-peak"])["map"] == "2025-01-01"
    bad = run(runner, DATA / "synthetic.yaml", "--start", "yesterday")
    assert bad.exit_code == 2 and "--start" in bad.output


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


@pytest.mark.realdata
def test_real_deepstate(runner, shared_data, kursk_oblast):
    result = run(
        runner,
        BUNDLED,
        "--snapshots",
        shared_data / "deepstate-raw" / "17*.geojson",
        "--region",
        kursk_oblast,
        "--format",
        "json",
    )
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert assert_schema(doc) >= 15
    rows = claims_of(doc)
    assert rows["deepstate-held"]["verdict"] == "consistent"
    assert rows["mod-retaken"]["verdict"] == "overstated"
    assert rows["mod-seized"]["verdict"] == "depends_on_reading"
    retaken = primary(rows["mod-retaken"])
    assert retaken["zone"] == ["liberated", "contested"]
    assert 580 < retaken["measured_km2"] < 660
    # maps are named by their publication time (the exports' file names)
    assert retaken["map"] == "2025-01-08T21:47:30+00:00"  # 1736372850
    assert retaken["since_map"] == "2024-08-21T20:31:50+00:00"  # 1724272310
    # the exports' Points are the map's markers: noted, not warned about
    assert "warning:" not in result.stderr
    assert "Point" not in result.stderr


@pytest.mark.realdata
def test_real_2022_export_left_out_with_a_note(runner, shared_data, kursk_oblast):
    result = run(
        runner,
        BUNDLED,
        "--snapshots",
        shared_data / "deepstate-raw",
        "--region",
        kursk_oblast,
        "--format",
        "json",
    )
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    (note,) = [n for n in doc["notes"] if "1648989208.geojson" in n]
    assert "3 April 2022" in note
    assert not any(
        (r["map"] or "").startswith("2022")
        for c in doc["claims"]
        for r in c["readings"]
    )


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
    rows = claims_of(json.loads(result.stdout))
    assert primary(rows["held-area"])["map"] == "2025-01-10"
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
