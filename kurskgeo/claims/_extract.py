"""From an article to claims: figures, who stated them, and what they are about.

Private to :mod:`kurskgeo.claims` (see :func:`kurskgeo.claims.extract_claims`,
which documents what is recognised). The steps: the article as paragraphs
(:mod:`._article`), sentences and their attributions (:mod:`._sentences`),
the figures of each sentence (:mod:`._figures`), then, here, what each figure
claims: the verb that governs it and whose side its subject is gives a kind
(ground taken at the peak, lost since it, held now), a percentage of
territory is linked to the figures it is a share of, and every claim becomes
the record a claims file holds, read by the same code as a file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kurskgeo.claims import _parse as _p
from kurskgeo.claims._article import MONTHS, Article, find_date, read_text
from kurskgeo.claims._figures import (
    COMPARISON,
    Figure,
    find_figures,
    is_continental,
)
from kurskgeo.claims._findings import find as find_findings
from kurskgeo.claims._parse import REGION
from kurskgeo.claims._sentences import (
    Speakers,
    find_attribution,
    split_sentences,
    strip_dateline,
)
from kurskgeo.claims.records import Claim, Finding
from kurskgeo.errors import ArticleError

__all__ = ["EVENTS", "Extraction", "extract"]

#: Events kurskgeo knows the start of: a pattern that names the event's
#: place, the day it began, and how a claims file says so. A peak, and
#: ground lost "since the peak", are measured from that day on.
EVENTS: tuple[tuple[str, dt.date, str], ...] = (
    (
        r"\bKursk|Курск",
        dt.date(2024, 8, 6),
        "the Ukrainian incursion into Kursk Oblast began on 6 August 2024",
    ),
)

# ---------------------------------------------------------------- vocabulary

_TAKE = (
    r"seiz(?:e|ed|es|ing)|captur(?:e|ed|es|ing)|took|tak(?:e|en|es|ing)|"
    r"occupied|occupy|occupying|gain(?:ed|s|ing)?|overr(?:an|un)|grabbed|"
    r"conquer(?:ed|s)?|enter(?:ed|s)?|advanced|push(?:ed)? into|"
    r"захвати\w*|занял\w*|заняли|оккупирова\w*"
)
_RETAKE = (
    r"re-?tak(?:e|en|es|ing)|re-?took|reclaim(?:ed|s|ing)?|"
    r"recaptur(?:e|ed|es|ing)|regain(?:ed|s|ing)?|liberat(?:e|ed|es|ing)|freed|"
    r"(?:took|taken|take|takes|won|win|wins|pushed|drove|driven)\s+(?:\w+\s+)?back|"
    r"cleared|returned|restored|освобо\w*|отвоева\w*|вернул\w*|возвращен\w*"
)
_LOSE = (
    r"lost|los(?:e|es|ing)|ced(?:e|ed|es)|surrender(?:ed|s)?|abandon(?:ed|s)?|"
    r"(?:shrunk|shrank|shrinks|reduced|cut|fallen|fell|dropped|decreased)\s+by|"
    r"withdr(?:ew|awn) from|потерял\w*|утратил\w*"
)
_HOLD = (
    r"controls|controlled|controlling|control|hold|holds|holding|held|keeps|kept|"
    r"retains?|retained|occupies|remains?\s+(?:in|under)|"
    r"(?:leaving|leaves|leave|left)\s+(?:[\w'’-]+\s+){0,3}?with|"
    r"(?:reduced|shrunk|shrank|shrinks|narrowed|cut|fallen|fell|dropped|down)\s+to|"
    r"контролиру\w*|удержива\w*|удерживает|под контролем"
)
_SIZE = (
    r"spans?|spanning|covers?|covering|measures|measuring|totals?|area of|"
    r"size of|площадь\w*|занимает"
)
_VERBS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE))
    for name, pattern in (
        ("retake", _RETAKE),
        ("lose", _LOSE),
        ("take", _TAKE),
        ("hold", _HOLD),
        ("size", _SIZE),
    )
)
_AUXILIARY = re.compile(
    r"(?:been|were|was|is|are|be|being|now|already|remain|remains|remained|"
    r"have|has|had|было|были|был|была)\s*$",
    re.IGNORECASE,
)
_RUSSIAN = re.compile(
    r"\b(?:Russia|Russian|Russians|Russia's|Moscow|Moscow's|Kremlin|Rudskoi|Rudskoy|"
    r"Gerasimov|Belousov|Shoigu|Putin)\b|росси\w*|минобороны|\bВС РФ\b",
    re.IGNORECASE,
)
_UKRAINIAN = re.compile(
    r"\b(?:Ukraine|Ukrainian|Ukrainians|Ukraine's|Kyiv|Kyiv's|Kiev|Syrsk\w*|"
    r"Zelensk\w*|DeepState)\b|украин\w*|\bВСУ\b|киев\w*",
    re.IGNORECASE,
)
_PEAK = re.compile(
    r"\b(?:at (?:its|the|their) (?:peak|height|maximum)|at one point|maximum|"
    r"initially|originally|at first|in total)\b",
    re.IGNORECASE,
)
_COMPARED = re.compile(rf"{COMPARISON}\s", re.IGNORECASE)
_TERRITORY = re.compile(
    r"\b(?:territor\w*|land|lands|ground|area|areas|what|that)\b|территори\w*",
    re.IGNORECASE,
)
#: Ground a side holds, named as the subject of a change: "the foothold".
_HELD_GROUND = re.compile(
    r"\b(?:foothold|salient|pocket|bridgehead|territor\w*|ground|area|zone)\b",
    re.IGNORECASE,
)
_KURSK = re.compile(
    r"Kursk|Курск|Sudzha|Суджа|Korenevo|Коренево|Glushkovo|Глушково", re.IGNORECASE
)
_ELSEWHERE = re.compile(
    r"\b(?:Donetsk|Luhansk|Lugansk|Zaporizhzhia|Zaporizhzhya|Zaporozhye|Kherson|"
    r"Kharkiv|Kharkov|Sumy|Dnipropetrovsk|Donbas|Donbass|Crimea|Pokrovsk|Bakhmut|"
    r"Avdiivka|Kupiansk|Belgorod|Bryansk)\b|"
    r"\b(?:in|of|across) (?:eastern |southern |northern |western )?Ukraine\b|"
    r"Донецк\w*|Луганск\w*|Запорож\w*|Херсон\w*|Харьков\w*|Белгород\w*|Брянск\w*|"
    r"\b(?:в|на) Украине\b",
)
_MONTH_RE = "|".join(sorted((m for m in MONTHS if m.isascii()), key=len, reverse=True))


# ---------------------------------------------------------------- records


@dataclass
class _Figure:
    """A figure in the text, what it claims, and everything said about it."""

    figure: Figure
    sentence: str
    siblings: list[Figure]  # every figure of the sentence, this one included
    index: int  # of the sentence in the article
    paragraph: int
    place: str | None = None  # "kursk", "elsewhere" or not said
    kind: str | None = None
    verb: str | None = None
    side: str | None = None
    since: dt.date | str | None = None
    since_text: dt.date | None = None  # the text's date, read as the peak
    source: str = ""
    source_how: str | None = None
    denominator: str | None = None  # a share: "peak", "region" or None
    id: str = ""
    part: _Figure | str | None = None  # a figure, or a quantity of the maps
    of: _Figure | str | None = None
    why_not: str | None = None
    as_of: dt.date | None = None


@dataclass(frozen=True, eq=False)
class Extraction:
    """What :func:`~kurskgeo.claims.extract_claims` found in an article.

    Attributes
    ----------
    claims : list of Claim
        The claims, as :func:`~kurskgeo.claims.read_claims` reads them from
        the file :meth:`to_yaml` writes (their `path` and `line` aside).
    findings : list of Finding
        What the text contradicts by itself: a conversion that does not
        match its figure, a share that does not follow from the figures it
        relates (see :func:`~kurskgeo.claims.claim_findings`).
    notes : list of str
        Figures seen and left out, and why; guesses that could not be made.
    date : datetime.date
        The date the claims are dated (the article's).
    outlet, title, url : str or None
        From the arguments or the page's metadata.
    start : datetime.date or None
        The start of the event, for peaks and ground lost since the peak.
    """

    claims: list[Claim]
    findings: list[Finding]
    notes: list[str]
    date: dt.date
    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    start: dt.date | None = None
    start_how: str | None = None
    markup: str = "text"
    records: list[dict[str, Any]] = field(default_factory=list, repr=False)
    comments: list[dict[str, str]] = field(default_factory=list, repr=False)

    def to_yaml(self, name: str | None = None) -> str:
        """Write the claims file: every guess marked in a comment.

        `name` is the article's name, for the header. The text is read back
        by :func:`~kurskgeo.claims.read_claims` into :attr:`claims`.

        Raises
        ------
        ArticleError
            If no claim was found (a claims file must hold one).
        """
        from kurskgeo.claims._claims_yaml import claims_yaml

        if not self.claims:
            raise ArticleError(
                f"{name or 'the article'}: no area or share figure was found that "
                "states ground taken, lost or held"
                + (f" ({len(self.notes)} figure(s) left out)" if self.notes else "")
            )
        return claims_yaml(self, name)


# ---------------------------------------------------------------- the steps


def extract(
    text: str,
    *,
    date: Any = None,
    outlet: str | None = None,
    url: str | None = None,
    start: Any = None,
    markup: str = "auto",
    name: str | None = None,
) -> Extraction:
    """Compute :func:`kurskgeo.claims.extract_claims`."""
    from kurskgeo.io import parse_date

    article = read_text(text, markup, name)
    whole = "\n\n".join(article.paragraphs)
    day = _article_date(article, whole, date, parse_date, name)
    event_start, start_how = _start(whole, start, parse_date)
    continental = is_continental(whole)
    notes: list[str] = []

    figures = _read_figures(article, continental, notes)
    for f in figures:
        _judge_kind(f, day, event_start, notes)
    claims_ = [f for f in figures if f.kind is not None]
    _link_shares(claims_, notes)
    kept = [f for f in claims_ if f.kind != "share" or (f.part and f.of)]
    _name(kept)

    outlet = outlet or article.outlet
    url = url or article.url
    reference = f"{outlet}, {day.isoformat()}" if outlet else None
    records, comments = [], []
    for f in kept:
        record, comment = _record(f, day, reference, url, event_start)
        records.append(record)
        comments.append(comment)
    fields: list[dict[str, Any]] = []
    wheres = []
    for record in records:
        where = _p._Where(name or "<article>", None)
        fields.append(_p.record_to_fields(record, where, Path.cwd()))
        wheres.append(where)
    _p.check_references(fields, wheres)
    claims_list = [Claim(**{**one, "path": None}) for one in fields]
    findings = find_findings(claims_list, 0.05)
    return Extraction(
        claims=claims_list,
        findings=findings,
        notes=notes,
        date=day,
        outlet=outlet,
        title=article.title,
        url=url,
        start=event_start,
        start_how=start_how,
        markup=article.markup,
        records=records,
        comments=comments,
    )


def _article_date(
    article: Article, whole: str, date: Any, parse_date: Any, name: str | None
) -> dt.date:
    if date is not None:
        try:
            day: dt.date = parse_date(date)
            return day
        except ValueError:
            raise ArticleError(f"{date!r} is not a date; write YYYY-MM-DD") from None
    found = article.date or find_date(
        "\n".join(filter(None, [article.title, whole[:3000]]))
    )
    if found is None:
        raise ArticleError(
            f"{name or 'the article'}: no date found in the page's metadata or the "
            "text; give the date it was published (--date YYYY-MM-DD, date=)"
        )
    return found


def _start(whole: str, start: Any, parse_date: Any) -> tuple[dt.date | None, str]:
    if start is not None:
        try:
            return parse_date(start), "given"
        except ValueError:
            raise ArticleError(f"{start!r} is not a date; write YYYY-MM-DD") from None
    for pattern, day, how in EVENTS:
        if re.search(pattern, whole):
            return day, how
    return None, ""


def _read_figures(
    article: Article, continental: bool, notes: list[str]
) -> list[_Figure]:
    """Every figure of the article, with the source its sentence names."""
    whole = "\n\n".join(article.paragraphs)
    speakers = Speakers(whole)
    out: list[_Figure] = []
    index = 0
    offset = 0
    previous: tuple[str, str | None] | None = None
    for p, paragraph in enumerate(article.paragraphs):
        if p in article.headings:
            notes.extend(
                f"left out {g.text!r} (in a headline, which restates the story): "
                f"{paragraph!r}"
                for g in find_figures(paragraph, continental=continental)
            )
            continue
        place: str | None = None  # a sentence naming no place is where the last was
        for k, sentence in enumerate(split_sentences(paragraph)):
            if k == 0:
                sentence = strip_dateline(sentence)
            if _KURSK.search(sentence):
                place = "kursk"
            elif _ELSEWHERE.search(sentence):
                place = "elsewhere"
            position = whole.find(sentence, offset)
            offset = max(offset, position)
            attribution = find_attribution(sentence)
            source: tuple[str, str | None] | None = None
            if attribution is not None:
                name, how = speakers.resolve(attribution.speaker, max(position, 0))
                source = (name, how or f"from {attribution.phrase!r}")
            figures = find_figures(sentence, continental=continental)
            for figure in figures:
                f = _Figure(figure, sentence, figures, index, p, place=place)
                if source is not None:
                    f.source, f.source_how = source
                elif previous is not None:
                    f.source = previous[0]
                    f.source_how = "named in the sentence before"
                if figure.ambiguous:
                    notes.append(
                        f"{figure.text!r} read as {figure.written} "
                        f"{_unit_word(figure.unit)}: the number reads two ways "
                        "and nothing in the text settles it"
                    )
                out.append(f)
            previous = source  # "the one before": one sentence back, no further
            index += 1
    return out


def _unit_word(unit: str) -> str:
    return {"km2": "km²", "mi2": "sq mi", "ha": "ha", "percent": "%"}[unit]


def _verbs(text: str) -> list[tuple[int, int, str, str]]:
    """Every control verb in `text`: (start, end, class, words), in order.

    "control" after a verb of taking is part of it ("seized control of").
    """
    found = []
    for name, pattern in _VERBS:
        for m in pattern.finditer(text):
            found.append((m.start(), m.end(), name, m.group(0)))
    found.sort()
    out: list[tuple[int, int, str, str]] = []
    for v in found:
        if out and v[0] < out[-1][1]:
            continue  # overlaps the one before (longer patterns come first)
        if (
            out
            and v[2] == "hold"
            and v[3].lower() == "control"
            and re.fullmatch(r"\s*(?:\w+\s+)?", text[out[-1][1] : v[0]])
        ):
            continue  # "seized control", "regained full control"
        out.append(v)
    return out


def _without_relatives(text: str) -> str:
    """Blank out relative clauses (", which was occupied by Ukraine,")."""
    return re.sub(
        r",\s*(?:which|who|that)\b[^,]*,",
        lambda m: " " * len(m.group(0)),
        text,
    )


def _side(text: str) -> str | None:
    """``russia`` or ``ukraine``: whose forces the words name (the last named)."""
    last = None
    for m in re.finditer(f"{_RUSSIAN.pattern}|{_UKRAINIAN.pattern}", text, re.I):
        last = "russia" if _RUSSIAN.fullmatch(m.group(0)) else "ukraine"
    return last


def _judge_kind(
    f: _Figure, day: dt.date, start: dt.date | None, notes: list[str]
) -> None:
    """Set what the figure claims (kind, since) from the verb that governs it."""
    s, fig = f.sentence, f.figure
    kursk = start is not None
    if kursk and f.place == "elsewhere":
        f.why_not = "about somewhere other than Kursk region"
        notes.append(_left_out(f))
        return
    left = _without_relatives(s[: fig.start])
    right = _without_relatives(s[fig.end :])
    # the verbs of the figure's own stretch of the sentence: back to the figure
    # before it, and on to the one after it; a figure compared with the one
    # before it ("down from 1,300 at its peak") shares that one's verb, and
    # is a claim only when the text says when it held
    left_from = _previous_end(f)
    if fig.elided:
        if not _PEAK.search(right[: _next_start(f)]):
            f.why_not = "compared with the figure before it, at a time not given"
            notes.append(_left_out(f))
            return
        left_from = 0
    verbs_left = [v for v in _verbs(left) if v[0] >= left_from]
    verb = verbs_left[-1] if verbs_left else None
    if verb and verb[3].lower() in ("area of", "size of") and len(verbs_left) > 1:
        verb = verbs_left[-2]  # "Ukraine held an area of 1,300 km²"
    side_text = ""
    passive = False
    if verb is not None:
        clause = left[: verb[0]]
        cut = max(
            clause.rfind(","),
            clause.rfind(";"),
            clause.rfind(" that "),
            clause.rfind(" and "),
            clause.rfind(" as "),
            clause.rfind(" while "),
        )
        side_text = clause[cut + 1 :] if cut >= 0 else clause
        # "..., leaving Kyiv with 100 km²": whoever is left with it holds it
        left_with = re.fullmatch(r"\w+\s+(.+?)\s+with", verb[3])
        if left_with and verb[2] == "hold":
            side_text = left_with.group(1)
    else:
        # passive, after the figure: "801 km² have been liberated"
        for v in _verbs(right[: _next_start(f)]):
            if _AUXILIARY.search(right[: v[0]].rstrip() + " ") or v[2] == "hold":
                verb, passive = v, True
                break
            break
        if verb is not None:
            by = re.search(r"\bby\s+([^,.;]+)", right[verb[1] :])
            side_text = by.group(1) if by else ""
            if verb[2] == "hold" and not by:
                side_text = right[verb[0] : verb[1] + 40]  # "under Ukrainian control"
    if verb is None and fig.unit == "percent":
        # "801 km², which is 63.2% of ...": a share of the figure beside it
        if any(g.unit != "percent" and _adjacent(s, fig, g) for g in f.siblings):
            f.kind, f.since = "share", "adjacent"
            f.denominator = _denominator(s[fig.core_end :])
        return  # else a percentage of something else: silent
    if verb is None:
        f.why_not = "no verb of taking, losing or holding ground governs it"
        notes.append(_left_out(f))
        return
    kind_of_verb = verb[2]
    if _is_change(verb[3]) and not re.search(r"\bsince\b", s, re.I):
        # "shrank by 300 km² in a week": a change over a time the claim
        # cannot carry; "shrunk by 75% since the peak" it can
        f.why_not = "a change over a period that does not start at a date or the peak"
        notes.append(_left_out(f))
        return
    side = _side(side_text)
    if side is None and re.search(r"\b(?:its|their|our)\b", side_text, re.I):
        side = _side(f.source)  # "its forces": the source's own side
    f.verb, f.side = verb[3], side
    # "at its peak" after the figure, unless it belongs to a figure compared
    # with it: "50 km², down from 1,300 at its peak"
    after = right[: _next_start(f)]
    compared = _COMPARED.search(after)
    after = after[: compared.start()] if compared else after
    peak = bool(_PEAK.search(left[left_from:] + " " + after))
    if kind_of_verb == "size":
        f.why_not = "the size of a place, not ground taken or held"
        notes.append(_left_out(f))
        return
    kind: str | None
    if kind_of_verb == "take":
        kind = "lost" if side == "russia" else "peak"
    elif kind_of_verb == "retake":
        kind = "lost"
    elif kind_of_verb == "lose":
        kind = None if side == "russia" else "lost"
    else:  # hold
        if side == "russia" and not passive:
            kind = None
        else:
            kind = "peak" if peak else "area"
    if kind is None:
        f.why_not = f"ground {'held' if kind_of_verb == 'hold' else 'lost'} by Russia"
        notes.append(_left_out(f))
        return
    if fig.unit == "percent":
        f.kind = "share"
        f.since = kind  # the kind of its part, until linked
        f.denominator = _denominator(s[fig.core_end :])
        return
    f.kind = kind
    if kind == "lost":
        f.since = _since(s, day)
        if isinstance(f.since, dt.date) and start is not None and f.since <= start:
            # "recaptured 1,100 km² since August": nothing was held before the
            # event began, so what was lost since then is lost since the peak
            f.since_text = f.since
            f.since = "peak"
    f.as_of = _as_of(s, fig, day)


def _is_change(verb: str) -> bool:
    """Tell a verb of change by an amount: "shrunk by", "fell by"."""
    return verb.lower().endswith(" by")


def _denominator(rest: str) -> str:
    """Tell what a percentage is of: ``peak`` (the ground taken) or ``region``."""
    m = re.match(r"\s*(?:of|от)\s+(?P<np>[^.;]*)", rest)
    if not m:
        return "peak"  # "retaken 64%": of what Ukraine took
    np = m.group("np")
    if re.search(_TAKE + "|" + _HOLD, np, re.I) or _PEAK.search(np):
        return "peak"
    whole_region = re.match(
        r"(?:the\s+)?(?:southwestern\s+|western\s+)?(?:Kursk\s+)?(?:region|oblast)\b",
        np,
        re.I,
    )
    return "peak" if _TERRITORY.search(np) and not whole_region else "region"


def _previous_end(f: _Figure) -> int:
    """Where the figure before this one in its sentence ends (0: none)."""
    ends = [g.end for g in f.siblings if g.end <= f.figure.start]
    return max(ends, default=0)


def _next_start(f: _Figure) -> int:
    """Where the figure after this one begins, counted from this one's end."""
    starts = [g.start - f.figure.end for g in f.siblings if g.start >= f.figure.end]
    return min(starts, default=len(f.sentence))


def _as_of(sentence: str, fig: Figure, day: dt.date) -> dt.date | None:
    """Find the day a figure is given for, when the text says ("as of 10 March").

    Only "as of DATE", or "on DATE" just after the figure: a date elsewhere
    in the sentence may be when something else happened.
    """
    spots = [m.end() for m in re.finditer(r"\bas of\s+", sentence, re.I)]
    after = re.match(r"[^.;]{0,40}?\bon\s+", sentence[fig.end :])
    if after:
        spots.append(fig.end + after.end())
    for at in spots:
        text = sentence[at : at + 30]
        found = find_date(text) or _yearless(text, day)
        if found is not None and found < day and sentence[at:].strip():
            return found
    return None


_DAY_MONTH = re.compile(
    rf"(?:(?P<d1>\d{{1,2}}) (?P<m1>{_MONTH_RE})\b|"
    rf"(?P<m2>{_MONTH_RE})\.? (?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b)",
    re.IGNORECASE,
)


def _yearless(text: str, day: dt.date) -> dt.date | None:
    """Read "March 19" or "19 March" at the start of `text`: the last by `day`."""
    m = _DAY_MONTH.match(text)
    if m is None:
        return None
    month, d = MONTHS[(m["m1"] or m["m2"]).lower()], int(m["d1"] or m["d2"])
    for year in (day.year, day.year - 1):
        try:
            found = dt.date(year, month, d)
        except ValueError:
            continue
        if found <= day:
            return found
    return None


def _since(sentence: str, day: dt.date) -> dt.date | str:
    """Tell what ground lost is counted from.

    "Since the start of the year", a date, or (as a rule, and for "since
    then") the peak.
    """
    m = re.search(
        r"\bsince the (?:start|beginning) of (?:the year|this year|(?P<y>20\d\d))",
        sentence,
        re.I,
    )
    if m:
        return dt.date(int(m["y"]) if m["y"] else day.year, 1, 1)
    m = re.search(
        rf"\bsince (?:(?P<d1>\d{{1,2}}) (?P<m1>{_MONTH_RE})\.?|"
        rf"(?P<m2>{_MONTH_RE})\.? (?P<d2>\d{{1,2}})(?:st|nd|rd|th)?|"
        rf"(?P<m3>{_MONTH_RE})\b)(?:,? (?P<y>20\d\d))?",
        sentence,
        re.I,
    )
    if m:
        month = MONTHS[(m["m1"] or m["m2"] or m["m3"]).lower()]
        d = int(m["d1"] or m["d2"] or 1)
        year = int(m["y"]) if m["y"] else day.year
        try:
            since = dt.date(year, month, d)
        except ValueError:
            return "peak"
        if since > day and not m["y"]:
            since = since.replace(year=year - 1)
        return since if since <= day else "peak"
    return "peak"


def _left_out(f: _Figure) -> str:
    sentence = f.sentence if len(f.sentence) <= 90 else f.sentence[:87] + "..."
    return f"left out {f.figure.text!r} ({f.why_not}): {sentence!r}"


def _link_shares(figures: list[_Figure], notes: list[str]) -> None:
    """Link each share to the figures it is a share of, where the text allows."""
    areas = [f for f in figures if f.kind not in (None, "share")]
    for f in figures:
        if f.kind != "share":
            continue
        part_kind = str(f.since)
        f.since = None
        if f.denominator == "region":
            # "4% of the Kursk region": of the region it is checked in, when
            # that is the one the share names
            named = f.sentence[f.figure.core_end :][:60]
            beside = [
                a
                for a in areas
                if a.index == f.index and _adjacent(f.sentence, f.figure, a.figure)
            ]
            if _ELSEWHERE.search(named) or not (beside or part_kind in _MEASURED_AS):
                f.why_not = "a share of another region, or of no ground the maps show"
                notes.append(_left_out(f))
                continue
            f.part = beside[0] if beside else _MEASURED_AS[part_kind]
            f.of = REGION
            if not f.source and beside:
                f.source, f.source_how = beside[0].source, "the source of its figure"
            continue
        same = [a for a in areas if a.index == f.index]
        beside = [a for a in same if _adjacent(f.sentence, f.figure, a.figure)]
        if part_kind == "adjacent":
            part = beside[0] if beside else None
            part_kind = part.kind if part is not None and part.kind else "lost"
        else:
            part = next((a for a in beside if a.kind == part_kind), None)
            part = part or _nearest(f, [a for a in areas if a.kind == part_kind])
        of = _nearest(f, [a for a in areas if a.kind == "peak" and a is not part])
        # without figures to rest on, a share must say it is one of ground
        # ("64% of that territory"), not just stand near a verb of ground
        of_what = re.match(
            r"[\s,]*(?:(?:of|от)\s+|(?=[а-яё]))([^.;]*)",  # Russian: a genitive
            f.sentence[f.figure.core_end :],
            re.IGNORECASE,
        )
        said = bool(of_what and _TERRITORY.search(of_what.group(1))) or bool(
            # "the foothold has shrunk by 75%": a share of the ground named
            _is_change(f.verb or "")
            and _HELD_GROUND.search(f.sentence[: f.figure.start])
        )
        if (part is None or of is None) and not said:
            f.why_not = (
                f"a share of figures the text does not give: no figure of ground "
                f"{_KIND_WORDS[part_kind]} near it"
                if part is None
                else "a share of the ground taken at the peak, which the text "
                "gives no figure of"
            )
            notes.append(_left_out(f))
            continue
        if part_kind not in _MEASURED_AS:
            f.why_not = f"a share of ground {part_kind}, which the maps do not measure"
            notes.append(_left_out(f))
            continue
        # a figure the text does not give is measured on the maps instead
        f.part = part or _MEASURED_AS[part_kind]
        f.of = of or _MEASURED_AS["peak"]
        if not f.source and part is not None:
            f.source, f.source_how = part.source, "the source of the figure it shares"


#: The quantity of the maps a share stands on, by the kind of its part
#: (:data:`kurskgeo.claims._parse.MEASURED`).
_MEASURED_AS = {
    "lost": "ground lost since the peak",
    "area": "ground held",
    "peak": "ground at the peak",
}


_ALSO_UNIT = {"km2": "km2", "mi2": "sq mi", "ha": "ha"}
_KIND_WORDS = {"lost": "lost", "area": "held", "peak": "taken"}


def _adjacent(s: str, share: Figure, area: Figure) -> bool:
    """'63.2% or 801 km²', '801 km², which amounts to 63.2%': the same figure."""
    a, b = sorted((share, area), key=lambda g: g.start)
    between = s[a.end : b.start]
    return bool(
        re.fullmatch(
            r"[\s,]*(?:or|i\.e\.|—|–|-|that is)?[\s,]*"
            r"|.{0,60}\b(?:which|amount\w*|represent\w*|or|equal\w*|constitut\w*|"
            r"что составляет|или)\b.{0,30}",
            between,
            re.I,
        )
    )


def _nearest(f: _Figure, candidates: list[_Figure]) -> _Figure | None:
    """Return the candidate nearest `f` in the text, within three sentences."""
    near = [c for c in candidates if abs(c.index - f.index) <= 3]
    if not near:
        return None
    return min(near, key=lambda c: (abs(c.index - f.index), c.index > f.index))


def _name(figures: list[_Figure]) -> None:
    """Give each claim an id: who said it, and what ("rdm-seized")."""
    word = {"peak": "seized", "lost": "retaken", "area": "held", "share": "share"}
    seen: dict[str, int] = {}
    for f in figures:
        who = re.split(r",", f.source or "")[0]
        who = re.sub(r"['’]s\b", "", who)
        words = re.findall(r"[A-Za-z0-9]+", _ascii(who).lower())
        words = [w for w in words if w not in ("the", "of", "a", "an")][:3]
        base = "-".join([*words, word[str(f.kind)]]) if words else word[str(f.kind)]
        seen[base] = seen.get(base, 0) + 1
        f.id = base if seen[base] == 1 else f"{base}-{seen[base]}"


_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f h ts ch sh sch - y - e yu "
        "ya".split(),
        strict=True,
    )
)


def _ascii(text: str) -> str:
    return "".join(
        _TRANSLIT.get(c.lower(), c).replace("-", "") if not c.isascii() else c
        for c in text
    )


def _record(
    f: _Figure,
    day: dt.date,
    reference: str | None,
    url: str | None,
    start: dt.date | None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the claims-file record of a figure, and the comments on it."""
    fig = f.figure
    record: dict[str, Any] = {
        "id": f.id,
        "date": day.isoformat(),
        "as_of": f.as_of.isoformat() if f.as_of else None,
        "source": f.source or None,
        "statement": f.sentence,
        "value": fig.written,
        "unit": fig.unit,
    }
    comments: dict[str, str] = {}
    if fig.also is not None:
        record["also"] = f"{fig.also.written} {_ALSO_UNIT[fig.also.unit]}"
        if fig.also.unit == fig.unit:
            comments["also"] = (
                f"printed {fig.also.text!r} beside {fig.text!r}: see the findings"
            )
    record["qualifier"] = fig.qualifier or "about"
    if fig.qualifier is None:
        comments["qualifier"] = "no qualifier printed"
    record["kind"] = f.kind
    verb = f"{f.verb!r}" + (f" ({f.side.capitalize()}'s side)" if f.side else "")
    measured = False
    if f.kind == "share":
        assert f.part is not None and f.of is not None
        ends = [x if isinstance(x, str) else x.id for x in (f.part, f.of)]
        record["part"], record["of"] = ends
        measured = isinstance(f.part, str) or isinstance(f.of, str)
        comments["kind"] = (
            "guess: a share of the ground taken at the peak, "
            + (
                "measured on the maps where the text gives no figure"
                if measured
                else "linked to the figures nearest it"
            )
            + f", from {verb}; confirm"
        )
    else:
        what = {
            "peak": "ground taken at the peak, since the start",
            "lost": "ground lost since",
            "area": "ground held on the date",
        }[str(f.kind)]
        comments["kind"] = f"guess from {verb}: {what}; confirm"
        if f.kind == "lost":
            record["since"] = (
                "peak" if f.since == "peak" else dt.date.isoformat(f.since)  # type: ignore[arg-type]
            )
            comments["since"] = "guess: " + (
                "the date the text gives"
                if f.since != "peak"
                else "since the peak"
                if f.since_text is None
                else f"since the peak: the text's {f.since_text.isoformat()} is not "
                "after the event began, when nothing was held yet"
            )
    if f.kind != "share" or measured:  # a linked share reads its figures' zones
        deepstate = "deepstate" in (f.source or "").lower()
        record["zone"] = ["liberated"] if deepstate else ["liberated", "contested"]
        comments["zone"] = (
            "guess: DeepState's own figure, its Ukrainian-held layer; confirm"
            if deepstate
            else "guess: the ground Ukraine held, grey zone included; confirm"
        )
    if start is not None:
        record["start"] = start.isoformat()
    if reference:
        record["reference"] = reference
    if url:
        record["url"] = url
    if f.as_of:
        comments["as_of"] = "the day the text gives for the figure"
    if not f.source:
        comments["source"] = "no attribution found: give who said it"
    elif f.source_how:
        comments["source"] = f.source_how
    return {k: v for k, v in record.items() if v is not None}, comments
