"""Reading a series for the engine: one layer per date and source, in order."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd

from kurskgeo.area import Engine
from kurskgeo.batch import progress
from kurskgeo.errors import SnapshotError
from kurskgeo.io import (
    FeatureCache,
    Layer,
    as_layer,
    layer_source,
    order_by_date,
    resolve_paths,
)

__all__ = ["check_zones", "read_series", "read_sources", "source_of"]


def _inputs(source: Any) -> list[Any]:
    if isinstance(source, (str, os.PathLike, gpd.GeoDataFrame, gpd.GeoSeries, Layer)):
        return [source]
    if isinstance(source, Iterable):
        return list(source)
    raise TypeError(
        "expected a path, a folder, a glob pattern, a GeoDataFrame or a list of "
        f"them, not {type(source).__name__}"
    )


def _read_layers(
    source: Any, engine: Engine, show_progress: bool | None
) -> list[Layer]:
    entries: list[Any] = []
    for x in _inputs(source):
        if isinstance(x, (gpd.GeoDataFrame, gpd.GeoSeries, Layer)):
            entries.append(x)
        else:
            entries.extend(resolve_paths(x))
    cache = FeatureCache()
    layers: list[Layer] = []
    for entry in progress(entries, show_progress, "reading snapshots"):
        if isinstance(entry, Path):
            layer = engine.read(entry, cache=cache, stacklevel=5)
        else:
            layer = as_layer(entry, stacklevel=5)
        if all(d is None for d in layer.dates):
            layers.append(layer)
        else:
            layers.extend(layer.split_dates())
    if not layers:
        raise SnapshotError("the series is empty: no snapshot to measure")
    return layers


def _ordered(layers: list[Layer], on_duplicate: str, require_date: bool) -> list[Layer]:
    return order_by_date(
        layers,
        date=lambda lay: lay.date,
        name=lambda lay: str(lay.path),
        on_duplicate=on_duplicate,
        require_date=require_date,
        source=layer_source,
    )


def read_series(
    source: Any,
    engine: Engine,
    *,
    on_duplicate: str = "error",
    require_date: bool = True,
    show_progress: bool | None = None,
) -> list[Layer]:
    """Read a series into layers of what `engine` measures, in date order.

    One layer per date and source: maps of one date from different sources
    are kept side by side (:func:`read_sources` groups them by source).

    Raises
    ------
    SnapshotError
        If a snapshot has no date (with `require_date`), or two of one source
        share a date and ``on_duplicate="error"``.
    """
    layers = _read_layers(source, engine, show_progress)
    return _ordered(layers, on_duplicate, require_date)


def source_of(layer: Layer) -> str:
    """Who drew a snapshot: the file's source, else its rows'."""
    return layer_source(layer)


def read_sources(
    source: Any,
    engine: Engine,
    *,
    on_duplicate: str = "error",
    show_progress: bool | None = None,
) -> dict[str, list[Layer]]:
    """Read maps of one or several sources: a series per source, in date order.

    Two maps of one date are refused (or one kept) only within a source; maps
    of the same date from two sources are two series.

    Raises
    ------
    SnapshotError
        If a snapshot has no date, or two of one source share a date and
        ``on_duplicate="error"``.
    """
    groups: dict[str, list[Layer]] = {}
    for layer in _read_layers(source, engine, show_progress):
        groups.setdefault(source_of(layer), []).append(layer)
    return {k: _ordered(v, on_duplicate, True) for k, v in groups.items()}


def check_zones(layers: Sequence[Layer], engine: Engine) -> None:
    if engine.zones is None:
        return
    seen: set[str] = set()
    for layer in layers:
        seen.update(layer.zones_present)
    if not seen.intersection(engine.zones):
        raise SnapshotError(
            "no snapshot of the series has a polygon of zone "
            f"{', '.join(engine.zones)}; "
            f"zones in the series: {', '.join(sorted(seen)) or 'none (no zone names)'}"
        )
