"""Naming settlements on a map: each label beside its dot, or neither.

Labels are placed one by one, cities before towns before villages, at the
first of the classic positions around the dot (right, upper right, lower
right, left, ...) whose box, measured from the text as it will be drawn
(after the figure's layout), stays inside the frame and meets no other
label, no other dot, the legend, the furniture (scale bar, north arrow,
locator, note) or a country's name; and lies nearer its own dot than any
other, so that "Guevo • Plekhovo" cannot read as one name. A place whose
label finds no room loses its dot too: an unnamed dot tells a reader
nothing. adjustText was considered and not used: it nudges labels off
their dots and draws leaders, and cannot leave one out, while a map wants
each name in a fixed spot beside its dot or not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from kurskgeo.plot import style as _style

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

log = logging.getLogger(__name__)

GID_PLACE_LABEL = "kurskgeo-place-label"
GID_PLACE_HALO = "kurskgeo-place-halo"

#: Positions tried, in order of preference: offset (points) and alignment.
POSITIONS: tuple[tuple[float, float, Any, Any], ...] = (
    (4.0, 0.0, "left", "center"),  # right
    (3.0, 2.5, "left", "bottom"),  # upper right
    (3.0, -2.5, "left", "top"),  # lower right
    (-4.0, 0.0, "right", "center"),  # left
    (-3.0, 2.5, "right", "bottom"),  # upper left
    (-3.0, -2.5, "right", "top"),  # lower left
    (0.0, 4.0, "center", "bottom"),  # above
    (0.0, -4.0, "center", "top"),  # below
)

#: Room kept around a label (points): its white halo and some air.
_PAD_PT = 1.5

#: Gids of what labels keep clear of.
OBSTACLE_GIDS = (
    "kurskgeo-scalebar",
    "kurskgeo-northarrow",
    "kurskgeo-note",
    "kurskgeo-context-label",
    "kurskgeo-illustration",
)


def renderer_of(fig: Any) -> Any:
    """Return the renderer text is measured with (Agg for a Figure without pyplot)."""
    if not hasattr(fig.canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()


def _box(ext: Any) -> Any:
    return shapely.box(ext.x0, ext.y0, ext.x1, ext.y1)


def obstacles(ax: Axes, renderer: Any) -> list[Any]:
    """Boxes (pixels) of what place labels must keep clear of on `ax`."""
    out = []
    for a in ax.get_children():
        if a.get_visible() and a.get_gid() in OBSTACLE_GIDS:
            ext = a.get_window_extent(renderer)
            if np.isfinite([ext.x0, ext.y0, ext.x1, ext.y1]).all():
                out.append(_box(ext))
    for child in getattr(ax, "child_axes", []):
        if child.get_visible():
            out.append(_box(child.get_window_extent(renderer)))
    legend = ax.get_legend()
    if legend is not None and legend.get_visible():
        ext = legend.get_window_extent(renderer)
        if ax.bbox.overlaps(ext):
            out.append(_box(ext))
    return out


def label_places(
    ax: Axes,
    places: Sequence[tuple[str, float, float, int]],
    dots: Sequence[Any],
    *,
    fontsize: float = 7,
) -> list[Any]:
    """Label `places` (name, x, y, rank in data units) beside their dots.

    `dots` are the scatter collections of the places' dots; those of the
    places left unnamed are removed from them. Returns the labels drawn.
    """
    if not places:
        return []
    fig: Any = ax.get_figure(root=True)
    if fig.get_layout_engine() is not None:
        fig.draw_without_rendering()  # place the axes as saving will
    renderer = renderer_of(fig)
    px_per_pt = fig.dpi / 72.0
    pad = _PAD_PT * px_per_pt
    frame = ax.get_window_extent(renderer)
    inner = shapely.box(frame.x0 + 2, frame.y0 + 2, frame.x1 - 2, frame.y1 - 2)
    busy = obstacles(ax, renderer)
    xy = ax.transData.transform(np.array([(p[1], p[2]) for p in places], dtype=float))
    dot_r = 2.5 * px_per_pt  # a 9 pt² dot with its white edge, and some air
    dot_shapes = shapely.buffer(shapely.points(xy), dot_r)
    order = sorted(range(len(places)), key=lambda i: (places[i][3], i))
    placed: list[Any] = []
    named: list[int] = []
    labels: list[Any] = []
    for i in order:
        name = places[i][0]
        if not inner.contains(shapely.points(xy[i])):
            continue
        text = ax.annotate(
            name,
            (places[i][1], places[i][2]),
            xytext=(0, 0),
            textcoords="offset points",
            fontsize=fontsize,
            color=_style.CONTEXT["text"],
            zorder=9,
            gid=GID_PLACE_LABEL,
            annotation_clip=False,
            parse_math=False,
        )
        text.set_in_layout(False)
        others = np.delete(dot_shapes, i)
        other_xy = np.delete(xy, i, axis=0)
        spot = None
        for dx, dy, ha, va in POSITIONS:
            text.xyann = (dx, dy)
            text.set_horizontalalignment(ha)
            text.set_verticalalignment(va)
            box = _box(text.get_window_extent(renderer))
            room = box.buffer(pad, join_style="mitre")
            if not inner.contains(box):
                continue
            if any(room.intersects(b) for b in busy) or any(
                room.intersects(b) for b in placed
            ):
                continue
            if len(others) and shapely.intersects(others, room).any():
                continue
            own = box.distance(shapely.points(xy[i]))
            if len(other_xy) and (
                shapely.distance(shapely.points(other_xy), box).min() < own + 3 * pad
            ):
                continue  # nearer another dot: it would be read as its name
            spot = box
            break
        if spot is None:
            log.debug("place %r left out: no room for its name", name)
            text.remove()
            continue
        placed.append(spot)
        named.append(i)
        labels.append(text)
    _keep_dots(dots, xy[named] if named else np.empty((0, 2)), ax)
    for text in labels:
        _halo_behind(ax, text)
    return labels


def _keep_dots(dots: Sequence[Any], keep_px: np.ndarray, ax: Axes) -> None:
    """Remove from `dots` the points not at `keep_px` (pixels)."""
    for coll in dots:
        offsets = np.asarray(coll.get_offsets(), dtype=float)
        if not len(offsets):
            continue
        px = ax.transData.transform(offsets)
        if len(keep_px):
            d = np.hypot(
                px[:, None, 0] - keep_px[None, :, 0],
                px[:, None, 1] - keep_px[None, :, 1],
            ).min(axis=1)
            mask = d < 0.5
        else:
            mask = np.zeros(len(offsets), dtype=bool)
        coll.set_offsets(offsets[mask])
        if not mask.any():
            coll.set_visible(False)


def _halo_behind(ax: Axes, text: Any) -> None:
    """Draw a white halo under `text` as a copy of it.

    The halo is a path effect, which renders as outlines; keeping it on a
    copy leaves the label itself as text in SVG and PDF.
    """
    from matplotlib import patheffects

    halo = ax.annotate(
        text.get_text(),
        text.xy,
        xytext=text.xyann,
        textcoords="offset points",
        fontsize=text.get_fontsize(),
        ha=text.get_horizontalalignment(),
        va=text.get_verticalalignment(),
        color="white",
        zorder=text.get_zorder() - 0.01,
        gid=GID_PLACE_HALO,
        annotation_clip=False,
        parse_math=False,
    )
    halo.set_in_layout(False)
    halo.set_path_effects(
        [patheffects.withStroke(linewidth=2.5, foreground="white", alpha=0.9)]
    )
