"""One reconciler per entity family, in an explicit list (no discovery, as the engine's
handlers).

A reconciler is a :class:`Reconciler`: the entity it checks, the direction the sync takes it
(which side is the source of truth), the fields it compares, and an async generator
``compare(scope, tally)`` that reads both sides in pages and yields
:class:`~magodoo.reconcile.Difference` records, counting the pairs it compared in ``tally``.
A new entity family is one small module defining ``RECONCILER`` and one line in
:func:`default_reconcilers`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import attrs

from magodoo.backends import Direction, Stores
from magodoo.exceptions import ConfigurationError
from magodoo.reconcile._difference import Difference
from magodoo.reconcile._ports import MagentoReader, OdooReader
from magodoo.settings import ENTITIES, Settings

__all__ = ["Reconciler", "Reconcilers", "Scope", "Tally", "default_reconcilers"]


@attrs.frozen
class Scope:
    """What a reconciler reads: both servers, the stores, the settings, the page size."""

    magento: MagentoReader
    odoo: OdooReader
    stores: Stores
    settings: Settings
    page_size: int = 100
    registry: Any = None
    """The engine's handler registry (:class:`~magodoo.engine.registry.Registry`): reconcilers
    that go through the sync's own handler find it here."""

    @property
    def backend(self) -> str:
        return self.settings.backend


@attrs.define
class Tally:
    """The records a reconciler compared, and those found differing (by source id)."""

    compared: int = 0
    differing: set[str] = attrs.field(factory=set)

    def differ(self, key: object) -> None:
        self.differing.add(str(key))

    @property
    def agreeing(self) -> int:
        return max(0, self.compared - len(self.differing))


Compare = Callable[[Scope, Tally], AsyncIterator[Difference]]


@attrs.frozen
class Reconciler:
    """How to reconcile one entity family."""

    entity: str
    direction: Direction
    """The direction the sync takes this entity: its source is the source of truth."""
    compare: Compare
    fields: tuple[str, ...] = ()
    """The fields compared (for the docs and ``magodoo reconcile --help``)."""
    direction_of: Callable[[Settings], Direction] | None = None
    """When the settings choose the source of truth (an entity synced both ways): the
    direction in force for these settings (``direction`` otherwise)."""
    by_hand: Callable[[Difference], str | None] | None = None
    """Why a sync cannot put this difference right (e.g. a posted invoice's amounts are never
    rewritten): a repair lists it as ``none`` with this reason. ``None``: a sync can."""

    def direction_for(self, settings: Settings) -> Direction:
        return self.direction if self.direction_of is None else self.direction_of(settings)

    def source_for(self, settings: Settings) -> str:
        """``magento`` or ``odoo``: the source of truth under these settings."""
        return side(self.direction_for(settings))

    @property
    def source_of_truth(self) -> str:
        return side(self.direction)


def side(direction: Direction) -> str:
    """The side a direction syncs from."""
    return "magento" if direction is Direction.MAGENTO_TO_ODOO else "odoo"


@attrs.define
class Reconcilers:
    """Reconcilers by entity, in the engine's dependency order (``settings.ENTITIES``)."""

    _items: dict[str, Reconciler] = attrs.field(factory=dict)

    def register(self, reconciler: Reconciler) -> Reconciler:
        self._items[reconciler.entity] = reconciler
        return reconciler

    def get(self, entity: str) -> Reconciler:
        try:
            return self._items[entity]
        except KeyError:
            raise ConfigurationError(
                f"no reconciler for {entity!r}; what can be reconciled: "
                f"{', '.join(self.entities()) or 'nothing'}") from None

    def entities(self) -> list[str]:
        known = [e for e in ENTITIES if e in self._items]
        return known + [e for e in self._items if e not in ENTITIES]

    def select(self, entities: Iterable[str] | None) -> list[Reconciler]:
        """The reconcilers of ``entities`` (all when ``None``), in dependency order."""
        if entities is None:
            return [self._items[e] for e in self.entities()]
        wanted = list(dict.fromkeys(entities))
        for name in wanted:
            self.get(name)
        return [self._items[e] for e in self.entities() if e in wanted]

    def __contains__(self, entity: object) -> bool:
        return entity in self._items


def default_reconcilers() -> Reconcilers:
    """The built-in reconcilers (one line per entity family)."""
    from magodoo.reconcile import (
        _attributes,
        _categories,
        _credit_memos,
        _customers,
        _invoices,
        _orders,
        _prices,
        _products,
        _shipments,
        _stock,
        _store_structure,
    )
    from magodoo.reconcile._generic import values_reconciler

    out = Reconcilers()
    for kept in (_store_structure.WEBSITES, _store_structure.STORES,
                 _store_structure.ATTRIBUTE_SETS):
        out.register(kept)
    for module in (_categories, _attributes, _customers, _products, _prices, _stock, _orders):
        out.register(module.RECONCILER)
    for family in (_invoices, _credit_memos, _shipments):
        out.register(family.RECONCILER)
    out.register(values_reconciler("tax_rates", (
        "name", "amount", "amount_type", "type_tax_use", "price_include_override",
        "country_id", "invoice_label", "description")))
    return out
