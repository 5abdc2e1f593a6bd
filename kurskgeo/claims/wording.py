"""How claims and measurements read: numbers as a newspaper prints them.

km² to the unit with thousands separators, square miles beside them where
the claim gave its figure in both, shares to one decimal and differences of
shares in percentage points, dates as "21 August 2024".
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from kurskgeo.area import KM2_PER_MI2
from kurskgeo.claims._parse import QUALIFIER_WORDS

#: How zones are named in sentences (others keep their own names).
ZONE_WORDS = {
    "liberated": "Ukrainian-held",
    "occupied": "Russian-held",
    "contested": "grey zone",
}


def day(value: Any) -> str:
    """``21 August 2024`` for a date or a moment (None: ``an unknown date``)."""
    if value is None:
        return "an unknown date"
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC).date() if value.tzinfo else value.date()
    return f"{value.day} {value:%B %Y}"


def km2(value: float, *, miles: bool = False) -> str:
    """``1,258 km²`` (``1,258 km² (486 sq mi)`` with `miles`)."""
    if not math.isfinite(value):
        return "? km²"
    text = f"{value:,.0f} km²" if value >= 0.5 or value == 0 else f"{value:.2f} km²"
    if miles:
        text += f" ({value / KM2_PER_MI2:,.0f} sq mi)"
    return text


def pct(value: float) -> str:
    """``63.2%``."""
    return f"{value:.1f}%" if math.isfinite(value) else "?%"


def quantity(value: float, unit: str, *, miles: bool = False) -> str:
    """Write a measured or claimed quantity in its unit (km² or percent)."""
    return pct(value) if unit == "percent" else km2(value, miles=miles)


def band(low: float, high: float, unit: str) -> str:
    """``band 1,180 to 1,330 km²`` (or ``band 50.1 to 58.2%``)."""
    if unit == "percent":
        return f"band {low:.1f} to {high:.1f}%"
    return f"band {low:,.0f} to {high:,.0f} km²"


def zone_words(zone: tuple[str, ...] | None) -> str:
    """``Ukrainian-held and grey zone``; ``every zone`` for None."""
    if not zone:
        return "every zone"
    words = [ZONE_WORDS.get(z, z) for z in zone]
    if "grey zone" in words and len(words) > 1:
        others = [w for w in words if w != "grey zone"]
        return " and ".join(others) + " and grey zone"
    return " and ".join(words) + ("" if words[-1].endswith("zone") else " zone")


def stated(value: float, unit: str, qualifier: str, also: str | None = None) -> str:
    """Write a figure as it reads: ``more than 420 km²``, ``801 km² (309 sq mi)``."""
    words = QUALIFIER_WORDS.get(qualifier, "")
    if qualifier == "about":
        words = ""  # "about" is the default reading of a bare figure
    figure = pct(value) if unit == "percent" else f"{value:,.10g} {_unit(unit)}"
    if unit == "percent" and float(value).is_integer():
        figure = f"{value:.0f}%"
    return f"{words}{figure}" + (f" ({also})" if also else "")


def _unit(unit: str) -> str:
    return {"km2": "km²", "mi2": "sq mi", "ha": "ha"}.get(unit, unit)


def compare(claimed: float, measured: float, unit: str) -> str:
    """How the claim compares: ``26% more than``, ``9.2 points more than``."""
    if unit == "percent":
        diff = claimed - measured
        word = "more" if diff > 0 else "less"
        return f"{abs(diff):.1f} points {word} than"
    if measured <= 0:
        return "more than" if claimed > 0 else "as much as"
    rel = claimed / measured - 1
    if abs(rel) < 0.005:
        return "the same as"
    word = "more" if rel > 0 else "less"
    return f"{abs(rel):.0%} {word} than"


def span(low: float, high: float, unit: str) -> str:
    """``1,192–1,295 km²`` (``43.7–60.8%``); empty when not numbers."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    if unit == "percent":
        return f"{low:.1f}–{high:.1f}%"
    return f"{low:,.0f}–{high:,.0f} km²"


def claimed(c: Any) -> str:
    """Write a claim's figure as said: ``1,268 km² (490 sq mi)``, ``more than 60%``.

    A figure worked out from others (a derived claim) reads ``a − b``.
    """
    if c.kind == "derived" and not math.isfinite(c.value):
        return " ".join(
            f"{'−' if sign < 0 else '+'} {rid}" for sign, rid in c.expression or ()
        ).lstrip("+ ")
    also = None
    if c.also_value is not None and c.also_unit is not None:
        also = stated(c.also_value, c.also_unit, "about")
    return stated(c.value, c.unit, c.qualifier, also)
