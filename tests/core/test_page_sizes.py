"""Batch and page sizes that fit the work (issue 16): Odoo writes sized by payload, read
pages by fields, Magento pages as large as the store accepts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

from magodoo.exceptions import ConfigurationError
from magodoo.magento import MagentoClient, OAuth1Auth
from magodoo.odoo import OdooClient, sizing
from magodoo.testing import serve
from magodoo.testing._magento.customers import create_customer
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo

# ---- pure sizing ------------------------------------------------------------------------


def test_payload_weight_counts_children() -> None:
    assert sizing.payload_weight({"name": "A"}) == 1
    partner = {"name": "A", "child_ids": [(0, 0, {"name": "inv"}), (0, 0, {"name": "dlv"}),
                                          (4, 7, 0), (6, 0, [1, 2])]}
    assert sizing.payload_weight(partner) == 3
    order = {"order_line": [[0, 0, {"name": "l1", "tax_id": [(6, 0, [1])]}],
                            [1, 5, {"name": "l2"}]]}
    assert sizing.payload_weight(order) == 3


def test_weighted_chunks_keep_order_and_respect_weight_and_count() -> None:
    plain = [{"n": i} for i in range(10)]
    assert [len(c) for c in sizing.weighted_chunks(plain, 4)] == [4, 4, 2]
    assert [len(c) for c in sizing.weighted_chunks(plain, 100, count=3)] == [3, 3, 3, 1]
    family = {"child_ids": [(0, 0, {"n": 1}), (0, 0, {"n": 2})]}  # weighs 3
    chunks = list(sizing.weighted_chunks([family] * 5, 7))
    assert [len(c) for c in chunks] == [2, 2, 1]
    heavy = {"child_ids": [(0, 0, {"n": i}) for i in range(20)]}
    assert [len(c) for c in sizing.weighted_chunks([heavy, {"n": 0}], 5)] == [1, 1]
    assert [x for c in sizing.weighted_chunks(plain, 3) for x in c] == plain


def test_read_page_by_fields() -> None:
    assert sizing.page_size(["id", "name", "email", "phone", "street", "city", "zip",
                             "country_id"]) == 10_000
    assert sizing.page_size([f"f{i}" for i in range(30)]) == 2666
    assert sizing.page_size([f"f{i}" for i in range(200)]) == sizing.MIN_PAGE
    assert sizing.page_size([]) == sizing.MIN_PAGE  # all fields


# ---- Odoo client over the fake ----------------------------------------------------------


async def _with_odoo(fake: FakeOdoo, body: Callable[[OdooClient], Awaitable[None]],
                     **options: Any) -> None:
    async with serve(fake.app) as url, OdooClient(
        url, "magodoo", "admin", api_key="magodoo-test-key", protocol="jsonrpc", **options
    ) as odoo:
        await body(odoo)


def _calls(fake: FakeOdoo, method: str) -> int:
    return sum(v for k, v in fake.counters.items() if k.endswith(f".{method}"))


async def test_plain_creates_go_in_one_call_children_counted() -> None:
    fake = FakeOdoo(seed=None)

    async def body(odoo: OdooClient) -> None:
        ids = await odoo.create("res.partner", [{"name": f"P{i}"} for i in range(1200)])
        assert len(ids) == 1200 and ids == sorted(ids)
        assert _calls(fake, "create") == 1
        families = [{"name": f"F{i}", "child_ids": [
            (0, 0, {"name": f"F{i} inv", "type": "invoice"}),
            (0, 0, {"name": f"F{i} dlv", "type": "delivery"})]} for i in range(700)]
        await odoo.create("res.partner", families)  # 2,100 of payload: two calls
        assert _calls(fake, "create") == 3

    await _with_odoo(fake, body)


async def test_create_weight_and_count_cap_are_settings() -> None:
    fake = FakeOdoo(seed=None)

    async def body(odoo: OdooClient) -> None:
        await odoo.create("res.partner", [{"name": f"P{i}"} for i in range(100)])
        assert _calls(fake, "create") == 4  # count cap 30

    await _with_odoo(fake, body, create_weight=50, create_batch=30)


async def test_write_many_ids_sized_by_payload() -> None:
    fake = FakeOdoo(seed=None)

    async def body(odoo: OdooClient) -> None:
        ids = await odoo.create("res.partner", [{"name": f"P{i}"} for i in range(25)])
        assert await odoo.write("res.partner", ids, {"comment": "x"})
        assert _calls(fake, "write") == 3  # 10 per call
        rows = await odoo.read("res.partner", ids, ["comment"])
        assert len(rows) == 25 and all(r["comment"] for r in rows)

    await _with_odoo(fake, body, create_weight=10)


async def test_search_read_default_page_by_fields() -> None:
    fake = FakeOdoo(seed=None)

    async def body(odoo: OdooClient) -> None:
        await odoo.create("res.partner", [{"name": f"P{i}"} for i in range(1200)])
        before = _calls(fake, "search_read")
        rows = [r async for r in odoo.search_read("res.partner", [], ["name", "email"])]
        assert len(rows) >= 1200
        assert _calls(fake, "search_read") - before == 1  # 10,000 a page for two fields

    await _with_odoo(fake, body)


def test_bad_sizes_refused() -> None:
    with pytest.raises(ConfigurationError):
        OdooClient("http://x", "d", "u", api_key="k", create_weight=0)
    with pytest.raises(ConfigurationError):
        OdooClient("http://x", "d", "u", api_key="k", create_batch=0)


# ---- Magento pages ----------------------------------------------------------------------


def _input_limits(max_page: int, refused: list[int]) -> Any:
    """A store with ``webapi/validation/input_limit_enabled``: Magento's own refusal."""

    @web.middleware
    async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
        size = request.query.get("searchCriteria[pageSize]")
        if size is not None and size.isdigit() and int(size) > max_page:
            refused.append(int(size))
            return web.json_response({"message": "Maximum SearchCriteria pageSize is %max",
                                      "parameters": {"max": max_page}}, status=400)
        response: web.StreamResponse = await handler(request)
        return response

    return middleware


def _customers(fake: FakeMagento, n: int) -> None:
    for i in range(n):
        create_customer(fake.state, {"email": f"c{i}@example.com", "firstname": "Jane",
                                     "lastname": f"Doe {i}"})


def _client(fake: FakeMagento, url: str, **options: Any) -> MagentoClient:
    i = fake.integration
    return MagentoClient(url, auth=OAuth1Auth(i.consumer_key, i.consumer_secret,
                                              i.access_token, i.access_token_secret),
                         **options)


async def test_magento_pages_of_a_thousand_by_default() -> None:
    fake = FakeMagento(seed=None)
    _customers(fake, 700)
    async with serve(fake.app) as url, _client(fake, url) as magento:
        emails = [c.email async for c in magento.iter_customers()]
    assert len(emails) == 700 == len(set(emails))
    assert fake.counters["GET /V1/customers/search"] == 1


async def test_magento_store_with_input_limits_gets_its_maximum() -> None:
    fake = FakeMagento(seed=None)
    _customers(fake, 700)
    refused: list[int] = []
    fake.app.middlewares.append(_input_limits(300, refused))
    async with serve(fake.app) as url, _client(fake, url) as magento:
        emails = [c.email async for c in magento.iter_customers()]
        assert len(emails) == 700 == len(set(emails))
        assert refused == [1000]  # one refusal, then 300 a page: 3 pages
        assert fake.counters["GET /V1/customers/search"] == 3
        again = [c.email async for c in magento.for_store("default").iter_customers()]
        assert again == emails
        assert refused == [1000]  # the cap is remembered, by store clients too
        assert fake.counters["GET /V1/customers/search"] == 6


async def test_magento_page_size_setting() -> None:
    fake = FakeMagento(seed=None)
    _customers(fake, 250)
    async with serve(fake.app) as url, _client(fake, url, page_size=100) as magento:
        assert len([c async for c in magento.iter_customers()]) == 250
        assert fake.counters["GET /V1/customers/search"] == 3
        with pytest.raises(ConfigurationError):
            magento.iter_customers(page_size=1001)


def test_first_chunk_matches_weighted_chunks() -> None:
    family = {"child_ids": [(0, 0, {"n": 1}), (0, 0, {"n": 2})]}
    values = [{"n": 0}, family, {"n": 1}, family, family, {"n": 2}]
    for weight, count in ((1, None), (3, None), (4, 2), (100, 3)):
        chunks = list(sizing.weighted_chunks(values, weight, count))
        start, got = 0, []
        while start < len(values):
            chunk = sizing.first_chunk(values, start, weight, count)
            got.append(list(chunk))
            start += len(chunk)
        assert got == chunks


async def test_a_slow_write_call_halves_the_payload_after_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FakeOdoo(seed=None)

    async def body(odoo: OdooClient) -> None:
        fake.faults.latency = 0.05  # every call "takes" longer than max_call_seconds
        await odoo.create("res.partner", [{"name": f"P{i}"} for i in range(70)])
        # 40, then 20, then 10: each slow call halves the next one
        assert _calls(fake, "create") == 3

    await _with_odoo(fake, body, create_weight=40, max_call_seconds=0.01)
    assert any("per call from now on" in r.getMessage() for r in caplog.records)
