"""Orders, invoices, credit memos, shipments and tracks, against the fake Magento.

Orders are placed as a shopper would, through the fake's guest-cart routes (the client itself
has no checkout calls).
"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from magodoo.exceptions import NotFoundError, ValidationError
from magodoo.magento import (
    MagentoClient,
    Product,
    SearchCriteria,
    Track,
    custom_attributes,
)

ADDRESS = {
    "firstname": "Gina", "lastname": "Guest", "street": ["1 Infinite Loop"],
    "city": "Cupertino", "region": "California", "region_id": 12, "region_code": "CA",
    "postcode": "95014", "country_id": "US", "telephone": "4085550199",
    "email": "gina.guest@example.com",
}


async def place_guest_order(base_url: str, lines: dict[str, int]) -> int:
    """A guest checkout: cart, items, flat-rate shipping, check/money order. The order id."""
    rest = f"{base_url}/rest/default/V1"
    async with aiohttp.ClientSession() as http:

        async def post(path: str, body: Any = None) -> Any:
            async with http.post(f"{rest}{path}", json=body) as r:
                data = await r.json()
                assert r.status == 200, data
                return data

        cart = await post("/guest-carts")
        for sku, qty in lines.items():
            await post(f"/guest-carts/{cart}/items",
                       {"cartItem": {"sku": sku, "qty": qty, "quote_id": cart}})
        await post(f"/guest-carts/{cart}/shipping-information", {"addressInformation": {
            "shipping_address": ADDRESS, "billing_address": ADDRESS,
            "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}})
        order_id = await post(f"/guest-carts/{cart}/payment-information", {
            "paymentMethod": {"method": "checkmo"}, "billing_address": ADDRESS,
            "email": ADDRESS["email"]})
    return int(order_id)


async def _products(client: MagentoClient) -> tuple[str, str]:
    for sku in ("SALE-A", "SALE-B"):
        await client.save_product(Product(
            sku=sku, name=f"Sale {sku}", attribute_set_id=4, price=10, status=1,
            visibility=4, type_id="simple", weight=1,
            custom_attributes=custom_attributes({"url_key": sku.lower()}),
            extension_attributes={"website_ids": [1],
                                  "stock_item": {"qty": 100, "is_in_stock": True}}))
    return "SALE-A", "SALE-B"


@pytest.fixture
async def order_id(client: MagentoClient, base_url: str) -> int:
    a, b = await _products(client)
    return await place_guest_order(base_url, {a: 2, b: 1})


async def test_orders_read(client: MagentoClient, order_id: int) -> None:
    order = await client.get_order(order_id)
    assert order.entity_id == order_id and order.increment_id
    assert order.state == "new" and order.status == "pending"
    assert order.customer_is_guest and order.customer_id is None
    assert order.shipping_method == "flatrate_flatrate"
    assert order.shipping_address is not None and order.shipping_address.city == "Cupertino"
    assert order.billing_address is not None and order.payment is not None
    assert order.payment.method == "checkmo"
    assert order.items and {i.sku for i in order.items} == {"SALE-A", "SALE-B"}
    assert order.created_at is not None and order.created_at.tzinfo is not None

    page = await client.search_orders(
        SearchCriteria().where("increment_id", order.increment_id).page(5))
    assert [o.entity_id for o in page.items] == [order_id]
    since = [o async for o in client.iter_orders(
        SearchCriteria().where("updated_at", order.updated_at, "gteq")
        .order_by("updated_at").order_by("entity_id"), page_size=1)]
    assert order_id in {o.entity_id for o in since}
    slim = await client.search_orders(
        SearchCriteria().where("entity_id", order_id).page(1),
        fields="entity_id,increment_id,payment[method]")
    assert slim.items[0].payment and slim.items[0].payment.method == "checkmo"
    assert slim.items[0].items is None

    items = [i async for i in client.iter_order_items(
        SearchCriteria().where("order_id", [order_id], "in"))]
    assert len(items) == 2
    one = await client.get_order_item(items[0].item_id or 0)
    assert one.order_id == order_id
    with pytest.raises(NotFoundError):
        await client.get_order(999999)


async def test_order_comments_hold_unhold_cancel(client: MagentoClient, order_id: int) -> None:
    assert await client.add_order_comment(order_id, "Called the customer") is True
    # the client sent the current status: the order keeps it
    assert await client.get_order_status(order_id) == "pending"
    assert (await client.get_order(order_id)).status == "pending"
    comments = await client.list_order_comments(order_id)
    assert "Called the customer" in {c.comment for c in comments}

    assert await client.hold_order(order_id) is True
    assert await client.get_order_status(order_id) == "holded"
    with pytest.raises(ValidationError):
        await client.hold_order(order_id)
    assert await client.unhold_order(order_id) is True
    assert await client.cancel_order(order_id) is True
    assert (await client.get_order(order_id)).state == "canceled"
    assert await client.cancel_order(order_id) is False  # not an error


async def test_invoice_ship_track_refund(client: MagentoClient, order_id: int) -> None:
    order = await client.get_order(order_id)
    by_sku = {i.sku: i.item_id or 0 for i in order.items or () if not i.is_child}
    invoice_id = await client.create_invoice(order_id, {by_sku["SALE-A"]: 2}, capture=True,
                                             comment="Paid by check")
    invoice = await client.get_invoice(invoice_id)
    assert invoice.order_id == order_id and invoice.items
    assert {i.sku for i in invoice.items} == {"SALE-A"}
    found = await client.search_invoices(SearchCriteria().where("order_id", order_id))
    assert [i.entity_id for i in found.items] == [invoice_id]
    assert [i.entity_id async for i in client.iter_invoices(
        SearchCriteria().where("order_id", order_id))] == [invoice_id]
    comments = await client.list_invoice_comments(invoice_id)
    assert "Paid by check" in {c.comment for c in comments}
    added = await client.add_invoice_comment(invoice_id, "Receipt sent")
    assert added.comment == "Receipt sent"

    shipment_id = await client.create_shipment(
        order_id, {by_sku["SALE-A"]: 1},
        tracks=[Track(track_number="1Z999", title="UPS", carrier_code="ups")],
        comment="First box")
    shipment = await client.get_shipment(shipment_id)
    assert shipment.tracks and shipment.tracks[0].track_number == "1Z999"
    track = await client.add_track(Track(order_id=order_id, parent_id=shipment_id,
                                         track_number="1Z998", title="UPS",
                                         carrier_code="ups"))
    assert track.entity_id is not None
    assert {t.track_number for t in (await client.get_shipment(shipment_id)).tracks or ()} == {
        "1Z999", "1Z998"}
    assert await client.delete_track(track.entity_id) is True
    assert "First box" in {c.comment for c in await client.list_shipment_comments(shipment_id)}
    shipments = await client.search_shipments(SearchCriteria().where("order_id", order_id))
    assert [s.entity_id for s in shipments.items] == [shipment_id]
    assert [s.entity_id async for s in client.iter_shipments(
        SearchCriteria().where("order_id", order_id))] == [shipment_id]

    memo_id = await client.refund_order(order_id, {by_sku["SALE-A"]: 1}, shipping_amount=0,
                                        return_to_stock_items=[by_sku["SALE-A"]],
                                        comment="One returned")
    memo = await client.get_credit_memo(memo_id)
    assert memo.order_id == order_id and memo.invoice_id is None
    assert memo.items and {i.sku for i in memo.items} == {"SALE-A"}
    memos = await client.search_credit_memos(SearchCriteria().where("order_id", order_id))
    assert [m.entity_id for m in memos.items] == [memo_id]
    assert [m.entity_id async for m in client.iter_credit_memos(
        SearchCriteria().where("order_id", order_id))] == [memo_id]
    assert "One returned" in {c.comment for c in await client.list_credit_memo_comments(memo_id)}
    history = await client.list_order_comments(order_id)
    assert any("refunded" in (c.comment or "") for c in history)

    with pytest.raises(ValidationError) as refused:
        await client.refund_invoice(invoice_id, {by_sku["SALE-A"]: 1})
    assert "creditmemo" in refused.value.message.lower()


async def test_document_404s(client: MagentoClient) -> None:
    for call in (client.get_invoice, client.get_credit_memo, client.get_shipment):
        with pytest.raises(NotFoundError):
            await call(999999)
    with pytest.raises(NotFoundError):
        await client.create_invoice(999999)
