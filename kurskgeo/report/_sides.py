"""The report's "Sources side by side" section, when its snapshots hold two sources.

The report follows one source (the one whose maps hold the mapped zones; of
several, the one with the most maps); each other source is compared with it by
:func:`kurskgeo.series.compare`: by default what the mapped zone lost since
its peak against the other source's zones on the nearest dates. For Kursk,
DeepStateMap's ground lost since the peak against ISW's assessed Russian
advances.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from kurskgeo.report import _document as doc

__all__ = ["side_by_side", "split_sources"]


def _source(snap: gpd.GeoDataFrame) -> str:
    if "source" in snap.columns:
        for s in snap["source"]:
            if isinstance(s, str) and s:
                return s
    return "unknown"


def split_sources(
    snaps: Sequence[gpd.GeoDataFrame], zones: Sequence[str] | None
) -> tuple[list[gpd.GeoDataFrame], dict[str, list[gpd.GeoDataFrame]]]:
    """Return the followed source's snapshots, and the others' by source."""
    groups: dict[str, list[gpd.GeoDataFrame]] = {}
    for snap in snaps:
        groups.setdefault(_source(snap), []).append(snap)
    if len(groups) == 1:
        return list(snaps), {}

    def holds(who: str) -> int:
        if not zones:
            return len(groups[who])
        return sum(
            bool("zone" in s.columns and s["zone"].isin(list(zones)).any())
            for s in groups[who]
        )

    main = max(groups, key=lambda who: (holds(who), len(groups[who])))
    return groups.pop(main), groups


def _km2(value: float) -> str:
    return "" if value != value else f"{value:,.1f}"


def side_by_side(
    main: Sequence[gpd.GeoDataFrame],
    others: dict[str, list[gpd.GeoDataFrame]],
    *,
    zones: Sequence[str] | None,
    compare_zone: Any,
    derive: str | None,
    region: Any,
    folder: Path,
    save: Callable[[Any, Path], Path],
    say: Callable[[str], None],
) -> tuple[list[doc.Block], list[Path], pd.DataFrame | None]:
    """Compare each other source with the followed one: blocks, figures, table."""
    from kurskgeo.errors import KurskgeoError
    from kurskgeo.plot import plot_comparison
    from kurskgeo.series import DEFAULT_MAX_DAYS, compare, compare_parts

    blocks: list[doc.Block] = [doc.Heading("Sources side by side")]
    paths: list[Path] = []
    tables = []
    for who, snaps in others.items():
        say(f"comparing {who} with the followed source")
        kwargs = {
            "zone_a": list(zones) if zones else None,
            "derive_a": derive,
            "zone_b": compare_zone,
            "region": region,
        }
        try:
            table = compare(list(main), snaps, **kwargs)
        except KurskgeoError as exc:
            blocks.append(doc.Paragraph(f"{who} could not be compared: {exc}"))
            continue
        tables.append(table)
        first = table.iloc[0]
        what_a = f"{first['source_a']}: {first['zone_a']}"
        what_b = f"{first['source_b']}: {first['zone_b']}"
        blocks.append(
            doc.Paragraph(
                f"**A** is {what_a}; **B** is {what_b}. Each map of A is paired with "
                f"the map of B nearest in date, at most {DEFAULT_MAX_DAYS} days away; "
                "both are measured in one equal-area CRS and clipped to the region. "
                "IoU is the area both show over the area either shows; the front "
                "distance is the largest distance between their front lines inside "
                "the region (Hausdorff, the region's own border left out)."
            )
        )
        rows = [
            [
                str(r["date_a"]),
                str(r["date_b"]),
                _km2(r["area_a_km2"]),
                _km2(r["area_b_km2"]),
                _km2(r["overlap_km2"]),
                _km2(r["only_a_km2"]),
                _km2(r["only_b_km2"]),
                "" if math.isnan(r["iou"]) else f"{r['iou']:.2f}",
                _km2(r["front_distance_km"]),
            ]
            for _, r in table.iterrows()
        ]
        blocks.append(
            doc.Table(
                [
                    "A's map",
                    "B's map",
                    "A km²",
                    "B km²",
                    "both km²",
                    "only A km²",
                    "only B km²",
                    "IoU",
                    "front distance km",
                ],
                rows,
                numeric=[False, False, *([True] * 7)],
                caption=f"{what_a} (A) against {what_b} (B).",
            )
        )
        try:
            parts = compare_parts(list(main), snaps, **kwargs)
            ax = plot_comparison(parts, region=region)
            stem = "".join(c if c.isalnum() else "-" for c in who.lower())[:40]
            path = save(ax.figure, folder / f"side-by-side-{stem}.png")
        except KurskgeoError as exc:
            blocks.append(
                doc.Paragraph(f"The map of the last pair was not drawn: {exc}")
            )
            continue
        paths.append(path)
        row = parts.attrs["row"]
        blocks.append(
            doc.Figure(
                f"figures/{path.name}",
                f"Where A and B agree on {row['date_a']} (A) and {row['date_b']} (B): "
                f"both {_km2(row['overlap_km2'])} km², only A "
                f"{_km2(row['only_a_km2'])} km², only B {_km2(row['only_b_km2'])} km².",
                f"Map of the overlap of {what_a} and {what_b}",
            )
        )
    combined = pd.concat(tables, ignore_index=True) if tables else None
    return blocks, paths, combined
