from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from magodoo._http import Exchange, RetryPolicy
from magodoo.testing import serve

PASSWORD = "s3cret-Passw0rd"
API_KEY = "0123456789abcdef0123456789abcdef01234567"
FAST_RETRY = RetryPolicy(max_tries=4, base=0.001, max_wait=0.01, jitter=False)

Handler = Callable[[dict[str, Any]], tuple[int, Any]]


class Stub:
    """A tiny Odoo stand-in: every JSON body it gets is kept; ``handler`` answers."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []

    def app(self) -> web.Application:
        async def handle(request: web.Request) -> web.Response:
            body = await request.json() if request.can_read_body else {}
            body = {"_path": request.path, **body} if isinstance(body, dict) else body
            self.requests.append(body)
            self.headers.append(dict(request.headers))
            status, answer = self.handler(body)
            if isinstance(answer, str):
                return web.Response(status=status, text=answer)
            return web.json_response(answer, status=status)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handle)
        return app

    def calls(self, service: str, method: str) -> int:
        return sum(
            1 for r in self.requests
            if r.get("params", {}).get("service") == service
            and r.get("params", {}).get("method") == method
        )


@asynccontextmanager
async def stub_server(handler: Handler) -> AsyncIterator[tuple[str, Stub]]:
    stub = Stub(handler)
    async with serve(stub.app()) as url:
        yield url, stub


def rpc_result(result: Any, request_id: Any = 1) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "result": result}


def load_sample(reference_dir: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (reference_dir / "odoo" / "samples" / name).read_text(encoding="utf-8")
    )
    return data


@pytest.fixture
def captured() -> list[Exchange]:
    return []
