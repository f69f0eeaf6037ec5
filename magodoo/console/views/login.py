"""Sign in and out. Failed logins are rate-limited per client address and per account."""

from __future__ import annotations

import secrets
import time

from aiohttp import web

from magodoo.console._app import CSRF_TOKEN, LIMITER, SETTINGS, VIEWER, log
from magodoo.console._auth import check_password
from magodoo.console._session import get_session, new_session
from magodoo.console.views._render import page


async def login_form(request: web.Request) -> web.StreamResponse:
    if request.get(VIEWER) is not None:
        raise web.HTTPSeeOther("/")
    return page(request, "login.html", title="Sign in", username="")


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    username = str(form.get("username", "")).strip()[:100]
    password = str(form.get("password", ""))
    limiter = request.app[LIMITER]
    keys = [f"addr:{request.remote}", f"user:{username}"]
    if limiter.blocked(keys):
        log.warning("console: login refused, too many failures", extra={
            "user": username, "remote": request.remote})
        return page(request, "login.html", status=429, title="Sign in", username=username,
                    error="Too many failed sign-ins; wait a few minutes and try again.")
    account = request.app[SETTINGS].console.accounts.get(username)
    if not check_password(account.password_hash if account else "", password):
        limiter.failed(keys)
        log.warning("console: login failed", extra={"user": username,
                                                     "remote": request.remote})
        return page(request, "login.html", status=401, title="Sign in", username=username,
                    error="Wrong user name or password.")
    limiter.succeeded(keys)
    session = new_session(request)  # a fresh session and CSRF token: no fixation
    session["user"] = username
    session["since"] = int(time.time())
    session["csrf"] = request[CSRF_TOKEN] = secrets.token_urlsafe(32)
    log.info("console: signed in", extra={"user": username, "remote": request.remote})
    raise web.HTTPSeeOther("/")


async def logout(request: web.Request) -> web.StreamResponse:
    session = get_session(request)
    session.invalidate()
    raise web.HTTPSeeOther("/login")
