"""``kurskgeo check``: give every claim of a claims file a verdict."""

from __future__ import annotations

import json
import math
from typing import Any

import click

from kurskgeo.cli import options

TABLE_COLUMNS = (
    "id",
    "as_of",
    "kind",
    "qualifier",
    "claimed",
    "measured",
    "unit",
    "snapshot_date",
    "relative_difference",
    "verdict",
)

#: Exit code of ``--strict`` when a claim is not consistent.
EXIT_NOT_CONSISTENT = 3


def _tolerance(ctx: click.Context, param: click.Parameter, value: str) -> float:
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


def _rows(frame: Any) -> list[dict[str, Any]]:
    rows = frame.to_dict(orient="records")
    for row in rows:
        rel = row.get("relative_difference")
        if isinstance(rel, float) and math.isfinite(rel):
            row["relative_difference"] = f"{rel:+.1%}"
        elif isinstance(rel, float):
            row["relative_difference"] = None
    return rows


def _markdown(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    def cell(value: Any) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        if isinstance(value, float):
            return f"{value:,.1f}"
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


def _findings_text(findings: list[Any], markdown: bool) -> str:
    if not findings:
        return ""
    lines = ["", "## Findings" if markdown else "findings:"]
    for f in findings:
        mark = "ok" if f.consistent else "!!"
        prefix = "- " if markdown else f"  {mark} "
        lines.append(
            f"{prefix}**{f.kind}**: {f.message}"
            if markdown
            else f"{prefix}{f.kind}: {f.message}"
        )
    return "\n".join(lines)


@click.command(short_help="Check claims against snapshots: a verdict per claim.")
@click.argument("claims", metavar="CLAIMS")
@click.option(
    "--snapshots",
    "snapshots",
    multiple=True,
    metavar="PATH",
    callback=options._resolve_many,
    help="Snapshot files, folders or globs to measure every claim on (repeatable); "
    "overrides the claims' own 'snapshots'.",
)
@options.zone_option
@options.region_option
@click.option(
    "--tolerance",
    default="0.05",
    show_default=True,
    callback=_tolerance,
    metavar="X",
    help="Relative tolerance of the verdicts: 0.05 or 5%.",
)
@click.option(
    "--max-age-days",
    type=click.IntRange(min=0),
    default=14,
    show_default=True,
    help="A snapshot older than this before the date of a claim does not count.",
)
@options.format_option(("table", "json", "csv", "markdown"))
@click.option(
    "--strict",
    is_flag=True,
    help=f"Exit {EXIT_NOT_CONSISTENT} if any claim is not consistent.",
)
@options.output_option
@options.overwrite_option
def check(
    claims: str,
    snapshots: tuple[str, ...],
    zone: tuple[str, ...],
    region: str | None,
    tolerance: float,
    max_age_days: int,
    fmt: str,
    strict: bool,
    output: str | None,
    overwrite: bool,
) -> None:
    """Measure each claim of CLAIMS on snapshots and say if it holds.

    Every claim gets the measured value, the snapshot used and a verdict:
    consistent, overstated, understated or unverifiable. Findings that need no
    geometry follow: unit conversions that disagree, contradicting claims,
    shares that do not fit their figures. The exit code is 0 whatever the
    verdicts, unless --strict.

    \b
    $ kurskgeo check geodata/claims/kursk.yaml
    $ kurskgeo check geodata/claims/kursk.yaml --snapshots isw-kursk/
    $ kurskgeo check claims.yaml --snapshots raw/ --region oblast.geojson --format json
    """
    from kurskgeo.claims import check_claims, read_claims

    result = check_claims(
        read_claims(claims),
        list(snapshots) or None,
        region=region,
        tolerance=tolerance,
        max_age_days=max_age_days,
        zone=options.zones_or_none(zone),
    )
    frame = result.verdicts
    if fmt == "json":
        text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
    elif fmt == "csv":
        text = options.render(
            frame.to_dict(orient="records"), list(frame.columns), "csv"
        )
    elif fmt == "markdown":
        text = _markdown(_rows(frame), TABLE_COLUMNS) + _findings_text(
            result.findings, markdown=True
        )
    else:
        text = options.render(_rows(frame), TABLE_COLUMNS, "table", digits=1)
        text += _findings_text(result.findings, markdown=False)
        notes = [f"  {r['id']}: {r['note']}" for _, r in frame.iterrows() if r["note"]]
        if notes and fmt == "table":
            text += "\nnotes:\n" + "\n".join(notes)
    options.emit(text, output, overwrite=overwrite)
    if strict and (frame["verdict"] != "consistent").any():
        n = int((frame["verdict"] != "consistent").sum())
        click.echo(f"{n} of {len(frame)} claims are not consistent", err=True)
        raise SystemExit(EXIT_NOT_CONSISTENT)
