"""Outgoing webhooks provisioned over RPC as NOTES.md records; payloads shaped as the samples."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from aiohttp import web
from odoo_rpc import Rpc

from magodoo.testing._server import serve


@attrs.define
class Receiver:
    url: str = ""
    hits: list[tuple[str, dict[str, str], str]] = attrs.Factory(list)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _path, _headers, body in self.hits]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()

    async def hook(request: web.Request) -> web.Response:
        rec.hits.append((request.path, dict(request.headers), await request.text()))
        if "slow" in request.path:
            await asyncio.sleep(0.5)
        if "fail" in request.path:
            return web.json_response({"ok": False}, status=500)
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/hook/{name}", hook)
    async with serve(app) as url:
        rec.url = url
        yield rec


async def _field_ids(odoo: Rpc, model: str, names: list[str]) -> dict[str, int]:
    rows = await odoo("ir.model.fields", "search_read",
                      [["model", "=", model], ["name", "in", names]], fields=["name"])
    return {r["name"]: r["id"] for r in rows}


async def _model_id(odoo: Rpc, model: str) -> int:
    (mid,) = await odoo("ir.model", "search", [["model", "=", model]])
    assert isinstance(mid, int)
    return mid


async def test_product_template_webhook(odoo: Rpc, receiver: Receiver, odoo_reference: Path
                                        ) -> None:
    sample = json.loads((odoo_reference / "samples" / "webhook-product.template.json").read_text())
    model_id = await _model_id(odoo, "product.template")
    assert model_id == 387
    fields = await _field_ids(odoo, "product.template",
                              ["active", "default_code", "list_price", "name", "write_date"])
    action = await odoo("ir.actions.server", "create", {
        "name": "Webhook product.template", "model_id": model_id, "state": "webhook",
        "webhook_url": f"{receiver.url}/hook/product.template",
        "webhook_field_ids": [[6, 0, list(fields.values())]],
    })
    assert action == sample["provisioning"]["1_result_id"] == 500
    automation = await odoo("base.automation", "create", {
        "name": "Push product.template changes", "model_id": model_id,
        "trigger": "on_create_or_write",
        "trigger_field_ids": [[6, 0, [fields[n] for n in ("active", "default_code", "list_price",
                                                           "name")]]],
        "action_server_ids": [[6, 0, [action]]],
    })
    (auto,) = await odoo("base.automation", "read", [automation],
                         ["model_id", "model_name", "trigger", "action_server_ids", "active"])
    real = sample["provisioning"]["readback_automation"][0]
    assert auto["model_id"] == real["model_id"] and auto["model_name"] == real["model_name"]
    assert auto["action_server_ids"] == [500] and auto["active"] is True
    assert await odoo("product.template", "write", [8], {"list_price": 499.0}) is True
    assert len(receiver.hits) == 1
    path, headers, body = receiver.hits[0]
    expected = sample["write"]["captured_requests"][0]
    assert path == expected["path"]
    assert headers["Content-Type"] == "application/json"
    got, want = json.loads(body), expected["body_json"]
    assert sorted(got) == sorted(want) and list(got) == sorted(got)
    assert {k: v for k, v in got.items() if k != "write_date"} == {
        k: v for k, v in want.items() if k != "write_date"}
    assert body.startswith('{"_action": "Webhook product.template(#500)", "_id": 8, ')
    assert len(got["write_date"]) in (19, 26) and got["write_date"][10] == " "
    assert odoo.fake.webhook_calls[0] == (f"{receiver.url}/hook/product.template", got)
    # a write that touches no trigger field sends nothing
    await odoo("product.template", "write", [8], {"description_sale": "x"})
    assert len(receiver.hits) == 1
    # a create with a default_code: 3 POSTs, the first without the code
    new_id = await odoo("product.template", "create", {
        "name": "Webhook Test Product", "list_price": 12.5, "default_code": "WH-TEST-1"})
    created = receiver.bodies()[1:]
    assert [b["default_code"] for b in created] == [False, "WH-TEST-1", "WH-TEST-1"]
    assert {b["_id"] for b in created} == {new_id}
    # changing the url renames the linked action, as the real server does
    await odoo("ir.actions.server", "write", [action],
               {"webhook_url": f"{receiver.url}/hook/fail"})
    assert await odoo("product.template", "write", [8], {"list_price": 502.0}) is True
    assert receiver.bodies()[-1]["_action"] == "Send Webhook Notification(#500)"
    # clean-up: the automation takes its action with it
    await odoo("base.automation", "unlink", [automation])
    assert await odoo("ir.actions.server", "search", [["id", "=", action]]) == []


async def test_sale_order_and_picking_webhooks(odoo: Rpc, receiver: Receiver,
                                               odoo_reference: Path) -> None:
    so_model = await _model_id(odoo, "sale.order")
    so_fields = await _field_ids(odoo, "sale.order", [
        "amount_total", "date_order", "name", "order_line", "partner_id", "state", "write_date"])
    await odoo("base.automation", "create", {
        "name": "Push sale.order state", "model_id": so_model, "trigger": "on_create_or_write",
        "trigger_field_ids": [[6, 0, [so_fields["state"]]]],
        "action_server_ids": [[0, 0, {
            "name": "Webhook sale.order", "model_id": so_model, "state": "webhook",
            "usage": "base_automation", "webhook_url": f"{receiver.url}/hook/sale.order",
            "webhook_field_ids": [[6, 0, list(so_fields.values())]]}]],
    })
    so = await odoo("sale.order", "create", {"partner_id": 11, "order_line": [
        [0, 0, {"product_id": 17, "product_uom_qty": 1, "price_unit": 66.0, "tax_id": []}]]})
    hits_after_create = len(receiver.hits)  # the create sets state too (on_create_or_write)
    assert await odoo("sale.order", "action_confirm", [so]) is True
    body = receiver.bodies()[-1]
    want = json.loads((odoo_reference / "samples" / "webhook-sale.order.json").read_text())[
        "confirm"]["captured_requests"][0]["body_json"]
    assert len(receiver.hits) == hits_after_create + 1
    assert sorted(body) == sorted(want)
    assert body["_action"].startswith("Send Webhook Notification(#")
    assert body["state"] == "sale" and body["partner_id"] == 11
    assert body["amount_total"] == 66.0 and isinstance(body["order_line"], list)
    assert len(body["date_order"]) == 19

    pk_model = await _model_id(odoo, "stock.picking")
    assert pk_model == 524
    pk_fields = await _field_ids(odoo, "stock.picking", [
        "carrier_id", "carrier_tracking_ref", "date_done", "move_ids", "name", "origin",
        "partner_id", "picking_type_code", "sale_id", "state"])
    (done,) = await odoo("ir.model.fields.selection", "search",
                         [["field_id", "=", pk_fields["state"]], ["value", "=", "done"]])
    auto = await odoo("base.automation", "create", {
        "name": "Push picking done", "model_id": pk_model, "trigger": "on_state_set",
        "trg_selection_field_id": done,
        "action_server_ids": [[0, 0, {
            "name": "Webhook stock.picking", "model_id": pk_model, "state": "webhook",
            "usage": "base_automation", "webhook_url": f"{receiver.url}/hook/stock.picking",
            "webhook_field_ids": [[6, 0, list(pk_fields.values())]]}]],
    })
    (row,) = await odoo("base.automation", "read", [auto], ["filter_domain", "trigger_field_ids"])
    assert row["filter_domain"] == "[('state', '=', 'done')]"
    assert row["trigger_field_ids"] == [pk_fields["state"]]
    (picking,) = (await odoo("sale.order", "read", [so], ["picking_ids"]))[0]["picking_ids"]
    count = len(receiver.hits)
    action = await odoo("stock.picking", "button_validate", [picking])
    assert action["res_model"] == "confirm.stock.sms"  # the partner has a phone: SMS question
    assert len(receiver.hits) == count
    assert await odoo("stock.picking", "button_validate", [picking],
                      context={"skip_sms": True}) is True
    body = receiver.bodies()[-1]
    assert len(receiver.hits) == count + 1
    want = json.loads((odoo_reference / "samples" / "webhook-stock.picking.json").read_text())[
        "validate"]["captured_requests"][0]["body_json"]
    assert sorted(body) == sorted(want)
    assert body["state"] == "done" and body["date_done"] is False
    assert body["sale_id"] == so and body["picking_type_code"] == "outgoing"
    (after,) = await odoo("stock.picking", "read", [picking], ["date_done"])
    assert after["date_done"]


async def test_failures_never_fail_the_rpc(odoo: Rpc, receiver: Receiver) -> None:
    odoo.fake.webhooks.timeout = 0.1
    model_id = await _model_id(odoo, "product.template")
    fields = await _field_ids(odoo, "product.template", ["list_price"])
    await odoo("base.automation", "create", {
        "name": "x", "model_id": model_id, "trigger": "on_create_or_write",
        "action_server_ids": [[0, 0, {
            "name": "w", "model_id": model_id, "state": "webhook",
            "webhook_url": f"{receiver.url}/hook/slow",
            "webhook_field_ids": [[6, 0, list(fields.values())]]}]],
    })
    for url in (f"{receiver.url}/hook/slow", f"{receiver.url}/hook/fail",
                "http://127.0.0.1:9/nothing-listens-here"):
        action_id = max(odoo.fake.table("ir.actions.server"))
        await odoo("ir.actions.server", "write", [action_id], {"webhook_url": url})
        assert await odoo("product.template", "write", [8], {"list_price": 501.0}) is True
    assert [p for p, _h, _b in receiver.hits] == ["/hook/slow", "/hook/fail"]
    assert len(odoo.fake.webhook_calls) == 3
