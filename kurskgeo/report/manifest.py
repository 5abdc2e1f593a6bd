"""A report's ``manifest.json``: each input with its hash, the settings, the versions.

A figure in print must be traceable to the bytes it was measured from. The
manifest lists each input (snapshots, claims, region, places, context layers)
with its path, size and sha256, and for a dataset kurskgeo fetched its name
(``deepstate:1723059640``), URL, map id and publication time, and the credit
its source asks for; the settings of the call (zones, tolerance, line
accuracy, maximum age, start), the equal-area CRS used, the versions of
kurskgeo, GEOS, PROJ and the Python packages, and the command that made it.

:func:`resolve_inputs` finds each input again (a dataset through the cache or
``KURSKGEO_MIRROR``, an embedded file in kurskgeo's ``geodata/``, a local file
at its path) and checks its hash, which is what
:func:`kurskgeo.report.reproduce_report` runs on. :func:`cite` turns a
manifest into the lines of a report's "Sources" section.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kurskgeo.errors import ManifestError

__all__ = [
    "FORMAT",
    "ROLES",
    "build_manifest",
    "cite",
    "describe_input",
    "read_manifest",
    "resolve_inputs",
]

#: The manifest's format; a reader refuses a manifest of a later one.
FORMAT = 1
#: What an input is to the report.
ROLES = ("snapshot", "claims", "region", "places", "context")


def _embedded_name(path: Path) -> str | None:
    """Return the path of `path` inside kurskgeo's ``geodata/``, if it lies there."""
    from kurskgeo.report._geodata import geodata_dir

    try:
        return path.resolve().relative_to(geodata_dir().resolve()).as_posix()
    except (ValueError, OSError):
        return None


def describe_input(
    path: str | os.PathLike[str], role: str, **extra: Any
) -> dict[str, Any]:
    """Return the manifest record of one input file.

    Parameters
    ----------
    path : path-like
        The file as it was read.
    role : str
        One of :data:`ROLES`.
    **extra
        Added to the record (for a snapshot file: the dates of its maps and
        who drew them).

    Returns
    -------
    dict
        ``role``, ``path``, ``bytes``, ``sha256``; ``dataset``, ``url``,
        ``credit`` (and ``map_id``, ``published`` or ``version``) for a cached
        dataset; ``embedded`` (its path in ``geodata/``) for kurskgeo's own
        data.
    """
    from kurskgeo.datasets import describe
    from kurskgeo.datasets.provenance import sha256

    p = Path(path)
    record: dict[str, Any] = {
        "role": role,
        "path": os.fspath(p.resolve()),
        "bytes": p.stat().st_size,
        "sha256": sha256(p),
    }
    known = describe(p)
    if known is not None:
        record.update(known)
    else:
        embedded = _embedded_name(p)
        if embedded is not None:
            record["embedded"] = embedded
            record["credit"] = "kurskgeo approximate reconstruction (illustration)"
    record.update(extra)
    return record


def build_manifest(
    inputs: Sequence[Mapping[str, Any]],
    *,
    call: Mapping[str, Any],
    crs: str,
    command: str | None = None,
) -> dict[str, Any]:
    """Return the manifest of a report: its inputs, the call, CRS and versions.

    Parameters
    ----------
    inputs : sequence of dict
        Records from :func:`describe_input`, in the order they were read.
    call : mapping
        The settings the report was made with, as JSON values.
    crs : str
        The equal-area CRS the areas were measured in.
    command : str, optional
        The command line (or Python call) that made the report.
    """
    from kurskgeo.versions import versions

    return {
        "kurskgeo_manifest": FORMAT,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": command,
        "call": dict(call),
        "crs": crs,
        "inputs": [dict(r) for r in inputs],
        "versions": versions(),
    }


def read_manifest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check a ``manifest.json``.

    Raises
    ------
    ManifestError
        If the file cannot be read, is not JSON, or is not a kurskgeo manifest
        of a format this version reads.
    """
    from kurskgeo import limits

    p = Path(path)
    try:
        data = json.loads(limits.read_input(p, ManifestError, limit="text_mb"))
    except (ValueError, RecursionError) as exc:
        raise ManifestError(f"{p}: not JSON ({exc})") from None
    if not isinstance(data, dict) or "kurskgeo_manifest" not in data:
        raise ManifestError(f"{p}: not a kurskgeo manifest (no 'kurskgeo_manifest')")
    if data["kurskgeo_manifest"] != FORMAT:
        raise ManifestError(
            f"{p}: manifest format {data['kurskgeo_manifest']!r}; this kurskgeo "
            f"reads format {FORMAT} (upgrade kurskgeo)"
        )
    inputs = data.get("inputs")
    call = data.get("call")
    if not isinstance(inputs, list) or not isinstance(call, dict):
        raise ManifestError(f"{p}: 'inputs' must be a list and 'call' an object")
    for i, rec in enumerate(inputs):
        if not isinstance(rec, dict) or rec.get("role") not in ROLES:
            raise ManifestError(
                f"{p}: input {i} needs a 'role' (one of {', '.join(ROLES)})"
            )
        if not isinstance(rec.get("sha256"), str) or not rec.get("path"):
            raise ManifestError(f"{p}: input {i} needs a 'path' and a 'sha256'")
    return data


def _locate(record: Mapping[str, Any]) -> Path:
    """Find an input again: a dataset in the cache or mirror, geodata, a path."""
    from kurskgeo.datasets import fetch_spec

    if record.get("dataset"):
        return Path(fetch_spec(str(record["dataset"])))
    if record.get("embedded"):
        from kurskgeo.report._geodata import geodata_dir

        return geodata_dir() / str(record["embedded"])
    return Path(str(record["path"]))


def resolve_inputs(manifest: Mapping[str, Any]) -> dict[str, list[Path]]:
    """Find every input of `manifest` again and check it has the same bytes.

    Returns
    -------
    dict
        For each role, the paths in the manifest's order.

    Raises
    ------
    ManifestError
        Naming every input that is missing or whose sha256 differs from the
        one recorded (the report would not be a reproduction).
    DatasetError
        If a dataset cannot be fetched (no network and no mirror, say).
    """
    from kurskgeo.datasets.provenance import sha256

    found: dict[str, list[Path]] = {role: [] for role in ROLES}
    problems: list[str] = []
    for rec in manifest["inputs"]:
        name = rec.get("dataset") or rec.get("embedded") or rec["path"]
        path = _locate(rec)
        if not path.is_file():
            problems.append(f"{name}: not found at {path}")
            continue
        now = sha256(path)
        if now != rec["sha256"]:
            problems.append(
                f"{name}: sha256 differs (manifest {rec['sha256'][:12]}…, "
                f"now {now[:12]}…)"
            )
        found[rec["role"]].append(path)
    if problems:
        shown = "; ".join(problems[:5])
        more = f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        raise ManifestError(
            f"{len(problems)} input(s) are not those the report was made from: "
            f"{shown}{more}"
        )
    return found


def _day(text: str) -> str:
    from kurskgeo.claims.wording import day

    return day(dt.date.fromisoformat(text[:10]))


def _maps_line(records: Iterable[Mapping[str, Any]], credit: str) -> str:
    recs = list(records)
    dates = sorted(d for r in recs for d in (r.get("maps") or []))
    ids = sorted(int(r["map_id"]) for r in recs if r.get("map_id") is not None)
    n = len(ids) or len(dates)
    what = "version" if ids else "map"
    span = (
        f"maps of {_day(dates[0])} to {_day(dates[-1])}"
        if len(dates) > 1
        else (f"map of {_day(dates[0])}" if dates else "no dated map")
    )
    line = f"{credit}: {span}, {n} {what}{'' if n == 1 else 's'}"
    if ids:
        line += f" (ids {ids[0]} to {ids[-1]})" if len(ids) > 1 else f" (id {ids[0]})"
    return line


def cite(manifest: Mapping[str, Any]) -> list[str]:
    """Return the lines that credit a report's inputs, for its "Sources" section.

    Snapshots are grouped by credit (a dataset family's, else who drew them):
    the span of their dates and how many map versions; then the region, the
    country outlines fetched for the maps, the claims file, and how to check
    every input.
    """
    lines: list[str] = []
    snaps = [r for r in manifest["inputs"] if r["role"] == "snapshot"]
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for r in snaps:
        credit = r.get("credit") or ", ".join(r.get("sources") or []) or "snapshots"
        groups.setdefault(str(credit), []).append(r)
    for credit, recs in groups.items():
        lines.append("Maps measured: " + _maps_line(recs, credit) + ".")
    for r in manifest["inputs"]:
        if r["role"] != "region":
            continue
        if r.get("dataset"):
            version = str(r.get("version") or "")[:7]
            lines.append(
                f"Region: {r['dataset']} ({r.get('credit', '')}"
                + (f", version {version}" if version else "")
                + ")."
            )
        else:
            lines.append(f"Region: {Path(r['path']).name}.")
    for r in manifest["inputs"]:
        if r["role"] == "context" and r.get("dataset"):
            version = str(r.get("version") or "")[:7]
            lines.append(
                f"Drawn under the maps: {r['dataset']} ({r.get('credit', '')}"
                + (f", version {version}" if version else "")
                + "), for orientation only."
            )
    region = manifest["call"].get("region")
    if region == "<geometry>":
        lines.append("Region: a geometry given in Python (not a file).")
    claims = [r for r in manifest["inputs"] if r["role"] == "claims"]
    for r in claims:
        lines.append(f"Claims: {r.get('embedded') or Path(r['path']).name}.")
    versions = manifest.get("versions") or {}
    lines.append(
        f"Measured with kurskgeo {versions.get('kurskgeo', '?')} (GEOS "
        f"{versions.get('GEOS', '?')}, PROJ {versions.get('PROJ', '?')}) in "
        f"{manifest.get('crs', '?')}. manifest.json lists every input with its "
        "sha256; `kurskgeo report --from-manifest manifest.json` reproduces "
        "this report."
    )
    return lines
