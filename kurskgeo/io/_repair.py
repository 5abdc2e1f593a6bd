"""Validity: one rule for every reader (GEOS validity, ``make_valid``, a warning).

An invalid polygon is repaired with :func:`shapely.make_valid` (the
``structure`` method, collapsed parts dropped) and the repair is reported
with the area it changed, measured on the WGS84 ellipsoid, so that nobody
prints a figure that a repair moved without knowing it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

_WGS84 = Geod(ellps="WGS84")
_POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Repair:
    """What :func:`repair` did to one geometry: why, and the area it changed."""

    reason: str
    change_km2: float

    def message(self, where: str, index: int) -> str:
        """Return the warning text for feature `index` of `where`."""
        return (
            f"{where}: feature {index}: invalid polygon ({self.reason}) repaired with "
            f"make_valid; the area changed by {self.change_km2:+.4f} km²"
        )


def _ring_km2(ring: BaseGeometry) -> float:
    xy = np.asarray(ring.coords)
    return abs(_WGS84.polygon_area_perimeter(xy[:, 0], xy[:, 1])[0]) / 1e6


def drawn_area_km2(geom: BaseGeometry) -> float:
    """Geodesic area of a possibly invalid polygon, its rings taken as drawn."""
    total = 0.0
    for part in shapely.get_parts(geom):
        total += _ring_km2(part.exterior)
        total -= sum(_ring_km2(r) for r in part.interiors)
    return total


def repair(geom: BaseGeometry) -> tuple[BaseGeometry, Repair]:
    """Make one invalid (Multi)Polygon valid; return it and what changed.

    The result is polygonal (possibly empty): lines and points that
    ``make_valid`` leaves from collapsed parts are dropped.
    """
    reason = shapely.is_valid_reason(geom)
    fixed = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    polys = [p for p in shapely.get_parts(fixed) if p.geom_type in _POLYGONAL]
    out = shapely.union_all(polys) if polys else shapely.Polygon()
    return out, Repair(reason, drawn_area_km2(out) - drawn_area_km2(geom))
