"""Fetch the upstream datasets kurskgeo reads, into a verified per-user cache.

Three families of files are known (see ``docs/sources.md`` for their licences):

``deepstate``
    DeepStateMap's full map as published at a moment, from the public API at
    deepstatemap.live: ``/api/history/public`` lists the ids (Unix times of
    publication) and ``/api/history/<id>/geojson`` gives the map. Cached as
    ``deepstate/<id>.geojson``, the name the archived exports carry. One map
    (:func:`fetch_deepstate`) or every map of a range of days, or the last of
    each day or week (:func:`fetch_deepstate_range`).
``occupied``
    The daily occupied-territory files of cyterat/deepstate-map-data,
    ``data/deepstatemap_data_YYYYMMDD.geojson``, at a pinned commit.
``boundary``
    Region boundaries from OpenStreetMap at a pinned commit, with a sha256.

Files land in ``pooch.os_cache("kurskgeo")`` (``~/.cache/kurskgeo`` on Linux)
or in the folder named by the environment variable ``KURSKGEO_CACHE``. They are
written atomically by pooch and verified: against the registry's sha256 where
the file is immutable upstream, else against the sha256 recorded when the file
was first downloaded (a ``.sha256`` file beside it), so a corrupted cached
file is detected and fetched again.

``KURSKGEO_MIRROR`` points the downloads at a local folder laid out like the
remote, as ``wget --force-directories`` saves it: the host, then the URL path
(``deepstatemap.live/api/history/public``,
``raw.githubusercontent.com/cyterat/deepstate-map-data/<commit>/data/...``).
Nothing then touches the network, which is how the tests run.

Dataset names (``kind:what``, see :func:`fetch_spec` for the grammar) stand
for one file (:func:`fetch_spec`) or, for a DeepStateMap range such as
``deepstate:2024-08-06..2025-04-30@week``, for several
(:func:`fetch_spec_files`).

Modules: :mod:`~kurskgeo.datasets.registry` (what is known, where it lives),
:mod:`~kurskgeo.datasets.deepstate` (DeepStateMap's maps, one or a range),
:mod:`~kurskgeo.datasets.files` (the occupied archive and the boundaries),
:mod:`~kurskgeo.datasets.names` (dataset names); the cache and mirror
locations and the verified downloads are private modules. This one gathers
the public functions.
"""

from __future__ import annotations

from kurskgeo.datasets._days import EVERY
from kurskgeo.datasets._download import (
    LARGE_BYTES,
    HTTPDownloader,
    MirrorDownloader,
)
from kurskgeo.datasets._locations import cache_dir, mirror_path
from kurskgeo.datasets.deepstate import (
    deepstate_ids,
    fetch_deepstate,
    fetch_deepstate_range,
)
from kurskgeo.datasets.files import fetch_boundary, fetch_occupied
from kurskgeo.datasets.names import fetch_spec, fetch_spec_files, is_range_spec
from kurskgeo.datasets.provenance import describe
from kurskgeo.datasets.registry import (
    BOUNDARIES,
    DEEPSTATE_API,
    ENV_CACHE,
    ENV_DEEPSTATE_TOKEN,
    ENV_MIRROR,
    FAMILIES,
    KINDS,
    OCCUPIED_COMMIT,
    STALE_DAYS,
    Dataset,
)

__all__ = [
    "BOUNDARIES",
    "DEEPSTATE_API",
    "ENV_CACHE",
    "ENV_DEEPSTATE_TOKEN",
    "ENV_MIRROR",
    "EVERY",
    "KINDS",
    "LARGE_BYTES",
    "OCCUPIED_COMMIT",
    "STALE_DAYS",
    "Dataset",
    "HTTPDownloader",
    "MirrorDownloader",
    "cache_dir",
    "deepstate_ids",
    "describe",
    "fetch_boundary",
    "fetch_deepstate",
    "fetch_deepstate_range",
    "fetch_occupied",
    "fetch_spec",
    "fetch_spec_files",
    "is_range_spec",
    "list_datasets",
    "mirror_path",
]


def list_datasets() -> list[Dataset]:
    """Return the registry: the dataset families and the fixed files.

    Returns
    -------
    list of Dataset
        Families first (``deepstate``, ``occupied``), then the boundaries.

    Examples
    --------
    >>> [d.name.split(":")[0] for d in list_datasets()]
    ['deepstate', 'occupied', 'boundary', 'boundary']
    >>> [d.name for d in list_datasets()][2:]
    ['boundary:kursk-oblast', 'boundary:countries']
    """
    return [*FAMILIES, *BOUNDARIES.values()]
