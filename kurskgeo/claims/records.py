"""Claim records, readings, verdicts and findings: what checking claims gives.

A :class:`Claim` is one stated figure. Checking it gives a :class:`Verdict`:
the claim measured under every :class:`Reading` its kind admits (for ground
held or taken by one side: the held zone, and the held zone with the grey
zone, of each source; and the alternatives the claims file lists), each with
the map it rests on and a band, and one overall verdict with a sentence that
can be printed as it is. :class:`Finding` records compare claims with each
other, without geometry.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kurskgeo.claims import _parse as _p

__all__ = [
    "COLUMNS",
    "READING_COLUMNS",
    "READING_VERDICTS",
    "VERDICTS",
    "CheckResult",
    "Claim",
    "Finding",
    "Reading",
    "Verdict",
    "judge",
    "stated_interval",
]

#: The overall verdicts a claim can get.
VERDICTS = (
    "consistent",
    "overstated",
    "understated",
    "depends_on_reading",
    "unverifiable",
)
#: The verdicts of one reading.
READING_VERDICTS = ("consistent", "overstated", "understated", "unverifiable")

#: The columns of :attr:`CheckResult.verdicts` (one row per claim), in order.
COLUMNS = (
    "id",
    "date",
    "source",
    "statement",
    "kind",
    "qualifier",
    "value",
    "unit",
    "also_value",
    "also_unit",
    "claimed_low",
    "claimed_high",
    "verdict",
    "reason",
    "zone",
    "map_source",
    "map",
    "map_after",
    "since_map",
    "measured",
    "low",
    "high",
    "n_readings",
    "line",
)
#: The columns of :attr:`CheckResult.readings` (one row per reading), in order.
READING_COLUMNS = (
    "id",
    "reading",
    "primary",
    "zone",
    "kind",
    "source",
    "map",
    "map_after",
    "since_map",
    "measured",
    "low",
    "high",
    "unit",
    "verdict",
    "reason",
)


@dataclass(frozen=True)
class Claim:
    """One stated figure: who said it, when, about what, and in which unit.

    Built by :func:`~kurskgeo.claims.read_claims`; see
    :mod:`kurskgeo.claims` for the meaning of `kind`, `qualifier`, `since`
    and the rest. `precision` is the half-width of the rounding of the figure
    as written (0.5 for "801", 50 for "500", 0.05 for "63.2"). `line` is the
    line of the claim in `path`, for messages.
    """

    id: str
    date: dt.date
    value: float
    unit: str
    source: str = ""
    statement: str = ""
    qualifier: str = "about"
    kind: str = "area"
    zone: tuple[str, ...] | None = None
    region: str | None = None
    snapshots: tuple[str, ...] | None = None
    as_of: dt.date | None = None
    since: dt.date | str | None = None
    start: dt.date | None = None
    also_value: float | None = None
    also_unit: str | None = None
    part: str | None = None
    of: str | None = None
    expression: tuple[tuple[int, str], ...] | None = None
    measure: str = "area"
    compare_with: tuple[str, ...] = ()
    alternatives: tuple[tuple[tuple[str, ...], str], ...] = ()
    max_age_days: int | None = None
    reference: str | None = None
    url: str | None = None
    precision: float = 0.5
    path: str | None = None
    line: int | None = None

    @property
    def value_km2(self) -> float | None:
        """The stated value in km² (None for a share, which is in percent)."""
        return _p.to_km2(self.value, self.unit)

    @property
    def also_km2(self) -> float | None:
        """The second stated figure in km² (None if absent or a percentage)."""
        if self.also_value is None or self.also_unit is None:
            return None
        return _p.to_km2(self.also_value, self.also_unit)

    @property
    def moment(self) -> dt.date:
        """The date the claimed quantity refers to (``as_of``, else ``date``)."""
        return self.as_of or self.date

    @property
    def measured_as(self) -> str:
        """What is measured: the kind, or a derived claim's ``measure``."""
        return self.measure if self.kind == "derived" else self.kind

    @property
    def where(self) -> str:
        """``file:line`` of the claim, for messages."""
        return (
            f"{self.path}:{self.line}"
            if self.path and self.line
            else str(self.path or "")
        )


def stated_interval(
    value: float,
    qualifier: str = "about",
    *,
    precision: float = 0.0,
    tolerance: float = 0.05,
) -> tuple[float, float]:
    """Return the values a claim states: ``(low, high)``.

    `precision` is the rounding of the figure as written (a figure of 801 is
    801 ± 0.5; one of 500, 500 ± 50); ``about`` widens it to `tolerance`
    (relative) when that is wider; ``nearly`` allows that much below only.
    ``more_than``/``at_least`` have no upper end; ``less_than``/``at_most``
    start at 0.

    =========================  ==================================
    qualifier                  the claim says the value lies in
    =========================  ==================================
    ``exact``                  v ± p
    ``about``                  v ± max(p, t·v)
    ``nearly``                 v − max(p, t·v) to v + p
    ``more_than``/``at_least``  v and above
    ``less_than``/``at_most``  0 to v
    =========================  ==================================

    Examples
    --------
    >>> stated_interval(420, "more_than")
    (420.0, inf)
    >>> stated_interval(500, "about", precision=50, tolerance=0.05)
    (450.0, 550.0)
    >>> stated_interval(801, "exact", precision=0.5)
    (800.5, 801.5)
    """
    q = _p.normalise_qualifier(qualifier)
    if tolerance < 0:
        raise ValueError(f"tolerance must be 0 or more, not {tolerance}")
    v, p = float(value), abs(float(precision))
    wide = max(p, tolerance * abs(v))
    if q == "exact":
        return v - p, v + p
    if q == "about":
        return v - wide, v + wide
    if q == "nearly":
        return v - wide, v + p
    if q in ("more_than", "at_least"):
        return v, math.inf
    return 0.0, v


def judge(interval: tuple[float, float], low: float, high: float) -> str:
    """Judge a stated `interval` against a measured band ``[low, high]``.

    ``consistent`` when they meet; ``overstated`` when the claim says more
    than the band allows; ``understated`` when less; ``unverifiable`` when
    the band is not a number.

    Examples
    --------
    >>> judge((761.0, 841.0), 540.0, 700.0)
    'overstated'
    >>> judge((420.0, math.inf), 400.0, 470.0)
    'consistent'
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        return "unverifiable"
    a, b = interval
    if a > high:
        return "overstated"
    if b < low:
        return "understated"
    return "consistent"


@dataclass(frozen=True)
class Reading:
    """One way of measuring a claim, and what the maps show under it.

    Attributes
    ----------
    zone : tuple of str, or None
        The zones measured (their union); None for every polygon.
    kind : str
        What is measured: ``area``, ``lost``, ``gained``, ``peak``, or
        ``share`` (a percentage of two readings).
    source : str or None
        Who drew the maps.
    map, map_after, since_map : datetime.datetime or datetime.date, or None
        The map the number rests on (its publication time where the file
        gives it, else its date): the last map at or before the claim's date
        (for a peak, the peak map); a map published shortly after the claim's
        date, which enters the band; the earlier map a change is measured
        from (the peak map, for "since the peak").
    measured, low, high : float
        The measurement and its band (km², or percent for a share); NaN when
        unverifiable.
    verdict : str
        One of :data:`READING_VERDICTS`.
    reason : str
        Why it is unverifiable, or what was measured.
    """

    zone: tuple[str, ...] | None
    kind: str
    source: str | None
    map: dt.date | None = None
    map_after: dt.date | None = None
    since_map: dt.date | None = None
    measured: float = math.nan
    low: float = math.nan
    high: float = math.nan
    verdict: str = "unverifiable"
    reason: str = ""
    map_path: str | None = None

    @property
    def unit(self) -> str:
        """``percent`` for a share, else ``km2``."""
        return "percent" if self.kind == "share" else "km2"

    @property
    def zone_text(self) -> str | None:
        """The zones as one text, ``liberated+contested``."""
        return "+".join(self.zone) if self.zone else None

    def to_dict(self) -> dict[str, Any]:
        """Return the reading as JSON (the schema in ``docs/check.schema.json``)."""
        share = self.kind == "share"
        return {
            "zone": list(self.zone) if self.zone else None,
            "kind": self.kind,
            "source": self.source,
            "map": _iso(self.map),
            "map_after": _iso(self.map_after),
            "since_map": _iso(self.since_map),
            "measured_km2": None if share else _number(self.measured),
            "low_km2": None if share else _number(self.low),
            "high_km2": None if share else _number(self.high),
            "measured_pct": _number(self.measured) if share else None,
            "low_pct": _number(self.low) if share else None,
            "high_pct": _number(self.high) if share else None,
            "verdict": self.verdict,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Verdict:
    """A claim, what it states, every reading of it, and the overall verdict.

    `interval` is what the claim states (:func:`stated_interval`) and `value`
    its figure, both in km² (percent for a share); a derived claim's figure is
    worked out from the figures of the claims it names.
    """

    claim: Claim
    interval: tuple[float, float]
    verdict: str
    reason: str
    readings: tuple[Reading, ...] = ()
    primary_reading: int | None = None
    value: float = math.nan  # the claimed figure in km² (percent for a share)

    @property
    def primary(self) -> Reading | None:
        """The reading of the claim's own zone, if it could be measured."""
        if self.primary_reading is None:
            return None
        return self.readings[self.primary_reading]

    def to_dict(self) -> dict[str, Any]:
        """Return the verdict as JSON (the schema in ``docs/check.schema.json``)."""
        c = self.claim
        share = c.kind == "share"
        km2 = None if share else self.value
        return {
            "id": c.id,
            "date": c.date.isoformat(),
            "source": c.source,
            "statement": c.statement,
            "kind": c.kind,
            "qualifier": c.qualifier,
            "value": _number(c.value),
            "unit": c.unit,
            "also_value": c.also_value,
            "also_unit": c.also_unit,
            "claimed_km2": _number(km2) if km2 is not None else None,
            "claimed_low": _number(self.interval[0]),
            "claimed_high": _number(self.interval[1]),
            "verdict": self.verdict,
            "reason": self.reason,
            "readings": [r.to_dict() for r in self.readings],
            "primary_reading": self.primary_reading,
        }

    def row(self) -> dict[str, Any]:
        """One row of :attr:`CheckResult.verdicts`."""
        c, p = self.claim, self.primary
        return {
            "id": c.id,
            "date": c.date,
            "source": c.source,
            "statement": c.statement,
            "kind": c.kind,
            "qualifier": c.qualifier,
            "value": c.value,
            "unit": c.unit,
            "also_value": c.also_value,
            "also_unit": c.also_unit,
            "claimed_low": self.interval[0],
            "claimed_high": self.interval[1],
            "verdict": self.verdict,
            "reason": self.reason,
            "zone": p.zone_text if p else ("+".join(c.zone) if c.zone else None),
            "map_source": p.source if p else None,
            "map": p.map if p else None,
            "map_after": p.map_after if p else None,
            "since_map": p.since_map if p else None,
            "measured": p.measured if p else math.nan,
            "low": p.low if p else math.nan,
            "high": p.high if p else math.nan,
            "n_readings": len(self.readings),
            "line": c.line,
        }


@dataclass(frozen=True)
class Finding:
    """Something found by comparing claims with each other, without geometry.

    `kind` is ``unit_mismatch``, ``contradiction``, ``share``, ``agreement``
    or ``derived``; `claims` the ids involved; `consistent` False when the
    finding is a problem (a mismatch, a contradiction, a share that does not
    fit) and True when it records that claims agree.
    """

    kind: str
    claims: tuple[str, ...]
    message: str
    consistent: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain types for JSON."""
        return {
            "kind": self.kind,
            "claims": list(self.claims),
            "message": self.message,
            "consistent": self.consistent,
        }


@dataclass(frozen=True, eq=False)
class CheckResult:
    """What :func:`~kurskgeo.claims.check_claims` returns.

    Attributes
    ----------
    records : list of Verdict
        One per claim, in the order of the claims.
    findings : list of Finding
    notes : list of str
        What was assumed or left out (maps before the event, for example).
    """

    records: list[Verdict]
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def verdicts(self) -> pd.DataFrame:
        """One row per claim: the primary reading and the overall verdict."""
        return pd.DataFrame([v.row() for v in self.records], columns=list(COLUMNS))

    @property
    def readings(self) -> pd.DataFrame:
        """One row per reading of every claim (columns :data:`READING_COLUMNS`)."""
        rows = []
        for v in self.records:
            for k, r in enumerate(v.readings):
                rows.append(
                    {
                        "id": v.claim.id,
                        "reading": k,
                        "primary": k == v.primary_reading,
                        "zone": r.zone_text,
                        "kind": r.kind,
                        "source": r.source,
                        "map": r.map,
                        "map_after": r.map_after,
                        "since_map": r.since_map,
                        "measured": r.measured,
                        "low": r.low,
                        "high": r.high,
                        "unit": r.unit,
                        "verdict": r.verdict,
                        "reason": r.reason,
                    }
                )
        return pd.DataFrame(rows, columns=list(READING_COLUMNS))

    @property
    def problems(self) -> list[Finding]:
        """The findings that are problems (``consistent`` is False)."""
        return [f for f in self.findings if not f.consistent]

    def to_dict(self) -> dict[str, Any]:
        """``{"claims": [...], "findings": [...], "notes": [...]}``, JSON-ready.

        The schema is ``docs/check.schema.json``.
        """
        return {
            "claims": [v.to_dict() for v in self.records],
            "findings": [f.to_dict() for f in self.findings],
            "notes": list(self.notes),
        }


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _number(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None
