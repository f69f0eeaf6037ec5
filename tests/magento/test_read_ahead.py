"""``paginate`` asks page n+1 while the caller handles page n: order, stop rules, errors,
and a caller that stops early, over real loopback HTTP.

A small local app plays a list route whose pages can be held back, refused or broken; the
fake Magento plays the typed searches.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import attrs
import pytest
from aiohttp import web

from magodoo.exceptions import ValidationError
from magodoo.magento import (
    BearerTokenAuth,
    Customer,
    MagentoClient,
    PartialPageError,
    SearchCriteria,
)
from magodoo.testing._magento.customers import create_customer
from magodoo.testing._server import serve
from magodoo.testing.fake_magento import FakeMagento

from .conftest import FAST


@attrs.define
class Things:
    """``/rest/default/V1/things``: ``total`` items ``{"id": n}``, paged as Magento does."""

    total: int
    repeat_last: bool = False
    max_page: int | None = None
    """refuse a larger page as a store with input limits does (400)"""
    hold: dict[int, asyncio.Event] = attrs.field(factory=dict)
    """page -> event the answer waits for"""
    broken: dict[int, int] = attrs.field(factory=dict)
    """page -> status answered instead (400: a search the store refuses)"""
    asked: list[tuple[int, int]] = attrs.field(factory=list)
    """(page, size) of each request, in arrival order"""
    arrived: dict[int, asyncio.Event] = attrs.field(factory=dict)
    """page -> set when a request for it arrives"""
    answered: dict[int, asyncio.Event] = attrs.field(factory=dict)
    """page -> set when its answer has been sent"""

    def arrival(self, page: int) -> asyncio.Event:
        return self.arrived.setdefault(page, asyncio.Event())

    def answer(self, page: int) -> asyncio.Event:
        return self.answered.setdefault(page, asyncio.Event())

    async def handle(self, request: web.Request) -> web.Response:
        size = int(request.query["searchCriteria[pageSize]"])
        page = int(request.query.get("searchCriteria[currentPage]", "1"))
        self.asked.append((page, size))
        self.arrival(page).set()
        try:
            if page in self.hold:
                await self.hold[page].wait()
            if self.max_page is not None and size > self.max_page:
                return web.json_response({"message": "Maximum SearchCriteria pageSize is %max",
                                          "parameters": {"max": self.max_page}}, status=400)
            if page in self.broken:
                return web.json_response({"message": "\"%fieldName\" is required.",
                                          "parameters": {"fieldName": "things"}},
                                         status=self.broken[page])
            last = max(1, -(-self.total // size))
            if page > last and self.repeat_last:
                page = last
            start = (page - 1) * size
            items = [{"id": i} for i in range(start + 1, min(self.total, start + size) + 1)]
            return web.json_response({"items": items, "total_count": self.total,
                                      "search_criteria": {"page_size": size}})
        finally:
            self.answer(page).set()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/rest/default/V1/things", self.handle)
        return app


@contextlib.asynccontextmanager
async def things_client(things: Things) -> AsyncIterator[MagentoClient]:
    async with serve(things.app()) as url, MagentoClient(
        url, auth=BearerTokenAuth("t0k3n"), retry=FAST
    ) as client:
        try:
            yield client
        finally:
            for event in things.hold.values():  # never leave a handler waiting
                event.set()


def reads_ahead() -> list[asyncio.Task[Any]]:
    """The requests for a next page still pending."""
    return [t for t in asyncio.all_tasks()
            if not t.done() and "_read_page" in getattr(t.get_coro(), "__qualname__", "")]


async def settle() -> None:
    """A few turns of the loop, until no request ahead is pending (a bounded number)."""
    for _ in range(200):
        if not reads_ahead():
            return
        await asyncio.sleep(0)


async def within(event: asyncio.Event) -> None:
    await asyncio.wait_for(event.wait(), 10)  # a guard against a hang, not a timing


# ---- order and stop rules ------------------------------------------------------------------


@pytest.mark.parametrize(("total", "repeat_last", "requests"), [
    (7, True, 3),   # a short last page ends it (the store would repeat it past the end)
    (6, True, 2),   # total_count reached on a full page: page 3 is never asked
    (6, False, 2),
    (0, False, 1),
    (3, False, 1),  # one full page, total reached: nothing asked ahead
])
async def test_items_in_order_and_no_page_past_total(
    total: int, repeat_last: bool, requests: int,
) -> None:
    things = Things(total, repeat_last=repeat_last)
    async with things_client(things) as client:
        items = [x["id"] async for x in client.paginate("/V1/things", page_size=3)]
        await settle()
        assert not reads_ahead()
    assert items == list(range(1, total + 1))
    assert [page for page, _ in things.asked] == list(range(1, requests + 1))


async def test_many_pages_in_order_from_a_later_page() -> None:
    things = Things(50)
    async with things_client(things) as client:
        every = [x["id"] async for x in client.paginate("/V1/things", page_size=4)]
        later = [x["id"] async for x in client.paginate(
            "/V1/things", SearchCriteria().page(4, 3), page_size=4)]
    assert every == list(range(1, 51))
    assert later == list(range(9, 51))  # from page 3 on, as before


async def test_next_page_is_asked_while_this_one_is_handled_and_only_one() -> None:
    things = Things(12)
    async with things_client(things) as client:
        pages = client.paginate("/V1/things", page_size=3)
        async with contextlib.aclosing(pages):
            first = await anext(pages)
            assert first == {"id": 1}
            await within(things.answer(2))  # page 2 answered while the caller is on item 1
            for _ in range(20):
                await asyncio.sleep(0)
            assert [page for page, _ in things.asked] == [1, 2]  # one page ahead, no more
            rest = [x["id"] async for x in pages]
        assert rest == list(range(2, 13))
        assert [page for page, _ in things.asked] == [1, 2, 3, 4]


# ---- a caller that stops early ---------------------------------------------------------------


async def test_break_cancels_the_request_ahead(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="asyncio")
    things = Things(9, hold={2: asyncio.Event()})
    async with things_client(things) as client:
        seen = []
        async for x in client.paginate("/V1/things", page_size=3):
            seen.append(x["id"])
            await within(things.arrival(2))  # page 2 asked and held by the store
            break
        await settle()
        assert not reads_ahead()
        assert client.transport.concurrency.in_flight == 0
    assert seen == [1]
    assert [page for page, _ in things.asked] == [1, 2]
    assert not [r for r in caplog.records if r.name == "asyncio"]


async def test_an_exception_in_the_caller_cancels_the_request_ahead() -> None:
    things = Things(9, hold={2: asyncio.Event()})
    async with things_client(things) as client:
        with pytest.raises(LookupError):
            async for _ in client.paginate("/V1/things", page_size=3):
                await within(things.arrival(2))
                raise LookupError("the caller's own error")
        await settle()
        assert not reads_ahead()
        assert client.transport.concurrency.in_flight == 0


async def test_aclose_cancels_the_request_ahead_at_once() -> None:
    things = Things(9, hold={2: asyncio.Event()})
    async with things_client(things) as client:
        pages = client.paginate("/V1/things", page_size=3)
        async with contextlib.aclosing(pages):
            assert await anext(pages) == {"id": 1}
            await within(things.arrival(2))
            assert reads_ahead()
        assert not reads_ahead()  # closed: nothing pending, no turn of the loop needed


async def test_typed_search_stopped_early_leaves_nothing_pending() -> None:
    fake = FakeMagento(seed="demo", size="small")
    async with serve(fake.app) as url, MagentoClient(
        url, auth=BearerTokenAuth(fake.admin_token()), retry=FAST
    ) as client:
        before = fake.counters["GET /V1/customers/search"]
        async for customer in client.iter_customers(page_size=2):
            assert isinstance(customer, Customer)
            break
        await settle()
        assert not reads_ahead()
        asked = fake.counters["GET /V1/customers/search"] - before
        assert asked <= 2  # the page and at most the one ahead


# ---- errors -------------------------------------------------------------------------------


async def test_error_of_page_two_is_raised_when_the_caller_reaches_it() -> None:
    things = Things(9, broken={2: 400})
    async with things_client(things) as client:
        seen: list[int] = []
        with pytest.raises(ValidationError) as caught:
            async for x in client.paginate("/V1/things", page_size=3):
                if not seen:
                    await within(things.answer(2))  # the refusal is in before item 2
                seen.append(x["id"])
        await settle()
        assert not reads_ahead()
    assert seen == [1, 2, 3]  # every item of page 1 first
    assert caught.value.status == 400
    assert [page for page, _ in things.asked] == [1, 2]


async def test_unreadable_record_on_a_later_page_fails_alone() -> None:
    fake = FakeMagento(seed=None)
    ids = [create_customer(fake.state, {"email": f"c{i}@example.com", "firstname": "A",
                                        "lastname": f"B{i}"})["id"] for i in range(7)]
    fake.state.table("customers").get(ids[4])["group_id"] = {"id": 1}  # page 3 of 2
    async with serve(fake.app) as url, MagentoClient(
        url, auth=BearerTokenAuth(fake.admin_token()), retry=FAST
    ) as client:
        seen: list[int | None] = []
        with pytest.raises(PartialPageError) as caught:
            async for customer in client.iter_customers(
                SearchCriteria().order_by("entity_id"), page_size=2
            ):
                seen.append(customer.id)
    assert seen == ids[:4] + ids[5:]  # in order, the bad one left out, the rest still read
    assert [(f.record, f.field) for f in caught.value.failures] == [(ids[4], "$.group_id")]


# ---- a store with input limits -----------------------------------------------------------


async def test_page_cap_fallback_with_reading_ahead() -> None:
    things = Things(10, max_page=3, repeat_last=True)
    async with things_client(things) as client:
        items = [x["id"] async for x in client.paginate("/V1/things", page_size=5)]
        again = [x["id"] async for x in client.paginate("/V1/things", page_size=5)]
    assert items == again == list(range(1, 11))
    assert things.asked == [(1, 5), (1, 3), (2, 3), (3, 3), (4, 3),
                            (1, 3), (2, 3), (3, 3), (4, 3)]  # refused once, then 3 a page


async def test_page_cap_met_on_the_page_ahead() -> None:
    """The store's limit met first by the request ahead (input limits turned on between two
    pages): that page is asked again at the cap, from the item after the last one seen."""
    release = asyncio.Event()
    things = Things(10, hold={2: release})
    async with things_client(things) as client:
        pages = client.paginate("/V1/things", page_size=4)
        async with contextlib.aclosing(pages):
            assert await anext(pages) == {"id": 1}
            await within(things.arrival(2))
            things.max_page = 3
            release.set()
            rest = [x["id"] async for x in pages]
    assert [1, *rest] == list(range(1, 11))
    assert things.asked == [(1, 4), (2, 4), (2, 3), (3, 3), (4, 3)]
