"""Rebuild kurskgeo's embedded, APPROXIMATE control-zone snapshots of the Kursk salient.

Run from the repository root (no network, no third-party data)::

    python geodata/build_snapshots.py

It writes ``geodata/places.geojson`` and ``geodata/snapshots/kursk_YYYY-MM-DD.geojson``
and is deterministic: the same script gives byte-identical files.

How a snapshot is made
----------------------
These files are NOT maps of the front line: they are illustrations, with
approximate shapes. Their dates and areas are those of DeepStateMap's maps of
the incursion as kurskgeo measures them (``DEEPSTATE_KURSK``: facts), so that
the demo's verdicts are those the real maps give; their shapes are drawn by
hand from the settlements reported held. For each date:

1. Take the settlements reported held by Ukrainian forces around that date
   (``SETTLEMENTS``; coordinates from ``PLACES``, approximate to about 1 km).
2. Draw a disc of radius ``r`` around each (some settlements get a larger or
   smaller weight), add the stretch of the state border between the
   westernmost and easternmost held settlement (buffered by ``r``), and close
   the gaps (buffer by +``r`` then by -``r``).
3. Keep only what lies on the Russian side of ``BORDER``, a polyline of the
   Russia-Ukraine state border authored by hand for this project from general
   geographic knowledge (a few dozen vertices, accurate to a few km; it is not
   taken from any boundary dataset).
4. Choose ``r`` by bisection so that the held (``liberated``) zone has the
   area DeepStateMap's map of that date shows, then the width of a
   ``contested`` band around it so that both together have the area of
   DeepStateMap's held and grey zones.

Areas are computed in a Lambert azimuthal equal-area projection centred on the
salient (the same kind kurskgeo measures in), so kurskgeo measures the target
figure back to within a fraction of a km².

The areas are DeepStateMap's, but the shapes are not: the change between two
dates (ground lost since the peak) depends on shapes, so verdicts on these files
show how kurskgeo works and what the real maps say in round terms; they are no
evidence for or against any claim. Use the real maps for that
(``kurskgeo report --source deepstate``).
"""

from __future__ import annotations

import json
from pathlib import Path

import shapely
from pyproj import CRS, Transformer
from shapely.geometry import LineString, Point, Polygon, mapping

HERE = Path(__file__).resolve().parent
SOURCE = "kurskgeo approximate reconstruction"
LAEA = CRS.from_proj4(
    "+proj=laea +lat_0=51.2 +lon_0=35.2 +datum=WGS84 +units=m +no_defs"
)
TO_M = Transformer.from_crs("OGC:CRS84", LAEA, always_xy=True)
TO_DEG = Transformer.from_crs(LAEA, "OGC:CRS84", always_xy=True)

# ----------------------------------------------------------------------------- places
# (English name, local name, country, kind, longitude, latitude). Approximate
# positions of the settlement centres (about 1 km), for orientation on maps.
PLACES: list[tuple[str, str, str, str, float, float]] = [
    ("Kursk", "Курск", "RU", "city", 36.193, 51.730),
    ("Sudzha", "Суджа", "RU", "town", 35.272, 51.192),
    ("Korenevo", "Коренево", "RU", "town", 34.908, 51.414),
    ("Lgov", "Льгов", "RU", "town", 35.267, 51.663),
    ("Rylsk", "Рыльск", "RU", "town", 34.685, 51.568),
    ("Glushkovo", "Глушково", "RU", "town", 34.632, 51.338),
    ("Tetkino", "Тёткино", "RU", "town", 34.282, 51.279),
    ("Bolshoe Soldatskoe", "Большое Солдатское", "RU", "village", 35.513, 51.353),
    ("Belaya", "Белая", "RU", "village", 35.667, 51.100),
    ("Oleshnya", "Олешня", "RU", "village", 35.140, 51.178),
    ("Gornal", "Горналь", "RU", "village", 35.235, 51.070),
    ("Plekhovo", "Плёхово", "RU", "village", 35.330, 51.100),
    ("Malaya Loknya", "Малая Локня", "RU", "village", 35.228, 51.333),
    ("Martynovka", "Мартыновка", "RU", "village", 35.110, 51.250),
    ("Sverdlikovo", "Свердликово", "RU", "village", 35.110, 51.232),
    ("Kurchatov", "Курчатов", "RU", "town", 35.650, 51.667),
    ("Lyubimovka", "Любимовка", "RU", "village", 35.043, 51.312),
    ("Makhnovka", "Махновка", "RU", "village", 35.125, 51.295),
    ("Guevo", "Гуево", "RU", "village", 35.280, 51.097),
    ("Pogrebki", "Погребки", "RU", "village", 35.180, 51.270),
    ("Nikolayevo-Daryino", "Николаево-Дарьино", "RU", "village", 35.050, 51.222),
    ("Sumy", "Суми", "UA", "city", 34.798, 50.907),
    ("Yunakivka", "Юнаківка", "UA", "village", 35.039, 51.120),
    ("Khotin", "Хотінь", "UA", "village", 34.783, 51.083),
    ("Krasnopillia", "Краснопілля", "UA", "town", 35.270, 50.775),
    ("Myropillia", "Миропілля", "UA", "village", 35.259, 51.024),
    ("Velyka Pysarivka", "Велика Писарівка", "UA", "town", 35.470, 50.425),
]
XY = {name: (lon, lat) for name, _, _, _, lon, lat in PLACES}

# ----------------------------------------------------------------------------- border
# The Russia-Ukraine state border between Tetkino and the Belgorod oblast line,
# authored by hand (west to east), accurate to a few km. Russia lies north/east.
BORDER: list[tuple[float, float]] = [
    (34.10, 51.330),
    (34.20, 51.300),
    (34.27, 51.270),
    (34.35, 51.255),
    (34.42, 51.262),
    (34.50, 51.245),
    (34.58, 51.215),
    (34.66, 51.195),
    (34.75, 51.185),
    (34.83, 51.180),
    (34.90, 51.195),
    (34.95, 51.215),
    (35.00, 51.215),
    (35.04, 51.205),
    (35.08, 51.190),
    (35.12, 51.170),
    (35.16, 51.150),
    (35.19, 51.120),
    (35.20, 51.090),
    (35.21, 51.060),
    (35.24, 51.050),
    (35.28, 51.048),
    (35.32, 51.052),
    (35.36, 51.045),
    (35.40, 51.025),
    (35.44, 51.000),
    (35.50, 50.985),
    (35.56, 50.975),
    (35.62, 50.975),
    (35.70, 50.975),
]

# Coarser extensions of the border beyond the stretch above, for the context
# layer only (countries.geojson): north-west towards Bryansk/Chernihiv and
# south-east along Belgorod/Kharkiv. Authored the same way, accurate to ~10 km.
BORDER_WEST: list[tuple[float, float]] = [
    (33.00, 52.35),
    (33.60, 52.35),
    (34.00, 52.20),
    (34.10, 51.90),
    (34.00, 51.60),
]
BORDER_EAST: list[tuple[float, float]] = [
    (35.62, 50.80),
    (35.60, 50.60),
    (35.58, 50.45),
    (35.75, 50.38),
    (36.10, 50.42),
    (36.50, 50.35),
    (37.00, 50.30),
    (37.50, 50.25),
]

# ----------------------------------------------------------------------------- dates
# For each date: the target area of the Ukrainian-held zone (km²) and why, the
# settlements reported held with a weight on the radius, the width of the
# contested band (km, 0 for none), and the public reports used.
SETTLEMENTS: list[dict] = [
    {
        "date": "2024-08-12",
        "label": "Kursk salient, 2024-08-12 (approximate)",
        "target_all_km2": 1000.0,
        "target_reason": "Syrskyi's report of about 1,000 km² on 2024-08-12",
        "held": {
            "Oleshnya": 1.0,
            "Sverdlikovo": 1.0,
            "Nikolayevo-Daryino": 1.0,
            "Martynovka": 1.0,
            "Makhnovka": 0.9,
            "Lyubimovka": 0.8,
            "Pogrebki": 1.0,
            "Malaya Loknya": 0.8,
            "Sudzha": 0.9,
            "Guevo": 0.9,
            "Gornal": 0.8,
            "Plekhovo": 0.9,
        },
        "contested_km": 2.0,
        "reports": [
            {
                "outlet": "Reuters / Ukrainian presidency video",
                "date": "2024-08-12",
                "statement": "Commander-in-chief Oleksandr Syrskyi told President "
                "Zelensky that Ukrainian forces controlled about 1,000 km² of "
                "Kursk region.",
            },
            {
                "outlet": "ISW Russian Offensive Campaign Assessment",
                "date": "2024-08-12",
                "statement": "Ukrainian forces advanced north and west of Sudzha; "
                "fighting in Sudzha itself.",
            },
        ],
    },
    {
        "date": "2024-08-27",
        "label": "Kursk salient, 2024-08-27 (approximate)",
        "target_all_km2": 1294.0,
        "target_reason": "Syrskyi's figure of 1,294 km² on 2024-08-27",
        "held": {
            "Oleshnya": 1.0,
            "Sverdlikovo": 1.0,
            "Nikolayevo-Daryino": 1.0,
            "Martynovka": 1.0,
            "Makhnovka": 1.0,
            "Lyubimovka": 1.0,
            "Pogrebki": 1.0,
            "Malaya Loknya": 1.0,
            "Sudzha": 1.1,
            "Guevo": 1.0,
            "Gornal": 0.9,
            "Plekhovo": 1.0,
        },
        "contested_km": 2.0,
        "reports": [
            {
                "outlet": "Reuters / AP",
                "date": "2024-08-15",
                "statement": "Ukraine said Sudzha was under its full control and set "
                "up a military administration there.",
            },
            {
                "outlet": "Reuters / AP",
                "date": "2024-08-27",
                "statement": "Syrskyi said Ukrainian forces controlled 1,294 km² and "
                "100 settlements in Kursk region.",
            },
        ],
    },
    {
        "date": "2025-01-17",
        "label": "Kursk salient, 2025-01-17 (approximate)",
        "target_all_km2": 467.0,
        "target_liberated_km2": 440.0,
        "target_reason": (
            "all ground: the 467 km² implied by the Russian Defence Ministry's "
            "1,268 - 801 km²; Ukrainian-held: just above DeepState's 'over 420 km²'; "
            "both reported on 2025-01-17"
        ),
        "held": {
            "Oleshnya": 1.0,
            "Sverdlikovo": 0.9,
            "Nikolayevo-Daryino": 0.7,
            "Martynovka": 1.0,
            "Makhnovka": 0.7,
            "Pogrebki": 0.9,
            "Malaya Loknya": 0.8,
            "Sudzha": 1.1,
            "Guevo": 1.0,
            "Gornal": 0.9,
            "Plekhovo": 1.0,
        },
        "contested_km": 2.0,
        "reports": [
            {
                "outlet": "Russian Defence Ministry, as reported",
                "date": "2025-01-17",
                "statement": "Ukrainian troops had seized 1,268 km² of Kursk region; "
                "Russian forces had since retaken 801 km² (63.2%).",
            },
            {
                "outlet": "DeepState, as reported",
                "date": "2025-01-17",
                "statement": "Ukraine still controlled over 420 km² of Kursk region.",
            },
            {
                "outlet": "Russian Defence Ministry, as reported",
                "date": "2025-01-27",
                "statement": "Nikolayevo-Daryino retaken (so still Ukrainian-held on "
                "2025-01-17).",
            },
        ],
    },
    {
        "date": "2025-02-14",
        "label": "Kursk salient, 2025-02-14 (approximate)",
        "target_all_km2": 500.0,
        "target_reason": (
            "Syrskyi's 'about 500 km²' (mid-February 2025); Rudskoi's 'more than "
            "800 km²' liberated of 1,268 (2025-02-20) leaves about 470"
        ),
        "held": {
            "Oleshnya": 1.0,
            "Sverdlikovo": 0.9,
            "Martynovka": 1.0,
            "Makhnovka": 0.8,
            "Pogrebki": 1.0,
            "Malaya Loknya": 0.9,
            "Sudzha": 1.1,
            "Guevo": 1.0,
            "Gornal": 0.9,
            "Plekhovo": 1.0,
        },
        "contested_km": 1.0,
        "reports": [
            {
                "outlet": "Oleksandr Syrskyi, as reported",
                "date": "2025-02-14",
                "statement": "Ukrainian forces held about 500 km² of Kursk region.",
            },
            {
                "outlet": "Sergei Rudskoi (Russian General Staff), as reported",
                "date": "2025-02-20",
                "statement": "More than 800 km², about 64% of the territory initially "
                "occupied, had been liberated.",
            },
            {
                "outlet": "Russian Defence Ministry, as reported",
                "date": "2025-01-27",
                "statement": "Nikolayevo-Daryino retaken.",
            },
        ],
    },
    {
        "date": "2025-03-15",
        "label": "Kursk salient, 2025-03-15, after the fall of Sudzha (approximate)",
        "target_all_km2": 150.0,
        "target_reason": (
            "below the roughly 170 km² left by Gerasimov's 'more than 1,100 km²' "
            "(86%) liberated on 2025-03-12, since Sudzha fell a day later"
        ),
        "held": {"Oleshnya": 0.8, "Guevo": 1.0, "Gornal": 1.0, "Plekhovo": 1.0},
        "contested_km": 1.0,
        "reports": [
            {
                "outlet": "Valery Gerasimov (Russian General Staff), as reported",
                "date": "2025-03-12",
                "statement": "More than 1,100 km², 86% of the territory Ukraine had "
                "seized, had been liberated.",
            },
            {
                "outlet": "Russian Defence Ministry, as reported",
                "date": "2025-03-09",
                "statement": "Malaya Loknya and neighbouring villages north of Sudzha "
                "retaken.",
            },
            {
                "outlet": "Russian Defence Ministry, as reported",
                "date": "2025-03-13",
                "statement": "Sudzha retaken.",
            },
            {
                "outlet": "Valery Gerasimov (Russian General Staff), as reported",
                "date": "2025-04-26",
                "statement": "Gornal, the last settlement held by Ukraine, retaken (so "
                "still Ukrainian-held on 2025-03-15).",
            },
        ],
    },
]


#: What DeepStateMap's maps of the incursion show, as kurskgeo measures them:
#: (map id, which is the Unix time of its publication; km² of the ``liberated``
#: zone; km² of ``liberated`` + ``contested``), clipped to Kursk Oblast
#: (OpenStreetMap boundary, ``boundary:kursk-oblast``), measured with
#: ``kurskgeo area deepstate:<id> --zone liberated [--zone contested]
#: --region boundary:kursk-oblast`` (kurskgeo 0.1.0). Areas and dates are facts;
#: the reconstructions below are drawn to have these areas on these dates.
DEEPSTATE_KURSK: list[tuple[int, float, float]] = [
    (1723059640, 0.02, 0.02),
    (1723635752, 468.8, 975.3),
    (1724272310, 826.8, 1257.7),
    (1725481410, 907.5, 1245.5),
    (1729111858, 662.4, 1023.5),
    (1733909037, 522.4, 686.4),
    (1736372850, 452.2, 653.4),
    (1737582179, 439.2, 622.6),
    (1738790518, 439.2, 622.6),
    (1740000227, 427.7, 597.3),
    (1741215821, 361.8, 540.8),
    (1742421371, 121.0, 167.0),
]

#: Which reported settlement list (``SETTLEMENTS``, by the date it was reported)
#: each reconstruction draws, by map id.
SETTLEMENTS_FOR = {
    1723059640: None,  # the first day: a foothold near Oleshnya
    1723635752: "2024-08-12",
    1724272310: "2024-08-27",
    1725481410: "2024-08-27",
    1729111858: "2024-08-27",
    1733909037: "2025-01-17",
    1736372850: "2025-01-17",
    1737582179: "2025-01-17",
    1738790518: "2025-02-14",
    1740000227: "2025-02-14",
    1741215821: "2025-02-14",
    1742421371: "2025-03-15",
}


def _snapshots() -> list[dict]:
    import datetime as dt

    by_date = {spec["date"]: spec for spec in SETTLEMENTS}
    out = []
    for ident, liberated, both in DEEPSTATE_KURSK:
        published = dt.datetime.fromtimestamp(ident, tz=dt.UTC)
        day = published.date().isoformat()
        basis = SETTLEMENTS_FOR[ident]
        settled = by_date[basis] if basis else None
        out.append(
            {
                "date": day,
                "label": f"Kursk salient, {day} (illustration, approximate shapes)",
                "target_liberated_km2": liberated,
                "target_all_km2": both,
                "target_reason": (
                    f"the areas of DeepStateMap's map {ident} (published "
                    f"{published.isoformat()}), clipped to Kursk Oblast"
                ),
                "follows": {
                    "source": "DeepStateMap (deepstatemap.live)",
                    "map": ident,
                    "published": published.isoformat(),
                    "liberated_km2": liberated,
                    "liberated_contested_km2": both,
                },
                "held": settled["held"] if settled else {"Oleshnya": 0.05},
                "reports": settled["reports"] if settled else [],
            }
        )
    return out


SNAPSHOTS: list[dict] = _snapshots()


def to_m(geom):
    return shapely.transform(geom, lambda c: _stack(TO_M.transform(c[:, 0], c[:, 1])))


def to_deg(geom):
    return shapely.transform(geom, lambda c: _stack(TO_DEG.transform(c[:, 0], c[:, 1])))


def _stack(xy):
    import numpy as np

    return np.column_stack(xy)


def russian_side():
    """The Russian side of the authored border, as a polygon in metres."""
    north = [
        (BORDER[-1][0] + 0.5, BORDER[-1][1]),
        (BORDER[-1][0] + 0.5, 52.6),
        (BORDER[0][0] - 0.5, 52.6),
        (BORDER[0][0] - 0.5, BORDER[0][1]),
    ]
    return to_m(Polygon([*BORDER, *north]).segmentize(0.01))


def held_zone(spec: dict, radius_m: float, side, border_m):
    held = spec["held"]
    discs = [to_m(Point(XY[name])).buffer(radius_m * w, 32) for name, w in held.items()]
    lons = [XY[name][0] for name in held]
    stretch = LineString(
        [p for p in BORDER if min(lons) - 0.02 <= p[0] <= max(lons) + 0.02]
    )
    parts = [*discs, to_m(stretch.segmentize(0.01)).buffer(radius_m * 0.6, 32)]
    zone = shapely.union_all(parts).buffer(radius_m, 32).buffer(-radius_m, 32)
    return polygonal(zone.intersection(side))


def bisect(area_of, target_m2: float, lo: float, hi: float) -> float:
    """The x in [lo, hi] where the increasing function area_of(x) hits target."""
    for _ in range(60):
        mid = (lo + hi) / 2
        if area_of(mid) < target_m2:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def with_band(zone_m, width_m: float, side):
    """The zone grown by a contested band `width_m` wide, on the Russian side."""
    if width_m <= 0:
        return zone_m
    return polygonal(zone_m.buffer(width_m, 32).intersection(side).union(zone_m))


def solve(spec: dict, side, border_m) -> tuple[float, float, object, object]:
    """Radius and band width hitting the targets; the held zone and held+band."""
    target_all = spec["target_all_km2"] * 1e6
    if "target_liberated_km2" in spec:
        target = spec["target_liberated_km2"] * 1e6
        radius = bisect(
            lambda r: held_zone(spec, r, side, border_m).area, target, 1.0, 20000.0
        )
        zone_m = held_zone(spec, radius, side, border_m)
        width = bisect(
            lambda w: with_band(zone_m, w, side).area, target_all, 0.0, 20000.0
        )
    else:
        width = spec["contested_km"] * 1000

        def area_of(r: float) -> float:
            return with_band(held_zone(spec, r, side, border_m), width, side).area

        radius = bisect(area_of, target_all, 500.0, 20000.0)
        zone_m = held_zone(spec, radius, side, border_m)
    return radius, width, zone_m, with_band(zone_m, width, side)


def polygonal(geom):
    """Only the polygon parts (clipping can leave lines and points behind)."""
    keep = ("Polygon", "MultiPolygon")
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in keep]
    return shapely.union_all(parts)


def rounded(geom, ndigits: int = 5):
    return polygonal(shapely.set_precision(geom, 10**-ndigits))


def feature(geom, props: dict) -> dict:
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def dump(path: Path, doc: dict) -> None:
    doc = dict(doc)
    feats = doc.pop("features")
    head = json.dumps(doc, ensure_ascii=False, indent=1)[:-2]
    body = ",\n".join(json.dumps(f, ensure_ascii=False) for f in feats)
    text = head + ',\n "features": [\n' + body + "\n ]\n}"
    path.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(HERE.parent)}")


def build_places() -> None:
    feats = [
        {
            "type": "Feature",
            "properties": {"name": n, "name_local": loc, "country": c, "kind": k},
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        }
        for n, loc, c, k, lon, lat in PLACES
    ]
    dump(
        HERE / "places.geojson",
        {
            "type": "FeatureCollection",
            "name": "kurskgeo places",
            "description": (
                "Settlements for orientation on maps of the Kursk incursion. Positions "
                "authored for kurskgeo from general geographic knowledge, approximate "
                "to about 1 km; not from any third-party dataset."
            ),
            "features": feats,
        },
    )


def build_snapshots() -> None:
    side = russian_side()
    border_m = to_m(LineString(BORDER).segmentize(0.01))
    out = HERE / "snapshots"
    out.mkdir(exist_ok=True)
    for spec in SNAPSHOTS:
        radius, width, zone_m, all_m = solve(spec, side, border_m)
        feats = []
        zone = rounded(to_deg(zone_m.segmentize(2000)), 6)
        feats.append(
            feature(
                zone,
                {
                    "zone": "liberated",
                    "status": "Ukrainian-held (approximate)",
                    "area_km2_at_build": round(zone_m.area / 1e6, 1),
                },
            )
        )
        band_m = polygonal(all_m.difference(zone_m))
        band = rounded(to_deg(band_m.segmentize(2000)), 6)
        if not band.is_empty:
            feats.append(
                feature(
                    band,
                    {
                        "zone": "contested",
                        "status": "contested / grey zone (approximate)",
                        "area_km2_at_build": round(band_m.area / 1e6, 1),
                    },
                )
            )
        targets = (
            f"the held zone plus a contested band {width / 1000:.2f} km wide "
            f"measures {spec['target_all_km2']:,.0f} km²"
        )
        if "target_liberated_km2" in spec:
            targets = (
                f"the held zone alone measures {spec['target_liberated_km2']:,.0f} "
                f"km² and, with a contested band whose width ({width / 1000:.2f} km) "
                f"was chosen the same way, {spec['target_all_km2']:,.0f} km²"
            )
        method = (
            "Union of discs around settlements reported held by Ukrainian forces "
            f"({', '.join(spec['held'])}) and the stretch of the state border between "
            "them, closed (buffer +r, -r) and clipped to the Russian side of a border "
            "polyline authored for kurskgeo. The disc radius r "
            f"({radius / 1000:.2f} km) was chosen by bisection so that {targets} "
            f"({spec['target_reason']}). Built by geodata/build_snapshots.py. "
            "Not a map of the front line."
        )
        props = {
            "date": spec["date"],
            "source": SOURCE,
            "label": spec["label"],
            "approximate": True,
            "illustration": "approximate shapes, not a map of the front",
            "method": method,
            "target_all_km2": spec["target_all_km2"],
            "target_liberated_km2": spec.get("target_liberated_km2"),
            "follows": spec["follows"],
            "reports": spec["reports"],
        }
        # Members at the top level for readers that look there, and the same in
        # each feature's properties for kurskgeo's snapshot schema.
        for f in feats:
            f["properties"] = {
                "date": spec["date"],
                "source": SOURCE,
                "label": spec["label"],
                **f["properties"],
            }
        dump(
            out / f"kursk_{spec['date']}.geojson",
            {
                "type": "FeatureCollection",
                "name": f"kursk_{spec['date']}",
                **props,
                "properties": props,
                "features": feats,
            },
        )


def build_countries() -> None:
    """Russia and Ukraine around the salient, split by the authored border."""
    line = [*BORDER_WEST, *BORDER, *BORDER_EAST]
    west, east = line[0][0], line[-1][0]
    russia = Polygon([*line, (east, 52.8), (west, 52.8)])
    ukraine = Polygon([*line, (east, 49.8), (west, 49.8)])
    note = (
        "Hand-authored for kurskgeo from general geographic knowledge: the "
        "Russia-Ukraine border accurate to a few km near Sudzha and ~10 km elsewhere, "
        "for orientation on maps of the embedded data only. Not an official boundary."
    )
    credit = "Border: approximate, hand-drawn for kurskgeo, not an official boundary"
    feats = [
        feature(rounded(geom.segmentize(0.05), 3), {"name": name, "source": credit})
        for name, geom in (("Russia", russia), ("Ukraine", ukraine))
    ]
    dump(
        HERE / "countries.geojson",
        {
            "type": "FeatureCollection",
            "name": "kurskgeo countries (approximate)",
            "description": note,
            "features": feats,
        },
    )


if __name__ == "__main__":
    build_places()
    build_countries()
    build_snapshots()
