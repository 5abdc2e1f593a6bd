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
@click.option(
    "--layer",
    default=None,
    metavar="NAME",
    help="Describe one layer (a GeoPackage table, a KML folder); default: all.",
)
@click.option(
    "--engine",
    type=click.Choice(["pyogrio", "fiona"]),
    default=None,
    help="The GDAL binding for formats other than GeoJSON (default: pyogrio).",
)
def info(
    path: str, count: bool, zones_only: bool, layer: str | None, engine: str | None
) -> None:
    """Describe a snapshot file as JSON: format, layers, dates, sources, zones, notes.

    Any format kurskgeo reads: GeoJSON, GeoPackage (each layer with its
    feature count, geometry type and CRS), Shapefile (also zipped), KML/KMZ,
    FlatGeobuf, GeoJSONSeq, CSV with WKT, GeoParquet.

    \b
    $ kurskgeo info raw/1737150794.geojson --zones
    $ kurskgeo info zones.gpkg --layer liberated
    """
    from pathlib import Path

    from kurskgeo.io import is_geojson, list_layers, read_snapshot

    snap = read_snapshot(path, layer=layer, engine=engine)
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
        "layers": None
        if is_geojson(Path(path))
        else [
            lay
            for lay in list_layers(Path(path), engine=engine)
            if layer is None or lay["name"] == layer
        ],
        "n_features": len(snap),
        "dates": [d.isoformat() for d in dates],
        "timestamp": ts.isoformat() if ts else None,
        "sources": sorted({str(s) for s in snap["source"].dropna()}),
        "dates_by_source": {
            str(who): sorted({d.isoformat() for d in rows["date"] if d is not None})
            for who, rows in snap.groupby("source", sort=True)
        },
        "zones": {z: int((snap["zone"] == z).sum()) for z in zones},
        "bounds": [round(float(b), 6) for b in snap.total_bounds],
        "notes": snap.attrs.get("notes", []),
    }
    click.echo(options.dumps(summary))
