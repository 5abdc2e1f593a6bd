"""Benchmark: reading each vector format through pyogrio and through fiona.

Run from the repository::

    python benchmarks/formats.py [--data PATH] [--files N] [--repeat N]

PATH defaults to ``$KURSKGEO_TEST_DATA`` or ``../shared/data`` beside the
checkout. The polygons of the first N (default 6) raw DeepStateMap exports of
``PATH/deepstate-raw`` (about 100 polygons and 60,000 vertices each) are
written, in a temporary folder, as GeoPackage, FlatGeobuf, zipped Shapefile,
KML, KMZ, GeoJSONSeq and CSV with WKT (and GeoParquet, read by pyarrow
whichever engine). Each way reads every file with
:func:`kurskgeo.read_snapshot` (what every command runs), in turns, on the
same files; each figure is the median over the rounds per file (the minimum
beside it), and the two engines' tables are checked to be the same.

Ways
----
``pyogrio``
    ``read_snapshot(path)``: pyogrio, kurskgeo's default engine.
``fiona``
    ``read_snapshot(path, engine="fiona")``: fiona through
    ``geopandas.read_file(engine="fiona")``.
``geopandas.read_file``
    the plain call, ``engine="pyogrio"`` and ``engine="fiona"``, with no zone,
    repair or orientation: what the GDAL bindings alone cost.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import kurskgeo

FORMATS = {
    "GeoPackage": ".gpkg",
    "FlatGeobuf": ".fgb",
    "Shapefile (zip)": ".shp.zip",
    "KML": ".kml",
    "KMZ": ".kmz",
    "GeoJSONSeq": ".geojsonl",
    "CSV (WKT)": ".csv",
    "GeoParquet": ".parquet",
}


def default_data() -> Path:
    env = os.environ.get("KURSKGEO_TEST_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"


def write_inputs(raw: list[Path], folder: Path) -> dict[str, list[Path]]:
    """Write the polygons of each export in every format; return the files."""
    out: dict[str, list[Path]] = {k: [] for k in FORMATS}
    for src in raw:
        frame = gpd.read_file(src)
        frame = frame[frame.geom_type.isin(["Polygon", "MultiPolygon"])]
        frame = frame[["name", "fill", "geometry"]].copy()
        frame["geometry"] = shapely.force_2d(frame.geometry.values)
        stem = folder / src.stem
        for label, suffix in FORMATS.items():
            path = Path(f"{stem}{suffix}")
            if suffix == ".shp.zip":
                shp = Path(f"{stem}.shp")
                frame.to_file(shp, engine="pyogrio")
                with zipfile.ZipFile(path, "w") as zf:
                    for ext in ("shp", "shx", "dbf", "prj", "cpg"):
                        zf.write(f"{stem}.{ext}", f"{src.stem}.{ext}")
            elif suffix == ".kmz":
                kml = Path(f"{stem}.kml")
                with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
                    zf.write(kml, "doc.kml")
            elif suffix == ".csv":
                table = frame.drop(columns="geometry")
                table["WKT"] = shapely.to_wkt(
                    frame.geometry.values, rounding_precision=-1
                )
                table.to_csv(path, index=False)
            elif suffix == ".parquet":
                frame.to_parquet(path)
            else:
                driver = {".kml": "LIBKML", ".geojsonl": "GeoJSONSeq"}.get(suffix)
                frame.to_file(path, driver=driver, engine="pyogrio")
            out[label].append(path)
    return out


def time_ways(files: list[Path], label: str, repeat: int) -> dict[str, list[float]]:
    def read(engine: str | None) -> list:
        return [kurskgeo.read_snapshot(p, engine=engine) for p in files]

    def plain(engine: str) -> list:
        if label == "GeoParquet":
            return [gpd.read_parquet(p) for p in files]
        out = []
        for p in files:
            src = f"/vsizip/{p}" if p.name.endswith(".zip") else str(p)
            if engine == "fiona" and p.suffix == ".kmz":
                src = f"/vsizip/{p}/doc.kml"
            opts = {"GEOM_POSSIBLE_NAMES": "WKT", "KEEP_GEOM_COLUMNS": "NO"}
            out.append(
                gpd.read_file(
                    src, engine=engine, **(opts if p.suffix == ".csv" else {})
                )
            )
        return out

    ways = {
        "kurskgeo, pyogrio": lambda: read(None),
        "kurskgeo, fiona": lambda: read("fiona"),
        "read_file, pyogrio": lambda: plain("pyogrio"),
        "read_file, fiona": lambda: plain("fiona"),
    }
    if label in ("KML", "KMZ"):  # fiona leaves KML out unless asked
        import fiona

        fiona.supported_drivers["KML"] = "r"
    times: dict[str, list[float]] = {k: [] for k in ways}
    first = {}
    for _ in range(repeat):
        for name, fn in ways.items():
            t0 = time.perf_counter()
            result = fn()
            times[name].append(time.perf_counter() - t0)
            first.setdefault(name, result)
    # both engines give the same polygons (KML: fiona's driver reads no styles)
    a, b = first["kurskgeo, pyogrio"], first["kurskgeo, fiona"]
    for x, y in zip(a, b, strict=True):
        assert x.geometry.geom_equals(y.geometry).all(), label
        assert list(x["zone"]) == list(y["zone"]), label
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data())
    parser.add_argument("--files", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    raw = sorted((args.data / "deepstate-raw").glob("17*.geojson"))[: args.files]
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        inputs = write_inputs(raw, Path(tmp))
        print(
            f"{len(raw)} DeepStateMap exports' polygons per format; ms per file, "
            f"median of {args.repeat} rounds (min)\n"
        )
        header = [
            "format",
            "kurskgeo, pyogrio",
            "kurskgeo, fiona",
            "fiona/pyogrio",
            "read_file, pyogrio",
            "read_file, fiona",
        ]
        print(" | ".join(header))
        print(" | ".join("---" for _ in header))
        for label, files in inputs.items():
            times = time_ways(files, label, args.repeat)
            med = {k: statistics.median(v) / len(files) * 1e3 for k, v in times.items()}
            low = {k: min(v) / len(files) * 1e3 for k, v in times.items()}

            def cell(k: str) -> str:
                return f"{med[k]:.1f} ({low[k]:.1f})"  # noqa: B023

            ratio = med["kurskgeo, fiona"] / med["kurskgeo, pyogrio"]
            print(
                f"{label} | {cell('kurskgeo, pyogrio')} | {cell('kurskgeo, fiona')} | "
                f"{ratio:.2f}x | {cell('read_file, pyogrio')} | "
                f"{cell('read_file, fiona')}"
            )


if __name__ == "__main__":
    main()
