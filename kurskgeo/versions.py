"""Versions of kurskgeo, its dependencies and the C libraries under them."""

from __future__ import annotations

import importlib.metadata
import platform
import sys

from kurskgeo._version import __version__

__all__ = ["__version__", "show_versions", "versions"]

_PACKAGES = (
    "shapely",
    "pyproj",
    "geopandas",
    "pyogrio",
    "numpy",
    "pandas",
    "matplotlib",
    "click",
    "msgspec",
    "pyyaml",
    "pooch",
    "tqdm",
)


def versions() -> dict[str, str]:
    """Return a mapping of component name to version (GEOS and PROJ included)."""
    import pyproj
    import shapely

    out = {
        "kurskgeo": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "GEOS": shapely.geos_version_string,
        "PROJ": pyproj.proj_version_str,
        "PROJ data": pyproj.datadir.get_data_dir(),
    }
    for name in _PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def show_versions() -> str:
    """Return the versions as text, one ``name: version`` line each, for bug reports."""
    info = versions()
    width = max(len(k) for k in info)
    return "\n".join(f"{k:>{width}}: {v}" for k, v in info.items())
