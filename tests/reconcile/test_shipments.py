"""Shipments: validated Odoo deliveries against the Magento shipments the sync made of them
(Odoo is the source of truth), with planted differences found exactly, repaired where a sync
can, left by hand where not."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from magodoo.backends import Direction
from magodoo.reconcile import reconcile
from magodoo.testing._magento import sales_shipments
from tests.engine.conftest import Clock, World, clock  # noqa: F401

sales = pytest.importorskip("tests.engine.test_sales", reason="the sales handlers are not in")

M2O = Direction.MAGENTO_TO_ODOO
O2M = Direction.ODOO_TO_MAGENTO


def found(report: Any) -> list[tuple[Any, ...]]:
    return sorted((d.kind, d.magento_id, d.odoo_id, d.field) for d in report.differences)


def deliver(world: World, order: dict[str, Any], tracking: str) -> int:
    """Confirm the order's Odoo sale order and validate its delivery: the picking id."""
    odoo = world.odoo
    row = sales.odoo_order(world, order["increment_id"])
    if row["state"] != "sale":
        odoo.execute("sale.order", "action_confirm", [[row["id"]]], {})
    (picking,) = [p for p in odoo.table("stock.picking").values()
                  if p.get("sale_id") == row["id"] and p.get("state") != "done"]
    odoo.execute("stock.picking", "write", [[picking["id"]],
                                            {"carrier_tracking_ref": tracking}], {})
    odoo.execute("stock.picking", "button_validate", [[picking["id"]]],
                 {"context": {"skip_sms": True}})
    return int(picking["id"])


async def test_shipments_planted_found_exactly_then_repaired(clock: Clock) -> None:  # noqa: F811
    async with sales.sales_world(clock) as world:
        assert (await world.engine.sync_all(M2O))["orders"].failed == 0
        magento = world.magento.state
        new = [o for o in magento.table("orders").values() if o["state"] == "new"]
        assert len(new) >= 4
        a, c, e = (deliver(world, o, f"1Z{n}A, 1Z{n}B") for n, o in enumerate(new[:3]))
        clock.advance(120)
        assert (await world.engine.sync("shipments", O2M)).failed == 0
        report = await reconcile(world.engine, ["shipments"], page_size=2)
        assert report.clean and report.counts[0].compared == 3

        bindings = world.stores.bindings
        by_picking = await bindings.get_many_by_odoo("default", "shipments", [a, c, e])
        ship_a, ship_c, ship_e = (by_picking[p].magento_id for p in (a, c, e))
        # 1. a track removed and a quantity changed in Magento's shipment of A
        tracks = magento.table(sales_shipments.TRACKS)
        (track,) = [t for t in tracks.values() if str(t["parent_id"]) == ship_a
                    and t["track_number"] == "1Z0B"]
        tracks.remove(track["entity_id"])
        item = next(i for i in magento.table(sales_shipments.ITEMS).values()
                    if str(i["parent_id"]) == ship_a)
        item["qty"] = float(item["qty"]) + 1
        # 2. C's binding pointing at a shipment Magento made for another order
        other = next(s for s in magento.table(sales_shipments.SHIPMENTS).values()
                     if str(s["entity_id"]) not in (ship_a, ship_c, ship_e))
        await bindings.unbind("default", "shipments", odoo_id=c)
        await bindings.bind(attrs.evolve(by_picking[c], magento_id=str(other["entity_id"])))
        # 3. a delivery validated in Odoo, not synced yet
        d = deliver(world, new[3], "1Z9X")
        # 4. E's picking deleted in Odoo (the shipment stays in Magento)
        world.odoo.table("stock.picking").pop(e)

        writes = world.writes()
        report = await reconcile(world.engine, ["shipments"], page_size=2)
        assert world.writes() == writes  # a reconciliation only reads
        assert found(report) == sorted([
            ("field_mismatch", ship_a, a, "tracks"),
            ("field_mismatch", ship_a, a, f"items[{item['order_item_id']}].qty"),
            ("broken_binding", str(other["entity_id"]), c, "binding"),
            ("missing_in_magento", None, d, None),
            ("missing_in_odoo", ship_e, e, None),
        ])
        diffs = {d.field: d for d in report.differences if d.magento_id == ship_a}
        assert (diffs["tracks"].magento_value, diffs["tracks"].odoo_value) == (
            ["1Z0A"], ["1Z0A", "1Z0B"])
        plan = await report.repair(world.engine)
        assert {(a.key, a.action) for a in plan} == {
            (str(a), "none"), (str(c), "rebind"), (str(d), "sync"), (str(e), "none")}

        await report.repair(world.engine, dry_run=False, run=True)
        again = await reconcile(world.engine, ["shipments"], page_size=2)
        assert found(again) == sorted([  # what only a person can put right
            ("field_mismatch", ship_a, a, "tracks"),
            ("field_mismatch", ship_a, a, f"items[{item['order_item_id']}].qty"),
            ("missing_in_odoo", ship_e, e, None),
        ])
        binding = await bindings.get_by_odoo("default", "shipments", c)
        assert binding is not None and binding.magento_id == ship_c
        assert world.magento.counters["POST /V1/order/{orderId}/ship"] == 4


async def test_a_bound_delivery_the_mapper_refuses_is_named(clock: Clock) -> None:  # noqa: F811
    async with sales.sales_world(clock) as world:
        assert (await world.engine.sync_all(M2O))["orders"].failed == 0
        order = next(o for o in world.magento.state.table("orders").values()
                     if o["state"] == "new")
        picking = deliver(world, order, "1Z7")
        clock.advance(120)
        assert (await world.engine.sync("shipments", O2M)).failed == 0
        move = next(m for m in world.odoo.table("stock.move").values()
                    if m.get("picking_id") == picking)
        move["sale_line_id"] = False  # cut from its order line by hand
        binding = await world.stores.bindings.get_by_odoo("default", "shipments", picking)
        assert binding is not None

        report = await reconcile(world.engine, ["shipments"])
        (diff,) = report.differences
        assert (diff.kind, diff.magento_id, diff.odoo_id) == (
            "field_mismatch", binding.magento_id, picking)
        assert diff.field is not None and diff.field.endswith("].sale_line_id")
        assert str(diff.odoo_value).startswith("not mappable: ")
        (action,) = await report.repair(world.engine)
        assert action.action == "none" and action.reason.startswith("fix the source record")
