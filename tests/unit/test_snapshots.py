from __future__ import annotations

from collections.abc import Mapping

from pulumi_twilio_trunking.snapshots import SnapshotCache


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _loader(counter: list[int]):  # type: ignore[no-untyped-def]
    def load() -> Mapping[str, int]:
        counter.append(1)
        return {"a": 1, "b": 2}

    return load


def test_first_call_of_a_wave_goes_direct_then_the_wave_shares_one_load() -> None:
    clock, loads = FakeClock(), []
    cache: SnapshotCache[int] = SnapshotCache(ttl=5, clock=clock)
    assert cache.lookup("TK1", _loader(loads)) is None
    clock.now += 1
    snapshot = cache.lookup("TK1", _loader(loads))
    assert snapshot == {"a": 1, "b": 2}
    for _ in range(10):
        assert cache.lookup("TK1", _loader(loads)) is not None
    assert len(loads) == 1


def test_snapshots_expire_after_ttl() -> None:
    clock, loads = FakeClock(), []
    cache: SnapshotCache[int] = SnapshotCache(ttl=5, clock=clock)
    cache.lookup("TK1", _loader(loads))
    cache.lookup("TK1", _loader(loads))
    clock.now += 5.5
    assert cache.lookup("TK1", _loader(loads)) is None  # a new wave starts direct again
    assert len(loads) == 1


def test_own_writes_are_applied_and_scopes_are_separate() -> None:
    clock, loads = FakeClock(), []
    cache: SnapshotCache[int] = SnapshotCache(ttl=5, clock=clock)
    cache.lookup("TK1", _loader(loads))
    cache.lookup("TK1", _loader(loads))
    cache.apply("TK1", "c", 3)
    cache.apply("TK1", "a", None)
    assert cache.peek("TK1") == {"b": 2, "c": 3}
    assert cache.peek("TK2") is None
    cache.apply("TK2", "x", 1)  # no snapshot: nothing to update
    assert cache.peek("TK2") is None


def test_zero_ttl_disables_snapshots() -> None:
    cache: SnapshotCache[int] = SnapshotCache(ttl=0)
    loads: list[int] = []
    assert all(cache.lookup("TK1", _loader(loads)) is None for _ in range(3))
    assert loads == []
