"""``kurskgeo diff``: what was gained and lost between two snapshots."""

from __future__ import annotations

from typing import Any

import click

from kurskgeo.cli import options
from kurskgeo.cli.timeline import sliver_options


@click.command(short_help="Gained and lost parts between two snapshots.")
@click.argument("a", metavar="A", callback=options._resolve_many)
@click.argument("b", metavar="B", callback=options._resolve_many)
@options.zone_option
@options.region_option
@options.crs_option
@sliver_options
@click.option("--keep", is_flag=True, help="Also output the part held on both dates.")
@options.format_option()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="Write the change parts to this file (atomically): GeoPackage, FlatGeobuf, "
    "GeoParquet, GeoJSON or CSV, by its suffix; '-' writes them as GeoJSON to "
    "stdout, and the totals to stderr.",
)
@options.overwrite_option
def diff(
    a: str,
    b: str,
    zone: tuple[str, ...],
    region: str | None,
    crs: Any,
    min_area_km2: float,
    grid_size: float,
    keep: bool,
    fmt: str,
    output: str | None,
    overwrite: bool,
) -> None:
    """Compare snapshot A (earlier) with B (later): parts gained, lost and kept.

    Prints the totals; with -o, writes one feature per connected part with its
    change (gained, lost, kept), area_km2 and the two dates, in
    longitude/latitude, as GeoPackage, FlatGeobuf, GeoParquet, GeoJSON or CSV
    (without geometry) by the file's suffix.

    \b
    $ kurskgeo diff raw/1723635752.geojson raw/1741215821.geojson --zone liberated \\
          --region boundaries/kursk_oblast.geojson -o kursk_change.geojson
    """
    from kurskgeo.io import write_table
    from kurskgeo.series import diff as run

    options.refuse_existing(output, overwrite)
    parts = run(
        a,
        b,
        zone=options.zones_or_none(zone),
        region=region,
        crs=crs,
        keep=keep,
        min_area_km2=min_area_km2,
        grid_size=grid_size or None,
    )
    at = parts.attrs
    rows = []
    for change in ("gained", "lost", "kept") if keep else ("gained", "lost"):
        sel = parts[parts["change"] == change]
        total = at["kept_km2"] if change == "kept" else at[f"{change}_km2"]
        rows.append({"change": change, "parts": len(sel), "area_km2": total})
    rows.append({"change": "net", "parts": None, "area_km2": at["net_km2"]})
    rows.append(
        {"change": "slivers left out", "parts": None, "area_km2": at["filtered_km2"]}
    )
    if fmt == "json":
        summary = {k: v for k, v in at.items()}
        summary["totals"] = rows
        text = options.render([summary], [], "json")
    else:
        text = options.render(rows, ("change", "parts", "area_km2"), fmt)
    if fmt == "table":
        text = (
            f"{at['date_a'] or at['path_a']} -> {at['date_b'] or at['path_b']}: "
            f"{at['area_a_km2']:,.2f} -> {at['area_b_km2']:,.2f} km²\n" + text
        )
    options.say(text, err=output == "-")
    if output is not None:
        out = parts.copy()
        out["date_a"] = str(at["date_a"]) if at["date_a"] else None
        out["date_b"] = str(at["date_b"]) if at["date_b"] else None
        if output == "-":
            click.echo(out.to_json(drop_id=True))  # ASCII: every control escaped
            return
        meta = {k: v for k, v in at.items() if k != "crs"}
        meta["crs"] = at["crs"].srs
        write_table(out, output, metadata=meta, overwrite=overwrite)
        options.say(f"wrote {len(out)} parts to {output}", err=True)
