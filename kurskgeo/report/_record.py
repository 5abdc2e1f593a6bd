"""What a report's manifest records of its call and of the files it read."""

from __future__ import annotations

import datetime as dt
import inspect
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd

from kurskgeo.errors import KurskgeoError
from kurskgeo.report.manifest import describe_input

__all__ = ["as_day", "call_record", "inputs", "name", "python_call"]

#: The settings of :func:`~kurskgeo.report.make_report` a manifest records.
_SETTINGS = (
    "outdir",
    "claims",
    "snapshots",
    "source",
    "every",
    "zone",
    "map_zone",
    "region",
    "places",
    "context",
    "tolerance",
    "max_age_days",
    "line_accuracy_m",
    "start",
    "compare_zone",
    "compare_derive",
    "interactive",
    "animation",
    "extent",
    "allow_download",
)


def name(value: Any) -> Any:
    """Return a setting as JSON: paths as text, layers and geometries by kind."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, gpd.GeoDataFrame):
        return "<GeoDataFrame>"
    if isinstance(value, Sequence):
        return [name(v) for v in value]
    return "<geometry>"


def call_record(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the settings among a call's `values`, as JSON values."""
    return {k: name(values.get(k)) for k in _SETTINGS}


def python_call(call: Mapping[str, Any], function: Callable[..., Any]) -> str:
    """Return the Python call with the settings not at `function`'s defaults."""
    params = inspect.signature(function).parameters
    args = [repr(call["outdir"])]
    for key, value in call.items():
        if key == "outdir" or key not in params:
            continue
        if value != name(params[key].default):
            args.append(f"{key}={value!r}")
    return f"kurskgeo.{function.__name__}({', '.join(args)})"


def as_day(value: Any) -> dt.date | None:
    """Return a start given as a date or ``YYYY-MM-DD`` text as a date."""
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise KurskgeoError(f"start: {value!r} is not a date (YYYY-MM-DD)") from None


def _stamp(snap: gpd.GeoDataFrame) -> str | None:
    moment = snap.attrs.get("timestamp")
    if moment is not None:
        return str(moment.isoformat())
    if "date" in snap and len(snap):
        return str(snap["date"].iloc[0])[:10]
    return None


def inputs(
    snapshots: Sequence[gpd.GeoDataFrame],
    claims: Path | None,
    region: Any,
    places: Any,
    context: Sequence[Any],
) -> list[dict[str, Any]]:
    """Return the manifest records of every file a report read, in the order read.

    A snapshot file's record also lists the dates of its maps and who drew
    them; snapshots, regions or layers given as objects rather than files have
    no bytes to hash and are named in the call record only.
    """
    by_path: dict[str, list[gpd.GeoDataFrame]] = {}
    for snap in snapshots:
        path = snap.attrs.get("path")
        if path:
            by_path.setdefault(os.fspath(path), []).append(snap)
    records = []
    for path, snaps in by_path.items():
        maps = [m for m in (_stamp(s) for s in snaps) if m]
        drawn = sorted(
            {str(v) for s in snaps if "source" in s for v in s["source"].dropna()}
        )
        records.append(describe_input(path, "snapshot", maps=maps, sources=drawn))
    if claims is not None:
        records.append(describe_input(claims, "claims"))
    for role, value in (("region", region), ("places", places)):
        if isinstance(value, (str, os.PathLike)):
            records.append(describe_input(value, role))
    for layer in context:
        if isinstance(layer, (str, os.PathLike)):
            records.append(describe_input(layer, "context"))
    return records
