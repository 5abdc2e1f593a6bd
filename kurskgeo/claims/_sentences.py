"""Sentences, and who made each statement: attributions and what they refer to.

Private to :mod:`kurskgeo.claims` (see :func:`kurskgeo.claims.extract_claims`).
A wire story names its source once in full ("according to the Russian Defence
Ministry") and then by a pronoun or a common noun ("the ministry said", "he
added"); :class:`Speakers` follows those back to the full name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "Attribution",
    "Speakers",
    "find_attribution",
    "split_sentences",
    "strip_dateline",
]

_DATELINE = re.compile(
    r"^[A-ZА-ЯЁ][A-ZА-ЯЁ.'’ -]{1,30}"  # MOSCOW / KYIV / NEW YORK
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.? \d{1,2}(?:,? \d{4})?"  # , Jan. 17, 2025
    r"|\d{1,2} [A-Z][a-z]{2,8}\.?(?: \d{4})?))?"  # , 12 March 2025
    r"\s*(?:\([^()]{1,30}\)\s*)?"  # (Reuters)
    r"(?:[-–—:]+)\s+(?=\S)"
)


def strip_dateline(sentence: str) -> str:
    """Take a dateline off the first sentence of a story.

    Examples
    --------
    >>> strip_dateline("MOSCOW, Jan. 17, 2025 - Russia's military said ...")
    "Russia's military said ..."
    >>> strip_dateline("KYIV (Reuters) - Ukraine said ...")
    'Ukraine said ...'
    >>> strip_dateline("KYIV, 12 March 2025 — Ukraine said ...")
    'Ukraine said ...'
    """
    m = _DATELINE.match(sentence)
    return sentence[m.end() :] if m else sentence


# words a full stop does not end a sentence after
_ABBREVIATIONS = frozenset(
    (
        "mr mrs ms dr gen col lt maj sgt capt cpt gov sen rep st jan feb mar apr jun "
        "jul aug sep sept oct nov dec no vol vs etc approx sq km mi inc corp jr sr "
        "u.s u.k u.n e.u a.m p.m e.g i.e cf fig kv ul pres adm brig cmdr lieut "
        "кв тыс млн г гг ул им т.е т.д т.к"
    ).split()
)
_END = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s+[\"“‘«(\[]?[A-ZА-ЯЁ0-9])")


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences, keeping abbreviations and initials whole.

    Examples
    --------
    >>> split_sentences("Gen. Sergei Rudskoi spoke on Jan. 17. Moscow agreed.")
    ['Gen. Sergei Rudskoi spoke on Jan. 17.', 'Moscow agreed.']
    """
    out: list[str] = []
    begin = 0
    for m in _END.finditer(paragraph):
        word = re.search(r"([\w.]+)$", paragraph[begin : m.start()])
        token = word.group(1).lower().rstrip(".") if word else ""
        if m.group(0).startswith(".") and (
            token in _ABBREVIATIONS or re.fullmatch(r"[^\W\d_]", token)
        ):
            continue  # "Gen. Rudskoi", "V. Putin", "Jan. 17"
        out.append(paragraph[begin : m.end()].strip())
        begin = m.end()
    rest = paragraph[begin:].strip()
    if rest:
        out.append(rest)
    return out


_SAY = (
    r"(?:said|says|say|stated|states|reported|reports|announced|announces|claimed|"
    r"claims|added|adds|estimated|estimates|estimate|believes|wrote|writes|told|"
    r"tells|noted|notes|declared|insisted|assessed|assesses|acknowledged|admitted|"
    r"confirmed|confirms|calculated|calculates|put it|reckons|showed|shows)"
)
_DAYS = (
    r"(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|"
    r"yesterday|earlier|late|this week|last week)"
)
#: How reported speech begins without "that": "X said Ukrainian forces hold ...".
_CLAUSE = (
    r"(?=(?:Ukrainian|Russian|Ukraine|Russia|Kyiv|Moscow|its|their|his|her|it|they|"
    r"he|she|we|the|The)\s|to have\s|\d)"
)
_NOT_SPEAKER = re.compile(
    r"\b(?:square|sq|km|kilomet|mile|hectare|percent|per cent)\b|%|\d", re.IGNORECASE
)


def _undated(text: str) -> str:
    """Take a date off the start of a speaker's words ("17 января 2025 года ...")."""
    return re.sub(
        r"^\s*(?:\d{1,2}\s+[^\W\d_]+\.?(?:\s+\d{4})?(?:\s+года)?|"
        r"[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)\s*,?\s+",
        "",
        text,
    )


@dataclass(frozen=True)
class Attribution:
    """Who a sentence says made a statement, as written, and how it was found."""

    speaker: str  # as written, cleaned: "the ministry", "Russian Defence Ministry"
    how: str  # "according to", "said", ...
    phrase: str  # the words of the attribution, for comments


def _clean(speaker: str) -> str:
    s = speaker.strip(" ,;:\"'“”«»()[]—–-")
    # relative clauses say more about the speaker, they are not its name
    s = re.sub(r",\s*(?:which|who|whose|that)\b[^,]*(?:,|$)", "", s)
    s = re.sub(r"\s+", " ", s).strip(" ,")
    # time and channel words after the name: "the ministry in a statement"
    s = re.split(
        r"\s+(?:in a|in an|on its|on his|on her|on their|on Telegram|on X|"
        r"on Friday|on Thursday|on Wednesday|on Tuesday|on Monday|on Saturday|"
        r"on Sunday|late on|earlier|this week|last week|on \w+day)\b",
        s,
    )[0]
    s = re.sub(r"^(?:the|The)\s+(?=\S)", "", s) if not _is_reference(s) else s
    return s.strip(" ,")


def _is_reference(s: str) -> bool:
    """Tell a pronoun, or a common noun that stands for a name ("the ministry")."""
    return bool(
        re.fullmatch(
            r"(?:he|she|it|they|him|her|them|он|она|оно|они)"
            r"|(?:the|The|its|his|her|their)\s+(?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*",
            s.strip(),
        )
    )


def find_attribution(sentence: str) -> Attribution | None:
    """Find the attribution of a sentence, if it has one.

    Examples
    --------
    >>> find_attribution("Since then, Russian forces have retaken 801 "
    ...                  "square kilometers, the ministry said in a statement.")
    Attribution(speaker='the ministry', how='said', phrase='the ministry said')
    >>> find_attribution("The DeepState military blog, which has ties to the "
    ...                  "army, estimates that Kyiv controls 420 km².").speaker
    'DeepState military blog'
    """
    s = sentence.strip()
    # "..., according to the Russian Defence Ministry." / "по данным Минобороны"
    m = re.search(
        r"\b(?:according to|citing|по данным|по словам|как сообщает|как сообщили в)"
        r"\s+(?P<x>[^,.;:\"“”]+(?:,\s*(?:which|who)\b[^,.;]*)?)",
        s,
        re.IGNORECASE,
    )
    if m and not _NOT_SPEAKER.search(m.group("x")):
        how = m.group(0)[: m.start("x") - m.start()].strip().lower()
        return Attribution(_clean(m.group("x")), how, m.group(0).strip())
    # '"...," Sergei Rudskoi, first deputy head of ..., told Krasnaya Zvezda.'
    m = re.search(
        r"[,.!?][\"”’»]\s+(?P<x>[^\"“”]+?)\s+" + _SAY + r"\b[^\"“”]*$",
        s,
    )
    if m and not _NOT_SPEAKER.search(m.group("x")):
        return Attribution(_clean(m.group("x")), "said", m.group(0).strip(' ,."”'))
    m = re.search(r"[,.!?][\"”’»]\s+" + _SAY + r"\s+(?P<x>[^,.;]+)", s)
    if m and not _NOT_SPEAKER.search(m.group("x")):
        return Attribution(_clean(m.group("x")), "said", m.group(0).strip(' ,."”'))
    # "..., the ministry said in a statement." / "..., said Sergei Rudskoi."
    m = re.search(
        r",\s+(?P<x>[^,\"“”]+?(?:,[^,\"“”]+,)?)\s+(?P<v>" + _SAY + r")\b[^,\"“”]*$",
        s,
    )
    if m and not _NOT_SPEAKER.search(m.group("x")):
        return Attribution(
            _clean(m.group("x")), "said", f"{m.group('x').strip()} {m.group('v')}"
        )
    m = re.search(r",\s+" + _SAY + r"\s+(?P<x>[^,.;]+)[^,]*$", s)
    if m and not _NOT_SPEAKER.search(m.group("x")):
        return Attribution(_clean(m.group("x")), "said", m.group(0).strip(" ,."))
    # "DeepState, a mapping project, put the area held by Kyiv at 150 km²"
    m = re.match(
        r"(?P<x>[^\"“”]+?)\s+(?P<v>put|puts|placed|places|gave|gives|estimated|"
        r"estimates|assessed|assesses)\s+(?:the|its|their)\s+[^\d\"“”]{0,80}?\bat\s",
        s,
    )
    if m and not _NOT_SPEAKER.search(m.group("x")):
        x = _undated(m.group("x"))
        return Attribution(_clean(x), "said", f"{x.strip()} {m.group('v')}")
    # "Russia's military said Friday that ...", "DeepState estimates that ..."
    m = re.match(
        r"(?P<x>[^\"“”]+?)\s+(?P<v>" + _SAY + r")\b(?:\s+" + _DAYS + r")?"
        r"(?:\s+(?:on|in)\s+[^,]{0,40}?)?,?\s+(?:that\b|[\"“:]|" + _CLAUSE + ")",
        s,
    )
    if m and not _NOT_SPEAKER.search(_undated(m.group("x"))):
        x = _undated(m.group("x"))
        # a leading adverbial is not the speaker: "Last week, Syrsky said ..."
        lead = re.match(
            r"(?:Last|On|In|Earlier|Meanwhile|Following|Since|After|Later|Late|This|"
            r"Separately|However|Also|Now|Today|Yesterday|Then|By)\b[^,]*,\s*",
            x,
        )
        if lead:
            x = x[lead.end() :]
        return Attribution(_clean(x), "said", f"{x.strip()} {m.group('v')}")
    # Russian: "..., сообщили в Минобороны." / "Минобороны сообщило, что ..."
    m = re.search(
        r"(?:сообщил[аио]?|заявил[аио]?|сообщили|заявили)\s+(?:в\s+)?"
        r"(?P<x>[^,.;]+)[.!]?$",
        s,
    )
    if m and not _NOT_SPEAKER.search(m.group("x")):
        return Attribution(_clean(m.group("x")), "said", m.group(0).strip(" ."))
    m = re.match(
        r"(?P<x>[^,\"“”«»]+?)\s+(?:сообщил[аио]?|заявил[аио]?|сообщили|заявили)"
        r"(?![а-я])",
        s,
    )
    if m and not _NOT_SPEAKER.search(_undated(m.group("x"))):
        x = _undated(m.group("x"))
        return Attribution(_clean(x), "said", m.group(0).strip())
    return None


#: A country's military, named without naming who spoke for it.
_GENERIC = re.compile(
    r"(?:(?:Russia|Ukraine)['’]s|the\s+(?:Russian|Ukrainian))\s+"
    r"(?:military|army|armed forces|defen[cs]e ministry)|the\s+(?:military|army)",
    re.IGNORECASE,
)
#: Who speaks for a military: its ministry or its general staff.
_MILITARY = re.compile(
    r"(?:[A-Z][\w'’]*\s+){1,3}(?:Defen[cs]e Ministry|General Staff)"
    r"|Ministry of Defen[cs]e(?: of (?:the )?[A-Z][\w'’]*(?: [A-Z][\w'’]*)*)?"
    r"|(?:[A-Z][\w'’]*\s+){1,2}Ministry of Defen[cs]e"
)


@dataclass
class Speakers:
    """Names met so far in the text, to resolve "the ministry" and "he"."""

    text: str  # the whole article, for names met outside attributions
    resolved: list[str]

    def __init__(self, text: str) -> None:
        self.text = text
        self.resolved = []

    def resolve(self, speaker: str, position: int) -> tuple[str, str | None]:
        """Return the full name `speaker` stands for, and how it was resolved.

        `position` is where the sentence begins in the text: names written
        before it win over names written after it.
        """
        s = speaker.strip()
        how: str | None = None
        if re.fullmatch(r"(?:he|she|it|they|him|her|them|он|она|оно|они)", s, re.I):
            if self.resolved:
                how = f"{s!r} taken as the last source named"
                s = self.resolved[-1]
        elif _GENERIC.fullmatch(s):
            full = self._military(s, position)
            if full is not None:
                how = f"{s!r} taken as {full!r}, named in the text"
                s = full
        elif _is_reference(s):
            head = s.split()[-1].lower()
            full = self._named(head, position)
            if full is not None:
                how = f"{s!r} taken as {full!r}, named in the text"
                s = full
        elif re.fullmatch(r"[A-ZА-ЯЁ][\w'’-]+", s):  # a surname alone
            full = next(
                (r for r in reversed(self.resolved) if re.search(rf"\b{s}\b", r)),
                None,
            )
            if full is None:
                m = re.search(
                    rf"\b(?:[A-ZА-ЯЁ][\w'’.-]+\s+){{1,2}}{re.escape(s)}\b", self.text
                )
                full = m.group(0) if m else None
            if full is not None and full != s:
                how = f"{s!r} taken as {full!r}"
                s = full
        self.resolved.append(s)
        return s, how

    def _military(self, generic: str, position: int) -> str | None:
        """Find the ministry or staff that "Russia's military" stands for."""
        country = re.match(r"(?:the\s+)?(Russia|Ukrain)", generic, re.IGNORECASE)
        found = []
        for m in _MILITARY.finditer(self.text):
            name = re.sub(r"^(?:The|the)\s+", "", m.group(0))
            if country and not re.search(country.group(1), name, re.IGNORECASE):
                continue
            found.append((m.start(), name))
        if not found:
            return None
        before = [n for at, n in found if at < position]
        return before[-1] if before else found[0][1]

    def _named(self, head: str, position: int) -> str | None:
        """Find the last name before `position` ending in `head` ("... Ministry")."""
        for r in reversed(self.resolved):
            if re.search(rf"\b{re.escape(head)}\b", r, re.IGNORECASE) and not (
                _is_reference(r)
            ):
                return r
        name = (
            r"(?:[A-ZА-ЯЁ][\w'’-]*\s+(?:(?:[A-ZА-ЯЁ][\w'’-]*|of|for|the)\s+){0,4})?"
            rf"(?i:{re.escape(head)})(?:\s+of(?:\s+(?:the\s+)?[A-Z][\w'’-]*)+)?"
        )
        found = [
            m
            for m in re.finditer(rf"(?<![\w-]){name}", self.text)
            if m.group(0)[0].isupper() and len(m.group(0).split()) > 1
        ]
        if not found:
            return None
        before = [m for m in found if m.start() < position]
        m = before[-1] if before else found[0]
        return re.sub(r"^(?:The|the)\s+", "", m.group(0))
