"""The console application: sessions, CSRF, roles, secure headers, and its routes."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import os
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from magodoo.console._auth import LoginLimiter, Viewer
from magodoo.console._session import get_session, session_middleware
from magodoo.engine.engine import SyncEngine
from magodoo.exceptions import ConfigurationError
from magodoo.settings import Settings

log = logging.getLogger("magodoo.console")

HERE = Path(__file__).resolve().parent
COOKIE = "magodoo_console"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
SECURE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
OPEN_PATHS = ("/login", "/static/")

ServiceInfo = Callable[[], Mapping[str, Any]]
"""Returns what the realtime service in the same process did (webhooks, polls...)."""

ENGINE: web.AppKey[SyncEngine] = web.AppKey("engine", SyncEngine)
SETTINGS: web.AppKey[Settings] = web.AppKey("settings", Settings)
LIMITER: web.AppKey[LoginLimiter] = web.AppKey("limiter", LoginLimiter)
SERVICE: web.AppKey[ServiceInfo | None] = web.AppKey("service", object)  # type: ignore[arg-type]
STATE: web.AppKey[dict[str, Any]] = web.AppKey("state", dict)
VIEWER: web.RequestKey[Viewer | None] = web.RequestKey("viewer", object)  # type: ignore[arg-type]
CSRF_TOKEN: web.RequestKey[str] = web.RequestKey("csrf", str)
FLASH: web.RequestKey[str | None] = web.RequestKey("flash", object)  # type: ignore[arg-type]


def session_key(secret: str | None) -> bytes:
    """The Fernet key of the session cookies, derived from ``console.secret_key``."""
    if not secret or len(secret) < 32:
        raise ConfigurationError("console.secret_key: missing or shorter than 32 characters; "
                                 "set MAGODOO_CONSOLE_SECRET_KEY (e.g. `openssl rand -hex 32`)")
    return hashlib.sha256(secret.encode()).digest()  # the store base64-encodes it


def check_settings(settings: Settings) -> None:
    """Refuse a console nobody could sign in to, or one without a session key."""
    c = settings.console
    session_key(c.secret_key)
    if not c.accounts:
        raise ConfigurationError("console.accounts: no account; add [console.accounts.<name>] "
                                 "with role and password_hash (magodoo console hash-password)")
    for name, account in c.accounts.items():
        if account.password_hash and not account.password_hash.startswith("$argon2"):
            raise ConfigurationError(f"console.accounts.{name}.password_hash: not an argon2 "
                                     "hash; make one with `magodoo console hash-password`")


def who(request: web.Request) -> str:
    """The signed-in account's name (for log lines)."""
    viewer = request.get(VIEWER)
    return viewer.name if viewer is not None else "-"


def forbidden(request: web.Request, why: str) -> web.Response:
    """A 403 page, and a log line naming who tried what (never a secret)."""
    viewer = request.get(VIEWER)
    log.warning("console: refused %s %s: %s", request.method, request.path, why, extra={
        "user": viewer.name if viewer else None, "role": viewer.role if viewer else None,
        "remote": request.remote, "path": request.path, "reason": why})
    from magodoo.console.views._render import page

    return page(request, "error.html", status=403, title="Forbidden", message=why)


@web.middleware
async def secure_headers(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
    except web.HTTPException as exc:
        response = exc
        for name, value in SECURE_HEADERS.items():
            exc.headers[name] = value
        raise
    for name, value in SECURE_HEADERS.items():
        response.headers[name] = value
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response


def _proxy_user(request: web.Request, settings: Settings) -> str | None:
    header = settings.console.proxy_user_header
    if not header or request.remote != settings.console.trusted_proxy:
        return None
    return request.headers.get(header) or None


@web.middleware
async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
    """Who is asking (session or trusted proxy header) and the CSRF token of every POST."""
    if request.path.startswith("/static/"):
        response: web.StreamResponse = await handler(request)
        return response
    settings = request.app[SETTINGS]
    session = get_session(request)
    if not isinstance(session.get("csrf"), str):
        session["csrf"] = secrets.token_urlsafe(32)
    request[CSRF_TOKEN] = session["csrf"]
    request[FLASH] = session.pop("flash", None) if request.method == "GET" else None
    since = session.get("since")
    if isinstance(since, int | float) and time.time() - since > \
            settings.console.session_minutes * 60:
        session.pop("user")  # signed in too long ago: sign in again
    name = _proxy_user(request, settings) or session.get("user")
    account = settings.console.accounts.get(name) if isinstance(name, str) else None
    request[VIEWER] = Viewer(name, account.role) if account and name else None
    if request.method == "POST":
        form = await request.post()
        token = form.get("csrf_token")
        if not isinstance(token, str) or not hmac.compare_digest(token, session["csrf"]):
            return forbidden(request, "the form's CSRF token is missing or wrong; reload the "
                                      "page and try again")
    if isinstance(name, str) and account is None:
        return forbidden(request, f"account {name!r} is not configured")
    if request[VIEWER] is None and not request.path.startswith(OPEN_PATHS):
        raise web.HTTPSeeOther("/login")
    response = await handler(request)
    return response


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def needs(action: str) -> Callable[[Handler], Handler]:
    """Refuse (403, logged) a request whose viewer's role may not do ``action``."""

    def wrap(handler: Handler) -> Handler:
        async def checked(request: web.Request) -> web.StreamResponse:
            viewer = request.get(VIEWER)
            if viewer is None:
                raise web.HTTPSeeOther("/login")
            if not viewer.can(action):
                return forbidden(request, f"your role ({viewer.role_label}) may not do "
                                          f"this ({action})")
            return await handler(request)

        checked.__name__ = handler.__name__
        checked.__doc__ = handler.__doc__
        return checked

    return wrap


async def _workers(app: web.Application) -> Any:
    """Queue workers for the mass syncs (``console.workers``), stopped with the app."""
    count = app[STATE]["workers"]
    stop = asyncio.Event()
    engine = app[ENGINE]
    tasks = [asyncio.create_task(engine.run_worker(stop, worker_id=f"console-{os.getpid()}-{i}"))
             for i in range(count)]
    yield
    stop.set()
    for task in tasks:
        with contextlib.suppress(Exception):
            await task


def console_app(
    engine: SyncEngine,
    *,
    settings: Settings | None = None,
    service: ServiceInfo | None = None,
    workers: int | None = None,
) -> web.Application:
    """The web console over ``engine`` (its settings unless ``settings`` is given).

    ``service`` reports the realtime service of the same process for the dashboard;
    ``workers`` queue workers run while the app runs (``console.workers`` by default; give 0
    when another part of the process drains the queue).
    """
    from magodoo.console.views import ROUTES

    settings = settings or engine.settings
    check_settings(settings)
    c = settings.console
    sessions = session_middleware(session_key(c.secret_key), cookie=COOKIE,
                                  max_age=c.session_minutes * 60, secure=c.secure_cookie)
    app = web.Application(middlewares=[secure_headers, sessions, guard])
    app[ENGINE] = engine
    app[SETTINGS] = settings
    app[LIMITER] = LoginLimiter(c.login_attempts, c.login_window_seconds)
    app[SERVICE] = service
    app[STATE] = {"plans": {}, "runs": {}, "started": None,
                  "workers": c.workers if workers is None else workers}
    aiohttp_jinja2.setup(
        app, loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined)
    app.router.add_routes(ROUTES)
    app.router.add_static("/static/", HERE / "static", name="static")
    app.cleanup_ctx.append(_workers)
    return app
