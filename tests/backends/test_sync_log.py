"""SyncLog contract."""

from __future__ import annotations

from datetime import timedelta

import attrs

from magodoo.backends import (
    Direction,
    LogEntry,
    LogFilter,
    LogStatus,
    Stores,
    SyncLog,
    Trigger,
    iter_log,
    memory_stores,
)

from .conftest import FakeClock

M2O = Direction.MAGENTO_TO_ODOO
O2M = Direction.ODOO_TO_MAGENTO


def entry(clock: FakeClock, i: int, **kw: object) -> LogEntry:
    values: dict[str, object] = {
        "entity": ("product", "customer", "order")[i % 3],
        "direction": (M2O, O2M)[i % 2],
        "trigger": (Trigger.BATCH, Trigger.REALTIME, Trigger.MANUAL, Trigger.RETRY)[i % 4],
        "status": (LogStatus.SUCCESS, LogStatus.FAILED, LogStatus.SKIPPED)[i % 5 % 3],
        "magento_ref": f"M{i}",
        "odoo_ref": f"O{i}",
        "message": f"entry {i}",
        "created_at": clock() + timedelta(seconds=i),
    }
    values.update(kw)
    return LogEntry(**values)  # type: ignore[arg-type]


async def test_add_get_delete_clear(stores: Stores, clock: FakeClock) -> None:
    log = stores.log
    assert isinstance(log, SyncLog)
    full = LogEntry(
        "order",
        M2O,
        Trigger.MANUAL,
        LogStatus.FAILED,
        backend="shop1",
        message="Odoo refused the partner",
        magento_ref="000000042",
        odoo_ref="sale.order,7",
        request='{"name": "x"}',
        response='{"error": "***"}',
        attempt=3,
        duration=0.25,
        job_id=99,
        created_at=clock(),
    )
    entry_id = await log.add(full)
    assert entry_id is not None
    got = await log.get(entry_id)
    assert got == attrs.evolve(full, id=entry_id)
    assert await log.get(entry_id + 1000) is None
    assert await log.delete(entry_id)
    assert not await log.delete(entry_id)
    await log.add_many([entry(clock, i) for i in range(10)])
    assert await log.count() == 10
    assert await log.clear() == 10
    assert await log.count() == 0


async def test_filters(stores: Stores, clock: FakeClock) -> None:
    entries = [entry(clock, i) for i in range(60)]
    ids = await stores.log.add_many(entries)
    assert len(ids) == 60 and ids == sorted(ids)
    log = stores.log

    async def check(f: LogFilter) -> None:
        want = [i for i, e in zip(ids, entries, strict=True) if _match(e, f)]
        got = [e.id for e in await log.query(f)]
        assert got == want, f
        assert await log.count(f) == len(want)
        assert want  # every filter here selects something

    await check(LogFilter(entity="customer"))
    await check(LogFilter(status=LogStatus.FAILED))
    await check(LogFilter(direction=O2M, trigger=Trigger.REALTIME))
    await check(LogFilter(entity="order", status=LogStatus.SKIPPED))
    await check(LogFilter(record="M7"))
    await check(LogFilter(record="O8"))
    await check(LogFilter(since=clock() + timedelta(seconds=10)))
    await check(
        LogFilter(since=clock() + timedelta(seconds=10), until=clock() + timedelta(seconds=20))
    )
    await check(LogFilter(backend="default", entity="product"))
    assert await log.count(LogFilter(backend="other")) == 0
    assert await log.query(LogFilter(record="nope")) == []


def _match(e: LogEntry, f: LogFilter) -> bool:
    return (
        (f.entity is None or e.entity == f.entity)
        and (f.status is None or e.status == f.status)
        and (f.direction is None or e.direction == f.direction)
        and (f.trigger is None or e.trigger == f.trigger)
        and (f.backend is None or e.backend == f.backend)
        and (f.record is None or f.record in (e.magento_ref, e.odoo_ref))
        and (f.since is None or e.created_at >= f.since)
        and (f.until is None or e.created_at < f.until)
    )


async def test_keyset_paging_5000(stores: Stores, clock: FakeClock) -> None:
    ids = await stores.log.add_many(entry(clock, i) for i in range(5000))
    assert len(ids) == 5000
    seen: list[int] = []
    after: int | None = None
    while page := await stores.log.query(after_id=after, limit=1000):
        seen += [e.id for e in page if e.id is not None]
        after = page[-1].id
    assert seen == ids
    failed = LogFilter(status=LogStatus.FAILED)
    seen = []
    after = None
    while page := await stores.log.query(failed, after_id=after, limit=333, newest_first=True):
        seen += [e.id for e in page if e.id is not None]
        after = page[-1].id
    assert len(seen) == await stores.log.count(failed) > 0
    assert seen == sorted(seen, reverse=True)


async def test_expire(stores: Stores, clock: FakeClock) -> None:
    old = [entry(clock, i, created_at=clock() - timedelta(days=40, seconds=i)) for i in range(5)]
    new = [entry(clock, i, created_at=clock() - timedelta(days=10)) for i in range(3)]
    await stores.log.add_many([*old, *new])
    assert await stores.log.expire(timedelta(days=30)) == 5
    assert await stores.log.count() == 3
    clock.advance(days=25)
    assert await stores.log.expire(timedelta(days=30)) == 3
    assert await stores.log.expire(timedelta(days=30)) == 0


async def test_disabled_logging_writes_nothing(stores: Stores, clock: FakeClock) -> None:
    stores.log.enabled = False
    assert await stores.log.add(entry(clock, 1)) is None
    assert await stores.log.add_many([entry(clock, 2)]) == []
    assert await stores.log.count() == 0
    stores.log.enabled = True
    assert await stores.log.add(entry(clock, 3)) is not None
    assert await stores.log.count() == 1


def test_memory_factory_can_start_disabled() -> None:
    assert not memory_stores(log_enabled=False).log.enabled


async def test_iter_log_walks_every_page(stores: Stores, clock: FakeClock) -> None:
    ids = await stores.log.add_many(entry(clock, i) for i in range(250))
    assert [e.id async for e in iter_log(stores.log, page_size=40)] == ids
    newest = [
        e.id async for e in iter_log(stores.log, LogFilter(entity="order"), newest_first=True)
    ]
    assert newest == [i for n, i in enumerate(ids) if n % 3 == 2][::-1]
