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
from magodoo.mapping.stock import ProductStock, StockContext, StockValues, stock_to_magento

__all__ = [
    "AddressValues",
    "CategoryContext",
    "CategoryValues",
    "PartnerContext",
    "PartnerValues",
    "PriceContext",
    "PriceValues",
    "ProductStock",
    "StockContext",
    "StockValues",
    "Tier",
    "category_to_magento",
    "customer_to_partner",
    "product_price",
    "stock_to_magento",
]
