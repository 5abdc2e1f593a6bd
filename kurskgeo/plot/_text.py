"""The words on a map: titles, subtitles, legend labels and attribution lines."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from kurskgeo.area.crs import is_equal_area
from kurskgeo.plot import _furniture
from kurskgeo.plot import style as _style
from kurskgeo.plot._inputs import (
    _Context,
    _Region,
    _snap_date,
    _sources,
)
from kurskgeo.plot._layers import (
    _Frame,
    _Layer,
)

if TYPE_CHECKING:  # pragma: no cover
    pass


def _fmt_area(value: float) -> str:
    if value == 0:
        return "0"
    if 0 < value < 0.05:
        return "<0.1"
    if abs(value) < 10:
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def _fmt_date(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else "undated"


def _zone_label(layer: _Layer) -> str:
    return f"{layer.label}: {_fmt_area(layer.area_km2)} km²"


def _projection_note(frame: _Frame) -> str:
    crs = frame.crs
    method = (
        crs.coordinate_operation.method_name if crs.coordinate_operation else crs.name
    )
    note = method
    if "Lambert Azimuthal Equal Area" in str(method):
        lon = lat = None
        for p in crs.coordinate_operation.params if crs.coordinate_operation else []:
            if "longitude" in p.name.lower():
                lon = p.value
            elif "latitude" in p.name.lower():
                lat = p.value
        note = "Lambert azimuthal equal-area"
        if lon is not None and lat is not None:
            note += (
                f" centred {_furniture.format_degrees(float(lon), 'lon')} "
                f"{_furniture.format_degrees(float(lat), 'lat')}"
            )
    if is_equal_area(crs):
        return f"Projection: {note}: areas true, scale bar true where drawn."
    return (
        f"Projection: {note} (not equal-area; areas measured in an equal-area "
        "CRS): scale bar true where drawn."
    )


def _attribution_text(
    snaps: Sequence[pd.DataFrame],
    region: _Region | None,
    contexts: Sequence[_Context],
    frame: _Frame | None,
    attribution: str | None,
    width: int = 108,
) -> str:
    lines: list[str] = []
    if attribution is None:
        srcs = _sources(snaps)
        bits = [
            f"Source: {'; '.join(srcs) if srcs else 'unknown (no source in the data)'}"
        ]
        if region is not None and region.credit:
            bits.append(region.credit)
        for c in contexts:
            if c.credit and c.credit not in bits:
                bits.append(c.credit)
        lines = [bits[0] + "."]
        if len(bits) > 1:
            lines.append(". ".join(bits[1:]) + ".")
    if attribution is not None:
        lines = [attribution]
    if frame is not None:
        lines.append(_projection_note(frame) + " Map: kurskgeo.")
    return "\n".join(
        "\n".join(textwrap.wrap(line, width, break_on_hyphens=False)) for line in lines
    )


def _snapshot_subtitle(snap: pd.DataFrame, region: _Region | None) -> str:
    day = _snap_date(snap)
    text = f"Situation on {_fmt_date(day)}"
    moment = snap.attrs.get("timestamp")
    if isinstance(moment, dt.datetime):
        text += f" (map published {moment.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC)"
        if moment.astimezone(dt.UTC).date() == day:
            text = text.replace(f"published {day.isoformat()} ", "published ")
    if region is not None:
        text += f"; areas within {region.name or 'the region'}"
    return text


def _default_title(zones: Sequence[str | None], region: _Region | None) -> str:
    names = [_style.zone_label(z).split(" (")[0] for z in zones]
    if len(names) > 1:
        head = ", ".join(names[:-1]) + " and " + names[-1].lower()
    else:
        head = names[0]
    title = f"{head} areas"
    if region is not None and region.name:
        title += f" in {region.name}"
    return title
