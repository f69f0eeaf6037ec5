"""Technical admin pages: test connection (the report of ``magodoo check``), the settings
(read-only, never a secret) and the Odoo webhooks (as ``magodoo webhooks list|install|remove``)."""

from __future__ import annotations

from typing import Any

import attrs
from aiohttp import web

from magodoo.cli.check import check_json
from magodoo.console._app import ENGINE, SETTINGS, log, needs, who
from magodoo.console.views._render import flash_and_go, page, pretty
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


def _install_target(settings: Settings) -> tuple[str, str]:
    """(public URL, why not): the console installs only towards ``realtime.public_url`` with
    ``realtime.secret``, both from the settings, never a URL typed in a form (the webhook URL
    carries the secret)."""
    if not settings.realtime.public_url:
        return "", "realtime.public_url is not set: Odoo would not know where to send changes"
    if not settings.realtime.secret:
        return "", "realtime.secret is not set (MAGODOO_WEBHOOK_SECRET)"
    return settings.realtime.public_url, ""


@needs("webhooks")
async def webhooks_page(request: web.Request) -> web.StreamResponse:
    from magodoo.realtime import list_odoo_webhooks

    settings = request.app[SETTINGS]
    public_url, why_not = _install_target(settings)
    shown: dict[str, Any] = {"title": "Odoo webhooks", "public_url": public_url,
                             "why_not": why_not}
    try:
        found = await list_odoo_webhooks(request.app[ENGINE].odoo)
    except MagodooError as exc:
        return page(request, "webhooks.html", hooks=[], **shown,
                    error=pretty(f"{type(exc).__name__}: {exc}", settings))
    hooks = [(w.model, w.automation_id, ", ".join(map(str, w.action_ids)), w.active,
              pretty(w.url or "", settings)) for w in found]
    return page(request, "webhooks.html", hooks=hooks, **shown)


@needs("webhooks.manage")
async def webhooks_install(request: web.Request) -> web.StreamResponse:
    """Create or refresh the automations (as ``magodoo webhooks install``)."""
    from magodoo.cli.realtime import provision_engine

    settings = request.app[SETTINGS]
    public_url, why_not = _install_target(settings)
    if why_not:
        return await flash_and_go(request, f"not installed: {why_not}", "/webhooks")
    assert settings.realtime.secret is not None
    try:
        done = await provision_engine(request.app[ENGINE], public_url,
                                      settings.realtime.secret)
    except MagodooError as exc:
        return await flash_and_go(request, f"install failed: {type(exc).__name__}: {exc}",
                                  "/webhooks")
    log.info("console: webhooks installed", extra={
        "user": who(request), "models": [p.model for p in done]})
    if not done:
        return await flash_and_go(request, "none installed (no Odoo -> Magento entity has "
                                           "realtime = true)", "/webhooks")
    return await flash_and_go(request, "installed: " + ", ".join(
        f"{p.model} ({'created' if p.created else 'refreshed'})" for p in done), "/webhooks")


@needs("webhooks.manage")
async def webhooks_remove(request: web.Request) -> web.StreamResponse:
    """Delete the automations of the chosen models, or all of them (``all``)."""
    from magodoo.realtime import remove_odoo_webhooks

    form = await request.post()
    models = [str(m) for m in form.getall("model", []) if str(m)]
    if not models and not form.get("all"):
        return await flash_and_go(request, "nothing removed: choose a model or all",
                                  "/webhooks")
    try:
        removed = await remove_odoo_webhooks(request.app[ENGINE].odoo,
                                             None if form.get("all") else models)
    except MagodooError as exc:
        return await flash_and_go(request, f"remove failed: {type(exc).__name__}: {exc}",
                                  "/webhooks")
    log.info("console: webhooks removed", extra={
        "user": who(request), "models": [w.model for w in removed]})
    return await flash_and_go(request, f"removed {len(removed)} webhook automations"
                              + (": " + ", ".join(w.model for w in removed) if removed else ""),
                              "/webhooks")
