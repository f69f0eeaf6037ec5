"""Async bulk calls and their status, against the fake Magento."""

from __future__ import annotations

import pytest

from magodoo.exceptions import ConfigurationError, NotFoundError, TransportError
from magodoo.magento import MagentoClient, Product, SearchCriteria, SourceItem
from magodoo.magento.models_store import STATUS_COMPLETE, STATUS_OPEN, BulkStatus


async def test_bulk_price_update(client: MagentoClient) -> None:
    page = await client.list_products(
        SearchCriteria().where("type_id", "simple").order_by("sku").page(3))
    skus = [p.sku or "" for p in page.items]
    accepted = await client.bulk_save_products(
        [Product(sku=sku, price=99.5) for sku in skus])
    assert accepted.bulk_uuid and accepted.errors is False
    assert accepted.request_items and len(accepted.request_items) == 3
    status = await client.wait_bulk(accepted.bulk_uuid, poll_interval=0.01, timeout=1)
    assert status.done and not status.failed
    assert status.operation_count == 3
    assert await client.bulk_operation_count(accepted.bulk_uuid, STATUS_COMPLETE) == 3
    for sku in skus:
        assert (await client.get_product(sku)).price == 99.5


async def test_bulk_stock_update(client: MagentoClient) -> None:
    page = await client.list_products(SearchCriteria().where("type_id", "simple").page(2))
    items = [SourceItem(sku=p.sku, source_code="default", quantity=5, status=1)
             for p in page.items]
    accepted = await client.bulk_save_source_items(items, chunk=1)
    status = await client.bulk_status(accepted.bulk_uuid)
    assert status.bulk_id == accepted.bulk_uuid
    done = await client.wait_bulk(accepted.bulk_uuid, poll_interval=0.01, timeout=1)
    assert len(done.operations_list or ()) == 2 and not done.failed
    for item in items:
        found = await client.list_source_items(SearchCriteria().where("sku", item.sku))
        assert found.items[0].quantity == 5


async def test_bulk_failures_are_reported(client: MagentoClient) -> None:
    accepted = await client.async_bulk("PUT", "/V1/products/bySku", [
        {"sku": "NOPE", "product": {"sku": "NOPE", "price": "not a number"}}])
    status = await client.wait_bulk(accepted.bulk_uuid, poll_interval=0.01, timeout=1)
    assert status.failed


async def test_bulk_arguments_and_unknown_uuid(client: MagentoClient) -> None:
    with pytest.raises(ConfigurationError):
        await client.async_bulk("POST", "products", [{}])
    with pytest.raises(ConfigurationError):
        await client.bulk_save_products([])
    with pytest.raises(NotFoundError):
        await client.bulk_status("00000000-0000-0000-0000-000000000000")


async def test_wait_bulk_times_out(client: MagentoClient, monkeypatch: pytest.MonkeyPatch) -> None:
    open_status = BulkStatus.from_api({"bulk_id": "x", "operations_list": [
        {"id": 1, "status": STATUS_OPEN}], "operation_count": 1})

    async def still_open(_: str) -> BulkStatus:
        return open_status

    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(MagentoClient, "bulk_status", lambda self, uuid: still_open(uuid))
    client.transport.sleep = sleep
    with pytest.raises(TransportError):
        await client.wait_bulk("x", poll_interval=2, timeout=5)
    assert waits == [2, 2]
