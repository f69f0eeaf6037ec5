"""RecordLocks contract: all or nothing, per owner, expiring (memory, SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from magodoo.backends import RecordLocks, Stores
from tests.backends.conftest import FakeClock

TTL = timedelta(seconds=60)


def _locks(stores: Stores) -> RecordLocks:
    assert stores.locks is not None
    assert isinstance(stores.locks, RecordLocks)
    return stores.locks


async def test_all_or_nothing_and_per_owner(stores: Stores) -> None:
    locks = _locks(stores)
    assert await locks.acquire("a", ["k1", "k2"], TTL) == []
    assert await locks.acquire("a", ["k1"], TTL) == []  # its own: taken again
    assert await locks.acquire("b", ["k3", "k2"], TTL) == ["k2"]
    assert await locks.acquire("c", ["k3"], TTL) == []  # b took nothing
    await locks.release("b", ["k1", "k2"])  # not b's: nothing released
    assert await locks.acquire("b", ["k1"], TTL) == ["k1"]
    await locks.release("a", ["k1", "k2"])
    assert await locks.acquire("b", ["k1", "k2"], TTL) == []


async def test_a_crashed_owner_s_locks_expire(stores: Stores, clock: FakeClock) -> None:
    locks = _locks(stores)
    assert await locks.acquire("crashed", ["k"], TTL) == []
    assert await locks.acquire("b", ["k"], TTL) == ["k"]
    clock.advance(seconds=61)
    assert await locks.acquire("b", ["k"], TTL) == []
    assert await locks.acquire("crashed", ["k"], TTL) == ["k"]
