"""Orders: placing one from a cart, Magento's state machine, and the order as the API shows it.

Rows hold Magento's columns with ``None`` for NULL; the API leaves NULL columns out (so
``total_paid`` appears with the first invoice, ``status`` disappears when a comment nulled it).
Order items are rendered through Magento's ``ChangeOutputArray``: ``row_total`` and its base and
``_incl_tax`` companions have the discount taken off (clamped at 0); child rows of a
configurable get ``row_total_incl_tax: 0`` and a nested copy of their parent.
"""

from __future__ import annotations

import copy
import hashlib
from decimal import Decimal
from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento.sales_money import dec, num
from magodoo.testing._magento.sales_totals import CARRIERS, Totals, applied_taxes
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
    return [it for it in state.table(ITEMS) if it["order_id"] == order["entity_id"]]


def top_items(state: State, order: Row) -> list[Row]:
    return [it for it in order_items(state, order) if it.get("parent_item_id") is None]


def children_of(state: State, item: Row) -> list[Row]:
    return [it for it in state.table(ITEMS) if it.get("parent_item_id") == item["item_id"]]


def touch(state: State, order: Row) -> None:
    order["updated_at"] = state.timestamp()


def add(row: Row, key: str, amount: Any) -> None:
    """Accumulate into a column that may still be NULL."""
    row[key] = num(dec(row.get(key)) + dec(amount))


# ---- placing ----------------------------------------------------------------------------


def _order_address(quote_address: Row, kind: str, order_id: int, entity_id: int) -> Row:
    row: Row = {"address_type": kind}
    for key in ("city", "company", "country_id", "customer_address_id", "email"):
        if quote_address.get(key) not in (None, ""):
            row[key] = quote_address[key]
    row["entity_id"] = entity_id
    for key in ("firstname", "lastname"):
        row[key] = quote_address.get(key)
    row["parent_id"] = order_id
    for key in ("postcode", "region", "region_code", "region_id", "street", "telephone", "vat_id"):
        if quote_address.get(key) not in (None, ""):
            row[key] = copy.deepcopy(quote_address[key])
    return row


def _money_fields(row: Row, name: str, value: Decimal) -> None:
    row[name] = num(value)
    row["base_" + name] = num(value)


def _item_row(order_id: int, now: str, line: Any, quote_item: Row, rules: str | None) -> Row:
    qty = dec(quote_item["qty"])
    row: Row = {"amount_refunded": 0}
    if rules:
        row["applied_rule_ids"] = rules
    row.update(
        {
            "base_amount_refunded": 0,
            "base_discount_amount": num(line.discount),
            "base_discount_invoiced": 0,
            "base_discount_tax_compensation_amount": 0,
            "base_original_price": num(quote_item["original_price"]),
            "base_price": num(quote_item["price"]),
            "base_price_incl_tax": num(line.price_incl_tax),
            "base_row_invoiced": 0,
            "base_row_total": num(line.row_total),
            "base_row_total_incl_tax": num(line.row_total_incl_tax),
            "base_tax_amount": num(line.tax),
            "base_tax_invoiced": 0,
            "created_at": now,
            "discount_amount": num(line.discount),
            "discount_invoiced": 0,
            "discount_percent": num(line.discount_percent),
            "free_shipping": 0,
            "discount_tax_compensation_amount": 0,
            "is_qty_decimal": 0,
            "is_virtual": 0,
            "item_id": quote_item["item_id"],
            "name": quote_item["name"],
            "no_discount": 0,
            "order_id": order_id,
            "original_price": num(quote_item["original_price"]),
            "price": num(quote_item["price"]),
            "price_incl_tax": num(line.price_incl_tax),
            "product_id": quote_item["product_id"],
            "product_type": quote_item["product_type"],
            "qty_canceled": 0,
            "qty_invoiced": 0,
            "qty_ordered": num(qty),
            "qty_refunded": 0,
            "qty_shipped": 0,
            "quote_item_id": quote_item["item_id"],
            "row_invoiced": 0,
            "row_total": num(line.row_total),
            "row_total_incl_tax": num(line.row_total_incl_tax),
            "row_weight": num(dec(quote_item.get("weight")) * qty),
            "sku": quote_item["sku"],
            "store_id": 1,
            "tax_amount": num(line.tax),
            "tax_invoiced": 0,
            "tax_percent": num(line.tax_percent),
            "updated_at": now,
            "weight": num(quote_item.get("weight")),
        }
    )
    if quote_item.get("product_option"):
        row["product_option"] = copy.deepcopy(quote_item["product_option"])
    return row


def _child_row(order_id: int, now: str, parent: Row, quote_item: Row) -> Row:
    child = quote_item["child"]
    return {
        "amount_refunded": 0,
        "base_amount_refunded": 0,
        "base_discount_amount": 0,
        "base_discount_invoiced": 0,
        "base_price": 0,
        "base_row_invoiced": 0,
        "base_row_total": 0,
        "base_tax_amount": 0,
        "base_tax_invoiced": 0,
        "created_at": now,
        "discount_amount": 0,
        "discount_invoiced": 0,
        "discount_percent": 0,
        "free_shipping": 0,
        "is_qty_decimal": 0,
        "is_virtual": 0,
        "item_id": child["item_id"],
        "name": child["name"],
        "no_discount": 0,
        "order_id": order_id,
        "original_price": 0,
        "parent_item_id": parent["item_id"],
        "price": 0,
        "product_id": child["product_id"],
        "product_type": "simple",
        "qty_canceled": 0,
        "qty_invoiced": 0,
        "qty_ordered": parent["qty_ordered"],
        "qty_refunded": 0,
        "qty_shipped": 0,
        "quote_item_id": child["item_id"],
        "row_invoiced": 0,
        "row_total": 0,
        "row_weight": 0,
        "sku": parent["sku"],
        "store_id": 1,
        "tax_amount": 0,
        "tax_invoiced": 0,
        "tax_percent": 0,
        "updated_at": now,
        "weight": num(child.get("weight")),
    }


def _customer_fields(customer: Row | None, billing: Row) -> Row:
    """Who placed the order: a customer, or a guest named after the billing address."""
    if customer is None:
        return {
            "customer_firstname": billing.get("firstname"),
            "customer_group_id": 0,
            "customer_is_guest": 1,
            "customer_lastname": billing.get("lastname"),
        }
    dob = customer.get("dob")
    return {
        "customer_dob": f"{dob} 00:00:00" if dob else None,
        "customer_firstname": customer["firstname"],
        "customer_gender": customer.get("gender"),
        "customer_group_id": int(customer.get("group_id") or 1),
        "customer_id": customer["id"],
        "customer_is_guest": 0,
        "customer_lastname": customer["lastname"],
    }


def place(state: State, quote: Row, items: list[Row], totals: Totals, payment: Row) -> Row:
    """Turn a collected cart into an order in state ``new`` / status ``pending``."""
    orders = state.table(ORDERS)
    order_id = orders.next_id()
    now = state.timestamp()
    addresses = state.table(ADDRESSES)
    ship_id = addresses.next_id()
    addresses.rows[ship_id] = _order_address(
        quote["shipping_address"], "shipping", order_id, ship_id
    )
    bill_id = addresses.next_id()
    addresses.rows[bill_id] = _order_address(quote["billing_address"], "billing", order_id, bill_id)
    rules = ",".join(str(r) for r in totals.rule_ids) or None
    order: Row = {}
    if rules:
        order["applied_rule_ids"] = rules
    order.update({"base_currency_code": "USD", "billing_address_id": bill_id})
    if totals.description is not None or quote.get("coupon_code"):
        order["coupon_code"] = quote.get("coupon_code")
        order["discount_description"] = totals.description or quote.get("coupon_code")
    billing = quote["billing_address"]
    order.update(_customer_fields(quote.get("customer"), billing))
    order["customer_email"] = quote.get("email") or billing.get("email")
    order.update(
        {
            "created_at": now,
            "customer_note_notify": 1,
            "email_sent": 1,
            "entity_id": order_id,
            "global_currency_code": "USD",
            "discount_tax_compensation_amount": 0,
            "base_discount_tax_compensation_amount": 0,
            "increment_id": f"{order_id:09d}",
            "is_virtual": 0,
            "order_currency_code": "USD",
            "protect_code": hashlib.md5(f"{order_id}-{now}".encode()).hexdigest(),
            "quote_id": quote["id"],
            "remote_ip": "127.0.0.1",
            "_shipping_address_id": ship_id,
            "shipping_description": " - ".join(CARRIERS[quote["shipping_method"]]),
            "shipping_discount_tax_compensation_amount": 0,
            "base_shipping_discount_tax_compensation_amnt": 0,
            "state": "new",
            "status": "pending",
            "store_currency_code": "USD",
            "store_id": 1,
            "store_name": STORE_NAME,
            "store_to_base_rate": 0,
            "store_to_order_rate": 0,
            "base_to_global_rate": 1,
            "base_to_order_rate": 1,
            "total_item_count": len(items),
            "total_qty_ordered": num(totals.qty),
            "updated_at": now,
            "weight": num(totals.weight),
        }
    )
    _money_fields(order, "discount_amount", -totals.discount)
    _money_fields(order, "grand_total", totals.grand_total)
    _money_fields(order, "shipping_amount", totals.shipping)
    _money_fields(order, "shipping_discount_amount", totals.shipping_discount)
    _money_fields(order, "shipping_incl_tax", totals.shipping_incl_tax)
    _money_fields(order, "shipping_tax_amount", totals.shipping_tax)
    _money_fields(order, "subtotal", totals.subtotal)
    _money_fields(order, "subtotal_incl_tax", totals.subtotal_incl_tax)
    _money_fields(order, "tax_amount", totals.tax)
    _money_fields(order, "total_due", totals.grand_total)
    order["_method"] = quote["shipping_method"]
    order["_applied_taxes"] = applied_taxes(totals)
    order["_item_taxes"] = _item_taxes(totals)
    orders.rows[order_id] = order
    item_table = state.table(ITEMS)
    for line in totals.lines:
        qi = line.item
        row = _item_row(order_id, now, line, qi, ",".join(str(r) for r in line.rule_ids) or None)
        item_table.rows[row["item_id"]] = row
        if qi.get("child"):
            child = _child_row(order_id, now, row, qi)
            item_table.rows[child["item_id"]] = child
    method = payment["method"]
    pay: Row = {
        "account_status": None,
        "additional_information": [v for _k, v in PAYMENT_INFO.get(method, [])],
        "amount_ordered": num(totals.grand_total),
        "base_amount_ordered": num(totals.grand_total),
        "base_shipping_amount": num(totals.shipping),
        "cc_last4": None,
        "entity_id": order_id,
        "method": method,
        "parent_id": order_id,
        "shipping_amount": num(totals.shipping),
    }
    if payment.get("po_number"):
        pay["po_number"] = payment["po_number"]
    state.table(PAYMENTS).rows[order_id] = pay
    return order


def _item_taxes(totals: Totals) -> list[dict[str, Any]]:
    rate = totals.rate
    if rate is None or not totals.tax:
        return []
    from magodoo.testing._magento.sales_tax import rate_title

    def entry(amount: Decimal) -> dict[str, Any]:
        return {
            "code": rate["code"],
            "title": rate_title(rate),
            "percent": num(rate["rate"]),
            "amount": num(amount),
            "base_amount": num(amount),
        }

    out: list[dict[str, Any]] = [
        {"type": "shipping", "applied_taxes": [entry(totals.shipping_tax)]}
    ]
    for line in totals.lines:
        out.append(
            {"type": "product", "item_id": line.item["item_id"], "applied_taxes": [entry(line.tax)]}
        )
    return out


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
    rows = [h for h in state.table(HISTORY) if h["parent_id"] == order["entity_id"]]
    return sorted(rows, key=lambda h: h["entity_id"])


# ---- rendering --------------------------------------------------------------------------


def clean(row: Row) -> Row:
    """A row without its NULL columns and private keys (what Magento's JSON shows)."""
    return {k: copy.deepcopy(v) for k, v in row.items() if v is not None and not k.startswith("_")}


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
        "shipping_assignments": [{"shipping": shipping, "items": copy.deepcopy(items)}],
        "payment_additional_info": [
            {"key": k, "value": v}
            for k, v in PAYMENT_INFO.get(str(payment and payment["method"]), [])
        ],
        "applied_taxes": copy.deepcopy(order.get("_applied_taxes") or []),
        "item_applied_taxes": copy.deepcopy(order.get("_item_taxes") or []),
    }
    if ext["applied_taxes"]:
        ext["converting_from_quote"] = True
    out["extension_attributes"] = ext
    return out
