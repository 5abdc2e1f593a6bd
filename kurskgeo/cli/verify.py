"""``kurskgeo verify``: from an article to verdicts in one command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kurskgeo.cli import options
from kurskgeo.cli.check import exit_if_strict, format_result
from kurskgeo.cli.extract import article_options, extract_article


def claims_path(article: str, output: str | None, claims_out: str | None) -> Path:
    """Where the extracted claims file goes: beside the output, or here.

    Examples
    --------
    >>> str(claims_path("story.html", "out/verdicts.md", None))
    'out/verdicts.claims.yaml'
    >>> str(claims_path("news/story.html", None, None))
    'story.claims.yaml'
    """
    if claims_out:
        return Path(claims_out)
    if output and output != "-":
        out = Path(output)
        return out.with_name(out.stem + ".claims.yaml")
    stem = "article" if article == "-" else Path(article).stem
    return Path(stem + ".claims.yaml")


@click.command(short_help="Extract the claims of an article and check them on maps.")
@article_options
@click.option(
    "--source",
    type=click.Choice(["deepstate"]),
    default=None,
    help="Fetch the maps the claims need: DeepStateMap's maps over the claims' "
    "window and of each claim's date (through the cache, or KURSKGEO_MIRROR), "
    "with Kursk Oblast as the default region.",
)
@click.option(
    "--every",
    type=click.Choice(["week", "day", "all"]),
    default="week",
    show_default=True,
    help="With --source: the last map of each week or day of the window, or all.",
)
@click.option(
    "--snapshots",
    "snapshots",
    multiple=True,
    metavar="PATH",
    callback=options._resolve_many,
    help="Snapshot files, folders or globs to check the claims on (repeatable), "
    "instead of --source.",
)
@options.region_option
@options.line_accuracy_option
@options.tolerance_option
@options.max_age_option
@options.format_option(("table", "json", "csv", "markdown"))
@options.output_option
@click.option(
    "--claims-out",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Where to write the extracted claims file. Default: beside -o "
    "(NAME.claims.yaml), else ARTICLE's name with .claims.yaml in this folder.",
)
@click.option("--strict", is_flag=True, help="Exit 3 if any claim is not consistent.")
@options.overwrite_option
def verify(
    article: str,
    date: Any,
    outlet: str | None,
    url: str | None,
    start: Any,
    markup: str,
    source: str | None,
    every: str,
    snapshots: tuple[str, ...],
    region: str | None,
    line_accuracy_m: float,
    tolerance: float,
    max_age_days: int,
    fmt: str,
    output: str | None,
    claims_out: str | None,
    strict: bool,
    overwrite: bool,
) -> None:
    """Extract the claims of ARTICLE, fetch the maps they need, and check them.

    This is `kurskgeo extract` and `kurskgeo check` in one: the claims file
    is written first (beside the output, see --claims-out) so that you can
    correct a guess in it and run `kurskgeo check` on it again. Then every
    claim is measured on the maps (--source deepstate fetches them, offline
    through KURSKGEO_MIRROR; or give --snapshots) and the verdicts are printed
    as `kurskgeo check` prints them.

    \b
    $ kurskgeo verify story.html --source deepstate
    $ kurskgeo verify story.txt --date 2025-01-17 --source deepstate \\
          --format markdown -o verdicts.md
    $ kurskgeo verify story.md --snapshots raw/ --region kursk_oblast.geojson
    """
    from kurskgeo.claims import check_claims, read_claims
    from kurskgeo.io import atomic_write

    if source is None and not snapshots:
        raise click.UsageError(
            "give the maps to check the claims on: --source deepstate, or --snapshots"
        )
    if source is not None and snapshots:
        raise click.UsageError(
            "--source fetches the snapshots; give it or --snapshots, not both"
        )
    target = claims_path(article, output, claims_out)
    for path in {target, *([Path(output)] if output and output != "-" else [])}:
        options.refuse_existing(str(path), overwrite)
    _, text = extract_article(article, date, outlet, url, start, markup)
    with atomic_write(target, "w", overwrite=overwrite) as fh:
        fh.write(text)
    options.say(
        f"wrote {target}: correct any guess there, then run kurskgeo check {target}",
        err=True,
    )
    claims = read_claims(target)  # what `kurskgeo check` reads
    maps: list[Any] = list(snapshots)
    if source is not None:
        from kurskgeo import datasets
        from kurskgeo.report.fetch import deepstate_maps

        say = lambda message: options.say(message, err=True)  # noqa: E731
        maps = list(
            deepstate_maps(claims, every=every, max_age_days=max_age_days, say=say)
        )
        if region is None:
            say("fetching the Kursk Oblast boundary (boundary:kursk-oblast)")
            region = str(datasets.fetch_boundary("kursk-oblast"))
    result = check_claims(
        claims,
        maps,
        region=region,
        tolerance=tolerance,
        max_age_days=max_age_days,
        line_accuracy_m=line_accuracy_m,
    )
    options.emit(format_result(result, fmt), output, overwrite=overwrite)
    exit_if_strict(result, strict)
