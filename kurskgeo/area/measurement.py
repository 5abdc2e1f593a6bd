"""The record of one measured area, and the units it is given in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from pyproj import CRS

from kurskgeo.errors import GeodesicMismatchWarning, warn

__all__ = [
    "GEODESIC_RTOL",
    "KM2_PER_HA",
    "KM2_PER_MI2",
    "MEASUREMENT_COLUMNS",
    "Measurement",
]

#: Square kilometres in one international square mile (1.609344² km²).
KM2_PER_MI2 = 2.589988110336
#: Square kilometres in one hectare.
KM2_PER_HA = 0.01
#: Relative disagreement between projected and geodesic areas that warns.
GEODESIC_RTOL = 1e-6

#: The columns of a table of measurements (:meth:`Measurement.to_dict` keys).
MEASUREMENT_COLUMNS = (
    "date",
    "timestamp",
    "path",
    "source",
    "label",
    "zone",
    "zones_found",
    "region",
    "n_features",
    "area_km2",
    "area_mi2",
    "geodesic_km2",
    "relative_difference",
    "crs",
    "notes",
)


@dataclass(frozen=True)
class Measurement:
    """The area of one snapshot's zones, clipped to a region, with its cross-check.

    ``area_km2`` is measured in the equal-area CRS ``crs``; ``geodesic_km2``
    is the same geometry measured on the ellipsoid without projecting
    (:func:`kurskgeo.area.geodesic.authalic_area_km2`), as a check.

    Attributes
    ----------
    path : str or None
        The file measured (``file@date`` for one date of a multi-date file).
    date : datetime.date or None
    timestamp : datetime.datetime or None
        The moment the map was published, when the file says (UTC).
    source, label : str or None
    zones : tuple of str, or None
        The zones asked for (their union is measured); None for every polygon.
    region : str or None
        The region clipped to, as named by the caller.
    n_features : int
        Features that contributed (of those zones, within the region).
    area_km2, area_mi2, geodesic_km2 : float
    crs : pyproj.CRS
    notes : tuple of str
        What the reader warned about (repairs, skipped features).
    zones_found : tuple of str
        The zones of the features that contributed (known zones in the order
        of :data:`kurskgeo.io.sources.ZONES`), so that a measurement of every
        polygon still says what it holds.
    """

    path: str | None
    date: dt.date | None
    timestamp: dt.datetime | None
    source: str | None
    label: str | None
    zones: tuple[str, ...] | None
    region: str | None
    n_features: int
    area_km2: float
    area_mi2: float
    geodesic_km2: float
    crs: CRS
    notes: tuple[str, ...] = ()
    zones_found: tuple[str, ...] = ()

    @property
    def zone(self) -> str | None:
        """The zones asked for as one text, ``liberated+contested`` (None for all)."""
        return "+".join(self.zones) if self.zones else None

    @property
    def relative_difference(self) -> float:
        """(projected - geodesic) / geodesic; 0 when both are 0."""
        if self.geodesic_km2 == 0:
            return 0.0 if self.area_km2 == 0 else float("inf")
        return (self.area_km2 - self.geodesic_km2) / self.geodesic_km2

    def to_dict(self) -> dict[str, Any]:
        """One row of a table: plain values, the CRS as its PROJ string.

        Keys are :data:`MEASUREMENT_COLUMNS`.
        """
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        return {
            "date": self.date,
            "timestamp": self.timestamp,
            "path": self.path,
            "source": self.source,
            "label": self.label,
            "zone": self.zone,
            "zones_found": "+".join(self.zones_found) or None,
            "region": self.region,
            "n_features": self.n_features,
            "area_km2": self.area_km2,
            "area_mi2": self.area_mi2,
            "geodesic_km2": self.geodesic_km2,
            "relative_difference": self.relative_difference,
            "crs": d["crs"].srs,
            "notes": list(self.notes),
        }

    def check(self, rtol: float = GEODESIC_RTOL, stacklevel: int = 2) -> None:
        """Warn (GeodesicMismatchWarning) if the areas differ by more than `rtol`.

        Differences of 1 m² or less never warn.
        """
        km2, geodesic = self.area_km2, self.geodesic_km2
        if abs(km2 - geodesic) > max(rtol * abs(geodesic), 1e-6):
            warn(
                f"{self.path or 'snapshot'}: projected area {km2:.6f} km² and "
                f"geodesic area {geodesic:.6f} km² differ by "
                f"{self.relative_difference:.2e} (tolerance {rtol:.0e}); is the "
                "geometry very large or very thin?",
                GeodesicMismatchWarning,
                stacklevel=stacklevel + 1,
            )
