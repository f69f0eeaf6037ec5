"""The recordings ``69_`` to ``82_`` of a real Magento 2.4.6, replayed on a fresh fake in order
and compared by value (ids and timestamps aside), not only by shape: product POST by an existing
SKU updates, base prices refuse an unknown SKU in a 200, source items drop an unknown SKU and
refuse an unknown source, a store-view-scoped name, an address with an unknown country dropped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from magodoo.testing import FakeMagento, serve

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"
SAMPLES = REFERENCE / "magento" / "samples-2.4.6"
IDS = {"id", "item_id", "product_id", "created_at", "updated_at"}


def _names() -> list[str]:
    if not SAMPLES.is_dir():
        return []
    names = (p.name for p in SAMPLES.glob("*.json"))
    return sorted(n for n in names if n[:2].isdigit() and 69 <= int(n[:2]) <= 82)


def _values(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _values(v) for k, v in value.items() if k not in IDS}
    if isinstance(value, list):
        return [_values(v) for v in value]
    return value


async def _replay() -> list[tuple[str, dict[str, Any], int, Any]]:
    fake = FakeMagento()
    out = []
    async with serve(fake.app) as base, aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bearer {fake.admin_token()}"}
        for name in _names():
            sample = json.loads((SAMPLES / name).read_text())
            req = sample["request"]
            url = base + req["url"].split("127.0.0.1:8080", 1)[1]
            async with session.request(
                req["method"], url, json=req.get("json"), headers=headers
            ) as resp:
                out.append((name, sample["response"], resp.status, await resp.json()))
    return out


async def test_recorded_values() -> None:
    if not _names():
        pytest.skip("reference samples not found")
    assert len(_names()) == 14
    for name, expected, status, body in await _replay():
        assert status == expected["status"], (name, body)
        assert _values(body) == _values(expected["json"]), name


async def test_same_sku_post_keeps_the_product_id() -> None:
    if not _names():
        pytest.skip("reference samples not found")
    answers = {name[:2]: body for name, _, _, body in await _replay()}
    assert answers["69"]["id"] == answers["70"]["id"] == answers["71"]["id"]
    assert (answers["71"]["name"], answers["71"]["price"]) == ("Recorded again 1796612168", 11)
    assert answers["79"]["name"] == "Recorded again 1796612168"  # /rest/all/: global name
    assert answers["80"]["name"] == "Name for store view default 1796612168"


async def _call(session: aiohttp.ClientSession, url: str, headers: dict[str, str],
                method: str, path: str, body: Any = None) -> tuple[int, Any]:
    async with session.request(method, f"{url}/rest/all{path}", json=body,
                               headers=headers) as resp:
        return resp.status, await resp.json()


async def test_unknown_sku_source_item_is_not_stored(
    fake_magento: FakeMagento, magento_url: str, magento_session: aiohttp.ClientSession,
    admin_headers: dict[str, str],
) -> None:
    product = {"sku": "S1", "name": "S1", "price": 1, "attribute_set_id": 4}
    status, _ = await _call(magento_session, magento_url, admin_headers, "POST", "/V1/products",
                            {"product": product})
    assert status == 200
    items = [{"sku": "S1", "source_code": "default", "quantity": 7, "status": 1},
             {"sku": "NOPE", "source_code": "default", "quantity": 1, "status": 1}]
    status, body = await _call(magento_session, magento_url, admin_headers, "POST",
                               "/V1/inventory/source-items", {"sourceItems": items})
    assert (status, body) == (200, [])
    status, page = await _call(magento_session, magento_url, admin_headers, "GET",
                               "/V1/inventory/source-items?searchCriteria[pageSize]=50")
    assert [(i["sku"], i["quantity"]) for i in page["items"]] == [("S1", 7)]
    # an unknown source refuses the whole call, known rows included
    items = [{"sku": "S1", "source_code": "default", "quantity": 9, "status": 1},
             {"sku": "S1", "source_code": "nowhere", "quantity": 1, "status": 1}]
    status, body = await _call(magento_session, magento_url, admin_headers, "POST",
                               "/V1/inventory/source-items", {"sourceItems": items})
    assert (status, body) == (400, {"message": "Could not save Source Item"})
    status, page = await _call(magento_session, magento_url, admin_headers, "GET",
                               "/V1/inventory/source-items?searchCriteria[pageSize]=50")
    assert [(i["sku"], i["quantity"]) for i in page["items"]] == [("S1", 7)]


def _address(**values: Any) -> dict[str, Any]:
    return {"firstname": "A", "lastname": "B", "street": ["1 St"], "city": "C",
            "postcode": "1", "telephone": "1", **values}


async def test_invalid_addresses_are_dropped_valid_ones_kept(
    magento_url: str, magento_session: aiohttp.ClientSession, admin_headers: dict[str, str],
) -> None:
    customer = {
        "email": "mixed@example.com", "firstname": "A", "lastname": "B",
        "addresses": [
            _address(country_id="ZZ", default_billing=True),
            _address(country_id="FR", region_id=12),  # California, a US region
            _address(country_id="US", default_shipping=True),  # no region: kept
            _address(country_id="US", region_id=12),
        ],
    }
    status, body = await _call(magento_session, magento_url, admin_headers, "POST",
                               "/V1/customers", {"customer": customer})
    assert status == 200
    kept = body["addresses"]
    assert [(a["country_id"], a["region"]["region_id"]) for a in kept] == [("US", 0), ("US", 12)]
    # a US address without a region: a null region block, no top-level region_id
    assert kept[0]["region"] == {"region_code": None, "region": None, "region_id": 0}
    assert "region_id" not in kept[0] and kept[1]["region_id"] == 12
    assert "default_billing" not in body  # it was on a dropped address
    assert body["default_shipping"] == str(kept[0]["id"])
    # the same on an update: the invalid one is dropped, the customer saved
    update = {**customer, "addresses": [_address(country_id="XX")], "lastname": "C"}
    status, body = await _call(magento_session, magento_url, admin_headers, "PUT",
                               f"/V1/customers/{body['id']}", {"customer": update})
    assert status == 200 and body["lastname"] == "C" and body["addresses"] == []


async def test_category_tree_root_under_all_has_null_is_active(
    magento_url: str, magento_session: aiohttp.ClientSession, admin_headers: dict[str, str],
) -> None:
    # /rest/all/ is the admin store: the tree starts at the root catalog, whose is_active is
    # null on a real 2.4.6; a store view's tree starts at its root category (recorded: 339)
    status, root = await _call(magento_session, magento_url, admin_headers, "GET",
                               "/V1/categories?depth=1")
    assert status == 200 and root["id"] == 1
    assert "is_active" in root and root["is_active"] is None
    assert root["children_data"][0]["is_active"] is True
    async with magento_session.get(f"{magento_url}/rest/default/V1/categories",
                                   headers=admin_headers) as resp:
        tree = await resp.json()
    assert (tree["id"], tree["is_active"]) == (2, True)
