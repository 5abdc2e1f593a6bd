"""The download machinery behind :mod:`kurskgeo.datasets`.

Files are fetched with pooch into a verified cache (against the registry's
sha256, or the one recorded at the first download), either over HTTPS from
the registry's URLs only or from a local mirror folder (``KURSKGEO_MIRROR``),
with a progress bar on stderr for large downloads.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kurskgeo.datasets._locations import cache_dir, check_allowed, inside, mirror_path
from kurskgeo.datasets.registry import (
    DEEPSTATE_API,
    DEEPSTATE_LISTING,
    ENV_DEEPSTATE_TOKEN,
    ENV_MIRROR,
)
from kurskgeo.errors import DatasetError
from kurskgeo.versions import __version__

# The logger keeps the name it had before this module was split off, so the
# CLI's log lines (``INFO kurskgeo.datasets: downloading ...``) are unchanged.
log = logging.getLogger("kurskgeo.datasets")

#: Downloads larger than this show a progress bar (when enabled).
LARGE_BYTES = 1_000_000

Downloader = Callable[[str, Any, Any], None]


# ---------------------------------------------------------------- downloaders


def _write_to(output_file: Any) -> contextlib.AbstractContextManager[Any]:
    """Open pooch's `output_file` (a path or a file object) for binary writing."""
    if hasattr(output_file, "write"):
        return contextlib.nullcontext(output_file)
    return open(output_file, "wb")  # closed by the caller's with


class MirrorDownloader:
    """A pooch downloader that copies from a local folder laid out like the remote.

    Parameters
    ----------
    root : path-like
        The mirror folder; a URL ``https://host/a/b`` is read from
        ``root/host/a/b`` (see :func:`kurskgeo.datasets.mirror_path`).

    Examples
    --------
    >>> MirrorDownloader("/srv/mirror").source("https://deepstatemap.live/api/history/public")
    PosixPath('/srv/mirror/deepstatemap.live/api/history/public')
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).expanduser()

    def source(self, url: str) -> Path:
        """Return the mirror file standing for `url`."""
        return self.root.joinpath(*mirror_path(url).parts)

    def __call__(self, url: str, output_file: Any, pooch: Any = None) -> None:
        """Copy the mirror's copy of `url` to `output_file`.

        Raises
        ------
        DatasetError
            If the mirror folder or the file in it does not exist.
        """
        if not self.root.is_dir():
            raise DatasetError(
                f"{self.root}: the mirror folder ({ENV_MIRROR}) does not exist"
            )
        src = self.source(url)
        if not src.is_file():
            raise DatasetError(
                f"{src}: not in the mirror {self.root} ({ENV_MIRROR}); it stands "
                f"for {url}. Add the file there, or unset {ENV_MIRROR} to download"
            )
        log.info("copying %s from the mirror %s", url, self.root)
        with open(src, "rb") as fin, _write_to(output_file) as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)


class HTTPDownloader:
    """A pooch downloader over HTTPS, with a progress bar for large files.

    Parameters
    ----------
    progressbar : bool
        Show a tqdm bar on stderr for downloads over :data:`LARGE_BYTES` (or
        of unknown size).
    timeout : float
        Seconds to wait for the server.
    """

    def __init__(self, *, progressbar: bool = True, timeout: float = 60.0) -> None:
        self.progressbar = progressbar
        self.timeout = timeout

    def __call__(self, url: str, output_file: Any, pooch: Any = None) -> None:
        """Stream `url` into `output_file`.

        Raises
        ------
        DatasetError
            If the URL is not in the registry, the network is unreachable, or
            the server answers with an error.
        """
        import requests

        check_allowed(url)
        headers = {"User-Agent": f"kurskgeo/{__version__} (python-requests)"}
        token = _deepstate_token(url)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        log.info("downloading %s", url)
        try:
            with requests.get(
                url, stream=True, timeout=self.timeout, headers=headers
            ) as r:
                if r.status_code == 404:
                    raise DatasetError(f"{url}: not found upstream (HTTP 404)")
                if r.status_code in (401, 403, 429) and url.startswith(
                    f"{DEEPSTATE_API}/"
                ):
                    raise DatasetError(
                        _refused(url, r.status_code, r.headers, bool(token))
                    )
                r.raise_for_status()
                total = int(r.headers.get("content-length") or 0)
                show = self.progressbar and (total == 0 or total > LARGE_BYTES)
                with _write_to(output_file) as fout, _bar(show, total, url) as bar:
                    for chunk in r.iter_content(chunk_size=1 << 16):
                        fout.write(chunk)
                        bar.update(len(chunk))
        except requests.exceptions.HTTPError as exc:
            raise DatasetError(f"{url}: the server answered {exc}") from None
        except requests.exceptions.RequestException as exc:
            host = urlsplit(url).hostname
            if isinstance(exc, requests.exceptions.Timeout):
                why = f"{host} did not answer within {self.timeout:g} s"
            elif isinstance(exc, requests.exceptions.ConnectionError):
                why = f"cannot reach {host}"
            else:
                why = f"{type(exc).__name__}: {str(exc)[:200]}"
            raise DatasetError(
                f"cannot download {url} ({why}). Without internet access, set "
                f"{ENV_MIRROR} to a local folder laid out like the remote "
                "(host/path, see docs/sources.md), or give the command a folder "
                "of exports you already have instead of a dataset name"
            ) from None


def _deepstate_token(url: str) -> str | None:
    """Return ``$KURSKGEO_DEEPSTATE_TOKEN`` for deepstatemap.live URLs only."""
    if not url.startswith(f"{DEEPSTATE_API}/"):
        return None
    return os.environ.get(ENV_DEEPSTATE_TOKEN, "").strip() or None


def _refused(url: str, status: int, headers: Any, with_token: bool) -> str:
    """Explain an HTTP 401, 403 or 429 from DeepStateMap's API, and what to do."""
    what = "the history listing" if url == DEEPSTATE_LISTING else url
    if status == 429:
        wait = str((headers or {}).get("Retry-After") or "").strip()
        if wait:
            wait = f"{wait} s" if wait.isdigit() else f"until {wait}"
        why = "too many requests" + (f"; it asks to wait {wait}" if wait else "")
    elif with_token:
        why = f"the token in {ENV_DEEPSTATE_TOKEN} was not accepted"
    else:
        why = "access refused"
    token = (
        f"Check the token in {ENV_DEEPSTATE_TOKEN}"
        if with_token
        else f"If the source grants you a token, put it in {ENV_DEEPSTATE_TOKEN} "
        "(it is sent as 'Authorization: Bearer ...' to deepstatemap.live only)"
    )
    return (
        f"DeepStateMap refused {what} (HTTP {status}: {why}). The maintainers of "
        f"DeepStateMap restrict access to its history API. {token}; "
        "or give the command a folder of exports you already have instead of a "
        f"dataset name, or set {ENV_MIRROR} to a local copy laid out like the "
        "remote (see docs/sources.md)"
    )


@contextlib.contextmanager
def _bar(show: bool, total: int, url: str) -> Iterator[Any]:
    if not show:

        class _Null:
            def update(self, n: int) -> None:
                pass

        yield _Null()
        return
    from tqdm.auto import tqdm

    with tqdm(
        total=total or None,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        desc=url.rsplit("/", 2)[-2]
        if url.endswith("/geojson")
        else url.rsplit("/", 1)[-1],
        file=sys.stderr,
        leave=False,
    ) as bar:
        yield bar


def downloader_for(
    downloader: Downloader | None, progressbar: bool | None
) -> Downloader:
    if downloader is not None:
        return downloader

    mirror = os.environ.get(ENV_MIRROR)
    if mirror:
        return MirrorDownloader(mirror)
    if progressbar is None:
        progressbar = sys.stderr.isatty()
    return HTTPDownloader(progressbar=progressbar)


# ---------------------------------------------------------------- retrieval


def sha256_of(path: str | os.PathLike[str]) -> str:
    """Return the hex sha256 of the file at `path`, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def _quiet_pooch() -> Iterator[None]:
    """Keep pooch's own INFO messages off stderr; kurskgeo logs instead."""
    import pooch

    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def retrieve(
    url: str,
    fname: str,
    *,
    sha256: str | None,
    record_hash: bool,
    downloader: Downloader,
    fresh: bool = False,
    label: str | None = None,
) -> Path:
    """Fetch `url` into the cache as `fname` with pooch; verify; return the path.

    ``sha256=None`` with `record_hash` uses (and on first download writes) the
    ``<fname>.sha256`` record beside the file. `fresh` downloads again even
    when the file is cached (for listings that change). `label` names the file
    in errors (e.g. ``DeepStateMap map 1741215821``; default: the URL).

    A download that does not match the expected hash is refused and nothing of
    it stays in the cache (pooch writes it to a temporary file, removed then).
    """
    import pooch

    root = cache_dir()
    target = inside(root, fname)
    record = target.with_name(target.name + ".sha256")
    known = sha256
    if known is None and record_hash and record.is_file():
        known = record.read_text().split()[0] if record.read_text().strip() else None
    name = fname
    if fresh:
        # pooch keeps a cached file whose hash it cannot check; fetch beside it
        name = f"{fname}.{uuid.uuid4().hex}.part"
    if target.exists() and known is not None and sha256_of(target) != known:
        log.warning(
            "%s: the cached file does not match its sha256 %s; fetching it again",
            target,
            known,
        )
    try:
        with _quiet_pooch():
            got = Path(
                pooch.retrieve(
                    url,
                    known_hash=f"sha256:{known}" if known else None,
                    fname=name,
                    path=root,
                    downloader=downloader,
                )
            )
    except DatasetError:
        raise
    except ValueError as exc:
        found = re.search(r"got ([0-9a-fA-F]{64})", str(exc))
        actual = found.group(1) if found else "another hash"
        if isinstance(downloader, MirrorDownloader):
            where = f"the mirror {downloader.root}"
        elif isinstance(downloader, HTTPDownloader):
            where = "the network"
        elif os.environ.get(ENV_MIRROR):
            where = f"the mirror {os.environ[ENV_MIRROR]} ({ENV_MIRROR})"
        else:
            where = "the downloader"
        if sha256 is not None:
            raise DatasetError(
                f"{label or url}: the download does not match the expected sha256 "
                f"(expected {sha256}, got {actual}); refused, nothing of it was "
                f"kept. The file may be corrupted in transit or in the mirror; "
                f"check {ENV_MIRROR} if set; the registry pins this hash, so "
                "report a changed upstream file"
            ) from None
        raise DatasetError(
            f"{label or url}: the sha256 changed since its first download "
            f"(recorded {known}, new {actual}); refused, nothing of the new file "
            f"was kept. The copy from {where} may be corrupted or tampered with, "
            "or the file changed upstream; to accept the new file, delete "
            f"{target} and {record}"
        ) from None
    except OSError as exc:
        raise DatasetError(f"{url}: cannot write the cache {root} ({exc})") from None
    if fresh:
        os.replace(got, target)
        got = target
    if sha256 is None and record_hash and not record.is_file():
        tmp = record.with_name(f".{record.name}.{uuid.uuid4().hex}")
        tmp.write_text(f"{sha256_of(got)}  {got.name}\n")
        os.replace(tmp, record)
    log.info("%s -> %s", url, got)
    return got
