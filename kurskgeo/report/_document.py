"""A tiny document model for :mod:`kurskgeo.report`, rendered as Markdown and HTML.

The report is built once as a list of blocks (headings, paragraphs, tables,
figures, lists) and written twice: as ``report.md`` with the figures beside it,
and as a self-contained ``report.html`` with the same figures embedded as
base64 PNGs, so the HTML can be mailed or archived as one file.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Block",
    "Figure",
    "Heading",
    "Items",
    "Link",
    "Note",
    "Paragraph",
    "Table",
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


# ---------------------------------------------------------------- markdown


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: Sequence[Block]) -> str:
    """Render blocks as GitHub-flavoured Markdown."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"{'#' * b.level} {b.text}")
        elif isinstance(b, Paragraph):
            out.append(b.text)
        elif isinstance(b, Note):
            out.append("> " + b.text.replace("\n", "\n> "))
        elif isinstance(b, Items):
            out.append("\n".join(f"- {item}" for item in b.items))
        elif isinstance(b, Table):
            numeric = list(b.numeric) or [False] * len(b.columns)
            head = "| " + " | ".join(_md_cell(c) for c in b.columns) + " |"
            rule = "|" + "|".join("---:" if n else "---" for n in numeric) + "|"
            rows = ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in b.rows]
            table = "\n".join([head, rule, *rows])
            out.append(f"{table}\n\n*{b.caption}*" if b.caption else table)
        elif isinstance(b, Figure):
            out.append(f"![{_md_cell(b.alt)}]({b.path})\n\n*{b.caption}*")
        elif isinstance(b, Link):
            out.append(f"[{_md_cell(b.text)}]({b.path}): {b.caption}")
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


def _inline(text: str) -> str:
    """Escape `text`, then turn ``**x**`` into bold and backticks into code."""
    escaped = html.escape(str(text))
    parts = escaped.split("**")
    escaped = "".join(
        f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(parts)
    )
    parts = escaped.split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def to_html(blocks: Sequence[Block], *, title: str, folder: Path) -> str:
    """Render blocks as one self-contained HTML page (figures read from `folder`)."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
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
                f'alt="{html.escape(b.alt)}"><figcaption>{_inline(b.caption)}'
                "</figcaption></figure>"
            )
        elif isinstance(b, Link):
            out.append(
                f'<p><a href="{html.escape(b.path)}">{_inline(b.text)}</a>: '
                f"{_inline(b.caption)}</p>"
            )
    out.append("</body></html>")
    return "\n".join(out) + "\n"
