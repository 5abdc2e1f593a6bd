"""The map of two sources side by side: their overlap, and what each has alone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import shapely

from kurskgeo.errors import SnapshotError
from kurskgeo.io import LONLAT
from kurskgeo.plot._draw import _rc_context
from kurskgeo.plot._inputs import _contexts, _region
from kurskgeo.plot._layers import _frame, _Layer, _project
from kurskgeo.plot._text import _fmt_date, _fmt_km2_mi2
from kurskgeo.plot.maps import _draw_map
from kurskgeo.plot.style import FillStyle

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["COMPARE_STYLES", "plot_comparison"]

#: Overlap of two sources' zones, and each alone (Tol bright: blue, yellow,
#: red; L* 29, 72, 50, so that greyscale keeps them apart; hatches too).
COMPARE_STYLES: dict[str, FillStyle] = {
    "overlap": FillStyle("Both", "#6C4F8F", "#33264A"),
    "only_a": FillStyle("Only A", "#004488", "#002244", "////", "#002244"),
    "only_b": FillStyle("Only B", "#DDAA33", "#8A6A1F", "\\\\\\\\", "#8A6A1F"),
}


def _short(source: str) -> str:
    return source.split(" (")[0].split(" via ")[0]


def plot_comparison(
    parts: gpd.GeoDataFrame,
    *,
    labels: Sequence[str] | None = None,
    region: Any = None,
    context: Any = None,
    title: str | None = None,
    ax: Axes | None = None,
    extent: Any = None,
    attribution: str | None = None,
    legend_kwds: Mapping[str, Any] | None = None,
    figsize: tuple[float, float] | None = None,
    **style_kwds: Any,
) -> Axes:
    """Map two zones compared: where both have it, and where only one does.

    Parameters
    ----------
    parts : GeoDataFrame
        What :func:`kurskgeo.series.compare_parts` gives: rows ``overlap``,
        ``only_a`` and ``only_b`` with ``area_km2``, and the compared pair in
        ``attrs["row"]``.
    labels : (str, str), optional
        Names of A and B in the legend; by default their source and zone.
    region : path, GeoDataFrame or geometry, optional
        Outlined on the map (the region the zones were clipped to).
    context, title, ax, extent, attribution, legend_kwds, figsize
        As in :func:`kurskgeo.plot.plot_snapshot`.
    **style_kwds
        Passed to the three PathCollections.

    Returns
    -------
    matplotlib.axes.Axes
        Its legend gives each part's km²; the subtitle the dates and the
        intersection over union.

    Raises
    ------
    SnapshotError
        If `parts` is not a table of compared parts.
    """
    if not {"part", "area_km2"} <= set(parts.columns) or "row" not in parts.attrs:
        raise SnapshotError(
            "plot_comparison needs the table compare_parts() returns "
            "(columns part, area_km2; attrs['row'])"
        )
    row = parts.attrs["row"]
    if labels is None:
        labels = (
            f"{_short(row['source_a'])}: {row['zone_a']}",
            f"{_short(row['source_b'])}: {row['zone_b']}",
        )
    reg = _region(region if region is not None else parts.attrs.get("region"))
    ctx = _contexts(context)
    shown = parts.copy()
    shown["zone"] = shown["part"]
    shown["date"] = row["date_a"]
    nonempty = shown[~shapely.is_empty(np.asarray(shown.geometry.values))]
    frame = _frame([nonempty if len(nonempty) else shown], None, reg, "auto", extent)
    names = {
        "overlap": "Both",
        "only_a": f"Only {labels[0]}",
        "only_b": f"Only {labels[1]}",
    }
    layers = []
    for key in ("overlap", "only_a", "only_b"):
        sel = parts[parts["part"] == key]
        geom = sel.geometry.iloc[0] if len(sel) else shapely.Polygon()
        area = float(sel["area_km2"].iloc[0]) if len(sel) else 0.0
        plotted = (
            _project(np.array([geom], dtype=object), LONLAT, frame.crs)[0]
            if not geom.is_empty
            else geom
        )
        style = COMPARE_STYLES[key]
        layers.append(_Layer(key, names[key], plotted, area, style))
    default = "Two sources side by side"
    if reg is not None and reg.name:
        default += f" in {reg.name}"
    iou = row["iou"]
    sub = f"A: {_fmt_date(row['date_a'])}, B: {_fmt_date(row['date_b'])}"
    if iou == iou:
        sub += f"; intersection over union {iou:.2f}"
    sides = [gpd.GeoDataFrame({"source": [row["source_a"], row["source_b"]]})]

    with _rc_context():
        return _draw_map(
            ax,
            figsize,
            frame=frame,
            layers=layers,
            region=reg,
            contexts=ctx,
            places=[],
            extent=extent,
            title=title or default,
            subtitle=sub,
            entries=[(la, f"{la.label}: {_fmt_km2_mi2(la.area_km2)}") for la in layers],
            notes=[],
            sources=sides,
            attribution=attribution,
            layer_names=None,
            note=None,
            legend_kwds=legend_kwds,
            style_kwds=style_kwds,
        )
