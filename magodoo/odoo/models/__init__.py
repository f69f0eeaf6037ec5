"""Typed Odoo records: one ``@attrs.frozen`` class per model, read with ``from_api``."""

from __future__ import annotations

from magodoo.odoo.models._base import OdooRecord, Ref
from magodoo.odoo.models.accounting import (
    Invoice,
    InvoiceLine,
    Payment,
    PaymentMethod,
    PaymentProvider,
    Tax,
)
from magodoo.odoo.models.catalog import (
    ProductAttribute,
    ProductAttributeValue,
    ProductCategory,
    ProductProduct,
    ProductTemplate,
    PublicCategory,
    TemplateAttributeLine,
    TemplateAttributeValue,
)
from magodoo.odoo.models.countries import Country, CountryState, Currency
from magodoo.odoo.models.load import LoadMessage, LoadResult
from magodoo.odoo.models.partners import Partner
from magodoo.odoo.models.sales import DeliveryCarrier, SaleOrder, SaleOrderLine
from magodoo.odoo.models.stock import Picking, Quant, StockMove, Warehouse

__all__ = [
    "ALL_MODELS",
    "Country",
    "CountryState",
    "Currency",
    "DeliveryCarrier",
    "Invoice",
    "InvoiceLine",
    "LoadMessage",
    "LoadResult",
    "OdooRecord",
    "Partner",
    "Payment",
    "PaymentMethod",
    "PaymentProvider",
    "Picking",
    "ProductAttribute",
    "ProductAttributeValue",
    "ProductCategory",
    "ProductProduct",
    "ProductTemplate",
    "PublicCategory",
    "Quant",
    "Ref",
    "SaleOrder",
    "SaleOrderLine",
    "StockMove",
    "Tax",
    "TemplateAttributeLine",
    "TemplateAttributeValue",
    "Warehouse",
]

ALL_MODELS: tuple[type[OdooRecord], ...] = (
    Country,
    CountryState,
    Currency,
    DeliveryCarrier,
    Invoice,
    InvoiceLine,
    Partner,
    Payment,
    PaymentMethod,
    PaymentProvider,
    Picking,
    ProductAttribute,
    ProductAttributeValue,
    ProductCategory,
    ProductProduct,
    ProductTemplate,
    PublicCategory,
    Quant,
    SaleOrder,
    SaleOrderLine,
    StockMove,
    Tax,
    TemplateAttributeLine,
    TemplateAttributeValue,
    Warehouse,
)
"""Every typed record class."""
