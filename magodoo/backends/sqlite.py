"""SQLite stores (aiosqlite): the embedded default. One file, WAL mode, mode 0600.

All four stores share one connection; an :class:`asyncio.Lock` serialises its use inside the
process and ``BEGIN IMMEDIATE`` serialises writers across processes, so a claim is atomic.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import json
import logging
import os
import random
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite
import attrs

from magodoo.backends import _common
from magodoo.backends._migrations import SQLITE, check_not_newer
from magodoo.backends._stores import Stores
from magodoo.backends.errors import JobNotFoundError
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

__all__ = [
    "SqliteBindingStore",
    "SqliteCursorStore",
    "SqliteDatabase",
    "SqliteJobQueue",
    "SqliteSyncLog",
    "open_sqlite",
]

logger = logging.getLogger("magodoo.backends")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _us(value: datetime) -> int:
    """Aware datetime -> integer microseconds since the epoch."""
    delta = _common.utc(value) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _us_opt(value: datetime | None) -> int | None:
    return None if value is None else _us(value)


def _dt(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=value)


def _dt_opt(value: int | None) -> datetime | None:
    return None if value is None else _dt(value)


@attrs.define
class SqliteDatabase:
    """The shared connection, its lock and the clock."""

    conn: aiosqlite.Connection
    now: Clock = utcnow
    lock: asyncio.Lock = attrs.field(factory=asyncio.Lock)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``), committed unless the block raises."""
        async with self.lock:
            try:
                # inside the try: a task cancelled while BEGIN is queued on the connection's
                # thread must still roll it back, or the shared connection stays in a
                # transaction and every later write fails
                await self.conn.execute("BEGIN IMMEDIATE")
                yield self.conn
            except BaseException:
                with contextlib.suppress(sqlite3.OperationalError):  # BEGIN never ran
                    await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self.lock:
            yield self.conn

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> builtins.list[sqlite3.Row]:
        async with self.read() as conn, conn.execute(sql, params) as cur:
            return builtins.list(await cur.fetchall())

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        async with self.read() as conn, conn.execute(sql, params) as cur:
            return await cur.fetchone()

    async def migrate(self) -> None:
        """Apply the migrations this file lacks, in order (safe to run any number of times)."""
        async with self.write() as conn:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS magodoo_migrations"
                " (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)"
            )
            async with conn.execute("SELECT version FROM magodoo_migrations") as cur:
                done = {row[0] for row in await cur.fetchall()}
            check_not_newer(done, SQLITE, "this SQLite file")
            for version, statements in SQLITE:
                if version in done:
                    continue
                logger.info("applying SQLite migration %d", version, extra={"version": version})
                for statement in statements:
                    await conn.execute(statement)
                await conn.execute(
                    "INSERT INTO magodoo_migrations (version, applied_at) VALUES (?, ?)",
                    (version, _us(self.now())),
                )

    async def close(self) -> None:
        await self.conn.close()


def _binding(row: sqlite3.Row) -> Binding:
    return Binding(
        id=row["id"],
        backend=row["backend"],
        entity=row["entity"],
        magento_id=row["magento_id"],
        odoo_id=row["odoo_id"],
        magento_key=row["magento_key"],
        magento_updated_at=_dt_opt(row["magento_updated_at"]),
        odoo_write_date=_dt_opt(row["odoo_write_date"]),
        payload_hash=row["payload_hash"],
        synced_at=_dt(row["synced_at"]),
    )


def _in(n: int) -> str:
    return ",".join("?" * n)


_CHUNK = 500  # stays under SQLite's limit on bound parameters


@attrs.define
class SqliteBindingStore:
    db: SqliteDatabase

    async def get_by_magento(
        self, backend: str, entity: str, magento_id: int | str
    ) -> Binding | None:
        row = await self.db.fetchone(
            "SELECT * FROM bindings WHERE backend = ? AND entity = ? AND magento_id = ?",
            (backend, entity, str(magento_id)),
        )
        return None if row is None else _binding(row)

    async def get_by_odoo(self, backend: str, entity: str, odoo_id: int) -> Binding | None:
        row = await self.db.fetchone(
            "SELECT * FROM bindings WHERE backend = ? AND entity = ? AND odoo_id = ?",
            (backend, entity, odoo_id),
        )
        return None if row is None else _binding(row)

    async def get_by_key(self, backend: str, entity: str, magento_key: str) -> Binding | None:
        row = await self.db.fetchone(
            "SELECT * FROM bindings WHERE backend = ? AND entity = ? AND magento_key = ?"
            " ORDER BY id LIMIT 1",
            (backend, entity, magento_key),
        )
        return None if row is None else _binding(row)

    async def _many(
        self, column: str, backend: str, entity: str, ids: builtins.list[Any]
    ) -> builtins.list[Binding]:
        out: builtins.list[Binding] = []
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            rows = await self.db.fetchall(
                f"SELECT * FROM bindings WHERE backend = ? AND entity = ?"
                f" AND {column} IN ({_in(len(chunk))})",
                (backend, entity, *chunk),
            )
            out.extend(_binding(r) for r in rows)
        return out

    async def get_many_by_magento(
        self, backend: str, entity: str, magento_ids: Iterable[int | str]
    ) -> dict[str, Binding]:
        ids = builtins.list(dict.fromkeys(str(i) for i in magento_ids))
        return {b.magento_id: b for b in await self._many("magento_id", backend, entity, ids)}

    async def get_many_by_odoo(
        self, backend: str, entity: str, odoo_ids: Iterable[int]
    ) -> dict[int, Binding]:
        ids = builtins.list(dict.fromkeys(odoo_ids))
        return {b.odoo_id: b for b in await self._many("odoo_id", backend, entity, ids)}

    async def _bind(self, conn: aiosqlite.Connection, b: Binding) -> Binding:
        async with conn.execute(
            "SELECT * FROM bindings WHERE backend = ? AND entity = ?"
            " AND (magento_id = ? OR odoo_id = ?)",
            (b.backend, b.entity, b.magento_id, b.odoo_id),
        ) as cur:
            rows = [_binding(r) for r in await cur.fetchall()]
        by_m = next((r for r in rows if r.magento_id == b.magento_id), None)
        by_o = next((r for r in rows if r.odoo_id == b.odoo_id), None)
        _common.check_conflict(b, by_m, by_o)
        values = (
            b.magento_key,
            _us_opt(b.magento_updated_at),
            _us_opt(b.odoo_write_date),
            b.payload_hash,
            _us(b.synced_at),
        )
        if by_m is not None:
            await conn.execute(
                "UPDATE bindings SET magento_key = ?, magento_updated_at = ?,"
                " odoo_write_date = ?, payload_hash = ?, synced_at = ? WHERE id = ?",
                (*values, by_m.id),
            )
            return attrs.evolve(b, id=by_m.id)
        async with conn.execute(
            "INSERT INTO bindings (backend, entity, magento_id, odoo_id, magento_key,"
            " magento_updated_at, odoo_write_date, payload_hash, synced_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (b.backend, b.entity, b.magento_id, b.odoo_id, *values),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        return attrs.evolve(b, id=row[0])

    async def bind(self, binding: Binding) -> Binding:
        async with self.db.write() as conn:
            return await self._bind(conn, binding)

    async def bind_many(self, bindings: Iterable[Binding]) -> builtins.list[Binding]:
        async with self.db.write() as conn:
            return [await self._bind(conn, b) for b in bindings]

    async def unbind(
        self,
        backend: str,
        entity: str,
        *,
        magento_id: int | str | None = None,
        odoo_id: int | None = None,
    ) -> bool:
        if magento_id is None and odoo_id is None:
            raise ValueError("unbind needs magento_id or odoo_id")
        where = ["backend = ?", "entity = ?"]
        params: builtins.list[Any] = [backend, entity]
        if magento_id is not None:
            where.append("magento_id = ?")
            params.append(str(magento_id))
        if odoo_id is not None:
            where.append("odoo_id = ?")
            params.append(odoo_id)
        async with (
            self.db.write() as conn,
            conn.execute(f"DELETE FROM bindings WHERE {' AND '.join(where)}", params) as cur,
        ):
            return cur.rowcount > 0

    async def list_bindings(
        self, backend: str, entity: str, *, after_id: int | None = None, limit: int = 1000
    ) -> builtins.list[Binding]:
        rows = await self.db.fetchall(
            "SELECT * FROM bindings WHERE backend = ? AND entity = ? AND id > ?"
            " ORDER BY id LIMIT ?",
            (backend, entity, after_id or 0, limit),
        )
        return [_binding(r) for r in rows]

    async def count(self, backend: str, entity: str) -> int:
        row = await self.db.fetchone(
            "SELECT count(*) FROM bindings WHERE backend = ? AND entity = ?", (backend, entity)
        )
        assert row is not None
        return int(row[0])


def _entry(row: sqlite3.Row) -> LogEntry:
    return LogEntry(
        id=row["id"],
        backend=row["backend"],
        entity=row["entity"],
        direction=Direction(row["direction"]),
        trigger=Trigger(row["trigger"]),
        status=LogStatus(row["status"]),
        message=row["message"],
        magento_ref=row["magento_ref"],
        odoo_ref=row["odoo_ref"],
        request=row["request"],
        response=row["response"],
        attempt=row["attempt"],
        duration=row["duration"],
        job_id=row["job_id"],
        created_at=_dt(row["created_at"]),
    )


_LOG_INSERT = (
    "INSERT INTO sync_log (backend, entity, direction, trigger, status, message, magento_ref,"
    " odoo_ref, request, response, attempt, duration, job_id, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)


def _log_values(e: LogEntry) -> tuple[Any, ...]:
    return (
        e.backend,
        e.entity,
        e.direction.value,
        e.trigger.value,
        e.status.value,
        e.message,
        e.magento_ref,
        e.odoo_ref,
        e.request,
        e.response,
        e.attempt,
        e.duration,
        e.job_id,
        _us(e.created_at),
    )


def _where(
    f: LogFilter | None, extra: Iterable[str] = (), params: builtins.list[Any] | None = None
) -> tuple[str, builtins.list[Any]]:
    values: builtins.list[Any] = [] if params is None else params

    def param(value: object) -> str:
        values.append(value)
        return "?"

    clauses = [*extra, *_common.log_where(f, param, _us)]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", values


@attrs.define
class SqliteSyncLog:
    db: SqliteDatabase
    enabled: bool = True

    async def add(self, entry: LogEntry) -> int | None:
        if not self.enabled:
            return None
        async with self.db.write() as conn, conn.execute(_LOG_INSERT, _log_values(entry)) as cur:
            row = await cur.fetchone()
        assert row is not None
        return int(row[0])

    async def add_many(self, entries: Iterable[LogEntry]) -> builtins.list[int]:
        if not self.enabled:
            return []
        values = [_log_values(e) for e in entries]
        async with self.db.write() as conn:
            async with conn.execute("SELECT coalesce(max(id), 0) FROM sync_log") as cur:
                row = await cur.fetchone()
            assert row is not None
            await conn.executemany(_LOG_INSERT.removesuffix(" RETURNING id"), values)
            # we hold the write lock and ids only grow: the new rows are the ones above
            async with conn.execute(
                "SELECT id FROM sync_log WHERE id > ? ORDER BY id", (row[0],)
            ) as cur:
                return [int(r[0]) for r in await cur.fetchall()]

    async def get(self, entry_id: int) -> LogEntry | None:
        row = await self.db.fetchone("SELECT * FROM sync_log WHERE id = ?", (entry_id,))
        return None if row is None else _entry(row)

    async def delete(self, entry_id: int) -> bool:
        async with (
            self.db.write() as conn,
            conn.execute("DELETE FROM sync_log WHERE id = ?", (entry_id,)) as cur,
        ):
            return cur.rowcount > 0

    async def clear(self) -> int:
        async with self.db.write() as conn, conn.execute("DELETE FROM sync_log") as cur:
            return cur.rowcount

    async def query(
        self,
        filter: LogFilter | None = None,
        *,
        after_id: int | None = None,
        limit: int = 1000,
        newest_first: bool = False,
    ) -> builtins.list[LogEntry]:
        extra: builtins.list[str] = []
        params: builtins.list[Any] = []
        if after_id is not None:
            extra.append("id < ?" if newest_first else "id > ?")
            params.append(after_id)
        where, params = _where(filter, extra, params)
        order = "DESC" if newest_first else "ASC"
        rows = await self.db.fetchall(
            f"SELECT * FROM sync_log{where} ORDER BY id {order} LIMIT ?", [*params, limit]
        )
        return [_entry(r) for r in rows]

    async def count(self, filter: LogFilter | None = None) -> int:
        where, params = _where(filter)
        row = await self.db.fetchone(f"SELECT count(*) FROM sync_log{where}", params)
        assert row is not None
        return int(row[0])

    async def expire(self, older_than: timedelta) -> int:
        cutoff = _us(self.db.now() - older_than)
        async with (
            self.db.write() as conn,
            conn.execute("DELETE FROM sync_log WHERE created_at < ?", (cutoff,)) as cur,
        ):
            return cur.rowcount


def _job(row: sqlite3.Row) -> Job:
    return Job(
        id=row["id"],
        identity_key=row["identity_key"],
        backend=row["backend"],
        entity=row["entity"],
        direction=Direction(row["direction"]),
        action=JobAction(row["action"]),
        record_key=row["record_key"],
        trigger=Trigger(row["trigger"]),
        priority=row["priority"],
        not_before=_dt(row["not_before"]),
        payload=json.loads(row["payload"]),
        force=bool(row["force"]),
        state=JobState(row["state"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
        worker_id=row["worker_id"],
        lease_until=_dt_opt(row["lease_until"]),
        created_at=_dt(row["created_at"]),
        updated_at=_dt(row["updated_at"]),
    )


_JOB_INSERT = (
    "INSERT INTO jobs (identity_key, backend, entity, direction, action, record_key, trigger,"
    " priority, not_before, payload, force, state, attempts, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting', 0, ?, ?)"
    " ON CONFLICT (identity_key) WHERE state = 'waiting' DO UPDATE SET"
    " priority = max(priority, excluded.priority),"
    " not_before = min(not_before, excluded.not_before),"
    " payload = CASE WHEN excluded.payload = '{}' THEN payload ELSE excluded.payload END,"
    " force = max(force, excluded.force),"
    " updated_at = excluded.updated_at"
    " RETURNING *"
)


_ORDER = "ORDER BY priority DESC, not_before, id"
# A claimed job whose lease ran out lost its worker: that counts as a failed attempt when the
# caller gives ``:max`` (NULL: not counted). SET expressions read the row before the update.
_LEASE_LOST = "(:pre || coalesce(worker_id, :unknown) || :post)"
_COUNTED = "(state = 'claimed' AND :max IS NOT NULL)"
# Expired jobs at the limit go dead first (same transaction), so the claim never returns them.
_LEASE_DEAD = (
    "UPDATE jobs SET state = 'dead', attempts = attempts + 1,"
    f" last_error = {_LEASE_LOST}, worker_id = NULL, lease_until = NULL, updated_at = :now"
    " WHERE state = 'claimed' AND lease_until <= :now AND attempts + 1 >= :max"
    " RETURNING id, attempts, last_error"
)
# Each branch walks its own partial index; the top ``n`` of the two tops is the top of all.
_CLAIM = (
    "UPDATE jobs SET state = 'claimed', worker_id = :worker, lease_until = :lease,"
    f" attempts = CASE WHEN {_COUNTED} THEN attempts + 1 ELSE attempts END,"
    f" last_error = CASE WHEN {_COUNTED} THEN {_LEASE_LOST} ELSE last_error END,"
    " updated_at = :now WHERE id IN (SELECT id FROM ("
    f" SELECT * FROM (SELECT id, priority, not_before FROM jobs"
    f"  WHERE state = 'waiting' AND not_before <= :now {_ORDER} LIMIT :n)"
    " UNION ALL"
    f" SELECT * FROM (SELECT id, priority, not_before FROM jobs"
    f"  WHERE state = 'claimed' AND lease_until <= :now"
    f"  AND (:max IS NULL OR attempts + 1 < :max) {_ORDER} LIMIT :n)"
    f") {_ORDER} LIMIT :n) RETURNING *"
)


@attrs.define
class SqliteJobQueue:
    db: SqliteDatabase
    rand: Callable[[], float] = random.random

    @staticmethod
    def _params(job: Job, now: int) -> tuple[Any, ...]:
        return (
            job.identity_key,
            job.backend,
            job.entity,
            job.direction.value,
            job.action.value,
            job.record_key,
            job.trigger.value,
            job.priority,
            now if job.not_before is None else _us(job.not_before),
            _common.payload_json(job.payload),
            int(job.force),
            now,
            now,
        )

    async def enqueue(self, job: Job) -> Job:
        now = _us(self.db.now())
        async with (
            self.db.write() as conn,
            conn.execute(_JOB_INSERT, self._params(job, now)) as cur,
        ):
            row = await cur.fetchone()
        assert row is not None
        return _job(row)

    async def enqueue_many(self, jobs: Iterable[Job]) -> builtins.list[Job]:
        now = _us(self.db.now())
        items = builtins.list(jobs)
        keys = builtins.list(dict.fromkeys(j.identity_key for j in items))
        stored: dict[str, Job] = {}
        async with self.db.write() as conn:
            await conn.executemany(
                _JOB_INSERT.removesuffix(" RETURNING *"), [self._params(j, now) for j in items]
            )
            # each input is now the one waiting job with its identity key
            for i in range(0, len(keys), _CHUNK):
                chunk = keys[i : i + _CHUNK]
                async with conn.execute(
                    f"SELECT * FROM jobs WHERE state = 'waiting'"
                    f" AND identity_key IN ({_in(len(chunk))})",
                    chunk,
                ) as cur:
                    stored.update((r["identity_key"], _job(r)) for r in await cur.fetchall())
        return [stored[j.identity_key] for j in items]

    async def claim(
        self,
        worker_id: str,
        limit: int,
        lease: timedelta,
        *,
        max_attempts: int | None = None,
    ) -> builtins.list[Job]:
        _common.check_max_attempts(max_attempts)
        now_dt = self.db.now()
        params = {
            "worker": worker_id,
            "lease": _us(now_dt + lease),
            "now": _us(now_dt),
            "n": limit,
            "max": max_attempts,
            "pre": _common.LEASE_LOST_PREFIX,
            "post": _common.LEASE_LOST_SUFFIX,
            "unknown": _common.UNKNOWN_WORKER,
        }
        dead: builtins.list[sqlite3.Row] = []
        async with self.db.write() as conn:
            if max_attempts is not None:
                async with conn.execute(_LEASE_DEAD, params) as cur:
                    dead = builtins.list(await cur.fetchall())
            async with conn.execute(_CLAIM, params) as cur:
                rows = await cur.fetchall()
        for row in dead:
            _common.log_lease_dead(row["id"], row["attempts"], row["last_error"])
        return sorted((_job(r) for r in rows), key=_common.claim_order)

    async def extend_lease(self, job_id: int, worker_id: str, lease: timedelta) -> bool:
        now = self.db.now()
        async with (
            self.db.write() as conn,
            conn.execute(
                "UPDATE jobs SET lease_until = ?, updated_at = ?"
                " WHERE id = ? AND state = 'claimed' AND worker_id = ?",
                (_us(now + lease), _us(now), job_id, worker_id),
            ) as cur,
        ):
            return cur.rowcount > 0

    async def complete(self, job_id: int) -> bool:
        async with (
            self.db.write() as conn,
            conn.execute("DELETE FROM jobs WHERE id = ?", (job_id,)) as cur,
        ):
            return cur.rowcount > 0

    async def complete_many(self, job_ids: Iterable[int]) -> int:
        ids = sorted(set(job_ids))
        if not ids:
            return 0
        done = 0
        async with self.db.write() as conn:
            for i in range(0, len(ids), _CHUNK):
                chunk = ids[i : i + _CHUNK]
                async with conn.execute(
                    f"DELETE FROM jobs WHERE id IN ({_in(len(chunk))})", chunk
                ) as cur:
                    done += cur.rowcount
        return done

    async def _load(self, conn: aiosqlite.Connection, job_id: int) -> Job:
        async with conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)) as cur:
            row = await cur.fetchone()
        if row is None:
            raise JobNotFoundError(f"no job with id {job_id}")
        return _job(row)

    async def _save(self, conn: aiosqlite.Connection, job: Job, now: datetime) -> Job:
        """Write a changed job back; a job going back to waiting collapses into a waiting
        duplicate if there is one."""
        if job.state is JobState.WAITING:
            async with conn.execute(
                "SELECT * FROM jobs WHERE identity_key = ? AND state = 'waiting' AND id != ?",
                (job.identity_key, job.id),
            ) as cur:
                dup_row = await cur.fetchone()
            if dup_row is not None:
                merged = _common.collapse(_job(dup_row), job, now, keep_payload=True)
                await conn.execute("DELETE FROM jobs WHERE id = ?", (job.id,))
                job = merged
        await conn.execute(
            "UPDATE jobs SET state = ?, attempts = ?, last_error = ?, worker_id = ?,"
            " lease_until = ?, not_before = ?, priority = ?, payload = ?, force = ?, updated_at = ?"
            " WHERE id = ?",
            (
                job.state.value,
                job.attempts,
                job.last_error,
                job.worker_id,
                _us_opt(job.lease_until),
                _us_opt(job.not_before),
                job.priority,
                _common.payload_json(job.payload),
                int(job.force),
                _us_opt(job.updated_at),
                job.id,
            ),
        )
        return job

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
        now = self.db.now()
        async with self.db.write() as conn:
            job = _common.failed(
                await self._load(conn, job_id),
                error,
                now,
                max_attempts=max_attempts,
                backoff_base=backoff_base,
                backoff_max=backoff_max,
                jitter=jitter,
                rand=self.rand(),
            )
            return await self._save(conn, job, now)

    async def requeue(self, job_id: int) -> Job:
        now = self.db.now()
        async with self.db.write() as conn:
            job = _common.requeued(await self._load(conn, job_id), now)
            return await self._save(conn, job, now)

    async def dead(self, *, after_id: int | None = None, limit: int = 100) -> builtins.list[Job]:
        rows = await self.db.fetchall(
            "SELECT * FROM jobs WHERE state = 'dead' AND id > ? ORDER BY id LIMIT ?",
            (after_id or 0, limit),
        )
        return [_job(r) for r in rows]

    async def get(self, job_id: int) -> Job | None:
        row = await self.db.fetchone("SELECT * FROM jobs WHERE id = ?", (job_id,))
        return None if row is None else _job(row)

    async def list_jobs(
        self,
        *,
        state: JobState | None = None,
        entity: str | None = None,
        after_id: int | None = None,
        limit: int = 100,
    ) -> builtins.list[Job]:
        rows = await self.db.fetchall(
            "SELECT * FROM jobs WHERE id > ? AND (? IS NULL OR state = ?)"
            " AND (? IS NULL OR entity = ?) ORDER BY id LIMIT ?",
            (after_id or 0, *[None if state is None else state.value] * 2, entity, entity,
             limit),
        )
        return [_job(r) for r in rows]

    async def waiting(self, identity_keys: Iterable[str]) -> dict[str, Job]:
        keys = builtins.list(dict.fromkeys(identity_keys))
        out: dict[str, Job] = {}
        for i in range(0, len(keys), _CHUNK):
            chunk = keys[i : i + _CHUNK]
            rows = await self.db.fetchall(
                f"SELECT * FROM jobs WHERE state = 'waiting'"
                f" AND identity_key IN ({_in(len(chunk))})", chunk)
            out.update((r["identity_key"], _job(r)) for r in rows)
        return out

    async def counts(self) -> dict[JobState, int]:
        out = dict.fromkeys(JobState, 0)
        for row in await self.db.fetchall("SELECT state, count(*) FROM jobs GROUP BY state"):
            out[JobState(row[0])] = int(row[1])
        return out


@attrs.define
class SqliteCursorStore:
    db: SqliteDatabase

    async def get(self, backend: str, entity: str, direction: Direction) -> datetime | None:
        row = await self.db.fetchone(
            "SELECT value FROM cursors WHERE backend = ? AND entity = ? AND direction = ?",
            (backend, entity, Direction(direction).value),
        )
        return None if row is None else _dt(row[0])

    async def set(self, backend: str, entity: str, direction: Direction, value: datetime) -> None:
        async with self.db.write() as conn:
            await conn.execute(
                "INSERT INTO cursors (backend, entity, direction, value) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (backend, entity, direction) DO UPDATE SET value = excluded.value",
                (backend, entity, Direction(direction).value, _us(value)),
            )

    async def delete(self, backend: str, entity: str, direction: Direction) -> bool:
        async with (
            self.db.write() as conn,
            conn.execute(
                "DELETE FROM cursors WHERE backend = ? AND entity = ? AND direction = ?",
                (backend, entity, Direction(direction).value),
            ) as cur,
        ):
            return cur.rowcount > 0

    async def all(self) -> Mapping[tuple[str, str, Direction], datetime]:
        rows = await self.db.fetchall("SELECT backend, entity, direction, value FROM cursors")
        return {(r[0], r[1], Direction(r[2])): _dt(r[3]) for r in rows}


def _create_private(path: Path) -> None:
    """Create the database file with mode 0600 unless it exists (SQLite gives its -wal and
    -shm files the same mode)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    except FileExistsError:
        return
    os.close(fd)


async def open_sqlite(path: str | Path, *, now: Clock = utcnow, log_enabled: bool = True) -> Stores:
    """Open the four stores on one SQLite file (see ``open_sqlite_stores``)."""
    path = Path(path)
    if str(path) != ":memory:":
        await asyncio.to_thread(_create_private, path)
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        for pragma in (
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA busy_timeout = 10000",
        ):
            await conn.execute(pragma)
        db = SqliteDatabase(conn, now=now)
        await db.migrate()
    except BaseException:
        await conn.close()
        raise
    return Stores(
        bindings=SqliteBindingStore(db),
        log=SqliteSyncLog(db, enabled=log_enabled),
        jobs=SqliteJobQueue(db),
        cursors=SqliteCursorStore(db),
        closer=db.close,
        locks=SqliteRecordLocks(db),
    )


_LOCK_TABLE = (
    "CREATE TABLE IF NOT EXISTS record_locks"
    " (key TEXT PRIMARY KEY, owner TEXT NOT NULL, expires INTEGER NOT NULL)"
)
_LOCK_TAKE = (
    "INSERT INTO record_locks (key, owner, expires) VALUES (?, ?, ?)"
    " ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires = excluded.expires"
    " WHERE record_locks.owner = excluded.owner OR record_locks.expires <= ?"
)


class _Busy(Exception):
    pass


@attrs.define
class SqliteRecordLocks:
    """Record locks in a table of the same file (``BEGIN IMMEDIATE`` serialises the takers;
    every process opening the file sees them)."""

    db: SqliteDatabase
    _ready: bool = attrs.field(default=False, init=False)

    async def acquire(self, owner: str, keys: Sequence[str], ttl: timedelta) -> builtins.list[str]:
        now = _us(self.db.now())
        expires = now + int(ttl.total_seconds() * 1_000_000)
        busy: builtins.list[str] = []
        try:
            async with self.db.write() as conn:
                if not self._ready:
                    await conn.execute(_LOCK_TABLE)
                    self._ready = True
                for key in dict.fromkeys(keys):
                    async with conn.execute(_LOCK_TAKE, (key, owner, expires, now)) as cur:
                        if cur.rowcount == 0:
                            busy.append(key)
                if busy:
                    raise _Busy
        except _Busy:
            return busy
        return []

    async def release(self, owner: str, keys: Iterable[str]) -> None:
        items = builtins.list(dict.fromkeys(keys))
        if not items or not self._ready:
            return
        async with self.db.write() as conn:
            for i in range(0, len(items), _CHUNK):
                chunk = items[i : i + _CHUNK]
                await conn.execute(
                    f"DELETE FROM record_locks WHERE owner = ? AND key IN ({_in(len(chunk))})",
                    [owner, *chunk])
