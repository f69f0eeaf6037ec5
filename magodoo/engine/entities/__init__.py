"""The entity handlers magodoo ships (registered explicitly by ``default_registry``)."""

from __future__ import annotations

from magodoo.engine.entities.categories import CategoryExporter
from magodoo.engine.entities.customers import CustomerImporter

__all__ = ["CategoryExporter", "CustomerImporter"]
