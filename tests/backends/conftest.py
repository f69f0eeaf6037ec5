"""Fixtures for the store contract tests: a movable clock, and ``stores`` parametrized over
memory, SQLite and PostgreSQL.

PostgreSQL: the session's server (``tests/postgres_server.py``: ``MAGODOO_TEST_POSTGRES_DSN``
if set, else a throwaway server). If neither is possible the postgres parameters skip with the
reason. Every test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest

from magodoo.backends import Stores, memory_stores, open_postgres_stores, open_sqlite_stores
from tests.postgres_server import SERVER, PostgresServer


@attrs.define
class FakeClock:
    """A clock tests move by hand."""

    current: datetime = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> datetime:
        self.current += timedelta(**kwargs)
        return self.current


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    return SERVER  # stopped when the session ends (tests/conftest.py)


@attrs.define
class PgSchema:
    """A fresh schema on the test server, dropped at the end of the test."""

    dsn: str
    name: str = attrs.field(factory=lambda: f"t_{uuid.uuid4().hex[:16]}")

    async def drop(self) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.dsn)
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')
        finally:
            await conn.close()


@pytest.fixture
async def pg_schema(postgres_server: PostgresServer) -> AsyncIterator[PgSchema]:
    schema = PgSchema(postgres_server.dsn())
    yield schema
    await schema.drop()


KINDS = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=KINDS)
async def stores(
    request: pytest.FixtureRequest,
    clock: FakeClock,
    tmp_path: Path,
    postgres_server: PostgresServer,
) -> AsyncIterator[Stores]:
    kind: str = request.param
    schema: PgSchema | None = None
    if kind == "memory":
        opened = memory_stores(now=clock)
    elif kind == "sqlite":
        opened = await open_sqlite_stores(tmp_path / "magodoo.db", now=clock)
    else:
        schema = PgSchema(postgres_server.dsn())
        opened = await open_postgres_stores(
            schema.dsn, schema=schema.name, now=clock, min_size=1, max_size=4
        )
    try:
        yield opened
    finally:
        await opened.aclose()
        if schema is not None:
            await schema.drop()
