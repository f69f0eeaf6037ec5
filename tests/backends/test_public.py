"""The public face of magodoo.backends."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta

import pytest

import magodoo.backends
from magodoo.backends import (
    Binding,
    BindingStore,
    CursorStore,
    JobQueue,
    MissingExtraError,
    SyncLog,
    memory_stores,
    open_postgres_stores,
)
from magodoo.backends._common import backoff_delay
from magodoo.exceptions import ConfigurationError


def test_all_is_sorted_and_complete() -> None:
    names = magodoo.backends.__all__
    assert names == sorted(names)
    assert all(hasattr(magodoo.backends, n) for n in names)
    public = {
        n
        for n, v in vars(magodoo.backends).items()
        if not n.startswith("_") and getattr(v, "__module__", "").startswith("magodoo.backends")
    }
    assert public <= set(names)


async def test_memory_stores_satisfy_the_protocols() -> None:
    async with memory_stores() as stores:
        assert isinstance(stores.bindings, BindingStore)
        assert isinstance(stores.log, SyncLog)
        assert isinstance(stores.jobs, JobQueue)
        assert isinstance(stores.cursors, CursorStore)
    await stores.aclose()  # closing twice is fine
    assert stores.closed


async def test_missing_asyncpg_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "asyncpg", None)
    with pytest.raises(MissingExtraError, match=r"magodoo\[postgres\]") as info:
        await open_postgres_stores("postgresql://localhost/x")
    assert isinstance(info.value, ConfigurationError)
    assert isinstance(info.value, ImportError)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        Binding("s", "product", 1, 2, synced_at=datetime(2026, 1, 1))


def test_backoff_delay() -> None:
    base = timedelta(seconds=30)
    cap = timedelta(hours=1)
    assert backoff_delay(1, base, cap=cap, jitter=0.1, rand=0) == base
    assert backoff_delay(3, base, cap=cap, jitter=0.1, rand=0) == base * 4
    assert backoff_delay(3, base, cap=cap, jitter=0.1, rand=0.5) == base * 4 * 1.05
    assert backoff_delay(50, base, cap=cap, jitter=0, rand=0.9) == cap
