"""Catalog and store routes of the fake Magento over loopback HTTP."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from magodoo.testing._server import serve
from magodoo.testing.fake_magento import FakeMagento


class Api:
    """A tiny admin client for the tests."""

    def __init__(self, session: aiohttp.ClientSession, base: str, token: str) -> None:
        self.session = session
        self.base = base
        self.headers = {"Authorization": f"Bearer {token}"}

    async def call(
        self, method: str, path: str, body: Any = None, store: str | None = None
    ) -> tuple[int, Any]:
        prefix = f"/rest/{store}" if store else "/rest"
        async with self.session.request(
            method, self.base + prefix + path, json=body, headers=self.headers
        ) as resp:
            text = await resp.text()
            try:
                return resp.status, await resp.json(content_type=None)
            except ValueError:
                return resp.status, text

    async def ok(self, method: str, path: str, body: Any = None, store: str | None = None) -> Any:
        status, data = await self.call(method, path, body, store)
        assert status == 200, data
        return data


class Clock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def api(clock: Clock, magento_session: aiohttp.ClientSession) -> AsyncIterator[Api]:
    fake = FakeMagento(now=clock)
    async with serve(fake.app) as url:
        yield Api(magento_session, url, fake.admin_token())


def product(sku: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sku": sku,
        "name": f"Product {sku}",
        "attribute_set_id": 4,
        "price": 10,
        "type_id": "simple",
    }
    body.update(extra)
    return {"product": body}


async def test_store_routes(api: Api) -> None:
    websites = await api.ok("GET", "/V1/store/websites")
    assert {w["id"] for w in websites} == {0, 1}
    views = await api.ok("GET", "/V1/store/storeViews")
    assert {v["code"] for v in views} == {"admin", "default"}
    configs = await api.ok("GET", "/V1/store/storeConfigs?storeCodes[]=default")
    assert configs[0]["base_currency_code"] == "USD"
    assert "Magento_InventoryApi" in await api.ok("GET", "/V1/modules")


async def test_routing_errors(api: Api) -> None:
    no_route = {"message": "Request does not match any route."}
    assert await api.call("DELETE", "/V1/store/websites") == (404, no_route)
    assert await api.call("GET", "/V1/nothing-here") == (404, no_route)
    assert await api.call("GET", "/V1/store/websites", store="nosuchstore") == (404, no_route)
    assert (await api.call("GET", "/V1/store/websites", store="all"))[0] == 200
    assert (await api.call("GET", "/V1/store/websites", store="default"))[0] == 200
    status, body = await api.call("GET", "/V1/products")
    assert (status, body["parameters"]) == (400, {"fieldName": "searchCriteria"})


async def test_product_lifecycle(api: Api, clock: Clock) -> None:
    created = await api.ok(
        "POST",
        "/V1/products",
        product(
            "S1",
            extension_attributes={"stock_item": {"qty": 5, "is_in_stock": True}},
            custom_attributes=[{"attribute_code": "url_key", "value": "s-one"}],
        ),
    )
    assert created["extension_attributes"]["stock_item"]["qty"] == 5
    assert "product_links" not in created
    clock.moment += timedelta(seconds=5)
    updated = await api.ok("PUT", "/V1/products/S1", {"product": {"price": 12.5}})
    assert updated["price"] == 12.5
    assert updated["updated_at"] > updated["created_at"]
    got = await api.ok("GET", "/V1/products/S1")
    assert got["tier_prices"] == [] and got["product_links"] == []
    # PUT creates when the SKU is new (upsert)
    await api.ok("PUT", "/V1/products/S2", product("ignored"))
    status, body = await api.call(
        "POST",
        "/V1/products",
        product("S3", custom_attributes=[{"attribute_code": "url_key", "value": "s-one"}]),
    )
    assert (status, body) == (400, {"message": "URL key for specified store already exists."})
    status, text = await api.call("POST", "/V1/products", {"product": {"name": "no sku"}})
    assert status == 500 and text.startswith("An error has happened during application run.")
    status, body = await api.call("POST", "/V1/products", product("S4", price="abc"))
    assert status == 400 and 'The "float" type was expected' in body["message"]
    assert await api.ok("DELETE", "/V1/products/S2") is True
    status, body = await api.call("DELETE", "/V1/products/S2")
    assert status == 404


async def test_fields_projection_on_post_and_list(api: Api) -> None:
    body = await api.ok("POST", "/V1/products?fields=sku,price", product("F1"))
    assert body == {"sku": "F1", "price": 10}
    listing = await api.ok(
        "GET", "/V1/products?searchCriteria[pageSize]=5&fields=items[sku],total_count"
    )
    assert listing == {"items": [{"sku": "F1"}], "total_count": 1}


async def test_product_search_and_updated_at(api: Api, clock: Clock) -> None:
    for n in range(3):
        await api.ok("POST", "/V1/products", product(f"P{n}"))
        clock.moment += timedelta(minutes=1)
    since = (clock.moment - timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M:%S")
    page = await api.ok(
        "GET",
        "/V1/products?searchCriteria[filter_groups][0][filters][0][field]=updated_at"
        f"&searchCriteria[filter_groups][0][filters][0][value]={since}"
        "&searchCriteria[filter_groups][0][filters][0][condition_type]=gteq"
        "&searchCriteria[sortOrders][0][field]=updated_at"
        "&searchCriteria[sortOrders][0][direction]=DESC",
    )
    assert [p["sku"] for p in page["items"]] == ["P2", "P1"]
    assert "stock_item" not in page["items"][0]["extension_attributes"]
    beyond = await api.ok(
        "GET", "/V1/products?searchCriteria[pageSize]=2&searchCriteria[currentPage]=9"
    )
    assert beyond["items"] == [] and beyond["total_count"] == 3
    status, body = await api.call(
        "GET",
        "/V1/products?searchCriteria[filter_groups][0][filters][0][field]=nope"
        "&searchCriteria[filter_groups][0][filters][0][value]=1",
    )
    assert (status, body["parameters"]) == (400, ["nope"])


async def test_configurable(api: Api) -> None:
    option = await api.ok(
        "POST", "/V1/products/attributes/color/options", {"option": {"label": "Red"}}
    )
    assert isinstance(option, str)
    child = product("C-RED", custom_attributes=[{"attribute_code": "color", "value": option}])
    await api.ok("POST", "/V1/products", child)
    parent = await api.ok("POST", "/V1/products", product("C", type_id="configurable", price=30))
    assert parent["price"] == 0
    color = await api.ok("GET", "/V1/products/attributes/color")
    option_id = await api.ok(
        "POST",
        "/V1/configurable-products/C/options",
        {
            "option": {
                "attribute_id": str(color["attribute_id"]),
                "label": "Color",
                "position": 0,
                "values": [{"value_index": int(option)}],
            }
        },
    )
    assert isinstance(option_id, str)
    assert await api.ok("POST", "/V1/configurable-products/C/child", {"childSku": "C-RED"}) is True
    status, body = await api.call(
        "POST", "/V1/configurable-products/C/child", {"childSku": "C-RED"}
    )
    assert (status, body) == (400, {"message": "The product is already attached."})
    children = await api.ok("GET", "/V1/configurable-products/C/children")
    assert [c["sku"] for c in children] == ["C-RED"]
    assert "extension_attributes" not in children[0]
    got = await api.ok("GET", "/V1/products/C")
    assert got["extension_attributes"]["configurable_product_links"] == [children[0]["id"]]
    assert await api.ok("DELETE", "/V1/configurable-products/C/children/C-RED") is True
    assert await api.ok("GET", "/V1/configurable-products/C/children") == []


async def test_categories(api: Api) -> None:
    top = await api.ok(
        "POST",
        "/V1/categories",
        {
            "category": {
                "parent_id": 2,
                "name": "Top",
                "is_active": True,
                "custom_attributes": [{"attribute_code": "url_key", "value": "Top-Cat"}],
            }
        },
    )
    codes = {a["attribute_code"]: a["value"] for a in top["custom_attributes"]}
    assert codes["url_key"] == "Top-Cat" and codes["url_path"] == "top-cat"
    other = await api.ok(
        "POST", "/V1/categories", {"category": {"name": "Other", "is_active": True}}
    )
    sub = await api.ok(
        "POST", "/V1/categories", {"category": {"parent_id": top["id"], "name": "Sub"}}
    )
    assert sub["path"] == f"1/2/{top['id']}/{sub['id']}" and sub["level"] == 3
    tree = await api.ok("GET", "/V1/categories?rootCategoryId=2")
    assert [c["name"] for c in tree["children_data"]] == ["Top", "Other"]
    shallow = await api.ok("GET", "/V1/categories?rootCategoryId=2&depth=1")
    assert shallow["children_data"][0]["children_data"] == []
    deeper = await api.ok("GET", "/V1/categories?rootCategoryId=2&depth=2")
    assert [c["name"] for c in deeper["children_data"][0]["children_data"]] == ["Sub"]
    assert await api.ok("PUT", f"/V1/categories/{sub['id']}/move", {"parentId": other["id"]})
    moved = await api.ok("GET", f"/V1/categories/{sub['id']}")
    assert moved["path"] == f"1/2/{other['id']}/{sub['id']}"
    renamed = await api.ok("PUT", f"/V1/categories/{top['id']}", {"category": {"name": "Renamed"}})
    assert renamed["name"] == "Renamed"
    # the flat list repeats its last page past the end
    last = await api.ok(
        "GET", "/V1/categories/list?searchCriteria[pageSize]=2&searchCriteria[currentPage]=3"
    )
    beyond = await api.ok(
        "GET", "/V1/categories/list?searchCriteria[pageSize]=2&searchCriteria[currentPage]=7"
    )
    assert beyond["items"] == last["items"] and beyond["total_count"] == 5
    await api.ok("POST", "/V1/products", product("CAT1"))
    link = {"productLink": {"sku": "CAT1", "position": 2, "category_id": str(top["id"])}}
    assert await api.ok("POST", f"/V1/categories/{top['id']}/products", link) is True
    links = await api.ok("GET", f"/V1/categories/{top['id']}/products")
    assert links == [{"sku": "CAT1", "position": 2, "category_id": str(top["id"])}]
    assert await api.ok("DELETE", f"/V1/categories/{top['id']}") is True
    assert (await api.ok("GET", "/V1/products/CAT1"))["extension_attributes"].get(
        "category_links"
    ) is None
    status, body = await api.call("GET", "/V1/categories/999")
    assert (status, body["parameters"]) == (404, {"fieldName": "id", "fieldValue": 999})


async def test_attributes_and_sets(api: Api) -> None:
    attr = await api.ok(
        "POST",
        "/V1/products/attributes",
        {
            "attribute": {
                "attribute_code": "fabric",
                "frontend_input": "select",
                "default_frontend_label": "Fabric",
                "options": [{"label": "Silk"}, {"label": "Wool"}],
            }
        },
    )
    assert [o["label"] for o in attr["options"]] == [" ", "Silk", "Wool"]
    status, _ = await api.call("POST", "/V1/products/attributes", {"attribute": attr})
    assert status == 400
    new = await api.ok(
        "POST", "/V1/products/attributes/fabric/options", {"option": {"label": "Jute"}}
    )
    assert await api.ok("DELETE", f"/V1/products/attributes/fabric/options/{new}") is True
    sets = await api.ok("GET", "/V1/products/attribute-sets/sets/list?searchCriteria[pageSize]=5")
    assert sets["items"][0]["attribute_set_name"] == "Default"
    group = await api.ok(
        "POST",
        "/V1/products/attribute-sets/groups",
        {"group": {"attribute_group_name": "Extra", "attribute_set_id": 4}},
    )
    assigned = await api.ok(
        "POST",
        "/V1/products/attribute-sets/attributes",
        {
            "attributeSetId": 4,
            "attributeGroupId": group["attribute_group_id"],
            "attributeCode": "fabric",
            "sortOrder": 5,
        },
    )
    assert isinstance(assigned, str)
    codes = [
        a["attribute_code"] for a in await api.ok("GET", "/V1/products/attribute-sets/4/attributes")
    ]
    assert "fabric" in codes
    status, body = await api.call("GET", "/V1/products/attributes/nope")
    assert status == 404 and body["parameters"] == ["nope"]


async def test_stock_change_keeps_updated_at(api: Api, clock: Clock) -> None:
    created = await api.ok("POST", "/V1/products", product("UA"))
    clock.moment += timedelta(minutes=5)
    await api.ok("PUT", "/V1/products/UA/stockItems/1", {"stockItem": {"qty": 9}})
    body = {"sourceItems": [{"sku": "UA", "source_code": "default", "quantity": 8, "status": 1}]}
    await api.ok("POST", "/V1/inventory/source-items", body)
    assert (await api.ok("GET", "/V1/products/UA"))["updated_at"] == created["updated_at"]


async def test_stock_and_sources(api: Api) -> None:
    await api.ok(
        "POST",
        "/V1/products",
        product("ST", extension_attributes={"stock_item": {"qty": 3, "is_in_stock": True}}),
    )
    item = await api.ok("GET", "/V1/stockItems/ST")
    assert item["qty"] == 3
    # the item id of the URL is ignored
    assert (
        await api.ok(
            "PUT", "/V1/products/ST/stockItems/999", {"stockItem": {"qty": 55, "is_in_stock": True}}
        )
        == item["item_id"]
    )
    sources = await api.ok(
        "GET",
        "/V1/inventory/source-items?searchCriteria[filter_groups][0][filters][0][field]=sku"
        "&searchCriteria[filter_groups][0][filters][0][value]=ST",
    )
    assert sources["items"] == [
        {"sku": "ST", "source_code": "default", "quantity": 55, "status": 1}
    ]
    body = {"sourceItems": [{"sku": "ST", "source_code": "default", "quantity": 77, "status": 1}]}
    assert await api.ok("POST", "/V1/inventory/source-items", body) == []
    assert (await api.ok("GET", "/V1/stockItems/ST"))["qty"] == 77
    assert await api.ok("GET", "/V1/inventory/get-product-salable-quantity/ST/1") == 77
    assert await api.ok("POST", "/V1/inventory/source-items-delete", body) == []


async def test_media_and_custom_options(api: Api) -> None:
    await api.ok("POST", "/V1/products", product("M1"))
    content = {
        "base64_encoded_data": base64.b64encode(b"\x89PNG...").decode(),
        "type": "image/png",
        "name": "front.png",
    }
    entry = {
        "media_type": "image",
        "label": "Front",
        "position": 1,
        "disabled": False,
        "types": ["image", "thumbnail"],
        "content": content,
    }
    entry_id = await api.ok("POST", "/V1/products/M1/media", {"entry": entry})
    media = await api.ok("GET", "/V1/products/M1/media")
    assert media[0]["id"] == int(entry_id) and media[0]["file"].endswith(".png")
    assert (
        await api.ok("PUT", f"/V1/products/M1/media/{entry_id}", {"entry": {"label": "Back"}})
        is True
    )
    assert (await api.ok("GET", f"/V1/products/M1/media/{entry_id}"))["label"] == "Back"
    bad = {**entry, "content": {**content, "base64_encoded_data": "***"}}
    assert (await api.call("POST", "/V1/products/M1/media", {"entry": bad}))[0] == 400
    assert await api.ok("DELETE", f"/V1/products/M1/media/{entry_id}") is True
    option = await api.ok(
        "POST",
        "/V1/products/options",
        {
            "option": {
                "product_sku": "M1",
                "title": "Engraving",
                "type": "field",
                "sort_order": 1,
                "is_require": False,
                "price": 2,
                "price_type": "fixed",
            }
        },
    )
    assert option["option_id"] == 1
    assert [o["title"] for o in await api.ok("GET", "/V1/products/M1/options")] == ["Engraving"]
    assert await api.ok("DELETE", "/V1/products/M1/options/1") is True


async def test_websites_links(api: Api) -> None:
    await api.ok("POST", "/V1/products", product("W1"))
    status, _ = await api.call(
        "POST", "/V1/products/W1/websites", {"productWebsiteLink": {"sku": "W1", "website_id": 7}}
    )
    assert status == 400
    assert await api.ok("DELETE", "/V1/products/W1/websites/1") is True
    assert (await api.ok("GET", "/V1/products/W1"))["extension_attributes"]["website_ids"] == []
    link = {"productWebsiteLink": {"sku": "W1", "website_id": 1}}
    assert await api.ok("PUT", "/V1/products/W1/websites", link) is True


async def test_async_bulk(api: Api) -> None:
    await api.ok("POST", "/V1/products", product("B1"))
    answer = await api.ok(
        "PUT",
        "/async/bulk/V1/products/bySku",
        [{"sku": "B1", "product": {"price": 3}}, {"sku": "B2", "product": {"price": "x"}}],
    )
    assert answer["errors"] is False
    assert [i["status"] for i in answer["request_items"]] == ["accepted", "accepted"]
    status = await api.ok("GET", f"/V1/bulk/{answer['bulk_uuid']}/status")
    assert [op["status"] for op in status["operations_list"]] == [1, 3]
    detailed = await api.ok("GET", f"/V1/bulk/{answer['bulk_uuid']}/detailed-status")
    assert "serialized_data" in detailed["operations_list"][0]
    assert await api.ok("GET", f"/V1/bulk/{answer['bulk_uuid']}/operation-status/3") == 1
    assert (await api.ok("GET", "/V1/products/B1"))["price"] == 3
    single = await api.ok("POST", "/async/V1/products", product("B3"))
    assert single["request_items"][0]["status"] == "accepted"
    assert (await api.call("GET", "/async/V1/products/B3"))[0] == 404
    assert (await api.call("GET", "/V1/bulk/nope/status"))[0] == 404


async def test_demo_dataset(magento_session: aiohttp.ClientSession) -> None:
    clock = Clock()
    first = FakeMagento(seed="demo", now=clock)
    second = FakeMagento(seed="demo", now=clock)
    assert first.state.products.rows == second.state.products.rows
    assert 30 <= len(first.state.products) <= 80
    async with serve(first.app) as url:
        api = Api(magento_session, url, first.admin_token())
        views = await api.ok("GET", "/V1/store/storeViews")
        assert {v["code"] for v in views} == {"admin", "default", "fr"}
        page = await api.ok(
            "GET",
            "/V1/products?searchCriteria[filter_groups][0][filters][0][field]=type_id"
            "&searchCriteria[filter_groups][0][filters][0][value]=configurable"
            "&searchCriteria[pageSize]=2",
            store="fr",
        )
        assert page["total_count"] == 6
        sku = page["items"][0]["sku"]
        children = await api.ok("GET", f"/V1/configurable-products/{sku}/children")
        assert len(children) == 4
        tree = await api.ok("GET", "/V1/categories")
        assert len(tree["children_data"]) == 3
        assert len(tree["children_data"][0]["children_data"][0]["children_data"]) == 2
        size = await api.ok("GET", "/V1/products/attributes/size/options")
        assert [o["label"] for o in size][1:] == ["XS", "S", "M", "L", "XL"]


def test_demo_sizes() -> None:
    # "large" (about 5000 products) seeds the same way; it is left to the benchmarks (slow).
    fake = FakeMagento(seed="demo", size="medium")
    assert 400 <= len(fake.state.products) <= 600


async def test_more_catalog_routes(api: Api) -> None:
    made = await api.ok(
        "POST",
        "/V1/products/attribute-sets",
        {"attributeSet": {"attribute_set_name": "Shoes", "sort_order": 2}, "skeletonId": 4},
    )
    set_id = made["attribute_set_id"]
    renamed = await api.ok(
        "PUT",
        f"/V1/products/attribute-sets/{set_id}",
        {"attributeSet": {"attribute_set_name": "Boots"}},
    )
    assert renamed["attribute_set_name"] == "Boots"
    group = await api.ok(
        "POST",
        "/V1/products/attribute-sets/groups",
        {"group": {"attribute_group_name": "Soles", "attribute_set_id": set_id}},
    )
    group["attribute_group_name"] = "Heels"
    updated = await api.ok("PUT", f"/V1/products/attribute-sets/{set_id}/groups", {"group": group})
    assert updated["attribute_group_name"] == "Heels"
    gid = group["attribute_group_id"]
    assert await api.ok("DELETE", f"/V1/products/attribute-sets/groups/{gid}") is True
    assert await api.ok("DELETE", f"/V1/products/attribute-sets/{set_id}") is True
    assert (await api.call("GET", f"/V1/products/attribute-sets/{set_id}"))[0] == 404
    option = await api.ok(
        "POST", "/V1/products/attributes/color/options", {"option": {"label": "Teal"}}
    )
    assert (
        await api.ok(
            "PUT", f"/V1/products/attributes/color/options/{option}", {"option": {"label": "Cyan"}}
        )
        is True
    )
    labels = [o["label"] for o in await api.ok("GET", "/V1/products/attributes/color/options")]
    assert labels == [" ", "Cyan"]
    types = await api.ok("GET", "/V1/products/attributes/types")
    assert {"value": "select", "label": "Dropdown"} in types
    assert any(t["code"] == "drop_down" for t in await api.ok("GET", "/V1/products/options/types"))
    await api.ok(
        "POST",
        "/V1/products",
        product("SS", extension_attributes={"stock_item": {"qty": 4, "is_in_stock": True}}),
    )
    status = await api.ok("GET", "/V1/stockStatuses/SS")
    assert (status["qty"], status["stock_status"]) == (4, 1)
    sources = await api.ok("GET", "/V1/inventory/sources?searchCriteria[pageSize]=10")
    assert [s["source_code"] for s in sources["items"]] == ["default"]
    stocks = await api.ok("GET", "/V1/inventory/stocks?searchCriteria[pageSize]=10")
    assert stocks["items"][0]["stock_id"] == 1


async def test_refusals_with_magento_messages(api: Api) -> None:
    status, body = await api.call("POST", "/V1/products", {"product": {"sku": "NONAME"}})
    empty = 'The "Product Name" attribute value is empty. Set the attribute and try again.'
    assert (status, body) == (400, {"message": empty})
    status, body = await api.call("POST", "/V1/categories", {"category": {"parent_id": 2}})
    assert (status, body["message"]) == (400, "Could not save category: %1")
    await api.ok("POST", "/V1/categories", {"category": {"name": "Twin"}})
    status, body = await api.call("POST", "/V1/categories", {"category": {"name": "twin"}})
    assert (status, body["parameters"]) == (400, ["URL key for specified store already exists."])
    status, body = await api.call("GET", "/V1/categories/abc")
    assert status == 400 and '"int" type was expected' in body["message"]
    status, body = await api.call("POST", "/V1/categories", {"category": {"name": "X", "bogus": 1}})
    assert (status, body["parameters"]) == (400, {"fieldName": "Bogus"})


async def test_directory(api: Api, magento_session: aiohttp.ClientSession) -> None:
    async with magento_session.get(api.base + "/rest/V1/directory/currency") as resp:
        assert resp.status == 200  # anonymous
        assert (await resp.json())["base_currency_code"] == "USD"
    us = await api.ok("GET", "/V1/directory/countries/US")
    assert us["three_letter_abbreviation"] == "USA"
    assert (await api.call("GET", "/V1/directory/countries/XX"))[0] == 404


async def test_store_view_values(magento_session: aiohttp.ClientSession) -> None:
    fake = FakeMagento(seed="demo")  # two store views: default and fr
    async with serve(fake.app) as url:
        api = Api(magento_session, url, fake.admin_token())
        await api.ok("POST", "/V1/products", product("SV", name="Shirt"), store="all")
        fr = await api.ok("PUT", "/V1/products/SV", {"product": {"name": "Chemise"}}, store="fr")
        assert fr["name"] == "Chemise"
        assert (await api.ok("GET", "/V1/products/SV", store="all"))["name"] == "Shirt"
        assert (await api.ok("GET", "/V1/products/SV", store="default"))["name"] == "Shirt"
        assert (await api.ok("GET", "/V1/products/SV", store="fr"))["name"] == "Chemise"
        assert (await api.ok("GET", "/V1/products/SV?storeId=2", store="all"))["name"] == "Chemise"
        # a later global update does not reach the store view that has its own value
        await api.ok(
            "PUT", "/V1/products/SV", {"product": {"name": "Tee", "price": 9}}, store="all"
        )
        got = await api.ok("GET", "/V1/products/SV", store="fr")
        assert (got["name"], got["price"]) == ("Chemise", 9)
        page = await api.ok(
            "GET",
            "/V1/products?searchCriteria[filter_groups][0][filters][0][field]=name"
            "&searchCriteria[filter_groups][0][filters][0][value]=Chemise",
            store="fr",
        )
        assert page["total_count"] == 1


async def test_unknown_filter_fields(api: Api) -> None:
    flt = (
        "searchCriteria[filter_groups][0][filters][0][field]=nope"
        "&searchCriteria[filter_groups][0][filters][0][value]=1"
    )
    status, body = await api.call("GET", "/V1/categories/list?" + flt)
    assert (status, body) == (
        400,
        {"message": "Invalid attribute name: %1", "parameters": ["nope"]},
    )
    status, body = await api.call("GET", "/V1/products/attribute-sets/sets/list?" + flt)
    assert status == 500
    assert body["message"].startswith("Internal Error. Details are available in Magento log file.")
    status, body = await api.call("GET", "/V1/inventory/source-items?" + flt)
    assert status == 500


async def test_custom_attributes_outside_the_set_are_not_saved(api: Api) -> None:
    await api.ok(
        "POST",
        "/V1/products/attributes",
        {
            "attribute": {
                "attribute_code": "era",
                "frontend_input": "text",
                "default_frontend_label": "Era",
            }
        },
    )
    body = product("ERA1", custom_attributes=[{"attribute_code": "era", "value": "1970s"}])
    created = await api.ok("POST", "/V1/products", body)
    assert "era" not in {a["attribute_code"] for a in created["custom_attributes"]}
    await api.ok(
        "POST",
        "/V1/products/attribute-sets/attributes",
        {"attributeSetId": 4, "attributeGroupId": 7, "attributeCode": "era", "sortOrder": 1},
    )
    # the value was never saved: Magento keeps only the attributes of the set
    got = await api.ok("GET", "/V1/products/ERA1")
    assert "era" not in {a["attribute_code"] for a in got["custom_attributes"]}
    body = {"product": {"custom_attributes": [{"attribute_code": "era", "value": "1980s"}]}}
    got = await api.ok("PUT", "/V1/products/ERA1", body)
    assert {"attribute_code": "era", "value": "1980s"} in got["custom_attributes"]


async def test_base_prices(api: Api, clock: Clock) -> None:
    created = await api.ok("POST", "/V1/products", product("BP1"))
    await api.ok("POST", "/V1/products", product("BPC", type_id="configurable"))
    clock.moment += timedelta(minutes=1)
    body = {
        "prices": [
            {"sku": "BP1", "price": 11.5, "store_id": 0},
            {"sku": "NOPE", "price": 3, "store_id": 0},
            {"sku": "BPC", "price": 3, "store_id": 0},
            {"sku": "BP1", "price": -1, "store_id": 0},
        ]
    }
    failed = await api.ok("POST", "/V1/products/base-prices", body)
    assert failed == [
        {"message": "Invalid attribute %fieldName = %fieldValue.", "parameters": ["SKU", "NOPE"]},
        {"message": "Invalid attribute %fieldName = %fieldValue.", "parameters": ["SKU", "BPC"]},
        {"message": "Invalid attribute %fieldName = %fieldValue.", "parameters": ["Price", "-1"]},
    ]
    got = await api.ok("GET", "/V1/products/BP1")
    assert got["price"] == 11.5 and got["updated_at"] > created["updated_at"]
    info = await api.ok(
        "POST", "/V1/products/base-prices-information", {"skus": ["BP1", "NOPE", "BPC"]}
    )
    assert info == [{"price": 11.5, "store_id": 0, "sku": "BP1"}]
