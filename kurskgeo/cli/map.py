"""``kurskgeo map``: draw a report-ready map of one snapshot, a change, or a series."""

from __future__ import annotations

from typing import Any

import click

from kurskgeo.cli import options


def check_crs(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Refuse a CRS PROJ does not know, or a geographic one (exit 2)."""
    if value.lower() == "auto":
        return value
    from kurskgeo.area.crs import as_crs
    from kurskgeo.errors import KurskgeoError

    try:
        crs = as_crs(value)
    except KurskgeoError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    if not crs.is_projected:
        raise click.BadParameter(
            f"{value} is not a projected CRS; a map in degrees distorts areas "
            "(use 'auto' or a projected CRS such as EPSG:3035)",
            ctx=ctx,
            param=param,
        )
    return value


@click.command(short_help="Draw a map of a snapshot, a change, or several dates.")
@options.paths_argument
@click.option(
    "--compare",
    metavar="PATH",
    callback=options._resolve_many,
    help="Draw the change between this snapshot and PATH (gained/lost/unchanged).",
)
@options.zone_option
@options.region_option
@options.places_option
@options.context_option
@click.option(
    "--title", metavar="TEXT", help="Headline (default: names the zones and region)."
)
@click.option(
    "--crs",
    default="auto",
    show_default=True,
    metavar="auto|CRS",
    callback=check_crs,
    help="Projection: 'auto' (equal-area LAEA on the data) or any projected CRS.",
)
@options.extent_option
@click.option(
    "-o",
    "--output",
    required=True,
    callback=options.check_image_output,
    metavar="OUT.(png|svg|pdf)",
    help="Image to write; several dates and a {date} field write one map per date.",
)
@options.dpi_option
@options.overwrite_option
def map(
    paths: tuple[str, ...],
    compare: str | None,
    zone: tuple[str, ...],
    region: str | None,
    places: str | None,
    context: tuple[str, ...],
    title: str | None,
    crs: str,
    extent: Any,
    output: str,
    dpi: int,
    overwrite: bool,
) -> None:
    """Draw a map with legend areas, scale bar, north arrow, date and source.

    One snapshot gives a map of its zones; --compare gives the change between
    two snapshots (in date order); several snapshots give small multiples, or
    one map per date when OUT contains {date}. Maps are drawn in an
    equal-area projection; the output is byte-identical for the same input.

    \b
    $ kurskgeo map raw/1725481410.geojson --zone liberated --zone contested \\
          --region kursk_oblast.geojson --context natural_earth_10m_ukraine.geojson \\
          -o kursk_2024-09-04.png
    $ kurskgeo map raw/1723635752.geojson --compare raw/1741215821.geojson \\
          --zone liberated --region kursk_oblast.geojson -o change.png
    $ kurskgeo map 'raw/17*.geojson' --zone liberated --region kursk_oblast.geojson \\
          -o 'frames/kursk_{date}.png'
    $ kurskgeo map raw/1737582179.geojson --zone liberated \\
          --extent 34.1,50.9,35.7,51.7 -o kursk_2025-01-22.png
    """
    from kurskgeo import plot
    from kurskgeo.io import read_snapshots, snapshot_date

    frames = "{date}" in output
    if not frames:
        options.refuse_existing(output, overwrite)
    else:
        options.refuse_existing(output.replace("{date}", "date"), True)
    snaps = read_snapshots(paths, require_date=False)
    zones = options.zones_or_none(zone)
    common: dict[str, Any] = {
        "zone": zones,
        "region": region,
        "context": list(context) or None,
        "places": places,
        "crs": crs,
        "title": title,
        "extent": extent,
    }
    if frames:
        written = plot.save_frames(
            snaps, output, overwrite=overwrite, dpi=dpi, **common
        )
        for p in written:
            options.say(f"wrote {p}", err=True)
        return
    if compare is not None:
        if len(snaps) != 1:
            raise click.BadParameter(
                "--compare takes one snapshot PATH to compare with", param_hint="PATH"
            )
        other = read_snapshots([compare], require_date=False)
        if len(other) != 1:
            raise click.BadParameter("holds several dates", param_hint="--compare")
        a, b = sorted(
            [snaps[0], other[0]],
            key=lambda s: (snapshot_date(s) is None, snapshot_date(s) or 0),
        )
        fig: Any = plot.plot_change(a, b, **common).figure
    elif len(snaps) == 1:
        fig = plot.plot_snapshot(snaps[0], **common).figure
    else:
        fig = plot.plot_small_multiples(snaps, **common)
    plot.save_figure(fig, output, dpi=dpi, overwrite=overwrite)
    options.say(f"wrote {output}", err=True)
