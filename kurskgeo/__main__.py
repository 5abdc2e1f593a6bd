"""``python -m kurskgeo`` runs the same CLI as the ``kurskgeo`` script."""

import sys


def run() -> None:
    """Start the command line; a Ctrl-C while it loads ends it without a traceback.

    The ``kurskgeo`` script starts here too: the CLI is imported inside the
    ``try``, so that an interrupt during start-up is handled like one during
    the command (exit 130, one line).
    """
    try:
        from kurskgeo.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("Aborted.\n")
        raise SystemExit(130) from None
    main()


if __name__ == "__main__":
    run()
