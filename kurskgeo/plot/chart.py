"""Chart of measured area over time, with claims marked and coloured by verdict."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import shapely

from kurskgeo.errors import SnapshotError
from kurskgeo.plot import _furniture
from kurskgeo.plot import style as _style
from kurskgeo.plot._draw import (
    _halo_text,
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
from kurskgeo.plot._placement import SPOTS, place_labels

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "plot_timeline",
]


CHART_FIGSIZE = (8.0, 4.5)


_UP = ("more", "over", "above", "least", "exceed", "gt", "ge", "min")


_DOWN = ("less", "under", "below", "most", "fewer", "lt", "le", "max")


def _qualifier_direction(q: Any) -> int:
    """+1 for "more than"-like qualifiers, -1 for "less than", 0 otherwise."""
    if not isinstance(q, str):
        return 0
    text = q.lower()
    if text in ("about", "approximately", "exactly", "approx", "around", "equal", "="):
        return 0
    if any(w in text for w in _UP) or text in (">", ">="):
        return 1
    if any(w in text for w in _DOWN) or text in ("<", "<="):
        return -1
    return 0


def _series_frame(
    series: Any,
    zone: str | Sequence[str] | None,
    region: Any,
    crs: Any,
    label: str | None,
) -> tuple[pd.DataFrame, list[str]]:
    """Normalise `series` to columns date, area_km2, group; and the sources."""
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
        if (
            "label" in series.columns
            and series["label"].nunique() > 1
            and "zone" not in series.columns
        ):
            frame["group"] = series["label"].astype(str).to_numpy()
        elif "zone" in series.columns:
            frame["group"] = [_style.zone_label(z) for z in series["zone"]]
        else:
            default = label or (
                " + ".join(_style.zone_label(z) for z in zones)
                if zones
                else "Measured area"
            )
            frame["group"] = default
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
    several = len(_sources(snaps)) > 1
    held: dict[str, set[Any]] = {}  # the zones each source's maps have
    for snap in snaps:
        whose = held.setdefault(next(iter(_sources([snap])), ""), set())
        whose.update(snap["zone"].dropna() if "zone" in snap.columns else ())
    for snap in snaps:
        day = _snap_date(snap)
        src = next(iter(_sources([snap])), "")
        for z in zones or [None]:  # type: ignore[list-item]
            if several and z is not None and z not in held[src]:
                continue  # a zone this source never draws: no line at zero
            name = label or _style.zone_label(z) if z else (label or "Measured area")
            if several:
                name = f"{name},\n{_short_source(src)}"  # two short lines
            value = (
                area_km2(snap, zone=z, region=rg, crs=crs)
                if z is None
                else _area_or_zero(snap, z, rg, crs)
            )
            rows.append(
                {
                    "date": pd.Timestamp(day) if day else pd.NaT,
                    "area_km2": value,
                    "group": name,
                }
            )
    return pd.DataFrame(rows), _sources(snaps)


def _short_source(source: str) -> str:
    """Return who drew a map, without the details: ``DeepStateMap``, ``ISW``."""
    return source.split(" (")[0].split(" via ")[0]


def _area_or_zero(snap: pd.DataFrame, zone: str, region: Any, crs: Any) -> float:
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
    **style_kwds: Any,
) -> Axes:
    """Chart measured area over time, with claims marked and coloured by verdict.

    Parameters
    ----------
    series : DataFrame or sequence of snapshots
        A table with ``date`` and ``area_km2`` (as from
        ``kurskgeo.timeline.timeline``; a ``zone`` or varying ``label``
        column gives one line per value), or snapshots to measure with
        :func:`kurskgeo.area.area_km2` (one line per `zone`).
    claims : DataFrame or sequence of records, optional
        Claims to mark: ``date`` and ``claimed_km2``, with optional
        ``verdict`` (consistent/overstated/understated/unverifiable; marker
        colour and shape), ``qualifier`` ("more_than" draws an arrow up from
        the marker, "less_than" one down), ``measured_km2`` (a dotted line to
        the measured value) and ``id`` (a label).
    zone, region, crs
        Used when `series` holds snapshots.
    kind : {"step", "line"}
        Step (the area holds until the next snapshot) or straight lines.
    title, label : str, optional
        Headline; name of the series when it has no zone/label column.
    ax : matplotlib Axes, optional
        Draw here; by default on a new 8 × 4.5 in Figure.
    attribution : str, optional
        Replace the automatic source line.
    legend_kwds : dict, optional
        Passed to :meth:`Axes.legend`.
    figsize : (float, float), optional
        Size of the new figure when `ax` is None.
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
    >>> ax = plot_timeline(s, claims=c, label="Ukrainian-held")
    >>> [t.get_text() for t in ax.get_legend().get_texts()][:2]
    ['Ukrainian-held', 'Claim: overstated']
    """
    if kind not in ("step", "line"):
        raise ValueError(f"kind must be 'step' or 'line', not {kind!r}")
    frame, srcs = _series_frame(series, zone, region, crs, label)
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D

    with _rc_context():
        if ax is None:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure

            fig = Figure(figsize=figsize or CHART_FIGSIZE, dpi=100)
            FigureCanvasAgg(fig)
            ax = fig.add_axes((0.085, 0.2, 0.63, 0.64))
        handles: list[Any] = []
        labels: list[Any] = []  # of the claims, placed once all else is drawn
        handler_map: dict[Any, Any] = {}
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
            handles.append(line)
        ymax = float(frame["area_km2"].max()) if len(frame) else 0.0
        if claims is not None:
            cl = (
                claims
                if isinstance(claims, pd.DataFrame)
                else pd.DataFrame(list(claims))
            )
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
            arrow_len = 0.08 * (ymax or 1.0)
            verdicts = (
                cl["verdict"]
                if "verdict" in cl.columns
                else pd.Series(["unverifiable"] * len(cl), index=cl.index)
            )
            shown: list[str] = []
            for v in list(_style.VERDICT_STYLES) + sorted(
                set(map(str, verdicts)) - set(_style.VERDICT_STYLES)
            ):
                mask = verdicts.astype(str) == v
                if not mask.any():
                    continue
                st = _style.VERDICT_STYLES.get(
                    v, _style.VerdictStyle(v.capitalize(), "#555555", "D")
                )
                ax.scatter(
                    cl.loc[mask, "date"],
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
                shown.append(v)
            dirs = {0: False, 1: False, -1: False}
            checked_against = False
            for _, row in cl.iterrows():
                d = _qualifier_direction(row.get("qualifier"))
                y = float(row["claimed_km2"])
                if d:
                    dirs[d] = True
                    ax.annotate(
                        "",
                        xy=(row["date"], y + d * arrow_len),
                        xytext=(row["date"], y),
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
                        [row["date"], row["date"]],
                        [y, float(measured)],
                        color="#777777",
                        linewidth=0.8,
                        linestyle=":",
                        zorder=8,
                    )
                    # what the claim was checked against: its own zone and
                    # quantity, which need not be the series drawn
                    ax.plot(
                        [row["date"]],
                        [float(measured)],
                        linestyle="none",
                        marker="_",
                        markersize=9,
                        markeredgewidth=1.6,
                        color="#222222",
                        zorder=9,
                        gid="kurskgeo-claim-measured",
                    )
                    checked_against = True
                if "id" in cl.columns and isinstance(row.get("id"), str):
                    t = ax.annotate(
                        row["id"],
                        (row["date"], y),
                        xytext=SPOTS[0][:2],
                        textcoords="offset points",
                        fontsize=6.5,
                        color="#444444",
                        zorder=9.5,
                        gid="kurskgeo-claim-label",
                    )
                    _halo_text(t)
                    labels.append(t)
            if checked_against:
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
            for d, text in (
                (1, "Claim says “more than”"),
                (-1, "Claim says “less than”"),
            ):
                if dirs[d]:
                    proxy = _arrow_proxy(text)
                    handles.append(proxy)
                    handler_map[proxy] = _arrow_handler(up=d > 0)
            ymax = ymax + arrow_len * 1.3
        ax.set_ylim(0, ymax * 1.18 if ymax > 0 else 1)
        ax.set_ylabel("Area (km²)")
        ax.yaxis.set_major_formatter(_thousands())
        locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.grid(axis="y", color="#E5E5E5", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_title(
            title or "Measured area over time", loc="left", fontweight="bold", pad=17
        )
        dates = frame["date"].dropna()
        span = (
            f"{dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}"
            if len(dates)
            else "no dates"
        )
        _subtitle(ax, f"Snapshots of {span}; claims marked at the date they were made")
        text = attribution or (
            f"Source: {'; '.join(srcs)}."
            if srcs
            else "Source: the snapshots of the series."
        )
        _furniture.add_attribution(
            ax,
            text + " Areas measured in an equal-area projection. Chart: kurskgeo.",
            y=-0.14,
        )
        # outside, right of the plot: claims and their labels can be anywhere
        lk: dict[str, Any] = {
            "loc": "upper left",
            "bbox_to_anchor": (1.02, 1.0),
            "fontsize": 7.5,
            "borderaxespad": 0.0,
        }
        lk.update(legend_kwds or {})
        ax.legend(handles=handles, handler_map=handler_map, **lk)
        # beside each claim, off the lines, markers and other labels
        place_labels(ax, labels)
    return ax


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


def claims_table(result: Any) -> pd.DataFrame:
    """Return the claims of a check to mark on the chart: areas held when said.

    Claims of ground lost or gained are not areas held and would mislead on
    an area axis; a peak refers to another date; shares have no km². Each
    claim keeps its overall verdict and its primary reading's measurement.

    Parameters
    ----------
    result : kurskgeo.claims.CheckResult

    Returns
    -------
    pandas.DataFrame
        ``id``, ``date``, ``claimed_km2``, ``qualifier``, ``verdict`` and
        ``measured_km2``, as :func:`plot_timeline` takes them.
    """
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
            }
        )
    return pd.DataFrame(
        rows,
        columns=["id", "date", "claimed_km2", "qualifier", "verdict", "measured_km2"],
    )
