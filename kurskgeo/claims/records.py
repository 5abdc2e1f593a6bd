"""Claim records, verdicts and findings: what reading and checking claims give."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kurskgeo.claims import _parse as _p

__all__ = [
    "COLUMNS",
    "VERDICTS",
    "CheckResult",
    "Claim",
    "Finding",
    "claim_interval",
    "judge",
]

#: The verdicts a claim can get.
VERDICTS = ("consistent", "overstated", "understated", "unverifiable")

#: The columns of :attr:`CheckResult.verdicts`, in order.
COLUMNS = (
    "id",
    "date",
    "as_of",
    "kind",
    "zone",
    "region",
    "qualifier",
    "claimed_km2",
    "claimed_value",
    "claimed_unit",
    "measured_km2",
    "snapshot_date",
    "snapshot_path",
    "difference_km2",
    "relative_difference",
    "verdict",
    "source",
    "statement",
    "unit",
    "claimed",
    "measured",
    "since_date",
    "measured_as",
    "note",
    "line",
)


@dataclass(frozen=True)
class Claim:
    """One stated figure: who said it, when, about what, and in which unit.

    Built by :func:`read_claims`; see the module docstring for the meaning of
    `kind`, `qualifier`, `since` and the rest. `line` is the line of the claim
    in `path`, for messages.
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
    def where(self) -> str:
        """``file:line`` of the claim, for messages."""
        return (
            f"{self.path}:{self.line}"
            if self.path and self.line
            else str(self.path or "")
        )


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
        d = asdict(self)
        d["claims"] = list(self.claims)
        return d


@dataclass(frozen=True, eq=False)
class CheckResult:
    """What :func:`check_claims` returns: one verdict row per claim, and findings."""

    verdicts: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        """The findings that are problems (``consistent`` is False)."""
        return [f for f in self.findings if not f.consistent]

    def to_dict(self) -> dict[str, Any]:
        """``{"claims": [...], "findings": [...]}`` with JSON-ready values."""
        return {
            "claims": [
                {k: _jsonable(v) for k, v in row.items()}
                for row in self.verdicts.to_dict(orient="records")
            ],
            "findings": [f.to_dict() for f in self.findings],
        }


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def claim_interval(
    value: float, qualifier: str = "about", *, tolerance: float = 0.05
) -> tuple[float, float]:
    """Return the values a claim is consistent with: ``(low, high)``.

    `high` is ``inf`` for ``more_than`` and ``at_least``.

    Examples
    --------
    >>> claim_interval(420, "more_than")
    (399.0, inf)
    >>> claim_interval(500, "about", tolerance=0.1)
    (450.0, 550.0)
    """
    q = _p.normalise_qualifier(qualifier)
    if tolerance < 0:
        raise ValueError(f"tolerance must be 0 or more, not {tolerance}")
    c, t = float(value), float(tolerance)
    if q in ("exact", "about"):
        return c * (1 - t), c * (1 + t)
    if q == "nearly":
        return c * (1 - t), c * (1 + t / 5)
    if q in ("more_than", "at_least"):
        return c * (1 - t), math.inf
    return 0.0, c * (1 + t)


def judge(
    claimed: float,
    measured: float | None,
    *,
    qualifier: str = "about",
    tolerance: float = 0.05,
) -> str:
    """Judge a claimed value against the measured one.

    Parameters
    ----------
    claimed, measured : float
        In the same unit (km², or percent for shares). A missing or NaN
        `measured` gives ``"unverifiable"``.
    qualifier : str
        ``exact``, ``about``, ``nearly``, ``more_than``, ``at_least``,
        ``less_than`` or ``at_most`` (see the module docstring).
    tolerance : float
        Relative tolerance, 0.05 = 5 %.

    Returns
    -------
    str
        ``consistent``, ``overstated``, ``understated`` or ``unverifiable``.

    Examples
    --------
    >>> judge(420, 435, qualifier="more_than")
    'consistent'
    >>> judge(801, 620)
    'overstated'
    """
    if measured is None or not math.isfinite(measured):
        return "unverifiable"
    low, high = claim_interval(claimed, qualifier, tolerance=tolerance)
    if measured < low:
        return "overstated"
    if measured > high:
        return "understated"
    return "consistent"
