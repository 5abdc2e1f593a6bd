"""Recognise the exports of known mapping projects and assign zones.

Each known source has quirks (see ``DESIGN.md``): DeepStateMap's raw API export
holds every layer of the war map in one file, named ``Ukrainian /// English ///
key``; the occupied-territory archive holds one pre-dissolved zone; ISW-derived
layers carry a ``layer_type`` and a precomputed ``area_km2``. This module turns
all of them into the snapshot schema's ``zone``, ``source`` and extra columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "DEEPSTATE_FALLBACK_FILLS",
    "DEEPSTATE_ZONE_RULES",
    "ZONES",
    "deepstate_zone",
    "detect_format",
    "split_deepstate_name",
]

#: The zones kurskgeo names on its own. Generic files may carry any other name.
ZONES = ("occupied", "liberated", "contested", "other")

#: Ordered (regular expression, zone) rules for DeepStateMap layer names. The
#: English part of ``name`` is matched when there is one, else the Ukrainian.
#: Only ``Occupied``, ``CADR and CALR`` and ``Occupied Crimea`` are occupied
#: Ukraine; the same union is what the occupied-territory archive holds.
DEEPSTATE_ZONE_RULES: tuple[tuple[str, str], ...] = (
    (r"^(occupied|cadr and calr|occupied crimea)$", "occupied"),
    (r"^liberated\b", "liberated"),
    (r"^snake island$", "liberated"),
    (r"^unknown status$", "contested"),
    # 2022 exports: Ukrainian names only
    (r"^окупован", "occupied"),
    (r"окуповано$", "occupied"),
    (r"^(крим|ордло)$", "occupied"),
    (r"зайняті ворогом", "occupied"),
    (r"звільнено", "liberated"),
    (r"^(під питанням|статус невідомий)$", "contested"),
)

#: When no rule matches a 2022-style Ukrainian-only name, the fill colour
#: decides (DeepStateMap used red for occupied and blue for liberated then).
DEEPSTATE_FALLBACK_FILLS: Mapping[str, str] = {
    "#a52714": "occupied",
    "#0288d1": "liberated",
    "#bcaaa4": "contested",
}

_FILENAME_NAME = re.compile(r"deepstatemap_data", re.IGNORECASE)


def split_deepstate_name(name: Any) -> tuple[str, str]:
    """Split a DeepStateMap layer name into (Ukrainian, English).

    Examples
    --------
    >>> split_deepstate_name("Звільнено /// Liberated /// geoJSON.status.dismissed")
    ('Звільнено', 'Liberated')
    >>> split_deepstate_name("Окуповано")
    ('Окуповано', '')
    """
    text = str(name or "")
    parts = [p.replace("\xa0", " ").strip() for p in text.split("///")]
    ukr = parts[0]
    eng = parts[1] if len(parts) > 1 else ""
    return ukr, eng


def deepstate_zone(
    name: Any,
    fill: Any = None,
    *,
    rules: Iterable[tuple[str, str]] | Mapping[str, str] | None = None,
) -> str:
    """Map a DeepStateMap layer to a zone.

    Parameters
    ----------
    name : str
        The feature's ``name`` property.
    fill : str, optional
        Its ``fill`` colour, used for 2022 names that no rule matches.
    rules : mapping or sequence of (pattern, zone), optional
        Rules tried before :data:`DEEPSTATE_ZONE_RULES`. A mapping maps exact
        (English or Ukrainian) layer names to zones, case-insensitively.

    Examples
    --------
    >>> deepstate_zone("Звільнено /// Liberated 25.03 /// x")
    'liberated'
    >>> deepstate_zone("Придністров'я", "#880e4f")
    'other'
    >>> deepstate_zone("Transnistria", rules={"transnistria": "occupied"})
    'occupied'
    """
    ukr, eng = split_deepstate_name(name)
    key = (eng or ukr).lower()
    extra: list[tuple[str, str]] = []
    if isinstance(rules, Mapping):
        extra = [(f"^{re.escape(str(k).lower())}$", str(v)) for k, v in rules.items()]
    elif rules is not None:
        extra = list(rules)
    for pattern, zone in [*extra, *DEEPSTATE_ZONE_RULES]:
        if re.search(pattern, key):
            return zone
    if not eng and isinstance(fill, str):
        return DEEPSTATE_FALLBACK_FILLS.get(fill.lower(), "other")
    return "other"


def detect_format(doc: Mapping[str, Any], path: Path) -> str:
    """Name the export a decoded GeoJSON document comes from.

    Returns one of ``"deepstate-raw"``, ``"deepstate-occupied"``, ``"isw"`` and
    ``"generic"``.
    """
    features = doc.get("features") if isinstance(doc, Mapping) else None
    if not isinstance(features, list):
        return "generic"
    props = [f.get("properties") or {} for f in features[:50] if isinstance(f, dict)]
    props = [p for p in props if isinstance(p, dict)]
    if any("styleUrl" in p or "///" in str(p.get("name", "")) for p in props):
        return "deepstate-raw"
    if any(p.get("layer_type") is not None for p in props):
        return "isw"
    if _FILENAME_NAME.search(str(doc.get("name", ""))) or _FILENAME_NAME.search(path.name):
        return "deepstate-occupied"
    return "generic"


SOURCE_NAMES = {
    "deepstate-raw": "DeepStateMap (deepstatemap.live)",
    "deepstate-occupied": "DeepStateMap via cyterat/deepstate-map-data",
    "isw": "ISW via sdspieg/war-datasets-dashboard",
    "generic": "",
}


def feature_columns(
    fmt: str,
    props: Mapping[str, Any],
    *,
    zone_rules: Iterable[tuple[str, str]] | Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Return the schema columns (``zone`` and extras) one feature contributes."""
    if fmt == "deepstate-raw":
        ukr, eng = split_deepstate_name(props.get("name"))
        return {
            "zone": deepstate_zone(props.get("name"), props.get("fill"), rules=zone_rules),
            "name_uk": ukr,
            "name_en": eng,
            "fill": props.get("fill"),
        }
    if fmt == "deepstate-occupied":
        return {"zone": str(props.get("zone") or "occupied")}
    if fmt == "isw":
        out: dict[str, Any] = {"zone": str(props.get("layer_type"))}
        if "area_km2" in props:
            out["stated_km2"] = props["area_km2"]
        return out
    for key in ("zone", "status", "layer"):
        value = props.get(key)
        if isinstance(value, str) and value.strip():
            return {"zone": value.strip()}
    return {"zone": None}
