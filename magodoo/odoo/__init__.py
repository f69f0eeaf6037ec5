"""The typed async Odoo client (JSON-RPC and JSON-2), domains and typed records.

::

    async with OdooClient(url, "magodoo", "admin", api_key=key) as odoo:
        async for partner in odoo.search_read(Partner, F("is_company") == True):
            ...
"""

from __future__ import annotations

from magodoo.odoo.client import OdooClient, ProtocolName
from magodoo.odoo.domain import AND, NOT, OR, Domain, DomainError, F
from magodoo.odoo.json2 import Json2Transport
from magodoo.odoo.jsonrpc import JsonRpcTransport
from magodoo.odoo.models import (
    ALL_MODELS,
    Country,
    CountryState,
    Currency,
    DeliveryCarrier,
    Invoice,
    InvoiceLine,
    LoadMessage,
    LoadResult,
    OdooRecord,
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
    Ref,
    SaleOrder,
    SaleOrderLine,
    StockMove,
    Tax,
    TemplateAttributeLine,
    TemplateAttributeValue,
    Warehouse,
)
from magodoo.odoo.paging import PageReader, keyset_pages
from magodoo.odoo.transport import OdooCall, OdooTransport

__all__ = [
    "ALL_MODELS",
    "AND",
    "NOT",
    "OR",
    "Country",
    "CountryState",
    "Currency",
    "DeliveryCarrier",
    "Domain",
    "DomainError",
    "F",
    "Invoice",
    "InvoiceLine",
    "Json2Transport",
    "JsonRpcTransport",
    "LoadMessage",
    "LoadResult",
    "OdooCall",
    "OdooClient",
    "OdooRecord",
    "OdooTransport",
    "PageReader",
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
    "ProtocolName",
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
    "keyset_pages",
]
