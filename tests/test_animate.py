"""Animations: one frame per map (or per day), the date and area on each, GIF and MP4."""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import warnings
from io import BytesIO

import geopandas as gpd
import numpy as np
import pytest
from PIL import Image, ImageSequence
from shapely import box

import kurskgeo
from kurskgeo.cli import cli
from kurskgeo.errors import KurskgeoError, OutputError, OutputExistsError
from kurskgeo.io import snapshot_date
from kurskgeo.plot import GID_CAPTION, animate, iter_animation
from kurskgeo.report import geodata_dir

NOTICE = "Illustration: approximate shapes, not a map of the front"


def _snap(day: dt.date, east: float):
    return gpd.GeoDataFrame(
        {
            "date": [day, day],
            "source": ["test maps"] * 2,
            "label": ["t"] * 2,
            "zone": ["liberated", "contested"],
        },
        geometry=[box(35.0, 51.0, east, 51.1), box(east, 51.0, east + 0.03, 51.1)],
        crs="OGC:CRS84",
    )


def _series():
    """The held zone grows east over the first week, then loses ground."""
    return [
        _snap(dt.date(2025, 1, 8), 35.10),
        _snap(dt.date(2025, 1, 11), 35.25),
        _snap(dt.date(2025, 1, 17), 35.05),
    ]


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(BytesIO(png)).convert("RGB")).astype(int)


def _gif_frames(path) -> list[np.ndarray]:
    with Image.open(path) as im:
        return [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(im)]


def test_one_frame_per_map_with_its_date_and_area():
    snaps = _series()
    frames = list(
        iter_animation(snaps, zone=["liberated", "contested"], dpi=60, notice=NOTICE)
    )
    assert [f.day for f in frames] == [f.map_date for f in frames]
    assert [f.map_date for f in frames] == [
        dt.date(2025, 1, 8),
        dt.date(2025, 1, 11),
        dt.date(2025, 1, 17),
    ]
    for frame, snap, day in zip(
        frames,
        snaps,
        ("8 January 2025", "11 January 2025", "17 January 2025"),
        strict=True,
    ):
        total = kurskgeo.area_km2(snap, zone=["liberated", "contested"])
        held = kurskgeo.area_km2(snap, zone="liberated")
        # the texts drawn on this frame: the caption, the legend's own areas,
        # the notice
        assert f"{day}\nTotal: {total:,.0f} km²" in frame.texts
        assert (
            f"Held by Ukraine: {held:,.0f} km² ({held / 2.589988110336:,.0f} sq mi)"
            in frame.texts
        )
        assert NOTICE in frame.texts
        assert frame.caption == f"{day}\nTotal: {total:,.0f} km²"


def test_frames_differ_where_the_front_moved_and_only_there():
    """By day: a held map changes only the caption (lower right corner); a new
    map changes the zones."""
    frames = list(iter_animation(_series()[:2], every="day", zone="liberated", dpi=60))
    assert [f.day.day for f in frames] == [8, 9, 10, 11]
    assert [f.map_date.day for f in frames] == [8, 8, 8, 11]
    assert frames[1].caption.endswith("\nmap of 8 January 2025")
    assert frames[3].caption.count("\n") == 1  # a map of that day says nothing
    px = [_pixels(f.png) for f in frames]
    h, w = px[0].shape[:2]
    held = np.argwhere((px[1] != px[0]).any(axis=2))
    assert len(held) > 0  # the date changed
    assert held[:, 0].min() > h / 2 and held[:, 1].min() > w / 2  # nowhere else
    moved = np.argwhere((px[3] != px[2]).any(axis=2))
    outside_corner = (moved[:, 0] < h / 2) | (moved[:, 1] < w / 2)
    assert outside_corner.sum() > 500  # the zone grew, and the legend's area


def test_gif_has_a_frame_per_map_and_the_same_bytes_each_time(tmp_path):
    out = animate(_series(), tmp_path / "a.gif", zone="liberated", dpi=50)
    with Image.open(out) as im:
        assert im.n_frames == 3
        durations = []
        for f in ImageSequence.Iterator(im):
            durations.append(f.info["duration"])
        assert durations == [800, 800, 2500]
        assert im.info["loop"] == 0
    frames = _gif_frames(out)
    # the frames are the maps drawn, quantised to one palette without dither
    drawn = [
        _pixels(f.png) for f in iter_animation(_series(), zone="liberated", dpi=50)
    ]
    for k, gif in enumerate(frames):
        error = [np.abs(gif.astype(int) - png).mean() for png in drawn]
        assert int(np.argmin(error)) == k and error[k] < 4
    again = animate(_series(), tmp_path / "b.gif", zone="liberated", dpi=50)
    assert again.read_bytes() == out.read_bytes()


def test_refusals(tmp_path):
    out = tmp_path / "a.gif"
    out.write_bytes(b"mine")
    with pytest.raises(OutputExistsError):
        animate(_series(), out)
    assert out.read_bytes() == b"mine"
    with pytest.raises(OutputError, match=r"\.gif or \.mp4"):
        animate(_series(), tmp_path / "a.avi")
    with pytest.raises(KurskgeoError, match="every"):
        animate(_series(), tmp_path / "b.gif", every="week")
    with pytest.raises(KurskgeoError, match="no map"):
        animate(_series(), tmp_path / "c.gif", start="2026-01-01")
    with pytest.raises(KurskgeoError, match="frames"):
        animate(
            [_snap(dt.date(2015, 1, 1), 35.1), _snap(dt.date(2025, 1, 1), 35.2)],
            tmp_path / "d.gif",
            every="day",
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gif"]


@pytest.mark.skipif(
    importlib.util.find_spec("imageio_ffmpeg") is None,
    reason="imageio-ffmpeg is not installed (pip install 'kurskgeo[video]')",
)
def test_mp4_through_imageio_ffmpeg(tmp_path):
    import imageio_ffmpeg

    out = animate(_series(), tmp_path / "a.mp4", zone="liberated", dpi=50)
    data = out.read_bytes()
    assert data[4:8] == b"ftyp"
    n, seconds = imageio_ffmpeg.count_frames_and_secs(str(out))
    # 10 frames a second: 0.8 s per map, 2.5 s for the last
    assert n == 8 + 8 + 25
    assert seconds == pytest.approx(4.1, abs=0.15)
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    assert tuple(meta["size"]) == (300, 300)
    first = np.frombuffer(next(reader), np.uint8).reshape(300, 300, 3).astype(int)
    reader.close()
    drawn = _pixels(next(iter(iter_animation(_series(), zone="liberated", dpi=50))).png)
    assert np.abs(first - drawn).mean() < 8  # lossy, but the same picture


def test_mp4_without_imageio_ffmpeg_says_what_to_install(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_ffmpeg(name, *args, **kwargs):
        if name == "imageio_ffmpeg":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ffmpeg)
    with pytest.raises(KurskgeoError, match=r"kurskgeo\[video\]"):
        animate(_series(), tmp_path / "a.mp4")
    assert not list(tmp_path.iterdir())


def test_cli_animate(tmp_path, runner):
    out = tmp_path / "kursk.gif"
    snaps = geodata_dir() / "snapshots"
    args = ["animate", str(snaps), "--zone", "liberated", "--dpi", "40", "-o", str(out)]
    result = runner.invoke(cli, [*args, "--notice", NOTICE])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("wrote")  # no progress bar off a terminal
    with Image.open(out) as im:
        assert im.n_frames == len(list(snaps.glob("*.geojson")))
    assert runner.invoke(cli, args).exit_code == 1  # exists
    wrong = runner.invoke(cli, ["animate", str(snaps), "-o", str(tmp_path / "x.png")])
    assert wrong.exit_code == 2
    bad_date = runner.invoke(
        cli, ["animate", str(snaps), "--from", "soon", "-o", str(tmp_path / "y.gif")]
    )
    assert bad_date.exit_code == 2
    by_day = runner.invoke(
        cli,
        [
            *args[:-2],
            "--every",
            "day",
            "--from",
            "2025-03-10",
            "-o",
            str(tmp_path / "d.gif"),
        ],
    )
    assert by_day.exit_code == 0, by_day.output
    with Image.open(tmp_path / "d.gif") as im:
        assert im.n_frames == 10  # 10 to 19 March 2025


def test_caption_gid_is_public():
    frames = iter_animation(_series()[:1], dpi=40)
    assert next(frames).caption.startswith("8 January 2025")
    assert GID_CAPTION == "kurskgeo-caption"


@pytest.mark.realdata
def test_real_series_one_frame_per_map_version(shared_data, runner, tmp_path):
    """The issue's check: a GIF with one frame per map version, the date on each."""
    raw = sorted((shared_data / "deepstate-raw").glob("*.geojson"))
    region = shared_data / "boundaries" / "kursk_oblast.geojson"
    out = tmp_path / "kursk.gif"
    result = runner.invoke(
        cli,
        [
            "animate",
            *map(str, raw),
            "--zone",
            "liberated",
            "--zone",
            "contested",
            "--region",
            str(region),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    frames = _gif_frames(out)
    assert len(frames) == len(raw)
    assert frames[0].shape == (600, 600, 3)
    # one frame per map version, each with its date and area drawn on it
    with warnings.catch_warnings():  # the 2022 export's repairs, said elsewhere
        warnings.simplefilter("ignore", kurskgeo.KurskgeoWarning)
        snaps = kurskgeo.read_snapshots(raw)
    drawn = list(iter_animation(snaps, zone=["liberated", "contested"], region=region))
    series = kurskgeo.area_series(snaps, zone=["liberated", "contested"], region=region)
    for frame, snap, area in zip(drawn, snaps, series["area_km2"], strict=True):
        day = snapshot_date(snap)
        words = f"{day.day} {day:%B %Y}"
        caption = [t for t in frame.texts if t.startswith(words)]
        assert len(caption) == 1, frame.texts
        first, second = caption[0].split("\n")
        assert first == words
        shown = second.removeprefix("Total: ").removesuffix(" km²")
        if shown == "<0.1":
            assert 0 < area < 0.05
        else:
            # as printed: to the unit, or to 0.1 under 10 km²
            assert float(shown.replace(",", "")) == pytest.approx(area, abs=0.51)
    assert any(f.caption.startswith("21 August 2024\nTotal: 1,2") for f in drawn)
    # consecutive maps whose front moved differ beyond the caption
    for a, b in itertools.pairwise(frames[1:]):
        h, w = a.shape[:2]
        changed = np.argwhere((a != b).any(axis=2))
        assert ((changed[:, 0] < h / 2) | (changed[:, 1] < w / 2)).any()


def test_a_long_credit_stays_on_the_frame():
    """A frame's canvas is fixed: the credit under the map is wrapped to the
    frame's width and made smaller until it fits, never cut at the bottom."""
    credit = "Source: " + " ".join(f"layer{i} (shown as something)" for i in range(26))
    frames = list(
        iter_animation(_series()[:1], attribution=credit, dpi=60, figsize=(8.0, 7.2))
    )
    pixels = _pixels(frames[0].png)
    bottom = pixels[-4:]  # the last rows of the canvas: background only
    assert (np.abs(bottom - pixels[-1, 0]).sum(axis=-1) < 30).all()
    assert any(t.startswith("Source: layer0") for t in frames[0].texts)
