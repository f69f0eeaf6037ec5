"""The fake Magento's store-view values of categories and attribute options: a category
saved through a store code keeps that view's name (``/rest/all/`` reads the global one); an
option's labels are saved all at once, so a save without ``store_labels`` drops them."""

from __future__ import annotations

from typing import Any

import aiohttp

from magodoo.testing._magento.base_store import store_config
from magodoo.testing.fake_magento import FakeMagento


def add_view(fake: FakeMagento, view_id: int, code: str, locale: str) -> None:
    state = fake.state
    state.stores.add({"id": view_id, "code": code, "name": code.upper(), "website_id": 1,
                      "store_group_id": 1, "is_active": 1})
    state.store_configs[view_id] = {**store_config(state.stores.rows[view_id]),
                                    "locale": locale}


async def call(session: aiohttp.ClientSession, method: str, url: str,
               headers: dict[str, str], body: Any = None) -> tuple[int, Any]:
    async with session.request(method, url, json=body, headers=headers) as response:
        return response.status, await response.json()


async def test_category_name_saved_through_a_store_code_is_that_views(
        fake_magento: FakeMagento, magento_url: str, magento_session: aiohttp.ClientSession,
        admin_headers: dict[str, str]) -> None:
    add_view(fake_magento, 2, "fr", "fr_FR")
    s, h = magento_session, admin_headers
    status, created = await call(s, "POST", f"{magento_url}/rest/all/V1/categories", h,
                                 {"category": {"name": "Desks", "parent_id": 2,
                                               "is_active": True}})
    assert status == 200
    cid = created["id"]
    status, saved = await call(s, "PUT", f"{magento_url}/rest/fr/V1/categories/{cid}", h,
                               {"category": {"name": "Bureaux"}})
    assert status == 200 and saved["name"] == "Bureaux"
    _, fr = await call(s, "GET", f"{magento_url}/rest/fr/V1/categories/{cid}", h)
    _, everywhere = await call(s, "GET", f"{magento_url}/rest/all/V1/categories/{cid}", h)
    assert fr["name"] == "Bureaux" and everywhere["name"] == "Desks"
    assert fr["is_active"] is True  # not sent: still the global value


async def test_option_store_labels_are_replaced_by_each_save(
        fake_magento: FakeMagento, magento_url: str, magento_session: aiohttp.ClientSession,
        admin_headers: dict[str, str]) -> None:
    add_view(fake_magento, 2, "fr", "fr_FR")
    s, h = magento_session, admin_headers
    base = f"{magento_url}/rest/all/V1/products/attributes"
    status, _ = await call(s, "POST", base, h, {"attribute": {
        "attribute_code": "material", "frontend_input": "select",
        "default_frontend_label": "Material"}})
    assert status == 200
    status, oid = await call(s, "POST", f"{base}/material/options", h, {"option": {
        "label": "Steel", "store_labels": [{"store_id": 0, "label": "Steel"},
                                           {"store_id": 2, "label": "Acier"}]}})
    assert status == 200

    async def labels(code: str) -> dict[str, str]:
        _, found = await call(
            s, "GET", f"{magento_url}/rest/{code}/V1/products/attributes/material/options", h)
        return {o["value"]: o["label"] for o in found}

    assert (await labels("fr"))[oid] == "Acier" and (await labels("all"))[oid] == "Steel"
    status, ok = await call(s, "PUT", f"{base}/material/options/{oid}", h,
                            {"option": {"label": "Steel grey"}})
    assert status == 200 and ok is True
    assert (await labels("fr"))[oid] == "Steel grey"  # the French label went with the save
    await call(s, "PUT", f"{base}/material/options/{oid}", h, {"option": {
        "label": "Steel grey", "store_labels": [{"store_id": 2, "label": "Acier"}]}})
    assert (await labels("fr"))[oid] == "Acier"
    _, attribute = await call(s, "GET", f"{base}/material", h)
    assert {o["label"] for o in attribute["options"]} == {" ", "Steel grey"}
