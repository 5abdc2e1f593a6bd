"""Every notebook in notebooks/ runs top to bottom (stored without outputs)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: A cell that runs longer than this has hung (a notebook takes a few seconds).
CELL_TIMEOUT = 120


def test_there_are_notebooks():
    names = [p.name for p in NOTEBOOKS]
    assert "01_quickstart.ipynb" in names
    assert "02_kursk_claims_january_2025.ipynb" in names
    assert "03_timeline.ipynb" in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    import nbformat

    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], (
                f"{path.name}: clear the outputs before committing"
            )
            assert cell.execution_count is None


def _run(path: Path, env: dict[str, str]) -> None:
    import nbclient
    import nbformat

    book = nbformat.read(path, as_version=4)
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        client = nbclient.NotebookClient(
            book,
            kernel_name="python3",
            timeout=CELL_TIMEOUT,
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_the_embedded_data(path, tmp_path):
    """Without real data (KURSKGEO_DATA pointing at an empty folder) every notebook
    falls back to geodata/ and runs without error."""
    _run(path, {"KURSKGEO_DATA": str(tmp_path), "MPLBACKEND": "Agg"})


@pytest.mark.slow
@pytest.mark.realdata
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_real_data(path, shared_data):
    _run(path, {"KURSKGEO_DATA": str(shared_data), "MPLBACKEND": "Agg"})
