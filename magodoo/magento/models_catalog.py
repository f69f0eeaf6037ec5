"""Catalog records: categories, attribute sets and attributes, products and their parts, stock.

Types follow the 2.4.7 schema definitions named in each docstring; the real 2.4.6 answers in
``samples-2.4.6`` are read by tests. ``extension_attributes`` vary with the installed modules,
so they stay a raw mapping; :class:`Product` offers typed views of the ones a sync uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from magodoo._converter import converter
from magodoo.magento._base import ApiModel, plain
from magodoo.magento.models_common import CustomAttribute, HasCustomAttributes

__all__ = [
    "AttributeGroup",
    "AttributeOption",
    "AttributeOptionLabel",
    "AttributeSet",
    "Category",
    "CategoryLink",
    "CategoryProductLink",
    "CategoryTree",
    "ConfigurableOption",
    "ConfigurableOptionValue",
    "CustomOption",
    "CustomOptionValue",
    "FrontendLabel",
    "MediaGalleryEntry",
    "Product",
    "ProductAttribute",
    "ProductLink",
    "ProductWebsiteLink",
    "Source",
    "SourceCarrierLink",
    "SourceItem",
    "StockItem",
    "TierPrice",
]


@attrs.frozen(kw_only=True)
class Category(HasCustomAttributes, ApiModel):
    """Category (``catalog-data-category``)."""

    search_extra: ClassVar[frozenset[str] | None] = None  # EAV: each store's attributes
    positive_id: ClassVar[bool] = True

    id: int | None = None
    parent_id: int | None = None
    name: str | None = None
    is_active: bool | None = None
    position: int | None = None
    level: int | None = None
    children: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    path: str | None = None
    available_sort_by: tuple[str | None, ...] | None = None
    include_in_menu: bool | None = None
    extension_attributes: Mapping[str, Any] | None = None
    custom_attributes: tuple[CustomAttribute, ...] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CategoryTree(ApiModel):
    """CategoryTree (``catalog-data-category-tree``)."""

    id: int | None = None
    parent_id: int | None = None
    name: str | None = None
    is_active: bool | None = None
    position: int | None = None
    level: int | None = None
    product_count: int | None = None
    children_data: tuple[CategoryTree, ...] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CategoryProductLink(ApiModel):
    """CategoryProductLink (``catalog-data-category-product-link``)."""

    sku: str | None = None
    position: int | None = None
    category_id: str | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class AttributeSet(ApiModel):
    """AttributeSet (``eav-data-attribute-set``)."""

    attribute_set_id: int | None = None
    attribute_set_name: str | None = None
    sort_order: int | None = None
    entity_type_id: int | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class AttributeGroup(ApiModel):
    """AttributeGroup (``eav-data-attribute-group``)."""

    # columns of eav_attribute_group the answer does not carry
    search_extra: ClassVar[frozenset[str] | None] = frozenset(
        {"sort_order", "default_id", "attribute_group_code", "tab_group_code"})

    attribute_group_id: str | None = None
    attribute_group_name: str | None = None
    attribute_set_id: int | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class AttributeOptionLabel(ApiModel):
    """AttributeOptionLabel (``eav-data-attribute-option-label``)."""

    store_id: int | None = None
    label: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class AttributeOption(ApiModel):
    """AttributeOption (``eav-data-attribute-option``)."""

    label: str | None = None
    value: str | None = None
    sort_order: int | None = None
    is_default: bool | None = None
    store_labels: tuple[AttributeOptionLabel, ...] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class FrontendLabel(ApiModel):
    """FrontendLabel (``eav-data-attribute-frontend-label``)."""

    store_id: int | None = None
    label: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class ProductAttribute(ApiModel):
    """ProductAttribute (``catalog-data-product-attribute``)."""

    search_extra: ClassVar[frozenset[str] | None] = None  # the many eav_attribute columns

    extension_attributes: Mapping[str, Any] | None = None
    is_wysiwyg_enabled: bool | None = None
    is_html_allowed_on_front: bool | None = None
    used_for_sort_by: bool | None = None
    is_filterable: bool | None = None
    is_filterable_in_search: bool | None = None
    is_used_in_grid: bool | None = None
    is_visible_in_grid: bool | None = None
    is_filterable_in_grid: bool | None = None
    position: int | None = None
    apply_to: tuple[str | None, ...] | None = None
    is_searchable: str | None = None
    is_visible_in_advanced_search: str | None = None
    is_comparable: str | None = None
    is_used_for_promo_rules: str | None = None
    is_visible_on_front: str | None = None
    used_in_product_listing: str | None = None
    is_visible: bool | None = None
    scope: str | None = None
    attribute_id: int | None = None
    attribute_code: str | None = None
    frontend_input: str | None = None
    entity_type_id: str | None = None
    is_required: bool | None = None
    options: tuple[AttributeOption, ...] | None = None
    is_user_defined: bool | None = None
    default_frontend_label: str | None = None
    frontend_labels: tuple[FrontendLabel, ...] | None = None
    note: str | None = None
    backend_type: str | None = None
    backend_model: str | None = None
    source_model: str | None = None
    default_value: str | None = None
    is_unique: str | None = None
    frontend_class: str | None = None
    validation_rules: tuple[Mapping[str, Any], ...] | None = None
    custom_attributes: tuple[CustomAttribute, ...] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class StockItem(ApiModel):
    """StockItem (``catalog-inventory-data-stock-item``)."""

    item_id: int | None = None
    product_id: int | None = None
    stock_id: int | None = None
    qty: float | None = None
    is_in_stock: bool | None = None
    is_qty_decimal: bool | None = None
    show_default_notification_message: bool | None = None
    use_config_min_qty: bool | None = None
    min_qty: float | None = None
    use_config_min_sale_qty: int | None = None
    min_sale_qty: float | None = None
    use_config_max_sale_qty: bool | None = None
    max_sale_qty: float | None = None
    use_config_backorders: bool | None = None
    backorders: int | None = None
    use_config_notify_stock_qty: bool | None = None
    notify_stock_qty: float | None = None
    use_config_qty_increments: bool | None = None
    qty_increments: float | None = None
    use_config_enable_qty_inc: bool | None = None
    enable_qty_increments: bool | None = None
    use_config_manage_stock: bool | None = None
    manage_stock: bool | None = None
    low_stock_date: datetime | None = None
    is_decimal_divided: bool | None = None
    stock_status_changed_auto: int | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class ConfigurableOptionValue(ApiModel):
    """ConfigurableOptionValue (``configurable-product-data-option-value``)."""

    value_index: int | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class ConfigurableOption(ApiModel):
    """ConfigurableOption (``configurable-product-data-option``)."""

    id: int | None = None
    attribute_id: str | None = None
    label: str | None = None
    position: int | None = None
    is_use_default: bool | None = None
    values: tuple[ConfigurableOptionValue, ...] | None = None
    extension_attributes: Mapping[str, Any] | None = None
    product_id: int | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CustomOptionValue(ApiModel):
    """CustomOptionValue (``catalog-data-product-custom-option-values``)."""

    title: str | None = None
    sort_order: int | None = None
    price: float | None = None
    price_type: str | None = None
    sku: str | None = None
    option_type_id: int | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CustomOption(ApiModel):
    """CustomOption (``catalog-data-product-custom-option``)."""

    product_sku: str | None = None
    option_id: int | None = None
    title: str | None = None
    type: str | None = None
    sort_order: int | None = None
    is_require: bool | None = None
    price: float | None = None
    price_type: str | None = None
    sku: str | None = None
    file_extension: str | None = None
    max_characters: int | None = None
    image_size_x: int | None = None
    image_size_y: int | None = None
    values: tuple[CustomOptionValue, ...] | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class MediaGalleryEntry(ApiModel):
    """MediaGalleryEntry (``catalog-data-product-attribute-media-gallery-entry``)."""

    id: int | None = None
    media_type: str | None = None
    label: str | None = None
    position: int | None = None
    disabled: bool | None = None
    types: tuple[str | None, ...] | None = None
    file: str | None = None
    content: Mapping[str, Any] | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class ProductLink(ApiModel):
    """ProductLink (``catalog-data-product-link``)."""

    sku: str | None = None
    link_type: str | None = None
    linked_product_sku: str | None = None
    linked_product_type: str | None = None
    position: int | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class TierPrice(ApiModel):
    """TierPrice (``catalog-data-product-tier-price``)."""

    customer_group_id: int | None = None
    qty: float | None = None
    value: float | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class ProductWebsiteLink(ApiModel):
    """ProductWebsiteLink (``catalog-data-product-website-link``)."""

    sku: str | None = None
    website_id: int | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CategoryLink(ApiModel):
    """A product's place in a category (``catalog-data-category-link``)."""

    position: int | None = None
    category_id: str | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class Product(HasCustomAttributes, ApiModel):
    """Product (``catalog-data-product``)."""

    search_extra: ClassVar[frozenset[str] | None] = None  # EAV: each store's attributes

    id: int | None = None
    sku: str | None = None
    name: str | None = None
    attribute_set_id: int | None = None
    price: float | None = None
    status: int | None = None
    visibility: int | None = None
    type_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    weight: float | None = None
    extension_attributes: Mapping[str, Any] | None = None
    product_links: tuple[ProductLink, ...] | None = None
    options: tuple[CustomOption, ...] | None = None
    media_gallery_entries: tuple[MediaGalleryEntry, ...] | None = None
    tier_prices: tuple[TierPrice, ...] | None = None
    custom_attributes: tuple[CustomAttribute, ...] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    def _ext(self, key: str) -> Any:
        return (self.extension_attributes or {}).get(key)

    @property
    def website_ids(self) -> tuple[int, ...] | None:
        """``extension_attributes.website_ids``, when present."""
        value = self._ext("website_ids")
        return None if value is None else tuple(converter.structure(v, int) for v in value)

    @property
    def category_links(self) -> tuple[CategoryLink, ...] | None:
        """``extension_attributes.category_links``, when present."""
        value = self._ext("category_links")
        return None if value is None else tuple(CategoryLink.from_api(v) for v in value)

    @property
    def stock_item(self) -> StockItem | None:
        """``extension_attributes.stock_item``, when present."""
        value = self._ext("stock_item")
        return None if value is None else StockItem.from_api(value)

    @property
    def configurable_product_options(self) -> tuple[ConfigurableOption, ...] | None:
        """``extension_attributes.configurable_product_options`` (configurables only)."""
        value = self._ext("configurable_product_options")
        return None if value is None else tuple(ConfigurableOption.from_api(v) for v in value)

    @property
    def configurable_product_links(self) -> tuple[int, ...] | None:
        """``extension_attributes.configurable_product_links``: the children's product ids."""
        value = self._ext("configurable_product_links")
        return None if value is None else tuple(converter.structure(v, int) for v in value)

    def with_extension(self, **values: Any) -> Product:
        """A copy with ``extension_attributes`` keys set (models are written as dicts)."""
        merged = dict(self.extension_attributes or {})
        for key, value in values.items():
            merged[key] = plain(value)
        return attrs.evolve(self, extension_attributes=merged)


@attrs.frozen(kw_only=True)
class SourceItem(ApiModel):
    """SourceItem (``inventory-api-data-source-item``)."""

    sku: str | None = None
    source_code: str | None = None
    quantity: float | None = None
    status: int | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)




@attrs.frozen(kw_only=True)
class SourceCarrierLink(ApiModel):
    """SourceCarrierLink (``inventory-api-data-source-carrier-link-interface``)."""

    carrier_code: str | None = None
    position: int | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class Source(ApiModel):
    """Source (``inventory-api-data-source-interface``): an MSI warehouse or shop.

    ``extension_attributes`` holds ``is_pickup_location_active`` and ``frontend_name`` on a
    stock 2.4.6 (``77_sources_list``), more with other modules installed.
    """

    source_code: str | None = None
    name: str | None = None
    email: str | None = None
    contact_name: str | None = None
    enabled: bool | None = None
    description: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    country_id: str | None = None
    region_id: int | None = None
    region: str | None = None
    city: str | None = None
    street: str | None = None
    postcode: str | None = None
    phone: str | None = None
    fax: str | None = None
    use_default_carrier_config: bool | None = None
    carrier_links: tuple[SourceCarrierLink, ...] | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
