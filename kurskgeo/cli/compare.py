"""``kurskgeo compare``: two sources (or two zones) side by side on matching dates."""

from __future__ import annotations

from typing import Any

import click

from kurskgeo.cli import options

#: Columns of the table format (CSV and JSON carry every column).
TABLE_COLUMNS = (
    "date_a",
    "date_b",
    "area_a_km2",
    "area_b_km2",
    "overlap_km2",
    "only_a_km2",
    "only_b_km2",
    "iou",
    "front_distance_km",
)
# repeated from kurskgeo.series.compare, imported only when the command runs
MAX_DAYS = 7
DERIVED = ("lost_since_peak",)


def _paths(ctx: click.Context, param: click.Parameter, value: str) -> list[str]:
    return options.resolve_input(value)


@click.command(short_help="Compare two sources' zones: overlap, IoU, front distance.")
@click.argument("a", metavar="A", callback=_paths)
@click.argument("b", metavar="B", callback=_paths)
@click.option("--zone-a", multiple=True, metavar="NAME", help="Zone of A (repeatable).")
@click.option("--zone-b", multiple=True, metavar="NAME", help="Zone of B (repeatable).")
@click.option(
    "--derive-a",
    type=click.Choice(DERIVED),
    default=None,
    help="Compare a zone derived from A's series (lost since the peak).",
)
@click.option("--derive-b", type=click.Choice(DERIVED), default=None)
@options.region_option
@options.crs_option
@click.option(
    "--max-days",
    type=click.IntRange(min=0),
    default=MAX_DAYS,
    show_default=True,
    help="Pair each map of A with the nearest map of B at most this many days away.",
)
@click.option(
    "--layer-a",
    default=None,
    metavar="NAME",
    help="Read only this layer of A's multi-layer files (a GeoPackage table, a "
    "KML folder). Default: every layer.",
)
@click.option(
    "--layer-b",
    default=None,
    metavar="NAME",
    help="The same for B.",
)
@options.on_duplicate_option
@options.format_option()
@options.output_option
@click.option(
    "--map",
    "map_path",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    callback=options.check_image_output,
    help="Also map the overlap, only A and only B (PNG, SVG or PDF).",
)
@click.option(
    "--date",
    "map_date",
    default=None,
    metavar="YYYY-MM-DD",
    help="The pair to map: the one whose A map is nearest this date (default: last).",
)
@options.dpi_option
@options.overwrite_option
def compare(
    a: list[str],
    b: list[str],
    zone_a: tuple[str, ...],
    zone_b: tuple[str, ...],
    derive_a: str | None,
    derive_b: str | None,
    region: str | None,
    crs: Any,
    max_days: int,
    layer_a: str | None,
    layer_b: str | None,
    on_duplicate: str,
    fmt: str,
    output: str | None,
    map_path: str | None,
    map_date: str | None,
    dpi: int,
    overwrite: bool,
) -> None:
    """Compare zone A of one source with zone B of another, date by date.

    A and B are a file, a folder or a quoted glob each (one source each).
    Each map of A is paired with the map of B nearest in date, at most
    --max-days away. For each pair: the area of each, of their overlap, of
    each alone, the intersection over union, and the largest distance between
    their front lines inside --region (Hausdorff, km). --derive-a
    lost_since_peak compares what A's zone lost since its largest extent
    instead of the zone itself.

    \b
    $ kurskgeo compare raw/ isw/ --zone-a liberated --derive-a lost_since_peak \\
          --zone-b kursk_russian_advances --region kursk_oblast.geojson \\
          --map side-by-side.png
    """
    from kurskgeo.series import compare as run
    from kurskgeo.series import compare_parts

    if map_path is not None:
        options.refuse_existing(map_path, overwrite)
    kwargs: dict[str, Any] = {
        "zone_a": options.zones_or_none(zone_a),
        "zone_b": options.zones_or_none(zone_b),
        "derive_a": derive_a,
        "derive_b": derive_b,
        "region": region,
        "crs": crs,
        "max_days": max_days,
        "on_duplicate": on_duplicate,
        "layer_a": layer_a,
        "layer_b": layer_b,
    }
    table = run(a, b, **kwargs)
    rows = table.to_dict("records")
    columns = list(table.columns) if fmt == "csv" else TABLE_COLUMNS
    text = options.render(rows, columns, fmt, digits=2)
    if fmt == "table" and rows:
        first = rows[0]
        text = (
            f"A: {first['source_a']}, {first['zone_a']}\n"
            f"B: {first['source_b']}, {first['zone_b']}\n\n{text}\n\n"
            f"{len(rows)} pairs at most {max_days} days apart; "
            f"CRS: {table.attrs['crs'].srs}"
        )
    options.emit(text, output, overwrite=overwrite)
    if map_path is not None:
        from kurskgeo.plot import plot_comparison, save_figure

        parts = compare_parts(a, b, date=map_date, **kwargs)
        ax = plot_comparison(parts, region=region)
        save_figure(ax, map_path, dpi=dpi, overwrite=overwrite)
        options.say(f"wrote {map_path}", err=True)
