"""The ``Stores`` bundle and the factories that open one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType

import attrs

from magodoo.backends.models import Clock, utcnow
from magodoo.backends.protocols import BindingStore, CursorStore, JobQueue, RecordLocks, SyncLog

__all__ = ["Stores", "memory_stores", "open_postgres_stores", "open_sqlite_stores"]


async def _nothing() -> None:
    return None


@attrs.define
class Stores:
    """The four stores the engine needs, opened together and closed together.

    An async context manager: ``async with await open_sqlite_stores(path) as stores: ...``.
    """

    bindings: BindingStore
    log: SyncLog
    jobs: JobQueue
    cursors: CursorStore
    closer: Callable[[], Awaitable[None]] = _nothing
    closed: bool = False
    locks: RecordLocks | None = None
    """Per-record locks across processes (``None``: the engine locks inside its process only)."""

    async def aclose(self) -> None:
        """Close the connections behind the stores (idempotent)."""
        if not self.closed:
            self.closed = True
            await self.closer()

    async def __aenter__(self) -> Stores:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def memory_stores(*, now: Clock = utcnow, log_enabled: bool = True) -> Stores:
    """In-process stores (tests, demos): nothing survives the process."""
    from magodoo.backends.memory import (
        MemoryBindingStore,
        MemoryCursorStore,
        MemoryJobQueue,
        MemoryRecordLocks,
        MemorySyncLog,
    )

    return Stores(
        bindings=MemoryBindingStore(now=now),
        log=MemorySyncLog(now=now, enabled=log_enabled),
        jobs=MemoryJobQueue(now=now),
        cursors=MemoryCursorStore(),
        locks=MemoryRecordLocks(now=now),
    )


async def open_sqlite_stores(
    path: str | Path, *, now: Clock = utcnow, log_enabled: bool = True
) -> Stores:
    """Open (creating with mode 0600 and migrating if needed) one SQLite file in WAL mode."""
    from magodoo.backends.sqlite import open_sqlite

    return await open_sqlite(path, now=now, log_enabled=log_enabled)


async def open_postgres_stores(
    dsn: str,
    *,
    schema: str = "magodoo",
    now: Clock = utcnow,
    log_enabled: bool = True,
    min_size: int = 1,
    max_size: int = 10,
) -> Stores:
    """Connect a pool to PostgreSQL and migrate the tables in ``schema`` (created if needed).

    Needs the ``postgres`` extra (``pip install magodoo[postgres]``).
    """
    from magodoo.backends.postgres import open_postgres

    return await open_postgres(
        dsn, schema=schema, now=now, log_enabled=log_enabled, min_size=min_size, max_size=max_size
    )
