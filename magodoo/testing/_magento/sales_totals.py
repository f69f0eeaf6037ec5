"""Cart totals as Magento 2.4.6 collects them with the default tax settings.

Prices exclude tax, discounts come first (``apply_after_discount``), shipping is taxable and
``TOTAL_BASE_CALCULATION`` carries rounding deltas from row to row and on into shipping. Two
delta chains run side by side: one for the tax on the discounted row (``tax_amount``) and one for
the tax on the gross row (``row_total_incl_tax``). Checked against the recorded orders: A totals
107.5 - 10.75 + 30 + 10.46 = 137.21, with the mug row at 2.79 and ``shipping_incl_tax`` 32.47.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from magodoo.testing._magento import sales_rules, sales_tax
from magodoo.testing._magento.sales_money import DeltaRounder, cents, dec
from magodoo.testing._magento.state import Row, State

CARRIERS: dict[str, tuple[str, str]] = {
    "flatrate_flatrate": ("Flat Rate", "Fixed"),
    "freeshipping_freeshipping": ("Free Shipping", "Free"),
    "tablerate_bestway": ("Best Way", "Table Rate"),
}
CONFIG = "sales_config"


def config(state: State) -> Row:
    """Store settings the sales side reads (carriers, thresholds); defaults as recorded."""
    table = state.table(CONFIG)
    row = table.get("store")
    if row is None:
        row = {
            "id": "store",
            "flatrate_per_item": 5,
            "freeshipping_subtotal": 50,
            "tablerate_active": False,
            "tablerate_rates": [[0, 15], [100, 10]],
        }
        table.rows["store"] = row
    return row


@attrs.define
class LineTotals:
    item: Row
    row_total: Decimal
    discount: Decimal = Decimal(0)
    discount_percent: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    tax_percent: Decimal = Decimal(0)
    row_total_incl_tax: Decimal = Decimal(0)
    price_incl_tax: Decimal = Decimal(0)
    rule_ids: list[int] = attrs.field(factory=list)
    rate: Row | None = None


@attrs.define
class Totals:
    lines: list[LineTotals]
    subtotal: Decimal = Decimal(0)
    subtotal_incl_tax: Decimal = Decimal(0)
    discount: Decimal = Decimal(0)  # positive here; the API shows it negative
    shipping: Decimal = Decimal(0)
    shipping_discount: Decimal = Decimal(0)
    shipping_tax: Decimal = Decimal(0)
    shipping_incl_tax: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    grand_total: Decimal = Decimal(0)
    qty: Decimal = Decimal(0)
    weight: Decimal = Decimal(0)
    rule_ids: list[int] = attrs.field(factory=list)
    description: str | None = None
    rate: Row | None = None

    @property
    def subtotal_with_discount(self) -> Decimal:
        return self.subtotal - self.discount


def shipping_options(
    state: State, subtotal: Decimal, discount: Decimal, qty: Decimal
) -> dict[str, Decimal]:
    """Available ``carrier_method`` codes and their price for a cart (free shipping first)."""
    cfg = config(state)
    out: dict[str, Decimal] = {}
    if subtotal - discount >= dec(cfg["freeshipping_subtotal"]):
        out["freeshipping_freeshipping"] = Decimal(0)
    if cfg.get("tablerate_active"):
        price = Decimal(0)
        for threshold, amount in cfg["tablerate_rates"]:
            if subtotal >= dec(threshold):
                price = dec(amount)
        out["tablerate_bestway"] = price
    out["flatrate_flatrate"] = dec(cfg["flatrate_per_item"]) * qty
    return out


def _discount(state: State, quote: Row, lines: list[LineTotals], totals: Totals) -> None:
    group = int(quote.get("customer_group_id") or 0)
    labels: list[str] = []
    for rule in sales_rules.applicable_rules(state, quote.get("coupon_code"), group):
        action = rule.get("simple_action")
        amount = dec(rule.get("discount_amount"))
        rounder = DeltaRounder()
        base_total = sum((ln.row_total for ln in lines), Decimal(0))
        spread_left = amount
        for i, ln in enumerate(lines):
            room = ln.row_total - ln.discount
            if action == "by_percent":
                d = rounder.round(ln.row_total * min(amount, Decimal(100)) / 100)
                ln.discount_percent += amount
            elif action == "by_fixed":
                d = cents(amount * dec(ln.item["qty"]))
            elif action == "cart_fixed":
                d = (
                    spread_left
                    if i == len(lines) - 1
                    else cents(amount * ln.row_total / base_total if base_total else Decimal(0))
                )
                spread_left -= d
            else:
                d = Decimal(0)
            d = max(min(d, room), Decimal(0))
            if d:
                ln.discount += d
                ln.rule_ids.append(int(rule["rule_id"]))
        if rule.get("apply_to_shipping") and totals.shipping:
            room = totals.shipping - totals.shipping_discount
            if action == "by_percent":
                sd = cents(totals.shipping * min(amount, Decimal(100)) / 100)
            elif action == "cart_fixed":
                sd = max(spread_left, Decimal(0))
            else:
                sd = Decimal(0)
            totals.shipping_discount += max(min(sd, room), Decimal(0))
        totals.rule_ids.append(int(rule["rule_id"]))
        text = sales_rules.label(rule)
        if text:
            labels.append(text)
    totals.description = ", ".join(labels) if labels else None
    if not any(ln.discount for ln in lines) and not totals.shipping_discount:
        totals.rule_ids = []


def item_discount(state: State, quote: Row, items: list[Row]) -> Decimal:
    """The discount on the items alone (what free shipping compares with its threshold)."""
    lines = [
        LineTotals(item=it, row_total=cents(dec(it["price"]) * dec(it["qty"]))) for it in items
    ]
    _discount(state, quote, lines, Totals(lines=lines))
    return sum((ln.discount for ln in lines), Decimal(0))


def collect(state: State, quote: Row, items: list[Row]) -> Totals:
    """Totals of ``items`` (top-level quote items) for ``quote``'s addresses, coupon and method."""
    lines = [
        LineTotals(item=it, row_total=cents(dec(it["price"]) * dec(it["qty"]))) for it in items
    ]
    totals = Totals(lines=lines)
    totals.subtotal = sum((ln.row_total for ln in lines), Decimal(0))
    totals.qty = sum((dec(it["qty"]) for it in items), Decimal(0))
    totals.weight = sum((dec(it.get("weight")) * dec(it["qty"]) for it in items), Decimal(0))
    method = quote.get("shipping_method")
    if method:
        # Free shipping is judged on the package value with the item discounts taken off.
        off = item_discount(state, quote, items)
        options = shipping_options(state, totals.subtotal, off, totals.qty)
        totals.shipping = options.get(method, Decimal(0))
    _discount(state, quote, lines, totals)
    address = quote.get("shipping_address") or quote.get("billing_address") or {}
    rate = sales_tax.rate_for(
        state, address.get("country_id"), address.get("region_id"), address.get("postcode")
    )
    totals.rate = rate
    percent = dec(rate["rate"]) if rate else Decimal(0)
    taxed = DeltaRounder()
    gross = DeltaRounder()
    for ln in lines:
        ln.rate = rate
        ln.tax_percent = percent
        ln.tax = taxed.round((ln.row_total - ln.discount) * percent / 100)
        ln.row_total_incl_tax = ln.row_total + gross.round(ln.row_total * percent / 100)
        qty = dec(ln.item["qty"])
        ln.price_incl_tax = cents(ln.row_total_incl_tax / qty) if qty else Decimal(0)
    totals.shipping_tax = taxed.round((totals.shipping - totals.shipping_discount) * percent / 100)
    totals.shipping_incl_tax = totals.shipping + gross.round(totals.shipping * percent / 100)
    totals.discount = sum((ln.discount for ln in lines), Decimal(0)) + totals.shipping_discount
    totals.tax = sum((ln.tax for ln in lines), Decimal(0)) + totals.shipping_tax
    totals.subtotal_incl_tax = sum((ln.row_total_incl_tax for ln in lines), Decimal(0))
    totals.grand_total = max(
        totals.subtotal - totals.discount + totals.shipping + totals.tax, Decimal(0)
    )
    return totals


def applied_taxes(totals: Totals) -> list[dict[str, Any]]:
    """``extension_attributes.applied_taxes`` of an order (empty when untaxed)."""
    from magodoo.testing._magento.sales_money import num

    if totals.rate is None or not totals.tax:
        return []
    return [
        {
            "code": totals.rate["code"],
            "title": sales_tax.rate_title(totals.rate),
            "percent": num(totals.rate["rate"]),
            "amount": num(totals.tax),
            "base_amount": num(totals.tax),
        }
    ]
