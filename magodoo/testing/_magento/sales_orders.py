"""Orders: lookups, Magento's state machine, status history, and the order as the API shows it.

Rows hold Magento's columns with ``None`` for NULL; the API leaves NULL columns out (so
``total_paid`` appears with the first invoice, ``status`` disappears when a comment nulled it).
Order items are rendered through Magento's ``ChangeOutputArray``: ``row_total`` and its base and
``_incl_tax`` companions have the discount taken off (clamped at 0); child rows of a
configurable get ``row_total_incl_tax: 0`` and a nested copy of their parent.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento.sales_money import dec, num
from magodoo.testing._magento.state import Row, State

ORDERS = "orders"
ITEMS = "order_items"
ADDRESSES = "order_addresses"
PAYMENTS = "order_payments"
HISTORY = "order_status_history"
NOT_FOUND = "The entity that was requested doesn't exist. Verify the entity and try again."
STORE_NAME = "Main Website\nMain Website Store\nDefault Store View"
DEFAULT_STATUS = {
    "new": "pending",
    "processing": "processing",
    "complete": "complete",
    "closed": "closed",
    "canceled": "canceled",
    "holded": "holded",
    "payment_review": "payment_review",
    "pending_payment": "pending_payment",
}
PAYMENT_INFO: dict[str, list[tuple[str, str]]] = {
    "checkmo": [
        ("method_title", "Check / Money order"),
        ("payable_to", "Acme Test Store"),
        ("mailing_address", "1 Acme Way, San Jose, CA 95131"),
    ],
    "banktransfer": [
        ("method_title", "Bank Transfer Payment"),
        ("instructions", "Wire to IBAN DE89 3704 0044 0532 0130 00, reference = order number"),
    ],
    "cashondelivery": [
        ("method_title", "Cash On Delivery"),
        ("instructions", "Pay the courier in cash on delivery"),
    ],
    "purchaseorder": [("method_title", "Purchase Order")],
    "free": [("method_title", "No Payment Information Required")],
}
_ITEM_MONEY = ("row_total", "base_row_total")


def get_order(state: State, order_id: int) -> Row:
    order = state.table(ORDERS).get(order_id)
    if order is None:
        raise errors.not_found(NOT_FOUND)
    return order


def order_items(state: State, order: Row) -> list[Row]:
    return state.table(ITEMS).where("order_id", order["entity_id"])


def top_items(state: State, order: Row) -> list[Row]:
    return [it for it in order_items(state, order) if it.get("parent_item_id") is None]


def children_of(state: State, item: Row) -> list[Row]:
    return state.table(ITEMS).where("parent_item_id", item["item_id"])


def touch(state: State, order: Row) -> None:
    order["updated_at"] = state.timestamp()


def add(row: Row, key: str, amount: Any) -> None:
    """Accumulate into a column that may still be NULL."""
    row[key] = num(dec(row.get(key)) + dec(amount))


# ---- state machine ----------------------------------------------------------------------


def qty_to_invoice(item: Row) -> Decimal:
    return max(
        dec(item["qty_ordered"]) - dec(item["qty_invoiced"]) - dec(item["qty_canceled"]), Decimal(0)
    )


def qty_to_ship(item: Row) -> Decimal:
    return max(
        dec(item["qty_ordered"])
        - dec(item["qty_shipped"])
        - dec(item["qty_refunded"])
        - dec(item["qty_canceled"]),
        Decimal(0),
    )


def qty_to_refund(item: Row) -> Decimal:
    return max(dec(item["qty_invoiced"]) - dec(item["qty_refunded"]), Decimal(0))


def can_invoice(state: State, order: Row) -> bool:
    if order["state"] in ("canceled", "holded", "payment_review", "complete", "closed"):
        return False
    return any(qty_to_invoice(it) > 0 for it in top_items(state, order))


def can_ship(state: State, order: Row) -> bool:
    if order["state"] in ("canceled", "holded", "payment_review"):
        return False
    return any(qty_to_ship(it) > 0 for it in top_items(state, order))


def can_creditmemo(state: State, order: Row) -> bool:
    if order["state"] in ("canceled", "holded", "payment_review", "closed"):
        return False
    if abs(dec(order.get("grand_total"))) < Decimal("0.0001"):
        return any(qty_to_refund(it) > 0 for it in top_items(state, order))
    return dec(order.get("total_paid")) - dec(order.get("total_refunded")) >= Decimal("0.0001")


def can_cancel(state: State, order: Row) -> bool:
    if order["state"] in ("canceled", "complete", "closed", "holded", "payment_review"):
        return False
    return any(qty_to_invoice(it) > 0 for it in top_items(state, order))


def set_state(order: Row, new_state: str) -> None:
    order["state"] = new_state
    order["status"] = DEFAULT_STATUS[new_state]


def check_state(state: State, order: Row, *, in_process: bool = False) -> None:
    """``Order::_checkState`` after a document: new -> processing -> complete or closed."""
    if order["state"] in ("canceled", "holded", "payment_review", "closed"):
        return
    if order["state"] == "new" and in_process:
        set_state(order, "processing")
    if can_invoice(state, order) or order["state"] == "new":
        return
    if not can_creditmemo(state, order):
        set_state(order, "closed")
    elif order["state"] == "processing" and not can_ship(state, order):
        set_state(order, "complete")


def add_history(
    state: State,
    order: Row,
    comment: str,
    *,
    status: str | None,
    entity_name: str | None = None,
    notified: int = 0,
    visible: int = 0,
) -> Row:
    table = state.table(HISTORY)
    row: Row = {
        "comment": comment,
        "created_at": state.timestamp(),
        "entity_id": table.next_id(),
        "entity_name": entity_name,
        "is_customer_notified": notified,
        "is_visible_on_front": visible,
        "parent_id": order["entity_id"],
        "status": status,
    }
    table.rows[row["entity_id"]] = row
    return row


def histories(state: State, order: Row) -> list[Row]:
    rows = state.table(HISTORY).where("parent_id", order["entity_id"])
    return sorted(rows, key=lambda h: h["entity_id"])


# ---- rendering --------------------------------------------------------------------------


_SCALARS = (str, int, float, bool, Decimal)


def copy_value(value: Any) -> Any:
    """A deep copy of a JSON-like value (dicts, lists and scalars: the rows' shapes), faster
    than :func:`copy.deepcopy`; anything else is deep-copied."""
    kind = type(value)
    if kind is dict:
        return {k: copy_value(v) for k, v in value.items()}
    if kind is list:
        return [copy_value(v) for v in value]
    if value is None or kind in _SCALARS:
        return value
    return copy.deepcopy(value)


def clean(row: Row) -> Row:
    """A row without its NULL columns and private keys (what Magento's JSON shows)."""
    return {k: copy_value(v) for k, v in row.items() if v is not None and not k.startswith("_")}


def render_item(state: State, item: Row, *, nested: bool = True) -> Row:
    out = clean(item)
    if item.get("parent_item_id") is not None:
        if nested:
            parent = state.table(ITEMS).get(item["parent_item_id"])
            if parent is not None:
                out["parent_item"] = render_item(state, parent, nested=False)
        out["row_total_incl_tax"] = 0
        out["base_row_total_incl_tax"] = 0
        return out
    discount = dec(item.get("discount_amount"))
    for key in _ITEM_MONEY:
        out[key] = num(max(dec(item.get(key)) - discount, Decimal(0)))
    incl = dec(item.get("row_total")) + dec(item.get("tax_amount")) - discount
    out["row_total_incl_tax"] = num(max(incl, Decimal(0)))
    out["base_row_total_incl_tax"] = num(max(incl, Decimal(0)))
    return out


def render_address(state: State, address_id: int | None) -> Row | None:
    if address_id is None:
        return None
    row = state.table(ADDRESSES).get(address_id)
    return None if row is None else clean(row)


def render(state: State, order: Row) -> Row:
    out = clean(order)
    items = [
        render_item(state, it)
        for it in sorted(order_items(state, order), key=lambda i: i["item_id"])
    ]
    out["items"] = items
    billing = render_address(state, order.get("billing_address_id"))
    if billing is not None:
        out["billing_address"] = billing
    payment = state.table(PAYMENTS).get(order["entity_id"])
    if payment is not None:
        pay = clean(payment)
        pay["account_status"] = None
        pay["cc_last4"] = None
        out["payment"] = dict(sorted(pay.items()))
    out["status_histories"] = [clean(h) for h in reversed(histories(state, order))]
    total = {
        k: v
        for k, v in out.items()
        if (k.startswith("shipping_") or k.startswith("base_shipping_"))
        and k not in ("shipping_description", "shipping_address_id")
    }
    shipping: Row = {}
    address = render_address(state, order.get("_shipping_address_id"))
    if address is not None:
        shipping["address"] = address
    shipping["method"] = order.get("_method")
    shipping["total"] = dict(sorted(total.items()))
    ext: Row = {
        "shipping_assignments": [{"shipping": shipping, "items": copy_value(items)}],
        "payment_additional_info": [
            {"key": k, "value": v}
            for k, v in PAYMENT_INFO.get(str(payment and payment["method"]), [])
        ],
        "applied_taxes": copy_value(order.get("_applied_taxes") or []),
        "item_applied_taxes": copy_value(order.get("_item_taxes") or []),
    }
    if ext["applied_taxes"]:
        ext["converting_from_quote"] = True
    out["extension_attributes"] = ext
    return out
