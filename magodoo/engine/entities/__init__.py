"""The entity handlers magodoo ships (registered explicitly by ``default_registry``)."""

from __future__ import annotations

from magodoo.engine.entities.categories import CategoryExporter
from magodoo.engine.entities.customers import CustomerImporter
from magodoo.engine.entities.prices import PriceExporter
from magodoo.engine.entities.sales import (
    CreditMemoImporter,
    InvoiceImporter,
    OrderImporter,
    OrderStatusExporter,
    ShipmentExporter,
    TaxRateImporter,
)
from magodoo.engine.entities.stock import StockExporter, StockTransferListener

__all__ = [
    "CategoryExporter",
    "CreditMemoImporter",
    "CustomerImporter",
    "InvoiceImporter",
    "OrderImporter",
    "OrderStatusExporter",
    "PriceExporter",
    "ShipmentExporter",
    "StockExporter",
    "StockTransferListener",
    "TaxRateImporter",
]
