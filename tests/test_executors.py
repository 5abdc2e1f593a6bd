"""measure_files on an executor: the serial result, warnings and errors included.

``executor=`` takes any concurrent.futures.Executor: a process pool (as
``kurskgeo area -j N`` makes) or a dask.distributed client's executor. The
table must be the one the serial call gives, to the last bit, and what the
workers warn must reach the caller once per warning, in file order.
"""

from __future__ import annotations

import multiprocessing
import threading
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from kurskgeo.area import measure, measure_files
from kurskgeo.errors import RepairWarning, SkippedFeatureWarning, SnapshotError
from tests.common import box_ring, collection, feature, polygon, write_geojson

ROOT = Path(__file__).resolve().parents[1]
GEODATA = ROOT / "geodata" / "snapshots"
FORK = "fork" in multiprocessing.get_all_start_methods()


def recorded(fn, *args, **kw):
    """Call fn; return its result and the (category, message) it warned, in order."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, [(w.category, str(w.message)) for w in caught]


@pytest.fixture
def process_pool():
    if not FORK:
        pytest.skip("needs the fork start method")
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool


@pytest.fixture
def dask_executor(tmp_path_factory):
    """A dask.distributed executor in this process: offline, no dashboard."""
    pytest.importorskip("distributed")
    from dask.distributed import Client, LocalCluster

    before = set(threading.enumerate())
    with (
        LocalCluster(
            processes=False,
            n_workers=1,
            threads_per_worker=2,
            dashboard_address=None,
            # without a dashboard the scheduler still serves HTTP, by default on
            # port 8787 of every interface, and warns if another process holds
            # it (an error under -W error): a free port of this machine only
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            local_directory=tmp_path_factory.mktemp("dask"),
        ) as cluster,
        Client(cluster) as client,
    ):
        assert cluster.scheduler_address.startswith("inproc://")  # no network
        yield client.get_executor()
    # the cluster's event loop and workers are gone (a pool distributed keeps
    # for its whole life may stay, idle, as a daemon)
    left = [t for t in set(threading.enumerate()) - before if t.is_alive()]
    assert all(t.daemon for t in left), left


@pytest.fixture(params=["process_pool", "dask_executor"])
def executor(request):
    return request.getfixturevalue(request.param)


def series(tmp_path: Path) -> Path:
    """Six days; the 2nd and 5th need a repair, the 4th has a point to ignore."""
    bowtie = [[35, 51], [35.2, 51.2], [35.2, 51], [35, 51.2], [35, 51]]
    point = feature({"type": "Point", "coordinates": [35.1, 51.1]})
    for day in range(1, 7):
        square = feature(polygon(box_ring(35, 51, 35 + day / 20, 51.1)), zone="held")
        extra = []
        if day in (2, 5):
            extra.append(feature(polygon(bowtie), zone="held"))
        if day == 4:
            extra.append(point)
        write_geojson(tmp_path / f"2025-01-0{day}.geojson", collection(square, *extra))
    return tmp_path


@pytest.mark.parametrize("chunk_size", [1, 2, 16])
def test_embedded_snapshots(executor, chunk_size):
    kw = {"zone": ["liberated", "contested"], "chunk_size": chunk_size}
    serial = measure_files(GEODATA, **kw)
    got = measure_files(GEODATA, executor=executor, **kw)
    pd.testing.assert_frame_equal(got, serial, check_exact=True)


def test_warnings_reach_the_caller_once_in_file_order(executor, tmp_path):
    paths = series(tmp_path)
    serial, expected = recorded(measure_files, paths, zone="held", chunk_size=1)
    got, said = recorded(
        measure_files, paths, zone="held", chunk_size=1, executor=executor
    )
    pd.testing.assert_frame_equal(got, serial, check_exact=True)
    # independently of the serial call: one warning per file that has a reason
    assert [(c, Path(m.split(":")[0]).name) for c, m in said] == [
        (RepairWarning, "2025-01-02.geojson"),
        (SkippedFeatureWarning, "2025-01-04.geojson"),
        (RepairWarning, "2025-01-05.geojson"),
    ]
    assert said == expected
    # and they are what measure() says of each file
    each = [
        recorded(measure, p, zone="held")[1] for p in sorted(paths.glob("*.geojson"))
    ]
    assert said == [w for file_said in each for w in file_said]


def test_an_error_in_a_worker_reaches_the_caller(executor, tmp_path):
    paths = series(tmp_path)
    (paths / "2025-01-03.geojson").write_text(
        '{"type": "FeatureCollection", "features": ['
    )
    with pytest.raises(SnapshotError) as serial:
        recorded(measure_files, paths, chunk_size=2)
    with pytest.raises(SnapshotError) as got:
        recorded(measure_files, paths, chunk_size=2, executor=executor)
    assert str(got.value) == str(serial.value)
    assert "2025-01-03.geojson" in str(got.value)


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("folder", "zone"),
    [
        ("deepstate-raw", ["liberated", "contested"]),
        ("isw-kursk", "kursk_russian_advances"),
    ],
)
def test_real_series(executor, shared_data, kursk_oblast, folder, zone):
    kw = {"zone": zone, "region": kursk_oblast, "chunk_size": 5}
    serial, expected = recorded(measure_files, shared_data / folder, **kw)
    got, said = recorded(measure_files, shared_data / folder, executor=executor, **kw)
    pd.testing.assert_frame_equal(got, serial, check_exact=True)
    assert said == expected
