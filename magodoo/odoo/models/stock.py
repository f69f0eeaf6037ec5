"""Deliveries, stock moves, quants and warehouses."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from magodoo.odoo.models._base import OdooRecord, Ref, record

__all__ = ["Picking", "Quant", "StockMove", "Warehouse"]


@record
@attrs.frozen(kw_only=True)
class Picking(OdooRecord):
    """A transfer (delivery order). Validate with ``button_validate`` and ``skip_sms=True``."""

    MODEL: ClassVar[str] = "stock.picking"
    READONLY: ClassVar[frozenset[str]] = frozenset({
        "backorder_id", "carrier_tracking_url", "date_done", "name", "state", "write_date",
    })

    id: int = 0
    name: str | None = None
    state: str | None = None
    origin: str | None = None
    partner_id: Ref | None = None
    picking_type_id: Ref | None = None
    carrier_id: Ref | None = None
    carrier_tracking_ref: str | None = None
    carrier_tracking_url: str | None = None
    move_ids: tuple[int, ...] = ()
    backorder_id: Ref | None = None
    sale_id: Ref | None = None
    scheduled_date: datetime | None = None
    date_done: datetime | None = None
    write_date: datetime | None = None


@record
@attrs.frozen(kw_only=True)
class StockMove(OdooRecord):
    """A move of a picking: set ``quantity`` and ``picked=True`` to ship part of it."""

    MODEL: ClassVar[str] = "stock.move"
    READONLY: ClassVar[frozenset[str]] = frozenset({"state"})

    id: int = 0
    picking_id: Ref | None = None
    product_id: Ref | None = None
    product_uom_qty: float = 0.0
    quantity: float = 0.0
    picked: bool = False
    state: str | None = None
    sale_line_id: Ref | None = None


@record
@attrs.frozen(kw_only=True)
class Quant(OdooRecord):
    """Stock of a product in a location. Count with ``inventory_quantity`` (``inventory_mode``
    context) and ``action_apply_inventory``; never write ``quantity``."""

    MODEL: ClassVar[str] = "stock.quant"
    READONLY: ClassVar[frozenset[str]] = frozenset({"quantity", "reserved_quantity", "write_date"})

    id: int = 0
    product_id: Ref | None = None
    location_id: Ref | None = None
    quantity: float = 0.0
    reserved_quantity: float = 0.0
    inventory_quantity: float = 0.0
    inventory_quantity_set: bool = False
    write_date: datetime | None = None


@record
@attrs.frozen(kw_only=True)
class Warehouse(OdooRecord):
    """A warehouse; ``lot_stock_id`` is its stock location."""

    MODEL: ClassVar[str] = "stock.warehouse"
    READONLY: ClassVar[frozenset[str]] = frozenset({"company_id"})

    id: int = 0
    name: str
    code: str | None = None
    lot_stock_id: Ref | None = None
    company_id: Ref | None = None
    active: bool = True
