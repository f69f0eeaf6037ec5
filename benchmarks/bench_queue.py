"""Job queue throughput: 10,000 jobs queued, claimed in batches and completed, per store.

    .venv/bin/python benchmarks/bench_queue.py [--jobs 10000] [--batch 20] [--postgres-dsn DSN]

PostgreSQL: ``--postgres-dsn``, else ``MAGODOO_TEST_POSTGRES_DSN``, else a throwaway server
started like the test suite does (skipped if that is not possible). A script, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from magodoo.backends import (
    Direction,
    Job,
    JobState,
    Stores,
    memory_stores,
    open_postgres_stores,
    open_sqlite_stores,
)


async def run(
    name: str, open_stores: Callable[[], Awaitable[Stores]], jobs: int, batch: int
) -> None:
    async with await open_stores() as stores:
        q = stores.jobs
        items = [Job("product", Direction.MAGENTO_TO_ODOO, str(i)) for i in range(jobs)]
        t0 = time.perf_counter()
        for i in range(0, jobs, 500):
            await q.enqueue_many(items[i : i + 500])
        t1 = time.perf_counter()
        one_by_one = 1000
        for i in range(one_by_one):
            await q.enqueue(Job("product", Direction.ODOO_TO_MAGENTO, str(i)))
        t2 = time.perf_counter()
        claimed = 0
        while got := await q.claim("bench", batch, timedelta(minutes=5)):
            claimed += len(got)
            for job in got:
                await q.complete(job.id or 0)
        t3 = time.perf_counter()
        counts = await q.counts()
    total = jobs + one_by_one
    assert claimed == total and counts[JobState.WAITING] == 0, (claimed, counts)
    print(
        f"{name:<10} enqueue_many {jobs / (t1 - t0):>9,.0f} jobs/s | "
        f"enqueue {one_by_one / (t2 - t1):>7,.0f} jobs/s | "
        f"claim({batch})+complete {total / (t3 - t2):>7,.0f} jobs/s | "
        f"end to end {total / (t3 - t0):>7,.0f} jobs/s"
    )


def postgres_dsn(given: str | None) -> tuple[str | None, Callable[[], None]]:
    dsn = given or os.environ.get("MAGODOO_TEST_POSTGRES_DSN")
    if dsn:
        return dsn, lambda: None
    import pytest

    from tests.backends.conftest import PostgresServer

    server = PostgresServer()
    try:
        return server.dsn(), server.stop
    except pytest.skip.Exception as exc:
        print(f"postgres   skipped: {exc}")
        server.stop()
        return None, lambda: None


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--postgres-dsn")
    args = parser.parse_args()
    print(f"{args.jobs:,} jobs (+1,000 queued one by one), claim batches of {args.batch}")

    async def memory() -> Stores:
        return memory_stores()

    await run("memory", memory, args.jobs, args.batch)
    with tempfile.TemporaryDirectory() as tmp:
        await run(
            "sqlite",
            lambda: open_sqlite_stores(Path(tmp) / "bench.db"),
            args.jobs,
            args.batch,
        )
    dsn, stop = postgres_dsn(args.postgres_dsn)
    try:
        if dsn is not None:
            schema = f"bench_{uuid.uuid4().hex[:12]}"
            await run(
                "postgres",
                lambda: open_postgres_stores(dsn, schema=schema),
                args.jobs,
                args.batch,
            )
            import asyncpg

            conn = await asyncpg.connect(dsn)
            try:
                await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
            finally:
                await conn.close()
    finally:
        stop()


if __name__ == "__main__":
    asyncio.run(main())
