"""``kurskgeo report --source deepstate``, manifests and reproduction.

The real report runs offline: ``KURSKGEO_MIRROR`` is laid out from
../shared/data as the dataset tests lay it out, every socket connection fails,
and the cache is empty at the start. What it must fetch is worked out here
from the file names of ``deepstate-raw/`` and the claims' dates, not from
kurskgeo.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import socket
from pathlib import Path
from typing import Any

import pytest

import kurskgeo.plot
from kurskgeo.claims import Claim, read_claims
from kurskgeo.cli import cli
from kurskgeo.errors import KurskgeoError, ManifestError
from kurskgeo.report import geodata_dir, make_report, reproduce_report
from kurskgeo.report.fetch import claims_window
from kurskgeo.report.manifest import cite, read_manifest
from tests.common import build_mirror

CLAIMS = geodata_dir() / "claims" / "kursk.yaml"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _refuse(*args, **kwargs):
    raise OSError("network access in tests is refused")


#: The figures the real report saved, by file name (filled by `real`).
SAVED: dict[str, Any] = {}


@pytest.fixture(scope="module")
def real(tmp_path_factory, shared_data):
    """`kurskgeo report --source deepstate`, once, offline against the mirror."""
    from click.testing import CliRunner

    root = tmp_path_factory.mktemp("real")
    mp = pytest.MonkeyPatch()
    mp.chdir(root)
    mp.setenv("KURSKGEO_MIRROR", str(build_mirror(root / "mirror", shared_data)))
    mp.setenv("KURSKGEO_CACHE", str(root / "cache"))
    mp.setattr(socket, "getaddrinfo", _refuse)
    mp.setattr(socket.socket, "connect", _refuse)
    save = kurskgeo.plot.save_figure

    def recording(fig, path, **kw):  # the figures as saved, to look at them
        SAVED[Path(path).name] = fig
        return save(fig, path, **kw)

    try:
        with pytest.MonkeyPatch.context() as only_here:  # this report's figures
            only_here.setattr(kurskgeo.plot, "save_figure", recording)
            result = CliRunner().invoke(
                cli, ["report", "--source", "deepstate", "-o", "out"]
            )
        yield root, result, mp
    finally:
        mp.undo()


def expected_maps(shared_data: Path) -> list[int]:
    """The maps the bundled claims need, from the file names of deepstate-raw.

    The window runs from the claims' start (6 August 2024) to the last claim
    (20 February 2025) plus 14 days; in it, the last map of each ISO week; and
    the last map published by the end of each date a claim is made.
    """
    ids = sorted(int(p.stem) for p in (shared_data / "deepstate-raw").glob("*.geojson"))

    def day(i: int) -> dt.date:
        return dt.datetime.fromtimestamp(i, dt.UTC).date()

    first, last = dt.date(2024, 8, 6), dt.date(2025, 3, 6)
    weekly: dict[tuple[int, int], int] = {}
    for i in ids:
        if first <= day(i) <= last:
            week = tuple(day(i).isocalendar())[:2]
            weekly[week] = max(weekly.get(week, 0), i)
    claim_days = {c.date for c in read_claims(CLAIMS)}
    at_claims = {max(i for i in ids if day(i) <= d) for d in claim_days}
    return sorted(set(weekly.values()) | at_claims)


# ---------------------------------------------------------------- the window


def test_window_runs_from_the_start_to_the_last_claim_plus_its_age():
    a = Claim(id="a", date=dt.date(2025, 1, 17), value=1, unit="km2")
    b = Claim(
        id="b",
        date=dt.date(2025, 2, 20),
        value=1,
        unit="km2",
        start=dt.date(2024, 8, 6),
        max_age_days=3,
    )
    first, last, days = claims_window([a, b], max_age_days=14)
    assert (first, last) == (dt.date(2024, 8, 6), dt.date(2025, 2, 23))
    assert days == [dt.date(2025, 1, 17), dt.date(2025, 2, 20)]
    # a start given for claims without one reaches back; a claim's own wins
    first, _, _ = claims_window([a], max_age_days=14, start=dt.date(2024, 1, 1))
    assert first == dt.date(2024, 1, 1)
    # never past today
    future = Claim(
        id="f", date=dt.date.today() + dt.timedelta(days=400), value=1, unit="km2"
    )
    _, last, _ = claims_window([future], max_age_days=14)
    assert last <= dt.datetime.now(dt.UTC).date()


def test_no_claims_no_window():
    with pytest.raises(KurskgeoError, match="no claims to fetch maps for"):
        claims_window([], max_age_days=14)


# ---------------------------------------------------------------- the real report


@pytest.mark.realdata
def test_real_report_runs_offline(real):
    root, result, _ = real
    assert result.exit_code == 0, result.output
    assert "fetching DeepStateMap's maps of 2024-08-06 to 2025-03-06" in result.stderr
    assert (root / "out" / "report.html").is_file()
    assert not list(root.glob(".out.*"))  # no staging folder left behind


@pytest.mark.realdata
def test_real_report_says_801_km2_retaken_is_overstated(real):
    root, _, _ = real
    verdicts = json.loads((root / "out" / "verdicts.json").read_text())
    by_id = {c["id"]: c for c in verdicts["claims"]}
    retaken = by_id["mod-retaken"]
    assert retaken["verdict"] == "overstated"
    (reading,) = [
        r for r in retaken["readings"] if r["zone"] == ["liberated", "contested"]
    ]
    # the ground lost since the peak of 21 August 2024 (DeepStateMap 1724272310)
    peak = dt.datetime.fromisoformat(reading["since_map"])
    assert peak.timestamp() == 1724272310
    assert 560 < reading["measured_km2"] < 680
    assert reading["high_km2"] < retaken["claimed_low"]


@pytest.mark.realdata
def test_manifest_lists_every_map_used_with_its_hash(real, shared_data):
    root, _, _ = real
    manifest = read_manifest(root / "out" / "manifest.json")
    snaps = [r for r in manifest["inputs"] if r["role"] == "snapshot"]
    assert [r["map_id"] for r in snaps] == expected_maps(shared_data)
    for r in snaps:
        upstream = shared_data / "deepstate-raw" / f"{r['map_id']}.geojson"
        assert r["sha256"] == sha256(upstream) == sha256(Path(r["path"]))
        assert r["bytes"] == upstream.stat().st_size
        assert r["dataset"] == f"deepstate:{r['map_id']}"
        assert (
            r["url"] == f"https://deepstatemap.live/api/history/{r['map_id']}/geojson"
        )
        published = dt.datetime.fromisoformat(r["published"])
        assert published.timestamp() == r["map_id"]
    (region,) = [r for r in manifest["inputs"] if r["role"] == "region"]
    osm = shared_data / "boundaries" / "kursk_oblast_districts_osm.geojson"
    assert region["dataset"] == "boundary:kursk-oblast"
    assert region["sha256"] == sha256(osm)
    (claims,) = [r for r in manifest["inputs"] if r["role"] == "claims"]
    assert claims["sha256"] == sha256(CLAIMS)
    assert manifest["command"] == "kurskgeo report --source deepstate --output out"
    call = manifest["call"]
    assert call["source"] == "deepstate" and call["every"] == "week"
    assert call["line_accuracy_m"] == 250.0 and call["max_age_days"] == 14
    assert manifest["crs"].startswith("+proj=laea")
    for key in ("kurskgeo", "GEOS", "PROJ", "shapely", "pyproj", "geopandas"):
        assert manifest["versions"][key]


@pytest.mark.realdata
def test_footer_cites_the_map_versions_and_the_boundary(real, shared_data):
    root, _, _ = real
    md = (root / "out" / "report.md").read_text(encoding="utf-8")
    sources = md[md.index("## Sources") :]
    ids = expected_maps(shared_data)

    def day(i: int) -> str:
        d = dt.datetime.fromtimestamp(i, dt.UTC).date()
        return f"{d.day} {d:%B} {d.year}"

    assert (
        f"DeepStateMap.live (© DEEPSTATEUATECH LLC): maps of {day(ids[0])} to "
        f"{day(ids[-1])}, {len(ids)} versions (ids {ids[0]} to {ids[-1]})"
    ) in sources
    assert "boundary:kursk-oblast (© OpenStreetMap contributors (ODbL 1.0)" in sources
    html = (root / "out" / "report.html").read_text(encoding="utf-8")
    assert "DEEPSTATEUATECH" in html
    assert "Illustration" not in md  # real maps: no illustration stamp


@pytest.mark.realdata
def test_no_third_party_file_is_copied_into_the_report(real, shared_data):
    root, _, _ = real
    upstream = {
        sha256(p)
        for folder in ("deepstate-raw", "boundaries")
        for p in (shared_data / folder).iterdir()
        if p.is_file()
    }
    written = [p for p in (root / "out").rglob("*") if p.is_file()]
    assert {p.suffix for p in written} <= {
        ".md",
        ".html",
        ".json",
        ".csv",
        ".png",
        ".gif",
    }
    assert not [p for p in written if sha256(p) in upstream]
    for p in written:
        if p.suffix in (".json", ".html", ".md") and p.name != "explore.html":
            text = p.read_text(encoding="utf-8")
            assert '"FeatureCollection"' not in text, p
    # the interactive map draws the zones: each zone's union, clipped to the
    # region and simplified to 50 m, coordinates to 5 decimals (the maps give
    # 7): no feature of an input
    page = (root / "out" / "explore.html").read_text(encoding="utf-8")
    numbers = re.findall(r"\[(-?\d+\.\d+), (-?\d+\.\d+)\]", page)
    assert len(numbers) > 1000
    assert max(len(x.split(".")[1]) for pair in numbers for x in pair) <= 5
    assert "deepstatemap.live/api" not in page
    assert "Illustration" not in page  # real maps


@pytest.mark.realdata
def test_from_manifest_reproduces_the_verdicts_exactly(real, runner):
    root, _, mp = real
    with mp.context() as m:
        m.chdir(root)
        result = runner.invoke(
            cli, ["report", "--from-manifest", "out/manifest.json", "-o", "again"]
        )
    assert result.exit_code == 0, result.output
    a, b = root / "out", root / "again"
    assert (a / "verdicts.json").read_bytes() == (b / "verdicts.json").read_bytes()
    assert (a / "verdicts.csv").read_bytes() == (b / "verdicts.csv").read_bytes()
    first, again = (
        read_manifest(a / "manifest.json"),
        read_manifest(b / "manifest.json"),
    )
    strip = ("path",)
    assert [
        {k: v for k, v in r.items() if k not in strip} for r in first["inputs"]
    ] == [{k: v for k, v in r.items() if k not in strip} for r in again["inputs"]]
    assert again["command"].startswith("kurskgeo report --from-manifest")


@pytest.mark.realdata
def test_from_manifest_names_an_input_whose_hash_differs(real, runner, tmp_path):
    root, _, mp = real
    manifest = json.loads((root / "out" / "manifest.json").read_text())
    victim = manifest["inputs"][3]
    victim["sha256"] = "0" * 64
    edited = tmp_path / "manifest.json"
    edited.write_text(json.dumps(manifest))
    with mp.context() as m:
        m.chdir(tmp_path)
        result = runner.invoke(cli, ["report", "--from-manifest", str(edited)])
    assert result.exit_code == 1
    (error,) = [line for line in result.stderr.splitlines() if "Error" in line]
    assert error.startswith("Error: 1 input(s) are not those the report was made")
    assert (
        f"{victim['dataset']}: sha256 differs (manifest 000000000000" in result.stderr
    )
    assert not (tmp_path / "kurskgeo-report").exists()


# ---------------------------------------------------------------- manifests anywhere


@pytest.fixture(scope="module")
def embedded_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("embedded") / "report"
    return make_report(out)


def test_embedded_manifest_names_the_embedded_files(embedded_report):
    manifest = read_manifest(embedded_report.outdir / "manifest.json")
    snaps = [r for r in manifest["inputs"] if r["role"] == "snapshot"]
    on_disk = sorted((geodata_dir() / "snapshots").glob("*.geojson"))
    assert [r["embedded"] for r in snaps] == [f"snapshots/{p.name}" for p in on_disk]
    assert [r["sha256"] for r in snaps] == [sha256(p) for p in on_disk]
    assert all("dataset" not in r for r in manifest["inputs"])
    lines = cite(manifest)
    assert lines[0].startswith(
        "Maps measured: kurskgeo approximate reconstruction (illustration): maps of "
        "7 August 2024 to 19 March 2025, 12 maps"
    )
    assert (
        manifest["command"] == f"kurskgeo.make_report({str(embedded_report.outdir)!r})"
    )


def test_a_local_input_that_changed_is_refused(tmp_path):
    claims = tmp_path / "claims.yaml"
    claims.write_bytes(CLAIMS.read_bytes())
    make_report(tmp_path / "a", claims=claims)
    claims.write_bytes(CLAIMS.read_bytes().replace(b"801", b"802"))
    with pytest.raises(ManifestError, match=r"claims\.yaml: sha256 differs"):
        reproduce_report(tmp_path / "a" / "manifest.json", tmp_path / "b")
    assert not (tmp_path / "b").exists()
    claims.unlink()
    with pytest.raises(ManifestError, match=r"claims\.yaml: not found"):
        reproduce_report(tmp_path / "a" / "manifest.json", tmp_path / "b")


def test_a_report_on_python_objects_cannot_be_reproduced(tmp_path):
    from shapely.geometry import box

    make_report(tmp_path / "a", region=box(34.5, 51.0, 35.8, 51.6))
    manifest = read_manifest(tmp_path / "a" / "manifest.json")
    assert manifest["call"]["region"] == "<geometry>"
    assert "Region: a geometry given in Python (not a file)." in cite(manifest)
    with pytest.raises(ManifestError, match="region was given in Python"):
        reproduce_report(tmp_path / "a" / "manifest.json", tmp_path / "b")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{", "not JSON"),
        (b"[]", "not a kurskgeo manifest"),
        (b'{"kurskgeo_manifest": 99, "inputs": [], "call": {}}', "format 99"),
        (b'{"kurskgeo_manifest": 1, "inputs": [{}], "call": {}}', "needs a 'role'"),
    ],
)
def test_malformed_manifests_are_refused(tmp_path, runner, content, message):
    path = tmp_path / "manifest.json"
    path.write_bytes(content)
    with pytest.raises(ManifestError, match=message):
        read_manifest(path)
    result = runner.invoke(cli, ["report", "--from-manifest", str(path)])
    assert result.exit_code == 1 and message in result.stderr


def test_from_manifest_takes_no_other_inputs(runner, tmp_path):
    result = runner.invoke(
        cli, ["report", "--from-manifest", "m.json", "--claims", "c.yaml"]
    )
    assert result.exit_code == 2
    assert "drop --claims" in result.stderr


def test_source_and_snapshots_together_are_refused(runner, tmp_path):
    result = runner.invoke(
        cli, ["report", "--source", "deepstate", "--snapshots", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "not both" in result.stderr


# ---------------------------------------------------------------- all or nothing


def test_an_interrupted_report_leaves_the_previous_one(tmp_path, monkeypatch):
    import kurskgeo.report as report_mod

    out = tmp_path / "report"
    make_report(out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real_figures = report_mod._figures

    def interrupted(*args, **kwargs):
        real_figures(*args, **kwargs)  # every figure is drawn, then ...
        raise KeyboardInterrupt

    monkeypatch.setattr(report_mod, "_figures", interrupted)
    with pytest.raises(KeyboardInterrupt):
        make_report(out, overwrite=True, map_zone="liberated")  # other figures
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir()] == ["report"]  # no staging left


def test_an_interrupted_first_report_leaves_nothing(tmp_path, monkeypatch):
    import kurskgeo.report as report_mod

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(report_mod, "_figures", interrupted)
    with pytest.raises(KeyboardInterrupt):
        make_report(tmp_path / "report")
    assert list(tmp_path.iterdir()) == []


def test_overwriting_removes_what_the_new_report_does_not_write(tmp_path):
    out = tmp_path / "report"
    make_report(out)
    mine = out / "figures" / "notes.txt"
    mine.write_text("the user's own file")
    first = {p.name for p in (out / "figures").iterdir()}
    few = sorted((geodata_dir() / "snapshots").glob("*.geojson"))[-2:]
    make_report(out, snapshots=few, claims=None, overwrite=True)
    figures = {p.name for p in (out / "figures").iterdir()}
    assert "map_2024-08-21.png" in first and "map_2024-08-21.png" not in figures
    assert "notes.txt" in figures  # not a figure name kurskgeo writes
    assert (out / "verdicts.json").exists() is False  # no claims this time
    assert (out / "manifest.json").is_file()


@pytest.mark.realdata
def test_real_report_draws_natural_earth_under_its_maps(real, shared_data):
    """The country outlines are fetched like the maps, recorded and credited;
    only the countries near the region reach the interactive page."""
    root, _, _ = real
    manifest = json.loads((root / "out" / "manifest.json").read_text())
    (context,) = [r for r in manifest["inputs"] if r["role"] == "context"]
    assert context["dataset"] == "boundary:countries"
    assert context["credit"] == "Natural Earth (public domain)"
    served = root / "mirror"  # the file the mirror gave is the one recorded
    (mirrored,) = [p for p in served.rglob("ne_10m_admin_0_countries.geojson")]
    assert context["sha256"] == hashlib.sha256(mirrored.read_bytes()).hexdigest()
    md = (root / "out" / "report.md").read_text()
    assert (
        "Drawn under the maps: boundary:countries (Natural Earth (public domain), "
        "version 709ffdf), for orientation only." in md
    )
    page = (root / "out" / "explore.html").read_text()
    assert "Russia" in page and "Ukraine" in page
    # clipped near the region: far less than the two whole countries
    whole = sum(
        (shared_data / "context" / f"natural_earth_10m_{n}.geojson").stat().st_size
        for n in ("russia", "ukraine")
    )
    assert len(page.encode()) < whole / 2


@pytest.mark.realdata
def test_real_report_chart_keeps_every_claim_label_on_the_figure(real):
    """The last claims sit by the right edge: their labels must not run off it."""
    fig = SAVED["timeline.png"]
    kurskgeo.plot.figure_bytes(fig, "png", dpi=100)  # laid out as saved
    labels = [t for t in fig.axes[0].texts if t.get_gid() == "kurskgeo-claim-label"]
    assert any(t.get_text().startswith("Syrskyi, 14 Feb") for t in labels)
    for t in labels:
        box = t.get_window_extent()
        assert fig.bbox.contains(box.x0, box.y0), t.get_text()
        assert fig.bbox.contains(box.x1, box.y1), t.get_text()
