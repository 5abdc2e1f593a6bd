"""``kurskgeo chart``: area over time, with claims marked by verdict."""

from __future__ import annotations

import importlib.util

import click

from kurskgeo.cli import options


@click.command(short_help="Chart measured area over time, with claims by verdict.")
@options.paths_argument
@click.option(
    "--claims",
    metavar="FILE",
    help="Claims file; each claim is checked and marked at its date by verdict.",
)
@options.zone_option
@options.region_option
@click.option("--title", metavar="TEXT", help="Headline of the chart.")
@click.option(
    "--kind",
    type=click.Choice(["step", "line"]),
    default="step",
    show_default=True,
    help="Step (an area holds until the next snapshot) or straight lines.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    callback=options.check_image_output,
    metavar="OUT.(png|svg|pdf)",
    help="Image to write.",
)
@options.dpi_option
@options.overwrite_option
@click.option(
    "--allow-download",
    is_flag=True,
    help="Let the claims file fetch the datasets it names (as for `kurskgeo check`).",
)
def chart(
    paths: tuple[str, ...],
    claims: str | None,
    zone: tuple[str, ...],
    region: str | None,
    title: str | None,
    kind: str,
    output: str,
    dpi: int,
    overwrite: bool,
    allow_download: bool,
) -> None:
    """Chart the measured area of each zone over the snapshots' dates.

    With --claims, every claim is checked against the snapshots and drawn at
    its date, coloured and shaped by verdict, with an arrow for "more than"
    and "less than".

    \b
    $ kurskgeo chart 'raw/17*.geojson' --zone liberated \\
          --region kursk_oblast.geojson --claims claims.yaml -o timeline.png
    """
    from kurskgeo import plot
    from kurskgeo.errors import KurskgeoError
    from kurskgeo.io import read_snapshots

    options.refuse_existing(output, overwrite)
    snaps = read_snapshots(paths, require_date=True)
    zones = options.zones_or_none(zone)
    verdicts = None
    if claims is not None:
        if importlib.util.find_spec("kurskgeo.claims") is None:
            raise KurskgeoError(
                "--claims needs kurskgeo.claims, which this installation lacks; "
                "update kurskgeo or leave out --claims"
            )
        from kurskgeo.claims import check_claims, read_claims

        result = check_claims(
            read_claims(claims),
            snaps,
            region=region,
            zone=zones,
            allow_download=allow_download,
        )
        verdicts = plot.claims_table(result)
    ax = plot.plot_timeline(
        snaps, claims=verdicts, zone=zones, region=region, title=title, kind=kind
    )
    plot.save_figure(ax.figure, output, dpi=dpi, overwrite=overwrite)
    options.say(f"wrote {output}", err=True)
