"""``kurskgeo animate``: a series of maps as a GIF or MP4, a frame per map or day."""

from __future__ import annotations

import click

from kurskgeo.cli import options


@click.command(short_help="Animate the maps of a series (GIF, or MP4 with [video]).")
@options.paths_argument
@options.zone_option
@options.region_option
@options.places_option
@options.context_option
@click.option(
    "--every",
    type=click.Choice(["map", "day"]),
    default="map",
    show_default=True,
    help="One frame per map version, or per day (holding the last map).",
)
@click.option("--from", "start", metavar="DATE", help="Leave out days before DATE.")
@click.option("--to", "end", metavar="DATE", help="Leave out days after DATE.")
@click.option(
    "--frame-ms",
    type=click.IntRange(min=10),
    default=None,
    metavar="MS",
    help="How long each frame shows [default: 800 per map, 120 per day].",
)
@click.option("--title", metavar="TEXT", help="Headline of every frame.")
@click.option(
    "--notice",
    metavar="TEXT",
    help="A warning written on every frame, e.g. 'Illustration: approximate shapes'.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    callback=options.output_suffix((".gif", ".mp4"), "it chooses the format"),
    metavar="OUT.(gif|mp4)",
    help="Animation to write (MP4 needs: pip install 'kurskgeo[video]').",
)
@click.option(
    "--dpi",
    type=click.IntRange(20, 600),
    default=100,
    show_default=True,
    help="Resolution; a map is 6 × 6 in, so 100 dpi gives 600 × 600 px.",
)
@options.progress_option
@options.overwrite_option
def animate(
    paths: tuple[str, ...],
    zone: tuple[str, ...],
    region: str | None,
    places: str | None,
    context: tuple[str, ...],
    every: str,
    start: str | None,
    end: str | None,
    frame_ms: int | None,
    title: str | None,
    notice: str | None,
    output: str,
    dpi: int,
    progress: bool | None,
    overwrite: bool,
) -> None:
    """Write an animation of the maps, with the date and area on each frame.

    Every frame is the print map (one extent for all frames, legend with the
    areas, scale bar, north arrow, source) with the day and the total area
    written large. --every day shows every day, holding the last map
    published by then (and saying which).

    \b
    $ kurskgeo animate raw/*.geojson --zone liberated --zone contested \\
          --region kursk_oblast.geojson --places geodata/places.geojson -o kursk.gif
    $ kurskgeo animate raw/*.geojson --zone liberated --every day \\
          --from 2024-08-06 --region kursk_oblast.geojson -o kursk.mp4
    """
    from kurskgeo.errors import KurskgeoError
    from kurskgeo.io import parse_date, read_snapshots
    from kurskgeo.plot import animate as write_animation

    options.refuse_existing(output, overwrite)
    bounds = {}
    for name, value in (("--from", start), ("--to", end)):
        if value is not None:
            try:
                bounds[name] = parse_date(value)
            except (KurskgeoError, ValueError) as exc:
                raise click.BadParameter(str(exc), param_hint=name) from None
    snaps = read_snapshots(paths, require_date=every == "day")
    path = write_animation(
        snaps,
        output,
        every=every,
        start=bounds.get("--from"),
        end=bounds.get("--to"),
        frame_ms=frame_ms,
        overwrite=overwrite,
        progress=options.show_progress(progress),
        zone=options.zones_or_none(zone),
        region=region,
        context=list(context) or None,
        places=places,
        title=title,
        notice=notice,
        dpi=dpi,
    )
    options.say(f"wrote {path}", err=True)
