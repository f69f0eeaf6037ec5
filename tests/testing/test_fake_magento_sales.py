"""Focused tests of the fake Magento's sales side, over loopback HTTP.

Each test gets a fresh store set up like the recorded one (samples 1xx-4xx and 701-702 replayed:
the CA tax rule, the TENOFF and FREE100 coupons, the T-shirt configurable, mug, poster, cap and
the customers alice 2, bob 3, claire 4), then places and works its own orders.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import attrs
import pytest

from magodoo.testing._server import serve
from magodoo.testing.fake_magento import FakeMagento

SAMPLES = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "reference"
    / "magento"
    / "samples-2.4.6-sales"
)

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="reference samples not found")

CA = {
    "firstname": "Alice",
    "lastname": "Anders",
    "street": ["100 N 1st St"],
    "city": "San Jose",
    "region": "California",
    "region_id": 12,
    "region_code": "CA",
    "postcode": "95113",
    "country_id": "US",
    "telephone": "4085550101",
    "email": "alice.s0525@example.com",
}
NY = {
    **CA,
    "street": ["350 5th Ave"],
    "city": "New York",
    "region": "New York",
    "region_id": 43,
    "region_code": "NY",
    "postcode": "10118",
}
TSHIRT_M = {
    "extension_attributes": {"configurable_item_options": [{"option_id": "137", "option_value": 6}]}
}
GOLD_AA = {
    "extension_attributes": {
        "custom_options": [
            {"option_id": "1", "option_value": "1"},
            {"option_id": "2", "option_value": "AA"},
        ]
    }
}


@attrs.define
class Clock:
    moment: datetime = datetime(2026, 11, 27, 5, 29, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment


@attrs.define
class Store:
    fake: FakeMagento
    base: str
    session: aiohttp.ClientSession
    clock: Clock
    admin: str = ""

    def _headers(self, customer: int | None) -> dict[str, str]:
        token = self.admin if customer is None else self.fake.tokens.issue("customer", customer)
        return {"Authorization": f"Bearer {token}"}

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        customer: int | None = None,
        anonymous: bool = False,
    ) -> tuple[int, Any]:
        headers = {} if anonymous else self._headers(customer)
        async with self.session.request(
            method, f"{self.base}/rest{path}", json=body, headers=headers
        ) as resp:
            return resp.status, json.loads(await resp.text())

    async def ok(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        status, payload = await self.call(method, path, body, **kw)
        assert status == 200, payload
        return payload

    async def order(
        self,
        lines: list[dict[str, Any]],
        *,
        customer: int | None = 2,
        address: dict[str, Any] = CA,
        coupon: str | None = None,
        method: str = "flatrate",
        payment: str = "checkmo",
    ) -> int:
        """Place an order through a customer (or guest) cart; return its entity id."""
        if customer is None:
            mask = await self.ok("POST", "/V1/guest-carts", anonymous=True)
            prefix, kw = f"/V1/guest-carts/{mask}", {"anonymous": True}
        else:
            await self.ok("POST", "/V1/carts/mine", customer=customer)
            prefix, kw = "/V1/carts/mine", {"customer": customer}
        for line in lines:
            await self.ok("POST", f"{prefix}/items", {"cartItem": line}, **kw)
        if coupon:
            assert await self.ok("PUT", f"{prefix}/coupons/{coupon}", **kw) is True
        await self.ok(
            "POST",
            f"{prefix}/shipping-information",
            {
                "addressInformation": {
                    "shipping_address": address,
                    "billing_address": address,
                    "shipping_carrier_code": method,
                    "shipping_method_code": method,
                }
            },
            **kw,
        )
        body: dict[str, Any] = {"paymentMethod": {"method": payment}, "billing_address": address}
        if customer is None:
            body["email"] = address["email"]
        order_id = await self.ok("POST", f"{prefix}/payment-information", body, **kw)
        assert isinstance(order_id, int)
        return order_id

    async def get_order(self, order_id: int) -> Any:
        return await self.ok("GET", f"/V1/orders/{order_id}")


SETUP = sorted(
    p.name
    for p in (SAMPLES.glob("*.json") if SAMPLES.is_dir() else [])
    if p.name[0] in "1234" or p.name.startswith(("701_", "702_"))
)


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    clock = Clock()
    fake = FakeMagento(seed="recorded", now=clock)
    async with serve(fake.app) as base, aiohttp.ClientSession() as session:
        s = Store(fake, base, session, clock, fake.admin_token())
        for name in SETUP:
            req = json.loads((SAMPLES / name).read_text())["request"]
            path = req["url"].split("/rest", 1)[1]
            if req["method"] == "POST" and "/token" in path:
                continue
            body = req.get("json")
            if isinstance(body, dict) and body.get("password") == "***":
                body = {**body, "password": "Passw0rd!S0525"}
            await s.call(req["method"], path, body)
        yield s


async def test_customer_order_a_totals_to_the_cent(store: Store) -> None:
    oid = await store.order(
        [
            {"sku": "TSHIRT-S0525", "qty": 2, "product_option": TSHIRT_M},
            {"sku": "MUG-S0525", "qty": 3},
            {"sku": "CAP-S0525", "qty": 1, "product_option": GOLD_AA},
        ],
        coupon="TENOFF-S0525",
    )
    o = await store.get_order(oid)
    assert (o["state"], o["status"]) == ("new", "pending")
    assert (o["subtotal"], o["discount_amount"], o["shipping_amount"]) == (107.5, -10.75, 30)
    assert (o["tax_amount"], o["grand_total"], o["shipping_incl_tax"]) == (10.46, 137.21, 32.47)
    assert o["total_due"] == 137.21 and "total_paid" not in o
    taxes = {i["item_id"]: i["tax_amount"] for i in o["items"]}
    assert sorted(taxes.values()) == [0, 1.48, 2.79, 3.71]  # the mug gets the rounding delta
    applied = o["extension_attributes"]["applied_taxes"]
    assert applied == [
        {
            "code": "US-CA-8.25-S0525",
            "title": "CA Sales Tax",
            "percent": 8.25,
            "amount": 10.46,
            "base_amount": 10.46,
        }
    ]
    assert o["extension_attributes"]["converting_from_quote"] is True
    assert o["extension_attributes"]["shipping_assignments"][0]["shipping"]["method"] == (
        "flatrate_flatrate"
    )
    cap = next(i for i in o["items"] if i["product_id"] == 31)
    assert (cap["sku"], cap["price"], cap["original_price"]) == ("CAP-S0525-gold-initials", 20, 15)


async def test_item_row_total_has_the_discount_taken_off(store: Store) -> None:
    oid = await store.order(
        [{"sku": "TSHIRT-S0525", "qty": 2, "product_option": TSHIRT_M}], coupon="TENOFF-S0525"
    )
    parent = (await store.get_order(oid))["items"][0]
    assert (parent["row_total"], parent["discount_amount"], parent["tax_amount"]) == (45, 5, 3.71)
    assert parent["row_total_incl_tax"] == 48.71
    inv = await store.ok("POST", f"/V1/order/{oid}/invoice", {"capture": True})
    invoice = await store.ok("GET", f"/V1/invoices/{inv}")
    assert invoice["items"][0]["row_total"] == 50  # documents keep the gross row


async def test_configurable_line_is_two_rows(store: Store) -> None:
    oid = await store.order([{"sku": "TSHIRT-S0525", "qty": 2, "product_option": TSHIRT_M}])
    parent, child = (await store.get_order(oid))["items"]
    assert (parent["product_type"], parent["product_id"], parent["sku"]) == (
        "configurable",
        28,
        "TSHIRT-S0525-M",
    )
    assert "parent_item_id" not in parent
    assert parent["product_option"]["extension_attributes"]["configurable_item_options"] == [
        {"option_id": "137", "option_value": 6}
    ]
    assert (child["product_type"], child["product_id"], child["sku"]) == (
        "simple",
        26,
        "TSHIRT-S0525-M",
    )
    assert child["parent_item_id"] == parent["item_id"]
    assert child["parent_item"]["item_id"] == parent["item_id"]
    assert (child["price"], child["row_total"], child["row_total_incl_tax"]) == (0, 0, 0)
    # the child id is refused by the documents
    status, body = await store.call(
        "POST", f"/V1/order/{oid}/ship", {"items": [{"order_item_id": child["item_id"], "qty": 1}]}
    )
    assert status == 400
    assert body["message"].endswith("You can't create a shipment without products.")


async def test_states_invoice_ship_refund(store: Store) -> None:
    oid = await store.order([{"sku": "MUG-S0525", "qty": 2}, {"sku": "POSTER-S0525", "qty": 1}])
    mug = (await store.get_order(oid))["items"][0]["item_id"]
    assert isinstance(await store.ok("POST", f"/V1/order/{oid}/invoice", {"capture": False}), str)
    o = await store.get_order(oid)
    assert (o["state"], o["status"], o["total_due"]) == ("processing", "processing", 0)
    assert o["total_paid"] == o["grand_total"]
    await store.ok(
        "POST",
        f"/V1/order/{oid}/ship",
        {"tracks": [{"track_number": "1Z", "title": "UPS", "carrier_code": "ups"}]},
    )
    o = await store.get_order(oid)
    assert (o["state"], o["status"]) == ("complete", "complete")
    memo_id = await store.ok(
        "POST",
        f"/V1/order/{oid}/refund",
        {"items": [{"order_item_id": mug, "qty": 1}], "arguments": {"shipping_amount": 0}},
    )
    memo = await store.ok("GET", f"/V1/creditmemo/{memo_id}")
    assert "invoice_id" not in memo and memo["state"] == 2
    o = await store.get_order(oid)
    assert o["state"] == "complete" and o["total_refunded"] == memo["grand_total"]
    assert o["status_histories"][0]["comment"] == f"We refunded ${memo['grand_total']:.2f} offline."
    assert o["status_histories"][0]["entity_name"] == "creditmemo"
    await store.ok("POST", f"/V1/order/{oid}/refund", {})
    o = await store.get_order(oid)
    assert (o["state"], o["status"]) == ("closed", "closed")
    assert o["total_refunded"] == o["total_paid"]


async def test_shipped_not_invoiced_is_processing(store: Store) -> None:
    oid = await store.order([{"sku": "MUG-S0525", "qty": 1}], customer=None)
    await store.ok("POST", f"/V1/order/{oid}/ship", {})
    o = await store.get_order(oid)
    assert (o["state"], o["status"]) == ("processing", "processing")
    assert "total_paid" not in o and o["total_due"] == o["grand_total"]
    assert o["customer_is_guest"] == 1 and "customer_id" not in o


async def test_shipping_more_than_left_is_clamped(store: Store) -> None:
    oid = await store.order([{"sku": "POSTER-S0525", "qty": 5}])
    item = (await store.get_order(oid))["items"][0]["item_id"]
    first = await store.ok(
        "POST", f"/V1/order/{oid}/ship", {"items": [{"order_item_id": item, "qty": 3}]}
    )
    second = await store.ok(
        "POST", f"/V1/order/{oid}/ship", {"items": [{"order_item_id": item, "qty": 3}]}
    )
    assert (await store.ok("GET", f"/V1/shipment/{first}"))["total_qty"] == 3
    assert (await store.ok("GET", f"/V1/shipment/{second}"))["total_qty"] == 2
    status, body = await store.call(
        "POST", f"/V1/order/{oid}/ship", {"items": [{"order_item_id": item, "qty": 1}]}
    )
    assert status == 400
    assert body == {
        "message": "Shipment Document Validation Error(s):\nThe order does not allow "
        "a shipment to be created.\nYou can't create a shipment without products."
    }


async def test_cancel_complete_answers_false_and_cancel_new_works(store: Store) -> None:
    done = await store.order([{"sku": "MUG-S0525", "qty": 1}])
    await store.ok("POST", f"/V1/order/{done}/invoice", {})
    await store.ok("POST", f"/V1/order/{done}/ship", {})
    assert await store.ok("POST", f"/V1/orders/{done}/cancel") is False
    fresh = await store.order([{"sku": "MUG-S0525", "qty": 1}], address=NY)
    assert await store.ok("POST", f"/V1/orders/{fresh}/cancel") is True
    o = await store.get_order(fresh)
    assert (o["state"], o["status"], o["total_canceled"]) == ("canceled", "canceled", 17.5)
    assert o["total_due"] == 17.5
    assert await store.ok("POST", f"/V1/orders/{fresh}/cancel") is False
    status, body = await store.call("POST", f"/V1/order/{fresh}/invoice", {})
    assert status == 400 and "status of canceled" in body["message"]


async def test_hold_unhold(store: Store) -> None:
    oid = await store.order([{"sku": "MUG-S0525", "qty": 1}])
    assert await store.ok("POST", f"/V1/orders/{oid}/hold") is True
    assert await store.ok("GET", f"/V1/orders/{oid}/statuses") == "holded"
    status, body = await store.call("POST", f"/V1/orders/{oid}/hold")
    assert (status, body) == (400, {"message": "A hold action is not available."})
    await store.ok("POST", f"/V1/orders/{oid}/unhold")
    o = await store.get_order(oid)
    assert (o["state"], o["status"]) == ("new", "pending") and "hold_before_state" not in o
    status, body = await store.call("POST", f"/V1/orders/{oid}/unhold")
    assert (status, body) == (400, {"message": "You cannot remove the hold."})


async def test_comment_without_status_nulls_the_status(store: Store) -> None:
    oid = await store.order([{"sku": "MUG-S0525", "qty": 1}])
    note = {
        "comment": "Called",
        "is_customer_notified": 0,
        "is_visible_on_front": 0,
        "parent_id": oid,
    }
    assert await store.ok("POST", f"/V1/orders/{oid}/comments", {"statusHistory": note}) is True
    o = await store.get_order(oid)
    assert "status" not in o and o["state"] == "new"
    assert await store.ok("GET", f"/V1/orders/{oid}/statuses") == []
    await store.ok(
        "POST", f"/V1/orders/{oid}/comments", {"statusHistory": {**note, "status": "pending"}}
    )
    assert await store.ok("GET", f"/V1/orders/{oid}/statuses") == "pending"
    comments = await store.ok("GET", f"/V1/orders/{oid}/comments")
    assert [c.get("status") for c in comments["items"]] == [None, "pending"]


async def test_bare_values(store: Store) -> None:
    assert isinstance(await store.ok("POST", "/V1/carts/mine", customer=3), int)
    mask = await store.ok("POST", "/V1/guest-carts", anonymous=True)
    assert isinstance(mask, str) and len(mask) == 32
    oid = await store.order([{"sku": "MUG-S0525", "qty": 1}], customer=None)
    inv = await store.ok("POST", f"/V1/order/{oid}/invoice", {})
    ship = await store.ok("POST", f"/V1/order/{oid}/ship", {})
    memo = await store.ok("POST", f"/V1/order/{oid}/refund", {})
    assert all(isinstance(x, str) and x.isdigit() for x in (inv, ship, memo))
    assert await store.ok("GET", f"/V1/shipment/{ship}/label") == ""


async def test_refund_through_invoice_refused_for_offline_methods(store: Store) -> None:
    oid = await store.order([{"sku": "MUG-S0525", "qty": 1}], payment="banktransfer")
    inv = await store.ok("POST", f"/V1/order/{oid}/invoice", {})
    status, body = await store.call("POST", f"/V1/invoice/{inv}/refund", {"isOnline": False})
    assert status == 400
    assert body == {
        "message": "Creditmemo Document Validation Error(s):\n"
        "We can't create creditmemo for the invoice."
    }


async def test_zero_total_order_refunds_through_its_invoice(store: Store) -> None:
    oid = await store.order(
        [{"sku": "POSTER-S0525", "qty": 1}], coupon="FREE100-S0525", payment="free"
    )
    o = await store.get_order(oid)
    assert (o["grand_total"], o["discount_amount"], o["shipping_discount_amount"]) == (0, -13, 5)
    inv = await store.ok("POST", f"/V1/order/{oid}/invoice", {})
    memo_id = await store.ok("POST", f"/V1/invoice/{inv}/refund", {"isOnline": True})
    memo = await store.ok("GET", f"/V1/creditmemo/{memo_id}")
    assert memo["invoice_id"] == int(inv)
    o = await store.get_order(oid)
    assert o["total_online_refunded"] == 0 and o["state"] == "closed"


async def test_refund_errors(store: Store) -> None:
    oid = await store.order([{"sku": "MUG-S0525", "qty": 2}])
    mug = (await store.get_order(oid))["items"][0]["item_id"]
    status, body = await store.call(
        "POST", f"/V1/order/{oid}/refund", {"items": [{"order_item_id": mug, "qty": 1}]}
    )
    assert (status, body["parameters"]) == (400, ["Mug S0525"])  # nothing invoiced yet
    await store.ok("POST", f"/V1/order/{oid}/invoice", {})
    status, body = await store.call(
        "POST",
        f"/V1/order/{oid}/refund",
        {"items": [{"order_item_id": mug, "qty": 1}], "arguments": {"shipping_amount": 100}},
    )
    assert (status, body) == (
        400,
        {"message": "Maximum shipping amount allowed to refund is: %1", "parameters": ["$10.00"]},
    )
    status, body = await store.call(
        "POST", f"/V1/order/{oid}/refund", {"arguments": {"adjustment_positive": 500}}
    )
    assert status == 400 and "The most money available to refund is 37.89." in body["message"]


async def test_many_orders_share_one_updated_at_second(store: Store) -> None:
    ids = [await store.order([{"sku": "MUG-S0525", "qty": 1}]) for _ in range(3)]
    stamp = store.clock.moment.strftime("%Y-%m-%d %H:%M:%S")
    query = (
        "searchCriteria[filter_groups][0][filters][0][field]=updated_at"
        f"&searchCriteria[filter_groups][0][filters][0][value]={stamp}"
        "&searchCriteria[filter_groups][0][filters][0][condition_type]=gteq"
        "&searchCriteria[sortOrders][0][field]=updated_at"
        "&searchCriteria[sortOrders][1][field]=entity_id&searchCriteria[pageSize]=2"
    )
    page = await store.ok("GET", f"/V1/orders?{query}")
    assert page["total_count"] == 3
    assert [o["entity_id"] for o in page["items"]] == ids[:2]
    assert {o["updated_at"] for o in page["items"]} == {stamp}
    past = await store.ok("GET", f"/V1/orders?{query}&searchCriteria[currentPage]=9")
    assert past["items"] == [] and past["total_count"] == 3
    store.clock.moment += timedelta(seconds=5)
    await store.ok("POST", f"/V1/order/{ids[0]}/invoice", {})
    assert (await store.get_order(ids[0]))["updated_at"] > stamp


async def test_orders_search_requires_search_criteria(store: Store) -> None:
    status, body = await store.call("GET", "/V1/orders")
    assert status == 400 and body["parameters"] == {"fieldName": "searchCriteria"}


async def test_unknown_entities_are_404(store: Store) -> None:
    expected = {
        "message": "The entity that was requested doesn't exist. Verify the entity and try again."
    }
    for method, path in (
        ("GET", "/V1/orders/999"),
        ("GET", "/V1/invoices/999"),
        ("GET", "/V1/creditmemo/999"),
        ("GET", "/V1/shipment/999"),
        ("POST", "/V1/orders/999/cancel"),
        ("POST", "/V1/order/999/invoice"),
    ):
        assert await store.call(method, path, {} if method == "POST" else None) == (404, expected)


async def test_bodies_are_checked_against_the_schema(store: Store) -> None:
    oid = await store.order([{"sku": "MUG-S0525", "qty": 1}])
    status, _ = await store.call(
        "POST", f"/V1/order/{oid}/invoice", {"items": [{"order_item_id": 1, "qty": 1, "bogus": 1}]}
    )
    assert status == 400
    status, _ = await store.call(
        "POST", "/V1/taxRates", {"taxRate": {"code": "X", "rate": "abc", "tax_country_id": "US"}}
    )
    assert status == 400


async def test_unavailable_carrier_and_bad_coupon(store: Store) -> None:
    await store.ok("POST", "/V1/carts/mine", customer=2)
    await store.ok(
        "POST", "/V1/carts/mine/items", {"cartItem": {"sku": "POSTER-S0525", "qty": 1}}, customer=2
    )
    status, body = await store.call("PUT", "/V1/carts/mine/coupons/NOPE", customer=2)
    assert (status, body["message"]) == (
        404,
        "The coupon code isn't valid. Verify the code and try again.",
    )
    status, body = await store.call(
        "POST",
        "/V1/carts/mine/shipping-information",
        {
            "addressInformation": {
                "shipping_address": CA,
                "billing_address": CA,
                "shipping_carrier_code": "freeshipping",
                "shipping_method_code": "freeshipping",
            }
        },
        customer=2,
    )
    assert (status, body["parameters"]) == (404, ["freeshipping", "freeshipping"])
    status, body = await store.call(
        "POST", "/V1/carts/mine/items", {"cartItem": {"sku": "TSHIRT-S0525", "qty": 1}}, customer=2
    )
    assert (status, body) == (400, {"message": "You need to choose options for your item."})


async def test_untaxed_destination(store: Store) -> None:
    oid = await store.order([{"sku": "MUG-S0525", "qty": 1}], address=NY)
    o = await store.get_order(oid)
    assert o["tax_amount"] == 0 and o["extension_attributes"]["applied_taxes"] == []
    assert "converting_from_quote" not in o["extension_attributes"]


async def test_duplicate_customer_email(store: Store) -> None:
    status, body = await store.call(
        "POST",
        "/V1/customers",
        {
            "customer": {
                "email": "alice.s0525@example.com",
                "firstname": "A",
                "lastname": "B",
                "website_id": 1,
            }
        },
    )
    assert (status, body) == (
        400,
        {
            "message": "A customer with the same email address already "
            "exists in an associated website."
        },
    )


async def test_customer_addresses(store: Store) -> None:
    bob = await store.ok("GET", "/V1/customers/3")
    assert (bob["default_billing"], bob["default_shipping"]) == ("4", "5")
    created = await store.ok(
        "POST",
        "/V1/customers",
        {
            "customer": {
                "email": "nore@example.com",
                "firstname": "No",
                "lastname": "Region",
                "addresses": [
                    {
                        "firstname": "No",
                        "lastname": "Region",
                        "street": ["1 Rue"],
                        "city": "Lyon",
                        "postcode": "69001",
                        "country_id": "FR",
                        "telephone": "1",
                        "default_billing": True,
                    }
                ],
            }
        },
    )
    address = created["addresses"][0]
    assert "region_id" not in address  # recorded (36, 37, 40): no top-level region_id
    assert address["region"] == {"region_code": None, "region": None, "region_id": 0}
    assert created["default_billing"] == str(address["id"]) and "default_shipping" not in created
    assert address["default_billing"] is True and "default_shipping" not in address
    # PUT with addresses drops those left out; PUT without the key keeps them
    claire = await store.ok("GET", "/V1/customers/4")
    assert [a["id"] for a in claire["addresses"]] == [6, 7]
    body = {k: v for k, v in claire.items() if k != "addresses"}
    kept = await store.ok("PUT", "/V1/customers/4", {"customer": {**body, "lastname": "X"}})
    assert [a["id"] for a in kept["addresses"]] == [6, 7]
    only = await store.ok(
        "PUT", "/V1/customers/4", {"customer": {**body, "addresses": claire["addresses"][:1]}}
    )
    assert [a["id"] for a in only["addresses"]] == [6]
    assert (await store.call("GET", "/V1/customers/addresses/7"))[0] == 404


async def test_tax_rates_and_rules(store: Store) -> None:
    rates = await store.ok("GET", "/V1/taxRates/search?searchCriteria[pageSize]=10")
    assert [r["code"] for r in rates["items"]][:2] == ["US-CA-*-Rate 1", "US-NY-*-Rate 1"]
    status, body = await store.call(
        "POST",
        "/V1/taxRates",
        {"taxRate": {"tax_country_id": "US", "rate": 1, "code": "US-CA-*-Rate 1"}},
    )
    assert (status, body) == (400, {"message": "%1 already exists.", "parameters": ["Code"]})
    rate = await store.ok(
        "POST",
        "/V1/taxRates",
        {"taxRate": {"tax_country_id": "US", "tax_region_id": 57, "rate": 6.25, "code": "TX"}},
    )
    assert (rate["region_name"], rate["tax_postcode"]) == ("TX", "*")
    rule = await store.ok(
        "POST",
        "/V1/taxRules",
        {
            "rule": {
                "code": "TX rule",
                "priority": 0,
                "position": 0,
                "customer_tax_class_ids": [3],
                "product_tax_class_ids": [2],
                "tax_rate_ids": [rate["id"]],
            }
        },
    )
    assert (await store.ok("GET", f"/V1/taxRules/{rule['id']}"))["tax_rate_ids"] == [rate["id"]]
    assert await store.ok("DELETE", f"/V1/taxRules/{rule['id']}") is True
    assert await store.ok("DELETE", f"/V1/taxRates/{rate['id']}") is True
    assert (await store.call("GET", f"/V1/taxRates/{rate['id']}"))[0] == 404
    classes = await store.ok("GET", "/V1/taxClasses/search?searchCriteria=")
    assert {c["class_type"] for c in classes["items"]} == {"PRODUCT", "CUSTOMER"}


async def test_stock_moves_with_orders(store: Store) -> None:
    path = "/V1/inventory/get-product-salable-quantity/MUG-S0525/1"
    before = await store.ok("GET", path)
    oid = await store.order([{"sku": "MUG-S0525", "qty": 2}])
    assert await store.ok("GET", path) == before - 2
    mug = (await store.get_order(oid))["items"][0]["item_id"]
    await store.ok("POST", f"/V1/order/{oid}/invoice", {})
    await store.ok("POST", f"/V1/order/{oid}/ship", {})
    assert await store.ok("GET", path) == before - 2
    await store.ok(
        "POST",
        f"/V1/order/{oid}/refund",
        {
            "items": [{"order_item_id": mug, "qty": 1}],
            "arguments": {
                "shipping_amount": 0,
                "extension_attributes": {"return_to_stock_items": [mug]},
            },
        },
    )
    assert await store.ok("GET", path) == before - 1
    other = await store.order([{"sku": "MUG-S0525", "qty": 3}])
    await store.ok("POST", f"/V1/orders/{other}/cancel")
    assert await store.ok("GET", path) == before - 1


async def test_documents_comments_tracks_and_items(store: Store) -> None:
    oid = await store.order([{"sku": "TSHIRT-S0525", "qty": 1, "product_option": TSHIRT_M}])
    inv = await store.ok(
        "POST",
        f"/V1/order/{oid}/invoice",
        {"appendComment": True, "comment": {"comment": "Paid", "is_visible_on_front": 0}},
    )
    comments = await store.ok("GET", f"/V1/invoices/{inv}/comments")
    assert [c["comment"] for c in comments["items"]] == ["Paid"]
    invoice = await store.ok("GET", f"/V1/invoices/{inv}")
    assert invoice["state"] == 2 and invoice["total_qty"] == 2  # the child row counts
    ship = await store.ok("POST", f"/V1/order/{oid}/ship", {})
    track = await store.ok(
        "POST",
        "/V1/shipment/track",
        {
            "entity": {
                "order_id": oid,
                "parent_id": int(ship),
                "track_number": "T1",
                "title": "UPS",
                "carrier_code": "ups",
                "weight": 1,
                "qty": 1,
                "description": "box",
            }
        },
    )
    shipment = await store.ok("GET", f"/V1/shipment/{ship}")
    assert shipment["total_qty"] == 1 and len(shipment["items"]) == 1  # parent row only
    assert [t["track_number"] for t in shipment["tracks"]] == ["T1"]
    assert await store.ok("DELETE", f"/V1/shipment/track/{track['entity_id']}") is True
    await store.ok(
        "POST",
        f"/V1/shipment/{ship}/comments",
        {
            "entity": {
                "comment": "Left at the door",
                "is_visible_on_front": 1,
                "parent_id": int(ship),
            }
        },
    )
    assert (await store.ok("GET", f"/V1/shipment/{ship}/comments"))["total_count"] == 1
    query = (
        f"searchCriteria[filter_groups][0][filters][0][field]=order_id"
        f"&searchCriteria[filter_groups][0][filters][0][value]={oid}"
    )
    items = await store.ok("GET", f"/V1/orders/items?{query}")
    parent, child = items["items"]
    assert child["parent_item_id"] == parent["item_id"] and parent["qty_shipped"] == 1
    assert child["qty_shipped"] == 0 and child["qty_invoiced"] == 1
    invoices = await store.ok("GET", f"/V1/invoices?{query}")
    assert [i["entity_id"] for i in invoices["items"]] == [int(inv)]


async def test_order_address_edit(store: Store) -> None:
    oid = await store.order([{"sku": "MUG-S0525", "qty": 1}])
    billing = (await store.get_order(oid))["billing_address"]
    edited = await store.ok(
        "PUT", f"/V1/orders/{oid}", {"entity": {**billing, "telephone": "4085559999"}}
    )
    assert edited["telephone"] == "4085559999"
    assert (await store.get_order(oid))["billing_address"]["telephone"] == "4085559999"


async def test_customer_password_strength_and_token(store: Store) -> None:
    customer = {"email": "pw@example.com", "firstname": "P", "lastname": "W"}
    status, body = await store.call(
        "POST", "/V1/customers", {"customer": customer, "password": "short"}
    )
    assert (status, body["parameters"]) == (400, [8])
    status, body = await store.call(
        "POST", "/V1/customers", {"customer": customer, "password": "alllowercase"}
    )
    assert (status, body["parameters"]) == (400, [3])
    await store.ok("POST", "/V1/customers", {"customer": customer, "password": "Good-Passw0rd"})
    token = await store.ok(
        "POST",
        "/V1/integration/customer/token",
        {"username": "pw@example.com", "password": "Good-Passw0rd"},
        anonymous=True,
    )
    assert isinstance(token, str)
    status, _ = await store.call(
        "POST",
        "/V1/integration/customer/token",
        {"username": "pw@example.com", "password": "nope"},
        anonymous=True,
    )
    assert status == 401


async def test_offline_documents_cannot_be_captured_voided_or_canceled(store: Store) -> None:
    oid = await store.order([{"sku": "MUG-S0525", "qty": 1}])
    inv = await store.ok("POST", f"/V1/order/{oid}/invoice", {"capture": False})
    assert (await store.ok("GET", f"/V1/invoices/{inv}"))["state"] == 2  # paid at once
    status, body = await store.call("POST", f"/V1/invoices/{inv}/capture")
    assert (status, body) == (400, {"message": "The capture action is not available."})
    status, body = await store.call("POST", f"/V1/invoices/{inv}/void")
    assert (status, body) == (400, {"message": "The void action is not available."})
    memo = await store.ok("POST", f"/V1/order/{oid}/refund", {})
    status, body = await store.call("PUT", f"/V1/creditmemo/{memo}")
    assert (status, body) == (400, {"message": "You can not cancel Credit Memo"})
