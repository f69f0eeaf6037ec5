"""Typed routes of the store, EAV and catalog parts of Magento."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

from magodoo._converter import converter
from magodoo.exceptions import ConfigurationError
from magodoo.magento._base import plain
from magodoo.magento._core import ClientCore, seg
from magodoo.magento.models_catalog import (
    AttributeGroup,
    AttributeOption,
    AttributeSet,
    Category,
    CategoryProductLink,
    CategoryTree,
    ConfigurableOption,
    CustomOption,
    MediaGalleryEntry,
    Product,
    ProductAttribute,
    SourceItem,
    StockItem,
)
from magodoo.magento.models_common import Page
from magodoo.magento.models_store import StoreConfig, StoreGroup, StoreView, Website
from magodoo.magento.search import SearchCriteria

__all__ = ["CatalogApi"]

Fields = str | Iterable[str] | None


def _int(value: Any) -> int:
    result: int = converter.structure(value, int)
    return result


def _bool(value: Any) -> bool:
    return bool(value)


class CatalogApi(ClientCore):
    """Stores, modules, attribute sets, attributes, categories, products, stock."""

    __slots__ = ()

    # ---- stores and modules ---------------------------------------------------------------

    async def list_websites(self) -> list[Website]:
        """``GET /V1/store/websites`` (includes the admin website, id 0)."""
        return [Website.from_api(x) for x in await self.get("/V1/store/websites")]

    async def list_store_groups(self) -> list[StoreGroup]:
        """``GET /V1/store/storeGroups``."""
        return [StoreGroup.from_api(x) for x in await self.get("/V1/store/storeGroups")]

    async def list_store_views(self) -> list[StoreView]:
        """``GET /V1/store/storeViews``."""
        return [StoreView.from_api(x) for x in await self.get("/V1/store/storeViews")]

    async def list_store_configs(self, store_codes: Sequence[str] = ()) -> list[StoreConfig]:
        """``GET /V1/store/storeConfigs`` (all stores, or those of ``store_codes``)."""
        params = [("storeCodes[]", code) for code in store_codes]
        return [StoreConfig.from_api(x) for x in await self.get("/V1/store/storeConfigs", params)]

    async def list_modules(self) -> list[str]:
        """``GET /V1/modules``: enabled modules (detect ``Magento_Inventory`` for MSI)."""
        return [str(x) for x in await self.get("/V1/modules")]

    # ---- attribute sets -------------------------------------------------------------------

    async def list_attribute_sets(
        self, criteria: SearchCriteria | None = None
    ) -> Page[AttributeSet]:
        """``GET /V1/products/attribute-sets/sets/list``."""
        return await self.fetch_page(
            "/V1/products/attribute-sets/sets/list", criteria, model=AttributeSet
        )

    async def get_attribute_set(self, attribute_set_id: int) -> AttributeSet:
        """``GET /V1/products/attribute-sets/{attributeSetId}``."""
        data = await self.get(f"/V1/products/attribute-sets/{seg(attribute_set_id)}")
        return AttributeSet.from_api(data)

    async def list_attribute_groups(
        self, criteria: SearchCriteria | None = None, *, attribute_set_id: int | None = None
    ) -> Page[AttributeGroup]:
        """``GET /V1/products/attribute-sets/groups/list`` (optionally of one set)."""
        criteria = criteria or SearchCriteria()
        if attribute_set_id is not None:
            criteria = criteria.where("attribute_set_id", attribute_set_id)
        return await self.fetch_page(
            "/V1/products/attribute-sets/groups/list", criteria, model=AttributeGroup
        )

    async def create_attribute_group(self, group: AttributeGroup) -> AttributeGroup:
        """``POST /V1/products/attribute-sets/groups``."""
        data = await self.post("/V1/products/attribute-sets/groups", {"group": group.to_api()})
        return AttributeGroup.from_api(data)

    async def list_attribute_set_attributes(self, attribute_set_id: int) -> list[
        ProductAttribute
    ]:
        """``GET /V1/products/attribute-sets/{attributeSetId}/attributes``."""
        data = await self.get(f"/V1/products/attribute-sets/{seg(attribute_set_id)}/attributes")
        return [ProductAttribute.from_api(x) for x in data]

    async def assign_attribute(
        self, attribute_set_id: int, attribute_group_id: int, attribute_code: str,
        sort_order: int = 0,
    ) -> int:
        """``POST /V1/products/attribute-sets/attributes``: put an attribute in a set's group;
        returns the entity-attribute id."""
        data = await self.post("/V1/products/attribute-sets/attributes", {
            "attributeSetId": attribute_set_id,
            "attributeGroupId": attribute_group_id,
            "attributeCode": attribute_code,
            "sortOrder": sort_order,
        })
        return _int(data)

    async def unassign_attribute(self, attribute_set_id: int, attribute_code: str) -> bool:
        """``DELETE /V1/products/attribute-sets/{attributeSetId}/attributes/{attributeCode}``."""
        return _bool(await self.delete(
            f"/V1/products/attribute-sets/{seg(attribute_set_id)}/attributes/"
            f"{seg(attribute_code)}"
        ))

    # ---- product attributes ---------------------------------------------------------------

    async def list_product_attributes(
        self, criteria: SearchCriteria | None = None
    ) -> Page[ProductAttribute]:
        """``GET /V1/products/attributes``."""
        return await self.fetch_page("/V1/products/attributes", criteria, model=ProductAttribute)

    def iter_product_attributes(
        self, criteria: SearchCriteria | None = None, *, page_size: int | None = None
    ) -> AsyncIterator[ProductAttribute]:
        """Every product attribute matching ``criteria``."""
        return self.paginate("/V1/products/attributes", criteria, page_size=page_size,
                             model=ProductAttribute)

    async def get_product_attribute(self, attribute_code: str) -> ProductAttribute:
        """``GET /V1/products/attributes/{attributeCode}``."""
        data = await self.get(f"/V1/products/attributes/{seg(attribute_code)}")
        return ProductAttribute.from_api(data)

    async def create_product_attribute(self, attribute: ProductAttribute) -> ProductAttribute:
        """``POST /V1/products/attributes``."""
        data = await self.post("/V1/products/attributes", {"attribute": attribute.to_api()})
        return ProductAttribute.from_api(data)

    async def update_product_attribute(
        self, attribute_code: str, attribute: ProductAttribute
    ) -> ProductAttribute:
        """``PUT /V1/products/attributes/{attributeCode}``."""
        data = await self.put(f"/V1/products/attributes/{seg(attribute_code)}",
                              {"attribute": attribute.to_api()})
        return ProductAttribute.from_api(data)

    async def delete_product_attribute(self, attribute_code: str) -> bool:
        """``DELETE /V1/products/attributes/{attributeCode}``."""
        return _bool(await self.delete(f"/V1/products/attributes/{seg(attribute_code)}"))

    async def list_attribute_options(self, attribute_code: str) -> list[AttributeOption]:
        """``GET /V1/products/attributes/{attributeCode}/options`` (``value`` is the id)."""
        data = await self.get(f"/V1/products/attributes/{seg(attribute_code)}/options")
        return [AttributeOption.from_api(x) for x in data]

    async def add_attribute_option(self, attribute_code: str, option: AttributeOption) -> str:
        """``POST /V1/products/attributes/{attributeCode}/options``.

        Magento answers ``"id_<n>"`` (2.4.6) or the bare id; the id is returned without the
        prefix. Not retried blindly: look the label up before trying again.
        """
        data = await self.post(f"/V1/products/attributes/{seg(attribute_code)}/options",
                               {"option": option.to_api()})
        text = str(data)
        return text.removeprefix("id_")

    async def update_attribute_option(
        self, attribute_code: str, option_id: str | int, option: AttributeOption
    ) -> bool:
        """``PUT /V1/products/attributes/{attributeCode}/options/{optionId}`` (a rename)."""
        return _bool(await self.put(
            f"/V1/products/attributes/{seg(attribute_code)}/options/{seg(option_id)}",
            {"option": option.to_api()},
        ))

    async def delete_attribute_option(self, attribute_code: str, option_id: str | int) -> bool:
        """``DELETE /V1/products/attributes/{attributeCode}/options/{optionId}``."""
        return _bool(await self.delete(
            f"/V1/products/attributes/{seg(attribute_code)}/options/{seg(option_id)}"
        ))

    # ---- categories -----------------------------------------------------------------------

    async def get_category_tree(
        self, root_category_id: int | None = None, depth: int | None = None
    ) -> CategoryTree:
        """``GET /V1/categories``: the nested tree (``children_data``)."""
        params: list[tuple[str, str]] = []
        if root_category_id is not None:
            params.append(("rootCategoryId", str(root_category_id)))
        if depth is not None:
            params.append(("depth", str(depth)))
        return CategoryTree.from_api(await self.get("/V1/categories", params))

    async def list_categories(self, criteria: SearchCriteria | None = None) -> Page[Category]:
        """``GET /V1/categories/list``: flat, one page as ``criteria`` say."""
        return await self.fetch_page("/V1/categories/list", criteria, model=Category)

    def iter_categories(
        self, criteria: SearchCriteria | None = None, *, page_size: int | None = None,
        fields: Fields = None,
    ) -> AsyncIterator[Category]:
        """Every category matching ``criteria``, paged."""
        return self.paginate("/V1/categories/list", criteria, page_size=page_size,
                             fields=fields, model=Category)

    async def get_category(self, category_id: int, store_id: int | None = None) -> Category:
        """``GET /V1/categories/{categoryId}`` (values of ``store_id`` when given)."""
        params = [("storeId", str(store_id))] if store_id is not None else None
        return Category.from_api(await self.get(f"/V1/categories/{seg(category_id)}", params))

    async def create_category(self, category: Category) -> Category:
        """``POST /V1/categories``. Not retried blindly (look it up by url_key first)."""
        return Category.from_api(await self.post("/V1/categories",
                                                 {"category": category.to_api()}))

    async def update_category(self, category_id: int, category: Category) -> Category:
        """``PUT /V1/categories/{id}`` (only the fields set on ``category`` are sent)."""
        return Category.from_api(await self.put(f"/V1/categories/{seg(category_id)}",
                                                {"category": category.to_api()}))

    async def delete_category(self, category_id: int) -> bool:
        """``DELETE /V1/categories/{categoryId}``."""
        return _bool(await self.delete(f"/V1/categories/{seg(category_id)}"))

    async def move_category(
        self, category_id: int, parent_id: int, after_id: int | None = None
    ) -> bool:
        """``PUT /V1/categories/{categoryId}/move`` under ``parent_id`` (after ``after_id``)."""
        body: dict[str, Any] = {"parentId": parent_id}
        if after_id is not None:
            body["afterId"] = after_id
        return _bool(await self.put(f"/V1/categories/{seg(category_id)}/move", body))

    async def list_category_products(self, category_id: int) -> list[CategoryProductLink]:
        """``GET /V1/categories/{categoryId}/products``."""
        data = await self.get(f"/V1/categories/{seg(category_id)}/products")
        return [CategoryProductLink.from_api(x) for x in data]

    async def assign_product_to_category(
        self, category_id: int, sku: str, position: int = 0
    ) -> bool:
        """``PUT /V1/categories/{categoryId}/products`` (idempotent form of the POST)."""
        link = {"sku": sku, "position": position, "category_id": str(category_id)}
        return _bool(await self.put(f"/V1/categories/{seg(category_id)}/products",
                                    {"productLink": link}))

    async def remove_product_from_category(self, category_id: int, sku: str) -> bool:
        """``DELETE /V1/categories/{categoryId}/products/{sku}``."""
        return _bool(await self.delete(f"/V1/categories/{seg(category_id)}/products/{seg(sku)}"))

    # ---- products -------------------------------------------------------------------------

    async def list_products(
        self, criteria: SearchCriteria | None = None, *, fields: Fields = None
    ) -> Page[Product]:
        """``GET /V1/products``: one page as ``criteria`` say."""
        return await self.fetch_page("/V1/products", criteria, model=Product, fields=fields)

    def iter_products(
        self, criteria: SearchCriteria | None = None, *, page_size: int | None = None,
        fields: Fields = None,
    ) -> AsyncIterator[Product]:
        """Every product matching ``criteria``, paged."""
        return self.paginate("/V1/products", criteria, page_size=page_size, fields=fields,
                             model=Product)

    async def get_product(
        self, sku: str, *, store_id: int | None = None, edit_mode: bool = False
    ) -> Product:
        """``GET /V1/products/{sku}``."""
        params: list[tuple[str, str]] = []
        if store_id is not None:
            params.append(("storeId", str(store_id)))
        if edit_mode:
            params.append(("editMode", "1"))
        return Product.from_api(await self.get(f"/V1/products/{seg(sku)}", params))

    async def save_product(self, product: Product, *, save_options: bool | None = None) -> Product:
        """``PUT /V1/products/{sku}``: create or update by SKU (idempotent, retried)."""
        if not product.sku:
            raise ConfigurationError("save_product needs product.sku")
        body: dict[str, Any] = {"product": product.to_api()}
        if save_options is not None:
            body["saveOptions"] = save_options
        return Product.from_api(await self.put(f"/V1/products/{seg(product.sku)}", body))

    async def create_product(
        self, product: Product, *, save_options: bool | None = None
    ) -> Product:
        """``POST /V1/products``: create (not retried blindly; prefer :meth:`save_product`)."""
        body: dict[str, Any] = {"product": product.to_api()}
        if save_options is not None:
            body["saveOptions"] = save_options
        return Product.from_api(await self.post("/V1/products", body))

    async def delete_product(self, sku: str) -> bool:
        """``DELETE /V1/products/{sku}``."""
        return _bool(await self.delete(f"/V1/products/{seg(sku)}"))

    async def add_product_website(self, sku: str, website_id: int) -> bool:
        """``PUT /V1/products/{sku}/websites``: put the product in a website."""
        link = {"sku": sku, "website_id": website_id}
        return _bool(await self.put(f"/V1/products/{seg(sku)}/websites",
                                    {"productWebsiteLink": link}))

    async def remove_product_website(self, sku: str, website_id: int) -> bool:
        """``DELETE /V1/products/{sku}/websites/{websiteId}``."""
        return _bool(await self.delete(f"/V1/products/{seg(sku)}/websites/{seg(website_id)}"))

    # ---- bundle products -------------------------------------------------------------------

    async def list_bundle_options(self, sku: str) -> list[dict[str, Any]]:
        """``GET /V1/bundle-products/{sku}/options/all`` (``bundle-data-option-interface``
        objects as plain dicts)."""
        data = await self.get(f"/V1/bundle-products/{seg(sku)}/options/all")
        return [dict(x) for x in data or ()]

    # ---- configurable products ------------------------------------------------------------

    async def list_configurable_options(self, sku: str) -> list[ConfigurableOption]:
        """``GET /V1/configurable-products/{sku}/options/all``."""
        data = await self.get(f"/V1/configurable-products/{seg(sku)}/options/all")
        return [ConfigurableOption.from_api(x) for x in data]

    async def get_configurable_option(self, sku: str, option_id: int) -> ConfigurableOption:
        """``GET /V1/configurable-products/{sku}/options/{id}``."""
        data = await self.get(f"/V1/configurable-products/{seg(sku)}/options/{seg(option_id)}")
        return ConfigurableOption.from_api(data)

    async def add_configurable_option(self, sku: str, option: ConfigurableOption) -> int:
        """``POST /V1/configurable-products/{sku}/options``: the new option id."""
        data = await self.post(f"/V1/configurable-products/{seg(sku)}/options",
                               {"option": option.to_api()})
        return _int(data)

    async def update_configurable_option(
        self, sku: str, option_id: int, option: ConfigurableOption
    ) -> int:
        """``PUT /V1/configurable-products/{sku}/options/{id}``."""
        data = await self.put(f"/V1/configurable-products/{seg(sku)}/options/{seg(option_id)}",
                              {"option": option.to_api()})
        return _int(data)

    async def delete_configurable_option(self, sku: str, option_id: int) -> bool:
        """``DELETE /V1/configurable-products/{sku}/options/{id}``."""
        return _bool(await self.delete(
            f"/V1/configurable-products/{seg(sku)}/options/{seg(option_id)}"
        ))

    async def list_configurable_children(self, sku: str) -> list[Product]:
        """``GET /V1/configurable-products/{sku}/children``."""
        data = await self.get(f"/V1/configurable-products/{seg(sku)}/children")
        return [Product.from_api(x) for x in data]

    async def add_configurable_child(self, sku: str, child_sku: str) -> bool:
        """``POST /V1/configurable-products/{sku}/child`` (400 when already attached)."""
        return _bool(await self.post(f"/V1/configurable-products/{seg(sku)}/child",
                                     {"childSku": child_sku}))

    async def remove_configurable_child(self, sku: str, child_sku: str) -> bool:
        """``DELETE /V1/configurable-products/{sku}/children/{childSku}``."""
        return _bool(await self.delete(
            f"/V1/configurable-products/{seg(sku)}/children/{seg(child_sku)}"
        ))

    # ---- custom options -------------------------------------------------------------------

    async def list_custom_options(self, sku: str) -> list[CustomOption]:
        """``GET /V1/products/{sku}/options``."""
        return [CustomOption.from_api(x)
                for x in await self.get(f"/V1/products/{seg(sku)}/options")]

    async def get_custom_option(self, sku: str, option_id: int) -> CustomOption:
        """``GET /V1/products/{sku}/options/{optionId}``."""
        data = await self.get(f"/V1/products/{seg(sku)}/options/{seg(option_id)}")
        return CustomOption.from_api(data)

    async def create_custom_option(self, option: CustomOption) -> CustomOption:
        """``POST /V1/products/options`` (``option.product_sku`` names the product)."""
        return CustomOption.from_api(await self.post("/V1/products/options",
                                                     {"option": option.to_api()}))

    async def update_custom_option(self, option_id: int, option: CustomOption) -> CustomOption:
        """``PUT /V1/products/options/{optionId}``."""
        return CustomOption.from_api(await self.put(f"/V1/products/options/{seg(option_id)}",
                                                    {"option": option.to_api()}))

    async def delete_custom_option(self, sku: str, option_id: int) -> bool:
        """``DELETE /V1/products/{sku}/options/{optionId}``."""
        return _bool(await self.delete(f"/V1/products/{seg(sku)}/options/{seg(option_id)}"))

    # ---- media gallery --------------------------------------------------------------------

    async def list_media(self, sku: str) -> list[MediaGalleryEntry]:
        """``GET /V1/products/{sku}/media``."""
        return [MediaGalleryEntry.from_api(x)
                for x in await self.get(f"/V1/products/{seg(sku)}/media")]

    async def get_media(self, sku: str, entry_id: int) -> MediaGalleryEntry:
        """``GET /V1/products/{sku}/media/{entryId}``."""
        data = await self.get(f"/V1/products/{seg(sku)}/media/{seg(entry_id)}")
        return MediaGalleryEntry.from_api(data)

    async def add_media(self, sku: str, entry: MediaGalleryEntry) -> int:
        """``POST /V1/products/{sku}/media`` (``entry.content`` holds the base64 image)."""
        return _int(await self.post(f"/V1/products/{seg(sku)}/media", {"entry": entry.to_api()}))

    async def update_media(self, sku: str, entry_id: int, entry: MediaGalleryEntry) -> bool:
        """``PUT /V1/products/{sku}/media/{entryId}``."""
        return _bool(await self.put(f"/V1/products/{seg(sku)}/media/{seg(entry_id)}",
                                    {"entry": entry.to_api()}))

    async def delete_media(self, sku: str, entry_id: int) -> bool:
        """``DELETE /V1/products/{sku}/media/{entryId}``."""
        return _bool(await self.delete(f"/V1/products/{seg(sku)}/media/{seg(entry_id)}"))

    # ---- stock ----------------------------------------------------------------------------

    async def get_stock_item(self, sku: str) -> StockItem:
        """``GET /V1/stockItems/{productSku}`` (legacy single-source stock)."""
        return StockItem.from_api(await self.get(f"/V1/stockItems/{seg(sku)}"))

    async def update_stock_item(self, sku: str, item: StockItem) -> int:
        """``PUT /V1/products/{productSku}/stockItems/{itemId}``: the item id.

        Magento ignores the item id of the URL; ``item.item_id`` (or 1) is put there.
        """
        item_id = item.item_id if item.item_id is not None else 1
        data = await self.put(f"/V1/products/{seg(sku)}/stockItems/{seg(item_id)}",
                              {"stockItem": item.to_api()})
        return _int(data)

    async def list_source_items(
        self, criteria: SearchCriteria | None = None
    ) -> Page[SourceItem]:
        """``GET /V1/inventory/source-items`` (MSI)."""
        return await self.fetch_page("/V1/inventory/source-items", criteria, model=SourceItem)

    def iter_source_items(
        self, criteria: SearchCriteria | None = None, *, page_size: int | None = None
    ) -> AsyncIterator[SourceItem]:
        """Every MSI source item matching ``criteria`` (e.g. ``sku in (...)``)."""
        return self.paginate("/V1/inventory/source-items", criteria, page_size=page_size,
                             model=SourceItem)

    async def save_source_items(self, items: Iterable[SourceItem]) -> None:
        """``POST /V1/inventory/source-items``: set quantities and statuses (an upsert, so
        retried safely)."""
        await self.post("/V1/inventory/source-items",
                        {"sourceItems": [plain(i) for i in items]}, idempotent=True)

    async def delete_source_items(self, items: Iterable[SourceItem]) -> None:
        """``POST /V1/inventory/source-items-delete``."""
        await self.post("/V1/inventory/source-items-delete",
                        {"sourceItems": [plain(i) for i in items]}, idempotent=True)

    async def get_salable_quantity(self, sku: str, stock_id: int = 1) -> float:
        """``GET /V1/inventory/get-product-salable-quantity/{sku}/{stockId}``."""
        data = await self.get(
            f"/V1/inventory/get-product-salable-quantity/{seg(sku)}/{seg(stock_id)}"
        )
        result: float = converter.structure(data, float)
        return result
