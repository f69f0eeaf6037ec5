"""A minimal JSON-RPC caller for the fake Odoo tests (independent from ``magodoo.odoo``)."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import attrs

from magodoo.testing.fake_odoo import FakeOdoo


@attrs.define
class Rpc:
    """Minimal JSON-RPC caller used by the tests (independent from magodoo.odoo)."""

    url: str
    session: aiohttp.ClientSession
    fake: FakeOdoo
    last_headers: dict[str, str] = attrs.Factory(dict)

    async def raw(self, params: dict[str, Any], request_id: int = 1) -> dict[str, Any]:
        body = {"jsonrpc": "2.0", "method": "call", "params": params, "id": request_id}
        async with self.session.post(f"{self.url}/jsonrpc", json=body) as response:
            assert response.status == 200
            self.last_headers = dict(response.headers)
            data: dict[str, Any] = await response.json()
            return data

    async def call_raw(self, model: str, method: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        params = {"service": "object", "method": "execute_kw", "args": [
            self.fake.database, self.fake.uid, self.fake.api_key, model, method, list(args),
            kwargs]}
        return await self.raw(params)

    async def __call__(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        data = await self.call_raw(model, method, *args, **kwargs)
        if "error" in data:
            raise AssertionError(f"{model}.{method}: {json.dumps(data['error']['data'])[:600]}")
        return data["result"]

    async def error(self, model: str, method: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        data = await self.call_raw(model, method, *args, **kwargs)
        assert "error" in data, f"{model}.{method} succeeded: {data.get('result')!r}"
        assert data["error"]["code"] == 200
        assert data["error"]["message"] == "Odoo Server Error"
        err: dict[str, Any] = data["error"]["data"]
        return err
