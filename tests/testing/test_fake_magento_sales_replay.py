"""Replay the 309 sales-side requests recorded on a real Magento 2.4.6 against ONE fake, in
recorded order (they tell one story: taxes, cart rules, catalog, customers, nine orders and their
invoices, shipments, credit memos, cancel, hold, comments and read-backs), and compare the status
code and the shape of each body (keys and JSON types, recursively; lists by their first element).

The fake starts where the recorded store stood before its first call: its id counters continue
from the recorded ones (so recorded URLs such as ``/V1/order/10/invoice`` work verbatim) and the
stock tax rates 1 and 2 exist. The guest cart's masked id is the only value mapped.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from magodoo.testing._server import serve
from magodoo.testing.fake_magento import FakeMagento
from tests.testing.replay import sample_names, shape

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"
SAMPLES = REFERENCE / "magento" / "samples-2.4.6-sales"
RECORDED_MASK = "5ix7OixxPoD1IPnn9hemTpVNrrkqVyjP"
CUSTOMER_PASSWORD = "Passw0rd!S0525"  # recorded as "***"; the fake checks its strength
# Whose customer token each order's cart calls used. Only alice's (501) and claire's (703)
# token calls were recorded; the orders show that B and F were bob's and C, G, I claire's.
CART_OWNER = {"A": 2, "B": 3, "C": 4, "E": 2, "F": 3, "G": 4, "H": 2, "I": 4}

# Samples the fake cannot reproduce, with the reason. Keep this short.
XFAIL: dict[str, str] = {
    "339_categories_tree.json": "catalog side: the recorded store had test categories 3-7",
}
# Beyond the shape, the sales side must give the recorded VALUES (money to the cent, states,
# statuses, ids). Catalog samples (3xx) are the catalog's business; these differ for a reason:
VALUE_EXEMPT: dict[str, str] = {
    "101_admin_token.json": "a fresh token",
    "501_customer_token.json": "a fresh token",
    "703_customer_token.json": "a fresh token",
    "532_D_guest_cart_create.json": "a fresh masked cart id",
    "612_A_mug_salable_qty_after_refund_return_to_stock.json": "the recorded store had also sold "
    "mugs in a first pass of the script (orders 2-9)",
    "807_orders_search_or_filter_email.json": "first-pass orders 2-9 are not in the fake",
}
UNSTABLE_KEYS = frozenset({"created_at", "updated_at", "protect_code"})


def recorded_store(now: Callable[[], datetime] | None = None) -> FakeMagento:
    """``FakeMagento(seed="recorded")``: counters continue from the recorded store's."""
    return FakeMagento(seed="recorded", now=now)


def names() -> list[str]:
    return sample_names(SAMPLES)


async def replay(fake: FakeMagento) -> dict[str, tuple[int, Any, str]]:
    results: dict[str, tuple[int, Any, str]] = {}
    admin = ""
    customer = ""
    mask = RECORDED_MASK
    async with serve(fake.app) as base, aiohttp.ClientSession() as session:
        for name in names():
            sample = json.loads((SAMPLES / name).read_text())
            req = sample["request"]
            url = base + req["url"].split("127.0.0.1:8080", 1)[1].replace(RECORDED_MASK, mask)
            headers = dict(req.get("headers") or {})
            if headers.get("Authorization") == "Bearer <admin token>":
                headers["Authorization"] = f"Bearer {admin}"
            elif headers.get("Authorization") == "Bearer <customer token>":
                owner = CART_OWNER.get(name[4:5]) if name[5:6] == "_" else None
                token = customer if owner is None else fake.tokens.issue("customer", owner)
                headers["Authorization"] = f"Bearer {token}"
            body = req.get("json")
            if name.startswith("101_"):
                body = {**body, "password": fake.admin_password}
            elif isinstance(body, dict) and body.get("password") == "***":
                body = {**body, "password": CUSTOMER_PASSWORD}
            if body is not None:
                body = json.loads(json.dumps(body).replace(RECORDED_MASK, mask))
            async with session.request(req["method"], url, json=body, headers=headers) as resp:
                text = await resp.text()
            try:
                payload: Any = json.loads(text)
            except ValueError:
                payload = None
            results[name] = (resp.status, payload, text)
            if resp.status == 200 and name.startswith("101_"):
                admin = payload
            elif resp.status == 200 and name.endswith("_customer_token.json"):
                customer = payload
            elif resp.status == 200 and name.startswith("532_"):
                mask = payload
    return results


@pytest.fixture(scope="module")
def replayed() -> dict[str, tuple[int, Any, str]]:
    if not SAMPLES.is_dir():
        pytest.skip("reference samples not found")
    return asyncio.run(replay(recorded_store()))


@pytest.mark.parametrize("name", names())
def test_replay(name: str, replayed: dict[str, tuple[int, Any, str]]) -> None:
    if name in XFAIL:
        pytest.xfail(XFAIL[name])
    expected = json.loads((SAMPLES / name).read_text())["response"]
    status, payload, text = replayed[name]
    assert status == expected["status"], text[:800]
    if "json" in expected:
        assert shape(payload) == shape(expected["json"]), text[:1500]
    else:
        assert text == expected["text"]


def differences(fake: Any, real: Any, path: str = "") -> list[str]:
    """Leaf values that differ (keys both sides have; timestamps and hashes skipped)."""
    out: list[str] = []
    if isinstance(real, dict) and isinstance(fake, dict):
        for key, value in real.items():
            if key not in UNSTABLE_KEYS and key in fake:
                out += differences(fake[key], value, f"{path}.{key}")
    elif isinstance(real, list) and isinstance(fake, list):
        if len(real) != len(fake):
            out.append(f"{path}: {len(fake)} items, recorded {len(real)}")
        for i, (a, b) in enumerate(zip(fake, real, strict=False)):
            out += differences(a, b, f"{path}[{i}]")
    elif fake != real:
        out.append(f"{path}: {fake!r}, recorded {real!r}")
    return out


@pytest.mark.parametrize("name", [n for n in names() if not n.startswith("3")])
def test_replay_values(name: str, replayed: dict[str, tuple[int, Any, str]]) -> None:
    if name in VALUE_EXEMPT:
        pytest.skip(VALUE_EXEMPT[name])
    expected = json.loads((SAMPLES / name).read_text())["response"]
    _status, payload, _text = replayed[name]
    if "json" in expected:
        assert differences(payload, expected["json"]) == []


def test_all_samples_replayed() -> None:
    if not SAMPLES.is_dir():
        pytest.skip("reference samples not found")
    assert len(names()) == 309
