"""Deterministic demo sales data on top of the demo catalog.

Tax rates and a rule (US-CA, US-NY, US-TX taxed; FR not), cart price rules with coupons,
customers with one to three addresses, guest and registered orders placed through the same cart
code the API uses (configurable and simple lines, discounts, taxes, flat rate / table rate / free
shipping, checkmo / banktransfer / cashondelivery / purchaseorder / free), then invoices,
shipments with tracking, offline credit memos, online credit memos (through the invoice of a
zero-total order), cancellations, holds and comments. Everything comes from ``rng``; timestamps
run over the 60 days before the store's clock, with several orders sharing one second.

Sizes: small (10 customers, 16 orders), medium (40, 120), large (150, 600).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from magodoo.testing._magento import customers, sales_rules, sales_tax
from magodoo.testing._magento import sales_checkout as sc
from magodoo.testing._magento import sales_creditmemos as scm
from magodoo.testing._magento import sales_invoices as si
from magodoo.testing._magento import sales_order_api as soa
from magodoo.testing._magento import sales_orders as so
from magodoo.testing._magento import sales_quotes as sq
from magodoo.testing._magento import sales_shipments as ss
from magodoo.testing._magento.errors import MagentoError
from magodoo.testing._magento.sales_totals import config
from magodoo.testing._magento.state import Row, State

COUNTS = {"small": (10, 16), "medium": (40, 120), "large": (150, 600)}  # customers, orders
FIRST = ("Alice", "Bob", "Claire", "David", "Emma", "Felix", "Grace", "Hugo", "Iris", "Jules")
LAST = ("Anders", "Brown", "Dupont", "Evans", "Fischer", "Garcia", "Hansen", "Ito", "Jones")
# (country, region_id, city, postcode, street)
PLACES = (
    ("US", 12, "San Jose", "95113", "100 N 1st St"),
    ("US", 12, "San Francisco", "94105", "200 Mission St"),
    ("US", 43, "New York", "10118", "350 5th Ave"),
    ("US", 57, "Austin", "78701", "1 Main St"),
    ("US", 62, "Seattle", "98101", "400 Pine St"),
    ("FR", 257, "Paris", "75001", "10 Rue de Rivoli"),
)
CARRIERS = ("flatrate_flatrate", "tablerate_bestway", "freeshipping_freeshipping")
PAYMENTS = ("checkmo", "banktransfer", "cashondelivery", "purchaseorder")
TRACKERS = (
    ("ups", "United Parcel Service"),
    ("fedex", "FedEx Ground"),
    ("usps", "USPS"),
    ("custom", "DHL Express"),
)
COUPON_CHOICES = (None,) * 6 + ("DEMO10", "DEMO10", "DEMO15", "DEMOFREE")
# (fate, refund) of the first orders: invoiced+shipped+refunded, canceled, held, left new,
# invoiced+shipped; the sixth order uses the 100 % coupon (free method, online credit memo).
FATES = ((0.9, True), (0.15, False), (0.22, False), (0.05, False), (0.9, False))
FORCED_COUPONS = {1: "DEMO10", 4: "DEMO15", 5: "DEMOFREE"}
COUNTERS = {  # last ids of the recorded store (samples-2.4.6-sales) before its first call
    "customers": 1,
    "customer_addresses": 2,
    "orders": 9,
    "quotes": 9,
    "quote_items": 20,
    "quote_addresses": 27,
    "order_addresses": 18,
    "order_status_history": 4,
    "invoices": 8,
    "invoice_items": 18,
    "invoice_comments": 1,
    "shipments": 9,
    "shipment_items": 13,
    "shipment_tracks": 8,
    "shipment_comments": 1,
    "creditmemos": 1,
    "creditmemo_items": 3,
    "creditmemo_comments": 1,
}


def seed_recorded(state: State) -> None:
    """The sales side of the recorded store before its first call: stock tax rates 1 and 2 and
    id counters continuing from the recorded ones (so recorded URLs work verbatim)."""
    sales_tax.seed_defaults(state)
    for name, last in COUNTERS.items():
        table = state.table(name)
        table.last_id = max(table.last_id, last)


def _taxes(state: State) -> None:
    sales_tax.seed_defaults(state)
    ca = sales_tax.add_rate(
        state,
        {
            "tax_country_id": "US",
            "tax_region_id": 12,
            "tax_postcode": "*",
            "rate": 8.25,
            "code": "US-CA-8.25-DEMO",
            "titles": [{"store_id": "1", "value": "CA Sales Tax"}],
        },
    )
    tx = sales_tax.add_rate(
        state,
        {
            "tax_country_id": "US",
            "tax_region_id": 57,
            "tax_postcode": "*",
            "rate": 6.25,
            "code": "US-TX-6.25-DEMO",
            "titles": [{"store_id": "1", "value": "TX Sales Tax"}],
        },
    )
    sales_tax.add_rule(
        state,
        {
            "code": "Retail US",
            "priority": 0,
            "position": 0,
            "customer_tax_class_ids": [3],
            "product_tax_class_ids": [2],
            "tax_rate_ids": [ca["id"], 2, tx["id"]],
        },
    )


def _rules(state: State) -> None:
    base: dict[str, Any] = {
        "website_ids": [1],
        "customer_group_ids": [0, 1, 2, 3],
        "is_active": True,
        "coupon_type": "SPECIFIC_COUPON",
    }
    ten = sales_rules.save_rule(
        state,
        {
            **base,
            "name": "10% off",
            "simple_action": "by_percent",
            "discount_amount": 10,
            "store_labels": [{"store_id": 0, "store_label": "Ten percent off"}],
        },
    )
    fixed = sales_rules.save_rule(
        state,
        {
            **base,
            "name": "$15 off the cart",
            "simple_action": "cart_fixed",
            "discount_amount": 15,
            "store_labels": [{"store_id": 0, "store_label": "15 off"}],
        },
    )
    free = sales_rules.save_rule(
        state,
        {
            **base,
            "name": "Free order",
            "simple_action": "by_percent",
            "discount_amount": 100,
            "apply_to_shipping": True,
            "stop_rules_processing": True,
            "sort_order": 1,
            "store_labels": [{"store_id": 0, "store_label": "Free order"}],
        },
    )
    for rule, code in ((ten, "DEMO10"), (fixed, "DEMO15"), (free, "DEMOFREE")):
        sales_rules.save_coupon(
            state,
            {
                "rule_id": rule["rule_id"],
                "code": code,
                "usage_limit": 0,
                "usage_per_customer": 0,
                "type": 0,
            },
        )


def _address(rng: random.Random, first: str, last: str) -> dict[str, Any]:
    country, region_id, city, postcode, street = rng.choice(PLACES)
    out: dict[str, Any] = {
        "firstname": first,
        "lastname": last,
        "street": [street],
        "city": city,
        "region_id": region_id,
        "postcode": postcode,
        "country_id": country,
        "telephone": f"555{rng.randrange(10**6):06d}",
    }
    if rng.random() < 0.3:
        out["company"] = f"{last} & Co"
    return out


def _customers(state: State, rng: random.Random, count: int) -> list[Row]:
    made: list[Row] = []
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        addresses = [_address(rng, first, last) for _ in range(rng.randint(1, 3))]
        addresses[0]["default_billing"] = True
        addresses[-1]["default_shipping"] = True
        data = {
            "email": f"{first.lower()}.{last.lower()}.{i + 1}@example.com",
            "firstname": first,
            "lastname": last,
            "website_id": 1,
            "store_id": 1,
            "group_id": 1,
            "dob": f"19{rng.randint(50, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "gender": rng.choice([1, 2]),
            "addresses": addresses,
        }
        made.append(customers.create_customer(state, data, password="Demo-Passw0rd"))
    return made


def _lines(state: State, rng: random.Random) -> list[dict[str, Any]]:
    products = [p for p in state.products if p.get("type_id") in ("simple", "configurable")]
    tops = [p for p in products if p.get("visibility", 4) != 1] or products
    out: list[dict[str, Any]] = []
    for product in rng.sample(tops, k=min(len(tops), rng.randint(1, 3))):
        item: dict[str, Any] = {"sku": product["sku"], "qty": rng.randint(1, 3)}
        if product["type_id"] == "configurable":
            links = product.get("configurable_links") or []
            if not links:
                continue
            child = state.products.get(rng.choice(links))
            if child is None:
                continue
            chosen = []
            for option in product.get("configurable_options") or []:
                code = next(
                    (
                        a["attribute_code"]
                        for a in state.attributes.values()
                        if str(a.get("attribute_id")) == str(option["attribute_id"])
                    ),
                    None,
                )
                value = (child.get("custom") or {}).get(code or "")
                chosen.append(
                    {"option_id": str(option["attribute_id"]), "option_value": int(value or 0)}
                )
            item["product_option"] = {"extension_attributes": {"configurable_item_options": chosen}}
        out.append(item)
    return out


def _book_address(state: State, customer: Row, flag: str) -> dict[str, Any]:
    aid = int(customer[flag])
    row = state.table(customers.ADDRESSES).rows[aid]
    data: dict[str, Any] = {
        k: row[k]
        for k in (
            "firstname",
            "lastname",
            "street",
            "city",
            "region_id",
            "postcode",
            "country_id",
            "telephone",
        )
        if k in row
    }
    data["customer_address_id"] = aid
    data["email"] = customer["email"]
    return data


def _place(
    state: State, rng: random.Random, customer: Row | None, coupon: str | None
) -> Row | None:
    quote = sq.new_quote(state, None if customer is None else customer["id"])
    for line in _lines(state, rng):
        sq.add_item(state, quote, line)
    if not sq.items_of(state, quote):
        return None
    if coupon:
        sc.apply_coupon(state, quote, coupon)
    if customer is None:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        ship = {**_address(rng, first, last), "email": f"guest.{quote['id']}@example.com"}
        bill = ship
    else:
        ship = _book_address(state, customer, "default_shipping")
        bill = _book_address(state, customer, "default_billing")
    quote["email"] = ship["email"]
    offered = [m["carrier_code"] + "_" + m["method_code"] for m in sc.methods(state, quote)]
    method = rng.choice([c for c in CARRIERS if c in offered])
    carrier, code = method.split("_", 1)
    sc.set_shipping(
        state,
        quote,
        {
            "shipping_address": ship,
            "billing_address": bill,
            "shipping_carrier_code": carrier,
            "shipping_method_code": code,
        },
    )
    payment: dict[str, Any] = {"method": rng.choice(PAYMENTS)}
    if sc.totals_of(state, quote).grand_total == 0:
        payment = {"method": "free"}
    elif payment["method"] == "purchaseorder":
        payment["po_number"] = f"PO-DEMO-{quote['id']}"
    order_id = sc.place_order(state, quote, {"paymentMethod": payment, "billingAddress": bill})
    return so.get_order(state, order_id)


def _track(rng: random.Random) -> dict[str, Any]:
    code, title = rng.choice(TRACKERS)
    return {
        "track_number": f"{code.upper()}{rng.randrange(10**9):09d}",
        "title": title,
        "carrier_code": code,
    }


def _follow_up(
    state: State, rng: random.Random, order: Row, tick: Callable[[], None], forced: int
) -> None:
    """What happens to an order after it is placed (chosen by ``rng``; the first few orders of
    every store get a fixed fate so that even a small store shows each flow)."""
    fate, refund = FATES[forced] if forced < len(FATES) else (rng.random(), rng.random() < 0.2)
    tops = so.top_items(state, order)
    if fate < 0.12:
        return
    tick()
    if fate < 0.20:
        soa.cancel(state, order)
        return
    if fate < 0.25:
        soa.hold(state, order)
        soa.add_comment(
            state, order, {"comment": "On hold: address check", "status": order["status"]}
        )
        return
    if order["grand_total"] == 0:
        inv = si.create_invoice(state, order, {"capture": True})
        tick()
        ss.create_shipment(state, order, {"tracks": [_track(rng)]})
        tick()
        scm.create_creditmemo(state, order, {"isOnline": True}, invoice=inv, online=True)
        return
    if len(tops) > 1 and rng.random() < 0.3:
        first = tops[0]
        si.create_invoice(
            state,
            order,
            {
                "items": [{"order_item_id": first["item_id"], "qty": first["qty_ordered"]}],
                "appendComment": True,
                "comment": {"comment": "First part invoiced", "is_visible_on_front": 0},
            },
        )
        tick()
    si.create_invoice(state, order, {"capture": True})
    tick()
    if rng.random() < 0.3 and sum(int(t["qty_ordered"]) for t in tops) > 1:
        item = max(tops, key=lambda t: t["qty_ordered"])
        ss.create_shipment(
            state,
            order,
            {"items": [{"order_item_id": item["item_id"], "qty": 1}], "tracks": [_track(rng)]},
        )
        tick()
    ss.create_shipment(
        state,
        order,
        {
            "tracks": [_track(rng)],
            "appendComment": True,
            "comment": {"comment": "Shipped", "is_visible_on_front": 1},
        },
    )
    if refund:
        tick()
        item = rng.choice(tops)
        scm.create_creditmemo(
            state,
            order,
            {
                "items": [{"order_item_id": item["item_id"], "qty": 1}],
                "arguments": {
                    "shipping_amount": 0,
                    "adjustment_positive": 0,
                    "adjustment_negative": 0,
                    "extension_attributes": {"return_to_stock_items": [item["item_id"]]},
                },
                "appendComment": True,
                "comment": {"comment": "Returned", "is_visible_on_front": 0},
            },
        )
    if rng.random() < 0.15:
        soa.add_comment(
            state,
            order,
            {
                "comment": "Customer called",
                "status": order["status"],
                "is_customer_notified": 0,
                "is_visible_on_front": 0,
            },
        )


def seed(state: State, rng: random.Random, size: str) -> None:
    """Add the demo sales data (``size`` small, medium or large) to a demo-catalog store."""
    n_customers, n_orders = COUNTS.get(size, COUNTS["small"])
    clock = state.now
    end = clock()
    moment = [end - timedelta(days=60)]
    step = timedelta(days=59) / max(n_orders, 1)

    def frozen() -> datetime:
        return moment[0]

    def tick() -> None:
        moment[0] += timedelta(seconds=rng.randint(1, 120))

    state.now = frozen
    try:
        _taxes(state)
        _rules(state)
        config(state)["tablerate_active"] = True
        people = _customers(state, rng, n_customers)
        start = moment[0]
        for i in range(n_orders):
            if i % 4 != 3:
                start = end - timedelta(days=60) + step * i
            moment[0] = start  # every fourth order is placed in the same second as the one before
            guest = rng.random() < 0.3
            customer = None if guest else rng.choice(people)
            coupon = FORCED_COUPONS.get(i) or rng.choice(COUPON_CHOICES)
            try:
                order = _place(state, rng, customer, coupon)
            except MagentoError:
                continue
            if order is not None:
                _follow_up(state, rng, order, tick, i)
    finally:
        state.now = clock
