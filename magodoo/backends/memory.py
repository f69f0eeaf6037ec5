"""In-process stores: the reference implementation of the contracts, for tests and demos."""

from __future__ import annotations

import builtins
import heapq
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta

import attrs

from magodoo.backends import _common
from magodoo.backends.errors import JobNotFoundError
from magodoo.backends.models import (
    Binding,
    Clock,
    Direction,
    Job,
    JobState,
    LogEntry,
    LogFilter,
    utcnow,
)

__all__ = ["MemoryBindingStore", "MemoryCursorStore", "MemoryJobQueue", "MemorySyncLog"]

_BKey = tuple[str, str, str]
_OKey = tuple[str, str, int]


@attrs.define
class MemoryBindingStore:
    """Bindings in dictionaries."""

    now: Clock = utcnow
    _rows: dict[int, Binding] = attrs.field(factory=dict, init=False)
    _by_m: dict[_BKey, int] = attrs.field(factory=dict, init=False)
    _by_o: dict[_OKey, int] = attrs.field(factory=dict, init=False)
    _next_id: int = attrs.field(default=1, init=False)

    async def get_by_magento(
        self, backend: str, entity: str, magento_id: int | str
    ) -> Binding | None:
        row_id = self._by_m.get((backend, entity, str(magento_id)))
        return None if row_id is None else self._rows[row_id]

    async def get_by_odoo(self, backend: str, entity: str, odoo_id: int) -> Binding | None:
        row_id = self._by_o.get((backend, entity, odoo_id))
        return None if row_id is None else self._rows[row_id]

    async def get_by_key(self, backend: str, entity: str, magento_key: str) -> Binding | None:
        for row in self._rows.values():  # ids ascend with insertion order
            if row.backend == backend and row.entity == entity and row.magento_key == magento_key:
                return row
        return None

    async def get_many_by_magento(
        self, backend: str, entity: str, magento_ids: Iterable[int | str]
    ) -> dict[str, Binding]:
        found: dict[str, Binding] = {}
        for mid in magento_ids:
            row = await self.get_by_magento(backend, entity, mid)
            if row is not None:
                found[row.magento_id] = row
        return found

    async def get_many_by_odoo(
        self, backend: str, entity: str, odoo_ids: Iterable[int]
    ) -> dict[int, Binding]:
        found: dict[int, Binding] = {}
        for oid in odoo_ids:
            row = await self.get_by_odoo(backend, entity, oid)
            if row is not None:
                found[row.odoo_id] = row
        return found

    def _check(self, binding: Binding) -> int | None:
        by_m = self._by_m.get((binding.backend, binding.entity, binding.magento_id))
        by_o = self._by_o.get((binding.backend, binding.entity, binding.odoo_id))
        _common.check_conflict(
            binding,
            None if by_m is None else self._rows[by_m],
            None if by_o is None else self._rows[by_o],
        )
        return by_m

    def _store(self, binding: Binding, row_id: int | None) -> Binding:
        if row_id is None:
            row_id = self._next_id
            self._next_id += 1
        stored = attrs.evolve(binding, id=row_id)
        self._rows[row_id] = stored
        self._by_m[(stored.backend, stored.entity, stored.magento_id)] = row_id
        self._by_o[(stored.backend, stored.entity, stored.odoo_id)] = row_id
        return stored

    async def bind(self, binding: Binding) -> Binding:
        return self._store(binding, self._check(binding))

    async def bind_many(self, bindings: Iterable[Binding]) -> builtins.list[Binding]:
        saved = (dict(self._rows), dict(self._by_m), dict(self._by_o), self._next_id)
        try:
            return [self._store(b, self._check(b)) for b in bindings]
        except BaseException:
            self._rows, self._by_m, self._by_o, self._next_id = saved
            raise

    async def unbind(
        self,
        backend: str,
        entity: str,
        *,
        magento_id: int | str | None = None,
        odoo_id: int | None = None,
    ) -> bool:
        row = _common.pick_unbind(
            await self.get_by_magento(backend, entity, magento_id)
            if magento_id is not None
            else None,
            await self.get_by_odoo(backend, entity, odoo_id) if odoo_id is not None else None,
            magento_id,
            odoo_id,
        )
        if row is None or row.id is None:
            return False
        del self._rows[row.id]
        del self._by_m[(backend, entity, row.magento_id)]
        del self._by_o[(backend, entity, row.odoo_id)]
        return True

    async def list_bindings(
        self, backend: str, entity: str, *, after_id: int | None = None, limit: int = 1000
    ) -> builtins.list[Binding]:
        out: builtins.list[Binding] = []
        for row_id in sorted(self._rows):
            row = self._rows[row_id]
            if after_id is not None and row_id <= after_id:
                continue
            if row.backend == backend and row.entity == entity:
                out.append(row)
                if len(out) >= limit:
                    break
        return out

    async def count(self, backend: str, entity: str) -> int:
        return sum(1 for r in self._rows.values() if r.backend == backend and r.entity == entity)


@attrs.define
class MemorySyncLog:
    """Log entries in a dictionary ordered by id."""

    now: Clock = utcnow
    enabled: bool = True
    _rows: dict[int, LogEntry] = attrs.field(factory=dict, init=False)
    _next_id: int = attrs.field(default=1, init=False)

    async def add(self, entry: LogEntry) -> int | None:
        if not self.enabled:
            return None
        row_id = self._next_id
        self._next_id += 1
        self._rows[row_id] = attrs.evolve(entry, id=row_id)
        return row_id

    async def add_many(self, entries: Iterable[LogEntry]) -> builtins.list[int]:
        if not self.enabled:
            return []
        ids: builtins.list[int] = []
        for entry in entries:
            row_id = await self.add(entry)
            assert row_id is not None
            ids.append(row_id)
        return ids

    async def get(self, entry_id: int) -> LogEntry | None:
        return self._rows.get(entry_id)

    async def delete(self, entry_id: int) -> bool:
        return self._rows.pop(entry_id, None) is not None

    async def clear(self) -> int:
        n = len(self._rows)
        self._rows.clear()
        return n

    async def query(
        self,
        filter: LogFilter | None = None,
        *,
        after_id: int | None = None,
        limit: int = 1000,
        newest_first: bool = False,
    ) -> builtins.list[LogEntry]:
        ids = sorted(self._rows, reverse=newest_first)
        out: builtins.list[LogEntry] = []
        for row_id in ids:
            if after_id is not None and (
                row_id >= after_id if newest_first else row_id <= after_id
            ):
                continue
            row = self._rows[row_id]
            if filter is None or _common.log_matches(row, filter):
                out.append(row)
                if len(out) >= limit:
                    break
        return out

    async def count(self, filter: LogFilter | None = None) -> int:
        if filter is None:
            return len(self._rows)
        return sum(1 for r in self._rows.values() if _common.log_matches(r, filter))

    async def expire(self, older_than: timedelta) -> int:
        cutoff = self.now() - older_than
        old = [i for i, r in self._rows.items() if r.created_at < cutoff]
        for i in old:
            del self._rows[i]
        return len(old)


@attrs.define
class MemoryJobQueue:
    """Jobs in a dictionary."""

    now: Clock = utcnow
    rand: Callable[[], float] = random.random
    _rows: dict[int, Job] = attrs.field(factory=dict, init=False)
    _waiting: dict[str, int] = attrs.field(factory=dict, init=False)
    _next_id: int = attrs.field(default=1, init=False)

    def _put(self, job: Job) -> Job:
        assert job.id is not None
        old = self._rows.get(job.id)
        if old is not None and old.state is JobState.WAITING:
            self._waiting.pop(old.identity_key, None)
        self._rows[job.id] = job
        if job.state is JobState.WAITING:
            self._waiting[job.identity_key] = job.id
        return job

    def _drop(self, job: Job) -> None:
        assert job.id is not None
        del self._rows[job.id]
        if job.state is JobState.WAITING:
            self._waiting.pop(job.identity_key, None)

    def _enqueue(self, job: Job, now: datetime) -> Job:
        existing_id = self._waiting.get(job.identity_key)
        if existing_id is not None:
            existing = self._rows[existing_id]
            return self._put(_common.collapse(existing, job, now))
        row_id = self._next_id
        self._next_id += 1
        return self._put(_common.fresh(job, row_id, now))

    async def enqueue(self, job: Job) -> Job:
        return self._enqueue(job, self.now())

    async def enqueue_many(self, jobs: Iterable[Job]) -> builtins.list[Job]:
        now = self.now()
        return [self._enqueue(job, now) for job in jobs]

    async def claim(
        self,
        worker_id: str,
        limit: int,
        lease: timedelta,
        *,
        max_attempts: int | None = None,
    ) -> builtins.list[Job]:
        _common.check_max_attempts(max_attempts)
        now = self.now()
        candidates: builtins.list[Job] = []
        for job in [j for j in self._rows.values() if _common.claimable(j, now)]:
            taken = _common.lease_expired(job, now, max_attempts)
            if taken.state is JobState.DEAD:
                self._put(taken)
                assert taken.id is not None and taken.last_error is not None
                _common.log_lease_dead(taken.id, taken.attempts, taken.last_error)
            else:
                candidates.append(taken)
        ready = heapq.nsmallest(limit, candidates, key=_common.claim_order)
        return [
            self._put(
                attrs.evolve(
                    job,
                    state=JobState.CLAIMED,
                    worker_id=worker_id,
                    lease_until=now + lease,
                    updated_at=now,
                )
            )
            for job in ready
        ]

    async def extend_lease(self, job_id: int, worker_id: str, lease: timedelta) -> bool:
        job = self._rows.get(job_id)
        if job is None or job.state is not JobState.CLAIMED or job.worker_id != worker_id:
            return False
        now = self.now()
        self._put(attrs.evolve(job, lease_until=now + lease, updated_at=now))
        return True

    async def complete(self, job_id: int) -> bool:
        job = self._rows.get(job_id)
        if job is None:
            return False
        self._drop(job)
        return True

    async def complete_many(self, job_ids: Iterable[int]) -> int:
        done = 0
        for job_id in set(job_ids):
            job = self._rows.get(job_id)
            if job is not None:
                self._drop(job)
                done += 1
        return done

    def _get_or_raise(self, job_id: int) -> Job:
        job = self._rows.get(job_id)
        if job is None:
            raise JobNotFoundError(f"no job with id {job_id}")
        return job

    def _back_to_waiting(self, job: Job, now: datetime) -> Job:
        dup_id = self._waiting.get(job.identity_key)
        if dup_id is not None and dup_id != job.id:
            self._drop(job)
            return self._put(_common.collapse(self._rows[dup_id], job, now, keep_payload=True))
        return self._put(job)

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
        job = self._get_or_raise(job_id)
        now = self.now()
        failed = _common.failed(
            job,
            error,
            now,
            max_attempts=max_attempts,
            backoff_base=backoff_base,
            backoff_max=backoff_max,
            jitter=jitter,
            rand=self.rand(),
        )
        if failed.state is JobState.DEAD:
            return self._put(failed)
        return self._back_to_waiting(failed, now)

    async def requeue(self, job_id: int) -> Job:
        job = self._get_or_raise(job_id)
        now = self.now()
        return self._back_to_waiting(_common.requeued(job, now), now)

    async def dead(self, *, after_id: int | None = None, limit: int = 100) -> builtins.list[Job]:
        out = [
            j
            for i, j in sorted(self._rows.items())
            if j.state is JobState.DEAD and (after_id is None or i > after_id)
        ]
        return out[:limit]

    async def get(self, job_id: int) -> Job | None:
        return self._rows.get(job_id)

    async def list_jobs(
        self,
        *,
        state: JobState | None = None,
        entity: str | None = None,
        after_id: int | None = None,
        limit: int = 100,
    ) -> builtins.list[Job]:
        out = [
            j
            for i, j in sorted(self._rows.items())
            if (after_id is None or i > after_id)
            and (state is None or j.state is state)
            and (entity is None or j.entity == entity)
        ]
        return out[:limit]

    async def waiting(self, identity_keys: Iterable[str]) -> dict[str, Job]:
        ids = {k: self._waiting.get(k) for k in identity_keys}
        return {k: self._rows[i] for k, i in ids.items() if i is not None}

    async def counts(self) -> dict[JobState, int]:
        out = dict.fromkeys(JobState, 0)
        for job in self._rows.values():
            out[job.state] += 1
        return out


@attrs.define
class MemoryCursorStore:
    """Cursors in a dictionary."""

    _rows: dict[tuple[str, str, Direction], datetime] = attrs.field(factory=dict, init=False)

    async def get(self, backend: str, entity: str, direction: Direction) -> datetime | None:
        return self._rows.get((backend, entity, Direction(direction)))

    async def set(self, backend: str, entity: str, direction: Direction, value: datetime) -> None:
        self._rows[(backend, entity, Direction(direction))] = _common.utc(value)

    async def delete(self, backend: str, entity: str, direction: Direction) -> bool:
        return self._rows.pop((backend, entity, Direction(direction)), None) is not None

    async def all(self) -> Mapping[tuple[str, str, Direction], datetime]:
        return dict(self._rows)


@attrs.define
class MemoryRecordLocks:
    """Record locks in a dictionary (shared by the engines of one process)."""

    now: Clock = utcnow
    _held: dict[str, tuple[str, datetime]] = attrs.field(factory=dict, init=False)

    async def acquire(self, owner: str, keys: Sequence[str], ttl: timedelta) -> builtins.list[str]:
        now = self.now()
        busy = [k for k in keys if (h := self._held.get(k)) and h[0] != owner and h[1] > now]
        if busy:
            return busy
        for key in keys:
            self._held[key] = (owner, now + ttl)
        return []

    async def release(self, owner: str, keys: Iterable[str]) -> None:
        for key in keys:
            held = self._held.get(key)
            if held is not None and held[0] == owner:
                del self._held[key]
