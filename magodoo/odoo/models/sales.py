"""Sale orders, their lines, and delivery methods."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from magodoo.odoo.models._base import OdooRecord, Ref, record

__all__ = ["DeliveryCarrier", "SaleOrder", "SaleOrderLine"]


@record
@attrs.frozen(kw_only=True)
class SaleOrder(OdooRecord):
    """A quotation or order (``state`` draft/sent/sale/cancel). ``action_confirm`` resets
    ``date_order``: write it back afterwards."""

    MODEL: ClassVar[str] = "sale.order"
    READONLY: ClassVar[frozenset[str]] = frozenset({
        "amount_tax", "amount_total", "amount_untaxed", "currency_id", "delivery_status",
        "invoice_ids", "invoice_status", "state", "write_date",
    })

    id: int = 0
    name: str | None = None
    state: str | None = None
    partner_id: Ref | None = None
    partner_invoice_id: Ref | None = None
    partner_shipping_id: Ref | None = None
    client_order_ref: str | None = None
    origin: str | None = None
    date_order: datetime | None = None
    carrier_id: Ref | None = None
    order_line: tuple[int, ...] = ()
    amount_untaxed: float = 0.0
    amount_tax: float = 0.0
    amount_total: float = 0.0
    currency_id: Ref | None = None
    pricelist_id: Ref | None = None
    company_id: Ref | None = None
    invoice_status: str | None = None
    delivery_status: str | None = None
    locked: bool = False
    picking_ids: tuple[int, ...] = ()
    invoice_ids: tuple[int, ...] = ()
    note: str | None = None
    write_date: datetime | None = None


@record
@attrs.frozen(kw_only=True)
class SaleOrderLine(OdooRecord):
    """An order line. Write ``price_unit`` along with ``product_uom_qty`` (a qty-only write resets
    the price); a shipping line has ``is_delivery=True``."""

    MODEL: ClassVar[str] = "sale.order.line"
    READONLY: ClassVar[frozenset[str]] = frozenset({
        "price_subtotal", "price_tax", "price_total", "qty_invoiced", "qty_to_invoice",
        "write_date",
    })

    id: int = 0
    order_id: Ref | None = None
    sequence: int = 0
    display_type: str | None = None
    product_id: Ref | None = None
    name: str | None = None
    product_uom_qty: float = 0.0
    price_unit: float = 0.0
    discount: float = 0.0
    tax_id: tuple[int, ...] = ()
    is_delivery: bool = False
    price_subtotal: float = 0.0
    price_tax: float = 0.0
    price_total: float = 0.0
    qty_delivered: float = 0.0
    qty_invoiced: float = 0.0
    qty_to_invoice: float = 0.0
    write_date: datetime | None = None


@record
@attrs.frozen(kw_only=True)
class DeliveryCarrier(OdooRecord):
    """A shipping method; order shipping lines use its ``product_id``."""

    MODEL: ClassVar[str] = "delivery.carrier"

    id: int = 0
    name: str
    delivery_type: str | None = None
    product_id: Ref | None = None
    fixed_price: float = 0.0
    active: bool = True
    is_published: bool = False
