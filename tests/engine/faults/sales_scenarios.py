"""The sales parts of the every-fault-at-once run: the demo's small shop in Magento (16
orders, 4 of them by guests, with invoices, credit memos and shipments), its products in an
empty Odoo. What each entity needs is synced cleanly first (``prepare``); the faulty run then
syncs the entity itself. Snapshots hold no ids (they differ between a clean and a faulty run).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from magodoo.backends import Direction
from magodoo.testing._magento import sales_order_api, sales_orders, sales_shipments
from tests.engine.conftest import World
from tests.engine.test_sales import seed_products

M2O = Direction.MAGENTO_TO_ODOO


def twice(keys: list[Any]) -> list[str]:
    return [str(k) for k, n in Counter(keys).items() if n > 1]


async def _sync_clean(world: World, *entities: str) -> None:
    for entity in entities:
        result = await world.engine.sync(entity, M2O)
        assert result.failed == 0, (entity, [r.reason for r in result.records if r.reason])


# ---- prepare ---------------------------------------------------------------------------------

async def before_orders(world: World) -> None:
    seed_products(world.magento, world.odoo)


async def before_invoices(world: World) -> None:
    seed_products(world.magento, world.odoo)
    await _sync_clean(world, "tax_rates", "customers", "orders")


async def before_credit_memos(world: World) -> None:
    await before_invoices(world)
    await _sync_clean(world, "invoices")


async def before_shipments(world: World) -> None:
    await before_credit_memos(world)


# ---- populate: the demo shop is there already; the keys ---------------------------------------

def _keys(world: World, table: str) -> list[str]:
    return [str(r["entity_id"]) for r in world.magento.state.table(table).values()]


def order_keys(world: World) -> list[str]:
    return _keys(world, "orders")


def invoice_keys(world: World) -> list[str]:
    return _keys(world, "invoices")


def credit_memo_keys(world: World) -> list[str]:
    return _keys(world, "creditmemos")


def validated_pickings(world: World, count: int = 3) -> list[int]:
    """Confirm ``count`` imported orders in Odoo and validate their deliveries, each with a
    tracking number, the first of more than one unit one unit short (its backorder left)."""
    odoo = world.odoo
    partial: list[int] = []
    open_orders = {str(o["increment_id"]) for o in world.magento.state.table("orders").values()
                   if o.get("state") in ("new", "processing")
                   and all(float(i.get("qty_shipped") or 0) == 0
                           for i in world.magento.state.table("order_items").values()
                           if i["order_id"] == o["entity_id"])}
    out: list[int] = []
    for row in sorted(odoo.table("sale.order").values(), key=lambda r: r["id"]):
        if len(out) == count:
            break
        if row.get("state") not in ("draft", "sent", "sale") or \
                str(row.get("client_order_ref")) not in open_orders:
            continue
        if row.get("state") != "sale":
            odoo.execute("sale.order", "action_confirm", [[row["id"]]], {})
        pickings = [p for p in odoo.table("stock.picking").values()
                    if p.get("sale_id") == row["id"] and p.get("state") not in ("done", "cancel")]
        if len(pickings) != 1:
            continue
        (picking,) = pickings
        odoo.execute("stock.picking", "write", [[picking["id"]], {
            "carrier_tracking_ref": f"1Z{picking['id']:06d}"}], {})
        context: dict[str, Any] = {"skip_sms": True}
        moves = [m for m in odoo.table("stock.move").values()
                 if m.get("picking_id") == picking["id"]]
        if not partial and sum(float(m["product_uom_qty"]) for m in moves) > 1:
            # one unit short: shipping this picking twice would not be refused by Magento
            big = max(moves, key=lambda m: m["product_uom_qty"])
            for m in moves:
                qty = float(m["product_uom_qty"]) - (1 if m is big else 0)
                odoo.execute("stock.move", "write", [[m["id"]], {"quantity": qty,
                                                                "picked": True}], {})
            context["skip_backorder"] = True
            partial.append(int(picking["id"]))
        odoo.execute("stock.picking", "button_validate", [[picking["id"]]],
                     {"context": context})
        out.append(int(picking["id"]))
    assert partial, "no delivery of more than one unit"
    return out


def shipment_keys(world: World) -> list[str]:
    keys = [str(p) for p in validated_pickings(world)]
    world.clock.advance(120)
    return keys


# ---- snapshots and duplicates ------------------------------------------------------------------

def _product_codes(world: World) -> dict[int, str]:
    return {int(p["id"]): str(p.get("default_code") or p.get("name"))
            for p in world.odoo.table("product.product").values()}


def _m2o(value: Any) -> int | None:
    if isinstance(value, list | tuple):
        return int(value[0]) if value else None
    return int(value) if value else None


def _partner_key(world: World, pid: Any) -> tuple[str, ...]:
    row = world.odoo.table("res.partner").get(_m2o(pid) or 0) or {}
    return (str(row.get("email")), str(row.get("name")), str(row.get("street")),
            str(row.get("zip")))


def orders_snapshot(world: World) -> Any:
    codes = _product_codes(world)
    out = []
    for o in world.odoo.table("sale.order").values():
        lines = sorted((codes.get(_m2o(ln.get("product_id")) or 0, "?"),
                        float(ln.get("product_uom_qty") or 0), float(ln.get("price_unit") or 0),
                        float(ln.get("discount") or 0), bool(ln.get("is_delivery")))
                       for ln in world.odoo.table("sale.order.line").values()
                       if ln.get("order_id") == o["id"])
        out.append((str(o.get("client_order_ref")), str(o.get("state")), bool(o.get("locked")),
                    str(o.get("date_order")), _partner_key(world, o.get("partner_id")),
                    _partner_key(world, o.get("partner_invoice_id")),
                    _partner_key(world, o.get("partner_shipping_id")), tuple(lines)))
    return sorted(out)


def _partners(world: World) -> Counter[tuple[str, ...]]:
    rows = [r for r in world.odoo.table("res.partner").values() if r.get("active", True)]
    return Counter((str(r.get("email")), str(r.get("type")), str(r.get("name")),
                    str(r.get("street")), str(r.get("zip")), str(bool(r.get("parent_id"))))
                   for r in rows)


def orders_duplicates(world: World) -> list[str]:
    refs = twice([o.get("client_order_ref") for o in world.odoo.table("sale.order").values()])
    tops = twice([str(r.get("email")).lower() for r in world.odoo.table("res.partner").values()
                  if r.get("email") and not r.get("parent_id")])
    return refs + tops + [str(k) for k, n in _partners(world).items() if n > 1]


def _moves(world: World, kind: str) -> list[dict[str, Any]]:
    return [m for m in world.odoo.table("account.move").values() if m.get("move_type") == kind]


def _moves_snapshot(world: World, kind: str) -> Any:
    codes = _product_codes(world)
    out = []
    for m in _moves(world, kind):
        lines = sorted((codes.get(_m2o(ln.get("product_id")) or 0, "?"),
                        float(ln.get("quantity") or 0), float(ln.get("price_unit") or 0))
                       for ln in world.odoo.table("account.move.line").values()
                       if ln.get("move_id") == m["id"] and ln.get("display_type") == "product")
        out.append((str(m.get("ref")), str(m.get("state")), str(m.get("payment_state")),
                    round(float(m.get("amount_total") or 0), 2), tuple(lines)))
    return sorted(out)


def invoices_snapshot(world: World) -> Any:
    return _moves_snapshot(world, "out_invoice")


def invoices_duplicates(world: World) -> list[str]:
    return twice([m.get("ref") for m in _moves(world, "out_invoice")])


def credit_memos_snapshot(world: World) -> Any:
    return _moves_snapshot(world, "out_refund")


def credit_memos_duplicates(world: World) -> list[str]:
    return twice([m.get("ref") for m in _moves(world, "out_refund")])


def _shipments(world: World) -> list[dict[str, Any]]:
    state = world.magento.state
    return [sales_shipments.render(state, s)
            for s in state.table(sales_shipments.SHIPMENTS).values()]


def shipments_snapshot(world: World) -> Any:
    return sorted((s["order_id"], tuple(sorted(t["track_number"] for t in s["tracks"])),
                   tuple(sorted((i["order_item_id"], float(i["qty"])) for i in s["items"])))
                  for s in _shipments(world))


def shipments_duplicates(world: World) -> list[str]:
    """Our shipments (tracked ``1Z...``) twice: same order and track."""
    return twice([(s["order_id"], t["track_number"]) for s in _shipments(world)
                  for t in s["tracks"] if str(t["track_number"]).startswith("1Z")])


# ---- order status, both ways ----------------------------------------------------------------

def magento_orders(world: World) -> dict[str, dict[str, Any]]:
    return {str(o["increment_id"]): o for o in world.magento.state.table("orders").values()}


def change_in_magento(world: World) -> None:
    """After the import: two new orders cancelled, one held (confirmed in Odoo), one
    processing (confirmed), one complete (confirmed and locked)."""
    state = world.magento.state
    orders = magento_orders(world)
    world.clock.advance(120)
    for ref in ("000000004", "000000011"):
        assert sales_order_api.cancel(state, orders[ref])
    sales_order_api.hold(state, orders["000000012"])
    for ref, new_state in (("000000009", "processing"), ("000000016", "complete")):
        sales_orders.set_state(orders[ref], new_state)
        sales_orders.touch(state, orders[ref])


def confirm_and_deliver_in_odoo(world: World) -> None:
    """After the import: three new orders confirmed in Odoo, the first delivered too."""
    odoo = world.odoo
    news = {o["increment_id"] for o in magento_orders(world).values() if o["state"] == "new"}
    rows = sorted((r for r in odoo.table("sale.order").values()
                   if r.get("client_order_ref") in news),
                  key=lambda r: str(r["client_order_ref"]))[:3]
    assert len(rows) == 3
    world.clock.advance(120)
    for n, row in enumerate(rows):
        odoo.execute("sale.order", "action_confirm", [[row["id"]]], {})
        if n == 0:
            for picking in odoo.table("stock.picking").values():
                if picking.get("sale_id") == row["id"]:
                    odoo.execute("stock.picking", "button_validate", [[picking["id"]]],
                                 {"context": {"skip_sms": True}})


def magento_statuses(world: World) -> Any:
    state = world.magento.state
    return sorted((ref, o["state"], o.get("status"),
                   tuple((h["status"], h["comment"]) for h in sales_orders.histories(state, o)))
                  for ref, o in magento_orders(world).items())




def state_change_keys(world: World) -> list[str]:
    """Magento states changed after the import; every order's key (the run reads them all)."""
    change_in_magento(world)
    return order_keys(world)


def odoo_event_keys(world: World) -> list[str]:
    """Odoo events after the import; the keys of every Odoo order with an event (confirmed,
    delivered, cancelled), those already at that status in Magento included."""
    confirm_and_deliver_in_odoo(world)
    return [str(r["id"]) for r in world.odoo.table("sale.order").values()
            if r.get("state") in ("sale", "cancel")]


def comments_duplicates(world: World) -> list[str]:
    state = world.magento.state
    return [f"{ref}: {dup}" for ref, o in magento_orders(world).items()
            for dup in twice([(h["status"], h["comment"])
                              for h in sales_orders.histories(state, o)])]
