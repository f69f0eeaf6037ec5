"""Odoo stock per warehouse -> Magento source items or stock items (pure).

Each storable variant's quantity in each Odoo warehouse mapped to a Magento source (setting
``stock.sources``, warehouse code -> source code; empty: ``defaults.warehouse`` -> ``default``)
becomes one MSI source item ``{sku, source_code, quantity, status}``; warehouses mapped to the
same source add up. The quantity is on hand (``qty_available``, the default, as the seed) or
free to use (``free_qty``), setting ``stock.quantity``. A negative quantity (Odoo allows
negative stock) is sent as 0. The status follows the quantity: in stock (1) above 0, out of
stock (0) otherwise. A store without Multi-Source Inventory gets one legacy stock item per SKU
(``qty``, ``is_in_stock``) with the sum of the mapped warehouses. Backorder and manage-stock
flags are never sent. ``docs/mapping/stock.md`` is the field table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal
from urllib.parse import quote

import attrs

from magodoo.exceptions import MappingError
from magodoo.mapping.prices import clean_sku

__all__ = [
    "DEFAULT_SOURCE",
    "ENTITY",
    "ProductStock",
    "SourceQuantity",
    "StockContext",
    "StockValues",
    "sku_segment",
    "source_map",
    "stock_to_magento",
]

ENTITY = "stock"
DEFAULT_SOURCE = "default"
DECIMALS = 4

Quantity = Literal["on_hand", "free"]


@attrs.frozen
class ProductStock:
    """A storable variant's quantities as read from Odoo: per warehouse code, on hand
    (``qty_available``) and free (``free_qty``) in the context of that warehouse."""

    odoo_id: int
    default_code: str | None
    on_hand: Mapping[str, float] = attrs.field(factory=dict)
    free: Mapping[str, float] = attrs.field(factory=dict)
    write_date: datetime | None = None
    """The latest change seen: the product's ``write_date``, or of its moves and quants."""


@attrs.frozen
class StockContext:
    """``sources``: Odoo warehouse code -> Magento source code; ``quantity``: which Odoo
    figure; ``msi``: the store has Multi-Source Inventory."""

    sources: Mapping[str, str] = attrs.field(factory=lambda: {"WH": DEFAULT_SOURCE})
    quantity: Quantity = "on_hand"
    msi: bool = True


@attrs.frozen
class SourceQuantity:
    source_code: str
    quantity: float
    status: int


@attrs.frozen
class StockValues:
    """A variant's stock, mapped: its source items (MSI) and its legacy stock item."""

    odoo_id: int
    sku: str
    items: tuple[SourceQuantity, ...]
    msi: bool = True

    def source_items(self) -> list[dict[str, Any]]:
        """The ``sourceItems[]`` rows of ``POST /V1/inventory/source-items``."""
        return [{"sku": self.sku, "source_code": i.source_code, "quantity": i.quantity,
                 "status": i.status} for i in self.items]

    def stock_item(self) -> dict[str, Any]:
        """The ``stockItem`` of ``PUT /V1/products/{sku}/stockItems/{id}``: quantity and
        status only (never backorders or manage stock)."""
        qty = round(sum(i.quantity for i in self.items), DECIMALS)
        return {"qty": qty, "is_in_stock": qty > 0}

    def hashable(self) -> dict[str, Any]:
        if self.msi:
            return {"source_items": [[i.source_code, i.quantity, i.status] for i in self.items]}
        return {"stock_item": self.stock_item()}


def source_map(sources: Mapping[str, str], default_warehouse: str) -> dict[str, str]:
    """The warehouse -> source mapping in force: the setting, or the default warehouse to the
    ``default`` source."""
    return dict(sources) if sources else {default_warehouse: DEFAULT_SOURCE}


def sku_segment(sku: str) -> str:
    """A SKU as one URL path segment (``"A B/C"`` -> ``"A%20B%2FC"``)."""
    return quote(sku, safe="")


def _quantity(value: Any, *, record: int, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MappingError(f"quantity {value!r} is not a number", entity=ENTITY, record=record,
                           field=field)
    number = float(value)
    if not math.isfinite(number):
        raise MappingError(f"quantity {value!r} is not a number", entity=ENTITY, record=record,
                           field=field)
    return number


def stock_to_magento(product: ProductStock, ctx: StockContext) -> StockValues:
    """Map one variant's quantities (a warehouse the product has no stock in counts 0)."""
    sku = clean_sku(product.default_code, entity=ENTITY, record=product.odoo_id)
    figures = product.on_hand if ctx.quantity == "on_hand" else product.free
    field = "qty_available" if ctx.quantity == "on_hand" else "free_qty"
    per_source: dict[str, float] = {}
    for warehouse, source in ctx.sources.items():
        qty = _quantity(figures.get(warehouse, 0.0), record=product.odoo_id,
                        field=f"{field}[{warehouse}]")
        per_source[source] = per_source.get(source, 0.0) + qty
    items = []
    for source in sorted(per_source):
        qty = round(max(0.0, per_source[source]), DECIMALS) + 0.0
        items.append(SourceQuantity(source, qty, 1 if qty > 0 else 0))
    return StockValues(odoo_id=product.odoo_id, sku=sku, items=tuple(items), msi=ctx.msi)
