"""Both fakes on loopback and an engine over them, with categories in real time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from magodoo._http import RetryPolicy
from magodoo.backends import open_sqlite_stores
from magodoo.engine import SyncEngine, connect
from magodoo.engine.wiring import Connection
from magodoo.settings import (
    EntitySettings,
    MagentoSettings,
    OdooSettings,
    Settings,
    StoreSettings,
)
from magodoo.testing import serve
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo

SECRET = "s3cret-webhook-token-for-tests-0042"
FAST_RETRY = RetryPolicy(max_tries=2, base=0.0, max_wait=0.0, jitter=False, max_time=5.0)


@attrs.define
class World:
    magento: FakeMagento
    odoo: FakeOdoo
    magento_url: str
    odoo_url: str
    conn: Connection

    @property
    def engine(self) -> SyncEngine:
        return self.conn.engine


def settings_for(magento_url: str, odoo_url: str, token: str, path: Path,
                 **entities: EntitySettings) -> Settings:
    return Settings(
        magento=MagentoSettings(url=magento_url, auth="token", token=token),
        odoo=OdooSettings(url=odoo_url, database="magodoo", username="admin",
                          api_key="magodoo-test-key"),
        stores=StoreSettings(kind="sqlite", path=str(path)),
        retry_backoff_seconds=0.0, worker_poll_seconds=0.05,
        entities=entities or {"categories": EntitySettings(realtime=True),
                              "customers": EntitySettings(realtime=True)},
    )


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    magento = FakeMagento(seed=None)
    odoo = FakeOdoo(seed="demo")
    async with serve(magento.app) as murl, serve(odoo.app) as ourl:
        path = tmp_path / "stores.sqlite3"
        settings = settings_for(murl, ourl, magento.admin_token(), path)
        stores = await open_sqlite_stores(path)
        async with await connect(settings, stores=stores, retry=FAST_RETRY) as conn:
            yield World(magento, odoo, murl, ourl, conn)


async def eventually(check: Callable[[], Any], within: float = 5.0) -> Any:
    """Poll ``check`` until it returns something truthy; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.02)
