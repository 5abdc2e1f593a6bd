"""A locator inset: where the map lies, on the countries around it.

The inset is a child Axes in a corner of the map, in the map's own
projection, with the context countries, the region filled, and a box around
the area the map shows. It is drawn only when the context layers reach well
beyond the map (a few times its size), so that it says something the map
does not; the corner is the one where it covers the least of the zones,
borders and places.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from kurskgeo.io import LONLAT
from kurskgeo.plot import style as _style
from kurskgeo.plot._furniture import lonlat_bounds
from kurskgeo.plot._inputs import _Context, _Region
from kurskgeo.plot._layers import _Frame, _geom_path, _line_path, _project

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

GID_LOCATOR = "kurskgeo-locator"

#: The inset shows at least this many times the map's width...
_ZOOM_OUT = 8.0
#: ... and this much ground (metres), unless the context layers end sooner.
_MIN_WIDTH_M = 1_000_000.0
#: Without this much more than the map around it, an inset says nothing...
_MIN_RATIO = 3.0
#: ... nor without this much ground (metres): it must show the countries.
_MIN_SHOWN_M = 600_000.0
#: Width of the inset as a fraction of the map's width (its longer side).
_SIZE = 0.22
#: Room between the inset and the frame (axes fraction).
_MARGIN = 0.015

#: Corners, as (x, y) of the inset's anchor in axes fraction, and alignment.
CORNERS = {
    "upper left": (0.0, 1.0),
    "upper right": (1.0, 1.0),
    "lower right": (1.0, 0.0),
    "lower left": (0.0, 0.0),
}


def locator_box(
    frame: _Frame,
    view: tuple[float, float, float, float],
    contexts: Sequence[_Context],
) -> tuple[float, float, float, float] | None:
    """Projected box of the inset, or None when it would show too little."""
    if not contexts:
        return None
    x0, y0, x1, y1 = view
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half = max(_ZOOM_OUT * (x1 - x0), _MIN_WIDTH_M) / 2
    want = (cx - half, cy - 0.8 * half, cx + half, cy + 0.8 * half)
    lon0, lat0, lon1, lat1 = lonlat_bounds(frame.crs, want[0::2], want[1::2])
    clip = (lon0 - 1, max(lat0 - 1, -89.9), lon1 + 1, min(lat1 + 1, 89.9))
    parts = [shapely.clip_by_rect(c.geom, *clip) for c in contexts]
    parts = [p for p in parts if not p.is_empty]
    if not parts:
        return None
    land = _project(
        shapely.union_all([p.segmentize(0.25) for p in parts]), LONLAT, frame.crs
    )[0]
    lb = shapely.total_bounds(shapely.intersection(land, shapely.box(*want)))
    if not np.isfinite(lb).all():
        return None
    # the inset is centred on the map, as far as the context layers allow
    hx = min(cx - lb[0], lb[2] - cx)
    hy = min(cy - lb[1], lb[3] - cy)
    if hx <= 0 or hy <= 0:
        return None
    hx, hy = min(hx, half), min(hy, 0.8 * half)
    if min(2 * hx / (x1 - x0), 2 * hy / (y1 - y0)) < _MIN_RATIO:
        return None
    if 2 * max(hx, hy) < _MIN_SHOWN_M:
        return None
    return cx - hx, cy - hy, cx + hx, cy + hy


def inset_rect(
    ax: Axes,
    box: tuple[float, float, float, float],
    corner: str,
    size: float = _SIZE,
    margin: float = _MARGIN,
) -> tuple[float, float, float, float]:
    """Return the inset's (x, y, w, h) in axes fraction, true to the box's shape."""
    pos = ax.get_position()
    fig: Any = ax.get_figure(root=True)
    fw, fh = fig.get_size_inches()
    axes_aspect = (pos.height * fh) / (pos.width * fw)
    aspect = (box[3] - box[1]) / (box[2] - box[0])
    w = size
    h = w * aspect / axes_aspect
    if h > min(size * 1.2, 1.0):
        h = min(size * 1.2, 1.0)
        w = h * axes_aspect / aspect
    ux, uy = CORNERS[corner]
    x = margin if ux == 0 else 1 - margin - w
    y = margin if uy == 0 else 1 - margin - h
    return x, y, w, h


def best_corner(
    ax: Axes,
    box: tuple[float, float, float, float],
    corners: Sequence[str],
    busy: Sequence[BaseGeometry],
    lines: Sequence[BaseGeometry],
    points: np.ndarray,
) -> str:
    """Return the corner where the inset hides least: zones, lines, then places."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    scores = []
    for corner in corners:
        rx, ry, rw, rh = inset_rect(ax, box, corner)
        rect = shapely.box(
            x0 + rx * (x1 - x0),
            y0 + ry * (y1 - y0),
            x0 + (rx + rw) * (x1 - x0),
            y0 + (ry + rh) * (y1 - y0),
        )
        area = sum(shapely.area(shapely.intersection(g, rect)) for g in busy)
        length = sum(shapely.length(shapely.intersection(g, rect)) for g in lines)
        inside = (
            shapely.contains_xy(rect, points[:, 0], points[:, 1]).sum()
            if len(points)
            else 0
        )
        side = np.sqrt(rect.area)
        scores.append(50 * area / rect.area + length / side + 0.3 * inside)
    return corners[int(np.argmin(scores))]


def add_locator(
    ax: Axes,
    frame: _Frame,
    view: tuple[float, float, float, float],
    contexts: Sequence[_Context],
    region: _Region | None,
    box: tuple[float, float, float, float],
    corner: str,
    *,
    size: float = _SIZE,
) -> Axes:
    """Draw the inset in `corner` of `ax`; return its Axes.

    `size` is its width as a fraction of the width of `ax` (1 fills it).
    """
    from matplotlib.collections import PathCollection
    from matplotlib.patches import Rectangle

    margin = 0.0 if size >= 1 else _MARGIN
    inset = ax.inset_axes(inset_rect(ax, box, corner, size, margin), zorder=25)
    inset.set_gid(GID_LOCATOR)
    inset.set_axis_off()
    inset.set_xlim(box[0], box[2])
    inset.set_ylim(box[1], box[3])
    inset.set_aspect("equal", adjustable="datalim")
    # axis off leaves no background or frame: draw them
    inset.add_patch(
        Rectangle(
            (0, 0),
            1,
            1,
            transform=inset.transAxes,
            facecolor="white",
            edgecolor="#777777",
            linewidth=0.6,
            zorder=0,
            gid=GID_LOCATOR,
            clip_on=False,
        )
    )
    lon0, lat0, lon1, lat1 = lonlat_bounds(frame.crs, box[0::2], box[1::2])
    clip = (lon0 - 1, max(lat0 - 1, -89.9), lon1 + 1, min(lat1 + 1, 89.9))
    paths = []
    named = []
    window = shapely.box(*box)
    for c in contexts:
        part = shapely.clip_by_rect(c.geom, *clip)
        if part.is_empty:
            continue
        proj = _project(part.segmentize(0.25), LONLAT, frame.crs)[0]
        proj = shapely.intersection(proj, window)
        if proj.is_empty:
            continue
        paths.append(_geom_path(proj))
        if c.name:
            named.append((c.name, proj))
    inset.add_collection(
        PathCollection(
            paths,
            facecolors=_style.CONTEXT["land"],
            edgecolors=_style.CONTEXT["border"],
            linewidths=0.5,
            zorder=1,
            gid=GID_LOCATOR,
        ),
        autolim=False,
    )
    if region is not None:
        reg = _project(region.geom, LONLAT, frame.crs)[0]
        inset.add_collection(
            PathCollection(
                [_geom_path(reg)],
                facecolors="#888888",
                edgecolors="#444444",
                linewidths=0.5,
                zorder=2,
                gid=GID_LOCATOR,
            ),
            autolim=False,
        )
    vx0, vy0, vx1, vy1 = view
    grow = 0.01 * (box[2] - box[0])  # a tiny map still shows as a box
    inset.add_collection(
        PathCollection(
            [_line_path(shapely.box(vx0 - grow, vy0 - grow, vx1 + grow, vy1 + grow))],
            facecolors="none",
            edgecolors="#C0392B",
            linewidths=1.1,
            zorder=3,
            gid=GID_LOCATOR,
        ),
        autolim=False,
    )
    for name, geom in named:
        spot = _name_spot(geom, shapely.box(vx0, vy0, vx1, vy1), box)
        if spot is not None:
            inset.text(
                spot[0],
                spot[1],
                name.upper(),
                ha="center",
                va="center",
                fontsize=5.5,
                color="#777777",
                fontweight="bold",
                zorder=4,
                gid=GID_LOCATOR,
                parse_math=False,
            )
    return inset


def _name_spot(
    country: BaseGeometry,
    avoid: BaseGeometry,
    box: tuple[float, float, float, float],
) -> tuple[float, float] | None:
    """Return a point deep inside `country`, away from the map's box, or None."""
    x0, y0, x1, y1 = box
    u, v = np.meshgrid(np.linspace(0.2, 0.8, 13), np.linspace(0.15, 0.85, 13))
    xs = x0 + u.ravel() * (x1 - x0)
    ys = y0 + v.ravel() * (y1 - y0)
    inside = shapely.contains_xy(country, xs, ys)
    if not inside.any():
        return None
    xs, ys = xs[inside], ys[inside]
    pts = shapely.points(xs, ys)
    score = np.minimum(
        shapely.distance(shapely.boundary(country), pts),
        shapely.distance(avoid, pts),
    )
    best = int(np.argmax(score))
    if score[best] < 0.12 * (x1 - x0):
        return None
    return float(xs[best]), float(ys[best])
