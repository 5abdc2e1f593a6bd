"""The main job: from claims and snapshots to a report with tables and maps.

:func:`make_report` reads a series of control-zone snapshots and a claims file,
measures every snapshot, follows the area over time, checks every claim, and
writes ``report.md`` and a self-contained ``report.html`` with PNG figures (a
map per key date, a change map between the first and last snapshot, and the
area-over-time chart with the claims on it).

With no snapshots and no claims it runs on the data kurskgeo ships in
``geodata/`` (see :func:`geodata_dir`): approximate snapshots reconstructed from
published figures, the bundled claims about the Kursk incursion, and places for
orientation. The report then says so at the top.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import logging
import math
import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from kurskgeo import _report_html as doc
from kurskgeo._version import __version__
from kurskgeo.errors import (
    KurskgeoError,
    KurskgeoWarning,
    OutputError,
    OutputExistsError,
    SnapshotError,
)

__all__ = [
    "DEFAULT_OUTDIR",
    "Report",
    "geodata_dir",
    "make_report",
]

log = logging.getLogger(__name__)

#: Where ``kurskgeo report`` writes when no ``-o`` is given.
DEFAULT_OUTDIR = "kurskgeo-report"
#: At most this many single-date maps (first, peak, last, and claim dates).
MAX_KEY_MAPS = 6
#: Figures are written at this resolution (dots per inch).
DPI = 150

_QUALIFIER_SIGN = {
    "exact": "",
    "about": "about ",
    "nearly": "nearly ",
    "more_than": "more than ",
    "at_least": "at least ",
    "less_than": "less than ",
    "at_most": "at most ",
}


def geodata_dir() -> Path:
    """Return the folder of the data kurskgeo ships: claims, places, snapshots.

    In a source checkout (or an editable install) it is ``geodata/`` beside the
    package; in an installed wheel it is ``kurskgeo/_geodata``.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    KurskgeoError
        If neither folder exists (a broken installation).

    Examples
    --------
    >>> (geodata_dir() / "places.geojson").is_file()
    True
    """
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "geodata", here / "_geodata"):
        if (candidate / "snapshots").is_dir():
            return candidate
    raise KurskgeoError(
        f"kurskgeo's embedded data was found neither in {here.parent / 'geodata'} nor "
        f"in {here / '_geodata'}; reinstall kurskgeo (pip install kurskgeo)"
    )


@dataclass(frozen=True, eq=False)
class Report:
    """What :func:`make_report` wrote, and the tables it wrote them from.

    `notes` are what was skipped or repaired while reading the snapshots;
    `not_drawn` the figures that failed, with the error (also in the report).
    """

    outdir: Path
    markdown: Path
    html: Path
    figures: tuple[Path, ...]
    embedded: bool
    areas: pd.DataFrame
    verdicts: pd.DataFrame | None = None
    findings: tuple[Any, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    not_drawn: tuple[str, ...] = ()


# ---------------------------------------------------------------- helpers


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
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _date_of(snap: gpd.GeoDataFrame) -> dt.date | None:
    dates = [d for d in snap["date"] if d is not None and not pd.isna(d)]
    return dates[0] if dates else None


def _rel(path: Any) -> str:
    """Show a path as the user knows it: relative to the cwd or to geodata/."""
    if path is None:
        return "–"
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


def _save(fig: Any, path: Path, *, overwrite: bool) -> Path:
    """Save a matplotlib Figure as a deterministic PNG, atomically."""
    from kurskgeo.plot import save_figure

    return save_figure(fig, path, dpi=DPI, overwrite=overwrite)


# ---------------------------------------------------------------- measuring


def _area_table(
    snapshots: Sequence[gpd.GeoDataFrame],
    zones: list[str] | None,
    region: Any,
    series: pd.DataFrame,
) -> pd.DataFrame:
    """One row per snapshot: area of each zone, of their union, and the change."""
    from kurskgeo.area import area_km2

    rows = []
    for i, snap in enumerate(snapshots):
        row: dict[str, Any] = {"date": _date_of(snap), "path": snap.attrs.get("path")}
        if zones and len(zones) > 1:
            for z in zones:
                present = "zone" in snap.columns and (snap["zone"] == z).any()
                row[f"{z}_km2"] = (
                    area_km2(snap, zone=z, region=region) if present else 0.0
                )
        row["area_km2"] = float(series["area_km2"].iloc[i])
        for col in ("gained_km2", "lost_km2", "net_km2", "km2_per_day"):
            row[col] = float(series[col].iloc[i]) if col in series.columns else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def _series(
    snapshots: Sequence[gpd.GeoDataFrame], zones: list[str] | None, region: Any
) -> pd.DataFrame:
    from kurskgeo.timeline import timeline

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KurskgeoWarning)  # already in the notes
        return timeline(list(snapshots), zone=zones, region=region)


def _key_indices(
    snapshots: Sequence[gpd.GeoDataFrame],
    areas: pd.DataFrame,
    verdicts: pd.DataFrame | None,
) -> list[int]:
    """First, peak and last snapshot, and those the claims were measured on."""
    dates = [_date_of(s) for s in snapshots]
    nonzero = [i for i in range(len(snapshots)) if areas["area_km2"].iloc[i] > 0.05]
    if not nonzero:
        return [len(snapshots) - 1] if snapshots else []
    keys = {nonzero[0], nonzero[-1], int(areas["area_km2"].idxmax())}
    claim_keys: list[int] = []
    if verdicts is not None and "snapshot_date" in verdicts.columns:
        for value in verdicts["snapshot_date"].dropna():
            day = value.date() if isinstance(value, pd.Timestamp) else value
            if day in dates:
                i = dates.index(day)
                if i in nonzero and i not in keys and i not in claim_keys:
                    claim_keys.append(i)
    for i in claim_keys:
        if len(keys) >= MAX_KEY_MAPS:
            break
        keys.add(i)
    return sorted(keys)


# ---------------------------------------------------------------- figures


def _chart_claims(claims_result: Any, claims: Sequence[Any]) -> pd.DataFrame | None:
    """Select the claims that state the area held on the day they were made.

    The chart marks claims at the date they were made. Claims of ground lost or
    gained are not areas held and would mislead on an area axis; a ``peak``
    refers to another date; shares have no km². All of them are in the table.
    """
    if claims_result is None:
        return None
    v = claims_result.verdicts
    measure = {c.id: (c.kind if c.kind != "derived" else c.measure) for c in claims}
    keep = v["id"].map(lambda cid: measure.get(cid) == "area")
    return v[keep & v["claimed_km2"].notna()].copy()


def _figures(
    snapshots: Sequence[gpd.GeoDataFrame],
    areas: pd.DataFrame,
    keys: list[int],
    *,
    zones: list[str] | None,
    region: Any,
    places: Any,
    context: Any,
    embedded: bool,
    claims_result: Any,
    claims: Sequence[Any],
    series: pd.DataFrame,
    folder: Path,
    overwrite: bool,
    say: Callable[[str], None],
) -> tuple[list[doc.Figure], list[str]]:
    """Draw every figure; return them, and what could not be drawn and why."""
    from matplotlib.figure import Figure

    from kurskgeo import plot

    folder.mkdir(exist_ok=True)
    what = " + ".join(zones) if zones else "all polygons"
    # figures of the embedded data say what they are even when cut out of the report
    approx = " (approximate reconstruction)" if embedded else ""
    title = f"Ground held or contested by Ukraine in Kursk region{approx}"
    title_or_none = title if embedded else None

    def timeline_chart() -> doc.Figure:
        fig = Figure(figsize=(10, 5.6), layout="constrained")
        ax = fig.add_subplot()
        chart_claims = _chart_claims(claims_result, claims)
        dates = [d for d in (_date_of(s) for s in snapshots) if d is not None]
        gaps = sorted((b - a).days for a, b in itertools.pairwise(dates))
        # a step says "unchanged until the next snapshot": honest for daily
        # series, not for a handful of dates months apart
        kind = "step" if gaps and gaps[len(gaps) // 2] <= 3 else "line"
        sources = [_first_text(s, "source") for s in snapshots]
        # snapshots with nothing in the zone long before it appears (a 2022
        # export in a 2024 series) would squeeze the chart: keep the last of them
        first = next((i for i, a in enumerate(series["area_km2"]) if a > 0.05), 0)
        dropped = max(first - 1, 0)
        plot.plot_timeline(
            series.assign(source=sources).iloc[dropped:],
            claims=chart_claims,
            ax=ax,
            zone=zones,
            kind=kind,
            title=(
                f"Area held or contested by Ukraine, and what was claimed{approx}"
                if embedded
                else None
            ),
        )
        path = _save(fig, folder / "timeline.png", overwrite=overwrite)
        n_shown = 0 if chart_claims is None else len(chart_claims)
        caption = (
            f"Area ({what}) measured on each snapshot"
            + (
                " (lines join the snapshots; the area between them is not known)"
                if kind == "line"
                else ""
            )
            + f", with the {n_shown} claims of the area held on the day they were "
            "made, coloured by verdict; a dotted line joins a claim to what was "
            "measured. Claims about ground lost or gained, the largest extent, and "
            "shares are in the claims table."
            + (
                f" {dropped} earlier snapshot(s) with no area are left out."
                if dropped
                else ""
            )
        )
        return doc.Figure(f"figures/{path.name}", caption, "Area over time with claims")

    def small_multiples() -> doc.Figure:
        # small panels: label towns only, villages would collide
        towns = places
        if places is not None and "kind" in places.columns:
            towns = places[places["kind"].isin(["city", "town"])]
        n = len(keys)
        fig = plot.plot_small_multiples(
            [snapshots[i] for i in keys],
            zone=zones,
            region=region,
            places=towns,
            context=context,
            title=title_or_none,
            ncols=3 if n in (5, 6, 9) else min(n, 4),
        )
        path = _save(fig, folder / "small_multiples.png", overwrite=overwrite)
        return doc.Figure(
            f"figures/{path.name}",
            "The key dates side by side, on the same extent and scale.",
            "Small multiples of the key dates",
        )

    def change_map(ia: int, ib: int, between: str) -> doc.Figure:
        a, b = snapshots[ia], snapshots[ib]
        da, db = _day(_date_of(a)), _day(_date_of(b))
        fig = Figure(figsize=(9, 8), layout="constrained")
        ax = fig.add_subplot()
        plot.plot_change(
            a,
            b,
            zone=zones,
            region=region,
            places=places,
            context=context,
            ax=ax,
            title=f"Ground gained and lost{approx}" if embedded else None,
        )
        path = _save(fig, folder / f"change_{da}_{db}.png", overwrite=overwrite)
        return doc.Figure(
            f"figures/{path.name}",
            f"What changed between {between} ({da} and {db}): ground gained, "
            "lost and unchanged, with the areas in the legend.",
            f"Change map {da} to {db}",
        )

    def snapshot_map(i: int) -> doc.Figure:
        snap = snapshots[i]
        day = _day(_date_of(snap))
        fig = Figure(figsize=(9, 8), layout="constrained")
        ax = fig.add_subplot()
        plot.plot_snapshot(
            snap,
            zone=zones,
            region=region,
            places=places,
            context=context,
            ax=ax,
            title=title_or_none,
        )
        path = _save(fig, folder / f"map_{day}.png", overwrite=overwrite)
        source = _first_text(snap, "source")
        return doc.Figure(
            f"figures/{path.name}",
            f"Control zones on {day} ({source or 'source unknown'}): "
            f"{_km2(areas['area_km2'].iloc[i])} km² ({what}).",
            f"Map of {day}",
        )

    jobs: list[tuple[str, Callable[[], doc.Figure]]] = [
        ("the area-over-time chart", timeline_chart)
    ]
    if len(keys) >= 2:
        jobs.append(("the small multiples", small_multiples))
    nonzero = [i for i in range(len(snapshots)) if areas["area_km2"].iloc[i] > 0.05]
    if len(nonzero) >= 2:
        pairs = [(nonzero[0], nonzero[-1], "the first and last snapshot")]
        peak = int(areas["area_km2"].idxmax())
        if peak not in (nonzero[0], nonzero[-1]):
            pairs.append(
                (peak, nonzero[-1], "the largest extent and the last snapshot")
            )
        for ia, ib, between in pairs:
            label = (
                f"the change map {_day(_date_of(snapshots[ia]))} → "
                f"{_day(_date_of(snapshots[ib]))}"
            )
            jobs.append((label, functools.partial(change_map, ia, ib, between)))
    for i in keys:
        label = f"the map of {_day(_date_of(snapshots[i]))}"
        jobs.append((label, functools.partial(snapshot_map, i)))

    out: list[doc.Figure] = []
    failed: list[str] = []
    for label, draw in jobs:
        say(f"drawing {label}")
        try:
            out.append(draw())
        except OutputError:
            raise
        except Exception as exc:  # one failed figure must not lose the report
            log.warning("could not draw %s", label, exc_info=True)
            say(f"could not draw {label}: {type(exc).__name__}: {exc}")
            failed.append(f"{label}: {type(exc).__name__}: {exc}")
    return out, failed


# ---------------------------------------------------------------- the document


def _claims_rows(verdicts: pd.DataFrame) -> list[list[str]]:
    rows = []
    for r in verdicts.to_dict(orient="records"):
        unit = r.get("unit") or "km2"
        sign = _QUALIFIER_SIGN.get(r.get("qualifier"), "")
        if unit == "percent":
            claimed = f"{sign}{r.get('claimed', math.nan):.1f}%"
            measured = "–" if pd.isna(r.get("measured")) else f"{r['measured']:.1f}%"
            diff = "–"
        else:
            claimed = f"{sign}{_km2(r.get('claimed_km2'))}"
            measured = _km2(r.get("measured_km2"))
            diff = _difference(r.get("difference_km2"), r.get("relative_difference"))
        zone = r.get("zone")
        if isinstance(zone, (list, tuple)):
            zone = " + ".join(zone)
        rows.append(
            [
                str(r.get("id")),
                _day(r.get("date")),
                str(r.get("source") or ""),
                str(r.get("kind") or ""),
                claimed,
                measured,
                _day(r.get("snapshot_date")),
                diff,
                f"**{r.get('verdict')}**",
            ]
        )
    return rows


def _cite(claim: Any) -> str:
    """`` Reported by: <reference> <url>`` for a claim that names its source."""
    if claim is None:
        return ""
    ref = getattr(claim, "reference", None)
    url = getattr(claim, "url", None)
    parts = [p for p in (ref, f"<{url}>" if url else None) if p]
    return f" Reported by: {', '.join(parts)}." if parts else ""


def _sliver_note(series: pd.DataFrame) -> str:
    """Say what the timeline's sliver rule removed, if anything."""
    totals = series.attrs.get("totals") or {}
    filtered = totals.get("filtered_km2")
    if not filtered or filtered < 0.005:
        return ""
    return (
        f"; change parts under {series.attrs.get('min_area_km2', 0):g} km² are "
        f"treated as redrawing slivers ({filtered:,.2f} km² in all, removed from "
        "both gained and lost)"
    )


def _document(
    *,
    embedded: bool,
    series: pd.DataFrame,
    snapshots: Sequence[gpd.GeoDataFrame],
    areas: pd.DataFrame,
    zones: list[str] | None,
    region: Any,
    claims_path: Path | None,
    claims_result: Any,
    claims: Sequence[Any],
    figures: list[doc.Figure],
    failed: Sequence[str],
    crs: str,
    tolerance: float,
    max_age_days: int,
    skipped_claims_note: str | None,
) -> tuple[str, list[doc.Block]]:
    first, last = _date_of(snapshots[0]), _date_of(snapshots[-1])
    title = "kurskgeo report"
    if embedded:
        title += ": the Kursk incursion (embedded approximate data)"
    blocks: list[doc.Block] = [doc.Heading(title, 1)]
    if embedded:
        blocks.append(
            doc.Note(
                "**This report used kurskgeo's embedded, approximate data** "
                "(`geodata/`): control zones reconstructed from published figures "
                "and reported settlement control, not maps of the front line. "
                "Because their areas were tuned to published figures, verdicts on "
                "them are illustrations, not evidence. Run `kurskgeo report "
                "--snapshots PATH... --region FILE` on real exports (see "
                "`kurskgeo fetch`) for verdicts that mean something."
            )
        )
    what = " + ".join(zones) if zones else "all polygons"
    peak_i = int(areas["area_km2"].idxmax())
    summary = [
        (
            f"**1 snapshot** of {_day(first)}; "
            if len(snapshots) == 1
            else f"**{len(snapshots)} snapshots** from {_day(first)} to {_day(last)}; "
        )
        + f"zone measured: **{what}**"
        + (f", clipped to `{_rel(region)}`" if region is not None else "")
        + ".",
        f"Largest area: **{_km2(areas['area_km2'].iloc[peak_i])} km²** on "
        f"{_day(areas['date'].iloc[peak_i])}; on the last snapshot ({_day(last)}): "
        f"**{_km2(areas['area_km2'].iloc[-1])} km²**.",
    ]
    if claims_result is not None:
        counts = claims_result.verdicts["verdict"].value_counts()
        summary.append(
            f"**{len(claims_result.verdicts)} claims** checked: "
            + ", ".join(f"{n} {v}" for v, n in counts.items())
            + "."
        )
        v = claims_result.verdicts
        off = v[v["verdict"].isin(["overstated", "understated"])]
        if len(off):
            summary.append(
                "Not consistent with the maps: "
                + ", ".join(f"{r['id']} ({r['verdict']})" for _, r in off.iterrows())
                + "."
            )
        blind = v[v["verdict"] == "unverifiable"]
        if len(blind):
            summary.append(
                "Unverifiable (no matching snapshot): "
                + ", ".join(str(i) for i in blind["id"])
                + "."
            )
        if claims_result.problems:
            summary.append(
                "Found between the statements themselves, without any map: "
                + "; ".join(
                    f"{f.kind.replace('_', ' ')} ({', '.join(f.claims)})"
                    for f in claims_result.problems
                )
                + "."
            )
    blocks += [doc.Heading("Summary"), doc.Items(summary)]

    # figures first: that is what a reader looks at
    if figures or failed:
        blocks.append(doc.Heading("Figures"))
        blocks.extend(figures)
    if failed:
        blocks += [
            doc.Paragraph("**Not drawn** (an error in kurskgeo; please report it):"),
            doc.Items([f"{f}" for f in failed]),
        ]

    if claims_result is not None:
        v = claims_result.verdicts
        cited = {c.id: c for c in claims}
        blocks += [
            doc.Heading("Claims and verdicts"),
            doc.Paragraph(
                "Each claim's figure (converted to km²) is compared with the same "
                "quantity measured on the latest snapshot at or before the date the "
                "claim refers to. **Difference** is claimed − measured, relative to "
                "the measured value; within the tolerance "
                f"({tolerance:.0%}) a claim is consistent."
            ),
            doc.Table(
                [
                    "id",
                    "said on",
                    "source",
                    "kind",
                    "claimed km²",
                    "measured km²",
                    "snapshot",
                    "difference",
                    "verdict",
                ],
                _claims_rows(v),
                numeric=[False, False, False, False, True, True, False, True, False],
                caption=f"Claims from `{_rel(claims_path)}`.",
            ),
            doc.Heading("What was said", 3),
            doc.Items(
                [
                    f"**{r['id']}** ({r.get('source')}, {_day(r.get('date'))}): "
                    f"“{r.get('statement')}”"
                    + (
                        f" — {r['note']}."
                        if isinstance(r.get("note"), str) and r.get("note")
                        else ""
                    )
                    + _cite(cited.get(str(r["id"])))
                    for r in v.to_dict(orient="records")
                ]
            ),
            doc.Heading("Findings"),
        ]
        if claims_result.findings:
            blocks.append(
                doc.Items(
                    [
                        f"**{f.kind}** ({', '.join(f.claims)}): {f.message}"
                        for f in claims_result.findings
                    ]
                )
            )
        else:
            blocks.append(doc.Paragraph("No findings between the claims."))
    elif skipped_claims_note:
        blocks += [doc.Heading("Claims"), doc.Paragraph(skipped_claims_note)]

    # the area table
    zone_cols = [
        c for c in areas.columns if c.endswith("_km2") and c[:-4] in (zones or [])
    ]
    total = f"{what} km²" if len(zone_cols) > 1 else "area km²"
    columns = [
        "date",
        *[c[:-4] + " km²" for c in zone_cols],
        total,
        "gained",
        "lost",
        "net",
        "km²/day",
    ]
    rows = []
    for r in areas.to_dict(orient="records"):
        rows.append(
            [
                _day(r["date"]),
                *[_km2(r[c], 1) for c in zone_cols],
                _km2(r["area_km2"], 1),
                _km2(r["gained_km2"], 1),
                _km2(r["lost_km2"], 1),
                _km2(r["net_km2"], 1),
                _km2(r["km2_per_day"], 1),
            ]
        )
    blocks += [
        doc.Heading("Areas per snapshot"),
        doc.Table(
            columns,
            rows,
            numeric=[False] + [True] * (len(columns) - 1),
            caption=(
                f"Area of {what} in km² on each snapshot"
                + (" (clipped to the region)" if region is not None else "")
                + "; gained, lost and net against the previous snapshot (geometric: "
                "area in one and not in the other)" + _sliver_note(series) + "."
            ),
        ),
    ]

    # data used
    data_rows = []
    notes: list[str] = []
    for snap in snapshots:
        zones_here = (
            sorted({str(z) for z in snap["zone"].dropna()})
            if "zone" in snap.columns
            else []
        )
        n_notes = len(snap.attrs.get("notes") or [])
        data_rows.append(
            [
                _day(_date_of(snap)),
                f"`{_rel(snap.attrs.get('path'))}`",
                _first_text(snap, "source") or "–",
                ", ".join(zones_here) or "–",
                str(len(snap)),
                str(n_notes),
            ]
        )
        prefix = f"{snap.attrs.get('path')}: "
        for note in snap.attrs.get("notes") or []:
            text = str(note).removeprefix(prefix)
            name = Path(str(snap.attrs.get("path"))).name
            notes.append(f"{_day(_date_of(snap))} (`{name}`): {text}")
    blocks += [
        doc.Heading("Data used"),
        doc.Items(
            [
                f"Snapshots: {len(snapshots)} files, {_day(first)} to {_day(last)}.",
                f"Zones measured: {what}"
                + (" (default for the embedded data)" if embedded else "")
                + ".",
                f"Region: `{_rel(region)}`."
                if region is not None
                else "Region: none (whole snapshots).",
                f"Claims: `{_rel(claims_path)}`." if claims_path else "Claims: none.",
                "Coordinates read as WGS84 longitude/latitude (OGC:CRS84); areas "
                "measured in a Lambert azimuthal equal-area projection centred on "
                f"the zones measured (`{crs}`), after densifying edges longer "
                "than 2 km along the geodesic.",
            ]
        ),
        doc.Table(
            ["date", "file", "source", "zones in file", "polygons", "notes"],
            data_rows,
            numeric=[False, False, False, False, True, True],
        ),
        doc.Heading("Repaired or skipped while reading", 3),
    ]
    if notes:
        shown = notes[:40]
        if len(notes) > 40:
            shown.append(f"… and {len(notes) - 40} more.")
        blocks.append(doc.Items(shown))
    else:
        blocks.append(doc.Paragraph("Nothing: every feature was read as it was."))
    blocks += [
        doc.Heading("How to read this report"),
        doc.Paragraph(
            "Areas are computed by kurskgeo in an equal-area projection centred on "
            "the data, never in degrees or Web Mercator. A snapshot matches a claim "
            "if it is the latest at or before the date the claim refers to and at "
            f"most {max_age_days} days older. Qualifiers count: “more than 420” is "
            "consistent with any larger measurement. Figures in claims are quoted "
            "as their "
            "sources gave them; kurskgeo only measures what the maps show. "
            f"Made with kurskgeo {__version__}."
        ),
    ]
    return title, blocks


# ---------------------------------------------------------------- main


def make_report(
    outdir: str | os.PathLike[str] = DEFAULT_OUTDIR,
    *,
    claims: str | os.PathLike[str] | None = None,
    snapshots: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    places: str | os.PathLike[str] | None = None,
    context: Sequence[Any] | None = None,
    tolerance: float = 0.05,
    max_age_days: int = 14,
    overwrite: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Check claims against snapshots and write a report with tables and figures.

    Parameters
    ----------
    outdir : path
        Folder to write ``report.md``, ``report.html`` and ``figures/*.png``
        into (created if missing).
    claims : path, optional
        A claims file (see :func:`kurskgeo.claims.read_claims`). Default: the
        bundled ``geodata/claims/kursk.yaml`` when `snapshots` is also None,
        else no claims.
    snapshots : path or list of paths, optional
        Snapshot files, folders or globs. Default: the embedded approximate
        snapshots in ``geodata/snapshots/``.
    zone : str or list of str, optional
        The zone(s) whose union is measured, mapped and followed over time.
        Default: ``liberated`` and ``contested`` (all the ground Ukraine
        entered) for the embedded data, else all polygons.
        Claims are measured on their own zones.
    region : path, GeoDataFrame or geometry, optional
        Clip every zone to this region (for example Kursk Oblast).
    places : path, optional
        Points with a ``name`` to label on the maps. Default: the embedded
        ``geodata/places.geojson``.
    context : list of paths or GeoDataFrames, optional
        Background layers drawn under the maps, such as country outlines
        (Natural Earth admin-0). Default: the embedded hand-drawn border for
        the embedded data, nothing for real data.
    tolerance : float
        Relative tolerance of the claim verdicts.
    max_age_days : int
        A snapshot older than this before the date a claim refers to does not
        match it (the claim is then ``unverifiable``).
    overwrite : bool
        Replace an existing report in `outdir`.
    progress : callable, optional
        Called with a short message at each step (the CLI prints them on
        stderr).

    Returns
    -------
    Report

    Raises
    ------
    OutputExistsError
        If `outdir` already holds a report and `overwrite` is False.
    SnapshotError, ClaimsFileError
        If the snapshots or the claims cannot be read.

    See Also
    --------
    kurskgeo.claims.check_claims : the verdicts alone.
    kurskgeo.timeline.timeline : the area series alone.

    Examples
    --------
    With no data given, the report runs on the embedded data:

    >>> import tempfile
    >>> from pathlib import Path
    >>> rep = make_report(Path(tempfile.mkdtemp()) / "report")
    >>> rep.embedded, rep.markdown.name, len(rep.figures) >= 4
    (True, 'report.md', True)
    >>> peak = rep.areas.loc[rep.areas["area_km2"].idxmax()]
    >>> str(peak["date"]), round(float(peak["area_km2"]))
    ('2024-08-27', 1294)
    """
    from kurskgeo.io import atomic_write, read_snapshots

    def say(message: str) -> None:
        log.info(message)
        if progress is not None:
            progress(message)

    out = Path(outdir)
    md_path, html_path = out / "report.md", out / "report.html"
    for target in (md_path, html_path):
        if target.exists() and not overwrite:
            raise OutputExistsError(
                f"{target} exists; pass overwrite=True (CLI: --overwrite) to replace "
                "the report, or choose another folder with -o"
            )

    embedded = snapshots is None
    data = geodata_dir() if (embedded or claims is None or places is None) else None
    if embedded:
        assert data is not None
        snapshots = data / "snapshots"
        if claims is None:
            claims = data / "claims" / "kursk.yaml"
        if zone is None:
            zone = ["liberated", "contested"]
    if places is None and data is not None:
        places = data / "places.geojson"
    zones = [zone] if isinstance(zone, str) else (list(zone) if zone else None)

    one = isinstance(snapshots, (str, os.PathLike))
    say(f"reading snapshots from {_rel(snapshots) if one else 'several paths'}")
    with warnings.catch_warnings():
        # what was skipped or repaired is recorded in each snapshot's notes and
        # listed in the report; one warning per file would drown the progress
        warnings.simplefilter("ignore", KurskgeoWarning)
        snaps = read_snapshots(snapshots)  # type: ignore[arg-type]
    if not snaps:
        raise SnapshotError("no snapshots to report on")
    n_notes = sum(len(s.attrs.get("notes") or []) for s in snaps)
    if n_notes:
        say(f"{n_notes} note(s) on skipped or repaired features, listed in the report")
    if zones:
        present = _zones_present(snaps)
        missing = [z for z in zones if z not in present]
        if len(missing) == len(zones):
            raise SnapshotError(
                f"none of the zones {', '.join(zones)} occurs in the snapshots; "
                f"zones there: {', '.join(present) or 'none'} (use --zone)"
            )
    place_points = gpd.read_file(places) if places is not None else None
    if context is not None:
        context = list(context)
    elif embedded and data is not None and (data / "countries.geojson").is_file():
        # the embedded, hand-drawn border only makes sense under embedded zones
        countries = gpd.read_file(data / "countries.geojson")
        context = [countries.iloc[[i]] for i in range(len(countries))]

    say(f"measuring {len(snaps)} snapshots")
    series = _series(snaps, zones, region)
    areas = _area_table(snaps, zones, region, series)
    crs = series.attrs.get("crs")
    crs = crs.to_string() if hasattr(crs, "to_string") else str(crs or "auto")

    claims_result = None
    claim_list: list[Any] = []
    claims_path = Path(claims) if claims is not None else None
    skipped = None
    if claims_path is not None:
        if not claims_path.is_file() and embedded:
            skipped = f"The bundled claims file {claims_path} is missing."
            claims_path = None
        else:
            from kurskgeo.claims import check_claims, read_claims

            say(f"checking the claims in {_rel(claims_path)}")
            claim_list = read_claims(claims_path)
            claims_result = check_claims(
                claim_list,
                snaps,
                region=region,
                tolerance=tolerance,
                max_age_days=max_age_days,
            )
    else:
        skipped = "No claims file was given (--claims), so no claims were checked."

    keys = _key_indices(snaps, areas, claims_result.verdicts if claims_result else None)
    out.mkdir(parents=True, exist_ok=True)
    figures, failed = _figures(
        snaps,
        areas,
        keys,
        zones=zones,
        region=region,
        places=place_points,
        context=context,
        embedded=embedded,
        claims_result=claims_result,
        claims=claim_list,
        series=series,
        folder=out / "figures",
        overwrite=True,
        say=say,
    )
    title, blocks = _document(
        embedded=embedded,
        series=series,
        snapshots=snaps,
        areas=areas,
        zones=zones,
        region=region,
        claims_path=claims_path,
        claims_result=claims_result,
        claims=claim_list,
        figures=figures,
        failed=failed,
        crs=crs,
        tolerance=tolerance,
        max_age_days=max_age_days,
        skipped_claims_note=skipped,
    )
    say(f"writing {md_path} and {html_path}")
    with atomic_write(md_path, "w", overwrite=overwrite) as fh:
        fh.write(doc.to_markdown(blocks))
    html_text = doc.to_html(blocks, title=title, folder=out)
    with atomic_write(html_path, "w", overwrite=overwrite) as fh:
        fh.write(html_text)
    return Report(
        outdir=out,
        markdown=md_path,
        html=html_path,
        figures=tuple(out / f.path for f in figures),
        embedded=embedded,
        areas=areas,
        verdicts=claims_result.verdicts if claims_result is not None else None,
        findings=tuple(claims_result.findings) if claims_result is not None else (),
        notes=tuple(n for s in snaps for n in (s.attrs.get("notes") or [])),
        not_drawn=tuple(failed),
    )
