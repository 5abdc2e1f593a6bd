"""Benchmark: kurskgeo's engine beside plain geopandas and a minimal pipeline.

Run from the repository::

    python benchmarks/engine.py [--data PATH] [--raw DIR] [--occupied DIR]
                                [--repeat N] [--no-cli] [--no-report]

PATH defaults to ``$KURSKGEO_TEST_DATA`` or ``../shared/data`` beside the
checkout; ``--raw`` (default ``PATH/deepstate-raw``) is a folder of raw
DeepStateMap exports, ``--occupied`` (default ``PATH/deepstate-occupied``) a
folder of occupied-territory files. Everything is timed in one run, in turns,
on the same files; each figure is the median over the rounds (the minimum is
shown beside it), per file, start-up excluded.

Workloads
---------
``Kursk``
    the raw DeepStateMap exports, the zone ``liberated`` (then ``liberated``
    + ``contested``), clipped to Kursk Oblast (``PATH/boundaries``).
``occupied``
    the occupied-territory series, every polygon, no region; and its
    timeline (gained and lost between consecutive files).

Ways, for each workload
-----------------------
``plain geopandas``
    what a user writes: ``gpd.read_file``, select the layer by name,
    ``to_crs`` (the same equal-area CRS kurskgeo uses), ``union_all`` (not for
    a file of one feature), clip to the projected region, ``.area``; for the
    timeline, three overlays per pair.
``minimal``
    a minimal msgspec + shapely pipeline doing the same job: decode with the
    geometry left raw, select by name before building any geometry, leave
    polygons outside the region's box, build, orient, project with one pyproj
    transformer, union, clip to the prepared projected region, area. No
    validity check, no densifying, no geodesic check, no repair.
``kurskgeo``
    :func:`kurskgeo.measure_files` (what ``kurskgeo area`` runs), serial, and
    with a two-process pool; :func:`kurskgeo.timeline` for changes. It checks
    validity, densifies long edges along the geodesic, repairs, and computes a
    geodesic cross-check of every area.

Then, unless ``--no-cli``: the command ``kurskgeo area`` end to end, as the
marginal cost per file (each command on all files and on the first alone,
in turns; the median of the paired differences, so start-up and imports
cancel). Unless ``--no-report``: ``kurskgeo report`` on the raw exports with
the bundled claims, stage by stage.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import geopandas as gpd
import msgspec
import numpy as np
import shapely
from pyproj import Transformer

import kurskgeo
from kurskgeo.area.crs import auto_centre, laea

ROOT = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------- selection


def english(name: object) -> str:
    """The English part of a DeepStateMap layer name, lower case."""
    text = str(name or "")
    parts = text.split("///")
    return " ".join((parts[1] if len(parts) > 1 else "").split()).lower()


def wanted(zones: list[str]) -> Callable[[object], bool]:
    """Select DeepStateMap layers by name, as kurskgeo's zones name them."""
    names = {"liberated": "liberated", "contested": "unknown status"}
    keys = [names[z] for z in zones]

    def ok(name: object) -> bool:
        eng = english(name)
        return any(
            eng == k or (k == "liberated" and eng.startswith("liberated")) for k in keys
        )

    return ok


# ---------------------------------------------------------------- plain geopandas


def plain(files, zones, region, crs):
    ok = wanted(zones) if zones else None
    clip = None
    if region is not None:
        clip = gpd.read_file(region).to_crs(crs).union_all()
    out = []
    for f in files:
        gdf = gpd.read_file(f)
        gdf = gdf[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]
        if ok is not None:
            gdf = gdf[gdf["name"].map(ok)]
        projected = gdf.to_crs(crs)
        # one polygon is its own union (kurskgeo takes the same shortcut)
        geom = (
            projected.geometry.iloc[0] if len(projected) == 1 else projected.union_all()
        )
        if clip is not None:
            geom = geom.intersection(clip)
        out.append(geom.area / 1e6)
    return np.array(out)


def plain_gains(files, crs):
    gained, prev = [], None
    for f in files:
        projected = gpd.read_file(f).to_crs(crs)
        geom = (
            projected.geometry.iloc[0] if len(projected) == 1 else projected.union_all()
        )
        if prev is not None:
            gained.append(shapely.area(shapely.difference(geom, prev)) / 1e6)
            shapely.difference(prev, geom)
            shapely.intersection(prev, geom)
        prev = geom
    return np.array(gained)


# ---------------------------------------------------------------- minimal


class _Geometry(msgspec.Struct):
    type: str
    coordinates: msgspec.Raw = msgspec.Raw(b"null")


class _Feature(msgspec.Struct):
    geometry: _Geometry | None = None
    properties: dict | None = None


class _Collection(msgspec.Struct):
    features: list[_Feature]


_DECODE = msgspec.json.Decoder(_Collection)


def _polygons(geom: _Geometry) -> list:
    coords = msgspec.json.decode(geom.coordinates)
    if geom.type == "Polygon":
        coords = [coords]
    out = []
    for rings in coords:
        arrays = [np.asarray(r, dtype=float)[:, :2] for r in rings]
        out.append(shapely.Polygon(arrays[0], arrays[1:]))
    return out


def minimal(files, zones, region, crs):
    ok = wanted(zones) if zones else None
    tr = Transformer.from_crs("OGC:CRS84", crs, always_xy=True)

    def project(geoms):
        return shapely.transform(
            geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1]))
        )

    clip = box = None
    if region is not None:
        lonlat = shapely.union_all(gpd.read_file(region).geometry.values)
        box = lonlat.bounds
        clip = project(lonlat)
        shapely.prepare(clip)
    out = []
    for f in files:
        doc = _DECODE.decode(Path(f).read_bytes())
        polys = []
        for feat in doc.features:
            g = feat.geometry
            if g is None or g.type not in ("Polygon", "MultiPolygon"):
                continue
            if ok is not None and not ok((feat.properties or {}).get("name")):
                continue
            for p in _polygons(g):
                b = p.bounds
                if box is not None and (
                    b[2] < box[0] or b[0] > box[2] or b[3] < box[1] or b[1] > box[3]
                ):
                    continue
                polys.append(p)
        if not polys:
            out.append(0.0)
            continue
        projected = project(shapely.orient_polygons(np.array(polys, dtype=object)))
        if clip is not None:
            projected = projected[shapely.intersects(clip, projected)]
        if len(projected) == 0:
            out.append(0.0)
            continue
        geom = projected[0] if len(projected) == 1 else shapely.union_all(projected)
        if clip is not None:
            geom = shapely.intersection(geom, clip)
        out.append(geom.area / 1e6)
    return np.array(out)


# ---------------------------------------------------------------- kurskgeo


def pool():
    return ProcessPoolExecutor(max_workers=2, mp_context=get_context("fork"))


def ours(files, zones, region, executor=None):
    table = kurskgeo.measure_files(
        files, zone=zones or None, region=region, executor=executor
    )
    return table["area_km2"].to_numpy(), table["geodesic_km2"].to_numpy()


# ---------------------------------------------------------------- timing


def rounds(ways: dict[str, Callable[[], object]], repeat: int):
    """Run every way once per round, in turns; return times and last results."""
    times: dict[str, list[float]] = {k: [] for k in ways}
    results: dict[str, object] = {}
    for _ in range(repeat):
        for label, fn in ways.items():
            t0 = time.perf_counter()
            results[label] = fn()
            times[label].append(time.perf_counter() - t0)
    return times, results


def report_times(times, n, *, unit="file", base=None):
    med = {k: statistics.median(v) / n for k, v in times.items()}
    for label, v in times.items():
        line = (
            f"  {label:<36} {med[label] * 1e3:7.2f} ms per {unit}"
            f"  (min {min(v) / n * 1e3:.2f})"
        )
        if base:
            line += "  " + "  ".join(
                f"{b}/this {med[b] / med[label]:4.1f}x" for b in base if b != label
            )
        print(line)
    return med


def agreement(ref, label, other):
    rel = np.abs(other - ref) / np.maximum(np.abs(ref), 1e-9)
    print(f"  max |{label} - kurskgeo| / kurskgeo: {rel.max():.1e}")


def workload(name, files, zones, region, repeat):
    kws = dict(zones=zones, region=region)
    crs = laea(*auto_centre(kurskgeo.read_region(region).bounds)) if region else None
    if crs is None:  # the engine centres on each file: take the first file's
        crs = kurskgeo.measure(files[0]).crs
    print(
        f"\n{name}: {len(files)} files, zones {zones or 'all'}, CRS {crs.srs[:40]}..."
    )
    with pool() as executor:
        ours(files[:4], zones, region, executor)  # start the workers
        times, res = rounds(
            {
                "plain geopandas": lambda: plain(files, zones, region, crs),
                "minimal msgspec + shapely": lambda: minimal(files, zones, region, crs),
                "kurskgeo measure_files": lambda: ours(files, **kws),
                "kurskgeo measure_files, 2 processes": lambda: ours(
                    files, **kws, executor=executor
                ),
            },
            repeat,
        )
    report_times(
        times, len(files), base=["plain geopandas", "minimal msgspec + shapely"]
    )
    km2, geodesic = res["kurskgeo measure_files"]
    assert np.array_equal(km2, res["kurskgeo measure_files, 2 processes"][0])
    agreement(km2, "plain geopandas", res["plain geopandas"])
    agreement(km2, "minimal", res["minimal msgspec + shapely"])
    agreement(km2, "geodesic check", geodesic)
    return km2


def cli_marginal(files, args, repeat):
    """Marginal cost per file of ``kurskgeo area ARGS`` (paired, median)."""
    exe = shutil.which("kurskgeo") or sys.executable
    cmd = [exe] if exe.endswith("kurskgeo") else [exe, "-m", "kurskgeo"]
    every, first = [], []
    for _ in range(repeat):
        for target, sink in ((files, every), (files[:1], first)):
            t0 = time.perf_counter()
            subprocess.run(
                [*cmd, "area", *map(str, target), *args, "--format", "csv"],
                check=True,
                capture_output=True,
            )
            sink.append(time.perf_counter() - t0)
    diffs = (np.array(every) - np.array(first)) / (len(files) - 1)
    return float(np.median(diffs)), diffs


def report_stages(raw, region, context, repeat):
    claims = ROOT / "geodata" / "claims" / "kursk.yaml"
    marks: list[tuple[str, float]] = []
    for _ in range(repeat):
        marks.clear()
        out = Path(tempfile.mkdtemp()) / "report"
        t0 = time.perf_counter()
        kurskgeo.make_report(
            out,
            snapshots=raw,
            claims=claims,
            region=region,
            zone=["liberated", "contested"],
            context=context,
            progress=lambda msg: marks.append((msg, time.perf_counter())),
        )
        total = time.perf_counter() - t0
        shutil.rmtree(out.parent, ignore_errors=True)
    print(f"\nkurskgeo report on {raw}: {total:.2f} s in all (last of {repeat} runs)")
    edges = [*marks, ("end", t0 + total)]
    print(f"  {'(start-up of the call)':<60} {edges[0][1] - t0:6.2f} s")
    for (msg, start), (_, stop) in itertools.pairwise(edges):
        print(f"  {msg[:60]:<60} {stop - start:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    env = os.environ.get("KURSKGEO_TEST_DATA")
    default = Path(env) if env else ROOT.parent / "shared" / "data"
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--raw", type=Path)
    parser.add_argument("--occupied", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-cli", action="store_true")
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    raw_dir = args.raw or args.data / "deepstate-raw"
    occ_dir = args.occupied or args.data / "deepstate-occupied"
    region = args.data / "boundaries" / "kursk_oblast.geojson"
    raw = sorted(raw_dir.glob("*.geojson"))
    occupied = sorted(occ_dir.glob("*.geojson"))
    if not raw or not occupied or not region.is_file():
        sys.exit(
            f"need raw exports in {raw_dir}, occupied files in {occ_dir}, {region}"
        )
    warnings.simplefilter("ignore")  # the benchmark measures, it does not judge
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(f"kurskgeo {kurskgeo.__version__}, {cpus} CPUs, {args.repeat} rounds")

    workload("Kursk", raw, ["liberated"], region, args.repeat)
    workload("Kursk", raw, ["liberated", "contested"], region, args.repeat)
    workload("occupied", occupied, None, None, args.repeat)

    print(f"\noccupied timeline: {len(occupied) - 1} pairs")
    crs = kurskgeo.measure(occupied[0]).crs
    with pool() as executor:
        times, res = rounds(
            {
                "plain geopandas + 3 overlays": lambda: plain_gains(occupied, crs),
                "kurskgeo timeline": lambda: kurskgeo.timeline(occupied),
                "kurskgeo timeline, 2 processes": lambda: kurskgeo.timeline(
                    occupied, executor=executor
                ),
            },
            args.repeat,
        )
    report_times(
        times, len(occupied) - 1, unit="pair", base=["plain geopandas + 3 overlays"]
    )
    df = res["kurskgeo timeline"]
    inv = (df["gained_km2"] - df["lost_km2"] - df["net_km2"]).abs().max()
    print(f"  max |gained - lost - net|: {inv:.1e} km²")

    if not args.no_cli:
        print("\nkurskgeo area end to end, marginal cost per file (median of pairs)")
        for label, files, extra in (
            ("Kursk, liberated", raw, ["--zone", "liberated", "--region", str(region)]),
            ("occupied", occupied, []),
            ("occupied, -j 2", occupied, ["-j", "2"]),
        ):
            cost, diffs = cli_marginal(files, extra, args.repeat)
            print(
                f"  {label:<36} {cost * 1e3:7.2f} ms per file"
                f"  (pairs {diffs.min() * 1e3:.2f} to {diffs.max() * 1e3:.2f})"
            )

    if not args.no_report:
        context = [
            args.data / "context" / "natural_earth_10m_ukraine.geojson",
            args.data / "context" / "natural_earth_10m_russia.geojson",
        ]
        report_stages(raw_dir, region, context, max(1, args.repeat // 3))


if __name__ == "__main__":
    main()
