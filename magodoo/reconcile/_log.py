"""The sync log for a notebook: plain rows, a DataFrame, counts per day."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import attrs

from magodoo.backends.models import LogEntry, LogFilter
from magodoo.backends.protocols import SyncLog
from magodoo.exceptions import ConfigurationError
from magodoo.reconcile._pandas import DataFrame, require_pandas

__all__ = ["LOG_COLUMNS", "LogCount", "LogSummary", "log_frame", "log_records", "log_summary"]

LOG_COLUMNS = (
    "id", "at", "entity", "direction", "trigger", "status", "magento_ref", "odoo_ref",
    "attempt", "duration", "message",
)


def _row(entry: LogEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.created_at,
        "entity": entry.entity,
        "direction": entry.direction.value,
        "trigger": entry.trigger.value,
        "status": entry.status.value,
        "magento_ref": entry.magento_ref,
        "odoo_ref": entry.odoo_ref,
        "attempt": entry.attempt,
        "duration": entry.duration,
        "message": entry.message,
    }


async def _pages(
    log: SyncLog, filter: LogFilter | None, page_size: int, limit: int | None
) -> AsyncIterator[list[LogEntry]]:
    """Keyset pages of ``page_size`` (the last one shortened to ``limit``), one at a time."""
    if page_size < 1:
        raise ConfigurationError("page_size must be at least 1")
    if limit is not None and limit < 0:
        raise ConfigurationError("limit must not be negative")
    after: int | None = None
    seen = 0
    while limit is None or seen < limit:
        size = page_size if limit is None else min(page_size, limit - seen)
        page = await log.query(filter, after_id=after, limit=size)
        if not page:
            return
        after = page[-1].id
        seen += len(page)
        yield page
        if len(page) < size:
            return


async def log_records(
    log: SyncLog,
    filter: LogFilter | None = None,
    *,
    page_size: int = 1000,
    limit: int | None = None,
) -> AsyncIterator[dict[str, Any]]:
    """Every log entry matching ``filter``, oldest first, as a plain dict with the keys ``id``,
    ``at``, ``entity``, ``direction``, ``trigger``, ``status``, ``magento_ref``, ``odoo_ref``,
    ``attempt``, ``duration``, ``message`` (enums as their string values, ``at`` an aware UTC
    datetime).

    Reads ``page_size`` entries per query (keyset paging on ``id``), so memory stays bounded
    however long the log is. ``limit`` stops after that many entries.
    """
    async for page in _pages(log, filter, page_size, limit):
        for entry in page:
            yield _row(entry)


async def log_frame(
    log: SyncLog,
    filter: LogFilter | None = None,
    *,
    limit: int | None = None,
    page_size: int = 1000,
) -> DataFrame:
    """The log entries matching ``filter`` (at most ``limit``) as a ``pandas.DataFrame`` with
    the columns of :func:`log_records`' rows; ``at`` is a timezone-aware (UTC) datetime column.

    Read page by page; only the frame itself grows. Narrow ``filter`` (entity, status,
    ``since``/``until``) or set ``limit`` on a big log. Needs the ``pandas`` extra.
    """
    pd = require_pandas()
    frames = [_frame(pd, page) async for page in _pages(log, filter, page_size, limit)]
    # columnar per page (compact while the pages pile up), joined once at the end
    if not frames:
        return _frame(pd, [])
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _frame(pd: Any, page: list[LogEntry]) -> DataFrame:
    columns: dict[str, list[Any]] = {name: [] for name in LOG_COLUMNS}
    for entry in page:
        for name, value in _row(entry).items():
            columns[name].append(value)
    frame = pd.DataFrame(columns, columns=list(LOG_COLUMNS))
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    for name in ("id", "attempt"):
        frame[name] = frame[name].astype("int64")
    frame["duration"] = frame["duration"].astype("float64")
    return frame


@attrs.frozen
class LogCount:
    """How many log entries of one entity type had one status on one (UTC) day."""

    day: date
    entity: str
    status: str
    count: int


class LogSummary(list[LogCount]):
    """The counts of :func:`log_summary`: a plain list that shows as a table in Jupyter."""

    def _repr_html_(self) -> str:
        from magodoo.reconcile._report import html_table

        return html_table(["day", "entity", "status", "count"],
                          ([c.day, c.entity, c.status, c.count] for c in self),
                          caption="sync log: entries per day, entity and status", limit=200)


async def log_summary(
    log: SyncLog,
    filter: LogFilter | None = None,
    *,
    page_size: int = 1000,
) -> LogSummary:
    """Entries matching ``filter`` counted by UTC day, entity and status, sorted that way.

    Plain Python (no pandas needed); one pass over the log in pages. For a table:
    ``pandas.DataFrame(attrs.asdict(c) for c in await log_summary(log))``.
    """
    counts: Counter[tuple[date, str, str]] = Counter()
    async for page in _pages(log, filter, page_size, None):
        for entry in page:
            counts[(entry.created_at.date(), entry.entity, entry.status.value)] += 1
    return LogSummary(LogCount(day, entity, status, n)
                      for (day, entity, status), n in sorted(counts.items()))
