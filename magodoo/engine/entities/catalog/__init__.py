"""Catalog handlers: store structure and attribute sets (Magento -> magodoo), attributes and
products (Odoo -> Magento)."""

from __future__ import annotations

from magodoo.engine.entities.catalog.attributes import AttributeExporter
from magodoo.engine.entities.catalog.category_import import CategoryImporter
from magodoo.engine.entities.catalog.category_translations import CategoryTranslationExporter
from magodoo.engine.entities.catalog.images import ImageExporter
from magodoo.engine.entities.catalog.option_translations import OptionTranslationExporter
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
    "CategoryTranslationExporter",
    "ImageExporter",
    "OptionTranslationExporter",
    "ProductExporter",
    "StoreViewImporter",
    "TranslationExporter",
    "WebsiteImporter",
    "attribute_sets",
    "store_views",
]
