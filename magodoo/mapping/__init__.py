"""Pure mappers: a typed record of one side and a small context in, the other side's values
out. No I/O here; the engine resolves what a mapper needs (bindings, country ids) first."""

from __future__ import annotations

from magodoo.mapping.categories import CategoryContext, CategoryValues, category_to_magento
from magodoo.mapping.invoicing import (
    CreditMemoContext,
    CreditNoteValues,
    InvoiceContext,
    InvoiceValues,
    ShipmentContext,
    ShipmentValues,
    creditmemo_to_refund,
    invoice_to_move,
    picking_to_shipment,
)
from magodoo.mapping.partners import (
    AddressValues,
    PartnerContext,
    PartnerValues,
    customer_to_partner,
)
from magodoo.mapping.prices import PriceContext, PriceValues, Tier, product_price
from magodoo.mapping.sales import OrderContext, OrderValues, order_to_sale
from magodoo.mapping.stock import ProductStock, StockContext, StockValues, stock_to_magento
from magodoo.mapping.taxes import TaxContext, TaxValues, tax_rate_to_tax

__all__ = [
    "AddressValues",
    "CategoryContext",
    "CategoryValues",
    "CreditMemoContext",
    "CreditNoteValues",
    "InvoiceContext",
    "InvoiceValues",
    "OrderContext",
    "OrderValues",
    "PartnerContext",
    "PartnerValues",
    "PriceContext",
    "PriceValues",
    "ProductStock",
    "ShipmentContext",
    "ShipmentValues",
    "StockContext",
    "StockValues",
    "TaxContext",
    "TaxValues",
    "Tier",
    "category_to_magento",
    "creditmemo_to_refund",
    "customer_to_partner",
    "invoice_to_move",
    "order_to_sale",
    "picking_to_shipment",
    "product_price",
    "stock_to_magento",
    "tax_rate_to_tax",
]
