"""``search_read`` asks the next page while the caller handles this one: order, keyset
paging, a caller that stops early, an error on a later page; over the fake Odoo."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import attrs
import pytest
from aiohttp import web

from magodoo.exceptions import MagodooError
from magodoo.odoo import OdooClient, Partner
from magodoo.testing import FakeOdoo, serve

from .conftest import FAST_RETRY

PASSWORD = "Fake-Passw0rd!"
API_KEY = "fake0123456789abcdef0123456789abcdef0123"


@attrs.define
class Watch:
    """Sees each ``res.partner`` ``search_read`` reach the fake, and may hold one back."""

    fake: FakeOdoo
    domains: list[Any] = attrs.field(factory=list)
    hold: dict[int, asyncio.Event] = attrs.field(factory=dict)
    """page (1-based, by arrival) -> event its handling waits for"""
    arrived: dict[int, asyncio.Event] = attrs.field(factory=dict)

    def arrival(self, page: int) -> asyncio.Event:
        return self.arrived.setdefault(page, asyncio.Event())

    @web.middleware
    async def middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        body = await request.json() if request.can_read_body else None
        args = (body or {}).get("params", {}).get("args") or []
        if len(args) > 5 and args[3] == "res.partner" and args[4] == "search_read":
            self.domains.append(args[5][0] if args[5] else [])
            page = len(self.domains)
            self.arrival(page).set()
            if page in self.hold:
                await self.hold[page].wait()
        response: web.StreamResponse = await handler(request)
        return response


@contextlib.asynccontextmanager
async def watched(partners: int) -> AsyncIterator[tuple[Watch, OdooClient]]:
    fake = FakeOdoo(seed=None, version="18.0", password=PASSWORD, api_key=API_KEY)
    table = fake.table("res.partner")
    start = max(table, default=0) + 1
    for rid in range(start, start + partners):
        table[rid] = {"id": rid, "name": f"P{rid}", "active": True, "type": "contact"}
    watch = Watch(fake)
    fake.app.middlewares.insert(0, watch.middleware)
    async with serve(fake.app) as url, OdooClient(
        url, "magodoo", "admin", api_key=API_KEY, retry=FAST_RETRY, protocol="jsonrpc"
    ) as odoo:
        try:
            yield watch, odoo
        finally:
            for event in watch.hold.values():
                event.set()


def reads_ahead() -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks()
            if not t.done() and "search_read_page" in getattr(t.get_coro(), "__qualname__", "")]


async def settle() -> None:
    for _ in range(200):
        if not reads_ahead():
            return
        await asyncio.sleep(0)


async def within(event: asyncio.Event) -> None:
    await asyncio.wait_for(event.wait(), 10)  # a guard against a hang, not a timing


async def test_keyset_pages_in_order_one_ahead() -> None:
    async with watched(45) as (watch, odoo):
        every = sorted([r["id"] async for r in odoo.search_read("res.partner", [], ["name"])])
        watch.domains.clear()
        seen: list[int] = []
        rows = odoo.search_read("res.partner", [], ["name"], batch_size=10)
        async with contextlib.aclosing(rows):
            async for row in rows:
                if not seen:
                    await within(watch.arrival(2))  # page 2 asked while on the first row
                    for _ in range(20):
                        await asyncio.sleep(0)
                    assert len(watch.domains) == 2  # one page ahead, no more
                seen.append(row["id"])
        asked = list(watch.domains)
        typed = [p.id async for p in odoo.search_read(Partner, [], batch_size=10)]
    assert seen == every == typed
    pages = -(-len(every) // 10) + (len(every) % 10 == 0)
    assert len(asked) == pages
    # keyset paging: each page after the first asks ids above the last one of the page before
    lasts = [every[i * 10 - 1] for i in range(1, pages)]
    assert asked[1:] == [[["id", ">", last]] for last in lasts]


async def test_limit_stops_without_asking_past_it() -> None:
    async with watched(45) as (watch, odoo):
        watch.domains.clear()
        rows = [r async for r in odoo.search_read("res.partner", [], ["name"], limit=20,
                                                  batch_size=10)]
        await settle()
    assert len(rows) == 20
    assert len(watch.domains) == 2


async def test_break_cancels_the_page_ahead() -> None:
    async with watched(45) as (watch, odoo):
        watch.hold[2] = asyncio.Event()
        async for _ in odoo.search_read("res.partner", [], ["name"], batch_size=10):
            await within(watch.arrival(2))
            break
        await settle()
        assert not reads_ahead()
        assert len(watch.domains) == 2


async def test_error_of_page_two_is_raised_after_page_one() -> None:
    async with watched(45) as (watch, odoo):
        release = watch.hold[2] = asyncio.Event()
        seen: list[int] = []
        with pytest.raises(MagodooError):
            async for row in odoo.search_read("res.partner", [], ["name"], batch_size=10):
                if not seen:
                    await within(watch.arrival(2))
                    watch.fake.faults.fail_next = [500]  # page 2's answer
                    release.set()
                seen.append(row["id"])
        await settle()
        assert not reads_ahead()
    assert len(seen) == 10
