"""Stores of a given kind on the test clock, and more connections to the same place (as
another process would have)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import attrs

from magodoo.backends import Stores, memory_stores, open_sqlite_stores
from tests.postgres_server import SERVER


@attrs.define
class Site:
    """Where the stores live; :meth:`another` opens a second connection to them."""

    kind: str
    clock: Callable[[], datetime]
    path: Path
    dsn: str = ""
    schema: str = ""
    opened: list[Stores] = attrs.field(factory=list)

    async def another(self) -> Stores:
        if self.kind == "sqlite":
            stores = await open_sqlite_stores(self.path, now=self.clock)
        elif self.kind == "postgres":
            from magodoo.backends import open_postgres_stores

            stores = await open_postgres_stores(self.dsn, schema=self.schema, now=self.clock,
                                                max_size=4)
        else:
            raise ValueError("memory stores live in one process only")
        self.opened.append(stores)
        return stores


@asynccontextmanager
async def open_site(kind: str, clock: Callable[[], datetime], tmp_path: Path
                    ) -> AsyncIterator[tuple[Stores, Site]]:
    """``(stores, site)``; every connection opened is closed (and a PostgreSQL schema
    dropped) at the end. PostgreSQL: the session's server (``tests/postgres_server.py``;
    else skip)."""
    site = Site(kind, clock, tmp_path / "stores.sqlite3")
    if kind == "memory":
        yield memory_stores(now=clock), site
        return
    if kind == "postgres":
        site.dsn, site.schema = SERVER.dsn(), f"t_{uuid.uuid4().hex[:12]}"
    try:
        yield await site.another(), site
    finally:
        for stores in site.opened:
            await stores.aclose()
        if kind == "postgres":
            import asyncpg

            conn = await asyncpg.connect(site.dsn)
            try:
                await conn.execute(f'DROP SCHEMA IF EXISTS "{site.schema}" CASCADE')
            finally:
                await conn.close()
