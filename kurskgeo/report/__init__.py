"""The main job: from claims and snapshots to a report with tables and maps.

:func:`make_report` reads a series of control-zone snapshots and a claims file,
measures every snapshot, follows the area over time, checks every claim, and
writes ``report.md`` and a self-contained ``report.html`` with PNG figures (a
map per key date, a change map between the first and last snapshot, and the
area-over-time chart with the claims on it).

With no snapshots and no claims it runs on the data kurskgeo ships in
``geodata/`` (see :func:`geodata_dir`): approximate snapshots reconstructed from
published figures, the bundled claims about the Kursk incursion, and places for
orientation. The report then says so at the top.
"""

from __future__ import annotations

import json
import logging
import math
import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from kurskgeo.errors import (
    KurskgeoError,
    KurskgeoWarning,
    ManifestError,
    SnapshotError,
)
from kurskgeo.escape import csv_cell
from kurskgeo.report import _context, _output, _record, _sides
from kurskgeo.report import _document as doc
from kurskgeo.report._figures import _figures, _interactive
from kurskgeo.report._geodata import geodata_dir
from kurskgeo.report._markdown import _document
from kurskgeo.report._text import _date_of, _rel, _zones_present
from kurskgeo.report.manifest import build_manifest, cite, read_manifest, resolve_inputs

__all__ = [
    "DEFAULT_OUTDIR",
    "Report",
    "geodata_dir",
    "make_report",
    "reproduce_report",
]

log = logging.getLogger(__name__)

#: Where ``kurskgeo report`` writes when no ``-o`` is given.
DEFAULT_OUTDIR = "kurskgeo-report"
#: At most this many single-date maps (first, peak, last, and claim dates).
MAX_KEY_MAPS = 6


@dataclass(frozen=True, eq=False)
class Report:
    """What :func:`make_report` wrote, and the tables it wrote them from.

    `notes` are what was skipped or repaired while reading the snapshots;
    `not_drawn` the figures that failed, with the error (also in the report);
    `comparison` the "Sources side by side" table
    (:func:`kurskgeo.series.compare`) when the snapshots hold two sources.
    """

    outdir: Path
    markdown: Path
    html: Path
    figures: tuple[Path, ...]
    embedded: bool
    areas: pd.DataFrame
    verdicts: pd.DataFrame | None = None
    findings: tuple[Any, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    not_drawn: tuple[str, ...] = ()
    comparison: pd.DataFrame | None = None


# ---------------------------------------------------------------- measuring


def _area_table(
    snapshots: Sequence[gpd.GeoDataFrame],
    zones: list[str] | None,
    region: Any,
    series: pd.DataFrame,
) -> pd.DataFrame:
    """One row per snapshot: area of each zone, of their union, and the change."""
    from kurskgeo.area import area_km2

    rows = []
    for i, snap in enumerate(snapshots):
        row: dict[str, Any] = {"date": _date_of(snap), "path": snap.attrs.get("path")}
        if zones and len(zones) > 1:
            for z in zones:
                present = "zone" in snap.columns and (snap["zone"] == z).any()
                row[f"{z}_km2"] = (
                    area_km2(snap, zone=z, region=region) if present else 0.0
                )
        row["area_km2"] = float(series["area_km2"].iloc[i])
        for col in ("gained_km2", "lost_km2", "net_km2", "km2_per_day"):
            row[col] = float(series[col].iloc[i]) if col in series.columns else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def _series(
    snapshots: Sequence[gpd.GeoDataFrame], zones: list[str] | None, region: Any
) -> pd.DataFrame:
    from kurskgeo.series import timeline

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KurskgeoWarning)  # already in the notes
        return timeline(list(snapshots), zone=zones, region=region)


def _key_indices(
    snapshots: Sequence[gpd.GeoDataFrame],
    areas: pd.DataFrame,
    claims_result: Any,
) -> list[int]:
    """First, peak and last snapshot, and the maps the claims rest on."""
    dates = [_date_of(s) for s in snapshots]
    nonzero = [i for i in range(len(snapshots)) if areas["area_km2"].iloc[i] > 0.05]
    if not nonzero:
        return [len(snapshots) - 1] if snapshots else []
    keys = {nonzero[0], nonzero[-1], int(areas["area_km2"].idxmax())}
    claim_keys: list[int] = []
    for record in claims_result.records if claims_result is not None else ():
        p = record.primary
        if p is None or p.map is None:
            continue
        day = p.map.date() if hasattr(p.map, "hour") else p.map
        if day in dates:
            i = dates.index(day)
            if i in nonzero and i not in keys and i not in claim_keys:
                claim_keys.append(i)
    for i in claim_keys:
        if len(keys) >= MAX_KEY_MAPS:
            break
        keys.add(i)
    return sorted(keys)


def _write_verdicts(result: Any, folder: Path) -> None:
    """verdicts.json (as ``kurskgeo check --format json``) and verdicts.csv."""
    _output.write_text(
        folder / "verdicts.json",
        json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n",
    )
    # text cells as OWASP asks (no formula runs in a spreadsheet); numbers stay
    table = result.verdicts.map(csv_cell)
    with open(folder / "verdicts.csv", "w", encoding="utf-8", newline="") as fh:
        table.to_csv(fh, index=False, lineterminator="\n")


# ---------------------------------------------------------------- main


def make_report(
    outdir: str | os.PathLike[str] = DEFAULT_OUTDIR,
    *,
    claims: str | os.PathLike[str] | None = None,
    snapshots: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
    zone: str | Sequence[str] | None = None,
    map_zone: str | Sequence[str] | None = None,
    region: Any = None,
    places: str | os.PathLike[str] | None = None,
    context: Sequence[Any] | None = None,
    tolerance: float = 0.05,
    max_age_days: int = 14,
    line_accuracy_m: float = 250.0,
    start: Any = None,
    source: str | None = None,
    every: str = "week",
    interactive: bool = True,
    animation: bool = True,
    extent: Any = None,
    overwrite: bool = False,
    progress: Callable[[str], None] | None = None,
    command: str | None = None,
    compare_zone: str | Sequence[str] | None = None,
    compare_derive: str | None = "lost_since_peak",
    allow_download: bool = False,
) -> Report:
    """Check claims against snapshots and write a report with tables and figures.

    Parameters
    ----------
    outdir : path
        Folder to write ``report.md``, ``report.html`` and ``figures/*.png``
        into (created if missing).
    claims : path, optional
        A claims file (see :func:`kurskgeo.claims.read_claims`). Default: the
        bundled ``geodata/claims/kursk.yaml`` when `snapshots` is also None,
        else no claims.
    snapshots : path or list of paths, optional
        Snapshot files, folders or globs. Default: the embedded approximate
        snapshots in ``geodata/snapshots/``.
    zone : str or list of str, optional
        The zone of claims that name none, as for
        :func:`kurskgeo.claims.check_claims` (a claim's own zone always wins).
    map_zone : str or list of str, optional
        The zone(s) whose union is mapped and followed over time. Default:
        `zone`; else ``liberated`` and ``contested`` (all the ground Ukraine
        entered) for the embedded data; else all polygons.
    region : path, GeoDataFrame or geometry, optional
        Clip every zone to this region (for example Kursk Oblast).
    places : path, optional
        Points with a ``name`` to label on the maps. Default: the embedded
        ``geodata/places.geojson``.
    context : list of paths or GeoDataFrames, optional
        Background layers drawn under the maps, such as country outlines
        (Natural Earth admin-0). Default: the embedded hand-drawn border for
        the embedded data, nothing for real data.
    tolerance, max_age_days, line_accuracy_m, start
        As for :func:`kurskgeo.claims.check_claims`.
    source : {"deepstate"}, optional
        Fetch the snapshots instead of reading `snapshots`: DeepStateMap's
        maps over the claims' window (the last of each `every`), plus the map
        of each date a claim names, through the cache (or
        ``KURSKGEO_MIRROR``); the region defaults to Kursk Oblast
        (``boundary:kursk-oblast``), the claims to the bundled ones and the
        mapped zones to ``liberated`` and ``contested``.
    every : {"week", "day", "all"}
        With `source`: which maps of the window to fetch.
    interactive : bool
        Write ``explore.html``, the interactive map (:func:`kurskgeo.explore`):
        the zones of every map, simplified to 50 m, on a time slider.
    animation : bool
        Write ``figures/animation.gif``, a frame per map
        (:func:`kurskgeo.animate`).
    extent : None, "region" or (lon0, lat0, lon1, lat1), optional
        What every map shows, in one projection: by default the box around
        the mapped zones of all snapshots (:func:`kurskgeo.plot.series_extent`),
        so that any two maps can be laid side by side; "region" for the whole
        region; or a longitude/latitude box.
    overwrite : bool
        Replace an existing report in `outdir`.
    progress : callable, optional
        Called with a short message at each step (the CLI prints them on
        stderr).
    command : str, optional
        What made the report, recorded in ``manifest.json`` (the CLI passes
        its command line). Default: the Python call.
    compare_zone : str or list of str, optional
        When the snapshots hold maps of two sources (say DeepStateMap's and
        ISW's), the report follows the one whose maps hold the mapped zones
        and adds a "Sources side by side" section comparing the other with
        it (:func:`kurskgeo.series.compare`, on the nearest dates): this is
        the other source's zone (all its polygons if None).
    compare_derive : {"lost_since_peak"} or None
        What of the followed source is compared: by default what the mapped
        zone lost since its peak (for Kursk, the ground Russia retook); None
        compares the zone itself.
    allow_download : bool
        Let the claims file fetch the datasets it names in a claim's
        ``region`` or ``snapshots`` (see :func:`kurskgeo.claims.check_claims`);
        off by default, so that a claims file cannot make kurskgeo go online.

    Returns
    -------
    Report

    Raises
    ------
    OutputExistsError
        If `outdir` already holds a report and `overwrite` is False.
    SnapshotError, ClaimsFileError
        If the snapshots or the claims cannot be read.
    DatasetError
        If `source` is given and a map or the boundary cannot be fetched.

    Notes
    -----
    Everything is written into a hidden folder beside `outdir` and moved into
    place at the end, so an interrupted run leaves the previous report (or
    nothing), never half of one. ``manifest.json`` records every input with
    its sha256, the settings and the versions (:mod:`kurskgeo.report.manifest`);
    :func:`reproduce_report` makes the report again from it. No input file is
    ever copied into `outdir`: figures and numbers only, with credit.

    See Also
    --------
    kurskgeo.claims.check_claims : the verdicts alone.
    kurskgeo.timeline.timeline : the area series alone.

    Examples
    --------
    With no data given, the report runs on the embedded data:

    >>> import tempfile
    >>> from pathlib import Path
    >>> rep = make_report(Path(tempfile.mkdtemp()) / "report")
    >>> rep.embedded, rep.markdown.name, len(rep.figures) >= 4
    (True, 'report.md', True)
    >>> peak = rep.areas.loc[rep.areas["area_km2"].idxmax()]
    >>> str(peak["date"]), round(float(peak["area_km2"]))
    ('2024-08-21', 1258)
    """
    from kurskgeo.io import read_snapshots

    def say(message: str) -> None:
        log.info(message)
        if progress is not None:
            progress(message)

    call = _record.call_record(locals())
    out = Path(outdir)
    _output.check_free(out, overwrite=overwrite)
    if source is not None:
        from kurskgeo.report.fetch import SOURCES

        if source not in SOURCES:
            raise KurskgeoError(
                f"unknown source {source!r}; known: {', '.join(SOURCES)}"
            )
        if snapshots is not None:
            raise KurskgeoError(
                "give a source to fetch (--source) or snapshots to read "
                "(--snapshots), not both"
            )

    embedded = snapshots is None and source is None
    data = geodata_dir() if (claims is None or places is None or embedded) else None
    if claims is None and (embedded or source is not None):
        assert data is not None
        claims = data / "claims" / "kursk.yaml"
    if (embedded or source is not None) and map_zone is None and zone is None:
        map_zone = ["liberated", "contested"]
    if places is None and data is not None:
        places = data / "places.geojson"
    drawn = map_zone if map_zone is not None else zone
    zones = [drawn] if isinstance(drawn, str) else (list(drawn) if drawn else None)

    claim_list: list[Any] = []
    claims_path = Path(claims) if claims is not None else None
    skipped = None
    if claims_path is not None and not claims_path.is_file() and embedded:
        skipped = f"The bundled claims file {claims_path} is missing."
        claims_path = None
    elif claims_path is not None:
        from kurskgeo.claims import read_claims

        claim_list = read_claims(claims_path)
    else:
        skipped = "No claims file was given (--claims), so no claims were checked."

    if source is not None:
        from kurskgeo import datasets
        from kurskgeo.report.fetch import deepstate_maps

        snapshots = deepstate_maps(
            claim_list,
            every=every,
            max_age_days=max_age_days,
            start=_record.as_day(start),
            say=say,
        )
        if region is None:
            say("fetching the Kursk Oblast boundary (boundary:kursk-oblast)")
            region = datasets.fetch_boundary("kursk-oblast")
    elif embedded:
        assert data is not None
        snapshots = data / "snapshots"

    one = isinstance(snapshots, (str, os.PathLike))
    say(f"reading snapshots from {_rel(snapshots) if one else 'several paths'}")
    with warnings.catch_warnings():
        # what was skipped or repaired is recorded in each snapshot's notes and
        # listed in the report; one warning per file would drown the progress
        warnings.simplefilter("ignore", KurskgeoWarning)
        snaps = read_snapshots(snapshots)  # type: ignore[arg-type]
    if not snaps:
        raise SnapshotError("no snapshots to report on")
    n_notes = sum(len(s.attrs.get("notes") or []) for s in snaps)
    if n_notes:
        say(f"{n_notes} note(s) on skipped or repaired features, listed in the report")
    if zones:
        present = _zones_present(snaps)
        missing = [z for z in zones if z not in present]
        if len(missing) == len(zones):
            raise SnapshotError(
                f"none of the zones {', '.join(zones)} occurs in the snapshots; "
                f"zones there: {', '.join(present) or 'none'} (use --zone)"
            )
    every_snap = list(snaps)
    snaps, others = _sides.split_sources(snaps, zones)
    if others:
        say(f"following {len(snaps)} maps; {', '.join(others)} compared beside them")
    if places is not None:
        from kurskgeo.limits import check_input

        check_input(places, SnapshotError)  # a named pipe would block GDAL
    place_points = gpd.read_file(places) if places is not None else None
    context_files = [c for c in (context or []) if isinstance(c, (str, os.PathLike))]
    if context is not None:
        context = list(context)
    elif source is not None:
        from kurskgeo import datasets

        say("fetching the country outlines (boundary:countries, Natural Earth)")
        context_files = [datasets.fetch_boundary("countries")]
        context = list(context_files)
    elif embedded and data is not None and (data / "countries.geojson").is_file():
        # the embedded, hand-drawn border only makes sense under embedded zones
        context_files = [data / "countries.geojson"]
        countries = gpd.read_file(context_files[0])
        context = [countries.iloc[[i]] for i in range(len(countries))]
    if context and not embedded:
        # the countries near the region (or the maps), not the world
        context = _context.nearby(context, _context.around(region, snaps))

    say(f"measuring {len(snaps)} snapshots")
    series = _series(snaps, zones, region)
    areas = _area_table(snaps, zones, region, series)
    crs = series.attrs.get("crs")
    crs = crs.to_string() if hasattr(crs, "to_string") else str(crs or "auto")

    claims_result = None
    if claims_path is not None:
        from kurskgeo.claims import check_claims

        say(f"checking the claims in {_rel(claims_path)}")
        claims_result = check_claims(
            claim_list,
            every_snap,  # every source's maps: a claim is read on each
            zone=zone,
            region=region,
            tolerance=tolerance,
            max_age_days=max_age_days,
            line_accuracy_m=line_accuracy_m,
            start=start,
            allow_download=allow_download,
        )

    say("recording the inputs and their sha256 in manifest.json")
    manifest = build_manifest(
        _record.inputs(every_snap, claims_path, region, places, context_files),
        call={**call, "map_zone": zones, "region": _record.name(region)},
        crs=crs,
        command=command or _record.python_call(call, make_report),
    )

    keys = _key_indices(snaps, areas, claims_result)
    with _output.staging(out) as stage:
        figures, failed = _figures(
            snaps,
            areas,
            keys,
            zones=zones,
            region=region,
            places=place_points,
            context=context,
            embedded=embedded,
            claims_result=claims_result,
            claims=claim_list,
            series=series,
            folder=stage / "figures",
            overwrite=True,
            say=say,
            animate=animation,
            extent=tuple(extent) if isinstance(extent, (list, tuple)) else extent,
        )
        links: list[doc.Block] = []
        if interactive:
            links, not_written = _interactive(
                snaps,
                series,
                zones=zones,
                region=region,
                places=place_points,
                context=context,
                embedded=embedded,
                claims_result=claims_result,
                folder=stage,
                say=say,
            )
            failed += not_written
        title, blocks = _document(
            embedded=embedded,
            series=series,
            snapshots=snaps,
            areas=areas,
            zones=zones,
            region=region,
            claims_path=claims_path,
            claims_result=claims_result,
            claims=claim_list,
            figures=figures,
            links=links,
            failed=failed,
            crs=crs,
            tolerance=tolerance,
            max_age_days=max_age_days,
            line_accuracy_m=line_accuracy_m,
            skipped_claims_note=skipped,
            sources=cite(manifest),
        )
        comparison = None
        if others:
            from kurskgeo.report._figures import _save

            side, side_figures, comparison = _sides.side_by_side(
                snaps,
                others,
                zones=zones,
                compare_zone=compare_zone,
                derive=compare_derive,
                region=region,
                folder=stage / "figures",
                save=lambda fig, path: _save(fig, path, overwrite=True),
                say=say,
            )
            at = next(
                (
                    i
                    for i, b in enumerate(blocks)
                    if isinstance(b, doc.Heading) and b.text == "Sources"
                ),
                len(blocks),
            )
            blocks[at:at] = side
            figures += [doc.Figure(f"figures/{p.name}", "", "") for p in side_figures]
        md_path, html_path = out / "report.md", out / "report.html"
        say(f"writing {md_path} and {html_path}")
        _output.write_text(stage / "report.md", doc.to_markdown(blocks))
        _output.write_text(
            stage / "report.html", doc.to_html(blocks, title=title, folder=stage)
        )
        if claims_result is not None:
            _write_verdicts(claims_result, stage)
        _output.write_text(
            stage / "manifest.json",
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
        )
        _output.commit(stage, out)
    return Report(
        outdir=out,
        markdown=md_path,
        html=html_path,
        figures=tuple(out / f.path for f in figures),
        embedded=embedded,
        areas=areas,
        verdicts=claims_result.verdicts if claims_result is not None else None,
        findings=tuple(claims_result.findings) if claims_result is not None else (),
        notes=tuple(n for s in every_snap for n in (s.attrs.get("notes") or [])),
        not_drawn=tuple(failed),
        comparison=comparison,
    )


def reproduce_report(
    manifest: str | os.PathLike[str],
    outdir: str | os.PathLike[str] = DEFAULT_OUTDIR,
    *,
    overwrite: bool = False,
    progress: Callable[[str], None] | None = None,
    command: str | None = None,
) -> Report:
    """Make a report again from its ``manifest.json``, on the very same inputs.

    Every input is found again (a dataset through the cache or
    ``KURSKGEO_MIRROR``, kurskgeo's embedded data, a local file at its path)
    and its sha256 checked against the manifest's before anything is
    measured; the report is then made with the settings recorded, so its
    ``verdicts.json`` is the one the manifest's report wrote.

    Parameters
    ----------
    manifest : path
        A ``manifest.json`` written by :func:`make_report`.
    outdir, overwrite, progress, command
        As for :func:`make_report`.

    Raises
    ------
    ManifestError
        If the manifest is malformed, or an input is missing or its sha256
        differs (each such input is named), or the report read something
        that was not a file (a geometry or layer given in Python).
    DatasetError
        If a dataset cannot be fetched again.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = Path(tempfile.mkdtemp())
    >>> first = make_report(tmp / "a")
    >>> again = reproduce_report(tmp / "a" / "manifest.json", tmp / "b")
    >>> (tmp / "a" / "verdicts.json").read_bytes() == (
    ...     tmp / "b" / "verdicts.json").read_bytes()
    True
    """
    m = read_manifest(manifest)
    call = m["call"]
    for key in ("region", "context", "snapshots"):
        value = call.get(key)
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and v.startswith("<") for v in values):
            raise ManifestError(
                f"{manifest}: the report's {key} was given in Python as a "
                f"{values[0] if key != 'region' else value} rather than a file; "
                "it is not in the manifest, so the report cannot be made again"
            )
    if progress is not None:
        progress(f"checking the {len(m['inputs'])} inputs of {manifest}")
    found = resolve_inputs(m)
    embedded = call.get("snapshots") is None and call.get("source") is None
    if embedded:
        # the embedded data, read as a folder: the same files, or it is not the same
        recorded = sorted(
            r.get("embedded") or r["path"]
            for r in m["inputs"]
            if r["role"] == "snapshot"
        )
        now = sorted(
            f"snapshots/{p.name}"
            for p in (geodata_dir() / "snapshots").iterdir()
            if p.suffix in (".geojson", ".json")
        )
        if recorded != now:
            raise ManifestError(
                f"{manifest}: kurskgeo's embedded snapshots are not those the "
                f"report read ({len(recorded)} files then, {len(now)} now)"
            )

    def one(role: str) -> Path | None:
        return found[role][0] if found[role] else None

    return make_report(
        outdir,
        claims=one("claims"),
        snapshots=None if embedded else found["snapshot"],
        zone=call.get("zone"),
        map_zone=call.get("map_zone"),
        region=one("region"),
        places=one("places"),
        # given, or fetched for the real report (--source): as recorded
        context=(
            found["context"]
            if call.get("context") is not None or (not embedded and found["context"])
            else None
        ),
        tolerance=float(call.get("tolerance", 0.05)),
        max_age_days=int(call.get("max_age_days", 14)),
        line_accuracy_m=float(call.get("line_accuracy_m", 250.0)),
        start=call.get("start"),
        compare_zone=call.get("compare_zone"),
        compare_derive=call.get("compare_derive", "lost_since_peak"),
        interactive=bool(call.get("interactive", True)),
        animation=bool(call.get("animation", True)),
        extent=call.get("extent"),
        allow_download=bool(call.get("allow_download", False)),
        overwrite=overwrite,
        progress=progress,
        command=command or f"kurskgeo.reproduce_report({os.fspath(manifest)!r})",
    )
