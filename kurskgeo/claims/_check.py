"""Measuring claims on maps: readings, bands, coverage and verdicts.

Private to :mod:`kurskgeo.claims` (see :func:`kurskgeo.claims.check_claims`).
Every area is measured by :class:`kurskgeo.area.Engine`, as
:func:`kurskgeo.measure` would measure the same snapshot; the band around it
comes from the same geometry grown and shrunk by the line accuracy.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from kurskgeo.area import Engine, Region, as_region
from kurskgeo.area.crs import auto_centre, laea
from kurskgeo.claims import wording as txt
from kurskgeo.claims._findings import cap, find, stated_km2
from kurskgeo.claims._parse import MEASURED, REGION
from kurskgeo.claims._read import read_claims
from kurskgeo.claims._reason import overall
from kurskgeo.claims.records import (
    CheckResult,
    Claim,
    Reading,
    Verdict,
    judge,
    stated_interval,
)
from kurskgeo.errors import ClaimsFileError, KurskgeoError, SnapshotError
from kurskgeo.io import Layer, as_layer, date_from_name, resolve_paths, sources
from kurskgeo.series import read_sources, source_of

#: A series must begin within this many days of the event's start to show
#: its peak, or the ground lost since it (kurskgeo.claims.START_TOLERANCE_DAYS).
START_TOLERANCE_DAYS = 7
#: Maps older than this many days before the event's start are left out.
BEFORE_EVENT_DAYS = 30


@dataclass(frozen=True)
class Settings:
    """How every claim of one call is checked."""

    zone: tuple[str, ...] | None
    region: Any
    tolerance: float
    max_age_days: int
    line_accuracy_m: float
    start: dt.date | None
    allow_download: bool = False


# ---------------------------------------------------------------- the maps


@dataclass
class _Map:
    layer: Layer
    moment: dt.datetime  # when it was published (the start of its day if unknown)
    date: dt.date
    version: dt.date  # what the reading cites: a moment, or a date

    @classmethod
    def of(cls, layer: Layer) -> _Map:
        day = layer.date
        assert day is not None
        ts = layer.timestamp
        if isinstance(ts, dt.datetime):
            moment = ts if ts.tzinfo else ts.replace(tzinfo=dt.UTC)
            moment = moment.astimezone(dt.UTC)
            return cls(layer, moment, day, moment)
        return cls(
            layer, dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC), day, day
        )


@dataclass
class _Series:
    """The maps of one source in time order."""

    source: str
    maps: list[_Map]
    zones: set[str]
    cache: dict[tuple[Any, ...], tuple[BaseGeometry, CRS]] = field(default_factory=dict)

    def before(self, day: dt.date) -> int | None:
        """Return the last map published at or before the end of `day`."""
        end = dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)
        found = [i for i, m in enumerate(self.maps) if m.moment <= end]
        return found[-1] if found else None

    def after(self, day: dt.date, max_age: int) -> int | None:
        """Return the first map published after `day`, within `max_age` days."""
        end = dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)
        for i, m in enumerate(self.maps):
            if m.moment > end:
                return i if (m.date - day).days <= max_age else None
        return None


def _load(
    spec: Any, start: dt.date | None, notes: list[str], reader: Engine
) -> list[_Series]:
    """Read the maps of `spec` as `reader` reads them (its zones, near its region)."""
    if isinstance(spec, (gpd.GeoDataFrame, Layer)):
        groups = {"": [as_layer(spec)]}
    else:
        groups = read_sources(_not_long_before(spec, start, notes), reader)
    out = []
    for source, layers in groups.items():
        maps = [_Map.of(lay) for lay in layers if lay.date is not None]
        if start is not None:
            early = [m for m in maps if (start - m.date).days > BEFORE_EVENT_DAYS]
            for m in early:
                notes.append(
                    f"left out {m.layer.path}: the map of {txt.day(m.date)} is "
                    f"{(start - m.date).days} days before the event began "
                    f"({txt.day(start)})"
                )
            maps = [m for m in maps if m not in early]
        maps.sort(key=lambda m: m.moment)
        zones: set[str] = set()
        for m in maps:
            zones.update(m.layer.zones_present)
        if maps:
            out.append(
                _Series(
                    source_of(maps[0].layer) if source == "" else source, maps, zones
                )
            )
    return out


def _not_long_before(spec: Any, start: dt.date | None, notes: list[str]) -> Any:
    """Leave out, unread, the files whose names date them long before `start`."""
    if start is None:
        return spec
    items = [spec] if isinstance(spec, (str, os.PathLike)) else list(spec)
    if not all(isinstance(x, (str, os.PathLike)) for x in items):
        return spec
    kept: list[Path] = []
    for path in resolve_paths(items):
        day = date_from_name(path.name)[0]
        if day is not None and (start - day).days > BEFORE_EVENT_DAYS:
            notes.append(
                f"left out {path}: the map of {txt.day(day)} is "
                f"{(start - day).days} days before the event began ({txt.day(start)})"
            )
        else:
            kept.append(path)
    return kept


_DATASET = re.compile(r"^[a-z][a-z0-9-]*:")


def _is_dataset(value: Any) -> bool:
    return (
        isinstance(value, str)
        and bool(_DATASET.match(value))
        and not os.path.exists(value)
    )


def _no_download(name: str) -> ClaimsFileError:
    return ClaimsFileError(
        f"names the dataset {name!r}, which would be fetched from the internet; "
        "a claims file may only do that when allowed (allow_download=True, CLI: "
        "--allow-download), or give a local file instead"
    )


def _region(
    region: Any, cache: dict[Any, Region], download: bool = True
) -> Region | None:
    """Return the region `region` names; fetch a dataset name only if `download`."""
    if region is None:
        return None
    key = region if isinstance(region, (str, os.PathLike)) else id(region)
    if key not in cache:
        value = region
        if _is_dataset(region):
            if not download:
                raise _no_download(region)
            from kurskgeo import datasets

            value = datasets.fetch_spec(region)
        found = as_region(value)
        assert found is not None
        if isinstance(region, (str, os.PathLike)):
            found.name = str(region)
        cache[key] = found
    return cache[key]


def _own_snapshots(items: Sequence[str], download: bool) -> list[str]:
    """Return a claim's own snapshots; fetch dataset names only if `download`."""
    out: list[str] = []
    for item in items:
        if not _is_dataset(item):
            out.append(item)
            continue
        if not download:
            raise _no_download(item)
        from kurskgeo import datasets

        out.extend(os.fspath(p) for p in datasets.fetch_spec_files(item))
    return out


# ---------------------------------------------------------------- readings


@dataclass(frozen=True)
class _Plan:
    """A reading to measure: zones, kind, and whether it is the claim's own."""

    zone: tuple[str, ...] | None
    kind: str
    primary: bool


def _plans(c: Claim, zone: tuple[str, ...] | None) -> list[_Plan]:
    """Return the readings a claim admits: its zone, grey zone in or out, others."""
    kind = c.measured_as
    out = [_Plan(zone, kind, True)]
    if zone:
        if "contested" in zone and len(zone) > 1:
            out.append(_Plan(tuple(z for z in zone if z != "contested"), kind, False))
        elif "contested" not in zone:
            out.append(_Plan((*zone, "contested"), kind, False))
    for alt_zone, alt_kind in c.alternatives:
        plan = _Plan(alt_zone, alt_kind, False)
        if all(plan.zone != p.zone or plan.kind != p.kind for p in out):
            out.append(plan)
    return out


class _Checker:
    def __init__(
        self, claims: Sequence[Claim], snapshots: Any, settings: Settings
    ) -> None:
        self.claims = {c.id: c for c in claims}
        self.settings = settings
        self.notes: list[str] = []
        self.stated = stated_km2(self.claims)
        starts = [c.start for c in claims if c.start] + (
            [settings.start] if settings.start else []
        )
        self.event_start = min(starts) if starts else None
        self.regions: dict[Any, Region] = {}
        self.reader = self.make_reader(claims)
        self.shared = (
            None
            if snapshots is None
            else _load(snapshots, self.event_start, self.notes, self.reader)
        )
        self.own: dict[tuple[str, ...], list[_Series]] = {}
        self.engines: dict[tuple[Any, ...], Engine] = {}
        self.results: dict[str, Verdict] = {}

    # -- inputs

    def make_reader(self, claims: Sequence[Claim]) -> Engine:
        """Return an engine reading only the zones the claims use, near their region.

        Every polygon is read when a claim names no zone, and no box is used
        when the claims name different regions.
        """
        zones: set[str] | None = set()
        for c in claims:
            if c.kind == "share":
                continue
            zone = self.zone_for(c)
            if zone is None or zones is None:
                zones = None
                continue
            zones.update(zone)
            zones.add("contested")
            for alt, _ in c.alternatives:
                zones.update(alt)
        given = self.settings.region
        named = {c.region for c in claims if c.kind != "share"}
        region = None
        if given is not None:
            region = _region(given, self.regions)
        elif len(named) == 1 and None not in named:
            try:
                region = _region(
                    named.pop(), self.regions, self.settings.allow_download
                )
            except KurskgeoError:
                region = None  # said again, with the claim, when it is measured
        return Engine(zone=sorted(zones) if zones else None, region=region)

    def series_for(self, c: Claim) -> list[_Series]:
        if self.shared is not None:
            return self.shared
        if not c.snapshots:
            return []
        if c.snapshots not in self.own:
            try:
                files = _own_snapshots(c.snapshots, self.settings.allow_download)
                self.own[c.snapshots] = _load(
                    files, self.event_start, self.notes, self.reader
                )
            except (SnapshotError, ClaimsFileError) as exc:
                raise ClaimsFileError(
                    f"{c.where}: claim {c.id!r} (snapshots): {exc}"
                ) from None
        return self.own[c.snapshots]

    def region_for(self, c: Claim) -> tuple[Any, Region | None]:
        given = self.settings.region
        region = given if given is not None else c.region
        download = given is not None or self.settings.allow_download
        try:
            return region, _region(region, self.regions, download)
        except KurskgeoError as exc:
            if given is None:
                raise ClaimsFileError(
                    f"{c.where}: claim {c.id!r} (region): {exc}"
                ) from None
            raise

    def zone_for(self, c: Claim) -> tuple[str, ...] | None:
        """Return the claim's zone; else a derived claim's terms'; else the default."""
        if c.zone:
            return c.zone
        if c.kind == "derived" and c.expression:
            zones = {self.claims[rid].zone for _, rid in c.expression}
            if len(zones) == 1 and None not in zones:
                return zones.pop()
        return self.settings.zone

    def check_zone_known(
        self, c: Claim, zone: tuple[str, ...] | None, series: list[_Series]
    ) -> None:
        if not zone or not series:
            return
        known = set(sources.ZONES).union(*(s.zones for s in series))
        unknown = [z for z in zone if z not in known]
        usable = any(set(zs) & known for zs, _ in c.alternatives)
        if unknown and not usable:
            there = sorted(set().union(*(s.zones for s in series)))
            raise ClaimsFileError(
                f"{c.where}: claim {c.id!r} (zone): unknown zone {unknown[0]!r}; "
                f"the snapshots have {', '.join(there) or 'no zones'} "
                f"(kurskgeo's own zones are {', '.join(sources.ZONES)})"
            )

    # -- geometry

    def geometry(
        self,
        s: _Series,
        i: int,
        zone: tuple[str, ...] | None,
        region_key: Any,
        region: Region | None,
        crs: CRS | None = None,
        clip: bool = True,
    ) -> tuple[BaseGeometry, CRS]:
        """Map `i`'s geometry of `zone` (in its own CRS, or `crs`)."""
        ekey = (zone, str(region_key))
        engine = self.engines.get(ekey)
        if engine is None:
            engine = self.engines[ekey] = Engine(
                zone=list(zone) if zone else None, region=region
            )
        key = (i, zone, str(region_key), None if crs is None else crs.srs, clip)
        if key not in s.cache:
            geom, target, *_ = engine.geometry(
                s.maps[i].layer, crs=crs, strict=False, clip=clip
            )
            s.cache[key] = (geom, target)
        return s.cache[key]

    def clip(self, geom: BaseGeometry, region: Region | None, crs: CRS) -> BaseGeometry:
        if region is None or geom.is_empty:
            return geom
        return shapely.intersection(geom, region.projected(crs))

    # -- measuring one reading

    def area_band(
        self, s: _Series, i: int, plan: _Plan, rk: Any, region: Region | None
    ) -> tuple[float, float, float]:
        """Measured km² of map `i`, and the band of its zone grown and shrunk."""
        geom, crs = self.geometry(s, i, plan.zone, rk, region)
        km2 = shapely.area(geom) / 1e6
        acc = self.settings.line_accuracy_m
        if acc <= 0 or geom.is_empty:
            return km2, km2, km2
        whole, _ = self.geometry(s, i, plan.zone, rk, region, crs, clip=False)
        low = shapely.area(self.clip(whole.buffer(-acc), region, crs)) / 1e6
        high = shapely.area(self.clip(whole.buffer(acc), region, crs)) / 1e6
        return km2, min(low, km2), max(high, km2)

    def change_band(
        self,
        s: _Series,
        a: int,
        b: int,
        plan: _Plan,
        rk: Any,
        region: Region | None,
    ) -> tuple[float, float, float]:
        """km² in `a` and not in `b` (lost) or the reverse (gained), and its band."""
        new, crs = self.geometry(s, b, plan.zone, rk, region)
        old, _ = self.geometry(s, a, plan.zone, rk, region, crs)
        first, second = (old, new) if plan.kind == "lost" else (new, old)
        km2 = shapely.area(shapely.difference(first, second)) / 1e6
        acc = self.settings.line_accuracy_m
        if acc <= 0:
            return km2, km2, km2
        wa, _ = self.geometry(s, a, plan.zone, rk, region, crs, clip=False)
        wb, _ = self.geometry(s, b, plan.zone, rk, region, crs, clip=False)
        w1, w2 = (wa, wb) if plan.kind == "lost" else (wb, wa)
        low = self.clip(
            shapely.difference(w1.buffer(-acc), w2.buffer(acc)), region, crs
        )
        high = self.clip(
            shapely.difference(w1.buffer(acc), w2.buffer(-acc)), region, crs
        )
        return (
            km2,
            min(shapely.area(low) / 1e6, km2),
            max(shapely.area(high) / 1e6, km2),
        )

    def peak(
        self,
        s: _Series,
        window: list[int],
        plan: _Plan,
        rk: Any,
        region: Region | None,
    ) -> tuple[int, float, float, float]:
        """Return the peak map of `window`, its km², and the band of the peak."""
        bands = [self.area_band(s, i, plan, rk, region) for i in window]
        k = max(range(len(window)), key=lambda j: bands[j][0])
        return (
            window[k],
            bands[k][0],
            max(b[1] for b in bands),
            max(b[2] for b in bands),
        )

    def reading(
        self, c: Claim, plan: _Plan, s: _Series, interval: tuple[float, float]
    ) -> Reading:
        max_age = (
            c.max_age_days if c.max_age_days is not None else self.settings.max_age_days
        )
        base = Reading(plan.zone, plan.kind, s.source)
        day = c.moment
        b = s.before(day)
        if b is None:
            return replace(
                base,
                reason=f"no map of {s.source} at or before {txt.day(day)}: the first "
                f"is of {txt.day(s.maps[0].date)}",
            )
        age = (day - s.maps[b].date).days
        if age > max_age:
            return replace(
                base,
                map=s.maps[b].version,
                reason=f"the last map before {txt.day(day)} is of "
                f"{txt.day(s.maps[b].date)}, {age} days earlier (more than "
                f"{max_age} days)",
            )
        if plan.zone and not set(plan.zone).intersection(s.maps[b].layer.zones_present):
            return replace(
                base,
                map=s.maps[b].version,
                reason=f"the map of {txt.day(s.maps[b].date)} has no polygon of "
                f"zone {'+'.join(plan.zone)}",
            )
        rk, region = self.region_for(c)
        after = s.after(day, max_age) if self.settings.line_accuracy_m > 0 else None
        base = replace(
            base,
            map=s.maps[b].version,
            map_after=None if after is None else s.maps[after].version,
            map_path=s.maps[b].layer.path,
        )
        kind = plan.kind
        start = c.since if kind == "peak" and isinstance(c.since, dt.date) else None
        if kind == "peak" or (kind in ("lost", "gained") and c.since == "peak"):
            start = start or c.start or self.settings.start
            if start is None:
                return replace(
                    base,
                    reason="the start of the event is not known, so neither is its "
                    "peak: give the claim (or the claims file's defaults) a start",
                )
            first = s.maps[0].date
            if (first - start).days > START_TOLERANCE_DAYS:
                return replace(
                    base,
                    reason=f"the maps of {s.source} begin on {txt.day(first)}, "
                    f"{(first - start).days} days after the start of the event "
                    f"({txt.day(start)}): the peak may be before them",
                )
            window = [
                i
                for i in range(b + 1)
                if s.maps[i].date >= start - dt.timedelta(days=START_TOLERANCE_DAYS)
            ]
            p, km2, low, high = self.peak(s, window, plan, rk, region)
            if kind == "peak":
                return self.judged(
                    replace(
                        base, map=s.maps[p].version, map_after=None, since_map=None
                    ),
                    km2,
                    low,
                    high,
                    interval,
                )
            a = p
        elif kind in ("lost", "gained"):
            assert isinstance(c.since, dt.date)
            a0 = s.before(c.since)
            if a0 is None or (c.since - s.maps[a0].date).days > max_age:
                began = c.start or self.settings.start
                hint = (
                    f"; the event began on {txt.day(began)}, so nothing was held "
                    "before: for the ground lost since the peak, say since: peak"
                    if kind == "lost" and began is not None and c.since <= began
                    else ""
                )
                return replace(
                    base,
                    reason=f"the maps of {s.source} do not reach back to "
                    f"{txt.day(c.since)} (the first is of "
                    f"{txt.day(s.maps[0].date)}){hint}",
                )
            a = a0
        else:
            km2, low, high = self.area_band(s, b, plan, rk, region)
            if after is not None:
                km2_after, low_after, high_after = self.area_band(
                    s, after, plan, rk, region
                )
                low, high = (
                    min(low, low_after, km2_after),
                    max(high, high_after, km2_after),
                )
            return self.judged(base, km2, low, high, interval)
        km2, low, high = self.change_band(s, a, b, plan, rk, region)
        if after is not None:
            km2_after, low_after, high_after = self.change_band(
                s, a, after, plan, rk, region
            )
            low, high = min(low, low_after, km2_after), max(high, high_after, km2_after)
        return self.judged(
            replace(base, since_map=s.maps[a].version), km2, low, high, interval
        )

    def judged(
        self,
        r: Reading,
        km2: float,
        low: float,
        high: float,
        interval: tuple[float, float],
    ) -> Reading:
        return replace(
            r,
            measured=float(km2),
            low=float(low),
            high=float(high),
            verdict=judge(interval, float(low), float(high)),
        )

    # -- claims

    def interval(self, c: Claim) -> tuple[float, float]:
        value, precision = self.value(c)
        return stated_interval(
            value, c.qualifier, precision=precision, tolerance=self.settings.tolerance
        )

    def value(self, c: Claim) -> tuple[float, float]:
        """Return the claimed value (km², or percent for a share) and its rounding."""
        if c.kind == "share":
            return c.value, c.precision
        if c.kind == "derived" and not math.isfinite(c.value):
            # a figure worked out from others: their roundings add up
            rounding = sum(
                _km2_rounding(self.claims[rid]) for _, rid in c.expression or ()
            )
            return self.stated.get(c.id, math.nan), rounding
        km2 = c.value_km2
        assert km2 is not None
        return km2, _km2_rounding(c)

    def check(self, c: Claim) -> Verdict:
        if c.id in self.results:
            return self.results[c.id]
        if c.kind == "share":
            verdict = self.check_share(c)
        else:
            verdict = self.check_measured(c)
        self.results[c.id] = verdict
        return verdict

    def check_measured(self, c: Claim) -> Verdict:
        interval = self.interval(c)
        series = self.series_for(c)
        zone = self.zone_for(c)
        if not series:
            return self.verdict(
                c,
                interval,
                [],
                None,
                "no maps to measure it on: pass snapshots (CLI: --snapshots) or "
                "give the claim a 'snapshots' field",
            )
        self.check_zone_known(c, zone, series)
        if not math.isfinite(interval[0]):
            return self.verdict(
                c, interval, [], None, "its figure could not be worked out"
            )
        readings: list[Reading] = []
        primary = None
        for plan in _plans(c, zone):
            for s in series:
                if plan.zone:
                    if not set(plan.zone) & s.zones:
                        continue  # another source's zones
                    if not plan.primary and set(plan.zone) - s.zones:
                        continue  # an other reading is whole on a source, or absent
                r = self.reading(c, plan, s, interval)
                if plan.primary and primary is None:
                    primary = len(readings)
                readings.append(r)
        if not readings:
            there = sorted(set().union(*(s.zones for s in series)))
            return self.verdict(
                c,
                interval,
                [],
                None,
                f"no map has a polygon of zone {'+'.join(zone or ())}; zones on the "
                f"maps: {', '.join(there) or 'none'}",
            )
        return self.verdict(c, interval, readings, primary)

    def check_share(self, c: Claim) -> Verdict:
        interval = stated_interval(
            c.value,
            c.qualifier,
            precision=c.precision,
            tolerance=self.settings.tolerance,
        )
        assert c.part is not None and c.of is not None
        part = self.check(self.referred(c, c.part))
        if c.of == REGION:  # the same whole beside every reading of the part
            km2 = self.region_km2(c)
            whole = (
                Reading(
                    None,
                    "area",
                    None,
                    reason="no region was given to measure it on (CLI: --region)",
                )
                if km2 is None
                else Reading(
                    None,
                    "area",
                    None,
                    measured=km2,
                    low=km2,
                    high=km2,
                    verdict="consistent",
                )
            )
            wholes = [
                replace(whole, zone=rp.zone, source=rp.source) for rp in part.readings
            ]
        else:
            wholes = list(self.check(self.referred(c, c.of)).readings)
        readings: list[Reading] = []
        primary = None
        for k, rp in enumerate(part.readings):
            rw = next(
                (r for r in wholes if r.zone == rp.zone and r.source == rp.source),
                None,
            )
            if rw is None:
                continue
            base = Reading(
                rp.zone, "share", rp.source, map=rp.map, since_map=rp.since_map
            )
            if rp.verdict == "unverifiable" or rw.verdict == "unverifiable":
                why = rp.reason if rp.verdict == "unverifiable" else rw.reason
                r = replace(
                    base,
                    reason=f"{c.part if rp.verdict == 'unverifiable' else c.of}: {why}",
                )
            elif rw.measured <= 0:
                r = replace(base, reason=f"{c.of} measured 0 km²")
            else:
                r = self.judged(
                    base,
                    100 * rp.measured / rw.measured,
                    100 * rp.low / rw.high if rw.high > 0 else math.nan,
                    100 * rp.high / rw.low if rw.low > 0 else math.inf,
                    interval,
                )
            if k == part.primary_reading:
                primary = len(readings)
            readings.append(r)
        if not readings:
            return self.verdict(
                c, interval, [], None, f"{c.part} and {c.of} have no reading in common"
            )
        return self.verdict(c, interval, readings, primary)

    def region_km2(self, c: Claim) -> float | None:
        """Return the area of the region `c` is checked in (None: no region)."""
        _, region = self.region_for(c)
        if region is None:
            return None
        crs = laea(*auto_centre(region.bounds))
        return float(shapely.area(region.projected(crs))) / 1e6

    def referred(self, c: Claim, ref: str) -> Claim:
        """Return the claim a share's `part` or `of` names, or the quantity named.

        A quantity ("ground lost since the peak") is measured as a claim of
        that kind would be, with the share's date, zone and region.
        """
        if ref not in MEASURED:
            return self.claims[ref]
        kind, since = MEASURED[ref]
        return replace(
            c,
            id=f"{c.id}/{ref}",
            kind=kind,
            since=since,
            value=1.0,
            unit="km2",
            qualifier="about",
            part=None,
            of=None,
            also_value=None,
            also_unit=None,
        )

    def verdict(
        self,
        c: Claim,
        interval: tuple[float, float],
        readings: list[Reading],
        primary: int | None,
        why: str = "",
    ) -> Verdict:
        figures = {}
        for _, rid in c.expression or ():
            term = self.claims[rid]
            figures[rid] = txt.stated(term.value, term.unit, "about")
        claimed = self.value(c)
        verdict, reason = overall(c, interval, readings, primary, why, claimed, figures)
        return Verdict(
            c, interval, verdict, reason, tuple(readings), primary, claimed[0]
        )


def _km2_rounding(c: Claim) -> float:
    """Return the rounding of a claim's figure, in km²."""
    km2 = c.value_km2
    if km2 is None or not c.value:
        return 0.0
    return c.precision * km2 / c.value


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


def run(
    claims: Any,
    snapshots: Any,
    settings: Settings,
    base_dir: Any = None,
) -> CheckResult:
    """Run :func:`kurskgeo.claims.check_claims`."""
    if isinstance(claims, (str, os.PathLike)):
        claims = read_claims(claims)
    claims = list(claims)
    if base_dir is not None:
        claims = [_rebase(c, Path(base_dir)) for c in claims]
    checker = _Checker(claims, snapshots, settings)
    records = [checker.check(c) for c in claims]
    findings, dropped = cap(find(claims, settings.tolerance))
    return CheckResult(
        records=records,
        findings=findings,
        notes=checker.notes + dropped,
    )
