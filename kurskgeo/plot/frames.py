"""Batches of maps of one place, one frame per date, drawn on one reused figure.

The figure, context layers and furniture are drawn once; each frame swaps
the zone polygons, legend areas, date and source line. For PNG output only
what lies above the zones is redrawn per frame (blitting), and the canvas is
encoded directly, which is several times faster than drawing each map anew.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from kurskgeo.errors import OutputError
from kurskgeo.io import LONLAT
from kurskgeo.plot import _furniture
from kurskgeo.plot._draw import (
    _box_aspect,
    _context_handles,
    _credit_width,
    _draw_context,
    _furnish,
    _legend_patch,
    _new_map_axes,
    _rc_context,
    _setup_map_axes,
    _subtitle,
    _write_names,
    _zone_collection,
)
from kurskgeo.plot._inputs import (
    _contexts,
    _layer_names,
    _places,
    _present_zones,
    _region,
    _snap_date,
    _snapshot,
    _zones_arg,
)
from kurskgeo.plot._layers import (
    _extent,
    _frame,
    _geom_path,
    _Layer,
    _parts,
    _project,
    _zone_layers,
)
from kurskgeo.plot._text import (
    _attribution_text,
    _default_title,
    _iso_date,
    _snapshot_subtitle,
    _zone_label,
)
from kurskgeo.plot.save import (
    _figure_of,
    _format_of,
    _png_bytes,
    figure_bytes,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "GID_CAPTION",
    "GID_STAMP",
    "iter_frames",
    "save_frames",
]


#: Frames redraw only what changes (tests turn this off to compare).
_BLIT = True


def iter_frames(
    snapshots: Iterable[Any],
    *,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    context: Any = None,
    places: Any = None,
    crs: Any = "auto",
    title: str | None = None,
    extent: Any = None,
    attribution: str | None = None,
    figsize: tuple[float, float] | None = None,
    dpi: float = 200,
    fmt: str = "png",
    compress_level: int = 1,
    furniture: bool = True,
    captions: Sequence[str] | None = None,
    stamp: str | None = None,
    **style_kwds: Any,
) -> Iterator[tuple[dt.date | None, bytes]]:
    """Render one map per snapshot, reusing one figure: yields (date, bytes).

    The figure, context layers, graticule, scale bar and north arrow are drawn
    once, on the extent shared by all snapshots; each frame only swaps the
    zone polygons (``PathCollection.set_paths``), the legend's areas, the date
    and the source line. This is several times faster than drawing each map
    from scratch.

    Parameters
    ----------
    snapshots : iterable of GeoDataFrame or paths
    zone, region, context, places, crs, title, extent, attribution, figsize
        As in :func:`plot_snapshot`.
    dpi : float
        Resolution; with the default 6 × 6 in figure, 200 dpi is 1200 × 1200 px.
    fmt : {"png", "svg", "pdf"}
    compress_level : int
        zlib level of PNG output (1 is fast, output still deterministic).
    furniture : bool
        Draw title, legend, scale bar, north arrow, graticule and attribution
        (turn off only to compare bare renderings).
    captions : sequence of str, optional
        One text per snapshot, drawn large in a box in the lower right
        corner of the map (an animation's date and area).
    stamp : str, optional
        A notice drawn on every frame, in the lower right corner (below the
        caption), such as "Illustration: approximate shapes".
    **style_kwds
        Passed to the zone polygons.

    Yields
    ------
    (datetime.date or None, bytes)

    Notes
    -----
    The same snapshot object given several times (a map held over several
    days) is measured once.
    """
    for day, data, _ in _frames(
        snapshots,
        zone=zone,
        region=region,
        context=context,
        places=places,
        crs=crs,
        title=title,
        extent=extent,
        attribution=attribution,
        figsize=figsize,
        dpi=dpi,
        fmt=fmt,
        compress_level=compress_level,
        furniture=furniture,
        captions=captions,
        stamp=stamp,
        **style_kwds,
    ):
        yield day, data


#: Gids of the texts :func:`iter_frames` adds for `captions` and `stamp`.
GID_CAPTION = "kurskgeo-caption"
GID_STAMP = "kurskgeo-stamp"


def _frames(
    snapshots: Iterable[Any],
    *,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    context: Any = None,
    places: Any = None,
    crs: Any = "auto",
    title: str | None = None,
    extent: Any = None,
    attribution: str | None = None,
    figsize: tuple[float, float] | None = None,
    dpi: float = 200,
    fmt: str = "png",
    compress_level: int = 1,
    furniture: bool = True,
    captions: Sequence[str] | None = None,
    stamp: str | None = None,
    **style_kwds: Any,
) -> Iterator[tuple[dt.date | None, bytes, Any]]:
    """:func:`iter_frames`, also yielding the figure as each frame was drawn."""
    # a snapshot given several times is read and measured once
    given = list(snapshots)
    index: dict[int, int] = {}
    order: list[int] = []
    snaps: list[Any] = []
    for item in given:
        if id(item) not in index:
            index[id(item)] = len(snaps)
            snaps.append(_snapshot(item))
        order.append(index[id(item)])
    if not snaps:
        return
    if captions is not None and len(captions) != len(order):
        raise ValueError(
            f"{len(captions)} captions for {len(order)} snapshots; give one each"
        )
    zones_arg = _zones_arg(zone)
    zones: list[str | None] = list(zones_arg) if zones_arg else _present_zones(snaps)
    reg = _region(region)
    ctx = _contexts(context)
    pts = _places(places)
    frame = _frame(snaps, zones_arg, reg, crs, extent)
    all_layers = [_zone_layers(s, zones, reg, frame) for s in snaps]
    first = all_layers[0]
    with _rc_context():
        ax = _new_map_axes(figsize, dpi)
        if not furniture:
            ax.set_position((0, 0, 1, 1))
        if extent is None:
            # the shared extent: the focus box of all snapshots
            box = _project(
                shapely.box(*frame.focus).segmentize(0.05), LONLAT, frame.crs
            )[0]
            fake = _Layer(None, "", box, 0.0, first[0].style)
            view = _extent([fake], frame, reg, None, _box_aspect(ax))
        else:
            view = _extent(first, frame, reg, extent, _box_aspect(ax))
        _setup_map_axes(ax, view)
        handles = _draw_context(
            ax, frame, view, ctx, reg, pts, [la.geom for ls in all_layers for la in ls]
        )
        colls = [
            _zone_collection(ax, la, 3 + i * 0.01, style_kwds)
            for i, la in enumerate(first)
        ]
        texts: list[Any] = []
        sub = attr = None
        if furniture:
            _furnish(ax, frame)
            head = ax.set_title(
                title or _default_title(zones, reg),
                loc="left",
                fontweight="bold",
                pad=17,
            )
            _fit_on_one_line(head, ax)
            sub = _subtitle(ax, "")
            attr = _furniture.add_attribution(ax, "")
            patches = [_legend_patch(la.style, la.label, style_kwds) for la in first]
            leg = ax.legend(
                handles=patches + _context_handles(handles, reg),
                loc="upper left",
                borderaxespad=0.6,
                handlelength=1.6,
            )
            leg.set_zorder(30)
            texts = leg.get_texts()[: len(first)]
            for i, t in enumerate(texts):  # as wide as it will be: the longest
                t.set_text(max((_zone_label(ls[i]) for ls in all_layers), key=len))
        else:
            ax.set_axis_off()
        caption = None
        if stamp:
            _corner_text(ax, stamp, 7.5, "#8B0000", 0, GID_STAMP)
        if captions is not None:
            caption = _corner_text(
                ax,
                max(captions, key=len),
                11,
                "#1a1a1a",
                17 if stamp else 0,
                GID_CAPTION,
            )
        # names last: clear of the furniture and legend
        _write_names(ax, handles, [la.geom for ls in all_layers for la in ls])
        fig = _figure_of(ax)
        canvas: Any = fig.canvas
        blit = fmt == "png" and _BLIT
        names = _layer_names(snaps, zones, reg)
        # wrapped to the frame's width: the canvas is fixed, the credit must fit
        width = _credit_width(ax) if furniture else 108
        attributions = [
            _attribution_text(
                [s],
                reg,
                ctx,
                frame,
                attribution,
                width,
                layers=names,
                border=handles.get("_border_note"),
            )
            for s in snaps
        ]
        if attr is not None:
            _fit_under(attr, max(attributions, key=lambda t: t.count("\n")))
        if blit:
            # Draw what never changes (land, graticule, tick labels: everything
            # under the zones) once, then per frame restore it and draw only the
            # zones and what lies above them, in z-order as a full draw would.
            # The title, and the source line when it is the same for all
            # frames, lie outside the frame and never change: keep them static.
            static: set[Any] = {ax.title, ax._left_title, ax._right_title}  # type: ignore[attr-defined]
            if furniture and len(set(attributions)) == 1:
                assert attr is not None
                attr.set_text(attributions[0])
                static.add(attr)
            changing = {sub, caption, *colls} - {None}
            if attr is not None and attr not in static:
                changing.add(attr)
            clear = _clear_of_zones(ax, all_layers, exclude=static | changing)
            static |= clear
            dynamic = [
                a
                for a in ax.get_children()
                if a.get_zorder() >= 3 and a.get_visible() and a not in static
            ]
            legend = ax.get_legend()
            slots: list[Any] = []
            if (
                furniture
                and legend is not None
                and legend in clear
                and not _overlaps(ax, legend, [a for a in dynamic if a not in colls])
            ):
                # The legend lies clear of every zone: keep its frame, keys
                # and fixed entries static and redraw only the area labels,
                # laid out for the longest label of all frames (set above).
                slots = list(texts)
                for t in slots:
                    t.set_visible(False)
            for a in dynamic:
                a.set_animated(True)
            canvas.draw()
            background = canvas.copy_from_bbox(fig.bbox)
            for t in slots:
                t.set_visible(True)
            top = max((a.get_zorder() for a in dynamic), default=3) + 1
            dynamic = sorted(
                [*dynamic, *slots],
                key=lambda a: top if a in slots else a.get_zorder(),
            )
        for n, k in enumerate(order):
            snap = snaps[k]
            layers = all_layers[k]
            for coll, layer in zip(colls, layers, strict=True):
                coll.set_paths([_geom_path(layer.geom)])
            if furniture:
                for t, layer in zip(texts, layers, strict=True):
                    t.set_text(_zone_label(layer))
                assert sub is not None and attr is not None
                sub.set_text(_snapshot_subtitle(snap, reg))
                attr.set_text(attributions[k])
            if caption is not None:
                assert captions is not None
                caption.set_text(captions[n])
            if blit:
                canvas.restore_region(background)
                for a in dynamic:
                    ax.draw_artist(a)
                yield (
                    _snap_date(snap),
                    _png_bytes(np.asarray(canvas.buffer_rgba()), dpi, compress_level),
                    fig,
                )
            else:
                yield (
                    _snap_date(snap),
                    figure_bytes(
                        fig,
                        fmt,
                        dpi=dpi,
                        compress_level=compress_level,
                    ),
                    fig,
                )
        if blit:
            for a in dynamic:
                a.set_animated(False)


def _corner_text(
    ax: Axes, text: str, size: float, colour: str, above_pt: float, gid: str
) -> Any:
    """Draw a boxed text in the lower right corner of the map, `above_pt` up."""
    return ax.annotate(
        text,
        xy=(0.985, 0.015),
        xycoords="axes fraction",
        xytext=(0, above_pt),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=size,
        fontweight="bold",
        color=colour,
        zorder=40,
        annotation_clip=False,
        parse_math=False,
        bbox={
            "boxstyle": "round,pad=0.3",
            "fc": "white",
            "ec": colour,
            "lw": 0.6,
            "alpha": 0.92,
        },
        gid=gid,
    )


def _fit_under(attr: Any, longest: str) -> None:
    """Shrink the credit under the frame until its longest text fits the canvas."""
    from kurskgeo.plot._labels import renderer_of

    fig: Any = attr.get_figure(root=True)
    renderer = renderer_of(fig)
    attr.set_text(longest)
    size = float(attr.get_fontsize())
    while size > 4.5 and attr.get_window_extent(renderer).y0 < 0.01 * fig.bbox.height:
        size -= 0.25
        attr.set_fontsize(size)
    attr.set_text("")


def _fit_on_one_line(text: Any, ax: Axes) -> None:
    """Shrink a headline that would run off the fixed canvas of a frame."""
    from kurskgeo.plot._labels import renderer_of

    fig: Any = ax.get_figure(root=True)
    renderer = renderer_of(fig)
    room = fig.bbox.x1 - ax.get_window_extent(renderer).x0 - 0.08 * fig.dpi
    size = float(text.get_fontsize())
    while size > 8 and text.get_window_extent(renderer).width > room:
        size -= 0.5
        text.set_fontsize(size)


def _overlaps(ax: Axes, artist: Any, others: Sequence[Any]) -> bool:
    """Whether the display extent of `artist` meets that of any of `others`."""
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    box = artist.get_window_extent(renderer).padded(4)
    for other in others:
        ext = other.get_window_extent(renderer)
        if np.isfinite([ext.x0, ext.y0, ext.x1, ext.y1]).all() and box.overlaps(ext):
            return True
    return False


def _clear_of_zones(
    ax: Axes, all_layers: Sequence[Sequence[_Layer]], *, exclude: set[Any]
) -> set[Any]:
    """Artists above the zones that no zone of any frame touches.

    Those can stay in the static background: they are drawn above the zones,
    but where no zone is, the result is the same pixels.
    """
    fig: Any = ax.figure
    renderer = fig.canvas.get_renderer()
    to_data = ax.transData.inverted()
    parts = _parts([la.geom for layers in all_layers for la in layers])
    shapely.prepare(parts)
    busy = parts if len(parts) else None
    out: set[Any] = set()
    a: Any
    for a in ax.get_children():
        if a in exclude or a.get_zorder() < 3 or not a.get_visible():
            continue
        offsets = a.get_offsets() if hasattr(a, "get_offsets") else None
        if (
            offsets is not None
            and len(offsets)
            and a.get_offset_transform() is ax.transData
        ):
            # markers: test each dot, not the box around all of them
            pad = (
                8 * fig.dpi / 72 * (ax.get_xlim()[1] - ax.get_xlim()[0]) / ax.bbox.width
            )
            pts = shapely.points(np.asarray(offsets, dtype=float))
            if (
                busy is None
                or not shapely.dwithin(busy[:, None], pts[None, :], pad).any()
            ):
                out.add(a)
            continue
        try:
            ext = a.get_window_extent(renderer)
        except Exception:  # pragma: no cover - an artist without extent stays dynamic
            continue
        if not np.isfinite([ext.x0, ext.y0, ext.x1, ext.y1]).all():
            continue
        # a few pixels more for line widths and antialiasing
        ext = ext.padded(4)
        (x0, y0), (x1, y1) = to_data.transform([[ext.x0, ext.y0], [ext.x1, ext.y1]])
        if (
            busy is None
            or not shapely.intersects(busy, shapely.box(x0, y0, x1, y1)).any()
        ):
            out.add(a)
    return out


def save_frames(
    snapshots: Iterable[Any],
    pattern: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    **kwargs: Any,
) -> list[Path]:
    """Write one map per snapshot to ``pattern.format(date=...)``, reusing one figure.

    Parameters
    ----------
    snapshots : iterable of GeoDataFrame or paths
    pattern : str
        Output path with a ``{date}`` field, e.g. ``"frames/kursk_{date}.png"``;
        the suffix gives the format.
    overwrite : bool
        Replace existing files.
    **kwargs
        Passed to :func:`iter_frames`.

    Returns
    -------
    list of pathlib.Path

    Raises
    ------
    OutputError
        If `pattern` has no ``{date}`` field or an unknown suffix.
    OutputExistsError
        If a frame exists and `overwrite` is False (checked before drawing).
    """
    from kurskgeo.errors import OutputExistsError
    from kurskgeo.io import atomic_write

    text = os.fspath(pattern)
    if "{date}" not in text:
        raise OutputError(
            f"{text}: the output pattern needs a {{date}} field, "
            "e.g. frames/{date}.png"
        )
    fmt = _format_of(text)
    snaps = [_snapshot(s) for s in snapshots]
    targets = [Path(text.format(date=_iso_date(_snap_date(s)))) for s in snaps]
    if len(set(targets)) != len(targets):
        raise OutputError(
            f"{text}: two snapshots share a date, so their frames would share a file"
        )
    if not overwrite:
        for t in targets:
            if t.exists():
                raise OutputExistsError(
                    f"{t} exists; pass overwrite=True (CLI: --overwrite) to replace it"
                )
    out = []
    for target, (_, data) in zip(
        targets, iter_frames(snaps, fmt=fmt, **kwargs), strict=True
    ):
        with atomic_write(target, "wb", overwrite=overwrite) as fh:
            fh.write(data)
        out.append(target)
    return out
