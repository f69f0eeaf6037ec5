"""The sales handlers: tax rates, orders (Magento -> Odoo) and order status (both ways)."""

from __future__ import annotations

from magodoo.engine.entities.sales.order_status import OrderStatusExporter
from magodoo.engine.entities.sales.orders import OrderImporter
from magodoo.engine.entities.sales.tax_rates import TaxRateImporter

__all__ = ["OrderImporter", "OrderStatusExporter", "TaxRateImporter"]
