"""A fresh Magento 2.4.6 store as recorded: admin and base websites, the default store view,
the root categories, the Default attribute set and its groups, the stock attributes, the default
MSI source. The catalog itself is empty (``demo_catalog`` fills it)."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

from magodoo.testing._magento.state import Row, State

DEFAULT_SET_ID = 4
PRODUCT_ENTITY_TYPE = 4
CATEGORY_ENTITY_TYPE = 3
ROOT_CATEGORY_ID = 1
DEFAULT_CATEGORY_ID = 2

# Groups of the Default set (recorded ids), in the recorded order.
DEFAULT_GROUPS = (
    (7, "Product Details"),
    (13, "Content"),
    (15, "Bundle Items"),
    (10, "Images"),
    (9, "Search Engine Optimization"),
    (8, "Advanced Pricing"),
    (11, "Design"),
    (14, "Schedule Design Update"),
    (12, "Autosettings"),
    (20, "Gift Options"),
)

MODULES = (
    "Magento_Store",
    "Magento_Directory",
    "Magento_Theme",
    "Magento_Backend",
    "Magento_Eav",
    "Magento_Customer",
    "Magento_Catalog",
    "Magento_CatalogInventory",
    "Magento_CatalogRule",
    "Magento_CatalogSearch",
    "Magento_CatalogUrlRewrite",
    "Magento_Quote",
    "Magento_Sales",
    "Magento_SalesRule",
    "Magento_Checkout",
    "Magento_Tax",
    "Magento_Payment",
    "Magento_Shipping",
    "Magento_OfflinePayments",
    "Magento_OfflineShipping",
    "Magento_ConfigurableProduct",
    "Magento_Bundle",
    "Magento_Downloadable",
    "Magento_GroupedProduct",
    "Magento_Swatches",
    "Magento_Integration",
    "Magento_Webapi",
    "Magento_WebapiAsync",
    "Magento_WebapiSecurity",
    "Magento_AsynchronousOperations",
    "Magento_JwtUserToken",
    "Magento_MediaStorage",
    "Magento_UrlRewrite",
    "Magento_Msrp",
    "Magento_GiftMessage",
    "Magento_Inventory",
    "Magento_InventoryApi",
    "Magento_InventoryCatalog",
    "Magento_InventoryCatalogApi",
    "Magento_InventorySales",
    "Magento_InventorySalesApi",
    "Magento_InventoryIndexer",
    "Magento_InventoryConfigurableProduct",
    "Magento_InventoryShipping",
    "Magento_PageBuilder",
)

# Keys the full attribute GET adds to the list shape (recorded for ``size``, 2.4.6).
CATALOG_ATTRIBUTE_DEFAULTS: dict[str, Any] = {
    "extension_attributes": {"is_pagebuilder_enabled": False},
    "is_wysiwyg_enabled": False,
    "is_html_allowed_on_front": False,
    "used_for_sort_by": False,
    "is_filterable": False,
    "is_filterable_in_search": False,
    "is_used_in_grid": False,
    "is_visible_in_grid": False,
    "is_filterable_in_grid": False,
    "position": 0,
    "apply_to": [],
    "is_searchable": "0",
    "is_visible_in_advanced_search": "0",
    "is_comparable": "0",
    "is_used_for_promo_rules": "0",
    "is_visible_on_front": "0",
    "used_in_product_listing": "0",
    "is_visible": True,
    "scope": "store",
}


@cache
def _base_attributes() -> tuple[Row, ...]:
    text = (
        resources.files("magodoo.testing")
        .joinpath("data", "magento", "base-attributes.json")
        .read_text(encoding="utf-8")
    )
    return tuple(json.loads(text)["attributes"])


def store_config(store: Row, base_url: str = "http://127.0.0.1:8080/") -> Row:
    return {
        "id": store["id"],
        "code": store["code"],
        "website_id": store["website_id"],
        "locale": "fr_FR" if store["code"] == "fr" else "en_US",
        "base_currency_code": "USD",
        "default_display_currency_code": "USD",
        "timezone": "UTC",
        "weight_unit": "lbs",
        "base_url": base_url,
        "base_link_url": base_url + "index.php/",
        "base_static_url": base_url + "static/version1795756374/",
        "base_media_url": base_url + "media/",
        "secure_base_url": base_url,
        "secure_base_link_url": base_url + "index.php/",
        "secure_base_static_url": base_url + "static/version1795756374/",
        "secure_base_media_url": base_url + "media/",
    }


def seed(state: State) -> None:
    """Fill ``state`` with what a fresh store has."""
    state.modules = list(MODULES)
    state.websites.add({"id": 0, "code": "admin", "name": "Admin", "default_group_id": 0})
    state.websites.add({"id": 1, "code": "base", "name": "Main Website", "default_group_id": 1})
    state.groups.add(
        {
            "id": 0,
            "website_id": 0,
            "root_category_id": 0,
            "default_store_id": 0,
            "name": "Default",
            "code": "default",
        }
    )
    state.groups.add(
        {
            "id": 1,
            "website_id": 1,
            "root_category_id": 2,
            "default_store_id": 1,
            "name": "Main Website Store",
            "code": "main_website_store",
        }
    )
    state.stores.add(
        {
            "id": 0,
            "code": "admin",
            "name": "Admin",
            "website_id": 0,
            "store_group_id": 0,
            "is_active": 1,
        }
    )
    state.stores.add(
        {
            "id": 1,
            "code": "default",
            "name": "Default Store View",
            "website_id": 1,
            "store_group_id": 1,
            "is_active": 1,
        }
    )
    state.store_configs[1] = store_config(state.stores.rows[1])
    now = state.timestamp()
    # As recorded: the root catalog has no is_active; neither root has is_anchor; the default
    # category carries display_mode.
    for cid, parent, name, path, level, active, custom in (
        (ROOT_CATEGORY_ID, 0, "Root Catalog", "1", 0, None, {}),
        (DEFAULT_CATEGORY_ID, 1, "Default Category", "1/2", 1, True, {"display_mode": "PRODUCTS"}),
    ):
        state.categories.add(
            {
                "id": cid,
                "parent_id": parent,
                "name": name,
                "is_active": active,
                "position": 1 if cid == 2 else 0,
                "level": level,
                "created_at": now,
                "updated_at": now,
                "path": path,
                "include_in_menu": True,
                "url_key": None,
                "url_path": None,
                "is_anchor": None,
                "custom": custom,
            }
        )
    state.attribute_sets.add(
        {
            "attribute_set_id": DEFAULT_SET_ID,
            "attribute_set_name": "Default",
            "sort_order": 1,
            "entity_type_id": PRODUCT_ENTITY_TYPE,
        },
        key="attribute_set_id",
    )
    for gid, name in DEFAULT_GROUPS:
        state.attribute_groups.add(
            {
                "attribute_group_id": gid,
                "attribute_group_name": name,
                "attribute_set_id": DEFAULT_SET_ID,
            },
            key="attribute_group_id",
        )
    state.attribute_groups.last_id = 20
    assigned: dict[str, tuple[int, int]] = {}
    for n, attr in enumerate(_base_attributes()):
        row = copy.deepcopy(attr)
        full = copy.deepcopy(CATALOG_ATTRIBUTE_DEFAULTS)
        full.update(row)
        full["scope"] = "global" if row["attribute_code"] in ("color", "price", "sku") else "store"
        state.attributes[row["attribute_code"]] = full
        assigned[row["attribute_code"]] = (7, n + 1)
    state.attribute_ids.last_id = 136  # next user attribute gets 137, as recorded
    state.option_ids.last_id = 3  # next option value gets 4, as recorded
    state.entity_attribute_ids.last_id = 134
    state.set_attributes[DEFAULT_SET_ID] = assigned
    state.sources.add(
        {
            # as a stock 2.4.6 lists it (recorded: 77_sources_list)
            "source_code": "default",
            "name": "Default Source",
            "enabled": True,
            "description": "Default Source",
            "latitude": 0,
            "longitude": 0,
            "country_id": "US",
            "postcode": "00000",
            "use_default_carrier_config": True,
            "carrier_links": [],
            "extension_attributes": {"is_pickup_location_active": False, "frontend_name": ""},
        },
        key="source_code",
    )


def continue_recorded_counters(state: State) -> None:
    """Seed "recorded": the id counters where the recorded store stood when
    ``samples-2.4.6-sales`` began (after the ``samples-2.4.6`` run), so recorded ids work verbatim.

    The catalog rows of that first run are not recreated; only the counters move on.
    """
    state.categories.last_id = 7
    state.products.last_id = 24
    state.stock_items.last_id = 24
    state.option_ids.last_id = 4  # "Red R1" was 4: size S/M/L get 5/6/7
    color = state.attributes["color"]
    color["options"] = [*color["options"], {"label": "Red R1", "value": "4"}]
    state.configurable_option_ids.last_id = 1
    state.entity_attribute_ids.last_id = 135
