"""The sync log as rows, a DataFrame and daily counts, read page by page."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from magodoo.backends import (
    Direction,
    LogEntry,
    LogFilter,
    LogStatus,
    MemorySyncLog,
    Trigger,
    open_sqlite_stores,
)
from magodoo.exceptions import MissingExtraError
from magodoo.reconcile import (
    Difference,
    LogCount,
    differences_frame,
    log_frame,
    log_records,
    log_summary,
)
from magodoo.reconcile._log import LOG_COLUMNS

START = datetime(2026, 11, 20, tzinfo=UTC)
TOTAL = 5000


@attrs.define
class CountingLog(MemorySyncLog):
    """A memory sync log that counts what ``query`` hands out."""

    queries: list[int] = attrs.field(factory=list)  # the ``limit`` of each call
    fetched: int = 0

    async def query(
        self,
        filter: LogFilter | None = None,
        *,
        after_id: int | None = None,
        limit: int = 1000,
        newest_first: bool = False,
    ) -> list[LogEntry]:
        page = await super().query(filter, after_id=after_id, limit=limit,
                                   newest_first=newest_first)
        self.queries.append(limit)
        self.fetched += len(page)
        return page


def entry(n: int) -> LogEntry:
    return LogEntry(
        entity="customers" if n % 5 else "categories",
        direction=Direction.MAGENTO_TO_ODOO if n % 5 else Direction.ODOO_TO_MAGENTO,
        trigger=Trigger.BATCH,
        status=LogStatus.FAILED if n % 10 == 1 else LogStatus.SUCCESS,
        magento_ref=str(n), odoo_ref=str(1000 + n), duration=0.01 * (n % 7),
        message="boom" if n % 10 == 1 else "", created_at=START + timedelta(minutes=2 * n),
    )


@pytest.fixture
async def log() -> CountingLog:
    counting = CountingLog()
    await counting.add_many(entry(n) for n in range(TOTAL))
    return counting


async def test_log_records_hold_at_most_one_page(log: CountingLog) -> None:
    count = 0
    async for row in log_records(log, page_size=500):
        count += 1
        assert 0 <= log.fetched - count < 500
        assert tuple(row) == LOG_COLUMNS
    assert count == TOTAL
    assert set(log.queries) == {500}
    assert len(log.queries) == TOTAL // 500 + 1  # the last, empty page ends the walk


async def test_log_records_filter_and_limit(log: CountingLog) -> None:
    failed = [r async for r in log_records(log, LogFilter(status=LogStatus.FAILED),
                                           page_size=64)]
    assert len(failed) == TOTAL // 10
    assert {r["status"] for r in failed} == {"failed"} and failed[0]["message"] == "boom"
    first = [r async for r in log_records(log, page_size=300, limit=700)]
    assert [r["id"] for r in first] == sorted(r["id"] for r in first)
    assert len(first) == 700 and log.queries[-3:] == [300, 300, 100]


async def test_log_frame_columns_and_paging(log: CountingLog) -> None:
    frame = await log_frame(log, page_size=500)
    assert list(frame.columns) == list(LOG_COLUMNS)
    assert len(frame) == TOTAL
    assert set(log.queries) == {500}
    assert str(frame["at"].dt.tz) == "UTC"
    assert frame["at"].iloc[0] == START
    assert frame["id"].is_monotonic_increasing
    assert set(frame["direction"]) == {"m2o", "o2m"}
    assert (frame["status"] == "failed").sum() == TOTAL // 10


async def test_log_frame_filtered_by_entity_status_and_time(log: CountingLog) -> None:
    wanted = LogFilter(entity="customers", status=LogStatus.FAILED,
                       since=START, until=START + timedelta(days=1))
    frame = await log_frame(log, wanted, limit=50)
    assert 0 < len(frame) <= 50
    assert set(frame["entity"]) == {"customers"} and set(frame["status"]) == {"failed"}
    assert frame["at"].max() < START + timedelta(days=1)
    empty = await log_frame(log, LogFilter(entity="nothing"))
    assert list(empty.columns) == list(LOG_COLUMNS) and len(empty) == 0


async def test_log_summary_counts_by_day_entity_status(log: CountingLog) -> None:
    rows = await log_summary(log, page_size=700)
    assert sum(r.count for r in rows) == TOTAL
    assert rows == sorted(rows, key=lambda r: (r.day, r.entity, r.status))
    first_day = [r for r in rows if r.day == date(2026, 11, 20)]
    # 720 entries a day (one every 2 minutes): n % 5 == 0 are categories, n % 10 == 1 failed
    assert first_day == [
        LogCount(date(2026, 11, 20), "categories", "success", 144),
        LogCount(date(2026, 11, 20), "customers", "failed", 72),
        LogCount(date(2026, 11, 20), "customers", "success", 504),
    ]


async def test_without_pandas_the_frames_name_the_extra(
    log: CountingLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # ``import pandas`` now raises
    with pytest.raises(MissingExtraError, match=r"magodoo\[pandas\]"):
        await log_frame(log)
    assert log.queries == []  # failed before reading anything

    async def nothing() -> Any:
        yield Difference("customers", "unbound", "1", 2)

    with pytest.raises(MissingExtraError, match=r"magodoo\[pandas\]"):
        await differences_frame(nothing())
    # the plain-Python parts still work
    assert len([r async for r in log_records(log, limit=3)]) == 3


async def test_differences_frame() -> None:
    async def some() -> Any:
        yield Difference("customers", "field_mismatch", "7", 42, "phone", "555", "556")
        yield Difference("customers", "missing_in_odoo", "8")

    frame = await differences_frame(some())
    assert list(frame.columns) == ["kind", "entity", "magento_id", "odoo_id", "field",
                                   "magento_value", "odoo_value"]
    assert frame["kind"].tolist() == ["field_mismatch", "missing_in_odoo"]
    assert frame["odoo_id"].iloc[0] == 42 and frame["odoo_id"].isna().iloc[1]


async def test_log_frame_over_sqlite(tmp_path: Path) -> None:
    async with await open_sqlite_stores(tmp_path / "state.sqlite3") as stores:
        # the first page has no odoo_ref at all: the joined column must still hold both
        await stores.log.add_many(
            attrs.evolve(entry(n), odoo_ref=None if n < 500 else str(n)) for n in range(1200))
        frame = await log_frame(stores.log, page_size=500)
        assert len(frame) == 1200
        assert frame["odoo_ref"].isna().sum() == 500
        assert frame["odoo_ref"].iloc[-1] == "1199"
        assert str(frame["at"].dt.tz) == "UTC" and frame["at"].iloc[0] == START
        rows = await log_summary(stores.log, LogFilter(status=LogStatus.FAILED))
        assert sum(r.count for r in rows) == 120


async def test_summaries_and_results_show_as_html_tables() -> None:
    from datetime import UTC, datetime

    from magodoo.backends import Direction, LogEntry, LogStatus, Trigger, memory_stores
    from magodoo.engine.result import Outcome, RecordOutcome, SyncResult
    from magodoo.reconcile import LogSummary, log_summary

    stores = memory_stores()
    await stores.log.add(LogEntry(entity="customers", direction=Direction.MAGENTO_TO_ODOO,
                                  trigger=Trigger.MANUAL, status=LogStatus.FAILED,
                                  message="<boom>", created_at=datetime(2026, 1, 2, tzinfo=UTC)))
    summary = await log_summary(stores.log)
    assert isinstance(summary, LogSummary) and isinstance(summary, list) and len(summary) == 1
    shown = summary._repr_html_()
    assert "<table>" in shown and "2026-01-02" in shown and "failed" in shown

    result = SyncResult("customers", Direction.MAGENTO_TO_ODOO, records=(
        RecordOutcome("7", Outcome.FAILED, reason="bad <e-mail>"),))
    shown = result._repr_html_()
    assert "<table>" in shown and "bad &lt;e-mail&gt;" in shown and ">failed<" in shown
