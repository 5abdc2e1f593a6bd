"""``kurskgeo check``: give every claim of a claims file a verdict."""

from __future__ import annotations

import math
from typing import Any

import click

from kurskgeo.cli import options
from kurskgeo.escape import markdown_text, oneline

TABLE_COLUMNS = (
    "id",
    "date",
    "kind",
    "claimed",
    "verdict",
    "zone",
    "map",
    "measured",
    "band",
)

#: Exit code of ``--strict`` when a claim is not consistent.
EXIT_NOT_CONSISTENT = 3


def _day(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value.date() if hasattr(value, "hour") else value)


def _rows(result: Any) -> list[dict[str, Any]]:
    """One row per claim: the claim as said, the verdict, the primary reading."""
    from kurskgeo.claims import wording

    rows = []
    for v in result.records:
        c, p = v.claim, v.primary
        unit = "percent" if c.kind == "share" else "km2"
        measured = band = ""
        if p is not None and p.verdict != "unverifiable":
            measured = wording.quantity(p.measured, unit)
            band = wording.span(p.low, p.high, unit)
        rows.append(
            {
                "id": c.id,
                "date": c.date.isoformat(),
                "kind": c.kind,
                "claimed": wording.claimed(c),
                "verdict": v.verdict,
                "zone": p.zone_text if p else "",
                "map": _day(p.map) if p else "",
                "measured": measured,
                "band": band,
            }
        )
    return rows


def _markdown(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    def cell(value: Any) -> str:
        return markdown_text(value or "")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


def _text(value: Any, markdown: bool) -> str:
    """Text from the inputs, shown as written: Markdown-escaped, or on one line."""
    return markdown_text(value) if markdown else oneline(value)


def _reasons(result: Any, markdown: bool) -> str:
    lines = ["", "## Why" if markdown else "why:"]
    for v in result.records:
        cid = _text(v.claim.id, markdown)
        prefix = f"- **{cid}**: " if markdown else f"  {cid}: "
        lines.append(prefix + _text(v.reason, markdown))
    return "\n".join(lines)


def _findings_text(findings: list[Any], notes: list[str], markdown: bool) -> str:
    lines: list[str] = []
    if findings:
        lines += ["", "## Findings" if markdown else "findings:"]
        for f in findings:
            mark = "ok" if f.consistent else "!!"
            message = _text(f.message, markdown)
            lines.append(
                f"- **{f.kind}**: {message}"
                if markdown
                else f"  {mark} {f.kind}: {message}"
            )
    if notes:
        lines += ["", "## Notes" if markdown else "notes:"]
        lines += [
            f"- {_text(n, True)}" if markdown else f"  {_text(n, False)}" for n in notes
        ]
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
@click.option(
    "--zone",
    "zone",
    multiple=True,
    metavar="NAME",
    help="The zone of claims that name none (repeatable: their union). A claim's "
    "own zone always wins.",
)
@options.region_option
@options.line_accuracy_option
@click.option(
    "--start",
    metavar="DATE",
    help="When the event began, for claims that give no start (a peak, or ground "
    "lost since it, needs maps from then on).",
)
@options.tolerance_option
@options.max_age_option
@options.format_option(("table", "json", "csv", "markdown"))
@click.option(
    "--strict",
    is_flag=True,
    help=f"Exit {EXIT_NOT_CONSISTENT} if any claim is not consistent.",
)
@options.output_option
@options.overwrite_option
@click.option(
    "--allow-download",
    is_flag=True,
    help="Let the claims file fetch the datasets it names (a claim's 'region' or "
    "'snapshots', such as boundary:kursk-oblast). Off: a claims file from "
    "someone else cannot make kurskgeo go online. Names given on the command "
    "line are always fetched.",
)
def check(
    claims: str,
    snapshots: tuple[str, ...],
    zone: tuple[str, ...],
    region: str | None,
    line_accuracy_m: float,
    start: str | None,
    tolerance: float,
    max_age_days: int,
    fmt: str,
    strict: bool,
    output: str | None,
    overwrite: bool,
    allow_download: bool,
) -> None:
    """Measure each claim of CLAIMS on maps and say if it holds, and why.

    Every claim is measured under each reading it admits (its own zone, the
    same with the grey zone in or out, the alternatives its file lists), on
    the map it rests on, with a band for the accuracy of a drawn line. The
    verdict is consistent, overstated, understated, depends_on_reading (the
    readings disagree) or unverifiable, with a sentence saying why. Findings
    that need no geometry follow: unit conversions that disagree, claims that
    contradict each other, shares that do not fit their figures. The exit code
    is 0 whatever the verdicts, unless --strict. --format json follows
    docs/check.schema.json.

    \b
    $ kurskgeo check geodata/claims/kursk.yaml --snapshots raw/ \\
          --region boundaries/kursk_oblast.geojson
    $ kurskgeo check claims.yaml --snapshots raw/ --snapshots isw/ --format json
    """
    from kurskgeo.claims import check_claims, read_claims

    options.refuse_existing(output, overwrite)
    if start is not None:
        from kurskgeo.io import parse_date

        try:
            parse_date(start)
        except ValueError:
            raise click.BadParameter(
                f"{start!r} is not a date (YYYY-MM-DD)", param_hint="--start"
            ) from None
    result = check_claims(
        read_claims(claims),
        list(snapshots) or None,
        zone=options.zones_or_none(zone),
        region=region,
        tolerance=tolerance,
        max_age_days=max_age_days,
        line_accuracy_m=line_accuracy_m,
        start=start,
        allow_download=allow_download,
    )
    options.emit(format_result(result, fmt), output, overwrite=overwrite)
    exit_if_strict(result, strict)


def format_result(result: Any, fmt: str) -> str:
    """Write the verdicts of a check as ``check`` prints them in format `fmt`."""
    if fmt == "json":
        return options.dumps(result.to_dict())
    if fmt == "csv":
        frame = result.verdicts
        return options.render(
            frame.to_dict(orient="records"), list(frame.columns), "csv"
        )
    if fmt == "markdown":
        return (
            _markdown(_rows(result), TABLE_COLUMNS)
            + _reasons(result, markdown=True)
            + _findings_text(result.findings, result.notes, markdown=True)
        )
    text = options.render(_rows(result), TABLE_COLUMNS, "table")
    text += _reasons(result, markdown=False)
    return text + _findings_text(result.findings, result.notes, markdown=False)


def exit_if_strict(result: Any, strict: bool) -> None:
    """With ``--strict``, exit 3 when a claim is not consistent."""
    off = [v for v in result.records if v.verdict != "consistent"]
    if strict and off:
        click.echo(
            f"{len(off)} of {len(result.records)} claims are not consistent", err=True
        )
        raise SystemExit(EXIT_NOT_CONSISTENT)
