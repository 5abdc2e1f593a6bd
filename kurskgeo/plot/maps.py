"""Report maps: one snapshot, the change between two, small multiples."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from kurskgeo.errors import SnapshotError
from kurskgeo.plot import _furniture
from kurskgeo.plot import style as _style
from kurskgeo.plot._draw import (
    _box_aspect,
    _context_handles,
    _draw_context,
    _furnish,
    _hide_labels_under,
    _legend_patch,
    _new_map_axes,
    _rc_context,
    _setup_map_axes,
    _subtitle,
    _zone_collection,
)
from kurskgeo.plot._inputs import (
    _contexts,
    _places,
    _present_zones,
    _region,
    _snap_date,
    _snapshot,
    _zones_arg,
)
from kurskgeo.plot._layers import (
    _change_pieces,
    _extent,
    _frame,
    _Layer,
    _zone_layers,
)
from kurskgeo.plot._text import (
    _attribution_text,
    _default_title,
    _fmt_area,
    _fmt_date,
    _snapshot_subtitle,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "plot_change",
    "plot_small_multiples",
    "plot_snapshot",
]


def plot_snapshot(
    snapshot: Any,
    *,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    context: Any = None,
    places: Any = None,
    crs: Any = "auto",
    title: str | None = None,
    ax: Axes | None = None,
    extent: Any = None,
    attribution: str | None = None,
    legend_kwds: Mapping[str, Any] | None = None,
    figsize: tuple[float, float] | None = None,
    **style_kwds: Any,
) -> Axes:
    """Map the zones of one snapshot, with their areas in the legend.

    Parameters
    ----------
    snapshot : GeoDataFrame or path
        A snapshot table (see :mod:`kurskgeo.io`) or a file to read.
    zone : str or list of str, optional
        Zones to draw, each filled in its own colour (all zones if None).
    region : path, GeoDataFrame or geometry, optional
        Clip the zones to this region (areas too) and draw its outline.
    context : path, GeoDataFrame, or list of them, optional
        Polygon layers drawn underneath as land with borders (for example
        Natural Earth countries); clipped to the view in longitude/latitude
        before projecting, so layers crossing the antimeridian are safe.
    places : path or GeoDataFrame, optional
        Points with a ``name`` property, drawn and labelled.
    crs : "auto" or CRS-like
        Projection of the map: by default an equal-area LAEA centred on what
        is shown. A CRS that is not equal-area is drawn in, but areas are
        still measured in an equal-area CRS.
    title : str, optional
        Headline; by default it names the zones and the region.
    ax : matplotlib Axes, optional
        Draw here; by default on a new 6 × 6 in Figure (not pyplot).
    extent : None, "region" or (lon0, lat0, lon1, lat1), optional
        What to show: the zones with a margin (default), the whole region, or
        a longitude/latitude box.
    attribution : str, optional
        Replace the automatic source line (the projection line stays).
    legend_kwds : dict, optional
        Passed to :meth:`Axes.legend`.
    figsize : (float, float), optional
        Size of the new figure when `ax` is None.
    **style_kwds
        Passed to the zone polygons' PathCollection (``alpha``,
        ``edgecolor``, ``linewidth``, ``facecolor``/``color`` to override the
        palette, ...).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    SnapshotError
        If the snapshot, region or a layer cannot be read.
    CRSError
        If `crs` is unknown or geographic.

    See Also
    --------
    plot_change, plot_small_multiples, save_figure

    Notes
    -----
    Areas are those of :func:`kurskgeo.area.zone_union` in the equal-area CRS,
    so the legend agrees with ``kurskgeo area``.

    Examples
    --------
    >>> import datetime as dt
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> snap = gpd.GeoDataFrame(
    ...     {"date": [dt.date(2024, 9, 4)], "source": ["test"], "label": ["t"],
    ...      "zone": ["liberated"]}, geometry=[box(35.0, 51.0, 35.2, 51.1)],
    ...     crs="OGC:CRS84")
    >>> ax = plot_snapshot(snap)
    >>> ax.get_legend().get_texts()[0].get_text()
    'Ukrainian-held (liberated): 156 km²'
    """
    snap = _snapshot(snapshot)
    zones_arg = _zones_arg(zone)
    zones: list[str | None] = list(zones_arg) if zones_arg else _present_zones([snap])
    reg = _region(region)
    ctx = _contexts(context)
    pts = _places(places)
    frame = _frame([snap], zones_arg, reg, crs)
    with _rc_context():
        if ax is None:
            ax = _new_map_axes(figsize, 100)
        layers = _zone_layers(snap, zones, reg, frame)
        view = _extent(layers, frame, reg, extent, _box_aspect(ax))
        _setup_map_axes(ax, view)
        handles = _draw_context(
            ax, frame, view, ctx, reg, pts, [la.geom for la in layers]
        )
        patches = []
        for i, layer in enumerate(layers):
            _zone_collection(ax, layer, 3 + i * 0.01, style_kwds)
            label = f"{layer.label}: {_fmt_area(layer.area_km2)} km²"
            patches.append(_legend_patch(layer.style, label, style_kwds))
        _furnish(ax, frame)
        ax.set_title(
            title or _default_title(zones, reg), loc="left", fontweight="bold", pad=17
        )
        _subtitle(ax, _snapshot_subtitle(snap, reg))
        _furniture.add_attribution(
            ax, _attribution_text([snap], reg, ctx, frame, attribution)
        )
        lk = {"loc": "upper left", "borderaxespad": 0.6, "handlelength": 1.6}
        lk.update(legend_kwds or {})
        leg = ax.legend(handles=patches + _context_handles(handles, reg), **lk)  # type: ignore[call-overload]
        leg.set_zorder(30)
        _hide_labels_under(ax, leg)
    return ax


def plot_change(
    a: Any,
    b: Any,
    *,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    context: Any = None,
    places: Any = None,
    crs: Any = "auto",
    title: str | None = None,
    ax: Axes | None = None,
    extent: Any = None,
    attribution: str | None = None,
    legend_kwds: Mapping[str, Any] | None = None,
    figsize: tuple[float, float] | None = None,
    **style_kwds: Any,
) -> Axes:
    """Map what a zone gained, lost and kept between two snapshots.

    Both unions are built in one common equal-area CRS; *gained* is the area
    in `zone` in `b` but not in `a`, *lost* the reverse, *unchanged* the area
    in both. Gained + unchanged is the area in `b`; lost + unchanged the area
    in `a`.

    Parameters
    ----------
    a, b : GeoDataFrame or path
        The earlier and later snapshot.
    zone : str or list of str, optional
        The zone (or union of zones) followed; all polygons if None.
    region, context, places, crs, title, ax, extent, attribution, legend_kwds, figsize
        As in :func:`plot_snapshot`.
    **style_kwds
        Passed to the three PathCollections.

    Returns
    -------
    matplotlib.axes.Axes
        Its legend reads "Gained: … km²", "Lost: … km²", "Unchanged: … km²".

    Raises
    ------
    SnapshotError, CRSError
        As :func:`plot_snapshot`.
    """
    sa, sb = _snapshot(a), _snapshot(b)
    zones_arg = _zones_arg(zone)
    reg = _region(region)
    ctx = _contexts(context)
    pts = _places(places)
    frame = _frame([sa, sb], zones_arg, reg, crs)
    rg = reg.geom if reg is not None else None
    pieces = _change_pieces(sa, sb, zones_arg, rg, frame)
    da, db = _snap_date(sa), _snap_date(sb)
    layers = []
    for key, (geom, area) in pieces.items():
        st = _style.CHANGE_STYLES[key]
        layers.append(_Layer(key, st.label, geom, area, st))
    net = layers[0].area_km2 - layers[1].area_km2
    zname = (
        " + ".join(_style.zone_label(z).split(" (")[0] for z in zones_arg)
        if zones_arg
        else "Mapped"
    )
    with _rc_context():
        if ax is None:
            ax = _new_map_axes(figsize, 100)
        view = _extent(layers, frame, reg, extent, _box_aspect(ax))
        _setup_map_axes(ax, view)
        handles = _draw_context(
            ax, frame, view, ctx, reg, pts, [la.geom for la in layers]
        )
        patches = []
        for i, layer in enumerate(layers):
            _zone_collection(ax, layer, 3 + i * 0.01, style_kwds)
            lab = f"{layer.label}: {_fmt_area(layer.area_km2)} km²"
            patches.append(_legend_patch(layer.style, lab, style_kwds))
        _furnish(ax, frame)
        default = f"Change in {zname if zones_arg else 'mapped'} area"
        if reg is not None and reg.name:
            default += f" in {reg.name}"
        ax.set_title(title or default, loc="left", fontweight="bold", pad=17)
        sub = (
            f"{_fmt_date(da)} to {_fmt_date(db)}: net change {net:+,.0f} km² "
            f"({_fmt_area(layers[1].area_km2 + layers[2].area_km2)} → "
            f"{_fmt_area(layers[0].area_km2 + layers[2].area_km2)} km²)"
        )
        _subtitle(ax, sub)
        _furniture.add_attribution(
            ax, _attribution_text([sa, sb], reg, ctx, frame, attribution)
        )
        lk = {"loc": "upper left", "borderaxespad": 0.6, "handlelength": 1.6}
        lk.update(legend_kwds or {})
        leg = ax.legend(handles=patches + _context_handles(handles, reg), **lk)  # type: ignore[call-overload]
        leg.set_zorder(30)
        _hide_labels_under(ax, leg)
    return ax


def plot_small_multiples(
    snapshots: Sequence[Any],
    *,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    context: Any = None,
    places: Any = None,
    crs: Any = "auto",
    title: str | None = None,
    ncols: int | None = None,
    panel_size: float = 3.0,
    extent: Any = None,
    attribution: str | None = None,
    dpi: float = 100,
    **style_kwds: Any,
) -> Figure:
    """Several dates side by side, on one projection and one shared extent.

    Each panel is titled with its date and lists the area of each zone; the
    figure carries the headline, one legend, and the attribution. Every panel
    has a scale bar, a north arrow and the graticule (labelled on the outer
    panels).

    Parameters
    ----------
    snapshots : sequence of GeoDataFrame or paths
        The snapshots, drawn in the order given.
    zone, region, context, places, crs, extent, attribution
        As in :func:`plot_snapshot`; `extent` is shared by all panels.
    title : str, optional
        Headline of the figure.
    ncols : int, optional
        Panels per row (default: up to 4).
    panel_size : float
        Width of one panel in inches.
    dpi : float
        Figure resolution.
    **style_kwds
        Passed to the zone polygons.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    SnapshotError
        If no snapshot is given or one cannot be read.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    snaps = [_snapshot(s) for s in snapshots]
    if not snaps:
        raise SnapshotError("plot_small_multiples needs at least one snapshot")
    zones_arg = _zones_arg(zone)
    zones: list[str | None] = list(zones_arg) if zones_arg else _present_zones(snaps)
    reg = _region(region)
    ctx = _contexts(context)
    pts = _places(places)
    frame = _frame(snaps, zones_arg, reg, crs)
    n = len(snaps)
    ncols = ncols or min(n, 4)
    nrows = math.ceil(n / ncols)
    top_in, bottom_in, left_in, gap_in = 0.85, 1.3, 0.5, 0.12
    panel_h = panel_size
    title_h = 0.42
    fig_w = left_in + ncols * panel_size + (ncols - 1) * gap_in + 0.15
    fig_h = top_in + nrows * (panel_h + title_h) + bottom_in
    with _rc_context():
        fig = Figure(figsize=(fig_w, fig_h), dpi=dpi)
        FigureCanvasAgg(fig)
        all_layers = [_zone_layers(s, zones, reg, frame) for s in snaps]
        axes = []
        for k in range(n):
            r, c = divmod(k, ncols)
            x = (left_in + c * (panel_size + gap_in)) / fig_w
            y = (fig_h - top_in - (r + 1) * (panel_h + title_h) + 0.05) / fig_h
            axes.append(fig.add_axes((x, y, panel_size / fig_w, panel_h / fig_h)))
        union_layers = [la for layers in all_layers for la in layers]
        view = _extent(union_layers, frame, reg, extent, _box_aspect(axes[0]))
        handles: dict[str, Any] = {}
        for k, (ax, snap, layers) in enumerate(
            zip(axes, snaps, all_layers, strict=True)
        ):
            r, c = divmod(k, ncols)
            _setup_map_axes(ax, view)
            handles = _draw_context(
                ax, frame, view, ctx, reg, pts, [la.geom for la in layers]
            )
            for i, layer in enumerate(layers):
                _zone_collection(ax, layer, 3 + i * 0.01, style_kwds)
            last_row = r == nrows - 1 or k + ncols >= n
            _furniture.add_graticule(
                ax, frame.crs, label_bottom=last_row, label_left=c == 0
            )
            _furniture.add_scale_bar(
                ax, frame.crs, fraction=0.3, fontsize=6, mid_label=False
            )
            _furniture.add_north_arrow(ax, frame.crs, size=0.1)
            ax.set_title(
                _fmt_date(_snap_date(snap)),
                loc="left",
                fontsize=10,
                fontweight="bold",
                pad=13,
            )
            areas = " · ".join(
                f"{la.label.split(' (')[0]} {_fmt_area(la.area_km2)} km²"
                for la in layers
            )
            ax.text(
                0,
                1.01,
                areas,
                transform=ax.transAxes,
                fontsize=6.5,
                va="bottom",
                color=_style.CONTEXT["text"],
                gid="kurskgeo-date",
            )
        dates = [_snap_date(s) for s in snaps]
        fig.text(
            left_in / fig_w,
            1 - 0.2 / fig_h,
            title or _default_title(zones, reg),
            fontsize=13,
            fontweight="bold",
            va="top",
            gid="kurskgeo-title",
        )
        span = (
            f"{_fmt_date(dates[0])} to {_fmt_date(dates[-1])}"
            if n > 1
            else _fmt_date(dates[0])
        )
        sub = f"Snapshots of {span}"
        if reg is not None:
            sub += f"; areas within {reg.name or 'the region'}"
        fig.text(
            left_in / fig_w,
            1 - 0.52 / fig_h,
            sub,
            fontsize=8.5,
            va="top",
            color=_style.CONTEXT["text"],
            gid="kurskgeo-date",
        )
        patches = [
            _legend_patch(la.style, la.label, style_kwds) for la in all_layers[0]
        ] + _context_handles(handles, reg)
        fig.legend(
            handles=patches,
            loc="upper left",
            bbox_to_anchor=(left_in / fig_w - 0.01, (bottom_in - 0.22) / fig_h),
            ncols=min(len(patches), 3),
            frameon=False,
        )
        fig.text(
            left_in / fig_w,
            0.5 / fig_h,
            _attribution_text(
                snaps, reg, ctx, frame, attribution, width=int((fig_w - 0.6) * 72 / 3.7)
            ),
            fontsize=6.5,
            va="top",
            color=_style.CONTEXT["subtle"],
            gid=_furniture.GID_ATTRIBUTION,
        )
    return fig
