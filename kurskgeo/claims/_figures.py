"""Figures in a sentence: numbers as newspapers print them, units, qualifiers.

Private to :mod:`kurskgeo.claims` (see :func:`kurskgeo.claims.extract_claims`).
A figure is a number followed by an area unit (km², sq mi, hectares, in
English or Russian) or a percent sign; a number with any other unit (km,
dollars, troops) or none (a year, a count) is not a figure. The conversion
printed beside a figure, in brackets, is kept with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kurskgeo.area import KM2_PER_HA, KM2_PER_MI2

__all__ = ["Figure", "Number", "find_figures", "is_continental", "written"]

# A number as printed: 1,268 / 1 268 / 1.268 / 1268 / 63.2 / 63,2. Digits
# grouped by threes with one separator (a comma, a point, or a space of any
# width) are read as a whole; what follows a last point or comma is decimals.
_NUMBER = re.compile(
    r"(?<![\w.,\-/])(?P<num>\d{1,3}(?:(?P<sep>[,.\u00a0\u202f\u2009 ])\d{3})"
    r"(?:(?P=sep)\d{3})*(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?![\d])"
)
_SCALE = re.compile(
    r"\s*(?P<scale>thousand|million|тыс\.?|тысяч[аи]?|млн\.?|миллион(?:а|ов)?)"
    r"(?=[\s\u00a0]|$)",
    re.IGNORECASE,
)
_SCALES = {"thousand": 1e3, "million": 1e6, "тыс": 1e3, "тысяч": 1e3, "млн": 1e6}

_KM = r"(?:kilomet(?:er|re)s?|km)"
_UNITS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "km2",
        re.compile(
            rf"(?:square|sq\.?)[\s\u00a0-]*{_KM}(?![a-z])"
            rf"|{_KM}\s*(?:2|²|\^2)(?!\d)"
            r"|кв\.?\s*(?:км|километр\w*)(?![а-я])"
            r"|квадратн\w*\s+километр\w*"
            r"|км\s*(?:2|²)(?!\d)",
            re.IGNORECASE,
        ),
    ),
    (
        "mi2",
        re.compile(
            r"(?:square|sq\.?)[\s\u00a0-]*(?:miles?|mi)(?![a-z])"
            r"|mi\s*(?:2|²)(?!\d)"
            r"|кв\.?\s*мил\w*|квадратн\w*\s+мил\w*",
            re.IGNORECASE,
        ),
    ),
    ("ha", re.compile(r"hectares?(?![a-z])|ha(?![\w])|гектар\w*|га(?![\w])", re.I)),
    ("percent", re.compile(r"%|per[\s\u00a0]?cent(?![a-z])|процент\w*", re.I)),
)
# qualifiers as written before a figure, longest first; Russian ones too
_QUALIFIERS: tuple[tuple[str, str], ...] = (
    ("more than", "more_than"),
    ("in excess of", "more_than"),
    ("upwards of", "more_than"),
    ("just over", "more_than"),
    ("well over", "more_than"),
    ("over", "more_than"),
    ("above", "more_than"),
    ("no less than", "at_least"),
    ("not less than", "at_least"),
    ("at least", "at_least"),
    ("no more than", "at_most"),
    ("not more than", "at_most"),
    ("at most", "at_most"),
    ("up to", "at_most"),
    ("less than", "less_than"),
    ("fewer than", "less_than"),
    ("under", "less_than"),
    ("below", "less_than"),
    ("just under", "nearly"),
    ("nearly", "nearly"),
    ("almost", "nearly"),
    ("close to", "nearly"),
    ("approximately", "about"),
    ("about", "about"),
    ("around", "about"),
    ("roughly", "about"),
    ("some", "about"),
    ("an estimated", "about"),
    ("approx.", "about"),
    ("exactly", "exact"),
    ("более", "more_than"),
    ("свыше", "more_than"),
    ("больше", "more_than"),
    ("не менее", "at_least"),
    ("не более", "at_most"),
    ("менее", "less_than"),
    ("меньше", "less_than"),
    ("до", "at_most"),
    ("почти", "nearly"),
    ("около", "about"),
    ("примерно", "about"),
    ("порядка", "about"),
    ("приблизительно", "about"),
)
_QUALIFIER = re.compile(
    r"(?:^|(?<=[\s(\[\"“«—–-]))(?P<q>"
    + "|".join(re.escape(w) for w, _ in _QUALIFIERS)
    + r")[\s\u00a0]+$",
    re.IGNORECASE,
)
_QUALIFIER_OF = {w: q for w, q in _QUALIFIERS}


@dataclass(frozen=True)
class Number:
    """A number as printed, and the ways it can be read."""

    text: str
    readings: tuple[tuple[float, str], ...]  # (value, written) best first

    @property
    def value(self) -> float:
        """The first reading."""
        return self.readings[0][0]


@dataclass(frozen=True)
class Figure:
    """A figure in a sentence: a number, its unit, the qualifier before it.

    `start`/`end` span the figure in the sentence (with its qualifier and the
    conversion in brackets after it, `also`); `core_end` ends its unit.
    `written` is the number as kurskgeo writes it back (``1,268``, ``63.2``),
    which keeps its rounding (see :func:`kurskgeo.claims._parse.rounding_of`).
    """

    start: int
    end: int
    core_end: int
    value: float
    written: str
    unit: str
    qualifier: str | None
    text: str  # as printed, e.g. "more than 1,268 square kilometers"
    also: Figure | None = None
    ambiguous: bool = False
    elided: bool = False  # "50 km², down from 1,300": the unit of the one before

    @property
    def km2(self) -> float | None:
        """The figure in km² (None for a percentage)."""
        factor = {"km2": 1.0, "mi2": KM2_PER_MI2, "ha": KM2_PER_HA}.get(self.unit)
        return None if factor is None else self.value * factor


def is_continental(text: str) -> bool:
    """Whether numbers in `text` use a decimal comma (and point or space groups).

    Cyrillic text does; so does text holding a number with a comma before one,
    two or four or more digits (``63,2``), or grouped by points (``1.268.000``).

    Examples
    --------
    >>> is_continental("seized 1,268 square kilometers"), is_continental("63,2 %")
    (False, True)
    """
    letters = re.findall(r"[^\W\d_]", text)
    if letters and sum(
        "а" <= c.lower() <= "я" or c in "ёЁ" for c in letters
    ) > 0.5 * len(letters):
        return True
    if re.search(r"(?<![\d,.])\d+,(?:\d{1,2}|\d{4,})(?![\d,.])", text):
        return True
    return bool(re.search(r"\d{1,3}\.\d{3}\.\d{3}(?!\d)", text))


def _readings(num: str, continental: bool) -> tuple[tuple[float, str], ...]:
    """Every reading of a printed number, the likeliest first."""
    plain = num.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")
    if " " in plain:
        head, _, tail = plain.rpartition(" ")
        m = re.fullmatch(r"(\d{3})(?:[.,](\d+))?", tail)
        assert m is not None
        whole = head.replace(" ", "") + m.group(1)
        return (_read(whole, m.group(2)),)
    seps = [c for c in plain if c in ",."]
    if not seps:
        return (_read(plain, None),)
    last = plain.rfind(seps[-1])
    if len(set(seps)) == 2 or (seps.count(seps[-1]) == 1 and len(seps) > 1):
        # 1,268.5 or 1.268,5: the last mark is the decimal one
        return (_read(re.sub(r"[,.]", "", plain[:last]), plain[last + 1 :]),)
    if len(seps) > 1:  # 1,268,000: groups
        return (_read(re.sub(r"[,.]", "", plain), None),)
    digits_after = len(plain) - last - 1
    whole, frac = plain[:last], plain[last + 1 :]
    grouped = _read(whole + frac, None)
    decimal = _read(whole, frac)
    if digits_after != 3:
        return (decimal,)
    thousands_first = (seps[0] == ",") != continental
    return (grouped, decimal) if thousands_first else (decimal, grouped)


def _read(whole: str, frac: str | None) -> tuple[float, str]:
    value = float(f"{int(whole)}.{frac}" if frac else whole)
    return value, written(value, len(frac) if frac else 0)


def written(value: float, decimals: int) -> str:
    """Write a number as a claims file keeps it: ``1,268``, ``63.2``.

    Examples
    --------
    >>> written(1268, 0), written(63.2, 1), written(1300.0, 0)
    ('1,268', '63.2', '1,300')
    """
    return f"{value:,.{max(decimals, 0)}f}"


def _scaled(reading: tuple[float, str], scale: float) -> tuple[float, str]:
    value, text = reading
    decimals = len(text.partition(".")[2])
    shift = len(str(int(scale))) - 1
    return value * scale, written(value * scale, decimals - shift)


def find_figures(sentence: str, *, continental: bool = False) -> list[Figure]:
    """Find the figures of one sentence, in order, each with its conversion.

    Examples
    --------
    >>> f = find_figures("seized 1,268 square kilometers (490 square miles)")[0]
    >>> f.value, f.unit, f.also.value, f.also.unit
    (1268.0, 'km2', 490.0, 'mi2')
    >>> [(g.written, g.unit, g.qualifier)
    ...  for g in find_figures("more than 60% of 12 500 hectares, 30 km away")]
    [('60', 'percent', 'more_than'), ('12,500', 'ha', None)]
    """
    found: list[Figure] = []
    for m in _NUMBER.finditer(sentence):
        if found and m.start() < found[-1].end:
            continue  # inside the conversion of the figure before
        figure = _figure_at(sentence, m, continental) or _elided(
            sentence, m, continental, found
        )
        if figure is None:
            continue
        found.append(figure)
    return found


#: Words that compare a figure with another: "50 km², down from 1,300".
COMPARISON = r"\b(?:(?:down|up) (?:from|on)|compared (?:with|to)|versus|vs\.?)"
#: Words after which a bare number is compared with the figure before it,
#: in that figure's unit: "50 km², down from 1,300 at its peak".
_COMPARED_WITH = re.compile(
    rf"(?:{COMPARISON}|\bfrom a (?:peak|high|maximum) of)\s+$", re.IGNORECASE
)


def _elided(
    sentence: str, m: re.Match[str], continental: bool, before: list[Figure]
) -> Figure | None:
    """Read a bare number compared with the area figure before it, in its unit."""
    areas = [f for f in before if f.unit != "percent"]
    num = m.group("num")
    if (
        not areas
        or not _COMPARED_WITH.search(sentence[areas[-1].end : m.start()])
        or re.fullmatch(r"(?:19|20)\d\d", num)  # a year
        or (
            re.match(r"[\s\u00a0]*(?:[^\W\d_]|%)", sentence[m.end() :])
            and not re.match(r"\s+(?:at|in|on|when|as|a|the|by)\b", sentence[m.end() :])
        )
    ):
        return None  # "from 2024", "from 30 villages", "from 40%"
    value, text = _readings(num, continental)[0]
    return Figure(
        start=m.start(),
        end=m.end("num"),
        core_end=m.end("num"),
        value=value,
        written=text,
        unit=areas[-1].unit,
        qualifier=None,
        text=sentence[m.start() : m.end("num")],
        elided=True,
    )


def _figure_at(sentence: str, m: re.Match[str], continental: bool) -> Figure | None:
    readings = _readings(m.group("num"), continental)
    pos = m.end()
    scale = _SCALE.match(sentence, pos)
    if scale:
        key = scale.group("scale").lower().rstrip(".")
        key = next(k for k in _SCALES if key.startswith(k))
        readings = tuple(_scaled(r, _SCALES[key]) for r in readings)
        pos = scale.end()
    unit_match = None
    gap = re.match(r"[\s\u00a0]*-?[\s\u00a0]*", sentence[pos:])
    at = pos + (gap.end() if gap else 0)
    unit = ""
    for name, pattern in _UNITS:
        unit_match = pattern.match(sentence, at)
        if unit_match:
            unit = name
            break
    if unit_match is None:
        return None
    core_end = unit_match.end()
    # the qualifier written before the number
    before = sentence[: m.start()]
    q = _QUALIFIER.search(before[-40:])
    qualifier = _QUALIFIER_OF[q.group("q").lower()] if q else None
    start = m.start() - (len(before[-40:]) - q.start("q")) if q else m.start()
    value, text = readings[0]
    figure = Figure(
        start=start,
        end=core_end,
        core_end=core_end,
        value=value,
        written=text,
        unit=unit,
        qualifier=qualifier,
        text=sentence[start:core_end],
        # the less usual reading for the text's style comes first: say so
        ambiguous=len(readings) > 1 and ("." in m.group("num")) != continental,
    )
    also = _conversion(sentence, core_end, continental) or _or_conversion(
        sentence, figure, continental
    )
    if also is None:
        return figure
    # a number that reads two ways: the reading its conversion confirms
    best = readings[0]
    settled = False
    if len(readings) > 1 and unit != "percent" and also.km2:
        for r in readings:
            km2 = Figure(0, 0, 0, r[0], r[1], unit, None, "").km2 or 0.0
            if abs(km2 - also.km2) <= 0.02 * also.km2:
                best, settled = r, True
                break
    return Figure(
        start=start,
        end=also.end,
        core_end=core_end,
        value=best[0],
        written=best[1],
        unit=unit,
        qualifier=qualifier,
        text=sentence[start:core_end],
        also=also,
        ambiguous=figure.ambiguous and not settled,
    )


def _or_conversion(sentence: str, figure: Figure, continental: bool) -> Figure | None:
    """Find a conversion written after a comma: "1,000 km², or roughly 386 sq mi".

    Unlike one in brackets, it must be in another unit and agree (within
    5%): else it is a figure of its own ("800 km² or 1,000 km²").
    """
    m = re.match(
        r"[\s\u00a0]*,?[\s\u00a0]*or[\s\u00a0]+(?:about|roughly|some|nearly|around|"
        r"approximately|almost)?[\s\u00a0]*",
        sentence[figure.core_end :],
    )
    if not m or figure.km2 is None:
        return None
    n = _NUMBER.match(sentence, figure.core_end + m.end())
    also = _figure_at(sentence, n, continental) if n else None
    if (
        n is None
        or also is None
        or also.km2 is None
        or also.unit == figure.unit
        or abs(also.km2 - figure.km2) > 0.05 * figure.km2
    ):
        return None
    return replace(
        also,
        start=n.start(),
        end=also.core_end,
        qualifier=None,
        text=sentence[n.start() : also.core_end],
        also=None,
    )


def _conversion(sentence: str, pos: int, continental: bool) -> Figure | None:
    """Find the figure in brackets right after `pos` ("(490 square miles)")."""
    m = re.match(r"[\s\u00a0]*[(\[][\s\u00a0]*", sentence[pos:])
    if not m:
        return None
    inner_start = pos + m.end()
    close = re.search(r"[)\]]", sentence[inner_start:])
    if not close:
        return None
    inner_end = inner_start + close.start()
    inner = sentence[:inner_end]
    n = _NUMBER.search(inner, inner_start)
    if n is None:
        return None
    figure = _figure_at(inner, n, continental)
    if figure is None or figure.unit == "percent":
        return None
    if inner[inner_start : figure.start].strip() not in ("", "or", "about", "c."):
        return None
    return Figure(
        start=figure.start,
        end=inner_end + 1,
        core_end=figure.core_end,
        value=figure.value,
        written=figure.written,
        unit=figure.unit,
        qualifier=None,
        text=sentence[figure.start : figure.core_end],
        ambiguous=figure.ambiguous,
    )
