"""Rendering a page with what every template needs (viewer, CSRF token, flash message)."""

from __future__ import annotations

import json
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from magodoo.cli._common import local_time, redactor
from magodoo.console._app import CSRF_TOKEN, FLASH, VIEWER
from magodoo.console._session import get_session


def page(request: web.Request, template: str, *, status: int = 200,
         **context: Any) -> web.Response:
    viewer = request.get(VIEWER)
    base: dict[str, Any] = {
        "me": viewer, "csrf": request.get(CSRF_TOKEN, ""), "flash": request.get(FLASH),
        "error": None, "title": "", "path": request.path,
        "can": (lambda action: viewer is not None and viewer.can(action)),
        "when": local_time,
    }
    return aiohttp_jinja2.render_template(template, request, {**base, **context},
                                          status=status)


async def flash_and_go(request: web.Request, message: str, where: str) -> web.Response:
    """Keep ``message`` for the next page and redirect there (POST, then GET)."""
    session = get_session(request)
    session["flash"] = redactor().text(message)
    raise web.HTTPSeeOther(where)


def pretty(value: Any, settings: Any = None) -> str:
    """Pretty JSON (or the text as it is), with every known secret masked."""
    text = value if isinstance(value, str) else json.dumps(value, indent=2, sort_keys=True,
                                                            default=str)
    return redactor(settings).text(text)


def ids(form: Any, field: str = "ids") -> list[int]:
    """The integer ids of a multi-valued form field (others ignored)."""
    out: list[int] = []
    for raw in form.getall(field, []):
        try:
            out.append(int(raw))
        except (TypeError, ValueError):
            continue
    return out
