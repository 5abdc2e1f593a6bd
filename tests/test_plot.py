"""Maps and charts: artists (title, legend areas, furniture), files, baselines."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyproj import CRS, Proj, Transformer

from tests.common import quadrangle_area_km2

pytest.importorskip("matplotlib")
os.environ.setdefault("MPLBACKEND", "Agg")

from kurskgeo import plot as kplot
from kurskgeo.errors import OutputError, OutputExistsError, SnapshotError
from kurskgeo.plot import frames as kplot_frames
from kurskgeo.plot import style as kplot_style

DATA = Path(__file__).resolve().parent / "data" / "plot"
BASELINE = Path(__file__).resolve().parent / "baseline"
A = DATA / "zones_2024-09-04.geojson"
B = DATA / "zones_2024-09-18.geojson"
REGION = DATA / "region.geojson"
COUNTRIES = DATA / "countries.geojson"
PLACES = DATA / "places.geojson"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# analytic areas of the authored boxes (closed-form WGS84 quadrangles)
LIB_A = quadrangle_area_km2(35.0, 51.2, 35.3, 51.4)
CON_A = quadrangle_area_km2(35.3, 51.2, 35.4, 51.4)
LIB_B = quadrangle_area_km2(35.1, 51.2, 35.4, 51.4)
STRIP = quadrangle_area_km2(35.0, 51.2, 35.1, 51.4)  # 0.1° of longitude


def km2(value: float) -> str:
    return f"{value:,.0f} km²"


KM2_PER_MI2 = 2.589988110336  # 1 sq mi = 1609.344² m², exactly


def _rounded(value: float) -> str:
    return f"{value:,.1f}" if abs(value) < 10 else f"{value:,.0f}"


def km2_mi2(value: float) -> str:
    """A legend's area: km² and square miles (a decimal under 10)."""
    return f"{_rounded(value)} km² ({_rounded(value / KM2_PER_MI2)} sq mi)"


def by_gid(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def texts_of(ax):
    from matplotlib.text import Text

    return [t.get_text() for t in ax.figure.findobj(Text) if t.get_visible()]


def legend_labels(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def png_pixels(data: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


@pytest.fixture(scope="module")
def snapshot_ax():
    return kplot.plot_snapshot(
        A, region=REGION, context=COUNTRIES, places=PLACES, title="Test map"
    )


# ------------------------------------------------------------- layer 1: artists


def test_snapshot_map_title_date_legend_areas(snapshot_ax):
    ax = snapshot_ax
    assert ax.get_title(loc="left") == "Test map"
    dates = by_gid(ax, "kurskgeo-date")
    assert len(dates) == 1 and "4 September 2024" in dates[0].get_text()
    labels = legend_labels(ax)
    assert labels[0] == f"Held by Ukraine: {km2_mi2(LIB_A)}"
    assert labels[1] == f"Contested (grey zone): {km2_mi2(CON_A)}"
    assert "Test Oblast boundary" in labels
    assert "International border" in labels
    assert "Settlement" in labels


def test_snapshot_map_furniture_present(snapshot_ax):
    ax = snapshot_ax
    assert len(by_gid(ax, kplot.GID_SCALE_BAR)) >= 4
    assert any(
        getattr(a, "get_text", lambda: "")() == "N"
        for a in by_gid(ax, kplot.GID_NORTH_ARROW)
    )
    assert by_gid(ax, kplot.GID_GRATICULE)
    attribution = by_gid(ax, kplot.GID_ATTRIBUTION)[0].get_text()
    assert "Source: Authored test map" in attribution
    assert "OpenStreetMap contributors" in attribution
    assert "Natural Earth" in attribution
    assert "Lambert azimuthal equal-area" in attribution
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks and all(re.fullmatch(r"\d+(\.\d+)?°E", t) for t in ticks)
    yticks = [t.get_text() for t in ax.get_yticklabels()]
    assert yticks and all(re.fullmatch(r"\d+(\.\d+)?°N", t) for t in yticks)


def test_places_inside_view_are_labelled(snapshot_ax):
    labels = [t.get_text() for t in by_gid(snapshot_ax, "kurskgeo-place-label")]
    assert "Alpha" in labels
    assert "Far away" not in labels


# ------------------------------------------------------------- names on a map

FURNITURE_GIDS = (
    kplot.GID_SCALE_BAR,
    kplot.GID_NORTH_ARROW,
    "kurskgeo-note",
    "kurskgeo-illustration",
)


def name_boxes(ax):
    """Window extents of the visible names: places and countries."""
    return [
        (t.get_text(), t.get_window_extent())
        for t in ax.texts
        if t.get_visible()
        and t.get_gid() in ("kurskgeo-place-label", "kurskgeo-context-label")
    ]


def assert_names_clear(ax):
    """Every name inside the frame, clear of the others and of everything else.

    Judged on the text extents of the figure as saved (laid out).
    """
    fig = ax.get_figure(root=True)
    kplot.figure_bytes(fig, "png", dpi=fig.dpi)
    frame = ax.get_window_extent()
    names = name_boxes(ax)
    for name, box in names:
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, (name, "cut at a side")
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1, (name, "cut at top/bottom")
    for (a, box_a), (b, box_b) in itertools.combinations(names, 2):
        assert not box_a.overlaps(box_b), (a, b)
    furniture = [
        (a.get_gid(), a.get_window_extent())
        for a in ax.get_children()
        if a.get_visible() and a.get_gid() in FURNITURE_GIDS
    ]
    furniture += [("locator", c.get_window_extent()) for c in ax.child_axes]
    legend = ax.get_legend()
    if legend is not None:
        furniture.append(("legend", legend.get_window_extent()))
    for name, box in names:
        for what, other in furniture:
            assert not box.overlaps(other), (name, what)
    # no name sits on a settlement's dot
    dots = [
        ax.transData.transform(c.get_offsets())
        for c in by_gid(ax, "kurskgeo-places")
        if c.get_visible() and len(c.get_offsets())
    ]
    for p in np.concatenate(dots) if dots else []:
        for name, box in names:
            assert not box.contains(*p), (name, "covers a dot")
    return names


def test_names_on_the_embedded_change_map_are_clear():
    """The embedded change map as the report draws it, note and all."""
    from kurskgeo.report import geodata_dir

    data = geodata_dir()
    snaps = sorted((data / "snapshots").glob("*.geojson"))
    ax = kplot.plot_change(
        data / "snapshots" / "kursk_2024-08-21.geojson",  # the largest extent
        snaps[-1],
        places=data / "places.geojson",
        context=data / "countries.geojson",
        figsize=(9, 8),
        note="Illustration: approximate shapes, not a map of the front",
    )
    names = assert_names_clear(ax)
    places = [n for n, _ in names if not n.isupper()]
    assert len(places) >= 15
    # each visible dot has its name: a dot without one is left out
    dots = sum(
        len(c.get_offsets()) for c in by_gid(ax, "kurskgeo-places") if c.get_visible()
    )
    assert dots == len(places)


def test_names_clear_in_a_user_figure_with_constrained_layout():
    """Names are judged where they are saved, after the layout moved the axes."""
    from matplotlib.figure import Figure

    from kurskgeo.report import geodata_dir

    data = geodata_dir()
    ax = Figure((7, 6), layout="constrained").add_subplot()
    kplot.plot_snapshot(
        data / "snapshots" / "kursk_2024-08-21.geojson",
        places=data / "places.geojson",
        context=data / "countries.geojson",
        ax=ax,
    )
    assert len(assert_names_clear(ax)) >= 10


# ------------------------------------------------------------- one border


def _segments(ax, gid):
    """The drawn lines of the collections `gid`, as shapely lines (map CRS)."""
    import shapely

    lines = []
    for coll in by_gid(ax, gid):
        if hasattr(coll, "get_segments"):
            lines += [
                shapely.linestrings(seg) for seg in coll.get_segments() if len(seg) > 1
            ]
        else:
            for path in coll.get_paths():
                for poly in path.to_polygons(closed_only=False):
                    if len(poly) > 1:
                        lines.append(shapely.linestrings(poly))
    return shapely.union_all(lines) if lines else shapely.MultiLineString()


def _to_map(ax, lon, lat):
    crs = CRS.from_user_input(kplot_crs(ax))
    tr = Transformer.from_crs("OGC:CRS84", crs, always_xy=True)
    return tr.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))


def border_case():
    """A region whose south edge runs 1-3 km north of the countries' border."""
    import geopandas as gpd
    from shapely.geometry import Polygon

    lon = np.linspace(34.9, 35.5, 61)
    south = 51.27 + 0.008 * np.sin(lon * 40)  # the region's own, wiggly line
    ring = [*zip(lon, south, strict=True), (35.5, 51.6), (34.9, 51.6)]
    region = gpd.GeoDataFrame(
        {
            "name_en": ["Test Oblast"],
            "license": ["ODbL-1.0 (c) OpenStreetMap contributors"],
        },
        geometry=[Polygon(ring)],
        crs="OGC:CRS84",
    )
    return region, lon, south


def test_one_border_the_region_boundary_where_it_runs_with_the_countries():
    region, lon, south = border_case()
    ax = kplot.plot_snapshot(
        A, region=region, context=wide_countries(), extent=(34.6, 51.1, 35.8, 51.65)
    )
    import shapely

    border = _segments(ax, "kurskgeo-border")
    outline = _segments(ax, "kurskgeo-region")
    assert len(by_gid(ax, "kurskgeo-border")) == 1
    # along the stretch, the border is the region's own line...
    mid = slice(10, 51)
    x, y = _to_map(ax, lon[mid], south[mid])
    assert shapely.distance(border, shapely.points(x, y)).max() < 60
    # ... and the countries' line there, 1-3 km away, is not drawn
    x, y = _to_map(ax, np.linspace(35.0, 35.4, 20), np.full(20, 51.25))
    assert shapely.distance(border, shapely.points(x, y)).min() > 800
    # beyond the region, the countries' line is the border
    x, y = _to_map(ax, [34.65, 35.75], [51.25, 51.25])
    assert shapely.distance(border, shapely.points(x, y)).max() < 60
    # the region's outline is drawn where it is no border, and only there
    x, y = _to_map(ax, lon[mid], south[mid])
    assert shapely.distance(outline, shapely.points(x, y)).min() > 500
    x, y = _to_map(ax, [35.0, 35.4], [51.6, 51.6])
    assert shapely.distance(outline, shapely.points(x, y)).max() < 60
    credit = by_gid(ax, kplot.GID_ATTRIBUTION)[0].get_text().replace("\n", " ")
    assert "International border drawn along the Test Oblast boundary" in credit
    assert {"International border", "Test Oblast boundary"} <= set(legend_labels(ax))


def test_a_region_reaching_across_the_border_is_not_taken_for_it():
    """The test region straddles the countries' line: its edges are no border."""
    ax = kplot.plot_snapshot(A, region=REGION, context=COUNTRIES)
    import shapely

    border = _segments(ax, "kurskgeo-border")
    x, y = _to_map(ax, np.linspace(34.85, 35.4, 10), np.full(10, 51.25))
    assert shapely.distance(border, shapely.points(x, y)).max() < 60  # the line
    x, y = _to_map(ax, np.full(5, 34.8), np.linspace(51.05, 51.2, 5))
    assert shapely.distance(border, shapely.points(x, y)).min() > 1000
    credit = by_gid(ax, kplot.GID_ATTRIBUTION)[0].get_text()
    assert "drawn along" not in credit


# ------------------------------------------------------------- locator


def test_a_locator_shows_the_region_among_the_countries():
    ax = kplot.plot_snapshot(A, region=REGION, context=wide_countries(), places=PLACES)
    (inset,) = ax.child_axes
    assert inset.get_gid() == "kurskgeo-locator"
    kplot.figure_bytes(ax.figure, "png")
    assert ax.get_window_extent().contains(*inset.get_window_extent().p0)
    assert ax.get_window_extent().contains(*inset.get_window_extent().p1)
    # it shows at least three times the map each way, and the map's box in red
    (mx0, mx1), (my0, my1) = ax.get_xlim(), ax.get_ylim()
    (ix0, ix1), (iy0, iy1) = inset.get_xlim(), inset.get_ylim()
    assert ix1 - ix0 >= 3 * (mx1 - mx0) and iy1 - iy0 >= 3 * (my1 - my0)
    assert ix0 < mx0 and mx1 < ix1 and iy0 < my0 and my1 < iy1
    colours = [tuple(np.round(c.get_edgecolor()[0][:3], 2)) for c in inset.collections]
    assert (0.75, 0.22, 0.17) in colours  # the map's box, #C0392B
    names = {t.get_text() for t in inset.texts}
    assert names <= {"NORTHLAND", "SOUTHLAND"} and names
    # and names on the map keep clear of it
    assert_names_clear(ax)


@pytest.mark.parametrize("context", [None, COUNTRIES])
def test_no_locator_without_countries_reaching_well_beyond_the_map(context):
    ax = kplot.plot_snapshot(A, region=REGION, context=context)
    assert not ax.child_axes


# ------------------------------------------------------------- one extent


def test_maps_given_one_extent_share_projection_and_view():
    from kurskgeo.report import geodata_dir

    snaps = sorted((geodata_dir() / "snapshots").glob("*.geojson"))
    box = kplot.series_extent(snaps, zone=["liberated", "contested"])
    early = kplot.plot_snapshot(snaps[1], extent=box)
    late = kplot.plot_snapshot(snaps[-1], extent=box)
    change = kplot.plot_change(snaps[2], snaps[-1], extent=box)
    views = {(ax.get_xlim(), ax.get_ylim()) for ax in (early, late, change)}
    assert len(views) == 1
    assert len({kplot_crs(ax) for ax in (early, late, change)}) == 1
    # the box holds every zone of every snapshot
    import geopandas as gpd
    import shapely

    for path in snaps:
        zones = gpd.read_file(path)
        assert shapely.box(*box).contains(shapely.union_all(zones.geometry.values))
    # small multiples show the same box, shaped to their panels
    fig = kplot.plot_small_multiples([snaps[1], snaps[-1]], extent=box)
    edge = shapely.box(*box).segmentize(0.01).exterior.coords
    lon, lat = np.array(edge).T
    x, y = _to_map(early, lon, lat)  # the panels share its projection
    for ax in [*fig.get_axes(), early]:
        (a0, a1), (b0, b1) = ax.get_xlim(), ax.get_ylim()
        assert a0 <= x.min() + 1 and x.max() <= a1 + 1
        assert b0 <= y.min() + 1 and y.max() <= b1 + 1


def test_series_extent_refuses_nothing():
    with pytest.raises(SnapshotError, match="at least one"):
        kplot.series_extent([])
    with pytest.raises(SnapshotError, match="not a box"):
        kplot.plot_snapshot(A, extent=(35.5, 51.0, 35.0, 51.4))


# ------------------------------------------------------------- words


def test_legends_use_neutral_words_and_the_credit_the_sources_own():
    ax = kplot.plot_snapshot(A, region=REGION)
    words = " ".join(legend_labels(ax)).lower()
    assert "liberated" not in words and "ukrainian-held" not in words
    assert kplot_style.zone_label("liberated") == "Held by Ukraine"
    assert kplot_style.zone_label("contested") == "Contested (grey zone)"
    assert kplot_style.zone_label("occupied") == "Occupied by Russia"


def test_svg_and_pdf_keep_text_as_text(tmp_path):
    ax = kplot.plot_snapshot(A, region=REGION, context=COUNTRIES, places=PLACES)
    svg = kplot.save_figure(ax, tmp_path / "m.svg").read_text(encoding="utf-8")
    assert re.search(r"<text[^>]*>[^<]*Alpha", svg)
    assert re.search(r"<text[^>]*>[^<]*Held by Ukraine", svg)
    pdf = kplot.save_figure(ax, tmp_path / "m.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"/Type3" not in pdf  # TrueType, not outlines


def test_a_name_under_a_legend_inside_the_frame_is_left_out():
    """A place in the corner of a legend put inside the frame gets no name."""
    import geopandas as gpd
    from shapely.geometry import Point

    inside = {"loc": "upper left"}
    bare = kplot.plot_snapshot(A, region=REGION, crs="EPSG:3035", legend_kwds=inside)
    (x0, x1), (y0, y1) = bare.get_xlim(), bare.get_ylim()
    to_lonlat = Transformer.from_crs("EPSG:3035", "OGC:CRS84", always_xy=True)
    corner = to_lonlat.transform(x0 + 0.05 * (x1 - x0), y1 - 0.05 * (y1 - y0))
    places = gpd.GeoDataFrame(
        {"name": ["Cornered", "Alpha"]},
        geometry=[Point(*corner), Point(35.15, 51.3)],
        crs="OGC:CRS84",
    )
    ax = kplot.plot_snapshot(
        A, region=REGION, places=places, crs="EPSG:3035", legend_kwds=inside
    )
    assert (ax.get_xlim(), ax.get_ylim()) == ((x0, x1), (y0, y1))
    shown = [t.get_text() for t in by_gid(ax, "kurskgeo-place-label")]
    assert shown == ["Alpha"]
    # and its dot goes with it: a dot without a name tells a reader nothing
    (dots,) = [c for c in by_gid(ax, "kurskgeo-places") if c.get_visible()]
    assert len(dots.get_offsets()) == 1


def test_graticule_labels_sit_where_meridians_cross_the_frame(snapshot_ax):
    ax = snapshot_ax
    y0 = ax.get_ylim()[0]
    crs = CRS.from_user_input(kplot_crs(ax))
    inv = Transformer.from_crs(crs, "OGC:CRS84", always_xy=True)
    for x, label in zip(ax.get_xticks(), ax.get_xticklabels(), strict=True):
        lon, _ = inv.transform(x, y0)
        assert lon == pytest.approx(float(label.get_text()[:-2]), abs=1e-6)
    x0 = ax.get_xlim()[0]
    for y, label in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True):
        _, lat = inv.transform(x0, y)
        assert lat == pytest.approx(float(label.get_text()[:-2]), abs=1e-6)


def kplot_crs(ax) -> str:
    """The map's CRS, read back from the attribution's projection centre."""
    text = by_gid(ax, kplot.GID_ATTRIBUTION)[0].get_text()
    m = re.search(r"centred ([\d.]+)°E ([\d.]+)°N", text.replace("\n", " "))
    assert m, text
    lon, lat = float(m.group(1)), float(m.group(2))
    return f"+proj=laea +lat_0={lat} +lon_0={lon} +ellps=WGS84 +units=m +type=crs"


def test_map_is_drawn_in_equal_area_metres(snapshot_ax):
    # the liberated polygon's drawn path encloses its true area in m²
    import shapely

    coll = by_gid(snapshot_ax, "kurskgeo-zone-liberated")[0]
    verts = coll.get_paths()[0].vertices
    assert shapely.Polygon(verts[:-1]).area / 1e6 == pytest.approx(LIB_A, rel=1e-4)


@pytest.mark.parametrize("crs", ["auto", "EPSG:3857", "EPSG:32636"])
@pytest.mark.parametrize(("unit", "metres"), [("km", 1000.0), ("mi", 1609.344)])
def test_scale_bar_is_true_where_drawn(crs, unit, metres):
    """Each bar (km, and miles) is as long on the ground as its label says."""
    import matplotlib.figure

    ax = kplot.plot_snapshot(A, crs=crs)
    fig = ax.figure
    assert isinstance(fig, matplotlib.figure.Figure)
    map_crs = (
        CRS.from_user_input(kplot_crs(ax))
        if crs == "auto"
        else CRS.from_user_input(crs)
    )
    bar = [
        a for a in by_gid(ax, kplot.GID_SCALE_BAR) if a.get_label() == f"scale-{unit}"
    ]
    rects = [a for a in bar if a.__class__.__name__ == "Rectangle"]
    assert len(rects) >= 2
    x0 = min(r.get_x() for r in rects)
    x1 = max(r.get_x() + r.get_width() for r in rects)
    y = rects[0].get_y()
    label = next(
        a.get_text() for a in bar if getattr(a, "get_text", lambda: "")().endswith(unit)
    )
    length = float(label.split()[0])
    # independent reference: geodesic distance between the bar's ends
    from pyproj import Geod

    inv = Transformer.from_crs(map_crs, "OGC:CRS84", always_xy=True)
    (lon0, lon1), (lat0, lat1) = inv.transform([x0, x1], [y, y])
    dist = Geod(ellps="WGS84").inv(lon0, lat0, lon1, lat1)[2] / metres
    assert dist == pytest.approx(length, rel=2e-3)
    if crs == "EPSG:3857":  # Mercator stretches by sec(lat): a bar 1/cos(lat) longer
        assert (x1 - x0) / metres / length == pytest.approx(
            1 / np.cos(np.radians(y_lat(inv, x0, y))), rel=5e-3
        )


def y_lat(inv, x, y):
    return inv.transform(x, y)[1]


@pytest.mark.parametrize(
    "crs",
    [
        "EPSG:32636",
        "EPSG:3035",
        "+proj=laea +lat_0=51 +lon_0=30 +ellps=WGS84 +type=crs",
    ],
)
def test_north_arrow_follows_meridian_convergence(crs):
    ax = kplot.plot_snapshot(A, crs=crs)
    x = sum(ax.get_xlim()) / 2
    y = sum(ax.get_ylim()) / 2
    angle = kplot.north_angle_deg(CRS.from_user_input(crs), x, y)
    lon, lat = Transformer.from_crs(crs, "OGC:CRS84", always_xy=True).transform(x, y)
    # pyproj's own meridian convergence: the angle from grid north to true north
    conv = Proj(CRS.from_user_input(crs)).get_factors(lon, lat).meridian_convergence
    assert angle == pytest.approx(-conv, abs=0.05)
    n = next(
        a for a in by_gid(ax, kplot.GID_NORTH_ARROW) if getattr(a, "get_text", None)
    )
    assert n.get_rotation() % 360 == pytest.approx(conv % 360, abs=0.05)


def test_north_arrow_points_up_in_auto_laea(snapshot_ax):
    ax = snapshot_ax
    crs = CRS.from_user_input(kplot_crs(ax))
    assert (
        abs(
            kplot.north_angle_deg(
                crs, *[sum(ax.get_xlim()) / 2, sum(ax.get_ylim()) / 2]
            )
        )
        < 0.1
    )


def test_change_map_areas_are_analytic():
    ax = kplot.plot_change(B, A, zone="liberated")  # order given; labels follow a→b
    labels = legend_labels(ax)
    # A→B: the liberated box moved 0.1° east
    ax2 = kplot.plot_change(A, B, zone="liberated")
    labels2 = legend_labels(ax2)
    assert labels2[:3] == [
        f"Gained by Ukraine: {km2_mi2(STRIP * 1)}",
        f"Lost by Ukraine: {km2_mi2(STRIP)}",
        f"Held on both dates: {km2_mi2(LIB_A - STRIP)}",
    ]
    assert labels[0].startswith("Gained") and labels[1].startswith("Lost")
    sub = by_gid(ax2, "kurskgeo-date")[0].get_text().replace("\n", " ")
    assert "4 September 2024" in sub and "18 September 2024" in sub
    # (wrapped to the frame's width, never inside a date)
    assert ax2.get_title(loc="left").replace("\n", " ") == (
        "Ground Ukraine gained and lost, 4 Sep 2024 to 18 Sep 2024"
    )
    colours = {
        c.get_gid(): c.get_facecolor()[0][:3]
        for c in ax2.collections
        if str(c.get_gid()).startswith("kurskgeo-zone-")
    }
    assert len({tuple(np.round(v, 3)) for v in colours.values()}) == 3


def test_change_map_says_which_ground_counts():
    """With the grey zone counted, ground leaving it counts as lost: say so."""
    ax = kplot.plot_change(A, B, zone=["liberated", "contested"], region=REGION)
    sub = by_gid(ax, "kurskgeo-date")[0].get_text().replace("\n", " ")
    assert sub.startswith(
        "Counting ground held by Ukraine or contested (grey zone): lost is ground "
        "counted on 4 September 2024 and not on 18 September 2024"
    )
    assert legend_labels(ax)[2].startswith("Held or contested on both dates: ")


def test_a_change_too_small_to_see_is_summarised_not_given_a_swatch(tmp_path):
    """A gain of 0.2 km² gets a line in the legend, and no swatch of its own."""
    import geopandas as gpd
    from shapely.geometry import box

    a = kplot_snapshot_of(box(35.0, 51.2, 35.3, 51.4), "2024-09-04")
    tiny = box(35.3, 51.2, 35.305, 51.2035)  # about 0.2 km²
    b = kplot_snapshot_of(box(35.0, 51.2, 35.3, 51.4).union(tiny), "2024-09-18")
    assert isinstance(a, gpd.GeoDataFrame)
    ax = kplot.plot_change(a, b, zone="liberated")
    legend = ax.get_legend()
    labels = legend_labels(ax)
    area = quadrangle_area_km2(35.3, 51.2, 35.305, 51.2035)
    line = f"Gained by Ukraine: {area:.1f} km² (too small to show)"
    assert line in labels
    assert not any(t.startswith("Gained by Ukraine: ") and "sq mi" in t for t in labels)
    handle = legend.legend_handles[labels.index(line)]
    assert handle.get_linestyle() in ("None", "none", "") and handle.get_marker() in (
        "None",
        "none",
        "",
        None,
    )
    assert ax.get_title(loc="left").startswith("Ground Ukraine kept")


def kplot_snapshot_of(geom, day):
    import geopandas as gpd

    return gpd.GeoDataFrame(
        {
            "date": [dt.date.fromisoformat(day)],
            "source": ["test"],
            "label": ["t"],
            "zone": ["liberated"],
        },
        geometry=[geom],
        crs="OGC:CRS84",
    )


def test_change_gain_plus_unchanged_is_later_area():
    ax = kplot.plot_change(A, B, zone=["liberated", "contested"], region=REGION)
    vals = [
        float(re.search(r"([\d,.]+) km²", t).group(1).replace(",", ""))
        for t in legend_labels(ax)[:3]
    ]
    gained, lost, same = vals
    later = quadrangle_area_km2(35.1, 51.2, 35.45, 51.4)  # clipped at the region's edge
    earlier = LIB_A + CON_A
    assert gained + same == pytest.approx(later, abs=1.5)
    assert lost + same == pytest.approx(earlier, abs=1.5)


def test_region_clips_legend_area():
    ax = kplot.plot_snapshot(B, zone="contested", region=REGION)
    assert (
        legend_labels(ax)[0]
        == f"Contested (grey zone): {km2_mi2(quadrangle_area_km2(35.4, 51.2, 35.45, 51.4))}"
    )


def test_style_kwds_pass_through_and_ax_is_reused():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 4))
    ax = fig.add_subplot()
    out = kplot.plot_snapshot(
        A, zone="liberated", ax=ax, alpha=0.5, edgecolor="#ff0000"
    )
    assert out is ax
    coll = by_gid(ax, "kurskgeo-zone-liberated")[0]
    assert coll.get_alpha() == 0.5
    assert tuple(coll.get_edgecolor()[0][:3]) == (1.0, 0.0, 0.0)


def test_library_keeps_no_pyplot_state():
    code = (
        "import sys; from kurskgeo.plot import plot_snapshot; "
        f"plot_snapshot({str(A)!r}); print('matplotlib.pyplot' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_importing_kurskgeo_and_plot_does_not_import_matplotlib():
    code = "import sys, kurskgeo, kurskgeo.plot, kurskgeo.cli.map; print('matplotlib' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_small_multiples_share_extent_and_carry_furniture():
    fig = kplot.plot_small_multiples([A, B], region=REGION, title="Two dates")
    axes = fig.get_axes()
    assert len(axes) == 2
    assert axes[0].get_xlim() == axes[1].get_xlim()
    assert axes[0].get_ylim() == axes[1].get_ylim()
    assert [ax.get_title(loc="left") for ax in axes] == [
        "4 September 2024",
        "18 September 2024",
    ]
    for ax in axes:
        assert by_gid(ax, kplot.GID_SCALE_BAR) and by_gid(ax, kplot.GID_NORTH_ARROW)
    from matplotlib.text import Text

    texts = [t.get_text() for t in fig.findobj(Text)]
    assert "Two dates" in texts
    assert any("Source: Authored test map" in t for t in texts)
    assert any(f"Held by Ukraine {km2_mi2(LIB_A)}" in t for t in texts)


def test_small_multiples_needs_snapshots():
    with pytest.raises(SnapshotError, match="at least one"):
        kplot.plot_small_multiples([])


# ------------------------------------------------------------- timeline chart


VERDICTS = pd.DataFrame(
    {
        "id": ["c1", "c2", "c3", "c4"],
        "date": ["2024-08-20", "2024-09-01", "2024-09-10", "2024-09-15"],
        "qualifier": ["more_than", "about", "less_than", "about"],
        "claimed_km2": [1000.0, 800.0, 500.0, 700.0],
        "measured_km2": [900.0, 800.0, 880.0, float("nan")],
        "verdict": ["overstated", "consistent", "understated", "unverifiable"],
    }
)
SERIES = pd.DataFrame(
    {
        "date": [dt.date(2024, 8, 14), dt.date(2024, 9, 4), dt.date(2024, 9, 18)],
        "path": ["a", "b", "c"],
        "area_km2": [469.0, 908.0, 790.0],
        "gained_km2": [0.0, 439.0, 0.0],
        "lost_km2": [0.0, 0.0, 118.0],
        "net_km2": [0.0, 439.0, -118.0],
        "km2_per_day": [0.0, 20.9, -8.4],
    }
)


# two readings of the same maps: held, and held with the grey zone
READINGS = pd.DataFrame(
    {
        "date": ["2024-08-14", "2024-09-04", "2024-12-11", "2025-01-08", "2025-03-19"]
        * 2,
        "area_km2": [469.0, 908.0, 522.0, 452.0, 121.0]
        + [975.0, 1246.0, 686.0, 653.0, 167.0],
        "reading": ["liberated"] * 5 + ["liberated+contested"] * 5,
    }
)
# two claims of one day, on different readings, as claims_table gives them
READING_CLAIMS = pd.DataFrame(
    {
        "id": ["held", "implied", "syrskyi"],
        "date": ["2025-01-17", "2025-01-17", "2024-08-27"],
        "claimed_km2": [420.0, 467.0, 1294.0],
        "qualifier": ["more_than", "about", "about"],
        "verdict": ["consistent", "depends_on_reading", "depends_on_reading"],
        "measured_km2": [452.0, 653.0, 1258.0],
        "low_km2": [440.0, 630.0, 1180.0],
        "high_km2": [465.0, 680.0, 1300.0],
        "reading": ["liberated", "liberated+contested", "liberated+contested"],
        "label": [
            "DeepState, 17 Jan: more than 420 km² held",
            "Russian MoD, 17 Jan: 1,268 taken − 801 retaken = 467 km² held (implied)",
            "Syrskyi, 27 Aug: 1,294 km² held",
        ],
    }
)


def test_timeline_draws_one_line_per_reading_and_bands_in_their_colours():
    ax = kplot.plot_timeline(READINGS, claims=READING_CLAIMS)
    lines = {
        ln.get_label(): ln
        for ln in ax.get_lines()
        if not ln.get_label().startswith("_")
    }
    held, both = lines["Held by Ukraine"], lines["Held by Ukraine + grey zone"]
    assert list(held.get_ydata()) == [469.0, 908.0, 522.0, 452.0, 121.0]
    assert list(both.get_ydata()) == [975.0, 1246.0, 686.0, 653.0, 167.0]
    bands = by_gid(ax, "kurskgeo-claim-band")
    assert len(bands) == 3
    colour = {tuple(np.round(b.get_ydata(), 1)): b.get_color() for b in bands}
    assert colour[(440.0, 465.0)] == held.get_color()  # the held-only claim
    assert colour[(630.0, 680.0)] == both.get_color()
    labels = [t.get_text() for t in by_gid(ax, "kurskgeo-claim-label")]
    assert "DeepState, 17 Jan: more than 420 km² held" in labels
    assert "Band a drawn line allows (its line's colour)" in legend_labels(ax)


def test_claims_of_one_day_stand_side_by_side():
    """Two claims of 17 January: markers apart, not on top of each other."""
    ax = kplot.plot_timeline(READINGS, claims=READING_CLAIMS)
    kplot.figure_bytes(ax.figure, "png")
    points = []
    for gid in ("kurskgeo-claim-consistent", "kurskgeo-claim-depends_on_reading"):
        (coll,) = by_gid(ax, gid)
        points.extend(ax.transData.transform(coll.get_offsets()))
    points = np.array(points)
    same_day = points[np.argsort(points[:, 0])][1:]  # the two of 17 January
    marker_px = np.sqrt(42) * ax.figure.dpi / 72
    assert abs(same_day[1, 0] - same_day[0, 0]) >= marker_px
    assert abs(same_day[1, 0] - same_day[0, 0]) < 3 * marker_px  # still at the date


def test_timeline_takes_the_full_width_with_legend_and_credit_below():
    ax = kplot.plot_timeline(READINGS, claims=READING_CLAIMS)
    kplot.figure_bytes(ax.figure, "png")
    fig_box = ax.figure.bbox
    frame = ax.get_window_extent()
    assert frame.width > 0.85 * fig_box.width
    legend = ax.get_legend().get_window_extent()
    credit = by_gid(ax, kplot.GID_ATTRIBUTION)[0].get_window_extent()
    assert legend.y1 < frame.y0 and credit.y1 <= legend.y0 + 1
    assert fig_box.contains(legend.x1 - 1, legend.y0 + 1)


def test_claims_table_labels_who_said_what():
    """From a real check: labels, bands and readings of the area claims."""
    from kurskgeo.claims import check_claims, read_claims
    from kurskgeo.report import geodata_dir

    data = geodata_dir()
    result = check_claims(
        read_claims(data / "claims" / "kursk.yaml"), data / "snapshots"
    )
    table = kplot.claims_table(result).set_index("id")
    assert table.loc["deepstate-held", "label"] == (
        "DeepState, 17 Jan: more than 420 km² held"
    )
    assert table.loc["deepstate-held", "reading"] == "liberated"
    assert table.loc["mod-held-implied", "label"] == (
        "Russian MoD, 17 Jan: 1,268 taken − 801 retaken = 467 km² held (implied)"
    )
    assert table.loc["syrskyi-2024-08", "label"] == "Syrskyi, 27 Aug: 1,294 km² held"
    low, high, measured = table.loc[
        "syrskyi-2024-08", ["low_km2", "high_km2", "measured_km2"]
    ]
    assert low <= measured <= high and high - low > 1
    verdicts = result.verdicts.set_index("id")
    assert low == verdicts.loc["syrskyi-2024-08", "low"]


@pytest.mark.parametrize(
    ("source", "short"),
    [
        ("Russian Defence Ministry", "Russian MoD"),
        ("Russian Defence Ministry (implied)", "Russian MoD"),
        (
            "Oleksandr Syrskyi, Commander-in-Chief of the Armed Forces of Ukraine",
            "Syrskyi",
        ),
        ("Sergei Rudskoi, first deputy head of the Russian General Staff", "Rudskoi"),
        ("DeepState (as reported by The Moscow Times)", "DeepState"),
        ("Institute for the Study of War", "Institute for the Study of War"),
        ("", "Unknown"),
    ],
)
def test_short_source(source, short):
    from kurskgeo.plot.chart import short_source

    assert short_source(source) == short


def test_timeline_claims_by_verdict_and_qualifier():
    ax = kplot.plot_timeline(SERIES, claims=VERDICTS, label="Ukrainian-held", title="T")
    labels = legend_labels(ax)
    assert labels[0] == "Ukrainian-held"
    for v in ("consistent", "overstated", "understated", "unverifiable"):
        assert f"Claim: {v}" in labels
        (coll,) = by_gid(ax, f"kurskgeo-claim-{v}")
        assert len(coll.get_offsets()) == 1
    assert "Claim says “more than”" in labels and "Claim says “less than”" in labels
    arrows = [c for c in ax.get_children() if c.get_gid() == "kurskgeo-qualifier"]
    assert len(arrows) == 2
    ups = sorted(a.xy[1] - a.xyann[1] for a in arrows)
    assert ups[0] < 0 < ups[1]
    assert ax.get_ylabel() == "Area (km²)"
    assert ax.get_ylim()[1] > 1000
    assert ax.get_title(loc="left") == "T"


def test_timeline_marks_what_each_claim_was_checked_against():
    # a claim may measure another zone than the series drawn: its own measured
    # value is marked, for the three claims that have one
    ax = kplot.plot_timeline(SERIES, claims=VERDICTS, label="Ukrainian-held")
    ticks = by_gid(ax, "kurskgeo-claim-measured")
    assert sorted(t.get_ydata()[0] for t in ticks) == [800.0, 880.0, 900.0]
    assert "Measured value the claim was checked against" in legend_labels(ax)


def test_timeline_step_follows_series():
    ax = kplot.plot_timeline(SERIES, label="held")
    line = ax.get_lines()[0]
    assert line.get_drawstyle() == "steps-post"
    assert list(line.get_ydata()) == [469.0, 908.0, 790.0]


def _saved_label_boxes(ax):
    """Save the figure (laid out as saved) and return its claim labels' boxes."""
    kplot.figure_bytes(ax.figure, "png", dpi=100)
    labels = by_gid(ax, "kurskgeo-claim-label")
    return {t.get_text(): t.get_window_extent() for t in labels}


def _crosses_series(ax, box):
    """Whether `box` (pixels) meets a drawn series line (matplotlib's own test)."""
    for line in ax.get_lines():
        if line.get_linestyle() in ("None", "none", "", " "):
            continue  # markers only, or a claim's tick
        path = line.get_transform().transform_path(line.get_path())
        if path.intersects_bbox(box, filled=False):
            return True
    return False


FLAT = pd.DataFrame(
    {"date": ["2024-08-01", "2024-08-31", "2024-09-30"], "area_km2": [500.0] * 3}
)


@pytest.mark.parametrize("layout", [None, "constrained"])
@pytest.mark.parametrize("kind", ["line", "step"])
def test_a_claim_label_is_moved_off_the_series_line(layout, kind):
    """A claim on a flat series: the label's usual spot, to the right, is on the line."""
    from matplotlib.figure import Figure

    claims = pd.DataFrame(
        {"id": ["on-the-line"], "date": ["2024-08-31"], "claimed_km2": [500.0]}
    )
    ax = None if layout is None else Figure((8, 4.5), layout=layout).add_subplot()
    ax = kplot.plot_timeline(FLAT, claims=claims, ax=ax, kind=kind, label="held")
    box = _saved_label_boxes(ax)["on-the-line"]
    assert not _crosses_series(ax, box)
    assert ax.bbox.contains(box.x0, box.y0) and ax.bbox.contains(box.x1, box.y1)


@pytest.mark.parametrize("layout", [None, "constrained"])
def test_labels_of_claims_of_one_date_are_apart_and_by_their_own_marker(layout):
    from matplotlib.figure import Figure

    claims = pd.DataFrame(
        {
            "id": ["low-claim", "mid-claim", "high-claim"],
            "date": ["2024-08-31"] * 3,
            "claimed_km2": [440.0, 500.0, 560.0],
            "qualifier": ["about", "more_than", "about"],
            "verdict": ["consistent"] * 3,
        }
    )
    ax = None if layout is None else Figure((8, 4.5), layout=layout).add_subplot()
    ax = kplot.plot_timeline(FLAT, claims=claims, ax=ax, kind="line", label="held")
    boxes = _saved_label_boxes(ax)
    assert sorted(boxes) == sorted(claims["id"])
    for a, b in itertools.combinations(boxes.values(), 2):
        assert not a.overlaps(b)
    markers = ax.transData.transform(
        [
            (ax.convert_xunits(pd.Timestamp("2024-08-31")), v)
            for v in claims["claimed_km2"]
        ]
    )
    for i, name in enumerate(claims["id"]):
        box = boxes[name]
        assert not _crosses_series(ax, box)
        # the label is nearer its own marker than any other claim's
        near = [np.hypot(*(np.clip(m, box.p0, box.p1) - m)) for m in markers]
        assert int(np.argmin(near)) == i, (name, near)


def test_timeline_from_snapshots_measures_areas():
    ax = kplot.plot_timeline([A, B], zone=["liberated", "contested"], kind="line")
    lines = {
        ln.get_label(): ln
        for ln in ax.get_lines()
        if not ln.get_label().startswith("_")
    }
    assert list(lines["Held by Ukraine"].get_ydata()) == pytest.approx(
        [LIB_A, LIB_B], rel=1e-5
    )  # geodesic vs parallel edges
    # the grey zone is a reading of the ground held, not a line of its own
    assert list(lines["Held by Ukraine + grey zone"].get_ydata()) == pytest.approx(
        [
            quadrangle_area_km2(35.0, 51.2, 35.4, 51.4),
            quadrangle_area_km2(35.1, 51.2, 35.5, 51.4),
        ],
        rel=1e-5,
    )
    assert len(lines) == 2


def test_timeline_rejects_bad_input():
    with pytest.raises(SnapshotError, match="area_km2"):
        kplot.plot_timeline(pd.DataFrame({"date": ["2024-01-01"]}))
    with pytest.raises(SnapshotError, match="claimed_km2"):
        kplot.plot_timeline(SERIES, claims=pd.DataFrame({"date": ["2024-01-01"]}))
    with pytest.raises(ValueError, match="kind"):
        kplot.plot_timeline(SERIES, kind="bars")


@pytest.mark.parametrize(
    ("qualifier", "direction"),
    [
        ("more_than", 1),
        ("at_least", 1),
        ("over", 1),
        ("less_than", -1),
        ("at_most", -1),
        ("about", 0),
        ("exact", 0),
        ("nearly", 0),
        (None, 0),
        # read as kurskgeo.claims reads them: upper bounds, however worded
        ("no more than", -1),
        ("up to", -1),
        ("no less than", 1),
        ("maximum", -1),
        ("not a qualifier", 0),
    ],
)
def test_qualifier_arrow_direction(qualifier, direction):
    """A lower bound gets an arrow up from its marker, an upper bound one down."""
    claims = pd.DataFrame(
        {"date": ["2024-09-01"], "claimed_km2": [800.0], "qualifier": [qualifier]}
    )
    ax = kplot.plot_timeline(SERIES, claims=claims, label="held")
    arrows = by_gid(ax, "kurskgeo-qualifier")
    assert len(arrows) == abs(direction)
    for arrow in arrows:
        assert arrow.xyann[1] == 800.0  # from the marker
        assert np.sign(arrow.xy[1] - arrow.xyann[1]) == direction


# ------------------------------------------------------------- colours


def test_cie_lightness_matches_published_values():
    # CIE L* of sRGB mid-grey #777777 is 50.03; of #808080 53.59 (sRGB/D65)
    assert kplot_style.cie_lightness("#777777") == pytest.approx(50.03, abs=0.05)
    assert kplot_style.cie_lightness("#808080") == pytest.approx(53.59, abs=0.05)


@pytest.mark.parametrize(
    "styles",
    [
        [kplot_style.ZONE_STYLES[z] for z in ("occupied", "liberated", "contested")],
        list(kplot_style.CHANGE_STYLES.values()),
    ],
)
def test_fills_differ_in_greyscale(styles):
    lightness = sorted(kplot_style.cie_lightness(s.facecolor) for s in styles)
    assert min(np.diff(lightness)) >= 20


def test_verdicts_differ_by_shape_as_well_as_colour():
    markers = [s.marker for s in kplot_style.VERDICT_STYLES.values()]
    assert len(set(markers)) == len(markers)


# ------------------------------------------------------------- layer 2: files


@pytest.mark.parametrize(("figsize", "dpi"), [((6, 6), 50), ((5, 4), 80)])
def test_png_file_signature_size_not_blank(tmp_path, figsize, dpi):
    ax = kplot.plot_snapshot(A, region=REGION, figsize=figsize)
    out = kplot.save_figure(ax, tmp_path / "map.png", dpi=dpi)
    data = out.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    px = png_pixels(data)
    # as wide as asked; as tall as the map, its legend and credit need, at most
    assert px.shape[1] == round(figsize[0] * dpi)
    assert px.shape[0] <= round(figsize[1] * dpi)
    assert abs(px.shape[0] - ax.figure.get_size_inches()[1] * dpi) < 1
    assert len(np.unique(px.reshape(-1, 4), axis=0)) > 20
    liberated = np.all(px[..., :3] == (0x00, 0x44, 0x88), axis=-1)
    assert liberated.mean() > 0.02


def test_a_new_map_is_trimmed_to_its_content_not_padded():
    """No band of white under the credit: the figure ends where the text does."""
    ax = kplot.plot_snapshot(A, region=REGION, context=COUNTRIES, places=PLACES)
    fig = ax.figure
    kplot.figure_bytes(fig, "png")
    bottom = min(
        a.get_window_extent().y0
        for a in [ax.get_legend(), *by_gid(ax, kplot.GID_ATTRIBUTION)]
    )
    assert 0 < bottom < 0.15 * fig.dpi  # within the edge left at the bottom


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_output_is_byte_identical(tmp_path, fmt):
    runs = []
    for i in range(2):
        ax = kplot.plot_snapshot(A, region=REGION, context=COUNTRIES, places=PLACES)
        runs.append(
            kplot.save_figure(ax, tmp_path / f"m{i}.{fmt}", dpi=40).read_bytes()
        )
    assert runs[0] == runs[1]
    if fmt == "png":
        assert b"Software" not in runs[0]
    if fmt == "pdf":
        assert b"CreationDate" not in runs[0]
    if fmt == "svg":
        assert b"<dc:date>" not in runs[0]


def test_save_refuses_overwrite_and_unknown_suffix(tmp_path):
    ax = kplot.plot_snapshot(A)
    target = tmp_path / "m.png"
    kplot.save_figure(ax, target, dpi=20)
    with pytest.raises(OutputExistsError, match="overwrite"):
        kplot.save_figure(ax, target, dpi=20)
    kplot.save_figure(ax, target, dpi=20, overwrite=True)
    with pytest.raises(OutputError, match=r"\.png"):
        kplot.save_figure(ax, tmp_path / "m.jpg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.png"]


def test_frames_reuse_one_figure_without_residue(tmp_path):
    both = dict(kplot.iter_frames([A, B], region=REGION, dpi=40))
    reverse = dict(kplot.iter_frames([B, A], region=REGION, dpi=40))
    assert set(both) == {dt.date(2024, 9, 4), dt.date(2024, 9, 18)}
    # each frame is the same whether drawn first or after another one
    assert both == reverse
    assert both[dt.date(2024, 9, 4)] != both[dt.date(2024, 9, 18)]
    px = png_pixels(both[dt.date(2024, 9, 4)])
    assert px.shape[:2] == (240, 240)


def test_frames_match_a_full_draw_of_the_same_map():
    # the blitted frame equals savefig of a figure drawn once with the same content
    frames = list(kplot.iter_frames([A], region=REGION, dpi=40))
    again = list(
        kplot.iter_frames([A], region=REGION, dpi=40, fmt="png", compress_level=1)
    )
    assert frames[0][1] == again[0][1]
    svg = list(kplot.iter_frames([A], region=REGION, dpi=40, fmt="svg"))
    assert svg[0][1].startswith(b"<?xml")


def test_save_frames_pattern(tmp_path):
    written = kplot.save_frames([A, B], tmp_path / "f_{date}.png", dpi=30)
    assert [p.name for p in written] == ["f_2024-09-04.png", "f_2024-09-18.png"]
    with pytest.raises(OutputExistsError):
        kplot.save_frames([A], tmp_path / "f_{date}.png", dpi=30)
    with pytest.raises(OutputError, match="date"):
        kplot.save_frames([A], tmp_path / "f.png")


# ------------------------------------------------------------- layer 3: baselines


def _hide_text(fig):
    from matplotlib.text import Text

    for t in fig.findobj(Text):
        t.set_visible(False)


def wide_countries():
    """Two authored countries reaching far beyond the test maps: a locator shows."""
    import geopandas as gpd
    from shapely.geometry import box

    return gpd.GeoDataFrame(
        {"NAME": ["Northland", "Southland"], "featurecla": ["Admin-0 country"] * 2},
        geometry=[box(28.0, 51.25, 44.0, 58.0), box(28.0, 44.0, 44.0, 51.25)],
        crs="OGC:CRS84",
    )


def _embedded(*names):
    from kurskgeo.report import geodata_dir

    data = geodata_dir()
    return data, [data / "snapshots" / f"kursk_{n}.geojson" for n in names]


def _baseline_figures():
    def snapshot():
        return kplot.plot_snapshot(
            A, region=REGION, context=wide_countries(), places=PLACES, extent="region"
        ).figure

    def change():
        data, (a, b) = _embedded("2024-08-21", "2025-03-19")
        return kplot.plot_change(
            a,
            b,
            places=data / "places.geojson",
            context=data / "countries.geojson",
            note="Illustration",
        ).figure

    def small_multiples():
        data, snaps = _embedded("2024-08-14", "2024-08-21", "2025-03-19")
        return kplot.plot_small_multiples(
            snaps,
            places=data / "places.geojson",
            context=data / "countries.geojson",
            note="Illustration",
            panel_size=2.5,
        )

    def timeline():
        return kplot.plot_timeline(READINGS, claims=READING_CLAIMS).figure

    return {
        "snapshot": snapshot,
        "change": change,
        "small_multiples": small_multiples,
        "timeline": timeline,
    }


@pytest.mark.parametrize("name", sorted(_baseline_figures()))
def test_matches_baseline(tmp_path, name):
    from matplotlib.testing.compare import compare_images

    fig = _baseline_figures()[name]()
    _hide_text(fig)
    actual = tmp_path / f"{name}.png"
    actual.write_bytes(kplot.figure_bytes(fig, "png", dpi=40))
    expected = BASELINE / f"{name}.png"
    if os.environ.get("KURSKGEO_REGENERATE_BASELINES"):
        expected.parent.mkdir(exist_ok=True)
        expected.write_bytes(actual.read_bytes())
    assert expected.is_file(), f"missing baseline {expected}; regenerate deliberately"
    result = compare_images(str(expected), str(actual), tol=2)
    assert result is None, result


# ------------------------------------------------------------- real data


@pytest.mark.realdata
def test_real_deepstate_map_legend_matches_published_areas(shared_data, kursk_oblast):
    from kurskgeo.errors import SkippedFeatureWarning

    path = shared_data / "deepstate-raw" / "1723635752.geojson"
    with warnings.catch_warnings():
        # the export's Points are the map's markers: noted, not warned about
        warnings.simplefilter("error", SkippedFeatureWarning)
        ax = kplot.plot_snapshot(
            path,
            zone=["liberated", "contested"],
            region=kursk_oblast,
            context=[
                shared_data / "context" / "natural_earth_10m_ukraine.geojson",
                shared_data / "context" / "natural_earth_10m_russia.geojson",
            ],
        )
    labels = legend_labels(ax)
    # PROVENANCE.md: about 469 km² Ukrainian-held and 507 km² grey zone (geodesic)
    held = float(re.search(r"([\d,]+) km²", labels[0]).group(1).replace(",", ""))
    grey = float(re.search(r"([\d,]+) km²", labels[1]).group(1).replace(",", ""))
    assert held == pytest.approx(469, abs=2)
    assert grey == pytest.approx(507, abs=2)
    assert "DeepStateMap" in by_gid(ax, kplot.GID_ATTRIBUTION)[0].get_text()
    # Russia crosses the antimeridian: clipped before projecting, nothing blows up
    assert np.isfinite(ax.get_xlim()).all()
    assert max(abs(v) for v in ax.get_xlim()) < 500_000
    data = kplot.figure_bytes(ax.figure, "png", dpi=40)
    assert data.startswith(PNG_SIGNATURE)


@pytest.fixture(scope="module")
def real_report_figures(tmp_path_factory, request):
    """The figures of a report on the real series, as saved (not stored)."""
    shared = request.getfixturevalue("shared_data")
    import kurskgeo.plot
    from kurskgeo.report import make_report

    seen = {}
    save = kurskgeo.plot.save_figure

    def recording(fig, path, **kw):
        seen[Path(path).name] = fig
        return save(fig, path, **kw)

    mp = pytest.MonkeyPatch()
    mp.setattr(kurskgeo.plot, "save_figure", recording)
    try:
        make_report(
            tmp_path_factory.mktemp("real") / "report",
            snapshots=shared / "deepstate-raw",
            claims=Path(__file__).resolve().parents[1]
            / "geodata"
            / "claims"
            / "kursk.yaml",
            map_zone=["liberated", "contested"],
            region=shared / "boundaries" / "kursk_oblast.geojson",
            context=[
                shared / "context" / "natural_earth_10m_ukraine.geojson",
                shared / "context" / "natural_earth_10m_russia.geojson",
            ],
        )
    finally:
        mp.undo()
    return seen


def _map_axes(fig):
    return [ax for ax in fig.get_axes() if ax.get_visible() and ax.axison]


@pytest.mark.realdata
def test_real_series_names_stay_clear_on_every_map(real_report_figures):
    maps = {n: f for n, f in real_report_figures.items() if n != "timeline.png"}
    assert len(maps) >= 5 and "small_multiples.png" in maps
    for name, fig in maps.items():
        for ax in _map_axes(fig):
            names = assert_names_clear(ax)
            assert names, name
            # and no dot is left without its name
            dots = sum(
                len(c.get_offsets())
                for c in by_gid(ax, "kurskgeo-places")
                if c.get_visible()
            )
            assert dots == len([n for n, _ in names if not n.isupper()]), name


@pytest.mark.realdata
def test_real_chart_labels_are_apart_inside_and_say_who_said_what(real_report_figures):
    (ax,) = real_report_figures["timeline.png"].get_axes()
    boxes = _saved_label_boxes(ax)
    assert "DeepState, 17 Jan: more than 420 km² held" in boxes
    for a, b in itertools.combinations(boxes.values(), 2):
        assert not a.overlaps(b)
    for box in boxes.values():
        assert ax.bbox.contains(box.x0, box.y0) and ax.bbox.contains(box.x1, box.y1)
    lines = [
        ln.get_label() for ln in ax.get_lines() if not ln.get_label().startswith("_")
    ]
    assert lines == ["Held by Ukraine", "Held by Ukraine + grey zone"]


@pytest.mark.realdata
def test_real_series_maps_share_one_extent(real_report_figures):
    single = [
        _map_axes(f)[0]
        for n, f in real_report_figures.items()
        if n.startswith(("map_", "change_"))
    ]
    assert len(single) >= 4
    assert len({(ax.get_xlim(), ax.get_ylim()) for ax in single}) == 1
    assert len({kplot_crs(ax) for ax in single}) == 1
    panels = _map_axes(real_report_figures["small_multiples.png"])
    assert len({(ax.get_xlim(), ax.get_ylim()) for ax in panels}) == 1


@pytest.mark.realdata
def test_real_maps_draw_one_border_line(real_report_figures):
    """The oblast boundary is the border: no second line beside it."""
    import shapely

    checked = 0
    for name, fig in real_report_figures.items():
        if not name.startswith(("map_", "change_")):
            continue
        (ax,) = _map_axes(fig)
        assert len(by_gid(ax, "kurskgeo-border")) == 1
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        view = shapely.box(x0, y0, x1, y1)
        border = _segments(ax, "kurskgeo-border").intersection(view)
        outline = _segments(ax, "kurskgeo-region").intersection(view)
        # the oblast's outline never runs beside the border
        beside = outline.intersection(border.buffer(1500))
        assert beside.length < 3000, (name, beside.length)
        # nor does a second border line: away from each point of the border,
        # the nearest other stretch of it is not within 1.5 km
        points = [
            part.interpolate(d)
            for part in shapely.get_parts(shapely.line_merge(border))
            for d in np.arange(0, part.length, 500.0)
        ]
        assert len(points) > 100
        doubled = [
            p for p in points if p.distance(border.difference(p.buffer(3000))) < 1500
        ]
        assert len(doubled) < 0.03 * len(points), (name, len(doubled), len(points))
        # in the credit: the layer names the source gave; in the legend, ours
        credit = by_gid(ax, kplot.GID_ATTRIBUTION)[0].get_text().replace("\n", " ")
        assert "“Liberated” (shown as held by Ukraine)" in credit
        assert "liberated" not in " ".join(legend_labels(ax)).lower()
        assert ax.child_axes and ax.child_axes[0].get_gid() == "kurskgeo-locator"
        checked += 1
    assert checked >= 4


@pytest.mark.parametrize("places", [None, PLACES])
def test_blitted_frames_equal_full_redraws(monkeypatch, places):
    from PIL import Image

    kw = {"region": REGION, "context": COUNTRIES, "places": places, "dpi": 50}
    blitted = [b for _, b in kplot.iter_frames([A, B], **kw)]
    monkeypatch.setattr(kplot_frames, "_BLIT", False)
    full = [b for _, b in kplot.iter_frames([A, B], **kw)]
    for fast, slow in zip(blitted, full, strict=True):
        assert png_pixels(fast).shape == png_pixels(slow).shape == (300, 300, 4)
        assert np.any(png_pixels(fast) != png_pixels(slow), axis=-1).mean() == 0
        # the frame encoder writes the canvas pixels unchanged, with the dpi:
        # savefig's bytes (Pillow, same options)
        assert fast == slow
        # (PNG stores whole pixels per metre: 50 dpi is written as 1969 px/m)
        assert Image.open(io.BytesIO(fast)).info["dpi"] == pytest.approx(
            (50, 50), abs=0.0254
        )


def test_timeline_of_a_series_measured_on_every_zone_has_one_unnamed_line():
    """A reading column of missing values (every zone measured) is no reading:
    pandas may hold it as NaN, which must not be read as zone names."""
    series = pd.DataFrame(
        {
            "date": ["2024-09-01", "2024-09-08"],
            "area_km2": [10.0, 12.0],
            "reading": pd.Series([None, None], dtype="str"),
        }
    )
    ax = kplot.plot_timeline(series)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Measured area"]
    assert ax.lines[0].get_ydata().tolist() == [10.0, 12.0]
