"""Checkout steps of a cart: coupon, shipping estimate and choice, totals, payment, placing.

Recorded answers: a bad coupon is 404 ``The coupon code isn't valid. Verify the code and try
again.``; choosing a method the cart cannot use is 404 ``Carrier with such method not found:
%1, %2``; the estimate reports ``price_incl_tax`` equal to the amount (the order later carries
the tax); cart totals items have ``row_total_with_discount: 0`` (magento/magento2#34288) and
``options`` as a JSON string; placing answers the order ``entity_id`` (an int).
"""

from __future__ import annotations

from typing import Any

from magodoo.testing._magento import customers, errors, sales_rules
from magodoo.testing._magento import sales_quotes as sq
from magodoo.testing._magento.sales_catalog import labels_json
from magodoo.testing._magento.sales_money import dec, num
from magodoo.testing._magento.sales_place import place
from magodoo.testing._magento.sales_stock import reserve, stock_sku
from magodoo.testing._magento.sales_tax import rate_title
from magodoo.testing._magento.sales_totals import (
    CARRIERS,
    Totals,
    collect,
    item_discount,
    shipping_options,
)
from magodoo.testing._magento.state import Row, State

PAYMENT_METHODS = (
    ("checkmo", "Check / Money order"),
    ("purchaseorder", "Purchase Order"),
    ("banktransfer", "Bank Transfer Payment"),
    ("cashondelivery", "Cash On Delivery"),
)
BAD_COUPON = "The coupon code isn't valid. Verify the code and try again."
NO_CARRIER = "Carrier with such method not found: %1, %2"


def totals_of(state: State, quote: Row) -> Totals:
    return collect(state, quote, sq.items_of(state, quote))


def apply_coupon(state: State, quote: Row, code: str) -> None:
    if not sq.items_of(state, quote):
        raise errors.not_found('The "%1" Cart doesn\'t contain products.', [quote["id"]])
    if sales_rules.rule_for_coupon(state, code) is None:
        raise errors.not_found(BAD_COUPON)
    quote["coupon_code"] = code
    quote["updated_at"] = state.timestamp()


def methods(state: State, quote: Row) -> list[Row]:
    totals = totals_of(state, quote)
    off = item_discount(state, quote, sq.items_of(state, quote))
    options = shipping_options(state, totals.subtotal, off, totals.qty)
    out: list[Row] = []
    for code, amount in options.items():
        carrier, method = code.split("_", 1)
        ctitle, mtitle = CARRIERS[code]
        out.append(
            {
                "carrier_code": carrier,
                "method_code": method,
                "carrier_title": ctitle,
                "method_title": mtitle,
                "amount": num(amount),
                "base_amount": num(amount),
                "available": True,
                "error_message": "",
                "price_excl_tax": num(amount),
                "price_incl_tax": num(amount),
            }
        )
    return out


def payment_methods(state: State, quote: Row) -> list[Row]:
    out = [{"code": c, "title": t} for c, t in PAYMENT_METHODS]
    if quote.get("shipping_method") and totals_of(state, quote).grand_total == 0:
        out.append({"code": "free", "title": "No Payment Information Required"})
    return out


def set_shipping(state: State, quote: Row, info: dict[str, Any]) -> None:
    carrier = str(info.get("shipping_carrier_code") or "")
    method = str(info.get("shipping_method_code") or "")
    ship = info.get("shipping_address")
    if not isinstance(ship, dict):
        raise errors.bad_request("The shipping address is missing. Set the address and try again.")
    if not sq.items_of(state, quote):
        raise errors.bad_request(
            "The shipping method can't be set for an empty cart. Add an item to cart and try again."
        )
    totals = totals_of(state, quote)
    code = f"{carrier}_{method}"
    off = item_discount(state, quote, sq.items_of(state, quote))
    if code not in shipping_options(state, totals.subtotal, off, totals.qty):
        raise errors.not_found(NO_CARRIER, [carrier, method])
    if ship.get("email") and not quote.get("email"):
        quote["email"] = ship["email"]
    bill = info.get("billing_address")
    quote["billing_address"] = sq.quote_address(
        state, quote, bill if isinstance(bill, dict) else ship, from_book=True
    )
    quote["shipping_address"] = sq.quote_address(state, quote, ship, from_book=True)
    quote["shipping_method"] = code
    quote["updated_at"] = state.timestamp()


def render_totals(state: State, quote: Row) -> Row:
    t = totals_of(state, quote)
    discount = -t.discount
    out: Row = {
        "grand_total": num(t.grand_total),
        "base_grand_total": num(t.grand_total),
        "subtotal": num(t.subtotal),
        "base_subtotal": num(t.subtotal),
        "discount_amount": num(discount),
        "base_discount_amount": num(discount),
        "subtotal_with_discount": num(t.subtotal_with_discount),
        "base_subtotal_with_discount": num(t.subtotal_with_discount),
        "shipping_amount": num(t.shipping),
        "base_shipping_amount": num(t.shipping),
        "shipping_discount_amount": num(t.shipping_discount),
        "base_shipping_discount_amount": num(t.shipping_discount),
        "tax_amount": num(t.tax),
        "base_tax_amount": num(t.tax),
        "weee_tax_applied_amount": None,
        "shipping_tax_amount": num(t.shipping_tax),
        "base_shipping_tax_amount": num(t.shipping_tax),
        "subtotal_incl_tax": num(t.subtotal_incl_tax),
        "shipping_incl_tax": num(t.shipping_incl_tax),
        "base_shipping_incl_tax": num(t.shipping_incl_tax),
        "base_currency_code": "USD",
        "quote_currency_code": "USD",
    }
    if quote.get("coupon_code"):
        out["coupon_code"] = quote["coupon_code"]
    out["items_qty"] = num(t.qty)
    out["items"] = [
        {
            "item_id": ln.item["item_id"],
            "price": ln.item["price"],
            "base_price": ln.item["price"],
            "qty": ln.item["qty"],
            "row_total": num(ln.row_total),
            "base_row_total": num(ln.row_total),
            "row_total_with_discount": 0,
            "tax_amount": num(ln.tax),
            "base_tax_amount": num(ln.tax),
            "tax_percent": num(ln.tax_percent),
            "discount_amount": num(ln.discount),
            "base_discount_amount": num(ln.discount),
            "discount_percent": num(ln.discount_percent),
            "price_incl_tax": num(ln.price_incl_tax),
            "base_price_incl_tax": num(ln.price_incl_tax),
            "row_total_incl_tax": num(ln.row_total_incl_tax),
            "base_row_total_incl_tax": num(ln.row_total_incl_tax),
            "options": labels_json(ln.item.get("labels") or []),
            "weee_tax_applied_amount": None,
            "weee_tax_applied": None,
            "name": ln.item["name"],
        }
        for ln in t.lines
    ]
    segments: list[Row] = [{"code": "subtotal", "title": "Subtotal", "value": num(t.subtotal)}]
    if t.discount:
        segments.append(
            {
                "code": "discount",
                "title": f"Discount ({t.description or ''})",
                "value": num(discount),
            }
        )
    if quote.get("shipping_method"):
        title = " - ".join(CARRIERS[quote["shipping_method"]])
        segments.append(
            {
                "code": "shipping",
                "title": f"Shipping & Handling ({title})",
                "value": num(t.shipping),
            }
        )
    details = []
    if t.rate is not None and t.tax:
        details = [
            {
                "amount": num(t.tax),
                "rates": [{"percent": str(num(t.rate["rate"])), "title": rate_title(t.rate)}],
                "group_id": 1,
            }
        ]
    segments.append(
        {
            "code": "tax",
            "title": "Tax",
            "value": num(t.tax),
            "extension_attributes": {"tax_grandtotal_details": details},
        }
    )
    segments.append(
        {
            "code": "grand_total",
            "title": "Grand Total",
            "value": num(t.grand_total),
            "area": "footer",
        }
    )
    out["total_segments"] = segments
    if quote.get("coupon_code"):
        out["extension_attributes"] = {"coupon_label": t.description or ""}
    return out


def place_order(state: State, quote: Row, body: dict[str, Any]) -> int:
    """``payment-information``: check the payment, turn the cart into an order, return its id."""
    payment = body.get("paymentMethod")
    if not isinstance(payment, dict) or not payment.get("method"):
        raise errors.required("paymentMethod")
    if not quote["is_active"]:
        raise errors.no_such_entity("cartId", quote["id"])
    items = sq.items_of(state, quote)
    if not items:
        raise errors.bad_request(
            "A server error stopped your order from being placed. "
            "Please try to place your order again."
        )
    if not quote.get("shipping_method") or not quote.get("shipping_address"):
        raise errors.bad_request(
            "The shipping method is missing. Select the shipping method and try again."
        )
    billing = body.get("billingAddress", body.get("billing_address"))
    if isinstance(billing, dict):
        quote["billing_address"] = sq.quote_address(state, quote, billing)
    if body.get("email"):
        quote["email"] = body["email"]
    if quote["customer_id"] is None and not (
        quote.get("email") or quote["billing_address"].get("email")
    ):
        raise errors.bad_request("Email has a wrong format")
    allowed = [m["code"] for m in payment_methods(state, quote)]
    method = str(payment["method"])
    if method not in allowed:
        raise errors.bad_request("The requested Payment Method is not available.")
    if method == "purchaseorder" and not payment.get("po_number"):
        raise errors.bad_request("Purchase order number is a required field.")
    totals = totals_of(state, quote)
    quote["customer"] = (
        None
        if quote["customer_id"] is None
        else customers.get_customer(state, quote["customer_id"])
    )
    try:
        order = place(state, quote, items, totals, payment)
    finally:
        quote.pop("customer", None)
    for item in items:
        child = item.get("child")
        sku = stock_sku(
            state,
            str(item["sku"]),
            item.get("product_id"),
            None if child is None else str(child["sku"]),
        )
        reserve(state, sku, dec(item["qty"]))
    quote["is_active"] = False
    quote["order_id"] = order["entity_id"]
    return int(order["entity_id"])
