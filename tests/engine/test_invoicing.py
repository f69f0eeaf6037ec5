"""After the order over both fakes: Magento invoices -> posted, paid Odoo invoices (amounts to
the cent); validated Odoo deliveries -> Magento shipments, exactly once, partial then the
backorder."""

from __future__ import annotations

from typing import Any

from magodoo.exceptions import TransportError
from magodoo.settings import EntitySettings
from magodoo.testing._magento import sales_creditmemos, sales_invoices, sales_shipments
from tests.engine.conftest import Clock, World
from tests.engine.test_sales import (  # noqa: F401 - the fixture
    M2O,
    O2M,
    odoo_order,
    sales,
    sales_world,
)

__all__: list[str] = []


def magento_invoices(world: World) -> list[dict[str, Any]]:
    state = world.magento.state
    return [sales_invoices.render(state, i)
            for i in state.table(sales_invoices.INVOICES).values()]


def odoo_invoice(world: World, ref: str) -> dict[str, Any]:
    rows = [m for m in world.odoo.table("account.move").values()
            if m.get("move_type") == "out_invoice" and m.get("ref") == ref]
    assert len(rows) == 1, ref
    (row,), _ = world.odoo.execute("account.move", "read", [[rows[0]["id"]], [
        "state", "payment_state", "amount_untaxed", "amount_tax", "amount_total", "ref",
        "invoice_origin"]], {})
    return dict(row)


async def test_every_demo_invoice_posted_and_paid_to_the_cent(sales: World) -> None:  # noqa: F811
    results = await sales.engine.sync_all(M2O)
    invoices = results["invoices"]
    assert invoices.summary()["failed"] == 0, [r.reason for r in invoices.records if r.reason]
    wanted = magento_invoices(sales)
    assert wanted
    for inv in wanted:
        row = odoo_invoice(sales, inv["increment_id"])
        assert row["state"] == "posted"
        assert row["payment_state"] == "paid", inv["increment_id"]
        assert (round(row["amount_untaxed"] + row["amount_tax"], 2), round(row["amount_tax"], 2),
                round(row["amount_total"], 2)) == (
            float(inv["grand_total"]), float(inv["tax_amount"]), float(inv["grand_total"])
        ), inv["increment_id"]


async def test_partial_invoices_invoice_part_each(sales: World) -> None:  # noqa: F811
    await sales.engine.sync_all(M2O)
    by_order: dict[int, list[dict[str, Any]]] = {}
    for inv in magento_invoices(sales):
        by_order.setdefault(int(inv["order_id"]), []).append(inv)
    several = [v for v in by_order.values() if len(v) > 1]
    assert several, "the demo has orders invoiced in two parts"
    for invs in several:
        rows = [odoo_invoice(sales, i["increment_id"]) for i in invs]
        assert len({r["invoice_origin"] for r in rows}) == 1
        assert round(sum(r["amount_total"] for r in rows), 2) == round(
            sum(float(i["grand_total"]) for i in invs), 2)


async def test_invoices_rerun_writes_nothing(sales: World) -> None:  # noqa: F811
    await sales.engine.sync_all(M2O)
    count = len(sales.odoo.table("account.move"))
    writes = sales.writes()
    sales.clock.advance(120)
    again = await sales.engine.sync_all(M2O, full=True)
    assert again["invoices"].summary()["created"] == 0
    assert sales.writes() == writes
    assert len(sales.odoo.table("account.move")) == count


def _new_order_picking(world: World) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    state = world.magento.state
    order = next(o for o in state.table("orders").values() if o["state"] == "new"
                 and sum(float(i["qty_ordered"]) for i in state.table("order_items")
                         if i["order_id"] == o["entity_id"] and not i.get("parent_item_id"))
                 > 1)
    row = odoo_order(world, order["increment_id"])
    world.odoo.execute("sale.order", "action_confirm", [[row["id"]]], {})
    (picking,) = [p for p in world.odoo.table("stock.picking").values()
                  if p.get("sale_id") == row["id"]]
    return order, row, picking


def _magento_shipments(world: World, order: dict[str, Any]) -> list[dict[str, Any]]:
    state = world.magento.state
    return [sales_shipments.render(state, s)
            for s in state.table(sales_shipments.SHIPMENTS).values()
            if s["order_id"] == order["entity_id"]]


async def test_validated_delivery_ships_once_with_two_tracks(sales: World) -> None:  # noqa: F811
    await sales.engine.sync_all(M2O)
    order, _row, picking = _new_order_picking(sales)
    odoo = sales.odoo
    odoo.execute("stock.picking", "write", [[picking["id"]],
                                            {"carrier_tracking_ref": "1Z999AA1, 1Z999AA2"}], {})
    odoo.execute("stock.picking", "button_validate", [[picking["id"]]],
                 {"context": {"skip_sms": True}})
    sales.clock.advance(120)
    first = await sales.engine.sync("shipments", O2M, keys=[picking["id"]])
    assert first.summary()["created"] == 1, first.records
    again = await sales.engine.sync("shipments", O2M, keys=[picking["id"]])  # duplicate webhook
    assert again.summary()["created"] == 0
    (shipment,) = _magento_shipments(sales, order)
    assert sorted(t["track_number"] for t in shipment["tracks"]) == ["1Z999AA1", "1Z999AA2"]
    shipped = sum(float(i["qty"]) for i in shipment["items"])
    ordered = sum(float(m["product_uom_qty"]) for m in odoo.table("stock.move").values()
                  if m.get("picking_id") == picking["id"])
    assert shipped == ordered
    assert sales.magento.counters["POST /V1/order/{orderId}/ship"] == 1


async def test_partial_delivery_then_backorder(sales: World) -> None:  # noqa: F811
    await sales.engine.sync_all(M2O)
    order, _row, picking = _new_order_picking(sales)
    odoo = sales.odoo
    moves = [m for m in odoo.table("stock.move").values() if m.get("picking_id") == picking["id"]]
    big = max(moves, key=lambda m: m["product_uom_qty"])
    total = sum(float(m["product_uom_qty"]) for m in moves)
    for m in moves:
        qty = float(m["product_uom_qty"]) - (1 if m is big else 0)
        odoo.execute("stock.move", "write", [[m["id"]], {"quantity": qty, "picked": True}], {})
    ctx = {"skip_sms": True, "skip_backorder": True}
    odoo.execute("stock.picking", "button_validate", [[picking["id"]]], {"context": ctx})
    sales.clock.advance(120)
    await sales.engine.sync("shipments", O2M)
    (first,) = _magento_shipments(sales, order)
    assert sum(float(i["qty"]) for i in first["items"]) == total - 1
    (back,) = [p for p in odoo.table("stock.picking").values()
               if p.get("backorder_id") == picking["id"]]
    odoo.execute("stock.picking", "button_validate", [[back["id"]]],
                 {"context": {"skip_sms": True}})
    sales.clock.advance(120)
    await sales.engine.sync("shipments", O2M)
    shipments = _magento_shipments(sales, order)
    assert len(shipments) == 2
    assert sum(float(i["qty"]) for s in shipments for i in s["items"]) == total
    again = await sales.engine.sync("shipments", O2M, full=True)
    assert again.summary()["created"] == 0
    assert len(_magento_shipments(sales, order)) == 2


# ---- credit memos ----------------------------------------------------------------------------


def magento_memos(world: World) -> list[dict[str, Any]]:
    state = world.magento.state
    return [sales_creditmemos.render(state, m)
            for m in state.table(sales_creditmemos.CREDITMEMOS).values()]


def odoo_note(world: World, increment: str) -> dict[str, Any]:
    rows = [m for m in world.odoo.table("account.move").values()
            if m.get("move_type") == "out_refund"
            and m.get("ref") == f"Magento credit memo {increment}"]
    assert len(rows) == 1, increment
    (row,), _ = world.odoo.execute("account.move", "read", [[rows[0]["id"]], [
        "state", "payment_state", "amount_tax", "amount_total", "reversed_entry_id"]], {})
    return dict(row)


async def test_every_demo_credit_memo_a_posted_note_to_the_cent(sales: World) -> None:  # noqa: F811
    results = await sales.engine.sync_all(M2O)
    memos = results["credit_memos"]
    assert memos.summary()["failed"] == 0, [r.reason for r in memos.records if r.reason]
    wanted = magento_memos(sales)
    assert any(m.get("invoice_id") for m in wanted)
    assert any(not m.get("invoice_id") for m in wanted), "offline refunds in the demo"
    for memo in wanted:
        row = odoo_note(sales, memo["increment_id"])
        assert row["state"] == "posted"
        assert row["reversed_entry_id"]
        assert (round(row["amount_tax"], 2), round(row["amount_total"], 2)) == (
            float(memo["tax_amount"]), float(memo["grand_total"])), memo["increment_id"]
        if int(memo["state"]) == 2:
            assert row["payment_state"] in ("paid", "reversed"), memo["increment_id"]
    writes = sales.writes()
    sales.clock.advance(120)
    again = await sales.engine.sync_all(M2O, full=True)
    assert again["credit_memos"].summary()["created"] == 0
    assert sales.writes() == writes


async def test_offline_refund_of_an_order_without_odoo_invoice_invoices_first(
    sales: World,  # noqa: F811
) -> None:
    await sales.engine.sync("orders", M2O)
    memo = next(m for m in magento_memos(sales) if not m.get("invoice_id"))
    result = await sales.engine.sync("credit_memos", M2O, keys=[memo["entity_id"]])
    assert result.summary()["created"] == 1, result.records
    note = odoo_note(sales, memo["increment_id"])
    (invoice,) = [m for m in sales.odoo.table("account.move").values()
                  if m["id"] == note["reversed_entry_id"][0]]
    assert invoice["move_type"] == "out_invoice" and invoice["state"] == "posted"
    assert round(note["amount_total"], 2) == float(memo["grand_total"])


async def test_two_partial_memos_with_shipping_and_adjustments_on_one_order(
    sales: World,  # noqa: F811
) -> None:
    """Offline refunds (the only kind an offline payment method allows): first one item with
    an adjustment fee, then the shipping only with an adjustment refund."""
    await sales.engine.sync_all(M2O)
    state = sales.magento.state
    order = next(o for o in state.table("orders").values() if o["state"] == "complete"
                 and float(o.get("total_refunded") or 0) == 0
                 and float(o["shipping_amount"]) > 0)
    item = next(i for i in state.table("order_items")
                if i["order_id"] == order["entity_id"] and not i.get("parent_item_id"))
    sales.clock.advance(120)
    sales_creditmemos.create_creditmemo(state, order, {
        "items": [{"order_item_id": item["item_id"], "qty": 1}],
        "arguments": {"shipping_amount": 0, "adjustment_positive": 0,
                      "adjustment_negative": 2.5}})
    sales_creditmemos.create_creditmemo(state, order, {
        "items": [{"order_item_id": item["item_id"], "qty": 0}],
        "arguments": {"shipping_amount": float(order["shipping_amount"]),
                      "adjustment_positive": 1.25, "adjustment_negative": 0}})
    result = await sales.engine.sync("credit_memos", M2O)
    assert result.summary()["created"] == 2, [r.reason for r in result.records]
    memos = [m for m in magento_memos(sales) if m["order_id"] == order["entity_id"]]
    assert len(memos) == 2
    assert float(memos[0]["adjustment_negative"]) == 2.5
    assert [float(i["qty"]) for i in memos[1]["items"] if float(i["qty"])] == []
    assert float(memos[1]["shipping_amount"]) == float(order["shipping_amount"])
    notes = [odoo_note(sales, m["increment_id"]) for m in memos]
    assert len({n["reversed_entry_id"][0] for n in notes}) == 1
    for memo, note in zip(memos, notes, strict=True):
        assert note["state"] == "posted"
        assert (round(note["amount_tax"], 2), round(note["amount_total"], 2)) == (
            float(memo["tax_amount"]), float(memo["grand_total"])), memo


async def test_duplicate_webhook_through_the_queue_ships_once(clock: Clock) -> None:
    """Odoo's webhook for the validated picking arrives twice, the second after the first job
    ran: the picking's binding stops the second shipment."""
    async with sales_world(clock, entities={"shipments": EntitySettings(realtime=True)}) as w:
        await w.engine.sync_all(M2O)
        order, _row, picking = _new_order_picking(w)
        w.odoo.execute("stock.picking", "button_validate", [[picking["id"]]],
                       {"context": {"skip_sms": True}})
        w.clock.advance(120)
        for _ in range(2):
            assert len(await w.engine.enqueue("shipments", O2M, [picking["id"]])) == 1
            assert await w.engine.work_once("w1") == 1
        assert len(_magento_shipments(w, order)) == 1
        assert w.magento.counters["POST /V1/order/{orderId}/ship"] == 1
        assert sum((await w.stores.jobs.counts()).values()) == 0


class PostFailsOnce:
    """The engine's Odoo port, with the first ``action_post`` answer lost."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.failed = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        if method == "action_post" and not self.failed:
            self.failed = True
            raise TransportError("connection reset", method="POST", url="/jsonrpc")
        return await self.inner.call(model, method, *args, **kwargs)


async def test_invoice_left_in_draft_by_a_failed_post_is_posted_and_paid_on_retry(
    sales: World,  # noqa: F811
) -> None:
    await sales.engine.sync("orders", M2O)
    sales.engine.odoo = PostFailsOnce(sales.engine.odoo)
    first = await sales.engine.sync("invoices", M2O)
    assert first.summary()["failed"] > 0
    drafts = [m for m in sales.odoo.table("account.move").values()
              if m.get("move_type") == "out_invoice" and m.get("state") == "draft"]
    assert drafts
    sales.clock.advance(120)
    again = await sales.engine.sync("invoices", M2O, full=True)
    assert again.summary()["failed"] == 0, [r.reason for r in again.records if r.reason]
    for inv in magento_invoices(sales):
        row = odoo_invoice(sales, inv["increment_id"])  # exactly one each
        assert (row["state"], row["payment_state"]) == ("posted", "paid"), inv["increment_id"]
