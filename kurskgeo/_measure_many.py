"""The fast path behind :func:`kurskgeo.area.measure_files` and ``kurskgeo area``.

It gives what ``measure(read_snapshot(path), ...)`` gives for each file,
without building a GeoDataFrame per file. A *plain* file (see
:mod:`kurskgeo._fastread`) is parsed to coordinate arrays, its long edges
densified (the previous file's are looked up first), projected with a
transformer kept for the run, checked for validity and measured; its
geodesic check comes from the authalic sphere on the same densified
vertices. Every other file, and any plain file that
:func:`~kurskgeo.io.read_snapshot` would repair, is measured by the reference
path. A file whose geometry and zones repeat the previous file's is measured
once. Long lists are split between two processes when a CPU is idle
(:mod:`kurskgeo._parallel`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from kurskgeo import _fastread, _geojson, _parallel, _splice
from kurskgeo._progress import progress as progress_bar
from kurskgeo.area import (
    GEODESIC_RTOL,
    KM2_PER_MI2,
    Measurement,
    densify_geodesic,
    measure,
    no_zone_error,
    zone_list,
)
from kurskgeo.crs import (
    LONLAT,
    auto_centre,
    equal_area_crs,
    is_auto,
    is_spherical_only,
    laea_pipeline,
    laea_srs,
)
from kurskgeo.geodesic import authalic_area_km2

__all__ = ["measure_paths"]


@dataclass
class _Run:
    """What every file of one call shares; one per process."""

    zones: list[str] | None
    crs: CRS | None  # None: "auto", a CRS centred on each file
    region: BaseGeometry | None  # longitude/latitude, densified
    rtol: float
    fast: bool  # False: every file takes the reference path
    transformers: dict[str, Transformer] = field(default_factory=dict)
    regions: dict[str, BaseGeometry] = field(default_factory=dict)
    edges: _fastread.DensifyCache = field(default_factory=_fastread.DensifyCache)
    last: tuple[_fastread.Plain | None, Measurement | None] = (None, None)
    shape: _splice.Shape | None = None  # the last valid geometry measured

    def transformer(self, srs: str) -> Transformer:
        tr = self.transformers.get(srs)
        if tr is None:
            if self.crs is None:
                tr = Transformer.from_pipeline(laea_pipeline(srs))
            else:
                tr = Transformer.from_crs(LONLAT, self.crs, always_xy=True)
            self.transformers[srs] = tr
        return tr

    def region_in(self, srs: str) -> BaseGeometry:
        geom = self.regions.get(srs)
        if geom is None:
            assert self.region is not None
            tr = self.transformer(srs)
            geom = shapely.transform(
                self.region,
                lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])),
            )
            shapely.prepare(geom)
            self.regions[srs] = geom
        return geom


def _measure_plain(plain: _fastread.Plain, run: _Run) -> Measurement | None:
    """Measure a plain file as :func:`~kurskgeo.area.measure` would, or return None.

    None means the reference path must measure it (read_snapshot would
    repair a polygon).
    """
    zones = run.zones
    keep = np.array([zones is None or z in zones for z in plain.zones], dtype=bool)
    if not keep.any():
        present = sorted({str(z) for z in plain.zones if z is not None})
        raise no_zone_error(plain.path, zones or [], present)
    if not keep.all():
        # read_snapshot would repair (and note) an invalid polygon of another zone
        others = _fastread.build(_fastread.subset(plain.ragged, ~keep))
        if not shapely.is_valid(others).all():
            return None
    ragged = _fastread.subset(plain.ragged, keep)
    n = int(keep.sum())
    coords = ragged[0]
    if run.crs is None:
        srs = laea_srs(*auto_centre(_fastread.bounds(coords)))
    else:
        srs = run.crs.srs
    tr = run.transformer(srs)
    spliced = (
        None
        if run.shape is None
        else _splice.splice(run.shape, ragged, srs, tr, run.edges)
    )
    if spliced is None:
        shape, valid = _splice.shape(ragged, srs, tr, cache=run.edges), False
    else:
        shape, valid = spliced
    projected = _fastread.build(shape.ragged())
    # validity is judged on what is measured, as zone_union does; read_snapshot
    # would repair an invalid polygon (and warn), so the reference path takes it
    if not valid and not shapely.is_valid(projected).all():
        run.shape = None
        return None
    run.shape = shape
    single = n == 1
    union = projected[0] if single else shapely.union_all(projected)
    if run.region is not None:
        union = shapely.intersection(union, run.region_in(srs))
    km2 = float(shapely.area(union)) / 1e6
    if union.is_empty:
        geodesic = 0.0
    elif single and run.region is None:
        geodesic = shape.geodesic_km2()
    else:
        lonlat = shapely.transform(
            union,
            lambda xy: np.column_stack(
                tr.transform(xy[:, 0], xy[:, 1], direction="INVERSE")
            ),
        )
        geodesic = float(authalic_area_km2(lonlat))
    first = _first_kept(plain, zones)  # measure() reports the first's label
    return Measurement(
        path=plain.path,
        date=plain.date,
        label=plain.label(first),
        source=plain.sources[first],
        zone="+".join(zones) if zones else None,
        n_features=n,
        area_km2=km2,
        area_mi2=km2 / KM2_PER_MI2,
        geodesic_km2=geodesic,
        crs=srs,
    )


def _first_kept(plain: _fastread.Plain, zones: list[str] | None) -> int:
    return next(k for k, z in enumerate(plain.zones) if zones is None or z in zones)


def _reference(path: Path, run: _Run, crs: Any) -> list[Measurement]:
    """read_snapshot + measure, one Measurement per date the file holds."""
    from kurskgeo.io import read_snapshot

    snap = read_snapshot(path)
    out = []
    for part in _by_date(snap):
        out.append(
            measure(part, zone=run.zones, region=run.region, crs=crs, rtol=run.rtol)
        )
    return out


def _by_date(snap: Any) -> list[Any]:
    if snap["date"].isna().all():
        return [snap]
    from kurskgeo.io import split_dates

    return [part for _, part in split_dates(snap)]


def _measure_path(path: Path, run: _Run, crs: Any) -> list[Measurement]:
    if not run.fast:
        return _reference(path, run, crs)
    plain = _fastread.read_plain(path, _geojson.read_bytes(path), run.last[0])
    if plain is None:
        return _reference(path, run, crs)
    last_plain, last_result = run.last
    if last_result is not None and plain.same_geometry(last_plain):
        # the previous file's geometry and zones: only the names differ
        first = _first_kept(plain, run.zones)
        result = replace(
            last_result,
            path=plain.path,
            date=plain.date,
            label=plain.label(first),
            source=plain.sources[first],
        )
    else:
        found = _measure_plain(plain, run)
        run.last = (plain, found)
        if found is None:
            return _reference(path, run, crs)
        result = found
    result.check(run.rtol, stacklevel=4)
    return [result]


def measure_paths(
    files: Sequence[Path],
    *,
    zone: str | Sequence[str] | None,
    region: Any,
    crs: Any,
    rtol: float = GEODESIC_RTOL,
    progress: bool | None,
    workers: int | None,
) -> list[Measurement]:
    """One Measurement per file (per date for a multi-date file), in file order."""
    from kurskgeo.io import read_region

    target = None if is_auto(crs) else equal_area_crs(crs=crs)
    region_lonlat = None
    if region is not None:
        region_lonlat = densify_geodesic([read_region(region)])[0]
    # spherical-only methods are applied on the authalic sphere: the reference path
    fast = target is None or not is_spherical_only(target)
    run = _Run(zone_list(zone), target, region_lonlat, rtol, fast)

    def chunk(lo: int, hi: int, bar: bool | None) -> list[list[Measurement]]:
        return [
            _measure_path(path, run, crs)
            for path in progress_bar(files[lo:hi], bar, "measuring")
        ]

    # files cost unequal time (one unlike the file before costs more): share
    done = _parallel.fork_map(
        chunk, len(files), progress, "measuring", workers, share=True
    )
    return [m for found in done for m in found]
