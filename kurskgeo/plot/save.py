"""Saving figures as PNG, SVG or PDF bytes that do not change between runs.

Tool versions and dates are left out of the metadata and PNGs are encoded by
Pillow (matplotlib's own PNG writer) with a fixed zlib level, so the same
figure always gives the same bytes.
"""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kurskgeo.errors import OutputError
from kurskgeo.plot._draw import _rc_context

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "FORMATS",
    "figure_bytes",
    "save_figure",
]


#: Output formats the savers accept, by file suffix.
FORMATS = ("png", "svg", "pdf")


def _format_of(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    if fmt is not None:
        fmt = fmt.lower().lstrip(".")
    else:
        fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise OutputError(
            f"{path}: cannot tell the image format from "
            f"{('.' + fmt) if fmt else 'no suffix'}; "
            f"use one of {', '.join('.' + f for f in FORMATS)}"
        )
    return fmt


def figure_bytes(
    fig: Figure, fmt: str = "png", *, dpi: float | None = None, compress_level: int = 6
) -> bytes:
    """Render `fig` to PNG, SVG or PDF bytes, deterministically.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    fmt : {"png", "svg", "pdf"}
    dpi : float, optional
        Resolution (default: the figure's). The PNG is ``figsize × dpi`` pixels.
    compress_level : int
        zlib level of PNG output (0-9): 1 encodes about twice as fast as 6 for
        files about a third larger.

    Returns
    -------
    bytes

    Notes
    -----
    Tool versions and dates are left out of the metadata (PNG ``Software``,
    SVG ``Date``, PDF ``CreationDate``) and SVG ids use a fixed salt, so the
    same figure always gives the same bytes.
    """
    fmt = _format_of(f"figure.{fmt}", fmt)
    kw: dict[str, Any] = {}
    if fmt == "png":
        kw["metadata"] = {"Software": None}
        kw["pil_kwargs"] = {"compress_level": int(compress_level)}
    elif fmt == "svg":
        kw["metadata"] = {"Date": None, "Creator": "kurskgeo"}
    elif fmt == "pdf":
        kw["metadata"] = {
            "CreationDate": None,
            "ModDate": None,
            "Creator": "kurskgeo",
            "Producer": None,
        }
    buf = BytesIO()
    with _rc_context():
        fig.savefig(buf, format=fmt, dpi=dpi or fig.dpi, facecolor="white", **kw)
    return buf.getvalue()


def _figure_of(obj: Any) -> Figure:
    from matplotlib.figure import Figure

    if isinstance(obj, Figure):
        return obj
    fig = obj.get_figure(root=True)
    if not isinstance(fig, Figure):
        raise TypeError(
            f"expected a Figure or an Axes on one, got {type(obj).__name__}"
        )
    return fig


def save_figure(
    fig: Any,
    path: str | os.PathLike[str],
    *,
    dpi: float | None = None,
    overwrite: bool = False,
    compress_level: int = 6,
) -> Path:
    """Write a figure (or the figure of an Axes) atomically, format from the suffix.

    Parameters
    ----------
    fig : Figure or Axes
    path : path-like
        ``.png``, ``.svg`` or ``.pdf``.
    dpi : float, optional
        Resolution (default: the figure's).
    overwrite : bool
        Replace an existing file.
    compress_level : int
        zlib level of PNG output.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    OutputExistsError
        If `path` exists and `overwrite` is False.
    OutputError
        If the suffix is not .png, .svg or .pdf.
    """
    from kurskgeo.io import atomic_write

    fmt = _format_of(path)
    data = figure_bytes(_figure_of(fig), fmt, dpi=dpi, compress_level=compress_level)
    with atomic_write(path, "wb", overwrite=overwrite) as fh:
        fh.write(data)
    return Path(path)


def _png_bytes(rgba: np.ndarray, dpi: float, compress_level: int) -> bytes:
    """Encode an RGBA canvas buffer as PNG with Pillow, as ``savefig`` would.

    The same writer and options as :func:`figure_bytes` (Pillow, zlib at
    `compress_level`, the dpi in ``pHYs`` and no text chunks), so a frame's
    bytes are those a full ``savefig`` of the same pixels gives, and nothing
    variable (time, versions) is written.
    """
    from PIL import Image

    height, width = rgba.shape[:2]
    image = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1)
    buf = BytesIO()
    image.save(buf, format="png", compress_level=int(compress_level), dpi=(dpi, dpi))
    return buf.getvalue()
