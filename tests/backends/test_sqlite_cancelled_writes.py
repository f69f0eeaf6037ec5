"""A task cancelled in the middle of a SQLite write (a killed worker task, a timeout) must not
leave the shared connection inside a transaction."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from magodoo.backends import Direction, Job, open_sqlite_stores


async def test_cancelled_writes_leave_the_connection_usable(tmp_path: Path) -> None:
    stores = await open_sqlite_stores(tmp_path / "s.sqlite3")
    try:
        for n in range(12):  # cancel after 0, 1, 2, ... loop turns: every point of a write
            task = asyncio.create_task(stores.jobs.enqueue(
                Job(entity="customers", direction=Direction.MAGENTO_TO_ODOO, record_key=str(n))))
            for _ in range(n):
                await asyncio.sleep(0)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await stores.jobs.enqueue(
                Job(entity="customers", direction=Direction.MAGENTO_TO_ODOO, record_key="x"))
        assert sum((await stores.jobs.counts()).values()) >= 1
    finally:
        await stores.aclose()
