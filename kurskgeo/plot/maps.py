"""Report maps: one snapshot, the change between two, small multiples."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from kurskgeo.errors import SnapshotError
from kurskgeo.plot import _furniture, _locator
from kurskgeo.plot import style as _style
from kurskgeo.plot._draw import (
    _add_note,
    _box_aspect,
    _context_handles,
    _credit_below,
    _credit_width,
    _draw_context,
    _graticule,
    _layout_map,
    _legend_below,
    _legend_patch,
    _new_map_figure,
    _rc_context,
    _scale_and_north,
    _setup_map_axes,
    _subtitle,
    _write_names,
    _zone_collection,
)
from kurskgeo.plot._inputs import (
    _Context,
    _contexts,
    _layer_names,
    _places,
    _present_zones,
    _Region,
    _region,
    _snap_date,
    _snapshot,
    _zones_arg,
)
from kurskgeo.plot._layers import (
    _change_pieces,
    _extent,
    _Frame,
    _frame,
    _Layer,
    _zone_layers,
)
from kurskgeo.plot._text import (
    _attribution_text,
    _change_words,
    _default_title,
    _fmt_area,
    _fmt_date,
    _fmt_km2_mi2,
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

#: A change smaller than this (km²) is too small to see on a map of a
#: region: it is summarised in the legend, not given a swatch of its own.
SMALL_CHANGE_KM2 = 1.0


def _draw_map(
    ax: Axes | None,
    figsize: tuple[float, float] | None,
    *,
    frame: _Frame,
    layers: Sequence[_Layer],
    region: _Region | None,
    contexts: Sequence[_Context],
    places: Sequence[tuple[str, float, float, int]],
    extent: Any,
    title: str,
    subtitle: str,
    entries: Sequence[tuple[_Layer, str]],
    notes: Sequence[str],
    sources: Sequence[Any],
    attribution: str | None,
    layer_names: Mapping[str, Sequence[str]] | None,
    note: str | None,
    legend_kwds: Mapping[str, Any] | None,
    style_kwds: Mapping[str, Any],
) -> Axes:
    """Draw one map: context, zones, furniture, heads, legend, credit, names.

    `entries` are the legend's swatches (a layer and its label); `notes`
    are legend lines without a swatch; the credit names the `sources` of
    the snapshots drawn (or says `attribution`), with their `layer_names`.
    """
    from matplotlib.lines import Line2D

    def credit(border: str | None, width: int = 108) -> str:
        return _attribution_text(
            sources,
            region,
            contexts,
            frame,
            attribution,
            width,
            layers=layer_names,
            border=border,
        )

    if ax is None:
        ax = _new_map_figure(figsize, 100)
    view = _extent(layers, frame, region, extent, _box_aspect(ax))
    _setup_map_axes(ax, view)
    geoms = [la.geom for la in layers]
    handles = _draw_context(ax, frame, view, contexts, region, places, geoms)
    for i, layer in enumerate(layers):
        _zone_collection(ax, layer, 3 + i * 0.01, style_kwds)
    _graticule(ax, frame)
    _scale_and_north(ax, frame)
    ax.set_title(title, loc="left", fontweight="bold", pad=17, parse_math=False)
    _subtitle(ax, subtitle)
    patches = [_legend_patch(la.style, label, style_kwds) for la, label in entries]
    patches += _context_handles(handles, region)
    patches += [Line2D([], [], linestyle="none", label=n) for n in notes]
    if legend_kwds and "loc" in legend_kwds:
        lk = {"borderaxespad": 0.6, "handlelength": 1.6, **legend_kwds}
        leg = ax.legend(handles=patches, **lk)
        leg.set_zorder(30)
        _furniture.add_attribution(ax, credit(handles.get("_border_note")))
    else:
        leg = _legend_below(ax, patches)
        if legend_kwds:
            leg.remove()
            leg = ax.legend(
                handles=patches,
                **{
                    "loc": "upper left",
                    "bbox_to_anchor": leg.get_bbox_to_anchor(),
                    "frameon": False,
                    **legend_kwds,
                },
            )
        _credit_below(ax, leg, credit(handles.get("_border_note"), _credit_width(ax)))
    _layout_map(ax)
    if note:
        _add_note(ax, note)
    box = _locator.locator_box(frame, view, contexts)
    if box is not None:
        corners = ["upper left", "upper right"] + ([] if note else ["lower right"])
        pts = np.array([(p[1], p[2]) for p in handles.get("_places") or []])
        corner = _locator.best_corner(
            ax,
            box,
            corners,
            [g for g in geoms if not g.is_empty],
            handles.get("_lines") or [],
            pts.reshape(-1, 2),
        )
        _locator.add_locator(ax, frame, view, contexts, region, box, corner)
    _write_names(ax, handles, geoms)
    return ax


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
    note: str | None = None,
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
        Draw here; by default on a new 6 × 6 in Figure (not pyplot), laid
        out so that the map, its legend and its credit fill it.
    extent : None, "region" or (lon0, lat0, lon1, lat1), optional
        What to show: the zones with a margin (default), the whole region, or
        a longitude/latitude box (see :func:`series_extent`). Maps given the
        same box are drawn in the same projection, on the same view.
    attribution : str, optional
        Replace the automatic source line (the projection line stays).
    legend_kwds : dict, optional
        Passed to :meth:`Axes.legend`; with a ``loc`` the legend goes inside
        the frame, else it stays under it.
    figsize : (float, float), optional
        Size of the new figure when `ax` is None.
    note : str, optional
        A short note boxed inside the frame, lower right (for example that
        the shapes are an illustration); names keep clear of it.
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
    so the legend agrees with ``kurskgeo area``; it gives them in km² and
    square miles. Zones are named neutrally ("Held by Ukraine", "Contested
    (grey zone)"); the credit line quotes the source's own layer names.

    The map carries a scale bar in km and miles and a north arrow (lower
    left), a locator inset when the context layers reach well beyond the
    map, one international border (taken from the region's boundary where
    the two run together, see ``kurskgeo.plot._borders``), and settlement
    names that stay inside the frame and clear of each other, the furniture
    and the legend (a settlement whose name finds no room is left out).

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
    'Held by Ukraine: 156 km² (60 sq mi)'
    """
    snap = _snapshot(snapshot)
    zones_arg = _zones_arg(zone)
    zones: list[str | None] = list(zones_arg) if zones_arg else _present_zones([snap])
    reg = _region(region)
    ctx = _contexts(context)
    pts = _places(places)
    frame = _frame([snap], zones_arg, reg, crs, extent)
    layer_names = _layer_names([snap], zones, reg)

    with _rc_context():
        layers = _zone_layers(snap, zones, reg, frame)
        return _draw_map(
            ax,
            figsize,
            frame=frame,
            layers=layers,
            region=reg,
            contexts=ctx,
            places=pts,
            extent=extent,
            title=title or _default_title(zones, reg),
            subtitle=_snapshot_subtitle(snap, reg),
            entries=[(la, f"{la.label}: {_fmt_km2_mi2(la.area_km2)}") for la in layers],
            notes=[],
            sources=[snap],
            attribution=attribution,
            layer_names=layer_names,
            note=note,
            legend_kwds=legend_kwds,
            style_kwds=style_kwds,
        )


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
    note: str | None = None,
    **style_kwds: Any,
) -> Axes:
    """Map what a zone gained, lost and kept between two snapshots.

    Both unions are built in one common equal-area CRS; *gained* is the area
    in `zone` in `b` but not in `a`, *lost* the reverse, *unchanged* the area
    in both. Gained + unchanged is the area in `b`; lost + unchanged the area
    in `a`.

    The title names the side the zones belong to and the dates ("Ground
    Ukraine lost, 21 Aug 2024 to 16 Apr 2025"), and the subtitle which ground
    is counted: with the grey zone counted beside ground held by Ukraine,
    ground that leaves either counts as lost. A gain or loss under
    :data:`SMALL_CHANGE_KM2` is too small to see: the legend states it on a
    line of its own, without a swatch.

    Parameters
    ----------
    a, b : GeoDataFrame or path
        The earlier and later snapshot.
    zone : str or list of str, optional
        The zone (or union of zones) followed; all polygons if None.
    region, context, places, crs, title, ax, extent, attribution, legend_kwds
        As in :func:`plot_snapshot`.
    figsize, note
        As in :func:`plot_snapshot`.
    **style_kwds
        Passed to the three PathCollections.

    Returns
    -------
    matplotlib.axes.Axes
        Its legend reads "Gained by Ukraine: … km² (… sq mi)", "Lost by
        Ukraine: …", "Held on both dates: …" (for zones of one side; "Gained",
        "Lost", "On both dates" otherwise).

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
    frame = _frame([sa, sb], zones_arg, reg, crs, extent)
    rg = reg.geom if reg is not None else None
    pieces = _change_pieces(sa, sb, zones_arg, rg, frame)
    da, db = _snap_date(sa), _snap_date(sb)
    layers = []
    for key, (geom, area) in pieces.items():
        st = _style.CHANGE_STYLES[key]
        layers.append(_Layer(key, st.label, geom, area, st))
    gained, lost, kept = (la.area_km2 for la in layers)
    shown = [la.key for la in layers[:2] if la.area_km2 >= SMALL_CHANGE_KM2]
    head, sub, names = _change_words(zones_arg, da, db, [str(k) for k in shown])
    entries = [
        (la, f"{names[str(la.key)]}: {_fmt_km2_mi2(la.area_km2)}")
        for la in layers
        if la.key in shown or la.key == "unchanged"
    ]
    notes = [
        f"{names[str(la.key)]}: {_fmt_area(la.area_km2).replace('<', 'under ')} km²"
        " (too small to show)"
        for la in layers[:2]
        if la.key not in shown and la.area_km2 > 0
    ]
    net = f"{gained - lost:+,.0f}".replace("-", "−")
    sub += (
        f". Net {net} km² ({_fmt_area(lost + kept)} → {_fmt_area(gained + kept)} km²)"
    )
    if reg is not None:
        sub += f"; areas within {reg.name or 'the region'}"
    layer_names = _layer_names([sa, sb], list(zones_arg or []), reg)

    with _rc_context():
        return _draw_map(
            ax,
            figsize,
            frame=frame,
            layers=layers,
            region=reg,
            contexts=ctx,
            places=pts,
            extent=extent,
            title=title or head,
            subtitle=sub,
            entries=entries,
            notes=notes,
            sources=[sa, sb],
            attribution=attribution,
            layer_names=layer_names,
            note=note,
            legend_kwds=legend_kwds,
            style_kwds=style_kwds,
        )


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
    note: str | None = None,
    **style_kwds: Any,
) -> Figure:
    """Several dates side by side, on one projection and one shared extent.

    Each panel is titled with its date and lists the area of each zone (km²
    and square miles); the figure carries the headline, one legend, a
    locator inset (when the context layers reach well beyond the maps) and
    the attribution. Every panel has scale bars in km and miles, a north
    arrow and the graticule (labelled on the outer panels).

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
    note : str, optional
        A short note boxed inside each panel, lower right.
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

    from kurskgeo.plot._draw import _wrap_lines

    snaps = [_snapshot(s) for s in snapshots]
    if not snaps:
        raise SnapshotError("plot_small_multiples needs at least one snapshot")
    zones_arg = _zones_arg(zone)
    zones: list[str | None] = list(zones_arg) if zones_arg else _present_zones(snaps)
    reg = _region(region)
    ctx = _contexts(context)
    pts = _places(places)
    frame = _frame(snaps, zones_arg, reg, crs, extent)
    n = len(snaps)
    ncols = ncols or min(n, 4)
    nrows = math.ceil(n / ncols)
    top_in, bottom_in, left_in, gap_in = 0.95, 1.45, 0.5, 0.14
    panel_h = panel_size
    title_h = 0.3 + 0.13 * max(len(zones), 1)
    fig_w = left_in + ncols * panel_size + (ncols - 1) * gap_in + 0.15
    fig_h = top_in + nrows * (panel_h + title_h) + bottom_in
    with _rc_context():
        fig = Figure(figsize=(fig_w, fig_h), dpi=dpi)
        renderer = FigureCanvasAgg(fig).get_renderer()
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
        panels = []
        for k, (ax, snap, layers) in enumerate(
            zip(axes, snaps, all_layers, strict=True)
        ):
            r, c = divmod(k, ncols)
            _setup_map_axes(ax, view)
            handles = _draw_context(
                ax, frame, view, ctx, reg, pts, [la.geom for la in layers]
            )
            panels.append(handles)
            for i, layer in enumerate(layers):
                _zone_collection(ax, layer, 3 + i * 0.01, style_kwds)
            last_row = r == nrows - 1 or k + ncols >= n
            _graticule(ax, frame, labels=(last_row, c == 0))
            _scale_and_north(ax, frame, small=True)
            if note:
                _add_note(ax, note, fontsize=7)
            areas = "\n".join(
                f"{la.label.split(' (')[0]} {_fmt_km2_mi2(la.area_km2)}"
                for la in layers
            )
            head = ax.text(
                0,
                1.01,
                areas,
                transform=ax.transAxes,
                fontsize=6.5,
                va="bottom",
                color=_style.CONTEXT["text"],
                gid="kurskgeo-date",
                parse_math=False,
            )
            h = head.get_window_extent(renderer).height * 72 / fig.dpi
            ax.set_title(
                _fmt_date(_snap_date(snap)),
                loc="left",
                fontsize=10,
                fontweight="bold",
                pad=h + 4,
                parse_math=False,
            )
        dates = [_snap_date(s) for s in snaps]
        head_text = fig.text(
            left_in / fig_w,
            1 - 0.2 / fig_h,
            title or _default_title(zones, reg),
            fontsize=13,
            fontweight="bold",
            va="top",
            gid="kurskgeo-title",
            parse_math=False,
        )
        width_px = (fig_w - left_in - 0.15) * fig.dpi
        head_text.set_text(
            _wrap_lines(
                head_text.get_text(), width_px, head_text.get_fontproperties(), renderer
            )
        )
        span = (
            f"{_fmt_date(dates[0])} to {_fmt_date(dates[-1])}"
            if n > 1
            else _fmt_date(dates[0])
        )
        sub = f"Snapshots of {span}"
        if reg is not None:
            sub += f"; areas within {reg.name or 'the region'}"
        below = head_text.get_window_extent(renderer).y0 / fig.dpi
        fig.text(
            left_in / fig_w,
            (below - 0.08) / fig_h,
            sub,
            fontsize=8.5,
            va="top",
            color=_style.CONTEXT["text"],
            gid="kurskgeo-date",
            parse_math=False,
        )
        patches = [
            _legend_patch(la.style, la.label, style_kwds) for la in all_layers[0]
        ] + _context_handles(
            {k: v for h in panels for k, v in h.items() if not k.startswith("_")}, reg
        )
        box = _locator.locator_box(frame, view, ctx)
        loc_w = 1.25 if box is not None else 0.0
        legend_w = fig_w - left_in - 0.15 - (loc_w + 0.2 if loc_w else 0)
        leg = fig.legend(
            handles=patches,
            loc="upper left",
            bbox_to_anchor=(left_in / fig_w - 0.01, (bottom_in - 0.22) / fig_h),
            ncols=min(len(patches), 3 if legend_w > 5 else 2),
            frameon=False,
        )
        border_note = next(
            (h["_border_note"] for h in panels if h.get("_border_note")), None
        )
        layer_names = _layer_names(snaps, zones, reg)
        credit_w = int((legend_w if loc_w else fig_w - 0.6) * 72 / (0.58 * 6.5))
        fig.text(
            left_in / fig_w,
            0.55 / fig_h,
            _attribution_text(
                snaps,
                reg,
                ctx,
                frame,
                attribution,
                width=credit_w,
                layers=layer_names,
                border=border_note,
            ),
            fontsize=6.5,
            va="top",
            color=_style.CONTEXT["subtle"],
            gid=_furniture.GID_ATTRIBUTION,
            parse_math=False,
        )
        del leg
        if box is not None:
            aspect = (box[3] - box[1]) / (box[2] - box[0])
            h_in = min(loc_w * aspect, bottom_in - 0.2)
            w_in = h_in / aspect
            holder = fig.add_axes(
                (
                    (fig_w - 0.15 - w_in) / fig_w,
                    0.1 / fig_h,
                    w_in / fig_w,
                    h_in / fig_h,
                )
            )
            holder.set_axis_off()
            holder.set_gid("kurskgeo-locator-holder")
            _locator.add_locator(
                holder, frame, view, ctx, reg, box, "lower left", size=1.0
            )
        for ax, handles in zip(axes, panels, strict=True):
            _write_names(ax, handles, [la.geom for la in all_layers[axes.index(ax)]])
    return fig
