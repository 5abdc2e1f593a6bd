"""Write the tiny authored fixtures of tests/test_sources.py (run from anywhere).

Every polygon is an axis-aligned box in longitude/latitude, so tests can compute
its area independently with pyproj.Geod. Nothing here comes from real data:
only the *shapes* of the files (property names, nesting, quirks) imitate the
exports described in ../shared/data/PROVENANCE.md.
"""

import gzip
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def box(x0, y0, x1, y1, *, cw=False, z=False):
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    if cw:
        ring = ring[::-1]
    if z:
        ring = [[x, y, 0] for x, y in ring]
    return ring


def raw_feature(name, fill, geometry):
    return {
        "type": "Feature",
        "properties": {
            "name": name,
            "description": "",
            "styleUrl": "#poly-A52714-1200-77",
            "styleHash": "-1c1b5a8",
            "styleMapHash": {"normal": "#a", "highlight": "#b"},
            "fill": fill,
            "fill-opacity": 0.3,
            "stroke": fill,
            "stroke-width": 1.2,
            "stroke-opacity": 1,
        },
        "geometry": geometry,
    }


def poly(*rings):
    return {"type": "Polygon", "coordinates": list(rings)}


RAW_2024 = [
    {
        "type": "Feature",
        "properties": {
            "name": "Місто /// Town /// x",
            "styleUrl": "#icon-1",
            "icon": "x",
        },
        "geometry": {"type": "Point", "coordinates": [37.05, 48.05, 0]},
    },
    # A hole drawn with the same orientation as its shell, as DeepStateMap does.
    raw_feature(
        "Окуповано /// Occupied /// geoJSON.status.occupied",
        "#a52714",
        poly(
            box(37.0, 48.0, 37.1, 48.1, z=True), box(37.02, 48.02, 37.04, 48.04, z=True)
        ),
    ),
    raw_feature(
        "ОРДЛО /// CADR and CALR /// x",
        "#880e4f",
        poly(box(37.1, 48.0, 37.2, 48.1, z=True)),
    ),
    raw_feature(
        "Крим /// Occupied Crimea /// x",
        "#880e4f",
        poly(box(34.0, 45.0, 34.1, 45.1, z=True)),
    ),
    raw_feature(
        "Тузла /// Occupied Tuzla Island /// x",
        "#880e4f",
        poly(box(36.6, 45.2, 36.65, 45.25, z=True)),
    ),
    raw_feature(
        "Звільнено /// Liberated 04.09 /// x",
        "#0f9d58",
        poly(box(36.0, 49.0, 36.1, 49.1, z=True)),
    ),
    raw_feature(
        "Звільнено /// Liberated\u00a0\n /// geoJSON.status.dismissed",
        "#01579b",
        poly(box(35.2, 51.2, 35.3, 51.3, z=True)),
    ),
    raw_feature(
        "Невідомо /// Unknown status /// x",
        "#bdbdbd",
        poly(box(35.3, 51.2, 35.4, 51.3, z=True)),
    ),
    raw_feature(
        "Придністров'я /// Transnistria /// x",
        "#ff5252",
        poly(box(29.5, 46.8, 29.6, 46.9, z=True)),
    ),
]

RAW_2022 = [
    raw_feature(
        "Окуповано",
        "#a52714",
        {
            "type": "GeometryCollection",
            "geometries": [
                poly(box(37.0, 47.0, 37.1, 47.1)),
                poly(box(37.1, 47.0, 37.2, 47.1)),
            ],
        },
    ),
    raw_feature("Звільнено 25.03", "#0288d1", poly(box(30.2, 50.5, 30.3, 50.6))),
    raw_feature("Під питанням", "#bcaaa4", poly(box(36.0, 49.5, 36.1, 49.6))),
    raw_feature("Багатокутник 11", "#a52714", poly(box(36.5, 49.5, 36.6, 49.6))),
    # a bow-tie: invalid ("Self-intersection"), repaired with a warning
    raw_feature(
        "Придністров'я",
        "#880e4f",
        poly([[29.5, 46.8], [29.6, 46.9], [29.6, 46.8], [29.5, 46.9], [29.5, 46.8]]),
    ),
    raw_feature("Крим", "#000000", poly(box(34.0, 45.0, 34.1, 45.1))),
    {
        "type": "Feature",
        "properties": {"name": "Херсон", "styleUrl": "#icon-2"},
        "geometry": {"type": "Point", "coordinates": [32.6, 46.6, 0]},
    },
]

ISW = [
    {
        "type": "Feature",
        "properties": {
            "date": "2025-03-08",
            "area_km2": 999.0,
            "layer_type": "kursk_russian_advances",
        },
        "geometry": {
            "type": "Polygon",
            "coordinates": [box(35.0, 51.0, 35.1, 51.1, cw=True, z=True)],
        },
    },
    {
        "type": "Feature",
        "properties": {
            "date": "2025-03-08",
            "area_km2": 0.05,
            "layer_type": "kursk_russian_advances",
        },
        "geometry": None,
    },
    {
        "type": "Feature",
        "properties": {
            "date": "2025-03-08",
            "area_km2": 12.5,
            "layer_type": "kursk_russian_advances",
        },
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [[box(35.2, 51.0, 35.25, 51.05, cw=True, z=True)]],
        },
    },
]

GENERIC = [
    {
        "type": "Feature",
        "properties": {"status": "ukrainian-held"},
        "geometry": poly(box(35.0, 51.0, 35.1, 51.1)),
    },
    {
        "type": "Feature",
        "properties": {"zone": "grey", "status": "x"},
        "geometry": poly(box(35.1, 51.0, 35.2, 51.1)),
    },
    {
        "type": "Feature",
        "properties": {"layer": "occupied"},
        "geometry": poly(box(35.2, 51.0, 35.3, 51.1)),
    },
    {
        "type": "Feature",
        "properties": {"name": "no zone"},
        "geometry": poly(box(35.3, 51.0, 35.4, 51.1)),
    },
]


def archive_feature(i, date, boxes):
    return {
        "id": str(i),
        "type": "Feature",
        "properties": {"date": date},
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [[box(*b, cw=True)] for b in boxes],
        },
    }


CONSOLIDATED = {
    "type": "FeatureCollection",
    "features": [
        archive_feature(0, "2024-07-08", [(37.0, 48.0, 37.1, 48.1)]),
        archive_feature(
            1, "2024-07-09", [(37.0, 48.0, 37.1, 48.1), (37.3, 48.0, 37.4, 48.1)]
        ),
        archive_feature(2, "2024-07-10", [(37.0, 48.0, 37.3, 48.1)]),
    ],
}

DAILY = {
    "type": "FeatureCollection",
    "name": "deepstatemap_data_20250306",
    "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
    "features": [
        archive_feature(0, None, [(37.0, 48.0, 37.2, 48.1)]) | {"properties": {}}
    ],
}


def dump(name, doc):
    (HERE / name).write_text(
        json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def main():
    dump("1700000000.geojson", {"type": "FeatureCollection", "features": RAW_2024})
    dump(
        "deepstate_record.json",
        {
            "id": 1737150794,
            "datetime": "2025-01-17T21:53:14Z",
            "map": {"type": "FeatureCollection", "features": RAW_2024[:3]},
        },
    )
    dump(
        "deepstate_2022-04-03.geojson",
        {"type": "FeatureCollection", "features": RAW_2022},
    )
    dump("isw_2025-03-08.geojson", {"type": "FeatureCollection", "features": ISW})
    dump(
        "generic_2025-01-17.geojson", {"type": "FeatureCollection", "features": GENERIC}
    )
    dump("deepstatemap_data_20250306.geojson", DAILY)
    raw = json.dumps(CONSOLIDATED).encode()
    (HERE / "deepstate-map-data.geojson.gz").write_bytes(gzip.compress(raw, mtime=0))


if __name__ == "__main__":
    main()
