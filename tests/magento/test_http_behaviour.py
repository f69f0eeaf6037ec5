"""Retries, paging and error mapping over real loopback HTTP.

A tiny local aiohttp app plays the parts the fake Magento cannot (a collection that repeats
its last page, a ``text/plain`` crash page); the fake's fault switches do the rest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from magodoo._http import RetryPolicy
from magodoo.exceptions import (
    AuthenticationError,
    ClientClosedError,
    ConfigurationError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    ServerError,
    ValidationError,
)
from magodoo.magento import BearerTokenAuth, Customer, MagentoClient, Product, SearchCriteria
from magodoo.testing._server import serve
from magodoo.testing.fake_magento import FakeMagento

RETRY = RetryPolicy(max_tries=4, base=0.01, max_wait=0.01, jitter=False)


class Sleeps:
    """An injected ``sleep`` that records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def _stub_app(total: int, *, repeat_last: bool) -> tuple[web.Application, list[dict[str, str]]]:
    """``/rest/default/V1/things``: ``total`` items; past the end it repeats the last page
    (``repeat_last``) or answers an empty page, as real collections do."""
    seen: list[dict[str, str]] = []

    async def things(request: web.Request) -> web.Response:
        query = dict(request.query)
        seen.append(query)
        size = int(query["searchCriteria[pageSize]"])
        page = int(query.get("searchCriteria[currentPage]", "1"))
        last = max(1, -(-total // size))
        if page > last and repeat_last:
            page = last
        start = (page - 1) * size
        items = [{"id": i} for i in range(start + 1, min(total, start + size) + 1)]
        return web.json_response({"items": items, "total_count": total,
                                  "search_criteria": {"page_size": size}})

    async def crash(request: web.Request) -> web.Response:
        return web.Response(status=500, text="An error has happened during application run. "
                            "See exception log for details.\n", content_type="text/plain")

    app = web.Application()
    app.router.add_get("/rest/default/V1/things", things)
    app.router.add_post("/rest/default/V1/crash", crash)
    return app, seen


@pytest.fixture
async def stub() -> AsyncIterator[tuple[MagentoClient, list[dict[str, str]]]]:
    app, seen = _stub_app(7, repeat_last=True)
    async with serve(app) as url, MagentoClient(url, auth=BearerTokenAuth("t0k3n-abc")) as c:
        yield c, seen


async def test_paging_stops_on_total_count_when_last_page_repeats(
    stub: tuple[MagentoClient, list[dict[str, str]]],
) -> None:
    client, seen = stub
    items = [x async for x in client.paginate("/V1/things", page_size=3)]
    assert [x["id"] for x in items] == list(range(1, 8))
    assert len(seen) == 3
    assert all(q["searchCriteria[pageSize]"] == "3" for q in seen)


async def test_paging_with_full_last_page_and_repeat() -> None:
    app, seen = _stub_app(6, repeat_last=True)
    async with serve(app) as url, MagentoClient(url, auth=BearerTokenAuth("t0k3n")) as c:
        items = [x async for x in c.paginate("/V1/things", page_size=3)]
    assert [x["id"] for x in items] == [1, 2, 3, 4, 5, 6]
    assert len(seen) == 2  # total_count reached: page 3 (a repeat of 2) is never asked


async def test_empty_page_past_the_end(client: MagentoClient) -> None:
    total = (await client.list_products(SearchCriteria().page(1))).total_count
    beyond = await client.list_products(SearchCriteria().page(10, total // 10 + 5))
    assert beyond.items == () and beyond.total_count == total
    every = [p async for p in client.iter_products(page_size=7)]
    assert len(every) == total and len({p.sku for p in every}) == total


async def test_fields_projection_keeps_items_and_total(client: MagentoClient) -> None:
    skus = [p async for p in client.paginate("/V1/products", page_size=20, fields="sku,id")]
    assert skus and set(skus[0]) <= {"sku", "id"}
    page = await client.list_products(SearchCriteria().page(5), fields=["sku"])
    assert page.total_count > 5 and all(p.sku and p.name is None for p in page.items)


async def test_page_size_limits(client: MagentoClient) -> None:
    with pytest.raises(ConfigurationError):  # above the client's page size (1,000; issue 16)
        client.paginate("/V1/products", page_size=client.page_size + 1)
    with pytest.raises(ConfigurationError):
        client.iter_products(page_size=0)


async def test_429_then_success_and_503_then_success(client: MagentoClient,
                                                    fake: FakeMagento) -> None:
    sleeps = Sleeps()
    client.transport.sleep = sleeps
    await client.list_websites()  # token fetched
    fake.faults.retry_after = 3
    fake.faults.fail_next = [429, 503]
    before = fake.counters["GET /V1/store/websites"]
    websites = await client.list_websites()
    assert {w.code for w in websites} >= {"admin", "base"}
    assert fake.counters["GET /V1/store/websites"] - before == 3
    assert sleeps.waits[0] == 3.0 and len(sleeps.waits) == 2


async def test_429_gives_up_with_rate_limited_error(client: MagentoClient,
                                                    fake: FakeMagento) -> None:
    await client.list_websites()
    fake.faults.fail_next = [429] * 4
    with pytest.raises(RateLimitedError) as info:
        await client.list_websites()
    assert info.value.retry_after == 1.0 and info.value.retriable


async def test_dropped_get_is_retried(client: MagentoClient, fake: FakeMagento) -> None:
    await client.list_websites()
    fake.faults.drop_next = 1
    before = fake.counters["GET /V1/store/storeViews"]
    views = await client.list_store_views()
    assert {v.code for v in views} >= {"default"}
    assert fake.counters["GET /V1/store/storeViews"] - before == 2


async def test_post_create_is_not_blindly_retried(client: MagentoClient,
                                                  fake: FakeMagento) -> None:
    await client.list_websites()
    fake.faults.drop_next = 1
    customer = Customer(email="once@example.com", firstname="A", lastname="B", website_id=1)
    with pytest.raises(OutcomeUnknownError) as info:
        await client.create_customer(customer)
    assert not info.value.retriable
    assert fake.counters["POST /V1/customers"] == 1
    fake.faults.fail_next = [503]
    with pytest.raises(OutcomeUnknownError):
        await client.create_customer(customer)
    assert fake.counters["POST /V1/customers"] == 2


async def test_errors_are_mapped(client: MagentoClient, stub: Any) -> None:
    with pytest.raises(NotFoundError) as not_found:
        await client.get_product("NO-SUCH-SKU")
    assert not_found.value.status == 404
    assert "doesn't exist" in not_found.value.message
    with pytest.raises(ValidationError) as bad:
        await client.get("/V1/products")  # no searchCriteria: 400 with %fieldName filled
    assert bad.value.template == '"%fieldName" is required. Enter and try again.'
    assert bad.value.message == '"searchCriteria" is required. Enter and try again.'
    assert bad.value.parameters == {"fieldName": "searchCriteria"}
    with pytest.raises(NotFoundError) as no_route:
        await client.get("/V1/no-such-route")
    assert no_route.value.message == "Request does not match any route."

    stub_client, _ = stub
    with pytest.raises(ServerError) as crash:
        await stub_client.post("/V1/crash", {})
    assert crash.value.status == 500 and not crash.value.retriable
    assert crash.value.message.startswith("An error has happened during application run")
    assert crash.value.template is None


async def test_text_plain_crash_of_the_fake(client: MagentoClient, fake: FakeMagento) -> None:
    with pytest.raises(ServerError) as crash:  # a product POST without sku, as recorded
        await client.create_product(Product(name="No SKU", attribute_set_id=4, price=1))
    assert crash.value.status == 500
    assert isinstance(crash.value.body, str)
    assert crash.value.message.startswith("An error has happened during application run")
    assert fake.counters["POST /V1/products"] == 1  # a 500 on a create is not retried


async def test_401_without_credentials(base_url: str) -> None:
    async with MagentoClient(base_url, auth=BearerTokenAuth("not-a-token")) as c:
        with pytest.raises(AuthenticationError) as info:
            await c.get_customer(1)
    assert info.value.status == 401
    assert "isn't authorized to access" in info.value.message
    assert "%resources" not in info.value.message and info.value.template is not None


async def test_closed_client_refuses(base_url: str) -> None:
    c = MagentoClient(base_url, auth=BearerTokenAuth("abcdefgh"))
    async with c:
        pass
    with pytest.raises(ClientClosedError):
        await c.list_websites()
    with pytest.raises(ClientClosedError):
        c.for_store("all")


async def test_callers_session_is_left_open(fake: FakeMagento, base_url: str) -> None:
    async with aiohttp.ClientSession() as session:
        auth = BearerTokenAuth("abcdefgh")
        async with MagentoClient(base_url, auth=auth, session=session) as c:
            with pytest.raises(AuthenticationError):
                await c.list_websites()
        assert not session.closed


async def test_for_store_shares_transport(client: MagentoClient, fake: FakeMagento) -> None:
    await client.list_websites()
    global_client = client.for_store("all")
    french = client.for_store("fr")
    assert global_client.transport is client.transport
    assert global_client.url("/V1/products") .endswith("/rest/all/V1/products")
    product = await french.get_product((await client.list_products(
        SearchCriteria().page(1))).items[0].sku or "")
    assert product.sku
    await french.aclose()
    assert not client.closed
    await client.list_store_views()
    with pytest.raises(ClientClosedError):
        await french.list_websites()


async def test_limit_concurrency_is_configurable() -> None:
    async with MagentoClient("http://127.0.0.1:1", auth=BearerTokenAuth("abcdefgh"),
                             limit=2) as c:
        assert c.transport.limit == 2
        assert c.url("/V1/x") == "http://127.0.0.1:1/rest/default/V1/x"
    slip = MagentoClient("http://shop.test/rest/", auth=BearerTokenAuth("abcdefgh"))
    assert slip.url("/V1/x") == "http://shop.test/rest/default/V1/x"
    await slip.aclose()
    with pytest.raises(ConfigurationError):
        MagentoClient("http://shop.test", auth=BearerTokenAuth("abcdefgh"), store_code="a/b")
