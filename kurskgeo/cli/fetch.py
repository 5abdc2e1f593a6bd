"""``kurskgeo fetch``: download datasets into the cache and print their paths."""

from __future__ import annotations

import click

from kurskgeo.cli import options

LIST_COLUMNS = ("name", "sha256", "licence", "url")


def _specs(args: tuple[str, ...]) -> list[str]:
    """Accept ``KIND WHAT...`` as well as ``KIND:WHAT...``."""
    from kurskgeo.datasets import KINDS

    if args and ":" not in args[0]:
        kind = args[0].lower()
        if kind not in KINDS:
            raise click.BadParameter(
                f"unknown dataset kind {args[0]!r}; known: {', '.join(KINDS)}",
                param_hint="SPEC",
            )
        return [f"{kind}:{what}" for what in args[1:]] or [f"{kind}:"]
    bad = [a for a in args if ":" not in a]
    if bad:
        raise click.BadParameter(
            f"{bad[0]!r} is not of the form kind:what (e.g. occupied:2025-03-06)",
            param_hint="SPEC",
        )
    return list(args)


@click.command(short_help="Download datasets into the cache; print their paths.")
@click.argument("specs", nargs=-1, metavar="KIND WHAT... | KIND:WHAT...")
@click.option("--list", "list_", is_flag=True, help="Show the registry and exit.")
@options.format_option()
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr for large downloads (default: on a terminal).",
)
def fetch(specs: tuple[str, ...], list_: bool, fmt: str, progress: bool | None) -> None:
    """Fetch datasets by name, verified, into the cache; print each cached path.

    KIND is deepstate (a date, a date-time, a DeepStateMap id or 'latest': the
    map published at or before it), occupied (a date) or boundary (a name).
    Files are cached under $KURSKGEO_CACHE (default: the per-user cache);
    with $KURSKGEO_MIRROR set they are copied from that local folder instead.

    \b
    $ kurskgeo fetch deepstate 2025-01-17
    $ kurskgeo fetch occupied 2025-03-06 2025-03-07
    $ kurskgeo fetch boundary:kursk-oblast
    $ kurskgeo area --zone liberated --region boundary:kursk-oblast \
          deepstate:2025-03-05
    $ kurskgeo fetch --list
    """
    from kurskgeo import datasets

    if list_:
        rows = [
            {
                "name": d.name,
                "sha256": d.sha256 or "(recorded at first download)",
                "licence": d.licence,
                "url": d.url,
                "fname": d.fname,
                "description": d.description,
            }
            for d in datasets.list_datasets()
        ]
        click.echo(options.render(rows, LIST_COLUMNS, fmt))
        click.echo(f"cache: {datasets.cache_dir()}", err=True)
        return
    if not specs:
        raise click.UsageError(
            "name a dataset (e.g. deepstate 2025-01-17) or pass --list"
        )
    for spec in _specs(specs):
        click.echo(str(datasets.fetch_spec(spec, progressbar=progress)))
