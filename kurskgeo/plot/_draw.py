"""Drawing a map: figure set-up, context layers, names, zones, legend, layout.

Every artist carries a ``gid`` starting with ``kurskgeo-`` so tests and
users can find it. Matplotlib is imported inside the functions, so importing
:mod:`kurskgeo.plot` stays cheap.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from kurskgeo.io import LONLAT
from kurskgeo.plot import _borders, _furniture, _labels
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

#: The gid of the international border line.
GID_BORDER = "kurskgeo-border"


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
    places: Sequence[tuple[str, float, float, int]],
    avoid: Sequence[BaseGeometry] = (),
) -> dict[str, Any]:
    """Country fills, one international border, the region outline, place dots.

    The names (of countries and places) are written last, by
    :func:`_write_names`, once the furniture and legend they must keep clear
    of are drawn. The returned dict holds the legend's handles (``context``,
    ``border``, ``region``, ``places``) and, under keys starting with ``_``,
    what :func:`_write_names` and the locator need.
    """
    from matplotlib.collections import LineCollection, PathCollection

    handles: dict[str, Any] = {}
    lon0, lat0, lon1, lat1 = _furniture.lonlat_bounds(frame.crs, view[0::2], view[1::2])
    margin = max(lon1 - lon0, lat1 - lat0) * 0.3 + 0.1
    clip = (
        lon0 - margin,
        max(lat0 - margin, -89.9),
        lon1 + margin,
        min(lat1 + margin, 89.9),
    )
    w, h = view[2] - view[0], view[3] - view[1]
    # what is drawn of lines: the view and a margin (the axes clip the rest)
    window = shapely.box(
        view[0] - 0.3 * w, view[1] - 0.3 * h, view[2] + 0.3 * w, view[3] + 0.3 * h
    )
    land: list[tuple[BaseGeometry, bool]] = []
    edges: list[BaseGeometry] = []
    countries: list[tuple[str, BaseGeometry]] = []
    home = (
        shapely.Point(region.geom.representative_point().coords[0])
        if region is not None
        else None
    )
    for c in contexts:
        # clip in lon/lat first: Russia crosses the antimeridian
        part = shapely.clip_by_rect(c.geom, *clip)
        if part.is_empty:
            continue
        proj = _project(part.segmentize(0.05), LONLAT, frame.crs)[0]
        is_home = home is not None and bool(shapely.contains(c.geom, home))
        land.append((proj, is_home))
        # the border itself: clipping the lines adds no edge along the box
        line = shapely.clip_by_rect(shapely.boundary(c.geom), *clip)
        if not line.is_empty:
            edges.append(_project(line.segmentize(0.05), LONLAT, frame.crs)[0])
        if c.name:
            countries.append((c.name, proj))
    region_proj = (
        _project(region.geom, LONLAT, frame.crs)[0] if region is not None else None
    )
    if land:
        fills = PathCollection(
            [_geom_path(g) for g, _ in land],
            facecolors=_style.CONTEXT["land"],
            edgecolors="none",
            linewidths=0,
            zorder=1,
            gid="kurskgeo-context",
        )
        ax.add_collection(fills, autolim=False)
        handles["context"] = fills
    drawn = _borders.border_lines(land, edges, region_proj, window)
    lines: list[BaseGeometry] = []
    if not drawn.border.is_empty:
        border = LineCollection(
            _segments(drawn.border),
            colors=_style.CONTEXT["border"],
            linewidths=1.6,
            zorder=2.95,  # over the zones' clipped edge: the one line there
            capstyle="round",
            joinstyle="round",
            gid=GID_BORDER,
        )
        ax.add_collection(border, autolim=False)
        handles["border"] = border
        lines.append(drawn.border)
    if region is not None:
        rest = drawn.region_rest
        if rest is None:
            rest = shapely.intersection(shapely.boundary(region_proj), window)
        if not rest.is_empty:
            outline = PathCollection(
                [_line_path(rest)],
                facecolors="none",
                edgecolors=_style.CONTEXT["region"],
                linewidths=0.9,
                linestyles=(0, (5, 2, 1, 2)),
                zorder=2.9,  # under the zones, which are clipped to it anyway
                gid="kurskgeo-region",
            )
            ax.add_collection(outline, autolim=False)
            handles["region"] = outline
            lines.append(rest)
    if drawn.from_region and region is not None:
        others = [c.name for c in contexts if c.name and not _contains(c, home)]
        handles["_border_note"] = (
            f"International border drawn along the {region.name or 'region'} "
            "boundary where it runs with "
            + (
                f"the border with {' and '.join(dict.fromkeys(others))}"
                if others
                else "the context's border"
            )
            + "; elsewhere from the context layers."
        )
    handles["_countries"] = countries
    handles["_lines"] = lines
    handles["_places"] = []
    handles["_dots"] = []
    if places:
        tr = _furniture._forward(frame.crs)
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
            near = (
                shapely.dwithin(
                    zone_parts[:, None], pts[None, :], 0.02 * (view[2] - view[0])
                ).any(axis=0)
                if len(zone_parts)
                else np.zeros(len(pts), dtype=bool)
            )
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
                    handles["_dots"].append(dots)
            handles["_places"] = [
                (p[0], float(xi), float(yi), p[3])
                for p, xi, yi in zip(
                    [p for p, ok in zip(places, inside, strict=True) if ok],
                    x[inside],
                    y[inside],
                    strict=True,
                )
            ]
    return handles


def _contains(c: _Context, point: Any) -> bool:
    return point is not None and bool(shapely.contains(c.geom, point))


def _segments(geom: BaseGeometry) -> list[np.ndarray]:
    """Return the lines of `geom` as arrays of vertices, for a LineCollection."""
    parts = shapely.get_parts(geom)
    return [shapely.get_coordinates(p) for p in parts if not p.is_empty]


def _write_names(
    ax: Axes,
    handles: Mapping[str, Any],
    avoid: Sequence[BaseGeometry] = (),
    *,
    fontsize: float = 7,
) -> None:
    """Write the country names, then the place names, clear of everything else.

    Call this last, once the furniture and the legend are drawn (and, for a
    figure with a layout engine, laid out: it is laid out here first).
    """
    fig: Any = ax.get_figure(root=True)
    if fig.get_layout_engine() is not None:
        fig.draw_without_rendering()
    renderer = _labels.renderer_of(fig)
    busy = [g for g in avoid if g is not None and not g.is_empty]
    dots = handles.get("_places") or []
    points = (
        [shapely.multipoints(np.array([(p[1], p[2]) for p in dots]))] if dots else []
    )
    for name, country in handles.get("_countries") or []:
        _country_name(ax, renderer, name, country, busy + points)
    _labels.label_places(
        ax, handles.get("_places") or [], handles.get("_dots") or [], fontsize=fontsize
    )


def _country_name(
    ax: Axes,
    renderer: Any,
    name: str,
    country: BaseGeometry,
    busy: Sequence[BaseGeometry],
) -> None:
    """Write `name` well inside `country`, away from the data and furniture."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    text = ax.text(
        0.5 * (x0 + x1),
        0.5 * (y0 + y1),
        name.upper(),
        ha="center",
        va="center",
        fontsize=11,
        color="#9A9A9A",
        fontweight="bold",
        zorder=1.8,
        gid="kurskgeo-context-label",
        parse_math=False,
    )
    text.set_in_layout(False)
    ext = text.get_window_extent(renderer)
    to_data = ax.transData.inverted()
    (ax0, ay0), (ax1, ay1) = to_data.transform([[ext.x0, ext.y0], [ext.x1, ext.y1]])
    half_w, half_h = abs(ax1 - ax0) / 2 * 1.1, abs(ay1 - ay0) / 2 * 1.2
    blocked = [
        shapely.box(
            *to_data.transform([[b.bounds[0], b.bounds[1]]])[0],
            *to_data.transform([[b.bounds[2], b.bounds[3]]])[0],
        )
        for b in _labels.obstacles(ax, renderer)
    ]
    u, v = np.meshgrid(np.linspace(0.12, 0.88, 15), np.linspace(0.1, 0.9, 15))
    xs = x0 + u.ravel() * (x1 - x0)
    ys = y0 + v.ravel() * (y1 - y0)
    boxes = shapely.box(xs - half_w, ys - half_h, xs + half_w, ys + half_h)
    frame = shapely.box(x0, y0, x1, y1)
    ok = shapely.within(boxes, country) & shapely.within(boxes, frame)
    for b in blocked:
        ok &= ~shapely.intersects(boxes, b)
    if not ok.any():
        text.remove()
        return
    xs, ys, boxes = xs[ok], ys[ok], boxes[ok]
    score = shapely.distance(shapely.boundary(country), boxes)
    if busy:
        score = np.minimum(
            score, shapely.distance(_parts(busy)[:, None], boxes[None, :]).min(axis=0)
        )
    best = int(np.argmax(score))
    if score[best] < 0.02 * (x1 - x0):
        text.remove()
        return
    text.set_position((float(xs[best]), float(ys[best])))


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
    if "border" in handles:
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
        parse_math=False,
    )


def _graticule(
    ax: Axes, frame: _Frame, *, labels: tuple[bool, bool] = (True, True)
) -> None:
    _furniture.add_graticule(
        ax, frame.crs, label_bottom=labels[0], label_left=labels[1]
    )


def _scale_and_north(ax: Axes, frame: _Frame, *, small: bool = False) -> dict[str, Any]:
    """Scale bars (km over miles) in the lower left, the north arrow above them."""
    bar = _furniture.add_scale_bar(
        ax,
        frame.crs,
        fraction=0.3 if small else 0.22,
        loc=(0.035, 0.075 if small else 0.055),
        fontsize=6 if small else 7,
        mid_label=not small,
    )
    arrow = _furniture.add_north_arrow(
        ax,
        frame.crs,
        loc=(0.06, 0.29 if small else 0.21),
        size=0.1 if small else 0.07,
    )
    return {"scale_bar": bar, "north_arrow": arrow}


def _furnish(
    ax: Axes, frame: _Frame, *, labels: tuple[bool, bool] = (True, True)
) -> None:
    _graticule(ax, frame, labels=labels)
    _scale_and_north(ax, frame)


#: What a note inside a map's frame looks like (e.g. "Illustration: ...").
GID_NOTE = "kurskgeo-note"


def _add_note(
    ax: Axes, text: str, *, corner: str = "lower right", fontsize: float = 7.5
) -> Any:
    """Write a boxed note inside the frame, in `corner`; labels keep clear of it."""
    x, ha = (0.985, "right") if "right" in corner else (0.015, "left")
    y, va = (0.015, "bottom") if "lower" in corner else (0.985, "top")
    return ax.text(
        x,
        y,
        text,
        transform=ax.transAxes,
        ha=ha,
        va=va,
        fontsize=fontsize,
        fontweight="bold",
        color="#8B0000",
        zorder=24,
        parse_math=False,
        bbox={
            "boxstyle": "round,pad=0.3",
            "fc": "white",
            "ec": "#8B0000",
            "lw": 0.6,
        },
        gid=GID_NOTE,
    )


# ---------------------------------------------------------------- one map

#: Margins (inches) a single map starts from: left, right, top, bottom. The
#: map's view takes the shape of the box they leave; the axes are then
#: fitted to what the title, legend and credit really take (:func:`_fit_axes`).
_NOMINAL_MARGINS = (0.5, 0.12, 0.62, 1.45)

#: Room kept at the figure's edges (inches).
_EDGE_IN = 0.08


def _new_map_figure(figsize: tuple[float, float] | None, dpi: float) -> Axes:
    """Make a Figure (not pyplot) and the Axes of a single map, to be fitted later."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fw, fh = figsize or MAP_FIGSIZE
    fig = Figure(figsize=(fw, fh), dpi=dpi)
    FigureCanvasAgg(fig)
    left, right, top, bottom = _NOMINAL_MARGINS
    box = (left / fw, bottom / fh, 1 - (left + right) / fw, 1 - (top + bottom) / fh)
    ax = fig.add_axes(box)
    ax.set_gid(GID_MAP_AXES)
    return ax


#: The gid of the Axes of a map kurskgeo laid out itself.
GID_MAP_AXES = "kurskgeo-map"


def _credit_width(ax: Axes, fontsize: float = 6.5) -> int:
    """Characters of credit that fit across the figure, from the axes' left."""
    fig: Any = ax.get_figure(root=True)
    fw = fig.get_size_inches()[0]
    left = ax.get_position().x0 * fw
    # DejaVu Sans averages a little under 0.6 em a character in such lines
    return max(40, int((fw - left - _EDGE_IN) * 72 / (0.58 * fontsize)))


def _legend_below(
    ax: Axes,
    handles: Sequence[Any],
    *,
    fontsize: float = 8,
    gap_pt: float = 18,
    most: int = 3,
    **kwds: Any,
) -> Any:
    """Put the legend under the frame, in as many columns as the figure allows."""
    from matplotlib.transforms import ScaledTranslation

    fig: Any = ax.get_figure(root=True)
    renderer = _labels.renderer_of(fig)
    below = ax.transAxes + ScaledTranslation(0, -gap_pt / 72, fig.dpi_scale_trans)
    limit = fig.bbox.x1 - _EDGE_IN * fig.dpi
    leg = None
    for ncols in range(most, 0, -1):
        if leg is not None:
            leg.remove()
        leg = ax.legend(
            handles=list(handles),
            loc="upper left",
            bbox_to_anchor=(0, 0),
            bbox_transform=below,
            ncols=min(ncols, max(len(handles), 1)),
            frameon=False,
            borderpad=0,
            borderaxespad=0,
            fontsize=fontsize,
            handlelength=1.6,
            columnspacing=1.4,
            **kwds,
        )
        if leg.get_window_extent(renderer).x1 <= limit:
            break
    assert leg is not None
    return leg


def _credit_below(ax: Axes, legend: Any, text: str, fontsize: float = 6.5) -> Any:
    """Write the source and projection lines under the legend, as wide as the map."""
    return ax.annotate(
        text,
        (0, 0),
        xycoords=("axes fraction", legend),
        xytext=(0, -6),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=fontsize,
        color=_style.CONTEXT["subtle"],
        linespacing=1.35,
        gid=_furniture.GID_ATTRIBUTION,
        annotation_clip=False,
        parse_math=False,
    )


def _fit_axes(ax: Axes, tallest: float | None = None) -> None:
    """Fit a map kurskgeo laid out to what its title, legend and credit take.

    The axes keep their shape (that of the map's view) and take the width
    of the figure that the graticule labels leave; the figure's height is
    then trimmed to the title above and the legend and credit below (never
    beyond `tallest`, the height asked for: a map too tall for it is narrowed
    instead).
    """
    if ax.get_gid() != GID_MAP_AXES:
        return
    fig: Any = ax.get_figure(root=True)
    renderer = _labels.renderer_of(fig)
    frame = ax.get_window_extent(renderer)
    dpi = fig.dpi
    fw, fh = fig.get_size_inches()
    tallest = tallest or fh
    boxes = [
        b
        for b in (
            ax.xaxis.get_tightbbox(renderer),
            ax.yaxis.get_tightbbox(renderer),
        )
        if b is not None and b.width > 0
    ]
    around = list(boxes)
    for a in [*ax.texts, ax.get_legend(), ax.title, ax._left_title]:  # type: ignore[attr-defined]
        if a is not None and a.get_visible() and getattr(a, "get_text", lambda: "x")():
            around.append(a.get_window_extent(renderer))
    left = max([frame.x0 - b.x0 for b in around] + [0]) / dpi + _EDGE_IN
    # legend and credit hang from the left: only the tick labels reach right
    right = max([b.x1 - frame.x1 for b in boxes] + [0]) / dpi + _EDGE_IN
    top = max([b.y1 - frame.y1 for b in around] + [0]) / dpi + _EDGE_IN
    bottom = max([frame.y0 - b.y0 for b in around] + [0]) / dpi + _EDGE_IN
    aspect = frame.height / frame.width
    width = fw - left - right
    height = width * aspect
    if width <= 0:
        return
    if top + height + bottom > tallest:
        fh = tallest
        height = fh - top - bottom
        width = height / aspect
    else:
        fh = top + height + bottom
    if height <= 0:
        return
    fig.set_size_inches(fw, fh, forward=False)
    ax.set_position((left / fw, bottom / fh, width / fw, height / fh))


#: A date ("4 Sep 2024", "21 August 2024") is not broken across lines.
_DATE = re.compile(r"\b(\d{1,2}) ([A-Z][a-z]+) (\d{4})\b")


def _wrap_lines(text: str, width_px: float, props: Any, renderer: Any) -> str:
    """Break `text` at spaces so that no line is wider than `width_px`."""
    glued = _DATE.sub("\\1\u00a0\\2\u00a0\\3", text)
    out: list[str] = []
    for para in glued.split("\n"):
        line = ""
        for word in para.split(" "):
            trial = f"{line} {word}" if line else word
            w, _, _ = renderer.get_text_width_height_descent(trial, props, ismath=False)
            if line and w > width_px:
                out.append(line)
                line = word
            else:
                line = trial
        out.append(line)
    return "\n".join(out).replace("\u00a0", " ")


def _fit_heads(ax: Axes) -> None:
    """Wrap the title and subtitle to the width they have; title above subtitle.

    That is the frame's width, or the figure's from the frame's left edge
    when the map is narrower than the figure (a tall map).
    """
    fig: Any = ax.get_figure(root=True)
    renderer = _labels.renderer_of(fig)
    frame = ax.get_window_extent(renderer)
    width = max(frame.width, fig.bbox.x1 - frame.x0 - _EDGE_IN * fig.dpi)
    sub = next(
        (t for t in ax.texts if t.get_gid() == "kurskgeo-date" and t.get_visible()),
        None,
    )
    pad = 6.0
    if sub is not None and sub.get_text():
        raw = sub.get_text().replace("\n", " ")
        sub.set_text(_wrap_lines(raw, width, sub.get_fontproperties(), renderer))
        pad = sub.get_window_extent(renderer).height * 72 / fig.dpi + 7
    text = ax.get_title(loc="left")
    if text:
        title = ax.set_title(
            text.replace("\n", " "),
            loc="left",
            fontweight="bold",
            pad=pad,
            parse_math=False,
        )
        title.set_text(
            _wrap_lines(title.get_text(), width, title.get_fontproperties(), renderer)
        )


def _layout_map(ax: Axes) -> None:
    """Fit a map kurskgeo laid out (:func:`_fit_axes`), with its heads wrapped."""
    if ax.get_gid() != GID_MAP_AXES:
        return
    fig: Any = ax.get_figure(root=True)
    tallest = float(fig.get_size_inches()[1])
    for _ in range(2):
        _fit_axes(ax, tallest)
        _fit_heads(ax)
    _fit_axes(ax, tallest)
    _thin_ticks(ax)


def _thin_ticks(ax: Axes) -> None:
    """Leave out every other graticule label along an edge where they would touch."""
    fig: Any = ax.get_figure(root=True)
    renderer = _labels.renderer_of(fig)
    for axis, along in ((ax.xaxis, 0), (ax.yaxis, 1)):
        ticks = list(axis.get_major_ticks())
        labels = [
            t.label1 for t in ticks if t.label1.get_visible() and t.label1.get_text()
        ]
        if len(labels) < 2:
            continue
        boxes = [t.get_window_extent(renderer) for t in labels]
        touching = any(
            (a.x1 + 3 > b.x0) if along == 0 else (a.y1 + 2 > b.y0)
            for a, b in zip(
                sorted(boxes, key=lambda b: b.x0 if along == 0 else b.y0),
                sorted(boxes, key=lambda b: b.x0 if along == 0 else b.y0)[1:],
                strict=False,
            )
        )
        if touching:
            for t in labels[1::2]:
                t.set_visible(False)
