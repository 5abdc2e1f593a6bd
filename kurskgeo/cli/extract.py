"""``kurskgeo extract``: read the claims of an article into a claims file."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kurskgeo.cli import options


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    from kurskgeo.io import parse_date

    try:
        return parse_date(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD)", ctx=ctx, param=param
        ) from None


def article_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options that say what the article may not: date, outlet, start."""
    for option in reversed(
        (
            click.argument("article", metavar="ARTICLE"),
            click.option(
                "--date",
                callback=_date,
                metavar="DATE",
                help="The date of the statements (YYYY-MM-DD). Default: the page's "
                "metadata, else the first full date in the text.",
            ),
            click.option(
                "--outlet",
                metavar="NAME",
                help="Who published the article, for each claim's reference. "
                "Default: the page's og:site_name.",
            ),
            click.option(
                "--url",
                metavar="URL",
                help="Where the article was published. Default: the page's "
                "og:url or canonical link.",
            ),
            click.option(
                "--start",
                callback=_date,
                metavar="DATE",
                help="When the event began, for peaks and ground lost since the "
                "peak. Default: 2024-08-06 for an article about Kursk region.",
            ),
            click.option(
                "--markup",
                type=click.Choice(["auto", "html", "markdown", "text"]),
                default="auto",
                show_default=True,
                help="How the article is written (auto: from the suffix and the text).",
            ),
        )
    ):
        func = option(func)
    return func


def read_article(path: str) -> str:
    """Return the text of the article file `path` (``-``: standard input)."""
    from kurskgeo import limits
    from kurskgeo.errors import ArticleError

    if path == "-":
        return sys.stdin.read()
    limits.check_input(path, ArticleError)  # a pipe would block, a disk image fill
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ArticleError(f"{path}: no such file") from None
    except OSError as exc:
        raise ArticleError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArticleError(
            f"{path}: not UTF-8 text; save the page or text as UTF-8"
        ) from None


def extract_article(
    article: str,
    date: Any,
    outlet: str | None,
    url: str | None,
    start: Any,
    markup: str,
) -> tuple[Any, str]:
    """Extract the claims of `article`; say what was found on stderr.

    Returns the extraction and the claims file's text.
    """
    from kurskgeo.claims import extract_claims

    name = "<stdin>" if article == "-" else Path(article).name
    found = extract_claims(
        read_article(article),
        date=date,
        outlet=outlet,
        url=url,
        start=start,
        markup=markup,
        name=name if article != "-" else None,
    )
    text = found.to_yaml(name)
    options.say(
        f"{len(found.claims)} claim(s) in {name}, dated {found.date}"
        + (f", {found.outlet}" if found.outlet else ""),
        err=True,
    )
    for f in found.findings:
        if not f.consistent:
            options.say(f"finding: {f.kind}: {options.one_line(f.message)}", err=True)
    for note in found.notes:
        options.say(f"note: {options.one_line(note)}", err=True)
    return found, text


@click.command(short_help="Read the claims of an article into a claims file.")
@article_options
@options.output_option
@options.overwrite_option
def extract(
    article: str,
    date: Any,
    outlet: str | None,
    url: str | None,
    start: Any,
    markup: str,
    output: str | None,
    overwrite: bool,
) -> None:
    """Read every area or share figure of ARTICLE into a claims file.

    ARTICLE is plain text, Markdown or a saved HTML page (- for standard
    input). Each figure stated as ground taken, lost or held becomes a claim:
    the sentence, the value, unit, conversion and qualifier as printed, who
    said it, and a guess at its kind, since and zone, marked in a comment for
    you to confirm. What the text contradicts by itself (a conversion that
    does not match, a share that does not follow from its figures) and the
    figures left out are printed on stderr, and kept in the file's header.
    The file is what `kurskgeo check` reads.

    \b
    $ kurskgeo extract story.html -o claims.yaml
    $ kurskgeo check claims.yaml --snapshots raw/ --region kursk_oblast.geojson
    """
    _, text = extract_article(article, date, outlet, url, start, markup)
    options.emit(text.rstrip("\n"), output, overwrite=overwrite)
