"""Writing tables of zones and changes in the formats GIS tools and spreadsheets read.

:func:`write_table` writes a GeoDataFrame (longitude/latitude) whole or not at
all (:func:`~kurskgeo.io.atomic_write`) as GeoPackage, FlatGeobuf,
GeoParquet, GeoJSON or CSV (without geometry), chosen by `format` or by the
file's suffix. Metadata, such as where the measured maps came from, goes where
each format keeps it:

========== =============================================================
format     where the metadata goes
========== =============================================================
GeoPackage the layer's metadata (``gpkg_metadata``), key ``kurskgeo``
GeoParquet the file's key-value metadata, key ``kurskgeo``, beside ``geo``
GeoJSON    a foreign member ``kurskgeo`` of the FeatureCollection
FlatGeobuf the layer's description, as JSON
CSV        nowhere: a CSV has no place for it
========== =============================================================

Dates are written as ``YYYY-MM-DD`` text (a ``date32`` column in GeoParquet),
so that every format reads back the same dates through
:func:`~kurskgeo.io.read_snapshot`, and text from the inputs is written
through each format's own writer, which quotes and escapes it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from kurskgeo.errors import OutputError
from kurskgeo.escape import csv_cell
from kurskgeo.io.write import atomic_path, atomic_write

__all__ = ["EXPORT_FORMATS", "export_format", "write_table"]

#: Output formats, and the suffixes that choose them.
EXPORT_FORMATS: Mapping[str, tuple[str, ...]] = {
    "gpkg": (".gpkg",),
    "fgb": (".fgb",),
    "parquet": (".parquet", ".geoparquet"),
    "geojson": (".geojson", ".json"),
    "csv": (".csv",),
}

_DRIVERS = {"gpkg": "GPKG", "fgb": "FlatGeobuf"}


def export_format(path: str | os.PathLike[str], format: str | None = None) -> str:
    """Return the output format: `format` if given, else the one `path`'s suffix names.

    Raises
    ------
    OutputError
        If `format` is not one of :data:`EXPORT_FORMATS`, or the suffix names
        none of them.

    Examples
    --------
    >>> export_format("zones.gpkg"), export_format("x.out", "csv")
    ('gpkg', 'csv')
    """
    if format is not None:
        key = format.lower().lstrip(".")
        key = {"geoparquet": "parquet", "flatgeobuf": "fgb", "json": "geojson"}.get(
            key, key
        )
        if key not in EXPORT_FORMATS:
            raise OutputError(
                f"{format!r} is not an output format; choose one of "
                f"{', '.join(EXPORT_FORMATS)}"
            )
        return key
    name = Path(path).name.lower()
    for key, suffixes in EXPORT_FORMATS.items():
        if name.endswith(suffixes):
            return key
    raise OutputError(
        f"{path}: the suffix names no output format; end it in one of "
        f"{', '.join(s for v in EXPORT_FORMATS.values() for s in v)}, or name the "
        "format (CLI: --format)"
    )


def _plain_columns(frame: pd.DataFrame, *, dates_as_text: bool) -> pd.DataFrame:
    """Dates as ISO text (or date objects), other objects as text or numbers."""
    out = frame.copy()
    for col in out.columns:
        if col == getattr(out, "_geometry_column_name", None):
            continue
        series = out[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[col] = series.dt.strftime("%Y-%m-%d") if dates_as_text else series
            continue
        if series.dtype != object:
            continue
        values = list(series)
        if any(isinstance(v, (dt.date, dt.datetime)) for v in values):
            out[col] = [_date_cell(v, dates_as_text) for v in values]
        elif any(isinstance(v, (list, tuple, dict)) for v in values):
            out[col] = [
                None if v is None else json.dumps(v, ensure_ascii=False, default=str)
                for v in values
            ]
    return out


def _date_cell(value: Any, as_text: bool) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat() if as_text else value
    if isinstance(value, dt.date):
        return value.isoformat() if as_text else value
    return value


def write_table(
    frame: gpd.GeoDataFrame | pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    layer: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a table of zones or changes, atomically, in the format asked.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame or pandas.DataFrame
        The rows; geometry in longitude/latitude (a plain DataFrame only for
        CSV).
    path : path-like
        The file to write.
    format : {"gpkg", "fgb", "parquet", "geojson", "csv"}, optional
        The format; by default the one `path`'s suffix names.
    metadata : mapping, optional
        JSON-serialisable data stored with the table (see the module notes).
    layer : str, optional
        The layer name (GeoPackage, FlatGeobuf); the file's stem by default.
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        `path`.

    Raises
    ------
    OutputError, OutputExistsError
        If the format is unknown, the file exists (without `overwrite`), or
        the folder cannot be written.

    Examples
    --------
    >>> import geopandas as gpd, tempfile, pathlib
    >>> from shapely import box
    >>> zones = gpd.GeoDataFrame({"zone": ["a"]}, geometry=[box(35, 51, 36, 52)],
    ...                          crs="OGC:CRS84")
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "zones.gpkg"
    >>> write_table(zones, out).name
    'zones.gpkg'
    """
    target = Path(path)
    fmt = export_format(target, format)
    meta = None if metadata is None else json.dumps(metadata, default=str)
    if fmt == "csv":
        table = pd.DataFrame(frame).copy()
        if isinstance(frame, gpd.GeoDataFrame):
            table = table.drop(columns=frame.geometry.name)
        table = _plain_columns(table, dates_as_text=True)
        # text from the inputs (sources, labels, paths) is never a formula
        table = table.map(csv_cell)
        table.columns = [csv_cell(c) for c in table.columns]
        with atomic_write(target, "w", overwrite=overwrite) as fh:
            table.to_csv(fh, index=False, lineterminator="\n")
        return target
    if not isinstance(frame, gpd.GeoDataFrame):
        raise OutputError(
            f"{target}: a {fmt} file needs geometry; write a table without it as CSV"
        )
    gdf = frame.to_crs("OGC:CRS84") if frame.crs is not None else frame
    if fmt == "geojson":
        text = _geojson_text(_plain_columns(gdf, dates_as_text=True), metadata)
        with atomic_write(target, "w", overwrite=overwrite) as fh:
            fh.write(text)
        return target
    if fmt == "parquet":
        _write_parquet(
            _plain_columns(gdf, dates_as_text=False), target, meta, overwrite
        )
        return target
    gdf = _plain_columns(gdf, dates_as_text=True)
    import pyogrio

    name = layer or target.name.split(".")[0]
    kwargs: dict[str, Any] = {}
    if meta is not None and fmt == "gpkg":
        kwargs["layer_metadata"] = {"kurskgeo": meta}
    if fmt == "fgb":
        # no spatial index: it would sort the rows along a Hilbert curve, and a
        # table's rows keep their order (date, then source) in every format
        kwargs["layer_options"] = {"SPATIAL_INDEX": "NO"}
        if meta is not None:
            kwargs["layer_options"]["DESCRIPTION"] = meta
    suffix = EXPORT_FORMATS[fmt][0]  # what GDAL expects of the format's files
    with atomic_path(target, overwrite=overwrite, suffix=suffix) as tmp:
        try:
            pyogrio.write_dataframe(
                gdf, tmp, layer=name, driver=_DRIVERS[fmt], **kwargs
            )
        except Exception as exc:  # pyogrio raises its own errors
            raise OutputError(f"{target}: GDAL cannot write it ({exc})") from None
    return target


def _geojson_text(gdf: gpd.GeoDataFrame, metadata: Mapping[str, Any] | None) -> str:
    doc = json.loads(gdf.to_json(drop_id=True, na="null"))
    doc.pop("crs", None)  # RFC 7946: longitude/latitude, no crs member
    if metadata is not None:
        doc = {"type": doc["type"], "kurskgeo": metadata, "features": doc["features"]}
    return json.dumps(doc, ensure_ascii=False, default=str)


def _write_parquet(
    gdf: gpd.GeoDataFrame, target: Path, meta: str | None, overwrite: bool
) -> None:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise OutputError(
            f"{target}: writing GeoParquet needs pyarrow, which is not installed: "
            "pip install 'kurskgeo[parquet]'"
        ) from None
    import io

    # geopandas writes the GeoParquet ``geo`` metadata; kurskgeo's is added
    buf = io.BytesIO()
    gdf.to_parquet(buf, index=False)
    buf.seek(0)
    table = pq.read_table(buf)
    if meta is not None:
        table = table.replace_schema_metadata(
            {**(table.schema.metadata or {}), b"kurskgeo": meta.encode()}
        )
    with atomic_write(target, "wb", overwrite=overwrite) as fh:
        pq.write_table(table, fh)
