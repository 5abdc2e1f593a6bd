"""Files in formats other than GeoJSON, read through GDAL (pyogrio, or fiona).

GeoPackage, Shapefile (also zipped), KML/KMZ, FlatGeobuf, GeoJSONSeq and CSV
with a WKT column are read through GDAL; GeoParquet through pyarrow (GDAL's
Parquet driver is in neither pyogrio's nor fiona's wheels). All become the
same (geometry, properties) rows that the GeoJSON parser gives, so that
zones, dates, validity and the rest follow one path. A file of several
layers (a GeoPackage's tables, a KML's folders) gives the rows of all of
them, each with a ``layer`` property, which names the zone when nothing else
does, or only those of the layer asked for.

KML styles become properties as in a GeoJSON export: ``fill`` and
``fill-opacity`` from the polygon style, ``stroke`` and ``stroke-width`` from
the line style (style maps resolved, GDAL's ``LIBKML_RESOLVE_STYLE``), and
the placemark's ``Name`` is also its ``name``, so that a DeepStateMap export
saved as KML/KMZ (``Ukrainian /// English /// key`` names) is recognised and
zoned like the GeoJSON one.

The engine is pyogrio by default: it is what geopandas uses, its wheel has
GDAL's LIBKML driver (folders, styles) and it reads these files 1.5-4 times
faster than fiona (``benchmarks/formats.py``). ``engine="fiona"`` reads them
through ``geopandas.read_file(engine="fiona")`` when fiona is installed
(``pip install kurskgeo[fiona]``); its wheel reads KML with GDAL's older KML
driver, which gives folders but no styles.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from kurskgeo import limits
from kurskgeo.errors import SnapshotError

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "Table",
    "check_engine",
    "kinds",
    "list_layers",
    "polygonal",
    "read",
]

_POLYGONAL = ("Polygon", "MultiPolygon")

#: The GDAL bindings kurskgeo can read through.
ENGINES = ("pyogrio", "fiona")
#: The one used unless another is asked for (see the module notes).
DEFAULT_ENGINE = "pyogrio"

#: Columns GDAL's CSV driver takes geometry from (first found), as WKT.
CSV_GEOMETRY_COLUMNS = ("WKT", "wkt", "geometry", "geom", "the_geom")

#: Fields LIBKML adds to every placemark; left out of the properties when
#: they hold nothing (no value, or the driver's default).
_KML_DEFAULT_FIELDS = {
    "id": None,
    "description": None,
    "timestamp": None,
    "begin": None,
    "end": None,
    "altitudeMode": None,
    "tessellate": -1,
    "extrude": 0,
    "visibility": -1,
    "drawOrder": None,
    "icon": None,
}

_BRUSH = re.compile(r"BRUSH\([^)]*?fc:(#[0-9A-Fa-f]{6})([0-9A-Fa-f]{2})?")
_PEN = re.compile(r"PEN\([^)]*?c:(#[0-9A-Fa-f]{6})([0-9A-Fa-f]{2})?")
_PEN_WIDTH = re.compile(r"PEN\([^)]*?w:([0-9.]+)")


@dataclass
class Table:
    """The rows of a vector file: (geometry or None, properties)."""

    rows: list[tuple[BaseGeometry | None, dict[str, Any]]]
    crs: CRS | None
    name: str | None


def check_engine(engine: str | None) -> str:
    """Return the engine to read with (`engine`, or the default).

    Raises
    ------
    ValueError
        If `engine` is not one of :data:`ENGINES`.
    """
    if engine is None:
        return DEFAULT_ENGINE
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    return engine


def _suffix(path: Path) -> str:
    return path.name.lower()


def is_parquet(path: Path) -> bool:
    """Whether `path` is read as GeoParquet (by its name)."""
    return _suffix(path).endswith((".parquet", ".geoparquet"))


def is_kml(path: Path) -> bool:
    """Whether `path` is KML or KMZ (by its name)."""
    return _suffix(path).endswith((".kml", ".kmz"))


def _gdal_path(path: Path, engine: str = DEFAULT_ENGINE) -> str:
    if _suffix(path).endswith(".zip"):
        return f"/vsizip/{path}"
    if engine == "fiona" and _suffix(path).endswith(".kmz"):
        # fiona's GDAL has no LIBKML, which alone opens KMZ: read the KML inside
        import zipfile

        try:
            with zipfile.ZipFile(path) as zf:
                names = [n for n in zf.namelist() if n.lower().endswith(".kml")]
        except (OSError, zipfile.BadZipFile) as exc:
            raise SnapshotError(f"{path}: not a KMZ (zip) file ({exc})") from None
        if not names:
            raise SnapshotError(f"{path}: the KMZ holds no .kml file")
        main = "doc.kml" if "doc.kml" in names else names[0]
        return f"/vsizip/{path}/{main}"
    return str(path)


@contextlib.contextmanager
def _fiona_reads_kml(path: Path) -> Iterator[None]:
    """Let fiona open KML, which it leaves out of its drivers unless asked."""
    import fiona

    if not is_kml(path) or "KML" in fiona.supported_drivers:
        yield
        return
    fiona.supported_drivers["KML"] = "r"
    try:
        yield
    finally:
        fiona.supported_drivers.pop("KML", None)


def _open_options(path: Path) -> dict[str, str] | None:
    if _suffix(path).endswith(".csv"):
        return {
            "GEOM_POSSIBLE_NAMES": ",".join(CSV_GEOMETRY_COLUMNS),
            "KEEP_GEOM_COLUMNS": "NO",
        }
    return None


def _plain(value: Any) -> Any:
    """Return a property value as plain Python: None for NaN/NaT, dates as dates."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp (or NaT)
        if value != value:  # NaT
            return None
        moment = value.to_pydatetime()
        if moment.time() == dt.time() and moment.tzinfo is None:
            return moment.date()
        return moment
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (AttributeError, ValueError):
            return value
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def _lonlat_if_wgs84(crs: CRS) -> CRS:
    """WGS84 longitude/latitude (any axis order, with or without heights) as CRS84.

    GDAL gives coordinates of a geographic CRS longitude first, and ISW's
    layers with z values say EPSG:4979 where others say EPSG:4326: both are
    the same longitude/latitude, read without a transformation.
    """
    if not crs.is_geographic:
        return crs
    try:
        flat = crs.to_2d()
    except Exception:  # pyproj raises CRSError on CRSs it cannot reduce
        return crs
    if flat.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return CRS.from_user_input("OGC:CRS84")
    return crs


def _layer_names(path: Path, source: str, engine: str) -> list[str]:
    if is_parquet(path):
        return [path.name.split(".")[0]]
    try:
        if engine == "fiona":
            fiona = _need("fiona", f"{path}: engine='fiona'", "fiona")
            with _fiona_reads_kml(path):
                return [str(name) for name in fiona.listlayers(source)]
        import pyogrio

        return [str(row[0]) for row in pyogrio.list_layers(source)]
    except SnapshotError:
        raise
    except Exception as exc:  # the engines raise their own errors
        raise SnapshotError(
            f"{path}: GDAL cannot read this file ({_oneline(exc)}); is it a vector "
            "file (GeoPackage, Shapefile, KML/KMZ, FlatGeobuf, GeoJSONSeq, CSV with "
            "a WKT column, GeoParquet)?"
        ) from None


def _oneline(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _need(module: str, what: str, extra: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise SnapshotError(
            f"{what} needs {module}, which is not installed: "
            f"pip install 'kurskgeo[{extra}]'"
        ) from None


def _read_frame(path: Path, source: str, layer: str, engine: str) -> Any:
    """One layer as a GeoDataFrame (KML: with its resolved style in OGR_STYLE)."""
    if is_parquet(path):
        _need("pyarrow", f"{path}: reading GeoParquet", "parquet")
        import geopandas as gpd

        return gpd.read_parquet(path)
    if engine == "fiona":
        _need("fiona", f"{path}: engine='fiona'", "fiona")
        import geopandas as gpd

        options = _open_options(path) or {}
        with _fiona_reads_kml(path):
            return gpd.read_file(source, layer=layer, engine="fiona", **options)
    import pyogrio

    if is_kml(path):
        # style maps and shared styles resolved into each feature's style string
        pyogrio.set_gdal_config_options({"LIBKML_RESOLVE_STYLE": "YES"})
        quoted = layer.replace('"', '""')
        return pyogrio.read_dataframe(
            source, sql=f'SELECT *, OGR_STYLE FROM "{quoted}"', sql_dialect="OGRSQL"
        )
    return pyogrio.read_dataframe(source, layer=layer, **(_open_options(path) or {}))


def kml_style(style: Any) -> dict[str, Any]:
    """Return ``fill``, ``fill-opacity``, ``stroke``, ``stroke-width`` of a style.

    Parameters
    ----------
    style : str
        An OGR feature style string, as GDAL gives a KML placemark's style.

    Examples
    --------
    >>> kml_style("PEN(c:#01579BFF,w:1.2px);BRUSH(fc:#01579B4D)")
    {'fill': '#01579b', 'fill-opacity': 0.302, 'stroke': '#01579b', 'stroke-width': 1.2}
    >>> kml_style("")
    {}
    """
    out: dict[str, Any] = {}
    if not isinstance(style, str):
        return out
    brush = _BRUSH.search(style)
    if brush:
        out["fill"] = brush.group(1).lower()
        if brush.group(2):
            out["fill-opacity"] = round(int(brush.group(2), 16) / 255, 3)
    pen = _PEN.search(style)
    if pen:
        out["stroke"] = pen.group(1).lower()
    width = _PEN_WIDTH.search(style)
    if width:
        out["stroke-width"] = float(width.group(1))
    return out


def _properties(record: dict[Any, Any], kml: bool) -> dict[str, Any]:
    props = {str(k): _plain(v) for k, v in record.items()}
    if kml:
        props.update(kml_style(props.pop("OGR_STYLE", None)))
        for key, default in _KML_DEFAULT_FIELDS.items():
            if key in props and props[key] in (None, default):
                del props[key]
    if "name" not in props and isinstance(props.get("Name"), str):
        # KML's placemark name, the ``name`` of a GeoJSON export
        props["name"] = props.pop("Name") if kml else props["Name"]
    return props


def read(path: Path, *, layer: str | None = None, engine: str | None = None) -> Table:
    """Read every feature of `path` (all layers, or `layer`).

    Raises
    ------
    SnapshotError
        If GDAL cannot open the file, the layer does not exist, or the engine
        the format needs is not installed.
    """
    engine = check_engine(engine)
    limits.check_input(path, SnapshotError)
    if path.name.lower().endswith((".zip", ".kmz")):
        _check_unpacked(path)
    source = _gdal_path(path, engine)
    layers = _layer_names(path, source, engine)
    if layer is not None:
        if layer not in layers:
            raise SnapshotError(
                f"{path}: no layer {layer!r}; its layers are {', '.join(layers)} "
                "(CLI: --layer NAME)"
            )
        layers = [layer]
    kml = is_kml(path)
    rows: list[tuple[BaseGeometry | None, dict[str, Any]]] = []
    crs: CRS | None = None
    for name in layers:
        try:
            frame = _read_frame(path, source, name, engine)
        except SnapshotError:
            raise
        except Exception as exc:
            raise SnapshotError(
                f"{path}: layer {name!r} cannot be read ({_oneline(exc)})"
            ) from None
        if frame.crs is not None:
            this = _lonlat_if_wgs84(CRS.from_user_input(frame.crs))
            if crs is not None and not crs.equals(this):
                raise SnapshotError(
                    f"{path}: its layers are in different CRSs ({crs.name}, "
                    f"{this.name}); read one at a time with layer=..."
                )
            crs = this
        columns = [c for c in frame.columns if c != frame.geometry.name]
        records = frame[columns].to_dict(orient="records")
        for geom, record in zip(frame.geometry.values, records, strict=True):
            props = _properties(record, kml)
            if len(layers) > 1 or kml:
                props.setdefault("layer", name)
            rows.append((None if geom is None or geom.is_empty else geom, props))
    return Table(rows, crs, path.name.split(".")[0])


def list_layers(path: Path, *, engine: str | None = None) -> list[dict[str, Any]]:
    """Describe each layer of a vector file without reading its features.

    Returns
    -------
    list of dict
        ``name``, ``n_features``, ``geometry_type``, ``crs`` (a name, or None)
        and ``driver``, one per layer.

    Raises
    ------
    SnapshotError
        If the file cannot be opened.
    """
    engine = check_engine(engine)
    if not path.exists():
        raise SnapshotError(f"{path}: no such file")
    if is_parquet(path):
        pq = _need("pyarrow.parquet", f"{path}: reading GeoParquet", "parquet")
        import json

        meta = pq.read_metadata(path)
        geo = json.loads((meta.metadata or {}).get(b"geo", b"{}") or b"{}")
        column = geo.get("primary_column", "geometry")
        info = geo.get("columns", {}).get(column, {})
        crs_json = info.get("crs", "OGC:CRS84")
        crs_name = (
            None
            if crs_json is None
            else _crs_name(json.dumps(crs_json))
            if isinstance(crs_json, dict)
            else _crs_name(crs_json)
        )
        types = info.get("geometry_types") or ["Unknown"]
        return [
            {
                "name": path.name.split(".")[0],
                "n_features": int(meta.num_rows),
                "geometry_type": ",".join(types),
                "crs": crs_name,
                "driver": "GeoParquet (pyarrow)",
            }
        ]
    source = _gdal_path(path, engine)
    out = []
    for name in _layer_names(path, source, engine):
        if engine == "fiona":
            import fiona

            with _fiona_reads_kml(path), fiona.open(source, layer=name) as col:
                crs = _crs_name(col.crs.to_wkt()) if col.crs else None
                out.append(
                    {
                        "name": name,
                        "n_features": len(col),
                        "geometry_type": col.schema.get("geometry"),
                        "crs": crs or None,
                        "driver": col.driver,
                    }
                )
            continue
        import pyogrio

        info = pyogrio.read_info(
            source, layer=name, force_feature_count=True, **(_open_options(path) or {})
        )
        out.append(
            {
                "name": name,
                "n_features": int(info["features"]),
                "geometry_type": info["geometry_type"],
                "crs": _crs_name(info["crs"]),
                "driver": info["driver"],
            }
        )
    return out


def _crs_name(text: str | None) -> str | None:
    """Return a CRS as ``AUTHORITY:CODE`` where it has one (GDAL may give WKT)."""
    if not text:
        return None
    try:
        return str(CRS.from_user_input(text).to_string())
    except Exception:  # pyproj raises CRSError on text it cannot read
        return text


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
