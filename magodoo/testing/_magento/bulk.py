"""Asynchronous and bulk web API (Magento_WebapiAsync, Magento_AsynchronousOperations).

``POST|PUT|DELETE /rest/<store>/async/V1/<route>`` takes one normal body;
``/rest/<store>/async/bulk/V1/<route>`` takes a JSON array of bodies, path parameters spelled as
``by<Param>`` segments and given inside each element. Both answer at once with
``{bulk_uuid, request_items[{id, data_hash, status: "accepted"}], errors: false}``.

The fake's "consumer" runs the operations right after answering, so the status routes report
them done (status 1) or failed (2 retriable, 3 needing changes) on the first poll.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import uuid
from typing import TYPE_CHECKING, Any

from aiohttp import web

from magodoo.testing._magento import errors, schema
from magodoo.testing._magento.auth import Principal
from magodoo.testing._magento.routing import Call, Route, Router
from magodoo.testing._magento.search import search

if TYPE_CHECKING:
    from magodoo.testing.fake_magento import FakeMagento

BULK = "Magento_Logging::system_magento_logging_bulk_operations"
COMPLETE, RETRIABLY_FAILED, NOT_RETRIABLY_FAILED, OPEN, REJECTED = 1, 2, 3, 4, 5


def _topic(route: Route) -> str:
    return (
        "async."
        + route.template.strip("/").replace("/", ".").replace("{", "").replace("}", "").lower()
        + "."
        + route.method.lower()
    )


def _match_bulk(fake: FakeMagento, method: str, path: str) -> Route | None:
    """The route a bulk path (``/V1/products/bySku``) stands for."""
    segments = path.strip("/").split("/")
    for route in fake.router.routes:
        if route.method != method:
            continue
        tmpl = route.template.strip("/").split("/")
        if len(tmpl) != len(segments):
            continue
        ok = True
        for t, s in zip(tmpl, segments, strict=True):
            if t.startswith("{"):
                name = t[1:-1]
                if s != "by" + name[:1].upper() + name[1:]:
                    ok = False
                    break
            elif t != s:
                ok = False
                break
        if ok:
            return route
    return None


async def dispatch_async(
    fake: FakeMagento,
    request: web.Request,
    path: str,
    store_code: str,
    store_id: int,
    principal: Principal,
) -> Any:
    """Serve ``/async/V1/...`` and ``/async/bulk/V1/...``."""
    method = request.method
    if method not in ("POST", "PUT", "DELETE"):
        raise errors.no_route()
    bulk = path.startswith("/async/bulk/")
    inner = path[len("/async/bulk") :] if bulk else path[len("/async") :]
    params: dict[str, str] = {}
    if bulk:
        route = _match_bulk(fake, method, inner)
    else:
        found = fake.router.match(method, inner)
        route, params = found if found else (None, {})
    if route is None or route.auth != "admin":
        raise errors.no_route()
    if principal.kind not in ("admin", "integration"):
        raise errors.unauthorized(route.resource)
    raw = await request.read()
    try:
        body = json.loads(raw) if raw.strip() else None
    except ValueError:
        raise errors.bad_request("Decoding error.") from None
    if bulk and not isinstance(body, list):
        raise errors.bad_request("Request body is expected to be a list of entities.")
    entries: list[Any] = body if isinstance(body, list) and bulk else [body]
    bulk_uuid = str(uuid.UUID(int=fake.state.rng.getrandbits(128), version=4))
    operations: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for n, entry in enumerate(entries):
        data = json.dumps(entry, sort_keys=True)
        op = {
            "id": n,
            "bulk_uuid": bulk_uuid,
            "topic_name": _topic(route),
            "serialized_data": json.dumps({"entity_id": None, "meta_information": data}),
            "result_serialized_data": None,
            "status": OPEN,
            "result_message": None,
            "error_code": None,
            "entry": entry,
            "params": dict(params),
        }
        operations.append(op)
        items.append(
            {"id": n, "data_hash": hashlib.sha256(data.encode()).hexdigest(), "status": "accepted"}
        )
    fake.state.bulks[bulk_uuid] = {
        "bulk_id": bulk_uuid,
        "description": f"Topic {_topic(route)}",
        "start_time": fake.state.timestamp(),
        "user_type": 2 if principal.kind == "admin" else 1,
        "user_id": principal.user_id,
        "operation_count": len(operations),
        "operations": operations,
    }
    for op in operations:
        await _run(fake, request, route, op, store_code, store_id, principal)
    return {"bulk_uuid": bulk_uuid, "request_items": items, "errors": False}


async def _run(
    fake: FakeMagento,
    request: web.Request,
    route: Route,
    op: dict[str, Any],
    store_code: str,
    store_id: int,
    principal: Principal,
) -> None:
    entry = op["entry"]
    params = dict(op["params"])
    for name in route.regex.groupindex:
        if name not in params and isinstance(entry, dict) and entry.get(name) is not None:
            params[name] = str(entry[name])
    try:
        if route.validate:
            entry = schema.validate_body(route.method, route.template, entry, params.keys())
        call = Call(
            state=fake.state,
            tokens=fake.tokens,
            route=route,
            params=params,
            query=request.query,
            body=entry,
            store_code=store_code,
            store_id=store_id,
            principal=principal,
            request=request,
            fake=fake,
        )
        result = route.handler(call)
        if inspect.isawaitable(result):
            result = await result
    except errors.MagentoError as exc:
        op["status"] = NOT_RETRIABLY_FAILED if exc.status < 500 else RETRIABLY_FAILED
        message = exc.message
        if isinstance(exc.parameters, list):
            for i, value in enumerate(exc.parameters, start=1):
                message = message.replace(f"%{i}", str(value))
        elif isinstance(exc.parameters, dict):
            for key, value in exc.parameters.items():
                message = message.replace(f"%{key}", str(value))
        op["result_message"] = message
        op["error_code"] = 0
        return
    except errors.CrashError:
        op["status"] = RETRIABLY_FAILED
        op["result_message"] = "Sorry, something went wrong during product prices update."
        op["error_code"] = 0
        return
    op["status"] = COMPLETE
    op["result_message"] = "Service execution success " + route.template
    op["result_serialized_data"] = json.dumps(result)


def _summary(bulk: dict[str, Any], detailed: bool) -> dict[str, Any]:
    keys: tuple[str, ...] = ("id", "status", "result_message", "error_code")
    if detailed:
        keys = (
            "id",
            "bulk_uuid",
            "topic_name",
            "serialized_data",
            "result_serialized_data",
            "status",
            "result_message",
            "error_code",
        )
    return {
        "operations_list": [{k: op[k] for k in keys} for op in bulk["operations"]],
        "user_type": bulk["user_type"],
        "bulk_id": bulk["bulk_id"],
        "description": bulk["description"],
        "start_time": bulk["start_time"],
        "user_id": bulk["user_id"],
        "operation_count": bulk["operation_count"],
    }


def register(r: Router) -> None:
    def find(call: Call) -> dict[str, Any]:
        bulk = call.state.bulks.get(call.params["bulkUuid"])
        if bulk is None:
            raise errors.not_found(
                "Bulk uuid %bulkUuid not exist", {"bulkUuid": call.params["bulkUuid"]}
            )
        return bulk

    @r.get("/V1/bulk/{bulkUuid}/status", resource=BULK)
    def status(call: Call) -> Any:
        return _summary(find(call), detailed=False)

    @r.get("/V1/bulk/{bulkUuid}/detailed-status", resource=BULK)
    def detailed(call: Call) -> Any:
        return _summary(find(call), detailed=True)

    @r.get("/V1/bulk/{bulkUuid}/operation-status/{status}", resource=BULK)
    def count(call: Call) -> Any:
        wanted = call.path_int("status")
        return sum(1 for op in find(call)["operations"] if op["status"] == wanted)

    @r.get("/V1/bulk", resource=BULK, criteria=True)
    def operations(call: Call) -> Any:
        ops = [
            {k: v for k, v in op.items() if k not in ("entry", "params")}
            for bulk in call.state.bulks.values()
            for op in bulk["operations"]
        ]
        return search(ops, call.criteria)
