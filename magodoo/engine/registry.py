"""The explicit list of entity handlers: no discovery, no metaclass."""

from __future__ import annotations

import re
from typing import Any

import attrs

from magodoo.backends.models import Direction
from magodoo.engine.handler import Handler
from magodoo.exceptions import ConfigurationError
from magodoo.settings import ENTITIES

__all__ = ["Registry", "default_registry"]

AnyHandler = Handler[Any, Any]

_NAME = re.compile(r"[a-z][a-z0-9_]*")


@attrs.define
class Registry:
    """Handlers by (entity, direction).

    Any entity name that is a plain identifier (``^[a-z][a-z0-9_]*$``) can be registered: the
    built-in ones (``settings.ENTITIES``) and custom ones a project adds.
    """

    _handlers: dict[tuple[str, Direction], AnyHandler] = attrs.field(factory=dict)

    def register(self, handler: AnyHandler) -> AnyHandler:
        """Add (or replace) the handler of its entity and direction."""
        name = getattr(handler, "entity", None)
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ConfigurationError(
                f"entity type {name!r}: must be a plain identifier ([a-z][a-z0-9_]*)"
            )
        self._handlers[(name, handler.direction)] = handler
        return handler

    def get(self, entity: str, direction: Direction) -> AnyHandler:
        try:
            return self._handlers[(entity, direction)]
        except KeyError:
            raise ConfigurationError(
                f"no handler syncs {entity!r} in direction {direction.value!r}; "
                f"what can be synced: {self.describe()}"
            ) from None

    def directions(self, entity: str) -> list[Direction]:
        """The directions an entity type syncs in (``[]`` when no handler knows it)."""
        return [d for d in Direction if (entity, d) in self._handlers]

    def describe(self) -> str:
        """What can be synced, with directions: ``"categories (o2m), customers (m2o)"``."""
        names = sorted(self.entities())
        return ", ".join(
            f"{name} ({'/'.join(d.value for d in self.directions(name))})" for name in names
        ) or "nothing (no handler registered)"

    def ordered(self, direction: Direction) -> list[AnyHandler]:
        """The handlers of one direction: the built-in entities in dependency order
        (``settings.ENTITIES``), then the custom ones in registration order."""
        found = [h for (_, d), h in self._handlers.items() if d is direction]
        built_in = sorted((h for h in found if h.entity in ENTITIES),
                          key=lambda h: ENTITIES.index(h.entity))
        return built_in + [h for h in found if h.entity not in ENTITIES]

    def entities(self) -> set[str]:
        """The entity names that have a handler (in either direction)."""
        return {entity for entity, _ in self._handlers}

    def __contains__(self, key: object) -> bool:
        return key in self._handlers

    def __len__(self) -> int:
        return len(self._handlers)


def default_registry() -> Registry:
    """The handlers magodoo ships."""
    from magodoo.engine.entities.catalog import (
        AttributeExporter,
        AttributeSetImporter,
        CategoryImporter,
        CategoryTranslationExporter,
        ImageExporter,
        OptionTranslationExporter,
        ProductExporter,
        StoreViewImporter,
        TranslationExporter,
        WebsiteImporter,
    )
    from magodoo.engine.entities.categories import CategoryExporter
    from magodoo.engine.entities.customers import CustomerImporter
    from magodoo.engine.entities.prices import PriceExporter
    from magodoo.engine.entities.sales import (
        CreditMemoImporter,
        InvoiceImporter,
        OrderImporter,
        OrderStatusExporter,
        ShipmentExporter,
        TaxRateImporter,
    )
    from magodoo.engine.entities.stock import StockExporter, StockTransferListener

    registry = Registry()
    registry.register(CustomerImporter())
    registry.register(TaxRateImporter())
    registry.register(OrderImporter())
    registry.register(InvoiceImporter())
    registry.register(CreditMemoImporter())
    registry.register(OrderStatusExporter())
    registry.register(ShipmentExporter())
    registry.register(CategoryExporter())
    registry.register(PriceExporter())
    registry.register(StockExporter())
    registry.register(StockTransferListener())
    registry.register(WebsiteImporter())
    registry.register(StoreViewImporter())
    registry.register(AttributeSetImporter())
    registry.register(CategoryImporter())
    registry.register(AttributeExporter())
    registry.register(ProductExporter())
    registry.register(ImageExporter())
    registry.register(TranslationExporter())
    registry.register(CategoryTranslationExporter())
    registry.register(OptionTranslationExporter())
    return registry
