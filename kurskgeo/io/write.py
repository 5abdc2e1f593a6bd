"""Writing outputs whole or not at all."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from kurskgeo.errors import KurskgeoError, OutputError, OutputExistsError

__all__ = ["atomic_path", "atomic_write", "check_output"]

#: Errors of writing a file that are about the disk, not the program.
_WRITE_ERRORS = frozenset(
    getattr(errno, name)
    for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO", "EROFS")
    if hasattr(errno, name)
)


def check_output(path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Refuse, before any work, an output that :func:`atomic_write` would refuse.

    Only a regular file is written or replaced; a folder, device or pipe at
    `path` is refused whatever `overwrite` says, and so is an existing file
    (or a symbolic link, even one to nothing) without `overwrite`. Returns
    the folder the file will be written in.

    Raises
    ------
    OutputExistsError
        If `path` exists and `overwrite` is False.
    OutputError
        If `path` is not a regular file, or its folder does not exist.

    Examples
    --------
    >>> import tempfile
    >>> check_output(tempfile.gettempdir())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kurskgeo.errors.OutputError: ... is not a regular file (a folder, device or ...
    """
    target = Path(path)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(f"{target}: cannot be written ({exc.strerror})") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise OutputError(
            f"{target} is not a regular file (a folder, device or pipe); "
            "name a file to write"
        )
    if (st is not None or target.is_symlink()) and not overwrite:
        what = "exists" if st is not None else "is a symbolic link to nothing"
        raise OutputExistsError(
            f"{target} {what}; pass overwrite=True (CLI: --overwrite) to replace it"
        )
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(
            f"{folder}: the output folder does not exist; create it first"
        )
    return folder


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], mode: str = "wb", *, overwrite: bool = False
) -> Iterator[IO[Any]]:
    """Open a temporary file beside `path` and rename it into place on success.

    An interruption leaves either the old file or nothing, never half a file.
    Only regular files are written or replaced: a folder, device or pipe at
    `path` is refused, whatever `overwrite` says (see :func:`check_output`).
    A symbolic link at `path` is replaced by the file (its target is left
    alone).

    Raises
    ------
    OutputExistsError
        If `path` exists and `overwrite` is False.
    OutputError
        If `path` is not a regular file, its folder does not exist or cannot
        be written, or the disk is full.
    """
    target = Path(path)
    folder = check_output(target, overwrite=overwrite)
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=folder
        )
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write here ({exc.strerror})") from None
    try:
        with os.fdopen(fd, mode) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, KurskgeoError) or exc.errno not in _WRITE_ERRORS:
            raise
        raise OutputError(
            f"{target}: cannot be written ({exc.strerror or exc}); nothing was written"
        ) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_path(
    path: str | os.PathLike[str], *, overwrite: bool = False, suffix: str | None = None
) -> Iterator[Path]:
    """Yield a temporary path beside `path` to write by name; rename it on success.

    For writers that take a file name rather than an open file (GDAL's):
    the same checks and the same whole-or-nothing result as
    :func:`atomic_write`. The temporary path keeps `path`'s suffix, which
    some writers read the format from (or `suffix`, when given).

    Raises
    ------
    OutputExistsError, OutputError
        As :func:`atomic_write`.
    """
    target = Path(path)
    folder = check_output(target, overwrite=overwrite)
    try:
        tmpdir = tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write here ({exc.strerror})") from None
    tmp = Path(tmpdir) / f"out{suffix or ''.join(target.suffixes[-1:])}"
    try:
        yield tmp
        if not tmp.is_file():
            raise OutputError(f"{target}: the writer wrote nothing")
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        if isinstance(exc, KurskgeoError) or exc.errno not in _WRITE_ERRORS:
            raise
        raise OutputError(
            f"{target}: cannot be written ({exc.strerror or exc}); nothing was written"
        ) from None
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
