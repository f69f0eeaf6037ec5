"""Pure mappers: a typed record of one side and a small context in, the other side's values
out. No I/O here; the engine resolves what a mapper needs (bindings, country ids) first."""

from __future__ import annotations

from magodoo.mapping.categories import CategoryContext, CategoryValues, category_to_magento
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
    "OrderContext",
    "OrderValues",
    "PartnerContext",
    "PartnerValues",
    "PriceContext",
    "PriceValues",
    "ProductStock",
    "StockContext",
    "StockValues",
    "TaxContext",
    "TaxValues",
    "Tier",
    "category_to_magento",
    "customer_to_partner",
    "order_to_sale",
    "product_price",
    "stock_to_magento",
    "tax_rate_to_tax",
]
