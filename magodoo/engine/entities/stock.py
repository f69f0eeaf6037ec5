"""Stock per warehouse, Odoo -> Magento (storable ``product.product`` -> MSI source items, or
legacy stock items on a store without Multi-Source Inventory).

* warehouses: the codes of ``stock.sources`` (default: ``defaults.warehouse`` -> ``default``)
  resolved to ids once per run (``stock.warehouse``); an unknown code is a configuration error;
* fetch: ``search_read`` of the storable variants with a SKU and their quantities in the
  context of the first warehouse (``warehouse_id``, as Odoo's own stock views read them), one
  ``read`` more per other warehouse, keyset-paged on ``id``; incremental: the products of the
  stock moves (done, or any state when the free quantity is sent) and quants written since the
  cursor, and the variants written since then;
* map: pure (:mod:`magodoo.mapping.stock`); unchanged quantities are skipped by the binding's
  payload hash;
* write: MSI (``Magento_Inventory*`` in ``GET /V1/modules``, asked once per run): one
  ``POST /V1/inventory/source-items`` per chunk of the page, then one read-back
  (``GET /V1/inventory/source-items``, ``sku in (...)``) because Magento drops an unknown SKU
  without a word; without MSI: ``PUT /V1/products/{sku}/stockItems/{id}`` per SKU at
  ``magento.concurrency`` with the quantity and status only. A SKU Magento does not know is
  skipped and logged once per run.

What was last sent per SKU and source, and when, is kept for the reconciliation: the
``stock`` binding (SKU <-> variant) carries the time of the last write (``synced_at``) and the
sync log entry of that write (``magento_ref`` = SKU) the source items sent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from magodoo._converter import format_datetime
from magodoo.backends.models import Direction
from magodoo.engine.entities.prices import stamp_of
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.exceptions import ConfigurationError, NotFoundError, ValidationError
from magodoo.magento.models_catalog import SourceItem, StockItem
from magodoo.magento.search import SearchCriteria
from magodoo.mapping.prices import chunks
from magodoo.mapping.stock import (
    ProductStock,
    StockContext,
    StockValues,
    source_map,
    stock_to_magento,
)

__all__ = ["StockExporter", "StockTransferListener", "has_msi"]

log = logging.getLogger("magodoo.engine")

MODEL = "product.product"
QTY_FIELDS = ["qty_available", "free_qty"]
FIELDS = ["id", "default_code", "write_date", *QTY_FIELDS]
CHANGES_PAGE = 2000
"""Rows per read when collecting the products of changed moves and quants."""
READ_BACK_SKUS = 200
"""SKUs per read-back (``sku in (...)`` goes in the URL: servers cap its length near 8 KB)."""

Row = dict[str, Any]
StockPlan = Plan[Row, StockValues]


def has_msi(modules: Sequence[str]) -> bool:
    """Whether the store runs Multi-Source Inventory (its modules are enabled)."""
    return "Magento_InventoryApi" in modules or "Magento_Inventory" in modules


class StockExporter(Handler[Row, StockValues]):
    """Odoo quantities per warehouse -> Magento source items (or stock items)."""

    entity: ClassVar[str] = "stock"
    direction: ClassVar[Direction] = Direction.ODOO_TO_MAGENTO
    odoo_model: ClassVar[str] = ""
    """Realtime comes from validated transfers (``stock.picking``), not from the variants."""

    def __init__(self) -> None:
        self._warned: set[str] = set()
        self._msi: bool | None = None
        self._warehouses: dict[str, int] | None = None

    # ---- run setup --------------------------------------------------------------------------

    def _sources(self, ctx: Context) -> dict[str, str]:
        return source_map(ctx.settings.stock.sources, ctx.settings.defaults.warehouse)

    async def _warehouse_ids(self, ctx: Context) -> dict[str, int]:
        """Warehouse code -> id, in the order of the source mapping."""
        if self._warehouses is None:
            codes = list(self._sources(ctx))
            rows = await ctx.odoo.search_read_page(
                "stock.warehouse", [("code", "in", codes)], ["id", "code"])
            found = {str(r["code"]): int(r["id"]) for r in rows}
            missing = [c for c in codes if c not in found]
            if missing:
                key = "stock.sources" if ctx.settings.stock.sources else "defaults.warehouse"
                raise ConfigurationError(f"{key}: no Odoo warehouse has the code "
                                         f"{', '.join(map(repr, missing))}")
            self._warehouses = {c: found[c] for c in codes}
        return self._warehouses

    async def _store_has_msi(self, ctx: Context) -> bool:
        if self._msi is None:
            self._msi = has_msi(await ctx.magento.list_modules())
        return self._msi

    def _reset(self) -> None:
        self._warned.clear()
        self._msi = None
        self._warehouses = None

    # ---- fetch ------------------------------------------------------------------------------

    def source_id(self, record: Row) -> str:
        return str(record.get("id"))

    def source_stamp(self, record: Row) -> datetime | None:
        return stamp_of(record)

    async def _read(self, ctx: Context, domain: list[Any], *,
                    stamps: Mapping[int, datetime] | None = None) -> list[Row]:
        """The variants of ``domain`` with their quantities in every mapped warehouse: one
        ``search_read`` in the first warehouse's context, one ``read`` per other warehouse."""
        rows = await ctx.odoo.search_read_page(MODEL, domain, FIELDS, order="id",
                                               context=await self._first_warehouse(ctx))
        return await self._quantities(ctx, rows, stamps)

    async def _first_warehouse(self, ctx: Context) -> dict[str, Any]:
        """The context the variants are searched in: the first mapped warehouse's."""
        warehouses = await self._warehouse_ids(ctx)
        return {"warehouse_id": next(iter(warehouses.values()))}

    async def _quantities(self, ctx: Context, rows: list[Row],
                          stamps: Mapping[int, datetime] | None = None) -> list[Row]:
        """``rows``, read in the first warehouse's context, with their quantities in every
        mapped warehouse (one ``read`` per other warehouse) and, when given, the latest of
        their own ``write_date`` and ``stamps``."""
        warehouses = await self._warehouse_ids(ctx)
        codes = list(warehouses)
        for row in rows:
            row["_qty"] = {codes[0]: {f: row.get(f) for f in QTY_FIELDS}}
        ids = [int(r["id"]) for r in rows]
        for code in codes[1:]:
            if not ids:
                break
            more = await ctx.odoo.read(MODEL, ids, QTY_FIELDS,
                                       context={"warehouse_id": warehouses[code]})
            by_id = {int(m["id"]): m for m in more}
            for row in rows:
                found = by_id.get(int(row["id"]), {})
                row["_qty"][code] = {f: found.get(f) for f in QTY_FIELDS}
        if stamps:
            for row in rows:
                stamp = stamps.get(int(row["id"]))
                own = stamp_of(row)
                if stamp is not None and (own is None or stamp > own):
                    row["write_date"] = format_datetime(stamp)
        return rows

    @staticmethod
    def _domain() -> list[Any]:
        return [("is_storable", "=", True), ("default_code", "!=", False)]

    async def _changed(self, ctx: Context, since: datetime) -> dict[int, datetime]:
        """Product id -> latest change among its moves, quants and own record since ``since``."""
        when = format_datetime(since)
        moves: list[Any] = [("write_date", ">=", when)]
        if ctx.settings.stock.quantity == "on_hand":
            moves.append(("state", "=", "done"))
        found: dict[int, datetime] = {}
        for model, domain in (("stock.move", moves),
                              ("stock.quant", [("write_date", ">=", when)]),
                              (MODEL, [("write_date", ">=", when), *self._domain()])):
            field = "id" if model == MODEL else "product_id"
            async for rows in ctx.odoo_pages(model, domain, [field, "write_date"],
                                             page_size=CHANGES_PAGE):
                for row in rows:
                    ref = row.get(field)
                    pid = ref[0] if isinstance(ref, list | tuple) and ref else ref
                    stamp = stamp_of(row)
                    if isinstance(pid, int) and not isinstance(pid, bool):
                        if stamp is not None and (pid not in found or stamp > found[pid]):
                            found[pid] = stamp
                        found.setdefault(pid, since)
        return found

    async def fetch(self, ctx: Context, since: datetime | None) -> AsyncIterator[list[Row]]:
        self._reset()  # a new run: modules, warehouses and warned SKUs are asked again
        size = ctx.settings.batch_size
        if since is None:
            first = await self._first_warehouse(ctx)
            async for rows in ctx.odoo_pages(MODEL, self._domain(), FIELDS, context=first):
                yield await self._quantities(ctx, rows)
            return
        changed = await self._changed(ctx, since)
        ids = sorted(changed)
        for start in range(0, len(ids), size):
            chunk = ids[start:start + size]
            rows = await self._read(ctx, [("id", "in", chunk), *self._domain()],
                                    stamps=changed)
            if rows:
                yield rows

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[Row]:
        ids = [int(k) for k in keys if k.isdigit()]
        if not ids:
            return []
        return await self._read(ctx, [("id", "in", ids), *self._domain()])

    # ---- map --------------------------------------------------------------------------------

    async def prepare(self, ctx: Context, records: list[Row]) -> StockContext:
        return StockContext(sources=self._sources(ctx), quantity=ctx.settings.stock.quantity,
                            msi=await self._store_has_msi(ctx))

    def map(self, record: Row, mctx: Any) -> StockValues:
        assert isinstance(mctx, StockContext)
        per = record.get("_qty") or {}
        product = ProductStock(
            odoo_id=int(record["id"]),
            default_code=record.get("default_code") or None,
            on_hand={code: q.get("qty_available") for code, q in per.items()},
            free={code: q.get("free_qty") for code, q in per.items()},
            write_date=stamp_of(record),
        )
        return stock_to_magento(product, mctx)

    def hashable(self, mapped: StockValues) -> Any:
        return mapped.hashable()

    def describe(self, plan: StockPlan) -> Any:
        value = plan.value
        return value.source_items() if value.msi else {"stockItem": value.stock_item()}

    def natural_key(self, mapped: StockValues) -> str | None:
        return mapped.sku

    async def find_by_key(self, ctx: Context, plans: list[StockPlan]) -> dict[str, str]:
        """Nothing to look up: the first quantities sent for a SKU are its "create" (the
        binding SKU <-> variant is made then); sending them again is harmless (an upsert)."""
        return {}

    # ---- write ------------------------------------------------------------------------------

    async def create(
        self, ctx: Context, plans: list[StockPlan]
    ) -> Mapping[str, Written | BaseException]:
        return await self.update(ctx, plans)

    async def update(
        self, ctx: Context, plans: list[StockPlan]
    ) -> Mapping[str, Written | BaseException]:
        for p in plans:
            p.target_id = p.value.sku  # the log names the SKU, whatever the outcome
        if await self._store_has_msi(ctx):
            return await self._source_items(ctx, plans)
        return await self._stock_items(ctx, plans)

    def _unknown(self, p: StockPlan) -> None:
        p.skip("SKU unknown to Magento")
        sku = p.value.sku
        if sku not in self._warned:
            self._warned.add(sku)
            log.warning("stock not sent: SKU %s is unknown to Magento", sku,
                        extra={"entity": self.entity, "sku": sku, "odoo_id": p.source_id})

    async def _source_items(
        self, ctx: Context, plans: list[StockPlan]
    ) -> dict[str, Written | BaseException]:
        results: dict[str, Written | BaseException] = {}
        # a chunk is cut by source items, not by SKUs: each SKU brings one per source
        per_sku = max(1, len(self._sources(ctx)))
        limit = ctx.settings.magento.input_limit
        for chunk in chunks(plans, max(1, limit // per_sku) if limit else 0):
            items = [SourceItem.from_api(row) for p in chunk for row in p.value.source_items()]
            if items:
                await ctx.magento.save_source_items(items)
            kept = await self._kept(ctx, chunk)
            for p in chunk:
                p.request = p.value.source_items()
                self._check_kept(p, kept, results)
        return results

    async def _kept(self, ctx: Context, chunk: list[StockPlan]) -> dict[tuple[str, str], Any]:
        """What Magento holds for the chunk's SKUs after the write: (sku, source) -> item."""
        skus = sorted({p.value.sku for p in chunk})
        kept: dict[tuple[str, str], Any] = {}
        for start in range(0, len(skus), READ_BACK_SKUS):
            part = skus[start:start + READ_BACK_SKUS]
            page_size = max(len(part) * len(self._sources(ctx)), 1)
            criteria = SearchCriteria().where("sku", part, "in").page(page_size, 1)
            page = await ctx.magento.list_source_items(criteria)
            for item in page.items:  # Magento SKUs are case-insensitive
                if item.sku is not None and item.source_code is not None:
                    kept[(item.sku.casefold(), item.source_code)] = item
        return kept

    def _check_kept(self, p: StockPlan, kept: Mapping[tuple[str, str], Any],
                    results: dict[str, Written | BaseException]) -> None:
        sent = p.value.items
        found = [kept.get((p.value.sku.casefold(), i.source_code)) for i in sent]
        if sent and all(f is None for f in found):
            p.response = {"kept": []}
            self._unknown(p)  # Magento drops an unknown SKU without a word (recorded)
            return
        wrong = [f"{i.source_code}: sent {i.quantity}, kept "
                 f"{None if f is None else f.quantity}"
                 for i, f in zip(sent, found, strict=True)
                 if f is None or f.quantity is None or abs(float(f.quantity) - i.quantity) > 1e-6
                 or f.status != i.status]
        p.response = {"kept": [f.to_api() for f in found if f is not None]}
        if wrong:
            error = ValidationError(
                f"SKU {p.value.sku}: Magento did not keep the quantities sent ({'; '.join(wrong)})",
                method="POST", url="/V1/inventory/source-items", status=200, body=p.response)
            error.retriable = True
            results[p.source_id] = error
            return
        results[p.source_id] = Written(p.value.sku)

    async def _stock_items(
        self, ctx: Context, plans: list[StockPlan]
    ) -> dict[str, Written | BaseException]:
        limit = asyncio.Semaphore(ctx.settings.magento.concurrency)

        async def one(p: StockPlan) -> Written | None:
            body = p.value.stock_item()
            p.request = {"stockItem": body}
            async with limit:
                try:
                    item_id = await ctx.magento.update_stock_item(
                        p.value.sku, StockItem.from_api(body))
                except NotFoundError:
                    self._unknown(p)
                    return None
            p.response = {"item_id": item_id}
            return Written(p.value.sku)

        outcomes = await asyncio.gather(*(one(p) for p in plans), return_exceptions=True)
        results: dict[str, Written | BaseException] = {}
        for p, outcome in zip(plans, outcomes, strict=True):
            if isinstance(outcome, BaseException) and not isinstance(outcome, Exception):
                raise outcome
            if outcome is not None:
                results[p.source_id] = outcome
        return results


class StockTransferListener(Handler[Row, Row]):
    """Realtime stock: a validated transfer (``stock.picking`` state ``done``, Odoo's webhook)
    syncs the stock of the products it moved, at once (seed: "Real Time Stock Transfer
    Sync").

    A job of this entity is a picking id. Its products go through the ``stock`` handler (a
    failure there becomes a ``stock`` retry job, so nothing is lost); the picking itself is
    then recorded as skipped (nothing of its own is written to Magento). Batch syncs find the
    same changes through the ``stock`` cursor, so :meth:`fetch` yields nothing.
    """

    entity: ClassVar[str] = "stock_transfers"
    direction: ClassVar[Direction] = Direction.ODOO_TO_MAGENTO
    odoo_model: ClassVar[str] = "stock.picking"
    realtime_only: ClassVar[bool] = True

    def source_id(self, record: Row) -> str:
        return str(record.get("id"))

    def source_stamp(self, record: Row) -> datetime | None:
        return stamp_of(record)

    async def fetch(self, ctx: Context, since: datetime | None) -> AsyncIterator[list[Row]]:
        return
        yield  # an async generator that yields nothing

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[Row]:
        ids = [int(k) for k in keys if k.isdigit()]
        if not ids:
            return []
        return await ctx.odoo.search_read_page(
            "stock.picking", [("id", "in", ids)], ["id", "state", "move_ids", "write_date"])

    async def prepare(self, ctx: Context, records: list[Row]) -> dict[int, list[int]]:
        """Sync the stock of the done pickings' products; picking id -> product ids."""
        done = [r for r in records if r.get("state") == "done"]
        moves = [int(m) for r in done for m in r.get("move_ids") or []]
        products: dict[int, list[int]] = {int(r["id"]): [] for r in records}
        if not moves:
            return products
        rows = await ctx.odoo.read("stock.move", moves, ["picking_id", "product_id"])
        for row in rows:
            picking, product = row.get("picking_id"), row.get("product_id")
            pid = picking[0] if isinstance(picking, list | tuple) and picking else picking
            prod = product[0] if isinstance(product, list | tuple) and product else product
            if isinstance(pid, int) and isinstance(prod, int) and prod not in products[pid]:
                products.setdefault(pid, []).append(prod)
        wanted = sorted({p for ids in products.values() for p in ids})
        if wanted:
            await ctx.ensure("stock", Direction.ODOO_TO_MAGENTO, [str(p) for p in wanted])
        return products

    def map(self, record: Row, mctx: Any) -> Row:
        return {"picking": record.get("id"), "state": record.get("state"),
                "products": list(mctx.get(int(record["id"]), [])) if isinstance(mctx, dict)
                else []}

    def hashable(self, mapped: Row) -> Any:
        return mapped

    def natural_key(self, mapped: Row) -> str | None:
        return None

    async def find_by_key(self, ctx: Context, plans: list[Plan[Row, Row]]) -> dict[str, str]:
        return {}

    def _done(self, plans: list[Plan[Row, Row]]) -> dict[str, Written | BaseException]:
        for p in plans:
            products = p.value.get("products") or []
            if p.value.get("state") != "done":
                p.skip(f"transfer is {p.value.get('state')!r}, not done")
            else:
                p.skip(f"stock of {len(products)} product(s) synced")
        return {}

    async def create(
        self, ctx: Context, plans: list[Plan[Row, Row]]
    ) -> Mapping[str, Written | BaseException]:
        return self._done(plans)

    async def update(
        self, ctx: Context, plans: list[Plan[Row, Row]]
    ) -> Mapping[str, Written | BaseException]:
        return self._done(plans)
