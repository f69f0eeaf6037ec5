"""Carts (quotes) as data: creating, adding lines, addresses, and how a cart is rendered.

Bare values as recorded: ``POST /V1/carts/mine`` answers the quote id (int), ``POST
/V1/guest-carts`` a 32-character masked id (string). A configurable line takes two quote item
ids (the hidden child gets the next one), and order items later reuse the quote item ids.
"""

from __future__ import annotations

import copy
import string
from decimal import Decimal
from typing import Any

from magodoo.testing._magento import customers, errors
from magodoo.testing._magento.sales_catalog import resolve, tax_class
from magodoo.testing._magento.sales_money import dec, num
from magodoo.testing._magento.sales_regions import region
from magodoo.testing._magento.state import Row, State

QUOTES = "quotes"
ITEMS = "quote_items"
ADDRESSES = "quote_addresses"
_ALPHABET = string.ascii_letters + string.digits


def new_quote(state: State, customer_id: int | None) -> Row:
    quotes = state.table(QUOTES)
    now = state.timestamp()
    group = 0
    if customer_id is not None:
        customer = customers.get_customer(state, customer_id)
        group = int(customer.get("group_id") or 1)
    quote: Row = {
        "id": quotes.next_id(),
        "masked_id": None,
        "customer_id": customer_id,
        "customer_group_id": group,
        "is_active": True,
        "created_at": now,
        "updated_at": now,
        "coupon_code": None,
        "billing_address": None,
        "shipping_address": None,
        "shipping_method": None,
        "email": None,
        "order_id": None,
    }
    if customer_id is None:
        quote["masked_id"] = "".join(state.rng.choice(_ALPHABET) for _ in range(32))
    quotes.rows[quote["id"]] = quote
    return quote


def active_quote_of(state: State, customer_id: int) -> Row | None:
    for quote in state.table(QUOTES):
        if quote["customer_id"] == customer_id and quote["is_active"]:
            return quote
    return None


def by_masked(state: State, masked: str) -> Row:
    for quote in state.table(QUOTES):
        if quote["masked_id"] == masked:
            if not quote["is_active"]:
                break
            return quote
    raise errors.no_such_entity("cartId", masked)


def by_id(state: State, quote_id: int) -> Row:
    quote = state.table(QUOTES).get(quote_id)
    if quote is None:
        raise errors.no_such_entity("cartId", quote_id)
    return quote


def items_of(state: State, quote: Row) -> list[Row]:
    return state.table(ITEMS).where("quote_id", quote["id"])


def add_item(state: State, quote: Row, data: dict[str, Any]) -> Row:
    """``POST .../items`` with ``cartItem`` = ``{sku, qty, product_option}``."""
    if not quote["is_active"]:
        raise errors.no_such_entity("cartId", quote["id"])
    sku = data.get("sku")
    if not sku:
        raise errors.bad_request("The product SKU is required. Enter the SKU and try again.")
    qty = dec(data.get("qty") or 1)
    if qty <= 0:
        raise errors.bad_request("The qty value is required to update quote item.")
    line = resolve(state, str(sku), data.get("product_option"))
    for existing in items_of(state, quote):
        if existing["sku"] == line.sku and existing.get("product_option") == line.product_option:
            existing["qty"] = num(dec(existing["qty"]) + qty)
            quote["updated_at"] = state.timestamp()
            return existing
    table = state.table(ITEMS)
    item: Row = {
        "item_id": table.next_id(),
        "quote_id": quote["id"],
        "sku": line.sku,
        "qty": num(qty),
        "name": line.product["name"],
        "price": num(line.price),
        "original_price": num(
            dec(line.product.get("price")) if line.child is None else dec(line.child.get("price"))
        ),
        "product_type": line.product.get("type_id") or "simple",
        "product_id": line.product["id"],
        "product_option": line.product_option,
        "labels": line.labels,
        "weight": num(line.weight),
        "tax_class": tax_class(line.product),
        "child": None,
    }
    table.rows[item["item_id"]] = item
    if line.child is not None:
        child_id = table.next_id()
        item["child"] = {
            "item_id": child_id,
            "product_id": line.child["id"],
            "name": line.child["name"],
            "sku": line.child["sku"],
            "weight": num(dec(line.child.get("weight"))),
        }
    quote["updated_at"] = state.timestamp()
    return item


def render_item(item: Row, *, options: bool = True) -> Row:
    out: Row = {
        "item_id": item["item_id"],
        "sku": item["sku"],
        "qty": item["qty"],
        "name": item["name"],
        "price": item["price"],
        "product_type": item["product_type"],
        "quote_id": str(item["quote_id"]),
    }
    if options and item.get("product_option"):
        out["product_option"] = copy.deepcopy(item["product_option"])
    return out


def quote_address(
    state: State, quote: Row, data: dict[str, Any], *, from_book: bool = False
) -> Row:
    """An address of the cart from an ``address`` body.

    A shipping address naming ``customer_address_id`` takes the fields it lacks (``vat_id``)
    from that address-book entry, as recorded (even when the entry belongs to another customer);
    a billing address does not.
    """
    row: Row = {"id": state.table(ADDRESSES).next_id()}
    book: Row = {}
    if from_book and data.get("customer_address_id"):
        found = state.table(customers.ADDRESSES).get(int(data["customer_address_id"]))
        if found is not None:
            book = found
    region_id = int(data.get("region_id") or 0)
    known = region(region_id)
    row["region"] = known[2] if known else data.get("region")
    row["region_id"] = region_id
    row["region_code"] = known[1] if known else data.get("region_code")
    for key in (
        "country_id",
        "street",
        "company",
        "telephone",
        "postcode",
        "city",
        "firstname",
        "lastname",
        "vat_id",
    ):
        value = data.get(key) if data.get(key) not in (None, "") else book.get(key)
        if value not in (None, ""):
            row[key] = copy.deepcopy(value)
    if quote["customer_id"] is not None:
        row["customer_id"] = quote["customer_id"]
    row["email"] = data.get("email") or quote.get("email")
    row["same_as_billing"] = int(data.get("same_as_billing") or 0)
    if data.get("customer_address_id"):
        row["customer_address_id"] = int(data["customer_address_id"])
    row["save_in_address_book"] = int(data.get("save_in_address_book") or 0)
    return row


def _empty_address(quote: Row) -> Row:
    out: Row = {
        "id": 0,
        "region": None,
        "region_id": None,
        "region_code": None,
        "street": [""],
        "email": quote.get("email"),
        "same_as_billing": 0,
        "save_in_address_book": 0,
    }
    if quote["customer_id"] is not None:
        out["customer_id"] = quote["customer_id"]
    return out


def render(state: State, quote: Row) -> Row:
    items = [render_item(it, options=False) for it in items_of(state, quote)]
    qty = sum((dec(it["qty"]) for it in items), Decimal(0))
    if quote["customer_id"] is not None:
        customer: Row = customers.render(state, customers.get_customer(state, quote["customer_id"]))
    else:
        customer = {"email": None, "firstname": None, "lastname": None}
    out: Row = {
        "id": quote["id"],
        "created_at": quote["created_at"],
        "updated_at": quote["updated_at"],
        "is_active": quote["is_active"],
        "is_virtual": False,
        "items": items,
        "items_count": len(items),
        "items_qty": num(qty),
        "customer": customer,
        "billing_address": copy.deepcopy(quote["billing_address"] or _empty_address(quote)),
        "orig_order_id": 0,
        "currency": {
            "global_currency_code": "USD",
            "base_currency_code": "USD",
            "store_currency_code": "USD",
            "quote_currency_code": "USD",
            "store_to_base_rate": 0,
            "store_to_quote_rate": 0,
            "base_to_global_rate": 1,
            "base_to_quote_rate": 1,
        },
        "customer_is_guest": quote["customer_id"] is None,
        "customer_note_notify": True,
        "customer_tax_class_id": 3,
        "store_id": 1,
    }
    shipping: Row = {"address": copy.deepcopy(quote["shipping_address"] or _empty_address(quote))}
    if quote.get("shipping_method"):
        shipping["method"] = quote["shipping_method"]
    out["extension_attributes"] = {
        "shipping_assignments": [{"shipping": shipping, "items": copy.deepcopy(items)}]
    }
    return out
