"""Pages worked on at once (``Handler.pages_in_flight``): outcomes and the cursor keep the
pages' order, a failing page stops the run, a dry run goes one page at a time, and the
orders import overlaps a page's confirmation with the next page's create while its creates
stay one at a time."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import attrs
import pytest

from magodoo.backends import memory_stores
from magodoo.backends.models import Direction
from magodoo.engine import Registry, SyncEngine
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.settings import EntitySettings, Settings
from tests.engine.conftest import Clock
from tests.engine.test_sales import sales_world

M2O = Direction.MAGENTO_TO_ODOO
START = datetime(2026, 11, 27, 5, 0, 0, tzinfo=UTC)


@attrs.frozen
class Row:
    id: int
    updated_at: datetime


class Paged(Handler[Row, dict[str, Any]]):
    """Four pages of two rows; the first page's create is the slowest, so the second page
    finishes first when they overlap."""

    entity: ClassVar[str] = "paged"
    direction: ClassVar[Direction] = M2O
    pages_in_flight: ClassVar[int] = 2

    def __init__(self, fail_page: int | None = None) -> None:
        self.rows = [Row(i, START + timedelta(minutes=i)) for i in range(1, 9)]
        self.fail_page = fail_page
        self.in_flight = 0
        self.most = 0
        self.created: list[int] = []
        self.prepared: list[int] = []

    async def fetch(self, ctx: Context, since: datetime | None) -> AsyncIterator[list[Row]]:
        for start in range(0, len(self.rows), 2):
            yield self.rows[start:start + 2]

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[Row]:
        return [r for r in self.rows if str(r.id) in keys]

    def source_id(self, record: Row) -> str:
        return str(record.id)

    def source_stamp(self, record: Row) -> datetime | None:
        return record.updated_at

    async def prepare(self, ctx: Context, records: list[Row]) -> Any:
        async with ctx.serial("prepare"):
            self.prepared.append(records[0].id)
        return None

    def map(self, record: Row, mctx: Any) -> dict[str, Any]:
        return {"id": record.id}

    def hashable(self, mapped: dict[str, Any]) -> Any:
        return mapped

    def natural_key(self, mapped: dict[str, Any]) -> str | None:
        return None

    async def find_by_key(self, ctx: Context, plans: list[Plan[Row, dict[str, Any]]]
                          ) -> dict[str, str]:
        return {}

    async def create(self, ctx: Context, plans: list[Plan[Row, dict[str, Any]]]
                     ) -> Mapping[str, Written | BaseException]:
        first = plans[0].record.id
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            await asyncio.sleep(0.05 if first == 1 else 0.005)
            if self.fail_page is not None and first == self.fail_page * 2 - 1:
                raise RuntimeError("a bug in this page")
        finally:
            self.in_flight -= 1
        self.created.extend(p.record.id for p in plans)
        return {p.source_id: Written(str(1000 + p.record.id)) for p in plans}

    async def update(self, ctx: Context, plans: list[Plan[Row, dict[str, Any]]]
                     ) -> Mapping[str, Written | BaseException]:
        return {p.source_id: Written(p.target_id or "") for p in plans}


def _engine(handler: Paged) -> SyncEngine:
    registry = Registry()
    registry.register(handler)
    dummy: Any = object()  # the handler reads and writes nothing over HTTP
    return SyncEngine(magento=dummy, odoo=dummy, stores=memory_stores(),
                      settings=Settings(entities={"paged": EntitySettings()}),
                      registry=registry)


async def test_pages_overlap_and_keep_their_order() -> None:
    handler = Paged()
    engine = _engine(handler)
    result = await engine.sync("paged", M2O, keep_all=True)
    assert handler.most == 2  # two pages at once, never more
    assert handler.created[:2] != [1, 2]  # the second page finished first...
    assert [r.source_id for r in result.records] == [str(i) for i in range(1, 9)]  # ...in order
    assert result.created == 8
    assert result.cursor is not None and result.cursor >= handler.rows[-1].updated_at
    assert handler.prepared == [1, 3, 5, 7]
    again = await engine.sync("paged", M2O, full=True)
    assert again.created == 0 and again.updated == 0


async def test_a_failing_page_stops_the_run_and_cancels_the_next() -> None:
    handler = Paged(fail_page=1)
    engine = _engine(handler)
    with pytest.raises(RuntimeError, match="a bug in this page"):
        await engine.sync("paged", M2O)
    assert engine.stores.cursors is not None
    assert await engine.stores.cursors.get("default", "paged", M2O) is None  # not moved
    assert 7 not in handler.prepared  # the pages after the next one never started


async def test_a_dry_run_goes_one_page_at_a_time() -> None:
    handler = Paged()
    result = await _engine(handler).sync("paged", M2O, dry_run=True)
    assert result.created == 8 and handler.most == 0 and not handler.created


class Traced:
    """The engine's Odoo port, counting the writes in flight per ``model.method`` and
    which started while which other was in flight."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.now: Counter[str] = Counter()
        self.most: Counter[str] = Counter()
        self.overlaps: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def _traced(self, name: str, call: Any) -> Any:
        self.now[name] += 1
        self.most[name] = max(self.most[name], self.now[name])
        for other, count in self.now.items():
            if count and other != name:
                self.overlaps[f"{name} with {other}"] += 1
        try:
            return await call
        finally:
            self.now[name] -= 1

    async def create(self, model: str, *args: Any, **kwargs: Any) -> Any:
        return await self._traced(f"{model}.create",
                                  self.inner.create(model, *args, **kwargs))

    async def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return await self._traced(f"{model}.{method}",
                                  self.inner.call(model, method, *args, **kwargs))

    async def load(self, model: str, *args: Any, **kwargs: Any) -> Any:
        return await self._traced(f"{model}.load", self.inner.load(model, *args, **kwargs))


async def test_orders_overlap_a_page_s_confirmation_with_the_next_page(clock: Clock) -> None:
    async with sales_world(clock, batch_size=4) as world:
        world.odoo.faults.latency = 0.01
        traced = Traced(world.engine.odoo)
        world.engine.odoo = traced
        results = await world.engine.sync_all(M2O)
        orders = results["orders"]
        assert orders.summary()["failed"] == 0, [r.reason for r in orders.records if r.reason]
        assert orders.created == len(world.magento.state.table("orders"))
        assert traced.most["sale.order.create"] == 1  # one create stream
        advance = {"sale.order.action_confirm", "sale.order.load", "sale.order.action_lock",
                   "sale.order.action_cancel"}
        following = {"sale.order.create", "res.partner.create"}  # the next page's writes
        assert any({a, b} & advance and {a, b} & following
                   for a, _, b in (k.partition(" with ") for k in traced.overlaps)), \
            traced.overlaps
        refs = Counter(o.get("client_order_ref") for o in world.odoo.table("sale.order").values())
        assert refs and max(refs.values()) == 1  # no order twice
        again = await world.engine.sync_all(M2O, full=True)
        assert again["orders"].created == again["orders"].updated == 0
