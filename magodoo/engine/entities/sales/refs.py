"""The Odoo orders of Magento orders, as the invoices and shipments handlers need them.

One read of the orders, one search of their lines, one Magento search for the orders' item ids
and payment and shipping methods: per page, never per document.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from magodoo.engine.entities.sales.lookups import Lookups
from magodoo.engine.handler import Context
from magodoo.magento.models_sales import Order
from magodoo.magento.search import SearchCriteria
from magodoo.mapping.invoicing import SaleLineRef, SaleOrderRef
from magodoo.mapping.sales import (
    TaxRef,
    carrier_code,
    carrier_title,
    payment_code,
    product_item_ids,
)

__all__ = ["load_sale_orders"]

ORDER_FIELDS = ["id", "name", "partner_invoice_id", "partner_shipping_id"]
TAX_FIELDS = ["id", "amount", "amount_type", "price_include"]
LINE_FIELDS = ["id", "order_id", "product_id", "name", "price_unit", "discount", "tax_id",
               "is_delivery", "sequence", "display_type"]


def _m2o(value: Any) -> int | None:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    return int(value) if value else None


async def magento_orders(ctx: Context, ids: Iterable[int]) -> dict[int, Order]:
    """The Magento orders with these entity ids, in one search."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    criteria = SearchCriteria().where("entity_id", wanted, "in").page(len(wanted), 1)
    page = await ctx.magento.search_orders(criteria)
    return {int(o.entity_id): o for o in page.items if o.entity_id is not None}


async def load_sale_orders(
    ctx: Context, pairs: dict[int, int], lookups: Lookups | None = None,
) -> dict[int, SaleOrderRef]:
    """``pairs``: Magento order id -> Odoo order id. The refs come back by Magento order id
    (orders missing on either side are left out)."""
    if not pairs:
        return {}
    orders = await magento_orders(ctx, pairs)
    odoo_ids = sorted(set(pairs.values()))
    rows = {int(r["id"]): r for r in await ctx.odoo.read("sale.order", odoo_ids, ORDER_FIELDS)}
    lines: dict[int, list[dict[str, Any]]] = {}
    for row in await ctx.odoo.search_read_page(
            "sale.order.line", [("order_id", "in", odoo_ids)], LINE_FIELDS, order="id"):
        if row.get("display_type"):
            continue
        order_id = _m2o(row.get("order_id"))
        if order_id is not None:
            lines.setdefault(order_id, []).append(row)
    if lookups is not None:
        await lookups.load_payments(ctx, list(orders.values()))
    tax_ids = sorted({int(t) for rows_ in lines.values() for ln in rows_
                      for t in ln.get("tax_id") or ()})
    taxes: dict[int, TaxRef] = {}
    if tax_ids:
        for tax in await ctx.odoo.read("account.tax", tax_ids, TAX_FIELDS):
            taxes[int(tax["id"])] = TaxRef(int(tax["id"]), float(tax.get("amount") or 0.0),
                                           bool(tax.get("price_include")),
                                           str(tax.get("amount_type") or "percent"))
    out: dict[int, SaleOrderRef] = {}
    for magento_id, odoo_id in pairs.items():
        order, head = orders.get(magento_id), rows.get(odoo_id)
        if order is None or head is None:  # gone on one side: the mapper names it
            continue
        refs = tuple(
            SaleLineRef(line_id=int(ln["id"]), product_id=_m2o(ln.get("product_id")),
                        name=str(ln.get("name") or ""), price_unit=float(ln.get("price_unit")
                                                                        or 0.0),
                        discount=float(ln.get("discount") or 0.0),
                        taxes=tuple(taxes[int(t)] for t in ln.get("tax_id") or ()
                                    if int(t) in taxes),
                        is_delivery=bool(ln.get("is_delivery")))
            for ln in sorted(lines.get(odoo_id, []),
                             key=lambda ln: (int(ln.get("sequence") or 10), int(ln["id"]))))
        journal = None
        code = payment_code(order)
        if lookups is not None and code and code in lookups.payments:
            journal = lookups.payments[code].journal_id
        out[magento_id] = SaleOrderRef(
            order_id=odoo_id, name=str(head.get("name") or odoo_id),
            partner_invoice_id=_m2o(head.get("partner_invoice_id")),
            partner_shipping_id=_m2o(head.get("partner_shipping_id")), lines=refs,
            item_ids=product_item_ids(order), journal_id=journal,
            carrier_code=(carrier_code(order) or "").split("_", 1)[0] or None,
            carrier_title=carrier_title(order) if carrier_code(order) else None,
        )
    return out
