"""Choosing and checking the equal-area CRS that every area is measured in.

kurskgeo never measures area in degrees, nor in a conformal projection such as
Web Mercator or UTM. Coordinates are kept in longitude/latitude (OGC:CRS84) and
projected, at the moment of measuring, to an equal-area CRS chosen here.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np
from pyproj import CRS
from pyproj.exceptions import CRSError as _ProjCRSError

from kurskgeo.errors import CRSError
from kurskgeo.io import LONLAT

__all__ = [
    "CENTRE_STEP_DEG",
    "EQUAL_AREA_METHODS",
    "LONLAT",
    "as_crs",
    "authalic_latitude",
    "authalic_q",
    "authalic_radius",
    "auto_centre",
    "check_equal_area",
    "equal_area_crs",
    "geodetic_latitude",
    "is_auto",
    "is_equal_area",
    "is_spherical_only",
    "laea",
    "laea_pipeline",
    "laea_srs",
]

#: Degrees to which the centre of ``crs="auto"`` is rounded, so that the
#: snapshots of a series share one CRS.
CENTRE_STEP_DEG = 0.5

#: Projection methods (as named by PROJ) that preserve area on the ellipsoid.
EQUAL_AREA_METHODS = frozenset(
    {
        "Lambert Azimuthal Equal Area",
        "Albers Equal Area",
        "Lambert Cylindrical Equal Area",
        "Mollweide",
        "Equal Earth",
        "Sinusoidal",
        "Eckert IV",
        "Eckert VI",
        "Interrupted Goode Homolosine",
        "Goode Homolosine",
        "Bonne",
    }
)

#: Equal-area methods that PROJ implements on the sphere only. On the WGS84
#: ellipsoid kurskgeo applies them to authalic latitudes on the authalic sphere,
#: which makes them exactly equal-area (areas would otherwise be ~0.15% low).
SPHERICAL_ONLY_METHODS = frozenset(
    {
        "Mollweide",
        "Eckert IV",
        "Eckert VI",
        "Interrupted Goode Homolosine",
        "Goode Homolosine",
    }
)

_WGS84_A = 6378137.0
_WGS84_F = 1 / 298.257223563
_E2 = _WGS84_F * (2 - _WGS84_F)
_E = math.sqrt(_E2)

_ALTERNATIVE = (
    "use crs='auto' (a Lambert azimuthal equal-area CRS centred on the data), "
    "or name an equal-area CRS such as EPSG:6933, EPSG:3035 or ESRI:54009"
)


def as_crs(crs: Any) -> CRS:
    """Normalise anything :meth:`pyproj.CRS.from_user_input` accepts.

    Raises
    ------
    CRSError
        If the input does not name a CRS PROJ knows.

    Examples
    --------
    >>> as_crs("EPSG:3035").name
    'ETRS89-extended / LAEA Europe'
    """
    if isinstance(crs, CRS):
        return crs
    try:
        return CRS.from_user_input(crs)
    except (_ProjCRSError, TypeError, ValueError) as exc:
        raise CRSError(
            f"{crs!r} is not a CRS that PROJ knows ({exc}); "
            "give an EPSG code such as 'EPSG:3035', a PROJ string or WKT"
        ) from None


def _method(crs: CRS) -> str | None:
    op = crs.coordinate_operation
    return op.method_name if op is not None else None


def is_equal_area(crs: Any) -> bool:
    """Return True if `crs` is a projected CRS that preserves area.

    Spherical variants (such as EPSG:3410) are not counted as equal-area: they
    preserve area on a sphere, not on the WGS84 ellipsoid.

    Examples
    --------
    >>> is_equal_area("EPSG:6933"), is_equal_area("EPSG:3857")
    (True, False)
    """
    crs = as_crs(crs)
    if not crs.is_projected:
        return False
    method = _method(crs)
    return method in EQUAL_AREA_METHODS


def check_equal_area(crs: Any) -> CRS:
    """Return `crs` as a :class:`pyproj.CRS` if it is fit to measure area in.

    Raises
    ------
    CRSError
        For a geographic CRS (areas would be in square degrees), Web Mercator
        (areas about 2.6 times too large at 51° N), any other conformal or
        equidistant projection, and spherical equal-area variants. The
        message names an equal-area alternative.
    """
    crs = as_crs(crs)
    name = crs.name
    if crs.is_geographic:
        raise CRSError(
            f"{name} is a geographic CRS: an area in it would be in square "
            f"degrees, which have no fixed size; {_ALTERNATIVE}"
        )
    method = _method(crs) or "unknown method"
    if "Mercator" in method and "Transverse" not in method:
        raise CRSError(
            f"{name} ({method}) is conformal, not equal-area: at 51° N its areas "
            f"are about 2.6 times too large; {_ALTERNATIVE}"
        )
    if not crs.is_projected or method not in EQUAL_AREA_METHODS:
        why = (
            "it preserves area on a sphere, not on the WGS84 ellipsoid"
            if "Spherical" in method
            else "it does not preserve area"
        )
        raise CRSError(
            f"{name} ({method}) cannot be used for areas: {why}; {_ALTERNATIVE}"
        )
    ell = crs.ellipsoid
    if ell is not None and (
        abs(ell.semi_major_metre - _WGS84_A) > 1.0
        or abs(ell.inverse_flattening - 1 / _WGS84_F) > 1e-3
    ):
        raise CRSError(
            f"{name} is based on the {ell.name} ellipsoid, so its areas are "
            "measured on "
            f"that ellipsoid, not on WGS84 (off by up to 1e-4); {_ALTERNATIVE}"
        )
    return crs


def authalic_q(sin_phi: np.ndarray) -> np.ndarray:
    """Return Snyder's q(φ) on WGS84 from sin φ; sin β = q(φ) / q(90°).

    β is the authalic latitude.
    """
    e, s = _E, sin_phi
    # log((1 - es) / (1 + es)) / (2e) = -atanh(es) / e
    return (1 - _E2) * (s / (1 - _E2 * s * s) + np.arctanh(e * s) / e)


def authalic_latitude(lat: np.ndarray) -> np.ndarray:
    """Authalic latitude (degrees) of geodetic latitudes on WGS84.

    The authalic sphere of radius :func:`authalic_radius` with authalic
    latitudes preserves every area of the ellipsoid.
    """
    qp = authalic_q(np.array(1.0))
    ratio = np.clip(authalic_q(np.sin(np.radians(lat))) / qp, -1.0, 1.0)
    return np.degrees(np.arcsin(ratio))


def geodetic_latitude(beta: np.ndarray) -> np.ndarray:
    """Inverse of :func:`authalic_latitude`: a series, polished by Newton steps."""
    b = np.radians(np.asarray(beta, dtype=float))
    e2, e4, e6 = _E2, _E2**2, _E2**3
    phi = (
        b
        + (e2 / 3 + 31 * e4 / 180 + 517 * e6 / 5040) * np.sin(2 * b)
        + (23 * e4 / 360 + 251 * e6 / 3780) * np.sin(4 * b)
        + (761 * e6 / 45360) * np.sin(6 * b)
    )
    target = np.sin(b) * authalic_q(np.array(1.0))
    for _ in range(3):
        s = np.sin(phi)
        slope = 2 * (1 - _E2) * np.cos(phi) / (1 - _E2 * s * s) ** 2
        step = np.divide(
            authalic_q(s) - target,
            slope,
            out=np.zeros_like(phi),
            where=np.abs(slope) > 1e-12,
        )
        phi = np.clip(phi - step, -np.pi / 2, np.pi / 2)
    return np.degrees(phi)


def authalic_radius() -> float:
    """Radius (m) of the sphere with the same surface area as WGS84."""
    return float(_WGS84_A * math.sqrt(authalic_q(np.array(1.0)) / 2))


def is_spherical_only(crs: CRS) -> bool:
    """Return True for equal-area methods PROJ computes on the sphere only."""
    return _method(crs) in SPHERICAL_ONLY_METHODS


@lru_cache(maxsize=256)
def laea(lon_0: float, lat_0: float) -> CRS:
    """Lambert azimuthal equal-area CRS on WGS84 centred at (`lon_0`, `lat_0`)."""
    return CRS.from_proj4(laea_srs(lon_0, lat_0))


def laea_srs(lon_0: float, lat_0: float) -> str:
    """Return the PROJ string of :func:`laea` (what its ``.srs`` gives back)."""
    return (
        f"+proj=laea +lat_0={lat_0:.2f} +lon_0={lon_0:.2f} "
        "+x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs +type=crs"
    )


def laea_pipeline(srs: str) -> str:
    """Return the PROJ pipeline from longitude/latitude degrees to a `laea_srs`.

    :meth:`pyproj.Transformer.from_pipeline` builds it in 0.2 ms, where
    :meth:`~pyproj.Transformer.from_crs` takes 12 ms to find the same
    operation in PROJ's database; the coordinates are bit-for-bit the same.
    """
    params = srs.replace(" +units=m +no_defs +type=crs", "")
    return (
        f"+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step {params}"
    )


def auto_centre(bounds: Any) -> tuple[float, float]:
    """Centre (longitude, latitude) of ``crs="auto"`` for (minx, miny, maxx, maxy).

    The middle of the box, rounded to :data:`CENTRE_STEP_DEG`.

    Raises
    ------
    CRSError
        If the bounds are not finite (empty data).

    Examples
    --------
    >>> auto_centre((34.1, 50.9, 38.5, 52.4))
    (36.5, 51.5)
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
        raise CRSError("cannot centre an equal-area CRS on empty data")
    step = CENTRE_STEP_DEG

    def snap(v: float) -> float:
        return round(round(v / step) * step, 2)

    return snap((minx + maxx) / 2), snap((miny + maxy) / 2)


def equal_area_crs(data: Any = None, *, crs: Any = "auto") -> CRS:
    """Choose the equal-area CRS in which areas of `data` are measured.

    With ``crs="auto"`` (the default) this is a Lambert azimuthal equal-area
    projection on the WGS84 ellipsoid centred on the bounding box of `data`,
    rounded to :data:`CENTRE_STEP_DEG` so that snapshots of the same area
    share one CRS. When a region is measured, kurskgeo centres on the
    region, so that every snapshot clipped to it shares one CRS.
    LAEA is exact for area everywhere; centring it on the data keeps shapes
    (and so the straight projected edges between densified vertices) close to
    their geodesic originals, which is what makes projected and geodesic areas
    agree to better than 1e-6. Any other equal-area CRS gives the same km² once
    long edges are densified, so a user-named one is accepted after
    :func:`check_equal_area`.

    Parameters
    ----------
    data : GeoDataFrame, GeoSeries, shapely geometry, sequence of them, or None
        Longitude/latitude data to centre on. Needed only for ``crs="auto"``.
    crs : "auto" or anything pyproj accepts
        A CRS the user names instead of the automatic choice.

    Returns
    -------
    pyproj.CRS

    Raises
    ------
    CRSError
        If a named `crs` is not equal-area, or ``"auto"`` is asked without data.

    Examples
    --------
    >>> from shapely import box
    >>> equal_area_crs(box(34, 51, 36, 52)).srs.split()[:3]
    ['+proj=laea', '+lat_0=51.50', '+lon_0=35.00']
    >>> equal_area_crs(crs="EPSG:3857")
    Traceback (most recent call last):
    ...
    kurskgeo.errors.CRSError: WGS 84 / Pseudo-Mercator (...) is conformal, ...
    """
    if is_auto(crs):
        if data is None:
            raise CRSError("crs='auto' needs data to centre the projection on")
        return laea(*auto_centre(_bounds(data)))
    return check_equal_area(crs)


def is_auto(crs: Any) -> bool:
    """Return True if `crs` asks for the automatic choice (``"auto"`` or None)."""
    return crs is None or (isinstance(crs, str) and crs.lower() == "auto")


def _bounds(data: Any) -> tuple[float, float, float, float]:
    import shapely

    if hasattr(data, "total_bounds"):
        b = data.total_bounds
    elif isinstance(data, (list, tuple)):
        bs = np.array([_bounds(d) for d in data], dtype=float)
        if len(bs) == 0:
            return (math.nan,) * 4
        b = (
            np.nanmin(bs[:, 0]),
            np.nanmin(bs[:, 1]),
            np.nanmax(bs[:, 2]),
            np.nanmax(bs[:, 3]),
        )
    else:
        b = shapely.total_bounds(data)
    return float(b[0]), float(b[1]), float(b[2]), float(b[3])
