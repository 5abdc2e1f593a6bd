"""``kurskgeo export``: the measured zone of each map, to a GIS or spreadsheet file."""

from __future__ import annotations

from typing import Any

import click

from kurskgeo.cli import options

FORMATS = ("gpkg", "fgb", "parquet", "geojson", "csv")


@click.command(short_help="Write the measured zone of each map to GPKG, FGB, ...")
@options.paths_argument
@options.zone_option
@options.region_option
@options.crs_option
@options.layer_option
@options.on_duplicate_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format (default: from the suffix of -o). csv has no geometry.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    required=True,
    help="The file to write (atomically).",
)
@options.overwrite_option
@options.progress_option
@click.pass_context
def export(
    ctx: click.Context,
    paths: tuple[str, ...],
    zone: tuple[str, ...],
    region: str | None,
    crs: Any,
    layer: str | None,
    on_duplicate: str,
    fmt: str | None,
    output: str,
    overwrite: bool,
    progress: bool | None,
) -> None:
    """Write the zone measured on each map: one row per date and source.

    Each row holds date, source, zone, area_km2, area_mi2, geodesic_km2,
    map_id, the file and its equal-area CRS, and the geometry measured (the
    zones united and clipped to --region) in longitude/latitude. GeoPackage,
    FlatGeobuf, GeoParquet and GeoJSON files also carry where every input
    came from (sha256, dataset, map id) in their metadata; CSV has no
    geometry. Files of one date from different sources give a row each.

    \b
    $ kurskgeo export raw/*.geojson isw/*.geojson --zone liberated \\
          --zone kursk_russian_advances --region kursk_oblast.geojson -o zones.gpkg
    $ kurskgeo export raw/ --zone liberated -o zones.parquet
    """
    from kurskgeo.series import export_zones

    table = export_zones(
        list(paths),
        output,
        zone=options.zones_or_none(zone),
        region=region,
        crs=crs,
        format=fmt,
        on_duplicate=on_duplicate,
        layer=layer,
        overwrite=overwrite,
        command=options.command_line(ctx) + " " + " ".join(paths),
        progress=options.show_progress(progress),
    )
    options.say(f"wrote {len(table)} rows to {output}", err=True)
