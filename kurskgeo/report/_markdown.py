"""The text of the report: the Markdown document and the claims table."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from kurskgeo.claims import wording
from kurskgeo.report import _document as doc
from kurskgeo.report._figures import ILLUSTRATION
from kurskgeo.report._text import (
    _date_of,
    _day,
    _first_text,
    _km2,
    _rel,
)
from kurskgeo.versions import __version__


def _claims_rows(claims_result: Any) -> list[list[str]]:
    """One row per claim: what was said, the overall verdict, the primary reading."""
    rows = []
    for v in claims_result.records:
        c, p = v.claim, v.primary
        unit = "percent" if c.kind == "share" else "km2"
        measured = band = reading = map_ = "–"
        if p is not None:
            reading = wording.zone_words(p.zone)
            map_ = _day(p.map)
            if p.verdict != "unverifiable":
                measured = wording.quantity(p.measured, unit)
                band = wording.span(p.low, p.high, unit) or "–"
        rows.append(
            [
                doc.lit(c.id),
                _day(c.date),
                doc.lit(c.source or ""),
                str(c.kind),
                doc.lit(wording.claimed(c))
                if c.kind != "derived"
                else doc.lit(
                    f"{wording.quantity(v.value, 'km2')} ({wording.claimed(c)})"
                ),
                doc.lit(reading) if p is not None else reading,
                map_,
                measured,
                band,
                f"**{v.verdict.replace('_', ' ')}**",
            ]
        )
    return rows


def _cite(claim: Any) -> str:
    """`` Reported by: <reference> <url>`` for a claim that names its source."""
    if claim is None:
        return ""
    ref = getattr(claim, "reference", None)
    url = getattr(claim, "url", None)
    parts = [
        p for p in (doc.lit(ref) if ref else None, doc.code(url) if url else None) if p
    ]
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
    line_accuracy_m: float,
    skipped_claims_note: str | None,
    sources: Sequence[str] = (),
    links: Sequence[doc.Block] = (),
) -> tuple[str, list[doc.Block]]:
    first, last = _date_of(snapshots[0]), _date_of(snapshots[-1])
    title = "kurskgeo report"
    lead = f"{ILLUSTRATION}. " if embedded else ""
    if embedded:
        title += ": the Kursk incursion (illustration, embedded approximate data)"
    blocks: list[doc.Block] = [doc.Heading(title, 1)]
    if embedded:
        blocks.append(
            doc.Note(
                f"**{ILLUSTRATION}.** This report used kurskgeo's embedded data "
                "(`geodata/`): shapes drawn by hand around the settlements reported "
                "held, with the dates and areas of DeepStateMap's maps of the "
                "incursion. The areas are real; the shapes, and anything that "
                "depends on them, are not. Run `kurskgeo report --source deepstate` "
                "(or `--snapshots` on exports you have) for verdicts on the real "
                "maps."
            )
        )
    what = doc.lit(" + ".join(zones)) if zones else "all polygons"
    peak_i = int(areas["area_km2"].idxmax())
    summary = [
        (
            f"**1 snapshot** of {_day(first)}; "
            if len(snapshots) == 1
            else f"**{len(snapshots)} snapshots** from {_day(first)} to {_day(last)}; "
        )
        + f"zone measured: **{what}**"
        + (f", clipped to {doc.code(_rel(region))}" if region is not None else "")
        + ".",
        f"Largest area: **{_km2(areas['area_km2'].iloc[peak_i])} km²** on "
        f"{_day(areas['date'].iloc[peak_i])}; on the last snapshot ({_day(last)}): "
        f"**{_km2(areas['area_km2'].iloc[-1])} km²**.",
    ]
    if claims_result is not None:
        records = claims_result.records
        counts: dict[str, int] = {}
        for r in records:
            counts[r.verdict] = counts.get(r.verdict, 0) + 1
        summary.append(
            f"**{len(records)} claims** checked: "
            + ", ".join(f"{n} {v.replace('_', ' ')}" for v, n in counts.items())
            + "."
        )
        off = [r for r in records if r.verdict in ("overstated", "understated")]
        if off:
            summary.append(
                "Not consistent with the maps under any reading: "
                + ", ".join(f"{doc.lit(r.claim.id)} ({r.verdict})" for r in off)
                + "."
            )
        split = [r for r in records if r.verdict == "depends_on_reading"]
        if split:
            summary.append(
                "Consistent or not depending on the reading (which zones count): "
                + ", ".join(doc.lit(r.claim.id) for r in split)
                + "."
            )
        blind = [r for r in records if r.verdict == "unverifiable"]
        if blind:
            summary.append(
                "Unverifiable (the maps do not cover them): "
                + ", ".join(doc.lit(r.claim.id) for r in blind)
                + "."
            )
        if claims_result.problems:
            summary.append(
                "Found between the statements themselves, without any map: "
                + "; ".join(
                    f"{f.kind.replace('_', ' ')} ({doc.lit(', '.join(f.claims))})"
                    for f in claims_result.problems
                )
                + "."
            )
    blocks += [doc.Heading("Summary"), doc.Items(summary)]

    # figures first: that is what a reader looks at
    if figures or failed or links:
        blocks.append(doc.Heading("Figures"))
        blocks.extend(links)
        blocks.extend(figures)
    if failed:
        blocks += [
            doc.Paragraph("**Not drawn** (an error in kurskgeo; please report it):"),
            doc.Items([doc.lit(f) for f in failed]),
        ]

    if claims_result is not None:
        cited = {c.id: c for c in claims}
        several = len({x.source for r in claims_result.records for x in r.readings}) > 1
        disagree = [
            f"**{doc.lit(r.claim.id)}**: "
            + "; ".join(
                f"{x.verdict} under the {doc.lit(wording.zone_words(x.zone))}"
                + (f" ({doc.lit(x.source)})" if several and x.source else "")
                for x in r.readings
                if x.verdict != "unverifiable"
            )
            for r in claims_result.records
            if r.verdict == "depends_on_reading"
        ]
        blocks += [
            doc.Heading("Claims and verdicts"),
            doc.Paragraph(
                "Each claim is measured under every reading it admits: its own zone "
                "(the reading shown here), and the same with the grey zone counted "
                "or not. A reading rests on the last map published at or before "
                f"the date the claim refers to (no older than {max_age_days} days) "
                "and, for the largest extent, on the peak map. Its band is the zone "
                f"shrunk and grown by {line_accuracy_m:g} m, the accuracy of a "
                "drawn front line, with a map published just after the claim's "
                "date included. A claim is consistent when what it states (its "
                "figure, as precise as it was written, and its qualifier; "
                f"“about” reaches {tolerance:.0%}) meets the band. See "
                "docs/verdicts.md in kurskgeo."
            ),
            doc.Table(
                [
                    "id",
                    "said on",
                    "source",
                    "kind",
                    "claimed",
                    "reading",
                    "map",
                    "measured",
                    "band",
                    "verdict",
                ],
                _claims_rows(claims_result),
                numeric=[False] * 7 + [True, True, False],
                caption=f"{lead}Claims from {doc.code(_rel(claims_path))}; verdicts "
                "also in verdicts.csv and verdicts.json.",
            ),
        ]
        if disagree:
            blocks += [
                doc.Paragraph("**Readings that disagree.**"),
                doc.Items(disagree),
            ]
        blocks += [
            doc.Heading("Why", 3),
            doc.Items(
                [
                    f"**{doc.lit(r.claim.id)}**: {doc.lit(r.reason)}"
                    for r in claims_result.records
                ]
            ),
            doc.Heading("What was said", 3),
            doc.Items(
                [
                    f"**{doc.lit(r.claim.id)}** ({doc.lit(r.claim.source)}, "
                    f"{_day(r.claim.date)}): “{doc.lit(r.claim.statement)}”"
                    + _cite(cited.get(r.claim.id))
                    for r in claims_result.records
                ]
            ),
            doc.Heading("Findings"),
        ]
        if claims_result.findings:
            blocks.append(
                doc.Items(
                    [
                        f"**{f.kind}** ({doc.lit(', '.join(f.claims))}): "
                        f"{doc.lit(f.message)}"
                        for f in claims_result.findings
                    ]
                )
            )
        else:
            blocks.append(doc.Paragraph("No findings between the claims."))
        if claims_result.notes:
            blocks += [
                doc.Paragraph("**Left out.**"),
                doc.Items([doc.lit(n) for n in claims_result.notes]),
            ]
    elif skipped_claims_note:
        blocks += [doc.Heading("Claims"), doc.Paragraph(skipped_claims_note)]

    # the area table
    zone_cols = [
        c for c in areas.columns if c.endswith("_km2") and c[:-4] in (zones or [])
    ]
    total = f"{what} km²" if len(zone_cols) > 1 else "area km²"
    columns = [
        "date",
        *[doc.lit(c[:-4]) + " km²" for c in zone_cols],
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
                f"{lead}Area of {what} in km² on each snapshot"
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
                doc.code(_rel(snap.attrs.get("path"))),
                doc.lit(_first_text(snap, "source"))
                if _first_text(snap, "source")
                else "–",
                doc.lit(", ".join(zones_here)) if zones_here else "–",
                str(len(snap)),
                str(n_notes),
            ]
        )
        prefix = f"{snap.attrs.get('path')}: "
        for note in snap.attrs.get("notes") or []:
            text = str(note).removeprefix(prefix)
            name = Path(str(snap.attrs.get("path"))).name
            notes.append(f"{_day(_date_of(snap))} ({doc.code(name)}): {doc.lit(text)}")
    blocks += [
        doc.Heading("Data used"),
        doc.Items(
            [
                f"Snapshots: {len(snapshots)} files, {_day(first)} to {_day(last)}.",
                f"Zones measured: {what}"
                + (" (default for the embedded data)" if embedded else "")
                + ".",
                f"Region: {doc.code(_rel(region))}."
                if region is not None
                else "Region: none (whole snapshots).",
                f"Claims: {doc.code(_rel(claims_path))}."
                if claims_path
                else "Claims: none.",
                "Coordinates read as WGS84 longitude/latitude (OGC:CRS84); areas "
                "measured in a Lambert azimuthal equal-area projection centred on "
                f"the zones measured ({doc.code(crs)}), after densifying edges longer "
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
            "the data, never in degrees or Web Mercator. A claim is measured on "
            "the last map published on or before the date it refers to, if that "
            f"map is at most {max_age_days} days older (a map published within "
            f"{max_age_days} days after it widens the band too); otherwise it "
            "cannot be verified, and the table says why. Each claim is judged "
            "under every reading it admits (the zone it names, with and without "
            "the grey zone, on each source's maps); each reading has a band, the "
            "area with every front line moved "
            f"{line_accuracy_m:,.0f} m out and in. A claim is consistent under a "
            "reading when the figure as stated (its qualifier and its rounding: "
            "“more than 420”, “about 1,270”) meets the band; `depends on reading` "
            "means the readings disagree. Figures in claims are quoted as their "
            "sources gave them; kurskgeo only measures what the maps show. "
            "`docs/verdicts.md` in kurskgeo's documentation gives every rule. "
            f"Made with kurskgeo {__version__}."
        ),
    ]
    if sources:
        # kurskgeo's own lines (dataset names, credits, code spans): kept as
        # Markdown, made safe by the renderer like all its text
        blocks += [doc.Heading("Sources"), doc.Items(list(sources))]
    return title, blocks
