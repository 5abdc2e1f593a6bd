"""The report's interactive map (explore.html) and animation (figures/animation.gif)."""

from __future__ import annotations

import base64
import json
import re
import socket
from io import BytesIO

import pytest
from PIL import Image

from kurskgeo.report import geodata_dir, make_report

ILLUSTRATION = "Illustration: approximate shapes, not a map of the front"


def _refuse(*args, **kwargs):
    raise AssertionError("the report tried to use the network")


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    out = tmp_path_factory.mktemp("embedded") / "report"
    mp = pytest.MonkeyPatch()
    mp.setattr(socket.socket, "connect", _refuse)
    try:
        rep = make_report(out)
    finally:
        mp.undo()
    return rep


def test_report_writes_the_interactive_map_and_the_animation(embedded):
    out = embedded.outdir
    page = (out / "explore.html").read_text(encoding="utf-8")
    gif = out / "figures" / "animation.gif"
    assert gif in embedded.figures
    n_snapshots = len(list((geodata_dir() / "snapshots").glob("*.geojson")))
    with Image.open(gif) as im:
        assert im.n_frames == n_snapshots
    # the page: offline, says what it is, lists the claims
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page)
    assert ILLUSTRATION in page
    assert f"All {len(embedded.verdicts)} claims" in page
    assert f'max="{n_snapshots - 1}"' in page


def test_report_links_both(embedded):
    out = embedded.outdir
    md = embedded.markdown.read_text(encoding="utf-8")
    html = embedded.html.read_text(encoding="utf-8")
    assert "[Interactive map (explore.html)](explore.html)" in md
    assert "![Animation of the maps](figures/animation.gif)" in md
    assert '<a href="explore.html">' in html
    # the HTML report stays one file: the GIF is embedded, as a GIF
    found = re.search(r'src="data:image/gif;base64,([^"]+)"', html)
    assert found
    assert (
        base64.b64decode(found.group(1)) == (out / "figures/animation.gif").read_bytes()
    )
    with Image.open(BytesIO(base64.b64decode(found.group(1)))) as im:
        assert im.format == "GIF"


def test_an_overwrite_replaces_them_and_removes_a_stale_animation(tmp_path):
    out = tmp_path / "r"
    make_report(out)
    assert (out / "figures" / "animation.gif").is_file()
    one = sorted((geodata_dir() / "snapshots").glob("*.geojson"))[3]
    rep = make_report(out, snapshots=[one], zone="liberated", overwrite=True)
    # one map: nothing to animate, and the old animation goes
    assert not (out / "figures" / "animation.gif").exists()
    page = (out / "explore.html").read_text(encoding="utf-8")
    assert ILLUSTRATION not in page  # the user's snapshots, not the embedded report
    assert 'max="0"' in page
    assert "explore.html" in rep.markdown.read_text(encoding="utf-8")


def test_a_failed_interactive_map_is_reported_not_fatal(tmp_path, monkeypatch):
    from kurskgeo import plot

    def broken(*args, **kwargs):
        raise RuntimeError("no folium today")

    monkeypatch.setattr(plot, "save_explore", broken)
    seen = []
    animate = plot.animate

    def spy(*args, **kwargs):
        seen.append(kwargs)
        return animate(*args, **kwargs)

    monkeypatch.setattr(plot, "animate", spy)
    rep = make_report(tmp_path / "r")
    # the embedded data's animation says on every frame what it is
    assert [k["notice"] for k in seen] == [ILLUSTRATION]
    md = rep.markdown.read_text(encoding="utf-8")
    assert "the interactive map: RuntimeError: no folium today" in md
    assert not (tmp_path / "r" / "explore.html").exists()
    assert "explore.html)" not in md
    assert (tmp_path / "r" / "figures" / "animation.gif").is_file()


def test_report_without_them(tmp_path, runner):
    from kurskgeo.cli import cli

    out = tmp_path / "r"
    result = runner.invoke(
        cli, ["report", "--no-interactive", "--no-animation", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert not (out / "explore.html").exists()
    assert not (out / "figures" / "animation.gif").exists()
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "explore.html" not in md and "animation.gif" not in md
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["call"]["interactive"] is False
    assert manifest["call"]["animation"] is False
