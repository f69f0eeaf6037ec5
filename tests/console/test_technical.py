"""The technical admin's actions over the aiohttp test client: reset categories (dry run
first, then a confirm form) and install/remove the Odoo webhooks; refused (403, logged) for
the lower roles and without the CSRF token."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import attrs
import pytest
from aiohttp.test_utils import TestClient, TestServer

from magodoo.console import console_app
from magodoo.engine import connect
from magodoo.realtime import list_odoo_webhooks
from magodoo.settings import EntitySettings, RealtimeSettings
from magodoo.testing import serve
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo

from .conftest import FAST_RETRY, ODOO_KEY, World, csrf_of, login, settings_for

WEBHOOK_SECRET = "webhook-secret-never-shown-0123456789abcdef"
ACTIONS = ["/categories/reset/plan", "/categories/reset", "/webhooks/install",
           "/webhooks/remove"]


@pytest.fixture
async def realtime_world() -> AsyncIterator[World]:
    """As ``world``, with categories in real time and the realtime service's URL and secret."""
    magento = FakeMagento(seed=None)
    odoo = FakeOdoo(seed="demo", api_key=ODOO_KEY)
    async with serve(magento.app) as murl, serve(odoo.app) as ourl:
        settings = attrs.evolve(
            settings_for(murl, ourl, magento.admin_token()),
            realtime=RealtimeSettings(public_url="https://sync.example.com",
                                      secret=WEBHOOK_SECRET),
            entities={"categories": EntitySettings(realtime=True)})
        async with await connect(settings, retry=FAST_RETRY) as conn:
            client = TestClient(TestServer(console_app(conn.engine), host="127.0.0.1"))
            await client.start_server()
            try:
                yield World(magento, odoo, conn, client)
            finally:
                await client.close()


@pytest.mark.parametrize("name", ["ursula", "adam"])
async def test_lower_roles_may_not_reset_or_manage_webhooks(
        realtime_world: World, name: str, caplog: pytest.LogCaptureFixture) -> None:
    w = realtime_world
    await w.engine.sync("categories", "o2m")
    before = len(w.magento.state.categories.rows)
    c = w.client
    token = await login(c, name)
    assert "Reset categories" not in await (await c.get("/")).text()
    assert (await c.get("/categories/reset")).status == 403
    caplog.set_level(logging.WARNING, "magodoo.console")
    for path in ACTIONS:
        caplog.clear()
        response = await c.post(path, data={"csrf_token": token, "all": "1",
                                            "confirm": "yes", "model": "product.template"},
                                allow_redirects=False)
        assert response.status == 403, path
        assert any(r.__dict__.get("user") == name and r.__dict__.get("path") == path
                   for r in caplog.records), "a refused action is logged with who and what"
    assert len(w.magento.state.categories.rows) == before
    assert await list_odoo_webhooks(w.engine.odoo) == []


async def test_reset_shows_the_dry_run_then_resets_on_confirmation(
        realtime_world: World, caplog: pytest.LogCaptureFixture) -> None:
    w = realtime_world
    first = await w.engine.sync("categories", "o2m")
    assert first.created and not first.failed
    old_ids = {int(b.magento_id) for b in await w.engine.stores.bindings.list_bindings(
        "default", "categories")}
    c = w.client
    token = await login(c, "tess")
    text = await (await c.get("/categories/reset")).text()
    assert 'action="/categories/reset/plan"' in text
    # the reset itself refuses to run without a dry run, or without the CSRF token
    response = await c.post("/categories/reset", data={"csrf_token": token, "plan": "made-up",
                                                       "confirm": "yes"})
    assert response.status == 409
    text = await (await c.post("/categories/reset/plan", data={"csrf_token": token})).text()
    assert f"Would delete <strong>{len(old_ids)}</strong>" in text
    assert f"create <strong>{first.created}</strong>" in text
    assert len(w.magento.state.categories.rows) == len(old_ids) + 2  # dry: nothing deleted
    plan = text.split('name="plan" value="')[1].split('"')[0]
    response = await c.post("/categories/reset", data={"plan": plan, "confirm": "yes"})
    assert response.status == 403 and "CSRF" in await response.text()
    response = await c.post("/categories/reset", data={"csrf_token": token, "plan": plan})
    assert response.status == 400 and "confirm" in await response.text()  # box not ticked
    caplog.set_level(logging.WARNING, "magodoo.console")
    response = await c.post("/categories/reset", data={"csrf_token": token, "plan": plan,
                                                       "confirm": "yes"})
    text = await response.text()
    assert response.status == 200, text
    assert f"Deleted {len(old_ids)} Magento categories" in text
    assert f"created {first.created}" in text and "failed 0" in text
    assert any(r.__dict__.get("user") == "tess" for r in caplog.records
               if "categories reset" in r.getMessage())
    new_ids = {int(b.magento_id) for b in await w.engine.stores.bindings.list_bindings(
        "default", "categories")}
    assert len(new_ids) == len(old_ids) and not new_ids & old_ids
    assert {c["id"] for c in w.magento.state.categories if c["level"] >= 2} == new_ids
    # a dry run confirms once
    response = await c.post("/categories/reset", data={"csrf_token": token, "plan": plan,
                                                       "confirm": "yes"})
    assert response.status == 409


async def test_technical_admin_installs_and_removes_the_webhooks(realtime_world: World) -> None:
    w = realtime_world
    c = w.client
    token = await login(c, "tess")
    text = await (await c.get("/webhooks")).text()
    assert "https://sync.example.com" in text and 'id="install-webhooks"' in text
    text = await (await c.post("/webhooks/install", data={"csrf_token": token})).text()
    assert "installed: product.public.category (created)" in text
    assert WEBHOOK_SECRET not in text
    [hook] = await list_odoo_webhooks(w.engine.odoo)
    assert hook.model == "product.public.category" and hook.active
    assert hook.url == "https://sync.example.com/odoo/webhook/***"
    text = await (await c.post("/webhooks/install", data={"csrf_token": token})).text()
    assert "product.public.category (refreshed)" in text
    assert len(await list_odoo_webhooks(w.engine.odoo)) == 1  # refreshed, not doubled
    response = await c.post("/webhooks/remove", data={"model": "product.public.category"})
    assert response.status == 403  # no CSRF token
    assert len(await list_odoo_webhooks(w.engine.odoo)) == 1
    text = await (await c.post("/webhooks/remove", data={
        "csrf_token": token, "model": "product.public.category"})).text()
    assert "removed 1 webhook automations: product.public.category" in text
    assert await list_odoo_webhooks(w.engine.odoo) == []
    assert not [r for r in w.odoo.table("ir.actions.server").values()
                if "webhook" in str(r.get("name", "")).lower()
                and r.get("state") == "webhook"]


async def test_install_needs_the_public_url_and_secret_in_the_settings(world: World) -> None:
    c = world.client
    token = await login(c, "tess")
    text = await (await c.get("/webhooks")).text()
    assert "realtime.public_url is not set" in text
    text = await (await c.post("/webhooks/install", data={
        "csrf_token": token, "public_url": "https://evil.example.com"})).text()
    assert "not installed: realtime.public_url is not set" in text
    assert await list_odoo_webhooks(world.engine.odoo) == []
    token = await csrf_of(c, "/webhooks")
    text = await (await c.post("/webhooks/remove", data={"csrf_token": token})).text()
    assert "nothing removed" in text
