"""The shared HTTP layer against a small loopback server."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter

import pytest
from aiohttp import web

from magodoo._http import Exchange, HttpTransport, Outcome, RetryPolicy, classify
from magodoo._redact import Redactor
from magodoo.exceptions import ClientClosedError, OutcomeUnknownError, TransportError
from magodoo.testing import serve

FAST = RetryPolicy(max_tries=4, base=0.001, max_wait=0.01)


def make_app(script: list[str]) -> tuple[web.Application, Counter[str]]:
    """Each request pops the next step: a status, 'drop' or 'ok'."""
    hits: Counter[str] = Counter()

    async def handler(request: web.Request) -> web.StreamResponse:
        hits[request.method] += 1
        step = script.pop(0) if script else "ok"
        if step == "drop":
            assert request.transport is not None
            request.transport.close()
            await asyncio.sleep(0.05)
            return web.Response()
        if step == "429":
            return web.json_response({"message": "slow down"}, status=429,
                                     headers={"Retry-After": "2"})
        if step.isdigit():
            return web.json_response({"message": "boom"}, status=int(step))
        return web.json_response({"ok": True, "echo": await request.text()})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    return app, hits


def test_classify() -> None:
    assert classify(200) is Outcome.SUCCESS
    assert classify(401) is Outcome.AUTH
    assert classify(404) is Outcome.NOT_FOUND
    assert classify(400) is Outcome.VALIDATION
    assert classify(429) is Outcome.RATE_LIMITED
    assert classify(503) is Outcome.RETRIABLE
    assert classify(500) is Outcome.FATAL


async def test_get_retries_503_then_succeeds() -> None:
    app, hits = make_app(["503", "502", "ok"])
    async with serve(app) as url:
        transport = HttpTransport(retry=FAST)
        try:
            response = await transport.request("GET", f"{url}/x")
        finally:
            await transport.aclose()
    assert response.status == 200
    assert hits["GET"] == 3


async def test_429_honours_retry_after() -> None:
    app, hits = make_app(["429", "ok"])
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    async with serve(app) as url:
        transport = HttpTransport(retry=FAST, sleep=fake_sleep)
        try:
            response = await transport.request("POST", f"{url}/x", json={"a": 1})
        finally:
            await transport.aclose()
    assert response.status == 200
    assert waits == [2.0]
    assert hits["POST"] == 2  # a 429 was refused, not applied: safe to send again


async def test_dropped_connection_on_get_is_retried() -> None:
    app, hits = make_app(["drop", "ok"])
    async with serve(app) as url:
        transport = HttpTransport(retry=FAST)
        try:
            response = await transport.request("GET", f"{url}/x")
        finally:
            await transport.aclose()
    assert response.status == 200
    assert hits["GET"] == 2


async def test_post_is_never_retried_blindly() -> None:
    app, hits = make_app(["drop", "ok"])
    async with serve(app) as url:
        transport = HttpTransport(retry=FAST)
        try:
            with pytest.raises(OutcomeUnknownError) as info:
                await transport.request("POST", f"{url}/x", json={"a": 1})
        finally:
            await transport.aclose()
    assert hits["POST"] == 1
    assert not info.value.retriable


async def test_post_503_outcome_unknown() -> None:
    app, hits = make_app(["503", "ok"])
    async with serve(app) as url:
        transport = HttpTransport(retry=FAST)
        try:
            with pytest.raises(OutcomeUnknownError):
                await transport.request("POST", f"{url}/x", json={})
        finally:
            await transport.aclose()
    assert hits["POST"] == 1


async def test_gives_up_after_max_tries_returns_last_response() -> None:
    app, hits = make_app(["503"] * 10)
    async with serve(app) as url:
        transport = HttpTransport(retry=FAST)
        try:
            response = await transport.request("GET", f"{url}/x")
        finally:
            await transport.aclose()
    assert response.status == 503
    assert hits["GET"] == FAST.max_tries


async def test_connection_refused_raises_transport_error() -> None:
    transport = HttpTransport(retry=RetryPolicy(max_tries=2, base=0.001))
    try:
        with pytest.raises(TransportError) as info:
            await transport.request("GET", "http://127.0.0.1:9/nothing")
    finally:
        await transport.aclose()
    assert not isinstance(info.value, OutcomeUnknownError)


async def test_capture_is_redacted(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    app, _ = make_app(["503", "ok"])
    captured: list[Exchange] = []

    async def auth(method: str, url: str) -> dict[str, str]:
        return {"Authorization": "Bearer s3cr3t-token-value"}

    async with serve(app) as url:
        transport = HttpTransport(
            retry=FAST, capture=captured.append, auth=auth,
            redactor=Redactor(["s3cr3t-token-value", "hunter2-password"]),
        )
        try:
            await transport.request(
                "PUT", f"{url}/x", json={"username": "a", "password": "hunter2-password",
                                         "note": "my hunter2-password"})
        finally:
            await transport.aclose()
    assert [e.attempt for e in captured] == [1, 2]
    text = repr(captured) + caplog.text
    assert "hunter2-password" not in text
    assert "s3cr3t-token-value" not in text
    assert captured[0].request_headers["Authorization"] == "***"


async def test_caller_session_is_not_closed_and_closed_transport_refuses() -> None:
    import aiohttp

    app, _ = make_app([])
    async with serve(app) as url, aiohttp.ClientSession() as session:
        transport = HttpTransport(session=session)
        await transport.request("GET", f"{url}/x")
        await transport.aclose()
        assert not session.closed
        with pytest.raises(ClientClosedError):
            await transport.request("GET", f"{url}/x")


async def test_json_body_is_written_once_and_sent_as_json_on_every_attempt() -> None:
    """Bodies are written by magodoo (orjson where it writes what json.dumps writes), with
    aiohttp's ``Content-Type`` unless the caller gives one; a retried PUT sends the same bytes
    again."""
    seen: list[tuple[str, bytes]] = []
    script = ["503", "ok"]

    async def handler(request: web.Request) -> web.StreamResponse:
        seen.append((request.headers.get("Content-Type", ""), await request.read()))
        step = script.pop(0) if script else "ok"
        return web.json_response({"ok": True}, status=200 if step == "ok" else int(step))

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    value = {"product": {"sku": "MH01", "name": "Café", "price": 19.99, "tags": ["a", "b"]}}
    async with serve(app) as url:
        transport = HttpTransport(retry=FAST)
        try:
            response = await transport.request("PUT", f"{url}/x", json=value)
            empty = await transport.request("GET", f"{url}/y")
            own = await transport.request("POST", f"{url}/z", json=[1], idempotent=True,
                                          headers={"content-type": "application/vnd+json"})
        finally:
            await transport.aclose()
    assert response.status == 200 and empty.status == 200 and own.status == 200
    assert [kind for kind, _ in seen] == ["application/json"] * 2 + ["", "application/vnd+json"]
    assert seen[0][1] == seen[1][1] and json.loads(seen[0][1]) == value
    assert seen[2][1] == b""
