"""The overall verdict of a claim and the sentence that says why.

The sentence names who said what, what the maps show under each reading,
which map (and which peak) it rests on, and the band, so that it can be
printed as it is.
"""

from __future__ import annotations

import math

from kurskgeo.claims import wording as txt
from kurskgeo.claims._parse import MEASURED, REGION
from kurskgeo.claims.records import Claim, Reading


def short_source(source: str | None) -> str:
    """``DeepStateMap's`` for ``DeepStateMap (deepstatemap.live)``."""
    if not source:
        return "the"
    for cut in (" (", " via ", ", "):
        source = source.split(cut)[0]
    return f"{source}'s"


def figure(c: Claim, value: float, figures: dict[str, str] | None = None) -> str:
    """Return the claim's figure as said: ``801 km² (309 sq mi)``, ``over 60%``.

    A figure worked out from others shows them (`figures`: their text by id).
    """
    figures = figures or {}
    if c.kind == "derived" and not math.isfinite(c.value):
        terms = " ".join(
            f"{'−' if sign < 0 else '+'} {figures.get(rid, rid)}"
            for sign, rid in c.expression or ()
        ).lstrip("+ ")
        return f"{txt.stated(round(value, 6), 'km2', c.qualifier)} ({terms})"
    return txt.claimed(c)


def _miles(c: Claim) -> bool:
    return "mi2" in (c.unit, c.also_unit)


def context(r: Reading, c: Claim) -> str:
    """Say what a reading measured, and on which map: ``lost since the peak``."""
    src = short_source(r.source)
    if r.kind == "peak":
        return f"at its peak, on {src} map of {txt.day(r.map)}"
    if r.kind in ("lost", "gained"):
        since = (
            f"the peak of {txt.day(r.since_map)}"
            if c.since == "peak"
            else txt.day(r.since_map)
        )
        return f"{r.kind} since {since}, by {src} map of {txt.day(r.map)}"
    if r.kind == "share":
        if c.part in MEASURED or c.of in (*MEASURED, REGION):  # say of what
            return f"on {src} maps, as {c.part} over {c.of}"
        return f"on {src} maps"
    return f"on {src} map of {txt.day(r.map)}"


def describe(r: Reading, c: Claim) -> str:
    """Describe a reading: ``the 635 km² of Ukrainian-held ... (band ...)``."""
    unit = r.unit
    q = txt.quantity(r.measured, unit, miles=_miles(c))
    band = ""
    if r.low != r.high:
        band = f" ({txt.band(r.low, r.high, unit)})"
    return f"the {q} of {txt.zone_words(r.zone)} {context(r, c)}{band}"


def allows(low: float, high: float, unit: str) -> str:
    """Say what a claim's words allow: ``450 to 550 km²``, ``more than 60.0%``."""
    if not math.isfinite(high):
        return f"more than {txt.quantity(low, unit)}"
    if low <= 0:
        return f"up to {txt.quantity(high, unit)}"
    if unit == "percent":
        return f"{low:.1f} to {high:.1f}%"
    return f"{low:,.0f} to {high:,.0f} km²"


def overall(
    c: Claim,
    interval: tuple[float, float],
    readings: list[Reading],
    primary: int | None,
    why: str,
    claimed: tuple[float, float],
    figures: dict[str, str] | None = None,
) -> tuple[str, str]:
    """Return the overall verdict of a claim and the sentence saying why."""
    who = short_source(c.source) if c.source else "the claim's"
    said = f"{who} {figure(c, claimed[0], figures)}"
    if not readings:
        return "unverifiable", f"unverifiable: {why or 'nothing to measure'}"
    verified = [r for r in readings if r.verdict != "unverifiable"]
    first = readings[primary] if primary is not None else readings[0]
    if not verified:
        return "unverifiable", f"unverifiable: {first.reason}"
    verdicts = {r.verdict for r in verified}
    ordered = sorted(verified, key=lambda r: (r is not first, readings.index(r)))
    value = claimed[0]
    if len(verdicts) > 1:
        parts = [f"{r.verdict} against {describe(r, c)}" for r in ordered]
        return "depends_on_reading", (
            f"depends on the reading: {said} is " + "; ".join(parts) + "."
        )
    verdict = verdicts.pop()
    lead = ordered[0]
    unit = lead.unit
    if verdict == "consistent":
        text = f"consistent: {said} agrees with {describe(lead, c)}"
        lo, hi = interval
        if not lo <= lead.measured <= hi:
            # the measured value itself is outside what the words allow: say
            # that it is the band of a drawn line that the claim meets
            text += (
                ", and only through that band: as written, the figure allows "
                + allows(lo, hi, unit)
            )
    else:
        text = (
            f"{verdict}: {said} is {txt.compare(value, lead.measured, unit)} "
            f"{describe(lead, c)}"
        )
    others = [
        f"{txt.compare(value, r.measured, unit)} {txt.quantity(r.measured, unit)} of "
        f"{txt.zone_words(r.zone)}"
        + ("" if r.source == lead.source else f" on {short_source(r.source)} maps")
        for r in ordered[1:]
    ]
    if others and verdict != "consistent":
        text += "; " + "; ".join(others)
    elif others:
        text += "; it agrees also with " + "; ".join(
            f"{txt.quantity(r.measured, unit)} of {txt.zone_words(r.zone)}"
            for r in ordered[1:]
        )
    missing = [r for r in readings if r.verdict == "unverifiable"]
    if first.verdict == "unverifiable":
        text += f" (its own reading cannot be verified: {first.reason})"
    elif missing:
        text += f" ({len(missing)} other reading(s) cannot be verified)"
    return verdict, text + "."
