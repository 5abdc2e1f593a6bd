"""Writing a report folder all at once: staged beside it, then moved into place.

A report is written into a hidden folder beside its destination and moved
into place when every file exists, so that a reader sees the previous report
or the new one, never half of one or a mix of two:

- a new folder, or one that holds only an earlier report, is swapped in with
  two renames (the folder is missing for the instant between them);
- a folder that also holds other files gets the report's files moved in one
  by one, figures first and the pages last, and the files of an earlier report
  that this one does not write are removed.

Either way the move is made with SIGINT and SIGTERM held back until it ends,
and under a lock on the parent folder, so that two runs writing to one folder
leave one whole report. An interrupted run removes its staging folder on the
way out.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from kurskgeo.errors import OutputError, OutputExistsError

__all__ = ["OWN_FILES", "check_free", "commit", "staging", "write_text"]

#: The files a report writes at the top of its folder.
OWN_FILES = (
    "report.md",
    "report.html",
    "explore.html",
    "manifest.json",
    "verdicts.json",
    "verdicts.csv",
)
#: The names of the figures a report writes (other files are left alone).
_FIGURE = re.compile(
    r"^(?:(?:map_|change_|small_multiples|timeline).*\.png|animation\.gif)$"
)


def check_free(out: Path, *, overwrite: bool) -> None:
    """Refuse, before any work, to write a report where it cannot or may not go.

    Raises
    ------
    OutputError
        If `out` is not a folder (a file, device or pipe), or a file of the
        report there is not a regular file.
    OutputExistsError
        If `out` holds a report and `overwrite` is False.
    """
    try:
        st = os.stat(out)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(f"{out}: cannot be written ({exc.strerror})") from None
    if st is None and out.is_symlink():
        raise OutputError(
            f"{out} is a symbolic link to nothing; remove it or choose another "
            "folder with -o"
        )
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise OutputError(
            f"{out} is not a folder (a file, device or pipe); a report is a "
            "folder: choose a new or existing folder with -o"
        )
    for name in (*OWN_FILES, "figures"):
        target = out / name
        if not (target.exists() or target.is_symlink()):
            continue
        mode = os.lstat(target).st_mode
        if name == "figures":
            if not stat.S_ISDIR(mode):
                raise OutputError(
                    f"{target} is not a folder; choose another folder with -o"
                )
            continue
        if not overwrite:
            raise OutputExistsError(
                f"{target} exists; pass overwrite=True (CLI: --overwrite) to "
                "replace the report, or choose another folder with -o"
            )
        if not stat.S_ISREG(mode):
            raise OutputError(
                f"{target} is not a regular file (a link, folder, device or "
                "pipe); choose another folder with -o"
            )


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Path]:
    """Yield a hidden folder beside `out` (with ``figures/``); remove it after."""
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        stage = Path(
            tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=parent)
        )
    except OSError as exc:
        raise OutputError(f"{out}: cannot be written ({exc.strerror})") from None
    try:
        (stage / "figures").mkdir()
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def write_text(path: Path, text: str) -> None:
    """Write `text` as UTF-8 with ``\\n`` line ends (into the staging folder)."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def commit(stage: Path, out: Path) -> None:
    """Move the report in `stage` into `out` whole (see the module's notes)."""
    with _held_signals(), _locked(out.parent):
        try:
            if not (out.exists() or out.is_symlink()):
                _chmod_like_new(stage)
                os.rename(stage, out)
                return
            if _swappable(out) and _only_a_report(out):
                _swap(stage, out)
                return
            _move_files(stage, out)
        except OSError as exc:
            raise OutputError(
                f"{out}: the report could not be moved into place ({exc.strerror})"
            ) from None


def _swappable(out: Path) -> bool:
    """Whether `out` may be renamed: not a link, nor this process's folder."""
    if out.is_symlink():
        return False
    here, target = Path.cwd().resolve(), out.resolve()
    return target != here and target not in here.parents


def _only_a_report(out: Path) -> bool:
    """Whether `out` holds nothing but a report's own files and figures."""
    for entry in out.iterdir():
        if entry.name == "figures" and entry.is_dir() and not entry.is_symlink():
            if any(not _FIGURE.match(f.name) for f in entry.iterdir()):
                return False
        elif entry.name not in OWN_FILES:
            return False
    return True


def _swap(stage: Path, out: Path) -> None:
    """Replace a folder that holds only a report by the staged one."""
    mode = stat.S_IMODE(os.stat(out).st_mode)
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    os.rmdir(old)
    os.chmod(stage, mode)
    os.rename(out, old)
    try:
        os.rename(stage, out)
    except OSError:
        os.rename(old, out)  # put the old report back
        raise
    shutil.rmtree(old, ignore_errors=True)


def _move_files(stage: Path, out: Path) -> None:
    """Move the staged files into a folder that holds other files too."""
    new = sorted(p.relative_to(stage) for p in stage.rglob("*") if p.is_file())
    (out / "figures").mkdir(parents=True, exist_ok=True)
    figures = [r for r in new if r.parts[0] == "figures"]
    pages = [r for r in new if r.parts[0] != "figures"]
    for rel in figures + sorted(pages, key=lambda r: r.name.startswith("report")):
        os.replace(stage / rel, out / rel)
    kept = {r.name for r in figures}
    for old in (out / "figures").iterdir():
        if _FIGURE.match(old.name) and old.name not in kept and old.is_file():
            old.unlink()
    written = {r.name for r in pages}
    for name in OWN_FILES:
        if name not in written and (out / name).is_file():
            (out / name).unlink()


def _chmod_like_new(folder: Path) -> None:
    """Give a staging folder (made private by mkdtemp) a new folder's mode."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(folder, 0o777 & ~umask)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (POSIX), so that moves do not mix."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock; the moves are still whole
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextlib.contextmanager
def _held_signals() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while the report moves into place.

    A signal that arrives meanwhile is delivered when the move has ended (its
    handler runs then), so Ctrl-C never leaves a report half moved.
    """
    if (
        not hasattr(signal, "pthread_sigmask")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
