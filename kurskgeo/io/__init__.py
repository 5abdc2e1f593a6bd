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
from kurskgeo.io._paths import SNAPSHOT_SUFFIXES, resolve_paths
from kurskgeo.io.layer import LONLAT, FeatureCache, Layer, read_layer, zone_list
from kurskgeo.io.snapshot import (
    SCHEMA,
    as_layer,
    as_snapshot,
    layer_to_frame,
    order_by_date,
    read_region,
    read_snapshot,
    read_snapshots,
    snapshot_date,
)
from kurskgeo.io.write import atomic_write, check_output

__all__ = [
    "LONLAT",
    "SCHEMA",
    "SNAPSHOT_SUFFIXES",
    "FeatureCache",
    "Layer",
    "as_layer",
    "as_snapshot",
    "atomic_write",
    "check_output",
    "date_from_name",
    "layer_to_frame",
    "order_by_date",
    "parse_date",
    "read_layer",
    "read_region",
    "read_snapshot",
    "read_snapshots",
    "resolve_paths",
    "snapshot_date",
    "sources",
    "zone_list",
]
