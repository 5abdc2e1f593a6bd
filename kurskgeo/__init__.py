"""kurskgeo: check territorial-control claims against the geometry of snapshots.

Load control-zone snapshots (:mod:`kurskgeo.io`), measure them in an equal-area
CRS (:mod:`kurskgeo.crs`, :mod:`kurskgeo.area`), and compare the areas with
what armies, ministries and mapping projects said.
"""

from kurskgeo._show_versions import show_versions
from kurskgeo._version import __version__
from kurskgeo.area import (
    KM2_PER_HA,
    KM2_PER_MI2,
    Measurement,
    area_km2,
    feature_areas,
    geodesic_area_km2,
    measure,
    select_zone,
    zone_union,
)
from kurskgeo.crs import check_equal_area, equal_area_crs, is_equal_area
from kurskgeo.errors import (
    AssumedCRSWarning,
    ClaimsFileError,
    CRSError,
    DatasetError,
    GeodesicMismatchWarning,
    KurskgeoError,
    KurskgeoWarning,
    OutputExistsError,
    RepairWarning,
    SkippedFeatureWarning,
    SnapshotError,
)
from kurskgeo.io import (
    as_snapshot,
    parse_date,
    read_region,
    read_snapshot,
    read_snapshots,
    resolve_paths,
)

__all__ = [
    "KM2_PER_HA",
    "KM2_PER_MI2",
    "AssumedCRSWarning",
    "CRSError",
    "ClaimsFileError",
    "DatasetError",
    "GeodesicMismatchWarning",
    "KurskgeoError",
    "KurskgeoWarning",
    "Measurement",
    "OutputExistsError",
    "RepairWarning",
    "SkippedFeatureWarning",
    "SnapshotError",
    "__version__",
    "area_km2",
    "as_snapshot",
    "check_equal_area",
    "equal_area_crs",
    "feature_areas",
    "geodesic_area_km2",
    "is_equal_area",
    "measure",
    "parse_date",
    "read_region",
    "read_snapshot",
    "read_snapshots",
    "resolve_paths",
    "select_zone",
    "show_versions",
    "zone_union",
]
