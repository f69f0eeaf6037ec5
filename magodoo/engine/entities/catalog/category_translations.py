"""Category names per store view language, Odoo -> Magento (handler ``category_translations``).

* fetch: ``product.public.category`` changed since the cursor (a translation written in Odoo
  moves the category's ``write_date``), keyset-paged on ``id``, except those magodoo wrote
  from Magento and nobody changed since;
* dependencies: the store views and their locales, Odoo's active languages, the categories
  (a category not synced yet is synced first);
* reads per page: one ``search_read`` of the categories in ``catalog.language`` and one per
  store view language with ``context={'lang': ...}``;
* write: ``PUT /rest/<store code>/V1/categories/{id}`` with only the name, for the store
  views whose name differs from the global one (a save through a store code writes
  store-level values, so nothing else is sent).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

import attrs

from magodoo._converter import format_datetime
from magodoo.backends.models import Direction
from magodoo.engine.echo import binding_echo
from magodoo.engine.entities.catalog._common import each, read_in
from magodoo.engine.entities.catalog.translations import (
    TemplateRow,
    stamped,
    translated_stores,
)
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.magento.models_catalog import Category
from magodoo.mapping.catalog.translations import (
    CATEGORY_ENTITY,
    CategoryTranslationValues,
    StoreLanguage,
    category_translations_to_magento,
)

__all__ = ["CategoryTranslationExporter"]

MODEL = "product.public.category"
CATEGORIES = "categories"


@attrs.frozen
class CategoryTranslationContext:
    stores: tuple[StoreLanguage, ...] = ()
    magento_ids: Mapping[int, str] = attrs.field(factory=dict)
    base: Mapping[int, str] = attrs.field(factory=dict)
    names: Mapping[int, Mapping[str, str]] = attrs.field(factory=dict)


CategoryTranslationPlan = Plan[TemplateRow, CategoryTranslationValues]


class CategoryTranslationExporter(Handler[TemplateRow, CategoryTranslationValues]):
    """Odoo translations of eCommerce categories -> Magento store-view category names."""

    entity: ClassVar[str] = CATEGORY_ENTITY
    direction: ClassVar[Direction] = Direction.ODOO_TO_MAGENTO

    def source_id(self, record: TemplateRow) -> str:
        return str(record.id)

    def source_stamp(self, record: TemplateRow) -> datetime | None:
        return record.write_date

    async def fetch(
        self, ctx: Context, since: datetime | None
    ) -> AsyncIterator[list[TemplateRow]]:
        base: list[Any] = [] if since is None else [("write_date", ">=", format_datetime(since))]
        async for rows in ctx.odoo_pages(MODEL, base, ["id", "write_date"]):
            yield await self._own(ctx, stamped(rows))

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[TemplateRow]:
        rows = await ctx.odoo.search_read_page(
            MODEL, [("id", "in", [int(k) for k in keys])], ["id", "write_date"])
        return await self._own(ctx, stamped(rows))

    async def _own(self, ctx: Context, rows: list[TemplateRow]) -> list[TemplateRow]:
        """Leave out the categories magodoo itself wrote into Odoo from Magento and nobody
        changed since (their names are Magento's; the ``categories`` binding says so): a
        translation added in Odoo later moves ``write_date`` and brings them back."""
        bound = await ctx.stores.bindings.get_many_by_odoo(ctx.backend, CATEGORIES,
                                                           [r.id for r in rows])
        return [r for r in rows if not binding_echo(bound.get(r.id), "odoo", r.write_date)]

    async def prepare(
        self, ctx: Context, records: list[TemplateRow]
    ) -> CategoryTranslationContext:
        stores = await translated_stores(ctx)
        if not stores:
            return CategoryTranslationContext()
        ids = {r.id for r in records}
        bindings = ctx.stores.bindings
        bound = await bindings.get_many_by_odoo(ctx.backend, CATEGORIES, ids)
        missing = ids - bound.keys()
        if missing:
            await ctx.ensure(CATEGORIES, Direction.ODOO_TO_MAGENTO,
                             [str(i) for i in sorted(missing)])
            bound = await bindings.get_many_by_odoo(ctx.backend, CATEGORIES, ids)
        base = {int(r["id"]): str(r["name"] or "") for r in await read_in(
            ctx, MODEL, "id", ids, ["id", "name"],
            context={"lang": ctx.settings.catalog.language})}
        names: dict[int, dict[str, str]] = {}
        for lang in sorted({s.lang for s in stores}):
            for row in await read_in(ctx, MODEL, "id", ids, ["id", "name"],
                                     context={"lang": lang}):
                names.setdefault(int(row["id"]), {})[lang] = str(row["name"] or "")
        return CategoryTranslationContext(stores, {c: b.magento_id for c, b in bound.items()},
                                          base, names)

    def map(self, record: TemplateRow, mctx: Any) -> CategoryTranslationValues:
        assert isinstance(mctx, CategoryTranslationContext)
        if not mctx.stores:
            return CategoryTranslationValues(record.id, ())
        return category_translations_to_magento(
            record.id, mctx.magento_ids.get(record.id), mctx.stores,
            mctx.names.get(record.id, {}), mctx.base.get(record.id, ""))

    def hashable(self, mapped: CategoryTranslationValues) -> Any:
        return mapped.hashable()

    def natural_key(self, mapped: CategoryTranslationValues) -> str | None:
        return None

    async def find_by_key(
        self, ctx: Context, plans: list[CategoryTranslationPlan]
    ) -> dict[str, str]:
        return {}

    async def _write(self, ctx: Context, p: CategoryTranslationPlan) -> Written:
        magento: Any = ctx.magento
        for code, cid, body in p.value.entries:
            await magento.for_store(code).update_category(int(cid), Category.from_api(
                dict(body)))
        if p.value.entries:
            p.reason = f"{len(p.value.entries)} store-view names"
        return Written(str(p.value.category_id))

    async def create(
        self, ctx: Context, plans: list[CategoryTranslationPlan]
    ) -> Mapping[str, Written | BaseException]:
        return await each(ctx, plans, lambda p: self._write(ctx, p))

    async def update(
        self, ctx: Context, plans: list[CategoryTranslationPlan]
    ) -> Mapping[str, Written | BaseException]:
        return await each(ctx, plans, lambda p: self._write(ctx, p))

