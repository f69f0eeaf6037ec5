"""The orders handler starts the page's order-reference search in ``prepare`` (one round
trip fewer one after the other). What it must keep: a lost create is looked up afresh, the
orders are found when their bindings are lost, nothing is made twice."""

from __future__ import annotations

from typing import Any

from magodoo.backends import Direction, memory_stores
from magodoo.engine import connect
from tests.engine.conftest import FAST_RETRY, Clock
from tests.engine.test_sales import magento_orders, sales_world

M2O = Direction.MAGENTO_TO_ODOO


class LoseFirstOrderCreate:
    """The engine's Odoo port; the answer of the first ``sale.order.create`` is lost after
    the commit."""

    def __init__(self, inner: Any, fake: Any) -> None:
        self.inner, self.fake, self.armed = inner, fake, True

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def create(self, model: str, *args: Any, **kwargs: Any) -> Any:
        if model == "sale.order" and self.armed:
            self.armed = False
            self.fake.faults.lose_next += 1
        return await self.inner.create(model, *args, **kwargs)


async def test_a_lost_order_create_is_looked_up_afresh_and_adopted(clock: Clock) -> None:
    async with sales_world(clock) as world:
        world.engine.odoo = LoseFirstOrderCreate(world.engine.odoo, world.odoo)
        results = await world.engine.sync_all(M2O)
        assert world.odoo.faults.injected["lost"] == 1
        assert results["orders"].summary()["failed"] == 0  # adopted in the same pass
        refs = [o["client_order_ref"] for o in world.odoo.table("sale.order").values()]
        assert sorted(refs) == sorted(o["increment_id"] for o in magento_orders(world))


async def test_fresh_stores_find_every_order_guest_and_address(clock: Clock) -> None:
    """Bindings lost (new stores): the orders are found by reference, the guests by e-mail,
    their addresses by content: nothing is created again."""
    async with sales_world(clock) as world:
        await world.engine.sync_all(M2O)
        partners, orders = len(world.odoo.table("res.partner")), len(
            world.odoo.table("sale.order"))
        guests = [o for o in magento_orders(world) if o.get("customer_is_guest")]
        assert guests
        searches = world.odoo.counters["sale.order.search_read"]
        creates = world.odoo.counters["sale.order.create"]
        assert searches == creates >= 1  # one reference search per page of new orders
        clock.advance(120)
        again = await connect(world.engine.settings, stores=memory_stores(now=clock),
                              retry=FAST_RETRY)
        try:
            again.engine.clock = clock
            result = await again.engine.sync("orders", M2O, full=True)
        finally:
            await again.aclose()
        assert result.summary()["failed"] == 0
        assert result.summary()["created"] == 0
        assert world.odoo.counters["sale.order.create"] == creates
        assert len(world.odoo.table("sale.order")) == orders
        assert len(world.odoo.table("res.partner")) == partners
