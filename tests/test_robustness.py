"""The catalogue of bad inputs (tests/data/bad): each has one expected behaviour.

Through the Python API a bad input raises a KurskgeoError subclass (that also
inherits the matching builtin) naming the file; a repairable one is read with a
warning. Through the CLI the same input ends with one line on stderr and exit
status 1, or exit 0 and the warning, and never a traceback or a partial output.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import kurskgeo
from kurskgeo.cli import cli
from kurskgeo.io import read_snapshot, read_snapshots

BAD = Path(__file__).parent / "data" / "bad"

#: file -> (outcome, exception or warning class, message fragment)
CATALOGUE = {
    "empty.geojson": ("error", kurskgeo.SnapshotError, "the file is empty"),
    "not_json.geojson": ("error", kurskgeo.SnapshotError, "not valid JSON"),
    "truncated.geojson": ("error", kurskgeo.SnapshotError, "is the download complete"),
    "not_geojson.json": ("error", kurskgeo.SnapshotError, "JSON but not GeoJSON"),
    "no_features.geojson": ("error", kurskgeo.SnapshotError, "no polygon in the file"),
    "only_null_geometry.geojson": (
        "error",
        kurskgeo.SnapshotError,
        "1 null geometries",
    ),
    "null_geometry.geojson": (
        "warn",
        kurskgeo.SkippedFeatureWarning,
        "2 feature(s) with null geometry",
    ),
    "unknown_type.geojson": (
        "error",
        kurskgeo.SnapshotError,
        "unknown geometry type 'Circle'",
    ),
    "short_ring.geojson": (
        "warn",
        kurskgeo.SkippedFeatureWarning,
        "fewer than 4 positions in feature(s) 1",
    ),
    "unclosed_ring.geojson": (
        "warn",
        kurskgeo.RepairWarning,
        "closed unclosed rings in feature(s) 0",
    ),
    "bowtie.geojson": (
        "warn",
        kurskgeo.RepairWarning,
        "feature 0: invalid polygon (Self-intersection",
    ),
    "duplicate_vertices.geojson": ("ok", None, None),
    "nan.geojson": (
        "error",
        kurskgeo.SnapshotError,
        "NaN and infinite numbers are not allowed",
    ),
    "infinite.geojson": (
        "error",
        kurskgeo.SnapshotError,
        "NaN and infinite numbers are not allowed",
    ),
    "latitude_beyond_90.geojson": (
        "error",
        kurskgeo.SnapshotError,
        "latitude values exceed ±90",
    ),
    "swapped.geojson": ("error", kurskgeo.SnapshotError, "look swapped"),
    "projected_as_degrees.geojson": (
        "error",
        kurskgeo.SnapshotError,
        "look projected (metres?)",
    ),
    "unknown_crs.geojson": ("error", kurskgeo.SnapshotError, "PROJ does not know"),
    "varying_z.geojson": ("ok", None, None),
    "deeply_nested.geojson": ("error", kurskgeo.SnapshotError, "nested too deeply"),
    "non_utf8.geojson": ("warn", kurskgeo.RepairWarning, "not valid UTF-8"),
    "bom.geojson": ("ok", None, None),
    "not_gzip.geojson.gz": ("error", kurskgeo.SnapshotError, "not gzip-compressed"),
    "corrupt.geojson.gz": ("error", kurskgeo.SnapshotError, "corrupt or truncated"),
    "shapefile_renamed.geojson": (
        "error",
        kurskgeo.SnapshotError,
        "shapefile or zip archive",
    ),
    "properties_not_object.geojson": (
        "error",
        kurskgeo.SnapshotError,
        "'properties' must be an object",
    ),
    "bad_date.geojson": (
        "error",
        kurskgeo.SnapshotError,
        "'yesterday', not a YYYY-MM-DD date",
    ),
    "geometry_collection.geojson": (
        "warn",
        kurskgeo.SkippedFeatureWarning,
        "ignored 1 Point",
    ),
}

SQUARE_KM2 = 311.708  # 35.0-35.2 E, 51.0-51.2 N, see test_catalogue_areas


def test_catalogue_covers_every_fixture():
    files = {p.name for p in BAD.iterdir() if p.is_file()}
    assert files == set(CATALOGUE)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_api(name):
    outcome, cls, match = CATALOGUE[name]
    path = BAD / name
    before = path.read_bytes()
    if outcome == "error":
        with pytest.raises(cls) as info:
            read_snapshot(path)
        assert match in str(info.value)
        assert str(path) in str(info.value)
        assert isinstance(info.value, kurskgeo.KurskgeoError)
        assert isinstance(info.value, ValueError)
    elif outcome == "warn":
        with pytest.warns(cls) as record:
            snap = read_snapshot(path)
        assert any(match in str(w.message) for w in record)
        assert any(match in note for note in snap.attrs["notes"])
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            snap = read_snapshot(path)
        assert kurskgeo.area_km2(snap) == pytest.approx(SQUARE_KM2, abs=0.01)
    assert path.read_bytes() == before  # inputs are never modified


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_cli(runner, name, tmp_path):
    outcome, _, match = CATALOGUE[name]
    out = tmp_path / "areas.json"
    result = runner.invoke(
        cli, ["area", str(BAD / name), "--format", "json", "-o", str(out)]
    )
    assert "Traceback" not in result.output
    if outcome == "error":
        assert result.exit_code == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ")
        assert match in lines[0]
        assert not out.exists()
        assert list(tmp_path.iterdir()) == []  # no partial output
    else:
        assert result.exit_code == 0, result.output
        row = json.loads(out.read_text())[0]
        assert row["n_features"] >= 1
        if outcome == "warn":
            assert "warning: " in result.stderr and match in result.stderr
            assert any(match in note for note in row["notes"])  # recorded in the output


def test_catalogue_areas():
    # the reference square of the 'ok' fixtures, measured independently
    from pyproj import Geod

    area, _ = Geod(ellps="WGS84").polygon_area_perimeter(
        [35, 35.2, 35.2, 35], [51, 51, 51.2, 51.2]
    )
    assert area / 1e6 == pytest.approx(SQUARE_KM2, abs=0.01)


def test_folder_with_two_snapshots_of_one_date():
    with pytest.raises(
        kurskgeo.SnapshotError,
        match=r"2 snapshots show 2025-01-17: .*2025-01-17\.geojson, .*kursk_20250117\.geojson",
    ):
        read_snapshots(BAD / "same_date")


def test_folder_mixing_crss_is_read_in_one_crs():
    series = read_snapshots(BAD / "mixed_crs")
    areas = [kurskgeo.area_km2(s) for s in series]
    assert areas[0] == pytest.approx(SQUARE_KM2, abs=0.01)
    assert areas[1] == pytest.approx(areas[0], rel=1e-6)
    assert all(s.crs.equals("OGC:CRS84") for s in series)


def test_huge_coordinate_count(tmp_path):
    import numpy as np

    n = 400_000
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    ring = (
        np.column_stack([35.5 + 0.3 * np.cos(t), 51.5 + 0.2 * np.sin(t)])
        .round(7)
        .tolist()
    )
    ring.append(ring[0])
    doc = {"type": "Polygon", "coordinates": [ring]}
    path = tmp_path / "huge.geojson"
    path.write_text(json.dumps(doc))
    assert path.stat().st_size > 8_000_000
    m = kurskgeo.measure(read_snapshot(path))
    assert m.area_km2 == pytest.approx(m.geodesic_km2, rel=1e-6)


# ----------------------------------------------------------------- claims files

BAD_CLAIMS = Path(__file__).parent / "data" / "bad_claims"

#: file -> (line of the claims file named in the message, or None; message fragment)
CLAIMS_CATALOGUE = {
    "empty.yaml": (None, "holds no claims"),
    "invalid_yaml.yaml": (3, "not valid YAML"),
    "unsafe_yaml.yaml": (1, "not valid YAML"),  # safe loader: no Python objects
    "unknown_unit.yaml": (4, "unknown unit 'acres'"),
    "negative_area.yaml": (3, "must be above 0"),
    "zero_area.yaml": (3, "must be above 0"),
    "percent_over_100.yaml": (3, "120% is more than 100%"),
    "unknown_id_in_of.yaml": (1, "unknown claim id 'x'"),
    "unknown_id_in_expression.yaml": (1, "unknown claim id 'nope'"),
    "not_a_date.yaml": (2, "'yesterday' is not a date"),
    "derived_cycle.yaml": (3, "form a cycle"),
}


def test_claims_catalogue_covers_every_fixture():
    assert {p.name for p in BAD_CLAIMS.iterdir()} == set(CLAIMS_CATALOGUE)


@pytest.mark.parametrize("name", sorted(CLAIMS_CATALOGUE))
def test_bad_claims_files(runner, name):
    line, match = CLAIMS_CATALOGUE[name]
    path = BAD_CLAIMS / name
    with pytest.raises(kurskgeo.ClaimsFileError) as info:
        kurskgeo.read_claims(path)
    message = str(info.value)
    assert match in message and isinstance(info.value, ValueError)
    assert message.startswith(f"{path}:{line}:" if line else f"{path}:")
    result = runner.invoke(cli, ["check", str(path), "--format", "json"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"Error: {message}"]
    assert "Traceback" not in result.output


# ----------------------------------------------------------------- other commands

GEODATA = Path(__file__).resolve().parents[1] / "geodata"
SNAP = str(GEODATA / "snapshots" / "kursk_2025-01-08.geojson")


@pytest.mark.parametrize(
    ("args", "code", "match"),
    [
        (
            ["map", SNAP, "--zone", "nothere", "-o", "{out}/m.png"],
            1,
            "no polygon of zone nothere",
        ),
        (
            ["map", str(BAD / "truncated.geojson"), "-o", "{out}/m.png"],
            1,
            "not valid JSON",
        ),
        (
            ["map", SNAP, "--region", str(BAD / "empty.geojson"), "-o", "{out}/m.png"],
            1,
            "the file is empty",
        ),
        (["map", SNAP, "--places", SNAP, "-o", "{out}/m.png"], 1, "no Point feature"),
        (["map", SNAP, "-o", "{out}/missing/m.png"], 1, "output folder does not exist"),
        (["map", SNAP, "-o", "{out}/m.txt"], 2, "suffix must be one of"),
        (["chart", str(BAD / "varying_z.geojson"), "-o", "{out}/c.png"], 1, "no date"),
        (
            [
                "check",
                str(GEODATA / "claims" / "kursk.yaml"),
                "--snapshots",
                str(BAD / "nan.geojson"),
            ],
            1,
            "NaN",
        ),
        (
            ["check", str(GEODATA / "claims" / "kursk.yaml"), "--tolerance", "abc"],
            2,
            "not a number",
        ),
        (["timeline", str(BAD / "same_date")], 1, "2 snapshots show 2025-01-17"),
        (
            ["diff", SNAP, str(BAD / "corrupt.geojson.gz"), "-o", "{out}/d.geojson"],
            1,
            "corrupt or truncated",
        ),
    ],
)
def test_other_commands_fail_cleanly(runner, tmp_path, args, code, match):
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(cli, [a.replace("{out}", str(out)) for a in args])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert match in result.stderr
    if code == 1:
        errors = [
            line for line in result.stderr.splitlines() if line.startswith("Error: ")
        ]
        assert len(errors) == 1
    assert list(out.iterdir()) == []  # nothing written, not even a partial file
