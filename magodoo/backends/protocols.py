"""The four store contracts. Every implementation (memory, SQLite, PostgreSQL) passes one
contract test suite per Protocol (tests/backends/).

Conventions shared by all stores:

* every method is a coroutine; every datetime is timezone-aware UTC;
* ``backend`` names a backend pair (one Magento store and one Odoo database); a user may sync
  several Magento stores to one Odoo, so every key includes it;
* paged reads are keyset reads: pass the last ``id`` you saw as ``after_id``;
* "now" comes from the store's injectable clock (``now=`` on the factories), never from the
  database server, so tests can move time.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from magodoo.backends.models import (
    Binding,
    Direction,
    Job,
    JobState,
    LogEntry,
    LogFilter,
)

__all__ = ["BindingStore", "CursorStore", "JobQueue", "RecordLocks", "SyncLog"]


@runtime_checkable
class BindingStore(Protocol):
    """Which Magento record is which Odoo record.

    Unique both ways per (backend, entity): a Magento id is bound to at most one Odoo id and an
    Odoo id to at most one Magento id. Natural keys (``magento_key``) are indexed, not unique.
    """

    async def get_by_magento(
        self, backend: str, entity: str, magento_id: int | str
    ) -> Binding | None: ...

    async def get_by_odoo(self, backend: str, entity: str, odoo_id: int) -> Binding | None: ...

    async def get_by_key(self, backend: str, entity: str, magento_key: str) -> Binding | None:
        """The binding with this natural key (SKU, email, ...); the lowest id if several."""
        ...

    async def get_many_by_magento(
        self, backend: str, entity: str, magento_ids: Iterable[int | str]
    ) -> dict[str, Binding]:
        """Bindings found, keyed by Magento id (as a string); missing ids are absent."""
        ...

    async def get_many_by_odoo(
        self, backend: str, entity: str, odoo_ids: Iterable[int]
    ) -> dict[int, Binding]:
        """Bindings found, keyed by Odoo id; missing ids are absent."""
        ...

    async def bind(self, binding: Binding) -> Binding:
        """Insert, or update the binding of the same (magento_id, odoo_id) pair.

        Returns the stored binding (with ``id``). Raises ``BindingConflictError`` when the Magento
        id or the Odoo id is already bound to another record; nothing is written then.
        """
        ...

    async def bind_many(self, bindings: Iterable[Binding]) -> builtins.list[Binding]:
        """``bind`` each, in one transaction: all are written or (on a conflict) none."""
        ...

    async def unbind(
        self,
        backend: str,
        entity: str,
        *,
        magento_id: int | str | None = None,
        odoo_id: int | None = None,
    ) -> bool:
        """Remove the binding matching the given id (either side; both must match if both are
        given). Returns whether one was removed."""
        ...

    async def list_bindings(
        self, backend: str, entity: str, *, after_id: int | None = None, limit: int = 1000
    ) -> builtins.list[Binding]:
        """Bindings of one entity type ordered by ``id``, after ``after_id``."""
        ...

    async def count(self, backend: str, entity: str) -> int: ...


@runtime_checkable
class SyncLog(Protocol):
    """One entry per sync attempt. When ``enabled`` is false, ``add``/``add_many`` write
    nothing (and return ``None`` / ``[]``); reads still work."""

    enabled: bool

    async def add(self, entry: LogEntry) -> int | None:
        """Store the entry (its ``id`` is ignored); returns the new id, or None if disabled."""
        ...

    async def add_many(self, entries: Iterable[LogEntry]) -> builtins.list[int]:
        """Store several entries in one transaction; returns their ids in order."""
        ...

    async def get(self, entry_id: int) -> LogEntry | None: ...

    async def delete(self, entry_id: int) -> bool: ...

    async def clear(self) -> int:
        """Delete every entry; returns how many."""
        ...

    async def query(
        self,
        filter: LogFilter | None = None,
        *,
        after_id: int | None = None,
        limit: int = 1000,
        newest_first: bool = False,
    ) -> builtins.list[LogEntry]:
        """Entries matching ``filter`` ordered by id (descending if ``newest_first``), strictly
        after ``after_id`` in that order. Page on by passing the last id you got."""
        ...

    async def count(self, filter: LogFilter | None = None) -> int: ...

    async def expire(self, older_than: timedelta) -> int:
        """Delete entries created before ``now - older_than``; returns how many."""
        ...


@runtime_checkable
class JobQueue(Protocol):
    """Durable jobs with identity collapse, leases, retries with backoff and a dead state.

    Completed jobs are deleted. Failed jobs go back to waiting with a later ``not_before``
    until ``max_attempts`` failures, then to ``JobState.DEAD`` where they stay until
    ``requeue``-d. Nothing is dropped silently.
    """

    async def enqueue(self, job: Job) -> Job:
        """Queue a job (state, attempts, ids of the given job are ignored).

        If a WAITING job has the same ``identity_key``, the two collapse into it: it keeps the
        higher priority and the earlier ``not_before``; a non-empty payload of the new job
        replaces the old one. Returns the stored (possibly pre-existing) job.
        """
        ...

    async def enqueue_many(self, jobs: Iterable[Job]) -> builtins.list[Job]:
        """``enqueue`` each, in one transaction; returns the stored jobs in order."""
        ...

    async def claim(
        self,
        worker_id: str,
        limit: int,
        lease: timedelta,
        *,
        max_attempts: int | None = None,
    ) -> builtins.list[Job]:
        """Atomically lease up to ``limit`` jobs to ``worker_id`` until ``now + lease``.

        Claimable: WAITING with ``not_before <= now``, or CLAIMED with an expired lease. Order:
        priority descending, then ``not_before``, then id. Two workers never get the same job.

        An expired lease means the worker holding the job crashed or hung: with
        ``max_attempts`` given, that counts as a failed attempt, in the same transaction as the
        claim. The job's ``attempts`` goes up by one and its ``last_error`` becomes
        ``"lease expired: worker <previous worker_id> lost the job"``; if ``attempts`` reaches
        ``max_attempts`` the job becomes DEAD instead of being claimed (kept, listed by
        ``dead``, re-queueable). Every expired job at the limit goes DEAD in that call, whether
        or not it would have fitted in ``limit``. With ``max_attempts=None`` an expired job is
        claimed again with no attempt counted (a job that kills its worker then loops forever).
        Raises ``ValueError`` for ``max_attempts < 1``.
        """
        ...

    async def extend_lease(self, job_id: int, worker_id: str, lease: timedelta) -> bool:
        """Push the lease of a job this worker holds to ``now + lease``; False if not held."""
        ...

    async def complete(self, job_id: int) -> bool:
        """Done: remove the job. Returns whether it existed."""
        ...

    async def complete_many(self, job_ids: Iterable[int]) -> int:
        """``complete`` each, in one transaction; returns how many jobs were removed.

        Same rule as ``complete``: the job is removed whatever its state or holder. Unknown
        (or already completed) ids are ignored and not counted; a repeated id counts once.
        """
        ...

    async def fail(
        self,
        job_id: int,
        error: str,
        *,
        max_attempts: int = 5,
        backoff_base: timedelta = timedelta(seconds=30),
        backoff_max: timedelta = timedelta(hours=6),
        jitter: float = 0.1,
    ) -> Job:
        """Count a failed attempt. Below ``max_attempts`` the job waits again until
        ``now + backoff_base * 2**(attempts-1)`` (capped at ``backoff_max``, plus up to
        ``jitter`` of it); at ``max_attempts`` it becomes DEAD. If another job with the same
        identity is already waiting, the failed one collapses into it. Returns the job's new
        state. Raises ``JobNotFoundError`` for an unknown id.
        """
        ...

    async def requeue(self, job_id: int) -> Job:
        """DEAD (or any) job back to WAITING now, attempts and error reset (collapsing into a
        waiting duplicate if there is one). Raises ``JobNotFoundError`` for an unknown id."""
        ...

    async def dead(self, *, after_id: int | None = None, limit: int = 100) -> builtins.list[Job]:
        """Dead jobs ordered by id, after ``after_id``."""
        ...

    async def get(self, job_id: int) -> Job | None: ...

    async def list_jobs(
        self,
        *,
        state: JobState | None = None,
        entity: str | None = None,
        after_id: int | None = None,
        limit: int = 100,
    ) -> builtins.list[Job]:
        """Jobs in any state (or ``state``), of any entity (or ``entity``), ordered by id,
        after ``after_id`` (for ``magodoo queue list`` and the metrics)."""
        ...

    async def waiting(self, identity_keys: Iterable[str]) -> dict[str, Job]:
        """The WAITING jobs with these identity keys, keyed by identity key (absent: none)."""
        ...

    async def counts(self) -> dict[JobState, int]:
        """Number of jobs in each state (every state present, zeros included)."""
        ...


@runtime_checkable
class CursorStore(Protocol):
    """High-water marks per (backend, entity, direction). Only stores the value: the overlap and
    signpost logic lives in ``magodoo.engine.cursors``."""

    async def get(self, backend: str, entity: str, direction: Direction) -> datetime | None: ...

    async def set(
        self, backend: str, entity: str, direction: Direction, value: datetime
    ) -> None: ...

    async def delete(self, backend: str, entity: str, direction: Direction) -> bool: ...

    async def all(self) -> Mapping[tuple[str, str, Direction], datetime]:
        """Every cursor (for a status page or a notebook)."""
        ...


@runtime_checkable
class RecordLocks(Protocol):
    """Per-record locks shared by every process using the same stores.

    A lock is a key held by an ``owner`` until released or until ``ttl`` has passed (a
    crashed process's locks expire). Taking is all or nothing and never waits: the caller
    retries, so two processes taking overlapping sets cannot deadlock.
    """

    async def acquire(self, owner: str, keys: Sequence[str], ttl: timedelta) -> builtins.list[str]:
        """Take every key for ``owner`` (its own and expired locks are taken over); returns
        ``[]`` on success, else the keys other owners hold (then nothing was taken)."""
        ...

    async def release(self, owner: str, keys: Iterable[str]) -> None:
        """Drop the locks ``owner`` holds on ``keys`` (others' are left alone)."""
        ...
