"""The words on a map: titles, subtitles, legend labels and attribution lines."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping, Sequence

import pandas as pd

from kurskgeo.area import KM2_PER_MI2
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

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _fmt_area(value: float) -> str:
    if value == 0:
        return "0"
    if 0 < value < 0.05:
        return "<0.1"
    if abs(value) < 10:
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def _fmt_km2_mi2(value: float) -> str:
    """``827 km² (319 sq mi)``: a legend's area in both units."""
    return f"{_fmt_area(value)} km² ({_fmt_area(value / KM2_PER_MI2)} sq mi)"


def _fmt_date(day: dt.date | None) -> str:
    """``17 January 2025`` (month names in English, whatever the locale)."""
    if day is None:
        return "undated"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _short_date(day: dt.date | None) -> str:
    """``17 Jan 2025``."""
    if day is None:
        return "undated"
    return f"{day.day} {_MONTHS[day.month - 1][:3]} {day.year}"


def _iso_date(day: dt.date | None) -> str:
    """``2025-01-17``, for file names."""
    return day.isoformat() if day is not None else "undated"


def _zone_label(layer: _Layer) -> str:
    return f"{layer.label}: {_fmt_km2_mi2(layer.area_km2)}"


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


#: How the credit says what each zone is shown as.
_SHOWN_AS = {
    "liberated": "held by Ukraine",
    "contested": "contested",
    "occupied": "occupied by Russia",
}


def _layers_note(layers: Mapping[str, Sequence[str]] | None) -> str:
    """``layers “Liberated” (shown as held by Ukraine), ...``: the source's words."""
    if not layers:
        return ""
    bits = []
    for zone, names in layers.items():
        shown = _SHOWN_AS.get(zone) or _style.zone_label(zone).lower()
        quoted = " and ".join(f"“{n}”" for n in names[:3])
        bits.append(f"{quoted} (shown as {shown})")
    many = sum(len(n[:3]) for n in layers.values()) > 1
    return ("layers " if many else "layer ") + (
        ", ".join(bits[:-1]) + " and " + bits[-1] if len(bits) > 1 else bits[0]
    )


def _attribution_text(
    snaps: Sequence[pd.DataFrame],
    region: _Region | None,
    contexts: Sequence[_Context],
    frame: _Frame | None,
    attribution: str | None,
    width: int = 108,
    *,
    layers: Mapping[str, Sequence[str]] | None = None,
    border: str | None = None,
) -> str:
    lines: list[str] = []
    if attribution is None:
        srcs = _sources(snaps)
        head = (
            f"Source: {'; '.join(srcs) if srcs else 'unknown (no source in the data)'}"
        )
        note = _layers_note(layers)
        if note:
            head += f", {note}"
        bits = [head]
        if region is not None and region.credit:
            bits.append(region.credit)
        for c in contexts:
            if c.credit and c.credit not in bits:
                bits.append(c.credit)
        lines = [bits[0] + "."]
        if len(bits) > 1:
            lines.append(". ".join(bits[1:]) + ".")
        if border:
            lines.append(border)
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
        utc = moment.astimezone(dt.UTC)
        when = (
            f"{utc:%H:%M} UTC"
            if utc.date() == day
            else (f"{_fmt_date(utc.date())} {utc:%H:%M} UTC")
        )
        text += f" (map published {when})"
    if region is not None:
        text += f"; areas within {region.name or 'the region'}"
    return text


def _default_title(zones: Sequence[str | None], region: _Region | None) -> str:
    """``Ground held by Ukraine or contested in Kursk Oblast``."""
    known = [z for z in zones if z is not None]
    if known and len(known) == len(zones):
        _, what = _side(known)
        title = f"Ground {what.replace(' (grey zone)', '')}"
    else:
        title = "Mapped areas"
    if region is not None and region.name:
        title += f" in {region.name}"
    return title


def _side(zones: Sequence[str] | None) -> tuple[str | None, str]:
    """Who a change map follows, and what ground it counts.

    Examples
    --------
    >>> _side(["liberated", "contested"])
    ('Ukraine', 'held by Ukraine or contested (grey zone)')
    >>> _side(["contested"])
    (None, 'contested (grey zone)')
    """
    zs = set(zones or ())
    grey = "contested" in zs
    if "liberated" in zs and zs <= {"liberated", "contested"}:
        held = "held by Ukraine"
        return "Ukraine", held + (" or contested (grey zone)" if grey else "")
    if "occupied" in zs and zs <= {"occupied", "contested"}:
        held = "occupied by Russia"
        return "Russia", held + (" or contested (grey zone)" if grey else "")
    if zs == {"contested"}:
        return None, "contested (grey zone)"
    if zs:
        return None, " or ".join(_style.zone_label(z).lower() for z in zones or ())
    return None, "mapped"


def _change_words(
    zones: Sequence[str] | None,
    day_a: dt.date | None,
    day_b: dt.date | None,
    shown: Sequence[str],
) -> tuple[str, str, dict[str, str]]:
    """Title, subtitle and legend names of a change map.

    `shown` lists the classes drawn large enough to see ("gained", "lost").
    The subtitle says which ground counts, so that a reader knows that
    ground leaving the grey zone counts as lost when the grey zone is
    counted.
    """
    who, what = _side(zones)
    a, b = _short_date(day_a), _short_date(day_b)
    verbs = [v for v in ("gained", "lost") if v in shown]
    verb = " and ".join(verbs) if verbs else "kept"
    if who is not None:
        title = f"Ground {who} {verb}, {a} to {b}"
        names = {
            "gained": f"Gained by {who}",
            "lost": f"Lost by {who}",
            "unchanged": (
                "Held or contested on both dates"
                if "contested" in (zones or ())
                else "Held on both dates"
            ),
        }
    else:
        title = f"Change in ground {what}, {a} to {b}"
        names = {"gained": "Gained", "lost": "Lost", "unchanged": "On both dates"}
    sub = (
        f"Counting ground {what}: lost is ground counted on {_fmt_date(day_a)} "
        f"and not on {_fmt_date(day_b)}; gained the reverse"
    )
    return title, sub, names
