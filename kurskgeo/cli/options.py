"""Options shared by several subcommands, and the output helpers they use."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import click

from kurskgeo.errors import KurskgeoError
from kurskgeo.escape import csv_cell, json_safe, oneline, visible

_DATASET = re.compile(r"^[a-z][a-z0-9-]*:")


def resolve_input(value: str) -> list[str]:
    """Return the local paths `value` stands for: itself, or fetched datasets.

    ``KIND:WHAT`` values that are not existing paths (for example
    ``deepstate:2025-01-17`` or ``boundary:kursk-oblast``) are fetched through
    :mod:`kurskgeo.datasets` into the cache; a DeepStateMap range
    (``deepstate:2024-08-06..2025-04-30@week``) gives one path per map.
    """
    if _is_dataset(value):
        from kurskgeo import datasets

        return [os.fspath(p) for p in datasets.fetch_spec_files(value)]
    return [value]


def _is_dataset(value: str) -> bool:
    return bool(_DATASET.match(value)) and not os.path.exists(value)


def _resolve_many(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Resolve dataset names: a range fills a repeatable value with its maps."""
    if value is None:
        return None
    if isinstance(value, tuple):
        return tuple(p for v in value for p in resolve_input(v))
    if _is_dataset(value):
        from kurskgeo import datasets

        if datasets.is_range_spec(value):
            raise click.BadParameter(
                f"{value!r} is a range of maps (several files) but this takes one "
                "file; name one date (e.g. deepstate:2025-01-17), or pass the "
                "range where several files are accepted",
                ctx=ctx,
                param=param,
            )
    (path,) = resolve_input(value)
    return path


def _crs(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None or value.lower() == "auto":
        return "auto"
    from kurskgeo.area.crs import check_equal_area

    try:
        return check_equal_area(value)
    except KurskgeoError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


paths_argument = click.argument(
    "paths", nargs=-1, required=True, metavar="PATH...", callback=_resolve_many
)
zone_option = click.option(
    "--zone",
    "zone",
    multiple=True,
    metavar="NAME",
    help="Measure only this zone (repeatable: their union). Default: all polygons.",
)
region_option = click.option(
    "--region",
    metavar="FILE",
    callback=_resolve_many,
    help="Clip to the polygons of this file (e.g. a Kursk Oblast boundary).",
)
crs_option = click.option(
    "--crs",
    default="auto",
    show_default=True,
    callback=_crs,
    metavar="auto|CRS",
    help="Equal-area CRS: 'auto' (LAEA centred on the data) or e.g. EPSG:6933.",
)
layer_option = click.option(
    "--layer",
    default=None,
    metavar="NAME",
    help="Read only this layer of multi-layer files (a GeoPackage table, a KML "
    "folder). Default: every layer.",
)
on_duplicate_option = click.option(
    "--on-duplicate",
    type=click.Choice(["error", "first", "last"]),
    default="error",
    show_default=True,
    help="Two maps of one source and date: refuse, or keep the first/last by path. "
    "Maps of one date from different sources are measured side by side.",
)


def format_option(
    choices: Sequence[str] = ("table", "csv", "json"),
) -> Callable[[Any], Any]:
    """Make a ``--format`` option with these choices, the first being the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help="Output format on stdout.",
    )


progress_option = click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: when stderr is a terminal).",
)
jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    metavar="N",
    help="Measure on N processes (the result is the same).",
)


def show_progress(value: bool | None) -> bool:
    """``--progress``/``--no-progress`` as given, else whether stderr is a terminal."""
    if value is not None:
        return value
    return sys.stderr.isatty()


@contextlib.contextmanager
def executor(jobs: int) -> Iterator[Executor | None]:
    """Yield a process pool of `jobs` workers (None for one: the work runs here)."""
    if jobs <= 1:
        yield None
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork: the workers start with kurskgeo imported, in milliseconds
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    pool = ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_quiet_worker
    )
    try:
        yield pool
    except BaseException:
        # Ctrl-C or an error: drop the queued work instead of finishing it
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _quiet_worker() -> None:
    """Leave Ctrl-C and SIGTERM to the main process, which stops the pool.

    A terminal sends Ctrl-C to every process of the job; workers that took it
    would each print a traceback.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def parse_tolerance(ctx: click.Context, param: click.Parameter, value: str) -> float:
    """Read ``0.05`` or ``5%`` as a fraction below 1 (exit 2 otherwise)."""
    text = str(value).strip()
    try:
        number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a number (write 0.05 or 5%)", ctx=ctx, param=param
        ) from None
    if not 0 <= number < 1:
        raise click.BadParameter(
            f"{value!r} must be between 0 and 1 (0.05 = 5%)", ctx=ctx, param=param
        )
    return number


#: How far "about" a figure reaches (check, verify, report).
tolerance_option = click.option(
    "--tolerance",
    default="0.05",
    show_default=True,
    callback=parse_tolerance,
    metavar="X",
    help="How far 'about' a figure reaches, when wider than its rounding: 0.05 or 5%.",
)

#: How old a map may be and still stand for a claim's date.
max_age_option = click.option(
    "--max-age-days",
    type=click.IntRange(min=0),
    default=14,
    show_default=True,
    help="A map older than this before a claim's date does not stand for it; one "
    "published this soon after it enters the band.",
)

#: The accuracy of a drawn front line: the band of each reading.
line_accuracy_option = click.option(
    "--line-accuracy",
    "line_accuracy_m",
    type=click.FloatRange(min=0),
    default=250.0,
    show_default=True,
    metavar="METRES",
    help="Accuracy of a drawn front line: the band of each reading is its zone "
    "shrunk and grown by this much; 0 turns the bands off.",
)


def output_suffix(
    suffixes: Sequence[str], why: str
) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """Return a callback refusing an output whose suffix is not in `suffixes` (exit 2).

    `why` ends the message: what the suffix decides.
    """

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None and Path(value).suffix.lower() not in suffixes:
            raise click.BadParameter(
                f"{value!r}: the suffix must be one of {', '.join(suffixes)} ({why})",
                ctx=ctx,
                param=param,
            )
        return value

    return check


#: Refuse an output whose suffix names no image format.
check_image_output = output_suffix(
    (".png", ".svg", ".pdf"), "it chooses the image format"
)

#: Points to label on a map.
places_option = click.option(
    "--places", metavar="FILE", help="Points with a 'name' property to label."
)

#: Polygon layers under a map (paths or dataset names such as boundary:countries).
context_option = click.option(
    "--context",
    "context",
    multiple=True,
    metavar="FILE",
    callback=_resolve_many,
    help="Polygon layer drawn underneath, e.g. country borders (repeatable; "
    "boundary:countries for Natural Earth's).",
)


def parse_extent(
    ctx: click.Context | None, param: click.Parameter | None, value: str | None
) -> str | tuple[float, float, float, float] | None:
    """Read ``--extent``: ``data``, ``region`` or ``WEST,SOUTH,EAST,NORTH`` degrees."""
    if value is None or value == "data":
        return None
    if value == "region":
        return value
    parts = value.replace(" ", "").split(",")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not 'data', 'region' or WEST,SOUTH,EAST,NORTH in "
            "degrees (e.g. 34.1,50.9,35.7,51.7)",
            ctx=ctx,
            param=param,
        ) from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise click.BadParameter(
            f"{value!r}: give WEST,SOUTH,EAST,NORTH with west < east and "
            "south < north, in degrees",
            ctx=ctx,
            param=param,
        )
    return west, south, east, north


extent_option = click.option(
    "--extent",
    metavar="data|region|W,S,E,N",
    default=None,
    callback=parse_extent,
    help="What the maps show: the zones with a margin (data, the default; for "
    "several maps, of all of them), the whole --region, or a box in degrees "
    "(west,south,east,north). Maps given one extent share one view.",
)


dpi_option = click.option(
    "--dpi",
    type=click.IntRange(20, 1200),
    default=200,
    show_default=True,
    help="Resolution; a map is 6 in wide (and up to 6 in tall, trimmed to its "
    "legend), so 200 dpi gives 1200 px across.",
)


def refuse_existing(path: str | None, overwrite: bool) -> None:
    """Refuse an output before any work, as writing it would (``-``: stdout).

    A folder, device or pipe is refused whatever ``--overwrite`` says; an
    existing file (or a symbolic link, even to nothing) without it.
    """
    if path is None or path == "-":
        return
    from kurskgeo.io.write import check_output

    check_output(path, overwrite=overwrite)


output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="Write to this file (atomically) instead of stdout ('-': stdout).",
)
overwrite_option = click.option(
    "--overwrite", is_flag=True, help="Replace an existing output file."
)


def zones_or_none(zone: Sequence[str]) -> list[str] | None:
    """Turn a repeated ``--zone`` option into the API's ``zone`` argument."""
    return list(zone) or None


def _cell(value: Any, digits: int) -> str:
    if value is None or (hasattr(value, "isoformat") and value != value):  # NaT
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:,.{digits}f}"
    return oneline(value)


def render_table(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, digits: int = 2
) -> str:
    """Aligned plain-text table: numbers right-aligned, text left-aligned."""
    cells = [[_cell(r.get(c), digits) for c in columns] for r in rows]
    widths = [
        max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)
    ]
    numeric = [
        all(isinstance(r.get(c), (int, float)) or r.get(c) is None for r in rows)
        for c in columns
    ]

    def line(values: Iterable[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    out = [line(columns), line("-" * w for w in widths)]
    out.extend(line(row) for row in cells)
    return "\n".join(out)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "to_wkt") and hasattr(value, "srs"):  # a pyproj.CRS
        return value.srs
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def render(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: str,
    *,
    digits: int = 2,
) -> str:
    """Render rows as ``table``, ``csv`` or ``json`` (JSON keeps every key)."""
    if fmt == "json":
        return dumps([{k: _jsonable(v) for k, v in r.items()} for r in rows])
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(
            buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        for r in rows:
            writer.writerow({c: csv_cell(_jsonable(r.get(c))) for c in columns})
        return buf.getvalue().rstrip("\n")
    return render_table(rows, columns, digits=digits)


def dumps(value: Any) -> str:
    """JSON for stdout or a file: indented, UTF-8, no raw control character."""
    return json_safe(json.dumps(value, indent=2, ensure_ascii=False))


def say(text: str, *, err: bool = False) -> None:
    """Print text that holds values from inputs: control characters shown."""
    click.echo(visible(text), err=err)


def emit(text: str, output: str | None, *, overwrite: bool = False) -> None:
    """Print `text` to stdout, or write it atomically to `output`.

    On stdout, control characters from the inputs are shown, not sent (a
    terminal would act on them); a file gets the text as it is.
    """
    if output is None or output == "-":
        say(text)
        return
    from kurskgeo.io import atomic_write

    with atomic_write(output, "w", overwrite=overwrite) as fh:
        fh.write(text + "\n")
    say(f"wrote {output}", err=True)


def command_line(ctx: click.Context) -> str:
    """Return the command as typed: the options given on the command line.

    Values come after dataset names were resolved to files, which is what
    was read; a manifest records both.
    """
    import shlex

    from click.core import ParameterSource

    words: list[str] = []
    for param in ctx.command.params:
        if not isinstance(param, click.Option) or param.name is None:
            continue
        if ctx.get_parameter_source(param.name) is not ParameterSource.COMMANDLINE:
            continue
        value = ctx.params.get(param.name)
        flag = param.opts[-1] if param.opts[-1].startswith("--") else param.opts[0]
        if param.is_flag:
            if value:
                words.append(flag)
            continue
        for v in value if isinstance(value, tuple) else (value,):
            words += [flag, str(v)]
    return " ".join([ctx.command_path, *([shlex.join(words)] if words else [])])


def one_line(text: str) -> str:
    """`text` on one line: runs of whitespace, line breaks included, as a space."""
    return " ".join(str(text).split())
