"""``kurskgeo fetch``: download datasets into the cache and print their paths."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from kurskgeo.cli import options

LIST_COLUMNS = ("name", "sha256", "licence", "url")
#: Columns of ``fetch deepstate --from/--to``: as a table, and in CSV (JSON has all).
RANGE_COLUMNS = ("id", "published", "bytes", "sha256")
RANGE_CSV_COLUMNS = (*RANGE_COLUMNS, "path")
RANGE_LIST_COLUMNS = ("id", "published")


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


_DAY = click.DateTime(formats=["%Y-%m-%d", "%Y%m%d"])


@click.command(short_help="Download datasets into the cache; print their paths.")
@click.argument("specs", nargs=-1, metavar="KIND WHAT... | KIND:WHAT...")
@click.option(
    "--from",
    "start",
    type=_DAY,
    metavar="DATE",
    help="With 'deepstate': the first UTC day of a range of maps (from 00:00).",
)
@click.option(
    "--to",
    "end",
    type=_DAY,
    metavar="DATE",
    help="The last UTC day of the range (to 23:59:59). Default: today.",
)
@click.option(
    "--every",
    type=click.Choice(["all", "day", "week"]),
    default=None,
    help="With --from: every map of the range, or the last of each UTC day, or "
    "of each ISO week (Monday to Sunday). Default: all.",
)
@click.option(
    "--list",
    "list_",
    is_flag=True,
    help="Show the registry and exit; with --from, list the range's maps "
    "(id, publication time) without downloading them.",
)
@options.format_option()
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr for large downloads, or over a range of maps "
    "(default: on a terminal).",
)
def fetch(
    specs: tuple[str, ...],
    start: dt.datetime | None,
    end: dt.datetime | None,
    every: str | None,
    list_: bool,
    fmt: str,
    progress: bool | None,
) -> None:
    """Fetch datasets by name, verified, into the cache; print each cached path.

    KIND is deepstate (a date, a date-time, a DeepStateMap id or 'latest': the
    map published at or before it; or a range FROM..TO, FROM..TO@day,
    FROM..TO@week: every map of those UTC days, or the last of each day or
    week), occupied (a date) or boundary (a name). Files are cached under
    $KURSKGEO_CACHE (default: the per-user cache); with $KURSKGEO_MIRROR set
    they are copied from that local folder instead.

    With --from/--to, 'deepstate' fetches the maps of a range and prints a
    row per map: id, publication time (UTC), size and sha256.

    \b
    $ kurskgeo fetch deepstate 2025-01-17
    $ kurskgeo fetch deepstate:2024-08-06..2025-04-30@week
    $ kurskgeo fetch deepstate --from 2024-08-06 --to 2025-04-30 --every week
    $ kurskgeo fetch deepstate --from 2024-08-06 --to 2025-04-30 --list
    $ kurskgeo fetch occupied 2025-03-06 2025-03-07
    $ kurskgeo fetch boundary:kursk-oblast
    $ kurskgeo area --zone liberated --region boundary:kursk-oblast \
          deepstate:2025-03-05
    $ kurskgeo fetch --list
    """
    from kurskgeo import datasets

    if start is not None or end is not None or every is not None:
        _fetch_range(specs, start, end, every, list_, fmt, progress)
        return
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
        for path in datasets.fetch_spec_files(spec, progressbar=progress):
            click.echo(str(path))


def _fetch_range(
    specs: tuple[str, ...],
    start: dt.datetime | None,
    end: dt.datetime | None,
    every: str | None,
    list_: bool,
    fmt: str,
    progress: bool | None,
) -> None:
    """``fetch deepstate --from A --to B``: one row per map of the range."""
    from kurskgeo import datasets

    if tuple(s.lower() for s in specs) not in (("deepstate",), ("deepstate:",)):
        raise click.UsageError(
            "--from/--to/--every fetch a range of DeepStateMap maps: write "
            "'kurskgeo fetch deepstate --from DATE --to DATE' (no other dataset "
            "or date), or name the range as deepstate:FROM..TO[@week]"
        )
    if start is None:
        raise click.UsageError("--to and --every need --from (the first day)")
    first = start.date()
    last = end.date() if end is not None else dt.datetime.now(dt.UTC).date()
    if last < first:
        raise click.BadParameter(
            f"{last} is before --from {first}", param_hint="'--to'"
        )
    table = datasets.fetch_deepstate_range(
        first, last, every=every or "all", list_only=list_, progressbar=progress
    )
    rows: list[dict[str, Any]] = [
        {
            "id": int(r.id),
            "published": r.published.to_pydatetime(),
            "bytes": None if list_ else int(r.bytes),
            "sha256": r.sha256,
            "path": r.path,
        }
        for r in table.itertuples(index=False)
    ]
    if list_:
        rows = [{"id": r["id"], "published": r["published"]} for r in rows]
        columns: tuple[str, ...] = RANGE_LIST_COLUMNS
    else:
        columns = RANGE_CSV_COLUMNS if fmt == "csv" else RANGE_COLUMNS
    click.echo(options.render(rows, columns, fmt))
    which = {
        "all": "",
        "day": "; the last of each day",
        "week": "; the last of each week",
    }
    span = f"published from {first} to {last} (UTC{which[every or 'all']})"
    count = f"{len(rows)} map{'s' if len(rows) != 1 else ''} {span}"
    if not rows:
        click.echo(f"no map was {span}", err=True)
    elif list_:
        click.echo(f"{count}; none downloaded (--list)", err=True)
    else:
        got = table.attrs.get("downloaded", 0)
        click.echo(
            f"{count}: {got} downloaded, {len(rows) - got} already in the cache "
            f"{datasets.cache_dir()}",
            err=True,
        )
