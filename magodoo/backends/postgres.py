"""PostgreSQL stores (asyncpg): for several workers on several machines.

Needs the ``postgres`` extra; asyncpg is imported only when a store is opened. Tables live in
one schema (``magodoo`` unless told otherwise), created and migrated under an advisory lock so
workers starting together do not clash. Jobs are claimed with ``FOR UPDATE SKIP LOCKED``.
"""

from __future__ import annotations

import builtins
import json
import logging
import random
import re
import urllib.parse
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import attrs

from magodoo._redact import Redactor
from magodoo.backends import _common
from magodoo.backends._migrations import POSTGRES, check_not_newer
from magodoo.backends._stores import Stores
from magodoo.backends.errors import BindingConflictError, JobNotFoundError, MissingExtraError
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
from magodoo.exceptions import ConfigurationError, StoreUnavailableError

__all__ = [
    "PostgresBindingStore",
    "PostgresCursorStore",
    "PostgresDatabase",
    "PostgresJobQueue",
    "PostgresSyncLog",
    "open_postgres",
]

logger = logging.getLogger("magodoo.backends")

_SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _server_of(dsn: str) -> str:
    """``user@host:port/database`` of a DSN, without its password."""
    url = urllib.parse.urlsplit(dsn)
    user = f"{url.username}@" if url.username else ""
    port = f":{url.port}" if url.port else ""
    return f"{user}{url.hostname or 'localhost'}{port}{url.path or ''}"


def _secrets(dsn: str) -> list[str | None]:
    url = urllib.parse.urlsplit(dsn)
    query = urllib.parse.parse_qs(url.query).get("password", [])
    return [dsn, url.password, *query]


def _asyncpg() -> Any:
    try:
        import asyncpg
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingExtraError(
            "the PostgreSQL stores need asyncpg: pip install 'magodoo[postgres]'"
        ) from exc
    return asyncpg


@attrs.define
class PostgresDatabase:
    """The pool, the schema and the clock shared by the four stores."""

    pool: Any
    schema: str
    now: Clock = utcnow
    pg: Any = attrs.field(factory=_asyncpg)

    def sql(self, text: str) -> str:
        return text.replace("{s}", f'"{self.schema}"')

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[Any]:
        async with self.pool.acquire() as conn, conn.transaction():
            yield conn

    async def fetch(self, text: str, *args: Any) -> builtins.list[Any]:
        return builtins.list(await self.pool.fetch(self.sql(text), *args))

    async def fetchrow(self, text: str, *args: Any) -> Any:
        return await self.pool.fetchrow(self.sql(text), *args)

    async def execute(self, text: str, *args: Any) -> int:
        status: str = await self.pool.execute(self.sql(text), *args)
        return _rowcount(status)

    async def migrate(self) -> None:
        """Create the schema and apply missing migrations, under an advisory lock."""
        async with self.tx() as conn:
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext($1))", f"magodoo:{self.schema}"
            )
            # CREATE ... IF NOT EXISTS still needs the CREATE privilege: a worker role that
            # may only use an existing schema must be able to open the stores.
            if not await conn.fetchval(
                "SELECT 1 FROM pg_namespace WHERE nspname = $1", self.schema
            ):
                await conn.execute(self.sql("CREATE SCHEMA {s}"))
            table = f'"{self.schema}".magodoo_migrations'
            if await conn.fetchval("SELECT to_regclass($1)", table) is None:
                await conn.execute(
                    self.sql(
                        "CREATE TABLE {s}.magodoo_migrations"
                        " (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)"
                    )
                )
            done = {
                r[0]
                for r in await conn.fetch(self.sql("SELECT version FROM {s}.magodoo_migrations"))
            }
            check_not_newer(done, POSTGRES, f"schema {self.schema!r}")
            for version, statements in POSTGRES:
                if version in done:
                    continue
                logger.info("applying PostgreSQL migration %d", version, extra={"version": version})
                for statement in statements:
                    await conn.execute(self.sql(statement))
                await conn.execute(
                    self.sql("INSERT INTO {s}.magodoo_migrations VALUES ($1, $2)"),
                    version,
                    self.now(),
                )

    async def close(self) -> None:
        await self.pool.close()


def _rowcount(status: str) -> int:
    """Rows touched, from a command tag such as ``DELETE 3`` or ``UPDATE 1``."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def _binding(row: Any) -> Binding:
    return Binding(
        id=row["id"],
        backend=row["backend"],
        entity=row["entity"],
        magento_id=row["magento_id"],
        odoo_id=row["odoo_id"],
        magento_key=row["magento_key"],
        magento_updated_at=row["magento_updated_at"],
        odoo_write_date=row["odoo_write_date"],
        payload_hash=row["payload_hash"],
        synced_at=row["synced_at"],
    )


@attrs.define
class PostgresBindingStore:
    db: PostgresDatabase

    async def get_by_magento(
        self, backend: str, entity: str, magento_id: int | str
    ) -> Binding | None:
        row = await self.db.fetchrow(
            "SELECT * FROM {s}.bindings WHERE backend = $1 AND entity = $2 AND magento_id = $3",
            backend,
            entity,
            str(magento_id),
        )
        return None if row is None else _binding(row)

    async def get_by_odoo(self, backend: str, entity: str, odoo_id: int) -> Binding | None:
        row = await self.db.fetchrow(
            "SELECT * FROM {s}.bindings WHERE backend = $1 AND entity = $2 AND odoo_id = $3",
            backend,
            entity,
            odoo_id,
        )
        return None if row is None else _binding(row)

    async def get_by_key(self, backend: str, entity: str, magento_key: str) -> Binding | None:
        row = await self.db.fetchrow(
            "SELECT * FROM {s}.bindings WHERE backend = $1 AND entity = $2 AND magento_key = $3"
            " ORDER BY id LIMIT 1",
            backend,
            entity,
            magento_key,
        )
        return None if row is None else _binding(row)

    async def get_many_by_magento(
        self, backend: str, entity: str, magento_ids: Iterable[int | str]
    ) -> dict[str, Binding]:
        rows = await self.db.fetch(
            "SELECT * FROM {s}.bindings WHERE backend = $1 AND entity = $2"
            " AND magento_id = ANY($3::text[])",
            backend,
            entity,
            builtins.list({str(i) for i in magento_ids}),
        )
        return {b.magento_id: b for b in map(_binding, rows)}

    async def get_many_by_odoo(
        self, backend: str, entity: str, odoo_ids: Iterable[int]
    ) -> dict[int, Binding]:
        rows = await self.db.fetch(
            "SELECT * FROM {s}.bindings WHERE backend = $1 AND entity = $2"
            " AND odoo_id = ANY($3::bigint[])",
            backend,
            entity,
            builtins.list(set(odoo_ids)),
        )
        return {b.odoo_id: b for b in map(_binding, rows)}

    async def _bind(self, conn: Any, b: Binding) -> Binding:
        rows = await conn.fetch(
            self.db.sql(
                "SELECT * FROM {s}.bindings WHERE backend = $1 AND entity = $2"
                " AND (magento_id = $3 OR odoo_id = $4) FOR UPDATE"
            ),
            b.backend,
            b.entity,
            b.magento_id,
            b.odoo_id,
        )
        found = [_binding(r) for r in rows]
        by_m = next((r for r in found if r.magento_id == b.magento_id), None)
        by_o = next((r for r in found if r.odoo_id == b.odoo_id), None)
        _common.check_conflict(b, by_m, by_o)
        values = (b.magento_key, b.magento_updated_at, b.odoo_write_date, b.payload_hash)
        if by_m is not None:
            await conn.execute(
                self.db.sql(
                    "UPDATE {s}.bindings SET magento_key = $1, magento_updated_at = $2,"
                    " odoo_write_date = $3, payload_hash = $4, synced_at = $5 WHERE id = $6"
                ),
                *values,
                b.synced_at,
                by_m.id,
            )
            return attrs.evolve(b, id=by_m.id)
        row_id = await conn.fetchval(
            self.db.sql(
                "INSERT INTO {s}.bindings (backend, entity, magento_id, odoo_id, magento_key,"
                " magento_updated_at, odoo_write_date, payload_hash, synced_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
            ),
            b.backend,
            b.entity,
            b.magento_id,
            b.odoo_id,
            *values,
            b.synced_at,
        )
        return attrs.evolve(b, id=row_id)

    async def bind(self, binding: Binding) -> Binding:
        return (await self.bind_many([binding]))[0]

    async def bind_many(self, bindings: Iterable[Binding]) -> builtins.list[Binding]:
        try:
            async with self.db.tx() as conn:
                return [await self._bind(conn, b) for b in bindings]
        except self.db.pg.UniqueViolationError as exc:  # a concurrent bind won the race
            raise BindingConflictError(f"binding conflict: {exc}") from exc

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
        return (
            await self.db.execute(
                "DELETE FROM {s}.bindings WHERE backend = $1 AND entity = $2"
                " AND ($3::text IS NULL OR magento_id = $3)"
                " AND ($4::bigint IS NULL OR odoo_id = $4)",
                backend,
                entity,
                None if magento_id is None else str(magento_id),
                odoo_id,
            )
            > 0
        )

    async def list_bindings(
        self, backend: str, entity: str, *, after_id: int | None = None, limit: int = 1000
    ) -> builtins.list[Binding]:
        rows = await self.db.fetch(
            "SELECT * FROM {s}.bindings WHERE backend = $1 AND entity = $2 AND id > $3"
            " ORDER BY id LIMIT $4",
            backend,
            entity,
            after_id or 0,
            limit,
        )
        return [_binding(r) for r in rows]

    async def count(self, backend: str, entity: str) -> int:
        row = await self.db.fetchrow(
            "SELECT count(*) FROM {s}.bindings WHERE backend = $1 AND entity = $2",
            backend,
            entity,
        )
        return int(row[0])


def _entry(row: Any) -> LogEntry:
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
        created_at=row["created_at"],
    )


_LOG_COLUMNS = (
    ("backend", "text"),
    ("entity", "text"),
    ("direction", "text"),
    ("trigger", "text"),
    ("status", "text"),
    ("message", "text"),
    ("magento_ref", "text"),
    ("odoo_ref", "text"),
    ("request", "text"),
    ("response", "text"),
    ("attempt", "int"),
    ("duration", "float8"),
    ("job_id", "bigint"),
    ("created_at", "timestamptz"),
)

_LOG_INSERT = (
    "INSERT INTO {s}.sync_log (" + ", ".join(c for c, _ in _LOG_COLUMNS) + ")"
    " SELECT * FROM unnest("
    + ", ".join(f"${i}::{t}[]" for i, (_, t) in enumerate(_LOG_COLUMNS, 1))
    + ") RETURNING id"
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
        e.created_at,
    )


def _where(
    f: LogFilter | None, extra: Iterable[tuple[str, Any]] = ()
) -> tuple[str, builtins.list[Any]]:
    values: builtins.list[Any] = []

    def param(value: object) -> str:
        values.append(value)
        return f"${len(values)}"

    clauses = [sql.format(param(v)) for sql, v in extra]
    clauses += _common.log_where(f, param, lambda d: d)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", values


@attrs.define
class PostgresSyncLog:
    db: PostgresDatabase
    enabled: bool = True

    async def add(self, entry: LogEntry) -> int | None:
        if not self.enabled:
            return None
        return (await self.add_many([entry]))[0]

    async def add_many(self, entries: Iterable[LogEntry]) -> builtins.list[int]:
        if not self.enabled:
            return []
        rows = [_log_values(e) for e in entries]
        if not rows:
            return []
        columns = [builtins.list(col) for col in zip(*rows, strict=True)]
        records = await self.db.fetch(_LOG_INSERT, *columns)
        return sorted(int(r[0]) for r in records)  # ids are drawn in input order

    async def get(self, entry_id: int) -> LogEntry | None:
        row = await self.db.fetchrow("SELECT * FROM {s}.sync_log WHERE id = $1", entry_id)
        return None if row is None else _entry(row)

    async def delete(self, entry_id: int) -> bool:
        return await self.db.execute("DELETE FROM {s}.sync_log WHERE id = $1", entry_id) > 0

    async def clear(self) -> int:
        return await self.db.execute("DELETE FROM {s}.sync_log")

    async def query(
        self,
        filter: LogFilter | None = None,
        *,
        after_id: int | None = None,
        limit: int = 1000,
        newest_first: bool = False,
    ) -> builtins.list[LogEntry]:
        extra = [] if after_id is None else [("id < {}" if newest_first else "id > {}", after_id)]
        where, values = _where(filter, extra)
        order = "DESC" if newest_first else "ASC"
        rows = await self.db.fetch(
            f"SELECT * FROM {{s}}.sync_log{where} ORDER BY id {order} LIMIT ${len(values) + 1}",
            *values,
            limit,
        )
        return [_entry(r) for r in rows]

    async def count(self, filter: LogFilter | None = None) -> int:
        where, values = _where(filter)
        row = await self.db.fetchrow(f"SELECT count(*) FROM {{s}}.sync_log{where}", *values)
        return int(row[0])

    async def expire(self, older_than: timedelta) -> int:
        return await self.db.execute(
            "DELETE FROM {s}.sync_log WHERE created_at < $1", self.db.now() - older_than
        )


def _job(row: Any) -> Job:
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
        not_before=row["not_before"],
        payload=json.loads(row["payload"]),
        force=row["force"],
        state=JobState(row["state"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
        worker_id=row["worker_id"],
        lease_until=row["lease_until"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


_JOB_COLUMNS = (
    ("identity_key", "text"),
    ("backend", "text"),
    ("entity", "text"),
    ("direction", "text"),
    ("action", "text"),
    ("record_key", "text"),
    ("trigger", "text"),
    ("priority", "int"),
    ("not_before", "timestamptz"),
    ("payload", "jsonb"),
    ("force", "bool"),
)
_NOW = f"${len(_JOB_COLUMNS) + 1}::timestamptz"

_JOB_INSERT = (
    "INSERT INTO {s}.jobs AS j ("
    + ", ".join(c for c, _ in _JOB_COLUMNS)
    + ", state, attempts, created_at, updated_at)"
    f" SELECT *, 'waiting', 0, {_NOW}, {_NOW} FROM unnest("
    + ", ".join(f"${i}::{t}[]" for i, (_, t) in enumerate(_JOB_COLUMNS, 1))
    + ")"
    " ON CONFLICT (identity_key) WHERE state = 'waiting' DO UPDATE SET"
    " priority = GREATEST(j.priority, EXCLUDED.priority),"
    " not_before = LEAST(j.not_before, EXCLUDED.not_before),"
    " payload = CASE WHEN EXCLUDED.payload = '{}'::jsonb THEN j.payload"
    " ELSE EXCLUDED.payload END,"
    " force = j.force OR EXCLUDED.force,"
    " updated_at = EXCLUDED.updated_at"
    " RETURNING *"
)

# One statement. A claimed job whose lease ran out lost its worker: that counts as a failed
# attempt when the caller gives a limit ($5; NULL: not counted), and an expired job at the
# limit goes dead instead of being claimed (``dead``). SET expressions read the row before the
# update. Each claim branch walks its own partial index; the top ``limit`` of the two tops is
# the top of all. The result holds the claimed rows and the rows that just went dead.
_LEASE_LOST = "($6::text || coalesce(j.worker_id, $8::text) || $7::text)"
_COUNTED = "(j.state = 'claimed' AND $5::int IS NOT NULL)"
_CLAIM = (
    "WITH dead AS (UPDATE {s}.jobs AS j SET state = 'dead', attempts = j.attempts + 1,"
    f" last_error = {_LEASE_LOST}, worker_id = NULL, lease_until = NULL, updated_at = $1"
    " WHERE j.id IN (SELECT id FROM {s}.jobs WHERE $5::int IS NOT NULL"
    " AND state = 'claimed' AND lease_until <= $1 AND attempts + 1 >= $5::int"
    " FOR UPDATE SKIP LOCKED) RETURNING j.*),"
    " ready AS (SELECT id, priority, not_before FROM {s}.jobs"
    " WHERE state = 'waiting' AND not_before <= $1"
    " ORDER BY priority DESC, not_before, id LIMIT $2 FOR UPDATE SKIP LOCKED),"
    " expired AS (SELECT id, priority, not_before FROM {s}.jobs"
    " WHERE state = 'claimed' AND lease_until <= $1"
    " AND ($5::int IS NULL OR attempts + 1 < $5::int)"
    " ORDER BY priority DESC, not_before, id LIMIT $2 FOR UPDATE SKIP LOCKED),"
    " c AS (SELECT id FROM (SELECT * FROM ready UNION ALL SELECT * FROM expired) AS u"
    " ORDER BY priority DESC, not_before, id LIMIT $2),"
    " claimed AS (UPDATE {s}.jobs AS j SET state = 'claimed', worker_id = $3, lease_until = $4,"
    f" attempts = CASE WHEN {_COUNTED} THEN j.attempts + 1 ELSE j.attempts END,"
    f" last_error = CASE WHEN {_COUNTED} THEN {_LEASE_LOST} ELSE j.last_error END,"
    " updated_at = $1 FROM c WHERE j.id = c.id RETURNING j.*)"
    " SELECT * FROM claimed UNION ALL SELECT * FROM dead"
)


@attrs.define
class PostgresJobQueue:
    db: PostgresDatabase
    rand: Callable[[], float] = random.random

    async def enqueue(self, job: Job) -> Job:
        return (await self.enqueue_many([job]))[0]

    async def enqueue_many(self, jobs: Iterable[Job]) -> builtins.list[Job]:
        now = self.db.now()
        items = builtins.list(jobs)
        merged: dict[str, Job] = {}  # one row per identity: ON CONFLICT cannot hit a row twice
        for job in items:
            first = merged.get(job.identity_key)
            merged[job.identity_key] = (
                _common.fresh(job, 0, now) if first is None else _common.collapse(first, job, now)
            )
        if not merged:
            return []
        rows = [
            (
                j.identity_key,
                j.backend,
                j.entity,
                j.direction.value,
                j.action.value,
                j.record_key,
                j.trigger.value,
                j.priority,
                j.not_before,
                _common.payload_json(j.payload),
                j.force,
            )
            for j in merged.values()
        ]
        columns = [builtins.list(col) for col in zip(*rows, strict=True)]
        records = await self.db.fetch(_JOB_INSERT, *columns, now)
        stored = {r["identity_key"]: _job(r) for r in records}
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
        now = self.db.now()
        rows = await self.db.fetch(
            _CLAIM,
            now,
            limit,
            worker_id,
            now + lease,
            max_attempts,
            _common.LEASE_LOST_PREFIX,
            _common.LEASE_LOST_SUFFIX,
            _common.UNKNOWN_WORKER,
        )
        claimed: builtins.list[Job] = []
        for job in map(_job, rows):
            if job.state is JobState.DEAD:
                assert job.id is not None and job.last_error is not None
                _common.log_lease_dead(job.id, job.attempts, job.last_error)
            else:
                claimed.append(job)
        return sorted(claimed, key=_common.claim_order)

    async def extend_lease(self, job_id: int, worker_id: str, lease: timedelta) -> bool:
        now = self.db.now()
        n = await self.db.execute(
            "UPDATE {s}.jobs SET lease_until = $1, updated_at = $2"
            " WHERE id = $3 AND state = 'claimed' AND worker_id = $4",
            now + lease,
            now,
            job_id,
            worker_id,
        )
        return n > 0

    async def complete(self, job_id: int) -> bool:
        return await self.db.execute("DELETE FROM {s}.jobs WHERE id = $1", job_id) > 0

    async def complete_many(self, job_ids: Iterable[int]) -> int:
        ids = builtins.list(set(job_ids))
        if not ids:
            return 0
        return await self.db.execute("DELETE FROM {s}.jobs WHERE id = ANY($1::bigint[])", ids)

    async def _change(self, job_id: int, change: Callable[[Job, datetime], Job]) -> Job:
        """Lock the job, apply ``change`` and write it back (collapsing into a waiting
        duplicate when it goes back to waiting). Retried if a concurrent enqueue races."""
        for attempt in range(3):
            try:
                return await self._change_once(job_id, change)
            except self.db.pg.UniqueViolationError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def _change_once(self, job_id: int, change: Callable[[Job, datetime], Job]) -> Job:
        now = self.db.now()
        async with self.db.tx() as conn:
            row = await conn.fetchrow(
                self.db.sql("SELECT * FROM {s}.jobs WHERE id = $1 FOR UPDATE"), job_id
            )
            if row is None:
                raise JobNotFoundError(f"no job with id {job_id}")
            job = change(_job(row), now)
            if job.state is JobState.WAITING:
                dup = await conn.fetchrow(
                    self.db.sql(
                        "SELECT * FROM {s}.jobs WHERE identity_key = $1 AND state = 'waiting'"
                        " AND id <> $2 FOR UPDATE"
                    ),
                    job.identity_key,
                    job.id,
                )
                if dup is not None:
                    await conn.execute(self.db.sql("DELETE FROM {s}.jobs WHERE id = $1"), job.id)
                    job = _common.collapse(_job(dup), job, now, keep_payload=True)
            await conn.execute(
                self.db.sql(
                    "UPDATE {s}.jobs SET state = $1, attempts = $2, last_error = $3,"
                    " worker_id = $4, lease_until = $5, not_before = $6, priority = $7,"
                    " payload = $8::jsonb, updated_at = $9, force = $11 WHERE id = $10"
                ),
                job.state.value,
                job.attempts,
                job.last_error,
                job.worker_id,
                job.lease_until,
                job.not_before,
                job.priority,
                _common.payload_json(job.payload),
                job.updated_at,
                job.id,
                job.force,
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
        rand = self.rand()
        return await self._change(
            job_id,
            lambda job, now: _common.failed(
                job,
                error,
                now,
                max_attempts=max_attempts,
                backoff_base=backoff_base,
                backoff_max=backoff_max,
                jitter=jitter,
                rand=rand,
            ),
        )

    async def requeue(self, job_id: int) -> Job:
        return await self._change(job_id, _common.requeued)

    async def dead(self, *, after_id: int | None = None, limit: int = 100) -> builtins.list[Job]:
        rows = await self.db.fetch(
            "SELECT * FROM {s}.jobs WHERE state = 'dead' AND id > $1 ORDER BY id LIMIT $2",
            after_id or 0,
            limit,
        )
        return [_job(r) for r in rows]

    async def get(self, job_id: int) -> Job | None:
        row = await self.db.fetchrow("SELECT * FROM {s}.jobs WHERE id = $1", job_id)
        return None if row is None else _job(row)

    async def list_jobs(
        self,
        *,
        state: JobState | None = None,
        entity: str | None = None,
        after_id: int | None = None,
        limit: int = 100,
    ) -> builtins.list[Job]:
        rows = await self.db.fetch(
            "SELECT * FROM {s}.jobs WHERE id > $1 AND ($2::text IS NULL OR state = $2)"
            " AND ($3::text IS NULL OR entity = $3) ORDER BY id LIMIT $4",
            after_id or 0,
            None if state is None else state.value,
            entity,
            limit,
        )
        return [_job(r) for r in rows]

    async def waiting(self, identity_keys: Iterable[str]) -> dict[str, Job]:
        keys = builtins.list(dict.fromkeys(identity_keys))
        if not keys:
            return {}
        rows = await self.db.fetch(
            "SELECT * FROM {s}.jobs WHERE state = 'waiting' AND identity_key = ANY($1::text[])",
            keys)
        return {r["identity_key"]: _job(r) for r in rows}

    async def counts(self) -> dict[JobState, int]:
        out = dict.fromkeys(JobState, 0)
        for row in await self.db.fetch("SELECT state, count(*) FROM {s}.jobs GROUP BY state"):
            out[JobState(row[0])] = int(row[1])
        return out


@attrs.define
class PostgresCursorStore:
    db: PostgresDatabase

    async def get(self, backend: str, entity: str, direction: Direction) -> datetime | None:
        row = await self.db.fetchrow(
            "SELECT value FROM {s}.cursors WHERE backend = $1 AND entity = $2 AND direction = $3",
            backend,
            entity,
            Direction(direction).value,
        )
        return None if row is None else _common.utc(row[0])

    async def set(self, backend: str, entity: str, direction: Direction, value: datetime) -> None:
        await self.db.execute(
            "INSERT INTO {s}.cursors (backend, entity, direction, value) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (backend, entity, direction) DO UPDATE SET value = EXCLUDED.value",
            backend,
            entity,
            Direction(direction).value,
            _common.utc(value),
        )

    async def delete(self, backend: str, entity: str, direction: Direction) -> bool:
        n = await self.db.execute(
            "DELETE FROM {s}.cursors WHERE backend = $1 AND entity = $2 AND direction = $3",
            backend,
            entity,
            Direction(direction).value,
        )
        return n > 0

    async def all(self) -> Mapping[tuple[str, str, Direction], datetime]:
        rows = await self.db.fetch("SELECT backend, entity, direction, value FROM {s}.cursors")
        return {(r[0], r[1], Direction(r[2])): _common.utc(r[3]) for r in rows}


async def open_postgres(
    dsn: str,
    *,
    schema: str = "magodoo",
    now: Clock = utcnow,
    log_enabled: bool = True,
    min_size: int = 1,
    max_size: int = 10,
) -> Stores:
    """Open the four stores on a PostgreSQL pool (see ``open_postgres_stores``)."""
    if not _SCHEMA_RE.match(schema):
        raise ConfigurationError(
            f"schema {schema!r}: use lower-case letters, digits and underscores"
        )
    pg = _asyncpg()
    try:
        pool = await pg.create_pool(dsn, min_size=min_size, max_size=max_size)
    except (pg.PostgresError, OSError, pg.InterfaceError) as exc:
        raise StoreUnavailableError(
            f"PostgreSQL at {_server_of(dsn)}: {Redactor(_secrets(dsn)).text(str(exc))}"
        ) from None
    db = PostgresDatabase(pool, schema, now=now, pg=pg)
    try:
        await db.migrate()
    except BaseException:
        await pool.close()
        raise
    return Stores(
        bindings=PostgresBindingStore(db),
        log=PostgresSyncLog(db, enabled=log_enabled),
        jobs=PostgresJobQueue(db),
        cursors=PostgresCursorStore(db),
        closer=db.close,
        locks=PostgresRecordLocks(db),
    )


_PG_LOCK_TABLE = (
    "CREATE TABLE IF NOT EXISTS {s}.record_locks"
    " (key TEXT PRIMARY KEY, owner TEXT NOT NULL, expires TIMESTAMPTZ NOT NULL)"
)
_PG_LOCK_TAKE = (
    "INSERT INTO {s}.record_locks AS l (key, owner, expires)"
    " SELECT k, $2, $3 FROM unnest($1::text[]) AS k"
    " ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires = excluded.expires"
    " WHERE l.owner = excluded.owner OR l.expires <= $4"
    " RETURNING key"
)


class _PgBusy(Exception):
    pass


@attrs.define
class PostgresRecordLocks:
    """Record locks in a table of the schema: one ``INSERT ... ON CONFLICT`` takes them all
    or the transaction is rolled back (a concurrent taker of the same key waits for the
    first's commit, then sees it held). Rows rather than session advisory locks, so no pool
    connection stays tied to a lock and a crashed holder's locks expire."""

    db: PostgresDatabase
    _ready: bool = attrs.field(default=False, init=False)

    async def _create(self) -> None:
        if not self._ready:
            async with self.db.tx() as conn:
                await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))",
                                   f"magodoo:{self.db.schema}:locks")
                await conn.execute(self.db.sql(_PG_LOCK_TABLE))
            self._ready = True

    async def acquire(self, owner: str, keys: Sequence[str], ttl: timedelta) -> builtins.list[str]:
        await self._create()
        now = self.db.now()
        wanted = builtins.list(dict.fromkeys(keys))
        busy: builtins.list[str] = []
        try:
            async with self.db.tx() as conn:
                rows = await conn.fetch(self.db.sql(_PG_LOCK_TAKE), wanted, owner, now + ttl, now)
                taken = {r["key"] for r in rows}
                busy = [k for k in wanted if k not in taken]
                if busy:
                    raise _PgBusy
        except _PgBusy:
            return busy
        return []

    async def release(self, owner: str, keys: Iterable[str]) -> None:
        items = builtins.list(dict.fromkeys(keys))
        if not items or not self._ready:
            return
        await self.db.execute(
            "DELETE FROM {s}.record_locks WHERE owner = $1 AND key = ANY($2::text[])",
            owner, items)
