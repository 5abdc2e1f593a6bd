"""Formatting shared by the report's text and figures: km², dates, paths."""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from kurskgeo.claims import QUALIFIER_WORDS
from kurskgeo.errors import KurskgeoError
from kurskgeo.report._geodata import geodata_dir

#: a qualifier before a figure in a table: an exact figure needs no word
_QUALIFIER_SIGN = {**QUALIFIER_WORDS, "exact": ""}


def _km2(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def _pct(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if round(value * 100) == 0:
        return "0%"
    return f"{value * 100:+.0f}%"


def _difference(km2: Any, relative: Any) -> str:
    """``+26 (+2%)``; ``0 (0%)`` rather than ``-0 (-0%)``."""
    if km2 is None or pd.isna(km2):
        return "–"
    text = "0" if round(km2) == 0 else f"{km2:+,.0f}"
    return f"{text} ({_pct(relative)})"


def _day(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.datetime):  # a map's publication moment: its UTC day
        return value.astimezone(dt.UTC).date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _date_of(snap: gpd.GeoDataFrame) -> dt.date | None:
    dates = [d for d in snap["date"] if d is not None and not pd.isna(d)]
    return dates[0] if dates else None


def _rel(path: Any) -> str:
    """Show a path as the user knows it: a dataset name, or relative to cwd/geodata."""
    if path is None:
        return "–"
    if not isinstance(path, (str, os.PathLike)):
        return "a geometry given in Python"
    from kurskgeo.datasets import describe

    known = describe(path)
    if known is not None:
        return str(known["dataset"])
    p = Path(str(path)).resolve()
    try:
        return os.fspath(p.relative_to(Path.cwd().resolve()))
    except ValueError:
        pass
    try:  # the embedded data, wherever kurskgeo is installed
        return "geodata/" + p.relative_to(geodata_dir()).as_posix()
    except (ValueError, KurskgeoError):
        return os.fspath(p)


def _first_text(snap: gpd.GeoDataFrame, column: str) -> str:
    if column not in snap.columns:
        return ""
    values = [v for v in snap[column] if isinstance(v, str) and v]
    return values[0] if values else ""


def _zones_present(snapshots: Sequence[gpd.GeoDataFrame]) -> list[str]:
    found: set[str] = set()
    for snap in snapshots:
        if "zone" in snap.columns:
            found.update(str(z) for z in snap["zone"].dropna())
    return sorted(found)
