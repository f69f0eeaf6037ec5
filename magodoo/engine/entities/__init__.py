"""The entity handlers magodoo ships (registered explicitly by ``default_registry``)."""

from __future__ import annotations

from magodoo.engine.entities.categories import CategoryExporter
from magodoo.engine.entities.customers import CustomerImporter
from magodoo.engine.entities.prices import PriceExporter
from magodoo.engine.entities.sales import OrderImporter, OrderStatusExporter, TaxRateImporter
from magodoo.engine.entities.stock import StockExporter, StockTransferListener

__all__ = [
    "CategoryExporter",
    "CustomerImporter",
    "OrderImporter",
    "OrderStatusExporter",
    "PriceExporter",
    "StockExporter",
    "StockTransferListener",
    "TaxRateImporter",
]
