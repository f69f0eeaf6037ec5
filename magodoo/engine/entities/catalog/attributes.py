"""Product attributes, Odoo -> Magento (``product.attribute`` -> product attributes, each
``product.attribute.value`` -> an option bound to it).

* fetch: the attributes that are Magento attributes (select, pills, color, or creating
  variants) changed since the cursor, and those whose values changed (one ``search_read``
  per model per page); the record is the attribute with its values, stamped with the newest
  ``write_date`` of the lot;
* find: binding, else the Magento attribute with the same code (``color`` in a stock store);
* create: ``POST /V1/products/attributes``, put into ``defaults.attribute_set`` /
  ``defaults.attribute_group``, then one ``POST .../options`` per value, each bound;
* update: the label (``PUT``), then the options: added, renamed (``PUT .../options/{id}``),
  removed when their Odoo value is gone; an option with the same label is adopted;
* an attribute deleted in Odoo is left in Magento (products may still hold its values);
* swatches: when the store runs ``Magento_Swatches`` (``GET /V1/modules``, asked once per
  run), a color attribute is created as a visual swatch and every option write (add, rename)
  sends the value's ``html_color`` as the option's ``value`` (Magento drops a swatch an option
  update does not resend, magento/magento2#37794).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

import attrs

from magodoo._converter import format_datetime
from magodoo.backends.models import Binding, Direction
from magodoo.engine.entities.catalog._common import DefaultSet, default_set, each, read_in
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.magento.models_catalog import AttributeOption, ProductAttribute
from magodoo.magento.search import SearchCriteria
from magodoo.mapping.catalog.attributes import (
    ATTRIBUTE_DISPLAY_TYPES,
    ENTITY,
    VALUE_ENTITY,
    AttributeContext,
    AttributeValues,
    OptionValues,
    attribute_to_magento,
    plan_options,
)
from magodoo.odoo.models import ProductAttribute as OdooAttribute
from magodoo.odoo.models import ProductAttributeValue

__all__ = ["AttributeExporter", "AttributeRecord", "has_swatches"]

MODEL = "product.attribute"
VALUE_MODEL = "product.attribute.value"
FIELDS = ["id", "name", "display_type", "create_variant", "value_ids", "sequence",
          "write_date"]
VALUE_FIELDS = ["id", "name", "attribute_id", "sequence", "html_color", "default_extra_price",
                "write_date"]
MAGENTO_DOMAIN: list[Any] = ["|", ("display_type", "in", list(ATTRIBUTE_DISPLAY_TYPES)),
                             ("create_variant", "!=", "no_variant")]


@attrs.frozen
class AttributeRecord:
    """An Odoo attribute with its values, stamped with the newest ``write_date``."""

    attribute: OdooAttribute
    values: tuple[ProductAttributeValue, ...]
    stamp: datetime | None


AttributePlan = Plan[AttributeRecord, AttributeValues]


def has_swatches(modules: Sequence[str]) -> bool:
    """Whether the store runs the swatches module (visual swatch attributes)."""
    return "Magento_Swatches" in modules


class AttributeExporter(Handler[AttributeRecord, AttributeValues]):
    """Odoo product attributes -> Magento product attributes and options."""

    entity: ClassVar[str] = ENTITY
    direction: ClassVar[Direction] = Direction.ODOO_TO_MAGENTO
    odoo_model: ClassVar[str] = MODEL

    def __init__(self) -> None:
        self._swatches: bool | None = None

    async def store_has_swatches(self, ctx: Context) -> bool:
        """``Magento_Swatches`` is enabled (``GET /V1/modules``, once per run)."""
        if self._swatches is None:
            self._swatches = has_swatches(await ctx.magento.list_modules())
        return self._swatches

    # ---- fetch ------------------------------------------------------------------------------

    def source_id(self, record: AttributeRecord) -> str:
        return str(record.attribute.id)

    def source_stamp(self, record: AttributeRecord) -> datetime | None:
        return record.stamp

    async def _records(self, ctx: Context, rows: list[dict[str, Any]]) -> list[AttributeRecord]:
        value_rows = await read_in(ctx, VALUE_MODEL, "attribute_id", [r["id"] for r in rows],
                                   VALUE_FIELDS)
        values: dict[int, list[ProductAttributeValue]] = {}
        for row in value_rows:
            value = ProductAttributeValue.from_api(row)
            if value.attribute_id is not None:
                values.setdefault(value.attribute_id.id, []).append(value)
        records = []
        for row in rows:
            attribute = OdooAttribute.from_api(row)
            mine = tuple(values.get(attribute.id, ()))
            stamps = [s for s in (attribute.write_date, *(v.write_date for v in mine))
                      if s is not None]
            records.append(AttributeRecord(attribute, mine, max(stamps) if stamps else None))
        return records

    async def fetch(
        self, ctx: Context, since: datetime | None
    ) -> AsyncIterator[list[AttributeRecord]]:
        self._swatches = None  # a new run: the modules are asked again
        base: list[Any] = list(MAGENTO_DOMAIN)
        extra: set[int] = set()
        if since is not None:
            stamp = format_datetime(since)
            changed = await ctx.odoo.search_read_page(
                VALUE_MODEL, [("write_date", ">=", stamp)], ["attribute_id"])
            extra = {int(r["attribute_id"][0]) for r in changed if r.get("attribute_id")}
            base = [*base, "|", ("write_date", ">=", stamp), ("id", "in", sorted(extra))]
        async for rows in ctx.odoo_pages(MODEL, base, FIELDS):
            yield await self._records(ctx, rows)

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[AttributeRecord]:
        self._swatches = None
        rows = await ctx.odoo.search_read_page(
            MODEL, [("id", "in", [int(k) for k in keys]), *MAGENTO_DOMAIN], FIELDS)
        return await self._records(ctx, rows)

    # ---- dependencies, map ------------------------------------------------------------------

    async def prepare(self, ctx: Context, records: list[AttributeRecord]) -> AttributeContext:
        return AttributeContext(values={r.attribute.id: r.values for r in records},
                                swatches=await self.store_has_swatches(ctx))

    def map(self, record: AttributeRecord, mctx: Any) -> AttributeValues:
        assert isinstance(mctx, AttributeContext)
        return attribute_to_magento(record.attribute, mctx)

    def hashable(self, mapped: AttributeValues) -> Any:
        return mapped.hashable()

    def natural_key(self, mapped: AttributeValues) -> str | None:
        return mapped.code

    # ---- find -------------------------------------------------------------------------------

    async def find_by_key(self, ctx: Context, plans: list[AttributePlan]) -> dict[str, str]:
        """Magento attributes with the plans' codes: one search for the page."""
        magento: Any = ctx.magento
        codes = {p.value.code: p.source_id for p in plans}
        criteria = SearchCriteria().where("attribute_code", sorted(codes), "in")
        page = await magento.list_product_attributes(criteria.page(len(codes)))
        return {codes[a.attribute_code]: a.attribute_code for a in page.items
                if a.attribute_code in codes}

    # ---- write ------------------------------------------------------------------------------

    async def create(
        self, ctx: Context, plans: list[AttributePlan]
    ) -> Mapping[str, Written | BaseException]:
        magento: Any = ctx.magento
        target = await default_set(ctx)

        async def one(p: AttributePlan) -> Written:
            created = await magento.create_product_attribute(
                ProductAttribute.from_api(p.value.create_body()))
            code = created.attribute_code or p.value.code
            await magento.assign_attribute(target.set_id, target.group_id, code, 100)
            await self._options(ctx, p, code, {})
            return Written(code)

        return await each(ctx, plans, one)

    async def update(
        self, ctx: Context, plans: list[AttributePlan]
    ) -> Mapping[str, Written | BaseException]:
        magento: Any = ctx.magento
        target: DefaultSet | None = None
        if any(p.found_by_key for p in plans):
            target = await default_set(ctx)
        in_set: set[str] = set()
        if target is not None:
            in_set = {a.attribute_code or "" for a in
                      await magento.list_attribute_set_attributes(target.set_id)}

        async def one(p: AttributePlan) -> Written:
            code = p.target_id or p.value.code
            current = await magento.get_product_attribute(code)
            if current.default_frontend_label != p.value.label:
                await magento.update_product_attribute(
                    code, ProductAttribute.from_api(p.value.update_body()))
            if target is not None and p.found_by_key and code not in in_set:
                await magento.assign_attribute(target.set_id, target.group_id, code, 100)
            options = {str(o.value): o.label or "" for o in current.options or () if o.value}
            await self._options(ctx, p, code, options)
            return Written(code)

        return await each(ctx, plans, one)

    async def _options(
        self, ctx: Context, p: AttributePlan, code: str, current: dict[str, str]
    ) -> None:
        """Bring the options of ``code`` in line with the Odoo values and bind each."""
        magento: Any = ctx.magento
        stores, backend = ctx.stores.bindings, ctx.backend
        wanted = p.value.options
        by_value = await stores.get_many_by_odoo(backend, VALUE_ENTITY,
                                                 [o.odoo_id for o in wanted])
        bound = {vid: b.magento_id for vid, b in by_value.items()}
        known = {o.odoo_id for o in wanted}
        by_option = await stores.get_many_by_magento(backend, VALUE_ENTITY, list(current))
        gone = [oid for oid, b in by_option.items() if b.odoo_id not in known]
        plan = plan_options(wanted, current, bound, gone)
        bindings: list[Binding] = []

        def bind(option: OptionValues, oid: str) -> None:
            bindings.append(Binding(backend=backend, entity=VALUE_ENTITY, magento_id=oid,
                                    odoo_id=option.odoo_id, magento_key=f"{code}/{oid}"))

        for option, oid in (*plan.keep, *plan.adopt):
            if bound.get(option.odoo_id) != oid:
                bind(option, oid)
        rename = list(plan.rename)
        if p.value.is_swatch:
            # Magento's answers do not show swatches: on an update (the attribute's hash
            # changed) kept and adopted options with a swatch are written again with it
            rename += [(oid, o) for o, oid in (*plan.keep, *plan.adopt) if o.swatch]
        for oid, option in rename:
            await magento.update_attribute_option(code, oid, AttributeOption.from_api(
                {"label": option.label, **option.write_value(oid),
                 "sort_order": option.sort_order}))
        for option in plan.add:
            swatch = {"value": option.swatch} if option.swatch else {}
            oid = await magento.add_attribute_option(code, AttributeOption.from_api({
                "label": option.label, **swatch, "sort_order": option.sort_order,
                "is_default": False,
                "store_labels": [{"store_id": 0, "label": option.label}]}))
            stale = [vid for vid, o in bound.items() if vid == option.odoo_id and o != oid]
            for vid in stale:
                await stores.unbind(backend, VALUE_ENTITY, odoo_id=vid)
            bind(option, str(oid))
        for oid in plan.remove:
            await magento.delete_attribute_option(code, oid)
            await stores.unbind(backend, VALUE_ENTITY, magento_id=oid)
        if bindings:
            await stores.bind_many(bindings)
        if plan.remove:
            p.reason = f"removed options {', '.join(plan.remove)}"
