"""Where datasets land (the cache) and come from (the allowed URLs, a mirror)."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from kurskgeo.datasets.registry import ALLOWED, ENV_CACHE
from kurskgeo.errors import DatasetError

__all__ = ["cache_dir", "check_allowed", "inside", "mirror_path"]


def cache_dir() -> Path:
    """Return the cache folder: ``$KURSKGEO_CACHE``, else pooch's per-user cache.

    Returns
    -------
    pathlib.Path
        An absolute path; it may not exist yet.

    Examples
    --------
    >>> cache_dir().is_absolute()
    True
    """
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env).expanduser().resolve()
    import pooch

    return Path(pooch.os_cache("kurskgeo")).expanduser().resolve()


def mirror_path(url: str) -> PurePosixPath:
    """Return where `url` lies in a mirror folder: host, then the URL path.

    Parameters
    ----------
    url : str
        An http(s) URL.

    Returns
    -------
    pathlib.PurePosixPath
        A relative path, percent-decoded.

    Raises
    ------
    DatasetError
        If the URL is not http(s) or its path would leave the mirror folder.

    Examples
    --------
    >>> str(mirror_path("https://deepstatemap.live/api/history/1741215821/geojson"))
    'deepstatemap.live/api/history/1741215821/geojson'
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DatasetError(f"{url}: not an http(s) URL")
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if any(s in (".", "..") or "\\" in s or "\0" in s for s in segments):
        raise DatasetError(f"{url}: the URL path leaves the mirror folder")
    return PurePosixPath(parts.hostname, *segments)


def check_allowed(url: str) -> None:
    if not url.startswith(ALLOWED):
        raise DatasetError(
            f"{url}: not a URL of kurskgeo's registry; refusing to download it"
        )


def inside(root: Path, fname: str) -> Path:
    """Join `fname` to `root`, refusing names that would escape it."""
    target = (root / fname).resolve()
    if not target.is_relative_to(
        root.resolve()
    ):  # pragma: no cover - names are validated
        raise DatasetError(f"{fname}: a cached name must stay inside {root}")
    return target
