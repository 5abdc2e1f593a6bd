"""The interactive map: one self-contained page, tested in Debian's chromium offline.

The browser tests start chromium through its chromedriver (selenium) with
every connection sent to a closed local port and every host name unknown,
and record every request the page makes from the DevTools log. They skip
when chromium or chromedriver is missing, and fail when ``CI`` is set.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely import box

import kurskgeo
from kurskgeo.area import equal_area_crs
from kurskgeo.cli import cli
from kurskgeo.errors import KurskgeoError, OutputExistsError
from kurskgeo.plot import DEFAULT_SIMPLIFY_M, explore, save_explore, to_html
from kurskgeo.report import geodata_dir

ROOT = Path(__file__).resolve().parents[1]
CLAIM_SNAPSHOTS = sorted((ROOT / "tests" / "data" / "claims" / "snapshots").glob("*"))

HOSTILE = '<img src=x onerror="window.pwned=1">'


def _snap(day: dt.date, parts: dict[str, object], source: str = "test maps"):
    return gpd.GeoDataFrame(
        {
            "date": [day] * len(parts),
            "source": [source] * len(parts),
            "label": ["t"] * len(parts),
            "zone": list(parts),
        },
        geometry=list(parts.values()),
        crs="OGC:CRS84",
    )


def _series():
    """Three dates: the held zone grows east, then shrinks; a grey zone beside it."""
    out = []
    for day, east in ((1, 35.10), (8, 35.25), (15, 35.05)):
        out.append(
            _snap(
                dt.date(2025, 1, day),
                {
                    "liberated": box(35.0, 51.0, east, 51.1),
                    "contested": box(east, 51.0, east + 0.03, 51.1),
                },
            )
        )
    return out


class _Attributes(html.parser.HTMLParser):
    """Every src and href attribute of the page's tags."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href"):
                self.found.append((tag, name, value or ""))


def _attributes(page: str) -> list[tuple[str, str, str]]:
    parser = _Attributes()
    parser.feed(page)
    return parser.found


# ---------------------------------------------------------------- the page


def test_page_links_nothing_outside_itself():
    page = to_html(explore(_series(), zone=["liberated", "contested"]))
    attrs = _attributes(page)
    assert attrs, "Leaflet is inlined as a data: URI"
    for tag, name, value in attrs:
        assert value.startswith("data:"), (tag, name, value[:60])
    # no text like src="http..." or href="//..." anywhere, scripts included
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "cdn." not in page and "jquery" not in page.lower()
    # no tiles unless asked for
    assert "tileLayer" not in page


def test_page_is_the_same_for_the_same_input():
    a = to_html(explore(_series(), zone=["liberated", "contested"]))
    b = to_html(explore(_series(), zone=["liberated", "contested"]))
    assert a == b


def test_areas_in_the_page_are_the_engines(tmp_path):
    snaps = _series()
    page = to_html(explore(snaps, zone=["liberated", "contested"]))
    data = json.loads(
        re.search(
            r'<script type="application/json" id="kurskgeo-data">(.*?)</script>', page
        ).group(1)
    )
    assert [d["text"] for d in data["dates"]] == [
        "1 January 2025",
        "8 January 2025",
        "15 January 2025",
    ]
    for snap, entry in zip(snaps, data["dates"], strict=True):
        held = kurskgeo.area_km2(snap, zone="liberated")
        both = kurskgeo.area_km2(snap, zone=["liberated", "contested"])
        assert entry["areas"][0]["label"] == "Held by Ukraine"
        assert entry["areas"][0]["area"] == f"{held:,.0f} km²"
        assert entry["total"] == f"{both:,.0f} km²"
    assert data["start"] == 2  # the last map first


def test_shapes_are_simplified_within_the_tolerance_in_metres():
    """What the page draws lies within the tolerance (plus rounding) of the
    measured shape, in an equal-area projection, and keeps its area."""
    rng = np.random.default_rng(7)
    # a ragged polygon: a circle of about 5 km with 2,000 jittered vertices
    t = np.linspace(0, 2 * np.pi, 2000, endpoint=False)
    r = 0.05 * (1 + 0.004 * rng.standard_normal(len(t)))  # ±20 m
    ring = np.c_[35.2 + 1.6 * r * np.cos(t), 51.2 + r * np.sin(t)]
    snap = _snap(dt.date(2025, 1, 1), {"liberated": shapely.Polygon(ring)})
    page = to_html(explore([snap], zone="liberated", simplify_m=DEFAULT_SIMPLIFY_M))
    feature = json.loads(re.search(r'_add\((\{"features".*?\})\);', page).group(1))[
        "features"
    ][0]
    drawn = shapely.geometry.shape(feature["geometry"])
    crs = equal_area_crs(snap)
    full, shown = gpd.GeoSeries([snap.geometry[0], drawn], crs="OGC:CRS84").to_crs(crs)
    # every measured vertex lies within the tolerance of the line drawn (and
    # the other way round), give or take the rounding to 1e-5 degree
    far = shapely.distance(
        shapely.points(shapely.get_coordinates(full)), shown.boundary
    )
    assert 20 < far.max() <= DEFAULT_SIMPLIFY_M + 1.5
    back = shapely.distance(
        shapely.points(shapely.get_coordinates(shown)), full.boundary
    )
    assert back.max() <= 1.5
    assert abs(shown.area / full.area - 1) < 0.01
    n_full = len(shapely.get_coordinates(full))
    assert len(shapely.get_coordinates(shown)) < n_full / 3
    # 5 decimals of a degree, no more
    coords = np.asarray(feature["geometry"]["coordinates"][0])
    assert np.allclose(coords, np.round(coords, 5), atol=0, rtol=0)
    assert "within 50 m" in page


def test_tiles_only_when_named_and_credited():
    url = "https://tiles.example.invalid/{z}/{x}/{y}.png"
    page = to_html(explore(_series(), tiles=url, tiles_attribution="© Example & co"))
    assert "tileLayer" in page and url in page
    # the credit is text: escaped for Leaflet (which sets it as HTML), in JSON
    assert '"attribution": "\\u00a9 Example \\u0026amp; co"' in page
    with pytest.raises(KurskgeoError, match="tiles"):
        explore(_series(), tiles=url)


def test_save_explore_is_atomic_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "map.html"
    save_explore(_series(), out)
    first = out.read_bytes()
    with pytest.raises(OutputExistsError):
        save_explore(_series(), out)
    assert out.read_bytes() == first
    save_explore(_series()[:2], out, overwrite=True)
    assert out.read_bytes() != first
    assert not list(tmp_path.glob(".*.part"))


def test_cli_explore_writes_one_page(tmp_path, runner):
    out = tmp_path / "kursk.html"
    snaps = geodata_dir() / "snapshots"
    result = runner.invoke(
        cli,
        [
            "explore",
            str(snaps),
            "--zone",
            "liberated",
            "--zone",
            "contested",
            "--places",
            str(geodata_dir() / "places.geojson"),
            "--claims",
            str(geodata_dir() / "claims" / "kursk.yaml"),
            "--notice",
            "Illustration: approximate shapes, not a map of the front",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "Illustration: approximate shapes, not a map of the front" in page
    assert "All 10 claims" in page
    assert list(tmp_path.iterdir()) == [out]
    again = runner.invoke(cli, ["explore", str(snaps), "-o", str(out)])
    assert again.exit_code == 1
    assert "--overwrite" in again.output
    wrong = runner.invoke(cli, ["explore", str(snaps), "-o", str(tmp_path / "x.png")])
    assert wrong.exit_code == 2
    assert "html" in wrong.output


# ---------------------------------------------------------------- the browser


def _browser_missing() -> str | None:
    for exe in ("chromium", "chromedriver"):
        if shutil.which(exe) is None:
            return f"{exe} is not installed (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def chromium():
    """Headless Debian chromium with no network, its requests recorded."""
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the browser test needs it in CI: {missing}")
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kurskgeo-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1400,900",
        # the network is off: every connection goes to a closed local port,
        # every host name is unknown
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver")), options=opts
    )
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _open(driver, path: Path) -> list[str]:
    """Load the page; return every URL it asked for (DevTools' log).

    Requests of the browser's own pages (its new-tab page, chrome://) are
    left out, unless they went to the network, which fails the test.
    """
    page = path.resolve().as_uri()
    driver.get_log("performance")  # drop what came before
    driver.get(page)
    driver.execute_script("return document.readyState")
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] != "Network.requestWillBeSent":
            continue
        url = message["params"]["request"]["url"]
        assert not re.match(r"(https?|wss?|ftp):", url), url
        if message["params"].get("documentURL") == page or url == page:
            urls.append(url)
    return urls


def _state(driver) -> dict:
    return driver.execute_script(
        """
        const paths = [...document.querySelectorAll(
            ".leaflet-overlay-pane path.leaflet-interactive")];
        return {
            date: document.getElementById("kurskgeo-date").textContent,
            iso: document.getElementById("kurskgeo-date").dataset.date,
            slider: document.getElementById("kurskgeo-slider").value,
            paths: paths.map(p => p.getAttribute("d")),
            areas: document.getElementById("kurskgeo-areas").innerText,
            links: [...document.querySelectorAll("[src], [href]")].map(
                e => e.getAttribute("src") || e.getAttribute("href")),
        };
        """
    )


def _assert_offline(urls: list[str], page: Path) -> None:
    assert page.resolve().as_uri() in urls
    # the log sees the page's own subresources (Leaflet), so it would see more
    assert any(u.startswith("data:text/javascript;base64,") for u in urls)
    for url in urls:
        assert url == page.resolve().as_uri() or url.startswith("data:"), url


def test_browser_renders_the_zones_and_the_slider_changes_the_date(chromium, tmp_path):
    from selenium.webdriver.common.keys import Keys

    page = tmp_path / "series.html"
    save_explore(_series(), page, zone=["liberated", "contested"])
    urls = _open(chromium, page)
    _assert_offline(urls, page)
    last = _state(chromium)
    assert last["date"] == "15 January 2025" and last["slider"] == "2"
    assert len(last["paths"]) == 2  # the two zones of that date, as SVG paths
    slider = chromium.find_element("id", "kurskgeo-slider")
    slider.send_keys(Keys.ARROW_LEFT)
    middle = _state(chromium)
    assert middle["date"] == "8 January 2025" and middle["slider"] == "1"
    assert len(middle["paths"]) == 2
    assert middle["paths"] != last["paths"]  # the front moved
    assert middle["areas"] != last["areas"]
    chromium.find_element("id", "kurskgeo-prev").click()
    assert _state(chromium)["date"] == "1 January 2025"
    for link in _state(chromium)["links"]:
        assert not re.match(r"\s*(https?:)?//", link), link


def test_browser_shows_hostile_text_as_text(chromium, tmp_path):
    """Zone names, sources, place names and claims with markup: shown, not run."""
    claims = tmp_path / "hostile.yaml"
    claims.write_text(
        "claims:\n"
        "  - id: hostile\n"
        "    date: 2025-01-12\n"
        f"    source: '{HOSTILE} </script><script>window.pwned=2</script>'\n"
        f"    statement: 'We hold {HOSTILE} 156 km² & more'\n"
        "    value: 156 km2\n"
        "    zone: held\n",
        encoding="utf-8",
    )
    snaps = [kurskgeo.read_snapshot(p) for p in CLAIM_SNAPSHOTS]
    snaps = [s.assign(source=f"maps {HOSTILE}") for s in snaps]
    odd = snaps[-1].copy()
    odd["zone"] = HOSTILE
    odd["geometry"] = odd.geometry.translate(0.5, 0)
    snaps[-1] = gpd.GeoDataFrame(
        __import__("pandas").concat([snaps[-1], odd], ignore_index=True),
        crs=snaps[-1].crs,
    )
    snaps[-1].attrs = dict(snaps[0].attrs)
    places = gpd.GeoDataFrame(
        {"name": ["</script><script>window.pwned=3</script>"]},
        geometry=[shapely.Point(snaps[0].geometry[0].centroid)],
        crs="OGC:CRS84",
    )
    out = tmp_path / "hostile.html"
    save_explore(snaps, out, claims=claims, places=places)
    text = out.read_text(encoding="utf-8")
    assert HOSTILE not in text and "<script>window.pwned" not in text
    urls = _open(chromium, out)
    _assert_offline(urls, out)
    chromium.execute_script(
        "kurskgeo_layers.forEach(g => g.eachLayer(j => j.eachLayer("
        "f => f.openTooltip())))"
    )
    result = chromium.execute_script(
        "return {pwned: window.pwned === undefined ? null : window.pwned,"
        " imgs: document.querySelectorAll('img').length,"
        " text: document.body.innerText}"
    )
    assert result["pwned"] is None
    assert result["imgs"] == 0
    assert "We hold " + HOSTILE + " 156 km² & more" in result["text"]
    assert HOSTILE[:4] + " src=x" in result["text"]  # the zone's tooltip
    assert "</script><script>window.pwned=3</script>" in result["text"]


@pytest.mark.realdata
def test_real_series_offline_in_the_browser(chromium, shared_data, runner, tmp_path):
    """The issue's check: `kurskgeo explore` on the real series, one HTML file
    with no http reference in a src or href; chromium with the network off
    renders the zones, and the slider changes the date shown."""
    from selenium.webdriver.common.keys import Keys

    raw = sorted((shared_data / "deepstate-raw").glob("*.geojson"))
    out = tmp_path / "kursk.html"
    result = runner.invoke(
        cli,
        [
            "explore",
            *map(str, raw),
            "--zone",
            "liberated",
            "--zone",
            "contested",
            "--region",
            str(shared_data / "boundaries" / "kursk_oblast.geojson"),
            "--places",
            str(geodata_dir() / "places.geojson"),
            "--claims",
            str(geodata_dir() / "claims" / "kursk.yaml"),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert list(tmp_path.iterdir()) == [out]
    page = out.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert out.stat().st_size < 2_000_000
    urls = _open(chromium, out)
    _assert_offline(urls, out)
    last = _state(chromium)
    assert last["iso"] == "2025-04-16"
    assert last["slider"] == str(len(raw) - 1)
    assert len(last["paths"]) >= 2
    slider = chromium.find_element("id", "kurskgeo-slider")
    for _ in range(len(raw) - 4):  # back to 21 August 2024, the peak
        slider.send_keys(Keys.ARROW_LEFT)
    peak = _state(chromium)
    assert peak["date"] == "21 August 2024"
    assert peak["paths"] != last["paths"]
    # the areas shown are the engine's
    snap = kurskgeo.read_snapshot(raw[3])
    region = shared_data / "boundaries" / "kursk_oblast.geojson"
    held = kurskgeo.area_km2(snap, zone="liberated", region=region)
    assert f"Held by Ukraine: {held:,.0f} km²" in peak["areas"]
    both = kurskgeo.area_km2(snap, zone=["liberated", "contested"], region=region)
    assert f"Together: {both:,.0f} km²" in peak["areas"]


def _page_lines(page: str) -> list[shapely.Geometry]:
    """The line features of a page's GeoJSON layers (borders and outlines)."""
    decoder = json.JSONDecoder()
    lines = []
    for m in re.finditer(r'\{"features": ', page):
        try:
            layer, _ = decoder.raw_decode(page[m.start() :])
        except ValueError:
            continue
        for feature in layer["features"]:
            if feature["geometry"]["type"] in ("LineString", "MultiLineString"):
                lines.append(shapely.geometry.shape(feature["geometry"]))
    return lines


@pytest.mark.realdata
def test_the_page_draws_one_border_where_the_region_is_the_border(shared_data):
    """The OSM oblast and Natural Earth draw the border kilometres apart: the
    page draws it once, as the print maps do, and the oblast outline only
    where it is no border."""
    raw = sorted((shared_data / "deepstate-raw").glob("*.geojson"))[-2:]
    region = shared_data / "boundaries" / "kursk_oblast.geojson"
    context = [
        shared_data / "context" / f"natural_earth_10m_{n}.geojson"
        for n in ("ukraine", "russia")
    ]
    page = to_html(
        explore(raw, zone=["liberated", "contested"], region=region, context=context)
    )
    border, rest = _page_lines(page)
    # neither line runs beside the other (3 km) but where they meet
    for a, b in ((border, rest), (rest, border)):
        beside = shapely.intersection(a, b.buffer(0.03)).length
        assert beside < 0.05 * a.length
    # the oblast's own line along Ukraine became the border: the border runs
    # on the oblast boundary (within the page's 50 m simplification)
    oblast = shapely.boundary(kurskgeo.read_region(region))
    on_oblast = shapely.intersection(border, oblast.buffer(0.001)).length
    assert on_oblast > 0.3 * border.length
