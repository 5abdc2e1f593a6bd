"""Writing extracted claims as a claims file, with the guesses in comments.

Private to :mod:`kurskgeo.claims`. Every value taken from the article (a
sentence, a name, a title) is written as a double-quoted YAML scalar by
PyYAML's own emitter, so that quotes, colons, ``#`` or a leading ``-`` in
the text cannot change the structure; comments hold one line each, with
every character YAML treats as a line break replaced.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["claims_yaml"]

#: The order of a claim's keys in the file.
ORDER = (
    "id",
    "date",
    "as_of",
    "source",
    "statement",
    "value",
    "unit",
    "also",
    "qualifier",
    "kind",
    "since",
    "part",
    "of",
    "zone",
    "reference",
    "url",
)
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]*|\d{4}-\d{2}-\d{2}")
_RESERVED = frozenset(
    "y n yes no on off true false null nan inf ~".split()
)  # YAML 1.1 would read these as booleans or null


def comment(text: str) -> str:
    """One line of comment text: line breaks and control characters as spaces."""
    line = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", str(text))
    return re.sub(r" {2,}", " ", line).strip()


def scalar(value: Any) -> str:
    """Write a YAML scalar (or a flow list of them) that reads back as `value`.

    Examples
    --------
    >>> scalar("peak"), scalar("1,268"), scalar(['liberated', 'contested'])
    ('peak', '"1,268"', '[liberated, contested]')
    >>> scalar('He said: "no" # really')
    '"He said: \\\\"no\\\\" # really"'
    """
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    dumped = yaml.safe_dump(
        text, default_style='"', allow_unicode=True, width=float("inf")
    )
    return dumped.rstrip("\n").removesuffix("\n...").rstrip("\n")


def claims_yaml(extraction: Any, name: str | None) -> str:
    """Write the claims file of `extraction` (an ``Extraction``)."""
    e = extraction
    lines = [
        f"# Claims extracted by `kurskgeo extract` from {comment(name or 'an article')}"
    ]
    if e.title:
        lines.append(f"# Title: {comment(e.title)}")
    lines.append(
        f"# Published: {e.date.isoformat()}"
        + (f", {comment(e.outlet)}" if e.outlet else " (outlet unknown: --outlet)")
    )
    lines += [
        "#",
        "# Each kind, since and zone is a guess from the words of the article,",
        "# marked so below: confirm or correct each one, then run",
        "#   kurskgeo check THIS_FILE --snapshots MAPS --region REGION",
        "# The statements are quoted as printed; the figures and their conversions",
        "# are written as printed (see the findings for any that disagree).",
    ]
    if e.findings:
        lines += [
            "#",
            "# Findings (what the text contradicts, or confirms, by itself):",
        ]
        for f in e.findings:
            mark = "ok" if f.consistent else "!!"
            lines.append(f"#   {mark} {f.kind}: {comment(f.message)}")
    if e.notes:
        lines += ["#", "# Figures left out, and other notes:"]
        lines += [f"#   - {comment(n)}" for n in e.notes]
    lines.append("")
    if e.start is not None:
        lines += [
            "defaults:",
            f"  start: {e.start.isoformat()}  # {comment(e.start_how or '')}".rstrip(
                " #"
            ),
            "",
        ]
    elif any(r["kind"] in ("peak", "lost") for r in e.records):
        lines += [
            "# The start of the event is not known: a peak, and ground lost since",
            "# it, need one. Add it here (or pass --start to check):",
            "# defaults:",
            "#   start: YYYY-MM-DD",
            "",
        ]
    lines.append("claims:")
    for k, (record, notes) in enumerate(zip(e.records, e.comments, strict=True)):
        if k:
            lines.append("")
        first = True
        for key in ORDER:
            if key not in record:
                continue
            text = f"{key}: {scalar(record[key])}"
            if key in notes:
                text += f"  # {comment(notes[key])}"
            lines.append(("  - " if first else "    ") + text)
            first = False
    return "\n".join(lines) + "\n"
