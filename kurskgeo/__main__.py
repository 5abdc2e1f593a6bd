"""``python -m kurskgeo`` runs the same CLI as the ``kurskgeo`` script."""

from kurskgeo.cli import main

if __name__ == "__main__":
    main()
