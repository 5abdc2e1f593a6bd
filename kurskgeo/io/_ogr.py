"""Files in formats other than GeoJSON, read through GDAL (pyogrio).

GeoPackage, Shapefile (also zipped), KML/KMZ, FlatGeobuf, GeoJSONSeq and
GeoParquet become the same (geometry, properties) rows that the GeoJSON
parser gives, so that zones, dates, validity and the rest follow one path.
A file of several layers gives the rows of all of them, each with a
``layer`` property (which names the zone when nothing else does), or only
those of the layer asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from kurskgeo import limits
from kurskgeo.errors import SnapshotError

_POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass
class Table:
    """The rows of a vector file: (geometry or None, properties)."""

    rows: list[tuple[BaseGeometry | None, dict[str, Any]]]
    crs: CRS | None
    name: str | None


def _gdal_path(path: Path) -> str:
    if path.name.lower().endswith(".zip"):
        return f"/vsizip/{path}"
    return str(path)


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (AttributeError, ValueError):
            return value
    return value


def read(path: Path, *, layer: str | None = None) -> Table:
    """Read every feature of `path` (all layers, or `layer`).

    Raises
    ------
    SnapshotError
        If GDAL cannot open the file or the layer does not exist.
    """
    import pyogrio

    limits.check_input(path, SnapshotError)
    if path.name.lower().endswith((".zip", ".kmz")):
        _check_unpacked(path)
    source = _gdal_path(path)
    try:
        layers = [str(row[0]) for row in pyogrio.list_layers(source)]
    except Exception as exc:  # pyogrio raises its own DataSourceError and others
        raise SnapshotError(
            f"{path}: GDAL cannot read this file ({exc}); is it a vector file "
            "(GeoPackage, Shapefile, KML, FlatGeobuf, GeoParquet)?"
        ) from None
    if layer is not None:
        if layer not in layers:
            raise SnapshotError(
                f"{path}: no layer {layer!r}; its layers are {', '.join(layers)}"
            )
        layers = [layer]
    rows: list[tuple[BaseGeometry | None, dict[str, Any]]] = []
    crs: CRS | None = None
    for name in layers:
        try:
            frame = pyogrio.read_dataframe(source, layer=name)
        except Exception as exc:
            raise SnapshotError(
                f"{path}: layer {name!r} cannot be read ({exc})"
            ) from None
        if frame.crs is not None:
            this = CRS.from_user_input(frame.crs)
            if crs is not None and not crs.equals(this):
                raise SnapshotError(
                    f"{path}: its layers are in different CRSs ({crs.name}, "
                    f"{this.name}); read one at a time with layer=..."
                )
            crs = this
        columns = [c for c in frame.columns if c != frame.geometry.name]
        records = frame[columns].to_dict(orient="records")
        for geom, record in zip(frame.geometry.values, records, strict=True):
            props = {str(k): _plain(v) for k, v in record.items()}
            if "name" not in props and isinstance(props.get("Name"), str):
                props["name"] = props["Name"]  # KML's placemark name
            if len(layers) > 1:
                props.setdefault("layer", name)
            rows.append((None if geom is None or geom.is_empty else geom, props))
    return Table(rows, crs, path.name.split(".")[0])


def _check_unpacked(path: Path) -> None:
    """Refuse a zip (or KMZ) whose files unpack beyond the input limit."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise SnapshotError(f"{path}: not a readable zip archive ({exc})") from None
    if size > limits.get("input_mb") << 20:
        raise SnapshotError(
            f"{path}: "
            + limits.exceeded("input_mb", f"unpacks to {size / (1 << 20):,.1f} MiB")
        )


def polygonal(geom: BaseGeometry) -> BaseGeometry | None:
    """Return the polygonal part of a geometry GDAL built (None if none)."""
    if geom.geom_type in _POLYGONAL:
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in _POLYGONAL]
    if not parts:
        return None
    polys = [q for p in parts for q in shapely.get_parts(p)]
    return shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0]


def kinds(geom: BaseGeometry | None) -> frozenset[str]:
    """Return the geometry types in `geom`, members of collections included."""
    if geom is None:
        return frozenset()
    if geom.geom_type != "GeometryCollection":
        return frozenset({geom.geom_type})
    return frozenset(p.geom_type for p in shapely.get_parts(geom))
