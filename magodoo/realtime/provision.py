"""Create (or refresh) Odoo's webhook automations over RPC.

Per model, as recorded on a real Odoo 18 (``reference/odoo/NOTES.md``):

1. ``ir.model.search`` the model id, ``ir.model.fields.search_read`` the field ids;
2. an ``ir.actions.server`` with ``state='webhook'``, ``webhook_url`` and
   ``webhook_field_ids`` (the fields sent in the body);
3. a ``base.automation`` with ``trigger='on_create_or_write'``, ``trigger_field_ids`` (the
   fields whose change fires it) and ``action_server_ids=[(6, 0, [action id])]``.

Idempotent: an automation is found by its name first, and its webhook action is then
updated in place (the URL may carry a new secret); an action left alone by an earlier,
interrupted run is found by name and reused.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from magodoo.engine.ports import OdooPort
from magodoo.exceptions import ConfigurationError

__all__ = [
    "InstalledWebhook",
    "ProvisionedWebhook",
    "WebhookOdoo",
    "list_odoo_webhooks",
    "provision_odoo_webhooks",
    "remove_odoo_webhooks",
]

log = logging.getLogger("magodoo.realtime")

DEFAULT_PREFIX = "magodoo"


WebhookOdoo = OdooPort
"""The Odoo calls provisioning makes: the engine's :class:`~magodoo.engine.ports.OdooPort`
(an :class:`~magodoo.odoo.OdooClient` fits)."""


@attrs.frozen
class ProvisionedWebhook:
    """The automation and webhook action of one model; ``created`` is False when they were
    found (and refreshed) rather than created."""

    model: str
    automation_id: int
    action_id: int
    created: bool


def _names(prefix: str, model: str) -> tuple[str, str]:
    return f"{prefix}: push {model} changes", f"{prefix}: webhook {model}"


async def _model_id(odoo: WebhookOdoo, model: str) -> int:
    rows = await odoo.search_read_page("ir.model", [("model", "=", model)], ["id"], limit=1)
    if not rows:
        raise ConfigurationError(f"webhooks.{model}: no such Odoo model")
    return int(rows[0]["id"])


async def _field_ids(odoo: WebhookOdoo, model: str, names: Sequence[str]) -> dict[str, int]:
    rows = await odoo.search_read_page(
        "ir.model.fields", [("model", "=", model), ("name", "in", list(names))], ["id", "name"])
    found = {str(r["name"]): int(r["id"]) for r in rows}
    missing = [n for n in names if n not in found]
    if missing:
        raise ConfigurationError(f"webhooks.{model}: unknown fields {missing}")
    return found


async def _one(
    odoo: WebhookOdoo, url: str, model: str, fields: Sequence[str], prefix: str
) -> ProvisionedWebhook:
    auto_name, action_name = _names(prefix, model)
    model_id = await _model_id(odoo, model)
    sent = list(dict.fromkeys([*fields, "write_date"]))
    ids = await _field_ids(odoo, model, sent)
    trigger_ids = [ids[n] for n in fields if n != "write_date"]
    action_vals: dict[str, Any] = {
        "webhook_url": url,
        "webhook_field_ids": [(6, 0, [ids[n] for n in sent])],
    }
    autos = await odoo.search_read_page(
        "base.automation", [("name", "=", auto_name), ("model_id", "=", model_id)],
        ["id", "action_server_ids", "active"], limit=1)
    if autos:
        auto = autos[0]
        auto_id = int(auto["id"])
        actions = [int(a) for a in auto.get("action_server_ids") or []]
        hooks = await odoo.search_read_page(
            "ir.actions.server", [("id", "in", actions), ("state", "=", "webhook")], ["id"])
        if hooks:
            action_id = int(hooks[0]["id"])
            await odoo.write("ir.actions.server", [action_id], action_vals)
        else:
            (action_id,) = await odoo.create("ir.actions.server", [{
                "name": action_name, "model_id": model_id, "state": "webhook", **action_vals}])
        await odoo.write("base.automation", [auto_id], {
            "active": True, "trigger": "on_create_or_write",
            "trigger_field_ids": [(6, 0, trigger_ids)],
            "action_server_ids": [(4, action_id)],
        })
        log.info("webhook automation refreshed", extra={"model": model, "automation": auto_id})
        return ProvisionedWebhook(model, auto_id, action_id, created=False)
    orphans = await odoo.search_read_page(
        "ir.actions.server",
        [("name", "=", action_name), ("model_id", "=", model_id), ("state", "=", "webhook")],
        ["id"], limit=1)
    if orphans:
        action_id = int(orphans[0]["id"])
        await odoo.write("ir.actions.server", [action_id], action_vals)
    else:
        (action_id,) = await odoo.create("ir.actions.server", [{
            "name": action_name, "model_id": model_id, "state": "webhook", **action_vals}])
    (auto_id,) = await odoo.create("base.automation", [{
        "name": auto_name, "model_id": model_id, "trigger": "on_create_or_write",
        "trigger_field_ids": [(6, 0, trigger_ids)],
        "action_server_ids": [(6, 0, [action_id])],
    }])
    log.info("webhook automation created", extra={"model": model, "automation": auto_id})
    return ProvisionedWebhook(model, auto_id, action_id, created=True)


async def provision_odoo_webhooks(
    odoo: WebhookOdoo,
    url: str,
    models_and_fields: Mapping[str, Sequence[str]],
    *,
    prefix: str = DEFAULT_PREFIX,
) -> list[ProvisionedWebhook]:
    """Make Odoo POST to ``url`` when one of the given fields of a model changes.

    ``models_and_fields`` maps each Odoo model to the fields whose change fires the webhook;
    they (and ``write_date``) are also sent in the body. ``url`` is the receiver's full URL,
    secret included (:meth:`WebhookReceiver.url`). Runs as the client's user (an admin).
    """
    if not url.startswith(("http://", "https://")):
        raise ConfigurationError("webhooks.url: must be an http(s) URL")
    done: list[ProvisionedWebhook] = []
    for model, fields in models_and_fields.items():
        if not fields:
            raise ConfigurationError(f"webhooks.{model}: name at least one trigger field")
        done.append(await _one(odoo, url, model, list(fields), prefix))
    return done


@attrs.frozen
class InstalledWebhook:
    """An automation magodoo made (found by its name), with its webhook actions.
    ``url`` is the webhook URL with the secret path segment replaced by ``***``."""

    model: str
    automation_id: int
    action_ids: tuple[int, ...]
    active: bool
    url: str | None


def _hide_secret(url: str | None) -> str | None:
    if not url:
        return None
    head, sep, _ = url.rstrip("/").rpartition("/")
    return f"{head}{sep}***" if sep else "***"


async def list_odoo_webhooks(
    odoo: WebhookOdoo, *, prefix: str = DEFAULT_PREFIX
) -> list[InstalledWebhook]:
    """The automations :func:`provision_odoo_webhooks` made (active or not)."""
    head, tail = f"{prefix}: push ", " changes"  # as _names() spells them
    autos = await odoo.search_read_page(
        "base.automation",
        ["&", ("name", "=like", f"{head}%{tail}"), "|", ("active", "=", True),
         ("active", "=", False)],
        ["id", "name", "active", "action_server_ids"])
    out: list[InstalledWebhook] = []
    for auto in sorted(autos, key=lambda a: int(a["id"])):
        name = str(auto["name"])
        model = name[len(head):len(name) - len(tail)]
        actions = [int(a) for a in auto.get("action_server_ids") or []]
        hooks = await odoo.search_read_page(
            "ir.actions.server", [("id", "in", actions), ("state", "=", "webhook")],
            ["id", "webhook_url"]) if actions else []
        out.append(InstalledWebhook(
            model=model, automation_id=int(auto["id"]),
            action_ids=tuple(sorted(int(h["id"]) for h in hooks)),
            active=bool(auto.get("active", True)),
            url=_hide_secret(str(hooks[0].get("webhook_url") or "")) if hooks else None))
    return out


async def remove_odoo_webhooks(
    odoo: WebhookOdoo, models: Sequence[str] | None = None, *, prefix: str = DEFAULT_PREFIX
) -> list[InstalledWebhook]:
    """Delete the automations (and their webhook actions) of ``models`` (default: all that
    :func:`list_odoo_webhooks` finds); returns what was removed."""
    found = [w for w in await list_odoo_webhooks(odoo, prefix=prefix)
             if models is None or w.model in models]
    for webhook in found:
        await odoo.unlink("base.automation", [webhook.automation_id])
        # Odoo deletes an automation's actions with it (ondelete cascade); any left go too
        left = await odoo.search_read_page(
            "ir.actions.server", [("id", "in", list(webhook.action_ids))], ["id"]
        ) if webhook.action_ids else []
        if left:
            await odoo.unlink("ir.actions.server", [int(r["id"]) for r in left])
        log.info("webhook automation removed",
                 extra={"model": webhook.model, "automation": webhook.automation_id})
    return found


DEFAULT_FIELDS: Mapping[str, Sequence[str]] = {
    "product.public.category": ("name", "parent_id", "sequence"),
    "stock.picking": ("state",),
    "product.attribute": ("name", "display_type", "create_variant", "value_ids"),
    "product.template": ("name", "list_price", "default_code", "active", "sale_ok",
                         "is_published", "description_sale", "weight", "public_categ_ids"),
}
"""Trigger fields per model for the entities magodoo ships."""
