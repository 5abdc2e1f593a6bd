"""Recognise the exports of known mapping projects and assign zones.

Each known source has quirks (see ``docs/sources.md``): DeepStateMap's raw API
export holds every layer of the war map in one file, named ``Ukrainian ///
English /// key`` (Ukrainian only in 2022); the occupied-territory archive holds
one pre-dissolved zone, or one per date in its consolidated file; ISW-derived
layers carry a ``layer_type`` and a precomputed ``area_km2``. This module turns
all of them into the snapshot schema's ``zone``, ``source`` and extra columns.

The zone table
--------------
DeepStateMap layer names are matched, case-insensitively, against
:data:`DEEPSTATE_ZONE_RULES` in order; the English part of the name is used
when there is one, else the Ukrainian part. The first rule that matches gives
the zone:

==============================================  ============
layer name (English, or Ukrainian in 2022)      zone
==============================================  ============
``Occupied``, ``CADR and CALR``,                ``occupied``
``Occupied Crimea``
``Liberated``, ``Liberated DD.MM``, ...         ``liberated``
``Snake Island``                                ``liberated``
``Unknown status``                              ``contested``
``Окуповано...``, ``...окуповано``, ``Крим``,   ``occupied``
``ОРДЛО``, ``... зайняті ворогом``
``...звільнено...``                             ``liberated``
``Під питанням``, ``Статус невідомий``          ``contested``
anything else (``Occupied Tuzla Island``,       ``other``
``Transnistria``, ``Occupied Abkhazia.``, ...)
==============================================  ============

Only ``Occupied``, ``CADR and CALR`` and ``Occupied Crimea`` are ``occupied``:
that is exactly the union cyterat/deepstate-map-data archives, so the two
sources agree. A 2022-style Ukrainian-only name that no rule matches takes its
zone from the fill colour (:data:`DEEPSTATE_FALLBACK_FILLS`), and the reader
warns about it. Pass ``zone_rules=`` to :func:`kurskgeo.read_snapshot` to add
rules that are tried first; a last rule ``(".*", "other")`` turns the built-in
table off.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "DEEPSTATE_FALLBACK_FILLS",
    "DEEPSTATE_ZONE_RULES",
    "DROPPED_PROPERTIES",
    "FORMATS",
    "SOURCE_NAMES",
    "ZONES",
    "ZoneRules",
    "deepstate_zone",
    "detect_format",
    "feature_columns",
    "format_of",
    "split_deepstate_name",
    "zone_notes",
    "zone_reader",
]

#: The zones kurskgeo names on its own. Generic files may carry any other name.
ZONES = ("occupied", "liberated", "contested", "other")

#: The formats :func:`detect_format` can return.
FORMATS = ("deepstate-raw", "deepstate-occupied", "isw", "generic")

#: Extra zone rules: a mapping of exact layer names to zones, or a sequence of
#: ``(regular expression, zone)`` pairs.
ZoneRules = Mapping[str, str] | Iterable[tuple[str, str]]

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

#: Who drew the map, per format (the snapshot's ``source`` column).
SOURCE_NAMES: Mapping[str, str] = {
    "deepstate-raw": "DeepStateMap (deepstatemap.live)",
    "deepstate-occupied": "DeepStateMap via cyterat/deepstate-map-data",
    "isw": "ISW via sdspieg/war-datasets-dashboard",
    "generic": "",
}

#: Original properties not copied into the snapshot table, per format, because
#: a column of that name would be mistaken for a measurement (ISW's
#: ``area_km2`` is kept as ``stated_km2``).
DROPPED_PROPERTIES: Mapping[str, tuple[str, ...]] = {"isw": ("area_km2",)}

_OCCUPIED_NAME = re.compile(r"deepstate[-_]?map[-_]data", re.IGNORECASE)


def split_deepstate_name(name: Any) -> tuple[str, str]:
    r"""Split a DeepStateMap layer name into (Ukrainian, English).

    Parameters
    ----------
    name : str or None
        The ``name`` property: ``Ukrainian /// English /// key`` (2024 on) or
        Ukrainian only (2022). Non-breaking spaces and surrounding white
        space (DeepStateMap leaves some) are normalised away.

    Returns
    -------
    (str, str)
        The Ukrainian and English names; the English one is ``""`` when the
        name has no ``///``.

    Examples
    --------
    >>> split_deepstate_name("Звільнено /// Liberated /// geoJSON.status.dismissed")
    ('Звільнено', 'Liberated')
    >>> split_deepstate_name("Окуповано")
    ('Окуповано', '')
    >>> split_deepstate_name("Невідомо /// Unknown status\xa0\n")
    ('Невідомо', 'Unknown status')
    """
    text = str(name or "")
    parts = [" ".join(p.replace("\xa0", " ").split()) for p in text.split("///")]
    ukr = parts[0]
    eng = parts[1] if len(parts) > 1 else ""
    return ukr, eng


def _compile_rules(rules: ZoneRules | None) -> list[tuple[re.Pattern[str], str]]:
    """Validate user rules; a mapping becomes exact, case-insensitive matches."""
    if rules is None:
        return []
    if isinstance(rules, Mapping):
        pairs = [
            (f"^{re.escape(' '.join(str(k).split()))}$", v) for k, v in rules.items()
        ]
    else:
        pairs = []
        for item in rules:
            if not (
                isinstance(item, Sequence)
                and not isinstance(item, str)
                and len(item) == 2
            ):
                raise ValueError(
                    f"zone rule {item!r} is not a (pattern, zone) pair; pass a mapping "
                    "{layer name: zone} or a sequence of (regular expression, zone)"
                )
            pairs.append((str(item[0]), item[1]))
    out = []
    for pattern, zone in pairs:
        if not isinstance(zone, str) or not zone.strip():
            raise ValueError(
                f"zone rule {pattern!r}: the zone must be a non-empty string"
            )
        try:
            out.append((re.compile(pattern, re.IGNORECASE), zone.strip()))
        except re.error as exc:
            raise ValueError(
                f"zone rule {pattern!r} is not a regular expression: {exc}"
            ) from None
    return out


_BUILTIN = _compile_rules(DEEPSTATE_ZONE_RULES)


def _classify(
    name: Any, fill: Any, rules: list[tuple[re.Pattern[str], str]]
) -> tuple[str, str]:
    """Return (zone, basis); basis: ``rule``, ``user``, ``fill`` or ``default``."""
    ukr, eng = split_deepstate_name(name)
    key = eng or ukr
    for pattern, zone in rules:
        if pattern.search(key) or (eng and pattern.search(ukr)):
            return zone, "user"
    for pattern, zone in _BUILTIN:
        if pattern.search(key):
            return zone, "rule"
    if not eng and isinstance(fill, str) and fill.lower() in DEEPSTATE_FALLBACK_FILLS:
        return DEEPSTATE_FALLBACK_FILLS[fill.lower()], "fill"
    return "other", "default"


def deepstate_zone(
    name: Any, fill: Any = None, *, rules: ZoneRules | None = None
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
        layer names (English or Ukrainian part) to zones; a sequence holds
        ``(regular expression, zone)`` pairs searched in the English and the
        Ukrainian part. Both are case-insensitive.

    Returns
    -------
    str
        ``occupied``, ``liberated``, ``contested``, ``other``, or a zone named
        by `rules`.

    Raises
    ------
    ValueError
        If a rule is not a (pattern, zone) pair or its pattern does not compile.

    Examples
    --------
    >>> deepstate_zone("Звільнено /// Liberated 25.03 /// x")
    'liberated'
    >>> deepstate_zone("Окупована Тузла /// Occupied Tuzla Island /// x")
    'other'
    >>> deepstate_zone("Придністров'я", "#880e4f")
    'other'
    >>> deepstate_zone("Багатокутник 11", "#a52714")
    'occupied'
    >>> deepstate_zone("x /// Transnistria /// y", rules={"transnistria": "occupied"})
    'occupied'
    """
    return _classify(name, fill, _compile_rules(rules))[0]


def detect_format(doc: Mapping[str, Any], path: Path) -> str:
    """Name the export a decoded GeoJSON document comes from.

    Parameters
    ----------
    doc : mapping
        The decoded GeoJSON (after unwrapping a DeepStateMap API record).
    path : pathlib.Path
        Where it was read from; the occupied-territory archive is recognised
        by its file name (``deepstatemap_data_YYYYMMDD.geojson`` or
        ``deepstate-map-data.geojson.gz``) or its ``name`` member.

    Returns
    -------
    str
        One of :data:`FORMATS`: ``"deepstate-raw"`` (KML-style ``styleUrl``
        properties or ``///`` names), ``"isw"`` (a ``layer_type`` property),
        ``"deepstate-occupied"`` or ``"generic"``.

    Examples
    --------
    >>> from pathlib import Path
    >>> detect_format({"type": "FeatureCollection", "features": []},
    ...               Path("deepstatemap_data_20250306.geojson"))
    'deepstate-occupied'
    >>> layer = {"properties": {"layer_type": "kursk_russian_advances"}}
    >>> detect_format({"features": [layer]}, Path("x.json"))
    'isw'
    """
    features = doc.get("features") if isinstance(doc, Mapping) else None
    if not isinstance(features, list):
        features = []
    props = [f.get("properties") or {} for f in features[:200] if isinstance(f, dict)]
    name = doc.get("name") if isinstance(doc, Mapping) else None
    return format_of(props, name, path)


def format_of(properties: Iterable[Any], name: Any, path: Path) -> str:
    """:func:`detect_format` from the features' properties and the document's name.

    Only the first 200 properties are looked at.
    """
    props = [p for p in itertools.islice(properties, 200) if isinstance(p, Mapping)]
    if any("styleUrl" in p or "///" in str(p.get("name", "")) for p in props):
        return "deepstate-raw"
    if any(p.get("layer_type") is not None for p in props):
        return "isw"
    if _OCCUPIED_NAME.search(str(name or "")) or _OCCUPIED_NAME.search(path.name):
        return "deepstate-occupied"
    return "generic"


def feature_columns(
    fmt: str, props: Mapping[str, Any], *, zone_rules: ZoneRules | None = None
) -> dict[str, Any]:
    """Return the schema columns (``zone`` and extras) one feature contributes.

    Parameters
    ----------
    fmt : str
        The format, from :func:`detect_format`.
    props : mapping
        The feature's properties.
    zone_rules : mapping or sequence of (pattern, zone), optional
        Extra DeepStateMap rules, see :func:`deepstate_zone`.

    Returns
    -------
    dict
        ``zone`` plus, for DeepStateMap, ``name_uk``, ``name_en`` and ``fill``;
        for ISW, ``stated_km2`` (the file's ``area_km2``, a claim and not a
        measurement).

    Examples
    --------
    >>> props = {"layer_type": "kursk_russian_advances", "area_km2": 1.5}
    >>> feature_columns("isw", props)
    {'zone': 'kursk_russian_advances', 'stated_km2': 1.5}
    >>> feature_columns("generic", {"status": " ukrainian-held "})
    {'zone': 'ukrainian-held'}
    """
    if fmt == "deepstate-raw":
        ukr, eng = split_deepstate_name(props.get("name"))
        return {
            "zone": deepstate_zone(
                props.get("name"), props.get("fill"), rules=zone_rules
            ),
            "name_uk": ukr,
            "name_en": eng,
            "fill": props.get("fill"),
        }
    if fmt == "deepstate-occupied":
        return {"zone": _text(props.get("zone")) or "occupied"}
    if fmt == "isw":
        out: dict[str, Any] = {"zone": _text(props.get("layer_type"))}
        if "area_km2" in props:
            out["stated_km2"] = props["area_km2"]
        return out
    for key in ("zone", "status", "layer"):
        value = _text(props.get(key))
        if value:
            return {"zone": value}
    return {"zone": None}


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def zone_reader(
    fmt: str, *, zone_rules: ZoneRules | None = None
) -> Callable[[Mapping[str, Any]], str | None]:
    """Return a function giving the zone of a feature from its properties.

    It gives the ``zone`` of :func:`feature_columns`, made cheap for
    files of thousands of features: a DeepStateMap layer's zone is worked out
    once per (name, fill) pair. The reader calls it before it parses any
    coordinates, to leave out the features of other zones.

    Examples
    --------
    >>> zone = zone_reader("deepstate-raw")
    >>> zone({"name": "Звільнено /// Liberated /// x", "fill": "#01579b"})
    'liberated'
    """
    if fmt == "deepstate-raw":
        rules = _compile_rules(zone_rules)
        seen: dict[tuple[Any, Any], str] = {}

        def deepstate(props: Mapping[str, Any]) -> str | None:
            key = (props.get("name"), props.get("fill"))
            try:
                return seen[key]
            except KeyError:
                zone = seen[key] = _classify(key[0], key[1], rules)[0]
                return zone
            except TypeError:  # a name that is not hashable (a list, say)
                return _classify(key[0], key[1], rules)[0]

        return deepstate
    if fmt == "deepstate-occupied":
        return lambda props: _text(props.get("zone")) or "occupied"
    if fmt == "isw":
        return lambda props: _text(props.get("layer_type"))

    def generic(props: Mapping[str, Any]) -> str | None:
        for key in ("zone", "status", "layer"):
            value = _text(props.get(key))
            if value:
                return value
        return None

    return generic


def zone_notes(
    fmt: str,
    properties: Iterable[Mapping[str, Any]],
    *,
    zone_rules: ZoneRules | None = None,
) -> list[str]:
    """Say which zones were assumed rather than read, for the reader to warn.

    For a DeepStateMap export with Ukrainian-only names (2022), lists the
    layers whose zone no name rule gave, so the fill colour decided.

    Parameters
    ----------
    fmt : str
        The format, from :func:`detect_format`.
    properties : iterable of mappings
        The properties of the polygonal features kept.
    zone_rules : mapping or sequence of (pattern, zone), optional
        The extra rules in use.

    Returns
    -------
    list of str
        Messages (without the file name); empty when nothing was assumed.

    Examples
    --------
    >>> layers = [{"name": "Окуповано", "fill": "#a52714"},
    ...           {"name": "24.03", "fill": "#0288d1"}]
    >>> print(zone_notes("deepstate-raw", layers)[0])  # doctest: +ELLIPSIS
    2 polygon(s) have Ukrainian-only layer names ... '24.03' (#0288d1 -> liberated)...
    """
    if fmt != "deepstate-raw":
        return []
    rules = _compile_rules(zone_rules)
    ukrainian_only = 0
    by_fill: dict[str, str] = {}
    for props in properties:
        name = props.get("name")
        if isinstance(name, str) and "///" in name:
            continue  # an English name: read by the rules, nothing assumed
        ukr, eng = split_deepstate_name(name)
        if eng:
            continue
        ukrainian_only += 1
        zone, basis = _classify(props.get("name"), props.get("fill"), rules)
        if basis == "fill":
            by_fill[ukr] = f"{props.get('fill')} -> {zone}"
    if not ukrainian_only:
        return []
    msg = (
        f"{ukrainian_only} polygon(s) have Ukrainian-only layer names (a 2022-style "
        "export); zones were read from the Ukrainian names"
    )
    if by_fill:
        shown = "; ".join(f"{name!r} ({how})" for name, how in sorted(by_fill.items()))
        msg += (
            f", and for {len(by_fill)} name(s) no rule matched, so the fill colour "
            f"decided: {shown}"
        )
    msg += ". Check the zones, or pass zone_rules= to read_snapshot"
    return [msg]
