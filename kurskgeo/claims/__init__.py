"""Claims: who said what, when and in which unit; readings, verdicts, findings.

A claims file (YAML, or CSV with the same columns) records statements such as
"Ukrainian troops seized 1,268 km² (490 sq mi) of Kursk region". Each becomes a
:class:`Claim`. :func:`check_claims` measures the same quantity on maps, under
every reading the claim admits, and gives it a :class:`Verdict`; it also
reports :class:`Finding` records that need no geometry: unit conversions that
disagree, claims that contradict each other, and shares that do not match the
figures they relate. ``docs/verdicts.md`` explains the rules for a reader.

What a claim states
-------------------
A figure is as precise as it is written: 801 is 801 ± 0.5, 500 is 500 ± 50,
63.2 is 63.2 ± 0.05 (:func:`stated_interval`). ``about`` (the default) widens
that to the tolerance *t* (5 %) when wider; ``nearly`` only below; ``more
than``/``at least`` have no upper end; ``less than``/``at most`` no lower.

Readings and bands
------------------
A claim about ground held, taken or lost is measured on its own zone (the
*primary* reading) and on the same zone with the grey zone (``contested``)
added or taken away, on the maps of each source given, and on the
``alternatives`` the claims file lists. Each reading rests on a map: the last
one published at or before the claim's date (no older than ``max_age_days``),
and, for a peak, the peak map. Its band is the zone shrunk and grown by the
line accuracy of a drawn front (``line_accuracy_m``, 250 m), with a map
published shortly after the claim's date included. A reading is
``consistent`` when the claim's interval meets the band, ``overstated`` when
the claim says more, ``understated`` when less.

The overall verdict is the readings' verdict when they agree,
``depends_on_reading`` when they do not, and ``unverifiable`` when no reading
can be measured: no map of the date, a map too old, a series that begins
after the start of the event for a peak or ground lost "since the peak", or a
zone no map has. The ``reason`` says so in a sentence that can be printed.

Kinds
-----
``area`` (the zone's area at ``as_of``), ``lost``/``gained`` (area in the
zone at ``since`` and not at ``as_of``, or the reverse; ``since: peak`` means
the map of the zone's largest area between the event's ``start`` and
``as_of``), ``peak`` (that largest area), ``share`` (a percentage:
measured(``part``) / measured(``of``), under the same reading; each names a
claim, or one of the quantities ``ground held``, ``ground lost since the
peak``, ``ground at the peak``; ``of`` may also be ``the region``), and
``derived`` (an ``expression`` such as ``a - b`` over other claims' stated
figures, measured as an area on its own date, like the maps show it).
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Sequence
from typing import Any

from kurskgeo.claims import _parse as _p
from kurskgeo.claims import wording
from kurskgeo.claims._extract import EVENTS, Extraction
from kurskgeo.claims._read import read_claims
from kurskgeo.claims.records import (
    COLUMNS,
    READING_COLUMNS,
    READING_VERDICTS,
    VERDICTS,
    CheckResult,
    Claim,
    Finding,
    Reading,
    Verdict,
    judge,
    stated_interval,
)
from kurskgeo.io import parse_date

__all__ = [
    "COLUMNS",
    "EVENTS",
    "KINDS",
    "LINE_ACCURACY_M",
    "MAX_AGE_DAYS",
    "QUALIFIERS",
    "QUALIFIER_WORDS",
    "READING_COLUMNS",
    "READING_VERDICTS",
    "START_TOLERANCE_DAYS",
    "VERDICTS",
    "CheckResult",
    "Claim",
    "Extraction",
    "Finding",
    "Reading",
    "Verdict",
    "check_claims",
    "claim_findings",
    "extract_claims",
    "judge",
    "normalise_qualifier",
    "read_claims",
    "stated_interval",
    "wording",
]

log = logging.getLogger(__name__)

KINDS = _p.KINDS
QUALIFIERS = _p.QUALIFIERS
QUALIFIER_WORDS = _p.QUALIFIER_WORDS
normalise_qualifier = _p.normalise_qualifier
#: Default line accuracy of a drawn front, metres (see ``docs/verdicts.md``).
LINE_ACCURACY_M = 250.0
#: Default age, in days, beyond which a map does not stand for a date.
MAX_AGE_DAYS = 14
#: A series must begin within this many days of the event's start to show its peak.
START_TOLERANCE_DAYS = 7


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
      intervals (see :func:`stated_interval`) do / do not all meet;
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
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    tolerance: float = 0.05,
    max_age_days: int = MAX_AGE_DAYS,
    line_accuracy_m: float = LINE_ACCURACY_M,
    start: Any = None,
    base_dir: str | os.PathLike[str] | None = None,
    allow_download: bool = False,
) -> CheckResult:
    """Measure each claim under every reading it admits, and give it a verdict.

    Parameters
    ----------
    claims : sequence of Claim, or a path to a claims file
        As returned by :func:`read_claims`.
    snapshots : path, folder, glob, list of them, or list of GeoDataFrame, optional
        The maps every claim is measured on: one series per source (maps of
        one date from two sources are two series). If None, each claim's own
        ``snapshots`` field is used; claims without one are ``unverifiable``.
    zone : str or list of str, optional
        The zone of claims that name none. A claim's own zone always wins.
    region : path, GeoDataFrame or geometry, optional
        Clip every zone to this region, instead of the claims' ``region``.
    tolerance : float
        How far "about" a figure reaches (0.05 = 5 %), when that is wider than
        the rounding of the figure as written.
    max_age_days : int
        A map older than this before a claim's date does not stand for it
        (the claim is unverifiable); a map published within this many days
        after it enters the band. A claim's own ``max_age_days`` wins.
    line_accuracy_m : float
        The accuracy of a drawn front line, in metres: each reading's band is
        its zone shrunk and grown by it (in the equal-area projection), then
        clipped. 0 turns the bands off (low = measured = high).
    start : date, optional
        The start of the event, for claims that give none (a peak, and ground
        lost "since the peak", are only known if the maps begin within
        :data:`START_TOLERANCE_DAYS` of it). Maps more than 30 days before the
        start are left out, with a note.
    base_dir : path, optional
        Resolve relative ``snapshots`` and ``region`` of the claims against
        this folder instead of their claims file's.
    allow_download : bool
        Let the claims fetch the datasets they name in ``region`` or
        ``snapshots`` (such as ``boundary:kursk-oblast``) into the cache. Off
        by default, so that a claims file from a stranger cannot make kurskgeo
        go online; a dataset name given here as `region` is the caller's and
        is always fetched.

    Returns
    -------
    CheckResult
        ``records``: a :class:`Verdict` per claim (the claim, its stated
        interval, its readings, the primary one, the overall verdict and the
        reason); ``verdicts`` and ``readings``: the same as tables;
        ``findings`` (see :func:`claim_findings`); ``notes``. ``to_dict()``
        follows ``docs/check.schema.json``.

    Raises
    ------
    ClaimsFileError
        If a claim names a zone that neither kurskgeo nor the snapshots know,
        or its ``snapshots``/``region`` cannot be read, or names a dataset
        without `allow_download`.
    SnapshotError
        If the snapshots cannot be read, or two of one source share a date.

    Examples
    --------
    >>> import datetime as dt, geopandas as gpd
    >>> from shapely import box
    >>> snap = gpd.GeoDataFrame({"date": [dt.date(2025, 1, 10)], "zone": ["held"]},
    ...                         geometry=[box(35, 51, 35.1, 51.1)], crs="OGC:CRS84")
    >>> c = Claim("held", dt.date(2025, 1, 17), 70, "km2", zone=("held",),
    ...           qualifier="more_than")
    >>> v = check_claims([c], [snap], line_accuracy_m=0).records[0]
    >>> round(v.primary.measured, 1), v.verdict
    (78.0, 'consistent')
    """
    from kurskgeo.claims._check import Settings, run

    settings = Settings(
        zone=(zone,) if isinstance(zone, str) else (tuple(zone) if zone else None),
        region=region,
        tolerance=tolerance,
        max_age_days=max_age_days,
        line_accuracy_m=float(line_accuracy_m),
        start=None if start is None else parse_date(start),
        allow_download=bool(allow_download),
    )
    if not (settings.line_accuracy_m >= 0 and math.isfinite(settings.line_accuracy_m)):
        raise ValueError(f"line_accuracy_m must be 0 or more, not {line_accuracy_m!r}")
    if tolerance < 0:
        raise ValueError(f"tolerance must be 0 or more, not {tolerance!r}")
    return run(claims, snapshots, settings, base_dir)


def extract_claims(
    text: str,
    *,
    date: Any = None,
    outlet: str | None = None,
    url: str | None = None,
    start: Any = None,
    markup: str = "auto",
    name: str | None = None,
) -> Extraction:
    """Read the area and share figures of an article into claims.

    Every sentence with a figure in km², square miles, hectares or percent
    (see ``docs/extract.md`` for the wordings) becomes a claim when a verb
    of taking, losing or holding ground governs it: its statement (the
    sentence, verbatim), value, unit, the conversion printed beside it
    (``also``) and qualifier; its source, from the attribution in the
    sentence or the one before, with "the ministry" and pronouns resolved to
    the full name written in the text; and a guess at its kind, since and
    zone, from the verb and whose side its subject is:

    - seized, captured, took control of (Ukraine's forces): ground taken at
      the peak (``kind: peak``, counted from the event's start);
    - retaken, reclaimed, liberated (or taken by Russia's forces), lost:
      ground lost since the peak (``kind: lost``, ``since: peak``, or the
      date the text gives: "since the start of the year");
    - controls, holds: ground held on the article's date (``kind: area``);
    - a percentage of the territory taken ("more than 60% of the territory
      occupied by Ukraine") is a ``share``, linked to the figures nearest it
      in the text (its part, of the same kind as its verb says, and the peak
      it is a share of).

    Figures of anything else (a count of settlements, a distance in km, a
    year, a price, the size of a region) are not claims; area figures that
    no such verb governs, or about places other than Kursk region in an
    article about Kursk, are left out with a note.

    Parameters
    ----------
    text : str
        The article: plain text, Markdown, or a saved HTML page (its markup
        is stripped with :class:`html.parser.HTMLParser`).
    date : date or str, optional
        The date of the claims. Default: the page's metadata
        (``article:published_time``, JSON-LD ``datePublished``, Markdown
        front matter), else the first full date written in the text.
    outlet, url : str, optional
        For each claim's ``reference`` (outlet and date) and ``url``.
        Default: the page's ``og:site_name`` and ``og:url``/canonical link.
    start : date or str, optional
        When the event began (for peaks, and ground lost since the peak).
        Default: the start of an event in :data:`EVENTS` the text names (the
        Kursk incursion: 6 August 2024), else none.
    markup : {"auto", "html", "markdown", "text"}
    name : str, optional
        The article's file name, for messages (and to tell its markup).

    Returns
    -------
    Extraction
        ``claims`` (the records :func:`read_claims` returns from the file
        ``to_yaml()`` writes, their ``path`` and ``line`` aside),
        ``findings`` (:func:`claim_findings` on them: a conversion that does
        not match, a share that does not follow from its figures), ``notes``
        (figures left out, and why).

    Raises
    ------
    ArticleError
        If no date is given or found, or `date`/`start` is not a date.

    Examples
    --------
    >>> text = ("Ukrainian troops seized control of 1,268 square kilometers "
    ...         "(490 square miles) in the Kursk region, according to the "
    ...         "Russian Defence Ministry.")
    >>> found = extract_claims(text, date="2025-01-17")
    >>> c = found.claims[0]
    >>> c.id, c.value, c.unit, c.also_value, c.also_unit, c.kind, c.source
    ('russian-defence-ministry-seized', 1268.0, 'km2', 490.0, 'mi2', 'peak', \
'Russian Defence Ministry')
    >>> c.zone, c.start
    (('liberated', 'contested'), datetime.date(2024, 8, 6))
    """
    from kurskgeo.claims._extract import extract

    return extract(
        text,
        date=date,
        outlet=outlet,
        url=url,
        start=start,
        markup=markup,
        name=name,
    )
