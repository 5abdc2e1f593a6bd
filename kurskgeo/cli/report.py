"""``kurskgeo report``: claims and snapshots in, a report with tables and maps out."""

from __future__ import annotations

from typing import Any

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
    "--source",
    type=click.Choice(["deepstate"]),
    default=None,
    help="Fetch the real maps the claims need instead of reading --snapshots: "
    "DeepStateMap's maps over the claims' window and of each claim's date, with "
    "Kursk Oblast (boundary:kursk-oblast) as the default region and Natural "
    "Earth's countries (boundary:countries) as the default --context.",
)
@click.option(
    "--every",
    type=click.Choice(["week", "day", "all"]),
    default="week",
    show_default=True,
    help="With --source: the last map of each week or day of the window, or all.",
)
@click.option(
    "--from-manifest",
    "manifest",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    default=None,
    help="Make a report again from its manifest.json, on the same inputs (each "
    "checked by its sha256) and with the same settings.",
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
@options.tolerance_option
@options.max_age_option
@options.line_accuracy_option
@click.option(
    "--start",
    metavar="DATE",
    help="When the event began, for claims that give no start.",
)
@options.extent_option
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False),
    default="kurskgeo-report",
    show_default=True,
    help="Folder to write report.md, report.html and figures/ into.",
)
@click.option(
    "--interactive/--no-interactive",
    default=True,
    show_default=True,
    help="Write explore.html, the interactive map (the zones of every map, "
    "simplified to 50 m, on a time slider).",
)
@click.option(
    "--animation/--no-animation",
    default=True,
    show_default=True,
    help="Write figures/animation.gif, one frame per map.",
)
@options.overwrite_option
@click.option(
    "--allow-download",
    is_flag=True,
    help="Let the claims file fetch the datasets it names (a claim's 'region' or "
    "'snapshots'), as for `kurskgeo check`; off, a claims file cannot make "
    "kurskgeo go online.",
)
@click.pass_context
def report(
    ctx: click.Context,
    claims: str | None,
    source: str | None,
    every: str,
    manifest: str | None,
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
    extent: Any,
    outdir: str,
    interactive: bool,
    animation: bool,
    overwrite: bool,
    allow_download: bool,
) -> None:
    """Check claims against snapshots and write report.md, report.html and verdicts.

    The verdicts are also written as verdicts.json (as `kurskgeo check
    --format json` prints them) and verdicts.csv.

    With no options it runs on kurskgeo's embedded, approximate data
    (geodata/): an illustration, and every page and figure says so. With
    --source deepstate it fetches the real maps (through the cache, or the
    folder KURSKGEO_MIRROR names) and checks the claims on them.

    Every report writes manifest.json: each input with its sha256, the
    settings, the versions; --from-manifest makes the report again from it.

    \b
    $ kurskgeo report -o report
    $ kurskgeo report --source deepstate -o report-real
    $ kurskgeo report --from-manifest report-real/manifest.json -o again
    $ kurskgeo report --snapshots deepstate-raw/ --map-zone liberated \\
          --map-zone contested --region kursk_oblast.geojson \\
          --claims geodata/claims/kursk.yaml \\
          --context natural_earth_10m_ukraine.geojson -o report-real
    """
    from click.core import ParameterSource

    from kurskgeo.report import make_report, reproduce_report

    say = lambda message: options.say(message, err=True)  # noqa: E731
    if manifest is not None:
        given = [
            p.opts[-1]
            for p in ctx.command.params
            if p.name not in ("manifest", "outdir", "overwrite", "allow_download")
            and ctx.get_parameter_source(p.name or "") is ParameterSource.COMMANDLINE
        ]
        if given:
            raise click.UsageError(
                f"--from-manifest takes its inputs and settings from the manifest; "
                f"drop {', '.join(given)}"
            )
        result = reproduce_report(
            manifest,
            outdir,
            overwrite=overwrite,
            progress=say,
            command=options.command_line(ctx),
        )
        options.say(f"reproduced the report of {manifest} in {outdir}", err=True)
        options.say(str(result.html))
        return
    if source is not None and snapshots:
        raise click.UsageError(
            "--source fetches the snapshots; give it or --snapshots, not both"
        )
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
        source=source,
        every=every,
        interactive=interactive,
        animation=animation,
        extent=extent,
        overwrite=overwrite,
        progress=say,
        command=options.command_line(ctx),
        allow_download=allow_download,
    )
    options.say(
        f"wrote {result.markdown}, {result.html} and {len(result.figures)} figures",
        err=True,
    )
    options.say(str(result.html))
