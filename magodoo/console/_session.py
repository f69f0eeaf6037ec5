"""Sessions in one encrypted, signed cookie (Fernet: AES-128-CBC + HMAC-SHA256, with a
timestamp), HttpOnly and SameSite=Strict. A cookie made with another key, altered, or older
than the session length is ignored: the request has an empty session.

(aiohttp-session's cookie storage does the same, but it stores its state under string request
keys, which aiohttp 3.14 warns about on every request.)
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from aiohttp import web
from cryptography.fernet import Fernet, InvalidToken

log = logging.getLogger("magodoo.console")


class Session(dict[str, Any]):
    """The session's data; marks itself changed when written."""

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        super().__init__(data or {})
        self.changed = False
        self.dropped = False

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self.changed = True

    def pop(self, key: str, default: Any = None) -> Any:
        if key in self:
            self.changed = True
        return super().pop(key, default)

    def invalidate(self) -> None:
        """Forget everything and delete the cookie."""
        self.clear()
        self.dropped = True
        self.changed = True


SESSION: web.RequestKey[Session] = web.RequestKey("magodoo_console_session", Session)


def get_session(request: web.Request) -> Session:
    return request[SESSION]


def new_session(request: web.Request) -> Session:
    """Drop the current session's data and start a fresh one (after a sign-in)."""
    session = request[SESSION]
    session.clear()
    session.changed = True
    session.dropped = False
    return session


def session_middleware(key: bytes, *, cookie: str, max_age: int, secure: bool) -> Any:
    import base64

    fernet = Fernet(base64.urlsafe_b64encode(key))

    def load(request: web.Request) -> Session:
        raw = request.cookies.get(cookie)
        if not raw:
            return Session()
        try:
            data = json.loads(fernet.decrypt(raw.encode(), ttl=max_age))
        except (InvalidToken, ValueError):
            log.warning("console: session cookie refused (other key, altered or expired)",
                        extra={"remote": request.remote, "path": request.path})
            return Session()
        return Session(data if isinstance(data, dict) else {})

    def save(session: Session, response: web.StreamResponse) -> None:
        if not session.changed:
            return
        if session.dropped:
            response.del_cookie(cookie, path="/")
            return
        value = fernet.encrypt_at_time(json.dumps(dict(session)).encode(), int(time.time()))
        response.set_cookie(cookie, value.decode(), max_age=max_age, path="/",
                            httponly=True, samesite="Strict", secure=secure)

    @web.middleware
    async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
        session = request[SESSION] = load(request)
        try:
            response: web.StreamResponse = await handler(request)
        except web.HTTPException as exc:
            save(session, exc)
            raise
        save(session, response)
        return response

    return middleware
