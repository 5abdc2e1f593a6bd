"""``kurskgeo timeline``: area, gains and losses of a series of snapshots."""

from __future__ import annotations

from typing import Any

import click

from kurskgeo.cli import options

#: Columns of the table format (CSV and JSON carry every column).
TABLE_COLUMNS = (
    "date",
    "source",
    "area_km2",
    "gained_km2",
    "lost_km2",
    "net_km2",
    "days",
    "km2_per_day",
    "filtered_km2",
)

# Defaults repeated from kurskgeo.timeline, which is imported only when the
# command runs (so that ``kurskgeo --help`` stays fast).
MIN_AREA_KM2 = 0.01
GRID_SIZE = 0.1


def sliver_options(fn: Any) -> Any:
    """Add ``--min-area`` and ``--grid-size`` (shared with ``diff``)."""
    fn = click.option(
        "--grid-size",
        type=click.FloatRange(min=0),
        default=GRID_SIZE,
        show_default=True,
        metavar="METRES",
        help="Snap coordinates to this grid (metres, in the equal-area CRS) "
        "before comparing dates; 0 compares them as measured.",
    )(fn)
    return click.option(
        "--min-area",
        "min_area_km2",
        type=click.FloatRange(min=0),
        default=MIN_AREA_KM2,
        show_default=True,
        metavar="KM2",
        help="Change parts smaller than this are slivers from redrawn borders.",
    )(fn)


@click.command(short_help="Area, gains and losses of a series of snapshots.")
@options.paths_argument
@options.zone_option
@options.region_option
@options.crs_option
@options.layer_option
@options.on_duplicate_option
@sliver_options
@options.format_option()
@options.output_option
@options.overwrite_option
@click.option(
    "--changes",
    "changes_path",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Also write the parts gained and lost between consecutive maps to this "
    "file: GeoPackage, FlatGeobuf, GeoParquet, GeoJSON or CSV, by its suffix.",
)
@options.progress_option
@options.jobs_option
def timeline(
    paths: tuple[str, ...],
    zone: tuple[str, ...],
    region: str | None,
    crs: Any,
    layer: str | None,
    on_duplicate: str,
    min_area_km2: float,
    grid_size: float,
    fmt: str,
    output: str | None,
    overwrite: bool,
    changes_path: str | None,
    progress: bool | None,
    jobs: int,
) -> None:
    """Follow the area of a series: one row per date with gains, losses and rate.

    PATH may be files, folders or globs, or one multi-date file. Each
    snapshot is measured as `kurskgeo area` measures it. gained_km2 - lost_km2 equals
    net_km2, the change of area_km2 since the previous row; slivers of redrawn
    borders (--min-area, --grid-size) are left out of gained and lost, and
    filtered_km2 says how much. CSV and JSON carry every column. Maps of one
    date from different sources are two series (the source column). With
    --changes, the gained and lost parts are written as geometries too.

    \b
    $ kurskgeo timeline shared/data/deepstate-occupied/
    $ kurskgeo timeline raw/*.geojson --zone liberated \\
          --region boundaries/kursk_oblast.geojson --format json -o kursk.json
    """
    from kurskgeo.series import COLUMNS
    from kurskgeo.series import timeline as run

    options.refuse_existing(output, overwrite)
    with options.executor(jobs) as pool:
        df = run(
            list(paths),
            zone=options.zones_or_none(zone),
            region=region,
            crs=crs,
            min_area_km2=min_area_km2,
            grid_size=grid_size or None,
            on_duplicate=on_duplicate,
            layer=layer,
            progress=options.show_progress(progress),
            executor=pool,
        )
    rows = df.to_dict("records")
    for row in rows:  # whole days (NaN, the first row's, becomes null/blank)
        row["days"] = None if row["days"] != row["days"] else int(row["days"])
    columns = COLUMNS if fmt == "csv" else TABLE_COLUMNS
    text = options.render(rows, columns, fmt)
    if fmt == "table":
        by_source = df.attrs["totals_by_source"]
        text += "\n"
        for who, t in by_source.items():
            text += (
                f"\n{who + ': ' if len(by_source) > 1 else ''}"
                f"{t['n_snapshots']} snapshots, {t['first_date']} to {t['last_date']}: "
                f"area {t['change_km2']:+,.2f} km² (gained {t['gained_km2']:,.2f}, "
                f"lost {t['lost_km2']:,.2f}); slivers left out "
                f"{t['filtered_km2']:,.2f} km²"
            )
        text += f"\nCRS: {df.attrs['crs']}"
    options.emit(text, output, overwrite=overwrite)
    if changes_path is not None:
        from kurskgeo.io import write_table
        from kurskgeo.series import change_parts

        parts = change_parts(
            list(paths),
            zone=options.zones_or_none(zone),
            region=region,
            crs=crs,
            min_area_km2=min_area_km2,
            grid_size=grid_size or None,
            on_duplicate=on_duplicate,
            layer=layer,
        )
        meta = {"zone": df.attrs["zone"], "region": df.attrs["region"]}
        write_table(parts, changes_path, metadata=meta, overwrite=overwrite)
        click.echo(f"wrote {len(parts)} parts to {changes_path}", err=True)
