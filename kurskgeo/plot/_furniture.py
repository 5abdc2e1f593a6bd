"""Map furniture: scale bar, north arrow, graticule with degree labels, attribution.

Everything here works on an Axes whose data coordinates are a projected CRS
(metres), and computes what it draws from that CRS rather than assuming that
"up" is north or that one axis unit is one metre on the ground:

* the scale bar's length is measured on the WGS84 ellipsoid between the two
  ends of the bar, so it is true where it is drawn, in any projection;
* the north arrow points along the projected meridian through the map centre;
* meridians and parallels are drawn as projected lines, and labelled where
  they cross the bottom and left edges of the frame.

Every artist carries a ``gid`` starting with ``kurskgeo-`` so tests and users
can find it (``[a for a in ax.get_children() if a.get_gid() == ...]``).
"""

from __future__ import annotations

import functools
import math
import threading
from typing import TYPE_CHECKING, Any

import numpy as np
from pyproj import CRS, Geod, Transformer

from kurskgeo.io import LONLAT
from kurskgeo.plot.style import CONTEXT

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "add_attribution",
    "add_graticule",
    "add_north_arrow",
    "add_scale_bar",
    "format_degrees",
    "ground_metres_per_unit",
    "lonlat_bounds",
    "north_angle_deg",
]

GID_SCALE_BAR = "kurskgeo-scalebar"
GID_NORTH_ARROW = "kurskgeo-northarrow"
GID_GRATICULE = "kurskgeo-graticule"
GID_ATTRIBUTION = "kurskgeo-attribution"

_WGS84 = Geod(ellps="WGS84")
_NICE = (1, 2, 2.5, 5)
#: The international mile, metres.
_METRES_PER_MILE = 1609.344


def _forward(crs: CRS) -> Transformer:
    return _transformer(LONLAT, crs, threading.get_ident())


def _inverse(crs: CRS) -> Transformer:
    return _transformer(crs, LONLAT, threading.get_ident())


@functools.lru_cache(maxsize=64)
def _transformer(src: CRS, dst: CRS, thread: int) -> Transformer:
    # a map asks for the same few transformers many times, and making one
    # costs milliseconds; one per thread, as a Transformer is not shared
    return Transformer.from_crs(src, dst, always_xy=True)


def ground_metres_per_unit(crs: CRS, x: float, y: float, dx: float) -> float:
    """Metres on the ellipsoid per projected unit along x, around (x, y).

    The geodesic distance between ``(x - dx/2, y)`` and ``(x + dx/2, y)``
    (unprojected) divided by `dx`. For an equal-area LAEA centred near (x, y)
    this is 1 to within 1e-4; in Web Mercator at 51° N it is about 0.63.
    """
    lon, lat = _inverse(crs).transform([x - dx / 2, x + dx / 2], [y, y])
    _, _, dist = _WGS84.inv(lon[0], lat[0], lon[1], lat[1])
    return float(dist) / dx


def north_angle_deg(crs: CRS, x: float, y: float) -> float:
    """Angle of true north at (x, y), in degrees clockwise from the +y axis.

    Found by stepping 0.01° north along the meridian through the point and
    projecting; 0 means north is straight up.
    """
    lon, lat = _inverse(crs).transform(x, y)
    x2, y2 = _forward(crs).transform(lon, min(lat + 0.01, 89.999))
    return math.degrees(math.atan2(x2 - x, y2 - y))


def lonlat_bounds(
    crs: CRS, xlim: tuple[float, float], ylim: tuple[float, float], n: int = 64
) -> tuple[float, float, float, float]:
    """Longitude/latitude box that holds the projected rectangle xlim × ylim."""
    xs = np.linspace(xlim[0], xlim[1], n)
    ys = np.linspace(ylim[0], ylim[1], n)
    edge_x = np.concatenate([xs, np.full(n, xlim[1]), xs[::-1], np.full(n, xlim[0])])
    edge_y = np.concatenate([np.full(n, ylim[0]), ys, np.full(n, ylim[1]), ys[::-1]])
    lon, lat = _inverse(crs).transform(edge_x, edge_y)
    lon = np.asarray(lon)
    lat = np.asarray(lat)
    ok = np.isfinite(lon) & np.isfinite(lat)
    return (
        float(lon[ok].min()),
        float(lat[ok].min()),
        float(lon[ok].max()),
        float(lat[ok].max()),
    )


def nice_length(target: float) -> float:
    """Round `target` (> 0) down to 1, 2, 2.5 or 5 × 10ⁿ.

    Examples
    --------
    >>> nice_length(37.0), nice_length(0.8), nice_length(260.0)
    (25.0, 0.5, 250.0)
    """
    exp = math.floor(math.log10(target))
    best = 10.0**exp
    for m in _NICE:
        if m * 10.0**exp <= target:
            best = m * 10.0**exp
    return best


def format_degrees(value: float, axis: str) -> str:
    """Label a longitude (``axis="lon"``) or latitude in degrees.

    Examples
    --------
    >>> format_degrees(35.5, "lon"), format_degrees(-0.25, "lat")
    ('35.5°E', '0.25°S')
    """
    hemi = ("E", "W") if axis == "lon" else ("N", "S")
    text = f"{abs(value):.2f}".rstrip("0").rstrip(".")
    return f"{text}°{hemi[0] if value >= 0 else hemi[1]}"


def add_scale_bar(
    ax: Axes,
    crs: CRS,
    *,
    fraction: float = 0.25,
    loc: tuple[float, float] = (0.04, 0.06),
    segments: int | None = None,
    fontsize: float = 7,
    mid_label: bool = True,
    miles: bool = True,
) -> dict[str, Any]:
    """Draw a black-and-white scale bar in km (and one in miles) true where drawn.

    The km bar lies on top, labelled above; the mile bar lies under it,
    from the same left end, labelled below. Each is rounded down to a
    1-2-2.5-5 length.

    Parameters
    ----------
    ax : Axes
        Axes in projected coordinates of `crs`, limits already set.
    crs : pyproj.CRS
        The projection of the axes.
    fraction : float
        Longest bar as a fraction of the axes width.
    loc : (float, float)
        Lower-left corner of the bars in axes coordinates (the mile labels
        hang below it).
    segments : int, optional
        Segments of the km bar (default: from its length).
    fontsize : float
        Size of the labels, points.
    mid_label : bool
        Label the middle of the km bar too.
    miles : bool
        Draw the mile bar.

    Returns
    -------
    dict
        ``length_km`` and ``length_mi`` (ground lengths), ``length_units``
        and ``length_units_mi`` (projected lengths), ``metres_per_unit``
        (ground metres per projected unit there) and the ``artists``; the
        rectangles and labels of each bar carry the label ``scale-km`` or
        ``scale-mi`` (``artist.get_label()``).
    """
    from matplotlib.patches import Rectangle

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width = x1 - x0
    bx = x0 + loc[0] * width
    by = y0 + loc[1] * (y1 - y0)
    probe = fraction * width
    scale = ground_metres_per_unit(crs, bx + probe / 2, by, probe)
    height = 0.011 * (y1 - y0)
    artists: list[Any] = []

    def bar(length: float, unit: str, metres: float, base: float, above: bool) -> float:
        units = length * metres / scale
        n = segments or (
            5 if str(length)[0] in "15" and length >= 5 else 4 if length >= 2 else 2
        )
        if unit == "mi" or length < n:
            n = 2
        tag = f"scale-{unit}"
        for i in range(n):
            rect = Rectangle(
                (bx + i * units / n, base),
                units / n,
                height,
                facecolor="#222222" if i % 2 == 0 else "white",
                edgecolor="#222222",
                linewidth=0.6,
                zorder=20,
                gid=GID_SCALE_BAR,
                label=tag,
            )
            ax.add_patch(rect)
            artists.append(rect)
        ticks = [(0.0, bx), (length / 2, bx + units / 2), (length, bx + units)]
        shown = ticks if (mid_label and unit == "km") else ticks[::2]
        for value, xpos in shown:
            t = ax.annotate(
                f"{value:g}" + (f" {unit}" if value == length else ""),
                (xpos, base + height if above else base),
                xytext=(0, 1.5 if above else -1.5),
                textcoords="offset points",
                ha="center",
                va="bottom" if above else "top",
                fontsize=fontsize,
                color=CONTEXT["text"],
                zorder=21,
                gid=GID_SCALE_BAR,
                label=tag,
                annotation_clip=False,
            )
            artists.append(t)
        return units

    # the mile bar sits at the bottom, the km bar on top of it
    km = nice_length(probe * scale / 1000)
    out: dict[str, Any] = {"length_km": km, "metres_per_unit": scale}
    if miles:
        mi = nice_length(probe * scale / _METRES_PER_MILE)
        out["length_mi"] = mi
        out["length_units_mi"] = bar(mi, "mi", _METRES_PER_MILE, by, above=False)
        by = by + height
    out["length_units"] = bar(km, "km", 1000.0, by, above=True)
    out["artists"] = artists
    return out


def _halo(text: Any, width: float = 2.2) -> None:
    from matplotlib import patheffects

    text.set_path_effects(
        [patheffects.withStroke(linewidth=width, foreground="white", alpha=0.9)]
    )


def add_north_arrow(
    ax: Axes,
    crs: CRS,
    *,
    loc: tuple[float, float] = (0.95, 0.93),
    size: float = 0.07,
) -> dict[str, Any]:
    """Draw an arrow to true north at the centre of the map, with an "N".

    The arrow is drawn at `loc` (axes coordinates) but rotated by the angle of
    the meridian through the centre of the axes, computed from `crs`.

    Returns
    -------
    dict
        ``angle_deg`` (clockwise from up) and the ``artists``.
    """
    from matplotlib.patches import FancyArrow

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    angle = north_angle_deg(crs, (x0 + x1) / 2, (y0 + y1) / 2)
    # axes coordinates are not square in general: work in display-proportional
    # units by scaling with the axes' aspect
    bbox = ax.get_position()
    fig: Any = ax.get_figure(root=True)
    fw, fh = fig.get_size_inches() if fig is not None else (1.0, 1.0)
    aspect = (bbox.height * fh) / (bbox.width * fw) if bbox.width else 1.0
    rad = math.radians(angle)
    dx = math.sin(rad) * size * aspect
    dy = math.cos(rad) * size
    base = (loc[0] - dx / 2, loc[1] - dy / 2 - 0.02)
    arrow = FancyArrow(
        base[0],
        base[1],
        dx,
        dy,
        width=0.006,
        head_width=0.028,
        head_length=0.03,
        length_includes_head=True,
        transform=ax.transAxes,
        facecolor="#222222",
        edgecolor="white",
        linewidth=0.5,
        zorder=20,
        gid=GID_NORTH_ARROW,
    )
    ax.add_patch(arrow)
    label = ax.text(
        base[0] + dx * 1.18,
        base[1] + dy * 1.18,
        "N",
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=9,
        fontweight="bold",
        color="#222222",
        rotation=-angle,
        zorder=21,
        gid=GID_NORTH_ARROW,
    )
    return {"angle_deg": angle, "artists": [arrow, label]}


def _step(span: float, target: int = 4) -> float:
    for step in (0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 15, 30):
        if span / step <= target + 1:
            return float(step)
    return 30.0


def _crossings(
    xs: np.ndarray, ys: np.ndarray, level: float, along: np.ndarray
) -> list[float]:
    """Values of `along` where the polyline (xs→ys) crosses ``ys == level``."""
    out = []
    d = ys - level
    sign = np.sign(d)
    idx = np.flatnonzero(sign[:-1] * sign[1:] < 0)
    for i in idx:
        t = d[i] / (d[i] - d[i + 1])
        out.append(float(along[i] + t * (along[i + 1] - along[i])))
    return out


def add_graticule(
    ax: Axes,
    crs: CRS,
    *,
    step: float | None = None,
    labels: bool = True,
    label_bottom: bool = True,
    label_left: bool = True,
) -> dict[str, Any]:
    """Draw meridians and parallels as projected lines, labelled in degrees.

    Labels go where the lines cross the bottom (meridians) and left
    (parallels) edges of the frame, as the axes' tick labels.

    Returns
    -------
    dict
        ``step`` in degrees, ``lons`` and ``lats`` drawn, the ``xticks``/
        ``yticks`` labels, and the LineCollection as ``artist``.
    """
    from matplotlib.collections import LineCollection

    xlim = ax.get_xlim()
    ylim = ax.get_ylim()
    lon0, lat0, lon1, lat1 = lonlat_bounds(crs, xlim, ylim)
    if step is None:
        step = _step(min(lon1 - lon0, (lat1 - lat0) * 1.6))
    lons = np.arange(math.floor(lon0 / step) * step, lon1 + step, step)
    lats = np.arange(math.floor(lat0 / step) * step, lat1 + step, step)
    lats = lats[(lats > -90) & (lats < 90)]
    fwd = _forward(crs)
    width = xlim[1] - xlim[0]
    height = ylim[1] - ylim[0]
    segments = []
    xticks: list[tuple[float, str]] = []
    yticks: list[tuple[float, str]] = []
    dense_lat = np.linspace(lat0 - step, lat1 + step, 200).clip(-89.9, 89.9)
    dense_lon = np.linspace(lon0 - step, lon1 + step, 200)
    for lon in lons:
        x, y = fwd.transform(np.full_like(dense_lat, lon), dense_lat)
        segments.append(np.column_stack([x, y]))
        for cx in _crossings(np.asarray(x), np.asarray(y), ylim[0], np.asarray(x)):
            if xlim[0] + 0.03 * width <= cx <= xlim[1] - 0.03 * width:
                xticks.append((cx, format_degrees(round(lon, 6), "lon")))
    for lat in lats:
        x, y = fwd.transform(dense_lon, np.full_like(dense_lon, lat))
        segments.append(np.column_stack([x, y]))
        for cy in _crossings(np.asarray(y), np.asarray(x), xlim[0], np.asarray(y)):
            if ylim[0] + 0.02 * height <= cy <= ylim[1] - 0.02 * height:
                yticks.append((cy, format_degrees(round(lat, 6), "lat")))
    lines = LineCollection(
        segments,
        colors=CONTEXT["graticule"],
        linewidths=0.45,
        linestyles=(0, (4, 3)),
        zorder=1.5,
        gid=GID_GRATICULE,
    )
    ax.add_collection(lines, autolim=False)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    if labels:
        ax.set_xticks(
            [t[0] for t in xticks], [t[1] for t in xticks] if label_bottom else []
        )
        ax.set_yticks(
            [t[0] for t in yticks], [t[1] for t in yticks] if label_left else []
        )
        # explicit, so that axes made outside kurskgeo's rc settings match
        ax.tick_params(
            which="both",
            direction="out",
            pad=2,
            labelsize=7,
            colors="#555555",
            length=2.5,
            width=0.6,
        )
        for spine in ax.spines.values():
            spine.set_edgecolor("#999999")
            spine.set_linewidth(0.6)
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    ax.tick_params(top=False, right=False)
    return {
        "step": step,
        "lons": lons.tolist(),
        "lats": lats.tolist(),
        "xticks": [t[1] for t in xticks],
        "yticks": [t[1] for t in yticks],
        "artist": lines,
    }


def add_attribution(
    ax: Axes, text: str, *, y: float = -0.055, fontsize: float = 6.5
) -> Any:
    """Write the source attribution under the map frame, left-aligned."""
    t = ax.text(
        0.0,
        y,
        text,
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=fontsize,
        color=CONTEXT["subtle"],
        linespacing=1.35,
        gid=GID_ATTRIBUTION,
        wrap=False,
    )
    return t
