"""Variant prices, Odoo -> Magento (``product.product`` -> ``POST /V1/products/base-prices``).

* fetch: ``search_read`` of the variants with a SKU, keyset-paged on ``id``; incremental: those
  whose price may have moved since the cursor, in the same call: the variant's own
  ``write_date``, its template's (``list_price``) or one of its attribute values'
  (``price_extra``);
* map: pure (:mod:`magodoo.mapping.prices`); unchanged prices are skipped by the binding's
  payload hash, so a second pass sends nothing;
* find: the target is the SKU itself (no call);
* write: one ``POST /V1/products/base-prices`` per chunk of the page (``magento.input_limit``
  when the store's input limits are on), never a product PUT per SKU. Magento answers 200 with
  the rows it refused: a refused SKU (unknown to Magento, or a product type without a price of
  its own) is skipped and logged once per run; another refused row fails that SKU alone
  (retried by the queue); the rest of the chunk stands.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from magodoo._converter import format_datetime, parse_datetime
from magodoo.backends.models import Direction
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.exceptions import ValidationError
from magodoo.magento.models_prices import BasePrice, PriceUpdateResult
from magodoo.mapping.prices import (
    PriceContext,
    PriceValues,
    chunks,
    product_price,
    read_variant,
)

__all__ = ["PriceExporter", "stamp_of"]

log = logging.getLogger("magodoo.engine")

MODEL = "product.product"
FIELDS = ["id", "default_code", "lst_price", "price_extra", "product_tmpl_id", "write_date"]
URL = "/V1/products/base-prices"

Row = dict[str, Any]
PricePlan = Plan[Row, PriceValues]


def stamp_of(row: Mapping[str, Any]) -> datetime | None:
    """The ``write_date`` of a row (``None`` when missing or unreadable: the mapper names
    the bad record)."""
    try:
        return parse_datetime(row.get("write_date"))
    except (ValueError, TypeError):
        return None


class PriceExporter(Handler[Row, PriceValues]):
    """Odoo variant prices -> Magento base prices."""

    entity: ClassVar[str] = "prices"
    direction: ClassVar[Direction] = Direction.ODOO_TO_MAGENTO
    odoo_model: ClassVar[str] = ""
    """No webhook of its own: the product webhooks (``product.template``) and the cursor find
    the changes."""

    def __init__(self) -> None:
        self._warned: set[str] = set()

    # ---- fetch ------------------------------------------------------------------------------

    def source_id(self, record: Row) -> str:
        return str(record.get("id"))

    def source_stamp(self, record: Row) -> datetime | None:
        return stamp_of(record)

    @staticmethod
    def changed_domain(since: datetime | None) -> list[Any]:
        """Variants with a SKU, and (incremental) whose price may have moved since ``since``."""
        domain: list[Any] = [("default_code", "!=", False)]
        if since is not None:
            when = format_datetime(since)
            domain += ["|", "|", ("write_date", ">=", when),
                       ("product_tmpl_id.write_date", ">=", when),
                       ("product_template_attribute_value_ids.write_date", ">=", when)]
        return domain

    async def fetch(self, ctx: Context, since: datetime | None) -> AsyncIterator[list[Row]]:
        self._warned.clear()  # a new run: an unknown SKU is logged once again
        size = ctx.settings.batch_size
        base = self.changed_domain(since)
        last_id = 0
        while True:
            domain = base + ([("id", ">", last_id)] if last_id else [])
            rows = await ctx.odoo.search_read_page(MODEL, domain, FIELDS, limit=size,
                                                   order="id")
            if rows:
                yield rows
            if len(rows) < size:
                return
            last_id = int(rows[-1]["id"])

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[Row]:
        ids = [int(k) for k in keys if k.isdigit()]
        if not ids:
            return []
        return await ctx.odoo.search_read_page(
            MODEL, [("id", "in", ids), ("default_code", "!=", False)], FIELDS)

    # ---- map --------------------------------------------------------------------------------

    async def prepare(self, ctx: Context, records: list[Row]) -> PriceContext:
        return PriceContext(store_id=0)

    def map(self, record: Row, mctx: Any) -> PriceValues:
        assert isinstance(mctx, PriceContext)
        return product_price(read_variant(record), mctx)

    def hashable(self, mapped: PriceValues) -> Any:
        return mapped.hashable()

    def natural_key(self, mapped: PriceValues) -> str | None:
        return mapped.sku

    async def find_by_key(self, ctx: Context, plans: list[PricePlan]) -> dict[str, str]:
        """Nothing to look up: the first price sent for a SKU is its "create" (the binding
        SKU <-> variant is made then); sending it again is harmless (an upsert)."""
        return {}

    # ---- write ------------------------------------------------------------------------------

    async def create(
        self, ctx: Context, plans: list[PricePlan]
    ) -> Mapping[str, Written | BaseException]:
        return await self._send(ctx, plans)

    async def update(
        self, ctx: Context, plans: list[PricePlan]
    ) -> Mapping[str, Written | BaseException]:
        return await self._send(ctx, plans)

    async def _send(
        self, ctx: Context, plans: list[PricePlan]
    ) -> dict[str, Written | BaseException]:
        results: dict[str, Written | BaseException] = {}
        for chunk in chunks(plans, ctx.settings.magento.input_limit):
            by_sku: dict[str, list[PricePlan]] = {}
            for p in chunk:
                by_sku.setdefault(p.value.sku, []).append(p)
            refused = await ctx.magento.save_base_prices(
                [BasePrice.from_api(p.value.base_price()) for p in chunk])
            rows: dict[str, list[PriceUpdateResult]] = {}
            stray: list[PriceUpdateResult] = []
            for row in refused:
                sku = row.sku if row.sku in by_sku else _sku_in(row, by_sku)
                if sku is None:
                    stray.append(row)
                else:
                    rows.setdefault(sku, []).append(row)
            for p in chunk:
                self._outcome(p, rows.get(p.value.sku, []), results)
            if stray:  # refused rows naming no SKU of the chunk: nothing is known as saved
                log.warning("base prices: refused rows naming no SKU: %s",
                            "; ".join(r.text for r in stray), extra={"entity": self.entity})
        return results

    def _outcome(self, p: PricePlan, refused: list[PriceUpdateResult],
                 results: dict[str, Written | BaseException]) -> None:
        p.request = p.value.base_price()
        if not refused:
            p.response = {"saved": True}
            results[p.source_id] = Written(p.value.sku)
            return
        p.response = [r.to_api() for r in refused]
        if any(r.sku == p.value.sku for r in refused):
            p.skip("SKU unknown to Magento (or its product type has no price of its own)")
            if p.value.sku not in self._warned:
                self._warned.add(p.value.sku)
                log.warning("price not sent: SKU %s is unknown to Magento", p.value.sku,
                            extra={"entity": self.entity, "sku": p.value.sku,
                                   "odoo_id": p.source_id})
            return
        error = ValidationError(
            f"SKU {p.value.sku}: base price refused: " + "; ".join(r.text for r in refused),
            method="POST", url=URL, status=200, body=p.response)
        error.retriable = True  # per-item refusals are retried by the queue, then dead
        results[p.source_id] = error


def _sku_in(row: PriceUpdateResult, by_sku: Mapping[str, Any]) -> str | None:
    """The chunk SKU a refused row names among its parameters (price or store errors name
    the SKU in another position)."""
    for value in row.parameters:
        if value in by_sku:
            return value
    return None
