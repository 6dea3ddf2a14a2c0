from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from pulumi_twilio_trunking.snapshots import Page, SnapshotCache


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeList:
    """A paged list of ``size`` items (``k0``..), ``per_page`` a page; counts the pages read."""

    def __init__(self, size: int, per_page: int = 10) -> None:
        self.size, self.per_page = size, per_page
        self.reads = 0
        self._lock = threading.Lock()

    def pages(self) -> Iterator[Page[int]]:
        for start in range(0, max(self.size, 1), self.per_page):
            with self._lock:
                self.reads += 1
            items = {f"k{i}": i for i in range(start, min(start + self.per_page, self.size))}
            yield items, start + self.per_page < self.size


PAGES_PER_CALL = 0.5


def _cache(
    clock: FakeClock, head_start: int = 1, ttl: float = 5, pages_per_call: float = PAGES_PER_CALL
) -> SnapshotCache[int]:
    return SnapshotCache(
        ttl=ttl, clock=clock, head_start=head_start, pages_per_call=pages_per_call, wait_for_pages=False
    )


def test_first_call_of_a_wave_goes_direct_then_a_one_page_list_answers_the_wave() -> None:
    clock, source = FakeClock(), FakeList(5)
    cache = _cache(clock)
    assert not cache.lookup("TK1", "k1", source.pages).answered
    clock.now += 1
    found = cache.lookup("TK1", "k2", source.pages)
    assert found.answered and found.value == 2
    for _ in range(10):
        assert cache.lookup("TK1", "k3", source.pages).value == 3
    absent = cache.lookup("TK1", "nope", source.pages)
    assert absent.answered and absent.value is None  # a complete list can say "absent"
    assert source.reads == 1


def test_a_small_wave_reads_no_page_of_a_big_list() -> None:
    clock, source = FakeClock(), FakeList(50_000, per_page=1000)  # 50 pages
    cache = _cache(clock, head_start=8)
    answers = [cache.lookup("account", f"k{i * 997}", source.pages) for i in range(8)]
    assert not any(a.answered for a in answers)
    assert source.reads == 0


def test_pages_read_never_exceed_calls_seen_minus_head_start() -> None:
    clock, source = FakeClock(), FakeList(50_000, per_page=1000)
    cache = _cache(clock, head_start=8)
    direct = 0
    for call in range(1, 41):
        if not cache.lookup("account", f"k{(call * 7919) % 50_000}", source.pages).answered:
            direct += 1
        assert source.reads <= math.ceil(max(0, call - 8) * PAGES_PER_CALL)
    # 40 calls: at most 16 pages read (hits on pages already read read none).
    assert 0 < source.reads <= 16
    assert direct + source.reads <= 40 + 16


def test_a_big_wave_reads_the_whole_list_once_then_answers_from_it() -> None:
    clock, source = FakeClock(), FakeList(5_000, per_page=1000)  # 5 pages
    cache = _cache(clock, head_start=1)
    direct = 0
    for call in range(200):
        if not cache.lookup("TK1", f"k{(call * 37) % 5_000}", source.pages).answered:
            direct += 1
    assert source.reads == 5
    assert direct <= 1 + 5 / PAGES_PER_CALL  # the first call, plus misses while the pages arrive
    assert cache.lookup("TK1", "gone", source.pages) == cache.lookup("TK1", "gone", source.pages)
    assert cache.lookup("TK1", "gone", source.pages).answered


def test_partial_snapshot_answers_hits_and_sends_misses_direct() -> None:
    clock, source = FakeClock(), FakeList(30, per_page=10)
    cache = _cache(clock, head_start=1)
    cache.lookup("TK1", "k0", source.pages)  # call 1: direct
    first = cache.lookup("TK1", "k25", source.pages)  # call 2: reads page 1 (k0..k9), k25 not on it
    assert not first.answered and source.reads == 1
    assert cache.lookup("TK1", "k3", source.pages).value == 3  # hit on the partial snapshot, no read
    assert source.reads == 1


def test_concurrent_callers_share_the_first_page() -> None:
    clock, source = FakeClock(), FakeList(500, per_page=1000)
    cache = _cache(clock, head_start=1)
    cache.lookup("TK1", "k0", source.pages)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda i: cache.lookup("TK1", f"k{i}", source.pages), range(1, 200)))
    assert all(a.answered for a in answers)
    assert source.reads == 1


def test_snapshots_expire_after_ttl_and_a_new_wave_starts_direct() -> None:
    clock, source = FakeClock(), FakeList(5)
    cache = _cache(clock)
    cache.lookup("TK1", "k1", source.pages)
    cache.lookup("TK1", "k1", source.pages)
    clock.now += 5.5
    assert not cache.lookup("TK1", "k1", source.pages).answered  # a new wave starts direct again
    assert source.reads == 1


def test_own_writes_are_applied_kept_over_later_pages_and_scopes_are_separate() -> None:
    clock, source = FakeClock(), FakeList(20, per_page=10)
    cache = _cache(clock)
    cache.lookup("TK1", "k0", source.pages)
    cache.lookup("TK1", "k0", source.pages)  # page 1 read
    cache.apply("TK1", "k15", None)  # removed by this process before page 2 is read
    cache.apply("TK1", "new", 99)
    cache.apply("TK1", "k1", None)
    cache.lookup("TK1", "k19", source.pages)
    cache.lookup("TK1", "k19", source.pages)  # call 4: page 2 read
    assert source.reads == 2
    snapshot = cache.peek("TK1")
    assert snapshot is not None
    assert "k15" not in snapshot and "k1" not in snapshot and snapshot["new"] == 99
    assert cache.lookup("TK1", "k15", source.pages) == cache.lookup("TK1", "k1", source.pages)
    assert cache.lookup("TK1", "k15", source.pages).answered  # complete: absent
    assert cache.peek("TK2") is None
    cache.apply("TK2", "x", 1)  # no snapshot: nothing to update
    assert cache.peek("TK2") is None


def test_a_failed_page_read_raises_and_the_next_read_starts_over() -> None:
    clock = FakeClock()
    cache = _cache(clock)

    def failing() -> Iterator[Page[int]]:
        raise RuntimeError("twilio down")
        yield {}, False  # pragma: no cover

    source = FakeList(5)
    cache.lookup("TK1", "k0", failing)
    with pytest.raises(RuntimeError):
        cache.lookup("TK1", "k0", failing)
    cache.lookup("TK1", "k0", source.pages)
    assert cache.lookup("TK1", "k0", source.pages).value == 0  # a new pass starts after the failure
    assert source.reads == 1


def test_zero_ttl_disables_snapshots() -> None:
    source = FakeList(5)
    cache: SnapshotCache[int] = SnapshotCache(ttl=0)
    assert all(not cache.lookup("TK1", "k1", source.pages).answered for _ in range(3))
    assert source.reads == 0


def test_items_expire_one_by_one_and_a_slow_pass_is_not_wasted() -> None:
    clock, source = FakeClock(), FakeList(30, per_page=10)
    cache = _cache(clock, ttl=5)
    for _ in range(6):  # calls 1..6 read pages 1..3 (call 2, 4, 6), one second apart
        cache.lookup("TK1", "k29", source.pages)
        clock.now += 1
    assert source.reads == 3
    clock.now += 0.5  # 106.5: page 1 (read at 101) is stale, pages 2 and 3 (103, 105) are fresh
    assert cache.lookup("TK1", "k15", source.pages).value == 15
    assert cache.lookup("TK1", "k25", source.pages).value == 25
    assert source.reads == 3
    assert cache.lookup("TK1", "k5", source.pages).value == 5  # a new pass re-reads page 1 only
    assert source.reads == 4
    view = cache.peek("TK1")
    assert view is not None and "k25" in view


def test_a_later_call_never_queues_behind_a_page_in_flight() -> None:
    clock = FakeClock()
    cache = _cache(clock)
    release, started = threading.Event(), threading.Event()

    def slow() -> Iterator[Page[int]]:
        yield {"a": 1}, True
        started.set()
        release.wait(5)
        yield {"b": 2}, False

    cache.lookup("TK1", "x", slow)
    cache.lookup("TK1", "a", slow)  # page 1
    cache.lookup("TK1", "x", slow)
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(cache.lookup, "TK1", "b", slow)  # call 4 reads page 2, which hangs
        assert started.wait(5)
        cache.lookup("TK1", "y", slow)
        assert not cache.lookup("TK1", "z", slow).answered  # goes direct at once
        release.set()
        assert future.result().value == 2


def test_a_trunk_of_a_few_pages_is_read_at_the_second_call() -> None:
    clock, source = FakeClock(), FakeList(5_000, per_page=1000)
    cache: SnapshotCache[int] = SnapshotCache(ttl=5, clock=clock, head_start=1, pages_per_call=4)
    assert not cache.lookup("TK1", "k4999", source.pages).answered  # call 1: direct
    assert cache.lookup("TK1", "k3500", source.pages).value == 3500  # call 2: pages 1-4, stops when found
    assert source.reads == 4
    assert cache.lookup("TK1", "k4999", source.pages).value == 4999  # call 3: page 5
    assert cache.lookup("TK1", "nope", source.pages).answered  # complete: absent
    assert source.reads == 5
