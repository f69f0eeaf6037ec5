"""Order routes: reads, comments, hold/unhold/cancel, statuses, order items.

Recorded answers: cancel on a complete, closed or canceled order is ``200 false``; hold and
unhold refuse with 400; a comment without ``status`` sets the order status to NULL (the
``status`` key then disappears and ``/statuses`` answers ``[]``); ``/statuses`` is a bare string.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento import sales_orders as so
from magodoo.testing._magento.routing import Call, Router
from magodoo.testing._magento.sales_money import cents, dec, num
from magodoo.testing._magento.search import KeyIndex, search
from magodoo.testing._magento.state import Row, State

RESOURCE = "Magento_Sales::actions_view"
_STATE_OK_FOR_HOLD = ("new", "processing", "pending_payment")


def hold(state: State, order: Row) -> None:
    if order["state"] not in _STATE_OK_FOR_HOLD:
        raise errors.bad_request("A hold action is not available.")
    order["hold_before_state"] = order["state"]
    order["hold_before_status"] = order.get("status")
    so.set_state(order, "holded")
    so.touch(state, order)


def unhold(state: State, order: Row) -> None:
    if order["state"] != "holded":
        raise errors.bad_request("You cannot remove the hold.")
    order["state"] = order.pop("hold_before_state", None) or "new"
    order["status"] = order.pop("hold_before_status", None)
    so.touch(state, order)


def cancel(state: State, order: Row) -> bool:
    """``OrderManagement::cancel``: False (not an error) when the order cannot be canceled."""
    if not so.can_cancel(state, order):
        return False
    from magodoo.testing._magento.sales_stock import item_sku, reserve

    subtotal = tax = discount = Decimal(0)
    for item in so.top_items(state, order):
        qty = so.qty_to_invoice(item)
        if qty <= 0:
            continue
        ordered = dec(item["qty_ordered"])
        subtotal += cents(dec(item["price"]) * qty)
        item_tax = cents((dec(item["tax_amount"]) - dec(item["tax_invoiced"])) * qty / ordered)
        tax += item_tax
        discount += dec(item["discount_amount"]) - dec(item["discount_invoiced"])
        so.add(item, "qty_canceled", qty)
        item["tax_canceled"] = num(item_tax)
        item["discount_tax_compensation_canceled"] = 0
        children = so.children_of(state, item)
        for child in children:
            so.add(child, "qty_canceled", qty)
        reserve(state, item_sku(state, item, children), -qty)
    ship = dec(order["shipping_amount"]) - dec(order.get("shipping_invoiced"))
    ship_tax = Decimal(0)
    if order.get("shipping_invoiced") is None:
        ship_tax = dec(order["shipping_tax_amount"])
    tax += ship_tax
    discount_canceled = -discount
    total = subtotal + tax + ship - discount
    for key, value in (
        ("subtotal_canceled", subtotal),
        ("tax_canceled", tax),
        ("shipping_canceled", ship),
        ("discount_canceled", discount_canceled),
        ("total_canceled", total),
    ):
        so.add(order, key, value)
        so.add(order, "base_" + key, value)
    so.set_state(order, "canceled")
    so.touch(state, order)
    return True


def add_comment(state: State, order: Row, data: dict[str, Any]) -> None:
    """``POST /V1/orders/{id}/comments``: the history's status (or NULL) becomes the order's."""
    if not data.get("comment") and data.get("comment") != "":
        raise errors.required("comment")
    status = data.get("status") or None
    so.add_history(
        state,
        order,
        str(data.get("comment")),
        status=status,
        entity_name=data.get("entity_name"),
        notified=int(data.get("is_customer_notified") or 0),
        visible=int(data.get("is_visible_on_front") or 0),
    )
    order["status"] = status
    so.touch(state, order)


ORDER_KEY = frozenset({"entity_id"})
"""The orders table's key (``rows[k]["entity_id"] == k``): searches on it use the index."""


def _order_field(row: Row, field: str) -> Any:
    return row.get(field)


def register(r: Router) -> None:
    @r.get("/V1/orders", resource=RESOURCE, criteria=True)
    def list_orders(call: Call) -> Any:
        orders = call.state.table(so.ORDERS)
        return search(
            orders.values(),
            call.criteria,
            get=_order_field,
            past_end="empty",
            render=lambda row: so.render(call.state, row),
            index=KeyIndex(orders.rows, ORDER_KEY),
        )

    @r.get("/V1/orders/items", resource=RESOURCE, criteria=True)
    def list_items(call: Call) -> Any:
        return search(
            call.state.table(so.ITEMS).values(),
            call.criteria,
            past_end="empty",
            render=lambda row: so.render_item(call.state, row),
        )

    @r.get("/V1/orders/items/{id}", resource=RESOURCE)
    def get_item(call: Call) -> Any:
        item = call.state.table(so.ITEMS).get(call.path_int("id"))
        if item is None:
            raise errors.not_found(so.NOT_FOUND)
        return so.render_item(call.state, item)

    @r.get("/V1/orders/{id}", resource=RESOURCE)
    def get_order(call: Call) -> Any:
        return so.render(call.state, so.get_order(call.state, call.path_int("id")))

    @r.get("/V1/orders/{id}/comments", resource=RESOURCE)
    def list_comments(call: Call) -> Any:
        order = so.get_order(call.state, call.path_int("id"))
        items = [so.clean(h) for h in so.histories(call.state, order)]
        return {
            "items": items,
            "search_criteria": {
                "filter_groups": [
                    {
                        "filters": [
                            {
                                "field": "parent_id",
                                "value": str(order["entity_id"]),
                                "condition_type": "eq",
                            }
                        ]
                    }
                ]
            },
            "total_count": len(items),
        }

    @r.post("/V1/orders/{id}/comments", resource="Magento_Sales::comment")
    def post_comment(call: Call) -> Any:
        order = so.get_order(call.state, call.path_int("id"))
        add_comment(call.state, order, dict(call.arg("statusHistory") or {}))
        return True

    @r.post("/V1/orders/{id}/hold", resource="Magento_Sales::hold")
    def post_hold(call: Call) -> Any:
        hold(call.state, so.get_order(call.state, call.path_int("id")))
        return True

    @r.post("/V1/orders/{id}/unhold", resource="Magento_Sales::unhold")
    def post_unhold(call: Call) -> Any:
        unhold(call.state, so.get_order(call.state, call.path_int("id")))
        return True

    @r.post("/V1/orders/{id}/cancel", resource="Magento_Sales::cancel")
    def post_cancel(call: Call) -> Any:
        return cancel(call.state, so.get_order(call.state, call.path_int("id")))

    @r.post("/V1/orders/{id}/emails", resource="Magento_Sales::emails")
    def post_emails(call: Call) -> Any:
        so.get_order(call.state, call.path_int("id"))
        return True

    @r.put("/V1/orders/{parent_id}", resource="Magento_Sales::actions_edit")
    def put_address(call: Call) -> Any:
        """Edit an order address (``entity`` = the address with its ``entity_id``)."""
        order = so.get_order(call.state, call.path_int("parent_id"))
        entity = dict(call.arg("entity") or {})
        address = call.state.table(so.ADDRESSES).get(int(entity.get("entity_id") or 0))
        if address is None or address["parent_id"] != order["entity_id"]:
            raise errors.not_found(so.NOT_FOUND)
        for key, value in entity.items():
            if key not in ("entity_id", "parent_id", "address_type") and value is not None:
                address[key] = value
        so.touch(call.state, order)
        return so.clean(address)

    @r.get("/V1/transactions", resource="Magento_Sales::transactions", criteria=True)
    def list_transactions(call: Call) -> Any:
        # Offline methods record no payment transactions (sample 856: total_count 0).
        return search(call.state.table("payment_transactions").values(), call.criteria)

    @r.get("/V1/transactions/{id}", resource="Magento_Sales::transactions")
    def get_transaction(call: Call) -> Any:
        row = call.state.table("payment_transactions").get(call.path_int("id"))
        if row is None:
            raise errors.not_found(so.NOT_FOUND)
        return row

    @r.get("/V1/orders/{id}/statuses", resource=RESOURCE)
    def get_status(call: Call) -> Any:
        order = so.get_order(call.state, call.path_int("id"))
        status = order.get("status")
        return [] if status is None else status
