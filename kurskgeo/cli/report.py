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
@click.option(
    "--zone",
    "zone",
    multiple=True,
    metavar="NAME",
    help="The zone of claims that name none, as in `kurskgeo check` (a claim's "
    "own zone always wins); also what the maps draw, unless --map-zone.",
)
@click.option(
    "--map-zone",
    "map_zone",
    multiple=True,
    metavar="NAME",
    help="What the maps and the timeline draw (repeatable: their union). Default: "
    "--zone; for the embedded data, liberated and contested.",
)
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
    help="How far 'about' a figure reaches, when wider than its rounding.",
)
@click.option(
    "--max-age-days",
    type=click.IntRange(0),
    default=14,
    show_default=True,
    help="A map older than this before a claim's date does not stand for it.",
)
@click.option(
    "--line-accuracy",
    "line_accuracy_m",
    type=click.FloatRange(min=0),
    default=250.0,
    show_default=True,
    metavar="METRES",
    help="Accuracy of a drawn front line (the band of each reading); 0: no band.",
)
@click.option(
    "--start",
    metavar="DATE",
    help="When the event began, for claims that give no start.",
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
    map_zone: tuple[str, ...],
    region: str | None,
    places: str | None,
    context: tuple[str, ...],
    tolerance: float,
    max_age_days: int,
    line_accuracy_m: float,
    start: str | None,
    outdir: str,
    overwrite: bool,
) -> None:
    """Check claims against snapshots and write report.md, report.html and verdicts.

    The verdicts are also written as verdicts.json (as `kurskgeo check
    --format json` prints them) and verdicts.csv.

    With no options it runs on kurskgeo's embedded, approximate data
    (geodata/) and says so at the top of the report.

    \b
    $ kurskgeo report -o report
    $ kurskgeo report --snapshots deepstate-raw/ --map-zone liberated \\
          --map-zone contested --region kursk_oblast.geojson \\
          --claims geodata/claims/kursk.yaml \\
          --context natural_earth_10m_ukraine.geojson -o report-real
    """
    from kurskgeo.report import make_report

    result = make_report(
        outdir,
        claims=claims,
        snapshots=list(snapshots) or None,
        zone=options.zones_or_none(zone),
        map_zone=options.zones_or_none(map_zone),
        region=region,
        places=places,
        context=list(context) or None,
        tolerance=tolerance,
        max_age_days=max_age_days,
        line_accuracy_m=line_accuracy_m,
        start=start,
        overwrite=overwrite,
        progress=lambda message: click.echo(message, err=True),
    )
    click.echo(
        f"wrote {result.markdown}, {result.html} and {len(result.figures)} figures",
        err=True,
    )
    click.echo(result.html)
