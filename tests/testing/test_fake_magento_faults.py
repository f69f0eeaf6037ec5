"""Fault injection of the fake Magento: latency, 503s, 429s, dropped connections, counters."""

from __future__ import annotations

import time
from pathlib import Path

import aiohttp
import pytest

from magodoo.testing.fake_magento import FakeMagento

WEBSITES = "/rest/V1/store/websites"


async def test_counters_use_route_templates(
    fake_magento: FakeMagento,
    magento_url: str,
    magento_session: aiohttp.ClientSession,
    admin_headers: dict[str, str],
) -> None:
    for sku in ("A", "B"):
        async with magento_session.get(
            f"{magento_url}/rest/default/V1/products/{sku}", headers=admin_headers
        ) as resp:
            assert resp.status == 404
    assert fake_magento.counters["GET /V1/products/{sku}"] == 2
    assert fake_magento.total_requests == 2


async def test_fail_next_then_normal(
    fake_magento: FakeMagento,
    magento_url: str,
    magento_session: aiohttp.ClientSession,
    admin_headers: dict[str, str],
) -> None:
    fake_magento.faults.fail_next = [503, 429]
    statuses = []
    for _ in range(3):
        async with magento_session.get(magento_url + WEBSITES, headers=admin_headers) as resp:
            statuses.append(resp.status)
            if resp.status == 429:
                assert resp.headers["Retry-After"] == str(fake_magento.faults.retry_after)
    assert statuses == [503, 429, 200]


async def test_rate_limit_every_nth(
    fake_magento: FakeMagento,
    magento_url: str,
    magento_session: aiohttp.ClientSession,
    admin_headers: dict[str, str],
) -> None:
    fake_magento.faults.rate_limit_every = 3
    fake_magento.faults.retry_after = 7
    statuses = []
    for _ in range(6):
        async with magento_session.get(magento_url + WEBSITES, headers=admin_headers) as resp:
            statuses.append(resp.status)
            if resp.status == 429:
                assert resp.headers["Retry-After"] == "7"
                assert await resp.json() == {"message": "Too Many Requests"}
    assert statuses == [200, 200, 429, 200, 200, 429]


async def test_error_rate_is_seeded(
    fake_magento: FakeMagento,
    magento_url: str,
    magento_session: aiohttp.ClientSession,
    admin_headers: dict[str, str],
) -> None:
    fake_magento.faults.error_rate = 0.5
    fake_magento.faults.reseed(42)
    first = []
    for _ in range(10):
        async with magento_session.get(magento_url + WEBSITES, headers=admin_headers) as resp:
            first.append(resp.status)
    fake_magento.faults.reseed(42)
    second = []
    for _ in range(10):
        async with magento_session.get(magento_url + WEBSITES, headers=admin_headers) as resp:
            second.append(resp.status)
    assert first == second
    assert set(first) == {200, 503}


async def test_latency(
    fake_magento: FakeMagento,
    magento_url: str,
    magento_session: aiohttp.ClientSession,
    admin_headers: dict[str, str],
) -> None:
    fake_magento.faults.latency = 0.05
    start = time.monotonic()
    async with magento_session.get(magento_url + WEBSITES, headers=admin_headers) as resp:
        assert resp.status == 200
    assert time.monotonic() - start >= 0.05


async def test_dropped_connection(
    fake_magento: FakeMagento,
    magento_url: str,
    magento_session: aiohttp.ClientSession,
    admin_headers: dict[str, str],
) -> None:
    # aiohttp retries an idempotent request once on a dropped connection: drop two.
    fake_magento.faults.drop_next = 2
    with pytest.raises((aiohttp.ServerDisconnectedError, aiohttp.ClientOSError)):
        async with magento_session.get(magento_url + WEBSITES, headers=admin_headers) as resp:
            await resp.read()
    async with magento_session.get(magento_url + WEBSITES, headers=admin_headers) as resp:
        assert resp.status == 200


async def test_drop_rate(
    fake_magento: FakeMagento,
    magento_url: str,
    magento_session: aiohttp.ClientSession,
    admin_headers: dict[str, str],
) -> None:
    fake_magento.faults.drop_rate = 1.0
    with pytest.raises((aiohttp.ServerDisconnectedError, aiohttp.ClientOSError)):
        async with magento_session.get(magento_url + WEBSITES, headers=admin_headers) as resp:
            await resp.read()


async def test_connection_close_as_the_recorded_store(reference_dir: Path) -> None:
    import json

    from magodoo.testing import FakeMagento, serve

    recorded = json.loads((reference_dir / "magento/samples-2.4.6/05_store_websites.json")
                          .read_text())
    headers = {k.lower(): v for k, v in recorded["response"]["headers"].items()}
    fake = FakeMagento(seed="demo")
    async with serve(fake.app) as url, aiohttp.ClientSession() as session:
        response = await session.get(f"{url}/rest/V1/store/websites")
        response.release()
    assert response.status == 401
    assert response.headers.get("Connection", "").lower() == headers["connection"].lower()
