"""Benchmark: plain geopandas side by side with kurskgeo on a DeepState series.

Run from the repository::

    python benchmarks/timeline.py [--data PATH] [--repeat N]

PATH defaults to ``$KURSKGEO_TEST_DATA/deepstate-occupied`` or
``../shared/data/deepstate-occupied`` beside the checkout. Every measurement
in one process is the best of N runs (default 3), on the same files:

- plain geopandas area: ``gpd.read_file`` + ``to_crs(equal-area)`` + ``.area``;
- plain gained/lost: the same, then three shapely overlays per consecutive
  pair (``b - a``, ``a - b``, ``a & b``) of the projected unions;
- the straightforward kurskgeo result: ``read_snapshot`` + ``area_km2``;
- ``kurskgeo.series.area_series`` and ``kurskgeo.series.timeline`` on one
  core and on two;
- ``kurskgeo.area.measure_files`` (behind ``kurskgeo area``: the same
  numbers with mi², the geodesic check and metadata) on one core and two;
- end to end, side by side: ``kurskgeo area``, ``kurskgeo timeline`` and
  the two plain geopandas loops above (this script with ``--plain``), each
  in a subprocess on all the files and on the first file alone, all in
  turns; the median of the paired differences, divided by the extra files,
  is the marginal cost per file, start-up and imports excluded. Both sides
  are timed the same way, and pairing and the median keep a slow moment of
  the machine from deciding it;
- the same for ``kurskgeo area`` on the files dated at most three days
  after the file before (half of the test series; the rest are two weeks
  apart): kurskgeo redoes only what changed since the last file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from kurskgeo.measure import area_km2, measure_files
from kurskgeo.io import read_snapshot
from kurskgeo.series import area_series, timeline

ROOT = Path(__file__).resolve().parents[1]


def default_data() -> Path:
    env = os.environ.get("KURSKGEO_TEST_DATA")
    base = Path(env) if env else ROOT.parent / "shared" / "data"
    return base / "deepstate-occupied"


def best(fn, repeat):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def plain_area(files, crs):
    out = []
    for f in files:
        gdf = gpd.read_file(f).to_crs(crs)
        out.append(gdf.area.sum() / 1e6)
    return np.array(out)


def plain_gains(files, crs):
    """What users write today: read, project, then three overlays per pair."""
    gained, lost, prev = [], [], None
    for f in files:
        geom = shapely.union_all(gpd.read_file(f).to_crs(crs).geometry.values)
        if prev is not None:
            gained.append(shapely.area(shapely.difference(geom, prev)) / 1e6)
            lost.append(shapely.area(shapely.difference(prev, geom)) / 1e6)
            shapely.intersection(prev, geom)
        prev = geom
    return np.array(gained), np.array(lost)


def straightforward(files, crs):
    return np.array([area_km2(read_snapshot(f), crs=crs) for f in files])


def kurskgeo_command():
    exe = shutil.which("kurskgeo") or str(Path(sys.executable).with_name("kurskgeo"))
    return [exe] if Path(exe).exists() else [sys.executable, "-m", "kurskgeo"]


def plain_command(task, crs):
    """This script run as plain geopandas on the files that follow (see main)."""
    return [sys.executable, __file__, "--plain", task, "--crs", str(crs)]


def seconds(argv, repeat=1):
    def run():
        subprocess.run(argv, check=True, capture_output=True)

    return best(run, repeat)[0]


def marginals(commands, paths, one, repeat, n):
    """Marginal cost per file of commands run side by side, in subprocesses.

    Each round runs every command on `paths` (n files) and then on the file
    `one` alone, so that all see the same machine; start-up and imports
    cancel in the difference. Returns {label: (median of the per-file
    differences, all of them)}.
    """
    runs = {label: ([], []) for label in commands}
    for _ in range(repeat):
        for label, command in commands.items():
            runs[label][0].append(seconds([*command, *paths]))
            runs[label][1].append(seconds([*command, one]))
    out = {}
    for label, (t_all, t_one) in runs.items():
        diffs = np.subtract(t_all, t_one) / (n - 1)
        out[label] = (float(np.median(diffs)), diffs)
    return out


def show(label, found, unit="file"):
    cost, diffs = found
    print(
        f"  {label:<32} {cost * 1e3:6.2f} ms per {unit}"
        f"  (paired differences {diffs.min() * 1e3:.2f} to {diffs.max() * 1e3:.2f})"
    )


def daily_files(files):
    """The files dated at most 3 days after the file before, or before the next."""
    dates = [read_snapshot(f)["date"].iloc[0] for f in files]
    close = [
        (i > 0 and (dates[i] - dates[i - 1]).days <= 3)
        or (i + 1 < len(files) and (dates[i + 1] - dates[i]).days <= 3)
        for i in range(len(files))
    ]
    return [f for f, c in zip(files, close, strict=True) if c]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data())
    parser.add_argument("--repeat", type=int, default=3)
    # the plain geopandas code alone, for the side-by-side subprocess runs
    parser.add_argument("--plain", choices=["area", "gains"], help=argparse.SUPPRESS)
    parser.add_argument("--crs", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain:
        plain(args.plain, args.crs, args.paths)
        return
    files = sorted(args.data.glob("*.geojson"))
    if not files:
        sys.exit(f"no .geojson files in {args.data}")
    n, r = len(files), args.repeat
    warnings.simplefilter("ignore")  # the benchmark measures, it does not judge
    series = area_series(files, progress=False)  # also warms caches and imports
    crs = series.attrs["crs"]
    cpus = (
        len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count()
    )
    print(f"{n} files in {args.data}, {cpus} CPUs, best of {r}")
    print(f"equal-area CRS of the series: {crs}\n")

    t_gpd_area, gpd_km2 = best(lambda: plain_area(files, crs), r)
    t_gpd_gain, (gpd_g, gpd_l) = best(lambda: plain_gains(files, crs), r)
    t_ref, ref_km2 = best(lambda: straightforward(files, crs), r)
    t_as1, s1 = best(lambda: area_series(files, progress=False, workers=1), r)
    t_as2, s2 = best(lambda: area_series(files, progress=False, workers=2), r)
    t_tl1, _ = best(lambda: timeline(files, progress=False, workers=1), r)
    t_tl2, d2 = best(lambda: timeline(files, progress=False, workers=2), r)
    t_mf1, m1 = best(lambda: measure_files(files, progress=False, workers=1), r)
    t_mf2, m2 = best(lambda: measure_files(files, progress=False, workers=2), r)
    pairs = n - 1

    def ms(t, k=n):
        return f"{t / k * 1e3:7.2f} ms"

    print("per file (area) / per pair (gains)        time     speed-up")
    print(f"  geopandas read+to_crs+area         {ms(t_gpd_area)}")
    print(f"  kurskgeo read_snapshot+area_km2    {ms(t_ref)}")
    print(
        f"  kurskgeo area_series, 1 core       {ms(t_as1)}   {t_gpd_area / t_as1:5.1f}x"
    )
    print(
        f"  kurskgeo area_series, 2 cores      {ms(t_as2)}   {t_gpd_area / t_as2:5.1f}x"
    )
    for cores, t in ((1, t_mf1), (2, t_mf2)):
        label = f"kurskgeo measure_files, {cores} core{'s' if cores > 1 else ''}"
        print(f"  {label:<35}{ms(t)}   {t_gpd_area / t:5.1f}x")
    print(f"  geopandas + 3 overlays per pair    {ms(t_gpd_gain, pairs)}")
    for cores, t in ((1, t_tl1), (2, t_tl2)):
        label = f"kurskgeo timeline, {cores} core{'s' if cores > 1 else ''}"
        print(f"  {label:<35}{ms(t, pairs)}   {t_gpd_gain / t:5.1f}x")
    gain_only = (t_tl1 - t_as1) / pairs
    print(f"  of which gained/lost, 1 core       {gain_only * 1e3:7.2f} ms")

    km2 = s2["area_km2"].to_numpy()
    assert np.array_equal(km2, s1["area_km2"].to_numpy())
    print("\nagreement")
    print(
        f"  max rel. diff area_series vs read_snapshot+area_km2: "
        f"{np.max(np.abs(km2 - ref_km2) / ref_km2):.1e}"
    )
    print(
        f"  max rel. diff area_series vs plain geopandas .area:  "
        f"{np.max(np.abs(km2 - gpd_km2) / gpd_km2):.1e}  (no densification there)"
    )
    g, lo = d2["gained_km2"].to_numpy()[1:], d2["lost_km2"].to_numpy()[1:]
    print(
        f"  max |gained - plain gained|: {np.max(np.abs(g - gpd_g)):.3f} km², "
        f"|lost - plain lost|: {np.max(np.abs(lo - gpd_l)):.3f} km² (slivers filtered)"
    )
    mf = np.array([m.area_km2 for m in m2])
    assert [m.area_km2 for m in m1] == mf.tolist()
    geo = np.array([m.geodesic_km2 for m in m2])
    print(
        f"  max rel. diff measure_files vs read_snapshot+area_km2: "
        f"{np.max(np.abs(mf - ref_km2) / ref_km2):.1e}; vs its geodesic check: "
        f"{np.max(np.abs(mf - geo) / geo):.1e}"
    )
    inv = d2["gained_km2"] - d2["lost_km2"] - d2["net_km2"]
    print(f"  max |gained - lost - net|: {np.nanmax(np.abs(inv.to_numpy())):.1e} km²")
    print(
        f"  identical consecutive geometries: {int(d2['identical'].sum())} of {pairs}; "
        f"full overlays needed: {int((d2['method'] == 'overlay').sum())}"
    )

    one = str(files[0])
    print(
        "\nEnd to end, side by side: each command in a subprocess on all files and"
        " on the first file alone, in turns; the marginal cost is the median of"
        " the paired differences (start-up and imports cancel)"
    )
    cli = kurskgeo_command()
    print(
        f"  kurskgeo --version               {seconds([*cli, '--version'], r):6.2f} s"
    )
    opts = ["--format", "csv", "--no-progress"]
    found = marginals(
        {
            "geopandas area": plain_command("area", crs),
            "kurskgeo area": [*cli, "area", *opts],
            "geopandas + 3 overlays": plain_command("gains", crs),
            "kurskgeo timeline": [*cli, "timeline", *opts],
        },
        [str(f) for f in files],
        one,
        r,
        n,
    )
    show("plain geopandas read+to_crs+area", found["geopandas area"])
    show("kurskgeo area", found["kurskgeo area"])
    show("plain geopandas + 3 overlays", found["geopandas + 3 overlays"], "pair")
    show("kurskgeo timeline", found["kurskgeo timeline"], "pair")
    area_ratio = found["geopandas area"][0] / found["kurskgeo area"][0]
    gain_ratio = found["geopandas + 3 overlays"][0] / found["kurskgeo timeline"][0]
    print(f"  kurskgeo area vs plain geopandas:               {area_ratio:5.1f}x")
    print(f"  kurskgeo timeline vs geopandas + 3 overlays:    {gain_ratio:5.1f}x")
    year = seconds([*cli, "timeline", *opts, one])
    year += 364 * found["kurskgeo timeline"][0]
    print(f"  a year of daily snapshots (365 files), extrapolated: {year:.1f} s")

    # kurskgeo redoes only what changed since the file before: daily files
    # (a day or a few apart) cost less than files two weeks apart
    daily = daily_files(files)
    if len(daily) >= 2 * len(files) // 5:
        found = marginals(
            {
                "geopandas area": plain_command("area", crs),
                "kurskgeo area": [*cli, "area", *opts],
            },
            [str(f) for f in daily],
            str(daily[0]),
            r,
            len(daily),
        )
        print(f"\nThe {len(daily)} files at most 3 days after the one before:")
        show("plain geopandas read+to_crs+area", found["geopandas area"])
        show("kurskgeo area", found["kurskgeo area"])
        ratio = found["geopandas area"][0] / found["kurskgeo area"][0]
        print(f"  kurskgeo area vs plain geopandas:               {ratio:5.1f}x")


def plain(task, crs, paths):
    """The --plain mode: what users write today, on files and folders."""
    files = []
    for p in map(Path, paths):
        files += sorted(p.glob("*.geojson")) if p.is_dir() else [p]
    if task == "area":
        print(plain_area(files, crs).sum())
    else:
        print(plain_gains(files, crs)[0].sum())


if __name__ == "__main__":
    main()
