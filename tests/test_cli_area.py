"""The ``kurskgeo`` group and ``kurskgeo area``: output formats, exit codes, messages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys

import pytest
from shapely.geometry import Polygon

from kurskgeo.area import MEASUREMENT_COLUMNS, geodesic_area_km2
from kurskgeo.cli import cli
from kurskgeo.cli.area import COLUMNS
from tests.common import box_ring, collection, feature, polygon, write_geojson

SQUARE = box_ring(35.0, 51.0, 35.2, 51.2)


@pytest.fixture
def two_files(tmp_path):
    a = write_geojson(
        tmp_path / "2025-01-01.geojson",
        collection(feature(polygon(SQUARE), zone="liberated")),
    )
    b = write_geojson(
        tmp_path / "2025-01-02.geojson",
        collection(
            feature(polygon(SQUARE), zone="liberated"),
            feature(polygon(box_ring(36, 51, 36.1, 51.1)), zone="contested"),
        ),
    )
    return a, b


def test_json_output_has_the_documented_keys(runner, two_files):
    result = runner.invoke(cli, ["area", *map(str, two_files), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 2
    # JSON keeps every column of a measurement, the CRS as a PROJ string
    assert list(rows[0]) == list(MEASUREMENT_COLUMNS)
    assert rows[0]["crs"].startswith("+proj=laea")
    assert rows[0]["date"] == "2025-01-01"
    assert rows[0]["area_km2"] == pytest.approx(
        geodesic_area_km2(Polygon(SQUARE)), rel=1e-6
    )
    assert rows[1]["n_features"] == 2


def test_zone_option_and_csv(runner, two_files):
    result = runner.invoke(
        cli, ["area", str(two_files[1]), "--zone", "contested", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["zone"] == "contested"
    assert float(rows[0]["area_km2"]) == pytest.approx(
        geodesic_area_km2(Polygon(box_ring(36, 51, 36.1, 51.1))), rel=1e-6
    )


def test_table_output(runner, two_files):
    result = runner.invoke(cli, ["area", str(two_files[0].parent)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == list(COLUMNS)
    assert len(lines) == 4


def test_csv_columns_and_a_timestamp(runner, tmp_path):
    """A file named by Unix time (as DeepStateMap's API names them) has a timestamp."""
    moment = 1737150794
    path = write_geojson(
        tmp_path / f"{moment}.geojson", collection(feature(polygon(SQUARE)))
    )
    result = runner.invoke(cli, ["area", str(path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert list(row) == list(COLUMNS)
    when = dt.datetime.fromtimestamp(moment, tz=dt.UTC)
    assert dt.datetime.fromisoformat(row["timestamp"]) == when
    assert row["date"] == when.date().isoformat()
    assert float(row["area_mi2"]) * 1.609344**2 == pytest.approx(
        float(row["area_km2"]), rel=1e-12
    )


def point_series(folder):
    """Five files, each with a square and 1 to 5 points (each file warns once)."""
    point = feature({"type": "Point", "coordinates": [35.1, 51.1]})
    for day in range(1, 6):
        write_geojson(
            folder / f"2025-01-0{day}.geojson",
            collection(feature(polygon(SQUARE)), *[point] * day),
        )
    return folder


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_jobs_give_the_same_output(runner, tmp_path, fmt):
    """``-j 2`` measures on two processes: the same rows, the same warnings."""
    folder = point_series(tmp_path)
    one = runner.invoke(cli, ["-v", "area", str(folder), "--format", fmt])
    two = runner.invoke(cli, ["-v", "area", str(folder), "--format", fmt, "-j", "2"])
    assert one.exit_code == two.exit_code == 0, two.output
    assert two.stdout == one.stdout
    assert two.stderr == one.stderr
    said = [line for line in two.stderr.splitlines() if ": ignored" in line]
    assert [line.split(": ")[1].split("/")[-1] for line in said] == [
        f"2025-01-0{day}.geojson" for day in range(1, 6)
    ]


def test_progress_only_when_asked(runner, two_files):
    """stderr is not a terminal here: no bar unless --progress."""
    args = ["area", *map(str, two_files), "--format", "csv"]
    quiet = runner.invoke(cli, args)
    shown = runner.invoke(cli, [*args, "--progress"])
    assert quiet.exit_code == shown.exit_code == 0
    assert quiet.stderr == ""
    assert "measuring" in shown.stderr and "0/2" in shown.stderr  # two files
    assert shown.stdout == quiet.stdout


def test_bad_input_exits_1_with_one_line(runner, tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("{ not json")
    result = runner.invoke(cli, ["area", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: ") and "not valid JSON" in result.stderr
    assert "Traceback" not in result.output


def test_traceback_only_with_verbose(runner, tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("")
    result = runner.invoke(cli, ["-v", "area", str(bad)])
    assert result.exit_code == 1
    assert result.exception is not None


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["area"], "Missing argument"),
        (["area", "x.geojson", "--format", "xml"], "Invalid value for '--format'"),
        (["area", "x.geojson", "--crs", "EPSG:3857"], "2.6 times too large"),
        (["nope"], "No such command"),
    ],
)
def test_usage_errors_exit_2(runner, args, match):
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert match in result.stderr


def test_region_and_output_file(runner, two_files, tmp_path):
    region = write_geojson(
        tmp_path / "region.json",
        collection(feature(polygon(box_ring(35.1, 50, 40, 52)))),
    )
    out = tmp_path / "areas.json"
    args = [
        "area",
        str(two_files[0]),
        "--region",
        str(region),
        "--format",
        "json",
        "-o",
        str(out),
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text())
    assert rows[0]["area_km2"] == pytest.approx(
        geodesic_area_km2(Polygon(box_ring(35.1, 51.0, 35.2, 51.2))), rel=1e-4
    )
    again = runner.invoke(cli, args)
    assert again.exit_code == 1 and "--overwrite" in again.stderr
    assert runner.invoke(cli, [*args, "--overwrite"]).exit_code == 0


def test_version_and_show_versions(runner):
    assert runner.invoke(cli, ["--version"]).stdout.startswith("kurskgeo, version ")
    out = runner.invoke(cli, ["--show-versions"]).stdout
    assert "GEOS" in out and "PROJ" in out and "shapely" in out


def test_info(runner, two_files):
    result = runner.invoke(cli, ["info", str(two_files[1])])
    assert result.exit_code == 0
    info = json.loads(result.stdout)
    assert info["zones"] == {"contested": 1, "liberated": 1}
    assert (
        runner.invoke(cli, ["info", str(two_files[1]), "--count"]).stdout.strip() == "2"
    )


@pytest.mark.parametrize(
    "launcher", [["-m", "kurskgeo"], ["-c", "from kurskgeo.cli import main; main()"]]
)
def test_python_m_and_script(two_files, launcher):
    proc = subprocess.run(
        [sys.executable, *launcher, "area", str(two_files[0]), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["date"] == "2025-01-01"


@pytest.mark.parametrize(
    ("args", "status", "says"),
    [
        (["area", "--nope"], 2, "No such option"),  # a usage error
        (["area", "missing.geojson"], 1, "Error: missing.geojson"),  # in one line
        (["area", "{bad}"], 1, "Error: "),
        (["--version"], 0, ""),
    ],
)
def test_the_script_exits_with_the_status_of_the_command(tmp_path, args, status, says):
    """The script leaves without the interpreter's clean-up; statuses are kept."""
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [')
    args = [a.replace("{bad}", str(bad)) for a in args]
    proc = subprocess.run(
        [sys.executable, "-m", "kurskgeo", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == status, proc.stderr
    assert says in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_reader_that_leaves_early_is_no_error(tmp_path, two_files):
    """``kurskgeo area ... | head -1``: the broken pipe ends the run quietly."""
    proc = subprocess.run(
        f"{sys.executable} -m kurskgeo area {two_files[0]} {two_files[1]}"
        " --format csv | head -c 1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.stdout == "p"
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


def test_installed_script(two_files):
    import shutil

    exe = shutil.which(
        "kurskgeo", path=str(__import__("pathlib").Path(sys.executable).parent)
    )
    assert exe, "the kurskgeo script is not installed next to this python"
    proc = subprocess.run(
        [exe, "area", str(two_files[0]), "--format", "csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == ",".join(COLUMNS)


def test_a_warning_repeated_for_every_file_is_summed_up(runner, tmp_path):
    """Past three lines of one kind, stderr counts the rest; -v prints them all."""
    point_series(tmp_path)
    result = runner.invoke(cli, ["area", str(tmp_path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert sum(": ignored" in line for line in lines) == 3
    assert lines[-1] == (
        "warning: 2 more of the kind 'ignored N Point (only polygons have an area)' "
        "(-v prints them all)"
    )
    assert len(result.stdout.splitlines()) == 6  # the header and five rows
    loud = runner.invoke(cli, ["-v", "area", str(tmp_path), "--format", "csv"])
    assert sum(": ignored" in line for line in loud.stderr.splitlines()) == 5
    assert "more of the kind" not in loud.stderr
