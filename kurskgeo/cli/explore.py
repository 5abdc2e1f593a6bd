"""``kurskgeo explore``: an interactive map of a series, one HTML file, offline."""

from __future__ import annotations

import click

from kurskgeo.cli import options

#: Repeated from kurskgeo.plot.explore, imported only when the command runs.
SIMPLIFY_M = 50.0


@click.command(short_help="Write an interactive map of a series (HTML, offline).")
@options.paths_argument
@options.zone_option
@options.region_option
@options.places_option
@options.context_option
@click.option(
    "--claims",
    metavar="FILE",
    help="Claims file: each claim is checked and listed with its verdict, on "
    "the map it rests on.",
)
@click.option("--title", metavar="TEXT", help="Headline of the page.")
@click.option(
    "--notice",
    metavar="TEXT",
    help="A warning shown at the top, e.g. 'Illustration: approximate shapes'.",
)
@click.option(
    "--simplify",
    "simplify_m",
    type=click.FloatRange(min=0),
    default=SIMPLIFY_M,
    show_default=True,
    metavar="METRES",
    help="Simplify the shapes sent to the browser to within this distance "
    "(areas are measured on the full shapes); 0: none.",
)
@click.option(
    "--tiles",
    metavar="URL|NAME",
    help="A background tile layer (a URL template or a provider name); the "
    "page then loads tiles from the network. Default: none.",
)
@click.option(
    "--tiles-attribution",
    metavar="TEXT",
    help="The credit a --tiles URL asks for (providers bring their own).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    callback=options.output_suffix(
        (".html", ".htm"), "the interactive map is an HTML page"
    ),
    metavar="OUT.html",
    help="The HTML page to write.",
)
@options.overwrite_option
def explore(
    paths: tuple[str, ...],
    zone: tuple[str, ...],
    region: str | None,
    places: str | None,
    context: tuple[str, ...],
    claims: str | None,
    title: str | None,
    notice: str | None,
    simplify_m: float,
    tiles: str | None,
    tiles_attribution: str | None,
    output: str,
    overwrite: bool,
) -> None:
    """Write one HTML page: the zones of each date on a time slider.

    The page shows each snapshot's zones with their areas, the claims with
    their verdicts on the map each rests on, the region's border and the
    places. It is self-contained (Leaflet inlined) and makes no request: no
    background tiles unless --tiles names a source.

    \b
    $ kurskgeo explore raw/*.geojson --zone liberated --zone contested \\
          --region kursk_oblast.geojson --places geodata/places.geojson \\
          --claims geodata/claims/kursk.yaml -o kursk.html
    """
    from kurskgeo.io import read_snapshots
    from kurskgeo.plot import save_explore

    options.refuse_existing(output, overwrite)
    snaps = read_snapshots(paths, require_date=False)
    path = save_explore(
        snaps,
        output,
        overwrite=overwrite,
        zone=options.zones_or_none(zone),
        region=region,
        context=list(context) or None,
        places=places,
        claims=claims,
        title=title,
        notice=notice,
        simplify_m=simplify_m,
        tiles=tiles,
        tiles_attribution=tiles_attribution,
    )
    options.say(f"wrote {path}", err=True)
