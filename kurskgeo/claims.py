"""Claims: who said what, when and in which unit; verdicts; contradictions.

A claims file (YAML, or CSV with the same columns) records statements such as
"Ukrainian troops seized 1,268 km² (490 sq mi) of Kursk region". Each becomes a
:class:`Claim`. :func:`check_claims` measures the same quantity on snapshots
and gives each claim a verdict; it also reports :class:`Finding` records that
need no geometry: unit conversions that disagree, claims that contradict each
other, and shares that do not match the figures they relate.

Qualifiers and the tolerance
----------------------------
With claimed value *c*, measured value *m* and tolerance *t* (default 0.05),
a claim is ``consistent`` when *m* lies in the claim's interval:

=========================  ===================================
qualifier                  consistent when
=========================  ===================================
``exact``, ``about``       c·(1 − t) ≤ m ≤ c·(1 + t)
``nearly``                 c·(1 − t) ≤ m ≤ c·(1 + t/5)
``more_than``/``at_least`` m ≥ c·(1 − t)
``less_than``/``at_most``  m ≤ c·(1 + t)
=========================  ===================================

"Nearly X" says the truth is just under X, so little room is left above it.
Below the interval the claim is ``overstated`` (it says more than was
measured); above it, ``understated``. Without a measurement it is
``unverifiable`` and the ``note`` column says why. Two claims on the same
quantity contradict each other when their intervals do not overlap.

Kinds
-----
``area`` (the zone's area at ``as_of``), ``lost``/``gained`` (area in the
zone at ``since`` and not at ``as_of``, or the reverse; ``since: peak`` means
the snapshot of the zone's largest area up to ``as_of``), ``peak`` (the
largest area between ``since`` and ``as_of``), ``share`` (a percentage:
measured(``part``) / measured(``of``)), and ``derived`` (an ``expression``
such as ``a - b`` over other claims). A derived claim with a ``zone`` is
measured like a claim of kind ``measure`` (default ``area``); without one, its
measured value is the same expression over the measured values.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kurskgeo import _claims_parse as _p

__all__ = [
    "COLUMNS",
    "KINDS",
    "QUALIFIERS",
    "VERDICTS",
    "CheckResult",
    "Claim",
    "Finding",
    "check_claims",
    "claim_findings",
    "claim_interval",
    "judge",
    "read_claims",
]

log = logging.getLogger(__name__)

KINDS = _p.KINDS
QUALIFIERS = _p.QUALIFIERS
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

#: A statement's two figures (value and ``also``) may differ by this much.
UNIT_RTOL = 0.01
_KM_PER_MI = 1.609344


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


# ---------------------------------------------------------------- reading


def read_claims(path: str | os.PathLike[str]) -> list[Claim]:
    """Read a claims file (YAML, or CSV with the same columns).

    The YAML file is a list of claims, or a mapping with a ``claims`` list and
    optional ``defaults`` applied to every claim. Paths in ``region`` and
    ``snapshots`` are relative to the claims file.

    Parameters
    ----------
    path : path-like
        A ``.yaml``/``.yml`` or ``.csv`` file.

    Returns
    -------
    list of Claim
        In file order.

    Raises
    ------
    ClaimsFileError
        If the file cannot be read, or a claim has an unknown unit, kind,
        qualifier, field or id reference, a bad date, a value that is zero,
        negative or a percentage above 100, or derived claims form a cycle.
        The message names the claim id, the file and the line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "c.yaml"
    >>> _ = f.write_text('''
    ... - id: seized
    ...   date: 2025-01-17
    ...   value: "1,268 km²"
    ...   also: 490 sq mi
    ... ''')
    >>> [(c.id, c.value, c.unit, c.qualifier, c.line) for c in read_claims(f)]
    [('seized', 1268.0, 'km2', 'about', 2)]
    """
    p = Path(path)
    records = _p.load_records(p)
    base = p.resolve().parent
    fields, wheres = [], []
    for record, where in records:
        fields.append(_p.record_to_fields(record, where, base))
        wheres.append(where)
    _p.check_references(fields, wheres)
    return [Claim(**f) for f in fields]


# ---------------------------------------------------------------- verdicts


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


def claim_findings(
    claims: Sequence[Claim], *, tolerance: float = 0.05
) -> list[Finding]:
    """Compare claims with each other and with their own conversions.

    Reports, without any geometry:

    - ``unit_mismatch``: the ``also`` figure of a statement differs from its
      value by more than 1 % once both are in km²;
    - ``share``: a share claim against the stated values of its ``part`` and
      ``of`` claims (``consistent`` tells whether it fits);
    - ``contradiction`` / ``agreement``: two claims on the same quantity (same
      kind, zone, region and dates, or named in ``compare_with``) whose
      intervals (see :func:`claim_interval`) do / do not overlap;
    - ``derived``: a derived claim whose stated ``value`` is not its
      expression.

    Parameters
    ----------
    claims : sequence of Claim
    tolerance : float
        Relative tolerance of the qualifiers (not of ``unit_mismatch``, which
        uses 1 %).

    Returns
    -------
    list of Finding

    Examples
    --------
    >>> import datetime as dt
    >>> c = Claim("ds", dt.date(2025, 1, 17), 420, "km2",
    ...           also_value=261, also_unit="mi2")
    >>> [f.kind for f in claim_findings([c])]
    ['unit_mismatch']
    """
    from kurskgeo._claims_findings import find

    return find(claims, tolerance)


def check_claims(
    claims: Sequence[Claim] | str | os.PathLike[str],
    snapshots: Any = None,
    *,
    region: Any = None,
    tolerance: float = 0.05,
    max_age_days: int = 14,
    zone: str | Sequence[str] | None = None,
    base_dir: str | os.PathLike[str] | None = None,
) -> CheckResult:
    """Measure each claim on snapshots, give it a verdict, and compare claims.

    Parameters
    ----------
    claims : sequence of Claim, or a path to a claims file
        As returned by :func:`read_claims`.
    snapshots : path, folder, glob, list of them, or list of GeoDataFrame, optional
        The snapshots every claim is measured on (read with
        :func:`kurskgeo.io.read_snapshots`). If None, each claim's own
        ``snapshots`` field is used (relative to its claims file); claims
        without one are ``unverifiable``.
    region : path, GeoDataFrame or geometry, optional
        Clip every zone to this region, instead of the claims' ``region``.
    tolerance : float
        Relative tolerance of the verdicts (0.05 = 5 %).
    max_age_days : int
        A snapshot older than this (in days before the date asked) does not
        match; a claim's own ``max_age_days`` wins.
    zone : str or list of str, optional
        Measure this zone (union) instead of each claim's ``zone``. A claim
        whose ``alternatives`` name exactly this zone is measured as that
        alternative's kind (for example ISW's ``kursk_russian_advances`` area
        for a claim of ground retaken).
    base_dir : path, optional
        Resolve relative ``snapshots`` and ``region`` of the claims against
        this folder instead of their claims file's.

    Returns
    -------
    CheckResult
        ``verdicts``: a DataFrame with the columns in :data:`COLUMNS`, one row
        per claim in order. ``claimed_km2``/``measured_km2`` are km² (NaN for
        shares); ``claimed``/``measured`` are in ``unit`` (``km2``, or
        ``percent`` for shares); ``claimed_value``/``claimed_unit`` are the
        figure as stated. ``difference_km2`` is claimed − measured and
        ``relative_difference`` is (claimed − measured) / measured, so both
        are positive when a claim says more than was measured.
        ``snapshot_date`` is the snapshot at ``as_of``; ``since_date`` the
        one compared with (or the peak). ``measured_as`` is the kind measured:
        the claim's own, or that of the ``alternatives`` entry used.
        ``findings``: see
        :func:`claim_findings`.

    Raises
    ------
    ClaimsFileError
        If a claim names a zone that neither kurskgeo nor the snapshots know,
        or its ``snapshots``/``region`` cannot be read.
    SnapshotError
        If the snapshots cannot be read, or `zone` is in none of them.

    Examples
    --------
    >>> import datetime as dt, geopandas as gpd
    >>> from shapely import box
    >>> snap = gpd.GeoDataFrame({"date": [dt.date(2025, 1, 10)], "zone": ["held"]},
    ...                         geometry=[box(35, 51, 35.1, 51.1)], crs="OGC:CRS84")
    >>> c = Claim("held", dt.date(2025, 1, 17), 70, "km2", zone=("held",),
    ...           qualifier="more_than")
    >>> r = check_claims([c], [snap])
    >>> row = r.verdicts.iloc[0]
    >>> round(float(row["measured_km2"]), 1), row["verdict"]
    (78.0, 'consistent')
    """
    from kurskgeo._claims_measure import run

    return run(
        claims,
        snapshots,
        region=region,
        tolerance=tolerance,
        max_age_days=max_age_days,
        zone=zone,
        base_dir=base_dir,
    )
