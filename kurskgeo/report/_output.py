"""Writing a report folder all at once: staged beside it, then moved into place.

An interrupted run leaves the previous report (or nothing) and a hidden
staging folder that is removed on the way out, never half a report: the files
are moved in with ``os.replace`` once all of them exist, figures first and the
pages last, and files of an earlier report that this one does not write
(figures of other dates, verdicts when there are no claims) are removed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
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
    """Refuse to write over a report in `out` unless `overwrite`."""
    for name in OWN_FILES:
        target = out / name
        if target.exists() or target.is_symlink():
            if not overwrite:
                raise OutputExistsError(
                    f"{target} exists; pass overwrite=True (CLI: --overwrite) to "
                    "replace the report, or choose another folder with -o"
                )
            if not stat.S_ISREG(os.stat(target).st_mode):
                raise OutputError(
                    f"{target} is not a regular file (a folder, device or pipe); "
                    "choose another folder with -o"
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
    """Move everything in `stage` into `out`, and remove what this report replaced."""
    new = sorted(p.relative_to(stage) for p in stage.rglob("*") if p.is_file())
    try:
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
    except OSError as exc:
        raise OutputError(
            f"{out}: the report could not be moved into place ({exc.strerror})"
        ) from None
