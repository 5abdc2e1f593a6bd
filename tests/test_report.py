"""The main job: ``kurskgeo report`` on the embedded data and on real exports."""

from __future__ import annotations

import csv
import json
import re
import socket
import struct
from pathlib import Path

import pytest

from kurskgeo.claims import COLUMNS
from kurskgeo.cli import cli
from kurskgeo.report import geodata_dir, make_report

ROOT = Path(__file__).resolve().parents[1]
SQUARES = ROOT / "tests" / "data" / "claims" / "squares"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a network connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("kurskgeo report tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """`kurskgeo report` with no arguments, run once in an empty folder."""
    from click.testing import CliRunner

    cwd = tmp_path_factory.mktemp("fresh")
    mp = pytest.MonkeyPatch()
    mp.chdir(cwd)
    mp.setattr(socket.socket, "connect", _refuse)
    try:
        result = CliRunner().invoke(cli, ["report"])
    finally:
        mp.undo()
    return cwd, result


def _refuse(*args, **kwargs):
    raise AssertionError("kurskgeo report tried to use the network")


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_geodata_dir_is_the_checkout_geodata():
    assert geodata_dir() == ROOT / "geodata"
    assert (geodata_dir() / "claims" / "kursk.yaml").is_file()


def test_no_arguments_writes_report_md_html_and_figures(embedded):
    cwd, result = embedded
    assert result.exit_code == 0, result.output
    out = cwd / "kurskgeo-report"
    assert (out / "report.md").is_file()
    assert (out / "report.html").is_file()
    pngs = sorted((out / "figures").glob("*.png"))
    assert len(pngs) >= 4
    for png in pngs:
        width, height = _png_size(png)
        assert width >= 600
        assert height >= 400
    names = {p.name for p in pngs}
    assert "timeline.png" in names
    assert any(n.startswith("change_") for n in names)
    assert sum(n.startswith("map_") for n in names) >= 2


def test_progress_goes_to_stderr_and_the_html_path_to_stdout(embedded):
    _, result = embedded
    assert "reading snapshots" in result.stderr
    assert "drawing the map of" in result.stderr
    assert result.stdout.strip().endswith("report.html")


def test_report_says_it_used_the_embedded_approximate_data(embedded):
    cwd, _ = embedded
    md = (cwd / "kurskgeo-report" / "report.md").read_text(encoding="utf-8")
    head = md[:600]
    assert "Illustration: approximate shapes, not a map of the front" in head
    assert "shapes drawn by hand" in head
    assert "DeepStateMap's maps" in head


def test_report_has_the_claims_table_with_verdicts_and_findings(embedded):
    cwd, _ = embedded
    md = (cwd / "kurskgeo-report" / "report.md").read_text(encoding="utf-8")
    assert (
        "| id | said on | source | kind | claimed | reading | map | measured | band "
        "| verdict |" in md
    )
    rows = re.findall(
        r"^\| (mod-seized|deepstate-held|syrskyi-2024-08) \|.*$", md, re.M
    )
    assert len(rows) == 3
    table = re.findall(r"^\| [a-z0-9-]+ \| \d{4}-\d\d-\d\d \|.*$", md, re.M)
    assert len(table) >= 8
    for row in table:
        assert re.search(
            r"\*\*(consistent|overstated|understated|depends on reading|"
            r"unverifiable)\*\* \|$",
            row,
        ), row
    # every claim's reason is printed under the table
    assert "### Why" in md
    assert re.search(r"^- \*\*mod-seized\*\*: \w", md, re.M)
    # the DeepState statement's unit error is found without any geometry
    assert "**unit_mismatch** (deepstate-held)" in md


def test_area_table_matches_the_published_figures_the_data_was_built_from(embedded):
    """Independent reference: the areas of DeepStateMap's maps the embedded
    snapshots follow (geodata/README.md): 1,257.7 km² of held and grey zone on
    21 August 2024, 653.4 km² on 8 January 2025."""
    cwd, _ = embedded
    md = (cwd / "kurskgeo-report" / "report.md").read_text(encoding="utf-8")
    table = md[md.index("## Areas per snapshot") :]
    assert re.search(r"^\| 2024-08-21 \|.*\| 1,257\.7 \|", table, re.M)
    assert re.search(r"^\| 2025-01-08 \|.*\| 653\.4 \|", table, re.M)


def test_html_is_self_contained(embedded):
    cwd, _ = embedded
    out = cwd / "kurskgeo-report"
    text = (out / "report.html").read_text(encoding="utf-8")
    md = (out / "report.md").read_text(encoding="utf-8")
    n_md = len(re.findall(r"!\[[^\]]*\]\(figures/[^)]+\.png\)", md))
    assert n_md >= 4
    assert text.count('src="data:image/png;base64,') == n_md
    assert 'src="figures/' not in text
    assert "<table>" in text
    assert "Illustration: approximate shapes, not a map of the front" in text


def test_figures_referenced_by_the_markdown_exist(embedded):
    cwd, _ = embedded
    out = cwd / "kurskgeo-report"
    md = (out / "report.md").read_text(encoding="utf-8")
    for ref in re.findall(r"\]\((figures/[^)]+)\)", md):
        assert (out / ref).is_file(), ref


def test_refuses_to_overwrite_without_the_flag(tmp_path, runner, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "r"
    out.mkdir()
    (out / "report.md").write_text("mine\n")
    result = runner.invoke(cli, ["report", "-o", str(out)])
    assert result.exit_code == 1
    assert "exists" in result.output
    assert "--overwrite" in result.output
    assert (out / "report.md").read_text() == "mine\n"
    assert not (out / "figures").exists()


def test_overwrite_replaces_and_pngs_are_deterministic(tmp_path, no_network):
    first = make_report(tmp_path / "a")
    before = {p.name: p.read_bytes() for p in first.figures}
    again = make_report(tmp_path / "a", overwrite=True)
    assert {p.name: p.read_bytes() for p in again.figures} == before
    assert again.embedded
    assert again.verdicts is not None
    assert len(again.verdicts) >= 8
    assert not list((tmp_path / "a").glob(".*.part"))


def test_a_figure_that_fails_is_reported_not_fatal(tmp_path, monkeypatch):
    from kurskgeo import plot

    def broken(*args, **kwargs):
        raise RuntimeError("side location conflict")

    monkeypatch.setattr(plot, "plot_change", broken)
    rep = make_report(tmp_path / "r")
    md = rep.markdown.read_text(encoding="utf-8")
    assert "**Not drawn**" in md
    assert "RuntimeError: side location conflict" in md
    assert len(rep.not_drawn) == 2
    assert all(not p.name.startswith("change_") for p in rep.figures)
    assert len(rep.figures) >= 4


def test_user_snapshots_without_claims(tmp_path, no_network):
    """Snapshots given, no claims: no claims table, and no embedded-data notice."""
    snaps = sorted((geodata_dir() / "snapshots").glob("*.geojson"))[:3]
    rep = make_report(
        tmp_path / "r", snapshots=[str(p) for p in snaps], zone="liberated"
    )
    md = rep.markdown.read_text(encoding="utf-8")
    assert not rep.embedded
    assert rep.verdicts is None
    assert "Illustration" not in md
    assert "No claims file was given" in md
    assert len(rep.areas) == 3


def test_unknown_zone_is_an_error(tmp_path, runner):
    snaps = str(geodata_dir() / "snapshots")
    result = runner.invoke(
        cli, ["report", "--snapshots", snaps, "--zone", "occupied", "-o", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "occupied" in result.output
    assert "liberated" in result.output


HOSTILE_CLAIMS = """\
claims:
  - id: hostile
    date: 2025-01-12
    source: "A|B <script>alert(1)</script> & co"
    statement: "We hold <b>156</b> km² | & more"
    value: 156 km2
    kind: area
    zone: held
"""


def test_markdown_and_html_escape_claim_text(tmp_path, no_network):
    """A claim's text with a pipe, tags and an ampersand: in report.md the pipe
    does not split the table cell; report.html shows the text, never markup."""
    claims = tmp_path / "hostile.yaml"
    claims.write_text(HOSTILE_CLAIMS, encoding="utf-8")
    snaps = sorted((ROOT / "tests" / "data" / "claims" / "snapshots").glob("*.geojson"))
    assert len(snaps) == 2
    rep = make_report(
        tmp_path / "r", claims=claims, snapshots=[str(p) for p in snaps], zone="held"
    )
    md = rep.markdown.read_text(encoding="utf-8")
    header = "| id | said on | source | kind | claimed | reading | map | measured |"
    lines = md.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(header))
    columns = len(re.split(r"(?<!\\)\|", lines[at])) - 2
    assert columns == 10
    # numeric columns (measured, band) are right-aligned
    assert lines[at + 1] == "|---|---|---|---|---|---|---|---:|---:|---|"
    row = next(line for line in lines if line.startswith("| hostile |"))
    cells = [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]
    assert len(cells) == columns
    # shown as written: no tag in report.md comes from a claims file (issue 22)
    assert cells[2] == "A\\|B \\<script\\>alert(1)\\</script\\> \\& co"

    page = rep.html.read_text(encoding="utf-8")
    assert "<td>A|B &lt;script&gt;alert(1)&lt;/script&gt; &amp; co</td>" in page
    assert "We hold &lt;b&gt;156&lt;/b&gt; km² | &amp; more" in page
    assert "<script>" not in page and "<b>" not in page
    assert '<td class="n">' in page


# the inputs of the real-data report, and of the same check on the command line
def _real_inputs(shared_data: Path) -> list[str]:
    return [
        "--snapshots",
        str(shared_data / "deepstate-raw"),
        "--zone",
        "liberated",
        "--zone",
        "contested",
        "--region",
        str(shared_data / "boundaries" / "kursk_oblast.geojson"),
    ]


@pytest.fixture(scope="module")
def real_report(shared_data, tmp_path_factory):
    """The issue's command on the real DeepStateMap exports, run once."""
    from click.testing import CliRunner

    cwd = tmp_path_factory.mktemp("real")
    mp = pytest.MonkeyPatch()
    mp.chdir(cwd)
    mp.setattr(socket.socket, "connect", _refuse)
    mp.setattr(socket, "create_connection", _refuse)
    try:
        args = [
            "report",
            *_real_inputs(shared_data),
            "--claims",
            str(geodata_dir() / "claims" / "kursk.yaml"),
            "--context",
            str(shared_data / "context" / "natural_earth_10m_ukraine.geojson"),
            "-o",
            "real",
        ]
        result = CliRunner().invoke(cli, args)
    finally:
        mp.undo()
    return cwd / "real", result


@pytest.mark.realdata
def test_real_deepstate_series_shows_the_salient_and_the_claims(real_report):
    """References: the areas PROVENANCE.md gives for two of the exports
    (geodesic, clipped to the oblast), and the verdicts the claims issue expects."""
    out, result = real_report
    assert result.exit_code == 0, result.output
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "embedded" not in md[:400]

    def row(day: str) -> list[float]:
        line = re.search(rf"^\| {day} \|(.*)$", md, re.M).group(1)
        cells = [c.strip().replace(",", "") for c in line.split("|")[:3]]
        return [float(c) for c in cells]

    lib, cont, both = row("2024-08-14")
    assert lib == pytest.approx(469, abs=5)
    assert cont == pytest.approx(507, abs=5)
    assert both == pytest.approx(lib + cont, abs=1)
    lib, cont, _ = row("2025-03-05")
    assert lib == pytest.approx(362, abs=5)
    assert cont == pytest.approx(179, abs=5)

    def verdict(cid: str) -> str:
        return re.search(rf"^\| {cid} \|.*\*\*([\w ]+)\*\* \|$", md, re.M).group(1)

    assert verdict("deepstate-held") == "consistent"
    assert verdict("mod-retaken") == "overstated"
    assert verdict("mod-seized") == "depends on reading"
    figures = list((out / "figures").glob("*.png"))
    assert len(figures) >= 4
    # the 2022 export in the folder is left out of the claims, and said so
    assert "1648989208.geojson" in md[md.index("**Left out.**") :]


@pytest.mark.realdata
def test_real_verdicts_json_is_check_json(real_report, shared_data, runner):
    """verdicts.json is what `kurskgeo check --format json` prints for the same
    claims, maps, zones and region; verdicts.csv has check's CSV columns."""
    out, result = real_report
    assert result.exit_code == 0, result.output
    checked = runner.invoke(
        cli,
        [
            "check",
            str(geodata_dir() / "claims" / "kursk.yaml"),
            *_real_inputs(shared_data),
            "--format",
            "json",
        ],
    )
    assert checked.exit_code == 0, checked.output
    written = json.loads((out / "verdicts.json").read_text(encoding="utf-8"))
    assert written == json.loads(checked.stdout)
    rows = {c["id"]: c for c in written["claims"]}
    assert rows["mod-retaken"]["verdict"] == "overstated"
    with open(out / "verdicts.csv", newline="", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert tuple(table[0]) == COLUMNS
    assert [r["id"] for r in table] == [c["id"] for c in written["claims"]]
    assert [r["verdict"] for r in table] == [c["verdict"] for c in written["claims"]]


def test_verdicts_json_is_check_json(tmp_path, runner, no_network):
    """The same on the authored squares, with bands off (--line-accuracy 0)."""
    claims = SQUARES / "squares.yaml"
    maps = SQUARES / "snapshots"
    rep = make_report(
        tmp_path / "r",
        claims=claims,
        snapshots=str(maps),
        zone="liberated",
        line_accuracy_m=0,
    )
    checked = runner.invoke(
        cli,
        [
            "check",
            str(claims),
            "--snapshots",
            str(maps),
            "--zone",
            "liberated",
            "--line-accuracy",
            "0",
            "--format",
            "json",
        ],
    )
    assert checked.exit_code == 0, checked.output
    doc = json.loads(checked.stdout)
    written = json.loads((rep.outdir / "verdicts.json").read_text(encoding="utf-8"))
    assert written == doc
    rows = {c["id"]: c for c in doc["claims"]}
    sq = rows["sq-nozone"]
    assert sq["readings"][sq["primary_reading"]]["measured_km2"] == pytest.approx(
        120, rel=1e-7
    )
    with open(rep.outdir / "verdicts.csv", newline="", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert tuple(table[0]) == COLUMNS
    assert list(rep.verdicts.columns) == list(COLUMNS)
    assert [r["verdict"] for r in table] == [c["verdict"] for c in doc["claims"]]


def test_python_m_kurskgeo_report_help():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "kurskgeo", "report", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "--snapshots" in done.stdout
    assert "embedded" in done.stdout


def test_context_layers_reach_every_map(tmp_path, monkeypatch, no_network):
    from kurskgeo import plot

    seen = []
    for name in ("plot_snapshot", "plot_change", "plot_small_multiples"):
        real = getattr(plot, name)

        def spy(*args, _real=real, **kwargs):
            seen.append(kwargs.get("context"))
            return _real(*args, **kwargs)

        monkeypatch.setattr(plot, name, spy)
    countries = geodata_dir() / "countries.geojson"
    make_report(tmp_path / "r", context=[countries])
    assert len(seen) >= 3
    assert all(c == [countries] for c in seen)


# the report's own stamp (the chart), and the note a map keeps its names clear of
STAMP_GIDS = ("kurskgeo-illustration", "kurskgeo-note")


def _stamps_of_saved_figures(monkeypatch, tmp_path, **kwargs):
    """Make a report; for each figure saved, the illustration stamps per panel."""
    import kurskgeo.plot

    seen: dict[str, list[list[str]]] = {}
    save = kurskgeo.plot.save_figure

    def recording(fig, path, **kw):
        seen[Path(path).name] = [
            [t.get_text() for t in ax.texts if t.get_gid() in STAMP_GIDS]
            for ax in fig.axes
            if ax.get_visible() and ax.axison  # panels, not colour bars or insets
        ]
        return save(fig, path, **kw)

    monkeypatch.setattr(kurskgeo.plot, "save_figure", recording)
    make_report(tmp_path / "report", **kwargs)
    return seen


def test_every_panel_of_every_embedded_figure_says_illustration(monkeypatch, tmp_path):
    seen = _stamps_of_saved_figures(monkeypatch, tmp_path)
    assert len(seen) >= 6
    for name, panels in seen.items():
        assert panels, name
        for stamps in panels:
            assert len(stamps) == 1, name
            assert stamps[0].startswith("Illustration"), name


@pytest.mark.realdata
def test_no_figure_of_real_maps_says_illustration(monkeypatch, tmp_path, shared_data):
    raw = sorted((shared_data / "deepstate-raw").glob("*.geojson"))[1:4]
    seen = _stamps_of_saved_figures(
        monkeypatch,
        tmp_path,
        snapshots=raw,
        map_zone=["liberated", "contested"],
        region=shared_data / "boundaries" / "kursk_oblast.geojson",
    )
    assert seen
    assert all(not s for panels in seen.values() for s in panels)


def _saved_figures(monkeypatch, tmp_path, **kwargs):
    """Make a report; return its figures by file name, as they were saved."""
    import kurskgeo.plot

    seen = {}
    save = kurskgeo.plot.save_figure

    def recording(fig, path, **kw):
        seen[Path(path).name] = fig
        return save(fig, path, **kw)

    monkeypatch.setattr(kurskgeo.plot, "save_figure", recording)
    report = make_report(tmp_path / "report", **kwargs)
    return seen, report


def test_every_map_of_a_report_shares_one_view(monkeypatch, tmp_path):
    """Maps of any two dates (and the change maps) can be laid side by side."""
    figures, _ = _saved_figures(monkeypatch, tmp_path)
    views = {
        name: (ax.get_xlim(), ax.get_ylim())
        for name, fig in figures.items()
        if name.startswith(("map_", "change_"))
        for ax in fig.get_axes()
        if ax.axison
    }
    assert len(views) >= 6
    assert len(set(views.values())) == 1, views


def test_a_report_extent_is_used_and_recorded(monkeypatch, tmp_path):
    box = (34.6, 50.9, 35.8, 51.5)
    figures, report = _saved_figures(monkeypatch, tmp_path, extent=box)
    manifest = json.loads((report.outdir / "manifest.json").read_text())
    assert manifest["call"]["extent"] == list(box)
    ax = next(a for a in figures["map_2024-08-21.png"].get_axes() if a.axison)
    credit = next(t for t in ax.texts if t.get_gid() == "kurskgeo-attribution")
    # the projection is centred on the box asked
    assert "centred 35.2°E 51.2°N" in credit.get_text().replace("\n", " ")
