"""Drawing a map: figure set-up, context layers, place labels, zones, legend.

Every artist carries a ``gid`` starting with ``kurskgeo-`` so tests and
users can find it. Matplotlib is imported inside the functions, so importing
:mod:`kurskgeo.plot` stays cheap.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from kurskgeo.io import LONLAT
from kurskgeo.plot import _furniture
from kurskgeo.plot import style as _style
from kurskgeo.plot._inputs import (
    _Context,
    _Region,
)
from kurskgeo.plot._layers import (
    _Frame,
    _geom_path,
    _Layer,
    _line_path,
    _parts,
    _project,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes


log = logging.getLogger(__name__)


#: Default size of a single map (inches); at 200 dpi this is 1200 × 1200 px.
MAP_FIGSIZE = (6.0, 6.0)


#: Axes box of a single map in figure fractions (left, bottom, width, height).
MAP_BOX = (0.085, 0.14, 0.895, 0.765)


def _rc_context() -> Any:
    import matplotlib

    # Text from the data (zone and source names, titles, places) is never read
    # as mathtext: "$\\undefined$" in a file must print as written, not fail.
    settings = {**_style.rc(), "text.parse_math": False}
    return matplotlib.rc_context(settings)  # type: ignore[arg-type]


def _new_map_axes(figsize: tuple[float, float] | None, dpi: float) -> Axes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize or MAP_FIGSIZE, dpi=dpi)
    FigureCanvasAgg(fig)
    return fig.add_axes(MAP_BOX)


def _box_aspect(ax: Axes) -> float:
    pos = ax.get_position()
    fig: Any = ax.get_figure(root=True)
    fw, fh = fig.get_size_inches() if fig is not None else (1.0, 1.0)
    return float((pos.height * fh) / (pos.width * fw)) if pos.width else 1.0


def _setup_map_axes(ax: Axes, view: tuple[float, float, float, float]) -> None:
    ax.set_xlim(view[0], view[2])
    ax.set_ylim(view[1], view[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_facecolor("white")
    ax.set_xlabel("")
    ax.set_ylabel("")


def _draw_context(
    ax: Axes,
    frame: _Frame,
    view: tuple[float, float, float, float],
    contexts: Sequence[_Context],
    region: _Region | None,
    places: Sequence[tuple[str, float, float]],
    avoid: Sequence[BaseGeometry] = (),
) -> dict[str, Any]:
    """Country fills and borders, the region outline and places."""
    from matplotlib.collections import PathCollection

    handles: dict[str, Any] = {}
    lon0, lat0, lon1, lat1 = _furniture.lonlat_bounds(frame.crs, view[0::2], view[1::2])
    margin = max(lon1 - lon0, lat1 - lat0) * 0.2 + 0.1
    clip = (
        lon0 - margin,
        max(lat0 - margin, -89.9),
        lon1 + margin,
        min(lat1 + margin, 89.9),
    )
    land_paths = []
    busy = list(avoid)
    if places:
        from pyproj import Transformer

        px, py = Transformer.from_crs(LONLAT, frame.crs, always_xy=True).transform(
            [p[1] for p in places], [p[2] for p in places]
        )
        busy.append(shapely.multipoints(np.column_stack([px, py])))
    for c in contexts:
        # clip in lon/lat first: Russia crosses the antimeridian
        part = shapely.clip_by_rect(c.geom, *clip)
        if part.is_empty:
            continue
        proj = _project(part.segmentize(0.05), LONLAT, frame.crs)[0]
        land_paths.append(_geom_path(proj))
        if c.name:
            spot = _label_spot(proj, view, busy)
            if spot is not None:
                t = ax.text(
                    spot[0],
                    spot[1],
                    c.name.upper(),
                    ha="center",
                    va="center",
                    fontsize=11,
                    color="#9A9A9A",
                    fontweight="bold",
                    zorder=1.8,
                    gid="kurskgeo-context-label",
                )
    if land_paths:
        land = PathCollection(
            land_paths,
            facecolors=_style.CONTEXT["land"],
            edgecolors=_style.CONTEXT["border"],
            linewidths=1.6,
            zorder=1,
            gid="kurskgeo-context",
        )
        ax.add_collection(land, autolim=False)
        handles["context"] = land
    if region is not None:
        proj = _project(region.geom, LONLAT, frame.crs)[0]
        outline = PathCollection(
            [_line_path(proj)],
            facecolors="none",
            edgecolors=_style.CONTEXT["region"],
            linewidths=0.9,
            linestyles=(0, (5, 2, 1, 2)),
            zorder=2.9,  # under the zones, which are clipped to it anyway
            gid="kurskgeo-region",
        )
        ax.add_collection(outline, autolim=False)
        handles["region"] = outline
    if places:
        from pyproj import Transformer

        tr = Transformer.from_crs(LONLAT, frame.crs, always_xy=True)
        lon = np.array([p[1] for p in places])
        lat = np.array([p[2] for p in places])
        x, y = tr.transform(lon, lat)
        x, y = np.asarray(x), np.asarray(y)
        inside = (x > view[0]) & (x < view[2]) & (y > view[1]) & (y < view[3])
        if inside.any():
            # dots near the zones and the others in separate collections, so
            # that a batch of frames redraws only the former
            zone_parts = _parts(avoid)
            pts = shapely.points(x[inside], y[inside])
            near = shapely.dwithin(
                zone_parts[:, None], pts[None, :], 0.02 * (view[2] - view[0])
            ).any(axis=0)
            for mask in (~near, near):
                if mask.any():
                    dots = ax.scatter(
                        x[inside][mask],
                        y[inside][mask],
                        s=9,
                        c=_style.CONTEXT["place"],
                        edgecolors="white",
                        linewidths=0.6,
                        zorder=8,
                        gid="kurskgeo-places",
                    )
                    handles.setdefault("places", dots)
            for name, xi, yi, ha in _place_labels(
                ax,
                [p[0] for p, ok in zip(places, inside, strict=True) if ok],
                x[inside],
                y[inside],
                fontsize=7,
            ):
                t = ax.text(
                    xi,
                    yi,
                    name,
                    fontsize=7,
                    ha=ha,
                    va="center",
                    color=_style.CONTEXT["text"],
                    zorder=9,
                    gid="kurskgeo-place-label",
                    clip_on=True,
                )
                _halo_text(t)
    return handles


def _place_labels(
    ax: Axes, names: Sequence[str], xs: np.ndarray, ys: np.ndarray, fontsize: float
) -> list[tuple[str, float, float, str]]:
    """Place labels right of their dot, else left, else leave them out.

    Label sizes are estimated from the font size (DejaVu Sans averages about
    0.6 em per character), in display units of the axes as they are now.
    """
    fig: Any = ax.get_figure(root=True)
    px_per_pt = fig.dpi / 72
    to_px = ax.transData
    placed: list[tuple[float, float, float, float]] = []
    dots = to_px.transform(np.column_stack([xs, ys])) if len(xs) else np.empty((0, 2))
    out = []
    gap = 3 * px_per_pt
    h = 1.25 * fontsize * px_per_pt
    for name, (px, py), x, y in zip(names, dots, xs, ys, strict=True):
        w = 0.6 * fontsize * px_per_pt * len(name)
        sides = [("left", px + gap), ("right", px - gap - w)]
        if px + gap + w > ax.bbox.x1:  # would run off the frame: try the left first
            sides.reverse()
        for ha, x0 in sides:
            box = (x0, py - h / 2, x0 + w, py + h / 2)
            if not any(
                box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                for b in placed
            ):
                placed.append(box)
                lx = to_px.inverted().transform(
                    (px + (gap if ha == "left" else -gap), py)
                )
                out.append((name, float(lx[0]), float(y), ha))
                break
        else:
            log.debug("label %r left out: no room beside its dot", name)
        del x
    return out


def _hide_labels_under(ax: Axes, legend: Any) -> None:
    """Hide the place labels that `legend` covers, whole or in part.

    A label half under the legend would read as another name. With a layout
    engine (constrained layout, as the report uses) the axes are placed
    first, as saving the figure will place them.
    """
    labels = [
        t for t in ax.texts if t.get_gid() == "kurskgeo-place-label" and t.get_visible()
    ]
    if not labels:
        return
    fig: Any = ax.get_figure(root=True)
    if fig.get_layout_engine() is not None:
        fig.draw_without_rendering()
    box = legend.get_window_extent()
    for text in labels:
        if text.get_window_extent().overlaps(box):
            log.debug("label %r hidden: under the legend", text.get_text())
            text.set_visible(False)


def _label_spot(
    country: BaseGeometry,
    view: tuple[float, float, float, float],
    avoid: Sequence[BaseGeometry],
) -> tuple[float, float] | None:
    """Find a point well inside `country`, away from the data and the furniture."""
    x0, y0, x1, y1 = view
    u: Any
    v: Any
    u, v = np.meshgrid(np.linspace(0.22, 0.78, 9), np.linspace(0.1, 0.9, 9))
    u, v = u.ravel(), v.ravel()
    # leave the corners to the legend, north arrow and scale bar
    free = (
        ~((u < 0.55) & (v > 0.62))
        & ~((u > 0.8) & (v > 0.75))
        & ~((u < 0.45) & (v < 0.2))
    )
    xs, ys = x0 + u[free] * (x1 - x0), y0 + v[free] * (y1 - y0)
    inside = shapely.contains_xy(country, xs, ys)
    if not inside.any():
        return None
    xs, ys = xs[inside], ys[inside]
    pts = shapely.points(xs, ys)
    score = shapely.distance(shapely.boundary(country), pts)
    busy = [g for g in avoid if g is not None and not g.is_empty]
    if busy:
        dist = shapely.distance(_parts(busy)[:, None], pts[None, :]).min(axis=0)
        score = np.minimum(score, dist)
    best = int(np.argmax(score))
    if score[best] < 0.06 * (x1 - x0):
        return None
    return float(xs[best]), float(ys[best])


def _halo_text(text: Any, color: str = "white", width: float = 2.5) -> None:
    from matplotlib import patheffects

    text.set_path_effects([patheffects.withStroke(linewidth=width, foreground=color)])


def _zone_collection(
    ax: Axes, layer: _Layer, zorder: float, style_kwds: Mapping[str, Any]
) -> Any:
    from matplotlib.collections import PathCollection

    st = layer.style
    kw: dict[str, Any] = {
        "facecolors": st.facecolor,
        "edgecolors": st.edgecolor,
        "linewidths": 0.5,
        "zorder": zorder,
        "gid": f"kurskgeo-zone-{layer.key}",
    }
    if st.hatch:
        kw["hatch"] = st.hatch
    for key, value in style_kwds.items():
        if key in ("color", "facecolor"):
            kw["facecolors"] = value
        elif key == "edgecolor":
            kw["edgecolors"] = value
        elif key in ("linewidth", "lw"):
            kw["linewidths"] = value
        else:
            kw[key] = value
    coll = PathCollection([_geom_path(layer.geom)], **kw)
    if st.hatch and hasattr(coll, "set_hatchcolor"):
        coll.set_hatchcolor(st.hatch_color)
    ax.add_collection(coll, autolim=False)
    return coll


def _legend_patch(
    style: _style.FillStyle, label: str, style_kwds: Mapping[str, Any]
) -> Any:
    from matplotlib.patches import Patch

    face = style_kwds.get("facecolor", style_kwds.get("color", style.facecolor))
    return Patch(
        facecolor=face,
        edgecolor=style.edgecolor,
        hatch=style.hatch,
        linewidth=0.5,
        label=label,
        alpha=style_kwds.get("alpha"),
    )


def _context_handles(handles: Mapping[str, Any], region: _Region | None) -> list[Any]:
    from matplotlib.lines import Line2D

    out = []
    if "region" in handles and region is not None:
        out.append(
            Line2D(
                [],
                [],
                color=_style.CONTEXT["region"],
                linewidth=0.9,
                linestyle=(0, (5, 2, 1, 2)),
                label=f"{region.name or 'Region'} boundary",
            )
        )
    if "context" in handles:
        out.append(
            Line2D(
                [],
                [],
                color=_style.CONTEXT["border"],
                linewidth=1.6,
                label="International border",
            )
        )
    if "places" in handles:
        out.append(
            Line2D(
                [],
                [],
                marker="o",
                markersize=3.5,
                linestyle="none",
                color=_style.CONTEXT["place"],
                markeredgecolor="white",
                label="Settlement",
            )
        )
    return out


def _subtitle(ax: Axes, text: str, fontsize: float = 8.5) -> Any:
    return ax.text(
        0.0,
        1.012,
        text,
        transform=ax.transAxes,
        ha="left",
        va="bottom",
        fontsize=fontsize,
        color=_style.CONTEXT["text"],
        gid="kurskgeo-date",
    )


def _furnish(
    ax: Axes, frame: _Frame, *, labels: tuple[bool, bool] = (True, True)
) -> None:
    _furniture.add_graticule(
        ax, frame.crs, label_bottom=labels[0], label_left=labels[1]
    )
    _furniture.add_scale_bar(ax, frame.crs)
    _furniture.add_north_arrow(ax, frame.crs)
