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

import logging
import os
from collections.abc import Sequence
from typing import Any

from kurskgeo.claims import _parse as _p
from kurskgeo.claims._read import read_claims
from kurskgeo.claims.records import (
    COLUMNS,
    VERDICTS,
    CheckResult,
    Claim,
    Finding,
    claim_interval,
    judge,
)

__all__ = [
    "COLUMNS",
    "KINDS",
    "QUALIFIERS",
    "QUALIFIER_WORDS",
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
QUALIFIER_WORDS = _p.QUALIFIER_WORDS


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
    from kurskgeo.claims._findings import find

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
    from kurskgeo.claims._check import run

    return run(
        claims,
        snapshots,
        region=region,
        tolerance=tolerance,
        max_age_days=max_age_days,
        zone=zone,
        base_dir=base_dir,
    )
