"""Products, variants, attributes and categories."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from magodoo.odoo.models._base import OdooRecord, Ref, record

__all__ = [
    "ProductAttribute",
    "ProductAttributeValue",
    "ProductCategory",
    "ProductProduct",
    "ProductTemplate",
    "PublicCategory",
    "TemplateAttributeLine",
    "TemplateAttributeValue",
]


@record
@attrs.frozen(kw_only=True)
class ProductTemplate(OdooRecord):
    """A product (``type`` consu/service/combo; stock is ``is_storable``). ``default_code`` of a
    template with several variants reads ``None``: set codes on each variant."""

    MODEL: ClassVar[str] = "product.template"
    READONLY: ClassVar[frozenset[str]] = frozenset({
        "display_name", "product_variant_count", "write_date",
    })

    id: int = 0
    name: str
    type: str | None = None
    is_storable: bool = False
    categ_id: Ref | None = None
    public_categ_ids: tuple[int, ...] = ()
    list_price: float = 0.0
    standard_price: float = 0.0
    default_code: str | None = None
    barcode: str | None = None
    attribute_line_ids: tuple[int, ...] = ()
    product_variant_ids: tuple[int, ...] = ()
    product_variant_count: int = 0
    taxes_id: tuple[int, ...] = ()
    sale_ok: bool = False
    invoice_policy: str | None = None
    weight: float = 0.0
    description_sale: str | None = None
    is_published: bool = False
    website_published: bool = False
    active: bool = True
    display_name: str | None = None
    write_date: datetime | None = None


@record
@attrs.frozen(kw_only=True)
class ProductProduct(OdooRecord):
    """A variant. ``lst_price`` = template price + the sum of its PTAV ``price_extra``; writing
    it changes the template for all variants, so it is read-only here: write
    ``TemplateAttributeValue.price_extra`` instead."""

    MODEL: ClassVar[str] = "product.product"
    READONLY: ClassVar[frozenset[str]] = frozenset({
        "display_name", "lst_price", "price_extra", "write_date",
    })

    id: int = 0
    name: str | None = None
    product_tmpl_id: Ref | None = None
    product_template_attribute_value_ids: tuple[int, ...] = ()
    default_code: str | None = None
    barcode: str | None = None
    lst_price: float = 0.0
    price_extra: float = 0.0
    active: bool = True
    display_name: str | None = None
    write_date: datetime | None = None


@record
@attrs.frozen(kw_only=True)
class ProductAttribute(OdooRecord):
    """An attribute (``display_type`` radio/pills/select/color/multi; ``create_variant``
    always/dynamic/no_variant)."""

    MODEL: ClassVar[str] = "product.attribute"
    READONLY: ClassVar[frozenset[str]] = frozenset({"write_date"})

    id: int = 0
    name: str
    display_type: str | None = None
    create_variant: str | None = None
    value_ids: tuple[int, ...] = ()
    sequence: int = 0
    write_date: datetime | None = None


@record
@attrs.frozen(kw_only=True)
class ProductAttributeValue(OdooRecord):
    """A value of an attribute (``default_extra_price`` is copied to new PTAVs)."""

    MODEL: ClassVar[str] = "product.attribute.value"
    READONLY: ClassVar[frozenset[str]] = frozenset({"write_date"})

    id: int = 0
    name: str
    attribute_id: Ref | None = None
    sequence: int = 0
    html_color: str | None = None
    default_extra_price: float = 0.0
    write_date: datetime | None = None


@record
@attrs.frozen(kw_only=True)
class TemplateAttributeLine(OdooRecord):
    """An attribute on a template, with the values it uses (``product.template.attribute.line``)."""

    MODEL: ClassVar[str] = "product.template.attribute.line"

    id: int = 0
    product_tmpl_id: Ref | None = None
    attribute_id: Ref | None = None
    value_ids: tuple[int, ...] = ()
    product_template_value_ids: tuple[int, ...] = ()
    sequence: int = 0


@record
@attrs.frozen(kw_only=True)
class TemplateAttributeValue(OdooRecord):
    """A value as used by one template (PTAV); ``price_extra`` is the variant surcharge."""

    MODEL: ClassVar[str] = "product.template.attribute.value"
    READONLY: ClassVar[frozenset[str]] = frozenset({
        "attribute_id", "name", "product_tmpl_id", "write_date",
    })

    id: int = 0
    name: str | None = None
    product_tmpl_id: Ref | None = None
    attribute_id: Ref | None = None
    product_attribute_value_id: Ref | None = None
    attribute_line_id: Ref | None = None
    price_extra: float = 0.0
    ptav_active: bool = False
    write_date: datetime | None = None


@record
@attrs.frozen(kw_only=True)
class ProductCategory(OdooRecord):
    """An internal product category (``categ_id`` of every product; 1 is "All")."""

    MODEL: ClassVar[str] = "product.category"
    READONLY: ClassVar[frozenset[str]] = frozenset({"complete_name"})

    id: int = 0
    name: str
    parent_id: Ref | None = None
    complete_name: str | None = None
    child_id: tuple[int, ...] = ()


@record
@attrs.frozen(kw_only=True)
class PublicCategory(OdooRecord):
    """An eCommerce category. ``parent_path`` is like ``"50/51/"``, ``display_name`` like
    ``"Outlet / Shirts"``."""

    MODEL: ClassVar[str] = "product.public.category"
    READONLY: ClassVar[frozenset[str]] = frozenset({"display_name", "parent_path", "write_date"})

    id: int = 0
    name: str
    parent_id: Ref | None = None
    child_id: tuple[int, ...] = ()
    sequence: int = 0
    parent_path: str | None = None
    display_name: str | None = None
    website_id: Ref | None = None
    write_date: datetime | None = None
