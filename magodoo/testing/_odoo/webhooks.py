"""Outgoing webhooks: base.automation + ir.actions.server (``state='webhook'``), as Odoo sends them.

Odoo posts ``json.dumps(vals, sort_keys=True, default=str)`` synchronously inside the RPC, with a
1 s timeout, no retry, and only logs failures. The fake collects the payloads during the call and
posts them before answering the RPC (so the RPC is held up, as in Odoo), never failing the RPC.
"""

from __future__ import annotations

import ast
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import attrs
from aiohttp import web

from .domain import compile_domain
from .orm import Database, Env, Method, Row
from .values import webhook_datetime

log = logging.getLogger("magodoo.testing.fake_odoo")

CREATE_TRIGGERS = {"on_create_or_write", "on_create", "on_state_set", "on_priority_set",
                   "on_stage_set", "on_user_set", "on_tag_set"}
WRITE_TRIGGERS = {"on_create_or_write", "on_write", "on_state_set", "on_priority_set",
                  "on_stage_set", "on_user_set", "on_tag_set", "on_archive", "on_unarchive"}
ACTION_NAME = "Send Webhook Notification"


@attrs.define
class Webhooks:
    """Sender of the webhook POSTs; owns an ``aiohttp.ClientSession`` for the app's lifetime.

    ``create_followups`` reproduces the extra POSTs the real server sends after some creates
    (``product.template`` with a ``default_code``: 3 POSTs, the first with ``default_code: false``).
    """

    calls: list[tuple[str, dict[str, Any]]] = attrs.Factory(list)
    timeout: float = 1.0
    create_followups: dict[str, tuple[str, int]] = attrs.Factory(
        lambda: {"product.template": ("default_code", 2)}
    )
    session: aiohttp.ClientSession | None = None

    async def session_ctx(self, _app: web.Application) -> AsyncIterator[None]:
        self.session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            headers={"User-Agent": "python-requests/2.31.0"},
        )
        try:
            yield
        finally:
            await self.session.close()
            self.session = None

    async def flush(self, outbox: list[tuple[str, str]]) -> None:
        while outbox:
            url, body = outbox.pop(0)
            self.calls.append((url, json.loads(body)))
            await self._post(url, body)

    async def _post(self, url: str, body: str) -> None:
        log.info("Webhook call to %s", url)
        if self.session is None:
            return
        try:
            async with self.session.post(
                url, data=body, headers={"Content-Type": "application/json"},
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as response:
                if response.status >= 400:
                    log.warning("Webhook call failed: %s for url: %s", response.status, url)
        except TimeoutError:
            log.warning("Webhook call timed out after 1s - it may or may not have failed.")
        except aiohttp.ClientError as exc:
            log.warning("Webhook call failed: %s", exc)

    # -- ORM side -----------------------------------------------------------------------------
    def install(self, db: Database) -> None:
        db.listeners.append(self.on_change)
        action = db.spec("ir.actions.server")
        action.defaults.update({"state": lambda _e, _v: "code", "usage": lambda _e, _v:
                                "ir_actions_server", "binding_type": lambda _e, _v: "action"})
        action.required.update({"name": None, "model_id": None})
        action.before_create.append(_action_name_on_create)
        action.after_write.append(_action_name_on_write)
        action.computes.update({
            "model_name": lambda e, r: e.db.get("ir.model", r["model_id"]).get("model"),
            "webhook_sample_payload": _sample_payload,
        })
        auto = db.spec("base.automation")
        auto.o2m["action_server_ids"] = "base_automation_id"
        auto.required.update({"name": None, "model_id": None, "trigger": None})
        auto.defaults["active"] = lambda _e, _v: True
        auto.before_create.append(_automation_selection)
        auto.computes["model_name"] = lambda e, r: e.db.get("ir.model", r["model_id"]).get("model")
        db.on_delete("ir.actions.server", "base_automation_id", "cascade")
        db.on_delete("ir.actions.server", "model_id", "cascade")
        db.on_delete("base.automation", "model_id", "cascade")
        auto.methods["action_archive"] = Method(_archive_automation)

    def on_change(
        self, env: Env, model: str, event: str, ids: list[int], changed: set[str]
    ) -> None:
        db = env.db
        autos = [a for a in db.table("base.automation").values()
                 if a.get("active", True) and db.table("ir.model").get(a.get("model_id") or 0, {})
                 .get("model") == model]
        if not autos:
            return
        for auto in sorted(autos, key=lambda a: a["id"]):
            trigger = auto.get("trigger")
            if event == "create" and trigger not in CREATE_TRIGGERS:
                continue
            if event == "write" and trigger not in WRITE_TRIGGERS:
                continue
            names = _field_names(db, auto.get("trigger_field_ids") or [])
            if event == "write" and names and not (names & changed):
                continue
            if event == "write" and trigger in ("on_archive", "on_unarchive") and (
                "active" not in changed
            ):
                continue
            pred = _filter(env, model, auto)
            for rid in ids:
                row = db.table(model).get(rid)
                if row is None or not pred(row):
                    continue
                if trigger == "on_archive" and row.get("active", True):
                    continue
                if trigger == "on_unarchive" and not row.get("active", True):
                    continue
                for action in db.where("ir.actions.server", base_automation_id=auto["id"]):
                    if action.get("state") == "webhook" and action.get("webhook_url"):
                        self._queue(env, model, row, action, event)

    def _queue(self, env: Env, model: str, row: Row, action: Row, event: str) -> None:
        payload = build_payload(env, model, row, action)
        url = str(action["webhook_url"])
        followup = self.create_followups.get(model)
        if event == "create" and followup and payload.get(followup[0]):
            first = dict(payload)
            first[followup[0]] = False
            env.outbox.append((url, _dumps(first)))
            for _ in range(followup[1]):
                env.outbox.append((url, _dumps(payload)))
            return
        env.outbox.append((url, _dumps(payload)))


def _archive_automation(env: Env, ids: list[int], _a: list[Any], _k: dict[str, Any]) -> Any:
    env.db.write(env, "base.automation", ids, {"active": False})
    return None


def _dumps(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, default=str)


def _field_names(db: Database, field_ids: list[int]) -> set[str]:
    table = db.table("ir.model.fields")
    return {str(table[i]["name"]) for i in field_ids if i in table}


def _filter(env: Env, model: str, auto: Row) -> Any:
    text = auto.get("filter_domain")
    if not text:
        return lambda _r: True
    try:
        domain = ast.literal_eval(str(text))
    except (ValueError, SyntaxError):
        return lambda _r: True
    return compile_domain(env, model, list(domain))


def build_payload(env: Env, model: str, row: Row, action: Row) -> dict[str, Any]:
    db = env.db
    payload: dict[str, Any] = {
        "_action": f"{action.get('name')}(#{action['id']})", "_id": row["id"], "_model": model,
    }
    names = sorted(_field_names(db, action.get("webhook_field_ids") or []))
    if names:
        payload["id"] = row["id"]
    fields = db.fields(model)
    for name in names:
        ftype = fields[name]["type"]
        value = db.raw_value(env, model, row, name)
        if ftype == "many2one":
            payload[name] = value or False
        elif ftype in ("one2many", "many2many"):
            payload[name] = list(value or [])
        elif ftype == "datetime":
            payload[name] = webhook_datetime(value)
        elif ftype == "boolean":
            payload[name] = bool(value)
        elif ftype in ("float", "monetary"):
            payload[name] = float(value or 0.0)
        else:
            payload[name] = value if value not in (None, "") else False
    return payload


def _sample_payload(env: Env, action: Row) -> str:
    model = env.db.get("ir.model", action["model_id"]).get("model")
    rows = sorted(env.db.table(str(model)).values(), key=lambda r: r["id"])
    if not rows:
        return "{}"
    return json.dumps(build_payload(env, str(model), rows[0], action), sort_keys=True,
                      default=str, indent=4)


def _action_name_on_create(_env: Env, row: Row) -> None:
    if row.get("base_automation_id"):
        row["name"] = ACTION_NAME


def _action_name_on_write(env: Env, ids: list[int], vals: dict[str, Any]) -> None:
    if {"state", "webhook_url", "webhook_field_ids", "model_id"} & set(vals):
        for rid in ids:
            row = env.db.get("ir.actions.server", rid)
            if row.get("base_automation_id"):
                row["name"] = ACTION_NAME


def _automation_selection(env: Env, row: Row) -> None:
    selection_id = row.get("trg_selection_field_id")
    if not selection_id or row.get("trigger") not in ("on_state_set", "on_priority_set"):
        return
    selection = env.db.get("ir.model.fields.selection", selection_id)
    field = env.db.get("ir.model.fields", selection["field_id"])
    row["filter_domain"] = f"[('{field['name']}', '=', '{selection['value']}')]"
    row["trigger_field_ids"] = [field["id"]]
