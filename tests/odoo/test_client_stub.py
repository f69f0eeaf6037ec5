"""The client's own behaviour against a tiny scripted server: auth, protocol choice,
requests as sent, redaction, lifecycle."""

from __future__ import annotations

import json
import logging
from typing import Any

import aiohttp
import pytest

from magodoo._http import Exchange
from magodoo.exceptions import (
    AuthenticationError,
    ClientClosedError,
    ConfigurationError,
    NotFoundError,
    ServerError,
)
from magodoo.odoo import F, OdooClient, Partner

from .conftest import API_KEY, FAST_RETRY, PASSWORD, rpc_result, stub_server

V18 = {"server_version": "18.0", "server_version_info": [18, 0, 0, "final", 0, ""]}
V19 = {"server_version": "19.0", "server_version_info": [19, 0, 0, "final", 0, ""]}


def odoo18(results: dict[str, Any] | None = None) -> Any:
    results = results or {}

    def handler(body: dict[str, Any]) -> tuple[int, Any]:
        params = body["params"]
        if params["method"] == "version":
            return 200, rpc_result(V18, body["id"])
        if params["method"] == "authenticate":
            return 200, rpc_result(7, body["id"])
        return 200, rpc_result(results.get(params["args"][4]), body["id"])

    return handler


def client(url: str, **kwargs: Any) -> OdooClient:
    kwargs.setdefault("password", PASSWORD)
    return OdooClient(url, "magodoo", "admin", retry=FAST_RETRY, **kwargs)


async def test_jsonrpc_requests_as_sent() -> None:
    results = {"search_read": [{"id": 3, "name": "x"}], "create": [9], "write": True}
    async with stub_server(odoo18(results)) as (url, stub):
        odoo = client(url, context={"lang": "en_US", "tz": "UTC"})
        async with odoo:
            rows = await odoo.search_read_page(
                "res.partner", F("is_company") == True, ["name"], limit=5,  # noqa: E712
                context={"active_test": False},
            )
            assert rows == [{"id": 3, "name": "x"}]
            assert await odoo.create("res.partner", [{"name": "n"}]) == [9]
            assert await odoo.write("res.partner", [9], {"name": "m"}) is True
            assert odoo.uid == 7
    # protocol auto on 18 -> version, then one authenticate, then execute_kw
    methods = [r["params"]["method"] for r in stub.requests]
    assert methods == ["version", "authenticate", "execute_kw", "execute_kw", "execute_kw"]
    auth = stub.requests[1]["params"]["args"]
    assert auth == ["magodoo", "admin", PASSWORD, {}]
    sr = stub.requests[2]["params"]["args"]
    assert sr[:5] == ["magodoo", 7, PASSWORD, "res.partner", "search_read"]
    assert sr[5] == [[["is_company", "=", True]]]
    assert sr[6] == {"fields": ["name"], "limit": 5,
                     "context": {"lang": "en_US", "tz": "UTC", "active_test": False}}
    assert stub.requests[3]["params"]["args"][5] == [[{"name": "n"}]]
    assert stub.requests[4]["params"]["args"][5] == [[9], {"name": "m"}]


async def test_auto_picks_json2_on_19_with_api_key() -> None:
    def handler(body: dict[str, Any]) -> tuple[int, Any]:
        if body["_path"] == "/jsonrpc":
            return 200, rpc_result(V19, body["id"])
        if body["_path"] == "/json/2/res.partner/search":
            return 200, [1, 2]
        if body["_path"] == "/json/2/res.partner/read":
            return 200, [{"id": 1, "name": "a"}]
        return 404, {"name": "werkzeug.exceptions.NotFound", "message": "nope"}

    async with stub_server(handler) as (url, stub):
        odoo = client(url, password=None, api_key=API_KEY)
        async with odoo:
            assert await odoo.search("res.partner", [("name", "ilike", "a")], limit=3) == [1, 2]
            partners = await odoo.read(Partner, [1])
            assert partners == [Partner(id=1, name="a")]
            assert (await odoo.transport()).name == "json2"
            with pytest.raises(NotFoundError):
                await odoo.call("res.partner", "nope", [1])
            with pytest.raises(ConfigurationError):
                await odoo.call("res.partner", "something", [1], "positional")
    assert stub.requests[1] == {
        "_path": "/json/2/res.partner/search", "domain": [["name", "ilike", "a"]], "limit": 3,
    }
    assert stub.requests[2]["ids"] == [1]
    assert stub.requests[2]["fields"] == list(Partner.FIELDS)
    headers = stub.headers[1]
    assert headers["Authorization"] == f"bearer {API_KEY}"
    assert headers["X-Odoo-Database"] == "magodoo"


async def test_auto_stays_on_jsonrpc_without_api_key() -> None:
    def handler(body: dict[str, Any]) -> tuple[int, Any]:
        method = body["params"]["method"]
        if method == "version":
            return 200, rpc_result(V19, body["id"])
        return 200, rpc_result(2 if method == "authenticate" else 4, body["id"])

    async with stub_server(handler) as (url, _stub), client(url) as odoo:
        assert await odoo.search_count("res.partner") == 4
        assert (await odoo.transport()).name == "jsonrpc"


async def test_wrong_password_is_refused_once() -> None:
    def handler(body: dict[str, Any]) -> tuple[int, Any]:
        return 200, rpc_result(False, body["id"])

    async with stub_server(handler) as (url, stub), client(url, protocol="jsonrpc") as odoo:
        for _ in range(3):
            with pytest.raises(AuthenticationError) as info:
                await odoo.search("res.partner")
    assert stub.calls("common", "authenticate") == 1
    assert stub.calls("object", "execute_kw") == 0
    text = str(info.value)
    assert "'admin'" in text and "'magodoo'" in text and PASSWORD not in text


async def test_secrets_never_leave(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    captured: list[Exchange] = []
    calls = {"n": 0}

    def handler(body: dict[str, Any]) -> tuple[int, Any]:
        if body.get("_path", "").startswith("/json/2/"):
            calls["n"] += 1
            if calls["n"] == 1:
                return 503, "busy"
            return 500, {"name": "builtins.RuntimeError",
                         "message": f"echo {API_KEY}", "arguments": [], "debug": API_KEY}
        params = body["params"]
        if params["method"] == "version":
            return 200, rpc_result(V19, body["id"])
        return 200, {"jsonrpc": "2.0", "id": body["id"], "error": {"code": 200, "data": {
            "name": "builtins.RuntimeError", "message": f"echo {params['args']}"}}}

    async with stub_server(handler) as (url, _stub):
        async with client(url, password=PASSWORD, protocol="jsonrpc",
                          capture=captured.append) as odoo:
            with pytest.raises(ServerError) as first:
                await odoo.search("res.partner")
        async with client(url, password=None, api_key=API_KEY, protocol="json2",
                          capture=captured.append) as odoo:
            with pytest.raises(ServerError) as second:
                await odoo.search("res.partner")
    assert len(captured) == 3  # authenticate; 503 then 500 on JSON-2
    dumped = json.dumps([repr(e) for e in captured])
    everything = dumped + str(first.value) + str(second.value) + repr(first.value.body)
    everything += repr(second.value.body) + caplog.text
    assert PASSWORD not in everything and API_KEY not in everything
    assert any(e.request_body and "***" in json.dumps(e.request_body) for e in captured)
    json2 = [e for e in captured if "/json/2/" in e.url]
    assert json2 and all(e.request_headers["Authorization"] == "***" for e in json2)


async def test_closed_client_refuses() -> None:
    async with stub_server(odoo18({"search_count": 1})) as (url, _stub):
        odoo = client(url)
        async with odoo:
            assert await odoo.search_count("res.partner") == 1
        assert odoo.closed
        with pytest.raises(ClientClosedError):
            await odoo.search_count("res.partner")
        with pytest.raises(ClientClosedError):
            async with odoo:
                pass


async def test_callers_session_is_not_closed() -> None:
    async with stub_server(odoo18({"search_count": 2})) as (url, _stub), \
            aiohttp.ClientSession() as session:
        odoo = client(url, session=session)
        async with odoo:
            assert await odoo.search_count("res.partner") == 2
        assert not session.closed


def test_configuration_errors() -> None:
    with pytest.raises(ConfigurationError):
        OdooClient("http://x", "db", "admin")
    with pytest.raises(ConfigurationError):
        OdooClient("http://x", "db", "admin", password="p", protocol="json2")
    with pytest.raises(ConfigurationError):
        OdooClient("http://x", "db", "admin", password="p", protocol="soap")  # type: ignore[arg-type]


async def test_paging_needs_id_order() -> None:
    odoo = OdooClient("http://127.0.0.1:9", "db", "admin", password="p")
    with pytest.raises(ConfigurationError):
        odoo.search_read("res.partner", order="name")
    with pytest.raises(ConfigurationError):
        odoo.search_read("res.partner", batch_size=0)
    await odoo.aclose()


async def test_non_json_answer_is_a_server_error() -> None:
    def handler(body: dict[str, Any]) -> tuple[int, Any]:
        return 200, "<html>proxy error</html>"

    async with stub_server(handler) as (url, _stub), client(url, protocol="jsonrpc") as odoo:
        with pytest.raises(ServerError):
            await odoo.version()


async def test_auto_falls_back_to_web_version_without_jsonrpc() -> None:
    def handler(body: dict[str, Any]) -> tuple[int, Any]:
        if body["_path"] == "/web/version":
            return 200, {"version_info": [22, 0, 0, "final", 0, ""], "version": "22.0"}
        if body["_path"] == "/json/2/res.partner/search_count":
            return 200, 5
        return 404, "<html>404 Not Found</html>"

    async with stub_server(handler) as (url, _stub):
        odoo = client(url, password=None, api_key=API_KEY)
        async with odoo:
            assert await odoo.search_count("res.partner") == 5
            assert (await odoo.version())["server_version_info"][0] == 22
            assert (await odoo.transport()).name == "json2"
