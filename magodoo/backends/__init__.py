"""Where magodoo keeps its state: bindings, the sync log, the job queue and cursors.

Each store is a :class:`typing.Protocol` with three implementations: memory (tests),
SQLite (the embedded default, one file) and PostgreSQL (several workers on several machines).
Open all four together with :func:`memory_stores`, :func:`open_sqlite_stores` or
:func:`open_postgres_stores`.
"""

from __future__ import annotations

from magodoo.backends._paging import iter_log
from magodoo.backends._stores import (
    Stores,
    memory_stores,
    open_postgres_stores,
    open_sqlite_stores,
)
from magodoo.backends.errors import BindingConflictError, JobNotFoundError, MissingExtraError
from magodoo.backends.memory import (
    MemoryBindingStore,
    MemoryCursorStore,
    MemoryJobQueue,
    MemoryRecordLocks,
    MemorySyncLog,
)
from magodoo.backends.models import (
    Binding,
    Clock,
    Direction,
    Job,
    JobAction,
    JobState,
    LogEntry,
    LogFilter,
    LogStatus,
    Trigger,
    utcnow,
)
from magodoo.backends.protocols import BindingStore, CursorStore, JobQueue, RecordLocks, SyncLog

__all__ = [
    "Binding",
    "BindingConflictError",
    "BindingStore",
    "Clock",
    "CursorStore",
    "Direction",
    "Job",
    "JobAction",
    "JobNotFoundError",
    "JobQueue",
    "JobState",
    "LogEntry",
    "LogFilter",
    "LogStatus",
    "MemoryBindingStore",
    "MemoryCursorStore",
    "MemoryJobQueue",
    "MemoryRecordLocks",
    "MemorySyncLog",
    "MissingExtraError",
    "RecordLocks",
    "Stores",
    "SyncLog",
    "Trigger",
    "iter_log",
    "memory_stores",
    "open_postgres_stores",
    "open_sqlite_stores",
    "utcnow",
]
