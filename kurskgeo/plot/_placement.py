"""Placing labels beside their points where nothing else is drawn.

A label written always to the right of its marker is crossed by the series
line whenever the line leaves the marker to the right, and two claims of one
date put their labels on top of each other. Each label here takes the first
of a few spots around its point (right first, as a reader expects) whose box
meets no line, marker, arrow, other label or legend, and stays inside the
axes (and never, if any spot allows, runs off the figure); failing that, the
spot meeting the fewest, where another label counts five times a line (a
label's halo keeps it legible over a line, not over text). Boxes and obstacles
are compared in display coordinates with shapely, after the figure is laid
out.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.text import Annotation

__all__ = ["SPOTS", "place_labels"]

log = logging.getLogger(__name__)

#: Spots tried, in order: offset from the point (points), alignment.
SPOTS: tuple[tuple[float, float, str, str], ...] = tuple(
    (r * dx, r * dy, ha, va)
    for r in (1.0, 2.2)
    for dx, dy, ha, va in (
        (7, 0, "left", "center"),
        (7, 2.5, "left", "bottom"),  # just above a line through the point
        (7, -2.5, "left", "top"),
        (-7, 0, "right", "center"),
        (-7, 2.5, "right", "bottom"),
        (-7, -2.5, "right", "top"),
        (6, 6, "left", "bottom"),
        (6, -6, "left", "top"),
        (-6, 6, "right", "bottom"),
        (-6, -6, "right", "top"),
        (0, 9, "center", "bottom"),
        (0, -9, "center", "top"),
    )
)

#: Room kept around a label's box (pixels at 100 dpi): its white halo.
_PAD = 1.5


def place_labels(ax: Axes, labels: Sequence[Annotation]) -> None:
    """Move each of `labels` to a free spot around the point it annotates.

    The labels must be annotations of a point in data coordinates with the
    text offset in points; every other artist of `ax` (lines, markers,
    scatter points, arrows, the legend) is avoided, and so are the labels
    already placed, in order.
    """
    if not labels:
        return
    fig: Any = ax.get_figure(root=True)
    if fig.get_layout_engine() is not None:
        fig.draw_without_rendering()  # place the axes as saving will
    pad = _PAD * fig.dpi / 100.0
    obstacles = _obstacles(ax, set(map(id, labels)), fig.dpi / 72.0)
    placed = np.empty(0, dtype=object)
    frame = shapely.box(*ax.get_window_extent().extents)
    canvas = shapely.box(*fig.bbox.extents)
    anchors = shapely.points(
        ax.transData.transform(
            [
                (ax.convert_xunits(x), ax.convert_yunits(y))
                for x, y in (t.xy for t in labels)
            ]
        )
    )
    for i, label in enumerate(labels):
        others = np.delete(anchors, i)
        best: tuple[float, tuple[float, float, str, str]] | None = None
        for spot in SPOTS:
            _move(label, spot)
            box = shapely.box(*label.get_window_extent().extents)
            room = box.buffer(pad, join_style="mitre")
            # text over text cannot be read; text over a line, with its halo, can
            cost = float(shapely.intersects(obstacles, room).sum()) + 5.0 * float(
                shapely.intersects(placed, room).sum()
            )
            if not canvas.contains(box):
                cost += 100.0  # cut by the edge of the figure: never, if avoidable
            elif not frame.contains(box):
                cost += 0.5  # outside the axes: better than on a line
            if others.size and shapely.distance(others, box).min() < shapely.distance(
                anchors[i], box
            ):
                cost += 0.75  # nearer another claim: it would be read as its label
            if best is None or cost < best[0]:
                best = (cost, spot)
            if cost == 0:
                break
        assert best is not None
        _move(label, best[1])
        if best[0]:
            log.debug("label %r: no free spot (%g)", label.get_text(), best[0])
        placed = np.append(placed, shapely.box(*label.get_window_extent().extents))


def _move(label: Any, spot: tuple[float, float, str, str]) -> None:
    dx, dy, ha, va = spot
    label.xyann = (dx, dy)
    label.set_horizontalalignment(ha)
    label.set_verticalalignment(va)


def _obstacles(ax: Axes, skip: set[int], scale: float) -> np.ndarray:
    """Return what `ax` draws (but the `skip` ids) as shapely shapes in pixels.

    `scale` is pixels per point.
    """
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D
    from matplotlib.text import Annotation

    out: list[Any] = []
    for artist in ax.get_children():
        if id(artist) in skip or not artist.get_visible():
            continue
        if isinstance(artist, Line2D):
            out.extend(_line_shapes(artist, scale))
        elif isinstance(artist, Collection) and hasattr(artist, "get_sizes"):
            # scatter markers, by their size in points²
            xy = artist.get_offset_transform().transform(artist.get_offsets())
            sizes = np.resize(artist.get_sizes(), len(xy))
            radius = np.sqrt(sizes) * scale / 2
            out.extend(shapely.buffer(shapely.points(xy), radius))
        elif isinstance(artist, Annotation) and artist.arrow_patch is not None:
            ext = artist.arrow_patch.get_window_extent()
            out.append(shapely.box(*ext.extents))
        elif isinstance(artist, Annotation) and artist.get_text():
            out.append(shapely.box(*artist.get_window_extent().extents))
    legend = ax.get_legend()
    if legend is not None and legend.get_visible():
        out.append(shapely.box(*legend.get_window_extent().extents))
    return np.asarray(out, dtype=object)


def _line_shapes(line: Any, scale: float) -> list[Any]:
    """Return a line's drawn path (steps expanded) and its markers, in pixels."""
    xy = line.get_transform().transform(line.get_xydata())
    xy = xy[np.isfinite(xy).all(axis=1)]
    if not len(xy):
        return []
    shapes: list[Any] = []
    if line.get_linestyle() not in ("None", "none", "", " ") and len(xy) > 1:
        if line.get_drawstyle() == "steps-post":
            xs = np.repeat(xy[:, 0], 2)[1:]
            ys = np.repeat(xy[:, 1], 2)[:-1]
            xy = np.column_stack([xs, ys])
        width = max(line.get_linewidth() * scale, 1.0)
        shapes.append(shapely.linestrings(xy).buffer(width / 2, cap_style="flat"))
    marker = line.get_marker()
    if marker not in (None, "None", "none", "", " "):
        size = line.get_markersize() * scale
        if marker == "_":  # a horizontal tick
            shapes.extend(
                shapely.box(x - size / 2, y - 1, x + size / 2, y + 1) for x, y in xy
            )
        else:
            shapes.extend(shapely.buffer(shapely.points(xy), size / 2))
    return shapes
