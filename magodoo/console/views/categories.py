"""Reset categories (technical admins): the dry run of :func:`magodoo.engine.reset_categories`
first (what would be deleted in Magento and created again from Odoo), then a confirm form
that runs it, as ``magodoo reset-categories`` does on a terminal."""

from __future__ import annotations

import secrets
from typing import Any

import attrs
from aiohttp import web

from magodoo.backends.models import utcnow
from magodoo.console._app import ENGINE, STATE, log, needs, who
from magodoo.console.views._render import page
from magodoo.exceptions import MagodooError

SHOWN = 200
"""Categories listed per side on the dry run page."""
KEEP = 5
"""Dry runs remembered (the oldest are forgotten)."""


@attrs.define
class ResetPlan:
    """A dry run shown to ``user``; a reset runs only from one of these, once."""

    id: str
    user: str
    report: Any
    done: bool = False


def _plans(request: web.Request) -> dict[str, ResetPlan]:
    plans: dict[str, ResetPlan] = request.app[STATE].setdefault("resets", {})
    return plans


@needs("categories.reset")
async def reset_form(request: web.Request) -> web.StreamResponse:
    return page(request, "categories_reset.html", title="Reset categories", plan=None,
                shown=SHOWN, result=None)


@needs("categories.reset")
async def reset_plan(request: web.Request) -> web.StreamResponse:
    """The dry run: reads both sides, changes nothing."""
    try:
        report = await request.app[ENGINE].reset_categories(dry_run=True)
    except MagodooError as exc:
        return page(request, "categories_reset.html", title="Reset categories", plan=None,
                    shown=SHOWN, result=None, error=f"{type(exc).__name__}: {exc}")
    plan = ResetPlan(secrets.token_urlsafe(12), who(request), report)
    plans = _plans(request)
    plans[plan.id] = plan
    while len(plans) > KEEP:
        plans.pop(next(iter(plans)))
    return page(request, "categories_reset.html", title="Reset categories: dry run",
                plan=plan, shown=SHOWN, result=None)


@needs("categories.reset")
async def reset_run(request: web.Request) -> web.StreamResponse:
    """Run the reset confirmed on a dry run's page (a dry run confirms once)."""
    form = await request.post()
    plan = _plans(request).get(str(form.get("plan", "")))
    if plan is None or plan.done:
        return page(request, "error.html", status=409, title="Reset categories",
                    message="this dry run is unknown, too old or already run; run a new "
                            "dry run first")
    if form.get("confirm") != "yes":
        return page(request, "categories_reset.html", title="Reset categories: dry run",
                    plan=plan, shown=SHOWN, result=None, status=400,
                    error="tick the box to confirm the reset")
    plan.done = True
    log.warning("console: categories reset", extra={
        "user": who(request), "delete": len(plan.report.deleted),
        "create": len(plan.report.created)})
    started = utcnow()
    try:
        done = await request.app[ENGINE].reset_categories()
    except MagodooError as exc:
        return page(request, "categories_reset.html", title="Reset categories", plan=None,
                    shown=SHOWN, result=None, status=502,
                    error=f"the reset stopped: {type(exc).__name__}: {exc}")
    return page(request, "categories_reset.html", title="Reset categories: done", plan=None,
                shown=SHOWN, result=done, started=started)
