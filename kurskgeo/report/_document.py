"""A tiny document model for :mod:`kurskgeo.report`, rendered as Markdown and HTML.

The report is built once as a list of blocks (headings, paragraphs, tables,
figures, lists) and written twice: as ``report.md`` with the figures beside it,
and as a self-contained ``report.html`` with the same figures embedded as
base64 PNGs, so the HTML can be mailed or archived as one file.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kurskgeo.escape import markdown_code, markdown_inline, markdown_text, visible

__all__ = [
    "Block",
    "Figure",
    "Heading",
    "Items",
    "Link",
    "Note",
    "Paragraph",
    "Table",
    "code",
    "lit",
    "to_html",
    "to_markdown",
]


@dataclass(frozen=True)
class Heading:
    """A section heading (level 1 to 3)."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text (``**bold**`` and ``code`` spans are kept)."""

    text: str


@dataclass(frozen=True)
class Note:
    """A highlighted notice, such as the embedded-data warning."""

    text: str


@dataclass(frozen=True)
class Items:
    """A bulleted list."""

    items: Sequence[str]


@dataclass(frozen=True)
class Table:
    """A table of text cells; `numeric` columns are right-aligned."""

    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    numeric: Sequence[bool] = field(default_factory=tuple)
    caption: str | None = None


@dataclass(frozen=True)
class Figure:
    """A PNG (or GIF) figure: `path` relative to the report folder."""

    path: str
    caption: str
    alt: str


@dataclass(frozen=True)
class Link:
    """A link to a file of the report (`path` relative to its folder)."""

    path: str
    text: str
    caption: str


Block = Heading | Paragraph | Note | Items | Table | Figure | Link

#: Media types of the figures embedded in the HTML page, by suffix.
_MEDIA_TYPES = {".png": "image/png", ".gif": "image/gif"}


# ---------------------------------------------------------------- input text

# Text from inputs (claims, feature properties, file names) is marked where it
# is put into a block, and escaped by each renderer for its format: it shows as
# written and never acts (no HTML, link, image, heading or bold).
_LIT, _CODE, _END = "\ue000", "\ue001", "\ue002"
_MARKS = re.compile(f"[{_LIT}{_CODE}{_END}]")
_SEGMENT = re.compile(f"([{_LIT}{_CODE}])(.*?){_END}", re.S)


def lit(value: object) -> str:
    """Mark text from an input: every renderer shows it exactly as written."""
    return _LIT + _MARKS.sub("", str(value)) + _END


def code(value: object) -> str:
    """Mark text from an input (a path, a name) to be shown as code."""
    return _CODE + _MARKS.sub("", str(value)) + _END


def _render(
    text: str,
    markup: Callable[[str], str],
    literal: Callable[[str], str],
    as_code: Callable[[str], str],
) -> str:
    """Render kurskgeo's own text with `markup`, and marked input with the others."""
    out, pos = [], 0
    for m in _SEGMENT.finditer(text):
        out.append(markup(text[pos : m.start()]))
        out.append((literal if m[1] == _LIT else as_code)(m[2]))
        pos = m.end()
    out.append(markup(text[pos:]))
    return "".join(out)


# ---------------------------------------------------------------- markdown


def _md(text: str) -> str:
    """One line of Markdown: kurskgeo's bold and code kept, input escaped."""
    return _render(str(text), markdown_inline, markdown_text, markdown_code)


def _md_cell(text: str) -> str:
    """Render a table cell as :func:`_md` does, pipes in code spans escaped."""

    def pipes_in_code(t: str) -> str:
        parts = re.split(r"((?<!`)`[^`]+`(?!`))", t)
        return "".join(
            p.replace("|", "\\|") if i % 2 else p for i, p in enumerate(parts)
        )

    return _render(
        str(text),
        lambda t: pipes_in_code(markdown_inline(t)),
        markdown_text,
        lambda t: markdown_code(t).replace("|", "\\|"),
    )


def to_markdown(blocks: Sequence[Block]) -> str:
    """Render blocks as GitHub-flavoured Markdown.

    Text from inputs (marked with :func:`lit` or :func:`code`) is escaped so
    that it shows as written: no raw HTML, link, image, heading, emphasis or
    line break comes from it. kurskgeo's own text keeps its ``**bold**`` and
    code spans, and is made safe the same way.
    """
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"{'#' * b.level} {_md(b.text)}")
        elif isinstance(b, Paragraph):
            out.append(_md(b.text))
        elif isinstance(b, Note):
            out.append("> " + "\n> ".join(_md(line) for line in b.text.split("\n")))
        elif isinstance(b, Items):
            out.append("\n".join(f"- {_md(item)}" for item in b.items))
        elif isinstance(b, Table):
            numeric = list(b.numeric) or [False] * len(b.columns)
            head = "| " + " | ".join(_md_cell(c) for c in b.columns) + " |"
            rule = "|" + "|".join("---:" if n else "---" for n in numeric) + "|"
            rows = ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in b.rows]
            table = "\n".join([head, rule, *rows])
            out.append(f"{table}\n\n*{_md(b.caption)}*" if b.caption else table)
        elif isinstance(b, Figure):
            alt = markdown_text(_MARKS.sub("", b.alt))
            out.append(f"![{alt}]({b.path})\n\n*{_md(b.caption)}*")
        elif isinstance(b, Link):
            text = markdown_text(_MARKS.sub("", b.text))
            out.append(f"[{text}]({b.path}): {_md(b.caption)}")
    return "\n\n".join(out) + "\n"


# ---------------------------------------------------------------- html

_CSS = """
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;max-width:60rem;
margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2.2rem;
border-bottom:1px solid #ccc;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.8rem 0;font-size:.88rem}
th,td{border-bottom:1px solid #ddd;padding:.25rem .55rem;vertical-align:top}
th{background:#f2f2f2;text-align:left}td.n,th.n{text-align:right;
font-variant-numeric:tabular-nums}
caption{caption-side:bottom;text-align:left;color:#555;font-size:.82rem;
padding-top:.3rem}
figure{margin:1.2rem 0}figure img{max-width:100%;border:1px solid #ddd}
figcaption{color:#555;font-size:.85rem}
.note{background:#fff4d6;border-left:4px solid #DDAA33;padding:.6rem .9rem}
code{background:#f4f4f4;padding:0 .2rem}
"""


def _html_text(text: str) -> str:
    """Input shown as written: escaped, with ``*`` and backticks made inert."""
    return (
        html.escape(visible(text))
        .replace("*", "&#42;")
        .replace("`", "&#96;")
        .replace("\n", " ")
    )


def _inline(text: str) -> str:
    """Escape `text`, then turn ``**x**`` into bold and backticks into code.

    Input marked with :func:`lit` or :func:`code` is escaped first, its
    asterisks and backticks made inert, so that it bolds nothing.
    """
    escaped = _render(
        str(text),
        lambda t: html.escape(visible(t)),
        _html_text,
        lambda t: f"`{_html_text(t)}`",
    )
    parts = escaped.split("**")
    escaped = "".join(
        f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(parts)
    )
    parts = escaped.split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def _plain(text: str) -> str:
    """Text with the input marks taken out (for attributes and the title)."""
    return _MARKS.sub("", text)


def to_html(blocks: Sequence[Block], *, title: str, folder: Path) -> str:
    """Render blocks as one self-contained HTML page (figures read from `folder`)."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(visible(_plain(title)))}</title><style>{_CSS}</style>"
        "</head><body>",
    ]
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"<h{b.level}>{_inline(b.text)}</h{b.level}>")
        elif isinstance(b, Paragraph):
            out.append(f"<p>{_inline(b.text)}</p>")
        elif isinstance(b, Note):
            out.append(f'<p class="note">{_inline(b.text)}</p>')
        elif isinstance(b, Items):
            lis = "".join(f"<li>{_inline(i)}</li>" for i in b.items)
            out.append(f"<ul>{lis}</ul>")
        elif isinstance(b, Table):
            numeric = list(b.numeric) or [False] * len(b.columns)
            cls = [' class="n"' if n else "" for n in numeric]
            head = "".join(
                f"<th{c}>{_inline(t)}</th>" for t, c in zip(b.columns, cls, strict=True)
            )
            rows = "".join(
                "<tr>"
                + "".join(
                    f"<td{c}>{_inline(t)}</td>" for t, c in zip(r, cls, strict=True)
                )
                + "</tr>"
                for r in b.rows
            )
            cap = f"<caption>{_inline(b.caption)}</caption>" if b.caption else ""
            out.append(f"<table>{cap}<thead><tr>{head}</tr></thead>{rows}</table>")
        elif isinstance(b, Figure):
            data = base64.b64encode((folder / b.path).read_bytes()).decode("ascii")
            media = _MEDIA_TYPES.get(Path(b.path).suffix.lower(), "image/png")
            out.append(
                f'<figure><img src="data:{media};base64,{data}" '
                f'alt="{html.escape(visible(_plain(b.alt)))}"><figcaption>'
                f"{_inline(b.caption)}"
                "</figcaption></figure>"
            )
        elif isinstance(b, Link):
            out.append(
                f'<p><a href="{html.escape(b.path)}">{_inline(b.text)}</a>: '
                f"{_inline(b.caption)}</p>"
            )
    out.append("</body></html>")
    return "\n".join(out) + "\n"
