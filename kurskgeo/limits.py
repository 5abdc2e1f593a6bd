"""Limits on what an input may cost, and reading input files within them.

Files from strangers (map exports, claims files, mirrors) may be built to
exhaust memory or time: a gzip bomb, a YAML file whose aliases expand a
billion times, a polygon of a hundred million vertices, a named pipe that
never ends. kurskgeo reads them within the limits below and refuses, naming
the limit and how to raise it, what goes beyond. Each limit is read from its
environment variable when it is checked, so a shell or a test can raise or
lower it::

    KURSKGEO_MAX_INPUT_MB=512 kurskgeo area big-export.geojson

``docs/limits.md`` lists them with the reasons for their defaults.

Examples
--------
>>> get("claims")
5000
>>> import os
>>> os.environ["KURSKGEO_MAX_CLAIMS"] = "10"
>>> get("claims")
10
>>> del os.environ["KURSKGEO_MAX_CLAIMS"]
"""

from __future__ import annotations

import contextlib
import os
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kurskgeo.errors import KurskgeoError

__all__ = [
    "LIMITS",
    "Limit",
    "check_input",
    "exceeded",
    "get",
    "gunzip",
    "read_input",
]

_MIB = 1 << 20


@dataclass(frozen=True)
class Limit:
    """One limit: its environment variable, default and what it counts."""

    env: str
    default: int
    unit: str
    what: str


#: Every limit, by name.
LIMITS: dict[str, Limit] = {
    "input_mb": Limit(
        "KURSKGEO_MAX_INPUT_MB",
        64,
        "MiB",
        "the size of a map file (unpacked)",
    ),
    "vertices": Limit(
        "KURSKGEO_MAX_VERTICES",
        2_000_000,
        "vertices",
        "the polygon vertices of one map file",
    ),
    "text_mb": Limit(
        "KURSKGEO_MAX_TEXT_MB",
        8,
        "MiB",
        "the size of a claims file or manifest",
    ),
    "yaml_nodes": Limit(
        "KURSKGEO_MAX_YAML_NODES",
        200_000,
        "values",
        "the values of a claims file (aliases counted as what they stand for)",
    ),
    "claims": Limit(
        "KURSKGEO_MAX_CLAIMS",
        5_000,
        "claims",
        "the claims of one file",
    ),
    "findings": Limit(
        "KURSKGEO_MAX_FINDINGS",
        500,
        "findings",
        "the findings listed (the rest are counted)",
    ),
}


def get(name: str) -> int:
    """Return the limit `name`: its environment variable if set, else its default.

    Raises
    ------
    KurskgeoError
        If the variable is set to something other than a whole number above 0.
    """
    limit = LIMITS[name]
    text = os.environ.get(limit.env, "").strip().replace("_", "")
    if not text:
        return limit.default
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise KurskgeoError(
            f"{limit.env}={os.environ[limit.env]!r} is not a whole number above 0; "
            f"unset it for the default ({limit.default:,} {limit.unit})"
        )
    return value


def exceeded(name: str, found: str) -> str:
    """Say that `found` goes beyond the limit `name`, and how to raise it.

    >>> print(exceeded("claims", "holds 9,000"))  # doctest: +NORMALIZE_WHITESPACE
    holds 9,000; the limit on the claims of one file is 5,000 claims
    (if you trust the file, raise it with KURSKGEO_MAX_CLAIMS=N; see docs/limits.md)
    """
    limit = LIMITS[name]
    return (
        f"{found}; the limit on {limit.what} is {get(name):,} {limit.unit} (if "
        f"you trust the file, raise it with {limit.env}=N; see docs/limits.md)"
    )


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def check_input(
    path: str | os.PathLike[str],
    error: type[KurskgeoError],
    *,
    limit: str | None = "input_mb",
) -> int:
    """Refuse, before anything opens it, an input that is not a regular file.

    A named pipe or a device could block a reader for ever or never end. For
    readers that open the path themselves (GDAL): returns the file's size,
    checked against `limit` (in MiB).

    Raises
    ------
    error
        If `path` is missing, not a regular file, or larger than the limit.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        raise error(f"{path}: is {_kind(st.st_mode)}, not a file; name a regular file")
    if limit is not None and st.st_size > get(limit) * _MIB:
        raise error(f"{path}: " + exceeded(limit, f"is {st.st_size / _MIB:,.1f} MiB"))
    return st.st_size


@contextlib.contextmanager
def _open_regular(path: Path, error: type[KurskgeoError]) -> Iterator[int]:
    """Open `path` for reading without blocking on a pipe; refuse non-files."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise error(f"{path}: is {_kind(mode)}, not a file; name a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        yield fd
    finally:
        os.close(fd)


def read_input(
    path: str | os.PathLike[str],
    error: type[KurskgeoError],
    *,
    limit: str = "input_mb",
    unpack: bool = False,
) -> bytes:
    """Read an input file whole, within `limit` (MiB), gunzipped if `unpack`.

    The file must be a regular file (a named pipe or device is refused
    before a byte is read); with `unpack`, content that starts with gzip's
    magic bytes is decompressed, and decompression stops as soon as it
    passes the limit, so a small bomb costs no more than the limit.

    Raises
    ------
    error
        If the file is missing, not a regular file, unreadable, larger than
        the limit (before or after decompression), or corrupt gzip.
    """
    p = Path(path)
    cap = get(limit) * _MIB
    with _open_regular(p, error) as fd:
        size = os.fstat(fd).st_size
        if size > cap:
            raise error(f"{p}: " + exceeded(limit, f"is {size / _MIB:,.1f} MiB"))
        try:
            with os.fdopen(os.dup(fd), "rb") as fh:
                # read what fstat says, then whatever it has grown by: asking
                # for the limit at once makes Python allocate all of it first
                raw = fh.read(min(size, cap) + 1)
                if len(raw) > size:
                    raw += fh.read(cap + 1 - len(raw))
        except OSError as exc:
            raise error(f"{p}: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > cap:  # it grew while being read
        raise error(f"{p}: " + exceeded(limit, "grew beyond it while read"))
    if unpack and raw[:2] == b"\x1f\x8b":
        raw = gunzip(raw, p, error, limit=limit)
    return raw


def gunzip(
    raw: bytes,
    path: str | os.PathLike[str],
    error: type[KurskgeoError],
    *,
    limit: str = "input_mb",
) -> bytes:
    """Decompress gzip data (members one after another) within `limit` (MiB).

    Decompression stops as soon as the output passes the limit: a bomb of a
    few KiB that would unpack to gigabytes costs no more than the limit.

    Raises
    ------
    error
        If the data unpacks to more than the limit, or is corrupt.
    """
    cap = get(limit) * _MIB
    out = bytearray()
    data = raw
    try:
        while data:
            d = zlib.decompressobj(wbits=31)
            chunk = data
            while chunk:
                out += d.decompress(chunk, cap + 1 - len(out))
                if len(out) > cap:
                    raise error(
                        f"{path}: "
                        + exceeded(
                            limit,
                            f"unpacks to more than {cap / _MIB:,.0f} MiB "
                            f"({len(raw) / _MIB:,.2f} MiB packed)",
                        )
                    )
                chunk = d.unconsumed_tail
            if not d.eof:
                raise error(
                    f"{path}: gzip data is corrupt or truncated (the stream ends "
                    "early); download it again"
                )
            data = d.unused_data.lstrip(b"\x00")
    except zlib.error as exc:
        raise error(
            f"{path}: gzip data is corrupt or truncated ({exc}); download it again"
        ) from None
    return bytes(out)
