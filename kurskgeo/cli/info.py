"""``kurskgeo info``: what a snapshot file holds, without measuring it."""

from __future__ import annotations

import click

from kurskgeo.cli import options


@click.command(short_help="Describe a snapshot file: format, dates, zones, features.")
@click.argument("path", callback=options._resolve_many)
@click.option(
    "--count", is_flag=True, help="Print only the number of polygonal features."
)
@click.option(
    "--zones", "zones_only", is_flag=True, help="Print only the zones, one per line."
)
def info(path: str, count: bool, zones_only: bool) -> None:
    """Describe a snapshot file as JSON: format, dates, source, zones, CRS, notes.

    \b
    $ kurskgeo info raw/1737150794.geojson --zones
    """
    from kurskgeo.io import read_snapshot

    snap = read_snapshot(path)
    zones = sorted({str(z) for z in snap["zone"].dropna()})
    if count:
        click.echo(len(snap))
        return
    if zones_only:
        for z in zones:
            options.say(options.oneline(z))
        return
    dates = sorted({d for d in snap["date"] if d is not None})
    ts = snap.attrs.get("timestamp")
    summary = {
        "path": snap.attrs["path"],
        "format": snap.attrs["format"],
        "n_features": len(snap),
        "dates": [d.isoformat() for d in dates],
        "timestamp": ts.isoformat() if ts else None,
        "sources": sorted({str(s) for s in snap["source"].dropna()}),
        "zones": {z: int((snap["zone"] == z).sum()) for z in zones},
        "bounds": [round(float(b), 6) for b in snap.total_bounds],
        "notes": snap.attrs.get("notes", []),
    }
    click.echo(options.dumps(summary))
