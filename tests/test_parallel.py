"""The second core: same results as one, and failures of the worker fall back."""

from __future__ import annotations

import os
import warnings

import pytest

from kurskgeo import _parallel


def squares(lo, hi, progress):
    return [(i * i, os.getpid()) for i in range(lo, hi)]


def test_two_workers_give_the_same_results_from_two_processes():
    one = _parallel.fork_map(squares, 10, False, "test", workers=1)
    two = _parallel.fork_map(squares, 10, False, "test", workers=2)
    assert [v for v, _ in one] == [v for v, _ in two] == [i * i for i in range(10)]
    assert {pid for _, pid in one} == {os.getpid()}
    assert len({pid for _, pid in two}) == 2  # the second half ran elsewhere


def test_warnings_of_the_worker_are_issued_by_the_parent_in_order():
    def warns(lo, hi, progress):
        warnings.warn(f"half {lo}-{hi}", UserWarning, stacklevel=1)
        return [os.getpid()] * (hi - lo)

    with pytest.warns(UserWarning, match="half") as record:
        pids = _parallel.fork_map(warns, 6, False, "test", workers=2)
    assert len(set(pids)) == 2
    assert [str(w.message) for w in record] == ["half 0-3", "half 3-6"]


@pytest.mark.parametrize("side", ["worker", "parent"])
def test_an_error_on_either_side_is_raised_by_the_parent(side):
    """The worker's half fails: the parent redoes it and raises; no worker is left."""

    def fails(lo, hi, progress):
        if (hi == 6) if side == "worker" else (lo == 0):
            raise RuntimeError(side)
        return list(range(lo, hi))

    with pytest.raises(RuntimeError, match=side):
        _parallel.fork_map(fails, 6, False, "test", workers=2)
    assert no_child_left()


@pytest.fixture
def bars(monkeypatch):
    """The tqdm bars drawn, replaced by counters that remember their total."""
    import tqdm.auto

    drawn = []

    class Bar:
        monitor_interval = 10

        def __init__(self, iterable=None, total=None, **kwargs):
            self.total, self.n, self.closed_at = total, 0, None
            drawn.append(self)

        def update(self, k):
            self.n += k

        def close(self):
            self.closed_at = self.n

    monkeypatch.setattr(tqdm.auto, "tqdm", Bar)
    return drawn


def test_short_series_and_bad_worker_counts():
    assert not _parallel.use_two_cores(5, None)
    assert not _parallel.use_two_cores(1, 2)
    with pytest.raises(ValueError, match="workers must be None, 1 or 2"):
        _parallel.use_two_cores(100, 3)


@pytest.mark.parametrize("share", [False, True])
def test_one_bar_counts_the_work_of_both_cores(bars, share):
    """The parent draws one bar for all n items; the worker's count is added."""
    from kurskgeo._progress import progress

    out = _parallel.fork_map(
        lambda lo, hi, bar: list(progress(range(lo, hi), bar, "counting")),
        100,
        True,
        "counting",
        workers=2,
        share=share,
    )
    assert out == list(range(100))
    assert [(b.total, b.closed_at) for b in bars] == [(100, 100)]


def test_the_bar_shows_when_the_worker_takes_every_item(bars, monkeypatch):
    """Sharing is a race: a busy parent may get no item, and still draws the bar."""
    from kurskgeo._progress import progress

    take = _parallel._take
    monkeypatch.setattr(_parallel, "_take", lambda t: _parallel.in_child() and take(t))
    out = _parallel.fork_map(
        lambda lo, hi, bar: [
            (i, os.getpid()) for i in progress(range(lo, hi), bar, "c")
        ],
        100,
        True,
        "counting",
        workers=2,
        share=True,
    )
    assert [i for i, _ in out] == list(range(100))
    assert os.getpid() not in {pid for _, pid in out}  # the worker did them all
    assert [(b.total, b.closed_at) for b in bars] == [(100, 100)]


def no_child_left():
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)
    return True


@pytest.mark.parametrize("death", ["exit", "kill", "unpicklable"])
def test_a_worker_that_dies_leaves_its_half_to_the_parent(death):
    def dies(lo, hi, progress):
        if _parallel.in_child():
            if death == "exit":
                os._exit(3)
            if death == "kill":
                os.kill(os.getpid(), 9)
            return [lambda: None] * (hi - lo)  # cannot be pickled
        return [(i * i, os.getpid()) for i in range(lo, hi)]

    assert _parallel.fork_map(dies, 10, False, "test", workers=2) == squares(0, 10, 0)
    assert no_child_left()


def test_a_large_result_is_read_whole():
    """More than a pipe's buffer: the parent drains while the worker writes."""
    big = _parallel.fork_map(
        lambda lo, hi, p: ["x" * 10_000] * (hi - lo), 200, False, "t", 2
    )
    assert big == ["x" * 10_000] * 200
    assert no_child_left()


# Sharing: the two processes take items one at a time from either end.


def test_shared_items_give_the_same_results_in_order():
    one = _parallel.fork_map(squares, 50, False, "test", workers=1, share=True)
    two = _parallel.fork_map(squares, 50, False, "test", workers=2, share=True)
    assert [v for v, _ in one] == [v for v, _ in two] == [i * i for i in range(50)]
    pids = [pid for _, pid in two]
    # each process did one contiguous run, the parent's from the start (a quick
    # worker may take every item before the parent takes one)
    assert sorted(pids, key=lambda p: p != os.getpid()) == pids
    assert no_child_left()


def test_shared_items_go_to_the_process_that_is_free(tmp_path):
    """The parent is held up by its first item: the worker does all the others.

    The parent waits for a sign that the worker reached item 1 rather than
    for a fixed time, so a loaded machine cannot change the outcome.
    """
    import time

    reached = tmp_path / "worker-reached-item-1"

    def held_up(lo, hi, progress):
        assert hi == lo + 1  # one item per call
        if lo == 0 and not _parallel.in_child():
            deadline = time.monotonic() + 30
            while not reached.exists() and time.monotonic() < deadline:
                time.sleep(0.005)
        if lo == 1 and _parallel.in_child():
            reached.touch()
        return [os.getpid()]

    pids = _parallel.fork_map(held_up, 60, False, "test", workers=2, share=True)
    assert sum(pid == os.getpid() for pid in pids) <= 1  # a static split gives 30


def test_shared_warnings_come_in_item_order():
    def warns(lo, hi, progress):
        warnings.warn(f"item {lo}", UserWarning, stacklevel=1)
        return [lo]

    with pytest.warns(UserWarning, match="item") as record:
        out = _parallel.fork_map(warns, 40, False, "test", workers=2, share=True)
    assert out == list(range(40))
    assert [str(w.message) for w in record] == [f"item {i}" for i in range(40)]


@pytest.mark.parametrize("death", ["exit", "kill"])
def test_a_sharing_worker_that_dies_leaves_its_items_to_the_parent(death):
    def dies_late(lo, hi, progress):
        if _parallel.in_child() and lo < 45:
            os._exit(3) if death == "exit" else os.kill(os.getpid(), 9)
        return [(i * i, os.getpid()) for i in range(lo, hi)]

    out = _parallel.fork_map(dies_late, 50, False, "test", workers=2, share=True)
    assert [v for v, _ in out] == [i * i for i in range(50)]
    assert no_child_left()


@pytest.mark.parametrize(
    ("loadavg", "two"),
    [
        ("1.95 1.40 0.80 1/180 4242", True),  # busy last minute, idle now
        ("0.10 0.10 0.10 2/180 4242", False),  # another process running now
        ("not a load line", None),  # falls back to the load average
    ],
)
def test_a_second_core_is_used_when_one_is_idle_now(
    tmp_path, monkeypatch, loadavg, two
):
    path = tmp_path / "loadavg"
    path.write_text(loadavg)
    monkeypatch.setattr(_parallel, "_LOADAVG", str(path))
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.2, 0.2, 0.2))
    expected = True if two is None else two
    assert _parallel.use_two_cores(100, None) is expected
    assert _parallel.use_two_cores(5, None) is False  # too short to pay
