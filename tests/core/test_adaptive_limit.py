"""Per-server concurrency caps: an overloaded server (503, 500 "connection pool is full")
lowers the cap for a while and the request is retried instead of failing (issue 16)."""

from __future__ import annotations

import asyncio

import attrs
import pytest
from aiohttp import web

from magodoo._http import (
    AdaptiveLimit,
    HttpTransport,
    RetryPolicy,
    build_url,
    overloaded,
)
from magodoo.exceptions import OutcomeUnknownError
from magodoo.testing import serve

FAST = RetryPolicy(max_tries=6, base=0.001, max_wait=0.01)
POOL_FULL = ("<!doctype html><title>500 Internal Server Error</title>"
             "<p>The Connection Pool Is Full</p>")


@attrs.define
class Clock:
    now: float = 0.0

    def __call__(self) -> float:
        return self.now


def test_lower_halves_and_recovers_one_step_per_cooldown() -> None:
    clock = Clock()
    limit = AdaptiveLimit(8, cooldown=30.0, clock=clock)
    assert limit.current == 8
    assert limit.lower() == 4
    assert limit.lower() == 2
    assert limit.lower() == 1
    assert limit.lower() == 1  # never under one
    clock.now += 29.0
    assert limit.current == 1
    clock.now += 1.0
    assert limit.current == 2
    clock.now += 95.0
    assert limit.current == 5
    clock.now += 1000.0
    assert limit.current == 8  # never over the configured cap


def test_overload_answers() -> None:
    assert overloaded(503, b"")
    assert overloaded(500, POOL_FULL.encode())
    assert not overloaded(500, b'{"message": "Internal Error"}')
    assert not overloaded(502, b"")
    assert not overloaded(200, POOL_FULL.encode())


async def test_in_flight_never_exceeds_the_cap() -> None:
    limit = AdaptiveLimit(3)
    peak = 0

    async def work() -> None:
        nonlocal peak
        async with limit:
            peak = max(peak, limit.in_flight)
            await asyncio.sleep(0.001)

    await asyncio.gather(*(work() for _ in range(20)))
    assert peak == 3
    limit.lower()
    peak = 0
    await asyncio.gather(*(work() for _ in range(20)))
    assert peak == 1


def _pool_app(capacity: int) -> tuple[web.Application, dict[str, int]]:
    """A server whose 'database pool' holds ``capacity`` calls: more answer 500 pool full."""
    stats = {"in_flight": 0, "peak": 0, "refused": 0, "done": 0}

    async def handler(request: web.Request) -> web.Response:
        if stats["in_flight"] >= capacity:
            stats["refused"] += 1
            return web.Response(status=500, text=POOL_FULL, content_type="text/html")
        stats["in_flight"] += 1
        stats["peak"] = max(stats["peak"], stats["in_flight"])
        try:
            await asyncio.sleep(0.005)
        finally:
            stats["in_flight"] -= 1
        stats["done"] += 1
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    return app, stats


async def test_pool_full_lowers_the_cap_and_no_call_fails() -> None:
    app, stats = _pool_app(capacity=2)
    async with serve(app) as url:
        transport = HttpTransport(limit=8, retry=FAST)
        try:
            answers = await asyncio.gather(*(
                transport.request("POST", f"{url}/create", json={"n": n}) for n in range(40)))
        finally:
            await transport.aclose()
    assert {a.status for a in answers} == {200}  # a write refused before running is retried
    assert stats["done"] == 40
    assert stats["refused"] > 0
    assert transport.concurrency.current < 8


async def test_503_on_a_write_still_reports_unknown_outcome_and_lowers_the_cap() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"message": "busy"}, status=503)

    app = web.Application()
    app.router.add_post("/x", handler)
    async with serve(app) as url:
        transport = HttpTransport(limit=4, retry=FAST)
        try:
            with pytest.raises(OutcomeUnknownError):
                await transport.request("POST", f"{url}/x", json={})
        finally:
            await transport.aclose()
    assert transport.concurrency.current == 2


def test_build_url_is_rfc3986_and_marked_encoded() -> None:
    url = build_url("http://h/rest/all/V1/products/A%20B", [("q", "a b+c"), ("é", "&=")])
    assert str(url) == "http://h/rest/all/V1/products/A%20B?q=a%20b%2Bc&%C3%A9=%26%3D"
    assert url.raw_query_string == "q=a%20b%2Bc&%C3%A9=%26%3D"
    assert str(build_url("http://h/x?a=1", {"b": "2 3"})) == "http://h/x?a=1&b=2%203"
