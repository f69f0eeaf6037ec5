"""Provisioning over RPC, then the whole realtime service: an Odoo rename reaches Magento through
the webhook, a new Magento customer reaches Odoo through the poller."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from magodoo.backends import Direction, JobState
from magodoo.exceptions import ConfigurationError
from magodoo.realtime import (
    DEFAULT_FIELDS,
    RealtimeStats,
    WebhookReceiver,
    poll_magento,
    provision_odoo_webhooks,
    run_realtime,
)
from magodoo.testing._magento.customers import create_customer
from tests.realtime.conftest import SECRET, World, eventually

CATEGORY = "product.public.category"


async def test_provision_as_notes_describe_and_idempotent(world: World) -> None:
    odoo = world.conn.odoo
    url = f"http://127.0.0.1:9/odoo/webhook/{SECRET}"
    categories = {CATEGORY: DEFAULT_FIELDS[CATEGORY]}
    (first,) = await provision_odoo_webhooks(odoo, url, categories)
    assert first.created and first.model == CATEGORY
    (auto,) = await odoo.read("base.automation", [first.automation_id],
                              ["model_name", "trigger", "trigger_field_ids", "action_server_ids",
                               "active"])
    assert auto["model_name"] == CATEGORY
    assert auto["trigger"] == "on_create_or_write"
    assert auto["action_server_ids"] == [first.action_id]
    trigger_names = {r["name"] for r in await odoo.read("ir.model.fields",
                                                        auto["trigger_field_ids"], ["name"])}
    assert trigger_names == {"name", "parent_id", "sequence"}
    (action,) = await odoo.read("ir.actions.server", [first.action_id],
                                ["state", "webhook_url", "webhook_field_ids", "model_name"])
    assert (action["state"], action["webhook_url"], action["model_name"]) == (
        "webhook", url, CATEGORY)
    sent = {r["name"] for r in await odoo.read("ir.model.fields", action["webhook_field_ids"],
                                               ["name"])}
    assert sent == {"name", "parent_id", "sequence", "write_date"}

    # again, with a new URL: found by name, refreshed in place, nothing duplicated
    new_url = url.replace("127.0.0.1:9", "127.0.0.1:10")
    (again,) = await provision_odoo_webhooks(odoo, new_url, categories)
    assert not again.created
    assert (again.automation_id, again.action_id) == (first.automation_id, first.action_id)
    assert len(world.odoo.table("base.automation")) == 1
    webhooks = [a for a in world.odoo.table("ir.actions.server").values()
                if a.get("state") == "webhook"]
    assert len(webhooks) == 1
    assert webhooks[0]["webhook_url"] == new_url


async def test_catalog_models_are_provisioned_too(world: World) -> None:
    done = await provision_odoo_webhooks(world.conn.odoo, "http://127.0.0.1:9/x", DEFAULT_FIELDS)
    assert {d.model for d in done} == {CATEGORY, "product.attribute", "product.template",
                                       "stock.picking"}
    assert all(d.created for d in done)


async def test_provision_refuses_unknown_fields(world: World) -> None:
    with pytest.raises(ConfigurationError, match="no_such_field"):
        await provision_odoo_webhooks(world.conn.odoo, "http://127.0.0.1:9/x",
                                      {CATEGORY: ["name", "no_such_field"]})
    with pytest.raises(ConfigurationError, match="no such Odoo model"):
        await provision_odoo_webhooks(world.conn.odoo, "http://127.0.0.1:9/x",
                                      {"no.such.model": ["name"]})


def _magento_category(world: World, name: str) -> dict[str, Any] | None:
    return next((c for c in world.magento.state.categories.values() if c.get("name") == name),
                None)


async def test_realtime_end_to_end(world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    engine = world.engine
    # the initial load of the catalog, as the batch runner does it
    first = await engine.sync("categories", "o2m", full=True)
    assert first.failed == 0 and first.created > 0
    stop = asyncio.Event()
    urls: list[str] = []
    service = asyncio.create_task(run_realtime(
        engine, secret=SECRET, stop_event=stop, host="127.0.0.1", port=0,
        poll_interval=0.05, workers=2, ready=urls.append, webhook_delay=0.2))
    try:
        base = await eventually(lambda: urls and urls[0])
        url = WebhookReceiver(engine, SECRET).url(base)
        await provision_odoo_webhooks(world.conn.odoo, url, DEFAULT_FIELDS)

        # Odoo side: rename a category over RPC; Odoo posts the webhook inside the write
        row = next(r for r in world.odoo.table(CATEGORY).values() if r.get("parent_id"))
        old = str(row["name"])
        assert _magento_category(world, old) is not None
        await world.conn.odoo.write(CATEGORY, [int(row["id"])], {"name": old + " (renamed)"})
        assert world.odoo.webhook_calls and world.odoo.webhook_calls[-1][1]["_id"] == row["id"]
        await eventually(lambda: _magento_category(world, old + " (renamed)"))

        # Magento side: a new customer is picked up by the poller
        create_customer(world.magento.state, {
            "email": "poller@example.com", "firstname": "Pol", "lastname": "Ler",
            "addresses": [{"firstname": "Pol", "lastname": "Ler", "street": ["1 Main St"],
                           "city": "Austin", "postcode": "78701", "country_id": "US",
                           "region_id": 57, "telephone": "5125550100",
                           "default_billing": True, "default_shipping": True}]})
        await eventually(lambda: [p for p in world.odoo.table("res.partner").values()
                                  if p.get("email") == "poller@example.com"])
    finally:
        stop.set()
        stats = await asyncio.wait_for(service, 10)
    assert isinstance(stats, RealtimeStats)
    assert stats.webhooks >= 1 and stats.jobs_processed >= 1 and stats.polls >= 1
    counts = await engine.stores.jobs.counts()
    assert counts.get(JobState.WAITING, 0) == 0 and counts.get(JobState.CLAIMED, 0) == 0
    # (the fake Odoo logs the URL it calls, as Odoo does; the test servers log their paths)
    ours = [r for r in caplog.records
            if r.name.startswith("magodoo") and not r.name.startswith("magodoo.testing")]
    assert ours and not [r for r in ours if SECRET in r.getMessage()]
    assert any(r.name == "magodoo.realtime.access" for r in caplog.records)


async def test_stops_at_once_when_asked(world: World) -> None:
    stop = asyncio.Event()
    stop.set()
    stats = await asyncio.wait_for(run_realtime(world.engine, secret=SECRET, stop_event=stop,
                                                port=0, poll_interval=10.0), 5)
    assert stats.webhooks == 0


async def test_poll_magento_moves_the_cursor(world: World) -> None:
    create_customer(world.magento.state, {
        "email": "once@example.com", "firstname": "Once", "lastname": "Polled",
        "addresses": [{"firstname": "Once", "lastname": "Polled", "street": ["2 Main St"],
                       "city": "Austin", "postcode": "78701", "country_id": "US",
                       "region_id": 57, "telephone": "5125550101",
                       "default_billing": True, "default_shipping": True}]})
    stop = asyncio.Event()
    task = asyncio.create_task(poll_magento(world.engine, ["customers"], 0.05, stop))
    await eventually(lambda: [p for p in world.odoo.table("res.partner").values()
                              if p.get("email") == "once@example.com"])
    stop.set()
    passes = await asyncio.wait_for(task, 5)
    assert passes >= 1
    assert await world.engine.stores.cursors.get("default", "customers", Direction.MAGENTO_TO_ODOO)
