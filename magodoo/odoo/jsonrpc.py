"""Odoo's JSON-RPC transport: ``POST /jsonrpc`` with the ``common`` and ``object`` services.

Every call is ``object.execute_kw(db, uid, secret, model, method, args, kwargs)``; the uid
comes from ``common.authenticate`` once. Errors come back with HTTP 200 and an ``error``
object; the secret, a positional argument, is replaced by ``***`` in every capture.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import Any

import attrs

from magodoo._http import HttpTransport, Response
from magodoo._redact import REDACTED
from magodoo.exceptions import AuthenticationError, RemoteError
from magodoo.odoo.errors import odoo_error, status_error
from magodoo.odoo.transport import OdooCall

__all__ = ["JsonRpcTransport"]

log = logging.getLogger("magodoo.odoo")


@attrs.define
class JsonRpcTransport:
    """JSON-RPC (Odoo up to 18, deprecated but present in 19 to 21)."""

    http: HttpTransport
    url: str
    database: str
    login: str
    secret: str = attrs.field(repr=False)
    uid: int | None = None
    _ids: itertools.count[int] = attrs.field(init=False, factory=lambda: itertools.count(1))
    _auth_lock: asyncio.Lock = attrs.field(init=False, factory=asyncio.Lock)
    _auth_error: AuthenticationError | None = attrs.field(init=False, default=None)

    def __attrs_post_init__(self) -> None:
        self.http.redactor.add(self.secret)

    @property
    def name(self) -> str:
        return "jsonrpc"

    @property
    def endpoint(self) -> str:
        return self.url.rstrip("/") + "/jsonrpc"

    async def version(self) -> dict[str, Any]:
        result = await self._rpc("common", "version", [], idempotent=True)
        return dict(result) if isinstance(result, dict) else {"result": result}

    async def authenticate(self) -> int:
        """Log in once and keep the uid. A refusal is remembered: no retry loop."""
        if self.uid is not None:
            return self.uid
        async with self._auth_lock:
            if self.uid is not None:
                return self.uid
            if self._auth_error is not None:
                raise self._auth_error
            args = [self.database, self.login, self.secret, {}]
            try:
                result = await self._rpc(
                    "common", "authenticate", args, idempotent=True, secret_at=2
                )
            except AuthenticationError as exc:
                self._auth_error = exc
                raise
            if not isinstance(result, int) or isinstance(result, bool):
                self._auth_error = AuthenticationError(
                    f"Odoo refused login {self.login!r} on database {self.database!r} "
                    "(wrong password or API key, or the user is inactive)",
                    method="POST", url=self.endpoint, status=200, body={"result": result},
                    server="odoo", remote_name=None, model=None, rpc_method="authenticate",
                )
                raise self._auth_error
            self.uid = result
            log.debug("authenticated", extra={"login": self.login, "uid": result})
            return result

    async def execute(self, call: OdooCall) -> Any:
        uid = await self.authenticate()
        args: list[Any] = [] if call.ids is None else [list(call.ids)]
        args.extend(call.params.values())
        args.extend(call.positional)
        kwargs = dict(call.kwargs)
        if call.context:
            kwargs["context"] = dict(call.context)
        rpc_args = [self.database, uid, self.secret, call.model, call.method, args, kwargs]
        return await self._rpc(
            "object", "execute_kw", rpc_args, idempotent=call.idempotent, secret_at=2,
            model=call.model, rpc_method=call.method,
        )

    async def _rpc(
        self,
        service: str,
        method: str,
        args: list[Any],
        *,
        idempotent: bool,
        secret_at: int | None = None,
        model: str | None = None,
        rpc_method: str | None = None,
    ) -> Any:
        request_id = next(self._ids)

        def body(values: list[Any]) -> dict[str, Any]:
            return {
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"service": service, "method": method, "args": values},
                "id": request_id,
            }

        shown = list(args)
        if secret_at is not None:
            shown[secret_at] = REDACTED
        response = await self.http.request(
            "POST", self.endpoint, json=body(args), idempotent=idempotent,
            capture_body=body(shown),
        )
        return self._result(response, model=model, rpc_method=rpc_method or method)

    def _result(self, response: Response, *, model: str | None, rpc_method: str) -> Any:
        redactor = self.http.redactor
        where: dict[str, Any] = {
            "method": response.method, "url": redactor.text(response.url),
            "status": response.status, "model": model, "rpc_method": rpc_method,
        }
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status != 200 or not isinstance(payload, dict):
            text = redactor.text(response.text[:500])
            raise status_error(
                f"not a JSON-RPC answer: {text}" if response.status == 200 else
                f"HTTP {response.status} from {where['url']}: {text}",
                body=redactor.data(payload) if payload is not None else text,
                server="odoo", remote_name=None, retry_after=response.retry_after(), **where,
            )
        error = payload.get("error")
        if error is None:
            return payload.get("result")
        clean = redactor.data(error)
        data = clean.get("data") if isinstance(clean, dict) else None
        if not isinstance(data, dict):
            data = {"message": clean.get("message") if isinstance(clean, dict) else str(clean)}
        exc: RemoteError = odoo_error(
            data, body=clean, database=self.database, login=self.login, **where
        )
        raise exc
