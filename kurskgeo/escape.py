"""Text from inputs, escaped for the place it lands: terminal, CSV, Markdown, JSON.

Claims files, feature properties and file names come from strangers. Whatever
they hold is shown as written and never acts: a terminal gets no control
characters (they are shown as ``\\x1b``), a spreadsheet opening a CSV no
formula, a Markdown viewer no HTML, link, image or heading. HTML is escaped by
:mod:`kurskgeo.report` (:func:`html.escape`); matplotlib draws data text
without mathtext (:mod:`kurskgeo.plot`).

Examples
--------
>>> visible("Evil\\x1b[31mRED")
'Evil\\\\x1b[31mRED'
>>> csv_cell("=HYPERLINK(1)"), csv_cell(-717.2), csv_cell("Kursk")
("'=HYPERLINK(1)", -717.2, 'Kursk')
>>> markdown_text("<b>x</b> [a](javascript:alert(1))")
'\\\\<b\\\\>x\\\\</b\\\\> \\\\[a\\\\](javascript:alert(1))'
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "FORMULA_START",
    "csv_cell",
    "json_safe",
    "markdown_code",
    "markdown_inline",
    "markdown_text",
    "oneline",
    "visible",
]

#: Control characters (C0, DEL, C1) and the invisible format characters that
#: reorder or hide text (bidirectional overrides and isolates, zero-width
#: joiners are left alone: scripts need them).
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
#: The same, tab and newline included (for one-line texts).
_CONTROL_ALL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


#: What ``json.dumps`` leaves raw: DEL, C1 and the bidirectional controls.
_NOT_C0 = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _show(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: Any, *, keep_lines: bool = True) -> str:
    """Return `text` with control characters shown (``\\x1b``), not sent.

    Tab and newline are kept when `keep_lines` (a table's layout); every
    other character of Unicode's Cc category, and the bidirectional
    controls that make text read in another order than it is stored
    (U+202E and its kin), are written as escapes.
    """
    pattern = _CONTROL if keep_lines else _CONTROL_ALL
    return pattern.sub(_show, str(text))


def oneline(text: Any) -> str:
    """Return `text` on one line: runs of white space become one space.

    Control characters other than white space are shown (:func:`visible`).
    """
    return _flat(text).strip()


def _flat(text: Any) -> str:
    """Make runs of white space one space (kept at the ends); show controls."""
    return visible(re.sub(r"\s+", " ", str(text)), keep_lines=False)


def json_safe(text: str) -> str:
    r"""Escape what ``json.dumps(..., ensure_ascii=False)`` leaves raw in JSON text.

    ``json.dumps`` escapes C0 controls but not DEL, C1 controls (``\x9b`` is
    a terminal's CSI) or bidirectional overrides. In JSON output they can only
    stand inside strings, where ``\u009b`` is a valid escape.

    >>> json_safe('"a\u202eb"')
    '"a\\u202eb"'
    """
    return _NOT_C0.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


#: How a cell that a spreadsheet would take for a formula begins (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """Return a CSV cell that no spreadsheet runs as a formula (OWASP's rule).

    Text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets a leading ``'``, which spreadsheets show as text; control
    characters are shown (:func:`visible`). Numbers stay numbers: a negative
    area is not text from an input.
    """
    if not isinstance(value, str):
        return value
    text = visible(value)
    if value.startswith(FORMULA_START):
        return "'" + text
    return text


#: Characters that start Markdown constructs anywhere in a line: escapes,
#: raw HTML and autolinks, links and images, entities, emphasis, strikethrough,
#: code, tables and math.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&~|$#!{}])")
_MD_LINK = re.compile(
    r"(?i)(?<=www)\.|(?:(?<=http)|(?<=https)|(?<=ftp)|(?<=mailto)|(?<=xmpp)):|@"
)
_MD_LINE_START = re.compile(r"^(\s*(?:\d+)?)([-+=>.)])")


def markdown_text(text: Any) -> str:
    """Return `text` as Markdown that shows it as written, on one line.

    Every character that could open a construct is backslash-escaped, so
    input makes no HTML, link, image, autolink (``www.``, ``https:``, e-mail),
    emphasis, code span or math; line breaks become spaces, so it makes no
    heading or list either. Control characters are shown (:func:`visible`).
    """
    line = _flat(text)
    line = _MD_SPECIAL.sub(r"\\\1", line)
    line = _MD_LINK.sub(lambda m: "\\" + m.group(), line)
    return _MD_LINE_START.sub(r"\1\\\2", line)


def markdown_code(text: Any) -> str:
    """Return `text` as a Markdown code span: shown as written, nothing interpreted.

    The fence is one backtick longer than the longest run inside, as
    CommonMark asks; line breaks become spaces.

    >>> markdown_code("a`b"), markdown_code("<script>")
    ('``a`b``', '`<script>`')
    """
    line = oneline(text)
    runs = [len(r) for r in re.findall(r"`+", line)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if line.startswith("`") or line.endswith("`") else ""
    return f"{fence}{pad}{line}{pad}{fence}"


_CODE_SPAN = re.compile(r"((?<!`)`[^`]+`(?!`))")


def markdown_inline(text: Any) -> str:
    """Make kurskgeo's own Markdown safe, keeping its ``**bold**`` and code spans.

    For text kurskgeo writes (values from inputs in it are escaped with
    :func:`markdown_text` or :func:`markdown_code` first): raw HTML, links,
    images, autolinks and line breaks are neutralised whatever the text
    holds; bold and single-backtick code spans are kept.
    """
    out = []
    for i, part in enumerate(_CODE_SPAN.split(_flat(text))):
        if i % 2:  # a code span: nothing inside is interpreted
            out.append(part)
            continue
        part = re.sub(r"([\\`\[\]<>&~|$!])", r"\\\1", part)
        out.append(_MD_LINK.sub(lambda m: "\\" + m.group(), part))
    return "".join(out)
