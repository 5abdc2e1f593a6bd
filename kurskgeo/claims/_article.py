"""An article as text: HTML or Markdown stripped to paragraphs, and its metadata.

Private to :mod:`kurskgeo.claims` (see :func:`kurskgeo.claims.extract_claims`).
HTML is read with the standard library's :class:`html.parser.HTMLParser` (a
tolerant parser that keeps up with the HTML the standard allows, entities
included), never with regular expressions over tags. Markdown needs no parser
to be read as text: its markup is a few marks at the start of a line and
around words, taken off line by line.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["Article", "find_date", "read_text"]


@dataclass(frozen=True)
class Article:
    """The text of an article in paragraphs, and what its page says about it."""

    paragraphs: tuple[str, ...]
    markup: str  # "html", "markdown" or "text"
    headings: frozenset[int] = frozenset()  # paragraphs that are headlines
    title: str | None = None
    date: dt.date | None = None
    outlet: str | None = None
    url: str | None = None
    meta: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- HTML

#: Elements whose text is never part of the story.
_SKIP = frozenset(
    (
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "nav",
        "footer",
        "aside",
        "form",
        "button",
        "select",
        "figure",
        "iframe",
        "head",
    )
)
#: Elements that end a paragraph.
_BLOCK = frozenset(
    (
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "article",
        "section",
        "main",
        "header",
        "blockquote",
        "tr",
        "td",
        "th",
        "table",
        "hr",
        "dd",
        "dt",
        "pre",
    )
)
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_VOID = frozenset(
    ("br", "hr", "img", "meta", "link", "input", "area", "base", "col", "wbr")
)


class _PageReader(HTMLParser):
    """Collect the page's paragraphs and metadata.

    Only those inside <article> or <main> when there is one: a saved page also
    holds menus, teasers and other stories.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] = []
        self.jsonld: list[str] = []
        self.times: list[str] = []
        self.headings: list[list[str]] = []
        self._stack: list[str] = []
        self._skip = 0
        self._in_title = False
        self._in_jsonld = False
        self._region: dict[str, list[list[str]]] = {"body": [[]]}
        self._open_regions: list[str] = []

    # each of body, main and article gets its own list of paragraphs
    def _targets(self) -> list[list[list[str]]]:
        return [self._region["body"], *(self._region[r] for r in self._open_regions)]

    def _break(self) -> None:
        for paras in self._targets():
            if paras[-1]:
                paras.append([])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (
                a.get("property") or a.get("name") or a.get("itemprop") or ""
            ).lower()
            if key and a.get("content") and key not in self.meta:
                self.meta[key] = a["content"].strip()
            return
        if tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.meta.setdefault("canonical", a.get("href", "").strip())
            return
        if tag == "time" and a.get("datetime"):
            self.times.append(a["datetime"])
        if tag == "title":
            self._in_title = True
        if tag == "script" and "ld+json" in a.get("type", "").lower():
            self._in_jsonld = True
        if tag in _VOID:
            if tag in _BLOCK:
                self._break()
            return
        self._stack.append(tag)
        if tag in _SKIP:
            self._skip += 1
        if tag in _HEADINGS and not self._skip:
            self.headings.append([])
        if tag in ("article", "main") and not self._skip:
            key = f"{tag}{len(self._region)}"
            self._region[key] = [[]]
            self._open_regions.append(key)
        if tag in _BLOCK:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag == "script":
            self._in_jsonld = False
        if tag in _VOID or tag not in self._stack:
            return
        # close everything opened since (HTML lets many end tags be left out)
        while self._stack:
            top = self._stack.pop()
            if top in _SKIP:
                self._skip -= 1
            if top in ("article", "main") and self._open_regions:
                self._open_regions.pop()
            if top == tag:
                break
        if tag in _BLOCK:
            self._break()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
            return
        if self._in_jsonld:
            self.jsonld.append(data)
            return
        if self._skip:
            return
        if any(t in _HEADINGS for t in self._stack) and self.headings:
            self.headings[-1].append(data)
        for paras in self._targets():
            paras[-1].append(data)

    def paragraphs(self) -> list[str]:
        """Return the paragraphs of the longest <article>, else <main>, else body."""
        regions = {k: [_squash("".join(p)) for p in v] for k, v in self._region.items()}
        regions = {k: [p for p in v if p] for k, v in regions.items()}
        for kind in ("article", "main"):
            found = [v for k, v in regions.items() if k.startswith(kind)]
            if found:
                return max(found, key=lambda v: sum(len(p) for p in v))
        return regions["body"]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


def _read_html(text: str) -> Article:
    page = _PageReader()
    page.feed(text)
    page.close()
    meta = page.meta
    ld = _jsonld(page.jsonld)
    date = None
    for key in (
        "article:published_time",
        "og:article:published_time",
        "datepublished",
        "date",
        "dc.date",
        "dcterms.date",
        "pubdate",
        "publishdate",
        "sailthru.date",
        "parsely-pub-date",
    ):
        date = _iso_date(meta.get(key))
        if date:
            break
    date = (
        date
        or _iso_date(ld.get("datePublished"))
        or next((d for d in map(_iso_date, page.times) if d), None)
    )
    outlet = (
        meta.get("og:site_name")
        or meta.get("application-name")
        or ld.get("publisher")
        or None
    )
    title = (
        meta.get("og:title")
        or ld.get("headline")
        or _squash("".join(page.title_parts))
        or None
    )
    url = meta.get("og:url") or meta.get("canonical") or ld.get("url") or None
    paragraphs = tuple(page.paragraphs())
    heads = {_squash("".join(h)) for h in page.headings} | {title or ""}
    return Article(
        paragraphs,
        "html",
        headings=frozenset(i for i, p in enumerate(paragraphs) if p in heads),
        title=title,
        date=date,
        outlet=outlet,
        url=url,
        meta=meta,
    )


def _jsonld(chunks: list[str]) -> dict[str, str]:
    """Read the date, headline, url and publisher's name of a page's JSON-LD."""
    out: dict[str, str] = {}
    for chunk in chunks:
        try:
            doc = json.loads(chunk)
        except ValueError:
            continue
        items = doc if isinstance(doc, list) else doc.get("@graph", [doc])
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            for key in ("datePublished", "headline", "url"):
                if isinstance(item.get(key), str):
                    out.setdefault(key, item[key])
            pub = item.get("publisher")
            if isinstance(pub, dict) and isinstance(pub.get("name"), str):
                out.setdefault("publisher", pub["name"])
    return out


def _iso_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


# ---------------------------------------------------------------- Markdown

_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def _read_markdown(text: str) -> Article:
    meta: dict[str, str] = {}
    m = _FRONT.match(text)
    if m:
        for line in m.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip():
                meta[key.strip().lower()] = value.strip().strip("'\"")
        text = text[m.end() :]
    paragraphs: list[str] = []
    heads: set[str] = set()
    current: list[str] = []
    title = None
    fence = False
    for raw in text.splitlines():
        line = raw.rstrip()
        if re.match(r"^\s*(```|~~~)", line):
            fence = not fence
            continue
        if fence or re.match(r"^\s*(\||[-*_]{3,}\s*$)", line):
            continue  # code, tables and rules say nothing in sentences
        heading = re.match(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if heading or not line.strip():
            if current:
                paragraphs.append(" ".join(current))
                current = []
            if heading:
                title = title or _inline(heading.group(2))
                paragraphs.append(_inline(heading.group(2)))
                heads.add(_squash(_inline(heading.group(2))))
            continue
        line = re.sub(r"^\s*(>\s*)+", "", line)  # quotes
        line = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line)  # list items
        if re.match(r"^\s*(?:[-*+]|\d+[.)])\s+", raw) and current:
            paragraphs.append(" ".join(current))
            current = []
        current.append(_inline(line))
    if current:
        paragraphs.append(" ".join(current))
    kept = tuple(p for p in (_squash(p) for p in paragraphs) if p)
    return Article(
        kept,
        "markdown",
        headings=frozenset(i for i, p in enumerate(kept) if p in heads),
        title=meta.get("title") or title,
        date=_iso_date(meta.get("date") or meta.get("published")),
        outlet=meta.get("outlet") or meta.get("publisher") or meta.get("site"),
        url=meta.get("url") or None,
        meta=meta,
    )


def _inline(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links
    text = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", text)  # reference links
    text = re.sub(r"`([^`]*)`", r"\1", text)
    # emphasis: *a*, **a**, _a_ (not the underscores inside words)
    text = re.sub(r"(\*{1,3})(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = re.sub(r"(?<!\w)(_{1,3})(?=\S)(.+?)(?<=\S)\1(?!\w)", r"\2", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!])", r"\1", text)
    return text


# ---------------------------------------------------------------- plain text


def _read_plain(text: str) -> Article:
    paragraphs = tuple(p for p in (_squash(p) for p in re.split(r"\n\s*\n", text)) if p)
    # a line with no full stop at its end is a headline
    heads = frozenset(
        i
        for i, p in enumerate(paragraphs)
        if len(p) < 200 and not re.search(r"[.!?…:;\"”»)]$", p)
    )
    title = paragraphs[min(heads)] if heads and min(heads) == 0 else None
    return Article(paragraphs, "text", headings=heads, title=title)


def markup_of(text: str, name: str | None = None) -> str:
    """``html``, ``markdown`` or ``text``: from a file's suffix, else its start."""
    suffix = (name or "").lower().rpartition(".")[2] if name and "." in name else ""
    if suffix in ("html", "htm", "xhtml"):
        return "html"
    if suffix in ("md", "markdown"):
        return "markdown"
    if suffix == "txt":
        return "text"
    head = text.lstrip()[:2000].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) or re.search(
        r"<(html|body|article|p|div)[\s>]", head
    ):
        return "html"
    if _FRONT.match(text) or re.search(r"^#{1,6}\s|\]\(http", text, re.MULTILINE):
        return "markdown"
    return "text"


def read_text(text: str, markup: str = "auto", name: str | None = None) -> Article:
    """Read an article given as HTML, Markdown or plain text."""
    kind = markup_of(text, name) if markup == "auto" else markup
    if kind == "html":
        return _read_html(text)
    if kind == "markdown":
        return _read_markdown(text)
    if kind == "text":
        return _read_plain(text)
    raise ValueError(f"unknown markup {markup!r}; use auto, html, markdown or text")


# ---------------------------------------------------------------- dates in text

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    # Russian, genitive (17 января 2025)
    "января": 1,
    "февраля": 2,
    "марта": 3,
    "апреля": 4,
    "мая": 5,
    "июня": 6,
    "июля": 7,
    "августа": 8,
    "сентября": 9,
    "октября": 10,
    "ноября": 11,
    "декабря": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATES = (
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b"),
    re.compile(
        rf"\b(?P<mon>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
        r"(?P<y>(?:19|20)\d\d)\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MONTH})\.?,?\s+"
        r"(?P<y>(?:19|20)\d\d)\b",
        re.IGNORECASE,
    ),
)


def find_date(text: str) -> dt.date | None:
    """Return the first full date written in `text`.

    ``17 January 2025``, ``Jan. 17, 2025``, ``2025-01-17``, ``17 января 2025``.

    Examples
    --------
    >>> find_date("MOSCOW, Jan. 17, 2025 (Reuters) - Russia said...")
    datetime.date(2025, 1, 17)
    """
    best: tuple[int, dt.date] | None = None
    for pattern in _DATES:
        for m in pattern.finditer(text):
            try:
                month = int(m["m"]) if "m" in m.groupdict() and m["m"] else None
                if month is None:
                    month = MONTHS[m["mon"].lower()]
                day = dt.date(int(m["y"]), month, int(m["d"]))
            except (ValueError, KeyError):
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), day)
            break
    return best[1] if best else None
