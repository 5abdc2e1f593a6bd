"""Claims: parsing, what a claim states, readings, bands, coverage, verdicts, findings.

Geometry references are analytic: tests/data/claims/squares (and the helper
`rect` below) are rectangles drawn in a Lambert azimuthal equal-area CRS, so
that their areas, and the areas of the same rectangles grown or shrunk by the
line accuracy L, are known in closed form (see that folder's README.md).
Real-data references are computed with shapely and pyproj.Geod.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import shutil
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from pyproj import CRS, Geod, Transformer

from kurskgeo.area import KM2_PER_MI2
from kurskgeo.claims import (
    COLUMNS,
    LINE_ACCURACY_M,
    MAX_AGE_DAYS,
    READING_COLUMNS,
    READING_VERDICTS,
    START_TOLERANCE_DAYS,
    VERDICTS,
    Claim,
    check_claims,
    claim_findings,
    judge,
    read_claims,
    stated_interval,
)
from kurskgeo.errors import (
    ClaimsFileError,
    RepairWarning,
    SkippedFeatureWarning,
    SnapshotError,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data" / "claims"
BUNDLED = ROOT / "geodata" / "claims" / "kursk.yaml"
SQUARES = DATA / "squares"
SQUARE_CLAIMS = SQUARES / "squares.yaml"
SQUARE_MAPS = SQUARES / "snapshots"

# the equal-area CRS the squares are drawn in (km from 35° E, 51° N)
LAEA = CRS.from_proj4(
    "+proj=laea +lat_0=51 +lon_0=35 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
)
TO_LONLAT = Transformer.from_crs(LAEA, "OGC:CRS84", always_xy=True)
TO_LAEA = Transformer.from_crs("OGC:CRS84", LAEA, always_xy=True)
GEOD = Geod(ellps="WGS84")

# the rectangles of tests/data/claims/squares/snapshots (README.md), in km
SQUARE_RECTS = {
    "2024-11-15": {"liberated": (-10, -10, 10, 10)},
    "2025-01-01": {"liberated": (-5, -5, 5, 5), "contested": (5, -5, 10, 5)},
    "2025-01-08": {"liberated": (-6, -6, 6, 6), "contested": (6, -6, 10, 6)},
    "2025-01-15": {"liberated": (-3, -6, 7, 6), "contested": (7, -6, 10, 6)},
}
L_KM = LINE_ACCURACY_M / 1000
LIB = ("liberated",)
BOTH = ("liberated", "contested")


def geodesic_km2(geom) -> float:
    """Area on the WGS84 ellipsoid, edges as geodesics (pyproj alone)."""
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def grown(a: float, b: float, l_km: float = L_KM) -> float:
    """Area of an a × b km rectangle grown by l_km: rounded corners (km²)."""
    return (a + 2 * l_km) * (b + 2 * l_km) - (4 - math.pi) * l_km**2


def shrunk(a: float, b: float, l_km: float = L_KM) -> float:
    """Area of an a × b km rectangle shrunk by l_km (km²)."""
    return (a - 2 * l_km) * (b - 2 * l_km)


def buffer_tol(l_km: float = L_KM) -> float:
    """shapely draws a quarter circle with 16 segments: up to 0.00504 L² less."""
    return 0.006 * l_km**2 + 1e-6


def rect(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    """A rectangle of the LAEA (km), a vertex every 250 m, in longitude/latitude."""
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    pts = []
    for i in range(4):
        (ax, ay), (bx, by) = corners[i], corners[(i + 1) % 4]
        n = max(1, round(math.dist((ax, ay), (bx, by)) / 0.25))
        pts += [(ax + (bx - ax) * k / n, ay + (by - ay) * k / n) for k in range(n)]
    pts.append(pts[0])
    xy = np.array(pts) * 1000
    lon, lat = TO_LONLAT.transform(xy[:, 0], xy[:, 1])
    return shapely.Polygon(np.column_stack([lon, lat]))


def snap(day: dt.date, timestamp=None, source=None, **zones) -> gpd.GeoDataFrame:
    """An in-memory map: zone name -> rectangle (km) or geometry."""
    geoms = [rect(*g) if isinstance(g, tuple) else g for g in zones.values()]
    gdf = gpd.GeoDataFrame(
        {"date": [day] * len(zones), "zone": list(zones)},
        geometry=geoms,
        crs="OGC:CRS84",
    )
    if source is not None:
        gdf["source"] = source
    gdf.attrs["timestamp"] = timestamp
    gdf.attrs["path"] = f"mem-{day}"
    return gdf


def square_maps(*days: str) -> list[gpd.GeoDataFrame]:
    """The squares of the fixture folder, in memory (all of them by default)."""
    return [
        snap(dt.date.fromisoformat(d), **SQUARE_RECTS[d])
        for d in (days or SQUARE_RECTS)
    ]


def write(tmp_path: Path, text: str, name: str = "c.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def claim(cid: str = "c", value: float = 100, **kw) -> Claim:
    kw.setdefault("date", dt.date(2025, 1, 15))
    kw.setdefault("unit", "km2")
    return Claim(cid, value=value, **kw)


def by_id(result) -> dict:
    return {v.claim.id: v for v in result.records}


def reading(verdict, zone):
    """The reading of a verdict on `zone` (the only one on that zone)."""
    found = [r for r in verdict.readings if r.zone == zone]
    assert len(found) == 1, [r.zone for r in verdict.readings]
    return found[0]


def assert_band_holds(result, rel: float = 1e-9) -> int:
    """low <= measured <= high for every measured reading; return how many."""
    n = 0
    for v in result.records:
        for r in v.readings:
            if r.verdict == "unverifiable":
                continue
            slack = rel * max(1.0, abs(r.measured))
            assert r.low <= r.measured + slack, (v.claim.id, r)
            assert r.measured <= r.high + slack, (v.claim.id, r)
            n += 1
    return n


def test_square_fixtures_are_the_documented_rectangles():
    """The fixture files hold the rectangles of README.md (checked with pyproj)."""
    for day, zones in SQUARE_RECTS.items():
        doc = json.loads((SQUARE_MAPS / f"{day}.geojson").read_text())
        assert doc["source"] == "Squares"
        found = {}
        for f in doc["features"]:
            (ring,) = f["geometry"]["coordinates"]
            lon, lat = np.array(ring).T
            x, y = TO_LAEA.transform(lon, lat)
            found[f["properties"]["zone"]] = shapely.Polygon(
                np.column_stack([x, y]) / 1000
            )
        assert set(found) == set(zones)
        for zone, (x0, y0, x1, y1) in zones.items():
            poly = found[zone]
            assert poly.area == pytest.approx((x1 - x0) * (y1 - y0), rel=1e-9)
            assert shapely.box(x0, y0, x1, y1).hausdorff_distance(poly) < 1e-6  # 1 mm
            assert (
                max(
                    math.dist(a, b)
                    for a, b in zip(
                        poly.exterior.coords[:-1], poly.exterior.coords[1:], strict=True
                    )
                )
                < 0.2501
            )  # no edge long enough to be densified (2 km)


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("value", "unit", "km2"),
    [
        (1268, "km2", 1268),
        ("1,268", "km²", 1268),
        ("1,268 square kilometers", None, 1268),
        ("1268 square kilometres", None, 1268),
        (490, "sq mi", 490 * KM2_PER_MI2),
        ("490 square miles", None, 490 * KM2_PER_MI2),
        (490, "mi2", 490 * KM2_PER_MI2),
        ("490 sq. mi", None, 490 * KM2_PER_MI2),
        (5000, "hectares", 50),
        ("5,000 ha", None, 50),
        ("1,234,567.5", "sq km", 1234567.5),
    ],
)
def test_units_and_values(tmp_path, value, unit, km2):
    unit_line = f"\n  unit: {unit}" if unit else ""
    p = write(tmp_path, f'- id: a\n  date: 2025-01-17\n  value: "{value}"{unit_line}\n')
    (c,) = read_claims(p)
    assert c.value_km2 == pytest.approx(km2)


@pytest.mark.parametrize("unit", ["percent", "%", "per cent"])
def test_percent_units(tmp_path, unit):
    p = write(
        tmp_path,
        "- {id: a, date: 2025-01-01, value: 10, unit: km2}\n"
        "- {id: b, date: 2025-01-01, value: 20, unit: km2}\n"
        f"- {{id: s, date: 2025-01-01, value: 50, unit: '{unit}', kind: share, part: a, of: b}}\n",
    )
    assert read_claims(p)[2].unit == "percent"


def test_lines_and_defaults(tmp_path):
    p = write(
        tmp_path,
        "# comment\ndefaults:\n  zone: held\nclaims:\n"
        "  - id: a\n    date: 2025-01-17\n    value: 1\n    unit: km2\n"
        "\n  - id: b\n    date: 2025-01-18\n    value: 2\n    unit: km2\n    zone: [x, y]\n",
    )
    a, b = read_claims(p)
    assert (a.line, b.line) == (5, 10)
    assert a.zone == ("held",)
    assert b.zone == ("x", "y")
    assert a.as_of == dt.date(2025, 1, 17)


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("  value: 5\n  unit: acres\n", 4, "unknown unit 'acres'"),
        ("  value: 5 furlongs\n", 3, "unknown unit"),
        ("  value: 0\n  unit: km2\n", 3, "above 0"),
        ("  value: -3\n  unit: km2\n", 3, "above 0"),
        (
            "  value: 120\n  unit: percent\n  kind: share\n  part: x\n  of: x\n",
            3,
            "more than 100%",
        ),
        ("  value: 5\n  unit: km2\n  as_of: 2025-13-01\n", 5, "not a date"),
        ("  value: 5\n  unit: km2\n  qualifier: roughly-ish\n", 5, "unknown qualifier"),
        ("  value: 5\n  unit: km2\n  kind: size\n", 5, "unknown kind"),
        ("  value: 5\n  unit: km2\n  colour: red\n", 5, "unknown field 'colour'"),
        ("  value: 5\n  unit: km2\n  kind: lost\n", 1, "needs since"),
        ("  value: 5\n  unit: km2\n  also: 3\n", 5, "unit of the second figure"),
        ("  value: 5\n", 1, "no unit"),
    ],
)
def test_errors_name_claim_and_line(tmp_path, body, line, words):
    p = write(tmp_path, f"- id: bad\n  date: 2025-01-17\n{body}")
    with pytest.raises(ClaimsFileError, match=words) as err:
        read_claims(p)
    assert "'bad'" in str(err.value)
    assert f"c.yaml:{line}:" in str(err.value)


def test_error_line_after_other_claims(tmp_path):
    p = write(
        tmp_path,
        "- id: ok\n  date: 2025-01-01\n  value: 1\n  unit: km2\n"
        "- id: bad\n  date: yesterday\n  value: 1\n  unit: km2\n",
    )
    with pytest.raises(ClaimsFileError, match=r"c\.yaml:6: claim 'bad' \(date\)"):
        read_claims(p)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "- {id: a, date: 2025-01-01, kind: derived, expression: a + b}\n"
            "- {id: b, date: 2025-01-01, value: 1, unit: km2}\n",
            "itself|cycle",
        ),
        (
            "- {id: a, date: 2025-01-01, kind: derived, expression: b}\n"
            "- {id: b, date: 2025-01-01, kind: derived, expression: c}\n"
            "- {id: c, date: 2025-01-01, kind: derived, expression: a}\n",
            "cycle",
        ),
        (
            "- {id: a, date: 2025-01-01, kind: derived, expression: nope - a2}\n"
            "- {id: a2, date: 2025-01-01, value: 1, unit: km2}\n",
            "unknown claim id 'nope'",
        ),
        (
            "- {id: s, date: 2025-01-01, value: 5, kind: share, part: x, of: y}\n",
            "unknown claim id 'x'",
        ),
        (
            "- {id: a, date: 2025-01-01, value: 1, unit: km2}\n"
            "- {id: a, date: 2025-01-02, value: 1, unit: km2}\n",
            "duplicate id",
        ),
    ],
)
def test_reference_errors(tmp_path, text, words):
    with pytest.raises(ClaimsFileError, match=words):
        read_claims(write(tmp_path, text))


def test_not_yaml(tmp_path):
    with pytest.raises(ClaimsFileError, match=r"c\.yaml:\d+: not valid YAML"):
        read_claims(write(tmp_path, "- id: a\n  date: [2025\n"))


def test_missing_file(tmp_path):
    with pytest.raises(ClaimsFileError, match="no such claims file"):
        read_claims(tmp_path / "nope.yaml")


def test_csv_matches_yaml():
    from_yaml = read_claims(DATA / "synthetic.yaml")
    from_csv = read_claims(DATA / "synthetic.csv")
    strip = ("line", "path")
    for a, b in zip(from_yaml, from_csv, strict=True):
        for name in Claim.__dataclass_fields__:
            if name not in strip:
                assert getattr(a, name) == getattr(b, name), name
    assert [c.line for c in from_csv] == [2, 3, 4, 5, 6]


def test_bundled_claims_cite_sources():
    claims = read_claims(BUNDLED)
    ids = {c.id for c in claims}
    assert {
        "mod-seized",
        "mod-retaken",
        "mod-share",
        "deepstate-held",
        "mod-held-implied",
        "syrskyi-2024-08",
        "syrskyi-2025-02",
        "rudskoi-liberated",
        "rudskoi-share",
    } <= ids
    for c in claims:
        assert c.reference, c.id
        if c.kind != "derived":  # an outlet and the date it published
            assert re.search(r"\d{4}-\d{2}-\d{2}", c.reference), c.id
            assert c.statement and c.source, c.id
    by_id = {c.id: c for c in claims}
    # the published figures, as published
    assert by_id["mod-seized"].value == 1268 and by_id["mod-seized"].also_value == 490
    assert by_id["mod-retaken"].value == 801 and by_id["mod-retaken"].also_value == 309
    assert by_id["deepstate-held"].qualifier == "more_than"
    assert by_id["syrskyi-2024-08"].value == 1294
    assert by_id["rudskoi-share"].value == 64


def test_qualifier_written_with_value(tmp_path):
    p = write(
        tmp_path,
        '- {id: a, date: 2025-01-17, value: "more than 1,268 square kilometres"}\n'
        "- {id: b, date: 2025-01-17, value: nearly 5 sq mi, qualifier: exact}\n"
        "- {id: c, date: 2025-01-17, value: over 420 km2}\n",
    )
    a, b, c = read_claims(p)
    assert (a.value, a.unit, a.qualifier) == (1268, "km2", "more_than")
    assert (b.value, b.qualifier) == (5, "exact")  # the explicit field wins
    assert c.qualifier == "more_than"


@pytest.mark.parametrize(
    ("written", "precision"),
    [
        ("801", 0.5),
        ("1,268", 0.5),
        ("800", 50),  # the zeros that end a whole number are rounding
        ("500", 50),
        ("1,290", 5),
        ('"63.2"', 0.05),
        ("63.2", 0.05),
        ('"63.20"', 0.005),
        ("63.20", 0.005),  # as written, even unquoted in YAML
        ("0.5", 0.05),
    ],
)
def test_rounding_of_the_figure_as_written(tmp_path, written, precision):
    unit = "percent" if "63" in written else "km2"
    p = write(
        tmp_path,
        "- {id: a, date: 2025-01-01, value: 10, unit: km2}\n"
        "- {id: b, date: 2025-01-01, value: 20, unit: km2}\n"
        f"- id: c\n  date: 2025-01-01\n  value: {written}\n  unit: {unit}\n"
        + ("  kind: share\n  part: a\n  of: b\n" if unit == "percent" else ""),
    )
    c = read_claims(p)[2]
    assert c.precision == pytest.approx(precision)


def test_rounding_in_square_miles_is_converted(tmp_path):
    p = write(
        tmp_path,
        "- {id: mi, date: 2025-01-01, value: 309 sq mi, qualifier: exact}\n"
        "- {id: ha, date: 2025-01-01, value: 5000 ha, qualifier: exact}\n",
    )
    result = check_claims(read_claims(p))
    mi, ha = (v.interval for v in result.records)
    # 309 ± 0.5 sq mi, in km²; 5000 ± 500 ha = 50 ± 5 km²
    assert mi == pytest.approx((308.5 * KM2_PER_MI2, 309.5 * KM2_PER_MI2))
    assert ha == pytest.approx((45.0, 55.0))


# ---------------------------------------------------------------- what a claim states


@pytest.mark.parametrize(
    ("value", "qualifier", "precision", "tolerance", "expected"),
    [
        (801, "exact", 0.5, 0.05, (800.5, 801.5)),
        (801, "about", 0.5, 0.05, (760.95, 841.05)),  # 5 % is wider than 0.5
        (801, "about", 0.5, 0.0, (800.5, 801.5)),
        (800, "exact", 50, 0.05, (750, 850)),
        (800, "about", 50, 0.05, (750, 850)),  # ± 50 is wider than 5 % (40)
        (500, "about", 50, 0.05, (450, 550)),
        (500, "exact", 50, 0.05, (450, 550)),
        (2000, "about", 50, 0.05, (1900, 2100)),
        (63.2, "exact", 0.05, 0.05, (63.15, 63.25)),
        (63.2, "about", 0.05, 0.05, (60.04, 66.36)),
        (801, "nearly", 0.5, 0.05, (760.95, 801.5)),
        (801, "more_than", 0.5, 0.05, (801, math.inf)),
        (801, "at_least", 0.5, 0.05, (801, math.inf)),
        (801, "over", 0.5, 0.05, (801, math.inf)),  # a qualifier word
        (801, "less_than", 0.5, 0.05, (0, 801)),
        (801, "at_most", 0.5, 0.05, (0, 801)),
    ],
)
def test_stated_interval(value, qualifier, precision, tolerance, expected):
    got = stated_interval(value, qualifier, precision=precision, tolerance=tolerance)
    assert got == pytest.approx(expected)


def test_stated_interval_rejects_bad_input():
    with pytest.raises(ValueError, match="tolerance"):
        stated_interval(801, "about", tolerance=-0.1)
    with pytest.raises(ValueError, match="qualifier"):
        stated_interval(801, "roughly-ish")


@pytest.mark.parametrize(
    ("interval", "low", "high", "verdict"),
    [
        ((760.95, 841.05), 540.0, 700.0, "overstated"),
        ((760.95, 841.05), 700.0, 760.95, "consistent"),  # they touch
        ((760.95, 841.05), 841.05, 900.0, "consistent"),
        ((760.95, 841.05), 850.0, 900.0, "understated"),
        ((420.0, math.inf), 400.0, 470.0, "consistent"),
        ((420.0, math.inf), 10_000.0, 10_000.0, "consistent"),
        ((420.0, math.inf), 300.0, 419.0, "overstated"),
        ((0.0, 500.0), 600.0, 700.0, "understated"),
        ((0.0, 500.0), 1.0, 1.0, "consistent"),
        ((450.0, 550.0), math.nan, math.nan, "unverifiable"),
        ((450.0, 550.0), 400.0, math.inf, "unverifiable"),
    ],
)
def test_judge(interval, low, high, verdict):
    assert judge(interval, low, high) == verdict
    assert verdict in READING_VERDICTS


QUALIFIER_NAMES = [
    "exact",
    "about",
    "nearly",
    "more_than",
    "at_least",
    "less_than",
    "at_most",
]


@given(
    value=st.floats(0.01, 1e5),
    precision=st.floats(0, 100),
    tolerance=st.floats(0, 0.5),
    qualifier=st.sampled_from(QUALIFIER_NAMES),
    measured=st.floats(0, 3e5),
    widen=st.floats(0, 1e4),
)
def test_judge_agrees_with_stated_interval(
    value, precision, tolerance, qualifier, measured, widen
):
    lo, hi = stated_interval(value, qualifier, precision=precision, tolerance=tolerance)
    assert lo <= value <= hi  # a claim always allows its own figure
    verdict = judge((lo, hi), measured, measured)
    assert (verdict == "consistent") == (lo <= measured <= hi)
    assert (verdict == "overstated") == (measured < lo)
    assert (verdict == "understated") == (measured > hi)
    # a wider band never turns a consistent reading into another verdict
    if verdict == "consistent":
        assert judge((lo, hi), measured - widen, measured + widen) == "consistent"
    # "about" allows at least what "exact" does
    ex = stated_interval(value, "exact", precision=precision, tolerance=tolerance)
    ab = stated_interval(value, "about", precision=precision, tolerance=tolerance)
    assert ab[0] <= ex[0] and ex[1] <= ab[1]


ROUNDING_CLAIMS = """\
- {id: exact-801, date: 2025-01-15, value: 801, unit: km2, qualifier: exact}
- {id: exact-800, date: 2025-01-15, value: 800, unit: km2, qualifier: exact}
- {id: about-801, date: 2025-01-15, value: 801, unit: km2}
- {id: about-500, date: 2025-01-15, value: 500, unit: km2}
- {id: nearly-801, date: 2025-01-15, value: 801, unit: km2, qualifier: nearly}
- {id: over-801, date: 2025-01-15, value: more than 801 km2}
- {id: over-780, date: 2025-01-15, value: more than 780 km2}
- {id: under-801, date: 2025-01-15, value: less than 801 km2}
- {id: under-500, date: 2025-01-15, value: less than 500 km2}
"""


def test_rounding_and_qualifier_decide_the_verdict(tmp_path):
    """A 28 km square (784 km²): "801" exactly is too much, "800" exactly is not."""
    claims = read_claims(write(tmp_path, ROUNDING_CLAIMS))
    maps = [snap(dt.date(2025, 1, 15), liberated=(-14, -14, 14, 14))]
    result = check_claims(claims, maps, line_accuracy_m=0)
    v = by_id(result)
    for r in result.records:
        assert r.primary.measured == pytest.approx(784, rel=1e-7)
    expected = {
        "exact-801": "overstated",  # 800.5 to 801.5
        "exact-800": "consistent",  # 750 to 850
        "about-801": "consistent",  # 760.95 to 841.05
        "about-500": "understated",  # 450 to 550
        "nearly-801": "consistent",  # 760.95 to 801.5
        "over-801": "overstated",
        "over-780": "consistent",
        "under-801": "consistent",
        "under-500": "understated",
    }
    assert {k: v[k].verdict for k in expected} == expected
    assert v["exact-800"].interval == pytest.approx((750, 850))
    # "about" reaches the tolerance: at 1 %, 801 allows 792.99 to 809.01 only
    tight = by_id(check_claims(claims, maps, line_accuracy_m=0, tolerance=0.01))
    assert tight["about-801"].interval == pytest.approx((792.99, 809.01))
    assert tight["about-801"].verdict == "overstated"
    assert tight["exact-800"].verdict == "consistent"  # its rounding is wider


# ---------------------------------------------------------------- results


def test_tables_and_dict_have_their_columns():
    result = check_claims(SQUARE_CLAIMS)
    assert tuple(result.verdicts.columns) == COLUMNS
    assert tuple(result.readings.columns) == READING_COLUMNS
    assert set(result.to_dict()) == {"claims", "findings", "notes"}
    assert len(result.readings) == sum(len(v.readings) for v in result.records)
    assert set(result.verdicts["verdict"]) <= set(VERDICTS)
    # a claim's row is its primary reading
    rows = result.verdicts.set_index("id")
    for v in result.records:
        p = v.primary
        assert p is not None, v.claim.id
        assert rows.loc[v.claim.id, "measured"] == p.measured
        assert rows.loc[v.claim.id, "low"] == p.low
        assert rows.loc[v.claim.id, "high"] == p.high
        assert rows.loc[v.claim.id, "map"] == p.map
        assert rows.loc[v.claim.id, "n_readings"] == len(v.readings)
        assert rows.loc[v.claim.id, "reason"] == v.reason
    primary = result.readings[result.readings["primary"]]
    assert sorted(primary["id"]) == sorted(v.claim.id for v in result.records)


def test_check_claims_rejects_bad_settings():
    with pytest.raises(ValueError, match="line_accuracy_m"):
        check_claims([claim(zone=LIB)], square_maps(), line_accuracy_m=-1)
    with pytest.raises(ValueError, match="tolerance"):
        check_claims([claim(zone=LIB)], square_maps(), tolerance=-0.01)


# ---------------------------------------------------------------- bands


@pytest.mark.parametrize("accuracy_m", [100.0, LINE_ACCURACY_M, 1000.0])
def test_band_is_the_zone_grown_and_shrunk(accuracy_m):
    """On the last map (no map after it): 10 × 12 km held, 13 × 12 km with grey."""
    l_km = accuracy_m / 1000
    c = claim("held", 120, zone=LIB)
    v = check_claims([c], SQUARE_MAPS, line_accuracy_m=accuracy_m).records[0]
    held, both = reading(v, LIB), reading(v, BOTH)
    assert held.map == both.map == dt.date(2025, 1, 15)
    assert held.map_after is None
    assert held.measured == pytest.approx(120, rel=1e-7)
    assert held.low == pytest.approx(shrunk(10, 12, l_km), abs=1e-5)
    assert held.high == pytest.approx(grown(10, 12, l_km), abs=buffer_tol(l_km))
    assert held.high < grown(10, 12, l_km)  # the buffer's corners are polygons
    assert both.measured == pytest.approx(156, rel=1e-7)
    assert both.low == pytest.approx(shrunk(13, 12, l_km), abs=1e-5)
    assert both.high == pytest.approx(grown(13, 12, l_km), abs=buffer_tol(l_km))
    assert v.primary is held


def test_band_of_ground_lost():
    """From [-6, 6]² to [-3, 7] × [-6, 6]: 36 km² lost; the band is the earlier
    zone shrunk less the later grown, and the earlier grown less the later shrunk."""
    c = claim("lost", 36, zone=LIB, kind="lost", since=dt.date(2025, 1, 8))
    v = check_claims([c], SQUARE_MAPS).records[0]
    r = reading(v, LIB)
    assert (r.since_map, r.map, r.map_after) == (
        dt.date(2025, 1, 8),
        dt.date(2025, 1, 15),
        None,
    )
    assert r.measured == pytest.approx(36, rel=1e-7)
    assert r.low == pytest.approx((3 - 2 * L_KM) * (12 - 2 * L_KM), abs=1e-5)
    assert r.high == pytest.approx(
        grown(12, 12) - 9 * (12 - 2 * L_KM), abs=buffer_tol()
    )
    assert r.verdict == "consistent"


def test_line_accuracy_zero_turns_the_bands_off():
    result = check_claims(SQUARE_CLAIMS, line_accuracy_m=0)
    n = 0
    for v in result.records:
        for r in v.readings:
            assert r.map_after is None
            if r.verdict != "unverifiable":
                assert r.low == r.measured == r.high
                n += 1
    assert n >= 10
    # the bands are there otherwise, and hold the measurement
    wide = check_claims(SQUARE_CLAIMS)
    assert assert_band_holds(wide) == n
    assert all(
        r.low < r.measured < r.high
        for v in wide.records
        for r in v.readings
        if r.verdict != "unverifiable"
    )


def test_map_after_the_claim_widens_the_band():
    """Said on 3 January: the map of 1 January (10 km square) rests it, the map of
    8 January (12 km square, 5 days later) enters the band."""
    c = claim("held", 150, zone=LIB, date=dt.date(2025, 1, 3))
    maps = square_maps("2025-01-01", "2025-01-08")
    r = reading(check_claims([c], maps).records[0], LIB)
    assert (r.map, r.map_after) == (dt.date(2025, 1, 1), dt.date(2025, 1, 8))
    assert r.measured == pytest.approx(100, rel=1e-7)
    assert r.low == pytest.approx(shrunk(10, 10), abs=1e-5)
    assert r.high == pytest.approx(grown(12, 12), abs=buffer_tol())
    assert r.verdict == "consistent"  # 142.5 to 157.5 meets 90.25 to 156.2
    # a map after max_age_days does not enter the band
    r = reading(check_claims([c], maps, max_age_days=4).records[0], LIB)
    assert (r.map, r.map_after) == (dt.date(2025, 1, 1), None)
    assert r.high == pytest.approx(grown(10, 10), abs=buffer_tol())
    assert r.verdict == "overstated"
    # nor with the bands off
    r = reading(check_claims([c], maps, line_accuracy_m=0).records[0], LIB)
    assert r.map_after is None
    assert r.low == r.high == r.measured
    assert r.verdict == "overstated"


def test_a_claims_own_max_age_days_wins(tmp_path):
    p = write(
        tmp_path,
        "- {id: own, date: 2025-01-03, value: 150 km2, zone: liberated, "
        "max_age_days: 4}\n"
        "- {id: default, date: 2025-01-03, value: 150 km2, zone: liberated}\n",
    )
    v = by_id(check_claims(read_claims(p), square_maps("2025-01-01", "2025-01-08")))
    assert reading(v["own"], LIB).map_after is None
    assert reading(v["default"], LIB).map_after == dt.date(2025, 1, 8)


def test_region_clips_the_band_too():
    """Held [-3, 7] × [-6, 6] clipped to x <= 0: 3 × 12 km; the grown zone keeps
    two rounded corners, the shrunk one none."""
    region = rect(-20, -20, 0, 20)
    c = claim("held", 36, zone=LIB)
    r = reading(check_claims([c], SQUARE_MAPS, region=region).records[0], LIB)
    assert r.measured == pytest.approx(36, rel=1e-6)
    assert r.low == pytest.approx((3 - L_KM) * (12 - 2 * L_KM), rel=1e-6)
    high = (3 + L_KM) * (12 + 2 * L_KM) - 2 * (1 - math.pi / 4) * L_KM**2
    assert r.high == pytest.approx(high, abs=buffer_tol())


# ---------------------------------------------------------------- maps and dates


def test_claim_after_the_last_map_by_more_than_max_age_is_unverifiable():
    late = claim("late", 120, zone=LIB, date=dt.date(2025, 2, 1))  # 17 days on
    edge = claim("edge", 120, zone=LIB, date=dt.date(2025, 1, 29))  # 14 days on
    v = by_id(check_claims([late, edge], SQUARE_MAPS))
    assert MAX_AGE_DAYS == 14
    assert v["late"].verdict == "unverifiable"
    assert v["late"].primary_reading is not None
    assert all(r.verdict == "unverifiable" for r in v["late"].readings)
    assert "15 January 2025" in v["late"].reason
    assert "17 days" in v["late"].reason
    assert v["edge"].verdict != "unverifiable"
    assert reading(v["edge"], LIB).map == dt.date(2025, 1, 15)
    v = by_id(check_claims([late], SQUARE_MAPS, max_age_days=17))
    assert v["late"].verdict != "unverifiable"


def test_claim_before_the_first_map_is_unverifiable():
    early = claim("early", 100, zone=LIB, date=dt.date(2024, 12, 31))
    v = check_claims([early], square_maps("2025-01-01", "2025-01-08")).records[0]
    assert v.verdict == "unverifiable"
    assert "31 December 2024" in v.reason and "1 January 2025" in v.reason
    assert all(r.map is None for r in v.readings)


def test_ground_lost_since_before_the_event_says_how_to_read_it():
    # maps from the start of the event on; the claim counts from before it,
    # when nothing was held: no map shows that day, and the reason says
    # which reading the maps can give
    maps = square_maps("2025-01-01", "2025-01-08", "2025-01-15")
    before = claim("before", 36, zone=LIB, kind="lost", since=dt.date(2024, 12, 20))
    v = check_claims([before], maps, start="2025-01-01").records[0]
    assert v.verdict == "unverifiable"
    assert "do not reach back to 20 December 2024" in v.reason
    assert "the event began on 1 January 2025" in v.reason
    assert "say since: peak" in v.reason
    # without a start, or for ground gained, no such hint
    gained = claim("gained", 36, zone=LIB, kind="gained", since=dt.date(2024, 12, 20))
    for c, start in ((before, None), (gained, "2025-01-01")):
        v = check_claims([c], maps, start=start).records[0]
        assert v.verdict == "unverifiable" and "since: peak" not in v.reason


def test_a_map_is_published_at_a_moment():
    """A map counts for a claim's day if published by the end of that day (UTC)."""
    day = dt.date(2025, 1, 10)
    morning = snap(
        day, dt.datetime(2025, 1, 10, 6, tzinfo=dt.UTC), liberated=(-5, -5, 5, 5)
    )
    late = snap(
        dt.date(2025, 1, 11),
        dt.datetime(2025, 1, 11, 0, 30, tzinfo=dt.UTC),
        liberated=(-6, -6, 6, 6),
    )
    r = reading(
        check_claims([claim(zone=LIB, date=day)], [late, morning]).records[0], LIB
    )
    assert r.map == dt.datetime(2025, 1, 10, 6, tzinfo=dt.UTC)
    assert r.map_after == dt.datetime(2025, 1, 11, 0, 30, tzinfo=dt.UTC)
    assert r.measured == pytest.approx(100, rel=1e-7)


def test_maps_long_before_the_event_are_left_out_with_a_note():
    """The map of 15 November 2024 (a 20 km square) is 47 days before the start."""
    result = check_claims(SQUARE_CLAIMS)  # defaults: start 2025-01-01
    (note,) = result.notes
    assert "2024-11-15.geojson" in note
    assert "15 November 2024" in note and "47 days" in note
    assert "1 January 2025" in note
    peak = by_id(result)["sq-peak"]
    assert reading(peak, LIB).measured == pytest.approx(144, rel=1e-7)  # not 400
    # with no start given, nothing is left out, and the old map is measured
    old = claim("old", 400, zone=LIB, date=dt.date(2024, 11, 20))
    result = check_claims([old], SQUARE_MAPS)
    assert result.notes == []
    assert reading(result.records[0], LIB).measured == pytest.approx(400, rel=1e-7)
    result = check_claims([old], SQUARE_MAPS, start=dt.date(2025, 1, 1))
    assert result.records[0].verdict == "unverifiable"
    assert len(result.notes) == 1


def test_peak_needs_a_start():
    maps = square_maps("2025-01-01", "2025-01-08", "2025-01-15")
    no_start = claim("peak", 144, zone=LIB, kind="peak", precision=0.5)
    v = check_claims([no_start], maps).records[0]
    assert v.verdict == "unverifiable"
    assert "start" in v.reason
    assert all(math.isnan(r.measured) for r in v.readings)
    # a start given to check_claims, or by the claim
    for result in (
        check_claims([no_start], maps, start="2025-01-01"),
        check_claims(
            [claim("peak", 144, zone=LIB, kind="peak", start=dt.date(2025, 1, 1))], maps
        ),
    ):
        r = reading(result.records[0], LIB)
        assert r.map == dt.date(2025, 1, 8)  # the peak map
        assert r.map_after is None and r.since_map is None
        assert r.measured == pytest.approx(144, rel=1e-7)
        # the peak's band: the largest low and the largest high of the window
        assert r.low == pytest.approx(shrunk(12, 12), abs=1e-5)
        assert r.high == pytest.approx(grown(12, 12), abs=buffer_tol())


@pytest.mark.parametrize("kind", ["peak", "lost"])
def test_peak_is_unverifiable_on_a_series_that_begins_late(kind):
    assert START_TOLERANCE_DAYS == 7
    maps = square_maps("2025-01-01", "2025-01-08", "2025-01-15")
    since = "peak" if kind == "lost" else None
    ok = claim("ok", 36, zone=LIB, kind=kind, since=since, start=dt.date(2024, 12, 25))
    late = claim(
        "late", 36, zone=LIB, kind=kind, since=since, start=dt.date(2024, 12, 24)
    )
    v = by_id(check_claims([ok], maps))
    assert v["ok"].verdict != "unverifiable"  # 7 days: the peak is on the maps
    v = by_id(check_claims([late], maps))
    assert v["late"].verdict == "unverifiable"
    assert "1 January 2025" in v["late"].reason  # the first map
    assert "24 December 2024" in v["late"].reason  # the start
    assert "8 days" in v["late"].reason


def test_since_a_date_must_be_covered():
    maps = square_maps("2025-01-01", "2025-01-08", "2025-01-15")
    lost = claim("lost", 20, zone=LIB, kind="lost", since=dt.date(2025, 1, 1))
    gained = claim("gained", 40, zone=LIB, kind="gained", since=dt.date(2025, 1, 1))
    before = claim("before", 20, zone=LIB, kind="lost", since=dt.date(2024, 12, 20))
    v = by_id(check_claims([lost, gained, before], maps, line_accuracy_m=0))
    # [-5, 5]² to [-3, 7] × [-6, 6]: 2 × 10 km lost, 120 - 80 gained
    assert reading(v["lost"], LIB).measured == pytest.approx(20, rel=1e-7)
    assert reading(v["lost"], LIB).since_map == dt.date(2025, 1, 1)
    assert reading(v["gained"], LIB).measured == pytest.approx(40, rel=1e-7)
    assert v["before"].verdict == "unverifiable"
    assert "20 December 2024" in v["before"].reason
    assert "1 January 2025" in v["before"].reason
    # a map of the since date older than max_age_days does not stand for it
    after = claim("after", 20, zone=LIB, kind="lost", since=dt.date(2025, 1, 5))
    v = check_claims([after], maps, max_age_days=3).records[0]
    assert v.verdict == "unverifiable"
    assert "5 January 2025" in v.reason


def test_gain_minus_loss_is_net_change():
    since = dt.date(2025, 1, 1)
    claims = [
        claim("l", 1, zone=BOTH, kind="lost", since=since),
        claim("g", 1, zone=BOTH, kind="gained", since=since),
        claim("a0", 1, zone=BOTH, date=since),
        claim("a1", 1, zone=BOTH),
    ]
    v = by_id(check_claims(claims, SQUARE_MAPS, line_accuracy_m=0))
    m = {k: reading(v[k], BOTH).measured for k in v}
    assert m["g"] - m["l"] == pytest.approx(m["a1"] - m["a0"], abs=1e-6)
    assert m["a1"] - m["a0"] == pytest.approx(156 - 150, abs=1e-5)


def test_zone_absent_from_the_maps():
    maps = square_maps("2025-01-01", "2025-01-08")
    # a zone kurskgeo knows, on no map
    v = check_claims([claim("occ", zone=("occupied",))], maps).records[0]
    assert v.verdict == "unverifiable"
    assert v.readings == ()
    assert "occupied" in v.reason
    # a zone on some maps of the series, not on the one the claim rests on
    first = snap(dt.date(2025, 1, 1), liberated=(-5, -5, 5, 5))
    second = snap(
        dt.date(2025, 1, 8), liberated=(-6, -6, 6, 6), contested=(6, -6, 10, 6)
    )
    v = by_id(
        check_claims(
            [
                claim("then", 48, zone=("contested",), date=dt.date(2025, 1, 3)),
                claim("now", 48, zone=("contested",), date=dt.date(2025, 1, 8)),
            ],
            [first, second],
            line_accuracy_m=0,
        )
    )
    assert v["then"].verdict == "unverifiable"
    assert "1 January 2025" in v["then"].reason and "contested" in v["then"].reason
    assert reading(v["now"], ("contested",)).measured == pytest.approx(48, rel=1e-7)
    # a zone neither kurskgeo nor the maps know is a mistake in the claims file
    with pytest.raises(ClaimsFileError, match=r"'typo'.*unknown zone 'helt'"):
        check_claims([claim("typo", zone=("helt",))], maps)


# ---------------------------------------------------------------- readings


def test_readings_of_a_claim_and_depends_on_reading():
    """156 km² with the grey zone: consistent with it counted, overstated without."""
    v = by_id(check_claims(SQUARE_CLAIMS))
    sq_all = v["sq-all"]
    assert [r.zone for r in sq_all.readings] == [BOTH, LIB]
    assert sq_all.primary_reading == 0
    assert reading(sq_all, BOTH).verdict == "consistent"
    assert reading(sq_all, LIB).verdict == "overstated"
    assert sq_all.verdict == "depends_on_reading"
    assert "156 km²" in sq_all.reason and "120 km²" in sq_all.reason
    assert "15 January 2025" in sq_all.reason and "Test ministry" in sq_all.reason
    assert "band 144 to 169 km²" in sq_all.reason  # 143.75 to 168.7
    # readings that agree give their verdict
    assert v["sq-lost"].verdict == "consistent"
    assert {r.verdict for r in v["sq-lost"].readings} == {"consistent"}
    for r in v["sq-lost"].readings:
        assert r.measured == pytest.approx(36, rel=1e-7)
        assert r.source == "Squares"


def test_unverifiable_readings_do_not_decide():
    """Source B's only map is 45 days old: its reading cannot be verified, and
    the verdict is that of the readings that can."""
    a = snap(dt.date(2025, 1, 15), source="A", liberated=(-5, -5, 5, 5))
    b = snap(dt.date(2024, 12, 1), source="B", liberated=(-6, -6, 6, 6))
    v = check_claims([claim("c", 100, zone=LIB)], [a, b]).records[0]
    assert [(r.source, r.verdict) for r in v.readings] == [
        ("A", "consistent"),
        ("B", "unverifiable"),
    ]
    assert v.verdict == "consistent"
    assert "cannot be verified" in v.reason
    # none that can: unverifiable, with the reason of the claim's own reading
    v = check_claims([claim("c", 100, zone=LIB)], [b]).records[0]
    assert v.verdict == "unverifiable"
    assert "1 December 2024" in v.reason and "45 days" in v.reason


def test_zone_is_the_default_for_claims_that_name_none():
    result = check_claims(SQUARE_CLAIMS, zone="liberated")
    v = by_id(result)
    assert v["sq-all"].primary.zone == BOTH  # its own zone wins
    assert v["sq-all"].primary.measured == pytest.approx(156, rel=1e-7)
    assert v["sq-nozone"].primary.zone == LIB
    assert v["sq-nozone"].primary.measured == pytest.approx(120, rel=1e-7)
    assert [r.zone for r in v["sq-nozone"].readings] == [LIB, BOTH]
    assert v["sq-peak"].primary.zone == LIB
    # a list of zones is their union
    v = by_id(check_claims(SQUARE_CLAIMS, zone=["liberated", "contested"]))
    assert v["sq-nozone"].primary.zone == BOTH
    assert v["sq-all"].primary.zone == BOTH
    # and without zone=, every polygon
    v = by_id(check_claims(SQUARE_CLAIMS))
    assert v["sq-nozone"].primary.zone is None
    assert v["sq-nozone"].primary.measured == pytest.approx(156, rel=1e-7)


def test_each_source_is_a_series():
    day = dt.date(2025, 1, 15)
    a = snap(day, source="A", liberated=(-5, -5, 5, 5), contested=(5, -5, 10, 5))
    b = snap(day, source="B", liberated=(-6, -6, 6, 6))
    v = check_claims([claim("c", 100, zone=LIB)], [a, b], line_accuracy_m=0).records[0]
    got = {(r.source, r.zone): r.measured for r in v.readings}
    assert got == {
        ("A", LIB): pytest.approx(100, rel=1e-7),
        ("B", LIB): pytest.approx(144, rel=1e-7),
        ("A", BOTH): pytest.approx(150, rel=1e-7),
    }
    assert v.primary.source == "A" and v.primary.zone == LIB
    assert v.verdict == "depends_on_reading"
    # two maps of one date are a mistake only within one source
    b_as_a = snap(day, source="A", liberated=(-6, -6, 6, 6))
    with pytest.raises(SnapshotError, match="2025-01-15"):
        check_claims([claim("c", 100, zone=LIB)], [a, b_as_a])


def test_sources_named_by_their_features_are_two_series(tmp_path):
    """Two files of one date whose features name two sources: two series."""
    for source in ("A", "B"):
        folder = tmp_path / source
        folder.mkdir()
        ring = [list(p) for p in rect(-5, -5, 5, 5).exterior.coords]
        doc = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"zone": "liberated", "source": source},
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
            ],
        }
        (folder / "2025-01-15.geojson").write_text(json.dumps(doc))
    v = check_claims(
        [claim("c", 100, zone=LIB)], [tmp_path / "A", tmp_path / "B"]
    ).records[0]
    assert sorted(r.source for r in v.readings) == ["A", "B"]


def test_alternative_zones_are_measured_as_they_say():
    """ISW's layer of Russian advances against "retaken since the peak": measured
    as an area, on the claim's date, whatever the claim's own kind."""
    maps = [
        snap(dt.date(2025, 1, 1), liberated=(-5, -5, 5, 5), advances=(20, 20, 21, 21)),
        snap(dt.date(2025, 1, 15), liberated=(-3, -5, 5, 5), advances=(-5, -5, -3, 5)),
    ]
    c = claim(
        "retaken",
        20,
        zone=LIB,
        kind="lost",
        since="peak",
        start=dt.date(2025, 1, 1),
        alternatives=((("advances",), "area"),),
    )
    v = check_claims([c], maps, line_accuracy_m=0).records[0]
    own, alt = reading(v, LIB), reading(v, ("advances",))
    assert own.kind == "lost" and own.measured == pytest.approx(20, rel=1e-7)
    assert alt.kind == "area"
    assert alt.since_map is None
    assert alt.map == dt.date(2025, 1, 15)
    assert alt.measured == pytest.approx(20, rel=1e-7)  # the 2 × 10 km strip
    assert alt.verdict == "consistent"
    assert v.verdict == "consistent"
    # an alternative on a series without the claim's own zone
    only = [m[m["zone"] == "advances"] for m in maps]
    v = check_claims([c], only, line_accuracy_m=0).records[0]
    assert [r.zone for r in v.readings] == [("advances",)]
    assert v.readings[0].measured == pytest.approx(20, rel=1e-7)


def test_share_is_judged_in_points_from_its_part_and_whole():
    result = check_claims(SQUARE_CLAIMS)
    v = by_id(result)
    share, part, whole = v["sq-share"], v["sq-lost"], v["sq-peak"]
    assert share.interval == pytest.approx((23.75, 26.25))  # 25 % ± 5 % of it
    for r in share.readings:
        assert r.kind == "share" and r.unit == "percent"
        p, w = reading(part, r.zone), reading(whole, r.zone)
        assert r.measured == pytest.approx(100 * p.measured / w.measured)
        assert r.low == pytest.approx(100 * p.low / w.high)
        assert r.high == pytest.approx(100 * p.high / w.low)
    held = reading(share, LIB)
    assert held.measured == pytest.approx(25, rel=1e-7)  # 36 / 144
    assert held.low == pytest.approx(
        100 * (3 - 2 * L_KM) * (12 - 2 * L_KM) / grown(12, 12), rel=1e-5
    )
    assert reading(share, BOTH).measured == pytest.approx(18.75, rel=1e-7)  # 36 / 192
    assert share.verdict == "consistent"
    # 27 % exactly is 2 points more than 25 %
    c = claim(
        "more",
        27,
        unit="percent",
        kind="share",
        part="sq-lost",
        of="sq-peak",
        qualifier="exact",
        precision=0.5,
    )
    result = check_claims([*read_claims(SQUARE_CLAIMS), c], line_accuracy_m=0)
    more = by_id(result)["more"]
    assert reading(more, LIB).verdict == "overstated"
    assert more.verdict == "overstated"
    assert "2.0 points more than" in more.reason
    assert more.to_dict()["claimed_km2"] is None
    assert more.to_dict()["readings"][0]["measured_pct"] == pytest.approx(25)
    assert more.to_dict()["readings"][0]["measured_km2"] is None


def test_a_share_of_quantities_the_maps_measure(tmp_path):
    # "a quarter of the salient is lost", with no figure of either: the same
    # readings as the share of the claims that measure those quantities
    claims = read_claims(SQUARE_CLAIMS)
    alone = claim(
        "alone",
        25,
        unit="percent",
        kind="share",
        part="ground lost since the peak",
        of="ground at the peak",
        zone=LIB,
        start=claims[0].start,
        snapshots=claims[0].snapshots,
    )
    result = check_claims([*claims, alone])
    linked, v = by_id(result)["sq-share"], by_id(result)["alone"]
    assert [(r.zone, r.verdict) for r in v.readings] == [
        (r.zone, r.verdict) for r in linked.readings
    ]
    for r in v.readings:
        same = reading(linked, r.zone)
        assert (r.measured, r.low, r.high) == (same.measured, same.low, same.high)
    assert reading(v, LIB).measured == pytest.approx(25, rel=1e-7)  # 36 / 144
    assert "as ground lost since the peak over ground at the peak" in v.reason
    assert not [f for f in result.findings if "alone" in f.claims]  # no figures
    # ground held, over one claim's figure
    held = claim(
        "held",
        100 * 120 / 144,
        unit="percent",
        kind="share",
        part="ground held",
        of="sq-peak",
        precision=0.5,
        zone=LIB,
        snapshots=claims[0].snapshots,
    )
    v = by_id(check_claims([*claims, held], line_accuracy_m=0))
    assert reading(v["held"], LIB).measured == pytest.approx(100 * 120 / 144)


def test_a_share_of_the_region():
    # held [-3, 7] × [-6, 6] within the region x <= 0: 3 × 12 km of 20 × 40 km
    region = rect(-20, -20, 0, 20)
    share = claim(
        "of-region",
        4.5,
        unit="percent",
        kind="share",
        part="ground held",
        of="the region",
        zone=LIB,
        qualifier="exact",
        precision=0.005,
    )
    v = check_claims([share], SQUARE_MAPS, region=region).records[0]
    r = reading(v, LIB)
    assert r.measured == pytest.approx(100 * 36 / 800, rel=1e-6)
    held = reading(
        check_claims([claim("held", 36, zone=LIB)], SQUARE_MAPS, region=region).records[
            0
        ],
        LIB,
    )
    assert r.low == pytest.approx(100 * held.low / 800, rel=1e-6)
    assert r.high == pytest.approx(100 * held.high / 800, rel=1e-6)
    assert v.verdict == "consistent" and "over the region" in v.reason
    # no region: nothing to measure the whole on
    v = check_claims([share], SQUARE_MAPS).records[0]
    assert v.verdict == "unverifiable"
    assert "no region was given to measure it on" in v.reason


@pytest.mark.parametrize(
    ("part", "message"),
    [
        ("ground lost since", "neither a claim id nor one of 'ground held'"),
        # the region is a whole, never a part
        ("the region", "neither a claim id nor one of 'ground held'"),
        ("held", "refers to unknown claim id 'held'"),
    ],
)
def test_a_share_names_claims_or_measured_quantities(tmp_path, part, message):
    p = write(
        tmp_path,
        "- {id: s, date: 2025-01-01, value: 5, unit: percent, kind: share, "
        f"part: {part}, of: ground at the peak}}\n",
    )
    with pytest.raises(ClaimsFileError, match=message):
        read_claims(p)
    ok = write(
        tmp_path,
        "- {id: s, date: 2025-01-01, value: 5, unit: percent, kind: share, "
        "part: Ground  Lost since the peak, of: ground at the peak}\n",
        "ok.yaml",
    )
    assert read_claims(ok)[0].part == "ground lost since the peak"


def test_derived_claim_is_measured_as_the_area_on_its_date():
    """144 at the peak - 36 lost = 108 stated; the map of its date shows 120 km²
    held (ground was gained too), and that is what the claim is measured on."""
    result = check_claims(SQUARE_CLAIMS, line_accuracy_m=0)
    v = by_id(result)["sq-held-implied"]
    assert v.value == pytest.approx(108)
    assert v.interval == pytest.approx((102.6, 113.4))  # about: 5 % of 108
    assert v.to_dict()["claimed_km2"] == pytest.approx(108)
    assert v.to_dict()["value"] is None
    held = reading(v, LIB)  # the zone of the claims it is worked out from
    assert v.primary is held
    assert held.kind == "area"
    assert held.map == dt.date(2025, 1, 15)
    assert held.since_map is None
    assert held.measured == pytest.approx(120, rel=1e-7)
    # not the difference of the measurements (which would be consistent)
    m = by_id(result)
    diff = reading(m["sq-peak"], LIB).measured - reading(m["sq-lost"], LIB).measured
    assert diff == pytest.approx(108, rel=1e-7)
    assert held.verdict == "understated"
    # with the band, 109.25 to 131.2 meets 102.6 to 113.4
    v = by_id(check_claims(SQUARE_CLAIMS))["sq-held-implied"]
    assert reading(v, LIB).verdict == "consistent"
    # a derived claim that names its zone is measured on it
    claims = read_claims(SQUARE_CLAIMS)
    own = Claim(
        "own",
        dt.date(2025, 1, 15),
        math.nan,
        "km2",
        kind="derived",
        zone=BOTH,
        expression=((1, "sq-peak"), (-1, "sq-lost")),
    )
    v = by_id(check_claims([*claims, own], SQUARE_MAPS, line_accuracy_m=0))["own"]
    assert v.primary.zone == BOTH
    assert v.primary.measured == pytest.approx(156, rel=1e-7)
    assert v.verdict == "understated"  # 156 and 120 km² are both above 113.4


def test_claims_file_snapshots_field():
    """The synthetic claims on their boxes (geodesic areas, pyproj.Geod)."""
    result = check_claims(DATA / "synthetic.yaml")
    v = by_id(result)
    held_now = geodesic_km2(shapely.box(35.0, 51.0, 35.1, 51.2))
    held_then = geodesic_km2(shapely.box(35.0, 51.0, 35.2, 51.2))
    area = reading(v["held-area"], ("held",))
    assert area.measured == pytest.approx(held_now, rel=1e-6)
    assert area.map == dt.date(2025, 1, 10)
    assert v["held-area"].verdict == "consistent"
    # "200" is 200 ± 50: the 156 km² lost fit it
    lost = reading(v["held-lost"], ("held",))
    assert lost.measured == pytest.approx(held_then - held_now, rel=1e-3)
    assert v["held-lost"].interval == pytest.approx((150, 250))
    assert v["held-lost"].verdict == "consistent"
    all_now = reading(v["all-now"], ("held", "grey"))
    assert all_now.measured == pytest.approx(held_then, rel=1e-6)
    assert v["all-now"].value == pytest.approx(120 * KM2_PER_MI2)
    assert v["all-now"].verdict == "consistent"
    # no start: the peak, and the share resting on it, cannot be known
    assert v["held-peak"].verdict == "unverifiable"
    assert v["share-lost"].verdict == "unverifiable"
    assert "held-peak" in v["share-lost"].reason
    assert [f.kind for f in result.problems] == ["share"]


def test_no_snapshots_is_unverifiable():
    result = check_claims(read_claims(BUNDLED))
    assert {v.verdict for v in result.records} == {"unverifiable"}
    for v in result.records:
        assert v.reason.startswith("unverifiable: ")
        assert v.primary is None


def test_inputs_not_mutated():
    maps = square_maps()
    before = [m.copy() for m in maps]
    attrs = [dict(m.attrs) for m in maps]
    check_claims(
        [claim(zone=LIB, kind="lost", since="peak", start=dt.date(2025, 1, 1))], maps
    )
    for a, b, at in zip(before, maps, attrs, strict=True):
        assert a.equals(b)
        assert b.attrs == at


# ---------------------------------------------------------------- findings


def test_bundled_findings_without_geometry():
    claims = read_claims(BUNDLED)
    findings = claim_findings(claims)
    mismatch = [f for f in findings if f.kind == "unit_mismatch"]
    assert [f.claims for f in mismatch] == [("deepstate-held",)]
    msg = mismatch[0].message
    assert "162 sq mi" in msg  # 420 / 2.59 = 162.2
    assert "676 km²" in msg  # 261 * 2.59 = 676.0
    assert not mismatch[0].consistent

    # the 801 / 1,268 pair: one finding, naming both shares that rest on it
    pair = [
        f
        for f in findings
        if f.kind == "share" and {"mod-retaken", "mod-seized"} <= set(f.claims)
    ]
    assert len(pair) == 1
    (share,) = pair
    assert set(share.claims) == {
        "mod-share",
        "mod-share-stated",
        "mod-retaken",
        "mod-seized",
    }
    assert f"{100 * 801 / 1268:.1f}%" == "63.2%"
    assert "= 63.2%" in share.message
    assert "mod-share " in share.message and "mod-share-stated " in share.message
    assert share.consistent
    rudskoi = [f for f in findings if f.kind == "share" and "rudskoi-share" in f.claims]
    assert len(rudskoi) == 1
    assert len([f for f in findings if f.kind == "share"]) == 2

    agreements = {f.claims for f in findings if f.kind == "agreement"}
    assert ("mod-held-implied", "deepstate-held") in agreements
    assert ("mod-held-implied", "syrskyi-2025-02") in agreements
    assert ("mod-share", "mod-share-stated") in agreements  # the same quantity
    held = next(
        f for f in findings if f.claims == ("mod-held-implied", "deepstate-held")
    )
    assert "467 km²" in held.message  # 1268 - 801
    assert not [f for f in findings if f.kind == "contradiction"]
    # no pair of claims is compared twice
    groups = [frozenset(f.claims) for f in findings]
    assert len(groups) == len(set(groups))


def test_one_share_finding_per_pair_of_figures():
    findings = check_claims(SQUARE_CLAIMS).findings
    shares = [f for f in findings if f.kind == "share"]
    assert len(shares) == 1
    assert shares[0].claims == ("sq-share", "sq-share-more", "sq-lost", "sq-peak")
    assert "= 25.0%" in shares[0].message  # 36 / 144
    assert shares[0].consistent


def test_one_finding_per_group_on_the_same_quantity():
    a = claim("a", 500, zone=("held",), source="A")
    b = claim("b", 300, zone=("held",), qualifier="less_than", source="B")
    c = claim("c", 450, zone=("held",), qualifier="more_than")
    other = claim("d", 100, zone=("elsewhere",))
    findings = claim_findings([a, b, c, other])
    assert [(f.kind, f.claims) for f in findings] == [
        ("contradiction", ("a", "b", "c"))
    ]
    assert not findings[0].consistent
    assert "b allows up to 300 km²" in findings[0].message
    # claims that all meet: one agreement
    b_ok = claim("b", 600, zone=("held",), qualifier="less_than", source="B")
    findings = claim_findings([a, b_ok, c, other])
    assert [(f.kind, f.claims) for f in findings] == [("agreement", ("a", "b", "c"))]
    assert findings[0].consistent
    # another date is another quantity
    later = claim("e", 300, zone=("held",), date=dt.date(2025, 2, 1))
    assert claim_findings([a, later]) == []


def test_mile_conversion_within_one_percent_is_fine():
    ok = claim("ok", 1268, also_value=490, also_unit="mi2")
    bad = claim("bad", 1268, also_value=480, also_unit="mi2")
    found = [f.claims for f in claim_findings([ok, bad]) if f.kind == "unit_mismatch"]
    assert found == [("bad",)]


def test_derived_with_wrong_value(tmp_path):
    p = write(
        tmp_path,
        "- {id: a, date: 2025-01-01, value: 1268, unit: km2}\n"
        "- {id: b, date: 2025-01-01, value: 801, unit: km2}\n"
        "- {id: d, date: 2025-01-01, value: 500, unit: km2, kind: derived, expression: a - b}\n",
    )
    derived = [f for f in claim_findings(read_claims(p)) if f.kind == "derived"]
    assert [f.claims for f in derived] == [("d",)]
    assert "467" in derived[0].message


# ---------------------------------------------------------------- real data

RAW_PEAK = 1724272310  # DeepStateMap export of 2024-08-21 20:31:50 UTC
RAW_JAN = 1736372850  # 2025-01-08 21:47:30 UTC
RAW_2022 = 1648989208  # 2022-04-03: an export from long before the incursion
SEPT_10 = 1725926400  # 2024-09-10 00:00 UTC


def moment(unix: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(unix, dt.UTC)


def check_quietly(claims, snapshots, **kw):
    """check_claims; the only warnings allowed are about the left-out 2022 map."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = check_claims(claims, snapshots, **kw)
    others = [str(w.message) for w in caught if str(RAW_2022) not in str(w.message)]
    assert not others, others
    return result


@pytest.fixture(scope="module")
def real(shared_data, kursk_oblast):
    return check_quietly(
        read_claims(BUNDLED), shared_data / "deepstate-raw", region=kursk_oblast
    )


def zone_union(path: Path, zones, region):
    """The zones of one export, unioned and clipped, in longitude/latitude."""
    from kurskgeo.io import read_snapshot

    snap_ = read_snapshot(path)
    sel = snap_[snap_["zone"].isin(zones)]
    return shapely.intersection(shapely.union_all(sel.geometry.values), region)


@pytest.fixture(scope="module")
def oblast(kursk_oblast):
    from kurskgeo.io import read_region

    return read_region(kursk_oblast)


@pytest.mark.realdata
def test_real_mod_seized_depends_on_the_grey_zone(real, shared_data, oblast):
    v = by_id(real)["mod-seized"]
    assert v.verdict == "depends_on_reading"
    both, held = reading(v, BOTH), reading(v, LIB)
    assert both.verdict == "consistent"
    assert held.verdict == "overstated"
    assert v.primary is both
    assert both.map == moment(RAW_PEAK)  # the peak map, by its publication time
    assert both.kind == "peak"
    expect = geodesic_km2(
        zone_union(shared_data / "deepstate-raw" / f"{RAW_PEAK}.geojson", BOTH, oblast)
    )
    assert both.measured == pytest.approx(expect, rel=1e-3)
    assert "21 August 2024" in v.reason and "1,268 km²" in v.reason


@pytest.mark.realdata
def test_real_mod_retaken_is_overstated(real, shared_data, oblast):
    v = by_id(real)["mod-retaken"]
    assert v.verdict == "overstated"
    assert {r.verdict for r in v.readings} == {"overstated"}
    assert {r.zone for r in v.readings} >= {BOTH, LIB}
    both = reading(v, BOTH)
    assert both.since_map == moment(RAW_PEAK)
    assert both.map == moment(RAW_JAN)
    raw = shared_data / "deepstate-raw"
    old = zone_union(raw / f"{RAW_PEAK}.geojson", BOTH, oblast)
    new = zone_union(raw / f"{RAW_JAN}.geojson", BOTH, oblast)
    expect = geodesic_km2(shapely.difference(old, new))
    assert both.measured == pytest.approx(expect, rel=1e-3)
    assert 580 < both.measured < 660  # "roughly 620 km²"
    assert both.high < 760.95  # even the band does not reach 801 - 5 %
    # the reason names the peak's date and the map's
    assert "21 August 2024" in v.reason
    assert "8 January 2025" in v.reason
    assert "801 km²" in v.reason


@pytest.mark.realdata
def test_real_deepstate_supports_its_own_420(real):
    v = by_id(real)["deepstate-held"]
    held = v.primary
    assert held.zone == LIB
    assert held.map == moment(RAW_JAN)
    assert held.measured > 420
    assert v.verdict == "consistent"


@pytest.mark.realdata
def test_real_reason_says_when_only_the_band_makes_a_claim_consistent(real):
    """Syrskyi's "500 km²" (450 to 550 as written) meets the 623 km² of held and
    grey zone only through its band (549 to 649): the sentence says so. The
    420 km² DeepState gave is met by the 452 km² itself: no such clause."""
    late = by_id(real)["syrskyi-2025-02"]
    assert late.verdict == "consistent"
    lo, hi = late.interval
    assert not lo <= late.primary.measured <= hi
    assert late.primary.low <= hi  # the band meets the words
    assert (
        f"and only through that band: as written, the figure allows "
        f"{lo:,.0f} to {hi:,.0f} km²" in late.reason
    )
    held = by_id(real)["deepstate-held"]
    assert held.verdict == "consistent"
    assert "only through that band" not in held.reason


@pytest.mark.realdata
def test_real_2022_export_is_left_out_with_a_note(real):
    notes = [n for n in real.notes if f"{RAW_2022}.geojson" in n]
    assert len(notes) == 1
    assert "3 April 2022" in notes[0] and "6 August 2024" in notes[0]
    for v in real.records:
        for r in v.readings:
            for m in (r.map, r.map_after, r.since_map):
                assert m is None or m.year >= 2024, (v.claim.id, r)


@pytest.mark.realdata
def test_real_bands_hold_the_measurement(real, shared_data, kursk_oblast):
    assert assert_band_holds(real) >= 15
    flat = check_quietly(
        read_claims(BUNDLED),
        shared_data / "deepstate-raw",
        region=kursk_oblast,
        line_accuracy_m=0,
    )
    n = 0
    for v in flat.records:
        for r in v.readings:
            assert r.map_after is None
            if r.verdict != "unverifiable":
                assert r.low == r.measured == r.high, (v.claim.id, r)
                n += 1
    assert n >= 15
    # the measurement itself does not depend on the band
    wide = {(v.claim.id, r.zone): r.measured for v in real.records for r in v.readings}
    for v in flat.records:
        for r in v.readings:
            if r.verdict != "unverifiable":
                assert r.measured == pytest.approx(
                    wide[(v.claim.id, r.zone)], rel=1e-12
                )


@pytest.mark.realdata
def test_real_series_that_begins_after_the_peak(shared_data, kursk_oblast, tmp_path):
    """Only the maps from 10 September 2024 on: the peak is not on them."""
    for f in (shared_data / "deepstate-raw").glob("*.geojson"):
        if int(f.stem) >= SEPT_10:
            shutil.copy(f, tmp_path / f.name)
    result = check_quietly(read_claims(BUNDLED), tmp_path, region=kursk_oblast)
    v = by_id(result)
    for cid in ("mod-retaken", "mod-seized"):
        assert v[cid].verdict == "unverifiable", cid
        assert "18 September 2024" in v[cid].reason, cid  # the first map
    assert v["mod-share"].verdict == "unverifiable"
    # what does not need the peak is still measured
    assert v["deepstate-held"].verdict == "consistent"
    assert result.notes == []


@pytest.mark.realdata
def test_real_isw_advances_are_an_area_against_801(shared_data):
    """ISW's layer of Russian advances, the alternative reading of "801 retaken":
    measured as an area on the map of 10 January 2025 (issue 17)."""
    from kurskgeo.io import read_snapshots

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        snaps = read_snapshots(shared_data / "isw-kursk")
    # null geometries are skipped and self-intersecting polygons repaired
    assert {w.category for w in caught} == {SkippedFeatureWarning, RepairWarning}
    result = check_claims(read_claims(BUNDLED), snaps)
    v = by_id(result)["mod-retaken"]
    (isw,) = v.readings
    assert isw.zone == ("kursk_russian_advances",)
    assert isw.kind == "area"
    assert isw.map == dt.date(2025, 1, 10)
    assert isw.since_map is None
    jan = next(s for s in snaps if s["date"].iloc[0] == dt.date(2025, 1, 10))
    expect = geodesic_km2(shapely.union_all(jan.geometry.values))
    assert isw.measured == pytest.approx(expect, rel=1e-4)
    assert isw.measured == pytest.approx(622.5, abs=1.5)
    assert isw.verdict == "overstated"
    assert v.verdict == "overstated"
