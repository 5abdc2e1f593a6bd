"""A CRS declared by a file (a GeoJSON ``crs`` member, a GDAL layer's CRS).

A file from a stranger names its own CRS, and PROJ will open files a
definition names: ``+init=/some/file:x`` when the CRS is built, grids
(``+nadgrids=``, ``@`` lists, WKT2 ``PARAMETERFILE``) when coordinates are
transformed. A named pipe there blocks for ever; any local file is read. So a
declared CRS is accepted only as an authority code (``EPSG:4326``, the URN and
URL forms, ``OGC:CRS84``), a name PROJ's database knows, or a definition (PROJ
string, WKT, PROJJSON) that names no file; everything else is refused with
the reason.

GeoJSON writes longitude first whatever the CRS's axis order. A geographic CRS
that is WGS84 in degrees from Greenwich is read as is; any other (grads from
Paris as in EPSG:4807, another datum) is transformed to longitude/latitude on
WGS84 by PROJ, never read as plain degrees.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from pyproj import CRS
from pyproj.exceptions import CRSError as ProjCRSError

from kurskgeo.errors import SnapshotError

#: Authorities in PROJ's database; their codes are looked up, never read from files.
AUTHORITIES = ("EPSG", "OGC", "ESRI", "IGNF", "IAU_2015", "NKG", "NRCAN", "PROJ")
_AUTH = "|".join(AUTHORITIES)
_CODE_FORMS = (
    re.compile(rf"^(?P<auth>{_AUTH}):(?P<code>[A-Za-z0-9_.-]+)$", re.I),
    re.compile(
        rf"^urn:ogc:def:crs:(?P<auth>{_AUTH}):[0-9.]*:(?P<code>[A-Za-z0-9_.-]+)$", re.I
    ),
    re.compile(
        rf"^https?://www\.opengis\.net/def/crs/(?P<auth>{_AUTH})/[0-9.]+/"
        r"(?P<code>[A-Za-z0-9_.-]+)$",
        re.I,
    ),
)
#: PROJ parameters that name files: init files, grids, deformation models.
_FILE_PARAM = re.compile(
    r"(?i)(?:^|[\s\"'+,\[])\+?(init|[a-z_]*grids?|file|[a-z_]*_file)\s*="
)
_WKT_FILE = re.compile(r"(?i)\b(PARAMETERFILE|PROJ4_GRIDS)\b")
_WKT_START = re.compile(
    r"^\s*(GEOGCS|GEOGCRS|GEODCRS|GEODETICCRS|PROJCS|PROJCRS|PROJECTEDCRS|"
    r"BOUNDCRS|COMPOUNDCRS|COMPD_CS|GEOCCS|BASEGEOGCRS|ENGCRS|VERTCRS)\s*[\[(]",
    re.I,
)


def _refuse(path: Path, text: str, why: str) -> SnapshotError:
    shown = text if len(text) <= 80 else text[:77] + "..."
    return SnapshotError(
        f"{path}: the 'crs' member {shown!r} {why}; name the CRS by its code "
        "(e.g. EPSG:32636), or remove the member (GeoJSON without 'crs' is "
        "longitude/latitude)"
    )


def declared_crs(text: str, path: Path) -> CRS:
    """Return the CRS `text` declares, refusing definitions that name files.

    Raises
    ------
    SnapshotError
        If `text` names a file (``+init=``, grids, a path), or PROJ does not
        know it.
    """
    text = text.strip()
    for form in _CODE_FORMS:
        m = form.match(text)
        if m:
            code = f"{m['auth'].upper()}:{m['code']}"
            crs = _from_text(code)
            if crs is None:
                raise _refuse(path, text, "is a code PROJ does not know")
            return crs
    if _FILE_PARAM.search(text) or _WKT_FILE.search(text):
        raise _refuse(
            path, text, "names a file (an init file or a grid), which is not read"
        )
    if not (_WKT_START.match(text) or text.startswith("{")):
        # a PROJ string or a name: no path, no file list, no URL
        if re.search(r"[/\\@]|^\w+://", text):
            raise _refuse(path, text, "looks like a path or address, not a CRS")
    crs = _from_text(text)
    if crs is None:
        raise _refuse(path, text, "is not a CRS that PROJ knows")
    check_no_files(crs, path, text)
    return crs


def check_no_files(crs: CRS, path: Path, text: str | None = None) -> None:
    """Refuse a CRS whose definition uses files (a datum shift by grid, say).

    Raises
    ------
    SnapshotError
        If the CRS's PROJJSON names a grid or a parameter file.
    """
    try:
        doc = json.dumps(crs.to_json_dict()).lower()
    except ProjCRSError:
        return
    if re.search(r"grids?=|\bfile\"|\bparameter_?file\b|\.(tif|gsb|gtx|byn)\b", doc):
        raise _refuse(
            path, text or crs.name, "uses a grid or parameter file, which is not read"
        )


@lru_cache(maxsize=64)
def _from_text(text: str) -> CRS | None:
    try:
        return CRS.from_user_input(text)
    except (ProjCRSError, TypeError, ValueError):
        return None


def is_plain_lonlat(crs: CRS, lonlat: CRS) -> bool:
    """Whether `crs` is WGS84 longitude/latitude in degrees from Greenwich.

    The axis order does not count: GeoJSON writes longitude first anyway.
    """
    return crs.equals(lonlat, ignore_axis_order=True)
