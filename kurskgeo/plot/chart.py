"""Chart of measured area over time, with claims marked and coloured by verdict."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import shapely

from kurskgeo.errors import SnapshotError
from kurskgeo.plot import style as _style
from kurskgeo.plot._draw import (
    _credit_below,
    _legend_below,
    _rc_context,
    _subtitle,
)
from kurskgeo.plot._inputs import (
    _region,
    _snap_date,
    _snapshot,
    _sources,
    _zones_arg,
)
from kurskgeo.plot._labels import _halo_behind
from kurskgeo.plot._placement import SPOTS, place_labels
from kurskgeo.plot._text import _fmt_date

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "claims_table",
    "plot_timeline",
    "reading_label",
]


CHART_FIGSIZE = (8.0, 4.5)


def _qualifier_direction(q: Any) -> int:
    """+1 for a lower bound ("more than"), -1 for an upper bound, 0 otherwise.

    The qualifier is read as :func:`kurskgeo.claims.normalise_qualifier`
    reads it, so "no more than" and "up to" are upper bounds; text it does
    not know gets no arrow.
    """
    from kurskgeo.claims import normalise_qualifier

    if not isinstance(q, str) or not q.strip():
        return 0
    if q.strip() in (">", ">="):
        return 1
    if q.strip() in ("<", "<="):
        return -1
    try:
        canon = normalise_qualifier(q)
    except ValueError:
        return 0
    return {"more_than": 1, "at_least": 1, "less_than": -1, "at_most": -1}.get(canon, 0)


def reading_label(zones: str | Sequence[str] | None) -> str:
    """Name a reading (the zones measured together) as a chart's legend does.

    Examples
    --------
    >>> reading_label("liberated"), reading_label("liberated+contested")
    ('Held by Ukraine', 'Held by Ukraine + grey zone')
    >>> reading_label(["occupied", "contested"])
    'Occupied by Russia + grey zone'
    """
    if not isinstance(zones, (str, Sequence)):  # None, or a missing value
        return "Measured area"
    zs = [z for z in (zones.split("+") if isinstance(zones, str) else zones) if z]
    if not zs:
        return "Measured area"
    main = [z for z in zs if z != "contested"]
    names = [_style.zone_label(z) for z in main]
    if "contested" in zs and main:
        return " + ".join(names) + " + grey zone"
    if "contested" in zs:
        return _style.zone_label("contested")
    return " + ".join(names)


def _series_frame(
    series: Any,
    zone: str | Sequence[str] | None,
    region: Any,
    crs: Any,
    label: str | None,
) -> tuple[pd.DataFrame, list[str]]:
    """Normalise `series` to columns date, area_km2, group, reading; and the sources.

    ``reading`` is the zone text of a line ("liberated+contested"), which
    claims measured on the same zones are matched to; None when unknown.
    """
    import geopandas as gpd

    zones = _zones_arg(zone)
    if isinstance(series, pd.DataFrame) and not isinstance(series, gpd.GeoDataFrame):
        missing = [c for c in ("date", "area_km2") if c not in series.columns]
        if missing:
            raise SnapshotError(
                f"the series has no {', '.join(missing)} column(s); give a table "
                "with date and area_km2 (e.g. from kurskgeo.timeline.timeline) or "
                "a list of snapshots"
            )
        frame = pd.DataFrame(
            {
                "date": pd.to_datetime(series["date"]),
                "area_km2": series["area_km2"].astype(float),
            }
        )
        if "reading" in series.columns:
            named = [r if isinstance(r, str) and r else None for r in series["reading"]]
            frame["reading"] = named  # None: measured on every zone
            frame["group"] = [reading_label(r) for r in named]
        elif (
            "label" in series.columns
            and series["label"].nunique() > 1
            and "zone" not in series.columns
        ):
            frame["group"] = series["label"].astype(str).to_numpy()
            frame["reading"] = None
        elif "zone" in series.columns:
            frame["reading"] = series["zone"].astype(str).to_numpy()
            frame["group"] = [_style.zone_label(z) for z in series["zone"]]
        else:
            frame["group"] = label or (
                reading_label(zones) if zones else "Measured area"
            )
            frame["reading"] = "+".join(zones) if zones else None
        srcs = _sources([series]) if "source" in series.columns else []
        if len(srcs) > 1:  # maps of several sources: a line each
            frame["group"] = [
                f"{g},\n{_short_source(s)}"
                for g, s in zip(frame["group"], series["source"], strict=True)
            ]
        return frame, srcs
    from kurskgeo.area import area_km2

    snaps = [
        _snapshot(s)
        for s in (series if isinstance(series, (list, tuple)) else list(series))
    ]
    if not snaps:
        raise SnapshotError("plot_timeline needs a table or at least one snapshot")
    rows = []
    reg = _region(region)
    rg = reg.geom if reg is not None else None
    # the grey zone is a reading of the ground held, not a line of its own:
    # held, and held with the grey zone (as claims are measured)
    held = [z for z in zones or [] if z != "contested"]
    readings: list[list[str] | None] = (
        [held, list(zones or [])]
        if held and len(held) < len(zones or [])
        else [[z] for z in zones]
        if zones
        else [None]
    )
    several = len(_sources(snaps)) > 1
    drawn: dict[str, set[Any]] = {}  # the zones each source's maps have
    for snap in snaps:
        whose = drawn.setdefault(next(iter(_sources([snap])), ""), set())
        whose.update(snap["zone"].dropna() if "zone" in snap.columns else ())
    for snap in snaps:
        day = _snap_date(snap)
        src = next(iter(_sources([snap])), "")
        for k, zs in enumerate(readings):
            if several and zs is not None:
                has = drawn[src]
                if not set(zs) & has or (k > 0 and not set(zs) <= has):
                    continue  # a reading this source never draws: no line
            name = label or (reading_label(zs) if zs else "Measured area")
            if several:
                name = f"{name},\n{_short_source(src)}"  # two short lines
            value = (
                area_km2(snap, region=rg, crs=crs)
                if zs is None
                else _area_or_zero(snap, zs, rg, crs)
            )
            rows.append(
                {
                    "date": pd.Timestamp(day) if day else pd.NaT,
                    "area_km2": value,
                    "group": name,
                    "reading": "+".join(zs) if zs else None,
                }
            )
    return pd.DataFrame(rows), _sources(snaps)


def _short_source(source: str) -> str:
    """Return who drew a map, without the details: ``DeepStateMap``, ``ISW``."""
    return source.split(" (")[0].split(" via ")[0]


def _area_or_zero(
    snap: pd.DataFrame, zone: str | list[str], region: Any, crs: Any
) -> float:
    from kurskgeo.area import zone_union

    union, _ = zone_union(snap, zone=zone, region=region, crs=crs, strict=False)
    return float(shapely.area(union)) / 1e6


def plot_timeline(
    series: Any,
    *,
    claims: Any = None,
    zone: str | Sequence[str] | None = None,
    region: Any = None,
    crs: Any = "auto",
    kind: str = "step",
    title: str | None = None,
    label: str | None = None,
    ax: Axes | None = None,
    attribution: str | None = None,
    legend_kwds: Mapping[str, Any] | None = None,
    figsize: tuple[float, float] | None = None,
    note: str | None = None,
    **style_kwds: Any,
) -> Axes:
    """Chart measured area over time, with claims marked and coloured by verdict.

    One line per reading of the maps (for example the ground held by Ukraine,
    and the same with the grey zone), each claim as a marker at the date it
    was made, coloured and shaped by its verdict and labelled with who said
    what ("Russian MoD, 17 Jan: 467 km² held"); beside it, what the maps
    showed on the claim's own zones and the band a drawn line allows, in the
    colour of the line of that reading. Claims of one date stand side by
    side; the legend and the credit run under the chart, which takes the
    full width.

    Parameters
    ----------
    series : DataFrame or sequence of snapshots
        A table with ``date`` and ``area_km2`` (as from
        ``kurskgeo.timeline.timeline``), with a ``reading`` column (zones
        joined by "+", "liberated+contested") or a ``zone`` column or a
        varying ``label`` column for several lines; or snapshots to measure
        with :func:`kurskgeo.area.area_km2` (one line per `zone`).
    claims : DataFrame or sequence of records, optional
        Claims to mark (see :func:`claims_table`): ``date`` and
        ``claimed_km2``, with optional ``verdict`` (marker colour and shape),
        ``qualifier`` ("more than" draws an arrow up from the marker, "less
        than"/"up to" one down), ``measured_km2`` (a tick, joined to the
        marker by a dotted line), ``low_km2``/``high_km2`` (the band),
        ``reading`` (the zones measured, to colour the band like its line),
        and ``label`` or ``id`` (the text beside the marker).
    zone, region, crs
        Used when `series` holds snapshots.
    kind : {"step", "line"}
        Step (the area holds until the next snapshot) or straight lines.
    title, label : str, optional
        Headline; name of the series when it has no reading/zone/label column.
    ax : matplotlib Axes, optional
        Draw here; by default on a new 8 × 4.5 in Figure laid out to fit.
    attribution : str, optional
        Replace the automatic source line.
    legend_kwds : dict, optional
        Passed to :meth:`Axes.legend`.
    figsize : (float, float), optional
        Size of the new figure when `ax` is None.
    note : str, optional
        A short note boxed inside the chart, upper right; labels keep clear.
    **style_kwds
        Passed to the series lines (``linewidth``, ``color``, ...).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    SnapshotError
        If the table lacks ``date``/``area_km2``, or claims lack
        ``date``/``claimed_km2``.
    ValueError
        If `kind` is not "step" or "line".

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame(
    ...     {"date": ["2024-08-14", "2024-09-04"], "area_km2": [469.0, 907.5]}
    ... )
    >>> c = pd.DataFrame({"date": ["2024-08-20"], "claimed_km2": [1263.0],
    ...                   "qualifier": ["more_than"], "verdict": ["overstated"]})
    >>> ax = plot_timeline(s, claims=c, label="Held by Ukraine")
    >>> [t.get_text() for t in ax.get_legend().get_texts()][:2]
    ['Held by Ukraine', 'Claim: overstated']
    """
    if kind not in ("step", "line"):
        raise ValueError(f"kind must be 'step' or 'line', not {kind!r}")
    frame, srcs = _series_frame(series, zone, region, crs, label)
    import matplotlib.dates as mdates

    with _rc_context():
        if ax is None:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure

            fig = Figure(figsize=figsize or CHART_FIGSIZE, dpi=100)
            FigureCanvasAgg(fig)
            ax = fig.add_axes((0.1, 0.3, 0.85, 0.55))
            ax.set_gid(GID_CHART_AXES)
        handles: list[Any] = []
        labels: list[Any] = []  # of the claims, placed once all else is drawn
        handler_map: dict[Any, Any] = {}
        colours: dict[str, str] = {}
        for i, (group, part) in enumerate(frame.groupby("group", sort=False)):
            part = part.sort_values("date")
            kw: dict[str, Any] = {
                "color": _style.SERIES_COLORS[i % len(_style.SERIES_COLORS)],
                "linewidth": 1.8,
            }
            kw.update(style_kwds)
            if kind == "step":
                (line,) = ax.step(
                    part["date"], part["area_km2"], where="post", label=str(group), **kw
                )
            else:
                (line,) = ax.plot(
                    part["date"], part["area_km2"], label=str(group), **kw
                )
            ax.plot(
                part["date"],
                part["area_km2"],
                linestyle="none",
                marker="o",
                markersize=2.8,
                color=line.get_color(),
                zorder=line.get_zorder(),
            )
            reading = part["reading"].iloc[0] if "reading" in part.columns else None
            if isinstance(reading, str):
                colours[reading] = str(line.get_color())
            handles.append(line)
        ymax = float(frame["area_km2"].max()) if len(frame) else 0.0
        dates = frame["date"].dropna()
        if claims is not None:
            ymax = _draw_claims(
                ax, claims, colours, dates, ymax, handles, labels, handler_map
            )
        ax.set_ylim(0, ymax * 1.12 if ymax > 0 else 1)
        if len(dates):
            lo, hi = dates.min(), dates.max()
            if claims is not None and len(labels):
                lo = min(lo, *[pd.Timestamp(t.xy[0]) for t in labels])
                hi = max(hi, *[pd.Timestamp(t.xy[0]) for t in labels])
            margin = (hi - lo) * 0.03 if hi > lo else pd.Timedelta(days=1)
            ax.set_xlim(lo - margin, hi + margin)
        ax.set_ylabel("Area (km²)")
        ax.yaxis.set_major_formatter(_thousands())
        locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.grid(axis="y", color="#E5E5E5", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_title(
            title or "Measured area over time",
            loc="left",
            fontweight="bold",
            pad=17,
            parse_math=False,
        )
        span = (
            f"{_fmt_date(dates.min().date())} to {_fmt_date(dates.max().date())}"
            if len(dates)
            else "no dates"
        )
        _subtitle(
            ax,
            f"Snapshots of {span}; each claim at the date it was made, beside "
            "what the maps showed",
        )
        text = attribution or (
            f"Source: {'; '.join(srcs)}."
            if srcs
            else "Source: the snapshots of the series."
        )
        if legend_kwds:
            lk: dict[str, Any] = {
                "loc": "upper left",
                "bbox_to_anchor": (0.0, -0.09),
                "fontsize": 7.5,
                "borderaxespad": 0.0,
                "frameon": False,
                "ncols": 3,
                **legend_kwds,
            }
            leg = ax.legend(handles=handles, handler_map=handler_map, **lk)
        else:
            leg = _legend_below(
                ax,
                handles,
                fontsize=7.5,
                gap_pt=24,
                most=4,
                handler_map=handler_map,
            )
        _credit_below(
            ax,
            leg,
            text + " Areas measured in an equal-area projection. Chart: kurskgeo.",
        )
        if note:
            from kurskgeo.plot._draw import _add_note

            _add_note(ax, note, corner="upper right")
        _fit_chart(ax)
        # beside each claim, off the lines, markers and other labels
        place_labels(ax, labels)
        for t in labels:  # a halo behind, on a copy: the label stays text
            _halo_behind(ax, t)
    return ax


#: The gid of the Axes of a chart kurskgeo laid out itself.
GID_CHART_AXES = "kurskgeo-chart"


def _fit_chart(ax: Axes) -> None:
    """Give a chart kurskgeo laid out the whole width, and its text the room it takes.

    The title and subtitle are wrapped to the chart's width; the legend and
    credit hang below it.
    """
    if ax.get_gid() != GID_CHART_AXES:
        return
    from kurskgeo.plot._draw import _EDGE_IN, _fit_heads
    from kurskgeo.plot._labels import renderer_of

    fig: Any = ax.get_figure(root=True)
    fw, fh = fig.get_size_inches()
    dpi = fig.dpi
    for _ in range(2):
        renderer = renderer_of(fig)
        frame = ax.get_window_extent(renderer)
        yaxis = ax.yaxis.get_tightbbox(renderer)
        left = (frame.x0 - yaxis.x0) / dpi + _EDGE_IN if yaxis is not None else 0.6
        boxes: list[Any] = [ax.xaxis.get_tightbbox(renderer)]
        legend = ax.get_legend()
        if legend is not None:
            boxes.append(legend.get_window_extent(renderer))
        boxes += [
            t.get_window_extent(renderer)
            for t in [*ax.texts, ax.title, ax._left_title]  # type: ignore[attr-defined]
            if t.get_visible() and t.get_text()
        ]
        boxes = [b for b in boxes if b is not None]
        top = max([b.y1 - frame.y1 for b in boxes] + [0]) / dpi + _EDGE_IN
        bottom = max([frame.y0 - b.y0 for b in boxes] + [0]) / dpi + _EDGE_IN
        width = fw - left - 0.25
        height = fh - top - bottom
        if width <= 0 or height <= 0:
            return
        ax.set_position((left / fw, bottom / fh, width / fw, height / fh))
        _fit_heads(ax)


def _draw_claims(
    ax: Axes,
    claims: Any,
    colours: Mapping[str, str],
    dates: pd.Series,
    ymax: float,
    handles: list[Any],
    labels: list[Any],
    handler_map: dict[Any, Any],
) -> float:
    """Mark the claims; return the top of what is drawn."""
    from matplotlib.lines import Line2D

    cl = claims if isinstance(claims, pd.DataFrame) else pd.DataFrame(list(claims))
    missing = [c for c in ("date", "claimed_km2") if c not in cl.columns]
    if missing:
        raise SnapshotError(
            f"the claims table has no {', '.join(missing)} column(s); "
            "pass the verdicts of kurskgeo.claims.check_claims"
        )
    cl = cl.copy()
    cl["date"] = pd.to_datetime(cl["date"])
    cl = cl[cl["claimed_km2"].notna()]
    values = cl["claimed_km2"].astype(float)
    ymax = max(ymax, float(values.max()) if len(values) else 0.0)
    for col in ("high_km2", "measured_km2"):
        if col in cl.columns and cl[col].notna().any():
            ymax = max(ymax, float(cl[col].max()))
    arrow_len = 0.08 * (ymax or 1.0)
    # claims of one date stand side by side, 9 points apart
    fig: Any = ax.get_figure(root=True)
    width_pt = ax.get_position().width * fig.get_size_inches()[0] * 72
    span = (dates.max() - dates.min()) if len(dates) > 1 else pd.Timedelta(days=30)
    step = span * (9.0 / max(width_pt, 1.0))
    shift = pd.Series(pd.Timedelta(0), index=cl.index)
    for _, same in cl.groupby("date"):
        order = same["claimed_km2"].astype(float).sort_values().index
        for k, idx in enumerate(order):
            shift[idx] = step * (k - (len(order) - 1) / 2)
    cl["x"] = cl["date"] + shift
    verdicts = (
        cl["verdict"].astype(str)
        if "verdict" in cl.columns
        else pd.Series(["unverifiable"] * len(cl), index=cl.index)
    )
    for v in list(_style.VERDICT_STYLES) + sorted(
        set(verdicts) - set(_style.VERDICT_STYLES)
    ):
        mask = verdicts == v
        if not mask.any():
            continue
        st = _style.VERDICT_STYLES.get(
            v, _style.VerdictStyle(v.capitalize(), "#555555", "D")
        )
        ax.scatter(
            cl.loc[mask, "x"],
            values[mask],
            s=42,
            marker=st.marker,
            c=st.color,
            edgecolors="#222222",
            linewidths=0.6,
            zorder=10,
            gid=f"kurskgeo-claim-{v}",
        )
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=st.marker,
                markersize=7,
                markerfacecolor=st.color,
                markeredgecolor="#222222",
                markeredgewidth=0.6,
                label=f"Claim: {st.label.lower()}",
            )
        )
    dirs = {0: False, 1: False, -1: False}
    checked = banded = False
    for _, row in cl.iterrows():
        d = _qualifier_direction(row.get("qualifier"))
        x, y = row["x"], float(row["claimed_km2"])
        reading = row.get("reading")
        colour = (
            colours.get(reading, "#777777") if isinstance(reading, str) else "#777777"
        )
        low, high = row.get("low_km2"), row.get("high_km2")
        if low is not None and high is not None and pd.notna(low) and pd.notna(high):
            # the band a drawn line allows, in the colour of its reading's line
            ax.plot(
                [x, x],
                [float(low), float(high)],
                color=colour,
                alpha=0.35,
                linewidth=6,
                solid_capstyle="butt",
                zorder=7,
                gid="kurskgeo-claim-band",
            )
            banded = True
        if d:
            dirs[d] = True
            ax.annotate(
                "",
                xy=(x, y + d * arrow_len),
                xytext=(x, y),
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": "#222222",
                    "lw": 1.0,
                    "shrinkA": 4,
                    "shrinkB": 0,
                    "mutation_scale": 8,
                },
                zorder=9,
                gid="kurskgeo-qualifier",
            )
        measured = row.get("measured_km2")
        if measured is not None and pd.notna(measured):
            ax.plot(
                [x, x],
                [y, float(measured)],
                color="#777777",
                linewidth=0.8,
                linestyle=":",
                zorder=8,
            )
            # what the claim was checked against: its own zones and quantity,
            # which need not be a line drawn
            ax.plot(
                [x],
                [float(measured)],
                linestyle="none",
                marker="_",
                markersize=9,
                markeredgewidth=1.6,
                color="#222222",
                zorder=9,
                gid="kurskgeo-claim-measured",
            )
            checked = True
        text = row.get("label") if isinstance(row.get("label"), str) else None
        text = text or (row.get("id") if isinstance(row.get("id"), str) else None)
        if text:
            t = ax.annotate(
                text,
                (x, y),
                xytext=SPOTS[0][:2],
                textcoords="offset points",
                fontsize=6.5,
                color="#333333",
                zorder=9.5,
                gid="kurskgeo-claim-label",
                parse_math=False,
            )
            labels.append(t)
    if checked:
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="_",
                markersize=9,
                markeredgewidth=1.6,
                color="#222222",
                label="Measured value the claim was checked against",
            )
        )
    if banded:
        handles.append(
            Line2D(
                [],
                [],
                color="#777777",
                alpha=0.35,
                linewidth=6,
                solid_capstyle="butt",
                label="Band a drawn line allows (its line's colour)",
            )
        )
    for d, words in ((1, "Claim says “more than”"), (-1, "Claim says “less than”")):
        if dirs[d]:
            proxy = _arrow_proxy(words)
            handles.append(proxy)
            handler_map[proxy] = _arrow_handler(up=d > 0)
    return ymax + arrow_len * 1.3


def _arrow_proxy(label: str) -> Any:
    from matplotlib.patches import Patch

    return Patch(label=label, color="#222222")


def _arrow_handler(*, up: bool) -> Any:
    """Make a legend handler that draws a vertical arrow, like the qualifiers."""
    from matplotlib.legend_handler import HandlerPatch
    from matplotlib.patches import FancyArrow

    def make(
        legend: Any,
        orig_handle: Any,
        xdescent: float,
        ydescent: float,
        width: float,
        height: float,
        fontsize: float,
    ) -> Any:
        lo, hi = -ydescent - 0.3 * height, height - ydescent + 0.3 * height
        y0, y1 = (lo, hi) if up else (hi, lo)
        return FancyArrow(
            width / 2 - xdescent,
            y0,
            0,
            y1 - y0,
            width=1.2,
            head_width=1.1 * height,
            head_length=0.6 * height,
            length_includes_head=True,
            color="#222222",
        )

    return HandlerPatch(patch_func=make)


def _thousands() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: f"{v:,.0f}")


#: Short names of claimants, for labels on a chart.
_SHORT = (
    (re.compile(r"\b(Defen[cs]e Ministry|Ministry of Defen[cs]e)\b"), "MoD"),
    (re.compile(r"\bGeneral Staff\b"), "General Staff"),
)

#: Words that make a source an organisation, not a person.
_ORGANISATION = re.compile(
    r"\b(MoD|Ministry|Staff|State|Institute|Army|Forces|Office|Times|News|Map)\b"
)


def short_source(source: str | None) -> str:
    """Name a claimant briefly: ``Russian MoD``, ``Syrskyi``, ``DeepState``.

    Examples
    --------
    >>> short_source("Russian Defence Ministry (implied)")
    'Russian MoD'
    >>> short_source("Oleksandr Syrskyi, Commander-in-Chief of the Armed Forces")
    'Syrskyi'
    >>> short_source("DeepState (as reported by The Moscow Times)")
    'DeepState'
    """
    if not source or not source.strip():
        return "Unknown"
    text = source.strip()
    for cut in (" (", ", ", " via "):
        text = text.split(cut)[0]
    for pattern, short in _SHORT:
        text = pattern.sub(short, text)
    words = text.split()
    if (
        len(words) in (2, 3)
        and all(w[:1].isupper() for w in words)
        and not _ORGANISATION.search(text)
    ):
        return words[-1]  # a person: the surname
    return text


#: How a label says what was claimed, by the kind measured.
_VERBS = {"area": "held", "peak": "taken", "lost": "retaken", "gained": "taken"}


def claim_label(
    claim: Any, value: float, figures: Mapping[str, Any] | None = None
) -> str:
    """Say who claimed what, when: ``Russian MoD, 17 Jan: 467 km² held (implied)``.

    A figure worked out from others shows them: ``1,268 − 801 = 467 km²``.
    `figures` maps the ids of other claims to their :class:`Claim`.
    """
    from kurskgeo.claims import wording

    figures = figures or {}
    day = claim.date
    when = f"{day.day} {_fmt_date(day).split()[1][:3]}"
    verb = _VERBS.get(claim.measured_as, claim.measured_as)
    if claim.kind == "derived" and claim.expression:
        terms = []
        for sign, rid in claim.expression:
            other = figures.get(rid)
            word = (
                f"{other.value:,.10g} {_VERBS.get(other.measured_as, '')}".strip()
                if other is not None
                else rid
            )
            terms.append(("− " if sign < 0 else "+ ") + word)
        said = " ".join(terms).removeprefix("+ ")
        stated = wording.stated(round(value, 6), "km2", claim.qualifier)
        return (
            f"{short_source(claim.source)}, {when}: {said} = {stated} {verb} (implied)"
        )
    stated = wording.stated(claim.value, claim.unit, claim.qualifier)
    return f"{short_source(claim.source)}, {when}: {stated} {verb}"


def claims_table(result: Any) -> pd.DataFrame:
    """Return the claims of a check to mark on the chart: areas held when said.

    Claims of ground lost or gained are not areas held and would mislead on
    an area axis (a claim worked out from them, such as "seized minus
    retaken", is an area and is marked); a peak refers to another date;
    shares have no km². Each claim keeps its overall verdict and its primary
    reading: the zones measured, the measurement and its band.

    Parameters
    ----------
    result : kurskgeo.claims.CheckResult

    Returns
    -------
    pandas.DataFrame
        ``id``, ``date``, ``claimed_km2``, ``qualifier``, ``verdict``,
        ``measured_km2``, ``low_km2``, ``high_km2``, ``reading`` (the zones
        measured, "liberated+contested") and ``label`` (who said what:
        "Syrskyi, 27 Aug: 1,294 km² held"), as :func:`plot_timeline` takes
        them.
    """
    figures = {v.claim.id: v.claim for v in result.records}
    rows = []
    for v in result.records:
        c, p = v.claim, v.primary
        if c.kind == "share" or c.measured_as != "area" or not math.isfinite(v.value):
            continue
        rows.append(
            {
                "id": c.id,
                "date": c.date,
                "claimed_km2": v.value,
                "qualifier": c.qualifier,
                "verdict": v.verdict,
                "measured_km2": p.measured if p is not None else math.nan,
                "low_km2": p.low if p is not None else math.nan,
                "high_km2": p.high if p is not None else math.nan,
                "reading": p.zone_text if p is not None else None,
                "label": claim_label(c, v.value, figures),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "id",
            "date",
            "claimed_km2",
            "qualifier",
            "verdict",
            "measured_km2",
            "low_km2",
            "high_km2",
            "reading",
            "label",
        ],
    )
