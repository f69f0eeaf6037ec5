"""Hostile webhooks: ids out of range, deep JSON, bodies that never come (issue 7 items 6, 9);
and a job that crashes the engine fails alone, logged."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlsplit

import aiohttp
import pytest

from magodoo.backends import Direction, JobState, LogFilter, LogStatus, Trigger
from magodoo.realtime import WebhookReceiver
from magodoo.testing import serve
from tests.realtime.conftest import SECRET, World

MODEL = "product.public.category"


async def _post(url: str, body: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.post(
        url, data=body, headers={"Content-Type": "application/json"}
    ) as response:
        return response.status, await response.text()


@pytest.mark.parametrize("rid", [2**63, 2**31, 0, -5])
async def test_ids_out_of_range_are_refused_at_the_door(world: World, rid: int) -> None:
    receiver = WebhookReceiver(world.engine, SECRET, delay=0.0)
    async with serve(receiver.app()) as base:
        status, text = await _post(receiver.url(base), json.dumps({"_model": MODEL, "_id": rid}))
    assert status == 422, text
    assert json.loads(text)["error"].startswith("_id")
    assert sum((await world.engine.stores.jobs.counts()).values()) == 0


async def test_the_largest_odoo_id_is_accepted(world: World) -> None:
    receiver = WebhookReceiver(world.engine, SECRET, delay=0.0)
    async with serve(receiver.app()) as base:
        status, text = await _post(receiver.url(base),
                                   json.dumps({"_model": MODEL, "_id": 2**31 - 1}))
    assert status == 200, text


@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000,
    '{"_model": "product.public.category", "_id": 5, "x": ' + '{"a": ' * 30_000 + "1"
    + "}" * 30_001,
])
async def test_deeply_nested_json_is_a_400(world: World, body: str) -> None:
    receiver = WebhookReceiver(world.engine, SECRET, delay=0.0)
    async with serve(receiver.app()) as base:
        status, text = await _post(receiver.url(base), body)
    assert status == 400, text
    assert "nested" in json.loads(text)["error"]


async def test_a_body_that_never_comes_is_cut_off(world: World) -> None:
    receiver = WebhookReceiver(world.engine, SECRET, delay=0.0, body_timeout=0.2)
    async with serve(receiver.app()) as base:
        url = urlsplit(receiver.url(base))
        reader, writer = await asyncio.open_connection(url.hostname, url.port)
        writer.write((f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
                      "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                      '{"_model": ').encode())
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 10)
        writer.close()
        await writer.wait_closed()
    assert status_line.split()[1] == b"408"
    assert sum((await world.engine.stores.jobs.counts()).values()) == 0


async def test_a_job_that_crashes_fails_alone_and_is_logged(world: World) -> None:
    """A record key the store cannot hold (an id past 64 bits) must not take the valid jobs
    claimed with it down."""
    (good,) = await world.conn.odoo.create(MODEL, [{"name": "Desks"}])
    await world.engine.enqueue("categories", Direction.ODOO_TO_MAGENTO, [good, str(2**64)],
                               trigger=Trigger.BATCH)
    assert await world.engine.work_once("w") == 2
    counts = await world.engine.stores.jobs.counts()
    assert counts[JobState.WAITING] + counts[JobState.CLAIMED] == 0
    assert counts[JobState.DEAD] == 1
    (dead,) = await world.engine.stores.jobs.dead()
    assert dead.record_key == str(2**64)
    assert await world.engine.stores.bindings.get_by_odoo("default", "categories", good)
    failed = await world.engine.stores.log.query(LogFilter(status=LogStatus.FAILED))
    assert [e.odoo_ref for e in failed] == [str(2**64)]
