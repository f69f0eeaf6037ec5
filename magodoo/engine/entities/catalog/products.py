"""Products, Odoo -> Magento (``product.template`` with its variants -> a simple product, or
a configurable with its simple children).

* fetch: templates (consumables and services, archived ones too) changed since the cursor, or
  whose variants or attribute values (PTAVs, e.g. an extra price) changed; per page one
  ``search_read`` each for templates, variants and PTAVs;
* dependencies: the attributes and eCommerce categories the page uses are synced first;
* find: binding, else the Magento product with the SKU (one search per page);
* write: ``PUT /V1/products/{sku}`` (an upsert by SKU: a lost answer cannot duplicate), a
  taken URL key retried once with ``-<odoo id>``; a configurable writes its children first,
  then itself, its options and the child links. On update, only the children whose mapped
  values changed are written (each child's hash is kept in its ``product_variants``
  binding), the parent only when its own values changed (``configurables`` binding), and only
  the missing options and links are added (adding a child twice is a 400 on Magento);
  with ``catalog.bulk_creates`` the page's new simple products go in one asynchronous bulk
  (:mod:`magodoo.engine.entities.catalog.bulk`);
* archived in Odoo: disabled (``catalog.archived = "disable"``) or deleted (``"delete"``);
* deleted in Odoo: deleted in Magento (parent and children).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from magodoo._converter import format_datetime
from magodoo.backends.models import Binding, Direction
from magodoo.engine.echo import payload_hash, tag_hash
from magodoo.engine.entities.catalog._common import default_set, each, read_in
from magodoo.engine.entities.catalog.bulk import create_in_bulk
from magodoo.engine.handler import Context, Handler, Plan, Unreadable, Written
from magodoo.exceptions import MappingError, NotFoundError, ValidationError
from magodoo.magento.models_catalog import ConfigurableOption, Product
from magodoo.magento.search import SearchCriteria
from magodoo.mapping.catalog.attributes import ENTITY as ATTRIBUTES
from magodoo.mapping.catalog.attributes import VALUE_ENTITY, is_magento_attribute
from magodoo.mapping.catalog.products import (
    ENTITY,
    VARIANT_ENTITY,
    AttributeInfo,
    ChildValues,
    ComboData,
    ProductContext,
    ProductValues,
    TemplateData,
    duplicate_codes,
    template_to_magento,
)
from magodoo.mapping.categories import ENTITY as CATEGORIES
from magodoo.odoo.models import (
    ProductAttribute,
    ProductProduct,
    ProductTemplate,
    TemplateAttributeValue,
)

__all__ = ["CONFIGURABLE_ENTITY", "ProductExporter"]

MODEL = "product.template"
CONFIGURABLE_ENTITY = "configurables"
"""Bindings template id <-> configurable SKU whose hash covers the parent's own values."""
TEMPLATE_FIELDS = ["id", "name", "type", "default_code", "list_price", "weight",
                   "description_sale", "active", "sale_ok", "is_published", "public_categ_ids",
                   "attribute_line_ids", "product_variant_ids", "combo_ids", "write_date"]
VARIANT_FIELDS = ["id", "product_tmpl_id", "product_template_attribute_value_ids",
                  "default_code", "price_extra", "active", "write_date"]
PTAV_FIELDS = ["id", "product_tmpl_id", "attribute_id", "product_attribute_value_id",
               "attribute_line_id", "price_extra", "ptav_active", "write_date"]
ANY_ACTIVE: list[Any] = [("active", "in", [True, False])]
BASE_DOMAIN: list[Any] = [("type", "in", ["consu", "service", "combo"]), *ANY_ACTIVE]

ProductPlan = Plan[TemplateData, ProductValues]


def _template_of(row: Mapping[str, Any]) -> int:
    ref = row.get("product_tmpl_id")
    return int(ref[0]) if isinstance(ref, list | tuple) and ref else 0


def _url_key_taken(error: ValidationError) -> bool:
    return "url key" in str(error).lower()


async def _link_child(magento: Any, sku: str, child_sku: str) -> None:
    """Link a child; "already attached" (a 400 on Magento, recording 32) means a link whose
    answer was lost went through: the link is there, which is all we wanted."""
    try:
        await magento.add_configurable_child(sku, child_sku)
    except ValidationError as exc:
        if "already attached" not in str(exc).lower():
            raise


def _template_stamp(data: TemplateData) -> datetime | None:
    stamps = [s for s in (data.template.write_date,
                          *(v.write_date for v in data.variants),
                          *(v.write_date for v in data.values)) if s is not None]
    return max(stamps) if stamps else None


class ProductExporter(Handler[TemplateData, ProductValues]):
    """Odoo product templates -> Magento simple and configurable products."""

    entity: ClassVar[str] = ENTITY
    direction: ClassVar[Direction] = Direction.ODOO_TO_MAGENTO
    supports_delete: ClassVar[bool] = True
    odoo_model: ClassVar[str] = MODEL

    # ---- fetch ------------------------------------------------------------------------------

    def source_id(self, record: TemplateData) -> str:
        return str(record.template.id)

    def source_stamp(self, record: TemplateData) -> datetime | None:
        return _template_stamp(record)

    async def _records(
        self, ctx: Context, rows: list[dict[str, Any]]
    ) -> list[TemplateData | Unreadable]:
        """The page's templates with their variants, PTAVs and combos; a row that cannot be
        read (the template's or one of its variants' or values') fails that template alone."""
        ids = [int(r["id"]) for r in rows]
        bad: dict[int, MappingError] = {}
        variants: dict[int, list[ProductProduct]] = {}
        for row in await read_in(ctx, "product.product", "product_tmpl_id", ids,
                                 VARIANT_FIELDS, extra=ANY_ACTIVE):
            tid = _template_of(row)
            try:
                variants.setdefault(tid, []).append(ProductProduct.from_api(row))
            except MappingError as exc:
                bad.setdefault(tid, exc)
        values: dict[int, list[TemplateAttributeValue]] = {}
        for row in await read_in(ctx, "product.template.attribute.value", "product_tmpl_id",
                                 ids, PTAV_FIELDS):
            tid = _template_of(row)
            try:
                values.setdefault(tid, []).append(TemplateAttributeValue.from_api(row))
            except MappingError as exc:
                bad.setdefault(tid, exc)
        combos = await self._combos(ctx, rows)
        out: list[TemplateData | Unreadable] = []
        for r in rows:
            tid = int(r["id"])
            try:
                if tid in bad:
                    raise bad[tid]
                out.append(TemplateData(
                    ProductTemplate.from_api(r), tuple(variants.get(tid, ())),
                    tuple(values.get(tid, ())),
                    tuple(combos[c] for c in r.get("combo_ids") or () if c in combos)))
            except MappingError as exc:
                out.append(Unreadable(str(tid), exc))
        return out

    async def _combos(self, ctx: Context, rows: list[dict[str, Any]]) -> dict[int, ComboData]:
        ids = {int(c) for r in rows if r.get("type") == "combo" for c in r.get("combo_ids") or ()}
        if not ids:
            return {}
        items: dict[int, list[tuple[int, float]]] = {}
        for row in await read_in(ctx, "product.combo.item", "combo_id", ids,
                                 ["id", "combo_id", "product_id", "extra_price"]):
            items.setdefault(int(row["combo_id"][0]), []).append(
                (int(row["product_id"][0]), float(row.get("extra_price") or 0.0)))
        return {int(r["id"]): ComboData(int(r["id"]), str(r["name"]), int(r.get("sequence") or 0),
                                        tuple(items.get(int(r["id"]), ())))
                for r in await read_in(ctx, "product.combo", "id", ids,
                                       ["id", "name", "sequence"])}

    def levels(self, records: list[TemplateData]) -> list[list[TemplateData]]:
        """Combo products after the others: their items' products must be synced first (and
        the page's templates are locked while it is written)."""
        plain = [r for r in records if r.template.type != "combo"]
        combos = [r for r in records if r.template.type == "combo"]
        return [level for level in (plain, combos) if level]

    async def _changed_templates(self, ctx: Context, since: datetime) -> set[int]:
        stamp = format_datetime(since)
        found: set[int] = set()
        for model, extra in (("product.product", ANY_ACTIVE),
                             ("product.template.attribute.value", [])):
            rows = await ctx.odoo.search_read_page(
                model, [("write_date", ">=", stamp), *extra], ["product_tmpl_id"])
            found |= {int(r["product_tmpl_id"][0]) for r in rows if r.get("product_tmpl_id")}
        items = await ctx.odoo.search_read_page(
            "product.combo.item", [("write_date", ">=", stamp)], ["combo_id"])
        combos = sorted({int(r["combo_id"][0]) for r in items if r.get("combo_id")})
        if combos:
            rows = await ctx.odoo.search_read_page(
                MODEL, [("combo_ids", "in", combos), *ANY_ACTIVE], ["id"])
            found |= {int(r["id"]) for r in rows}
        return found

    async def fetch(  # type: ignore[override]
        self, ctx: Context, since: datetime | None
    ) -> AsyncIterator[list[TemplateData | Unreadable]]:
        base = list(BASE_DOMAIN)
        if since is not None:
            changed = await self._changed_templates(ctx, since)
            base += ["|", ("write_date", ">=", format_datetime(since)),
                     ("id", "in", sorted(changed))]
        async for rows in ctx.odoo_pages(MODEL, base, TEMPLATE_FIELDS):
            yield await self._records(ctx, rows)

    async def fetch_keys(  # type: ignore[override]
        self, ctx: Context, keys: Sequence[str]
    ) -> list[TemplateData | Unreadable]:
        rows = await ctx.odoo.search_read_page(
            MODEL, [("id", "in", [int(k) for k in keys]), *BASE_DOMAIN], TEMPLATE_FIELDS)
        return await self._records(ctx, rows)

    async def existing_sources(self, ctx: Context, source_ids: Sequence[str]) -> set[str]:
        rows = await ctx.odoo.search_read_page(
            MODEL, [("id", "in", [int(s) for s in source_ids]), *BASE_DOMAIN], ["id"])
        return {str(r["id"]) for r in rows}

    # ---- dependencies, map ------------------------------------------------------------------

    async def _ensure(self, ctx: Context, entity: str, ids: set[int]) -> dict[int, Binding]:
        bound = await ctx.stores.bindings.get_many_by_odoo(ctx.backend, entity, ids)
        missing = ids - bound.keys()
        if missing:
            await ctx.ensure(entity, Direction.ODOO_TO_MAGENTO, [str(i) for i in sorted(missing)])
            bound = await ctx.stores.bindings.get_many_by_odoo(ctx.backend, entity, ids)
        return bound

    async def _attributes(self, ctx: Context, records: list[TemplateData]) -> dict[
            int, AttributeInfo]:
        ids = {v.attribute_id.id for r in records for v in r.values if v.attribute_id}
        if not ids:
            return {}
        rows = await read_in(ctx, "product.attribute", "id", ids,
                             ["id", "name", "display_type", "create_variant"])
        odoo = {int(r["id"]): ProductAttribute.from_api(r) for r in rows}
        wanted = {i for i, a in odoo.items() if is_magento_attribute(a)}
        bound = await self._ensure(ctx, ATTRIBUTES, wanted) if wanted else {}
        codes = sorted({b.magento_id for b in bound.values()})
        numeric: dict[str, int] = {}
        if codes:
            magento: Any = ctx.magento
            criteria = SearchCriteria().where("attribute_code", codes, "in")
            page = await magento.list_product_attributes(criteria.page(len(codes)))
            numeric = {a.attribute_code: int(a.attribute_id) for a in page.items
                       if a.attribute_code and a.attribute_id is not None}
        info = {}
        for aid, attribute in odoo.items():
            code = bound[aid].magento_id if aid in bound else None
            info[aid] = AttributeInfo(
                code=code, magento_id=numeric.get(code) if code else None,
                name=attribute.name, display_type=attribute.display_type or "radio",
                create_variant=attribute.create_variant or "always")
        return info

    async def _websites(self, ctx: Context) -> tuple[int, ...]:
        kept = await ctx.stores.bindings.list_bindings(ctx.backend, "websites")
        ids = sorted(int(b.magento_id) for b in kept if b.magento_id != "0")
        if ids:
            return tuple(ids)
        magento: Any = ctx.magento
        return tuple(sorted(w.id for w in await magento.list_websites() if w.id)) or (1,)

    async def prepare(self, ctx: Context, records: list[TemplateData]) -> ProductContext:
        attributes = await self._attributes(ctx, records)
        value_ids = {v.product_attribute_value_id.id for r in records for v in r.values
                     if v.product_attribute_value_id is not None}
        options = await ctx.stores.bindings.get_many_by_odoo(ctx.backend, VALUE_ENTITY,
                                                             value_ids)
        stale = sorted({v.attribute_id.id for r in records for v in r.values
                        if v.product_attribute_value_id is not None and v.attribute_id
                        and v.product_attribute_value_id.id not in options
                        and (info := attributes.get(v.attribute_id.id)) is not None
                        and info.code is not None})
        if stale:  # a value added in Odoo since its attribute was synced
            await ctx.ensure(ATTRIBUTES, Direction.ODOO_TO_MAGENTO, [str(i) for i in stale])
            options = await ctx.stores.bindings.get_many_by_odoo(ctx.backend, VALUE_ENTITY,
                                                                 value_ids)
        categ_ids = {c for r in records for c in r.template.public_categ_ids}
        categories = await self._ensure(ctx, CATEGORIES, categ_ids) if categ_ids else {}
        codes = sorted({(v.default_code or "").strip() for r in records for v in r.variants
                        if v.default_code})
        shared: dict[str, tuple[int, ...]] = {}
        if codes:
            rows: list[dict[str, Any]] = []
            for start in range(0, len(codes), 500):
                rows += await ctx.odoo.search_read_page(
                    "product.product", [("default_code", "in", codes[start:start + 500]),
                                        *ANY_ACTIVE], ["id", "default_code"])
            shared = duplicate_codes(rows)
        variant_skus = await self._combo_items(ctx, records)
        target = await default_set(ctx)
        catalog = ctx.settings.catalog
        return ProductContext(
            attribute_set_id=target.set_id, website_ids=await self._websites(ctx),
            attributes=attributes,
            options={vid: b.magento_id for vid, b in options.items()},
            categories={cid: int(b.magento_id) for cid, b in categories.items()},
            shared_codes=shared, configurable_sku=catalog.configurable_sku,
            missing_sku=catalog.missing_sku, derived_sku=catalog.derived_sku,
            variant_skus=variant_skus,
        )

    async def _combo_items(self, ctx: Context, records: list[TemplateData]) -> dict[int, str]:
        """The SKUs of the combo items' products (their templates are synced first)."""
        wanted = {v for r in records for c in r.combos for v, _ in c.items}
        if not wanted:
            return {}
        bindings = ctx.stores.bindings
        bound = await bindings.get_many_by_odoo(ctx.backend, VARIANT_ENTITY, wanted)
        missing = wanted - bound.keys()
        if missing:
            rows = await ctx.odoo.read("product.product", sorted(missing), ["product_tmpl_id"])
            templates = sorted({int(r["product_tmpl_id"][0]) for r in rows})
            await ctx.ensure(self.entity, self.direction, [str(t) for t in templates])
            bound = await bindings.get_many_by_odoo(ctx.backend, VARIANT_ENTITY, wanted)
        return {vid: b.magento_id for vid, b in bound.items()}

    def map(self, record: TemplateData, mctx: Any) -> ProductValues:
        assert isinstance(mctx, ProductContext)
        return template_to_magento(record, mctx)

    def hashable(self, mapped: ProductValues) -> Any:
        return mapped.hashable()

    def natural_key(self, mapped: ProductValues) -> str | None:
        return mapped.sku

    # ---- find -------------------------------------------------------------------------------

    async def find_by_key(self, ctx: Context, plans: list[ProductPlan]) -> dict[str, str]:
        skus = {p.value.sku: p.source_id for p in plans}
        magento: Any = ctx.magento
        criteria = SearchCriteria().where("sku", sorted(skus), "in").page(len(skus))
        page = await magento.list_products(criteria, fields="items[sku]")
        return {skus[p.sku]: p.sku for p in page.items if p.sku in skus}

    # ---- write ------------------------------------------------------------------------------

    async def _put(self, ctx: Context, body: Mapping[str, Any], odoo_id: int) -> Product:
        """``PUT /V1/products/{sku}``; a taken URL key is retried once, suffixed."""
        magento: Any = ctx.magento
        try:
            return await magento.save_product(Product.from_api(dict(body)))  # type: ignore[no-any-return]
        except ValidationError as exc:
            if not _url_key_taken(exc):
                raise
        custom = [dict(a) for a in body.get("custom_attributes", ())]
        for attr in custom:
            if attr["attribute_code"] == "url_key":
                attr["value"] = f"{attr['value']}-{odoo_id}"
        return await magento.save_product(  # type: ignore[no-any-return]
            Product.from_api({**body, "custom_attributes": custom}))

    async def _bind_children(
        self, ctx: Context, children: Sequence[ChildValues], written: Sequence[ChildValues],
    ) -> None:
        rows = [Binding(backend=ctx.backend, entity=VARIANT_ENTITY, magento_id=c.sku,
                        odoo_id=c.odoo_id, magento_key=c.sku,
                        payload_hash=tag_hash(self.direction, payload_hash(c.hashable())))
                for c in written]
        if rows:
            await ctx.stores.bindings.bind_many(rows)

    async def _write(self, ctx: Context, p: ProductPlan, *, new: bool) -> Written:
        value = p.value
        if not new and p.target_id and p.target_id != value.sku:
            raise MappingError(
                f"the SKU changed from {p.target_id!r} to {value.sku!r}: Magento cannot rename "
                "a SKU through this sync; rename it in Magento or unbind the product",
                entity=ENTITY, record=value.odoo_id, field="default_code")
        if not value.active and ctx.settings.catalog.archived == "delete":
            await self._delete_all(ctx, value.sku, [c.sku for c in value.children])
            p.reason = "archived in Odoo: deleted"
            return Written(value.sku)
        if not value.configurable:
            body = value.create_body() if new else value.update_body()
            if value.type_id == "bundle" and not new:
                body = await self._keep_option_ids(ctx, value.sku, body)
            saved = await self._put(ctx, body, value.odoo_id)
            if value.variant_id is not None:
                await ctx.stores.bindings.bind_many([Binding(
                    backend=ctx.backend, entity=VARIANT_ENTITY, magento_id=value.sku,
                    odoo_id=value.variant_id, magento_key=value.sku)])
            if not value.active:
                p.reason = "archived in Odoo: disabled"
            return Written(value.sku, saved.updated_at)
        return await self._write_configurable(ctx, p, new=new)

    async def _keep_option_ids(
        self, ctx: Context, sku: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        """A bundle's options keep their ids on update (matched by title): Magento adds an
        option sent without ``option_id`` as a new one."""
        magento: Any = ctx.magento
        current = await magento.list_bundle_options(sku)
        ids = {str(o.get("title")): o.get("option_id") for o in current or ()}
        ext = dict(body["extension_attributes"])
        ext["bundle_product_options"] = [
            {**o, "option_id": ids[o["title"]]} if o["title"] in ids else o
            for o in ext["bundle_product_options"]]
        return {**body, "extension_attributes": ext}

    async def _write_configurable(self, ctx: Context, p: ProductPlan, *, new: bool) -> Written:
        value = p.value
        magento: Any = ctx.magento
        bindings = ctx.stores.bindings
        known = await bindings.get_many_by_odoo(ctx.backend, VARIANT_ENTITY,
                                                [c.odoo_id for c in value.children])
        written: list[ChildValues] = []
        for child in value.children:
            digest = tag_hash(self.direction, payload_hash(child.hashable()))
            bound = known.get(child.odoo_id)
            if bound is not None and bound.payload_hash == digest and not ctx.force and not new:
                continue
            fresh = bound is None or bound.magento_id != child.sku
            await self._put(ctx, child.create_body() if fresh else child.body, child.odoo_id)
            written.append(child)
        await self._bind_children(ctx, value.children, written)
        parent_digest = tag_hash(self.direction, payload_hash(value.parent_hashable()))
        parent = (await bindings.get_many_by_odoo(ctx.backend, CONFIGURABLE_ENTITY,
                                                  [value.odoo_id])).get(value.odoo_id)
        stamp = None
        if new or ctx.force or parent is None or parent.payload_hash != parent_digest:
            saved = await self._put(ctx, value.create_body() if new else value.update_body(),
                                    value.odoo_id)
            stamp = saved.updated_at
            current = {} if new else {o.attribute_id: o
                                      for o in await magento.list_configurable_options(value.sku)}
            for option in value.configurable_options:
                have = current.get(option["attribute_id"])
                if have is None:
                    await magento.add_configurable_option(
                        value.sku, ConfigurableOption.from_api(dict(option)))
                elif sorted(v.value_index or 0 for v in have.values or ()) != [
                        v["value_index"] for v in option["values"]] and have.id is not None:
                    await magento.update_configurable_option(
                        value.sku, have.id, ConfigurableOption.from_api(dict(option)))
            await bindings.bind_many([Binding(
                backend=ctx.backend, entity=CONFIGURABLE_ENTITY, magento_id=value.sku,
                odoo_id=value.odoo_id, magento_key=value.sku, payload_hash=parent_digest)])
        # The links are checked on every write, not only when a child was written: a link
        # whose answer was lost (or a write adopted after an unknown outcome) must be added
        # by the next attempt, which finds the children already written and bound.
        linked = set() if new else {c.sku for c in
                                    await magento.list_configurable_children(value.sku)}
        for child in value.children:
            if child.sku not in linked:
                await _link_child(magento, value.sku, child.sku)
        if not value.active:
            p.reason = "archived in Odoo: disabled"
        return Written(value.sku, stamp)

    async def create(
        self, ctx: Context, plans: list[ProductPlan]
    ) -> Mapping[str, Written | BaseException]:
        async def one(p: ProductPlan) -> Written:
            return await self._write(ctx, p, new=True)

        bulk = [p for p in plans if ctx.settings.catalog.bulk_creates and _bulkable(ctx, p)]
        results: dict[str, Written | BaseException] = {}
        if bulk:
            results.update(await create_in_bulk(ctx, bulk))
        rest = [p for p in plans if p.source_id not in results]
        results.update(await each(ctx, rest, one))
        return results

    async def update(
        self, ctx: Context, plans: list[ProductPlan]
    ) -> Mapping[str, Written | BaseException]:
        async def one(p: ProductPlan) -> Written:
            return await self._write(ctx, p, new=False)

        return await each(ctx, plans, one)

    async def _delete_all(self, ctx: Context, sku: str, children: Sequence[str]) -> None:
        magento: Any = ctx.magento
        for child in (*children, sku):
            with contextlib.suppress(NotFoundError):
                await magento.delete_product(child)
            await ctx.stores.bindings.unbind(ctx.backend, VARIANT_ENTITY, magento_id=child)
        await ctx.stores.bindings.unbind(ctx.backend, CONFIGURABLE_ENTITY, magento_id=sku)

    async def discard(self, ctx: Context, target_id: str) -> None:
        magento: Any = ctx.magento
        await magento.delete_product(target_id)

    async def delete(self, ctx: Context, binding: Binding) -> None:
        magento: Any = ctx.magento
        children: list[str] = []
        try:
            product = await magento.get_product(binding.magento_id)
        except NotFoundError:
            product = None
        if product is not None and product.type_id == "configurable":
            children = [c.sku for c in await magento.list_configurable_children(binding.magento_id)
                        if c.sku]
        await self._delete_all(ctx, binding.magento_id, children)


def _bulkable(ctx: Context, p: ProductPlan) -> bool:
    """A new simple (or virtual) product: one body, nothing to do after it but its binding.
    Configurables (children, options, links), bundles and products to delete go one by one."""
    value = p.value
    return (not value.configurable and value.type_id in ("simple", "virtual")
            and (value.active or ctx.settings.catalog.archived != "delete"))

