"""eCommerce categories, Magento -> Odoo (catalog categories -> ``product.public.category``).

The same ``categories`` bindings as :class:`~magodoo.engine.entities.categories.CategoryExporter`
(a category is bound once whatever the direction). A category the exporter wrote is an echo
here (its ``updated_at`` is the one the binding holds) and is skipped.

* fetch: ``/V1/categories/list`` with ``updated_at >= <since>``, below the roots (level 2 and
  deeper), keyset-paged on ``entity_id``;
* levels: parents first (by ``level``); a parent not bound yet is synced first;
* find: binding, else the Odoo category with the same name under the bound parent;
* create: ``create`` of a page of categories in one call;
* update: per ``catalog.category_source``: ``"magento"`` writes the changes; ``"odoo"`` writes
  nothing and logs the conflict (the next Odoo -> Magento sync puts Odoo's values back).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from magodoo._converter import format_datetime, parse_datetime
from magodoo.backends.models import Direction
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.magento.models_catalog import Category
from magodoo.magento.search import SearchCriteria
from magodoo.mapping.catalog.category_import import (
    ImportContext,
    ImportedCategory,
    category_to_odoo,
)

__all__ = ["CategoryImporter"]

log = logging.getLogger("magodoo.engine")

MODEL = "product.public.category"
ENTITY = "categories"

ImportPlan = Plan[Category, ImportedCategory]


def _ref(value: Any) -> int | bool:
    if isinstance(value, list | tuple) and value:
        return int(value[0])
    return int(value) if value else False


class CategoryImporter(Handler[Category, ImportedCategory]):
    """Magento categories -> Odoo eCommerce categories."""

    entity: ClassVar[str] = ENTITY
    direction: ClassVar[Direction] = Direction.MAGENTO_TO_ODOO

    def source_id(self, record: Category) -> str:
        return str(record.id)

    def source_stamp(self, record: Category) -> datetime | None:
        return record.updated_at

    async def fetch(self, ctx: Context, since: datetime | None) -> AsyncIterator[list[Category]]:
        size = ctx.settings.batch_size
        last_id = 0
        while True:
            criteria = SearchCriteria().where("level", 2, "gteq")
            if since is not None:
                criteria = criteria.where("updated_at", format_datetime(since), "gteq")
            if last_id:
                criteria = criteria.where("entity_id", last_id, "gt")
            page = await ctx.magento.list_categories(
                criteria.order_by("entity_id").page(size, 1))
            items = [c for c in page.items if c.id is not None]
            if items:
                yield items
            if len(page.items) < size or not items:
                return
            last_id = max(c.id for c in items if c.id is not None)

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[Category]:
        ids = [int(k) for k in keys]
        criteria = SearchCriteria().where("entity_id", ids, "in").page(max(1, len(ids)), 1)
        return [c for c in (await ctx.magento.list_categories(criteria)).items
                if c.id is not None and (c.level or 0) >= 2]

    def levels(self, records: list[Category]) -> list[list[Category]]:
        by_level: dict[int, list[Category]] = {}
        for record in records:
            by_level.setdefault(record.level or 0, []).append(record)
        return [by_level[k] for k in sorted(by_level)]

    async def prepare(self, ctx: Context, records: list[Category]) -> ImportContext:
        bindings = ctx.stores.bindings
        roots = frozenset({1, ctx.settings.magento.root_category_id}
                          | {r.parent_id or 0 for r in records if (r.level or 0) == 2})
        wanted = {r.parent_id for r in records if r.parent_id and r.parent_id not in roots}
        parents = await bindings.get_many_by_magento(ctx.backend, ENTITY, wanted)
        missing = wanted - {int(k) for k in parents}
        if missing:
            await ctx.ensure(ENTITY, self.direction, [str(i) for i in sorted(missing)])
            parents = await bindings.get_many_by_magento(ctx.backend, ENTITY, wanted)
        bound = await bindings.get_many_by_magento(ctx.backend, ENTITY,
                                                   [r.id for r in records if r.id])
        current: dict[int, dict[str, Any]] = {}
        if bound:
            rows = await ctx.odoo.read(MODEL, [b.odoo_id for b in bound.values()],
                                       ["name", "parent_id", "sequence"])
            by_odoo = {int(r["id"]): r for r in rows}
            for mid, b in bound.items():
                row = by_odoo.get(b.odoo_id)
                if row is not None:
                    current[int(mid)] = {"name": row["name"],
                                         "parent_id": _ref(row.get("parent_id")),
                                         "sequence": row.get("sequence") or 0}
        return ImportContext(
            parents={int(k): b.odoo_id for k, b in parents.items()}, roots=roots,
            current=current, source=ctx.settings.catalog.category_source)

    def map(self, record: Category, mctx: Any) -> ImportedCategory:
        assert isinstance(mctx, ImportContext)
        return category_to_odoo(record, mctx)

    def hashable(self, mapped: ImportedCategory) -> Any:
        return mapped.hashable()

    def natural_key(self, mapped: ImportedCategory) -> str | None:
        return mapped.natural_key

    async def find_by_key(self, ctx: Context, plans: list[ImportPlan]) -> dict[str, str]:
        names = sorted({str(p.value.values["name"]) for p in plans})
        rows = await ctx.odoo.search_read_page(MODEL, [("name", "in", names)],
                                               ["id", "name", "parent_id"], order="id")
        found: dict[str, str] = {}
        for p in plans:
            for row in rows:
                if (row["name"].strip().casefold() == p.value.values["name"].casefold()
                        and _ref(row.get("parent_id")) == p.value.values["parent_id"]):
                    found[p.source_id] = str(row["id"])
                    break
        return found

    async def _stamps(self, ctx: Context, ids: list[int]) -> dict[int, datetime | None]:
        if not ids:
            return {}
        rows = await ctx.odoo.read(MODEL, ids, ["write_date"])
        return {int(r["id"]): parse_datetime(r["write_date"]) if r.get("write_date") else None
                for r in rows}

    async def create(
        self, ctx: Context, plans: list[ImportPlan]
    ) -> Mapping[str, Written | BaseException]:
        ids = await ctx.odoo.create(MODEL, [dict(p.value.values) for p in plans])
        stamps = await self._stamps(ctx, ids)
        return {p.source_id: Written(str(i), stamps.get(i))
                for p, i in zip(plans, ids, strict=True)}

    async def update(
        self, ctx: Context, plans: list[ImportPlan]
    ) -> Mapping[str, Written | BaseException]:
        results: dict[str, Written | BaseException] = {}
        written: list[ImportPlan] = []
        for p in plans:
            oid = int(p.target_id or 0)
            if p.value.conflicts:
                p.reason = p.value.conflict_message()
                log.warning(p.reason, extra={"entity": ENTITY, "source_id": p.source_id})
                results[p.source_id] = Written(str(oid))
                continue
            await ctx.odoo.write(MODEL, [oid], dict(p.value.values))
            written.append(p)
        stamps = await self._stamps(ctx, [int(p.target_id or 0) for p in written])
        for p in written:
            oid = int(p.target_id or 0)
            results[p.source_id] = Written(str(oid), stamps.get(oid))
        return results
