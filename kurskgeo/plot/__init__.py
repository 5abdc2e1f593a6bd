"""Maps and charts a report can print: zones, change, area over time, small multiples.

Every map is drawn in an equal-area projection (by default a Lambert
azimuthal equal-area CRS centred on what is shown), so that the areas the eye
compares are the areas the legend states; the legend's areas are measured by
:class:`kurskgeo.area.Engine`, as everywhere else. Every map carries a
title, the snapshot date(s) ("21 August 2024"), the source attribution with
the source's own layer names, a legend in neutral words ("Held by Ukraine",
"Contested (grey zone)") with areas in km² and square miles, scale bars in km
and miles that are true where they are drawn, a north arrow computed from the
projection, graticule labels in degrees, one international border (the
region's boundary where it is the border) and, when the context layers reach
far enough, a locator inset. Settlement names stay inside the frame and clear
of each other, the legend and the furniture. The maps of a series share one
extent and projection when given the same ``extent`` (:func:`series_extent`).

The functions follow geopandas' habit: they take ``ax=None`` (a new
:class:`matplotlib.figure.Figure` is made, never through pyplot, so no global
state is kept), pass ``**style_kwds`` to the zone polygons, and return the
Axes they drew on (the Figure for small multiples). Matplotlib is imported
only when something is drawn.

For a batch of maps of the same place (one frame per date) use
:func:`iter_frames` or :func:`save_frames`: they draw the figure once and
only swap the zone polygons, legend and date for each frame. :func:`animate`
turns them into a GIF or MP4 with the date and area on each frame
(:mod:`~kurskgeo.plot.animate`), and :func:`explore` makes an interactive map
of a series: one HTML page, with a time slider, that works offline
(:mod:`~kurskgeo.plot.explore`, with folium).

Saved output is deterministic: :func:`save_figure` and :func:`figure_bytes`
strip timestamps and tool versions from PNG, SVG and PDF metadata and use
fonts that ship with matplotlib, so the same input gives identical bytes.

The package is split by step: reading what is drawn (``_inputs``), the map
projection, extent and zone layers (``_layers``), the words on a map
(``_text``), drawing (``_draw``), the public maps (:mod:`~kurskgeo.plot.maps`),
the chart (:mod:`~kurskgeo.plot.chart`), two sources side by side
(:mod:`~kurskgeo.plot.compare`), saving (:mod:`~kurskgeo.plot.save`)
and batches of frames (:mod:`~kurskgeo.plot.frames`); the furniture (scale
bar, north arrow, graticule, attribution) is in ``_furniture`` and the
palette in :mod:`~kurskgeo.plot.style`.

The artists of the furniture carry the ``gid`` :data:`GID_SCALE_BAR`,
:data:`GID_NORTH_ARROW`, :data:`GID_GRATICULE` or :data:`GID_ATTRIBUTION`, so
that they can be found in a figure
(``[a for a in ax.get_children() if a.get_gid() == GID_SCALE_BAR]``);
:func:`north_angle_deg` gives the direction of true north at a point of a map.
"""

from kurskgeo.plot._draw import MAP_BOX as MAP_BOX
from kurskgeo.plot._draw import MAP_FIGSIZE as MAP_FIGSIZE
from kurskgeo.plot._furniture import (
    GID_ATTRIBUTION,
    GID_GRATICULE,
    GID_NORTH_ARROW,
    GID_SCALE_BAR,
    north_angle_deg,
)
from kurskgeo.plot._inputs import OSM_CREDIT as OSM_CREDIT
from kurskgeo.plot._layers import series_extent
from kurskgeo.plot.animate import AnimationFrame, animate, iter_animation
from kurskgeo.plot.chart import CHART_FIGSIZE as CHART_FIGSIZE
from kurskgeo.plot.chart import claims_table, plot_timeline, reading_label
from kurskgeo.plot.compare import COMPARE_STYLES, plot_comparison
from kurskgeo.plot.explore import DEFAULT_SIMPLIFY_M, explore, save_explore, to_html
from kurskgeo.plot.frames import GID_CAPTION, GID_STAMP, iter_frames, save_frames
from kurskgeo.plot.maps import plot_change, plot_small_multiples, plot_snapshot
from kurskgeo.plot.save import FORMATS, figure_bytes, save_figure

__all__ = [
    "COMPARE_STYLES",
    "DEFAULT_SIMPLIFY_M",
    "FORMATS",
    "GID_ATTRIBUTION",
    "GID_CAPTION",
    "GID_GRATICULE",
    "GID_NORTH_ARROW",
    "GID_SCALE_BAR",
    "GID_STAMP",
    "AnimationFrame",
    "animate",
    "claims_table",
    "explore",
    "figure_bytes",
    "iter_animation",
    "iter_frames",
    "north_angle_deg",
    "plot_change",
    "plot_comparison",
    "plot_small_multiples",
    "plot_snapshot",
    "plot_timeline",
    "reading_label",
    "save_explore",
    "save_figure",
    "save_frames",
    "series_extent",
    "to_html",
]
