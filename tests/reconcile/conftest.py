"""Both demo fakes on loopback, the real engine over them (memory stores), for reconciling."""

from __future__ import annotations

from collections.abc import AsyncIterator

import attrs
import pytest

from magodoo.backends import Stores, memory_stores
from magodoo.engine import SyncEngine, connect
from magodoo.engine.wiring import Connection
from magodoo.magento import MagentoClient
from magodoo.odoo import OdooClient
from magodoo.testing import FakeMagento, FakeOdoo, serve
from tests.engine.conftest import FAST_RETRY, make_settings


@attrs.define
class Pair:
    """The fakes and the connection (clients, stores, engine) over them."""

    fake_magento: FakeMagento
    fake_odoo: FakeOdoo
    conn: Connection

    @property
    def magento(self) -> MagentoClient:
        return self.conn.magento

    @property
    def odoo(self) -> OdooClient:
        return self.conn.odoo

    @property
    def stores(self) -> Stores:
        return self.conn.stores

    @property
    def engine(self) -> SyncEngine:
        return self.conn.engine


@pytest.fixture
async def pair() -> AsyncIterator[Pair]:
    fake_magento, fake_odoo = FakeMagento(seed="demo"), FakeOdoo(seed="demo")
    async with serve(fake_magento.app) as magento_url, serve(fake_odoo.app) as odoo_url:
        settings = make_settings(magento_url, odoo_url, fake_magento.admin_token())
        async with await connect(settings, stores=memory_stores(), retry=FAST_RETRY) as conn:
            yield Pair(fake_magento, fake_odoo, conn)
