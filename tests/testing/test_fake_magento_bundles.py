"""The fake Magento's bundle products, as the 2.4.7 schema defines them (no recording covers
bundles): options saved with the product, the /V1/bundle-products routes, unknown SKUs
refused, schema validation of the bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from magodoo.exceptions import NotFoundError, ValidationError
from magodoo.magento.auth import BearerTokenAuth
from magodoo.magento.client import MagentoClient
from magodoo.magento.models_catalog import Product
from magodoo.testing import serve
from magodoo.testing.fake_magento import FakeMagento


@pytest.fixture
async def client() -> AsyncIterator[MagentoClient]:
    fake = FakeMagento(seed=None)
    async with serve(fake.app) as url, MagentoClient(
            url, auth=BearerTokenAuth(fake.admin_token())) as c:
        for sku in ("DESK-A", "DESK-B"):
            await c.save_product(Product.from_api({
                "sku": sku, "name": sku, "price": 10, "attribute_set_id": 4,
                "type_id": "simple"}))
        yield c


def bundle(links: list[str], **option: Any) -> Product:
    return Product.from_api({
        "sku": "COMBO", "name": "Combo", "attribute_set_id": 4, "type_id": "bundle",
        "price": 100, "extension_attributes": {"bundle_product_options": [{
            "title": "Desk", "required": True, "type": "radio", "position": 1, "sku": "COMBO",
            "product_links": [{"sku": s, "qty": 1, "is_default": n == 0, "price": 5.0 * n,
                               "price_type": 0} for n, s in enumerate(links)],
            **option}]},
        "custom_attributes": [{"attribute_code": "price_type", "value": "1"}]})


async def test_options_saved_with_the_product_and_read_back(client: MagentoClient) -> None:
    saved = await client.save_product(bundle(["DESK-A", "DESK-B"]))
    (option,) = saved.extension_attributes["bundle_product_options"]  # type: ignore[index]
    assert [link["sku"] for link in option["product_links"]] == ["DESK-A", "DESK-B"]
    (listed,) = await client.list_bundle_options("COMBO")
    assert listed["option_id"] == option["option_id"] and listed["title"] == "Desk"
    # saved again with its option id: updated in place
    again = await client.save_product(bundle(["DESK-B"], option_id=option["option_id"]))
    (kept,) = again.extension_attributes["bundle_product_options"]  # type: ignore[index]
    assert kept["option_id"] == option["option_id"]
    assert [link["sku"] for link in kept["product_links"]] == ["DESK-B"]


async def test_unknown_sku_and_bad_type_are_refused(client: MagentoClient) -> None:
    with pytest.raises(NotFoundError):
        await client.save_product(bundle(["NO-SUCH-SKU"]))
    with pytest.raises(ValidationError):
        await client.save_product(bundle(["DESK-A"], type="dropdown"))
    with pytest.raises(NotFoundError):
        await client.list_bundle_options("NO-SUCH-SKU")
