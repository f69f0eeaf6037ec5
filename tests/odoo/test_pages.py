"""``search_read_pages`` / ``keyset_pages``: pages by id, in order, over the fake Odoo: the
``id >`` term each page adds, the short page that ends it, an exact multiple of the page
size, typed pages, read-ahead on and off, a caller that stops early, any reader."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

from magodoo.exceptions import ConfigurationError
from magodoo.odoo import OdooClient, Partner, keyset_pages

from .test_read_ahead import reads_ahead, settle, watched, within

MINE = [("name", "=like", "P%")]
"""The partners :func:`watched` adds (the fake's own are left out)."""


async def test_pages_in_order_with_id_above_the_last() -> None:
    async with watched(45) as (watch, odoo):
        pages = [page async for page in odoo.search_read_pages(
            "res.partner", MINE, ["name"], page_size=10, ahead=False)]
        asked = list(watch.domains)
    ids = [row["id"] for page in pages for row in page]
    assert [len(p) for p in pages] == [10, 10, 10, 10, 5]  # the short page is the last asked
    assert ids == sorted(ids) and len(set(ids)) == 45
    assert all(set(row) == {"id", "name"} for page in pages for row in page)
    mine = [list(term) for term in MINE]
    lasts = [page[-1]["id"] for page in pages[:-1]]
    assert asked == [mine] + [["&", *mine, ["id", ">", last]] for last in lasts]


async def test_an_exact_multiple_ends_with_one_empty_page_asked() -> None:
    async with watched(40) as (watch, odoo):
        pages = [page async for page in odoo.search_read_pages(
            "res.partner", MINE, ["name"], page_size=10, ahead=False)]
        asked = len(watch.domains)
    assert [len(p) for p in pages] == [10, 10, 10, 10]  # no empty page yielded
    assert asked == 5


async def test_nothing_matches_no_page() -> None:
    async with watched(3) as (watch, odoo):
        pages = [page async for page in odoo.search_read_pages(
            "res.partner", [("name", "=", "nobody")], ["name"], page_size=10)]
        await settle()
    assert pages == [] and len(watch.domains) == 1


async def test_typed_pages() -> None:
    async with watched(25) as (_watch, odoo):
        typed = [page async for page in odoo.search_read_pages(Partner, MINE, page_size=10)]
        plain = [page async for page in odoo.search_read_pages(
            "res.partner", MINE, ["name"], page_size=10)]
    assert [len(p) for p in typed] == [10, 10, 5]
    assert all(isinstance(row, Partner) for page in typed for row in page)
    assert [r.id for p in typed for r in p] == [r["id"] for p in plain for r in p]


async def test_without_read_ahead_the_next_page_waits_for_the_caller() -> None:
    async with watched(25) as (watch, odoo):
        async for _page in odoo.search_read_pages("res.partner", MINE, ["name"], page_size=10,
                                                  ahead=False):
            asked = len(watch.domains)
            for _ in range(20):
                await asyncio.sleep(0)
            assert len(watch.domains) == asked  # nothing asked while the caller works
            assert not reads_ahead()
        assert len(watch.domains) == 3


async def test_with_read_ahead_the_next_page_is_asked_at_once() -> None:
    async with watched(25) as (watch, odoo):
        seen = 0
        pages = odoo.search_read_pages("res.partner", MINE, ["name"], page_size=10)
        async with contextlib.aclosing(pages):
            async for page in pages:
                if not seen:
                    await within(watch.arrival(2))  # page 2 asked while on page 1
                    for _ in range(20):
                        await asyncio.sleep(0)
                    assert len(watch.domains) == 2  # one page ahead, no more
                seen += len(page)
    assert seen == 25


async def test_an_early_stop_cancels_the_page_ahead() -> None:
    async with watched(45) as (watch, odoo):
        watch.hold[2] = asyncio.Event()
        pages = odoo.search_read_pages("res.partner", MINE, ["name"], page_size=10)
        async with contextlib.aclosing(pages):
            async for _ in pages:
                await within(watch.arrival(2))
                break
        await settle()
        assert not reads_ahead()
        assert len(watch.domains) == 2
        # without read-ahead an early stop asks nothing more
        watch.domains.clear()
        quiet = odoo.search_read_pages("res.partner", MINE, ["name"], page_size=10,
                                       ahead=False)
        async with contextlib.aclosing(quiet):
            async for _ in quiet:
                break
        assert len(watch.domains) == 1


class Counting:
    """A reader over the client: each page it passes on is counted."""

    def __init__(self, inner: OdooClient) -> None:
        self.inner = inner
        self.calls: list[dict[str, Any]] = []

    async def search_read_page(self, model: Any, *args: Any, **kwargs: Any) -> list[Any]:
        self.calls.append(kwargs)
        rows: list[Any] = await self.inner.search_read_page(model, *args, **kwargs)
        return rows


async def test_any_reader_sees_every_page() -> None:
    async with watched(25) as (watch, odoo):
        reader = Counting(odoo)
        pages = [page async for page in keyset_pages(reader, "res.partner", MINE, ["name"],
                                                     page_size=10, ahead=False)]
    assert [len(p) for p in pages] == [10, 10, 5]
    assert len(reader.calls) == len(watch.domains) == 3
    assert all(c == {"limit": 10, "order": "id", "context": None} for c in reader.calls)


async def test_a_page_size_below_one_is_refused() -> None:
    async with watched(1) as (watch, odoo):
        with pytest.raises(ConfigurationError, match="page_size"):
            odoo.search_read_pages("res.partner", page_size=0)
    assert not watch.domains
