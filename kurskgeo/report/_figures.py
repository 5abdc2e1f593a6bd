"""The figures of the report: maps of key dates, change maps, the area chart."""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from kurskgeo.errors import OutputError
from kurskgeo.report import _document as doc
from kurskgeo.report._text import _date_of, _day, _first_text, _km2

log = logging.getLogger(__name__)

#: Figures are written at this resolution (dots per inch).
DPI = 150


def _save(fig: Any, path: Path, *, overwrite: bool) -> Path:
    """Save a matplotlib Figure as a deterministic PNG, atomically."""
    from kurskgeo.plot import save_figure

    return save_figure(fig, path, dpi=DPI, overwrite=overwrite)


#: What every figure, table and page of a report on the embedded data says.
ILLUSTRATION = "Illustration: approximate shapes, not a map of the front"


#: The animation's size and resolution: 800 × 720 pixel frames, wide enough
#: for the report's titles.
ANIMATION_SIZE = (8.0, 7.2)
ANIMATION_DPI = 100


def _first_shown(series: pd.DataFrame) -> int:
    """Index of the first snapshot the chart and the animation show.

    Snapshots with nothing in the zone long before it appears (a 2022 export
    in a 2024 series) would squeeze the chart and stall the animation: keep
    the last of them only.
    """
    first = next((i for i, a in enumerate(series["area_km2"]) if a > 0.05), 0)
    return max(first - 1, 0)


def _interactive(
    snapshots: Sequence[gpd.GeoDataFrame],
    series: pd.DataFrame,
    *,
    zones: list[str] | None,
    region: Any,
    places: Any,
    context: Any,
    embedded: bool,
    claims_result: Any,
    folder: Path,
    say: Callable[[str], None],
) -> tuple[list[doc.Block], list[str]]:
    """Write ``explore.html`` (the interactive map); the block linking it."""
    from kurskgeo import plot

    say("writing the interactive map explore.html")
    shown = list(snapshots[_first_shown(series) :])
    try:
        plot.save_explore(
            shown,
            folder / "explore.html",
            overwrite=True,
            zone=zones,
            region=region,
            places=places,
            context=context,
            claims=claims_result,
            title=(
                "Ground held or contested by Ukraine in Kursk region (illustration)"
                if embedded
                else None
            ),
            notice=ILLUSTRATION if embedded else None,
        )
    except OutputError:
        raise
    except Exception as exc:  # it must not lose the report
        log.warning("could not write the interactive map", exc_info=True)
        say(f"could not write the interactive map: {type(exc).__name__}: {exc}")
        return [], [f"the interactive map: {type(exc).__name__}: {exc}"]
    lead = f"{ILLUSTRATION}. " if embedded else ""
    return [
        doc.Link(
            "explore.html",
            "Interactive map (explore.html)",
            f"{lead}The zones of each of the {len(shown)} maps on a time slider, "
            "with their areas and the claims judged on each map; one page that "
            "works offline (open it beside this report).",
        )
    ], []


def _chart_claims(claims_result: Any) -> pd.DataFrame | None:
    from kurskgeo.plot import claims_table

    return None if claims_result is None else claims_table(claims_result)


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
    animate: bool = True,
    extent: Any = None,
) -> tuple[list[doc.Figure], list[str]]:
    """Draw every figure; return them, and what could not be drawn and why.

    Every map shares one projection and one extent (`extent`, by default the
    box around the mapped zones of every snapshot), so that two dates can be
    laid side by side.
    """
    from kurskgeo import plot

    folder.mkdir(exist_ok=True)
    what = doc.lit(" + ".join(zones)) if zones else "all polygons"  # captions only
    # figures of the embedded data say what they are even when cut out of the report
    approx = " (illustration)" if embedded else ""
    lead = f"{ILLUSTRATION}. " if embedded else ""
    title = f"Ground held or contested by Ukraine in Kursk region{approx}"
    title_or_none = title if embedded else None
    note = ILLUSTRATION if embedded else None
    mapped = [s for s, a in zip(snapshots, areas["area_km2"], strict=True) if a > 0.05]
    if extent is None and mapped:
        extent = plot.series_extent(mapped, zone=zones, region=region)

    def readings_table(rows: slice) -> tuple[pd.DataFrame, list[str]]:
        """One line per reading: the zones held, and with the grey zone."""
        sources = [_first_text(s, "source") for s in snapshots]
        base = pd.DataFrame({"date": series["date"], "source": sources})
        whole = "+".join(zones) if zones else None
        parts = [base.assign(area_km2=series["area_km2"], reading=whole)]
        held = [z for z in zones or [] if z != "contested"]
        if held and len(held) < len(zones or []):
            cols = [f"{z}_km2" for z in held]
            if all(c in areas.columns for c in cols):
                value = areas[cols].sum(axis=1).to_numpy()
                parts.insert(0, base.assign(area_km2=value, reading="+".join(held)))
        names = [plot.reading_label(p["reading"].iloc[0]) for p in parts]
        return pd.concat([p.iloc[rows] for p in parts], ignore_index=True), names

    def timeline_chart() -> doc.Figure:
        chart_claims = _chart_claims(claims_result)
        dates = [d for d in (_date_of(s) for s in snapshots) if d is not None]
        gaps = sorted((b - a).days for a, b in itertools.pairwise(dates))
        # a step says "unchanged until the next snapshot": honest for daily
        # series, not for a handful of dates months apart
        kind = "step" if gaps and gaps[len(gaps) // 2] <= 3 else "line"
        dropped = _first_shown(series)
        table, lines = readings_table(slice(dropped, None))
        ax = plot.plot_timeline(
            table,
            claims=chart_claims,
            kind=kind,
            figsize=(10, 5.6),
            title=(
                f"Area held or contested by Ukraine, and what was claimed{approx}"
                if embedded
                else None
            ),
            note=ILLUSTRATION if embedded else None,
        )
        fig = ax.figure
        path = _save(fig, folder / "timeline.png", overwrite=overwrite)
        n_shown = 0 if chart_claims is None else len(chart_claims)
        caption = (
            f"{lead}Area measured on each snapshot ({' and '.join(lines)})"
            + (
                " (lines join the snapshots; the area between them is not known)"
                if kind == "line"
                else ""
            )
            + f", with the {n_shown} claims of the area held on the day they were "
            "made, coloured by verdict and labelled with who said what; beside "
            "each, what the maps showed on the claim's own zones (a dotted line "
            "joins them) and the band a drawn line allows. Claims about ground "
            "lost or gained, the largest extent, and shares are in the claims "
            "table."
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
            extent=extent,
            note="Illustration" if embedded else None,
        )
        if embedded:
            fig.text(
                0.99,
                0.935,
                ILLUSTRATION,
                ha="right",
                va="top",
                fontsize=9,
                fontweight="bold",
                color="#8B0000",
                parse_math=False,
            )
        path = _save(fig, folder / "small_multiples.png", overwrite=overwrite)
        return doc.Figure(
            f"figures/{path.name}",
            f"{lead}The key dates side by side, on the same extent and scale.",
            "Small multiples of the key dates",
        )

    def animation() -> doc.Figure:
        shown = list(snapshots[_first_shown(series) :])
        path = plot.animate(
            shown,
            folder / "animation.gif",
            overwrite=True,
            zone=zones,
            region=region,
            places=places,
            context=context,
            title=title_or_none,
            notice=ILLUSTRATION if embedded else None,
            dpi=ANIMATION_DPI,
            figsize=ANIMATION_SIZE,
            extent=extent,
        )
        return doc.Figure(
            f"figures/{path.name}",
            f"{lead}Every map of the series in turn, one frame per map "
            f"({len(shown)} frames), on one extent, with the date and the area "
            f"({what}) on each frame.",
            "Animation of the maps",
        )

    def change_map(ia: int, ib: int, between: str) -> doc.Figure:
        a, b = snapshots[ia], snapshots[ib]
        da, db = _day(_date_of(a)), _day(_date_of(b))
        ax = plot.plot_change(
            a,
            b,
            zone=zones,
            region=region,
            places=places,
            context=context,
            figsize=(9, 8),
            extent=extent,
            note=note,
        )
        fig = ax.figure
        path = _save(fig, folder / f"change_{da}_{db}.png", overwrite=overwrite)
        return doc.Figure(
            f"figures/{path.name}",
            f"{lead}What changed between {between} ({da} and {db}): ground gained, "
            "lost and unchanged, with the areas in the legend.",
            f"Change map {da} to {db}",
        )

    def snapshot_map(i: int) -> doc.Figure:
        snap = snapshots[i]
        day = _day(_date_of(snap))
        ax = plot.plot_snapshot(
            snap,
            zone=zones,
            region=region,
            places=places,
            context=context,
            title=title_or_none,
            figsize=(9, 8),
            extent=extent,
            note=note,
        )
        fig = ax.figure
        path = _save(fig, folder / f"map_{day}.png", overwrite=overwrite)
        source = _first_text(snap, "source")
        return doc.Figure(
            f"figures/{path.name}",
            f"{lead}Control zones on {day} ({doc.lit(source or 'source unknown')}): "
            f"{_km2(areas['area_km2'].iloc[i])} km² ({what}).",
            f"Map of {day}",
        )

    jobs: list[tuple[str, Callable[[], doc.Figure]]] = [
        ("the area-over-time chart", timeline_chart)
    ]
    if len(keys) >= 2:
        jobs.append(("the small multiples", small_multiples))
    if animate and len(snapshots) - _first_shown(series) >= 2:
        jobs.append(("the animation", animation))
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
            failed.append(f"{label}: {type(exc).__name__}: {exc}")  # shown literally
    return out, failed
