"""Invoices: ``POST /V1/order/{id}/invoice`` and the invoice reads.

Offline invoices are ``state: 2`` (paid) whatever ``capture`` says; the first invoice carries the
order's shipping; item amounts are prorated on what is left (the last invoice takes the rest);
the configurable's child row rides along with ``price: 0``. Errors as recorded (604, 622, 660,
664, 669): ``Invoice Document Validation Error(s):`` then one line per failed check.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento import sales_orders as so
from magodoo.testing._magento.routing import Call, Router
from magodoo.testing._magento.sales_docs import (
    append_from_body,
    comment_from_entity,
    comments_of,
    comments_result,
    get_doc,
    requested_qtys,
    validation_error,
)
from magodoo.testing._magento.sales_money import cents, dec, num, prorate
from magodoo.testing._magento.search import search
from magodoo.testing._magento.state import Row, State

INVOICES = "invoices"
ITEMS = "invoice_items"
COMMENTS = "invoice_comments"
RESOURCE = "Magento_Sales::sales_invoice"
NO_PRODUCTS = "The invoice can't be created without products. Add products and try again."


def _qtys(state: State, order: Row, body: Any) -> tuple[dict[int, Decimal], list[str]]:
    asked = requested_qtys(body)
    out: dict[int, Decimal] = {}
    problems: list[str] = []
    for item in so.top_items(state, order):
        left = so.qty_to_invoice(item)
        if asked is None:
            qty = left
        elif item["item_id"] in asked:
            qty = dec(asked[item["item_id"]])
            if qty > left:
                problems.append(
                    "The quantity to invoice must not be greater than the uninvoiced quantity "
                    f'for product SKU "{item["sku"]}".'
                )
        else:
            continue
        if qty > 0:
            out[item["item_id"]] = qty
    return out, problems


def _check(state: State, order: Row, qtys: dict[int, Decimal], problems: list[str]) -> None:
    messages = list(problems)
    if not qtys:
        messages.append(NO_PRODUCTS)
    if order["state"] in ("payment_review", "holded", "canceled", "complete", "closed"):
        messages.append(
            f"An invoice cannot be created when an order has a status of {order['state']}"
        )
    elif not so.can_invoice(state, order):
        messages.append("The order does not allow an invoice to be created.")
    if messages:
        raise validation_error("Invoice", messages)


def _money(row: Row, key: str, value: Decimal) -> None:
    row[key] = num(value)


def create_invoice(state: State, order: Row, body: Any) -> Row:
    """Invoice ``order`` (all that is left, or ``items[]``) and move the order along."""
    qtys, problems = _qtys(state, order, body)
    _check(state, order, qtys, problems)
    invoices = state.table(INVOICES)
    inv_id = invoices.next_id()
    now = state.timestamp()
    item_table = state.table(ITEMS)
    lines: list[Row] = []
    subtotal = tax = discount = incl = Decimal(0)
    total_qty = Decimal(0)
    for item in so.top_items(state, order):
        qty = qtys.get(item["item_id"])
        if qty is None:
            continue
        left = so.qty_to_invoice(item)
        row_total = cents(dec(item["price"]) * qty)
        row_tax = prorate(dec(item["tax_amount"]), dec(item["tax_invoiced"]), qty, left)
        row_disc = prorate(dec(item["discount_amount"]), dec(item["discount_invoiced"]), qty, left)
        row_incl = cents(dec(item["row_total_incl_tax"]) * qty / dec(item["qty_ordered"]))
        line: Row = {}
        if row_disc:
            line["base_discount_amount"] = num(row_disc)
        line.update(
            {
                "base_discount_tax_compensation_amount": 0,
                "base_price": item["price"],
                "base_price_incl_tax": item.get("price_incl_tax", item["price"]),
                "base_row_total": num(row_total),
                "base_row_total_incl_tax": num(row_incl),
                "base_tax_amount": num(row_tax),
            }
        )
        if row_disc:
            line["discount_amount"] = num(row_disc)
        line.update(
            {
                "entity_id": item_table.next_id(),
                "discount_tax_compensation_amount": 0,
                "name": item["name"],
                "parent_id": inv_id,
                "price": item["price"],
                "price_incl_tax": item.get("price_incl_tax", item["price"]),
                "product_id": item["product_id"],
                "row_total": num(row_total),
                "row_total_incl_tax": num(row_incl),
                "sku": item["sku"],
                "tax_amount": num(row_tax),
                "order_item_id": item["item_id"],
                "qty": num(qty),
            }
        )
        item_table.rows[line["entity_id"]] = line
        lines.append(line)
        subtotal += row_total
        tax += row_tax
        discount += row_disc
        incl += row_incl
        total_qty += qty
        so.add(item, "qty_invoiced", qty)
        for key, value in (
            ("row_invoiced", row_total),
            ("tax_invoiced", row_tax),
            ("discount_invoiced", row_disc),
        ):
            so.add(item, key, value)
            so.add(item, "base_" + key, value)
        item["discount_tax_compensation_invoiced"] = 0
        item["base_discount_tax_compensation_invoiced"] = 0
        item["updated_at"] = now
        for child in so.children_of(state, item):
            so.add(child, "qty_invoiced", qty)
            child["discount_tax_compensation_invoiced"] = 0
            child["base_discount_tax_compensation_invoiced"] = 0
            child["updated_at"] = now
            cline: Row = {
                "base_price": 0,
                "entity_id": item_table.next_id(),
                "name": child["name"],
                "parent_id": inv_id,
                "price": 0,
                "product_id": child["product_id"],
                "sku": child["sku"],
                "order_item_id": child["item_id"],
                "qty": num(qty),
            }
            item_table.rows[cline["entity_id"]] = cline
            lines.append(cline)
            total_qty += qty
    for item in so.top_items(state, order):
        item["weee_tax_applied"] = "[]"
    with_shipping = not any(i["order_id"] == order["entity_id"] for i in invoices)
    ship = ship_tax = ship_incl = ship_disc = Decimal(0)
    if with_shipping:
        ship = dec(order["shipping_amount"])
        ship_tax = dec(order["shipping_tax_amount"])
        ship_incl = dec(order["shipping_incl_tax"])
        ship_disc = dec(order.get("shipping_discount_amount"))
    discount += ship_disc
    tax += ship_tax
    grand = subtotal - discount + ship + tax
    inv: Row = {
        "base_currency_code": "USD",
        "base_discount_amount": num(-discount),
        "base_grand_total": num(grand),
        "base_discount_tax_compensation_amount": 0,
    }
    if with_shipping:
        inv.update(
            {
                "base_shipping_amount": num(ship),
                "base_shipping_discount_tax_compensation_amnt": 0,
                "base_shipping_incl_tax": num(ship_incl),
                "base_shipping_tax_amount": num(ship_tax),
            }
        )
    inv.update(
        {
            "base_subtotal": num(subtotal),
            "base_subtotal_incl_tax": num(incl),
            "base_tax_amount": num(tax),
            "base_to_global_rate": 1,
            "base_to_order_rate": 1,
            "billing_address_id": order.get("billing_address_id"),
            "can_void_flag": 0,
            "created_at": now,
            "discount_amount": num(-discount),
            "discount_description": order.get("discount_description"),
            "entity_id": inv_id,
            "global_currency_code": "USD",
            "grand_total": num(grand),
            "discount_tax_compensation_amount": 0,
            "increment_id": f"{inv_id:09d}",
            "order_currency_code": "USD",
            "order_id": order["entity_id"],
            "shipping_address_id": order.get("_shipping_address_id"),
        }
    )
    if with_shipping:
        inv.update(
            {
                "shipping_amount": num(ship),
                "shipping_discount_tax_compensation_amount": 0,
                "shipping_incl_tax": num(ship_incl),
                "shipping_tax_amount": num(ship_tax),
            }
        )
    inv.update(
        {
            "state": 2,
            "store_currency_code": "USD",
            "store_id": 1,
            "store_to_base_rate": 0,
            "store_to_order_rate": 0,
            "subtotal": num(subtotal),
            "subtotal_incl_tax": num(incl),
            "tax_amount": num(tax),
            "total_qty": num(total_qty),
            "updated_at": now,
        }
    )
    invoices.rows[inv_id] = inv
    _register(state, order, subtotal, tax, discount, ship, grand)
    append_from_body(state, COMMENTS, inv_id, body)
    so.check_state(state, order, in_process=True)
    so.touch(state, order)
    return inv


def _register(
    state: State,
    order: Row,
    subtotal: Decimal,
    tax: Decimal,
    discount: Decimal,
    ship: Decimal,
    grand: Decimal,
) -> None:
    for key, value in (
        ("discount_invoiced", -discount),
        ("shipping_invoiced", ship),
        ("subtotal_invoiced", subtotal),
        ("tax_invoiced", tax),
        ("total_invoiced", grand),
        ("total_paid", grand),
    ):
        so.add(order, key, value)
        so.add(order, "base_" + key, value)
    order["discount_tax_compensation_invoiced"] = 0
    order["base_discount_tax_compensation_invoiced"] = 0
    order["base_total_invoiced_cost"] = 0
    due = dec(order["grand_total"]) - dec(order["total_paid"])
    order["total_due"] = num(max(due, Decimal(0)))
    order["base_total_due"] = order["total_due"]
    payment = state.table(so.PAYMENTS).get(order["entity_id"])
    if payment is not None:
        for key, value in (("amount_paid", grand), ("shipping_captured", ship)):
            so.add(payment, key, value)
            so.add(payment, "base_" + key, value)


def render(state: State, inv: Row) -> Row:
    out = so.clean(inv)
    out["items"] = [
        copy.deepcopy(i) for i in state.table(ITEMS).where("parent_id", inv["entity_id"])
    ]
    out["comments"] = comments_of(state, COMMENTS, inv["entity_id"])
    return out


def register(r: Router) -> None:
    @r.post("/V1/order/{orderId}/invoice", resource=RESOURCE)
    def invoice_order(call: Call) -> Any:
        order = so.get_order(call.state, call.path_int("orderId"))
        return str(create_invoice(call.state, order, call.body)["entity_id"])

    @r.get("/V1/invoices", resource=RESOURCE, criteria=True)
    def list_invoices(call: Call) -> Any:
        return search(
            call.state.table(INVOICES).values(),
            call.criteria,
            past_end="empty",
            render=lambda row: render(call.state, row),
        )

    @r.get("/V1/invoices/{id}", resource=RESOURCE)
    def get_invoice(call: Call) -> Any:
        return render(call.state, get_doc(call.state, INVOICES, call.path_int("id")))

    @r.get("/V1/invoices/{id}/comments", resource=RESOURCE)
    def invoice_comments(call: Call) -> Any:
        inv = get_doc(call.state, INVOICES, call.path_int("id"))
        return comments_result(call.state, COMMENTS, inv["entity_id"])

    @r.post("/V1/invoices/comments", resource=RESOURCE)
    def add_invoice_comment(call: Call) -> Any:
        entity = call.arg("entity") or {}
        inv = get_doc(call.state, INVOICES, int(entity.get("parent_id") or 0))
        return comment_from_entity(call.state, COMMENTS, inv["entity_id"], entity)

    @r.post("/V1/invoices/{id}/capture", resource=RESOURCE)
    def capture(call: Call) -> Any:
        inv = get_doc(call.state, INVOICES, call.path_int("id"))
        if inv["state"] == 2:
            raise errors.bad_request("The capture action is not available.")
        inv["state"] = 2
        return str(inv["entity_id"])

    @r.post("/V1/invoices/{id}/void", resource=RESOURCE)
    def void(call: Call) -> Any:
        get_doc(call.state, INVOICES, call.path_int("id"))
        raise errors.bad_request("The void action is not available.")

    @r.post("/V1/invoices/{id}/emails", resource=RESOURCE)
    def email(call: Call) -> Any:
        get_doc(call.state, INVOICES, call.path_int("id"))
        return True
