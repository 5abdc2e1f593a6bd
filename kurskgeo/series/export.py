"""The measured zone of every map of a series as a table to hand on, and its sources.

:func:`measured_zones` gives one row per date and source: the geometry that
was measured (the zones united, clipped to the region) with its areas, so that
what kurskgeo measured can be opened in QGIS, DuckDB or a spreadsheet and
checked there. :func:`export_zones` writes it (:func:`kurskgeo.io.write_table`)
with the provenance of every input (:func:`input_records`) in the file's
metadata.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from kurskgeo.area import Engine, project
from kurskgeo.datasets import describe
from kurskgeo.datasets.provenance import sha256
from kurskgeo.io import LONLAT, Layer, write_table
from kurskgeo.series._read import read_series
from kurskgeo.versions import __version__

__all__ = ["ZONE_COLUMNS", "export_zones", "input_records", "measured_zones"]

#: The columns of :func:`measured_zones`, before ``geometry``.
ZONE_COLUMNS = (
    "date",
    "source",
    "zone",
    "area_km2",
    "area_mi2",
    "geodesic_km2",
    "map_id",
    "published",
    "label",
    "path",
    "crs",
)


def _map_id(layer: Layer) -> int | None:
    """DeepStateMap's map id: the Unix time of publication its exports carry."""
    if layer.format == "deepstate-raw" and layer.timestamp is not None:
        return int(layer.timestamp.timestamp())
    return None


def measured_zones(
    paths_or_snapshots: Any,
    *,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    crs: Any = "auto",
    on_duplicate: str = "error",
    progress: bool | None = None,
    layer: str | None = None,
) -> gpd.GeoDataFrame:
    """Return the geometry measured on each map of a series, with its areas.

    Parameters
    ----------
    paths_or_snapshots : path, folder, glob, GeoDataFrame, or a list of them
        The maps; several sources may show the same dates.
    zone, region, crs
        As for :func:`kurskgeo.measure`.
    on_duplicate : {"error", "first", "last"}
        Two maps of one source and date: refuse, or keep the first or last.
    progress : bool, optional
        A progress bar on stderr.
    layer : str, optional
        Only this layer of multi-layer files (GeoPackage, KML); all if None.

    Returns
    -------
    geopandas.GeoDataFrame
        In OGC:CRS84, one row per date and source, columns
        :data:`ZONE_COLUMNS` and ``geometry``: the zones united and clipped,
        as measured (``area_km2`` is exactly :func:`kurskgeo.measure`'s),
        ``map_id`` (DeepStateMap's map id, else None), ``published`` (UTC,
        when the file says), ``crs`` (the PROJ string of the equal-area CRS
        measured in). ``attrs`` holds ``zone`` and ``region``.

    Examples
    --------
    >>> import geopandas as gpd, datetime as dt
    >>> from shapely import box
    >>> snaps = [gpd.GeoDataFrame({"date": [dt.date(2024, 8, 6)], "source": [s]},
    ...                           geometry=[box(35, 51, 35.1, 51.5)], crs="OGC:CRS84")
    ...          for s in ("A", "B")]
    >>> zones = measured_zones(snaps)
    >>> zones[["source", "area_km2"]].round(2).values.tolist()
    [['A', 388.38], ['B', 388.38]]
    """
    engine = Engine(zone=zone, region=region, crs=crs, layer=layer)
    layers = read_series(
        paths_or_snapshots, engine, on_duplicate=on_duplicate, show_progress=progress
    )
    rows: list[dict[str, Any]] = []
    geoms = []
    for lay in layers:
        m = engine.measure(lay, strict=False, stacklevel=2)
        union, target, *_ = engine.geometry(lay, strict=False)
        engine.next_file()
        lonlat = project(union, target, LONLAT)[0] if not union.is_empty else union
        geoms.append(lonlat)
        rows.append(
            {
                "date": lay.date,
                "source": m.source,
                # the zones asked that this map has (a DeepStateMap and an ISW
                # map measured together have one each)
                "zone": "+".join(
                    z for z in engine.zones or () if z in lay.zones_present
                )
                or m.zone,
                "area_km2": m.area_km2,
                "area_mi2": m.area_mi2,
                "geodesic_km2": m.geodesic_km2,
                "map_id": _map_id(lay),
                "published": lay.timestamp,
                "label": m.label,
                "path": lay.path,
                "crs": m.crs.srs,
            }
        )
    frame = pd.DataFrame(rows, columns=list(ZONE_COLUMNS))
    frame["map_id"] = frame["map_id"].astype("Int64")
    out = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=LONLAT), crs=LONLAT)
    out.attrs.update(
        {
            "zone": engine.zones,
            "region": None if engine.region is None else engine.region.name,
        }
    )
    return out


def input_records(paths: Iterable[str | os.PathLike[str]]) -> list[dict[str, Any]]:
    """Describe each input file: path, size, sha256, and the dataset fetched as.

    A file in kurskgeo's dataset cache also gets its dataset name, URL, map id
    and publication time (:func:`kurskgeo.datasets.describe`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.geojson"
    >>> _ = p.write_text("{}")
    >>> input_records([p])[0]["sha256"][:12]
    '44136fa355b3'
    """
    out = []
    seen: set[str] = set()
    for item in paths:
        path = Path(item)
        if str(path) in seen or not path.is_file():
            continue
        seen.add(str(path))
        record: dict[str, Any] = {
            "path": str(path),
            "size": path.stat().st_size,
            "sha256": sha256(path),
        }
        record.update(describe(path) or {})
        out.append(record)
    return out


def export_zones(
    paths_or_snapshots: Any,
    output: str | os.PathLike[str],
    *,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    crs: Any = "auto",
    format: str | None = None,
    on_duplicate: str = "error",
    overwrite: bool = False,
    command: str | None = None,
    progress: bool | None = None,
    layer: str | None = None,
) -> gpd.GeoDataFrame:
    """Write :func:`measured_zones` to GeoPackage, FlatGeobuf, GeoParquet, GeoJSON, CSV.

    Parameters
    ----------
    paths_or_snapshots, zone, region, crs, on_duplicate, progress, layer
        As for :func:`measured_zones`.
    output : path-like
        The file; its suffix chooses the format unless `format` is given.
    format : {"gpkg", "fgb", "parquet", "geojson", "csv"}, optional
        The output format (CSV has no geometry).
    overwrite : bool
        Replace an existing file.
    command : str, optional
        The command that made the file, recorded in its metadata.

    Returns
    -------
    geopandas.GeoDataFrame
        The table written. ``attrs["metadata"]`` is what the file's metadata
        holds (see :mod:`kurskgeo.io.export`): the kurskgeo version, the
        zones, region and equal-area CRSs, when it was made, the command, and
        every input file with its sha256 (and dataset name, URL, map id and
        publication time for a fetched map).

    Raises
    ------
    OutputError, OutputExistsError
        If the file cannot be written, or exists without `overwrite`.
    """
    zones = measured_zones(
        paths_or_snapshots,
        zone=zone,
        region=region,
        crs=crs,
        on_duplicate=on_duplicate,
        progress=progress,
        layer=layer,
    )
    files = [p.split("@")[0].split("[")[0] for p in zones["path"].dropna()]
    if isinstance(region, (str, os.PathLike)):
        files.append(os.fspath(region))
    metadata = {
        "kurskgeo_version": __version__,
        "made": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": command,
        "zone": zones.attrs["zone"],
        "region": zones.attrs["region"],
        "crs": sorted(set(zones["crs"])),
        "columns": {
            "area_km2": "km² in the equal-area CRS of the row (crs)",
            "geodesic_km2": "km² on the WGS84 ellipsoid, without projecting",
            "geometry": "the zones united and clipped to the region, as measured",
        },
        "inputs": input_records(files),
    }
    table = zones.copy()
    table["published"] = [
        None if t is None or t != t else t.isoformat() for t in table["published"]
    ]
    write_table(table, output, format=format, metadata=metadata, overwrite=overwrite)
    zones.attrs["metadata"] = metadata
    return zones
