"""kurskgeo: check territorial-control claims against the geometry of snapshots.

Load control-zone snapshots (:mod:`kurskgeo.io`), measure them in an
equal-area CRS (:mod:`kurskgeo.area`), follow them over time
(:mod:`kurskgeo.series`), compare the areas with what armies, ministries and
mapping projects said (:mod:`kurskgeo.claims`), fetch the real maps
(:mod:`kurskgeo.datasets`), and draw and report the results
(:mod:`kurskgeo.plot`, :mod:`kurskgeo.report`).

Conventions: tables are DataFrames (or GeoDataFrames where they carry
geometry); one measured thing is a record (:class:`Measurement`,
:class:`Claim`, :class:`Finding`); CRSs are :class:`pyproj.CRS`.
"""

from kurskgeo.area import (
    KM2_PER_HA,
    KM2_PER_MI2,
    Engine,
    Measurement,
    area_km2,
    authalic_area_km2,
    check_equal_area,
    equal_area_crs,
    feature_areas,
    geodesic_area_km2,
    is_equal_area,
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
from kurskgeo.datasets import (
    fetch_boundary,
    fetch_deepstate,
    fetch_deepstate_range,
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
    ManifestError,
    OutputError,
    OutputExistsError,
    RepairWarning,
    SkippedFeatureWarning,
    SnapshotError,
    StaleMapWarning,
)
from kurskgeo.io import (
    Layer,
    as_snapshot,
    parse_date,
    read_layer,
    read_region,
    read_snapshot,
    read_snapshots,
    resolve_paths,
)
from kurskgeo.io.sources import ZONES, deepstate_zone
from kurskgeo.plot import (
    animate,
    explore,
    plot_change,
    plot_small_multiples,
    plot_snapshot,
    plot_timeline,
    save_figure,
)
from kurskgeo.report import Report, make_report, reproduce_report
from kurskgeo.series import area_series, diff, timeline
from kurskgeo.versions import __version__, show_versions

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
    "Engine",
    "Finding",
    "GeodesicMismatchWarning",
    "KurskgeoError",
    "KurskgeoWarning",
    "Layer",
    "ManifestError",
    "Measurement",
    "OutputError",
    "OutputExistsError",
    "RepairWarning",
    "Report",
    "SkippedFeatureWarning",
    "SnapshotError",
    "StaleMapWarning",
    "__version__",
    "animate",
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
    "explore",
    "feature_areas",
    "fetch_boundary",
    "fetch_deepstate",
    "fetch_deepstate_range",
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
    "read_layer",
    "read_region",
    "read_snapshot",
    "read_snapshots",
    "reproduce_report",
    "resolve_paths",
    "save_figure",
    "select_zone",
    "show_versions",
    "timeline",
    "zone_union",
]
