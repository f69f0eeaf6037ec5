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
from magodoo.backends.models import Direction, utcnow
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.exceptions import ConfigurationError, NotFoundError, ValidationError
from magodoo.magento.models_prices import BasePrice, PriceUpdateResult, SkuTierPrice
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
ITEM = "product.pricelist.item"
ITEM_FIELDS = ["id", "applied_on", "product_id", "product_tmpl_id", "min_quantity",
               "compute_price", "fixed_price", "date_start", "date_end"]
URL = "/V1/products/base-prices"
TIER_URL = "/V1/products/tier-prices"

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
        self._pricelist: int | None = None

    # ---- fetch ------------------------------------------------------------------------------

    def source_id(self, record: Row) -> str:
        return str(record.get("id"))

    def source_stamp(self, record: Row) -> datetime | None:
        return stamp_of(record)

    @staticmethod
    def changed_domain(since: datetime | None, *, variants: Sequence[int] = (),
                       templates: Sequence[int] = ()) -> list[Any]:
        """Variants with a SKU, and (incremental) whose price may have moved since ``since``:
        their own ``write_date``, their template's, their attribute values', or one of their
        pricelist items (``variants``, ``templates``)."""
        domain: list[Any] = [("default_code", "!=", False)]
        if since is not None:
            when = format_datetime(since)
            terms: list[Any] = [("write_date", ">=", when),
                                ("product_tmpl_id.write_date", ">=", when),
                                ("product_template_attribute_value_ids.write_date", ">=", when)]
            if variants:
                terms.append(("id", "in", sorted(variants)))
            if templates:
                terms.append(("product_tmpl_id", "in", sorted(templates)))
            domain += ["|"] * (len(terms) - 1) + terms
        return domain

    async def _pricelist_id(self, ctx: Context) -> int | None:
        """The id of the pricelist named by ``prices.pricelist`` (``None``: tier prices off),
        looked up once per run."""
        name = ctx.settings.prices.pricelist
        if not name:
            return None
        if self._pricelist is None:
            rows = await ctx.odoo.search_read_page(
                "product.pricelist", [("name", "=", name)], ["id"], limit=1, order="id")
            if not rows:
                raise ConfigurationError(f"prices.pricelist: no Odoo pricelist named {name!r}")
            self._pricelist = int(rows[0]["id"])
        return self._pricelist

    async def _items_changed(self, ctx: Context, since: datetime) -> tuple[set[int], set[int]]:
        """Variants and templates whose pricelist items were written since ``since``."""
        pricelist = await self._pricelist_id(ctx)
        if pricelist is None:
            return set(), set()
        rows = await ctx.odoo.search_read_page(
            ITEM, [("pricelist_id", "=", pricelist), ("write_date", ">=", format_datetime(since))],
            ["product_id", "product_tmpl_id"])
        variants = {r for r in (_ref(row.get("product_id")) for row in rows) if r}
        templates = {r for r in (_ref(row.get("product_tmpl_id")) for row in rows) if r}
        return variants, templates

    async def fetch(self, ctx: Context, since: datetime | None) -> AsyncIterator[list[Row]]:
        self._warned.clear()  # a new run: an unknown SKU is logged once again
        self._pricelist = None
        await self._pricelist_id(ctx)  # a pricelist that does not exist stops the run here
        variants: set[int] = set()
        templates: set[int] = set()
        if since is not None:
            variants, templates = await self._items_changed(ctx, since)
        base = self.changed_domain(since, variants=sorted(variants), templates=sorted(templates))
        async for rows in ctx.odoo_pages(MODEL, base, FIELDS):
            yield rows

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[Row]:
        ids = [int(k) for k in keys if k.isdigit()]
        if not ids:
            return []
        return await ctx.odoo.search_read_page(
            MODEL, [("id", "in", ids), ("default_code", "!=", False)], FIELDS)

    # ---- map --------------------------------------------------------------------------------

    async def prepare(self, ctx: Context, records: list[Row]) -> PriceContext:
        """Tier prices on: the pricelist items of the page's variants and templates, one
        ``search_read``."""
        pricelist = await self._pricelist_id(ctx)
        if pricelist is None:
            return PriceContext(store_id=0)
        variants = sorted({int(r["id"]) for r in records if isinstance(r.get("id"), int)})
        templates = sorted({t for t in (_ref(r.get("product_tmpl_id")) for r in records) if t})
        rows = await ctx.odoo.search_read_page(
            ITEM, [("pricelist_id", "=", pricelist), ("compute_price", "=", "fixed"),
                   "|", ("product_id", "in", variants), ("product_tmpl_id", "in", templates)],
            ITEM_FIELDS, order="id")
        by_variant: dict[int, list[Row]] = {}
        by_template: dict[int, list[Row]] = {}
        for row in rows:
            variant, template = _ref(row.get("product_id")), _ref(row.get("product_tmpl_id"))
            if row.get("applied_on") == "0_product_variant" and variant:
                by_variant.setdefault(variant, []).append(row)
            elif row.get("applied_on") == "1_product" and template:
                by_template.setdefault(template, []).append(row)
        return PriceContext(store_id=0, tiers=True, by_variant=by_variant,
                            by_template=by_template, website_id=ctx.settings.prices.website_id,
                            now=utcnow())

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
        for p in plans:
            p.target_id = p.value.sku  # the log names the SKU, whatever the outcome
        for chunk in chunks(plans, ctx.settings.magento.input_limit):
            by_sku: dict[str, list[PricePlan]] = {}
            for p in chunk:
                by_sku.setdefault(p.value.sku, []).append(p)
            refused = await ctx.magento.save_base_prices(
                [BasePrice.from_api(p.value.base_price()) for p in chunk])
            rows: dict[str, list[PriceUpdateResult]] = {}
            stray: list[PriceUpdateResult] = []
            for row in refused:
                sku = _sku_in(row, by_sku)
                if sku is None:
                    stray.append(row)
                else:
                    rows.setdefault(sku, []).append(row)
            for p in chunk:
                self._outcome(p, rows.get(p.value.sku, []), results)
            if stray:
                await self._check_saved(ctx, chunk, stray, results)
            sent = [p for p in chunk if p.value.tiers is not None and p.open
                    and isinstance(results.get(p.source_id), Written)]
            if sent:
                await self._tiers(ctx, sent, results)
        return results

    async def _check_saved(self, ctx: Context, chunk: list[PricePlan],
                           stray: list[PriceUpdateResult],
                           results: dict[str, Written | BaseException]) -> None:
        """Refused rows that name no SKU (Magento's price check says ``Price = -1`` only):
        read the chunk's prices back; a SKU whose price is not the one sent failed."""
        reason = "; ".join(r.text for r in stray)
        log.warning("base prices: refused rows naming no SKU (%s): reading the prices back",
                    reason, extra={"entity": self.entity})
        written = [p for p in chunk if isinstance(results.get(p.source_id), Written)]
        if not written:
            return
        saved = {b.sku.casefold(): b.price for b in await ctx.magento.get_base_prices(
            [p.value.sku for p in written]) if b.sku is not None}  # SKUs: case-insensitive
        for p in written:
            price = saved.get(p.value.sku.casefold())
            if price is None or abs(float(price) - p.value.price) > 1e-6:
                error = ValidationError(
                    f"SKU {p.value.sku}: base price {p.value.price} not saved ({reason})",
                    method="POST", url=URL, status=200, body=[r.to_api() for r in stray])
                error.retriable = True
                results[p.source_id] = error

    async def _tiers(self, ctx: Context, plans: list[PricePlan],
                     results: dict[str, Written | BaseException]) -> None:
        """Replace each SKU's tier prices as a whole: ``PUT /V1/products/tier-prices`` for the
        SKUs that have some (it replaces every tier of the SKUs it names), and for those left
        without any, their current ones read and deleted."""
        with_tiers = [p for p in plans if p.value.tiers]
        without = [p for p in plans if not p.value.tiers]
        refused: list[PriceUpdateResult] = []
        if with_tiers:
            refused += await ctx.magento.replace_tier_prices(
                [SkuTierPrice.from_api(row) for p in with_tiers for row in p.value.tier_prices()])
        if without:
            try:
                current = await ctx.magento.get_tier_prices([p.value.sku for p in without])
            except NotFoundError as exc:  # a SKU gone since the base price: all retried
                for p in without:
                    results[p.source_id] = exc
                current = []
            if current:
                refused += await ctx.magento.delete_tier_prices(current)
        by_sku = {p.value.sku: p for p in plans}
        for row in refused:
            sku = _sku_in(row, by_sku)
            if sku is None:
                log.warning("tier prices: refused row naming no SKU: %s", row.text,
                            extra={"entity": self.entity})
                continue
            p = by_sku[sku]
            error = ValidationError(f"SKU {sku}: tier price refused: {row.text}", method="PUT",
                                    url=TIER_URL, status=200, body=row.to_api())
            error.retriable = True
            results[p.source_id] = error
        for p in plans:
            if isinstance(results.get(p.source_id), Written):
                p.response = {"saved": True, "tier_prices": len(p.value.tiers or ())}

    def _outcome(self, p: PricePlan, refused: list[PriceUpdateResult],
                 results: dict[str, Written | BaseException]) -> None:
        p.request = p.value.base_price()
        if not refused:
            p.response = {"saved": True}
            results[p.source_id] = Written(p.value.sku)
            return
        p.response = [r.to_api() for r in refused]
        if any(_unknown_sku(r) == p.value.sku for r in refused):
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


def _ref(value: Any) -> int | None:
    if isinstance(value, list | tuple) and value and isinstance(value[0], int):
        return int(value[0])
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def _unknown_sku(row: PriceUpdateResult) -> str | None:
    """The SKU a row refuses as such (unknown to Magento, or a type without that price):
    ``Invalid attribute %fieldName = %fieldValue.`` with ``["SKU", sku]`` (base prices,
    recorded ``72``) or ``Invalid attribute SKU = %SKU. ...`` (tier prices)."""
    params = list(row.parameters or ())
    message = row.message or ""
    if message.startswith("Invalid attribute %fieldName") and params[:1] == ["SKU"]:
        return params[1] if len(params) > 1 else None
    if message.startswith("Invalid attribute SKU = %SKU") and params:
        return params[0]
    return None


def _sku_in(row: PriceUpdateResult, by_sku: Mapping[str, Any]) -> str | None:
    """The chunk SKU a refused row names (its ``%SKU`` placeholder, else any parameter)."""
    if row.sku in by_sku:
        return row.sku
    for value in row.parameters or ():
        if value in by_sku:
            return value
    return None
