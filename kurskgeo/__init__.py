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
    measure,
    measure_files,
    select_zone,
    zone_union,
)
from kurskgeo.claims import (
    CheckResult,
    Claim,
    Finding,
    check_claims,
    claim_findings,
    read_claims,
)
from kurskgeo.crs import check_equal_area, equal_area_crs, is_equal_area
from kurskgeo.datasets import (
    fetch_boundary,
    fetch_deepstate,
    fetch_occupied,
    fetch_spec,
)
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
from kurskgeo.geodesic import authalic_area_km2, geodesic_area_km2
from kurskgeo.io import (
    as_snapshot,
    parse_date,
    read_region,
    read_snapshot,
    read_snapshots,
    resolve_paths,
)
from kurskgeo.plot import (
    plot_change,
    plot_small_multiples,
    plot_snapshot,
    plot_timeline,
    save_figure,
)
from kurskgeo.report import Report, make_report
from kurskgeo.sources import ZONES, deepstate_zone
from kurskgeo.timeline import area_series, diff, timeline

__all__ = [
    "KM2_PER_HA",
    "KM2_PER_MI2",
    "ZONES",
    "AssumedCRSWarning",
    "CRSError",
    "CheckResult",
    "Claim",
    "ClaimsFileError",
    "DatasetError",
    "Finding",
    "GeodesicMismatchWarning",
    "KurskgeoError",
    "KurskgeoWarning",
    "Measurement",
    "OutputExistsError",
    "RepairWarning",
    "Report",
    "SkippedFeatureWarning",
    "SnapshotError",
    "__version__",
    "area_km2",
    "area_series",
    "as_snapshot",
    "authalic_area_km2",
    "check_claims",
    "check_equal_area",
    "claim_findings",
    "deepstate_zone",
    "diff",
    "equal_area_crs",
    "feature_areas",
    "fetch_boundary",
    "fetch_deepstate",
    "fetch_occupied",
    "fetch_spec",
    "geodesic_area_km2",
    "is_equal_area",
    "make_report",
    "measure",
    "measure_files",
    "parse_date",
    "plot_change",
    "plot_small_multiples",
    "plot_snapshot",
    "plot_timeline",
    "read_claims",
    "read_region",
    "read_snapshot",
    "read_snapshots",
    "resolve_paths",
    "save_figure",
    "select_zone",
    "show_versions",
    "timeline",
    "zone_union",
]
