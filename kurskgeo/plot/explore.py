"""An interactive map of a series: one HTML page that works with the network off.

:func:`explore` builds a :class:`folium.Map` as ``GeoDataFrame.explore()``
does (folium's ``GeoJson`` layers with tooltips, on a Leaflet map), with the
zones of every date in a layer of their own and a slider that shows one date
at a time, its areas, and the claims judged on that map; the region's border,
context borders and places stay on every date. :func:`to_html` renders it as
one self-contained page and :func:`save_explore` writes it.

Offline by construction: folium's default page links Leaflet, jQuery,
Bootstrap and Font Awesome from CDNs. None of them is linked here. Leaflet
(the only library the page uses) is inlined from the ``xstatic-leaflet``
package, its stylesheet's images as ``data:`` URIs; the slider is a few lines
of plain JavaScript over folium's layers (folium's own time plugins load
further scripts from CDNs). No tiles are drawn unless asked for: the region
and context borders and the places give the bearings.

Geometry for the browser: each zone's union is simplified in the map's
equal-area projection, so the tolerance is in metres everywhere (every
vertex of the measured boundary lies within `simplify_m` of the line drawn,
which is checked), then rounded to 5 decimals of a degree (about a metre).
The page says so. The areas shown are those of the full shapes, measured by
the one engine (:func:`kurskgeo.area.zone_union`, :func:`kurskgeo.series.area_series`).

Text from the data (zone names, sources, claim statements, place names)
reaches the page in three ways, each escaped for its context: HTML-escaped
in the page and in tooltip fields (which Leaflet sets as HTML), and as JSON
in a ``<script type="application/json">`` block (``<``, ``>``, ``&`` escaped)
that the slider reads and writes with ``textContent``.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import math
import os
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry.base import BaseGeometry

from kurskgeo.errors import KurskgeoError, OutputError
from kurskgeo.io import LONLAT
from kurskgeo.plot import _borders
from kurskgeo.plot import style as _style
from kurskgeo.plot._inputs import (
    _contexts,
    _places,
    _present_zones,
    _region,
    _snap_date,
    _snapshot,
    _zones_arg,
)
from kurskgeo.plot._layers import _frame, _project, _zone_layers
from kurskgeo.plot._text import _attribution_text, _default_title, _fmt_area

if TYPE_CHECKING:  # pragma: no cover
    import folium

__all__ = [
    "DEFAULT_SIMPLIFY_M",
    "explore",
    "save_explore",
    "to_html",
]

#: Default simplification of the shapes sent to the browser, in metres: well
#: inside the 250 m accuracy of a drawn front line that verdicts allow for.
DEFAULT_SIMPLIFY_M = 50.0

#: Decimals of a degree kept in the page (1e-5 degree is at most 1.1 m).
_DECIMALS = 5

#: The map is fitted to the zones beside the panel (which is this wide).
_PANEL_PX = 400

#: Context layers are cut to the focus box widened by this many degrees.
_CONTEXT_MARGIN_DEG = 1.5


# ---------------------------------------------------------------- Leaflet


@lru_cache(maxsize=1)
def _leaflet() -> tuple[str, str, str]:
    """Leaflet's version, its script as a data: URI, and its stylesheet.

    The stylesheet's images (the layer-control icon, the default marker) are
    inlined as data: URIs so that nothing is fetched from disk either. The
    script goes in as a base64 data: URI rather than as text: it needs no
    escaping for the page, and the links in its own source (the default
    attribution prefix, which this page replaces) stay out of the page's text.
    """
    try:
        import xstatic.pkg.leaflet as xleaflet
    except ImportError:  # pragma: no cover - a core dependency
        raise KurskgeoError(
            "the interactive map needs the package xstatic-leaflet "
            "(pip install xstatic-leaflet)"
        ) from None
    base = Path(xleaflet.BASE_DIR)
    script = (base / "leaflet.js").read_bytes()
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        name = match.group(1)
        data = base64.b64encode((base / "images" / name).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\(images/([\w.-]+\.png)\)", inline, css)
    js_uri = "data:text/javascript;base64," + base64.b64encode(script).decode("ascii")
    return str(xleaflet.VERSION), js_uri, css


def _slider_js() -> str:
    return resources.files("kurskgeo.plot").joinpath("explore.js").read_text("utf-8")


# ---------------------------------------------------------------- geometry


def _browser_geometry(
    geom: BaseGeometry, crs: Any, tolerance_m: float
) -> dict[str, Any] | None:
    """Simplify in the equal-area CRS (metres), then round in lon/lat: GeoJSON."""
    if geom is None or geom.is_empty:
        return None
    geom = _simplify(geom, tolerance_m)
    lonlat = _project(geom, crs, LONLAT)[0]
    lonlat = shapely.set_precision(lonlat, 10.0**-_DECIMALS)
    if lonlat.is_empty:
        return None
    out: dict[str, Any] = json.loads(shapely.to_geojson(lonlat))
    return out


def _simplify(geom: BaseGeometry, tolerance: float) -> BaseGeometry:
    """Simplify (Douglas-Peucker) so that every vertex stays within `tolerance`.

    Every vertex of `geom` lies within `tolerance` of the boundary kept (of
    the line kept, for lines). GEOS
    also drops a ring's start vertex when it can, and that step can move the
    line by more than the tolerance (by 18% on a ragged test ring); where it
    did, a smaller tolerance is tried, and at worst nothing is
    simplified.
    """
    if tolerance <= 0:
        return geom
    vertices = shapely.points(shapely.get_coordinates(geom))
    step = tolerance
    for _ in range(5):
        simple = shapely.simplify(geom, step, preserve_topology=True)
        # a polygon's vertices must stay near its edge; a line's near itself
        line = shapely.get_type_id(simple) in (1, 5)
        edge = simple if line else shapely.boundary(simple)
        shapely.prepare(edge)
        if bool(shapely.dwithin(edge, vertices, tolerance).all()):
            return simple
        step *= 0.7
    return geom


def _rounded(value: Any) -> Any:
    """Coordinates rounded to the page's decimals (set_precision leaves 1e-5 noise)."""
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, float):
        return round(value, _DECIMALS)
    return value


def _feature(geometry: dict[str, Any], **properties: Any) -> dict[str, Any]:
    geometry = {
        "type": geometry["type"],
        "coordinates": _rounded(geometry["coordinates"]),
    }
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _lonlat_part(geom: BaseGeometry, crs: Any, box: BaseGeometry) -> BaseGeometry:
    """`geom` (lon/lat) cut to `box` and projected to `crs`."""
    cut = shapely.clip_by_rect(geom, *box.bounds)
    if cut.is_empty:
        return cut
    return _project(cut.segmentize(0.05), LONLAT, crs)[0]


def _borders_layer(
    m: Any,
    contexts: Sequence[Any],
    region: Any,
    crs: Any,
    wide: BaseGeometry,
    simplify_m: float,
) -> None:
    """Draw the countries' land, one international border, the region outline.

    As on the print maps (``kurskgeo.plot._borders``): the region's boundary
    is the border where the two run together, so the page draws one line
    there, not the region's and the context's a few kilometres apart.
    """
    import folium

    window = _lonlat_part(wide, crs, wide)
    home = (
        shapely.Point(region.geom.representative_point().coords[0])
        if region is not None
        else None
    )
    land: list[tuple[BaseGeometry, bool]] = []
    edges: list[BaseGeometry] = []
    for c in contexts:
        part = _lonlat_part(c.geom, crs, wide)
        if part.is_empty:
            continue
        land.append((part, home is not None and bool(shapely.contains(c.geom, home))))
        edges.append(_lonlat_part(shapely.boundary(c.geom), crs, wide))
        g = _browser_geometry(part, crs, simplify_m)
        if g is not None:
            folium.GeoJson(
                _feature(g, name=html.escape(c.name or "")),
                style_function=lambda f: {
                    "stroke": False,
                    "fillColor": _style.CONTEXT["land"],
                    "fillOpacity": 0.5,
                },
                interactive=False,
                control=False,
            ).add_to(m)
    region_proj = _project(region.geom, LONLAT, crs)[0] if region is not None else None
    drawn = _borders.border_lines(land, edges, region_proj, window)
    lines = [(drawn.border, {"color": _style.CONTEXT["border"], "weight": 1.6})]
    if region_proj is not None:
        rest = drawn.region_rest
        if rest is None:
            rest = shapely.intersection(shapely.boundary(region_proj), window)
        lines.append(
            (
                rest,
                {"color": _style.CONTEXT["region"], "weight": 1.6, "dashArray": "6 4"},
            )
        )
    for geom, style in lines:
        g = _browser_geometry(geom, crs, simplify_m)
        if g is not None:
            folium.GeoJson(
                _feature(g),
                style_function=lambda f, style=style: {**style, "fill": False},
                interactive=False,
                control=False,
            ).add_to(m)


# ---------------------------------------------------------------- text


def _day(value: dt.date | None) -> str:
    """``17 January 2025`` (``undated`` for None), as the report writes dates."""
    if value is None:
        return "undated"
    return f"{value.day} {value:%B %Y}"


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else ""


def _km2(value: float) -> str:
    return f"{_fmt_area(value)} km²" if math.isfinite(value) else "? km²"


def _json_for_html(data: Any) -> str:
    """JSON that cannot close the ``<script>`` element it sits in."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _claim_items(result: Any, dates: Sequence[dt.date | None]) -> list[dict[str, Any]]:
    """One entry per claim: what was said, what was measured, on which map."""
    from kurskgeo.claims import wording

    out = []
    for v in result.records:
        c, p = v.claim, v.primary
        unit = "percent" if c.kind == "share" else "km2"
        index = None
        measured = ""
        if p is not None and p.map is not None:
            day = p.map.date() if isinstance(p.map, dt.datetime) else p.map
            hits = [i for i, d in enumerate(dates) if d == day]
            index = hits[-1] if hits else None
        if p is not None and p.verdict != "unverifiable":
            band = wording.span(p.low, p.high, unit)
            measured = (
                f"measured {wording.quantity(p.measured, unit)} "
                f"({wording.zone_words(p.zone)}"
                + (f", band {band}" if band else "")
                + f") on the map of {wording.day(p.map)}"
            )
        out.append(
            {
                "id": str(c.id),
                "said": f"{c.source or 'unknown source'}, {wording.day(c.date)}",
                "statement": str(c.statement or ""),
                "claimed": "claimed "
                + (
                    wording.claimed(c)
                    if c.kind != "derived"
                    else f"{wording.quantity(v.value, 'km2')} ({wording.claimed(c)})"
                ),
                "measured": measured,
                "verdict": str(v.verdict),
                "verdict_text": str(v.verdict).replace("_", " "),
                "colour": _style.VERDICT_STYLES.get(
                    v.verdict, _style.VERDICT_STYLES["unverifiable"]
                ).color,
                "reason": str(v.reason or ""),
                "map": index,
            }
        )
    return out


def _check(claims: Any, snaps: Sequence[Any], zones: Any, region: Any) -> Any:
    """Return a CheckResult as given, or check the claims (file or list) on `snaps`."""
    if claims is None or hasattr(claims, "records"):
        return claims
    from kurskgeo.claims import check_claims, read_claims

    if isinstance(claims, (str, os.PathLike)):
        claims = read_claims(claims)
    return check_claims(list(claims), list(snaps), zone=zones, region=region)


# ---------------------------------------------------------------- the map


def _deterministic_ids(root: Any) -> None:
    """Give folium's elements ids in tree order: the same input, the same page."""
    stack = [root]
    n = 0
    while stack:
        el = stack.pop(0)
        el._id = f"k{n:05d}"
        n += 1
        stack.extend(el._children.values())


def explore(
    snapshots: Iterable[Any],
    *,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    context: Any = None,
    places: Any = None,
    claims: Any = None,
    title: str | None = None,
    notice: str | None = None,
    attribution: str | None = None,
    start: int | None = None,
    simplify_m: float = DEFAULT_SIMPLIFY_M,
    tiles: str | None = None,
    tiles_attribution: str | None = None,
) -> folium.Map:
    """Map a series interactively: the zones of each date on a time slider.

    Each snapshot's zones (their unions, clipped to the region) form one
    layer; a slider shows one date at a time with the area of each zone and
    the claims judged on that map, coloured by verdict. The region's border,
    the context borders and the places are drawn on every date.

    Parameters
    ----------
    snapshots : iterable of GeoDataFrame or paths
        The series, in date order.
    zone, region, context, places
        As in :func:`plot_snapshot`.
    claims : CheckResult, path or list of Claim, optional
        Claims to list with their verdicts: a result of
        :func:`kurskgeo.claims.check_claims`, or claims (a file or a list)
        checked here on `snapshots`.
    title : str, optional
        Headline of the page (by default it names the zones and the region).
    notice : str, optional
        A warning shown above everything, such as "Illustration: approximate
        shapes, not a map of the front".
    attribution : str, optional
        Replace the automatic source line.
    start : int, optional
        Index of the snapshot shown first (default: the last).
    simplify_m : float
        Tolerance of the simplification in metres (0: none).
    tiles : str, optional
        A background tile layer: a Leaflet URL template or a provider name
        known to xyzservices. None (the default) draws no tiles, so the page
        makes no request at all.
    tiles_attribution : str, optional
        The credit a tile URL needs (providers bring their own).

    Returns
    -------
    folium.Map
        Render it with :func:`to_html` (or ``Map.save``).

    Raises
    ------
    SnapshotError
        If no snapshot is given or one cannot be read.
    KurskgeoError
        If `tiles` is a URL without `tiles_attribution`.

    Examples
    --------
    >>> import datetime as dt
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> snaps = [gpd.GeoDataFrame(
    ...     {"date": [dt.date(2024, 9, d)], "source": ["test"], "label": ["t"],
    ...      "zone": ["liberated"]}, geometry=[box(35.0, 51.0, 35.1 * d / 4, 51.1)],
    ...     crs="OGC:CRS84") for d in (4, 5)]
    >>> page = to_html(explore(snaps))
    >>> "5 September 2024" in page, 'src="http' in page
    (True, False)
    """
    import folium
    from folium.utilities import JsCode

    from kurskgeo.errors import SnapshotError
    from kurskgeo.series import area_series

    snaps = [_snapshot(s) for s in snapshots]
    if not snaps:
        raise SnapshotError("explore needs at least one snapshot")
    if simplify_m < 0 or not math.isfinite(simplify_m):
        raise KurskgeoError(f"simplify_m must be 0 or more metres, not {simplify_m}")
    zones_arg = _zones_arg(zone)
    zones: list[str | None] = list(zones_arg) if zones_arg else _present_zones(snaps)
    reg = _region(region)
    ctx = _contexts(context)
    pts = _places(places)
    frame = _frame(snaps, zones_arg, reg, "auto")
    dates = [_snap_date(s) for s in snaps]
    layers = [_zone_layers(s, zones, reg, frame) for s in snaps]
    region_geom = reg.geom if reg is not None else None
    totals: list[float] | None = None
    if len(zones) > 1:
        series = area_series(
            snaps, zone=zones_arg, region=region_geom, on_duplicate="last"
        )
        by_date = dict(zip(series["date"], series["area_km2"], strict=True))
        totals = [float(by_date.get(d, math.nan)) for d in dates]

    lon0, lat0, lon1, lat1 = frame.focus
    m = folium.Map(
        location=_rounded([(lat0 + lat1) / 2, (lon0 + lon1) / 2]),
        zoom_start=9,
        tiles=None,
        control_scale=True,
        attribution_control=False,
        prefer_canvas=False,
    )
    # the CDN links of folium's default page: none (Leaflet is inlined below)
    m.default_js = []
    m.default_css = []
    if tiles:
        try:
            folium.TileLayer(
                tiles,
                attr=html.escape(tiles_attribution) if tiles_attribution else None,
                name="tiles",
                control=False,
            ).add_to(m)
        except ValueError as exc:
            raise KurskgeoError(
                f"tiles {tiles!r}: {exc} (name a provider, or give the credit "
                "the tile source asks for: tiles_attribution / --tiles-attribution)"
            ) from None

    focus = shapely.box(lon0, lat0, lon1, lat1)
    wide = focus.buffer(_CONTEXT_MARGIN_DEG, join_style="mitre")
    _borders_layer(m, ctx, reg, frame.crs, wide, simplify_m)

    groups = []
    date_entries = []
    for k, (snap, ls) in enumerate(zip(snaps, layers, strict=True)):
        day = _day(dates[k])
        source = "; ".join(
            sorted({str(s) for s in snap.get("source", []) if isinstance(s, str)})
        )
        features = []
        for la in ls:
            g = _browser_geometry(la.geom, frame.crs, simplify_m)
            if g is None:
                continue
            features.append(
                _feature(
                    g,
                    zone=html.escape(la.label),
                    area=html.escape(_km2(la.area_km2)),
                    date=html.escape(day),
                    source=html.escape(source or "unknown"),
                    fill=la.style.facecolor,
                    edge=la.style.edgecolor,
                    dash="4 3" if la.style.hatch else None,
                )
            )
        group = folium.FeatureGroup(name=day, show=False, control=False)
        if features:
            folium.GeoJson(
                {"type": "FeatureCollection", "features": features},
                style_function=lambda f: {
                    "fillColor": f["properties"]["fill"],
                    "color": f["properties"]["edge"],
                    "weight": 1.2,
                    "fillOpacity": 0.55,
                    "dashArray": f["properties"]["dash"],
                },
                highlight_function=lambda f: {"weight": 3, "fillOpacity": 0.7},
                tooltip=folium.GeoJsonTooltip(
                    ["zone", "area", "date", "source"],
                    aliases=["Zone", "Area", "Map of", "Source"],
                ),
            ).add_to(group)
        group.add_to(m)
        groups.append(group)
        date_entries.append(
            {
                "iso": _iso(dates[k]),
                "text": day,
                "source": source,
                "areas": [
                    {
                        "label": la.label,
                        "area": _km2(la.area_km2),
                        "fill": la.style.facecolor,
                    }
                    for la in ls
                ],
                "total": _km2(totals[k]) if totals is not None else "",
            }
        )

    if pts:
        folium.GeoJson(
            {
                "type": "FeatureCollection",
                "features": [
                    _feature(
                        {"type": "Point", "coordinates": [lon, lat]},
                        name=name,
                    )
                    for name, lon, lat, _rank in pts
                ],
            },
            # a label per place, its name set as text (Leaflet's own
            # permanent tooltips work per layer, not per feature of a group)
            on_each_feature=JsCode(_PLACE_LABEL),
            marker=folium.CircleMarker(
                radius=3,
                color=_style.CONTEXT["place"],
                weight=1,
                fill=True,
                fill_color="#ffffff",
                fill_opacity=1,
            ),
            control=False,
        ).add_to(m)

    claims_result = _check(claims, snaps, zones_arg, region_geom)
    claim_items = _claim_items(claims_result, dates) if claims_result else []
    first = len(snaps) - 1 if start is None else int(start)
    if not 0 <= first < len(snaps):
        raise KurskgeoError(f"start={start} is not the index of a snapshot")
    credit = _attribution_text(snaps, reg, ctx, None, attribution, width=10_000)
    simplified = (
        f"Shapes simplified for the browser to within {simplify_m:g} m (in an "
        "equal-area projection) and rounded to about 1 m; areas are measured "
        "by kurskgeo on the full shapes."
        if simplify_m > 0
        else "Shapes rounded to about 1 m for the browser; areas are measured "
        "by kurskgeo on the full shapes."
    )
    data = {
        "dates": date_entries,
        "claims": claim_items,
        "start": first,
        "tiles": bool(tiles),
    }
    _slider(
        groups,
        data=data,
        title=title or _default_title(zones, reg),
        notice=notice,
        credit=credit,
        simplified=simplified,
        n_claims=len(claim_items),
    ).add_to(m)
    pad_x, pad_y = (lon1 - lon0) * 0.05, (lat1 - lat0) * 0.05
    m.fit_bounds(
        _rounded([[lat0 - pad_y, lon0 - pad_x], [lat1 + pad_y, lon1 + pad_x]]),
        padding_top_left=(10, 10),
        padding_bottom_right=(_PANEL_PX, 10),
    )
    _deterministic_ids(m.get_root())
    return m


def _slider_class() -> type:
    from branca.element import MacroElement
    from folium.template import Template

    class Slider(MacroElement):
        """Leaflet inlined, the panel with the slider, and its script."""

        _template = Template(
            """
            {% macro header(this, kwargs) %}
            <style>{{ this.leaflet_css }}</style>
            <script src="{{ this.leaflet_js }}"></script>
            <style>{{ this.css }}</style>
            {% endmacro %}
            {% macro html(this, kwargs) %}{{ this.panel }}
            <script type="application/json" id="kurskgeo-data">{{ this.data }}</script>
            {% endmacro %}
            {% macro script(this, kwargs) %}
            var kurskgeo_map = {{ this._parent.get_name() }};
            var kurskgeo_layers = [
            {%- for g in this.groups %}{{ g.get_name() }},{% endfor %}];
            {{ this.js }}
            {% endmacro %}
            """
        )

    return Slider


_PLACE_LABEL = """function (feature, layer) {
  var label = document.createElement("span");
  label.textContent = feature.properties.name;
  layer.bindTooltip(label, {permanent: true, direction: "right",
    className: "kurskgeo-place", interactive: false});
}"""

_CSS = """
.leaflet-container{background:#f8f8f6}
#kurskgeo-panel{background:#fff;padding:.6rem .8rem;max-width:24rem;
max-height:calc(100vh - 3rem);overflow:auto;font:13px/1.35 "DejaVu Sans",
Helvetica,Arial,sans-serif;color:#1a1a1a;box-shadow:0 1px 5px rgba(0,0,0,.4);
border-radius:4px}
#kurskgeo-panel h1{font-size:15px;margin:0 0 .3rem}
#kurskgeo-panel .notice{background:#fff0f0;border:1px solid #8B0000;
color:#8B0000;font-weight:bold;padding:.3rem .45rem;margin:.2rem 0 .4rem}
#kurskgeo-date{font-size:17px;font-weight:bold;display:block;margin:.2rem 0}
#kurskgeo-slider{width:100%}
#kurskgeo-panel .row{display:flex;gap:.4rem;align-items:center}
#kurskgeo-panel ul{padding-left:1rem;margin:.2rem 0}
#kurskgeo-panel .key{display:inline-block;width:.8rem;height:.8rem;
margin-right:.35rem;vertical-align:-1px;border:1px solid #333}
#kurskgeo-panel .verdict{font-weight:bold}
#kurskgeo-panel .small{color:#555;font-size:11px}
#kurskgeo-panel details{margin-top:.4rem}
#kurskgeo-panel button{font-size:12px}
.kurskgeo-place{background:transparent;border:0;box-shadow:none;padding:0 2px;
font-size:11px;color:#222;text-shadow:0 0 2px #fff,0 0 2px #fff}
.kurskgeo-place::before{display:none}
"""


def _panel_html(
    title: str,
    notice: str | None,
    n: int,
    credit: str,
    simplified: str,
    n_claims: int,
) -> str:
    """Return the panel's fixed HTML; every text in it is escaped here."""
    e = html.escape
    parts = ['<div id="kurskgeo-panel">', f"<h1>{e(title)}</h1>"]
    if notice:
        parts.append(f'<p class="notice" id="kurskgeo-notice">{e(notice)}</p>')
    parts += [
        '<output id="kurskgeo-date" for="kurskgeo-slider"></output>',
        '<div class="row"><button type="button" id="kurskgeo-prev" '
        'aria-label="previous map">&#9664;</button>'
        f'<input type="range" id="kurskgeo-slider" min="0" max="{n - 1}" '
        'step="1" value="0" aria-label="date of the map">'
        '<button type="button" id="kurskgeo-next" aria-label="next map">'
        "&#9654;</button></div>",
        f'<div class="small" id="kurskgeo-count">{n} map{"s" if n != 1 else ""}</div>',
        '<ul id="kurskgeo-areas"></ul>',
    ]
    if n_claims:
        parts += [
            '<div id="kurskgeo-here"></div>',
            f"<details><summary>All {n_claims} claims</summary>"
            '<ul id="kurskgeo-claims"></ul></details>',
        ]
    parts += [
        f'<p class="small" id="kurskgeo-credit">{e(credit)}</p>',
        f'<p class="small" id="kurskgeo-simplified">{e(simplified)}</p>',
        '<p class="small">Map: kurskgeo, with folium and Leaflet '
        f"{e(_leaflet()[0])} (inlined; no tiles unless asked for).</p>",
        "</div>",
    ]
    return "".join(parts)


def _slider(
    groups: Sequence[Any],
    *,
    data: dict[str, Any],
    title: str,
    notice: str | None,
    credit: str,
    simplified: str,
    n_claims: int,
) -> Any:
    _, js_uri, css = _leaflet()
    el = _slider_class()()
    el._name = "KurskgeoSlider"
    el.groups = list(groups)
    el.leaflet_js = js_uri
    el.leaflet_css = css
    el.css = _CSS
    el.js = _slider_js()
    el.data = _json_for_html(data)
    el.panel = _panel_html(
        title, notice, len(groups), credit.replace("\n", " "), simplified, n_claims
    )
    return el


# ---------------------------------------------------------------- output

_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def to_html(m: folium.Map) -> str:
    """Render a map from :func:`explore` as one self-contained HTML page.

    Raises
    ------
    OutputError
        If the page would load anything from the network (a tile layer
        excepted), which would be a bug.
    """
    page = str(m.get_root().render())
    found = _EXTERNAL.search(page)
    if found:
        start = max(found.start() - 40, 0)
        raise OutputError(
            "the interactive map would load something from the network "
            f"({page[start : found.end() + 40]!r}); please report this"
        )
    return page


def save_explore(
    snapshots: Iterable[Any],
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    **kwargs: Any,
) -> Path:
    """Write the interactive map of :func:`explore` to `path`, atomically.

    Parameters
    ----------
    snapshots : iterable of GeoDataFrame or paths
    path : path
        The HTML file to write.
    overwrite : bool
        Replace an existing file.
    **kwargs
        Passed to :func:`explore`.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    OutputExistsError
        If `path` exists and `overwrite` is False.
    """
    from kurskgeo.io import atomic_write

    target = Path(path)
    if target.exists() and not overwrite:
        from kurskgeo.errors import OutputExistsError

        raise OutputExistsError(
            f"{target} exists; pass overwrite=True (CLI: --overwrite) to replace it"
        )
    page = to_html(explore(snapshots, **kwargs))
    with atomic_write(target, "wb", overwrite=overwrite) as fh:
        fh.write(page.encode("utf-8"))
    return target
