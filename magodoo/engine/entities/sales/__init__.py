"""The sales handlers: tax rates, orders (Magento -> Odoo) and order status (both ways),
invoices and credit memos (Magento -> Odoo) and shipments (Odoo -> Magento)."""

from __future__ import annotations

from magodoo.engine.entities.sales.credit_memos import CreditMemoImporter
from magodoo.engine.entities.sales.invoices import InvoiceImporter
from magodoo.engine.entities.sales.order_status import OrderStatusExporter
from magodoo.engine.entities.sales.orders import OrderImporter
from magodoo.engine.entities.sales.shipments import ShipmentExporter
from magodoo.engine.entities.sales.tax_rates import TaxRateImporter

__all__ = ["CreditMemoImporter", "InvoiceImporter", "OrderImporter", "OrderStatusExporter",
           "ShipmentExporter", "TaxRateImporter"]
