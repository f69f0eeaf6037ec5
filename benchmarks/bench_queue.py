"""Job queue throughput: 10,000 jobs queued, claimed in batches and completed, per store.

The queue is filled and drained twice: first completing job by job (``complete``), then each
claimed batch in one call (``complete_many``). "end to end" shows both: per job -> batched.

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
    JobQueue,
    Stores,
    memory_stores,
    open_postgres_stores,
    open_sqlite_stores,
)


async def fill(q: JobQueue, items: list[Job], one_by_one: int) -> tuple[float, float]:
    """Queue ``items`` by 500s, then ``one_by_one`` more singly; returns both durations."""
    t0 = time.perf_counter()
    for i in range(0, len(items), 500):
        await q.enqueue_many(items[i : i + 500])
    t1 = time.perf_counter()
    for i in range(one_by_one):
        await q.enqueue(Job("product", Direction.ODOO_TO_MAGENTO, str(i)))
    return t1 - t0, time.perf_counter() - t1


async def drain(q: JobQueue, batch: int, *, batched: bool) -> tuple[int, float]:
    """Claim until empty, completing each batch job by job or in one ``complete_many``."""
    t0 = time.perf_counter()
    claimed = 0
    while got := await q.claim("bench", batch, timedelta(minutes=5)):
        claimed += len(got)
        if batched:
            await q.complete_many(job.id or 0 for job in got)
        else:
            for job in got:
                await q.complete(job.id or 0)
    return claimed, time.perf_counter() - t0


async def run(
    name: str, open_stores: Callable[[], Awaitable[Stores]], jobs: int, batch: int
) -> None:
    one_by_one = 1000
    total = jobs + one_by_one
    items = [Job("product", Direction.MAGENTO_TO_ODOO, str(i)) for i in range(jobs)]
    async with await open_stores() as stores:
        q = stores.jobs
        many_s, one_s = await fill(q, items, one_by_one)
        claimed, each_s = await drain(q, batch, batched=False)
        assert claimed == total and sum((await q.counts()).values()) == 0, claimed
        many2_s, one2_s = await fill(q, items, one_by_one)
        claimed, batched_s = await drain(q, batch, batched=True)
        assert claimed == total and sum((await q.counts()).values()) == 0, claimed
    print(
        f"{name:<10} enqueue_many {jobs / many_s:>9,.0f} jobs/s | "
        f"enqueue {one_by_one / one_s:>7,.0f} jobs/s | "
        f"claim({batch})+complete {total / each_s:>7,.0f} jobs/s | "
        f"claim({batch})+complete_many {total / batched_s:>7,.0f} jobs/s | "
        f"end to end {total / (many_s + one_s + each_s):>7,.0f}"
        f" -> {total / (many2_s + one2_s + batched_s):>7,.0f} jobs/s"
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
