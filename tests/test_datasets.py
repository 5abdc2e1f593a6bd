"""Fetching datasets: registry, cache, mirror, verification, errors, CLI.

No test touches the network: an autouse fixture makes every DNS lookup and
socket connection fail, and downloads come from a mirror folder built in
tmp_path from symlinks into ../shared/data (or from authored bytes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
from pathlib import Path

import pytest

from kurskgeo import datasets
from kurskgeo.datasets import (
    BOUNDARIES,
    DEEPSTATE_API,
    OCCUPIED_COMMIT,
    MirrorDownloader,
    fetch_boundary,
    fetch_deepstate,
    fetch_occupied,
    fetch_spec,
    mirror_path,
)
from kurskgeo.errors import DatasetError

OCCUPIED_BASE = f"https://raw.githubusercontent.com/cyterat/deepstate-map-data/{OCCUPIED_COMMIT}/data"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access in tests is refused")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("KURSKGEO_CACHE", str(folder))
    monkeypatch.delenv("KURSKGEO_MIRROR", raising=False)
    return folder


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def place(mirror: Path, url: str, source: Path | bytes) -> Path:
    """Put `source` in `mirror` where `url` lies (symlink for files)."""
    dest = mirror.joinpath(*mirror_path(url).parts)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(source, bytes):
        dest.write_bytes(source)
    else:
        dest.symlink_to(source)
    return dest


@pytest.fixture
def mirror(tmp_path, shared_data, monkeypatch) -> Path:
    """A mirror laid out like the remote, made of symlinks into shared_data."""
    root = tmp_path / "mirror"
    raw = sorted((shared_data / "deepstate-raw").glob("*.geojson"))
    listing = [
        {
            "id": int(p.stem),
            "createdAt": dt.datetime.fromtimestamp(int(p.stem), dt.UTC).isoformat(),
        }
        for p in raw
    ]
    place(root, f"{DEEPSTATE_API}/public", json.dumps(listing[::-1]).encode())
    for p in raw:
        place(root, f"{DEEPSTATE_API}/{p.stem}/geojson", p)
    for p in (shared_data / "deepstate-occupied").glob("*.geojson"):
        place(root, f"{OCCUPIED_BASE}/{p.name}", p)
    place(
        root,
        BOUNDARIES["kursk-oblast"].url,
        shared_data / "boundaries" / "kursk_oblast_districts_osm.geojson",
    )
    monkeypatch.setenv("KURSKGEO_MIRROR", str(root))
    return root


class Counting:
    """Wrap a downloader and count its calls."""

    def __init__(self, inner):
        self.inner = inner
        self.urls: list[str] = []

    def __call__(self, url, output_file, pooch=None):
        self.urls.append(url)
        self.inner(url, output_file, pooch)


# ---------------------------------------------------------------- layout and names


def test_mirror_path_is_host_then_decoded_path():
    url = BOUNDARIES["kursk-oblast"].url
    assert mirror_path(url).parts == (
        "raw.githubusercontent.com",
        "timurkanaz",
        "Russia_geojson_OSM",
        "5af46d6dab9a502713611846892e4185f157dab7",
        "GeoJson's",
        "Regions",
        "CFO",
        "Курская область_Kursk region.geojson",
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://deepstatemap.live/api/history/%2e%2e/%2e%2e/etc",
        "https://deepstatemap.live/api/../../etc/passwd",
        "file:///etc/passwd",
        "ftp://example.org/x",
    ],
)
def test_mirror_path_refuses_escapes(url):
    with pytest.raises(DatasetError):
        mirror_path(url)


def test_cache_dir_from_environment(cache):
    assert datasets.cache_dir() == cache.resolve()


def test_default_cache_is_pooch_user_cache(monkeypatch):
    import pooch

    monkeypatch.delenv("KURSKGEO_CACHE")
    assert datasets.cache_dir() == Path(pooch.os_cache("kurskgeo")).resolve()


@pytest.mark.parametrize(
    "spec",
    [
        "deepstate:../../etc/passwd",
        "deepstate:12345",
        "deepstate:2025-13-01",
        "deepstate:yesterday",
        "occupied:2025-02-30",
        "occupied:../x",
        "occupied:latest",
        "occupied:2023-01-01",  # before the archive starts
        "occupied:2030-01-01",  # after the pinned commit
        "boundary:../../etc/passwd",
        "boundary:mars",
        "weather:2025-01-01",
        "no-colon",
    ],
)
def test_malformed_specs_raise_before_any_download(spec, cache):
    with pytest.raises(DatasetError):
        fetch_spec(spec)
    assert not any(cache.rglob("*.geojson"))


def test_registry_lists_families_and_boundaries():
    names = [d.name for d in datasets.list_datasets()]
    assert names[0].startswith("deepstate:")
    assert names[1].startswith("occupied:")
    assert "boundary:kursk-oblast" in names
    entry = BOUNDARIES["kursk-oblast"]
    assert len(entry.sha256) == 64
    assert OCCUPIED_COMMIT in datasets.list_datasets()[1].url


# ---------------------------------------------------------------- real mirror


@pytest.mark.realdata
def test_boundary_matches_the_unmodified_source(mirror, shared_data, cache):
    path = fetch_boundary("kursk-oblast")
    source = shared_data / "boundaries" / "kursk_oblast_districts_osm.geojson"
    assert path == cache.resolve() / "boundary" / "kursk-oblast.geojson"
    assert path.read_bytes() == source.read_bytes()
    # the registry hash is that of the unmodified upstream file (SHA256SUMS)
    sums = (shared_data / "SHA256SUMS").read_text()
    assert (
        f"{BOUNDARIES['kursk-oblast'].sha256}  boundaries/kursk_oblast_districts_osm"
        in sums
    )


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2025-03-05", 1741215821),  # published 23:03 UTC that day
        ("2025-03-04", 1740000227),  # nothing newer until 03-05 in the listing
        ("2024-08-14T11:00:00Z", 1723059640),  # an hour before 1723635752
        ("2024-08-14T11:42:32Z", 1723635752),  # at the moment itself
        (dt.date(2024, 9, 4), 1725481410),
        (dt.datetime(2024, 9, 4, 20, 0), 1724272310),  # naive means UTC
        ("1648989208", 1648989208),  # an id is taken as is
        ("latest", 1744834181),
        (None, 1744834181),
    ],
)
def test_deepstate_latest_at_or_before(mirror, shared_data, when, expected):
    path = fetch_deepstate(when)
    assert path.name == f"{expected}.geojson"
    source = shared_data / "deepstate-raw" / f"{expected}.geojson"
    assert path.read_bytes() == source.read_bytes()
    assert path.with_name(path.name + ".sha256").read_text().split()[0] == sha256(
        source
    )


@pytest.mark.realdata
def test_deepstate_before_history_starts(mirror):
    with pytest.raises(DatasetError, match="no map published at or before 2022-01-01"):
        fetch_deepstate("2022-01-01")


@pytest.mark.realdata
def test_cached_files_are_not_downloaded_again(mirror):
    get = Counting(MirrorDownloader(mirror))
    first = fetch_spec("occupied:2025-03-06", downloader=get)
    again = fetch_spec("occupied:20250306", downloader=get)
    assert first == again
    assert get.urls == [f"{OCCUPIED_BASE}/deepstatemap_data_20250306.geojson"]
    fetch_deepstate(1741215821, downloader=get)
    fetch_deepstate("1741215821", downloader=get)
    assert get.urls[1:] == [f"{DEEPSTATE_API}/1741215821/geojson"]


@pytest.mark.realdata
def test_listing_is_refreshed_only_for_later_moments(mirror, cache, tmp_path):
    class Http(Counting):
        """A downloader that is not the mirror, so the staleness rule applies."""

    get = Http(MirrorDownloader(mirror))
    fetch_deepstate("2024-09-04", downloader=get)
    assert get.urls[0].endswith("/public")
    listing = cache / "listings" / "deepstate.json"
    # pretend the listing was fetched on 2025-01-01
    stamp = dt.datetime(2025, 1, 1, tzinfo=dt.UTC).timestamp()
    os.utime(listing, (stamp, stamp))
    get.urls.clear()
    fetch_deepstate("2024-12-25", downloader=get)  # covered by that listing
    assert not any(u.endswith("/public") for u in get.urls)
    fetch_deepstate("2025-03-05", downloader=get)  # may miss newer maps: refresh
    assert sum(u.endswith("/public") for u in get.urls) == 1


@pytest.mark.realdata
def test_corrupted_cache_is_fetched_again(mirror, shared_data):
    path = fetch_boundary()
    path.write_bytes(b'{"type": "FeatureCollection", "features": []}')
    assert fetch_boundary() == path
    source = shared_data / "boundaries" / "kursk_oblast_districts_osm.geojson"
    assert path.read_bytes() == source.read_bytes()
    # the same for a file verified against the hash recorded at first download
    occupied = fetch_occupied("2024-08-14")
    occupied.write_bytes(occupied.read_bytes()[:-100])
    assert (
        fetch_occupied("2024-08-14").read_bytes()
        == (
            shared_data / "deepstate-occupied" / "deepstatemap_data_20240814.geojson"
        ).read_bytes()
    )


def test_corrupted_mirror_is_reported_with_both_hashes(tmp_path, monkeypatch, cache):
    root = tmp_path / "bad-mirror"
    place(root, BOUNDARIES["kursk-oblast"].url, b"not the boundary")
    monkeypatch.setenv("KURSKGEO_MIRROR", str(root))
    with pytest.raises(DatasetError) as info:
        fetch_boundary("kursk-oblast")
    msg = str(info.value)
    assert BOUNDARIES["kursk-oblast"].sha256 in msg
    assert hashlib.sha256(b"not the boundary").hexdigest() in msg
    assert "KURSKGEO_MIRROR" in msg
    assert not (cache / "boundary" / "kursk-oblast.geojson").exists()
    assert not [p for p in cache.rglob("*") if p.is_file()]  # no partial file left


def test_recorded_hash_mismatch_is_reported(tmp_path, monkeypatch, cache):
    root = tmp_path / "mirror"
    url = f"{OCCUPIED_BASE}/deepstatemap_data_20250306.geojson"
    source = place(root, url, b'{"type": "FeatureCollection", "features": []}\n')
    monkeypatch.setenv("KURSKGEO_MIRROR", str(root))
    path = fetch_occupied("2025-03-06")
    recorded = path.with_name(path.name + ".sha256").read_text().split()[0]
    # the cached copy is damaged and the upstream copy changed: report, keep nothing
    path.write_bytes(b"damaged")
    source.write_bytes(b"changed upstream")
    with pytest.raises(DatasetError, match=f"expected {recorded}"):
        fetch_occupied("2025-03-06")


def test_missing_file_in_mirror_names_the_variable(tmp_path, monkeypatch):
    root = tmp_path / "empty-mirror"
    root.mkdir()
    monkeypatch.setenv("KURSKGEO_MIRROR", str(root))
    with pytest.raises(DatasetError, match=r"not in the mirror.*KURSKGEO_MIRROR"):
        fetch_occupied("2024-08-18")


def test_missing_mirror_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KURSKGEO_MIRROR", str(tmp_path / "nowhere"))
    with pytest.raises(DatasetError, match=r"mirror folder.*does not exist"):
        fetch_boundary()


def test_no_network_names_the_mirror_variable(cache):
    with pytest.raises(DatasetError, match="KURSKGEO_MIRROR") as info:
        fetch_boundary("kursk-oblast")
    assert "cannot download" in str(info.value)
    assert not [p for p in cache.rglob("*") if p.is_file()]


def test_http_downloader_refuses_urls_outside_the_registry(tmp_path):
    get = datasets.HTTPDownloader(progressbar=False)
    with pytest.raises(DatasetError, match="not a URL of kurskgeo's registry"):
        get("https://example.org/evil.geojson", str(tmp_path / "x"), None)


class FakeResponse:
    def __init__(self, status: int, body: bytes, length: bool = True):
        self.status_code = status
        self.body = body
        self.headers = {"content-length": str(len(body))} if length else {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def raise_for_status(self):
        import requests

        if self.status_code >= 400:
            raise requests.exceptions.HTTPError(f"{self.status_code} Server Error")

    def iter_content(self, chunk_size):
        for i in range(0, len(self.body), chunk_size):
            yield self.body[i : i + chunk_size]


def test_http_download_with_progress_bar_on_stderr(monkeypatch, capsys, cache):
    import requests

    body = b"x" * (datasets.LARGE_BYTES + 10)
    seen = {}

    def fake_get(url, **kwargs):
        seen.update(kwargs, url=url)
        return FakeResponse(200, body)

    monkeypatch.setattr(requests, "get", fake_get)
    path = fetch_deepstate(1741215821, progressbar=True)
    assert path.read_bytes() == body
    assert seen["url"] == f"{DEEPSTATE_API}/1741215821/geojson"
    assert seen["headers"]["User-Agent"].startswith("kurskgeo/")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "1741215821" in captured.err  # tqdm writes its bar to stderr


def test_http_small_download_has_no_bar(monkeypatch, capsys):
    import requests

    monkeypatch.setattr(requests, "get", lambda url, **kw: FakeResponse(200, b"{}"))
    fetch_deepstate(1741215821, progressbar=True)
    assert capsys.readouterr().err == ""


def test_http_404_for_a_missing_archive_day(monkeypatch):
    import requests

    monkeypatch.setattr(requests, "get", lambda url, **kw: FakeResponse(404, b""))
    with pytest.raises(DatasetError, match="no file for 2024-08-18"):
        fetch_occupied("2024-08-18")


def test_http_server_error(monkeypatch):
    import requests

    monkeypatch.setattr(requests, "get", lambda url, **kw: FakeResponse(503, b""))
    with pytest.raises(DatasetError, match="503"):
        fetch_boundary()


def test_malformed_listing(tmp_path, monkeypatch, cache):
    root = tmp_path / "mirror"
    place(root, f"{DEEPSTATE_API}/public", b'[{"id": "../../x"}]')
    monkeypatch.setenv("KURSKGEO_MIRROR", str(root))
    with pytest.raises(DatasetError, match="not a DeepStateMap id"):
        fetch_deepstate("2025-01-17")
    (root / mirror_path(f"{DEEPSTATE_API}/public")).write_bytes(b"<html>")
    with pytest.raises(DatasetError, match="not JSON"):
        fetch_deepstate("2025-01-17")


# ---------------------------------------------------------------- CLI


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["deepstate", "2025-01-17"], "1736372850.geojson"),
        (["deepstate:2025-01-17"], "1736372850.geojson"),
        (["occupied", "2025-03-06"], "deepstatemap_data_20250306.geojson"),
        (["boundary", "kursk-oblast"], "kursk-oblast.geojson"),
        (["boundary:kursk-oblast"], "kursk-oblast.geojson"),
    ],
)
def test_cli_fetch_prints_the_cached_path(runner, mirror, cache, args, name):
    from kurskgeo.cli import cli

    result = runner.invoke(cli, ["fetch", *args])
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path.name == name
    assert path.is_file() and path.is_relative_to(cache.resolve())


@pytest.mark.realdata
def test_cli_fetch_several_dates(runner, mirror):
    from kurskgeo.cli import cli

    result = runner.invoke(cli, ["fetch", "occupied", "2025-03-06", "2025-03-07"])
    assert result.exit_code == 0, result.output
    names = [Path(line).name for line in result.stdout.splitlines()]
    assert names == [
        "deepstatemap_data_20250306.geojson",
        "deepstatemap_data_20250307.geojson",
    ]


def test_cli_fetch_list(runner):
    from kurskgeo.cli import cli

    result = runner.invoke(cli, ["fetch", "--list", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["name"].split(":")[0] for r in rows] == [
        "deepstate",
        "occupied",
        "boundary",
    ]
    assert rows[2]["sha256"] == BOUNDARIES["kursk-oblast"].sha256


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["weather", "2025-01-01"], 2, "unknown dataset kind"),
        ([], 2, "name a dataset"),
        (["occupied:2025-02-30"], 1, "not a date"),
        (["boundary:mars"], 1, "unknown boundary"),
    ],
)
def test_cli_fetch_errors(runner, args, code, message):
    from kurskgeo.cli import cli

    result = runner.invoke(cli, ["fetch", *args])
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_fetch_without_network(runner):
    from kurskgeo.cli import cli

    result = runner.invoke(cli, ["fetch", "boundary:kursk-oblast"])
    assert result.exit_code == 1
    assert "KURSKGEO_MIRROR" in result.output


@pytest.mark.realdata
def test_cli_area_accepts_dataset_names(runner, mirror, kursk_oblast):
    """``--region boundary:…`` and ``deepstate:…`` resolve through the cache."""
    from kurskgeo.cli import cli

    result = runner.invoke(
        cli,
        [
            "area",
            "--zone",
            "liberated",
            "--region",
            "boundary:kursk-oblast",
            "--format",
            "json",
            "deepstate:2025-03-05",
        ],
    )
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)[0]
    # the fetched districts merge into the same oblast as the derived boundary
    assert row["area_km2"] == pytest.approx(361.8, abs=0.5)
    assert row["date"] == "2025-03-05"


@pytest.mark.realdata
def test_fetched_folder_reads_as_a_series(mirror, cache):
    """The cache's deepstate/ folder holds only maps (no listing, no records)."""
    import warnings

    from kurskgeo.io import read_snapshots

    fetch_deepstate("2025-03-05")
    fetch_deepstate("2025-03-19")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        snaps = read_snapshots(cache / "deepstate")
    # raw exports: their Points are the map's markers, noted without a warning
    assert not caught, [str(w.message) for w in caught]
    for snap in snaps:
        assert any(" Point (only polygons" in n for n in snap.attrs["notes"])
    assert [s["date"].iloc[0] for s in snaps] == [
        dt.date(2025, 3, 5),
        dt.date(2025, 3, 19),
    ]


def test_http_timeout_names_the_mirror_variable(monkeypatch):
    import requests

    def slow(url, **kwargs):
        raise requests.exceptions.ReadTimeout("read timed out")

    monkeypatch.setattr(requests, "get", slow)
    with pytest.raises(
        DatasetError, match=r"did not answer within 60 s.*KURSKGEO_MIRROR"
    ):
        fetch_occupied("2025-03-06")
