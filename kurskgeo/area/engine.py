"""The one measuring path: the polygons of a layer to an area in km².

Every area kurskgeo prints, whichever function or command asked for it, is
computed by :meth:`Engine.geometry` and :meth:`Engine.measure`:

1. the layer's polygons of the zones asked for are taken (a layer read with
   :meth:`Engine.read` holds only those, near the region);
2. the equal-area CRS is chosen (:meth:`Engine.crs_for`): the one named, or
   a Lambert azimuthal equal-area centred on the region, or on the polygons
   when there is no region;
3. each polygon's long edges are densified along the geodesic and it is
   projected (kept, per feature, for the next snapshot of a series, whose
   unchanged features need no work; a large polygon that changed is rebuilt
   from the last one at its place, redoing only its new edges:
   :mod:`kurskgeo.area._dense`);
4. polygons that do not meet the projected region are left out; the rest
   are unioned (overlaps count once; one polygon is its own union);
5. the union is clipped to the region, unless the region contains it;
6. the area is taken, and checked against the area of the same geometry on
   the ellipsoid (:func:`kurskgeo.area.geodesic.authalic_area_km2`).

Because there is one path, a file measured by :func:`kurskgeo.area.measure`,
:func:`~kurskgeo.area.measure_files`, a timeline or a claim gives the same
number to the last bit.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from kurskgeo.area._dense import MIN_VERTICES, Dense, fresh, splice
from kurskgeo.area.crs import (
    authalic_latitude,
    authalic_radius,
    auto_centre,
    check_equal_area,
    geodetic_latitude,
    is_auto,
    is_spherical_only,
    laea,
    laea_pipeline,
)
from kurskgeo.area.geodesic import (
    as_array,
    authalic_area_km2,
    densify_geodesic,
)
from kurskgeo.area.measurement import GEODESIC_RTOL, KM2_PER_MI2, Measurement
from kurskgeo.errors import SnapshotError
from kurskgeo.io import (
    LONLAT,
    FeatureCache,
    Layer,
    as_layer,
    read_layer,
    read_region,
    zone_list,
)
from kurskgeo.io.layer import BBOX_MARGIN_DEG
from kurskgeo.io.sources import ZONES

__all__ = ["Engine", "Region", "as_region", "no_zone_error", "project"]


# ---------------------------------------------------------------- projecting


def _transformer(src: CRS, dst: CRS) -> Transformer:
    if (
        src.equals(LONLAT)
        and dst.srs.startswith("+proj=laea")
        and "+ellps=WGS84" in dst.srs
    ):
        # the operation from_crs would find, without searching proj.db (12 ms)
        return Transformer.from_pipeline(laea_pipeline(dst.srs))
    return Transformer.from_crs(src, dst, always_xy=True)


@lru_cache(maxsize=16)
def _on_authalic_sphere(crs: CRS) -> CRS:
    """Return the same projection on the authalic sphere (spherical-only methods)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        params = crs.to_dict()
    for key in ("datum", "ellps", "a", "b", "rf", "f", "R", "towgs84", "nadgrids"):
        params.pop(key, None)
    params["R"] = authalic_radius()
    return CRS.from_dict(params)


_SPHERE_LONLAT = CRS.from_dict({"proj": "longlat", "R": authalic_radius()})
Coordinates = Callable[[np.ndarray], np.ndarray]
_OPERATIONS: dict[tuple[str, str], Coordinates] = {}


def _operation(src: CRS, dst: CRS) -> Coordinates:
    """Return the function of (n, 2) coordinates projecting from `src` to `dst`.

    Kept by the CRSs' PROJ strings: comparing or hashing CRS objects costs
    a WKT export each time.
    """
    key = (src.srs, dst.srs)
    fn = _OPERATIONS.get(key)
    if fn is not None:
        return fn
    if dst.is_projected and is_spherical_only(dst) and src.equals(LONLAT):
        tr = _transformer(_SPHERE_LONLAT, _on_authalic_sphere(dst))

        def fn(xy: np.ndarray) -> np.ndarray:
            x, y = tr.transform(xy[:, 0], authalic_latitude(xy[:, 1]))
            return np.column_stack([x, y])

    elif src.is_projected and is_spherical_only(src) and dst.equals(LONLAT):
        tr = _transformer(_on_authalic_sphere(src), _SPHERE_LONLAT)

        def fn(xy: np.ndarray) -> np.ndarray:
            lon, beta = tr.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([lon, geodetic_latitude(beta)])

    else:
        tr = _transformer(src, dst)

        def fn(xy: np.ndarray) -> np.ndarray:
            x, y = tr.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([x, y])

    if len(_OPERATIONS) >= 64:
        _OPERATIONS.clear()
    _OPERATIONS[key] = fn
    return fn


def project(geoms: Any, src: CRS, dst: CRS) -> np.ndarray:
    """Project geometries from `src` to `dst` (straight edges, no densifying).

    Methods PROJ implements on the sphere only (Mollweide, ...) are applied
    to authalic latitudes on the authalic sphere, which keeps them exactly
    equal-area on WGS84.
    """
    return shapely.transform(as_array(geoms), _operation(src, dst))


# ---------------------------------------------------------------- regions


@dataclass(eq=False)
class Region:
    """A region to clip to: its polygon in longitude/latitude, and where it came from.

    Its densified, projected and prepared form is made once per CRS and kept.
    """

    geom: BaseGeometry
    name: str | None = None
    _projected: dict[str, BaseGeometry] = field(default_factory=dict, repr=False)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """Longitude/latitude box of the region."""
        b = self.geom.bounds
        return (b[0], b[1], b[2], b[3])

    def projected(self, crs: CRS) -> BaseGeometry:
        """Return the region densified, projected to `crs` and prepared."""
        geom = self._projected.get(crs.srs)
        if geom is None:
            geom = project(densify_geodesic(self.geom), LONLAT, crs)[0]
            if not shapely.is_valid(geom):
                geom = shapely.make_valid(geom)
            shapely.prepare(geom)
            self._projected[crs.srs] = geom
        return geom

    def __getstate__(self) -> dict[str, Any]:
        # a prepared geometry does not pickle; workers project it again
        return {"geom": self.geom, "name": self.name, "_projected": {}}


def as_region(region: Any) -> Region | None:
    """Return a :class:`Region` from a path, table, geometry or Region (or None)."""
    if region is None or isinstance(region, Region):
        return region
    if isinstance(region, BaseGeometry):
        return Region(read_region(region), None)
    if isinstance(region, (str, Path)):
        return Region(read_region(region), str(region))
    return Region(
        read_region(region), str(getattr(region, "attrs", {}).get("path") or "given")
    )


def no_zone_error(
    where: str, zones: Sequence[str], present: Iterable[str]
) -> SnapshotError:
    """Return the error for a snapshot with no polygon of `zones`."""
    return SnapshotError(
        f"{where}: no polygon of zone {', '.join(zones)}; zones here: "
        f"{', '.join(sorted(present)) or 'none (the file names no zones)'}"
    )


# ---------------------------------------------------------------- the engine


def _first(values: Iterable[Any]) -> str | None:
    for v in values:
        if isinstance(v, str) and v:
            return v
    return None


class Engine:
    """Measures layers of one series the same way, keeping what it can reuse.

    Parameters
    ----------
    zone : str or list of str, optional
        The zones measured (their union); every polygon if None.
    region : path, GeoDataFrame, geometry or Region, optional
        Clip to this region.
    crs : "auto" or CRS-like
        The equal-area CRS; ``"auto"`` centres a Lambert azimuthal
        equal-area projection on the region, or on the polygons measured.
    rtol : float
        Relative tolerance of the geodesic cross-check.
    layer : str, optional
        Read only this layer of multi-layer files (a GeoPackage's table, a
        KML's folder); every layer if None.

    Raises
    ------
    CRSError
        If `crs` is not equal-area.
    """

    def __init__(
        self,
        *,
        zone: str | Iterable[str] | None = None,
        region: Any = None,
        crs: Any = "auto",
        rtol: float = GEODESIC_RTOL,
        layer: str | None = None,
    ) -> None:
        self.zones = zone_list(zone)
        self.region = as_region(region)
        self.fixed_crs = None if is_auto(crs) else check_equal_area(crs)
        self.rtol = rtol
        self.layer = layer
        self._last: dict[tuple[Any, str], tuple[BaseGeometry, BaseGeometry]] = {}
        self._now: dict[tuple[Any, str], tuple[BaseGeometry, BaseGeometry]] = {}
        # large polygons by their place in the file, for the next file's
        self._spots_last: dict[tuple[int, str], Dense] = {}
        self._spots_now: dict[tuple[int, str], Dense] = {}
        # the arrays behind a densified polygon, for its geodesic area
        self._records: dict[int, tuple[BaseGeometry, Dense]] = {}

    def spec(self) -> dict[str, Any]:
        """Return what makes another engine measure the same way (picklable)."""
        return {
            "zone": self.zones,
            "region": self.region,
            "crs": self.fixed_crs or "auto",
            "rtol": self.rtol,
            "layer": self.layer,
        }

    # -- inputs

    def read(
        self, path: str | Path, *, cache: FeatureCache | None = None, **kwargs: Any
    ) -> Layer:
        """Read what this engine will measure of a file: its zones, near its region."""
        return read_layer(
            path,
            zone=self.zones,
            bbox=None if self.region is None else self.region.bounds,
            columns=False,
            layer=kwargs.pop("layer", self.layer),
            cache=cache,
            stacklevel=kwargs.pop("stacklevel", 3),
            **kwargs,
        )

    def crs_for(self, layer: Layer) -> CRS:
        """Return the equal-area CRS `layer` is measured in (see the module notes)."""
        if self.fixed_crs is not None:
            return self.fixed_crs
        if self.region is not None:
            return laea(*auto_centre(self.region.bounds))
        sel = layer.select(self.zones)
        if len(sel) == 0:
            sel = layer
        if len(sel) == 0:
            return laea(0.0, 0.0)
        return laea(*auto_centre(shapely.total_bounds(sel.geoms)))

    # -- measuring

    def _projected(self, layer: Layer, crs: CRS) -> tuple[np.ndarray, np.ndarray]:
        """Each polygon densified and projected, and densified in lon/lat."""
        srs = crs.srs
        n = len(layer)
        out = np.empty(n, dtype=object)
        dense = np.empty(n, dtype=object)
        self._records = {}  # of this layer only: what measure() may ask next
        todo = []
        for k in range(n):
            key = layer.keys[k]
            hit = None
            if key is not None:
                hit = self._now.get((key, srs)) or self._last.get((key, srs))
            if hit is None:
                todo.append(k)
            else:
                dense[k], out[k] = hit
                self._now[(key, srs)] = hit
        if not todo:
            return out, dense
        idx = np.array(todo)
        large = shapely.get_num_coordinates(layer.geoms[idx]) >= MIN_VERTICES
        fn = _operation(LONLAT, crs)
        for k in idx[large]:
            spot = (layer.index[k], srs)
            prev = self._spots_now.get(spot) or self._spots_last.get(spot)
            geom = layer.geoms[k]
            rec = fresh(geom, fn) if prev is None else splice(prev, geom, fn)
            self._spots_now[spot] = rec
            dense[k], out[k] = rec.geometries()
            self._records[id(dense[k])] = (dense[k], rec)
        idx = idx[~large]
        if len(idx):
            d = densify_geodesic(layer.geoms[idx])
            dense[idx] = d
            out[idx] = project(d, LONLAT, crs)
        for k in todo:
            if layer.keys[k] is not None:
                self._now[(layer.keys[k], srs)] = (dense[k], out[k])
        return out, dense

    def next_file(self) -> None:
        """Forget the features the last layer did not use (call between files)."""
        self._last, self._now = self._now, {}
        self._spots_last, self._spots_now = self._spots_now, {}

    def _select(self, layer: Layer, strict: bool) -> Layer:
        if self.zones is None:
            return layer
        if strict and not set(self.zones) & set(layer.zones_present):
            raise no_zone_error(
                str(layer.path or "the snapshot"), self.zones, layer.zones_present
            )
        return layer.select(self.zones)

    def geometry(
        self,
        layer: Layer,
        *,
        crs: CRS | None = None,
        strict: bool = True,
        clip: bool = True,
    ) -> tuple[BaseGeometry, CRS, int, BaseGeometry | None, tuple[str, ...]]:
        """Return the geometry measured: `layer`'s zones united, clipped, projected.

        With ``clip=False`` the union of the polygons that meet the region is
        returned before it is clipped (to be grown or shrunk, then clipped).

        Returns
        -------
        (geometry, crs, n_features, lonlat, zones)
            The projected geometry, its CRS, how many features contributed,
            the geometry in longitude/latitude when it is one feature
            unclipped (else None), and the zones of the features that
            contributed (in the order of :data:`kurskgeo.io.sources.ZONES`).

        Raises
        ------
        SnapshotError
            If `strict` and the layer has none of the engine's zones.
        """
        sel = self._select(layer, strict)
        crs = crs or self.crs_for(sel)
        if len(sel) and self.region is not None:
            lo_x, lo_y, hi_x, hi_y = self.region.bounds
            m = BBOX_MARGIN_DEG
            b = shapely.bounds(sel.geoms)
            near = ~(
                (b[:, 2] < lo_x - m)
                | (b[:, 0] > hi_x + m)
                | (b[:, 3] < lo_y - m)
                | (b[:, 1] > hi_y + m)
            )
            sel = sel.take(near)
        projected, dense = self._projected(sel, crs)
        region = None
        if self.region is not None and len(projected):
            region = self.region.projected(crs)
            meets = shapely.intersects(region, projected)
            projected, dense = projected[meets], dense[meets]
            sel = sel.take(meets)
        n = len(projected)
        lonlat: BaseGeometry | None = None
        if n == 0:
            union: BaseGeometry = shapely.Polygon()
        elif n == 1:
            union = projected[0]
            lonlat = dense[0]
        else:
            union = _union(projected)
        if (
            clip
            and region is not None
            and n
            and not shapely.contains_properly(region, union)
        ):
            union = _intersection(union, region)
            lonlat = None
        return union, crs, n, lonlat, _zones_found(sel.zones)

    def measure(
        self,
        layer: Layer | Any,
        *,
        crs: CRS | None = None,
        strict: bool = True,
        stacklevel: int = 2,
    ) -> Measurement:
        """Measure one snapshot (a :class:`~kurskgeo.io.Layer` or a table).

        Raises
        ------
        SnapshotError
            If `strict` and the snapshot has none of the engine's zones, or
            it holds several dates.

        Warns
        -----
        GeodesicMismatchWarning
            If the projected and geodesic areas disagree beyond ``rtol``.
        """
        if not isinstance(layer, Layer):
            layer = as_layer(layer, stacklevel=stacklevel + 1)
        union, crs, n, lonlat, found = self.geometry(layer, crs=crs, strict=strict)
        km2 = float(shapely.area(union)) / 1e6
        if union.is_empty:
            geodesic = 0.0
        elif lonlat is not None:
            known = self._records.get(id(lonlat))
            if known is not None and known[0] is lonlat:
                geodesic = known[1].authalic_km2()  # the same sums, from its arrays
            else:
                geodesic = float(authalic_area_km2(lonlat, densified=True))
        else:
            geodesic = float(authalic_area_km2(project(union, crs, LONLAT))[0])
        sel = layer.select(self.zones)
        result = Measurement(
            path=layer.path,
            date=layer.date,
            timestamp=layer.timestamp,
            source=_first(sel.sources)
            or _first(layer.sources)
            or layer.file_source
            or "unknown",
            label=_first(sel.labels) or _first(layer.labels) or layer.file_label,
            zones=tuple(self.zones) if self.zones else None,
            zones_found=found,
            region=None if self.region is None else self.region.name,
            n_features=n,
            area_km2=km2,
            area_mi2=km2 / KM2_PER_MI2,
            geodesic_km2=geodesic,
            crs=crs,
            notes=layer.notes,
        )
        result.check(self.rtol, stacklevel=stacklevel + 1)
        return result


def _zones_found(zones: Iterable[str | None]) -> tuple[str, ...]:
    """Return the distinct zones named, known ones in their usual order."""
    found = {z for z in zones if z is not None}
    rank = {z: k for k, z in enumerate(ZONES)}
    return tuple(sorted(found, key=lambda z: (rank.get(z, len(rank)), z)))


def _union(geoms: np.ndarray) -> BaseGeometry:
    try:
        return shapely.union_all(geoms)
    except shapely.errors.GEOSException:
        # projecting can make a barely valid polygon touch itself
        return shapely.union_all(shapely.make_valid(geoms))


def _intersection(a: BaseGeometry, b: BaseGeometry) -> BaseGeometry:
    try:
        return shapely.intersection(a, b)
    except shapely.errors.GEOSException:
        return shapely.intersection(shapely.make_valid(a), b)
