"""Attribute option labels per store view language, Odoo -> Magento (handler
``option_translations``).

* fetch: the attributes the ``attributes`` handler syncs, changed since the cursor (the
  attribute or one of its values: a translated value moves its ``write_date``), read as that
  handler reads them (one ``search_read`` per model per page);
* dependencies: the store views and their locales, Odoo's active languages, the attributes
  and their options' bindings (an attribute not synced yet is synced first);
* reads per page and language: one ``search_read`` of the values with
  ``context={'lang': ...}``;
* write: ``PUT /V1/products/attributes/{code}/options/{id}`` with the admin label and every
  store view's label (Magento replaces an option's labels with those sent), for the options
  that have a translation.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

import attrs

from magodoo.backends.models import Direction
from magodoo.engine.entities.catalog._common import each, read_in
from magodoo.engine.entities.catalog.attributes import AttributeExporter, AttributeRecord
from magodoo.engine.entities.catalog.translations import translated_stores
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.magento.models_catalog import AttributeOption
from magodoo.mapping.catalog.attributes import (
    ENTITY as ATTRIBUTES,
)
from magodoo.mapping.catalog.attributes import (
    VALUE_ENTITY,
    AttributeContext,
    attribute_to_magento,
)
from magodoo.mapping.catalog.translations import (
    OPTION_ENTITY,
    OptionTranslationValues,
    StoreLanguage,
    option_translations_to_magento,
)

__all__ = ["OptionTranslationExporter"]

VALUE_MODEL = "product.attribute.value"


@attrs.frozen
class OptionTranslationContext:
    stores: tuple[StoreLanguage, ...] = ()
    codes: Mapping[int, str] = attrs.field(factory=dict)
    option_ids: Mapping[int, str] = attrs.field(factory=dict)
    names: Mapping[str, Mapping[int, str]] = attrs.field(factory=dict)
    swatches: bool = False


OptionTranslationPlan = Plan[AttributeRecord, OptionTranslationValues]


class OptionTranslationExporter(Handler[AttributeRecord, OptionTranslationValues]):
    """Odoo translations of attribute values -> Magento option store labels."""

    entity: ClassVar[str] = OPTION_ENTITY
    direction: ClassVar[Direction] = Direction.ODOO_TO_MAGENTO

    def __init__(self) -> None:
        self._attributes = AttributeExporter()

    def source_id(self, record: AttributeRecord) -> str:
        return str(record.attribute.id)

    def source_stamp(self, record: AttributeRecord) -> datetime | None:
        return record.stamp

    def fetch(self, ctx: Context, since: datetime | None) -> AsyncIterator[list[AttributeRecord]]:
        return self._attributes.fetch(ctx, since)

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[AttributeRecord]:
        return await self._attributes.fetch_keys(ctx, keys)

    async def prepare(
        self, ctx: Context, records: list[AttributeRecord]
    ) -> OptionTranslationContext:
        stores = await translated_stores(ctx)
        if not stores:
            return OptionTranslationContext()
        swatches = await self._attributes.store_has_swatches(ctx)
        ids = {r.attribute.id for r in records}
        bindings = ctx.stores.bindings
        bound = await bindings.get_many_by_odoo(ctx.backend, ATTRIBUTES, ids)
        missing = ids - bound.keys()
        if missing:
            await ctx.ensure(ATTRIBUTES, Direction.ODOO_TO_MAGENTO,
                             [str(i) for i in sorted(missing)])
            bound = await bindings.get_many_by_odoo(ctx.backend, ATTRIBUTES, ids)
        value_ids = {v.id for r in records for v in r.values}
        options = await bindings.get_many_by_odoo(ctx.backend, VALUE_ENTITY, value_ids)
        names: dict[str, dict[int, str]] = {}
        for lang in sorted({s.lang for s in stores}):
            names[lang] = {int(r["id"]): str(r["name"] or "") for r in await read_in(
                ctx, VALUE_MODEL, "id", value_ids, ["id", "name"], context={"lang": lang})}
        return OptionTranslationContext(
            stores, {a: b.magento_id for a, b in bound.items()},
            {v: b.magento_id for v, b in options.items()}, names, swatches)

    def map(self, record: AttributeRecord, mctx: Any) -> OptionTranslationValues:
        assert isinstance(mctx, OptionTranslationContext)
        aid = record.attribute.id
        if not mctx.stores:
            return OptionTranslationValues(aid, "", ())
        mapped = attribute_to_magento(record.attribute, AttributeContext(
            values={aid: record.values}, swatches=mctx.swatches))
        return option_translations_to_magento(
            aid, mctx.codes.get(aid) or mapped.code, mapped.options, mctx.option_ids,
            mctx.stores, mctx.names)

    def hashable(self, mapped: OptionTranslationValues) -> Any:
        return mapped.hashable()

    def natural_key(self, mapped: OptionTranslationValues) -> str | None:
        return None

    async def find_by_key(
        self, ctx: Context, plans: list[OptionTranslationPlan]
    ) -> dict[str, str]:
        return {}

    async def _write(self, ctx: Context, p: OptionTranslationPlan) -> Written:
        magento: Any = ctx.magento
        for oid, body in p.value.entries:
            await magento.update_attribute_option(p.value.code, oid,
                                                  AttributeOption.from_api(dict(body)))
        if p.value.entries:
            p.reason = f"{len(p.value.entries)} options with store labels"
        return Written(p.value.code or str(p.value.attribute_id))

    async def create(
        self, ctx: Context, plans: list[OptionTranslationPlan]
    ) -> Mapping[str, Written | BaseException]:
        return await each(ctx, plans, lambda p: self._write(ctx, p))

    async def update(
        self, ctx: Context, plans: list[OptionTranslationPlan]
    ) -> Mapping[str, Written | BaseException]:
        return await each(ctx, plans, lambda p: self._write(ctx, p))
