"""The explicit list of entity handlers: no discovery, no metaclass."""

from __future__ import annotations

from typing import Any

import attrs

from magodoo.backends.models import Direction
from magodoo.engine.handler import Handler
from magodoo.exceptions import ConfigurationError
from magodoo.settings import ENTITIES

__all__ = ["Registry", "default_registry"]

AnyHandler = Handler[Any, Any]


@attrs.define
class Registry:
    """Handlers by (entity, direction)."""

    _handlers: dict[tuple[str, Direction], AnyHandler] = attrs.field(factory=dict)

    def register(self, handler: AnyHandler) -> AnyHandler:
        """Add (or replace) the handler of its entity and direction."""
        if handler.entity not in ENTITIES:
            raise ConfigurationError(f"unknown entity type {handler.entity!r}")
        self._handlers[(handler.entity, handler.direction)] = handler
        return handler

    def get(self, entity: str, direction: Direction) -> AnyHandler:
        try:
            return self._handlers[(entity, direction)]
        except KeyError:
            raise ConfigurationError(
                f"no handler syncs {entity!r} in direction {direction.value!r}"
            ) from None

    def ordered(self, direction: Direction) -> list[AnyHandler]:
        """The handlers of one direction in dependency order (``settings.ENTITIES``)."""
        found = [h for (_, d), h in self._handlers.items() if d is direction]
        return sorted(found, key=lambda h: ENTITIES.index(h.entity))

    def __contains__(self, key: object) -> bool:
        return key in self._handlers

    def __len__(self) -> int:
        return len(self._handlers)


def default_registry() -> Registry:
    """The handlers magodoo ships."""
    from magodoo.engine.entities.categories import CategoryExporter
    from magodoo.engine.entities.customers import CustomerImporter

    registry = Registry()
    registry.register(CustomerImporter())
    registry.register(CategoryExporter())
    return registry
