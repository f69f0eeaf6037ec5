"""Odoo product template (with its variants) -> Magento product(s) (pure).

* A template with one variant becomes a simple product (``virtual`` for a service); a
  template with several becomes a configurable whose options are its variant-creating
  attributes, each variant a simple child (not visible on its own) linked to it.
* SKU: the variant's ``default_code``. A variant without one is a ``MappingError`` naming
  the product (or, with ``catalog.missing_sku = "derive"``, ``catalog.derived_sku``); a code
  two variants share is a ``MappingError`` naming both. A configurable's SKU is
  ``catalog.configurable_sku`` (Odoo has no code for such a template).
* Price: the template's ``list_price`` plus the variant's ``price_extra``; a configurable's
  own price is not sent (Magento reads it back as 0 and prices it from its children).
* Status: enabled when active and ``sale_ok``; visibility "Catalog, Search" when published,
  else "Not Visible Individually" (always so for a child).
* Radio and multi-checkbox attributes that create no variant become custom options (radio ->
  ``radio``, multi -> ``checkbox``, a select with several values -> ``drop_down``), their
  values priced with the value's extra price; a non-variant select/pills/color attribute with
  one value is the product's attribute value.

``docs/mapping/products.md`` is the field table.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from magodoo.exceptions import MappingError
from magodoo.odoo.models import (
    ProductProduct,
    ProductTemplate,
    TemplateAttributeValue,
)

__all__ = [
    "ENTITY",
    "VARIANT_ENTITY",
    "AttributeInfo",
    "ChildValues",
    "ComboData",
    "ProductContext",
    "ProductValues",
    "TemplateData",
    "duplicate_codes",
    "product_url_key",
    "template_to_magento",
]

ENTITY = "products"
VARIANT_ENTITY = "product_variants"
ENABLED, DISABLED = 1, 2
NOT_VISIBLE, CATALOG_SEARCH = 1, 4


@attrs.frozen
class ComboData:
    """A ``product.combo`` of a combo product: its items as (variant id, extra price)."""

    id: int
    name: str
    sequence: int = 0
    items: tuple[tuple[int, float], ...] = ()


@attrs.frozen
class TemplateData:
    """A template with its variants (archived ones included), its PTAVs and, for a combo
    product, its combos."""

    template: ProductTemplate
    variants: tuple[ProductProduct, ...] = ()
    values: tuple[TemplateAttributeValue, ...] = ()
    combos: tuple[ComboData, ...] = ()


@attrs.frozen
class AttributeInfo:
    """What the products need of an Odoo attribute: its Magento code and id, its name,
    display type and variant mode."""

    code: str | None
    magento_id: int | None
    name: str
    display_type: str
    create_variant: str

    @property
    def creates_variants(self) -> bool:
        return self.create_variant != "no_variant"


@attrs.frozen
class ProductContext:
    """Resolved by the handler before mapping.

    ``attributes``: Odoo attribute id -> :class:`AttributeInfo`; ``options``: Odoo attribute
    value id -> Magento option id; ``categories``: Odoo public category id -> Magento category
    id; ``shared_codes``: default codes used by more than one variant -> those variant ids.
    """

    attribute_set_id: int = 4
    website_ids: tuple[int, ...] = (1,)
    attributes: Mapping[int, AttributeInfo] = attrs.field(factory=dict)
    options: Mapping[int, str] = attrs.field(factory=dict)
    categories: Mapping[int, int] = attrs.field(factory=dict)
    shared_codes: Mapping[str, tuple[int, ...]] = attrs.field(factory=dict)
    configurable_sku: str = "odoo-template-{id}"
    missing_sku: str = "error"
    derived_sku: str = "odoo-{id}"
    variant_skus: Mapping[int, str] = attrs.field(factory=dict)
    """``product.product`` id -> the SKU it is synced as (the items of combo products)."""


@attrs.frozen
class ChildValues:
    """One variant as a simple product."""

    odoo_id: int
    sku: str
    body: Mapping[str, Any]
    url_key: str

    def create_body(self) -> dict[str, Any]:
        return _with_url_key(self.body, self.url_key)

    def hashable(self) -> dict[str, Any]:
        return {"body": self.body, "url_key": self.url_key}


@attrs.frozen
class ProductValues:
    """A template mapped: the simple or configurable product, the children, the options."""

    odoo_id: int
    sku: str
    type_id: str
    body: Mapping[str, Any]
    url_key: str
    active: bool
    children: tuple[ChildValues, ...] = ()
    configurable_options: tuple[Mapping[str, Any], ...] = ()
    variant_id: int | None = None
    """The ``product.product`` of a simple product (its only variant)."""

    @property
    def configurable(self) -> bool:
        return self.type_id == "configurable"

    def create_body(self) -> dict[str, Any]:
        """The ``product`` object for ``POST /V1/products``."""
        return _with_url_key(self.body, self.url_key)

    def update_body(self) -> dict[str, Any]:
        """The ``product`` object for ``PUT /V1/products/{sku}`` (the URL key is kept)."""
        return dict(self.body)

    def parent_hashable(self) -> dict[str, Any]:
        return {"body": self.body, "url_key": self.url_key,
                "options": list(self.configurable_options)}

    def hashable(self) -> dict[str, Any]:
        return {**self.parent_hashable(),
                "children": [[c.odoo_id, c.hashable()] for c in self.children]}


def _with_url_key(body: Mapping[str, Any], url_key: str) -> dict[str, Any]:
    out = dict(body)
    out["custom_attributes"] = [*body.get("custom_attributes", ()),
                                {"attribute_code": "url_key", "value": url_key}]
    return out


def product_url_key(name: str, sku: str | None = None) -> str:
    """URL key: the name's slug, with the SKU's for a child (``desk-furn-0096``)."""
    text = unicodedata.normalize("NFKD", name + (f" {sku}" if sku else "")).encode(
        "ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "product"


def _error(template: ProductTemplate, message: str, field: str) -> MappingError:
    return MappingError(message, entity=ENTITY, record=template.id, field=field)


def _sku(template: ProductTemplate, variant: ProductProduct, ctx: ProductContext,
         field: str) -> str:
    code = (variant.default_code or "").strip()
    if not code:
        if ctx.missing_sku == "derive":
            return ctx.derived_sku.format(id=variant.id)
        raise _error(template, f"variant {variant.id} ({template.name!r}) has no internal "
                     "reference (default_code): set one, or set catalog.missing_sku = "
                     "\"derive\"", field)
    others = [v for v in ctx.shared_codes.get(code, ()) if v != variant.id]
    if others:
        raise _error(template, f"internal reference {code!r} of variant {variant.id} is also "
                     f"used by variant(s) {', '.join(map(str, others))}: SKUs must be unique",
                     field)
    return code


def _status(template: ProductTemplate, variant: ProductProduct | None = None) -> int:
    active = template.active and (variant is None or variant.active)
    return ENABLED if active and template.sale_ok else DISABLED


def _values_of(data: TemplateData) -> dict[int, TemplateAttributeValue]:
    return {v.id: v for v in data.values}


def _custom_options(data: TemplateData, ctx: ProductContext, sku: str) -> list[dict[str, Any]]:
    """Non-variant attributes that are not a single Magento attribute value."""
    lines: dict[int, list[TemplateAttributeValue]] = {}
    for ptav in data.values:
        if ptav.attribute_id is None or not ptav.ptav_active:
            continue
        info = ctx.attributes.get(ptav.attribute_id.id)
        if info is None or info.creates_variants:
            continue
        lines.setdefault(ptav.attribute_id.id, []).append(ptav)
    options = []
    for position, (attribute_id, ptavs) in enumerate(sorted(lines.items()), start=1):
        info = ctx.attributes[attribute_id]
        if info.display_type in ("select", "pills", "color") and len(ptavs) == 1:
            continue  # a single value: the product's attribute value
        kind = {"radio": "radio", "multi": "checkbox"}.get(info.display_type, "drop_down")
        options.append({
            "product_sku": sku,
            "title": info.name,
            "type": kind,
            "sort_order": position,
            "is_require": kind != "checkbox",
            "values": [{"title": _value_name(p), "price": p.price_extra,
                        "price_type": "fixed", "sort_order": n}
                       for n, p in enumerate(sorted(ptavs, key=lambda p: p.id), start=1)],
        })
    return options


def _value_name(ptav: TemplateAttributeValue) -> str:
    if ptav.product_attribute_value_id is not None and ptav.product_attribute_value_id.name:
        name = ptav.product_attribute_value_id.name
        return name.split(": ", 1)[-1] if ": " in name else name
    return ptav.name or str(ptav.id)


def _single_values(data: TemplateData, ctx: ProductContext) -> list[dict[str, Any]]:
    """Non-variant select/pills/color attributes with one value: the product's value."""
    by_attr: dict[int, list[TemplateAttributeValue]] = {}
    for ptav in data.values:
        if ptav.attribute_id is not None and ptav.ptav_active:
            by_attr.setdefault(ptav.attribute_id.id, []).append(ptav)
    out = []
    for attribute_id, ptavs in sorted(by_attr.items()):
        info = ctx.attributes.get(attribute_id)
        if (info is None or info.creates_variants or len(ptavs) != 1 or not info.code
                or info.display_type not in ("select", "pills", "color")):
            continue
        value = ptavs[0].product_attribute_value_id
        option = ctx.options.get(value.id) if value is not None else None
        if option is not None:
            out.append({"attribute_code": info.code, "value": option})
    return out


def _common(template: ProductTemplate, ctx: ProductContext) -> dict[str, Any]:
    links = []
    for position, cid in enumerate(template.public_categ_ids):
        bound = ctx.categories.get(cid)
        if bound is None:
            raise _error(template, f"eCommerce category {cid} is not synced to Magento",
                         "public_categ_ids")
        links.append({"position": position, "category_id": str(bound)})
    ext: dict[str, Any] = {"website_ids": list(ctx.website_ids)}
    if links:
        ext["category_links"] = links
    return ext


def _bundle(data: TemplateData, ctx: ProductContext, name: str) -> ProductValues:
    """A combo product: a bundle with one option per combo, one selection per item. Odoo
    prices a combo at the template's price plus the chosen items' extra prices: a fixed-price
    bundle (a dynamic one when the template's price is 0)."""
    template = data.template
    (variant,) = data.variants[:1] or (None,)
    if variant is None:
        raise _error(template, "the product has no variant", "product_variant_ids")
    if not data.combos:
        raise _error(template, "the combo product has no combo choice", "combo_ids")
    sku = _sku(template, variant, ctx, "default_code")
    fixed = template.list_price > 0
    options = []
    for position, combo in enumerate(sorted(data.combos, key=lambda c: (c.sequence, c.id)),
                                     start=1):
        links = []
        for n, (variant_id, extra) in enumerate(combo.items, start=1):
            item_sku = ctx.variant_skus.get(variant_id)
            if item_sku is None:
                raise _error(template, f"product {variant_id} of combo {combo.id} "
                             f"({combo.name!r}) is not synced to Magento",
                             f"combo_ids[{combo.id}].combo_item_ids")
            links.append({"sku": item_sku, "qty": 1, "position": n, "is_default": n == 1,
                          "price": extra, "price_type": 0, "can_change_quantity": 0})
        options.append({"title": combo.name, "required": True, "type": "radio",
                        "position": position, "sku": sku, "product_links": links})
    ext = _common(template, ctx)
    ext["bundle_product_options"] = options
    custom = [{"attribute_code": "price_type", "value": "1" if fixed else "0"},
              {"attribute_code": "price_view", "value": "0"},
              {"attribute_code": "sku_type", "value": "1"},
              {"attribute_code": "weight_type", "value": "0"},
              {"attribute_code": "shipment_type", "value": "0"}]
    if template.description_sale:
        custom.append({"attribute_code": "description", "value": template.description_sale})
    body: dict[str, Any] = {
        "sku": sku, "name": name, "attribute_set_id": ctx.attribute_set_id,
        "type_id": "bundle", "status": _status(template, variant),
        "visibility": CATALOG_SEARCH if template.is_published else NOT_VISIBLE,
        "extension_attributes": ext, "custom_attributes": custom,
    }
    if fixed:
        body["price"] = template.list_price
    return ProductValues(odoo_id=template.id, sku=sku, type_id="bundle", body=body,
                         url_key=product_url_key(name), active=template.active,
                         variant_id=variant.id)


def template_to_magento(data: TemplateData, ctx: ProductContext) -> ProductValues:
    """Map a template and its variants (raises :class:`MappingError`)."""
    template = data.template
    name = (template.name or "").strip()
    if not name:
        raise _error(template, "the product has no name", "name")
    if template.type == "combo":
        return _bundle(data, ctx, name)
    variants = sorted(data.variants, key=lambda v: v.id)  # archived ones: disabled children
    if not variants:
        raise _error(template, "the product has no variant", "product_variant_ids")
    ptavs = _values_of(data)
    found: set[int] = set()
    for v in variants:
        for i in v.product_template_attribute_value_ids:
            ref = ptavs[i].attribute_id if i in ptavs else None
            info = ctx.attributes.get(ref.id) if ref is not None else None
            if ref is not None and info is not None and info.creates_variants:
                found.add(ref.id)
    variant_attrs = sorted(found)
    description = {"attribute_code": "description", "value": template.description_sale} \
        if template.description_sale else None
    ext = _common(template, ctx)
    service = template.type == "service"
    if len(variants) == 1 and not variant_attrs:
        variant = variants[0]
        sku = _sku(template, variant, ctx, "default_code")
        custom = [*_single_values(data, ctx), *([description] if description else [])]
        body: dict[str, Any] = {
            "sku": sku, "name": name, "attribute_set_id": ctx.attribute_set_id,
            "type_id": "virtual" if service else "simple",
            "price": round(template.list_price + variant.price_extra, 4),
            "status": _status(template, variant),
            "visibility": CATALOG_SEARCH if template.is_published else NOT_VISIBLE,
            "extension_attributes": ext, "custom_attributes": custom,
            "options": _custom_options(data, ctx, sku),
        }
        if not service:
            body["weight"] = template.weight
        return ProductValues(odoo_id=template.id, sku=sku, type_id=body["type_id"], body=body,
                             url_key=product_url_key(name), active=template.active,
                             variant_id=variant.id)
    sku = ctx.configurable_sku.format(id=template.id, code=variants[0].default_code or "")
    options = []
    for position, attribute_id in enumerate(variant_attrs):
        info = ctx.attributes[attribute_id]
        if info.code is None or info.magento_id is None:
            raise _error(template, f"attribute {attribute_id} ({info.name}) is not synced to "
                         "Magento", "attribute_line_ids")
        indexes = []
        for v in variants:
            for i in v.product_template_attribute_value_ids:
                ptav = ptavs.get(i)
                if (ptav is None or ptav.attribute_id is None
                        or ptav.attribute_id.id != attribute_id
                        or ptav.product_attribute_value_id is None):
                    continue
                option = ctx.options.get(ptav.product_attribute_value_id.id)
                if option is None:
                    raise _error(template, f"value {ptav.product_attribute_value_id.id} of "
                                 f"attribute {info.name!r} is not synced to Magento",
                                 f"product_variant_ids[{v.id}]")
                if int(option) not in indexes:
                    indexes.append(int(option))
        options.append({"attribute_id": str(info.magento_id), "label": info.name,
                        "position": position, "is_use_default": True,
                        "values": [{"value_index": i} for i in sorted(indexes)]})
    children = []
    for v in variants:
        child_sku = _sku(template, v, ctx, f"product_variant_ids[{v.id}].default_code")
        labels, custom = [], []
        for i in v.product_template_attribute_value_ids:
            ptav = ptavs.get(i)
            if ptav is None or ptav.attribute_id is None or ptav.product_attribute_value_id is None:
                continue
            info = ctx.attributes.get(ptav.attribute_id.id)
            if info is None or not info.creates_variants or info.code is None:
                continue
            custom.append({"attribute_code": info.code,
                           "value": ctx.options[ptav.product_attribute_value_id.id]})
            labels.append(_value_name(ptav))
        child_body: dict[str, Any] = {
            "sku": child_sku,
            "name": f"{name} ({', '.join(labels)})" if labels else name,
            "attribute_set_id": ctx.attribute_set_id,
            "type_id": "virtual" if service else "simple",
            "price": round(template.list_price + v.price_extra, 4),
            "status": _status(template, v), "visibility": NOT_VISIBLE,
            "extension_attributes": {"website_ids": list(ctx.website_ids)},
            "custom_attributes": custom,
        }
        if not service:
            child_body["weight"] = template.weight
        children.append(ChildValues(v.id, child_sku, child_body,
                                    product_url_key(name, child_sku)))
    body = {
        "sku": sku, "name": name, "attribute_set_id": ctx.attribute_set_id,
        "type_id": "configurable", "status": _status(template),
        "visibility": CATALOG_SEARCH if template.is_published else NOT_VISIBLE,
        "extension_attributes": ext,
        "custom_attributes": [description] if description else [],
        "options": _custom_options(data, ctx, sku),
    }
    return ProductValues(odoo_id=template.id, sku=sku, type_id="configurable", body=body,
                         url_key=product_url_key(name), active=template.active,
                         children=tuple(children), configurable_options=tuple(options))


def duplicate_codes(rows: Sequence[Mapping[str, Any]]) -> dict[str, tuple[int, ...]]:
    """From ``product.product`` rows (``id``, ``default_code``): the codes used more than
    once and by which variants."""
    users: dict[str, list[int]] = {}
    for row in rows:
        code = (row.get("default_code") or "").strip() if row.get("default_code") else ""
        if code:
            users.setdefault(code, []).append(int(row["id"]))
    return {code: tuple(sorted(ids)) for code, ids in users.items() if len(ids) > 1}
