"""Load: snapshots of control zones read, validated and repaired.

Every reader goes through :func:`kurskgeo.io.layer.read_layer`, which reads
only what the caller will use (zones, a box) and gives valid, oriented
polygons in longitude/latitude; :func:`read_snapshot` turns its result into
the snapshot table (see :mod:`kurskgeo.io.snapshot` for the schema).
:mod:`kurskgeo.io.sources` knows the exports of mapping projects and their
zones.
"""

from kurskgeo.io import sources
from kurskgeo.io._dates import date_from_name, parse_date
from kurskgeo.io._ogr import DEFAULT_ENGINE, ENGINES, kml_style, list_layers
from kurskgeo.io._paths import SNAPSHOT_SUFFIXES, is_geojson, resolve_paths
from kurskgeo.io.export import EXPORT_FORMATS, export_format, write_table
from kurskgeo.io.layer import LONLAT, FeatureCache, Layer, read_layer, zone_list
from kurskgeo.io.snapshot import (
    SCHEMA,
    as_layer,
    as_snapshot,
    layer_source,
    layer_to_frame,
    order_by_date,
    read_region,
    read_snapshot,
    read_snapshots,
    snapshot_date,
)
from kurskgeo.io.write import atomic_path, atomic_write, check_output

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "EXPORT_FORMATS",
    "LONLAT",
    "SCHEMA",
    "SNAPSHOT_SUFFIXES",
    "FeatureCache",
    "Layer",
    "as_layer",
    "as_snapshot",
    "atomic_path",
    "atomic_write",
    "check_output",
    "date_from_name",
    "export_format",
    "is_geojson",
    "kml_style",
    "layer_source",
    "layer_to_frame",
    "list_layers",
    "order_by_date",
    "parse_date",
    "read_layer",
    "read_region",
    "read_snapshot",
    "read_snapshots",
    "resolve_paths",
    "snapshot_date",
    "sources",
    "write_table",
    "zone_list",
]
