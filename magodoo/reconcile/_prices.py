"""Odoo variant prices against Magento's base prices (Odoo is the source of truth).

The variants are read and mapped by the sync's own handler
(:class:`~magodoo.engine.entities.prices.PriceExporter`: same pages, same mapper); per page,
one ``POST /V1/products/base-prices-information`` reads Magento's prices of the page's SKUs.
Prices are compared to the cent after rounding (half up), at the scope the sync writes
(``store_id`` 0); with tier prices on (``prices.pricelist``), each SKU's fixed tier prices for
all customer groups too (one ``tier-prices-information`` read per page).
Pairing: the ``prices`` binding (variant <-> SKU), then the SKU.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from decimal import Decimal
from typing import Any

from magodoo.backends import Binding, Direction
from magodoo.engine.entities.prices import PriceExporter
from magodoo.exceptions import MappingError
from magodoo.mapping.prices import ALL_GROUPS, PriceValues, chunks
from magodoo.reconcile._difference import Difference
from magodoo.reconcile._paired import gone_variants, handler_context, money
from magodoo.reconcile._registry import Reconciler, Scope, Tally

__all__ = ["ENTITY", "RECONCILER"]

ENTITY = "prices"
READ_SKUS = 200
QTY = Decimal("0.0001")


async def _magento_prices(scope: Scope, skus: list[str], store_id: int) -> dict[str, float]:
    """SKU (case-folded: Magento SKUs are case-insensitive) -> base price at ``store_id``."""
    out: dict[str, float] = {}
    for part in chunks(skus, scope.settings.magento.input_limit, size=READ_SKUS):
        for row in await scope.magento.get_base_prices(part):
            if row.sku is not None and row.price is not None and (row.store_id or 0) == store_id:
                out[row.sku.casefold()] = float(row.price)
    return out


Tiers = tuple[tuple[Decimal | None, Decimal | None], ...]


def _tiers_of(value: PriceValues) -> Tiers:
    return tuple(sorted((money(t.quantity, QTY), money(t.price)) for t in value.tiers or ()))


async def _magento_tiers(scope: Scope, skus: list[str], website_id: int) -> dict[str, Tiers]:
    """SKU (case-folded) -> its fixed tier prices for all customer groups on the website."""
    found: dict[str, list[tuple[Decimal | None, Decimal | None]]] = {}
    for part in chunks(skus, scope.settings.magento.input_limit, size=READ_SKUS):
        for row in await scope.magento.get_tier_prices(part):
            if (row.sku is None or row.price_type != "fixed" or row.customer_group != ALL_GROUPS
                    or (row.website_id or 0) != website_id):
                continue
            found.setdefault(row.sku.casefold(), []).append(
                (money(row.quantity, QTY), money(row.price)))
    return {sku: tuple(sorted(rows)) for sku, rows in found.items()}


def _pair(oid: int, value: PriceValues, binding: Binding | None,
          prices: Mapping[str, float], tiers: Mapping[str, Tiers]) -> list[Difference]:
    held = prices.get(value.sku.casefold())
    differs = held is not None and money(held) != money(value.price)
    if binding is None:
        if held is None:
            return [Difference(ENTITY, "missing_in_magento", None, oid, "sku", None,
                               value.sku)]
        if differs:
            return [Difference(ENTITY, "unbound", value.sku, oid, "price", held, value.price)]
        return [Difference(ENTITY, "unbound", value.sku, oid)]
    if binding.magento_id.casefold() != value.sku.casefold():
        return [Difference(ENTITY, "broken_binding", binding.magento_id, oid, "sku",
                           binding.magento_id, value.sku)]
    if held is None:
        return [Difference(ENTITY, "broken_binding", binding.magento_id, oid, "sku",
                           f"SKU {binding.magento_id} is gone from Magento", value.sku)]
    out = []
    if differs:
        out.append(Difference(ENTITY, "field_mismatch", binding.magento_id, oid, "price", held,
                              value.price))
    if value.tiers is not None:
        have, want = tiers.get(value.sku.casefold(), ()), _tiers_of(value)
        if have != want:
            out.append(Difference(ENTITY, "field_mismatch", binding.magento_id, oid,
                                  "tier_prices", _plain(have), _plain(want)))
    return out


def _plain(tiers: Tiers) -> list[list[float | None]]:
    return [[None if q is None else float(q), None if p is None else float(p)]
            for q, p in tiers]


async def _reconcile(scope: Scope, tally: Tally) -> AsyncIterator[Difference]:
    handler = PriceExporter()
    ctx = handler_context(scope)
    async for rows in handler.fetch(ctx, None):
        tally.compared += len(rows)
        mctx = await handler.prepare(ctx, rows)
        ids = [int(r["id"]) for r in rows if isinstance(r.get("id"), int)]
        bindings = await scope.stores.bindings.get_many_by_odoo(scope.backend, ENTITY, ids)
        mapped: dict[int, PriceValues | MappingError] = {}
        for row in rows:
            oid = int(row["id"])
            try:
                mapped[oid] = handler.map(row, mctx)
            except MappingError as exc:
                mapped[oid] = exc
        skus = sorted({m.sku for m in mapped.values() if isinstance(m, PriceValues)})
        prices = await _magento_prices(scope, skus, 0)
        tiered = [m for m in mapped.values() if isinstance(m, PriceValues)
                  and m.tiers is not None]
        tiers = await _magento_tiers(scope, sorted({m.sku for m in tiered}),
                                     tiered[0].website_id) if tiered else {}
        for oid, value in mapped.items():
            binding = bindings.get(oid)
            if isinstance(value, MappingError):
                kind: Any = "field_mismatch" if binding else "missing_in_magento"
                found = [Difference(ENTITY, kind, binding.magento_id if binding else None, oid,
                                    value.field, None, f"not mappable: {value}")]
            else:
                found = _pair(oid, value, binding, prices, tiers)
            for diff in found:
                tally.differ(oid)
                yield diff
    async for diff in gone_variants(scope, ENTITY, [("default_code", "!=", False)]):
        yield diff


RECONCILER = Reconciler(entity=ENTITY, direction=Direction.ODOO_TO_MAGENTO, compare=_reconcile,
                        fields=("price", "tier_prices", "sku"))
