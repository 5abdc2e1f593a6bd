"""The ``kurskgeo`` command: a click group with one module per subcommand.

Errors are converted in one place (:class:`KurskgeoGroup`): a
:class:`~kurskgeo.errors.KurskgeoError` prints one line to stderr and exits 1;
usage errors exit 2; a traceback is shown only with ``-v``.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import importlib.util
import logging
import os
import re
import signal
import sys
import threading
import warnings
from collections.abc import Iterator
from typing import Any

import click

from kurskgeo.errors import KurskgeoError, KurskgeoWarning
from kurskgeo.versions import __version__

__all__ = ["Terminated", "cli", "cli_terms", "main"]

#: subcommand name -> module under kurskgeo.cli holding a click command of that name
COMMANDS = {
    "area": "area",
    "check": "check",
    "extract": "extract",
    "verify": "verify",
    "timeline": "timeline",
    "diff": "diff",
    "compare": "compare",
    "export": "export",
    "map": "map",
    "chart": "chart",
    "explore": "explore",
    "animate": "animate",
    "fetch": "fetch",
    "report": "report",
    "info": "info",
}


def _available(name: str) -> bool:
    return importlib.util.find_spec(f"kurskgeo.cli.{COMMANDS[name]}") is not None


def _oneline(text: Any) -> str:
    """One line for the terminal: white space joined, control characters shown."""
    from kurskgeo.escape import oneline

    return oneline(text)


_HINT = re.compile(
    r"(?P<lead>,? or |\s)(?P<verb>pass|with) (?P<py>[^()]*?) "
    r"\(CLI: (?P<opt>--[\w-]+)(?P<rest>[^)]*)\)"
)


def cli_terms(message: str, command: click.Command | None) -> str:
    """Word a library message's hints for the command that is running.

    Library errors give both ways out: ``pass overwrite=True (CLI:
    --overwrite)``. On the command line the hint becomes ``pass --overwrite``
    when the command has that option, and is left out when it has not, so
    that no message suggests an option the command lacks.
    """
    options = (
        {o for p in command.params for o in getattr(p, "opts", ())}
        if command is not None
        else set()
    )

    def word(m: re.Match[str]) -> str:
        if m["opt"] in options:
            return f"{m['lead']}{m['verb']} {m['opt']}{m['rest']}"
        return "" if "or" in m["lead"] else " "

    text = _HINT.sub(word, message)
    if text == message:
        return message
    return re.sub(r" +([;,])", r"\1", re.sub(r" {2,}", " ", text)).strip()


def _os_error(exc: OSError) -> str:
    """Say an operating-system error in the user's terms: what, and where."""
    where = exc.filename if exc.filename is not None else None
    target = f"{where}: " if where is not None else ""
    code = exc.errno
    if isinstance(exc, PermissionError):
        return (
            f"{target}permission denied; check that you may read the inputs and "
            "write the output folder"
        )
    if isinstance(exc, FileNotFoundError):
        return f"{target}no such file or folder"
    if isinstance(exc, IsADirectoryError):
        return f"{target}is a folder; name a file"
    if isinstance(exc, NotADirectoryError):
        return f"{target}a part of this path is not a folder"
    if code == errno.ENOSPC or code == getattr(errno, "EDQUOT", None):
        return (
            f"{target or 'writing the output: '}no space left on the disk (or over "
            "quota); free some space and run again (nothing was replaced)"
        )
    if code == errno.EROFS:
        return f"{target}the file system is read-only; write the output elsewhere"
    if code == errno.EMFILE or code == errno.ENFILE:
        return "too many open files; close other programs or raise the limit"
    return f"{target}{exc.strerror or exc}"


def _user_error(exc: BaseException) -> str | None:
    """Return the line for an error of the machine or the inputs; None: a bug."""
    if isinstance(exc, MemoryError):
        return (
            "out of memory: the inputs need more memory than this machine "
            "gives; use fewer or smaller files (limits: docs/limits.md)"
        )
    if isinstance(exc, OSError) and exc.errno is not None:
        return _os_error(exc)
    module = type(exc).__module__ or ""
    if module.startswith("pyproj"):
        return (
            f"PROJ could not handle a coordinate reference system ({exc}); check "
            "--crs and the CRS the input files declare"
        )
    return None


class _WarningLines:
    """Print warnings on stderr, one line each; of one kind, only the first few.

    A folder of DeepStateMap exports warns the same way for every file
    ("ignored 370 Point"); after :data:`SHOWN` lines of a kind (the message
    without its file name and numbers), the rest are counted and summed up at
    the end. ``-v`` prints them all.
    """

    SHOWN = 3

    def __init__(self, verbosity: int) -> None:
        self.verbosity = verbosity
        self.kinds: dict[str, int] = {}

    def __call__(
        self, message: Any, category: type[Warning], *args: Any, **kwargs: Any
    ) -> None:
        text = _oneline(message)
        kind = _kind(text)
        seen = self.kinds[kind] = self.kinds.get(kind, 0) + 1
        if seen <= self.SHOWN or self.verbosity > 0:
            click.echo(f"warning: {text}", err=True)

    def summary(self) -> None:
        """Say how many warnings of each kind were not printed."""
        for kind, seen in self.kinds.items():
            if seen > self.SHOWN and self.verbosity <= 0:
                click.echo(
                    f"warning: {seen - self.SHOWN} more of the kind "
                    f"'{kind}' (-v prints them all)",
                    err=True,
                )


def _kind(text: str) -> str:
    """Return what repeats in a warning: the text without its file and numbers."""
    head, sep, rest = text.partition(": ")
    if sep and ("/" in head or "." in head or "\\" in head):
        text = rest
    return re.sub(r"\d+(\.\d+)?", "N", text)


class KurskgeoGroup(click.Group):
    """Loads subcommands lazily (so ``area`` never imports matplotlib)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if _available(name)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None or not _available(cmd_name):
            return None
        mod = importlib.import_module(f"kurskgeo.cli.{module}")
        return getattr(mod, cmd_name.replace("-", "_"))

    def invoke(self, ctx: click.Context) -> Any:
        verbosity = (ctx.params.get("verbose") or 0) - (ctx.params.get("quiet") or 0)
        with warnings.catch_warnings():
            # warnings are part of the output (stderr), whatever filters the host set
            warnings.simplefilter(
                "ignore" if verbosity <= -2 else "always", KurskgeoWarning
            )
            lines = _WarningLines(verbosity)
            warnings.showwarning = lines
            try:
                return self._invoke(ctx, verbosity)
            finally:
                lines.summary()

    def _invoke(self, ctx: click.Context, verbosity: int) -> Any:
        try:
            return super().invoke(ctx)
        except KurskgeoError as exc:
            if verbosity > 0:
                raise
            command = self.get_command(ctx, ctx.invoked_subcommand or "")
            click.echo(f"Error: {_oneline(cli_terms(str(exc), command))}", err=True)
            ctx.exit(1)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt as exc:
            signum = getattr(exc, "signum", signal.SIGINT)
            click.echo(
                "Terminated." if signum != signal.SIGINT else "Aborted.", err=True
            )
            ctx.exit(128 + int(signum))
        except BrokenPipeError:  # the reader of stdout left (``| head``)
            ctx.exit(1)
        except (Exception, MemoryError) as exc:
            if verbosity > 0:
                raise
            said = _user_error(exc)
            if said is not None:
                click.echo(f"Error: {_oneline(said)}", err=True)
                ctx.exit(1)
            # a bug: say so in one line unless asked for more
            click.echo(
                f"Error: internal error ({type(exc).__name__}: {_oneline(str(exc))}); "
                "run again with -v for the traceback and please report it",
                err=True,
            )
            ctx.exit(1)


def _configure_logging(verbose: int, quiet: int) -> None:
    level = max(logging.DEBUG, logging.WARNING - 10 * (verbose - quiet))
    if quiet:
        level = logging.ERROR + 10 * (quiet - 1)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("kurskgeo")
    root.handlers[:] = [handler]
    root.setLevel(level)


def _show_versions(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from kurskgeo.versions import show_versions

    click.echo(show_versions())
    ctx.exit(0)


@click.group(
    name="kurskgeo",
    cls=KurskgeoGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", prog_name="kurskgeo")
@click.option(
    "--show-versions",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_versions,
    help="Print versions of kurskgeo, its dependencies, GEOS and PROJ, and exit.",
)
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="More output on stderr (-v: tracebacks, -vv: debug).",
)
@click.option(
    "-q", "--quiet", count=True, help="Less output on stderr (-qq: no warnings)."
)
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: int) -> None:
    """Check territorial-control claims against the geometry of map snapshots.

    Areas are measured in an equal-area projection with a geodesic
    cross-check. Results go to stdout, warnings and progress to stderr.
    """
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    ctx.obj["quiet"] = quiet
    _configure_logging(verbose, quiet)


class Terminated(KeyboardInterrupt):
    """SIGTERM (or SIGHUP), raised in the main thread so that clean-up runs.

    Temporary files, staging folders and pools are removed on the way out as
    for Ctrl-C; the exit status is 128 + the signal's number.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def _signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`Terminated` while the command runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = ("SIGTERM", "SIGHUP")
    wanted = [getattr(signal, n) for n in names if hasattr(signal, n)]
    before = {}
    for sig in wanted:
        if signal.getsignal(sig) is signal.SIG_IGN:  # nohup: keep ignoring it
            continue
        before[sig] = signal.signal(sig, _terminate)
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``kurskgeo`` script and ``python -m kurskgeo``.

    Called with `argv`, it behaves like any click command (and raises
    SystemExit). As the script (no `argv`) it ends the process as soon as
    the command's output is flushed, skipping the interpreter's own
    clean-up: with pandas, pyproj and shapely loaded that takes 60-100 ms,
    longer than measuring a hundred snapshots, and frees nothing the system
    does not free anyway. Outputs are complete by then: files are written
    atomically and closed by the command itself.
    """
    if argv is not None:
        with _signals():
            return cli.main(args=argv, prog_name="kurskgeo")
    try:
        with _signals():
            cli.main(prog_name="kurskgeo")
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc)
    except KeyboardInterrupt as exc:  # outside a command: while starting, say
        signum = int(getattr(exc, "signum", signal.SIGINT))
        click.echo("Terminated." if signum != signal.SIGINT else "Aborted.", err=True)
        code = 128 + signum
    logging.shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader left (``kurskgeo area ... | head``)
        pass
    os._exit(code)


def _exit_code(exc: SystemExit) -> int:
    """Return the status SystemExit gives the shell (a message: printed, 1)."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    click.echo(str(exc.code), err=True)
    return 1
