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
import warnings
from pathlib import Path

import pytest

from kurskgeo import datasets
from kurskgeo.datasets import (
    BOUNDARIES,
    DEEPSTATE_API,
    OCCUPIED_COMMIT,
    STALE_DAYS,
    MirrorDownloader,
    fetch_boundary,
    fetch_deepstate,
    fetch_deepstate_range,
    fetch_occupied,
    fetch_spec,
    fetch_spec_files,
    mirror_path,
)
from kurskgeo.errors import DatasetError, StaleMapWarning
from tests.common import mirror_place

OCCUPIED_BASE = f"https://raw.githubusercontent.com/cyterat/deepstate-map-data/{OCCUPIED_COMMIT}/data"


@pytest.fixture(autouse=True)
def _offline(no_network):
    """No test here touches the network."""


@pytest.fixture(autouse=True)
def cache(dataset_cache) -> Path:
    return dataset_cache


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


place = mirror_place


@pytest.fixture
def mirror(real_mirror) -> Path:
    """A mirror laid out like the remote, made of symlinks into shared_data."""
    return real_mirror


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
        # ranges: malformed, or where one file is expected (fetch_spec)
        "deepstate:2024-08-06..2025-04-30",
        "deepstate:2024-08-06..2025-04-30@week",
        "deepstate:2025-04-30..2024-08-06",
        "deepstate:2024-08-06..2025-04-30@month",
        "deepstate:2024-08-06..",
        "deepstate:2025-01-17@week",
        "occupied:2025-03-01..2025-03-06",
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
    ("when", "expected", "age"),
    [
        ("2025-03-05", 1741215821, None),  # published 23:03 UTC that day
        ("2025-03-04", 1740000227, 13),  # nothing newer until 03-05 in the listing
        ("2024-08-14T11:00:00Z", 1723059640, 7),  # an hour before 1723635752
        ("2024-08-14T11:42:32Z", 1723635752, None),  # at the moment itself
        (dt.date(2024, 9, 4), 1725481410, None),
        (dt.datetime(2024, 9, 4, 20, 0), 1724272310, 14),  # naive means UTC
        ("1648989208", 1648989208, None),  # an id is taken as is, never stale
        ("latest", 1744834181, None),
        (None, 1744834181, None),
    ],
)
def test_deepstate_latest_at_or_before(mirror, shared_data, when, expected, age):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = fetch_deepstate(when)
    stale = [str(w.message) for w in caught if w.category is StaleMapWarning]
    assert len(stale) == (age is not None)
    if age is not None:
        assert stale[0].endswith(f", {age} days older")
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
    changed = hashlib.sha256(b"changed upstream").hexdigest()
    with pytest.raises(DatasetError, match=f"recorded {recorded}, new {changed}"):
        fetch_occupied("2025-03-06")
    assert path.read_bytes() == b"damaged"  # nothing of the new copy


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
    assert "a folder of exports you already have" in str(info.value)
    assert not [p for p in cache.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    "fetch",
    [
        lambda: fetch_deepstate("2025-01-17"),
        lambda: fetch_deepstate_range("2024-08-06", "2025-04-30", every="week"),
        lambda: fetch_deepstate_range("2024-08-06", "2025-04-30", list_only=True),
    ],
)
def test_no_network_for_the_listing_says_what_to_do(cache, fetch):
    with pytest.raises(DatasetError) as info:
        fetch()
    msg = str(info.value)
    assert msg.startswith(f"cannot download {DEEPSTATE_API}/public (cannot reach")
    assert "KURSKGEO_MIRROR" in msg
    assert "a folder of exports you already have" in msg
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
        "boundary",
    ]
    assert rows[2]["sha256"] == BOUNDARIES["kursk-oblast"].sha256
    # Natural Earth's countries: the hash is recorded at the first download
    assert rows[3]["name"] == "boundary:countries"
    assert rows[3]["sha256"] == "(recorded at first download)"


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


# ---------------------------------------------------------------- ranges


def _utc_id(*args: int) -> int:
    return int(dt.datetime(*args, tzinfo=dt.UTC).timestamp())


# A synthetic history around the range 2025-01-08 .. 2025-01-20 (Wed to Mon):
# the edges of the range, of days and of ISO weeks (Monday to Sunday).
BEFORE = _utc_id(2025, 1, 7, 23, 59, 59)  # out: the day before the range
WED_0000 = _utc_id(2025, 1, 8, 0, 0, 0)  # in: the start is 00:00:00 UTC
WED_1200 = _utc_id(2025, 1, 8, 12, 0, 0)  # last of 8 January
SUN_2359 = _utc_id(2025, 1, 12, 23, 59, 59)  # last of week 2, last of its day
MON_0000 = _utc_id(2025, 1, 13, 0, 0, 0)  # week 3 starts on Monday 00:00
MON_1800 = _utc_id(2025, 1, 13, 18, 0, 0)  # last of 13 January
WED_0900 = _utc_id(2025, 1, 15, 9, 0, 0)  # last of week 3
END_2359 = _utc_id(2025, 1, 20, 23, 59, 59)  # in: the end is 23:59:59 UTC
AFTER = _utc_id(2025, 1, 21, 0, 0, 0)  # out: the day after the range
SYNTHETIC = [
    BEFORE,
    WED_0000,
    WED_1200,
    SUN_2359,
    MON_0000,
    MON_1800,
    WED_0900,
    END_2359,
    AFTER,
]


@pytest.fixture
def synthetic(tmp_path, monkeypatch) -> Path:
    """A mirror whose listing holds SYNTHETIC; each map's bytes name its id."""
    root = tmp_path / "synthetic"
    listing = [{"id": i, "createdAt": "..."} for i in reversed(SYNTHETIC)]
    place(root, f"{DEEPSTATE_API}/public", json.dumps(listing).encode())
    for i in SYNTHETIC:
        place(root, f"{DEEPSTATE_API}/{i}/geojson", f'{{"id": {i}}}'.encode())
    monkeypatch.setenv("KURSKGEO_MIRROR", str(root))
    return root


@pytest.mark.parametrize(
    ("every", "expected"),
    [
        (
            "all",
            [WED_0000, WED_1200, SUN_2359, MON_0000, MON_1800, WED_0900, END_2359],
        ),
        ("day", [WED_1200, SUN_2359, MON_1800, WED_0900, END_2359]),
        ("week", [SUN_2359, WED_0900, END_2359]),
    ],
)
def test_range_selects_the_last_map_of_each_day_or_week(
    synthetic, cache, every, expected
):
    table = fetch_deepstate_range("2025-01-08", "2025-01-20", every=every)
    assert list(table.columns) == ["id", "published", "path", "bytes", "sha256"]
    assert list(table["id"]) == expected
    assert [t.timestamp() for t in table["published"]] == expected
    assert all(str(t.tzinfo) == "UTC" for t in table["published"])
    for row in table.itertuples():
        assert row.path.read_bytes() == f'{{"id": {row.id}}}'.encode()
        assert row.bytes == len(row.path.read_bytes())
        assert row.sha256 == sha256(row.path)
    cached = sorted(int(p.stem) for p in (cache / "deepstate").glob("*.geojson"))
    assert cached == expected  # nothing outside the selection was downloaded
    assert table.attrs["downloaded"] == len(expected)


def test_range_list_only_downloads_no_map(synthetic, cache):
    get = Counting(MirrorDownloader(synthetic))
    table = fetch_deepstate_range(
        "20250108", "20250120", every="week", list_only=True, downloader=get
    )
    assert list(table["id"]) == [SUN_2359, WED_0900, END_2359]
    assert table["path"].isna().all() and table["sha256"].isna().all()
    assert table["bytes"].isna().all()
    assert get.urls == [f"{DEEPSTATE_API}/public"]
    assert not (cache / "deepstate").exists()


def test_range_without_maps_is_empty_but_a_name_for_it_is_an_error(synthetic):
    table = fetch_deepstate_range("2025-02-01", "2025-02-28")
    assert table.empty
    assert list(table.columns) == ["id", "published", "path", "bytes", "sha256"]
    with pytest.raises(DatasetError, match="no DeepStateMap map was published"):
        fetch_spec_files("deepstate:2025-02-01..2025-02-28@week")


def test_range_spec_gives_its_files(synthetic, cache):
    paths = fetch_spec_files("deepstate: 20250108 .. 2025-01-20 @ day")
    assert [int(p.stem) for p in paths] == [
        WED_1200,
        SUN_2359,
        MON_1800,
        WED_0900,
        END_2359,
    ]
    assert all(p.parent == cache.resolve() / "deepstate" for p in paths)
    # a single name gives a list of one
    assert fetch_spec_files("deepstate:2025-01-13") == [
        cache.resolve() / "deepstate" / f"{MON_1800}.geojson"
    ]


def test_range_progress_bar_is_one_bar_on_stderr(synthetic, capsys):
    fetch_deepstate_range("2025-01-08", "2025-01-20", progressbar=True)
    err = capsys.readouterr().err
    assert "deepstate" in err
    assert "0/7" in err and "map/s" in err  # one bar over the 7 maps of the range
    fetch_deepstate_range("2025-01-08", "2025-01-20", progressbar=False)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("start", "end", "every", "message"),
    [
        ("2025-01-20", "2025-01-08", "all", "ends before it starts"),
        ("2025-01-32", "2025-02-08", "all", "not a date"),
        ("2025-01-08", "2025-01-20", "month", "not one of all, day, week"),
    ],
)
def test_range_arguments_are_checked_before_any_download(
    synthetic, cache, start, end, every, message
):
    with pytest.raises(DatasetError, match=message):
        fetch_deepstate_range(start, end, every=every)
    assert not [p for p in cache.rglob("*") if p.is_file()]


def weekly_ids(shared_data: Path, first: dt.date, last: dt.date) -> list[int]:
    """The last map of each ISO week, from the file names of deepstate-raw."""
    last_of_week: dict[tuple[int, int], int] = {}
    for p in (shared_data / "deepstate-raw").glob("*.geojson"):
        when = dt.datetime.fromtimestamp(int(p.stem), dt.UTC)
        week = tuple(when.isocalendar())[:2]
        if first <= when.date() <= last and int(p.stem) > last_of_week.get(week, 0):
            last_of_week[week] = int(p.stem)
    return sorted(last_of_week.values())


@pytest.mark.realdata
def test_range_on_the_real_mirror_is_fetched_once(mirror, shared_data, cache):
    expected = weekly_ids(shared_data, dt.date(2024, 8, 6), dt.date(2025, 4, 30))
    assert len(expected) == 20 and 1648989208 not in expected
    get = Counting(MirrorDownloader(mirror))
    table = fetch_deepstate_range(
        "2024-08-06", "2025-04-30", every="week", downloader=get
    )
    assert list(table["id"]) == expected
    assert table.attrs["downloaded"] == 20
    assert get.urls == [
        f"{DEEPSTATE_API}/public",
        *(f"{DEEPSTATE_API}/{i}/geojson" for i in expected),
    ]
    for row in table.itertuples():
        source = shared_data / "deepstate-raw" / f"{row.id}.geojson"
        assert row.sha256 == sha256(source)
        assert row.bytes == source.stat().st_size
    # a second run finds every map in the cache and the listing fresh enough
    get.urls.clear()
    again = fetch_deepstate_range(
        "2024-08-06", "2025-04-30", every="week", downloader=get
    )
    assert get.urls == []
    assert again.attrs["downloaded"] == 0
    assert list(again["sha256"]) == list(table["sha256"])


@pytest.fixture
def mirror_calls(monkeypatch) -> list[str]:
    """The URLs every MirrorDownloader copies (the CLI builds its own)."""
    calls: list[str] = []
    copy = MirrorDownloader.__call__

    def counting(self, url, output_file, pooch=None):
        calls.append(url)
        copy(self, url, output_file, pooch)

    monkeypatch.setattr(MirrorDownloader, "__call__", counting)
    return calls


@pytest.mark.realdata
def test_cli_fetch_range_every_week(runner, mirror, shared_data, cache, mirror_calls):
    from kurskgeo.cli import cli

    args = ["fetch", "deepstate", "--from", "2024-08-06", "--to", "2025-04-30"]
    args += ["--every", "week", "--format", "json"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    expected = weekly_ids(shared_data, dt.date(2024, 8, 6), dt.date(2025, 4, 30))
    assert [r["id"] for r in rows] == expected
    for r in rows:
        source = shared_data / "deepstate-raw" / f"{r['id']}.geojson"
        assert r["sha256"] == sha256(source)
        assert r["bytes"] == source.stat().st_size
        assert dt.datetime.fromisoformat(r["published"]).timestamp() == r["id"]
        assert Path(r["path"]).read_bytes() == source.read_bytes()
    maps = [u for u in mirror_calls if u.endswith("/geojson")]
    assert maps == [f"{DEEPSTATE_API}/{i}/geojson" for i in expected]
    assert "20 maps published from 2024-08-06 to 2025-04-30" in result.stderr
    assert "20 downloaded, 0 already in the cache" in result.stderr

    mirror_calls.clear()
    again = runner.invoke(cli, args[:-2])  # the table this time
    assert again.exit_code == 0, again.output
    assert not [u for u in mirror_calls if u.endswith("/geojson")]
    assert "0 downloaded, 20 already in the cache" in again.stderr
    lines = again.stdout.splitlines()
    assert lines[0].split() == ["id", "published", "bytes", "sha256"]
    assert len(lines) == 2 + 20
    assert lines[2].startswith(f"{expected[0]}  2024-08-07 19:40:40+00:00")


@pytest.mark.realdata
def test_cli_fetch_range_list_downloads_no_map(runner, mirror, cache, mirror_calls):
    from kurskgeo.cli import cli

    result = runner.invoke(
        cli,
        ["fetch", "deepstate", "--from", "2024-08-06", "--to", "2024-09-30"]
        + ["--list", "--format", "csv"],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "id,published",
        "1723059640,2024-08-07T19:40:40+00:00",
        "1723635752,2024-08-14T11:42:32+00:00",
        "1724272310,2024-08-21T20:31:50+00:00",
        "1725481410,2024-09-04T20:23:30+00:00",
        "1726693021,2024-09-18T20:57:01+00:00",
    ]
    assert mirror_calls == [f"{DEEPSTATE_API}/public"]
    assert not list(cache.rglob("*.geojson"))
    assert "none downloaded (--list)" in result.stderr


@pytest.mark.realdata
def test_cli_fetch_range_name_prints_its_paths(runner, mirror, cache):
    from kurskgeo.cli import cli

    result = runner.invoke(cli, ["fetch", "deepstate:2024-08-06..2024-09-30@week"])
    assert result.exit_code == 0, result.output
    assert [Path(line).name for line in result.stdout.splitlines()] == [
        "1723059640.geojson",
        "1723635752.geojson",
        "1724272310.geojson",
        "1725481410.geojson",
        "1726693021.geojson",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["deepstate", "--from", "2025-04-30", "--to", "2024-08-06"], "before"),
        (["deepstate", "--to", "2025-04-30"], "need --from"),
        (["deepstate", "--every", "week"], "need --from"),
        (["occupied", "--from", "2025-03-01"], "range of DeepStateMap maps"),
        (["deepstate", "2025-01-17", "--from", "2025-03-01"], "no other dataset"),
        (["deepstate", "--from", "2025-13-01"], "does not match the formats"),
        (["deepstate", "--from", "2025-01-01", "--every", "month"], "'month'"),
    ],
)
def test_cli_fetch_range_usage_errors(runner, cache, args, message):
    from kurskgeo.cli import cli

    result = runner.invoke(cli, ["fetch", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not [p for p in cache.rglob("*") if p.is_file()]


@pytest.mark.realdata
def test_cli_area_takes_weekly_ranges(runner, mirror, shared_data, kursk_oblast):
    """A range gives one row per week; the earlier map of a week is left out."""
    from kurskgeo.cli import cli

    # an extra, earlier map in the week of 1723059640 (7 August 2024), whose
    # content is another map's: picking it instead would change the area
    extra = _utc_id(2024, 8, 5, 12, 0, 0)
    place(
        mirror,
        f"{DEEPSTATE_API}/{extra}/geojson",
        shared_data / "deepstate-raw" / "1724272310.geojson",
    )
    listing = mirror.joinpath(*mirror_path(f"{DEEPSTATE_API}/public").parts)
    records = json.loads(listing.read_bytes())
    listing.write_text(json.dumps([*records, {"id": extra}]))

    def area(*specs: str) -> list[dict]:
        result = runner.invoke(
            cli,
            ["area", "--zone", "liberated", "--region", str(kursk_oblast)]
            + ["--format", "json", *specs],
        )
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    weekly = area("deepstate:2024-08-05..2024-09-22@week")
    assert [r["date"] for r in weekly] == [
        "2024-08-07",
        "2024-08-14",
        "2024-08-21",
        "2024-09-04",
        "2024-09-18",
    ]
    assert [Path(r["path"]).stem for r in weekly] == [
        "1723059640",
        "1723635752",
        "1724272310",
        "1725481410",
        "1726693021",
    ]
    assert weekly[0]["area_km2"] < 1  # 7 August, not the 21 August map
    assert weekly[2]["area_km2"] > 800
    # every map of the range: the extra one too; a range beside a plain name
    every = area("deepstate:2024-08-05..2024-08-14", "deepstate:2024-08-21")
    assert [Path(r["path"]).stem for r in every] == [
        str(extra),
        "1723059640",
        "1723635752",
        "1724272310",
    ]
    assert every[0]["area_km2"] == pytest.approx(weekly[2]["area_km2"])


@pytest.mark.parametrize(
    "args",
    [
        ["area", "--region", "deepstate:2024-08-06..2024-09-30", "x.geojson"],
        ["info", "deepstate:2024-08-06..2024-09-30@week"],
        ["diff", "deepstate:2024-08-06..2024-09-30@day", "deepstate:2024-10-01"],
    ],
)
def test_cli_range_where_one_file_is_expected_is_a_usage_error(runner, cache, args):
    from kurskgeo.cli import cli

    result = runner.invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "is a range of maps (several files) but this takes one file" in (
        result.output
    )
    assert "Traceback" not in result.output
    assert not [p for p in cache.rglob("*") if p.is_file()]  # nothing fetched


# ---------------------------------------------------------------- staleness


@pytest.mark.realdata
def test_stale_map_warns_with_its_age(mirror):
    assert STALE_DAYS == 3
    with pytest.warns(StaleMapWarning) as caught:
        path = fetch_deepstate("2025-01-17")
    assert path.name == "1736372850.geojson"  # returned all the same
    assert [str(w.message) for w in caught] == [
        "deepstate:2025-01-17: the last map published on or before 17 January "
        "2025 is of 8 January 2025, 9 days older"
    ]
    # 8 January 21:47 UTC + 3 days: not stale; + 4 days: stale
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fetch_deepstate("2025-01-11")
        fetch_deepstate(dt.date(2025, 1, 17), max_age_days=9)
        fetch_deepstate("2025-01-17", max_age_days=None)
    with pytest.warns(StaleMapWarning, match=r"^deepstate:20250112: .* 4 days older"):
        fetch_deepstate("20250112")
    with pytest.warns(StaleMapWarning, match=r"on or before 2025-01-17T06:00:00 UTC"):
        fetch_deepstate("2025-01-17T06:00:00Z")


@pytest.mark.realdata
def test_cli_stale_map_warns_and_succeeds(runner, mirror):
    from kurskgeo.cli import cli

    result = runner.invoke(cli, ["fetch", "deepstate", "2025-01-17"])
    assert result.exit_code == 0, result.output
    assert Path(result.stdout.strip()).name == "1736372850.geojson"
    assert result.stderr.strip() == (
        "warning: deepstate:2025-01-17: the last map published on or before "
        "17 January 2025 is of 8 January 2025, 9 days older"
    )


# ---------------------------------------------------------------- refusals


def _tamper(mirror: Path, ident: int, data: bytes) -> None:
    """Replace the mirror's map `ident` (a symlink into shared data) by `data`."""
    dest = mirror.joinpath(*mirror_path(f"{DEEPSTATE_API}/{ident}/geojson").parts)
    dest.unlink()  # never write through the symlink
    dest.write_bytes(data)


@pytest.mark.realdata
def test_changed_map_is_refused_and_not_kept(mirror, shared_data, cache):
    path = fetch_deepstate(1736372850)
    record = path.with_name(path.name + ".sha256")
    recorded = sha256(shared_data / "deepstate-raw" / "1736372850.geojson")
    assert record.read_text().split()[0] == recorded
    tampered = b'{"type": "FeatureCollection", "features": []}'
    _tamper(mirror, 1736372850, tampered)
    new = hashlib.sha256(tampered).hexdigest()

    path.unlink()  # lost from the cache: the next fetch downloads it again
    with pytest.raises(DatasetError) as info:
        fetch_deepstate("2025-01-08")
    msg = str(info.value)
    assert msg.startswith("DeepStateMap map 1736372850: the sha256 changed")
    assert f"recorded {recorded}, new {new}" in msg
    assert "nothing of the new file was kept" in msg
    assert not path.exists()
    assert record.read_text().split()[0] == recorded  # the record stands
    left = sorted(p.name for p in (cache / "deepstate").iterdir())
    assert left == ["1736372850.geojson.sha256"]  # no partial or temporary file

    # a damaged cached copy is not replaced by the changed one either, and a
    # range through that map fails the same way
    path.write_bytes(b"damaged")
    with pytest.raises(DatasetError, match=f"recorded {recorded}, new {new}"):
        fetch_deepstate_range("2025-01-06", "2025-01-12")
    assert path.read_bytes() == b"damaged"
    assert sorted(p.name for p in (cache / "deepstate").iterdir()) == [
        "1736372850.geojson",
        "1736372850.geojson.sha256",
    ]


@pytest.mark.realdata
def test_cli_changed_map_is_one_line_exit_1(runner, mirror, cache):
    from kurskgeo.cli import cli

    assert runner.invoke(cli, ["fetch", "deepstate:1736372850"]).exit_code == 0
    (cache / "deepstate" / "1736372850.geojson").unlink()
    _tamper(mirror, 1736372850, b"{}")
    result = runner.invoke(cli, ["area", "deepstate:2025-01-06..2025-01-12"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: DeepStateMap map 1736372850")
    assert hashlib.sha256(b"{}").hexdigest() in lines[0]
    assert "Traceback" not in result.output


class HeaderResponse(FakeResponse):
    def __init__(self, status: int, body: bytes = b"", **headers: str):
        super().__init__(status, body)
        self.headers.update(headers)


@pytest.mark.parametrize("status", [401, 403, 429])
def test_listing_refused_explains_the_restriction(monkeypatch, cache, status):
    import requests

    monkeypatch.setattr(
        requests,
        "get",
        lambda url, **kw: HeaderResponse(status, **{"Retry-After": "60"}),
    )
    with pytest.raises(DatasetError) as info:
        fetch_deepstate("2025-01-17")
    msg = str(info.value)
    assert msg.startswith(f"DeepStateMap refused the history listing (HTTP {status}")
    assert "maintainers of DeepStateMap restrict access" in msg
    assert "KURSKGEO_DEEPSTATE_TOKEN" in msg
    assert "'Authorization: Bearer ...'" in msg
    assert "a folder of exports you already have" in msg
    if status == 429:
        assert "too many requests; it asks to wait 60 s" in msg
    assert not [p for p in cache.rglob("*") if p.is_file()]


def test_deepstate_token_is_sent_to_deepstate_only(monkeypatch, cache):
    import requests

    seen: dict[str, dict] = {}

    def fake_get(url, **kwargs):
        seen[url] = kwargs["headers"]
        return FakeResponse(200, b"{}")

    monkeypatch.setattr(requests, "get", fake_get)
    monkeypatch.setenv("KURSKGEO_DEEPSTATE_TOKEN", " s3cret\n")
    fetch_deepstate(1741215821)
    fetch_occupied("2025-03-06")
    deepstate, github = seen.values()
    assert deepstate["Authorization"] == "Bearer s3cret"
    assert "Authorization" not in github

    # a refused token is named as such
    monkeypatch.setattr(requests, "get", lambda url, **kw: FakeResponse(403, b""))
    with pytest.raises(DatasetError, match="the token in KURSKGEO_DEEPSTATE_TOKEN"):
        fetch_deepstate("2025-01-17")


def test_cli_listing_refused_is_one_line_exit_1(runner, monkeypatch):
    import requests

    from kurskgeo.cli import cli

    monkeypatch.setattr(requests, "get", lambda url, **kw: FakeResponse(403, b""))
    result = runner.invoke(cli, ["fetch", "deepstate", "--from", "2025-01-01"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: DeepStateMap refused the history listing")
    assert "KURSKGEO_DEEPSTATE_TOKEN" in lines[0]
