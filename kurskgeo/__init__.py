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

# Names are imported when first used (PEP 562): ``import kurskgeo.cli``, the
# command line's entry point, loads no geometry library, so that the script
# starts at once and a Ctrl-C while it loads is the command's to handle.
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
        extract_claims,
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
        ArticleError,
        AssumedCRSWarning,
        ClaimsFileError,
        CRSError,
        DatasetError,
        DuplicateDateError,
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
        list_layers,
        parse_date,
        read_layer,
        read_region,
        read_snapshot,
        read_snapshots,
        resolve_paths,
        write_table,
    )
    from kurskgeo.io.sources import ZONES, deepstate_zone
    from kurskgeo.plot import (
        plot_change,
        plot_comparison,
        plot_small_multiples,
        plot_snapshot,
        plot_timeline,
        save_figure,
    )
    from kurskgeo.plot.animate import animate
    from kurskgeo.plot.explore import explore
    from kurskgeo.report import Report, make_report, reproduce_report
    from kurskgeo.series import (
        area_series,
        change_parts,
        compare_parts,
        diff,
        export_zones,
        measured_zones,
        timeline,
    )
    from kurskgeo.series.compare import compare
    from kurskgeo.versions import __version__, show_versions

#: Where each public name is defined.
_WHERE = {
    "KM2_PER_HA": "kurskgeo.area",
    "KM2_PER_MI2": "kurskgeo.area",
    "Engine": "kurskgeo.area",
    "Measurement": "kurskgeo.area",
    "area_km2": "kurskgeo.area",
    "authalic_area_km2": "kurskgeo.area",
    "check_equal_area": "kurskgeo.area",
    "equal_area_crs": "kurskgeo.area",
    "feature_areas": "kurskgeo.area",
    "geodesic_area_km2": "kurskgeo.area",
    "is_equal_area": "kurskgeo.area",
    "measure": "kurskgeo.area",
    "measure_files": "kurskgeo.area",
    "select_zone": "kurskgeo.area",
    "zone_union": "kurskgeo.area",
    "CheckResult": "kurskgeo.claims",
    "Claim": "kurskgeo.claims",
    "Finding": "kurskgeo.claims",
    "check_claims": "kurskgeo.claims",
    "claim_findings": "kurskgeo.claims",
    "extract_claims": "kurskgeo.claims",
    "read_claims": "kurskgeo.claims",
    "fetch_boundary": "kurskgeo.datasets",
    "fetch_deepstate": "kurskgeo.datasets",
    "fetch_deepstate_range": "kurskgeo.datasets",
    "fetch_occupied": "kurskgeo.datasets",
    "fetch_spec": "kurskgeo.datasets",
    "ArticleError": "kurskgeo.errors",
    "AssumedCRSWarning": "kurskgeo.errors",
    "ClaimsFileError": "kurskgeo.errors",
    "CRSError": "kurskgeo.errors",
    "DatasetError": "kurskgeo.errors",
    "DuplicateDateError": "kurskgeo.errors",
    "GeodesicMismatchWarning": "kurskgeo.errors",
    "KurskgeoError": "kurskgeo.errors",
    "KurskgeoWarning": "kurskgeo.errors",
    "ManifestError": "kurskgeo.errors",
    "OutputError": "kurskgeo.errors",
    "OutputExistsError": "kurskgeo.errors",
    "RepairWarning": "kurskgeo.errors",
    "SkippedFeatureWarning": "kurskgeo.errors",
    "SnapshotError": "kurskgeo.errors",
    "StaleMapWarning": "kurskgeo.errors",
    "Layer": "kurskgeo.io",
    "as_snapshot": "kurskgeo.io",
    "list_layers": "kurskgeo.io",
    "parse_date": "kurskgeo.io",
    "read_layer": "kurskgeo.io",
    "read_region": "kurskgeo.io",
    "read_snapshot": "kurskgeo.io",
    "read_snapshots": "kurskgeo.io",
    "resolve_paths": "kurskgeo.io",
    "write_table": "kurskgeo.io",
    "ZONES": "kurskgeo.io.sources",
    "deepstate_zone": "kurskgeo.io.sources",
    "animate": "kurskgeo.plot",
    "explore": "kurskgeo.plot",
    "plot_change": "kurskgeo.plot",
    "plot_comparison": "kurskgeo.plot",
    "plot_small_multiples": "kurskgeo.plot",
    "plot_snapshot": "kurskgeo.plot",
    "plot_timeline": "kurskgeo.plot",
    "save_figure": "kurskgeo.plot",
    "Report": "kurskgeo.report",
    "make_report": "kurskgeo.report",
    "reproduce_report": "kurskgeo.report",
    "area_series": "kurskgeo.series",
    "change_parts": "kurskgeo.series",
    "compare": "kurskgeo.series",
    "compare_parts": "kurskgeo.series",
    "diff": "kurskgeo.series",
    "export_zones": "kurskgeo.series",
    "measured_zones": "kurskgeo.series",
    "timeline": "kurskgeo.series",
    "__version__": "kurskgeo.versions",
    "show_versions": "kurskgeo.versions",
}

__all__ = [
    "KM2_PER_HA",
    "KM2_PER_MI2",
    "ZONES",
    "ArticleError",
    "AssumedCRSWarning",
    "CRSError",
    "CheckResult",
    "Claim",
    "ClaimsFileError",
    "DatasetError",
    "DuplicateDateError",
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
    "change_parts",
    "check_claims",
    "check_equal_area",
    "claim_findings",
    "compare",
    "compare_parts",
    "deepstate_zone",
    "diff",
    "equal_area_crs",
    "explore",
    "export_zones",
    "extract_claims",
    "feature_areas",
    "fetch_boundary",
    "fetch_deepstate",
    "fetch_deepstate_range",
    "fetch_occupied",
    "fetch_spec",
    "geodesic_area_km2",
    "is_equal_area",
    "list_layers",
    "make_report",
    "measure",
    "measure_files",
    "measured_zones",
    "parse_date",
    "plot_change",
    "plot_comparison",
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
    "write_table",
    "zone_union",
]


def __getattr__(name: str) -> Any:
    import importlib

    module = _WHERE.get(name)
    if module is None:
        try:  # a subpackage, such as kurskgeo.io
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(
                f"module {__name__!r} has no attribute {name!r}"
            ) from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
