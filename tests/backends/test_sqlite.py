"""SQLite specifics: the file, WAL, migrations, two connections on one file."""

from __future__ import annotations

import asyncio
import sqlite3
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from magodoo.backends import Direction, Job, JobQueue, JobState, open_sqlite_stores, utcnow
from magodoo.backends._migrations import SQLITE
from magodoo.exceptions import ConfigurationError

from .conftest import FakeClock


async def test_file_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    async with await open_sqlite_stores(path) as stores:
        await stores.cursors.set("s", "product", Direction.MAGENTO_TO_ODOO, utcnow())
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        wal = path.with_name(path.name + "-wal")
        assert wal.exists() and stat.S_IMODE(wal.stat().st_mode) == 0o600
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


async def test_migrations_are_recorded_and_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    async with await open_sqlite_stores(path) as stores:
        await stores.jobs.enqueue(Job("product", Direction.MAGENTO_TO_ODOO, "1"))
    async with await open_sqlite_stores(path) as stores:  # reopening keeps the data
        assert (await stores.jobs.counts())[JobState.WAITING] == 1
    with sqlite3.connect(path) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM magodoo_migrations")]
    conn.close()
    assert versions == [v for v, _ in SQLITE]


async def test_existing_file_mode_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.touch(mode=0o640)
    path.chmod(0o640)
    async with await open_sqlite_stores(path):
        pass
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


async def test_two_connections_never_claim_the_same_job(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "state.db"
    async with (
        await open_sqlite_stores(path, now=clock) as one,
        await open_sqlite_stores(path, now=clock) as two,
    ):
        await one.jobs.enqueue_many(
            Job("product", Direction.MAGENTO_TO_ODOO, str(i)) for i in range(300)
        )

        async def worker(queue_owner: object, name: str) -> list[int]:
            assert queue_owner is one or queue_owner is two
            queue = one.jobs if queue_owner is one else two.jobs
            got: list[int] = []
            while batch := await queue.claim(name, 7, timedelta(minutes=5)):
                got += [j.id or 0 for j in batch]
                await asyncio.sleep(0)
            return got

        results = await asyncio.gather(
            worker(one, "a"), worker(two, "b"), worker(one, "c"), worker(two, "d")
        )
    claimed = [i for r in results for i in r]
    assert len(claimed) == len(set(claimed)) == 300


async def test_two_connections_take_over_expired_leases_once(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "state.db"
    lease = timedelta(minutes=5)
    async with (
        await open_sqlite_stores(path, now=clock) as one,
        await open_sqlite_stores(path, now=clock) as two,
    ):
        await one.jobs.enqueue_many(
            Job("product", Direction.MAGENTO_TO_ODOO, str(i)) for i in range(90)
        )
        first = await one.jobs.claim("crashed-1", 30, lease)
        clock.advance(minutes=6)
        assert len(await one.jobs.claim("crashed-2", 30, lease, max_attempts=2)) == 30
        assert len(await one.jobs.claim("crashed-3", 90, lease)) == 60
        clock.advance(minutes=6)

        async def worker(queue: JobQueue, name: str) -> list[Job]:
            got: list[Job] = []
            while batch := await queue.claim(name, 7, lease, max_attempts=2):
                got += batch
                await asyncio.sleep(0)
            return got

        results = await asyncio.gather(
            worker(one.jobs, "a"), worker(two.jobs, "b"), worker(one.jobs, "c")
        )
        claimed = [j for r in results for j in r]
        assert len(claimed) == len({j.id for j in claimed}) == 60
        assert all(j.attempts == 1 for j in claimed)
        dead = await two.jobs.dead()
        assert [j.id for j in dead] == [j.id for j in first]
        assert {j.last_error for j in dead} == {"lease expired: worker crashed-2 lost the job"}


async def test_file_from_a_newer_magodoo_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    async with await open_sqlite_stores(path):
        pass
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO magodoo_migrations VALUES (999, 0)")
    conn.close()
    with pytest.raises(ConfigurationError, match="newer"):
        await open_sqlite_stores(path)
