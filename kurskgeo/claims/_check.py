"""Measuring claims on snapshots: matching by date, zones, peaks, changes.

Private to :mod:`kurskgeo.claims` (see :func:`kurskgeo.claims.check_claims`).
Every area is measured by :class:`kurskgeo.area.Engine`, as
:func:`kurskgeo.area.measure` would measure the same snapshot.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from kurskgeo.area import Engine, Region, as_region
from kurskgeo.claims._findings import expression_text, find, stated_km2
from kurskgeo.claims._read import read_claims
from kurskgeo.claims.records import COLUMNS, CheckResult, Claim, judge
from kurskgeo.errors import ClaimsFileError, KurskgeoError, SnapshotError
from kurskgeo.io import Layer, as_layer, sources
from kurskgeo.series import read_series


def run(
    claims: Any,
    snapshots: Any,
    *,
    region: Any,
    tolerance: float,
    max_age_days: int,
    zone: Any,
    base_dir: Any,
) -> CheckResult:
    """Run :func:`kurskgeo.claims.check_claims`."""
    if isinstance(claims, (str, os.PathLike)):
        claims = read_claims(claims)
    claims = list(claims)
    if base_dir is not None:
        claims = [_rebase(c, Path(base_dir)) for c in claims]
    checker = _Checker(
        claims,
        snapshots,
        region=region,
        tolerance=tolerance,
        max_age_days=max_age_days,
        zone=zone,
    )
    stated = stated_km2({c.id: c for c in claims})
    rows = []
    for c in claims:
        m = checker.measure(c)
        rows.append(_row(c, m, checker, stated, tolerance))
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for col in (
        "claimed_km2",
        "claimed_value",
        "measured_km2",
        "difference_km2",
        "relative_difference",
        "claimed",
        "measured",
    ):
        frame[col] = frame[col].astype(float)
    return CheckResult(verdicts=frame, findings=find(claims, tolerance))


@dataclass
class _Series:
    """Snapshots in time order, with their moments, dates and zones."""

    layers: list[Layer]
    moments: list[dt.datetime]
    dates: list[dt.date]
    zones: set[str]
    cache: dict[tuple[Any, ...], tuple[BaseGeometry, CRS]] = field(default_factory=dict)

    @classmethod
    def from_layers(cls, layers: Sequence[Layer]) -> _Series:
        rows = []
        for i, layer in enumerate(layers):
            day = layer.date
            if day is None:
                raise SnapshotError(
                    f"{layer.path or f'snapshot {i}'}: no date; claims are "
                    "matched to snapshots by date (name the file YYYY-MM-DD.geojson "
                    "or add a 'date')"
                )
            ts = layer.timestamp
            if isinstance(ts, dt.datetime):
                moment = ts if ts.tzinfo else ts.replace(tzinfo=dt.UTC)
                moment = moment.astimezone(dt.UTC)
            else:
                moment = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
            rows.append((moment, i, day, layer))
        rows.sort(key=lambda r: (r[0], r[1]))
        zones: set[str] = set()
        for r in rows:
            zones.update(r[3].zones_present)
        return cls(
            layers=[r[3] for r in rows],
            moments=[r[0] for r in rows],
            dates=[r[2] for r in rows],
            zones=zones,
        )

    def match(self, day: dt.date, max_age_days: int) -> tuple[int | None, str]:
        """Index of the latest snapshot at or before the end of `day`, or a reason."""
        end = dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)
        idx = [i for i, m in enumerate(self.moments) if m <= end]
        if not self.layers:
            return None, "no snapshots"
        if not idx:
            return (
                None,
                f"no snapshot at or before {day} (the first is {self.dates[0]})",
            )
        i = idx[-1]
        age = (day - self.dates[i]).days
        if age > max_age_days:
            return None, (
                f"the latest snapshot at or before {day} is {self.dates[i]}, "
                f"{age} days earlier (max_age_days={max_age_days})"
            )
        return i, ""

    def zones_at(self, i: int) -> set[str]:
        return set(self.layers[i].zones_present)


@dataclass
class _Measured:
    value: float = math.nan
    snapshot: int | None = None
    since: int | None = None
    note: str = ""
    zone: tuple[str, ...] | None = None
    kind: str | None = None


def _region(region: Any, cache: dict[Any, Region]) -> Region | None:
    if region is None:
        return None
    key = region if isinstance(region, (str, os.PathLike)) else id(region)
    if key not in cache:
        value = region
        if (
            isinstance(region, str)
            and re.match(r"^[a-z][a-z0-9-]*:", region)
            and not os.path.exists(region)
        ):
            from kurskgeo import datasets

            value = datasets.fetch_spec(region)
        found = as_region(value)
        assert found is not None
        if isinstance(region, (str, os.PathLike)):
            found.name = str(region)
        cache[key] = found
    return cache[key]


def _load_series(spec: Any) -> _Series:
    reader = Engine()  # every zone: claims name their own
    if isinstance(spec, (gpd.GeoDataFrame, Layer)):
        return _Series.from_layers([as_layer(spec)])
    return _Series.from_layers(read_series(spec, reader))


class _Checker:
    def __init__(
        self,
        claims: Sequence[Claim],
        snapshots: Any,
        *,
        region: Any,
        tolerance: float,
        max_age_days: int,
        zone: str | Sequence[str] | None,
    ):
        self.claims = {c.id: c for c in claims}
        self.region_override = region
        self.tolerance = tolerance
        self.max_age_days = max_age_days
        self.zone_override = (
            (zone,) if isinstance(zone, str) else (tuple(zone) if zone else None)
        )
        self.region_cache: dict[Any, Region] = {}
        self.engines: dict[tuple[Any, ...], Engine] = {}
        self.series_cache: dict[tuple[str, ...], _Series] = {}
        self.shared: _Series | None = (
            None if snapshots is None else _load_series(snapshots)
        )
        self.results: dict[str, _Measured] = {}
        if self.shared is not None and self.zone_override:
            missing = [z for z in self.zone_override if z not in self.shared.zones]
            if missing and not set(self.zone_override) & self.shared.zones:
                raise SnapshotError(
                    f"zone {', '.join(missing)} is in none of the snapshots; zones "
                    f"there: {', '.join(sorted(self.shared.zones)) or 'none'}"
                )

    # -- inputs

    def series_for(self, c: Claim) -> _Series | None:
        if self.shared is not None:
            return self.shared
        if not c.snapshots:
            return None
        if c.snapshots not in self.series_cache:
            try:
                self.series_cache[c.snapshots] = _load_series(list(c.snapshots))
            except SnapshotError as exc:
                raise ClaimsFileError(
                    f"{c.where}: claim {c.id!r} (snapshots): {exc}"
                ) from None
        return self.series_cache[c.snapshots]

    def region_for(self, c: Claim) -> tuple[Any, Region | None]:
        region = self.region_override if self.region_override is not None else c.region
        try:
            return region, _region(region, self.region_cache)
        except KurskgeoError as exc:
            if self.region_override is None:
                raise ClaimsFileError(
                    f"{c.where}: claim {c.id!r} (region): {exc}"
                ) from None
            raise

    def plan(
        self, c: Claim, series: _Series, b: int
    ) -> tuple[tuple[str, ...] | None, str, str]:
        """Return the zones and kind to measure on snapshot `b`, or why not."""
        kind = c.measure if c.kind == "derived" else c.kind
        if self.zone_override:
            for zones, alt_kind in c.alternatives:
                if set(zones) == set(self.zone_override):
                    return self.zone_override, alt_kind, ""
            return self.zone_override, kind, ""
        if not c.zone:
            return None, kind, ""
        known = set(sources.ZONES) | series.zones
        unknown = [z for z in c.zone if z not in known]
        usable_alternative = any(set(zs) & series.zones for zs, _ in c.alternatives)
        if unknown and not usable_alternative:
            raise ClaimsFileError(
                f"{c.where}: claim {c.id!r} (zone): unknown zone {unknown[0]!r}; "
                f"the snapshots have {', '.join(sorted(series.zones)) or 'no zones'} "
                f"(kurskgeo's own zones are {', '.join(sources.ZONES)})"
            )
        here = series.zones_at(b)
        if set(c.zone) & here:
            return c.zone, kind, ""
        for zones, alt_kind in c.alternatives:
            if set(zones) & here:
                return zones, alt_kind, ""
        return (
            None,
            kind,
            (
                f"no polygon of zone {'+'.join(c.zone)} in the snapshot of "
                f"{series.dates[b]} (zones there: {', '.join(sorted(here)) or 'none'})"
            ),
        )

    # -- geometry

    def union(
        self,
        series: _Series,
        i: int,
        zones: tuple[str, ...] | None,
        region_key: Any,
        region: Region | None,
        crs: CRS | None = None,
    ) -> tuple[BaseGeometry, CRS]:
        """Return the measured geometry of snapshot `i` (in its own CRS, or `crs`)."""
        ekey = (zones, str(region_key))
        engine = self.engines.get(ekey)
        if engine is None:
            engine = self.engines[ekey] = Engine(
                zone=list(zones) if zones else None, region=region
            )
        key = (i, zones, str(region_key), None if crs is None else crs.srs)
        if key not in series.cache:
            geom, target, *_ = engine.geometry(series.layers[i], crs=crs, strict=False)
            series.cache[key] = (geom, target)
        return series.cache[key]

    def measure(self, c: Claim) -> _Measured:
        if c.id in self.results:
            return self.results[c.id]
        if c.kind == "share":
            res = self._measure_share(c)
        elif c.kind == "derived" and not c.zone and not self.zone_override:
            res = self._measure_expression(c)
        else:
            res = self._measure_geometry(c)
        self.results[c.id] = res
        return res

    def _measure_share(self, c: Claim) -> _Measured:
        assert c.part is not None and c.of is not None
        part, of = self.measure(self.claims[c.part]), self.measure(self.claims[c.of])
        if not (math.isfinite(part.value) and math.isfinite(of.value)):
            missing = c.part if not math.isfinite(part.value) else c.of
            return _Measured(note=f"{missing} is unverifiable")
        if of.value <= 0:
            return _Measured(note=f"{c.of} measured 0 km²")
        return _Measured(
            100 * part.value / of.value,
            snapshot=part.snapshot,
            note=f"measured {c.part} / measured {c.of}",
        )

    def _measure_expression(self, c: Claim) -> _Measured:
        assert c.expression is not None
        total, notes = 0.0, []
        for sign, rid in c.expression:
            m = self.measure(self.claims[rid])
            if not math.isfinite(m.value):
                return _Measured(note=f"{rid} is unverifiable")
            total += sign * m.value
            notes.append(rid)
        return _Measured(total, note=f"{expression_text(c)} over measured values")

    def _measure_geometry(self, c: Claim) -> _Measured:
        series = self.series_for(c)
        if series is None:
            return _Measured(
                note="no snapshots: pass snapshots= (CLI: --snapshots) or give "
                "the claim a 'snapshots' field"
            )
        max_age = c.max_age_days if c.max_age_days is not None else self.max_age_days
        b, why = series.match(c.moment, max_age)
        if b is None:
            return _Measured(note=why)
        zones, kind, why = self.plan(c, series, b)
        if why:
            return _Measured(snapshot=b, note=why)
        region_key, region = self.region_for(c)
        since = c.since
        a: int | None = None
        window: list[int] = []
        if kind == "peak" or since == "peak":
            start = (
                c.since if kind == "peak" and isinstance(c.since, dt.date) else c.start
            )
            window = [
                i for i in range(b + 1) if start is None or series.dates[i] >= start
            ]
        elif kind in ("lost", "gained"):
            assert isinstance(since, dt.date)
            a, why = series.match(since, max_age)
            if a is None:
                return _Measured(snapshot=b, note=f"since: {why}")

        def area(i: int) -> float:
            geom, _ = self.union(series, i, zones, region_key, region)
            return float(shapely.area(geom)) / 1e6

        if kind == "area":
            return _Measured(area(b), snapshot=b, zone=zones, kind=kind)
        if window:
            areas = [area(i) for i in window]
            peak = window[int(np.argmax(areas))]
            if kind == "peak":
                return _Measured(
                    max(areas),
                    snapshot=b,
                    since=peak,
                    zone=zones,
                    kind=kind,
                    note=f"peak on {series.dates[peak]}",
                )
            a = peak
        assert a is not None
        new, crs = self.union(series, b, zones, region_key, region)
        old, _ = self.union(series, a, zones, region_key, region, crs)
        diff = (
            shapely.difference(old, new)
            if kind == "lost"
            else shapely.difference(new, old)
        )
        note = f"since {'the peak on ' if since == 'peak' else ''}{series.dates[a]}"
        return _Measured(
            float(shapely.area(diff)) / 1e6,
            snapshot=b,
            since=a,
            zone=zones,
            kind=kind,
            note=note,
        )


def _zone_text(zones: Iterable[str] | None) -> str | None:
    return "+".join(zones) if zones else None


def _rebase(c: Claim, base: Path) -> Claim:

    def move(p: str) -> str:
        if c.path is None:
            return str(base / p)
        old = Path(c.path).resolve().parent
        try:
            return str(base / Path(p).relative_to(old))
        except ValueError:
            return p

    return replace(
        c,
        region=move(c.region) if c.region else None,
        snapshots=tuple(move(s) for s in c.snapshots) if c.snapshots else None,
    )


def _row(
    c: Claim,
    m: _Measured,
    checker: _Checker,
    stated: Mapping[str, float],
    tolerance: float,
) -> dict[str, Any]:
    share = c.kind == "share"
    geometric = not share and not (
        c.kind == "derived" and not c.zone and not checker.zone_override
    )
    unit = "percent" if share else "km2"
    claimed = c.value if share else stated.get(c.id, math.nan)
    measured = m.value
    verdict = (
        judge(claimed, measured, qualifier=c.qualifier, tolerance=tolerance)
        if math.isfinite(claimed)
        else "unverifiable"
    )
    series = checker.series_for(c) if geometric else None
    snap_date = snap_path = since_date = None
    if series is not None and m.snapshot is not None:
        snap_date = series.dates[m.snapshot]
        snap_path = series.layers[m.snapshot].path
        if m.since is not None:
            since_date = series.dates[m.since]
    elif share and c.part is not None:
        part_row = checker.results.get(c.part)
        part_series = checker.series_for(checker.claims[c.part])
        if (
            part_row is not None
            and part_row.snapshot is not None
            and part_series is not None
        ):
            snap_date = part_series.dates[part_row.snapshot]
    diff = claimed - measured if math.isfinite(measured) else math.nan
    rel = diff / measured if math.isfinite(measured) and measured != 0 else math.nan
    if verdict == "unverifiable" and not m.note:
        m.note = "nothing to measure"
    region = (
        checker.region_override if checker.region_override is not None else c.region
    )
    if m.kind is not None:
        measured_as = m.kind
    elif c.kind == "derived":
        measured_as = "derived" if not geometric else c.measure
    else:
        measured_as = c.kind
    return {
        "id": c.id,
        "date": c.date,
        "as_of": c.moment,
        "kind": c.kind,
        "zone": None
        if share or not geometric
        else _zone_text(m.zone or checker.zone_override or c.zone),
        "region": region
        if isinstance(region, str)
        else (None if region is None else "given"),
        "qualifier": c.qualifier,
        "claimed_km2": math.nan if share else claimed,
        "claimed_value": c.value
        if not (c.kind == "derived" and math.isnan(c.value))
        else claimed,
        "claimed_unit": c.unit,
        "measured_km2": math.nan if share else measured,
        "snapshot_date": snap_date,
        "snapshot_path": snap_path,
        "difference_km2": math.nan if share else diff,
        "relative_difference": rel,
        "verdict": verdict,
        "source": c.source,
        "statement": c.statement,
        "unit": unit,
        "claimed": claimed,
        "measured": measured,
        "since_date": since_date,
        "measured_as": measured_as,
        "note": m.note,
        "line": c.line,
    }
