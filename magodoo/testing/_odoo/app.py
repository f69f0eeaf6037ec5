"""HTTP transport of the fake: ``POST /jsonrpc`` (JSON-RPC 2.0) and Odoo 19's ``/json/2``."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .. import _faults
from . import errors
from .orm import Env

if TYPE_CHECKING:
    from ..fake_odoo import FakeOdoo

log = logging.getLogger("magodoo.testing.fake_odoo")

VERSION_INFO = {
    "18.0": {
        "server_version": "18.0-20250702",
        "server_version_info": [18, 0, 0, "final", 0, ""],
        "server_serie": "18.0",
        "protocol_version": 1,
    },
    "19.0": {
        "server_version": "19.0-20250918",
        "server_version_info": [19, 0, 0, "final", 0, ""],
        "server_serie": "19.0",
        "protocol_version": 1,
    },
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_response(body: Any, status: int = 200) -> web.Response:
    """A JSON answer after which the connection is closed (the real server never keeps alive)."""
    response = web.Response(
        text=json.dumps(body), status=status, content_type="application/json", charset="utf-8"
    )
    response.force_close()
    return response


def as_odoo_error(exc: Exception) -> errors.OdooError:
    """Errors the fake did not model become the Python exception Odoo would report."""
    if isinstance(exc, errors.OdooError):
        return exc
    log.warning("fake Odoo: unexpected %s: %s", type(exc).__name__, exc, exc_info=exc)
    return errors.OdooError(f"builtins.{type(exc).__name__}", str(exc))


def build_app(fake: FakeOdoo) -> web.Application:
    app = web.Application(middlewares=[_faults_middleware(fake)])
    app.router.add_post("/jsonrpc", _jsonrpc(fake))
    app.router.add_get("/web/version", _version(fake))
    if fake.version.startswith("19"):
        app.router.add_post("/json/2/{model}/{method}", _json2(fake))
    app.cleanup_ctx.append(fake.webhooks.session_ctx)
    return app


def _faults_middleware(fake: FakeOdoo) -> Any:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        fake.total_requests += 1
        faults = fake.faults
        if faults.in_outage():
            response = web.Response(status=503, text=_faults.MAINTENANCE_PAGE,
                                    content_type="text/html")
            response.force_close()
            return response
        if faults.latency:
            await asyncio.sleep(faults.latency)
        action, status = faults.decide()
        if action == "drop":
            if request.transport is not None:
                request.transport.close()
            raise asyncio.CancelledError
        if action == "fail":
            headers = {"Retry-After": str(faults.retry_after)} if status == 429 else {}
            response = web.Response(status=status, text=f"{status}", headers=headers)
            response.force_close()
            return response
        return await _faults.around_work(faults, request, lambda: handler(request))

    return middleware


def _version(fake: FakeOdoo) -> Handler:
    async def handler(_request: web.Request) -> web.StreamResponse:
        return json_response(VERSION_INFO.get(fake.version, VERSION_INFO["18.0"]))

    return handler


def _jsonrpc(fake: FakeOdoo) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        try:
            payload = await request.json()
        except ValueError:
            return json_response({"jsonrpc": "2.0", "id": None, "error": {
                "code": 400, "message": "Invalid JSON data", "data": {}}}, 400)
        request_id = payload.get("id") if isinstance(payload, dict) else None
        params = payload.get("params") or {} if isinstance(payload, dict) else {}
        env: Env | None = None
        if fake.faults.row_cost > 0 and isinstance(params, dict):
            await _charge_rpc(fake, params)
        try:
            result, env = fake.rpc_call(
                str(params.get("service")), str(params.get("method")), params.get("args") or []
            )
            body: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "result": result}
        except Exception as raw:
            exc = as_odoo_error(raw)
            body = {"jsonrpc": "2.0", "id": request_id, "error": {
                "code": 200, "message": "Odoo Server Error", "data": exc.data()}}
        if env is not None:
            await fake.webhooks.flush(env.outbox)
        return json_response(body)

    return handler


async def _charge_rpc(fake: FakeOdoo, params: dict[str, Any]) -> None:
    """The opt-in server cost (``faults.row_cost``) of an ``object`` call, before it runs."""
    args = params.get("args")
    if params.get("service") != "object" or not isinstance(args, list) or len(args) < 5:
        return
    if params.get("method") == "execute_kw":
        call_args = args[5] if len(args) > 5 and isinstance(args[5], list) else []
        kwargs = args[6] if len(args) > 6 and isinstance(args[6], dict) else {}
    else:
        call_args, kwargs = args[5:], {}
    await fake.faults.charge(str(args[4]), call_args, kwargs)


def _json2(fake: FakeOdoo) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        auth = request.headers.get("Authorization", "")
        scheme, _, key = auth.partition(" ")
        model = request.match_info["model"]
        method = request.match_info["method"]
        if scheme.lower() != "bearer" or key.strip() != fake.api_key:
            exc = errors.unauthorized()
            return json_response(exc.data(), exc.http_status)
        database = request.headers.get("X-Odoo-Database")
        env: Env | None = None
        try:
            if database and database != fake.database:
                raise errors.wrong_database(database)
            try:
                body = await request.json() if request.body_exists else {}
            except ValueError as err:
                raise errors.OdooError(
                    "werkzeug.exceptions.BadRequest", f"could not parse the body as json: {err}"
                ) from None
            if not isinstance(body, dict):
                body = {}
            if fake.faults.row_cost > 0:
                ids = body.get("ids")
                await fake.faults.charge(method, [ids] if ids is not None else [], body)
            result, env = fake.json2_call(model, method, body)
            response = json_response(result)
        except Exception as raw:
            exc = as_odoo_error(raw)
            response = json_response(exc.data(), exc.http_status)
        if env is not None:
            await fake.webhooks.flush(env.outbox)
        return response

    return handler
