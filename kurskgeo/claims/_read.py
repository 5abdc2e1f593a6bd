"""Reading claims files into :class:`~kurskgeo.claims.records.Claim` records."""

from __future__ import annotations

import os
from pathlib import Path

from kurskgeo.claims import _parse as _p
from kurskgeo.claims.records import Claim

__all__ = ["read_claims"]


def read_claims(path: str | os.PathLike[str]) -> list[Claim]:
    """Read a claims file (YAML, or CSV with the same columns).

    The YAML file is a list of claims, or a mapping with a ``claims`` list and
    optional ``defaults`` applied to every claim. Paths in ``region`` and
    ``snapshots`` are relative to the claims file.

    Parameters
    ----------
    path : path-like
        A ``.yaml``/``.yml`` or ``.csv`` file.

    Returns
    -------
    list of Claim
        In file order.

    Raises
    ------
    ClaimsFileError
        If the file cannot be read, or a claim has an unknown unit, kind,
        qualifier, field or id reference, a bad date, a value that is zero,
        negative or a percentage above 100, or derived claims form a cycle.
        The message names the claim id, the file and the line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "c.yaml"
    >>> _ = f.write_text('''
    ... - id: seized
    ...   date: 2025-01-17
    ...   value: "1,268 km²"
    ...   also: 490 sq mi
    ... ''')
    >>> [(c.id, c.value, c.unit, c.qualifier, c.line) for c in read_claims(f)]
    [('seized', 1268.0, 'km2', 'about', 2)]
    """
    p = Path(path)
    records = _p.load_records(p)
    base = p.resolve().parent
    fields, wheres = [], []
    for record, where in records:
        fields.append(_p.record_to_fields(record, where, base))
        wheres.append(where)
    _p.check_references(fields, wheres)
    return [Claim(**f) for f in fields]
