"""Placing an order from a collected cart: the order row, its items, addresses and payment.

The order starts ``new`` / ``pending``; the parent row of a configurable carries the money and the
child's SKU, the child row (``parent_item_id``) has zero prices; order items reuse the quote item
ids; addresses get the shipping address first, then the billing one (as recorded).
"""

from __future__ import annotations

import copy
import hashlib
from decimal import Decimal
from typing import Any

from magodoo.testing._magento.sales_money import dec, num
from magodoo.testing._magento.sales_orders import (
    ADDRESSES,
    ITEMS,
    ORDERS,
    PAYMENT_INFO,
    PAYMENTS,
    STORE_NAME,
)
from magodoo.testing._magento.sales_totals import CARRIERS, Totals, applied_taxes
from magodoo.testing._magento.state import Row, State


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
