"""Product names and descriptions per store view language, Odoo -> Magento.

* fetch: templates changed since the cursor (a translation written in Odoo moves the
  template's ``write_date``);
* dependencies: the store views and their locales (``/V1/store/storeViews``,
  ``/V1/store/storeConfigs``), Odoo's active languages, the products;
* reads per page: for each language, one ``search_read`` of the templates and one ``read``
  of the attribute values with ``context={'lang': ...}``;
* write: ``PUT /rest/<store code>/V1/products/{sku}`` with only the name (and the
  description): a save through a store code writes store-level values, so nothing else is
  sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

import attrs

from magodoo._converter import format_datetime, parse_datetime
from magodoo.backends.models import Direction
from magodoo.engine.entities.catalog._common import each, read_in
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.magento.models_catalog import Product
from magodoo.mapping.catalog.products import ENTITY as PRODUCTS
from magodoo.mapping.catalog.products import VARIANT_ENTITY
from magodoo.mapping.catalog.translations import (
    ENTITY,
    StoreLanguage,
    TranslationValues,
    store_languages,
    translations_to_magento,
)

__all__ = ["TemplateRow", "TranslationExporter", "stamped", "translated_stores"]

MODEL = "product.template"
ANY_ACTIVE: list[Any] = [("active", "in", [True, False])]
BASE: list[Any] = [("type", "in", ["consu", "service"]), *ANY_ACTIVE]


@attrs.frozen
class TemplateRow:
    id: int
    write_date: datetime | None


@attrs.frozen
class TranslationContext:
    stores: tuple[StoreLanguage, ...] = ()
    skus: Mapping[int, str] = attrs.field(factory=dict)
    children: Mapping[int, tuple[tuple[str, tuple[int, ...]], ...]] = attrs.field(factory=dict)
    names: Mapping[int, Mapping[str, Mapping[str, Any]]] = attrs.field(factory=dict)
    value_names: Mapping[str, Mapping[int, str]] = attrs.field(factory=dict)


TranslationPlan = Plan[TemplateRow, TranslationValues]


def stamped(rows: list[dict[str, Any]]) -> list[TemplateRow]:
    """``(id, write_date)`` of Odoo rows."""
    return [TemplateRow(int(r["id"]),
                        parse_datetime(r["write_date"]) if r.get("write_date") else None)
            for r in rows]


async def translated_stores(ctx: Context) -> tuple[StoreLanguage, ...]:
    """The store views whose locale is an active Odoo language other than
    ``catalog.language``, with their codes and ids (the catalog translations' targets)."""
    magento: Any = ctx.magento
    views = {v.id: v for v in await magento.list_store_views() if v.id}
    configs = await magento.list_store_configs()
    langs = await ctx.odoo.search_read_page("res.lang", [("active", "=", True)], ["code"])
    rows = [{"code": views[c.id].code, "locale": c.locale, "id": c.id} for c in configs
            if c.id in views and views[c.id].code]
    return store_languages(rows, [str(r["code"]) for r in langs],
                           ctx.settings.catalog.language)


class TranslationExporter(Handler[TemplateRow, TranslationValues]):
    """Odoo translations of products -> Magento store-view names and descriptions."""

    entity: ClassVar[str] = ENTITY
    direction: ClassVar[Direction] = Direction.ODOO_TO_MAGENTO

    def source_id(self, record: TemplateRow) -> str:
        return str(record.id)

    def source_stamp(self, record: TemplateRow) -> datetime | None:
        return record.write_date

    @staticmethod
    def _rows(rows: list[dict[str, Any]]) -> list[TemplateRow]:
        return stamped(rows)

    async def fetch(self, ctx: Context, since: datetime | None) -> AsyncIterator[list[TemplateRow]]:
        base = list(BASE)
        if since is not None:
            base.append(("write_date", ">=", format_datetime(since)))
        async for rows in ctx.odoo_pages(MODEL, base, ["id", "write_date"]):
            yield self._rows(rows)

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[TemplateRow]:
        rows = await ctx.odoo.search_read_page(
            MODEL, [("id", "in", [int(k) for k in keys]), *BASE], ["id", "write_date"])
        return self._rows(rows)

    async def _stores(self, ctx: Context) -> tuple[StoreLanguage, ...]:
        return await translated_stores(ctx)

    async def prepare(self, ctx: Context, records: list[TemplateRow]) -> TranslationContext:
        stores = await self._stores(ctx)
        if not stores:
            return TranslationContext()
        ids = {r.id for r in records}
        bindings = ctx.stores.bindings
        bound = await bindings.get_many_by_odoo(ctx.backend, PRODUCTS, ids)
        missing = ids - bound.keys()
        if missing:
            await ctx.ensure(PRODUCTS, Direction.ODOO_TO_MAGENTO,
                             [str(i) for i in sorted(missing)])
            bound = await bindings.get_many_by_odoo(ctx.backend, PRODUCTS, ids)
        variants = await read_in(ctx, "product.product", "product_tmpl_id", ids,
                                 ["id", "product_tmpl_id", "product_template_attribute_value_ids"],
                                 extra=ANY_ACTIVE)
        by_template: dict[int, list[dict[str, Any]]] = {}
        for row in variants:
            by_template.setdefault(int(row["product_tmpl_id"][0]), []).append(row)
        several = [v for vs in by_template.values() if len(vs) > 1 for v in vs]
        child_skus = await bindings.get_many_by_odoo(ctx.backend, VARIANT_ENTITY,
                                                     [int(v["id"]) for v in several])
        ptav_ids = {i for v in several for i in v["product_template_attribute_value_ids"]}
        ptavs = {int(r["id"]): int(r["product_attribute_value_id"][0]) for r in await read_in(
            ctx, "product.template.attribute.value", "id", ptav_ids,
            ["id", "product_attribute_value_id"]) if r.get("product_attribute_value_id")}
        children: dict[int, tuple[tuple[str, tuple[int, ...]], ...]] = {}
        for tid, vs in by_template.items():
            if len(vs) > 1:
                children[tid] = tuple(
                    (child_skus[int(v["id"])].magento_id,
                     tuple(ptavs[i] for i in v["product_template_attribute_value_ids"]
                           if i in ptavs))
                    for v in sorted(vs, key=lambda v: int(v["id"]))
                    if int(v["id"]) in child_skus)
        names: dict[int, dict[str, Mapping[str, Any]]] = {}
        value_names: dict[str, dict[int, str]] = {}
        for lang in sorted({s.lang for s in stores}):
            context = {"lang": lang}
            for row in await read_in(ctx, MODEL, "id", ids, ["id", "name", "description_sale"],
                                     extra=ANY_ACTIVE, context=context):
                names.setdefault(int(row["id"]), {})[lang] = row
            values = set(ptavs.values())
            if values:
                value_names[lang] = {int(r["id"]): str(r["name"]) for r in await ctx.odoo.read(
                    "product.attribute.value", sorted(values), ["name"], context=context)}
        return TranslationContext(stores, {t: b.magento_id for t, b in bound.items()},
                                  children, names, value_names)

    def map(self, record: TemplateRow, mctx: Any) -> TranslationValues:
        assert isinstance(mctx, TranslationContext)
        if not mctx.stores:
            return TranslationValues(record.id, ())
        return translations_to_magento(record.id, mctx.skus.get(record.id),
                                       mctx.children.get(record.id, ()), mctx.stores,
                                       mctx.names.get(record.id, {}), mctx.value_names)

    def hashable(self, mapped: TranslationValues) -> Any:
        return mapped.hashable()

    def natural_key(self, mapped: TranslationValues) -> str | None:
        return mapped.entries[0][1] if mapped.entries else None

    async def find_by_key(self, ctx: Context, plans: list[TranslationPlan]) -> dict[str, str]:
        return {}

    async def _write(self, ctx: Context, p: TranslationPlan) -> Written:
        magento: Any = ctx.magento
        clients: dict[str, Any] = {}
        for code, _sku, body in p.value.entries:
            client = clients.setdefault(code, magento.for_store(code))
            await client.save_product(Product.from_api(dict(body)))
        if p.value.entries:
            p.reason = f"{len(p.value.entries)} store-view values"
        return Written(p.value.entries[0][1] if p.value.entries else str(p.value.template_id))

    async def create(
        self, ctx: Context, plans: list[TranslationPlan]
    ) -> Mapping[str, Written | BaseException]:
        return await each(ctx, plans, lambda p: self._write(ctx, p))

    async def update(
        self, ctx: Context, plans: list[TranslationPlan]
    ) -> Mapping[str, Written | BaseException]:
        return await each(ctx, plans, lambda p: self._write(ctx, p))
