"""What the Odoo -> Magento reconcilers keyed by SKU share: the engine handler's own reads and
mapper (the same as the sync), money and quantity tolerances, the bindings pass."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import attrs

from magodoo.backends import Direction, Trigger
from magodoo.engine.echo import EchoGuard
from magodoo.engine.handler import Context
from magodoo.engine.result import SyncResult
from magodoo.reconcile._difference import Difference
from magodoo.reconcile._registry import Scope

__all__ = ["gone_variants", "handler_context", "money", "quantity"]

CENT = Decimal("0.01")


async def _no_dependencies(entity: str, direction: Direction, keys: Any) -> SyncResult:
    """A reconciliation only reads: the dependencies a handler asks for are not synced (the
    mapper sees the bindings as they are)."""
    return SyncResult(entity=entity, direction=direction, dry_run=True)


def handler_context(scope: Scope) -> Context:
    """A read-only handler context (a dry run) over the scope, to call a handler's ``fetch``,
    ``prepare`` and ``map`` exactly as the sync does."""
    settings = attrs.evolve(scope.settings, batch_size=scope.page_size)  # the handler's pages
    return Context(magento=scope.magento, odoo=scope.odoo, stores=scope.stores,
                   settings=settings, echo=EchoGuard(), trigger=Trigger.MANUAL,
                   dry_run=True, ensure=_no_dependencies)


def money(value: Any, step: Decimal = CENT) -> Decimal | None:
    """A price as the currency keeps it: rounded half up to the cent (``step``)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return None


def quantity(value: Any) -> float | None:
    """A quantity to four decimals (what the sync sends), ``None`` when there is none."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return round(float(value), 4) + 0.0
    except (TypeError, ValueError):
        return None


async def gone_variants(
    scope: Scope, entity: str, domain: list[Any]
) -> AsyncIterator[Difference]:
    """Bindings whose Odoo variant is gone (or out of ``domain``, e.g. it lost its SKU): the
    SKU is only in Magento now."""
    after: int | None = None
    size = scope.page_size
    while page := await scope.stores.bindings.list_bindings(scope.backend, entity,
                                                            after_id=after, limit=size):
        after = page[-1].id
        rows = await scope.odoo.search_read_page(
            "product.product", [("id", "in", sorted({b.odoo_id for b in page})), *domain],
            ["id"])
        present = {int(r["id"]) for r in rows}
        for binding in page:
            if binding.odoo_id not in present:
                yield Difference(entity, "missing_in_odoo", binding.magento_id, binding.odoo_id)
        if len(page) < size:
            return
