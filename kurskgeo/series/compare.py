"""Two sources side by side: how far two maps agree on a zone.

:func:`compare` measures two zones on matching dates: zone A of one series
(say DeepStateMap's ground lost since the peak) and zone B of another (ISW's
assessed Russian advances), each through the one engine, in one equal-area CRS
for both. :func:`compare_parts` gives the geometry of one comparison to map
it: the overlap, and what each has alone.

Matching dates
--------------
Each map of A is paired with the map of B nearest in date, if one lies within
`max_days` days (:data:`DEFAULT_MAX_DAYS`, 7: ISW and DeepStateMap update
daily to weekly, and a front moves little in a week); of two B maps equally
near, the earlier is taken. Maps of A with no B map that near are left out.

Derived zones
-------------
A side may be a zone derived from its series instead of a zone on one map:

``lost_since_peak``
    what the zone held at its peak and no longer holds: the parts
    :func:`kurskgeo.diff` gives as ``lost`` from the map of the largest area
    so far (among the side's maps up to that date) to this one, with the same
    sliver filter (parts under `min_area_km2`, coordinates snapped to
    `grid_size` metres). For DeepStateMap's ``liberated`` zone in Kursk
    Oblast this is the ground Russia retook.

The figures
-----------
``overlap_km2`` is the area of A ∩ B, ``only_a_km2`` of A − B, ``only_b_km2``
of B − A, ``union_km2`` of A ∪ B, and ``iou`` is overlap / union (NaN when
both are empty). ``front_distance_km`` is the largest distance between the
two zones' front lines inside the region: the Hausdorff distance between the
boundaries of A and B, each without the parts that lie on the region's own
border (within 1 m; a zone clipped to the region runs along it there), with
the lines cut into pieces of at most 50 m first so that the distance is that
of the lines, not only of their vertices, to within 25 m. It is NaN when
either zone has no front line inside the region.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from kurskgeo.area import Engine, project
from kurskgeo.errors import SnapshotError
from kurskgeo.io import LONLAT, Layer
from kurskgeo.series._change import (
    DEFAULT_GRID_SIZE,
    DEFAULT_MIN_AREA_KM2,
    change_between,
    check_options,
)
from kurskgeo.series._read import read_sources

__all__ = [
    "COMPARE_COLUMNS",
    "DEFAULT_MAX_DAYS",
    "DERIVED_ZONES",
    "compare",
    "compare_parts",
    "front_line",
]

#: Two maps further apart than this (days) are not compared.
DEFAULT_MAX_DAYS = 7
#: Zones a side may derive from its series (see the module notes).
DERIVED_ZONES = ("lost_since_peak",)
#: The line pieces (metres) the front lines are cut into before the
#: Hausdorff distance, and the width (metres) of the region's border.
SEGMENT_M = 50.0
BORDER_M = 1.0

#: The columns of :func:`compare`, in order.
COMPARE_COLUMNS = (
    "date_a",
    "date_b",
    "days_apart",
    "source_a",
    "source_b",
    "zone_a",
    "zone_b",
    "area_a_km2",
    "area_b_km2",
    "overlap_km2",
    "only_a_km2",
    "only_b_km2",
    "union_km2",
    "iou",
    "front_distance_km",
    "path_a",
    "path_b",
)


@dataclass
class _Side:
    """One side of a comparison: a series of one source, and how to read its zone."""

    layers: list[Layer]
    engine: Engine
    source: str
    derive: str | None
    zone_label: str
    min_area_km2: float
    grid_size: float | None
    _areas: dict[int, float] | None = None

    def area(self, k: int, crs: CRS) -> float:
        geom, *_ = self.engine.geometry(self.layers[k], crs=crs, strict=False)
        return float(shapely.area(geom)) / 1e6

    def geometry(self, k: int, crs: CRS) -> BaseGeometry:
        """Return the side's zone on its k-th map, projected to `crs`."""
        geom, *_ = self.engine.geometry(self.layers[k], crs=crs, strict=False)
        if self.derive is None:
            return geom
        # lost_since_peak: the peak among the maps up to k
        if self._areas is None:
            self._areas = {}
        for j in range(k + 1):
            if j not in self._areas:
                self._areas[j] = self.area(j, crs)
        peak = max(range(k + 1), key=lambda j: (self._areas[j], -j))  # type: ignore[index]
        if peak == k:
            return shapely.Polygon()
        before, *_ = self.engine.geometry(self.layers[peak], crs=crs, strict=False)
        net = float(shapely.area(geom) - shapely.area(before)) / 1e6
        pair = change_between(before, geom, net, self.min_area_km2, self.grid_size)
        if not len(pair.lost):
            return shapely.Polygon()
        return shapely.union_all(pair.lost)


def _side(
    spec: Any,
    what: str,
    zone: str | Sequence[str] | None,
    derive: str | None,
    region: Any,
    crs: Any,
    on_duplicate: str,
    min_area_km2: float,
    grid_size: float | None,
    layer: str | None = None,
) -> _Side:
    if derive is not None and derive not in DERIVED_ZONES:
        raise ValueError(
            f"derive_{what.lower()} must be one of {DERIVED_ZONES} or None, "
            f"not {derive!r}"
        )
    engine = Engine(zone=zone, region=region, crs=crs, layer=layer)
    groups = read_sources(spec, engine, on_duplicate=on_duplicate)
    if len(groups) != 1:
        raise SnapshotError(
            f"{what} holds maps of {len(groups)} sources ({', '.join(groups)}); "
            "compare one source with another: give the maps of each apart"
        )
    ((source, layers),) = groups.items()
    if engine.zones is not None and not any(
        set(engine.zones) & set(lay.zones_present) for lay in layers
    ):
        present = sorted({z for lay in layers for z in lay.zones_present})
        raise SnapshotError(
            f"{what}: no map has a polygon of zone {', '.join(engine.zones)}; "
            f"zones there: {', '.join(present) or 'none (no zone names)'}"
        )
    present = sorted({z for lay in layers for z in lay.zones_present})
    label = "+".join(engine.zones or present) or "all polygons"
    if derive is not None:
        label = f"{label} ({derive.replace('_', ' ')})"
    return _Side(layers, engine, source, derive, label, min_area_km2, grid_size)


def _matches(a: _Side, b: _Side, max_days: int) -> list[tuple[int, int]]:
    """Pairs (i, j): each map of A and the nearest map of B within `max_days`."""
    out = []
    days_b = [lay.date for lay in b.layers]
    for i, lay in enumerate(a.layers):
        if lay.date is None:
            continue
        best = None
        for j, day in enumerate(days_b):
            if day is None:
                continue
            gap = abs((day - lay.date).days)
            if gap <= max_days and (best is None or gap < best[0]):
                best = (gap, j)  # strict: of two equally near, the earlier
        if best is not None:
            out.append((i, best[1]))
    return out


def front_line(geom: BaseGeometry, region: BaseGeometry | None) -> BaseGeometry:
    """Return the boundary of a zone without the parts on the region's border.

    Parameters
    ----------
    geom : shapely geometry
        A zone, projected (metres), clipped to the region.
    region : shapely geometry or None
        The region in the same CRS; None keeps the whole boundary.

    Examples
    --------
    >>> from shapely import box
    >>> region = box(0, 0, 10_000, 10_000)
    >>> zone = box(0, 0, 4_000, 10_000)     # the west of the region
    >>> front_line(zone, region).length  # its eastern edge, less 1 m at each end
    9998.0
    """
    if geom.is_empty:
        return shapely.LineString()
    line = shapely.boundary(geom)
    if region is None:
        return line
    border = shapely.buffer(shapely.boundary(region), BORDER_M)
    return shapely.difference(line, border)


def _front_distance_km(
    ga: BaseGeometry, gb: BaseGeometry, region: BaseGeometry | None
) -> float:
    fa, fb = front_line(ga, region), front_line(gb, region)
    if fa.is_empty or fb.is_empty:
        return math.nan
    fa, fb = shapely.segmentize(fa, SEGMENT_M), shapely.segmentize(fb, SEGMENT_M)
    return float(shapely.hausdorff_distance(fa, fb)) / 1e3


def _target(a: _Side, b: _Side, i: int, j: int) -> CRS:
    """Return the one CRS both maps of a pair are measured in."""
    if a.engine.fixed_crs is not None:
        return a.engine.fixed_crs
    return a.engine.crs_for(a.layers[i])


def _prepare(
    a: Any,
    b: Any,
    zone_a: Any,
    zone_b: Any,
    derive_a: str | None,
    derive_b: str | None,
    region: Any,
    crs: Any,
    max_days: int,
    min_area_km2: float,
    grid_size: float | None,
    on_duplicate: str,
    layers: tuple[str | None, str | None] = (None, None),
) -> tuple[_Side, _Side, list[tuple[int, int]]]:
    check_options(min_area_km2, grid_size)
    if not (isinstance(max_days, int) and max_days >= 0):
        raise ValueError(f"max_days must be a whole number >= 0, not {max_days!r}")
    opts = (region, crs, on_duplicate, min_area_km2, grid_size or None)
    side_a = _side(a, "A", zone_a, derive_a, *opts, layers[0])
    # B is read near the same region; its CRS is A's for every pair
    side_b = _side(
        b, "B", zone_b, derive_b, side_a.engine.region, crs, *opts[2:], layers[1]
    )
    pairs = _matches(side_a, side_b, max_days)
    if not pairs:
        span = lambda s: f"{s.layers[0].date} to {s.layers[-1].date}"  # noqa: E731
        raise SnapshotError(
            f"no map of B ({span(side_b)}) lies within {max_days} days of a map of "
            f"A ({span(side_a)}); pass max_days= (CLI: --max-days) to allow more"
        )
    return side_a, side_b, pairs


def _figures(
    a: _Side, b: _Side, i: int, j: int
) -> tuple[dict[str, Any], BaseGeometry, BaseGeometry, CRS]:
    target = _target(a, b, i, j)
    ga, gb = a.geometry(i, target), b.geometry(j, target)
    area_a, area_b = float(shapely.area(ga)) / 1e6, float(shapely.area(gb)) / 1e6
    if ga.equals_exact(gb, 0.0):  # the same zone: an overlay would add rounding
        overlap, only_a, only_b = area_a, 0.0, 0.0
    else:
        overlap = float(shapely.area(shapely.intersection(ga, gb))) / 1e6
        only_a = float(shapely.area(shapely.difference(ga, gb))) / 1e6
        only_b = float(shapely.area(shapely.difference(gb, ga))) / 1e6
    union = area_a + area_b - overlap
    region = None if a.engine.region is None else a.engine.region.projected(target)
    la, lb = a.layers[i], b.layers[j]
    assert la.date is not None and lb.date is not None
    row = {
        "date_a": la.date,
        "date_b": lb.date,
        "days_apart": (lb.date - la.date).days,
        "source_a": a.source,
        "source_b": b.source,
        "zone_a": a.zone_label,
        "zone_b": b.zone_label,
        "area_a_km2": area_a,
        "area_b_km2": area_b,
        "overlap_km2": overlap,
        "only_a_km2": only_a,
        "only_b_km2": only_b,
        "union_km2": union,
        "iou": overlap / union if union > 0 else math.nan,
        "front_distance_km": _front_distance_km(ga, gb, region),
        "path_a": la.path,
        "path_b": lb.path,
    }
    return row, ga, gb, target


def compare(
    a: Any,
    b: Any,
    *,
    zone_a: str | Sequence[str] | None = None,
    zone_b: str | Sequence[str] | None = None,
    derive_a: str | None = None,
    derive_b: str | None = None,
    region: Any = None,
    crs: Any = "auto",
    max_days: int = DEFAULT_MAX_DAYS,
    min_area_km2: float = DEFAULT_MIN_AREA_KM2,
    grid_size: float | None = DEFAULT_GRID_SIZE,
    on_duplicate: str = "error",
    layer_a: str | None = None,
    layer_b: str | None = None,
) -> pd.DataFrame:
    """Compare zone A of one source with zone B of another on matching dates.

    Parameters
    ----------
    a, b : path, folder, glob, GeoDataFrame, or a list of them
        The maps of each side (one source each): one map, or a series.
    zone_a, zone_b : str or list of str, optional
        The zones of each side (their union); every polygon if None.
    derive_a, derive_b : {"lost_since_peak"}, optional
        Compare a zone derived from the side's series instead (see the module
        notes).
    region : path, GeoDataFrame or geometry, optional
        Clip both sides to this region; the front lines are those inside it.
    crs : "auto" or CRS-like
        The equal-area CRS of both sides (``"auto"``: centred on the region,
        or on A's polygons).
    max_days : int
        Pair maps at most this many days apart (see the module notes).
    min_area_km2, grid_size
        The sliver filter of a derived zone, as in :func:`kurskgeo.diff`.
    on_duplicate : {"error", "first", "last"}
        Two maps of one side and date: refuse, or keep the first or last.
    layer_a, layer_b : str, optional
        Read only this layer of each side's multi-layer files (a GeoPackage's
        table, a KML's folder); every layer if None.

    Returns
    -------
    pandas.DataFrame
        One row per map of A paired with a map of B, columns
        :data:`COMPARE_COLUMNS` (see the module notes). ``attrs`` holds
        ``crs`` (of the last row), ``region`` and ``max_days``.

    Raises
    ------
    SnapshotError
        If a side cannot be read, holds maps of several sources or none of
        its zones, or no two maps lie within `max_days` days.

    See Also
    --------
    compare_parts : the geometry of one comparison, to map it.

    Examples
    --------
    >>> import geopandas as gpd, datetime as dt
    >>> from shapely import box
    >>> def snap(x0, x1, source):
    ...     return gpd.GeoDataFrame({"date": [dt.date(2024, 9, 18)],
    ...                              "source": [source]}, crs="OGC:CRS84",
    ...                             geometry=[box(x0, 51, x1, 51.5)])
    >>> row = compare(snap(35.0, 35.2, "A"), snap(35.1, 35.3, "B")).iloc[0]
    >>> share = row["overlap_km2"] / row["area_a_km2"]
    >>> round(float(row["iou"]), 3), round(float(share), 3)
    (0.333, 0.5)
    """
    side_a, side_b, pairs = _prepare(
        a,
        b,
        zone_a,
        zone_b,
        derive_a,
        derive_b,
        region,
        crs,
        max_days,
        min_area_km2,
        grid_size,
        on_duplicate,
        (layer_a, layer_b),
    )
    rows = []
    target = None
    for i, j in pairs:
        row, _, _, target = _figures(side_a, side_b, i, j)
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(COMPARE_COLUMNS))
    out.attrs.update(
        {
            "crs": target,
            "region": (
                None if side_a.engine.region is None else side_a.engine.region.name
            ),
            "max_days": max_days,
        }
    )
    return out


def compare_parts(
    a: Any,
    b: Any,
    *,
    date: Any = None,
    zone_a: str | Sequence[str] | None = None,
    zone_b: str | Sequence[str] | None = None,
    derive_a: str | None = None,
    derive_b: str | None = None,
    region: Any = None,
    crs: Any = "auto",
    max_days: int = DEFAULT_MAX_DAYS,
    min_area_km2: float = DEFAULT_MIN_AREA_KM2,
    grid_size: float | None = DEFAULT_GRID_SIZE,
    on_duplicate: str = "error",
    layer_a: str | None = None,
    layer_b: str | None = None,
) -> gpd.GeoDataFrame:
    """Return the overlap of zones A and B, and each alone, on one pair of maps.

    Parameters
    ----------
    date : date or str, optional
        The pair whose map of A is nearest this date; the last pair if None.
    a, b, zone_a, zone_b, derive_a, derive_b, region, crs, max_days, \
min_area_km2, grid_size, on_duplicate, layer_a, layer_b
        As for :func:`compare`.

    Returns
    -------
    geopandas.GeoDataFrame
        In OGC:CRS84, three rows, ``part`` ``overlap``, ``only_a`` and
        ``only_b``, with ``area_km2`` and the (possibly empty) geometry.
        ``attrs`` holds the :func:`compare` row of the pair (``row``), the
        region in longitude/latitude (``region``) and the ``crs``.

    Examples
    --------
    >>> import geopandas as gpd, datetime as dt
    >>> from shapely import box
    >>> def snap(x0, x1, source):
    ...     return gpd.GeoDataFrame({"date": [dt.date(2024, 9, 18)],
    ...                              "source": [source]}, crs="OGC:CRS84",
    ...                             geometry=[box(x0, 51, x1, 51.5)])
    >>> parts = compare_parts(snap(35.0, 35.2, "A"), snap(35.1, 35.3, "B"))
    >>> parts["area_km2"].round(1).tolist()
    [388.4, 388.4, 388.4]
    """
    from kurskgeo.io import parse_date

    side_a, side_b, pairs = _prepare(
        a,
        b,
        zone_a,
        zone_b,
        derive_a,
        derive_b,
        region,
        crs,
        max_days,
        min_area_km2,
        grid_size,
        on_duplicate,
        (layer_a, layer_b),
    )
    i, j = pairs[-1]
    if date is not None:
        day = parse_date(date)
        gap = [abs((side_a.layers[p[0]].date - day).days) for p in pairs]  # type: ignore[operator]
        i, j = pairs[int(np.argmin(gap))]
    row, ga, gb, target = _figures(side_a, side_b, i, j)
    geoms = [
        shapely.intersection(ga, gb),
        shapely.difference(ga, gb),
        shapely.difference(gb, ga),
    ]
    areas = [float(shapely.area(g)) / 1e6 for g in geoms]
    lonlat = [project(g, target, LONLAT)[0] if not g.is_empty else g for g in geoms]
    out = gpd.GeoDataFrame(
        {"part": ["overlap", "only_a", "only_b"], "area_km2": areas},
        geometry=gpd.GeoSeries(lonlat, crs=LONLAT),
        crs=LONLAT,
    )
    out.attrs.update(
        {
            "row": row,
            "crs": target,
            "region": None
            if side_a.engine.region is None
            else side_a.engine.region.geom,
        }
    )
    return out
