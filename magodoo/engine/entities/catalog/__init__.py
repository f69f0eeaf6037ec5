"""Catalog handlers: store structure and attribute sets (Magento -> magodoo), attributes and
products (Odoo -> Magento)."""

from __future__ import annotations

from magodoo.engine.entities.catalog.attributes import AttributeExporter
from magodoo.engine.entities.catalog.category_import import CategoryImporter
from magodoo.engine.entities.catalog.images import ImageExporter
from magodoo.engine.entities.catalog.products import ProductExporter
from magodoo.engine.entities.catalog.structure import (
    AttributeSetImporter,
    StoreViewImporter,
    WebsiteImporter,
    attribute_sets,
    store_views,
)
from magodoo.engine.entities.catalog.translations import TranslationExporter

__all__ = [
    "AttributeExporter",
    "AttributeSetImporter",
    "CategoryImporter",
    "ImageExporter",
    "ProductExporter",
    "StoreViewImporter",
    "TranslationExporter",
    "WebsiteImporter",
    "attribute_sets",
    "store_views",
]
