"""Odoo stock per warehouse against Magento's source items (Odoo is the source of truth).

The variants and their quantities are read and mapped by the sync's own handler
(:class:`~magodoo.engine.entities.stock.StockExporter`: same warehouses, same pages, same
mapper); per page, Magento's source items of the page's SKUs are read with ``sku in (...)``
(200 SKUs a call). Quantities are compared to four decimals per mapped source, with the
status. A store without Multi-Source Inventory is read one stock item per SKU (Magento has no
bulk read of stock items).

In flight: when the Magento quantity exceeds Odoo's by exactly the SKU's open reservations
(orders placed in Magento and not shipped there yet: its quantity minus its salable quantity,
read for the differing SKUs only), the difference is ``in_flight``, not drift: Odoo shipped,
Magento will follow.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from magodoo.backends import Binding, Direction
from magodoo.engine.entities.stock import READ_BACK_SKUS, StockExporter
from magodoo.exceptions import MagodooError, MappingError, NotFoundError
from magodoo.magento.search import SearchCriteria
from magodoo.mapping.stock import StockValues
from magodoo.reconcile._difference import Difference
from magodoo.reconcile._paired import gone_variants, handler_context, quantity
from magodoo.reconcile._registry import Reconciler, Scope, Tally

__all__ = ["ENTITY", "RECONCILER"]

ENTITY = "stock"
Held = dict[str, tuple[float | None, int | None]]
"""Source code -> (quantity, status) that Magento holds for one SKU."""


async def _source_items(scope: Scope, skus: list[str], sources: int) -> dict[str, Held]:
    out: dict[str, Held] = {}
    for start in range(0, len(skus), READ_BACK_SKUS):
        part = skus[start:start + READ_BACK_SKUS]
        page_size = max(len(part) * max(sources, 1), 1)
        page = await scope.magento.list_source_items(
            SearchCriteria().where("sku", part, "in").page(page_size, 1))
        for item in page.items:
            if item.sku is not None and item.source_code is not None:
                out.setdefault(item.sku.casefold(), {})[item.source_code] = (
                    quantity(item.quantity), item.status)
    return out


async def _stock_items(scope: Scope, skus: list[str]) -> dict[str, Held]:
    out: dict[str, Held] = {}
    for sku in skus:
        try:
            item = await scope.magento.get_stock_item(sku)  # type: ignore[attr-defined]
        except NotFoundError:
            continue
        out[sku.casefold()] = {"": (quantity(item.qty), 1 if item.is_in_stock else 0)}
    return out


def _expected(value: StockValues) -> Held:
    if value.msi:
        return {i.source_code: (i.quantity, i.status) for i in value.items}
    item = value.stock_item()
    return {"": (quantity(item["qty"]), 1 if item["is_in_stock"] else 0)}


def _field_differences(mid: str, oid: int, value: StockValues, held: Held) -> list[Difference]:
    out = []
    for source, (qty, status) in _expected(value).items():
        suffix = f"[{source}]" if source else ""
        have_qty, have_status = held.get(source, (None, None))
        if have_qty is None and have_status is None and not qty:
            continue  # no source item and nothing to put in it
        if have_qty != qty:
            out.append(Difference(ENTITY, "field_mismatch", mid, oid, f"quantity{suffix}",
                                  have_qty, qty))
        elif have_status != status:
            out.append(Difference(ENTITY, "field_mismatch", mid, oid, f"status{suffix}",
                                  have_status, status))
    return out


async def _reserved(scope: Scope, sku: str, held: Held) -> float | None:
    """The SKU's open reservations in Magento (its quantity minus its salable quantity)."""
    salable = getattr(scope.magento, "get_salable_quantity", None)
    if salable is None:
        return None
    try:
        free = float(await salable(sku))
    except MagodooError:
        return None
    total = sum(q or 0.0 for q, _ in held.values())
    return quantity(total - free)


async def _in_flight(scope: Scope, diffs: list[Difference], held: Held) -> list[Difference]:
    """A single quantity difference equal to the SKU's open reservations is in flight."""
    if len(diffs) != 1 or not diffs[0].field or not diffs[0].field.startswith("quantity"):
        return diffs
    diff = diffs[0]
    if not isinstance(diff.magento_value, float) or not isinstance(diff.odoo_value, float):
        return diffs
    gap = quantity(diff.magento_value - diff.odoo_value)
    if gap is None or gap <= 0 or diff.magento_id is None:
        return diffs
    reserved = await _reserved(scope, diff.magento_id, held)
    if reserved is not None and abs(reserved - gap) < 1e-4:
        return [Difference(ENTITY, "in_flight", diff.magento_id, diff.odoo_id, diff.field,
                           diff.magento_value, diff.odoo_value)]
    return diffs


async def _pair(scope: Scope, oid: int, value: StockValues, binding: Binding | None,
                items: Mapping[str, Held]) -> list[Difference]:
    held = items.get(value.sku.casefold())
    if binding is None:
        if held is None:
            return [Difference(ENTITY, "missing_in_magento", None, oid, "sku", None,
                               value.sku)]
        return [Difference(ENTITY, "unbound", value.sku, oid)]
    if binding.magento_id.casefold() != value.sku.casefold():
        return [Difference(ENTITY, "broken_binding", binding.magento_id, oid, "sku",
                           binding.magento_id, value.sku)]
    if held is None:
        return [Difference(ENTITY, "broken_binding", binding.magento_id, oid, "sku",
                           f"no stock for SKU {binding.magento_id} in Magento", value.sku)]
    return await _in_flight(scope, _field_differences(binding.magento_id, oid, value, held),
                            held)


async def _reconcile(scope: Scope, tally: Tally) -> AsyncIterator[Difference]:
    handler = StockExporter()
    ctx = handler_context(scope)
    async for rows in handler.fetch(ctx, None):
        tally.compared += len(rows)
        mctx = await handler.prepare(ctx, rows)
        ids = [int(r["id"]) for r in rows]
        bindings = await scope.stores.bindings.get_many_by_odoo(scope.backend, ENTITY, ids)
        mapped: dict[int, StockValues | MappingError] = {}
        for row in rows:
            try:
                mapped[int(row["id"])] = handler.map(row, mctx)
            except MappingError as exc:
                mapped[int(row["id"])] = exc
        skus = sorted({m.sku for m in mapped.values() if isinstance(m, StockValues)})
        if mctx.msi:
            items = await _source_items(scope, skus, len(mctx.sources))
        else:
            items = await _stock_items(scope, skus)
        for oid, value in mapped.items():
            binding = bindings.get(oid)
            if isinstance(value, MappingError):
                kind: Any = "field_mismatch" if binding else "missing_in_magento"
                found = [Difference(ENTITY, kind, binding.magento_id if binding else None, oid,
                                    value.field, None, f"not mappable: {value}")]
            else:
                found = await _pair(scope, oid, value, binding, items)
            for diff in found:
                tally.differ(oid)
                yield diff
    async for diff in gone_variants(scope, ENTITY, [("is_storable", "=", True),
                                                    ("default_code", "!=", False)]):
        yield diff


RECONCILER = Reconciler(entity=ENTITY, direction=Direction.ODOO_TO_MAGENTO, compare=_reconcile,
                        fields=("quantity[source]", "status[source]", "sku"))
