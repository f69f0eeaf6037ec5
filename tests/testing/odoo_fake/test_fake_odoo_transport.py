"""Transport: JSON-RPC services and auth, Odoo 19 JSON-2, fault injection, the command line."""

from __future__ import annotations

import asyncio
import socket
import sys
import time
from typing import Any

import aiohttp
import pytest
from odoo_rpc import Rpc

from magodoo.testing._server import serve
from magodoo.testing.fake_odoo import FakeOdoo


async def test_common_service(odoo: Rpc) -> None:
    fake = odoo.fake
    version = await odoo.raw({"service": "common", "method": "version", "args": []})
    assert version["result"]["server_serie"] == "18.0"
    assert odoo.last_headers["Connection"] == "close"
    for secret in (fake.password, fake.api_key):
        got = await odoo.raw({"service": "common", "method": "authenticate",
                              "args": [fake.database, fake.login, secret, {}]})
        assert got["result"] == 2
    got = await odoo.raw({"service": "common", "method": "login",
                          "args": [fake.database, fake.login, "nope"]})
    assert got["result"] is False
    assert fake.counters["common.authenticate"] == 2
    await odoo("res.partner", "search_count", [])
    assert fake.counters["res.partner.search_count"] == 1
    assert fake.total_requests == 5


async def test_password_works_for_execute_kw(odoo: Rpc) -> None:
    fake = odoo.fake
    got = await odoo.raw({"service": "object", "method": "execute_kw", "args": [
        fake.database, 2, fake.password, "res.country", "search", [[["code", "=", "US"]]], {}]})
    assert got["result"] == [233]


async def _json2(url: str, session: aiohttp.ClientSession, path: str, body: dict[str, Any],
                 key: str = "magodoo-test-key") -> tuple[int, Any]:
    headers = {"Authorization": f"bearer {key}", "X-Odoo-Database": "magodoo"}
    async with session.post(f"{url}/json/2/{path}", json=body, headers=headers) as response:
        return response.status, await response.json()


async def test_json2_api() -> None:
    fake = FakeOdoo(seed="demo", version="19.0")
    async with serve(fake.app) as url, aiohttp.ClientSession() as session:
        status, body = await _json2(url, session, "res.partner/search_read", {
            "domain": [["name", "ilike", "deco"]], "fields": ["name"],
            "context": {"lang": "en_US"}})
        assert status == 200 and body == [{"id": 10, "name": "Deco Addict"}]
        status, body = await _json2(url, session, "res.partner/read",
                                    {"ids": [3], "fields": ["name"]})
        assert body == [{"id": 3, "name": "Mitchell Admin"}]
        status, body = await _json2(url, session, "res.partner/create",
                                    {"vals_list": [{"name": "J2"}]})
        assert status == 200 and isinstance(body, list)
        status, body = await _json2(url, session, "res.partner/write",
                                    {"ids": [body[0]], "vals": {"email": "j2@example.com"}})
        assert (status, body) == (200, True)
        status, body = await _json2(url, session, "res.partner/read", {"ids": [1]}, key="bad")
        assert status == 401
        assert body["name"] == "werkzeug.exceptions.Unauthorized"
        assert body["message"] == "Invalid apikey" and body["arguments"] == ["Invalid apikey", 401]
        assert set(body) == {"name", "message", "arguments", "context", "debug"}
        status, body = await _json2(url, session, "sale.order/create", {"vals_list": [{}]})
        assert status == 422 and body["name"] == "odoo.exceptions.ValidationError"
        status, body = await _json2(url, session, "res.partner/write",
                                    {"ids": [999999], "vals": {"name": "x"}})
        assert status == 404 and body["name"] == "odoo.exceptions.MissingError"
        status, body = await _json2(url, session, "res.partner/_compute_display_name", {"ids": [1]})
        assert status == 403
        status, body = await _json2(url, session, "res.partner/read",
                                    {"ids": [1], "fields": ["nope"]})
        assert status == 500 and body["name"] == "builtins.ValueError"
        # JSON-RPC keeps working on a 19.0 fake
        rpc = Rpc(url, session, fake)
        assert await rpc("res.country", "search", [["code", "=", "US"]]) == [233]


async def test_json2_absent_on_18(odoo: Rpc) -> None:
    async with odoo.session.post(f"{odoo.url}/json/2/res.partner/read", json={"ids": [1]},
                                 headers={"Authorization": "bearer magodoo-test-key"}) as resp:
        assert resp.status == 404


async def test_faults(odoo: Rpc) -> None:
    faults = odoo.fake.faults
    params = {"service": "common", "method": "version", "args": []}
    body = {"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}
    faults.fail_next = [503, 502]
    statuses = []
    for _ in range(3):
        async with odoo.session.post(f"{odoo.url}/jsonrpc", json=body) as response:
            statuses.append(response.status)
    assert statuses == [503, 502, 200]
    faults.rate_limit_every = 2
    faults.retry_after = 7
    seen = []
    for _ in range(2):
        async with odoo.session.post(f"{odoo.url}/jsonrpc", json=body) as response:
            seen.append((response.status, response.headers.get("Retry-After")))
    assert (429, "7") in seen
    faults.rate_limit_every = 0
    faults.drop_next = 1
    with pytest.raises(aiohttp.ClientError):
        async with odoo.session.post(f"{odoo.url}/jsonrpc", json=body) as response:
            await response.read()
    faults.error_rate = 1.0
    async with odoo.session.post(f"{odoo.url}/jsonrpc", json=body) as response:
        assert response.status == 503
    faults.error_rate = 0.0
    faults.latency = 0.05
    start = time.perf_counter()
    async with odoo.session.post(f"{odoo.url}/jsonrpc", json=body) as response:
        assert response.status == 200
    assert time.perf_counter() - start >= 0.05


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_command_line() -> None:
    port = _free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "magodoo.testing.fake_odoo", "--port", str(port), "--seed", "demo",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        lines = [(await proc.stdout.readline()).decode() for _ in range(3)]
        assert f"http://127.0.0.1:{port}/jsonrpc" in lines[0]
        assert "database: magodoo" in lines[1] and "API key: magodoo-test-key" in lines[2]
        async with aiohttp.ClientSession() as session:
            body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "service": "common", "method": "version", "args": []}}
            async with session.post(f"http://127.0.0.1:{port}/jsonrpc", json=body) as response:
                assert (await response.json())["result"]["server_version"] == "18.0-20250702"
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.communicate(), timeout=10)


async def test_json2_dispatch_errors() -> None:
    fake = FakeOdoo(seed="demo", version="19.0")
    async with serve(fake.app) as url, aiohttp.ClientSession() as session:
        status, body = await _json2(url, session, "no.such.model/search", {})
        assert (status, body["name"]) == (404, "werkzeug.exceptions.NotFound")
        assert body["message"] == "the model 'no.such.model' does not exist"
        assert body["arguments"] == ["the model 'no.such.model' does not exist", 404]
        status, body = await _json2(url, session, "res.partner/no_such_method", {})
        assert (status, body["message"]) == (
            404, "The method 'res.partner.no_such_method' does not exist")
        status, body = await _json2(url, session, "res.partner/create",
                                    {"ids": [1], "vals_list": [{"name": "x"}]})
        assert (status, body["message"]) == (422, "cannot call res.partner.create with ids")
        status, body = await _json2(url, session, "res.partner/read",
                                    {"ids": [1], "badparameter": 1})
        assert (status, body["name"]) == (422, "werkzeug.exceptions.UnprocessableEntity")
        assert body["message"] == "got an unexpected keyword argument 'badparameter'"
        status, body = await _json2(url, session, "res.partner/write", {"ids": [1]})
        assert (status, body["message"]) == (422, "missing a required argument: 'vals'")
        status, body = await _json2(url, session, "res.partner/create",
                                    {"vals_list": {"name": "one"}})
        assert status == 200 and isinstance(body, list) and len(body) == 1
        status, body = await _json2(url, session, "res.country/search",
                                    {"domain": [["code", "=", "US"]]})
        assert (status, body) == (200, [233])
