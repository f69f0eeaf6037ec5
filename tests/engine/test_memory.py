"""Flat memory: a pass holds one page (plus the one read ahead), not the whole pass.

The handler here keeps its source and target in plain Python, so the test counts the
engine's own objects. Live :class:`Plan` objects are counted with ``gc`` (objects, not
bytes) at every page boundary and at the end.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import attrs
import pytest

from magodoo.backends import memory_stores
from magodoo.backends.models import Direction, LogFilter
from magodoo.engine import Registry, SyncEngine
from magodoo.engine.echo import EchoGuard
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.engine.result import KEEP_OUTCOMES, Outcome, RecordOutcome
from magodoo.exceptions import MappingError
from magodoo.settings import OdooSettings, Settings
from tests.engine.conftest import World

M2O = Direction.MAGENTO_TO_ODOO
STAMP = datetime(2026, 11, 27, 5, 0, 0, tzinfo=UTC)
PAGE = 100
RECORDS = 5000


def live_plans() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is Plan)


@attrs.frozen
class Item:
    id: int
    name: str
    updated_at: datetime = STAMP


class Bulk(Handler[Item, dict[str, Any]]):
    """Items -> an in-memory target; every 97th item cannot be mapped. ``events`` notes the
    order of page reads and writes; ``peak`` the most live plans seen at a page boundary."""

    entity: ClassVar[str] = "bulk"
    direction: ClassVar[Direction] = M2O

    def __init__(self, count: int, *, fail_fetch_at: int | None = None) -> None:
        self.items = [Item(n, f"item {n}" + "x" * 200) for n in range(1, count + 1)]
        self.target: dict[int, dict[str, Any]] = {}
        self.events: list[tuple[str, int]] = []
        self.peak = 0
        self.fail_fetch_at = fail_fetch_at
        self.closed = False
        self.hold: asyncio.Event | None = None
        self.second_read = asyncio.Event()

    async def fetch(self, ctx: Context, since: datetime | None) -> AsyncIterator[list[Item]]:
        size = ctx.settings.batch_size
        try:
            for number, start in enumerate(range(0, len(self.items), size)):
                self.peak = max(self.peak, live_plans())
                if number == self.fail_fetch_at:
                    raise RuntimeError("the source went away")
                self.events.append(("read", number))  # the request goes out
                if number == 1:
                    self.second_read.set()
                await asyncio.sleep(0)  # a read takes a round trip
                yield self.items[start:start + size]
        finally:
            self.closed = True

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[Item]:
        wanted = {int(k) for k in keys}
        return [i for i in self.items if i.id in wanted]

    def source_id(self, record: Item) -> str:
        return str(record.id)

    def source_stamp(self, record: Item) -> datetime | None:
        return record.updated_at

    async def prepare(self, ctx: Context, records: list[Item]) -> Any:
        return None

    def map(self, record: Item, mctx: Any) -> dict[str, Any]:
        if record.id % 97 == 0:
            raise MappingError("unreadable", entity="bulk", record=record.id, field="name")
        return {"name": record.name, "blob": "y" * 500}

    def hashable(self, mapped: dict[str, Any]) -> Any:
        return mapped

    def natural_key(self, mapped: dict[str, Any]) -> str | None:
        return None

    async def find_by_key(
        self, ctx: Context, plans: list[Plan[Item, dict[str, Any]]]
    ) -> dict[str, str]:
        return {}

    async def create(
        self, ctx: Context, plans: list[Plan[Item, dict[str, Any]]]
    ) -> Mapping[str, Written | BaseException]:
        await asyncio.sleep(0)  # a write takes a round trip
        if self.hold is not None:
            await self.hold.wait()
        page = (int(plans[0].source_id) - 1) // ctx.settings.batch_size
        self.events.append(("write", page))  # the answer is back
        out: dict[str, Written | BaseException] = {}
        for p in plans:
            tid = len(self.target) + 1
            self.target[tid] = dict(p.value)
            p.response = {"id": tid, "echo": dict(p.value)}
            out[p.source_id] = Written(str(tid), STAMP)
        return out

    async def update(
        self, ctx: Context, plans: list[Plan[Item, dict[str, Any]]]
    ) -> Mapping[str, Written | BaseException]:
        for p in plans:
            self.target[int(p.target_id or 0)] = dict(p.value)
        return {p.source_id: Written(p.target_id or "", STAMP) for p in plans}


def engine_for(handler: Bulk, *, read_ahead: bool = True, **settings: Any) -> SyncEngine:
    registry = Registry()
    registry.register(handler)
    return SyncEngine(magento=None, odoo=None, stores=memory_stores(),  # type: ignore[arg-type]
                      settings=Settings(batch_size=PAGE, **settings), registry=registry,
                      read_ahead=read_ahead)


async def test_a_pass_holds_a_bounded_number_of_plans() -> None:
    handler = Bulk(RECORDS)
    engine = engine_for(handler)
    streamed: list[RecordOutcome] = []
    result = await engine.sync("bulk", M2O, on_outcome=streamed.append)
    failed = RECORDS // 97
    assert result.summary() == {"created": RECORDS - failed, "updated": 0, "deleted": 0,
                                "skipped": 0, "failed": failed}
    # while it ran: the page being written and the one read ahead, never the whole pass
    assert 0 < handler.peak <= 2 * PAGE, handler.peak
    # at its end: no plan left; the result holds the failures only, every outcome streamed
    assert live_plans() == 0
    assert len(result.records) == failed
    assert all(r.outcome is Outcome.FAILED and "unreadable" in r.reason
               for r in result.records)
    assert [o.source_id for o in streamed] == [str(n) for n in range(1, RECORDS + 1)]
    assert all(o.log_id is not None for o in streamed)
    assert not result.complete and result.total == RECORDS
    assert len(engine.echo) <= engine.echo.size
    logged = await engine.stores.log.count(LogFilter(entity="bulk"))
    assert logged == RECORDS


async def test_a_rerun_holds_nothing_for_unchanged_records() -> None:
    handler = Bulk(1000)
    engine = engine_for(handler)
    await engine.sync("bulk", M2O)
    reasons: list[str] = []

    async def note(outcome: RecordOutcome) -> None:  # a coroutine sink is awaited
        reasons.append(outcome.reason)

    again = await engine.sync("bulk", M2O, full=True, on_outcome=note)
    assert again.skip_reasons == {"unchanged": 1000 - 1000 // 97}
    assert again.records == tuple(r for r in again.records if r.outcome is Outcome.FAILED)
    assert reasons.count("unchanged") == 1000 - 1000 // 97
    everything = await engine.sync("bulk", M2O, full=True, keep_all=True)
    assert everything.complete and len(everything.records) == 1000


async def test_held_outcomes_are_capped_and_counted() -> None:
    handler = Bulk(300)
    engine = engine_for(handler)
    engine.keep_outcomes = 2
    result = await engine.sync("bulk", M2O)
    assert result.failed == 3 and len(result.records) == 2
    # a sync by keys keeps the outcome of every key it was given
    by_keys = await engine.sync("bulk", M2O, keys=range(1, 301), force=True)
    assert len(by_keys.records) == 300 and by_keys.by_source()["97"].outcome is Outcome.FAILED


@pytest.mark.parametrize("read_ahead", [True, False])
async def test_pages_keep_their_order_and_are_read_at_most_one_ahead(read_ahead: bool) -> None:
    handler = Bulk(1000)
    result = await engine_for(handler, read_ahead=read_ahead).sync("bulk", M2O)
    assert result.created == 1000 - 1000 // 97
    writes = [n for kind, n in handler.events if kind == "write"]
    assert writes == list(range(10))
    for n in writes:  # page n+2 is never read before page n is written
        read_next = handler.events.index(("read", n + 2)) if n + 2 < 10 else len(
            handler.events)
        assert handler.events.index(("write", n)) < read_next
    if read_ahead:  # page n+1 is read before page n is written
        assert handler.events.index(("read", 1)) < handler.events.index(("write", 0))
    else:
        assert handler.events.index(("write", 0)) < handler.events.index(("read", 1))


async def test_a_read_error_ahead_stops_the_pass_after_the_current_page() -> None:
    handler = Bulk(500, fail_fetch_at=3)
    engine = engine_for(handler)
    with pytest.raises(RuntimeError, match="went away"):
        await engine.sync("bulk", M2O)
    assert [n for kind, n in handler.events if kind == "write"] == [0, 1, 2]
    assert await engine.stores.cursors.get("default", "bulk", M2O) is None
    assert live_plans() == 0


async def test_a_cancelled_pass_stops_the_read_ahead_and_closes_the_source() -> None:
    handler = Bulk(500)
    handler.hold = asyncio.Event()  # the first write never answers
    task = asyncio.create_task(engine_for(handler).sync("bulk", M2O))
    await handler.second_read.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert handler.closed and ("read", 2) not in handler.events
    assert not [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]


async def test_customers_pass_over_the_fakes_holds_about_two_pages(world: World) -> None:
    for n in range(1, 251):
        world.add_customer(n, addresses=1)
    world.engine.settings = attrs.evolve(world.engine.settings, batch_size=25)
    peak = 0
    seen = 0

    def sample(outcome: RecordOutcome) -> None:
        nonlocal peak, seen
        seen += 1
        if seen % 25 == 0:
            peak = max(peak, live_plans())

    result = await world.engine.sync("customers", M2O, on_outcome=sample)
    assert result.created == 250 and result.records == ()
    assert 0 < peak <= 2 * 25, peak
    assert live_plans() == 0


async def test_payloads_are_redacted_once_in_the_log_and_in_a_dry_run() -> None:
    secret = "s3cret-api-key"
    handler = Bulk(3)
    handler.items[0] = Item(1, f"leaked {secret}")
    engine = engine_for(handler, odoo=OdooSettings(api_key=secret))
    dry = await engine.sync("bulk", M2O, dry_run=True)
    assert dry.planned[0].values["name"] == "leaked ***"
    await engine.sync("bulk", M2O)
    entries = await engine.stores.log.query(LogFilter(entity="bulk"))
    assert entries and all(secret not in (e.request or "") for e in entries)
    assert any("leaked ***" in (e.request or "") for e in entries)


def test_echo_marks_are_bounded_by_age_and_count() -> None:
    now = [0.0]
    guard = EchoGuard(ttl=60, size=1000, clock=lambda: now[0])
    for n in range(500):
        guard.remember("odoo", "customers", n, STAMP + timedelta(seconds=n))
    assert len(guard) == 500
    now[0] = 61.0  # all older than the ttl: dropped as the next write is remembered
    guard.remember("odoo", "customers", "new", STAMP)
    assert len(guard) == 1 and guard.is_echo("odoo", "customers", "new", STAMP)
    for n in range(5000):
        guard.remember("magento", "categories", n, STAMP)
    assert len(guard) == 1000
    assert guard.is_echo("magento", "categories", 4999, STAMP)
    assert not guard.is_echo("magento", "categories", 0, STAMP)
    assert EchoGuard().size <= 10_000
    assert KEEP_OUTCOMES <= 1000
