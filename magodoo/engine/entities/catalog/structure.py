"""Magento store structure and attribute sets, Magento -> magodoo's stores.

Odoo has no model for websites, store groups, store views or attribute sets: these handlers
keep them in the binding store (one binding per Magento record, its values as the natural key,
see :mod:`magodoo.mapping.catalog.structure`), where the other catalog handlers and the user
read them (:func:`store_views`, :func:`attribute_sets`).

* fetch: the whole list every time (a handful of records, no timestamps); the payload hash
  makes a re-run write nothing;
* create/update: no remote write; the binding is the record (``odoo_id`` = the Magento id);
* delete: a record gone from Magento loses its binding in the sweep of every run.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

import attrs

from magodoo.backends.models import Binding, Direction
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.magento.models_catalog import AttributeGroup, AttributeSet
from magodoo.magento.models_store import StoreConfig, StoreGroup, StoreView, Website
from magodoo.magento.search import SearchCriteria
from magodoo.mapping.catalog.structure import (
    AttributeSetValues,
    StoreViewValues,
    StructureContext,
    WebsiteValues,
    attribute_set_from_key,
    attribute_set_values,
    store_view_from_key,
    store_view_values,
    website_values,
)

__all__ = [
    "AttributeSetImporter",
    "StoreViewImporter",
    "WebsiteImporter",
    "attribute_sets",
    "store_views",
]

log = logging.getLogger("magodoo.engine")

PRODUCT_ENTITY_TYPE = 4
"""``entity_type_id`` of ``catalog_product`` (attribute sets of other entities are left out)."""

R = TypeVar("R")
V = TypeVar("V")


class _Kept(Handler[R, V], Generic[R, V]):
    """A Magento record kept in magodoo's stores only."""

    direction: ClassVar[Direction] = Direction.MAGENTO_TO_ODOO
    supports_delete: ClassVar[bool] = True

    async def _all(self, ctx: Context) -> list[R]:
        raise NotImplementedError

    def source_stamp(self, record: R) -> datetime | None:
        return None

    async def fetch(self, ctx: Context, since: datetime | None) -> AsyncIterator[list[R]]:
        records = await self._all(ctx)
        if records:
            yield records

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[R]:
        wanted = set(keys)
        return [r for r in await self._all(ctx) if self.source_id(r) in wanted]

    async def existing_sources(self, ctx: Context, source_ids: Sequence[str]) -> set[str]:
        return {self.source_id(r) for r in await self._all(ctx)} & set(source_ids)

    async def prepare(self, ctx: Context, records: list[R]) -> Any:
        return None

    def hashable(self, mapped: V) -> Any:
        return mapped.hashable()  # type: ignore[attr-defined]

    def natural_key(self, mapped: V) -> str | None:
        return str(mapped.to_key())  # type: ignore[attr-defined]

    async def find_by_key(self, ctx: Context, plans: list[Plan[R, V]]) -> dict[str, str]:
        return {}

    def _kept(self, plans: list[Plan[R, V]]) -> dict[str, Written | BaseException]:
        for p in plans:
            warnings = getattr(p.value, "warnings", ())
            if warnings:
                p.reason = "warning: " + "; ".join(warnings)
                for text in warnings:
                    log.warning(text, extra={"entity": self.entity, "source_id": p.source_id})
        return {p.source_id: Written(p.source_id) for p in plans}

    async def create(
        self, ctx: Context, plans: list[Plan[R, V]]
    ) -> Mapping[str, Written | BaseException]:
        return self._kept(plans)

    async def update(
        self, ctx: Context, plans: list[Plan[R, V]]
    ) -> Mapping[str, Written | BaseException]:
        return self._kept(plans)

    async def delete(self, ctx: Context, binding: Binding) -> None:
        """Nothing to delete remotely: the engine drops the binding."""


@attrs.frozen
class WebsiteRecord:
    website: Website
    groups: tuple[StoreGroup, ...]


class WebsiteImporter(_Kept[WebsiteRecord, WebsiteValues]):
    """Magento websites (with their store groups) -> magodoo's stores."""

    entity: ClassVar[str] = "websites"

    def source_id(self, record: WebsiteRecord) -> str:
        return str(record.website.id)

    async def _all(self, ctx: Context) -> list[WebsiteRecord]:
        magento: Any = ctx.magento
        websites = await magento.list_websites()
        groups = tuple(await magento.list_store_groups())
        return [WebsiteRecord(w, groups) for w in websites if w.id]  # not the admin website

    def map(self, record: WebsiteRecord, mctx: Any) -> WebsiteValues:
        return website_values(record.website, record.groups)


@attrs.frozen
class StoreViewRecord:
    view: StoreView
    config: StoreConfig | None
    group: StoreGroup | None


class StoreViewImporter(_Kept[StoreViewRecord, StoreViewValues]):
    """Magento store views (with ``storeConfigs``) -> magodoo's stores; a locale or currency
    that does not match Odoo is logged as a warning."""

    entity: ClassVar[str] = "stores"

    def source_id(self, record: StoreViewRecord) -> str:
        return str(record.view.id)

    async def _all(self, ctx: Context) -> list[StoreViewRecord]:
        magento: Any = ctx.magento
        views = [v for v in await magento.list_store_views() if v.id]  # not the admin view
        configs = {c.id: c for c in await magento.list_store_configs()}
        groups = {g.id: g for g in await magento.list_store_groups()}
        return [StoreViewRecord(v, configs.get(v.id), groups.get(v.store_group_id))
                for v in views]

    async def prepare(self, ctx: Context, records: list[StoreViewRecord]) -> StructureContext:
        return await odoo_structure(ctx)

    def map(self, record: StoreViewRecord, mctx: Any) -> StoreViewValues:
        assert isinstance(mctx, StructureContext)
        return store_view_values(record.view, record.config, record.group, mctx)


async def odoo_structure(ctx: Context) -> StructureContext:
    """The Odoo company's currency and the active languages (two reads)."""
    companies = await ctx.odoo.search_read_page("res.company", [], ["currency_id"], limit=1,
                                                order="id")
    currency: str | None = None
    if companies and companies[0].get("currency_id"):
        ref = companies[0]["currency_id"]
        currency = str(ref[1]) if isinstance(ref, list | tuple) else None
    langs = await ctx.odoo.search_read_page("res.lang", [("active", "=", True)], ["code"])
    return StructureContext(company_currency=currency,
                            languages=frozenset(str(r["code"]) for r in langs))


@attrs.frozen
class AttributeSetRecord:
    attribute_set: AttributeSet
    groups: tuple[AttributeGroup, ...]


class AttributeSetImporter(_Kept[AttributeSetRecord, AttributeSetValues]):
    """Magento product attribute sets with their groups -> magodoo's stores (the user picks
    ``defaults.attribute_set`` / ``defaults.attribute_group`` among them)."""

    entity: ClassVar[str] = "attribute_sets"

    def source_id(self, record: AttributeSetRecord) -> str:
        return str(record.attribute_set.attribute_set_id)

    async def _all(self, ctx: Context) -> list[AttributeSetRecord]:
        magento: Any = ctx.magento
        criteria = SearchCriteria().where("entity_type_id", PRODUCT_ENTITY_TYPE)
        sets = (await magento.list_attribute_sets(criteria)).items
        groups = tuple((await magento.list_attribute_groups(SearchCriteria())).items)
        return [AttributeSetRecord(s, groups) for s in sets
                if s.entity_type_id in (None, PRODUCT_ENTITY_TYPE)]

    def map(self, record: AttributeSetRecord, mctx: Any) -> AttributeSetValues:
        return attribute_set_values(record.attribute_set, record.groups)


async def _kept_values(ctx_stores: Any, backend: str, entity: str) -> list[Binding]:
    rows: list[Binding] = []
    after: int | None = None
    while True:
        page = await ctx_stores.bindings.list_bindings(backend, entity, after_id=after)
        if not page:
            return rows
        rows += page
        after = page[-1].id


async def store_views(stores: Any, backend: str = "default") -> list[StoreViewValues]:
    """The store views as last synced (``sync("stores", "m2o")``), by id."""
    rows = await _kept_values(stores, backend, StoreViewImporter.entity)
    return sorted((store_view_from_key(b.magento_key) for b in rows), key=lambda v: v.id)


async def attribute_sets(stores: Any, backend: str = "default") -> list[AttributeSetValues]:
    """The attribute sets as last synced (``sync("attribute_sets", "m2o")``), by id."""
    rows = await _kept_values(stores, backend, AttributeSetImporter.entity)
    return sorted((attribute_set_from_key(b.magento_key) for b in rows), key=lambda v: v.id)
