"""Reading a whole sync log page by page."""

from __future__ import annotations

from collections.abc import AsyncIterator

from magodoo.backends.models import LogEntry, LogFilter
from magodoo.backends.protocols import SyncLog

__all__ = ["iter_log"]


async def iter_log(
    log: SyncLog,
    filter: LogFilter | None = None,
    *,
    page_size: int = 1000,
    newest_first: bool = False,
) -> AsyncIterator[LogEntry]:
    """Every entry matching ``filter``, fetched ``page_size`` at a time by keyset paging, so a
    notebook can walk millions of entries in constant memory."""
    after: int | None = None
    while page := await log.query(
        filter, after_id=after, limit=page_size, newest_first=newest_first
    ):
        for entry in page:
            yield entry
        after = page[-1].id
