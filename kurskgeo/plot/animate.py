"""Animations of a series: one map per version (or per day), as GIF or MP4.

Every frame is a print map (:func:`~kurskgeo.plot.iter_frames`: one figure,
one extent for all frames, the same legend, scale bar, north arrow and
source line) with the day and the area measured written large in its lower
right corner. GIFs are written by Pillow, with one palette for all frames
(no flicker) and no dithering, so the same input gives the same bytes; MP4
needs the optional extra ``kurskgeo[video]`` (imageio-ffmpeg, which ships an
ffmpeg binary).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from kurskgeo.errors import KurskgeoError, OutputError, OutputExistsError
from kurskgeo.plot import style as _style
from kurskgeo.plot._inputs import _snap_date, _snapshot, _zones_arg
from kurskgeo.plot._text import _fmt_area
from kurskgeo.plot.frames import _frames

__all__ = [
    "ANIMATION_FORMATS",
    "EVERY",
    "AnimationFrame",
    "animate",
    "iter_animation",
]

#: Output formats :func:`animate` writes, by file suffix.
ANIMATION_FORMATS = ("gif", "mp4")
#: One frame per map version, or one per day (holding the last map).
EVERY = ("map", "day")
#: More frames than this is refused (a daily animation over years).
MAX_FRAMES = 2000
#: How long a frame shows, by `every`, and how long the last one is held (ms).
FRAME_MS = {"map": 800, "day": 120}
HOLD_LAST_MS = 2500
#: MP4 frames per second (a frame's duration is a whole number of them).
MP4_FPS = 10


@dataclass(frozen=True)
class AnimationFrame:
    """One frame of an animation, as drawn.

    Attributes
    ----------
    day : datetime.date or None
        The day the frame stands for.
    map_date : datetime.date or None
        The date of the map drawn (before `day` when a map is held).
    caption : str
        The day and area written on the frame.
    texts : tuple of str
        Every visible text of the figure when the frame was drawn (title,
        legend, caption, source line...).
    png : bytes
        The frame as PNG.
    """

    day: dt.date | None
    map_date: dt.date | None
    caption: str
    texts: tuple[str, ...]
    png: bytes


def _day_words(value: dt.date | None) -> str:
    return "undated" if value is None else f"{value.day} {value:%B %Y}"


def _zone_words(zones: Sequence[str] | None) -> str:
    """Name what the caption's area is of: one zone, or the total of several."""
    if not zones:
        return "Mapped area"
    if len(zones) > 1:
        return "Total"
    return _style.zone_label(zones[0]).split(" (")[0]


def _plan(
    dates: Sequence[dt.date | None], every: str, start: Any, end: Any
) -> list[tuple[dt.date | None, int]]:
    """(day shown, index of the map drawn) for every frame."""
    if every not in EVERY:
        raise KurskgeoError(f"every={every!r}: choose one of {', '.join(EVERY)}")
    from kurskgeo.io import parse_date

    lo = parse_date(start) if start is not None else None
    hi = parse_date(end) if end is not None else None

    def inside(d: dt.date | None) -> bool:
        return d is None or ((lo is None or d >= lo) and (hi is None or d <= hi))

    if every == "map":
        plan = [(d, i) for i, d in enumerate(dates) if inside(d)]
    else:
        if any(d is None for d in dates):
            raise KurskgeoError(
                "an animation by day needs the date of every snapshot; "
                "one has none (name the files by date, or use every='map')"
            )
        known = [d for d in dates if d is not None]
        first = max(lo, known[0]) if lo is not None else known[0]
        last = hi or known[-1]
        n = (last - first).days + 1
        if n > MAX_FRAMES:
            raise KurskgeoError(
                f"an animation by day from {first} to {last} would have {n} "
                f"frames (at most {MAX_FRAMES}); choose a start and end "
                "(--from/--to) or one frame per map"
            )
        plan = []
        for k in range(max(n, 0)):
            day = first + dt.timedelta(days=k)
            held = [i for i, d in enumerate(known) if d <= day]
            if held:
                plan.append((day, held[-1]))
    if not plan:
        raise KurskgeoError(
            "no map to animate between the dates given"
            if start is not None or end is not None
            else "no map to animate"
        )
    return plan


def iter_animation(
    snapshots: Iterable[Any],
    *,
    every: str = "map",
    start: Any = None,
    end: Any = None,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    context: Any = None,
    places: Any = None,
    title: str | None = None,
    notice: str | None = None,
    attribution: str | None = None,
    dpi: float = 100,
    figsize: tuple[float, float] | None = None,
    **style_kwds: Any,
) -> Iterator[AnimationFrame]:
    """Draw the frames of an animation: one per map, or one per day.

    Parameters
    ----------
    snapshots : iterable of GeoDataFrame or paths
        The series, in date order.
    every : {"map", "day"}
        One frame per map version, or one per day from the first map to the
        last (each day shows the last map published by then, and says so).
    start, end : date or ISO text, optional
        Leave out the days before `start` and after `end`.
    zone, region, context, places, title, attribution
        As in :func:`plot_snapshot`; one extent is shared by all frames.
    notice : str, optional
        A warning written on every frame ("Illustration: ...").
    dpi : float
        Resolution of the 6 × 6 in map (100: 600 × 600 pixels).
    figsize : (float, float), optional
        Another size of the map, in inches.
    **style_kwds
        Passed to the zone polygons.

    Yields
    ------
    AnimationFrame

    Raises
    ------
    SnapshotError
        If a snapshot cannot be read or no snapshot is given.
    KurskgeoError
        If `every` is unknown, or a daily animation would be too long.

    Notes
    -----
    The area on each frame is that of the union of the zones, measured by
    :func:`kurskgeo.series.area_series` (the timeline's numbers); the legend
    gives each zone's own area, as on the print maps.

    Examples
    --------
    >>> import datetime as dt
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> snaps = [gpd.GeoDataFrame(
    ...     {"date": [dt.date(2025, 1, d)], "source": ["test"], "label": ["t"],
    ...      "zone": ["liberated"]}, geometry=[box(35.0, 51.0, 35.0 + d / 100, 51.1)],
    ...     crs="OGC:CRS84") for d in (8, 17)]
    >>> [f.caption.splitlines()[0] for f in iter_animation(snaps, dpi=40)]
    ['8 January 2025', '17 January 2025']
    """
    from kurskgeo.errors import SnapshotError
    from kurskgeo.plot._inputs import _region
    from kurskgeo.series import area_series

    snaps = [_snapshot(s) for s in snapshots]
    if not snaps:
        raise SnapshotError("an animation needs at least one snapshot")
    dates = [_snap_date(s) for s in snaps]
    plan = _plan(dates, every, start, end)
    zones = _zones_arg(zone)
    reg = _region(region)
    series = area_series(
        snaps,
        zone=zones,
        region=reg.geom if reg is not None else None,
        on_duplicate="last",
    )
    areas = [float(a) for a in series["area_km2"]]
    if len(areas) != len(snaps):  # several undated or same-dated snapshots
        by_date = dict(zip(series["date"], areas, strict=True))
        areas = [float(by_date.get(d, math.nan)) for d in dates]
    what = _zone_words(zones)
    captions = []
    for day, i in plan:
        text = f"{_day_words(day)}\n{what}: {_fmt_area(areas[i])} km²"
        if day != dates[i]:
            text += f"\nmap of {_day_words(dates[i])}"
        captions.append(text)
    from matplotlib.text import Text

    frames = _frames(
        [snaps[i] for _, i in plan],
        zone=zones,
        region=region,
        context=context,
        places=places,
        title=title,
        attribution=attribution,
        dpi=dpi,
        figsize=figsize,
        compress_level=0,
        captions=captions,
        stamp=notice,
        **style_kwds,
    )
    for (day, i), caption, (_, png, fig) in zip(plan, captions, frames, strict=True):
        texts = tuple(
            t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()
        )
        yield AnimationFrame(day, dates[i], caption, texts, png)


def _format(path: str | os.PathLike[str]) -> str:
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in ANIMATION_FORMATS:
        raise OutputError(
            f"{path}: cannot tell the animation format from "
            f"{('.' + fmt) if fmt else 'no suffix'}; use "
            f"{' or '.join('.' + f for f in ANIMATION_FORMATS)}"
        )
    return fmt


def _durations(n: int, frame_ms: int, hold_last_ms: int) -> list[int]:
    return [frame_ms] * (n - 1) + [max(frame_ms, hold_last_ms)]


def _write_gif(frames: Sequence[Any], durations: Sequence[int], fh: Any) -> None:
    """Frames (PIL RGB images) to GIF: one palette made from several frames."""
    from PIL import Image

    picks = sorted({0, len(frames) // 2, len(frames) - 1})
    w, h = frames[0].size
    sheet = Image.new("RGB", (w, h * len(picks)))
    for k, i in enumerate(picks):
        sheet.paste(frames[i], (0, h * k))
    palette = sheet.quantize(
        colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    images = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    images[0].save(
        fh,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=list(durations),
        loop=0,
        disposal=1,
        optimize=False,
    )


def _write_mp4(frames: Sequence[Any], durations: Sequence[int], target: Path) -> None:
    try:
        import imageio_ffmpeg
    except ImportError:
        raise KurskgeoError(
            "writing MP4 needs imageio-ffmpeg: pip install 'kurskgeo[video]' "
            "(or write a .gif)"
        ) from None
    w, h = frames[0].size
    writer = imageio_ffmpeg.write_frames(
        os.fspath(target),
        (w, h),
        fps=MP4_FPS,
        codec="libx264",
        pix_fmt_in="rgb24",
        pix_fmt_out="yuv420p",
        macro_block_size=2,
        ffmpeg_log_level="error",
        output_params=["-movflags", "+faststart"],
    )
    writer.send(None)
    try:
        for frame, ms in zip(frames, durations, strict=True):
            data = frame.tobytes()
            for _ in range(max(1, round(ms * MP4_FPS / 1000))):
                writer.send(data)
    finally:
        writer.close()


def animate(
    snapshots: Iterable[Any],
    path: str | os.PathLike[str],
    *,
    every: str = "map",
    frame_ms: int | None = None,
    hold_last_ms: int = HOLD_LAST_MS,
    overwrite: bool = False,
    progress: bool = False,
    **kwargs: Any,
) -> Path:
    """Write an animation of a series: a GIF (Pillow) or an MP4 (imageio-ffmpeg).

    Parameters
    ----------
    snapshots : iterable of GeoDataFrame or paths
        The series, in date order.
    path : path
        ``.gif`` or ``.mp4``; written atomically.
    every : {"map", "day"}
        One frame per map version, or per day (holding the last map).
    frame_ms : int, optional
        How long each frame shows (default 800 ms per map, 120 ms per day).
    hold_last_ms : int
        How long the last frame shows.
    overwrite : bool
        Replace an existing file.
    progress : bool
        A progress bar on stderr (the command line asks when it is a
        terminal).
    **kwargs
        Passed to :func:`iter_animation` (zone, region, places, notice, dpi...).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    OutputExistsError
        If `path` exists and `overwrite` is False (checked before drawing).
    OutputError
        If the suffix is neither ``.gif`` nor ``.mp4``.
    KurskgeoError
        If MP4 is asked for without imageio-ffmpeg installed.
    """
    from PIL import Image

    from kurskgeo.io import atomic_write

    target = Path(path)
    fmt = _format(target)
    if (target.exists() or target.is_symlink()) and not overwrite:
        raise OutputExistsError(
            f"{target} exists; pass overwrite=True (CLI: --overwrite) to replace it"
        )
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(
            f"{folder}: the output folder does not exist; create it first"
        )
    if fmt == "mp4":
        try:
            import imageio_ffmpeg  # noqa: F401
        except ImportError:
            raise KurskgeoError(
                "writing MP4 needs imageio-ffmpeg: pip install 'kurskgeo[video]' "
                "(or write a .gif)"
            ) from None
    ms = int(frame_ms if frame_ms is not None else FRAME_MS.get(every, 800))
    if ms <= 0 or hold_last_ms < 0:
        raise KurskgeoError("frame_ms must be positive and hold_last_ms not negative")
    frames = iter_animation(snapshots, every=every, **kwargs)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(desc=f"drawing {target.name}", unit="frame", leave=False)
    images = []
    try:
        for f in frames:
            images.append(Image.open(BytesIO(f.png)).convert("RGB"))
            if bar is not None:
                bar.update()
    finally:
        if bar is not None:
            bar.close()
    durations = _durations(len(images), ms, hold_last_ms)
    if fmt == "gif":
        with atomic_write(target, "wb", overwrite=overwrite) as fh:
            _write_gif(images, durations, fh)
        return target
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        video = Path(tmp) / "animation.mp4"
        _write_mp4(images, durations, video)
        with (
            atomic_write(target, "wb", overwrite=overwrite) as fh,
            open(video, "rb") as src,
        ):
            shutil.copyfileobj(src, fh)
    return target
