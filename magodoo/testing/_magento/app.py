"""The aiohttp application: store-code prefix, routing, faults, auth, body checks, answers.

Order of checks as Magento's ``Webapi\\Controller\\Rest``: route match (404), ACL (401), then the
input (400) and the service itself (400/404/500).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import secrets
from typing import TYPE_CHECKING, Any

from aiohttp import web

from magodoo.testing import _faults as _faults_mod
from magodoo.testing._magento import errors, fields, schema
from magodoo.testing._magento.auth import authenticate
from magodoo.testing._magento.routing import Call, Route

if TYPE_CHECKING:
    from magodoo.testing.fake_magento import FakeMagento

log = logging.getLogger("magodoo.testing.fake_magento")

JSON_TYPE = "application/json"
_REASONS = {429: "Too Many Requests", 503: "Service Unavailable"}


def build_app(fake: FakeMagento) -> web.Application:
    app = web.Application(client_max_size=64 * 1024**2)

    async def dispatch(request: web.Request) -> web.StreamResponse:
        response = await _dispatch(fake, request)
        if not fake.keep_alive:
            response.force_close()  # as the recorded store: Connection: close
        return response

    app.router.add_route("*", "/rest/{tail:.*}", dispatch)
    app.router.add_route("*", "/{tail:.*}", _not_rest)
    return app


async def _not_rest(request: web.Request) -> web.StreamResponse:
    return web.Response(status=404, text="Not Found", content_type="text/plain")


def json_response(
    value: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(value, ensure_ascii=False, separators=(",", ":")),
        content_type=JSON_TYPE,
        charset="utf-8",
        headers=headers,
    )


def _drop(request: web.Request) -> web.StreamResponse:
    """Close the connection without answering."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    raise asyncio.CancelledError


def _split_store(fake: FakeMagento, tail: str) -> tuple[str, int, str]:
    """(store code, store id, ``/V1/...`` path) as Magento's ``PathProcessor`` splits them.

    A first segment that is no store code stays part of the path (so an unknown store code ends
    as ``Request does not match any route.``).
    """
    parts = tail.split("/", 1)
    first = parts[0]
    rest = "/" + (parts[1] if len(parts) > 1 else "")
    if first == "all":
        return "all", 0, rest
    store = fake.state.store_by_code(first)
    if store is not None and first != "admin":
        return first, int(store["id"]), rest
    default = fake.state.store_by_code("default")
    return "default", int(default["id"]) if default else 1, "/" + tail


async def _faults(fake: FakeMagento, request: web.Request) -> web.StreamResponse | None:
    f = fake.faults
    if f.in_outage():  # maintenance mode: pub/errors/503.php answers before any routing
        return web.Response(status=503, text=_faults_mod.MAINTENANCE_PAGE,
                            content_type="text/html")
    if f.latency > 0:
        await asyncio.sleep(f.latency)
    if f.drop_next > 0:
        f.drop_next -= 1
        return _drop(request)
    if f.drop_rate > 0 and f.draw() < f.drop_rate:
        return _drop(request)
    if f.fail_next:
        status = f.fail_next.pop(0)
        headers = {"Retry-After": str(f.retry_after)} if status == 429 else None
        return json_response({"message": _REASONS.get(status, "Error")}, status, headers)
    if f.rate_limit_every and fake.total_requests % f.rate_limit_every == 0:
        return json_response(
            {"message": "Too Many Requests"}, 429, {"Retry-After": str(f.retry_after)}
        )
    if f.error_rate > 0 and f.draw() < f.error_rate:
        return json_response({"message": "Service Unavailable"}, 503)
    return None


async def _dispatch(fake: FakeMagento, request: web.Request) -> web.StreamResponse:
    fake.total_requests += 1
    code, store_id, path = _split_store(fake, request.match_info["tail"])
    is_async = path.startswith("/async/")
    found = None if is_async else fake.router.match(request.method, path)
    if found is not None and path.startswith("/V1/inventory/") and (
        "Magento_InventoryApi" not in fake.state.modules
    ):
        found = None  # a store without Multi-Source Inventory has no MSI routes at all
    fake.counters[found[0].key if found else f"{request.method} {path}"] += 1
    faulty = await _faults(fake, request)
    if faulty is not None:
        return faulty
    return await _faults_mod.around_work(
        fake.faults, request, lambda: _work(fake, request, found, is_async, path, code, store_id))


async def _work(
    fake: FakeMagento, request: web.Request, found: Any, is_async: bool, path: str, code: str,
    store_id: int,
) -> web.StreamResponse:
    try:
        if is_async:
            from magodoo.testing._magento.bulk import dispatch_async

            principal = authenticate(
                request,
                fake.tokens,
                fake.integration,
                expire_after=fake.faults.expire_tokens_after,
            )
            result = await dispatch_async(fake, request, path, code, store_id, principal)
        elif found is None:
            raise errors.no_route()
        else:
            route, params = found
            result = await _serve(fake, request, route, params, code, store_id)
    except errors.MagentoError as exc:
        return json_response(exc.body(), exc.status, exc.headers or None)
    except errors.CrashError:
        return web.Response(status=500, text=errors.CRASH_TEXT, content_type="text/plain")
    except asyncio.CancelledError:
        raise
    except Exception:
        report = f"webapi-{secrets.token_hex(6)}"
        log.exception("fake Magento handler failed", extra={"report_id": report})
        return json_response(errors.internal_error(report).body(), 500)
    if isinstance(result, web.StreamResponse):
        return result
    wanted = request.query.get("fields")
    if wanted and request.method in ("GET", "POST", "PUT"):
        result = fields.project(result, fields.parse(wanted))
    return json_response(result)


async def _serve(
    fake: FakeMagento,
    request: web.Request,
    route: Route,
    params: dict[str, str],
    code: str,
    store_id: int,
) -> Any:
    principal = authenticate(
        request, fake.tokens, fake.integration, expire_after=fake.faults.expire_tokens_after
    )
    if route.auth == "admin" and principal.kind not in ("admin", "integration"):
        raise errors.unauthorized(route.resource)
    if route.auth == "self" and principal.kind != "customer":
        raise errors.unauthorized(route.resource)
    body: Any = None
    if request.method in ("POST", "PUT", "DELETE") and request.body_exists:
        raw = await request.read()
        if raw.strip():
            try:
                body = json.loads(raw)
            except ValueError:
                raise errors.bad_request("Decoding error.") from None
    if route.validate and request.method in ("POST", "PUT", "DELETE"):
        body = schema.validate_body(request.method, route.template, body, params.keys())
    call = Call(
        state=fake.state,
        tokens=fake.tokens,
        route=route,
        params=params,
        query=request.query,
        body=body,
        store_code=code,
        store_id=store_id,
        principal=principal,
        request=request,
        fake=fake,
    )
    if route.criteria:
        _ = call.criteria
    result = route.handler(call)
    if inspect.isawaitable(result):
        result = await result
    return result
