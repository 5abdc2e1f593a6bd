"""``kurskgeo area``: measure snapshots in km² and mi²."""

from __future__ import annotations

from typing import Any

import click

from kurskgeo.cli import options

COLUMNS = (
    "path",
    "date",
    "timestamp",
    "source",
    "zone",
    "zones_found",
    "n_features",
    "area_km2",
    "area_mi2",
    "geodesic_km2",
)


@click.command(short_help="Measure the area of snapshots in km² and mi².")
@options.paths_argument
@options.zone_option
@options.region_option
@options.crs_option
@options.layer_option
@options.on_duplicate_option
@options.format_option()
@options.output_option
@options.overwrite_option
@options.progress_option
@options.jobs_option
def area(
    paths: tuple[str, ...],
    zone: tuple[str, ...],
    region: str | None,
    crs: Any,
    layer: str | None,
    on_duplicate: str,
    fmt: str,
    output: str | None,
    overwrite: bool,
    progress: bool | None,
    jobs: int,
) -> None:
    """Measure the area of each snapshot: the union of its polygons (of --zone).

    PATH may be a file, a folder or a glob; a multi-date file gives one row
    per date. Areas are computed in an equal-area CRS and cross-checked
    against the WGS84 geodesic area (geodesic_km2), computed without
    projecting.

    \b
    $ kurskgeo area geodata/snapshots/kursk_2025-01-08.geojson --zone liberated
    $ kurskgeo area raw/*.geojson --zone liberated \\
          --region boundaries/kursk_oblast.geojson --format json
    """
    from kurskgeo.area import measure_files

    options.refuse_existing(output, overwrite)
    with options.executor(jobs) as pool:
        table = measure_files(
            paths,
            zone=options.zones_or_none(zone),
            region=region,
            crs=crs,
            on_duplicate=on_duplicate,
            layer=layer,
            progress=options.show_progress(progress),
            executor=pool,
        )
    text = options.render(table.to_dict("records"), COLUMNS, fmt)
    options.emit(text, output, overwrite=overwrite)
