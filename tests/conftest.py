"""Shared fixtures: the real third-party data folder, a CLI runner, clean figures."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests: no per-example deadline (a loaded machine is not a failure);
# in CI the examples are derived from each test's name, so that a run is
# reproducible. Locally they are random, and failures found are replayed.
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = Path(__file__).resolve().parent / "data"


def _shared_data_dir() -> Path:
    """``KURSKGEO_TEST_DATA`` if set, else ``../shared/data`` beside the checkout."""
    env = os.environ.get("KURSKGEO_TEST_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real third-party data. Skips locally if absent; fails in CI."""
    path = _shared_data_dir()
    if not (path / "PROVENANCE.md").is_file():
        msg = (
            f"real data not found at {path}; set KURSKGEO_TEST_DATA to the folder "
            "holding deepstate-raw/, deepstate-occupied/, isw-kursk/, boundaries/"
        )
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="session")
def kursk_oblast(shared_data: Path) -> Path:
    return shared_data / "boundaries" / "kursk_oblast.geojson"


@pytest.fixture
def no_network(monkeypatch):
    """Every DNS lookup and socket connection fails."""
    import socket

    def refuse(*args, **kwargs):
        raise OSError("network access in tests is refused")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture
def dataset_cache(tmp_path, monkeypatch) -> Path:
    """An empty dataset cache of this test's own, and no mirror."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("KURSKGEO_CACHE", str(folder))
    monkeypatch.delenv("KURSKGEO_MIRROR", raising=False)
    return folder


@pytest.fixture
def real_mirror(tmp_path, shared_data, monkeypatch) -> Path:
    """``KURSKGEO_MIRROR`` laid out from ../shared/data (see common.build_mirror)."""
    from tests.common import build_mirror

    root = build_mirror(tmp_path / "mirror", shared_data)
    monkeypatch.setenv("KURSKGEO_MIRROR", str(root))
    return root


@pytest.fixture
def runner():
    from click.testing import CliRunner

    return CliRunner()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of tests/data in tmp_path, for tests that write next to inputs."""
    dst = tmp_path / "data"
    shutil.copytree(TEST_DATA, dst)
    return dst


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        plt.close("all")
