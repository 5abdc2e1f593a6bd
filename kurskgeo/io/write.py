"""Writing outputs whole or not at all."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from kurskgeo.errors import OutputError, OutputExistsError

__all__ = ["atomic_path", "atomic_write"]


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], mode: str = "wb", *, overwrite: bool = False
) -> Iterator[IO[Any]]:
    """Open a temporary file beside `path` and rename it into place on success.

    An interruption leaves either the old file or nothing, never half a file.
    Only regular files are written or replaced: a folder, device or pipe at
    `path` is refused, whatever `overwrite` says.

    Raises
    ------
    OutputExistsError
        If `path` exists and `overwrite` is False.
    OutputError
        If `path` is not a regular file, or its folder does not exist.
    """
    target = Path(path)
    folder = _checked_target(target, overwrite)
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
    folder = _checked_target(target, overwrite)
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
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def _checked_target(target: Path, overwrite: bool) -> Path:
    """Refuse what :func:`atomic_write` refuses; return the folder to write in."""
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
        raise OutputExistsError(
            f"{target} exists; pass overwrite=True (CLI: --overwrite) to replace it"
        )
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(
            f"{folder}: the output folder does not exist; create it first"
        )
    return folder
