"""Odoo 19's JSON-2 transport: ``POST /json/2/<model>/<method>`` with named arguments.

Authentication is ``Authorization: bearer <API key>`` on every request (no uid, no login
call); ``X-Odoo-Database`` picks the database. Success is HTTP 200 with the method's
result as the body; an error is a 4xx/5xx status whose JSON body is the same
``{"name", "message", "arguments", "context", "debug"}`` object JSON-RPC puts in
``error.data``. Positional arguments do not exist here.
"""

from __future__ import annotations

from typing import Any

import attrs

from magodoo._http import HttpTransport, Response
from magodoo.exceptions import ConfigurationError
from magodoo.odoo.errors import odoo_error, status_error
from magodoo.odoo.transport import OdooCall

__all__ = ["Json2Transport"]


@attrs.define
class Json2Transport:
    """JSON-2 (Odoo 19 and later)."""

    http: HttpTransport
    url: str
    database: str
    api_key: str = attrs.field(repr=False)
    user_agent: str = "magodoo"

    def __attrs_post_init__(self) -> None:
        self.http.redactor.add(self.api_key)

    @property
    def name(self) -> str:
        return "json2"

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"bearer {self.api_key}",
            "X-Odoo-Database": self.database,
            "User-Agent": self.user_agent,
        }

    async def version(self) -> dict[str, Any]:
        """``GET /web/version``, reshaped like JSON-RPC's ``common.version``."""
        response = await self.http.request(
            "GET", self.url.rstrip("/") + "/web/version", idempotent=True
        )
        result = self._result(response, model=None, rpc_method="version")
        if not isinstance(result, dict):
            return {"result": result}
        out = dict(result)
        if "version_info" in out:
            out.setdefault("server_version_info", out["version_info"])
        if "version" in out:
            out.setdefault("server_version", out["version"])
        return out

    async def execute(self, call: OdooCall) -> Any:
        if call.positional:
            raise ConfigurationError(
                f"{call.model}.{call.method}: JSON-2 takes named arguments only; pass "
                "them as keyword arguments"
            )
        body: dict[str, Any] = {}
        if call.ids is not None:
            body["ids"] = list(call.ids)
        body.update(call.params)
        body.update(call.kwargs)
        if call.context:
            body["context"] = dict(call.context)
        url = f"{self.url.rstrip('/')}/json/2/{call.model}/{call.method}"
        response = await self.http.request(
            "POST", url, json=body, headers=self._headers(), idempotent=call.idempotent
        )
        return self._result(response, model=call.model, rpc_method=call.method)

    def _result(self, response: Response, *, model: str | None, rpc_method: str) -> Any:
        redactor = self.http.redactor
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status == 200 and payload is not None:
            return payload
        if response.status == 200:
            text = response.text.strip()
            if text in ("", "null"):
                return None
        where: dict[str, Any] = {
            "method": response.method, "url": redactor.text(response.url),
            "status": response.status, "model": model, "rpc_method": rpc_method,
        }
        clean = redactor.data(payload) if payload is not None else redactor.text(
            response.text[:500]
        )
        if isinstance(clean, dict) and clean.get("name"):
            raise odoo_error(clean, body=clean, database=self.database, **where)
        raise status_error(
            f"HTTP {response.status} from {where['url']}: {str(clean)[:300]}",
            body=clean, server="odoo", remote_name=None, retry_after=response.retry_after(),
            **where,
        )
