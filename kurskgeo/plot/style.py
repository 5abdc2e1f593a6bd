"""The palette and type of kurskgeo's maps and charts.

Colours come from Paul Tol's *high-contrast* and *bright* schemes and the
Okabe-Ito palette: they stay distinct for the common colour-vision
deficiencies, and the fills of neighbouring classes also differ in lightness
(CIE L*) by at least 20, so a map still reads when printed in greyscale.
Classes that could be confused in greyscale carry a hatch as well.

Nothing here imports matplotlib: :func:`rc` returns a plain dictionary that
the drawing code passes to ``matplotlib.rc_context``. The palettes are public,
for figures of one's own that should match kurskgeo's
(``matplotlib.rc_context(rc())``, ``ZONE_STYLES["liberated"].facecolor``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "CHANGE_STYLES",
    "CONTEXT",
    "SERIES_COLORS",
    "VERDICT_STYLES",
    "ZONE_STYLES",
    "FillStyle",
    "VerdictStyle",
    "cie_lightness",
    "rc",
    "zone_label",
    "zone_style",
]


@dataclass(frozen=True)
class FillStyle:
    """How one class of polygons is filled and named in a legend."""

    label: str
    facecolor: str
    edgecolor: str
    hatch: str | None = None
    hatch_color: str = "#000000"


@dataclass(frozen=True)
class VerdictStyle:
    """Marker of one claim verdict on an area-over-time chart."""

    label: str
    color: str
    marker: str


#: Zones kurskgeo assigns (see :mod:`kurskgeo.io.sources`), in drawing order.
#: L* of the fills: occupied 50, liberated 29, contested 73, other 77. The
#: names are neutral: DeepStateMap calls the ground Ukraine holds in Kursk
#: Oblast "Liberated", a loaded word for Russian territory; a map's credit
#: line gives the source's own layer names.
ZONE_STYLES: dict[str, FillStyle] = {
    "occupied": FillStyle("Occupied by Russia", "#BB5566", "#6E2A35"),
    "liberated": FillStyle("Held by Ukraine", "#004488", "#002244"),
    "contested": FillStyle(
        "Contested (grey zone)", "#DDAA33", "#8A6A1F", "////", "#8A6A1F"
    ),
    "kursk_russian_advances": FillStyle(
        "Russian advances (ISW)", "#BB5566", "#6E2A35", "\\\\\\\\", "#6E2A35"
    ),
    "other": FillStyle("Other", "#BBBBBB", "#777777", "...", "#777777"),
}

#: Fallback fills for zones the table above does not know, in turn.
_OTHER_FILLS = (
    FillStyle("", "#66CCEE", "#2A7A8F"),
    FillStyle("", "#228833", "#114419", "xx", "#114419"),
    FillStyle("", "#AA3377", "#551A3C", "..", "#551A3C"),
)

#: Change between two snapshots. L*: gained 29, lost 50, unchanged 71 (far
#: enough from the land, 96, to read as ground kept, not as background).
CHANGE_STYLES: dict[str, FillStyle] = {
    "gained": FillStyle("Gained", "#004488", "#002244"),
    "lost": FillStyle("Lost", "#BB5566", "#6E2A35", "xxxx", "#6E2A35"),
    "unchanged": FillStyle("Unchanged", "#ADADAD", "#6F6F6F"),
}

#: Claim verdicts (see :mod:`kurskgeo.claims`): Okabe-Ito colours, and a
#: marker shape per verdict so that greyscale prints keep them apart.
VERDICT_STYLES: dict[str, VerdictStyle] = {
    "consistent": VerdictStyle("Consistent", "#009E73", "o"),
    "overstated": VerdictStyle("Overstated", "#D55E00", "^"),
    "understated": VerdictStyle("Understated", "#0072B2", "v"),
    "depends_on_reading": VerdictStyle("Depends on the reading", "#CC79A7", "D"),
    "unverifiable": VerdictStyle("Unverifiable", "#999999", "X"),
}

#: Muted colours of the context layers (land, borders, region, places).
CONTEXT = {
    "land": "#F4F4F2",
    "border": "#8C8C8C",
    "region": "#222222",
    "graticule": "#B8B8B8",
    "place": "#222222",
    "text": "#333333",
    "subtle": "#666666",
}

#: Colours of measured series on a chart, in turn (Tol bright).
SERIES_COLORS = ("#004488", "#DDAA33", "#BB5566", "#228833", "#66CCEE", "#AA3377")


def zone_label(zone: str | None) -> str:
    """Name a zone as a reader would.

    Examples
    --------
    >>> zone_label("liberated"), zone_label("grey_zone")
    ('Held by Ukraine', 'Grey zone')
    """
    if zone is None:
        return "Mapped area"
    style = ZONE_STYLES.get(zone)
    if style is not None:
        return style.label
    text = str(zone).replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def zone_style(zone: str | None, index: int = 0) -> FillStyle:
    """Fill of `zone`; unknown zones take the fallback fills in turn."""
    if zone in ZONE_STYLES:
        return ZONE_STYLES[str(zone)]
    base = _OTHER_FILLS[index % len(_OTHER_FILLS)]
    return FillStyle(
        zone_label(zone), base.facecolor, base.edgecolor, base.hatch, base.hatch_color
    )


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def cie_lightness(color: str) -> float:
    """CIE 1976 L* (0 black to 100 white) of an sRGB hex colour.

    Examples
    --------
    >>> round(cie_lightness("#ffffff")), round(cie_lightness("#000000"))
    (100, 0)
    """
    text = color.lstrip("#")
    r, g, b = (int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))
    y = 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else 24389 / 27 * y


def rc() -> dict[str, Any]:
    """Matplotlib settings that make figures look alike and render identically.

    DejaVu Sans ships with matplotlib, so every machine draws the same glyphs;
    the SVG hash salt fixes the ids in SVG output.
    """
    return {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.titlesize": 12,
        "axes.edgecolor": "#999999",
        "axes.linewidth": 0.6,
        "xtick.color": "#555555",
        "ytick.color": "#555555",
        "xtick.labelsize": 7,
        "ytick.labelsize": 7,
        "xtick.major.size": 2.5,
        "ytick.major.size": 2.5,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "legend.fontsize": 8,
        "legend.frameon": True,
        "legend.framealpha": 1.0,
        "legend.edgecolor": "#CCCCCC",
        "legend.fancybox": False,
        "hatch.linewidth": 0.6,
        "svg.hashsalt": "kurskgeo",
        "svg.fonttype": "none",  # text stays text in SVG (and in PDF, type 42)
        "pdf.fonttype": 42,
        "path.simplify": True,
    }
