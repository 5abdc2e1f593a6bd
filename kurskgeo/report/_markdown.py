"""The text of the report: the Markdown document and the claims table."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from kurskgeo.report import _document as doc
from kurskgeo.report._text import (
    _QUALIFIER_SIGN,
    _date_of,
    _day,
    _difference,
    _first_text,
    _km2,
    _rel,
)
from kurskgeo.versions import __version__


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
