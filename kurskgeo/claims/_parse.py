"""Parsing of claims files (YAML with line numbers, or CSV) into claim fields.

Private to :mod:`kurskgeo.claims`: this module turns the text of a claims file
into plain keyword dictionaries, checks every field, and raises
:class:`~kurskgeo.errors.ClaimsFileError` naming the claim id, the file and
the line. :mod:`kurskgeo.claims` builds the :class:`~kurskgeo.claims.Claim`
records from them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from kurskgeo.area import KM2_PER_HA, KM2_PER_MI2
from kurskgeo.errors import ClaimsFileError
from kurskgeo.io import parse_date

#: Canonical units and the km² in one of them (None: not an area).
UNIT_KM2: Mapping[str, float | None] = {
    "km2": 1.0,
    "mi2": KM2_PER_MI2,
    "ha": KM2_PER_HA,
    "percent": None,
}

_UNIT_ALIASES: Mapping[str, str] = {
    **dict.fromkeys(
        (
            "km2",
            "km²",
            "km^2",
            "sq km",
            "sqkm",
            "sq. km",
            "square km",
            "square kilometer",
            "square kilometers",
            "square kilometre",
            "square kilometres",
            "kilometers²",
            "kilometres²",
        ),
        "km2",
    ),
    **dict.fromkeys(
        (
            "mi2",
            "mi²",
            "mi^2",
            "sq mi",
            "sqmi",
            "sq. mi",
            "sq mile",
            "sq miles",
            "sq. miles",
            "square mi",
            "square mile",
            "square miles",
        ),
        "mi2",
    ),
    **dict.fromkeys(("ha", "hectare", "hectares"), "ha"),
    **dict.fromkeys(("percent", "per cent", "%", "pct"), "percent"),
}

#: Qualifiers and the words accepted for them.
QUALIFIERS = (
    "exact",
    "about",
    "nearly",
    "more_than",
    "at_least",
    "less_than",
    "at_most",
)
#: How each qualifier reads before a figure in a sentence.
QUALIFIER_WORDS: Mapping[str, str] = {
    "exact": "exactly ",
    "about": "about ",
    "nearly": "nearly ",
    "more_than": "more than ",
    "at_least": "at least ",
    "less_than": "less than ",
    "at_most": "at most ",
}
_QUALIFIER_ALIASES: Mapping[str, str] = {
    **{q: q for q in QUALIFIERS},
    "exactly": "exact",
    "around": "about",
    "approximately": "about",
    "roughly": "about",
    "some": "about",
    "almost": "nearly",
    "over": "more_than",
    "above": "more_than",
    "more": "more_than",
    "greater_than": "more_than",
    "under": "less_than",
    "below": "less_than",
    "fewer_than": "less_than",
    "up_to": "at_most",
    "no_more_than": "at_most",
    "no_less_than": "at_least",
    "minimum": "at_least",
    "maximum": "at_most",
}

#: What a claim states.
KINDS = ("area", "lost", "gained", "peak", "share", "derived")
#: Kinds a claim (or a derived claim's ``measure``) can be measured as.
MEASURES = ("area", "lost", "gained", "peak")
#: What a share's ``part`` or ``of`` may name instead of a claim: a quantity
#: measured on the maps (kind, since), for a share the text gives no figure of
#: ("64% of that territory has been retaken").
MEASURED: dict[str, tuple[str, str | None]] = {
    "ground held": ("area", None),
    "ground lost since the peak": ("lost", "peak"),
    "ground at the peak": ("peak", None),
}
#: What a share's ``of`` may name for the whole region it is checked in
#: ("4% of the Kursk region"): its area.
REGION = "the region"

FIELDS = (
    "id",
    "date",
    "source",
    "statement",
    "value",
    "unit",
    "qualifier",
    "also",
    "kind",
    "zone",
    "region",
    "snapshots",
    "as_of",
    "since",
    "start",
    "part",
    "of",
    "expression",
    "measure",
    "compare_with",
    "alternatives",
    "max_age_days",
    "reference",
    "url",
    "notes",
)

#: Fields that hold a list or a mapping; every other field holds one value.
NESTED_FIELDS = frozenset(
    {"also", "zone", "snapshots", "compare_with", "alternatives", "notes"}
)

_LEADING_QUALIFIER = re.compile(
    r"^\s*(more than|over|above|at least|less than|under|below|at most|up to|about|"
    r"around|approximately|roughly|nearly|almost|exactly|some)\s+(?=[\d.+-])",
    re.IGNORECASE,
)
_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:-]*$")
_NUMBER = re.compile(
    r"^\s*(?P<num>[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+)\s*(?P<unit>.*?)\s*$"
)
_TERM = re.compile(
    r"\s*([+\-−–])?\s*([A-Za-z0-9_][A-Za-z0-9_.:]*(?:-[A-Za-z0-9_.:]+)*)\s*"
)


class _Where:
    """Where a claim sits: its file, its line and the lines of its keys."""

    def __init__(
        self, path: str, line: int | None, key_lines: Mapping[str, int] | None = None
    ):
        self.path = path
        self.line = line
        self.key_lines = dict(key_lines or {})

    def at(self, key: str | None = None) -> str:
        line = self.key_lines.get(key, self.line) if key else self.line
        return f"{self.path}:{line}" if line else self.path


def _fail(
    where: _Where, claim_id: Any, key: str | None, message: str
) -> ClaimsFileError:
    who = f"claim {claim_id!r}" if claim_id not in (None, "") else "a claim"
    field = f" ({key})" if key else ""
    return ClaimsFileError(f"{where.at(key)}: {who}{field}: {message}")


# ---------------------------------------------------------------- units


def normalise_unit(text: Any) -> str:
    """Return the canonical unit (``km2``, ``mi2``, ``ha``, ``percent``) of `text`.

    Raises
    ------
    ValueError
        If the unit is not known; the message lists the accepted forms.

    Examples
    --------
    >>> normalise_unit("square kilometres"), normalise_unit("sq mi")
    ('km2', 'mi2')
    >>> normalise_unit("%")
    'percent'
    """
    key = re.sub(r"\s+", " ", str(text).strip().lower()).replace("\u00a0", " ")
    key = key.rstrip(".") if key.endswith(".") and key not in _UNIT_ALIASES else key
    if key in _UNIT_ALIASES:
        return _UNIT_ALIASES[key]
    raise ValueError(
        f"unknown unit {text!r}; use km2 (km², sq km, square kilometers), mi2 (sq mi, "
        "square miles), ha (hectares) or percent (%)"
    )


def parse_quantity(value: Any, unit: Any = None) -> tuple[float, str | None]:
    """Parse a value such as ``1268``, ``"1,268"`` or ``"490 sq mi"`` and its unit.

    A unit written after the number wins over a missing `unit`; if both are
    given they must agree.

    Returns
    -------
    (float, str or None)
        The number and the canonical unit (None if neither gave one).

    Raises
    ------
    ValueError
        If the number or the unit cannot be read, or they disagree.

    Examples
    --------
    >>> parse_quantity("1,268 square kilometers")
    (1268.0, 'km2')
    >>> parse_quantity(309, "sq mi")
    (309.0, 'mi2')
    """
    inline: str | None = None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        m = _NUMBER.match(value.replace("\u00a0", " ").replace("\u202f", " "))
        if not m:
            raise ValueError(f"{value!r} is not a number (write 1268, 1,268 or 1268.5)")
        number = float(m.group("num").replace(",", ""))
        if m.group("unit"):
            inline = normalise_unit(m.group("unit"))
    else:
        raise ValueError(f"{value!r} is not a number")
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    stated = normalise_unit(unit) if unit not in (None, "") else None
    if inline and stated and inline != stated:
        raise ValueError(f"the value says {inline} but the unit says {stated}")
    return number, inline or stated


def rounding_of(value: Any) -> float:
    """Half the unit of the last digit of a figure as written (its rounding).

    Zeros that end a whole number are taken as rounding: "500" is 500 ± 50,
    "801" is 801 ± 0.5, "63.2" is 63.2 ± 0.05.

    Examples
    --------
    >>> rounding_of("1,268 km²"), rounding_of(500), rounding_of(63.2)
    (0.5, 50.0, 0.05)
    """
    if isinstance(value, Written):
        text = value.text.replace("_", "").lstrip("+-")
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(abs(value))
    elif isinstance(value, float):
        text = repr(abs(value))
    else:
        m = _NUMBER.match(str(value).replace("\u00a0", " ").replace("\u202f", " "))
        if not m:
            return 0.0
        text = m.group("num").lstrip("+-").replace(",", "")
    if "e" in text.lower():
        return 0.0
    whole, _, decimals = text.partition(".")
    if decimals:
        return 0.5 * 10.0 ** -len(decimals)
    digits = whole.lstrip("0")
    zeros = len(digits) - len(digits.rstrip("0")) if digits else 0
    return 0.5 * 10.0**zeros


def to_km2(value: float, unit: str) -> float | None:
    """Convert `value` in canonical `unit` to km² (None for percent).

    Examples
    --------
    >>> round(to_km2(490, "mi2"), 1)
    1269.1
    """
    factor = UNIT_KM2[unit]
    return None if factor is None else value * factor


def normalise_qualifier(text: Any) -> str:
    """Return the canonical qualifier of `text` (``"over"`` -> ``"more_than"``).

    Examples
    --------
    >>> normalise_qualifier("more than"), normalise_qualifier("Almost")
    ('more_than', 'nearly')
    """
    key = re.sub(r"[\s-]+", "_", str(text).strip().lower())
    if key in _QUALIFIER_ALIASES:
        return _QUALIFIER_ALIASES[key]
    raise ValueError(f"unknown qualifier {text!r}; use one of {', '.join(QUALIFIERS)}")


# ---------------------------------------------------------------- reading


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that remembers the line of every mapping and key.

    Dates stay text, so that a bad one (``2025-13-01``) is reported with its
    claim and line by the date parser instead of failing inside the loader.
    """


_LineLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp) for tag, regexp in resolvers if not tag.endswith(":timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class Written(float):
    """A number from a YAML file that remembers how it was written (``63.20``)."""

    text: str


class _Refused(yaml.constructor.ConstructorError):
    """Valid YAML that kurskgeo refuses: a key twice, too many values, ..."""


#: A number written with more characters than this is not a figure anyone said.
MAX_NUMBER_CHARS = 40


def _check_number(node: yaml.ScalarNode) -> None:
    if len(node.value) > MAX_NUMBER_CHARS:
        raise _Refused(
            None,
            None,
            f"a number written with {len(node.value):,} characters; no area or "
            f"share needs more than {MAX_NUMBER_CHARS}",
            node.start_mark,
        )


def _construct_float(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
    _check_number(node)
    value = Written(loader.construct_yaml_float(node))
    value.text = str(node.value)
    return value


def _construct_int(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
    _check_number(node)
    return loader.construct_yaml_int(node)


_LineLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _check_unique_keys(node: yaml.MappingNode) -> None:
    """Refuse a mapping that gives one key twice (YAML would keep the last)."""
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
            continue
        key = (key_node.tag, key_node.value)
        if key in seen:
            raise _Refused(
                None,
                None,
                f"the key {key_node.value!r} is given twice (first on line "
                f"{seen[key].start_mark.line + 1}); keep one",
                key_node.start_mark,
            )
        seen[key] = key_node


def _expanded_size(root: yaml.Node, limit: int) -> int:
    """Count the values of a composed document, each alias as what it stands for.

    Shared (aliased) nodes are counted once per use but visited once, so a
    "billion laughs" file is measured in the time its text takes, and refused
    before anything is built from it. Raises _Refused on a recursive
    alias or when the count passes `limit`.
    """
    size: dict[int, int] = {}
    state: dict[int, int] = {}  # 1: being counted, 2: done
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if isinstance(node, yaml.ScalarNode):
            size[key] = 1
            continue
        children: list[yaml.Node] = (
            [n for pair in node.value for n in pair]
            if isinstance(node, yaml.MappingNode)
            else list(node.value)
        )
        if done:
            total = 1 + sum(size[id(c)] for c in children)
            size[key] = total
            state[key] = 2
            if total > limit:
                raise _too_big(node, total)
            continue
        if state.get(key) == 2:
            continue
        if state.get(key) == 1:
            raise _Refused(
                None,
                None,
                "an alias refers to the value that holds it",
                node.start_mark,
            )
        state[key] = 1
        stack.append((node, True))
        for child in children:
            if state.get(id(child)) == 1:
                raise _Refused(
                    None,
                    None,
                    "an alias refers to the value that holds it",
                    child.start_mark,
                )
            if state.get(id(child)) != 2:
                stack.append((child, False))
    return size[id(root)]


def _too_big(node: yaml.Node, total: int) -> _Refused:
    from kurskgeo import limits

    return _Refused(
        None,
        None,
        limits.exceeded(
            "yaml_nodes", f"it stands for more than {total:,} values with its aliases"
        ),
        node.start_mark,
    )


def _construct_mapping(
    loader: _LineLoader, node: yaml.MappingNode, deep: bool = False
) -> Any:
    _check_unique_keys(node)
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                "found an unhashable key",
                key_node.start_mark,
            ) from None
        out[key] = loader.construct_object(value_node, deep=True)
        lines[str(key)] = key_node.start_mark.line + 1
    out["__line__"] = node.start_mark.line + 1
    out["__lines__"] = lines
    return out


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def _load_document(text: str) -> Any:
    """Compose the YAML document, measure it, and only then build it."""
    from kurskgeo import limits

    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, limits.get("yaml_nodes"))
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _strip(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {
            k: _strip(v) for k, v in obj.items() if k not in ("__line__", "__lines__")
        }
    if isinstance(obj, list):
        return [_strip(v) for v in obj]
    return obj


def load_records(path: Path) -> list[tuple[dict[str, Any], _Where]]:
    """Read the raw claim records of a YAML or CSV file, with where each sits.

    The file must be a regular file within ``KURSKGEO_MAX_TEXT_MB``, and hold
    at most ``KURSKGEO_MAX_CLAIMS`` claims (:mod:`kurskgeo.limits`).
    """
    from kurskgeo import limits

    name = str(path)
    if not path.exists() and not path.is_symlink():
        raise ClaimsFileError(f"{name}: no such claims file")
    raw = limits.read_input(path, ClaimsFileError, limit="text_mb")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ClaimsFileError(
            f"{name}:{line}: the claims file is not UTF-8 text; save it as UTF-8"
        ) from None
    if path.suffix.lower() in (".csv", ".tsv"):
        out = _load_csv(text, name, "\t" if path.suffix.lower() == ".tsv" else ",")
    else:
        out = _load_yaml(text, name)
    if len(out) > limits.get("claims"):
        raise ClaimsFileError(
            f"{name}: " + limits.exceeded("claims", f"holds {len(out):,} claims")
        )
    return out


def _load_yaml(text: str, name: str) -> list[tuple[dict[str, Any], _Where]]:
    try:
        doc = _load_document(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"{name}:{mark.line + 1}" if mark is not None else name
        problem = getattr(exc, "problem", None) or str(exc)
        if isinstance(exc, _Refused):
            raise ClaimsFileError(f"{at}: {problem}") from None
        raise ClaimsFileError(f"{at}: not valid YAML: {problem}") from None
    except RecursionError:
        raise ClaimsFileError(
            f"{name}: nested too deeply to be a claims file (a list of claims, "
            "each a mapping of fields)"
        ) from None
    defaults: dict[str, Any] = {}
    if isinstance(doc, dict):
        claims = doc.get("claims")
        raw_defaults = doc.get("defaults") or {}
        if not isinstance(raw_defaults, dict):
            raise ClaimsFileError(
                f"{name}:{doc['__lines__'].get('defaults')}: 'defaults' must be a "
                "mapping"
            )
        defaults = {k: v for k, v in raw_defaults.items() if not k.startswith("__")}
        if claims is None:
            raise ClaimsFileError(
                f"{name}: no 'claims' list; write a YAML list of claims, or a "
                "mapping with a 'claims' list (and optional 'defaults')"
            )
    else:
        claims = doc
    if not claims:
        raise ClaimsFileError(
            f"{name}: holds no claims; write a YAML list of claims (id, date, value, "
            "unit, zone, ...), see geodata/claims/kursk.yaml"
        )
    if not isinstance(claims, list):
        raise ClaimsFileError(f"{name}: 'claims' must be a list of mappings")
    out = []
    for i, item in enumerate(claims):
        if not isinstance(item, dict):
            raise ClaimsFileError(
                f"{name}: item {i + 1} of the claims list is not a mapping"
            )
        where = _Where(name, item.get("__line__"), item.get("__lines__"))
        record = {k: v for k, v in item.items() if k not in ("__line__", "__lines__")}
        record = {
            **{k: v for k, v in defaults.items() if k not in record},
            **_strip(record),
        }
        out.append((record, where))
    return out


def _load_csv(
    text: str, name: str, delimiter: str
) -> list[tuple[dict[str, Any], _Where]]:
    """Read CSV rows as records; a column twice or a cell too many is an error."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    starts: list[int] = []  # the line each row starts on (a cell may hold breaks)
    line = 1
    try:
        for row in reader:
            starts.append(line)
            rows.append(row)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ClaimsFileError(
            f"{name}:{reader.line_num}: not valid CSV: {exc}"
        ) from None
    header_at = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if header_at is None:
        return []
    header = [c.strip() for c in rows[header_at]]
    seen: dict[str, int] = {}
    for i, column in enumerate(header):
        if column and column in seen:
            raise ClaimsFileError(
                f"{name}:{starts[header_at]}: the column {column!r} is given twice "
                f"(columns {seen[column] + 1} and {i + 1}); keep one"
            )
        seen[column] = i
    out = []
    for row, at in zip(rows[header_at + 1 :], starts[header_at + 1 :], strict=True):
        if not any(c.strip() for c in row):
            continue
        extra = [c for c in row[len(header) :] if c.strip()]
        if extra:
            raise ClaimsFileError(
                f"{name}:{at}: the row has {len(row)} cells but the header names "
                f"{len(header)} columns ({extra[0]!r} has no column); quote cells "
                "that hold the delimiter"
            )
        record = {
            k: v.strip()
            for k, v in zip(header, row, strict=False)
            if k and v.strip() != ""
        }
        if not record:
            continue
        out.append((record, _Where(name, at)))
    return out


# ---------------------------------------------------------------- fields


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


def _list(value: Any) -> list[str] | None:
    """Return a list from YAML, or from CSV text (``a;b``, ``a+b``, ``[a, b]``)."""
    if value is None or value == "":
        return None
    if isinstance(value, (list, tuple)):
        items = [str(v).strip() for v in value]
    else:
        text = str(value).strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1]
        items = [p.strip().strip("'\"") for p in re.split(r"[;,|+]", text)]
    items = [i for i in items if i]
    return items or None


def _date(value: Any, where: _Where, cid: Any, key: str) -> dt.date:

    try:
        return parse_date(value)
    except ValueError:
        raise _fail(
            where, cid, key, f"{value!r} is not a date; write YYYY-MM-DD"
        ) from None


def _relative(value: str, base: Path) -> str:
    if re.match(r"^[a-z][a-z0-9-]*:", value) and not Path(value).exists():
        return value  # a dataset spec such as boundary:kursk-oblast
    p = Path(value).expanduser()
    return str(p if p.is_absolute() else base / p)


def parse_expression(text: str) -> tuple[tuple[int, str], ...]:
    """Parse ``"a - b + c"`` into ``((1, "a"), (-1, "b"), (1, "c"))``.

    Ids may contain hyphens; a minus sign between two ids needs spaces around it.

    Raises
    ------
    ValueError
        If the text is not a sum of ids.

    Examples
    --------
    >>> parse_expression("mod-seized - mod-retaken")
    ((1, 'mod-seized'), (-1, 'mod-retaken'))
    """
    pos = 0
    terms: list[tuple[int, str]] = []
    text = text.strip()
    while pos < len(text):
        m = _TERM.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(
                f"cannot read {text[pos:]!r}; write ids joined by ' + ' and ' - '"
            )
        sign = -1 if m.group(1) in ("-", "−", "–") else 1
        if m.group(1) is None and terms:
            raise ValueError(f"missing + or - before {m.group(2)!r}")
        terms.append((sign, m.group(2)))
        pos = m.end()
    if not terms:
        raise ValueError("the expression is empty")
    return tuple(terms)


def record_to_fields(
    record: Mapping[str, Any], where: _Where, base: Path
) -> dict[str, Any]:
    """Check one raw record and return the keyword arguments of a Claim."""
    raw_id = record.get("id")
    cid = _text(raw_id) if not isinstance(raw_id, (list, dict)) else None
    unknown = sorted(set(record) - set(FIELDS), key=str)
    if unknown:
        raise _fail(
            where,
            cid,
            str(unknown[0]),
            f"unknown field {unknown[0]!r}; known fields: {', '.join(FIELDS)}",
        )
    for key in FIELDS:
        value = record.get(key)
        if key not in NESTED_FIELDS and isinstance(value, (list, dict)):
            shape = "a list" if isinstance(value, list) else "a mapping"
            raise _fail(where, cid, key, f"must be one value, not {shape}")
    if not cid:
        raise _fail(where, None, "id", "has no 'id'; give every claim a unique id")
    if not _ID.match(cid):
        raise _fail(where, cid, "id", "ids may hold letters, digits and _ . : - only")
    if record.get("date") in (None, ""):
        raise _fail(where, cid, "date", "has no 'date' (when it was said, YYYY-MM-DD)")
    date = _date(record["date"], where, cid, "date")

    kind = str(record.get("kind") or "area").strip().lower()
    if kind not in KINDS:
        raise _fail(
            where, cid, "kind", f"unknown kind {kind!r}; use one of {', '.join(KINDS)}"
        )

    raw_value = record.get("value")
    written = None  # "more than 420 km²": the qualifier written with the value
    if isinstance(raw_value, str):
        m = _LEADING_QUALIFIER.match(raw_value)
        if m:
            written = m.group(1)
            raw_value = raw_value[m.end() :]
    try:
        qualifier = normalise_qualifier(record.get("qualifier") or written or "about")
    except ValueError as exc:
        raise _fail(where, cid, "qualifier", str(exc)) from None

    unit: str
    precision = 0.0
    if record.get("value") in (None, ""):
        if kind != "derived":
            raise _fail(where, cid, "value", "has no 'value'")
        value, unit = math.nan, "km2"  # computed from the expression
    else:
        try:
            value, parsed_unit = parse_quantity(raw_value, record.get("unit"))
        except ValueError as exc:
            key = "unit" if "unit" in str(exc) and "unit" in record else "value"
            raise _fail(where, cid, key, str(exc)) from None
        if parsed_unit is None and kind != "share":
            raise _fail(
                where, cid, "unit", "has no unit; add unit: km2 (or mi2, ha, percent)"
            )
        unit = parsed_unit or "percent"
        _check_value(value, unit, kind, where, cid, "value")
        precision = rounding_of(raw_value)

    also_value = also_unit = None
    also = record.get("also")
    if also not in (None, ""):
        try:
            if isinstance(also, Mapping):
                also_value, also_unit = parse_quantity(
                    also.get("value"), also.get("unit")
                )
            else:
                also_value, also_unit = parse_quantity(also)
        except ValueError as exc:
            raise _fail(where, cid, "also", str(exc)) from None
        if also_unit is None:
            raise _fail(
                where,
                cid,
                "also",
                "give the unit of the second figure, e.g. '490 sq mi'",
            )
        _check_value(also_value, also_unit, kind, where, cid, "also")

    as_of = _date(record["as_of"], where, cid, "as_of") if record.get("as_of") else date
    since: dt.date | str | None = None
    raw_since = record.get("since")
    if raw_since not in (None, ""):
        if str(raw_since).strip().lower() == "peak":
            since = "peak"
        else:
            since = _date(raw_since, where, cid, "since")
            if since > as_of:
                raise _fail(where, cid, "since", f"{since} is after as_of {as_of}")
    start = _date(record["start"], where, cid, "start") if record.get("start") else None
    if start is not None and start > as_of:
        raise _fail(where, cid, "start", f"{start} is after as_of {as_of}")

    measure = str(record.get("measure") or "area").strip().lower()
    if measure not in MEASURES:
        raise _fail(
            where,
            cid,
            "measure",
            f"unknown measure {measure!r}; use {', '.join(MEASURES)}",
        )
    effective = measure if kind == "derived" else kind
    if effective in ("lost", "gained") and since is None:
        raise _fail(
            where, cid, "since", f"a {effective!r} claim needs since: a date or 'peak'"
        )
    if effective == "peak" and since == "peak":
        raise _fail(
            where, cid, "since", "a 'peak' claim takes since: a date (the window start)"
        )

    part = _text(record.get("part"))
    of = _text(record.get("of"))
    if kind == "share" and (not part or not of):
        raise _fail(
            where,
            cid,
            "part" if not part else "of",
            "a share needs 'part' and 'of' (claim ids, or "
            + ", ".join(repr(m) for m in MEASURED)
            + ")",
        )
    ends = {"part": part, "of": of}
    for key, ref in ends.items():
        if kind == "share" and ref and " " in ref:  # a quantity, not a claim id
            ends[key] = " ".join(ref.split()).lower()
            known = [*MEASURED, REGION] if key == "of" else list(MEASURED)
            if ends[key] not in known:
                raise _fail(
                    where,
                    cid,
                    key,
                    f"{ref!r} is neither a claim id nor one of "
                    + ", ".join(repr(m) for m in known),
                )
    part, of = ends["part"], ends["of"]
    expression = None
    if kind == "derived":
        if not record.get("expression"):
            raise _fail(
                where,
                cid,
                "expression",
                "a derived claim needs an expression such as 'a - b'",
            )
        try:
            expression = parse_expression(str(record["expression"]))
        except ValueError as exc:
            raise _fail(where, cid, "expression", str(exc)) from None

    max_age = record.get("max_age_days")
    if max_age not in (None, ""):
        try:
            max_age = int(str(max_age))
        except ValueError:
            raise _fail(
                where, cid, "max_age_days", f"{max_age!r} is not a whole number of days"
            ) from None
        if max_age < 0:
            raise _fail(where, cid, "max_age_days", "must be 0 or more")
    else:
        max_age = None

    alternatives = []
    for i, alt in enumerate(record.get("alternatives") or []):
        if not isinstance(alt, Mapping) or not alt.get("zone"):
            raise _fail(
                where,
                cid,
                "alternatives",
                f"alternative {i + 1} needs a zone (and a kind)",
            )
        alt_kind = str(alt.get("kind") or "area").strip().lower()
        if alt_kind not in MEASURES:
            raise _fail(
                where,
                cid,
                "alternatives",
                f"alternative kind {alt_kind!r} is not one of {', '.join(MEASURES)}",
            )
        alternatives.append((tuple(_list(alt["zone"]) or ()), alt_kind))

    zone = _list(record.get("zone"))
    region = _text(record.get("region"))
    snapshots = (
        _list(record.get("snapshots"))
        if isinstance(record.get("snapshots"), list)
        else (
            [str(record["snapshots"]).strip()]
            if _text(record.get("snapshots"))
            else None
        )
    )
    return {
        "id": cid,
        "date": date,
        "source": _text(record.get("source")) or "",
        "statement": _text(record.get("statement")) or "",
        "value": value,
        "unit": unit,
        "qualifier": qualifier,
        "kind": kind,
        "zone": tuple(zone) if zone else None,
        "region": _relative(region, base) if region else None,
        "snapshots": tuple(_relative(s, base) for s in snapshots)
        if snapshots
        else None,
        "as_of": as_of,
        "since": since,
        "start": start,
        "also_value": also_value,
        "also_unit": also_unit,
        "part": part,
        "of": of,
        "expression": expression,
        "measure": measure,
        "compare_with": tuple(_list(record.get("compare_with")) or ()),
        "alternatives": tuple(alternatives),
        "max_age_days": max_age,
        "reference": _text(record.get("reference")),
        "url": _text(record.get("url")),
        "precision": precision,
        "path": where.path,
        "line": where.line,
    }


def _check_value(
    value: float, unit: str, kind: str, where: _Where, cid: str, key: str
) -> None:
    if value <= 0:
        raise _fail(
            where,
            cid,
            key,
            f"{value:g} {unit}: a claimed area or share must be above 0",
        )
    if unit == "percent":
        if value > 100:
            raise _fail(where, cid, key, f"{value:g}% is more than 100%")
        if kind != "share":
            raise _fail(
                where, cid, key, "a percentage needs kind: share (with part and of)"
            )
    elif kind == "share":
        raise _fail(where, cid, key, f"a share is given in percent, not {unit}")


def check_references(
    fields: Sequence[Mapping[str, Any]], wheres: Sequence[_Where]
) -> None:
    """Check unique ids, that references exist and fit, and that there are no cycles."""
    index: dict[str, int] = {}
    for i, f in enumerate(fields):
        if f["id"] in index:
            first = wheres[index[f["id"]]]
            raise _fail(
                wheres[i], f["id"], "id", f"duplicate id (first used at {first.at()})"
            )
        index[f["id"]] = i

    def refs(f: Mapping[str, Any]) -> list[tuple[str, str]]:
        out = (
            [(k, f[k]) for k in ("part", "of") if f[k] not in (*MEASURED, REGION)]
            if f["kind"] == "share"
            else []
        )
        if f["expression"]:
            out += [("expression", rid) for _, rid in f["expression"]]
        out += [("compare_with", rid) for rid in f["compare_with"]]
        return out

    for i, f in enumerate(fields):
        for key, rid in refs(f):
            if rid not in index:
                raise _fail(
                    wheres[i], f["id"], key, f"refers to unknown claim id {rid!r}"
                )
            target = fields[index[rid]]
            if key in ("part", "of", "expression") and target["kind"] == "share":
                raise _fail(
                    wheres[i],
                    f["id"],
                    key,
                    f"{rid!r} is a share; refer to claims in km²",
                )
            if rid == f["id"]:
                raise _fail(wheres[i], f["id"], key, "refers to itself")

    # depth-first search for cycles through part/of/expression
    state: dict[str, int] = {}

    def visit(cid: str, trail: list[str]) -> None:
        state[cid] = 1
        f = fields[index[cid]]
        for key, rid in refs(f):
            if key == "compare_with":
                continue
            if state.get(rid) == 1:
                cycle = (
                    " -> ".join([*trail[trail.index(rid) :], rid])
                    if rid in trail
                    else f"{cid} -> {rid}"
                )
                raise _fail(
                    wheres[index[cid]],
                    cid,
                    key,
                    f"derived claims form a cycle: {cycle}",
                )
            if state.get(rid) is None:
                visit(rid, [*trail, rid])
        state[cid] = 2

    for f in fields:
        if state.get(f["id"]) is None:
            visit(f["id"], [f["id"]])
