"""The public API: what ``import kurskgeo`` offers, and what it does not load."""

from __future__ import annotations

import subprocess
import sys

import kurskgeo


def test_all_names_exist():
    missing = [name for name in kurskgeo.__all__ if not hasattr(kurskgeo, name)]
    assert missing == []


def test_errors_inherit_builtins():
    assert issubclass(kurskgeo.SnapshotError, ValueError)
    assert issubclass(kurskgeo.ClaimsFileError, ValueError)
    assert issubclass(kurskgeo.CRSError, ValueError)
    assert issubclass(kurskgeo.DatasetError, OSError)
    assert issubclass(kurskgeo.OutputExistsError, FileExistsError)
    for cls in (
        kurskgeo.SnapshotError,
        kurskgeo.DatasetError,
        kurskgeo.OutputExistsError,
    ):
        assert issubclass(cls, kurskgeo.KurskgeoError)


def test_import_does_not_load_matplotlib_or_network_libraries():
    code = (
        "import sys, kurskgeo, kurskgeo.cli;"
        "print(sorted(m for m in ('matplotlib', 'pooch', 'requests', 'tqdm') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
