"""Expanding files, folders and glob patterns into the snapshot files they name."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path

from kurskgeo.errors import SnapshotError

#: File endings read as GeoJSON by kurskgeo's own parser.
GEOJSON_SUFFIXES = (".geojson", ".json", ".geojson.gz", ".json.gz")
#: File endings read through the GDAL engine (pyogrio).
OGR_SUFFIXES = (
    ".gpkg",
    ".shp",
    ".shp.zip",
    ".fgb",
    ".kml",
    ".kmz",
    ".geojsonl",
    ".geojsons",
    ".parquet",
    ".geoparquet",
)
#: Every ending a folder contributes (see :func:`resolve_paths`).
SNAPSHOT_SUFFIXES = GEOJSON_SUFFIXES + OGR_SUFFIXES


def is_geojson(path: Path) -> bool:
    """Whether `path` is read by the GeoJSON parser (by its name)."""
    return path.name.lower().endswith(GEOJSON_SUFFIXES)


def resolve_paths(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
) -> list[Path]:
    """Expand files, folders and glob patterns into a list of snapshot files.

    A folder contributes its files whose names end in one of
    :data:`SNAPSHOT_SUFFIXES`, sorted by name (not recursively). A glob pattern
    is expanded and sorted; one that matches nothing is an error, as is a path
    that does not exist. Files are kept in the order given.

    Raises
    ------
    SnapshotError
        If a path does not exist, a folder holds no snapshot file, or a
        pattern matches nothing.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out: list[Path] = []
    for item in paths:
        text = os.fspath(item)
        p = Path(text)
        if p.is_dir():
            found = sorted(
                q
                for q in p.iterdir()
                if q.is_file() and q.name.lower().endswith(SNAPSHOT_SUFFIXES)
            )
            if not found:
                raise SnapshotError(
                    f"{p}: the folder holds no snapshot file (.geojson, .json, "
                    ".geojson.gz, .gpkg, .shp, .fgb, .kml, .kmz, .parquet)"
                )
            out.extend(found)
        elif p.exists():
            out.append(p)
        elif glob.has_magic(text):
            found = sorted(Path(q) for q in glob.glob(text) if Path(q).is_file())
            if not found:
                raise SnapshotError(f"{text}: the pattern matches no file")
            out.extend(found)
        else:
            raise SnapshotError(f"{p}: no such file or folder")
    return out
