"""Credit memos: offline refunds on the order and refunds through an invoice.

As recorded: ``/order/{id}/refund`` makes a credit memo without ``invoice_id``;
``/invoice/{id}/refund`` is refused for every offline method (only ``free`` passes); leaving
``arguments`` out refunds all remaining shipping; leaving ``items`` out (or empty) refunds all
that is left; the shipping tax is prorated; ``adjustment`` is positive minus negative; the order
gets a ``We refunded $X offline.`` history entry with ``entity_name: creditmemo``.
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
from magodoo.testing._magento.sales_invoices import INVOICES
from magodoo.testing._magento.sales_invoices import ITEMS as INVOICE_ITEMS
from magodoo.testing._magento.sales_money import cents, dec, num, php_number, price_text, prorate
from magodoo.testing._magento.search import search
from magodoo.testing._magento.state import Row, State

CREDITMEMOS = "creditmemos"
ITEMS = "creditmemo_items"
COMMENTS = "creditmemo_comments"
RESOURCE = "Magento_Sales::creditmemo"
BAD_ITEMS = "The creditmemo contains incorrect product items."
BAD_QTY = 'We found an invalid quantity to refund item "%1".'


def _invoice_left(state: State, invoice: Row) -> dict[int, Decimal]:
    """Per order item: qty of ``invoice`` not yet refunded through it."""
    left: dict[int, Decimal] = {}
    for line in state.table(INVOICE_ITEMS):
        if line["parent_id"] == invoice["entity_id"] and "base_row_total" in line:
            left[line["order_item_id"]] = dec(line["qty"])
    for memo in state.table(CREDITMEMOS):
        if memo.get("invoice_id") == invoice["entity_id"]:
            for line in state.table(ITEMS):
                if line["parent_id"] == memo["entity_id"] and line["order_item_id"] in left:
                    left[line["order_item_id"]] -= dec(line["qty"])
    return left


def _qtys(
    state: State, order: Row, body: Any, limit: dict[int, Decimal] | None
) -> dict[int, Decimal]:
    asked = requested_qtys(body)
    tops = {it["item_id"]: it for it in so.top_items(state, order)}
    if asked is not None:
        for item_id in asked:
            if item_id not in tops:
                raise validation_error("Creditmemo", [BAD_ITEMS])
    out: dict[int, Decimal] = {}
    for item_id, item in tops.items():
        left = so.qty_to_refund(item)
        if limit is not None:
            left = min(left, limit.get(item_id, Decimal(0)))
        if asked is None:
            qty = left
        elif item_id in asked:
            qty = dec(asked[item_id])
            if qty > left or qty < 0:
                raise errors.bad_request(BAD_QTY, [item["name"]])
        else:
            continue
        if qty > 0:
            out[item_id] = qty
    return out


def create_creditmemo(
    state: State, order: Row, body: Any, *, invoice: Row | None = None, online: bool = False
) -> Row:
    """Refund ``order`` (offline, or through ``invoice``) and update the order and payment."""
    body = body if isinstance(body, dict) else {}
    if order["state"] in ("closed", "canceled", "holded", "payment_review"):
        raise validation_error(
            "Creditmemo",
            [f"A creditmemo can not be created when an order has a status of {order['state']}"],
        )
    limit: dict[int, Decimal] | None = None
    if invoice is not None:
        messages: list[str] = []
        payment = state.table(so.PAYMENTS).get(order["entity_id"]) or {}
        if payment.get("method") != "free":
            messages.append("We can't create creditmemo for the invoice.")
        limit = _invoice_left(state, invoice)
        asked = requested_qtys(body) or {}
        if any(dec(q) > limit.get(i, Decimal(0)) for i, q in asked.items()):
            messages.append(
                "The quantity to refund must not be greater than the unrefunded quantity."
            )
        if messages:
            raise validation_error("Creditmemo", messages)
    qtys = _qtys(state, order, body, limit)
    args = body.get("arguments") if isinstance(body.get("arguments"), dict) else None
    ship_left = dec(order.get("shipping_invoiced")) - dec(order.get("shipping_refunded"))
    ship = ship_left
    if args is not None and args.get("shipping_amount") is not None:
        ship = dec(args["shipping_amount"])
        if ship > ship_left:
            raise errors.bad_request(
                "Maximum shipping amount allowed to refund is: %1", [price_text(ship_left)]
            )
    adj_pos = dec(args.get("adjustment_positive")) if args else Decimal(0)
    adj_neg = dec(args.get("adjustment_negative")) if args else Decimal(0)
    order_ship = dec(order["shipping_amount"])
    ship_tax = Decimal(0)
    ship_disc = Decimal(0)
    if order_ship and ship:
        tax_left = dec(order["shipping_tax_amount"]) - dec(order.get("shipping_tax_refunded"))
        ship_tax = min(cents(dec(order["shipping_tax_amount"]) * ship / order_ship), tax_left)
        ship_disc = cents(dec(order.get("shipping_discount_amount")) * ship / order_ship)
    plan: list[tuple[Row, Decimal, Decimal, Decimal, Decimal, Decimal]] = []
    subtotal = tax = discount = incl = Decimal(0)
    for item in so.top_items(state, order):
        qty = qtys.get(item["item_id"])
        if qty is None:
            continue
        left = so.qty_to_refund(item)
        row_total = cents(dec(item["price"]) * qty)
        row_tax = prorate(dec(item["tax_invoiced"]), dec(item.get("tax_refunded")), qty, left)
        row_disc = prorate(
            dec(item["discount_invoiced"]), dec(item.get("discount_refunded")), qty, left
        )
        row_incl = cents(dec(item["row_total_incl_tax"]) * qty / dec(item["qty_ordered"]))
        plan.append((item, qty, row_total, row_tax, row_disc, row_incl))
        subtotal += row_total
        tax += row_tax
        discount += row_disc
        incl += row_incl
    discount += ship_disc
    tax += ship_tax
    adjustment = adj_pos - adj_neg
    grand = subtotal - discount + ship + tax + adjustment
    available = dec(order.get("total_paid")) - dec(order.get("total_refunded"))
    if grand - available > Decimal("0.0001"):
        raise validation_error(
            "Creditmemo", [f"The most money available to refund is {php_number(available)}."]
        )
    if not plan and not ship and not adjustment and grand <= 0:
        raise validation_error("Creditmemo", ["The credit memo's total must be positive."])
    memos = state.table(CREDITMEMOS)
    memo_id = memos.next_id()
    now = state.timestamp()
    item_table = state.table(ITEMS)
    for item, qty, row_total, row_tax, row_disc, row_incl in plan:
        line: Row = {"base_cost": None}
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
                "base_weee_tax_row_disposition": 0,
            }
        )
        if row_disc:
            line["discount_amount"] = num(row_disc)
        line.update(
            {
                "entity_id": item_table.next_id(),
                "discount_tax_compensation_amount": 0,
                "name": item["name"],
                "order_item_id": item["item_id"],
                "parent_id": memo_id,
                "price": item["price"],
                "price_incl_tax": item.get("price_incl_tax", item["price"]),
                "product_id": item["product_id"],
                "qty": num(qty),
                "row_total": num(row_total),
                "row_total_incl_tax": num(row_incl),
                "sku": item["sku"],
                "tax_amount": num(row_tax),
                "weee_tax_applied": "[]",
                "weee_tax_applied_row_amount": 0,
                "weee_tax_row_disposition": 0,
            }
        )
        item_table.rows[line["entity_id"]] = line
        so.add(item, "qty_refunded", qty)
        for key, value in (
            ("amount_refunded", row_total),
            ("tax_refunded", row_tax),
            ("discount_refunded", row_disc),
        ):
            so.add(item, key, value)
            so.add(item, "base_" + key, value)
        item["discount_tax_compensation_refunded"] = 0
        item["base_discount_tax_compensation_refunded"] = 0
        item["updated_at"] = now
        for child in so.children_of(state, item):
            so.add(child, "qty_refunded", qty)
            for key in ("tax_refunded", "discount_refunded", "discount_tax_compensation_refunded"):
                child[key] = child.get(key) or 0
                child["base_" + key] = child.get("base_" + key) or 0
            child["updated_at"] = now
            cline: Row = {
                "base_cost": None,
                "base_price": 0,
                "entity_id": item_table.next_id(),
                "name": child["name"],
                "order_item_id": child["item_id"],
                "parent_id": memo_id,
                "price": 0,
                "product_id": child["product_id"],
                "qty": num(qty),
                "sku": child["sku"],
            }
            item_table.rows[cline["entity_id"]] = cline
    memo: Row = {"adjustment": num(adjustment)}
    if args is not None:
        memo["adjustment_negative"] = num(adj_neg)
        memo["adjustment_positive"] = num(adj_pos)
    memo["base_adjustment"] = num(adjustment)
    if args is not None:
        memo["base_adjustment_negative"] = num(adj_neg)
        memo["base_adjustment_positive"] = num(adj_pos)
    memo.update(
        {
            "base_currency_code": "USD",
            "base_discount_amount": num(-discount),
            "base_grand_total": num(grand),
            "base_discount_tax_compensation_amount": 0,
            "base_shipping_amount": num(ship),
            "base_shipping_incl_tax": num(ship + ship_tax),
            "base_shipping_tax_amount": num(ship_tax),
            "base_subtotal": num(subtotal),
            "base_subtotal_incl_tax": num(incl),
            "base_tax_amount": num(tax),
            "base_to_global_rate": 1,
            "base_to_order_rate": 1,
            "billing_address_id": order.get("billing_address_id"),
            "created_at": now,
            "discount_amount": num(-discount),
            "discount_description": order.get("discount_description"),
            "entity_id": memo_id,
            "global_currency_code": "USD",
            "grand_total": num(grand),
            "discount_tax_compensation_amount": 0,
            "increment_id": f"{memo_id:09d}",
            "invoice_id": None if invoice is None else invoice["entity_id"],
            "order_currency_code": "USD",
            "order_id": order["entity_id"],
            "shipping_address_id": order.get("_shipping_address_id"),
            "shipping_amount": num(ship),
            "shipping_incl_tax": num(ship + ship_tax),
            "shipping_tax_amount": num(ship_tax),
            "state": 2,
            "store_currency_code": "USD",
            "store_id": 1,
            "store_to_base_rate": 0,
            "store_to_order_rate": 0,
            "subtotal": num(subtotal),
            "subtotal_incl_tax": num(incl),
            "tax_amount": num(tax),
            "updated_at": now,
        }
    )
    memos.rows[memo_id] = memo
    _register(state, order, memo, adj_pos, adj_neg, online)
    if invoice is not None:
        invoice["is_used_for_refund"] = 1
        so.add(invoice, "base_total_refunded", grand)
    append_from_body(state, COMMENTS, memo_id, body, style="creditmemo")
    _return_to_stock(state, order, body, qtys)
    order["customer_note_notify"] = 1 if body.get("notify") else 0
    # The history entry takes the status the state resolver gives before the order is saved;
    # for a zero-total order the resolver keeps it open and only the save closes it (816).
    zero_total = not dec(order.get("grand_total"))
    if not zero_total:
        so.check_state(state, order)
    so.add_history(
        state,
        order,
        f"We refunded {price_text(grand)} offline.",
        status=order.get("status"),
        entity_name="creditmemo",
        notified=1 if body.get("notify") else 0,
    )
    so.check_state(state, order)
    so.touch(state, order)
    return memo


def _register(
    state: State,
    order: Row,
    memo: Row,
    adj_pos: Decimal,
    adj_neg: Decimal,
    online: bool,
) -> None:
    grand = dec(memo["grand_total"])
    pairs = (
        ("adjustment_negative", adj_neg),
        ("adjustment_positive", adj_pos),
        ("discount_refunded", dec(memo["discount_amount"])),
        ("discount_tax_compensation_refunded", Decimal(0)),
        ("shipping_refunded", dec(memo["shipping_amount"])),
        ("shipping_tax_refunded", dec(memo["shipping_tax_amount"])),
        ("subtotal_refunded", dec(memo["subtotal"])),
        ("tax_refunded", dec(memo["tax_amount"])),
        ("total_online_refunded" if online else "total_offline_refunded", grand),
        ("total_refunded", grand),
    )
    for key, value in pairs:
        so.add(order, key, value)
        so.add(order, "base_" + key, value)
    payment = state.table(so.PAYMENTS).get(order["entity_id"])
    if payment is not None:
        for key, value in (
            ("amount_refunded", grand),
            ("shipping_refunded", dec(memo["shipping_amount"])),
        ):
            so.add(payment, key, value)
            so.add(payment, "base_" + key, value)


def _return_to_stock(
    state: State, order: Row, body: dict[str, Any], qtys: dict[int, Decimal]
) -> None:
    """``arguments.extension_attributes.return_to_stock_items``: put the refunded qty back."""
    args = body.get("arguments") if isinstance(body.get("arguments"), dict) else {}
    ext = (args or {}).get("extension_attributes") or {}
    from magodoo.testing._magento.sales_stock import adjust, item_sku

    items = {it["item_id"]: it for it in so.order_items(state, order)}
    for item_id in ext.get("return_to_stock_items") or []:
        item = items.get(int(item_id))
        if item is None or int(item_id) not in qtys:
            continue
        sku = item_sku(state, item, so.children_of(state, item))
        adjust(state, sku, qtys[int(item_id)])


def render(state: State, memo: Row) -> Row:
    out = so.clean(memo)
    mid = memo["entity_id"]
    out["items"] = [copy.deepcopy(i) for i in state.table(ITEMS).where("parent_id", mid)]
    out["comments"] = comments_of(state, COMMENTS, mid)
    return out


def register(r: Router) -> None:
    @r.post("/V1/order/{orderId}/refund", resource=RESOURCE)
    def refund_order(call: Call) -> Any:
        order = so.get_order(call.state, call.path_int("orderId"))
        return str(create_creditmemo(call.state, order, call.body)["entity_id"])

    @r.post("/V1/invoice/{invoiceId}/refund", resource=RESOURCE)
    def refund_invoice(call: Call) -> Any:
        invoice = get_doc(call.state, INVOICES, call.path_int("invoiceId"))
        order = so.get_order(call.state, invoice["order_id"])
        online = bool(call.arg("isOnline"))
        memo = create_creditmemo(call.state, order, call.body, invoice=invoice, online=online)
        return str(memo["entity_id"])

    @r.get("/V1/creditmemos", resource=RESOURCE, criteria=True)
    def list_memos(call: Call) -> Any:
        return search(
            call.state.table(CREDITMEMOS).values(),
            call.criteria,
            past_end="empty",
            render=lambda row: render(call.state, row),
        )

    @r.get("/V1/creditmemo/{id}", resource=RESOURCE)
    def get_memo(call: Call) -> Any:
        return render(call.state, get_doc(call.state, CREDITMEMOS, call.path_int("id")))

    @r.get("/V1/creditmemo/{id}/comments", resource=RESOURCE)
    def memo_comments(call: Call) -> Any:
        memo = get_doc(call.state, CREDITMEMOS, call.path_int("id"))
        return comments_result(call.state, COMMENTS, memo["entity_id"])

    @r.post("/V1/creditmemo/{id}/comments", resource=RESOURCE)
    def add_memo_comment(call: Call) -> Any:
        memo = get_doc(call.state, CREDITMEMOS, call.path_int("id"))
        return comment_from_entity(
            call.state, COMMENTS, memo["entity_id"], call.arg("entity"), style="creditmemo"
        )

    @r.put("/V1/creditmemo/{id}", resource=RESOURCE)
    def cancel_memo(call: Call) -> Any:
        get_doc(call.state, CREDITMEMOS, call.path_int("id"))
        raise errors.bad_request("You can not cancel Credit Memo")

    @r.post("/V1/creditmemo/{id}/emails", resource=RESOURCE)
    def email(call: Call) -> Any:
        get_doc(call.state, CREDITMEMOS, call.path_int("id"))
        return True
