"""The context layers under a report's maps: the countries near the region.

A file of country outlines covers the world (Natural Earth's holds 258
countries); a report needs the few around its region, clipped to what a map
and its locator inset can show. Reading only those keeps every map, the
animation and the interactive page light.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from kurskgeo.errors import KurskgeoWarning
from kurskgeo.io import LONLAT, read_layer, read_region

__all__ = ["MARGIN_DEG", "around", "nearby"]

#: How far around the region (degrees of longitude, latitude) the context is
#: kept: beyond what a locator inset of a map of the region shows.
MARGIN_DEG = (8.0, 5.0)


def around(region: Any, snapshots: Sequence[gpd.GeoDataFrame]) -> BaseGeometry:
    """Return what the maps are about: the region, else the snapshots' box."""
    if region is not None:
        return read_region(region)
    bounds = np.array([s.total_bounds for s in snapshots], dtype=float)
    return shapely.box(
        np.nanmin(bounds[:, 0]),
        np.nanmin(bounds[:, 1]),
        np.nanmax(bounds[:, 2]),
        np.nanmax(bounds[:, 3]),
    )


def nearby(context: Sequence[Any], around: BaseGeometry) -> list[Any]:
    """Return the context layers near `around`, a layer per country.

    Files are read through :func:`kurskgeo.io.read_layer` with a bounding box
    (only the features that reach the box are built), clipped to it and split
    into one layer per feature, so that each country is filled and named on
    its own. Layers given as tables or geometries are kept as they are.

    Raises
    ------
    SnapshotError
        If a file cannot be read, or is not a regular file within the input
        limits (:mod:`kurskgeo.limits`).
    """
    lon0, lat0, lon1, lat1 = around.bounds
    dx, dy = MARGIN_DEG
    box = (lon0 - dx, max(lat0 - dy, -89.9), lon1 + dx, min(lat1 + dy, 89.9))
    out: list[Any] = []
    for item in context:
        if not isinstance(item, (str, os.PathLike)):
            out.append(item)
            continue
        with warnings.catch_warnings():  # repairs of a background layer
            warnings.simplefilter("ignore", KurskgeoWarning)
            # kurskgeo's reading path: its limits and CRS checks, and only the
            # features near the box are built
            layer = read_layer(Path(item), bbox=box, date="1970-01-01")
        frame = gpd.GeoDataFrame(
            list(layer.columns or [{}] * len(layer)),
            geometry=list(layer.geoms),
            crs=LONLAT,
        )
        frame = frame.set_geometry(shapely.clip_by_rect(frame.geometry.values, *box))
        kept = frame[
            ~frame.geometry.is_empty
            & frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
        ]
        out.extend(kept.iloc[[i]] for i in range(len(kept)))
    return out
