"""``kurskgeo report``: claims and snapshots in, a report with tables and maps out."""

from __future__ import annotations

import click

from kurskgeo.cli import options


@click.command(short_help="Write a report: areas, claims with verdicts, maps, chart.")
@click.option(
    "--claims",
    metavar="FILE",
    default=None,
    help="Claims file (YAML/CSV). Default: the bundled Kursk claims when no "
    "--snapshots are given.",
)
@click.option(
    "--snapshots",
    "snapshots",
    multiple=True,
    metavar="PATH",
    callback=options._resolve_many,
    help="Snapshot file, folder or glob (repeatable). Default: the embedded "
    "approximate snapshots in geodata/.",
)
@options.zone_option
@options.region_option
@click.option(
    "--places",
    metavar="FILE",
    default=None,
    help="Points with a 'name' to label on the maps. Default: geodata/places.geojson.",
)
@click.option(
    "--context",
    multiple=True,
    metavar="FILE",
    callback=options._resolve_many,
    help="Background layer under the maps, e.g. country outlines (repeatable).",
)
@click.option(
    "--tolerance",
    type=click.FloatRange(0, 1),
    default=0.05,
    show_default=True,
    help="Relative tolerance of the claim verdicts.",
)
@click.option(
    "--max-age-days",
    type=click.IntRange(0),
    default=14,
    show_default=True,
    help="A snapshot older than this before a claim's date does not match it.",
)
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False),
    default="kurskgeo-report",
    show_default=True,
    help="Folder to write report.md, report.html and figures/ into.",
)
@options.overwrite_option
def report(
    claims: str | None,
    snapshots: tuple[str, ...],
    zone: tuple[str, ...],
    region: str | None,
    places: str | None,
    context: tuple[str, ...],
    tolerance: float,
    max_age_days: int,
    outdir: str,
    overwrite: bool,
) -> None:
    """Check claims against snapshots and write report.md and report.html.

    With no options it runs on kurskgeo's embedded, approximate data
    (geodata/) and says so at the top of the report.

    \b
    $ kurskgeo report -o report
    $ kurskgeo report --snapshots deepstate-raw/ --zone liberated \\
          --zone contested --region kursk_oblast.geojson \\
          --claims geodata/claims/kursk.yaml \\
          --context natural_earth_10m_ukraine.geojson -o report-real
    """
    from kurskgeo.report import make_report

    result = make_report(
        outdir,
        claims=claims,
        snapshots=list(snapshots) or None,
        zone=options.zones_or_none(zone),
        region=region,
        places=places,
        context=list(context) or None,
        tolerance=tolerance,
        max_age_days=max_age_days,
        overwrite=overwrite,
        progress=lambda message: click.echo(message, err=True),
    )
    click.echo(
        f"wrote {result.markdown}, {result.html} and {len(result.figures)} figures",
        err=True,
    )
    click.echo(result.html)
