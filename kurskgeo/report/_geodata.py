"""Where the data kurskgeo ships lies: claims, places, approximate snapshots."""

from __future__ import annotations

from pathlib import Path

from kurskgeo.errors import KurskgeoError

__all__ = ["geodata_dir"]


def geodata_dir() -> Path:
    """Return the folder of the data kurskgeo ships: claims, places, snapshots.

    In a source checkout (or an editable install) it is ``geodata/`` beside the
    package; in an installed wheel it is ``kurskgeo/_geodata``.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    KurskgeoError
        If neither folder exists (a broken installation).

    Examples
    --------
    >>> (geodata_dir() / "places.geojson").is_file()
    True
    """
    here = Path(__file__).resolve().parents[1]  # the kurskgeo package
    for candidate in (here.parent / "geodata", here / "_geodata"):
        if (candidate / "snapshots").is_dir():
            return candidate
    raise KurskgeoError(
        f"kurskgeo's embedded data was found neither in {here.parent / 'geodata'} nor "
        f"in {here / '_geodata'}; reinstall kurskgeo (pip install kurskgeo)"
    )
