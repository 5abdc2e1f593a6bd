"""``kurskgeo map`` and ``kurskgeo chart``: files written, refusals, exit codes."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kurskgeo.cli import cli

os.environ.setdefault("MPLBACKEND", "Agg")

DATA = Path(__file__).resolve().parent / "data" / "plot"
A = str(DATA / "zones_2024-09-04.geojson")
B = str(DATA / "zones_2024-09-18.geojson")
REGION = str(DATA / "region.geojson")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_shape(path: Path) -> tuple[int, ...]:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(path.read_bytes()))).shape


def test_map_writes_png_of_asked_size(runner, tmp_path):
    out = tmp_path / "map.png"
    args = ["map", A, "--zone", "liberated", "--region", REGION, "-o", str(out)]
    result = runner.invoke(cli, [*args, "--dpi", "50"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(PNG_SIGNATURE)
    height, width = png_shape(out)[:2]
    # 6 in wide; at most 6 in tall, trimmed to the map, legend and credit
    assert width == 300 and 200 < height <= 300
    assert f"wrote {out}" in result.output


@pytest.mark.parametrize("extent", ["34.9,51.1,35.6,51.5", "data", "region"])
def test_map_extent_sets_the_view(runner, tmp_path, monkeypatch, extent):
    """--extent: the box asked (in the projection centred on it), or as named."""
    from kurskgeo import plot

    seen = {}
    real = plot.plot_snapshot

    def spy(*args, **kwargs):
        ax = real(*args, **kwargs)
        seen["view"] = (ax.get_xlim(), ax.get_ylim())
        seen["extent"] = kwargs.get("extent")
        return ax

    monkeypatch.setattr(plot, "plot_snapshot", spy)
    out = tmp_path / "map.png"
    args = ["map", A, "--region", REGION, "--extent", extent, "-o", str(out)]
    result = runner.invoke(cli, [*args, "--dpi", "30"])
    assert result.exit_code == 0, result.output
    expected = {
        "data": None,
        "region": "region",
        "34.9,51.1,35.6,51.5": (34.9, 51.1, 35.6, 51.5),
    }[extent]
    assert seen["extent"] == expected
    if isinstance(expected, tuple):
        from pyproj import Transformer

        # the box's corners are all in view, its middle at the view's middle
        (x0, x1), (y0, y1) = seen["view"]
        crs = "+proj=laea +lat_0=51.30 +lon_0=35.25 +ellps=WGS84 +units=m +type=crs"
        tr = Transformer.from_crs("OGC:CRS84", crs, always_xy=True)
        xs, ys = tr.transform([34.9, 35.6, 34.9, 35.6], [51.1, 51.1, 51.5, 51.5])
        assert x0 <= min(xs) and max(xs) <= x1 and y0 <= min(ys) and max(ys) <= y1
        assert (x0 + x1) / 2 == pytest.approx(0, abs=1)


@pytest.mark.parametrize(
    "bad", ["34.9,51.1,35.6", "east,51,35,52", "35.6,51.1,34.9,51.5"]
)
def test_map_extent_refuses_a_bad_box(runner, tmp_path, bad):
    out = tmp_path / "map.png"
    result = runner.invoke(cli, ["map", A, "--extent", bad, "-o", str(out)])
    assert result.exit_code == 2
    assert "WEST,SOUTH,EAST,NORTH" in result.output
    assert not out.exists()


def test_map_refuses_to_overwrite(runner, tmp_path):
    out = tmp_path / "map.png"
    out.write_bytes(b"old")
    result = runner.invoke(cli, ["map", A, "-o", str(out), "--dpi", "20"])
    assert result.exit_code == 1
    assert "exists" in result.output and "--overwrite" in result.output
    assert out.read_bytes() == b"old"
    result = runner.invoke(
        cli, ["map", A, "-o", str(out), "--dpi", "20", "--overwrite"]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(PNG_SIGNATURE)


def test_map_unknown_suffix_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(cli, ["map", A, "-o", str(tmp_path / "map.jpg")])
    assert result.exit_code == 2
    assert ".png, .svg, .pdf" in result.output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(("suffix", "head"), [(".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_map_vector_formats(runner, tmp_path, suffix, head):
    out = tmp_path / f"map{suffix}"
    result = runner.invoke(cli, ["map", A, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(head)


@pytest.mark.parametrize("crs", ["EPSG:4326", "not-a-crs"])
def test_map_bad_crs_is_a_usage_error(runner, tmp_path, crs):
    result = runner.invoke(cli, ["map", A, "--crs", crs, "-o", str(tmp_path / "m.png")])
    assert result.exit_code == 2
    assert "--crs" in result.output


def test_map_in_a_named_projection(runner, tmp_path):
    out = tmp_path / "m.png"
    result = runner.invoke(
        cli, ["map", A, "--crs", "EPSG:3035", "-o", str(out), "--dpi", "20"]
    )
    assert result.exit_code == 0, result.output


def test_map_is_deterministic(runner, tmp_path):
    outs = []
    for name in ("a.png", "b.png"):
        out = tmp_path / name
        result = runner.invoke(
            cli, ["map", A, "--region", REGION, "-o", str(out), "--dpi", "40"]
        )
        assert result.exit_code == 0, result.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_map_compare_draws_change_in_date_order(runner, tmp_path):
    out1, out2 = tmp_path / "ab.png", tmp_path / "ba.png"
    for first, second, out in ((A, B, out1), (B, A, out2)):
        result = runner.invoke(
            cli,
            [
                "map",
                first,
                "--compare",
                second,
                "--zone",
                "liberated",
                "-o",
                str(out),
                "--dpi",
                "30",
            ],
        )
        assert result.exit_code == 0, result.output
    assert out1.read_bytes() == out2.read_bytes()


def test_map_several_paths_small_multiples_or_frames(runner, tmp_path):
    out = tmp_path / "multi.png"
    result = runner.invoke(cli, ["map", A, B, "-o", str(out), "--dpi", "30"])
    assert result.exit_code == 0, result.output
    h, w = png_shape(out)[:2]
    assert w > h  # two panels side by side
    pattern = str(tmp_path / "frame_{date}.png")
    result = runner.invoke(cli, ["map", A, B, "-o", pattern, "--dpi", "30"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "frame_2024-09-04.png").is_file()
    assert (tmp_path / "frame_2024-09-18.png").is_file()
    result = runner.invoke(cli, ["map", A, B, "-o", pattern, "--dpi", "30"])
    assert result.exit_code == 1 and "exists" in result.output


def test_map_missing_input_exits_1(runner, tmp_path):
    result = runner.invoke(
        cli, ["map", str(tmp_path / "nope.geojson"), "-o", str(tmp_path / "m.png")]
    )
    assert result.exit_code == 1
    assert "no such file" in result.output


def test_chart_writes_png(runner, tmp_path):
    out = tmp_path / "chart.png"
    result = runner.invoke(
        cli, ["chart", A, B, "--zone", "liberated", "-o", str(out), "--dpi", "40"]
    )
    assert result.exit_code == 0, result.output
    assert png_shape(out)[:2] == (180, 320)
    result = runner.invoke(cli, ["chart", A, B, "-o", str(out)])
    assert result.exit_code == 1 and "exists" in result.output


def test_chart_with_claims(runner, tmp_path):
    pytest.importorskip("kurskgeo.claims")
    claims = tmp_path / "claims.csv"
    claims.write_text(
        "id,date,source,statement,value,unit,qualifier,zone\n"
        "c1,2024-09-10,test,Held more than 400 km2,400,km2,more_than,liberated\n",
        encoding="utf-8",
    )
    out = tmp_path / "chart.png"
    result = runner.invoke(
        cli,
        [
            "chart",
            A,
            B,
            "--zone",
            "liberated",
            "--claims",
            str(claims),
            "-o",
            str(out),
            "--dpi",
            "30",
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(PNG_SIGNATURE)


def test_chart_without_claims_module(runner, tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec

    def fake(name, *args, **kwargs):
        return None if name == "kurskgeo.claims" else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", fake)
    claims = tmp_path / "c.yaml"
    claims.write_text("[]\n")
    result = runner.invoke(
        cli, ["chart", A, "--claims", str(claims), "-o", str(tmp_path / "c.png")]
    )
    assert result.exit_code == 1
    assert "kurskgeo.claims" in result.output


def test_installed_script_draws_a_map(tmp_path):
    exe = shutil.which("kurskgeo") or str(Path(sys.executable).with_name("kurskgeo"))
    out = tmp_path / "m.png"
    proc = subprocess.run(
        [exe, "map", A, "--region", REGION, "-o", str(out), "--dpi", "20"],
        capture_output=True,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(PNG_SIGNATURE)


def test_area_command_does_not_import_matplotlib(tmp_path):
    code = (
        "import sys\n"
        "from kurskgeo.cli import cli\n"
        f"cli.main(['area', {A!r}], standalone_mode=False)\n"
        "print('matplotlib' in sys.modules, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "False"


@pytest.mark.realdata
def test_map_real_snapshot_with_context(runner, tmp_path, shared_data, kursk_oblast):
    out = tmp_path / "kursk.png"
    result = runner.invoke(
        cli,
        [
            "map",
            str(shared_data / "deepstate-raw" / "1725481410.geojson"),
            "--zone",
            "liberated",
            "--zone",
            "contested",
            "--region",
            str(kursk_oblast),
            "--context",
            str(shared_data / "context" / "natural_earth_10m_ukraine.geojson"),
            "--context",
            str(shared_data / "context" / "natural_earth_10m_russia.geojson"),
            "-o",
            str(out),
            "--dpi",
            "60",
        ],
    )
    assert result.exit_code == 0, result.output
    height, width = png_shape(out)[:2]
    assert width == 360 and 240 < height <= 360
