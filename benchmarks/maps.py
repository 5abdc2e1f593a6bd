"""Seconds per map PNG: kurskgeo's figure-reusing batch against a plain geopandas loop.

Run from the repository root (real DeepState exports are needed)::

    MPLBACKEND=Agg python benchmarks/maps.py [--data ../shared/data] [--repeat 3]

The data folder defaults to ``$KURSKGEO_TEST_DATA`` or ``../shared/data``
beside the checkout. All maps are 6 × 6 in at 200 dpi, i.e. 1200 × 1200 px.

Four ways of making one PNG per snapshot, the same snapshots each time (the
Ukrainian-held and contested zones of the DeepState Kursk series, clipped to
Kursk Oblast; reading and clipping happen before the clock starts):

``geopandas``
    what a user writes: for each snapshot ``to_crs``, ``plt.subplots``,
    ``GeoDataFrame.plot`` per zone, ``savefig`` (zlib level 6, and 1), ``close``.
``kurskgeo bare``
    :func:`kurskgeo.plot.iter_frames` with ``furniture=False``: the same
    polygons, colours, extent and size, one figure reused, only the zone
    polygons redrawn per frame, the canvas encoded by Pillow (zlib level 6 and
    the default level 1). Its PNGs are compared pixel by pixel with the
    geopandas ones: the fraction of pixels that differ in any channel.
``kurskgeo report``
    ``iter_frames`` with everything a report map carries: context borders,
    region outline, legend with areas, scale bar, north arrow, graticule,
    title, date and attribution.
``kurskgeo from scratch``
    ``plot_snapshot`` + ``figure_bytes`` per snapshot: the same report map
    without reusing the figure.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
ZONES = ["liberated", "contested"]
FIGSIZE = (6.0, 6.0)
DPI = 200


def data_dir(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    env = os.environ.get("KURSKGEO_TEST_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "data"


def load(data: Path):
    import geopandas as gpd
    import shapely

    from kurskgeo.errors import KurskgeoWarning
    from kurskgeo.io import read_region, read_snapshot

    files = sorted((data / "deepstate-raw").glob("17*.geojson"))
    if not files:
        sys.exit(f"no DeepState exports under {data / 'deepstate-raw'}")
    region_path = data / "boundaries" / "kursk_oblast.geojson"
    region = read_region(region_path)
    raw, clipped = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KurskgeoWarning)
        for f in files:
            snap = read_snapshot(f)
            raw.append(snap)
            sel = snap[snap["zone"].isin(ZONES)]
            geoms = shapely.intersection(np.asarray(sel.geometry.values), region)
            part = sel.set_geometry(gpd.GeoSeries(geoms, index=sel.index, crs=sel.crs))
            part = part[~part.geometry.is_empty]
            # keep one row per zone so both renderers see the same polygons
            part = part.dissolve(by="zone", as_index=False)
            part.attrs = dict(snap.attrs)
            clipped.append(part)
    keep = [i for i, c in enumerate(clipped) if len(c)]
    return [raw[i] for i in keep], [clipped[i] for i in keep], region_path


def shared_view(clipped, crs):
    """The square extent iter_frames uses for an explicit lon/lat extent."""
    import geopandas as gpd
    import shapely

    b = np.array([c.total_bounds for c in clipped])
    lonlat = (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())
    pad = 0.05
    lonlat = (lonlat[0] - pad, lonlat[1] - pad, lonlat[2] + pad, lonlat[3] + pad)
    box = gpd.GeoSeries([shapely.box(*lonlat).segmentize(0.05)], crs="OGC:CRS84")
    x0, y0, x1, y1 = box.to_crs(crs).total_bounds
    w, h = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    side = max(w, h)
    return lonlat, (cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2)


def geopandas_loop(clipped, crs, view, level=6):
    import matplotlib
    import matplotlib.pyplot as plt

    from kurskgeo.plot.style import ZONE_STYLES, rc

    with matplotlib.rc_context(rc()):  # same hatch width and fonts as kurskgeo
        return _geopandas_loop(plt, ZONE_STYLES, clipped, crs, view, level)


def _geopandas_loop(plt, ZONE_STYLES, clipped, crs, view, level):
    out = []
    for part in clipped:
        proj = part.to_crs(crs)
        fig, ax = plt.subplots(figsize=FIGSIZE, dpi=DPI)
        ax.set_position((0, 0, 1, 1))
        for i, zone in enumerate(ZONES):
            sub = proj[proj["zone"] == zone]
            if len(sub) == 0:
                continue
            st = ZONE_STYLES[zone]
            sub.plot(
                ax=ax,
                facecolor=st.facecolor,
                edgecolor=st.edgecolor,
                linewidth=0.5,
                hatch=st.hatch,
                zorder=3 + i * 0.01,
            )
        ax.set_xlim(view[0], view[2])
        ax.set_ylim(view[1], view[3])
        ax.set_aspect("equal")
        ax.set_axis_off()
        buf = io.BytesIO()
        fig.savefig(
            buf,
            format="png",
            dpi=DPI,
            metadata={"Software": None},
            pil_kwargs={"compress_level": level},
        )
        plt.close(fig)
        out.append(buf.getvalue())
    return out


def kurskgeo_bare(clipped, crs, lonlat, level):
    from kurskgeo.plot import iter_frames

    return [
        b
        for _, b in iter_frames(
            clipped,
            zone=ZONES,
            crs=crs,
            extent=lonlat,
            figsize=FIGSIZE,
            dpi=DPI,
            compress_level=level,
            furniture=False,
        )
    ]


def kurskgeo_report(raw, region, context, level=1):
    from kurskgeo.plot import iter_frames

    return [
        b
        for _, b in iter_frames(
            raw,
            zone=ZONES,
            region=region,
            context=context,
            figsize=FIGSIZE,
            dpi=DPI,
            compress_level=level,
        )
    ]


def kurskgeo_scratch(raw, region, context):
    from kurskgeo.plot import figure_bytes, plot_snapshot

    out = []
    for snap in raw:
        ax = plot_snapshot(
            snap, zone=ZONES, region=region, context=context, figsize=FIGSIZE
        )
        out.append(figure_bytes(ax.figure, "png", dpi=DPI, compress_level=1))
    return out


def pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def timed(label, fn, n, repeat):
    best = []
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best.append((time.perf_counter() - t) / n)
    per = min(best)
    print(
        f"{label:<34s} {per:7.3f} s/PNG  (best of {repeat}; "
        f"median {statistics.median(best):.3f})"
    )
    return per, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="folder holding deepstate-raw/ and boundaries/")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib

    matplotlib.use("Agg")

    from kurskgeo.area.crs import equal_area_crs

    data = data_dir(args.data)
    raw, clipped, region = load(data)
    context = [
        data / "context" / "natural_earth_10m_ukraine.geojson",
        data / "context" / "natural_earth_10m_russia.geojson",
    ]
    n = len(clipped)
    lonlat_all = np.array([c.total_bounds for c in clipped])
    import shapely

    crs = equal_area_crs(
        shapely.box(
            lonlat_all[:, 0].min(),
            lonlat_all[:, 1].min(),
            lonlat_all[:, 2].max(),
            lonlat_all[:, 3].max(),
        )
    )
    lonlat, view = shared_view(clipped, crs)
    print(
        f"{n} DeepState snapshots from {data}, {FIGSIZE[0] * DPI:.0f} x "
        f"{FIGSIZE[1] * DPI:.0f} px at {DPI} dpi; zones {', '.join(ZONES)}"
    )
    # warm up imports and font caches outside the clock
    geopandas_loop(clipped[:1], crs, view)
    kurskgeo_bare(clipped[:1], crs, lonlat, 1)
    kurskgeo_report(raw[:1], region, context)

    t_gpd, gpd_png = timed(
        "geopandas plot+savefig loop",
        lambda: geopandas_loop(clipped, crs, view),
        n,
        args.repeat,
    )
    t_gpd1, _ = timed(
        "geopandas loop, zlib 1",
        lambda: geopandas_loop(clipped, crs, view, 1),
        n,
        args.repeat,
    )
    t_b6, bare6 = timed(
        "kurskgeo bare, zlib 6",
        lambda: kurskgeo_bare(clipped, crs, lonlat, 6),
        n,
        args.repeat,
    )
    t_b1, bare1 = timed(
        "kurskgeo bare, zlib 1",
        lambda: kurskgeo_bare(clipped, crs, lonlat, 1),
        n,
        args.repeat,
    )
    t_rep, _ = timed(
        "kurskgeo report map (reused fig)",
        lambda: kurskgeo_report(raw, region, context),
        n,
        args.repeat,
    )
    t_scr, _ = timed(
        "kurskgeo report map (from scratch)",
        lambda: kurskgeo_scratch(raw, region, context),
        n,
        1,
    )

    diffs = []
    for a, b in zip(gpd_png, bare6, strict=True):
        pa, pb = pixels(a), pixels(b)
        if pa.shape != pb.shape:
            sys.exit(f"size mismatch {pa.shape} vs {pb.shape}")
        diffs.append(float(np.any(pa != pb, axis=-1).mean()))
    same1 = all(
        np.array_equal(pixels(a), pixels(b)) for a, b in zip(bare6, bare1, strict=True)
    )
    print()
    print(f"speed-up bare (zlib 6) vs geopandas:   {t_gpd / t_b6:5.2f}x")
    print(f"speed-up bare (zlib 1) vs geopandas:   {t_gpd / t_b1:5.2f}x")
    print(f"speed-up bare (zlib 1) vs geopandas zlib 1: {t_gpd1 / t_b1:5.2f}x")
    print(f"speed-up report map, reuse vs scratch: {t_scr / t_rep:5.2f}x")
    print(
        f"pixels differing, bare vs geopandas: mean {np.mean(diffs):.5f}, "
        f"max {np.max(diffs):.5f} (fraction of {pixels(gpd_png[0]).shape[0]}"
        f"x{pixels(gpd_png[0]).shape[1]} px)"
    )
    print(f"zlib 1 and zlib 6 decode to identical pixels: {same1}")


if __name__ == "__main__":
    main()
