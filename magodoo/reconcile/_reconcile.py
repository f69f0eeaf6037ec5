"""``reconcile(engine)``: every registered reconciler, one after the other, into a Report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from magodoo.reconcile._customers import MAX_PAGE, _check_page_size
from magodoo.reconcile._difference import Difference
from magodoo.reconcile._registry import Reconcilers, Scope, Tally, default_reconcilers
from magodoo.reconcile._report import EntityCount, Report

if TYPE_CHECKING:
    from magodoo.engine import SyncEngine

__all__ = ["MAX_PAGE", "reconcile"]


async def reconcile(
    engine: SyncEngine,
    entities: Iterable[str] | None = None,
    *,
    page_size: int = 100,
    reconcilers: Reconcilers | None = None,
) -> Report:
    """What differs between Magento and Odoo, entity family by entity family.

    ``engine`` gives the two servers, the stores and the settings (``conn.engine`` of
    :func:`magodoo.engine.connect`); ``entities`` limits the check (default: every entity a
    reconciler knows and the engine syncs, in the engine's dependency order). Each family is
    read in pages of ``page_size`` records (at most 300) on both sides, so memory follows the
    page and the differences found, not the size of the store. Only reads:
    :meth:`Report.repair` writes.
    """
    _check_page_size(page_size)
    chosen = (reconcilers or default_reconcilers()).select(entities)
    if entities is None and reconcilers is None:  # the entities this engine syncs
        synced = engine.registry.entities()
        chosen = [r for r in chosen if r.entity in synced]
    scope = Scope(magento=engine.magento, odoo=engine.odoo, stores=engine.stores,
                  settings=engine.settings, page_size=page_size, registry=engine.registry)
    differences: list[Difference] = []
    counts: list[EntityCount] = []
    for reconciler in chosen:
        tally = Tally()
        found = [d async for d in reconciler.compare(scope, tally)]
        kinds: Counter[str] = Counter(d.kind for d in found)
        in_flight = kinds.pop("in_flight", 0)
        counts.append(EntityCount(
            entity=reconciler.entity, source_of_truth=reconciler.source_for(engine.settings),
            compared=tally.compared, agreeing=tally.agreeing,
            differing=len(found) - in_flight, in_flight=in_flight, kinds=dict(kinds)))
        differences += found
    return Report(differences=tuple(differences), counts=tuple(counts),
                  sources={r.entity: r.source_for(engine.settings) for r in chosen},
                  by_hand={r.entity: r.by_hand for r in chosen if r.by_hand})
