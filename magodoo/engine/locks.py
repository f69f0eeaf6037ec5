"""Per-record locks inside one process.

Two syncs of the same record in one process run one after the other. Across processes the
engine also takes the stores' record locks (``Stores.locks``: a lock table in the SQLite
file or the PostgreSQL schema, with an expiry so a killed process's locks do not stay), and
waits for another process holding one; the binding store's uniqueness and the job queue's
leases remain the last line.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import attrs

__all__ = ["KeyedLocks"]


@attrs.define
class KeyedLocks:
    """One ``asyncio.Lock`` per key, created on demand and dropped when nobody holds or waits."""

    _locks: dict[str, asyncio.Lock] = attrs.field(factory=dict, init=False)
    _users: dict[str, int] = attrs.field(factory=dict, init=False)

    @asynccontextmanager
    async def hold(self, keys: Iterable[str]) -> AsyncIterator[None]:
        """Hold the locks of all ``keys`` (taken in sorted order, so no deadlock)."""
        ordered = sorted(set(keys))
        taken: list[str] = []
        for key in ordered:
            self._users[key] = self._users.get(key, 0) + 1
        try:
            for key in ordered:
                lock = self._locks.setdefault(key, asyncio.Lock())
                await lock.acquire()
                taken.append(key)
            yield
        finally:
            for key in taken:
                self._locks[key].release()
            for key in ordered:
                self._users[key] -= 1
                if self._users[key] == 0:
                    del self._users[key]
                    self._locks.pop(key, None)

    def __len__(self) -> int:
        return len(self._locks)
