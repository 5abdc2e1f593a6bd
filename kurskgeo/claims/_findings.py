"""Findings that need no geometry: unit mismatches, shares, contradictions.

Private to :mod:`kurskgeo.claims` (see :func:`kurskgeo.claims.claim_findings`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from kurskgeo.claims import _parse as _p
from kurskgeo.claims.records import Claim, Finding, judge, stated_interval

#: A statement's two figures (value and ``also``) may differ by this much.
UNIT_RTOL = 0.01
_KM_PER_MI = 1.609344
_UNIT_WORDS = {"km2": "km²", "mi2": "square miles", "ha": "hectares"}


def find(claims: Sequence[Claim], tolerance: float) -> list[Finding]:
    """Compute the findings of :func:`kurskgeo.claims.claim_findings`."""
    by_id = {c.id: c for c in claims}
    stated = stated_km2(by_id)
    out: list[Finding] = []

    for c in claims:
        if c.also_value is None or c.also_unit is None:
            continue
        a = c.value_km2 if c.unit != "percent" else c.value
        b = c.also_km2 if c.also_unit != "percent" else c.also_value
        if (
            a is None
            or b is None
            or (c.unit == "percent") != (c.also_unit == "percent")
        ):
            out.append(
                Finding(
                    "unit_mismatch",
                    (c.id,),
                    f"{c.id}: {_fmt(c.value, c.unit)} and "
                    f"{_fmt(c.also_value, c.also_unit)} are not the same kind of "
                    "quantity",
                )
            )
            continue
        rel = abs(a - b) / a
        if rel <= UNIT_RTOL:
            continue
        msg = (
            f"{c.id} ({c.source or 'unknown source'}, {c.date}): "
            f"{_fmt(c.value, c.unit)} and "
            f"{_fmt(c.also_value, c.also_unit)} disagree by {rel:.0%}"
        )
        if c.unit != "percent":
            # the stated value in each area unit: is the printed figure any of them?
            each = {
                u: a / factor for u, factor in _p.UNIT_KM2.items() if factor is not None
            }
            in_units = [
                u
                for u, v in each.items()
                if abs(v - c.also_value) <= UNIT_RTOL * v and u != c.also_unit
            ]
            if c.also_unit == c.unit:
                every = " = ".join(
                    _fmt(each[u], u)
                    for u in (c.unit, *(u for u in _UNIT_WORDS if u != c.unit))
                )
                msg += (
                    f": the conversion is printed in the same unit, and "
                    f"{_fmt(c.also_value, c.also_unit)} is not "
                    f"{_fmt(c.value, c.unit)} in any unit ({every})"
                    if not in_units
                    else ": the conversion is printed in the same unit"
                )
            else:
                same = f" = {_fmt(a, 'km2')}" if c.unit != "km2" else ""
                msg += (
                    f": {_fmt(c.value, c.unit)}{same} = "
                    f"{_fmt(a / _p.KM2_PER_MI2, 'mi2')}, "
                    f"while {_fmt(c.also_value, c.also_unit)} = {_fmt(b, 'km2')}"
                )
            if in_units:
                msg += (
                    f"; {c.also_value:g} is {_fmt(c.value, c.unit)} in "
                    f"{_UNIT_WORDS[in_units[0]]}: the unit of the conversion is "
                    "misprinted"
                )
            for ratio, how in ((_KM_PER_MI, "divided"), (1 / _KM_PER_MI, "multiplied")):
                if abs(c.value / ratio - c.also_value) <= UNIT_RTOL * c.also_value:
                    msg += (
                        f"; {c.value:g} {how} by {_KM_PER_MI} (km per mile) gives "
                        f"{c.also_value:g}: a length conversion applied to an area?"
                    )
                    break
        out.append(Finding("unit_mismatch", (c.id,), msg))

    # a share of two stated figures: one finding per pair of figures, naming
    # every share claim that rests on them
    shares: dict[tuple[str, str], list[Claim]] = {}
    for c in claims:
        if c.kind == "share" and c.part in by_id and c.of in by_id:
            shares.setdefault((c.part, c.of), []).append(c)
    for (part_id, of_id), group in shares.items():
        part, of = stated.get(part_id, math.nan), stated.get(of_id, math.nan)
        if not (math.isfinite(part) and math.isfinite(of)) or of <= 0:
            continue
        ratio = 100 * part / of
        fits = []
        for c in group:
            interval = _interval(c, c.value, tolerance)
            fits.append((c, judge(interval, ratio, ratio)))
        ok = all(v == "consistent" for _, v in fits)
        said = _listed(
            [
                f"{c.id} ({_said(c)}): {'fits' if v == 'consistent' else v}"
                for c, v in fits
            ],
            "; ",
        )
        out.append(
            Finding(
                "share",
                (*(c.id for c in group), part_id, of_id),
                f"the stated figures {_fmt(part)} ({part_id}) / {_fmt(of)} ({of_id}) "
                f"= {ratio:.1f}%: {said}",
                consistent=ok,
            )
        )

    for c in claims:
        if c.kind != "derived" or c.expression is None:
            continue
        computed = stated.get(c.id, math.nan)
        given = _stated_value_of_derived(c)
        if (
            given is not None
            and math.isfinite(computed)
            and abs(given - computed) > UNIT_RTOL * abs(computed)
        ):
            out.append(
                Finding(
                    "derived",
                    (c.id,),
                    f"{c.id}: the stated {_fmt(given)} is not "
                    f"{expression_text(c)} = {_fmt(computed)}",
                )
            )

    # claims on the same quantity: one finding per group, agreeing or not
    groups: dict[tuple[Any, ...], list[Claim]] = {}
    for c in claims:
        groups.setdefault(_quantity_key(c), []).append(c)
    for group in groups.values():
        if len(group) > 1:
            finding = _compare(group, stated, tolerance)
            if finding is not None:
                out.append(finding)
    # and the pairs a claims file names with compare_with: a finding per pair;
    # a claim compared with more than MAX_NAMED others gets one finding for
    # those it agrees with and one for those it contradicts (n claims each
    # naming all the others give 2n findings, not n² / 2)
    keys = {c.id: _quantity_key(c) for c in claims}
    seen: set[tuple[str, str]] = set()
    partners: dict[str, list[Claim]] = {}
    for c in claims:
        for rid in dict.fromkeys(c.compare_with):
            key = (c.id, rid) if c.id < rid else (rid, c.id)
            if key in seen or c.id == rid or keys[c.id] == keys[rid]:
                continue
            seen.add(key)
            partners.setdefault(c.id, []).append(by_id[rid])
    memo: dict[str, Any] = {}
    for cid, others in partners.items():
        if len(others) > MAX_NAMED:
            out.extend(_compare_many(by_id[cid], others, stated, tolerance, memo))
            continue
        for other in others:
            finding = _compare([by_id[cid], other], stated, tolerance)
            if finding is not None:
                out.append(finding)
    return out


def _fmt(value: float, unit: str = "km2") -> str:
    if unit == "percent":
        return f"{value:,.1f}%"
    sym = {"km2": "km²", "mi2": "sq mi", "ha": "ha"}[unit]
    return f"{value:,.{0 if value >= 100 else 1}f} {sym}"


def _said(c: Claim, value: float | None = None, unit: str | None = None) -> str:
    words = _p.QUALIFIER_WORDS[c.qualifier]
    v = c.value if value is None else value
    return words + _fmt(v, unit or c.unit)


def stated_km2(claims: Mapping[str, Claim]) -> dict[str, float]:
    """Each km² claim's stated value; derived ones computed from their expression."""
    out: dict[str, float] = {}

    def value(cid: str) -> float:
        if cid in out:
            return out[cid]
        c = claims[cid]
        if c.kind == "derived" and c.expression:
            v = sum(sign * value(rid) for sign, rid in c.expression)
        else:
            v = c.value_km2 if c.value_km2 is not None else math.nan
        out[cid] = v
        return v

    for cid, c in claims.items():
        if c.kind != "share":
            value(cid)
    return out


def _quantity_key(c: Claim) -> tuple[Any, ...]:
    if c.kind == "share":
        return ("share", c.part, c.of)
    kind = c.measure if c.kind == "derived" else c.kind
    zone = frozenset(c.zone) if c.zone else None
    since = c.since if kind in ("lost", "gained", "peak") else None
    return (
        kind,
        zone,
        c.region,
        c.moment,
        since,
        c.start if since == "peak" or kind == "peak" else None,
    )


def _stated_value_of_derived(c: Claim) -> float | None:
    return c.value_km2 if not math.isnan(c.value) else None


def expression_text(c: Claim) -> str:
    assert c.expression is not None
    text = " ".join(("- " if s < 0 else "+ ") + rid for s, rid in c.expression)
    return text[2:] if text.startswith("+ ") else text


def _interval(c: Claim, value: float, tolerance: float) -> tuple[float, float]:
    if c.kind == "share" or c.unit == "km2":
        rounding = c.precision
    elif c.kind == "derived" and not math.isfinite(c.value):
        rounding = 0.0
    else:  # another unit: its rounding in km²
        rounding = c.precision * (c.value_km2 or 0.0) / c.value
    return stated_interval(value, c.qualifier, precision=rounding, tolerance=tolerance)


def _compare(
    group: Sequence[Claim], stated: Mapping[str, float], tolerance: float
) -> Finding | None:
    """One finding for claims on one quantity: all their intervals meet, or not."""
    if len({c.kind == "share" for c in group}) > 1:
        return None
    unit = "percent" if group[0].kind == "share" else "km2"
    values = [
        c.value if unit == "percent" else stated.get(c.id, math.nan) for c in group
    ]
    if not all(math.isfinite(v) for v in values):
        return None
    intervals = [_interval(c, v, tolerance) for c, v in zip(group, values, strict=True)]
    lo = max(i[0] for i in intervals)
    hi = min(i[1] for i in intervals)

    def desc(c: Claim, v: float) -> str:
        what = _said(c, v, unit)
        if c.kind == "derived":
            what += f" ({expression_text(c)})"
        return f"{c.id} ({c.source or 'unknown source'}, {c.moment}: {what})"

    names = _listed([desc(c, v) for c, v in zip(group, values, strict=True)], " and ")
    ids = tuple(c.id for c in group)
    if lo <= hi:
        upper = "∞" if math.isinf(hi) else _fmt(hi, unit)
        return Finding(
            "agreement",
            ids,
            f"{names} agree: all allow {_fmt(lo, unit)} to {upper} "
            f"(tolerance {tolerance:.0%})",
            consistent=True,
        )
    ranges = _listed(
        [
            f"{c.id} allows {_range(i[0], i[1], unit)}"
            for c, i in zip(group, intervals, strict=True)
        ],
        "; ",
    )
    return Finding(
        "contradiction",
        ids,
        f"{names} cannot all be true: {ranges} (tolerance {tolerance:.0%})",
    )


def _stated(
    c: Claim, unit: str, stated: Mapping[str, float], tolerance: float
) -> tuple[float, tuple[float, float], str] | None:
    """Return a claim's stated value, the interval it allows and how it reads."""
    v = c.value if unit == "percent" else stated.get(c.id, math.nan)
    if not math.isfinite(v):
        return None
    what = _said(c, v, unit)
    if c.kind == "derived":
        what += f" ({expression_text(c)})"
    desc = f"{c.id} ({c.source or 'unknown source'}, {c.moment}: {what})"
    return v, _interval(c, v, tolerance), desc


def _compare_many(
    c: Claim,
    others: Sequence[Claim],
    stated: Mapping[str, float],
    tolerance: float,
    memo: dict[str, Any],
) -> list[Finding]:
    """Compare one claim with many: a finding for those it agrees with, one not."""
    unit = "percent" if c.kind == "share" else "km2"

    def of(x: Claim) -> tuple[float, tuple[float, float], str] | None:
        if x.id not in memo:
            memo[x.id] = _stated(x, unit, stated, tolerance)
        found: tuple[float, tuple[float, float], str] | None = memo[x.id]
        return found

    mine = of(c)
    if mine is None:
        return []
    _, (lo, hi), desc = mine
    agree: list[tuple[Claim, tuple[float, float], str]] = []
    clash: list[tuple[Claim, tuple[float, float], str]] = []
    for o in others:
        if (o.kind == "share") != (c.kind == "share"):
            continue
        theirs = of(o)
        if theirs is None:
            continue
        _, (olo, ohi), odesc = theirs
        (agree if max(lo, olo) <= min(hi, ohi) else clash).append(
            (o, (olo, ohi), odesc)
        )
    out = []
    tol = f"(tolerance {tolerance:.0%})"
    if clash:
        ranges = _listed(
            [f"{o.id} allows {_range(i[0], i[1], unit)}" for o, i, _ in clash], "; "
        )
        out.append(
            Finding(
                "contradiction",
                (c.id, *(o.id for o, _, _ in clash)),
                f"{desc} cannot be true with any of "
                f"{_listed([d for *_, d in clash], ', ')}: {c.id} allows "
                f"{_range(lo, hi, unit)}; {ranges} {tol}",
            )
        )
    if agree:
        out.append(
            Finding(
                "agreement",
                (c.id, *(o.id for o, _, _ in agree)),
                f"{desc} agrees with each of {_listed([d for *_, d in agree], ', ')} "
                f"{tol}",
                consistent=True,
            )
        )
    return out


#: A finding's message names at most this many claims (its ``claims`` has all).
MAX_NAMED = 12


def _listed(items: Sequence[str], sep: str) -> str:
    """Join `items`, naming at most MAX_NAMED and counting the rest."""
    if len(items) <= MAX_NAMED:
        return sep.join(items)
    shown = sep.join(items[: MAX_NAMED - 2])
    return f"{shown}{sep}... and {len(items) - MAX_NAMED + 2:,} more claims"


def cap(findings: list[Finding]) -> tuple[list[Finding], list[str]]:
    """Keep at most ``KURSKGEO_MAX_FINDINGS`` findings, problems first; say so.

    Returns the findings kept (in their order) and the notes to add.
    """
    from kurskgeo import limits

    most = limits.get("findings")
    if len(findings) <= most:
        return findings, []
    order = sorted(range(len(findings)), key=lambda i: findings[i].consistent)
    kept = sorted(order[:most])
    chosen = set(kept)
    left = [f for i, f in enumerate(findings) if i not in chosen]
    problems = sum(1 for f in left if not f.consistent)
    note = (
        f"{len(left):,} more findings are not listed ({problems:,} of them "
        "problems): "
        + limits.exceeded("findings", f"there are {len(findings):,}").replace(
            "if you trust the file, raise", "raise"
        )
    )
    return [findings[i] for i in kept], [note]


def _range(lo: float, hi: float, unit: str) -> str:
    if math.isinf(hi):
        return f"{_fmt(lo, unit)} or more"
    if lo <= 0:
        return f"up to {_fmt(hi, unit)}"
    return f"{_fmt(lo, unit)} to {_fmt(hi, unit)}"
