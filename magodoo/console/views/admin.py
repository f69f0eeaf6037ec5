"""Technical admin pages: test connection (the report of ``magodoo check``), the settings
(read-only, never a secret) and the Odoo webhooks (as ``magodoo webhooks list``)."""

from __future__ import annotations

from typing import Any

import attrs
from aiohttp import web

from magodoo.cli.check import check_json
from magodoo.console._app import ENGINE, SETTINGS, needs
from magodoo.console.views._render import page, pretty
from magodoo.exceptions import MagodooError
from magodoo.settings import Settings


@needs("check")
async def check_form(request: web.Request) -> web.StreamResponse:
    return page(request, "check.html", title="Test connection", report=None, ok=None)


@needs("check")
async def check_run(request: web.Request) -> web.StreamResponse:
    try:
        report = await request.app[ENGINE].check()
    except MagodooError as exc:
        return page(request, "check.html", title="Test connection", report=None, ok=False,
                    error=f"{type(exc).__name__}: {exc}")
    return page(request, "check.html", title="Test connection", report=check_json(report),
                ok=report.ok)


def visible(record: Any, prefix: str = "") -> list[tuple[str, str]]:
    """(key, value) of every setting; a secret shows only whether it is set."""
    rows: list[tuple[str, str]] = []
    for field in attrs.fields(type(record)):
        name = f"{prefix}{field.name}"
        value = getattr(record, field.name)
        if field.name in ("entities", "accounts"):
            continue
        if field.metadata.get("secret"):
            rows.append((name, "(set)" if value else "(not set)"))
        elif attrs.has(type(value)):
            rows += visible(value, f"{name}.")
        else:
            rows.append((name, "" if value is None else str(value)))
    return rows


@needs("settings")
async def settings_page(request: web.Request) -> web.StreamResponse:
    settings: Settings = request.app[SETTINGS]
    engine = request.app[ENGINE]
    names = list(dict.fromkeys([*settings.entities, *sorted(engine.registry.entities())]))
    entities = [(n, settings.is_enabled(n), settings.entity(n).realtime,
                 "/".join(d.value for d in engine.registry.directions(n)) or "—")
                for n in names]
    accounts = [(name, a.role, "argon2 hash" if a.password_hash else "proxy header only")
                for name, a in sorted(settings.console.accounts.items())]
    return page(request, "settings.html", title="Settings", rows=visible(settings),
                entities=entities, accounts=accounts)


@needs("webhooks")
async def webhooks_page(request: web.Request) -> web.StreamResponse:
    from magodoo.realtime import list_odoo_webhooks

    settings = request.app[SETTINGS]
    try:
        found = await list_odoo_webhooks(request.app[ENGINE].odoo)
    except MagodooError as exc:
        return page(request, "webhooks.html", title="Odoo webhooks", hooks=[],
                    error=pretty(f"{type(exc).__name__}: {exc}", settings))
    hooks = [(w.model, w.automation_id, ", ".join(map(str, w.action_ids)), w.active,
              pretty(w.url or "", settings)) for w in found]
    return page(request, "webhooks.html", title="Odoo webhooks", hooks=hooks)
