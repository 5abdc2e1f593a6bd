"""Files from strangers: each crafted input is refused in one line, or read right.

Every case of issue 22 (and more of the same kinds) is rebuilt here from small
files made in ``tmp_path``: an output path that is a device, a pipe or a
dangling link; gzip and YAML bombs; claims that grow findings with the square of
their number; a folder with two maps of one date; a CRS in grads from Paris;
CRS members and claims that name named pipes; text that is HTML, Markdown,
a spreadsheet formula, mathtext or terminal escapes; signals while writing.
Each ends with exit 1 or 2 and one line naming the problem (or the right
result), within the documented limits, leaving nothing behind.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import os
import re
import signal
import stat
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from pyproj import CRS, Geod, Transformer

import kurskgeo
from kurskgeo.cli import cli, cli_terms
from kurskgeo.escape import csv_cell, markdown_code, markdown_text, visible
from kurskgeo.io import atomic_write, check_output
from kurskgeo.limits import LIMITS, get, gunzip
from tests.common import box_ring, collection, feature, polygon, write_geojson

ROOT = Path(__file__).resolve().parents[1]
SQUARE_KM2 = 311.708  # 35.0-35.2 E, 51.0-51.2 N (see test_robustness)
HAS_FIFO = hasattr(os, "mkfifo")


def square(path: Path, **props: object) -> Path:
    """A 0.2° square map (the date in the file name), with these properties."""
    props.setdefault("zone", "liberated")
    doc = collection(feature(polygon(box_ring(35.0, 51.0, 35.2, 51.2)), **props))
    return write_geojson(path, doc)


def claims(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


CLAIM = """
- id: c1
  date: 2024-09-05
  value: 300 km2
  zone: liberated
"""


def one_line_error(result, match: str) -> str:
    """The CLI ended with exit 1 and one line, ``Error: ...`` holding `match`."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("Error")]
    assert len(errors) == 1 and lines[-1] == errors[0], lines  # after progress
    assert errors[0].startswith("Error: ") and match in errors[0], errors[0]
    return errors[0]


def run_kurskgeo(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m kurskgeo`` from this checkout (a hang fails the test)."""
    return subprocess.run(
        [sys.executable, "-m", "kurskgeo", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def peak_memory_mib(code: str, env: dict[str, str] | None = None) -> float:
    """Run Python `code` in a child; return its peak resident memory in MiB."""
    # VmHWM is this process's own peak; ru_maxrss would keep the parent's
    # (pytest's) from before exec on Linux
    probe = (
        "import resource, sys\n"
        f"{code}\n"
        "try:\n"
        "    status = open('/proc/self/status').read()\n"
        "    kb = int(status.split('VmHWM:')[1].split()[0])\n"
        "except (OSError, IndexError):\n"
        "    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(kb, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )
    return int(done.stderr.strip().splitlines()[-1]) / 1024


@pytest.fixture
def snaps(tmp_path: Path) -> Path:
    folder = tmp_path / "snaps"
    folder.mkdir()
    square(folder / "map_2024-09-04.geojson", source="DeepStateMap")
    return folder


# ================================================================ outputs

OUTPUT_COMMANDS = {
    "area": lambda s, c: ["area", str(s)],
    "timeline": lambda s, c: ["timeline", str(s)],
    "check": lambda s, c: ["check", str(c), "--snapshots", str(s)],
    "diff": lambda s, c: (
        ["diff", str(s / "map_2024-09-04.geojson")] * 1
        + [str(s / "map_2024-09-04.geojson")]
    ),
}


@pytest.mark.parametrize("command", sorted(OUTPUT_COMMANDS))
@pytest.mark.parametrize("overwrite", [False, True])
def test_a_device_is_never_replaced(runner, snaps, tmp_path, command, overwrite):
    claim = claims(tmp_path / "c.yaml", CLAIM)
    args = [*OUTPUT_COMMANDS[command](snaps, claim), "-o", os.devnull]
    result = runner.invoke(cli, args + (["--overwrite"] if overwrite else []))
    one_line_error(result, "not a regular file")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


@pytest.mark.skipif(not HAS_FIFO, reason="no named pipes here")
@pytest.mark.parametrize("command", ["area", "check", "map", "chart", "diff"])
def test_a_pipe_or_folder_output_is_refused_before_any_work(
    runner, snaps, tmp_path, command
):
    claim = claims(tmp_path / "c.yaml", CLAIM)
    fifo, folder = tmp_path / "out.png", tmp_path / "dir.png"
    os.mkfifo(fifo)
    folder.mkdir()
    base = {
        "map": ["map", str(snaps)],
        "chart": ["chart", str(snaps)],
    }.get(command) or OUTPUT_COMMANDS[command](snaps, claim)
    for target in (fifo, folder):
        result = runner.invoke(cli, [*base, "-o", str(target), "--overwrite"])
        assert result.exit_code in (1, 2), result.output
        assert "Traceback" not in result.output
        assert re.search(r"not a regular file|is a directory", result.stderr)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and folder.is_dir()


def test_a_dangling_link_is_kept_without_overwrite(runner, snaps, tmp_path):
    link = tmp_path / "out.csv"
    link.symlink_to(tmp_path / "nowhere.csv")
    result = runner.invoke(cli, ["area", str(snaps), "-o", str(link)])
    one_line_error(result, "symbolic link to nothing; pass --overwrite")
    assert link.is_symlink() and not (tmp_path / "nowhere.csv").exists()
    # with --overwrite the link itself is replaced by the file, not its target
    result = runner.invoke(cli, ["area", str(snaps), "-o", str(link), "--overwrite"])
    assert result.exit_code == 0, result.output
    assert link.is_file() and not link.is_symlink()
    assert not (tmp_path / "nowhere.csv").exists()


def test_check_refuses_an_existing_output_before_measuring(runner, tmp_path):
    bad = tmp_path / "maps"
    bad.mkdir()
    (bad / "x_2024-09-04.geojson").write_text("not json")  # measuring would fail
    out = tmp_path / "verdicts.json"
    out.write_text("mine")
    claim = claims(tmp_path / "c.yaml", CLAIM)
    result = runner.invoke(
        cli, ["check", str(claim), "--snapshots", str(bad), "-o", str(out)]
    )
    one_line_error(result, "exists; pass --overwrite to replace it")
    assert out.read_text() == "mine"


def test_dash_writes_to_stdout(runner, snaps):
    result = runner.invoke(cli, ["area", str(snaps), "--format", "csv", "-o", "-"])
    assert result.exit_code == 0 and result.stdout.startswith("path,date")
    a = str(snaps / "map_2024-09-04.geojson")
    result = runner.invoke(cli, ["diff", a, a, "-o", "-"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["type"] == "FeatureCollection"
    assert "net" in result.stderr  # the totals go to stderr
    assert not Path("-").exists()


def test_atomic_write_leaves_nothing_when_interrupted(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("before")

    def interrupted(interruption: BaseException) -> None:
        with atomic_write(target, "w", overwrite=True) as fh:
            fh.write("half")
            raise interruption

    for interruption in (KeyboardInterrupt(), SystemExit(143)):
        with pytest.raises(type(interruption)):
            interrupted(interruption)
    assert target.read_text() == "before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_check_output_names_what_is_there(tmp_path):
    with pytest.raises(kurskgeo.OutputError, match="not a regular file"):
        check_output(tmp_path, overwrite=True)
    with pytest.raises(kurskgeo.OutputError, match="output folder does not exist"):
        check_output(tmp_path / "no" / "x.csv")
    assert check_output(tmp_path / "x.csv") == tmp_path


@pytest.mark.parametrize("target", [os.devnull, "file"])
def test_a_report_goes_into_a_folder_only(runner, snaps, tmp_path, target):
    path = os.devnull if target == os.devnull else str(claims(tmp_path / "f", "x"))
    result = runner.invoke(
        cli, ["report", "--snapshots", str(snaps), "-o", path, "--overwrite"]
    )
    assert result.exit_code in (1, 2)
    assert "Traceback" not in result.output
    assert re.search(r"not a folder|is a file", result.stderr)
    assert not list(tmp_path.glob(".*partial"))


def _report_process(snaps: Path, claim: Path, out: Path) -> subprocess.Popen[str]:
    """Start ``kurskgeo report ... -o out --overwrite``; its stderr is piped."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kurskgeo",
            "report",
            "--snapshots",
            str(snaps),
            "--claims",
            str(claim),
            "-o",
            str(out),
            "--overwrite",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_reports_are_whole_when_two_runs_write_one_folder(snaps, tmp_path):
    """Two runs to one -o at once, then an interrupted one: one whole report."""
    out = tmp_path / "report"
    runs = []
    for cid in ("first", "second"):
        claim = claims(tmp_path / f"{cid}.yaml", CLAIM.replace("c1", cid))
        runs.append(_report_process(snaps, claim, out))
    errs = [r.communicate(timeout=300)[1] for r in runs]
    codes = [r.returncode for r in runs]
    assert codes.count(0) >= 1, errs
    assert not any("Traceback" in e for e in errs), errs
    md = (out / "report.md").read_text()
    page = (out / "report.html").read_text()
    verdicts = json.loads((out / "verdicts.json").read_text())
    winner = verdicts["claims"][0]["id"]
    assert f"**{winner}**" in md and f"<strong>{winner}</strong>" in page
    loser = {"first", "second"} - {winner}
    assert not any(f"**{x}**" in md or f">{x}<" in page for x in loser)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".report.")]

    # SIGTERM in the middle of a third run: the second report stays, whole
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    claim = claims(tmp_path / "third.yaml", CLAIM.replace("c1", "third"))
    proc = _report_process(snaps, claim, out)
    assert proc.stderr is not None
    said = []
    for line in proc.stderr:  # its progress: stop it while it draws
        said.append(line)
        if line.startswith("drawing"):
            proc.send_signal(signal.SIGTERM)
            break
    err = "".join(said) + proc.communicate(timeout=120)[1]
    assert "Traceback" not in err
    assert proc.returncode == 128 + signal.SIGTERM and "Terminated." in err, err
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".report.")]


def test_ctrl_c_at_start_up_prints_no_traceback(tmp_path):
    for delay in (0.15, 0.4, 0.8):
        proc = subprocess.Popen(
            [sys.executable, "-m", "kurskgeo", "report", "-o", str(tmp_path / "r")],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        err = proc.communicate(timeout=120)[1]
        assert "Traceback" not in err, (delay, err)
        assert proc.returncode in (0, 1, 130, -signal.SIGINT), (proc.returncode, err)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# ================================================================ limits


def test_every_limit_is_documented():
    text = (ROOT / "docs" / "limits.md").read_text()
    for limit in LIMITS.values():
        assert limit.env in text
        assert f"{limit.default:,}" in text


def test_a_limit_set_wrong_is_an_error(runner, snaps, monkeypatch):
    monkeypatch.setenv("KURSKGEO_MAX_INPUT_MB", "lots")
    result = runner.invoke(cli, ["area", str(snaps)])
    one_line_error(result, "KURSKGEO_MAX_INPUT_MB='lots' is not a whole number")


def _gzip_of_spaces(path: Path, head: bytes, mib: int) -> Path:
    """A GeoJSON of one square followed by `mib` MiB of spaces, gzipped."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b" " * (1 << 20)
    out = [packer.compress(head)]
    out += [packer.compress(chunk) for _ in range(mib)]
    out += [packer.compress(b"]}"), packer.flush()]
    path.write_bytes(b"".join(out))
    return path


SQUARE_HEAD = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [feature(polygon(box_ring(35, 51, 35.2, 51.2)), zone="x")],
    }
).encode()[:-2]


def test_a_gzip_bomb_stops_at_the_limit(runner, tmp_path, monkeypatch):
    bomb = _gzip_of_spaces(tmp_path / "bomb_2024-09-04.geojson.gz", SQUARE_HEAD, 3)
    assert bomb.stat().st_size < 20_000
    assert kurskgeo.area_km2(bomb) == pytest.approx(SQUARE_KM2, abs=0.01)
    monkeypatch.setenv("KURSKGEO_MAX_INPUT_MB", "1")
    result = runner.invoke(cli, ["area", str(bomb)])
    line = one_line_error(result, "unpacks to more than 1 MiB")
    assert "KURSKGEO_MAX_INPUT_MB" in line
    with pytest.raises(kurskgeo.SnapshotError, match="unpacks to more than"):
        gunzip(bomb.read_bytes(), bomb, kurskgeo.SnapshotError)


def test_a_large_gzip_bomb_costs_little_memory(tmp_path):
    # 200 MiB of text in 0.2 MiB: refused at the 64 MiB default, well under 1 GiB
    bomb = _gzip_of_spaces(tmp_path / "bomb.geojson.gz", SQUARE_HEAD, 200)
    code = (
        "import kurskgeo\n"
        "try:\n"
        f"    kurskgeo.read_snapshot({str(bomb)!r})\n"
        "except kurskgeo.SnapshotError as e:\n"
        "    assert 'KURSKGEO_MAX_INPUT_MB' in str(e)\n"
        "else:\n"
        "    raise SystemExit('read')"
    )
    assert peak_memory_mib(code) < 600


def test_a_plain_file_beyond_the_limit(runner, tmp_path, monkeypatch):
    path = square(tmp_path / "big_2024-09-04.geojson")
    path.write_bytes(path.read_bytes()[:-2] + b" " * (2 << 20) + b"]}")
    monkeypatch.setenv("KURSKGEO_MAX_INPUT_MB", "1")
    one_line_error(runner.invoke(cli, ["area", str(path)]), "is 2.0 MiB")


def test_a_zip_that_unpacks_beyond_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "bomb.shp.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.shp", b"\0" * (3 << 20))
    monkeypatch.setenv("KURSKGEO_MAX_INPUT_MB", "2")
    with pytest.raises(kurskgeo.SnapshotError, match=r"unpacks to 3\.0 MiB"):
        kurskgeo.read_snapshot(path)


def test_vertices_beyond_the_limit(runner, tmp_path, monkeypatch):
    lon = np.linspace(35, 35.2, 300)
    ring = [[x, 51.0] for x in lon] + [[35.1, 51.2], [35.0, 51.0]]
    path = write_geojson(tmp_path / "v_2024-09-04.geojson", polygon(ring))
    assert kurskgeo.area_km2(path) > 0
    monkeypatch.setenv("KURSKGEO_MAX_VERTICES", "100")
    line = one_line_error(runner.invoke(cli, ["area", str(path)]), "vertices")
    assert "KURSKGEO_MAX_VERTICES" in line


BILLION_LAUGHS = """\
a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
claims:
  - id: x
    date: 2024-09-05
    value: 300 km2
    notes: *i
"""


def test_billion_laughs_is_refused_at_once(runner, tmp_path):
    path = claims(tmp_path / "laughs.yaml", BILLION_LAUGHS)
    assert path.stat().st_size < 600
    started = time.perf_counter()
    line = one_line_error(runner.invoke(cli, ["check", str(path)]), "aliases")
    assert time.perf_counter() - started < 10
    assert "KURSKGEO_MAX_YAML_NODES" in line and f"{path}:" in line
    code = (
        "import kurskgeo\n"
        "try:\n"
        f"    kurskgeo.read_claims({str(path)!r})\n"
        "except kurskgeo.ClaimsFileError:\n"
        "    pass"
    )
    assert peak_memory_mib(code) < 400


def test_a_recursive_alias_is_refused(tmp_path):
    path = claims(tmp_path / "loop.yaml", "claims: &a [*a]\n")
    with pytest.raises(kurskgeo.ClaimsFileError, match="refers to the value that"):
        kurskgeo.read_claims(path)


def test_claims_file_size_and_count_limits(tmp_path, monkeypatch):
    many = "".join(
        f"- id: c{i}\n  date: 2024-09-05\n  value: {300 + i} km2\n" for i in range(5)
    )
    path = claims(tmp_path / "many.yaml", many)
    assert len(kurskgeo.read_claims(path)) == 5
    monkeypatch.setenv("KURSKGEO_MAX_CLAIMS", "3")
    with pytest.raises(kurskgeo.ClaimsFileError, match="KURSKGEO_MAX_CLAIMS"):
        kurskgeo.read_claims(path)
    monkeypatch.delenv("KURSKGEO_MAX_CLAIMS")
    big = claims(tmp_path / "big.yaml", "# " + "x" * (3 << 20) + "\n" + many)
    monkeypatch.setenv("KURSKGEO_MAX_TEXT_MB", "2")
    with pytest.raises(kurskgeo.ClaimsFileError, match="KURSKGEO_MAX_TEXT_MB"):
        kurskgeo.read_claims(big)


def _claims_on_one_quantity(path: Path, n: int, compare: bool = False) -> Path:
    lines = ["claims:"]
    others = [f"b{i}" for i in range(n)]
    for i in range(n):
        lines += [
            f"  - id: a{i}",
            "    date: 2024-09-05",
            f"    value: {300 + i} km2",
            "    zone: liberated",
        ]
        if compare:
            lines += [f"    compare_with: [{', '.join(others)}]"]
    if compare:
        for i in range(n):
            lines += [
                f"  - id: b{i}",
                "    date: 2024-10-01",
                f"    value: {1000 + i} km2",
                "    zone: liberated",
            ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_findings_grow_with_the_claims_not_their_square(runner, snaps, tmp_path):
    path = _claims_on_one_quantity(tmp_path / "many.yaml", 2000)
    started = time.perf_counter()
    result = runner.invoke(cli, ["check", str(path), "--snapshots", str(snaps)])
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 30
    assert len(result.stdout) < 2_000_000  # 40 MB before
    findings = kurskgeo.claim_findings(kurskgeo.read_claims(path))
    assert len(findings) == 1 and len(findings[0].claims) == 2000
    assert "... and 1,990 more claims" in findings[0].message


def test_compared_with_many_gives_two_findings_a_claim(tmp_path):
    path = _claims_on_one_quantity(tmp_path / "pairs.yaml", 40, compare=True)
    found = kurskgeo.claim_findings(kurskgeo.read_claims(path))
    grouped = [f for f in found if len(f.claims) == 41]
    assert len(grouped) == 40  # one contradiction per claim (not 1,600 pairs)
    assert all(f.kind == "contradiction" for f in grouped)
    assert len(found) == 42  # and one finding for each group of one quantity


def test_findings_beyond_the_limit_are_counted(snaps, tmp_path, monkeypatch):
    path = _claims_on_one_quantity(tmp_path / "pairs.yaml", 5, compare=True)
    monkeypatch.setenv("KURSKGEO_MAX_FINDINGS", "3")
    result = kurskgeo.check_claims(path, str(snaps))
    assert len(result.findings) == 3
    assert any("KURSKGEO_MAX_FINDINGS" in n for n in result.notes)


# ================================================================ silently wrong


def test_check_refuses_two_maps_of_one_date_like_the_others(runner, tmp_path):
    folder = tmp_path / "maps"
    folder.mkdir()
    square(folder / "real_2024-09-04.geojson")
    small = collection(feature(polygon(box_ring(35, 51, 35.05, 51.05)), zone="x"))
    write_geojson(folder / "zz_2024-09-04.geojson", small)
    claim = claims(tmp_path / "c.yaml", CLAIM)
    for args in (
        ["check", str(claim), "--snapshots", str(folder)],
        ["area", str(folder)],
        ["timeline", str(folder)],
        ["report", "--snapshots", str(folder), "-o", str(tmp_path / "r")],
    ):
        result = runner.invoke(cli, args)
        line = one_line_error(result, "2 snapshots show 2024-09-04")
        command = cli.get_command(None, args[0])
        named = set(re.findall(r"--[a-z][a-z-]+", line))
        offered = {o for p in command.params for o in getattr(p, "opts", ())}
        assert named <= offered, f"{args[0]} suggests {named - offered}"
        assert "on_duplicate=" not in line  # no Python keyword on the command line


def test_cli_terms_never_offers_a_missing_option():
    message = "x exists; pass overwrite=True (CLI: --overwrite) to replace it"
    area = cli.get_command(None, "area")
    assert cli_terms(message, area) == "x exists; pass --overwrite to replace it"
    info = cli.get_command(None, "info")
    assert "--overwrite" not in cli_terms(message, info)


def test_a_crs_in_grads_from_paris_is_converted(tmp_path):
    ring = box_ring(35.0, 51.0, 35.2, 51.2)  # grads east of Paris, grads north
    doc = collection(
        feature(polygon(ring), zone="x"),
        crs={"type": "name", "properties": {"name": "EPSG:4807"}},
    )
    path = write_geojson(tmp_path / "ntf_2024-09-04.geojson", doc)
    snap = kurskgeo.read_snapshot(path)
    # independently: PROJ's transformation, then GeographicLib on the ellipsoid
    to84 = Transformer.from_crs(CRS("EPSG:4807"), CRS("OGC:CRS84"), always_xy=True)
    t = np.linspace(0, 1, 200, endpoint=False)
    xs = np.concatenate([35 + 0.2 * t, np.full(200, 35.2), 35.2 - 0.2 * t, [35] * 200])
    ys = np.concatenate(
        [np.full(200, 51.0), 51 + 0.2 * t, [51.2] * 200, 51.2 - 0.2 * t]
    )
    lon, lat = to84.transform(xs, ys)
    truth = abs(Geod(ellps="WGS84").polygon_area_perimeter(lon, lat)[0]) / 1e6
    assert kurskgeo.area_km2(snap) == pytest.approx(truth, rel=1e-4)
    assert abs(kurskgeo.area_km2(snap) - SQUARE_KM2) > 20  # not read as degrees
    minx, miny, _, _ = snap.total_bounds
    assert minx == pytest.approx(2.337 + 35 * 0.9, abs=0.01)  # Paris + 31.5°
    assert miny == pytest.approx(51 * 0.9, abs=0.01)


def test_epsg_4326_and_its_urns_read_as_degrees(tmp_path):
    for i, name in enumerate(
        [
            "EPSG:4326",
            "urn:ogc:def:crs:EPSG::4326",
            "urn:ogc:def:crs:OGC:1.3:CRS84",
            "http://www.opengis.net/def/crs/EPSG/0/4326",
        ]
    ):
        doc = collection(
            feature(polygon(box_ring(35, 51, 35.2, 51.2))),
            crs={"type": "name", "properties": {"name": name}},
        )
        path = write_geojson(tmp_path / f"d{i}.geojson", doc)
        assert kurskgeo.area_km2(path) == pytest.approx(SQUARE_KM2, abs=0.01)


def test_duplicate_yaml_keys_and_csv_columns_are_errors(runner, tmp_path):
    yml = claims(tmp_path / "k.yaml", CLAIM + "  value: 900 km2\n")
    line = one_line_error(runner.invoke(cli, ["check", str(yml)]), "given twice")
    assert f"{yml}:6:" in line and "first on line 4" in line
    path = tmp_path / "k.csv"
    path.write_text("id,date,value,value\nc1,2024-09-05,300 km2,900 km2\n")
    line = one_line_error(runner.invoke(cli, ["check", str(path)]), "given twice")
    assert f"{path}:1:" in line


# ================================================================ injection


EVIL = (
    '=HYPERLINK("http://x","y") <script>alert(1)</script> <img src=x '
    "onerror=alert(1)> ![i](http://evil.example/p.png) [c](javascript:alert(1)) "
    "www.evil.example mail@evil.example $\\undefinedmacro{x}$ **bold** `code`"
)


def _evil_claims(tmp_path: Path) -> Path:
    doc = {
        "claims": [
            {
                "id": "evil",
                "date": "2024-09-05",
                "source": EVIL,
                "statement": "line one\n# Heading injected\n<b>bold</b> | pipe\n- item",
                "value": "300 km2",
                "zone": "liberated",
                "reference": "-cmd|' /C calc'!A0",
                "url": "javascript:alert(1)",
            }
        ]
    }
    return claims(tmp_path / "evil.yaml", json.dumps(doc))


def test_csv_outputs_follow_owasp(runner, snaps, tmp_path):
    path = _evil_claims(tmp_path)
    result = runner.invoke(
        cli, ["check", str(path), "--snapshots", str(snaps), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["source"].startswith("'=HYPERLINK")
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value
    assert csv_cell(-717.2) == -717.2  # numbers stay numbers
    # a negative number written by kurskgeo stays a number in a timeline
    small = tmp_path / "t"
    small.mkdir()
    square(small / "a_2024-09-04.geojson")
    write_geojson(
        small / "b_2024-09-05.geojson",
        collection(feature(polygon(box_ring(35, 51, 35.1, 51.1)))),
    )
    result = runner.invoke(cli, ["timeline", str(small), "--format", "csv"])
    net = list(csv.DictReader(io.StringIO(result.stdout)))[1]["net_km2"]
    assert float(net) < 0 and not net.startswith("'")


def test_exported_csv_follows_owasp(runner, tmp_path):
    """`export` and `diff -o x.csv` write sources and labels from the maps."""
    path = square(
        tmp_path / "m_2024-09-04.geojson",
        source='=HYPERLINK("http://x")',
        label="@SUM(A1)\x1b[31m",
    )
    out = tmp_path / "zones.csv"
    result = runner.invoke(cli, ["export", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert rows[0]["source"].startswith("'=HYPERLINK")
    for row in rows:
        for key, value in row.items():
            assert not str(key).startswith(("=", "+", "@", "\t", "\r")), key
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value
            assert "\x1b" not in value
    assert float(rows[0]["area_km2"]) > 0  # numbers stay numbers


@pytest.mark.slow
def test_report_shows_input_as_written(runner, snaps, tmp_path):
    from markdown_it import MarkdownIt

    out = tmp_path / "report"
    result = runner.invoke(
        cli,
        [
            "report",
            "--claims",
            str(_evil_claims(tmp_path)),
            "--snapshots",
            str(snaps),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    md = (out / "report.md").read_text()
    page = MarkdownIt("gfm-like", {"linkify": True}).render(md)
    assert "<script" not in page and "onerror=" not in page.replace("onerror=alert", "")
    assert re.findall(r"<img [^>]*>", page) == [
        m for m in re.findall(r"<img [^>]*>", page) if 'src="figures/' in m
    ]
    # no link from the input: the only one is the report's own interactive map
    assert re.findall(r"<a [^>]*>", page) == ['<a href="explore.html">']
    headings = re.findall(r"<h\d>(.*?)</h\d>", page)
    assert not any("Heading injected" in h for h in headings)
    assert "<strong>bold</strong>" not in page  # the input's ** stays **
    assert "# Heading injected" in page and "&lt;script&gt;" in page
    # the verdicts CSV of the report follows the same rule
    with (out / "verdicts.csv").open(encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert table[0]["source"].startswith("'=")
    html = (out / "report.html").read_text()
    assert "<script" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_markdown_escapes():
    text = markdown_text("<b>x</b> [a](u) ![i](u) www.x.org a@b.c https://x")
    assert "<b>" not in text and "](" not in text.replace("\\](", "")
    assert markdown_text("line\n# heading") == "line \\# heading"
    assert markdown_code("a`b|c") == "``a`b|c``"


@pytest.mark.skipif(not HAS_FIFO, reason="no named pipes here")
@pytest.mark.parametrize(
    "name",
    [
        "+init={fifo}:x",
        "+proj=utm +zone=36 +ellps=WGS84 +nadgrids=@{fifo} +type=crs",
        "+proj=longlat +ellps=WGS84 +geoidgrids={fifo} +type=crs",
        "{fifo}",
        'GEOGCRS["x",PARAMETERFILE["grid","{fifo}"]]',
    ],
)
def test_a_crs_member_cannot_open_a_file(tmp_path, name):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    doc = collection(
        feature(polygon(box_ring(500000, 5650000, 514000, 5672000))),
        crs={"type": "name", "properties": {"name": name.format(fifo=fifo)}},
    )
    path = write_geojson(tmp_path / "m_2024-09-04.geojson", doc)
    done = run_kurskgeo("area", str(path), timeout=60)
    assert done.returncode == 1, done.stderr
    assert re.search(r"names a file|path or address|not a CRS", done.stderr)
    assert "Traceback" not in done.stderr


def test_a_linked_crs_is_refused(tmp_path):
    doc = collection(
        feature(polygon(box_ring(35, 51, 35.2, 51.2))),
        crs={"type": "link", "properties": {"href": "/etc/passwd"}},
    )
    path = write_geojson(tmp_path / "m.geojson", doc)
    with pytest.raises(kurskgeo.SnapshotError, match="links to a CRS elsewhere"):
        kurskgeo.read_snapshot(path)


@pytest.mark.skipif(not HAS_FIFO, reason="no named pipes here")
@pytest.mark.parametrize(
    "field", ["snapshots", "region", "claims", "input", "places", "article"]
)
def test_named_pipes_in_inputs_are_refused(tmp_path, snaps, field):
    fifo = tmp_path / "fifo.geojson"
    os.mkfifo(fifo)
    claim = claims(tmp_path / "c.yaml", CLAIM + f"  {field}: {fifo}\n")
    args = {
        "snapshots": ["check", str(claim)],
        "region": ["check", str(claim), "--snapshots", str(snaps)],
        "claims": ["check", str(fifo)],
        "input": ["area", str(fifo)],
        "places": ["map", str(snaps), "--places", str(fifo), "-o", "/tmp/x.png"],
        "article": ["extract", str(fifo), "--date", "2025-01-17"],
    }[field]
    done = run_kurskgeo(*args, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "named pipe" in done.stderr and "Traceback" not in done.stderr


def test_mathtext_in_data_is_drawn_as_text(runner, tmp_path):
    path = square(
        tmp_path / "m_2024-09-04.geojson",
        zone="liberated$\\undefinedmacro{z}$",
        source="$\\undefinedmacro{x}$",
    )
    out = tmp_path / "m.png"
    result = runner.invoke(
        cli, ["map", str(path), "--title", "$\\bad{t}$", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    result = runner.invoke(cli, ["chart", str(path), "-o", str(tmp_path / "c.png")])
    assert result.exit_code == 0, result.output


def test_terminal_escapes_are_shown_not_sent(runner, tmp_path):
    folder = tmp_path / "maps"
    folder.mkdir()
    square(folder / "m_2024-09-04.geojson", source="Evil\x1b[31mRED\x9b2J\u202e")
    claim = claims(tmp_path / "c.yaml", CLAIM)
    for fmt in ("table", "markdown", "json", "csv"):
        result = runner.invoke(
            cli, ["check", str(claim), "--snapshots", str(folder), "--format", fmt]
        )
        assert result.exit_code == 0, result.output
        for raw in ("\x1b", "\x9b", "\u202e"):
            assert raw not in result.stdout and raw not in result.stderr, fmt
        assert "RED" in result.stdout
    assert visible("a\x1bb") == "a\\x1bb"
    result = runner.invoke(cli, ["info", str(folder / "m_2024-09-04.geojson")])
    assert "\x1b" not in result.stdout and "\\u001b" in result.stdout


# ================================================================ lesser


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (PermissionError(13, "Permission denied", "/data/x.geojson"), "permission"),
        (FileNotFoundError(2, "No such file or directory", "/data"), "no such file"),
        (OSError(28, "No space left on device", "/out/x.csv"), "no space left"),
        (MemoryError(), "out of memory"),
    ],
)
def test_machine_errors_in_the_users_terms(runner, snaps, monkeypatch, error, said):
    import kurskgeo.area

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(kurskgeo.area, "measure_files", fail)
    line = one_line_error(runner.invoke(cli, ["area", str(snaps)]), said)
    assert "internal error" not in line
    if getattr(error, "filename", None):
        assert error.filename in line


def test_a_proj_failure_in_the_users_terms(runner, snaps, monkeypatch):
    import pyproj.exceptions

    import kurskgeo.area

    def fail(*args, **kwargs):
        raise pyproj.exceptions.ProjError("no transformation")

    monkeypatch.setattr(kurskgeo.area, "measure_files", fail)
    one_line_error(runner.invoke(cli, ["area", str(snaps)]), "PROJ could not")


def test_a_full_disk_leaves_the_old_output(runner, snaps, tmp_path, monkeypatch):
    out = tmp_path / "a.csv"
    out.write_text("old")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = runner.invoke(cli, ["area", str(snaps), "-o", str(out), "--overwrite"])
    one_line_error(result, "No space left on device")
    assert out.read_text() == "old" and sorted(tmp_path.iterdir()) == sorted(
        [out, snaps]
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_full_stdout(snaps):
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "kurskgeo", "area", str(snaps)],
            cwd=ROOT,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1 and "no space left" in done.stderr
    assert "internal error" not in done.stderr


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("  value: " + "9" * 5000 + "\n", "a number written with 5,000 characters"),
        ("  max_age_days: " + "9" * 5000 + "\n", "5,000 characters"),
        ("  source: [a, b]\n", "(source): must be one value, not a list"),
        ("  region: deepstate:latest\n", "--allow-download"),
    ],
)
def test_claims_fields(runner, snaps, tmp_path, no_network, dataset_cache, text, match):
    body = CLAIM.replace("  value: 300 km2\n", "") if "value" in text else CLAIM
    path = claims(tmp_path / "c.yaml", body + text)
    result = runner.invoke(cli, ["check", str(path), "--snapshots", str(snaps)])
    one_line_error(result, match)
    assert not dataset_cache.exists() or not any(dataset_cache.rglob("*.geojson"))


def test_claims_go_online_only_when_allowed(
    runner, snaps, tmp_path, no_network, dataset_cache
):
    path = claims(tmp_path / "c.yaml", CLAIM + "  region: boundary:kursk-oblast\n")
    result = runner.invoke(cli, ["check", str(path), "--snapshots", str(snaps)])
    one_line_error(result, "would be fetched from the internet")
    result = runner.invoke(
        cli, ["check", str(path), "--snapshots", str(snaps), "--allow-download"]
    )
    line = one_line_error(result, "cannot download")  # it tried; the network is off
    assert "--allow-download" not in line


def test_extra_csv_cells_are_an_error(runner, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,date,value\nc1,2024-09-05,300 km2,extra\n")
    line = one_line_error(runner.invoke(cli, ["check", str(path)]), "has no column")
    assert f"{path}:2:" in line


def test_deep_yaml_is_refused(tmp_path):
    path = claims(tmp_path / "deep.yaml", "claims: " + "[" * 3000 + "]" * 3000)
    with pytest.raises(kurskgeo.ClaimsFileError, match=r"nested too deeply|not valid"):
        kurskgeo.read_claims(path)


def test_limits_have_defaults():
    assert get("input_mb") == 64 and get("claims") == 5000
    assert all(limit.env.startswith("KURSKGEO_MAX_") for limit in LIMITS.values())
    assert math.isfinite(get("vertices"))


def test_gzip_round_trip(tmp_path):
    path = square(tmp_path / "m_2024-09-04.geojson")
    packed = tmp_path / "m_2024-09-05.geojson.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()) * 2)  # two members
    with pytest.raises(kurskgeo.SnapshotError, match="not valid JSON"):
        kurskgeo.read_snapshot(packed)  # two documents one after the other
    packed.write_bytes(gzip.compress(path.read_bytes()))
    assert kurskgeo.area_km2(packed) == pytest.approx(SQUARE_KM2, abs=0.01)


@pytest.mark.skipif(not HAS_FIFO, reason="no named pipes here")
def test_a_context_layer_is_read_like_any_map(snaps, tmp_path):
    """`report --context` reads through kurskgeo's path: a crs member naming a
    file is refused, not handed to PROJ, and a pipe does not hang it."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    doc = collection(
        feature(polygon(box_ring(30, 45, 40, 55)), name="Somewhere"),
        crs={"type": "name", "properties": {"name": f"+proj=longlat +init={fifo}"}},
    )
    evil = write_geojson(tmp_path / "countries.geojson", doc)
    for context in (evil, fifo):
        out = tmp_path / f"report-{context.name}"
        done = run_kurskgeo(
            "report",
            "--snapshots",
            str(snaps),
            "--context",
            str(context),
            "-o",
            str(out),
            timeout=120,
        )
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert re.search(
            r"names a file|path or address|not a CRS|named pipe", done.stderr
        )
        assert not out.exists()
