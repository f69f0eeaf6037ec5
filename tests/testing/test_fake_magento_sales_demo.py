"""The demo sales data: deterministic, varied, consistent, and shaped like the recorded store."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from magodoo.testing._magento import sales_creditmemos as scm
from magodoo.testing._magento import sales_invoices as si
from magodoo.testing._magento import sales_orders as so
from magodoo.testing._magento import sales_shipments as ss
from magodoo.testing._server import serve
from magodoo.testing.fake_magento import FakeMagento

NOW = datetime(2026, 11, 27, 6, 0, 0, tzinfo=UTC)


def _store(size: str = "small") -> FakeMagento:
    return FakeMagento(seed="demo", size=size, now=lambda: NOW)


def _dump(fake: FakeMagento) -> str:
    state = fake.state
    return json.dumps(
        {
            "orders": [so.render(state, o) for o in state.table(so.ORDERS)],
            "invoices": [si.render(state, i) for i in state.table(si.INVOICES)],
            "shipments": [ss.render(state, s) for s in state.table(ss.SHIPMENTS)],
            "creditmemos": [scm.render(state, m) for m in state.table(scm.CREDITMEMOS)],
        },
        sort_keys=True,
    )


@pytest.fixture(scope="module")
def medium() -> FakeMagento:
    return _store("medium")


def test_deterministic() -> None:
    assert _dump(_store()) == _dump(_store())


def test_sizes() -> None:
    small = _store()
    assert (len(small.state.table("customers")), len(small.state.table("orders"))) == (10, 16)


def test_variety(medium: FakeMagento) -> None:
    state = medium.state
    orders = [so.render(state, o) for o in state.table(so.ORDERS)]
    methods = Counter(
        o["extension_attributes"]["shipping_assignments"][0]["shipping"]["method"] for o in orders
    )
    assert set(methods) == {"flatrate_flatrate", "tablerate_bestway", "freeshipping_freeshipping"}
    payments = Counter(o["payment"]["method"] for o in orders)
    assert {"checkmo", "banktransfer", "cashondelivery", "purchaseorder", "free"} <= set(payments)
    assert any(o["payment"].get("po_number") for o in orders)
    states = Counter(o["state"] for o in orders)
    assert {"new", "complete", "closed", "canceled", "holded"} <= set(states)
    assert any(o["customer_is_guest"] for o in orders)
    assert any(not o["customer_is_guest"] for o in orders)
    assert any(o["tax_amount"] for o in orders) and any(o["discount_amount"] for o in orders)
    assert any(i.get("parent_item_id") for o in orders for i in o["items"])
    memos = list(state.table(scm.CREDITMEMOS))
    assert any(m.get("invoice_id") for m in memos) and any(not m.get("invoice_id") for m in memos)
    assert any(o.get("total_online_refunded") is not None for o in orders)
    assert len(state.table(ss.TRACKS)) >= len(state.table(ss.SHIPMENTS))
    stamps = Counter(o["created_at"] for o in orders)
    assert max(stamps.values()) >= 2  # several orders share one second


def test_customers_have_one_to_three_addresses(medium: FakeMagento) -> None:
    from magodoo.testing._magento import customers

    state = medium.state
    for customer in state.table(customers.CUSTOMERS):
        book = [a for a in state.table(customers.ADDRESSES) if a["customer_id"] == customer["id"]]
        assert 1 <= len(book) <= 3
        assert isinstance(customer["default_billing"], str)
        assert isinstance(customer["default_shipping"], str)


def _money(doc: dict[str, Any], key: str) -> Decimal:
    return Decimal(str(doc.get(key, 0)))


def test_totals_add_up(medium: FakeMagento) -> None:
    state = medium.state
    docs = [so.render(state, o) for o in state.table(so.ORDERS)]
    docs += [si.render(state, i) for i in state.table(si.INVOICES)]
    docs += [scm.render(state, m) for m in state.table(scm.CREDITMEMOS)]
    for doc in docs:
        total = sum(
            _money(doc, k)
            for k in ("subtotal", "discount_amount", "shipping_amount", "tax_amount", "adjustment")
        )
        assert _money(doc, "grand_total") == max(total, Decimal(0)), doc["entity_id"]
    for order in state.table(so.ORDERS):
        if order.get("total_refunded") is not None:
            assert _money(order, "total_refunded") <= _money(order, "total_paid")


REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"


def _recorded_keys(pattern: str, part: str) -> set[str]:
    keys: set[str] = set()
    for path in (REFERENCE / "magento" / "samples-2.4.6-sales").glob(pattern):
        body = json.loads(path.read_text())["response"].get("json")
        if isinstance(body, dict) and "entity_id" in body:
            if part == "top":
                keys |= set(body)
            else:
                for item in body.get(part) or []:
                    keys |= set(item)
    return keys


@pytest.mark.parametrize(
    ("pattern", "table", "render"),
    [
        ("*order*get*.json", so.ORDERS, so.render),
        ("*invoice*get*.json", si.INVOICES, si.render),
        ("*shipment*get*.json", ss.SHIPMENTS, ss.render),
        ("*creditmemo*get*.json", scm.CREDITMEMOS, scm.render),
    ],
)
def test_shapes_like_recorded(
    medium: FakeMagento, reference_dir: Path, pattern: str, table: str, render: Any
) -> None:
    del reference_dir
    top, items = _recorded_keys(pattern, "top"), _recorded_keys(pattern, "items")
    for row in medium.state.table(table):
        doc = render(medium.state, row)
        assert set(doc) <= top, set(doc) - top
        for item in doc["items"]:
            assert set(item) - {"parent_item"} <= items | {"parent_item"}, set(item) - items


async def test_served_over_http() -> None:
    fake = _store()
    async with serve(fake.app) as base, aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bearer {fake.admin_token()}"}
        url = f"{base}/rest/V1/orders?searchCriteria[pageSize]=5"
        async with session.get(url, headers=headers) as resp:
            body = await resp.json()
        assert resp.status == 200 and body["total_count"] == 16 and len(body["items"]) == 5
        url = f"{base}/rest/V1/creditmemos?searchCriteria[pageSize]=50"
        async with session.get(url, headers=headers) as resp:
            assert resp.status == 200 and (await resp.json())["total_count"] >= 1
