"""Orders: Magento against the Odoo sales orders the sync made of them, totals to the cent
(runs once the sales handlers are in: skipped before)."""

from __future__ import annotations

from typing import Any

import pytest

from magodoo.backends import Direction
from magodoo.reconcile import reconcile
from tests.engine.conftest import Clock, clock  # noqa: F401

sales = pytest.importorskip("tests.engine.test_sales", reason="the sales handlers are not in")

M2O = Direction.MAGENTO_TO_ODOO


async def test_orders_missing_changed_and_repaired(clock: Clock) -> None:  # noqa: F811
    async with sales.sales_world(clock) as world:
        results = await world.engine.sync_all(M2O)
        assert results["orders"].failed == 0
        report = await reconcile(world.engine, ["orders"], page_size=3)
        assert report.clean and report.counts[0].compared == len(
            world.magento.state.table("orders")) > 2

        orders: list[Any] = (await world.conn.magento.search_orders()).items
        first, second = orders[0], orders[1]
        # an order missing in Odoo (its sale order deleted by hand, the binding left behind)
        b1 = await world.stores.bindings.get_by_magento("default", "orders", str(first.entity_id))
        assert b1 is not None
        world.odoo.table("sale.order").pop(b1.odoo_id)
        # another's total changed in Magento
        row = world.magento.state.table("orders").get(second.entity_id)
        assert row is not None
        row["grand_total"] = float(row["grand_total"]) + 1.0
        b2 = await world.stores.bindings.get_by_magento("default", "orders",
                                                        str(second.entity_id))
        assert b2 is not None

        report = await reconcile(world.engine, ["orders"], page_size=3)
        assert sorted((d.kind, d.magento_id, d.odoo_id, d.field)
                      for d in report.differences) == sorted([
            ("broken_binding", str(first.entity_id), b1.odoo_id, "binding"),
            ("field_mismatch", str(second.entity_id), b2.odoo_id, "amount_total"),
            ("field_mismatch", str(second.entity_id), b2.odoo_id, "amount_untaxed")])
        plan = await report.repair(world.engine)
        assert {(a.key, a.action) for a in plan} == {(str(first.entity_id), "rebind"),
                                                     (str(second.entity_id), "sync")}


async def test_tax_rates_through_the_sync_handler(clock: Clock) -> None:  # noqa: F811
    async with sales.sales_world(clock) as world:
        assert (await world.engine.sync("tax_rates", M2O)).failed == 0
        report = await reconcile(world.engine, ["tax_rates"])
        assert report.clean and report.counts[0].compared > 0
        binding = (await world.stores.bindings.list_bindings("default", "tax_rates",
                                                             limit=1))[0]
        await world.conn.odoo.write("account.tax", [binding.odoo_id], {"amount": 99.5})
        report = await reconcile(world.engine, ["tax_rates"])
        assert [(d.kind, d.magento_id, d.odoo_id, d.field, d.odoo_value)
                for d in report.differences] == [
            ("field_mismatch", binding.magento_id, binding.odoo_id, "amount", 99.5)]
        await report.repair(world.engine, dry_run=False, run=True)
        assert (await reconcile(world.engine, ["tax_rates"])).clean
