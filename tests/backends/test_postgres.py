"""PostgreSQL specifics: concurrent migrations, several workers on one queue, schema names."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from magodoo.backends import Direction, Job, JobState, Stores, open_postgres_stores
from magodoo.backends._migrations import POSTGRES
from magodoo.exceptions import ConfigurationError

from .conftest import FakeClock, PgSchema

pytestmark = pytest.mark.postgres


async def test_concurrent_opens_migrate_once(pg_schema: PgSchema) -> None:
    opened = await asyncio.gather(
        *(open_postgres_stores(pg_schema.dsn, schema=pg_schema.name, max_size=2) for _ in range(3))
    )
    try:
        await opened[0].jobs.enqueue(Job("product", Direction.MAGENTO_TO_ODOO, "1"))
        assert (await opened[2].jobs.counts())[JobState.WAITING] == 1
    finally:
        for stores in opened:
            await stores.aclose()
    async with await open_postgres_stores(pg_schema.dsn, schema=pg_schema.name) as again:
        assert (await again.jobs.counts())[JobState.WAITING] == 1  # reopening keeps the data

    import asyncpg

    conn = await asyncpg.connect(pg_schema.dsn)
    try:
        rows = await conn.fetch(f'SELECT version FROM "{pg_schema.name}".magodoo_migrations')
    finally:
        await conn.close()
    assert sorted(r[0] for r in rows) == [v for v, _ in POSTGRES]


async def test_two_pools_never_claim_the_same_job(pg_schema: PgSchema, clock: FakeClock) -> None:
    async with (
        await open_postgres_stores(pg_schema.dsn, schema=pg_schema.name, now=clock) as one,
        await open_postgres_stores(pg_schema.dsn, schema=pg_schema.name, now=clock) as two,
    ):
        await one.jobs.enqueue_many(
            Job("product", Direction.MAGENTO_TO_ODOO, str(i)) for i in range(600)
        )

        completed: list[int] = []

        async def worker(stores: Stores, name: str) -> list[int]:
            got: list[int] = []
            while batch := await stores.jobs.claim(name, 9, timedelta(minutes=5)):
                got += [j.id or 0 for j in batch]
                for j in batch[::2]:
                    assert await stores.jobs.complete(j.id or 0)
                    completed.append(j.id or 0)
            return got

        results = await asyncio.gather(
            *(worker(s, f"{s is one}-{n}") for n in range(4) for s in (one, two))
        )
        claimed = [i for r in results for i in r]
        assert len(claimed) == len(set(claimed)) == 600
        assert sum(1 for r in results if r) > 1  # the work really was shared
        counts = await two.jobs.counts()
        assert counts == {
            JobState.WAITING: 0,
            JobState.CLAIMED: 600 - len(completed),
            JobState.DEAD: 0,
        }


async def test_concurrent_takeover_of_expired_leases(pg_schema: PgSchema, clock: FakeClock) -> None:
    """Workers racing over jobs whose leases ran out: each job is counted and taken once; the
    ones at the limit go dead exactly once."""
    lease = timedelta(minutes=5)
    async with (
        await open_postgres_stores(pg_schema.dsn, schema=pg_schema.name, now=clock) as one,
        await open_postgres_stores(pg_schema.dsn, schema=pg_schema.name, now=clock) as two,
    ):
        await one.jobs.enqueue_many(
            Job("product", Direction.MAGENTO_TO_ODOO, str(i)) for i in range(300)
        )
        first = await one.jobs.claim("crashed-1", 100, lease)
        clock.advance(minutes=6)
        again = await one.jobs.claim("crashed-2", 100, lease, max_attempts=2)
        assert [j.id for j in again] == [j.id for j in first]  # one attempt counted: at limit
        assert len(await one.jobs.claim("crashed-3", 300, lease)) == 200
        clock.advance(minutes=6)

        async def worker(stores: Stores, name: str) -> list[Job]:
            got: list[Job] = []
            while batch := await stores.jobs.claim(name, 7, lease, max_attempts=2):
                got += batch
                await asyncio.sleep(0)
            return got

        results = await asyncio.gather(
            *(worker(s, f"{s is one}-{n}") for n in range(3) for s in (one, two))
        )
        claimed = [j for r in results for j in r]
        assert len(claimed) == len({j.id for j in claimed}) == 200
        assert sum(1 for r in results if r) > 1  # the work really was shared
        assert all(j.attempts == 1 for j in claimed)
        assert {j.last_error for j in claimed} == {"lease expired: worker crashed-3 lost the job"}
        dead = await two.jobs.dead(limit=1000)
        assert [j.id for j in dead] == [j.id for j in first]
        assert all(j.attempts == 2 for j in dead)
        assert {j.last_error for j in dead} == {"lease expired: worker crashed-2 lost the job"}
        counts = await two.jobs.counts()
        assert counts == {JobState.WAITING: 0, JobState.CLAIMED: 200, JobState.DEAD: 100}


async def test_bad_schema_name_is_refused(postgres_server: object) -> None:
    with pytest.raises(ConfigurationError, match="schema"):
        await open_postgres_stores("postgresql://unused", schema='x"; DROP TABLE y; --')


async def test_schema_from_a_newer_magodoo_is_refused(pg_schema: PgSchema) -> None:
    async with await open_postgres_stores(pg_schema.dsn, schema=pg_schema.name):
        pass
    import asyncpg

    conn = await asyncpg.connect(pg_schema.dsn)
    try:
        await conn.execute(f'INSERT INTO "{pg_schema.name}".magodoo_migrations VALUES (999, now())')
    finally:
        await conn.close()
    with pytest.raises(ConfigurationError, match="newer"):
        await open_postgres_stores(pg_schema.dsn, schema=pg_schema.name)


async def test_a_role_without_create_privilege_opens_migrated_stores(pg_schema: PgSchema) -> None:
    """Workers may run as a role that can only use the schema an admin migrated."""
    import asyncpg
    from yarl import URL

    async with await open_postgres_stores(pg_schema.dsn, schema=pg_schema.name):
        pass  # migrated by the owner
    role = f"worker_{pg_schema.name}"[:60]
    admin = await asyncpg.connect(pg_schema.dsn)
    try:
        database = await admin.fetchval("SELECT current_database()")
        await admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'worker'")
        await admin.execute(f'REVOKE CREATE ON DATABASE "{database}" FROM PUBLIC')
        await admin.execute(f'GRANT USAGE ON SCHEMA "{pg_schema.name}" TO {role}')
        await admin.execute(
            f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{pg_schema.name}"'
            f" TO {role}")
        await admin.execute(
            f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{pg_schema.name}" TO {role}')
        dsn = str(URL(pg_schema.dsn).with_user(role).with_password("worker"))
        async with await open_postgres_stores(dsn, schema=pg_schema.name) as stores:
            await stores.jobs.enqueue(Job("product", Direction.MAGENTO_TO_ODOO, "1"))
            assert (await stores.jobs.counts())[JobState.WAITING] == 1
    finally:
        await admin.execute(f'GRANT CREATE ON DATABASE "{database}" TO PUBLIC')
        await admin.execute(f'REASSIGN OWNED BY {role} TO CURRENT_USER')
        await admin.execute(f"DROP OWNED BY {role}")
        await admin.execute(f"DROP ROLE {role}")
        await admin.close()
