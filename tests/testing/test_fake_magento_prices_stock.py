"""Tier price storage, MSI and source items of the fake Magento: what it refuses, in the real
shapes (the 2.4.7 schema, Magento's TierPriceValidator, recordings 74-77)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from magodoo.testing._server import serve
from magodoo.testing.fake_magento import FakeMagento
from tests.testing.test_fake_magento_catalog import Api, product


@pytest.fixture
async def api(magento_session: aiohttp.ClientSession) -> AsyncIterator[Api]:
    fake = FakeMagento()
    async with serve(fake.app) as url:
        yield Api(magento_session, url, fake.admin_token())

TIER = "/V1/products/tier-prices"
ROW = "Row ID: SKU = %SKU, Website ID: %websiteId, Customer Group: %customerGroup, Quantity: %qty."


def tier(sku: str, qty: float, price: float, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"sku": sku, "price": price, "price_type": "fixed", "website_id": 0,
                           "customer_group": "ALL GROUPS", "quantity": qty}
    row.update(extra)
    return row


async def test_tier_prices_replace_update_read_delete(api: Api) -> None:
    await api.ok("POST", "/V1/products", product("TP1"))
    await api.ok("POST", "/V1/products", product("TP2"))
    assert await api.ok("PUT", TIER, {"prices": [tier("TP1", 5, 9.0), tier("TP1", 10, 8.0),
                                                 tier("TP2", 3, 7.5)]}) == []
    info = await api.ok("POST", TIER + "-information", {"skus": ["TP1"]})
    assert sorted((r["quantity"], r["price"]) for r in info) == [(5, 9), (10, 8)]
    assert info[0]["customer_group"] == "ALL GROUPS" and info[0]["price_type"] == "fixed"
    got = await api.ok("GET", "/V1/products/TP1")
    assert {(t["qty"], t["value"], t["customer_group_id"]) for t in got["tier_prices"]} == {
        (5, 9, 32000), (10, 8, 32000)}
    # PUT replaces every tier of the SKUs it names, and only of those
    assert await api.ok("PUT", TIER, {"prices": [tier("TP1", 20, 7.0)]}) == []
    info = await api.ok("POST", TIER + "-information", {"skus": ["TP1", "TP2"]})
    assert sorted((r["sku"], r["quantity"]) for r in info) == [("TP1", 20), ("TP2", 3)]
    # POST adds or updates one tier
    assert await api.ok("POST", TIER, {"prices": [tier("TP1", 20, 6.5), tier("TP1", 2, 9.5)]}) == []
    info = await api.ok("POST", TIER + "-information", {"skus": ["TP1"]})
    assert sorted((r["quantity"], r["price"]) for r in info) == [(2, 9.5), (20, 6.5)]
    assert await api.ok("POST", TIER + "-delete", {"prices": [tier("TP1", 2, 9.5)]}) == []
    info = await api.ok("POST", TIER + "-information", {"skus": ["TP1"]})
    assert [(r["quantity"], r["price"]) for r in info] == [(20, 6.5)]


async def test_tier_prices_refused_rows_in_a_200(api: Api) -> None:
    await api.ok("POST", "/V1/products", product("TP1"))
    failed = await api.ok("PUT", TIER, {"prices": [
        tier("NOPE", 5, 9.0), tier("TP1", 0, 9.0), tier("TP1", 5, -1.0),
        tier("TP1", 6, 9.0, customer_group="Gold"), tier("TP1", 7, 9.0, website_id=9),
        tier("TP1", 8, 9.0, price_type="percent"), tier("TP1", 4, 9.0), tier("TP1", 4, 8.0)]})
    assert failed == [
        {"message": f"Invalid attribute SKU = %SKU. {ROW}",
         "parameters": ["NOPE", "0", "ALL GROUPS", "5"]},
        {"message": f"Invalid attribute Quantity = %qty. {ROW}",
         "parameters": ["TP1", "0", "ALL GROUPS", "0"]},
        {"message": f"Invalid attribute Price = %price. {ROW}",
         "parameters": ["-1", "TP1", "0", "ALL GROUPS", "5"]},
        {"message": f"No such entity with Customer Group = %customerGroup. {ROW}",
         "parameters": ["TP1", "0", "Gold", "6"]},
        {"message": f"Invalid attribute Website ID = %websiteId. {ROW}",
         "parameters": ["TP1", "9", "ALL GROUPS", "7"]},
        {"message": f"Invalid attribute Price Type = %priceType. {ROW}",
         "parameters": ["percent", "TP1", "0", "ALL GROUPS", "8"]},
        {"message": "We found a duplicate website, tier price, customer group and quantity: "
                    "Customer Group = %customerGroup, Website ID = %websiteId, Quantity = %qty. "
                    + ROW, "parameters": ["TP1", "0", "ALL GROUPS", "4"]},
    ]
    info = await api.ok("POST", TIER + "-information", {"skus": ["TP1"]})
    assert [(r["quantity"], r["price"]) for r in info] == [(4, 9)]  # the valid row stands


async def test_tier_prices_schema_and_unknown_skus(api: Api) -> None:
    await api.ok("POST", "/V1/products", product("TP1"))
    row = tier("TP1", 5, 9.0)
    del row["customer_group"]
    # no customer group: Magento reads it as empty, which no group has (refused, in a 200)
    failed = await api.ok("PUT", TIER, {"prices": [row]})
    assert failed[0]["message"].startswith("No such entity with Customer Group")
    status, body = await api.call("PUT", TIER, {"prices": [{**tier("TP1", 5, 9.0),
                                                            "quantity": "many"}]})
    assert status == 400, body  # not a number: refused by the web API before the storage
    status, body = await api.call("POST", TIER + "-information", {"skus": ["TP1", "A", "B"]})
    assert (status, body["message"], body["parameters"]) == (
        404, "Requested products don't exist: %sku", {"sku": "A, B"})


async def test_msi_routes_exist_only_with_the_msi_modules(api: Api) -> None:
    await api.ok("POST", "/V1/products", product("S1"))
    body = {"sourceItems": [{"sku": "S1", "source_code": "default", "quantity": 3, "status": 1},
                            {"sku": "NOPE", "source_code": "default", "quantity": 1,
                             "status": 1}]}
    assert await api.ok("POST", "/V1/inventory/source-items", body) == []
    items = await api.ok("GET", "/V1/inventory/source-items?searchCriteria[filter_groups][0]"
                         "[filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0]"
                         "[value]=S1,NOPE&searchCriteria[filter_groups][0][filters][0]"
                         "[condition_type]=in")
    assert [(i["sku"], i["quantity"]) for i in items["items"]] == [("S1", 3)]  # recorded 74
    modules = await api.ok("GET", "/V1/modules")
    assert "Magento_InventoryApi" in modules
